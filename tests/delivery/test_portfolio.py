"""The portfolio's figures come from one engine module (``delivery.portfolio``); the Word reports only word them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from svexcel.core.formatting import money, percent
from svexcel.delivery.batch import DeliveryBatchResult, run_delivery_batch
from svexcel.delivery.engine import RATINGS, DeliverySettings, monitor
from svexcel.delivery.portfolio import Brief, Totals, portfolio
from svexcel.delivery.reader import read_delivery
from svexcel.delivery.report import amount
from svexcel.framework.model import Framework, Outcome, Settings, Theme

THEMES = ("A", "B", "C")
FRAMEWORK = Framework(Settings("Test", "1"), tuple(Theme(t, f"Theme {t}") for t in THEMES), (Outcome("O", "A", "o"),), (), ())
pounds = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def briefs(draw: st.DrawFn) -> Brief:
    """A delivery workbook's brief: monitored (its £ split over the themes), rejected or superseded."""
    status = draw(st.sampled_from(["scored", "scored", "rejected", "superseded"]))
    supplier = draw(st.sampled_from(["", "Acme", "Beta", "acme"]))
    if status != "scored":
        return Brief(f"{status}.xlsx", status, supplier, errors=("Bad cell.",) if status == "rejected" else ())
    themes = {t: draw(st.tuples(pounds, pounds, pounds)) for t in THEMES}
    total = tuple(sum(themes[t][i] for t in THEMES) for i in range(3))
    return Brief("x.xlsx", status, supplier, draw(st.sampled_from(["R1", "R2", "R3"])), 2, 8, draw(st.sampled_from(RATINGS)),
                 draw(st.floats(0, 1)), 0.5, 0.5, total, themes)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(briefs(), max_size=8))
def test_totals_add_up_by_theme_and_by_supplier(given_briefs: list[Brief]) -> None:
    p = portfolio(FRAMEWORK, given_briefs)
    scored = [b for b in given_briefs if b.status == "scored"]
    assert p.total.contracts == len(scored) == sum(p.ratings.values()) == sum(t.contracts for t in p.suppliers.values())
    for i, field_ in enumerate(("committed", "expected", "delivered")):
        total = getattr(p.total, field_)
        assert total == pytest.approx(sum(b.money[i] for b in scored), abs=1e-6)
        assert sum(getattr(t, field_) for t in p.suppliers.values()) == pytest.approx(total, abs=1e-6)
        assert sum(getattr(t, field_) for t in p.themes.values()) == pytest.approx(total, abs=1e-6)
    assert list(p.themes) == list(THEMES) and list(p.ratings) == list(RATINGS)
    committed = [t.committed for t in p.suppliers.values()]
    assert committed == sorted(committed, reverse=True)
    assert [(RATINGS.index(b.rating), b.share) for b in p.contracts] == sorted((RATINGS.index(b.rating), b.share) for b in p.contracts)
    assert (len(p.rejected), len(p.superseded)) == tuple(sum(b.status == s for b in given_briefs) for s in ("rejected", "superseded"))
    assert all(t.share is None if t.expected <= 0 else t.share == t.delivered / t.expected for t in (p.total, *p.themes.values()))


@pytest.fixture(scope="module")
def batch(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> tuple[DeliveryBatchResult, Path]:
    """The shipped delivery samples through the batch."""
    from svexcel.core.paths import DELIVERY_SAMPLES

    root = tmp_path_factory.mktemp("portfolio")
    shutil.copytree(DELIVERY_SAMPLES, root / "in")
    result = run_delivery_batch(root / "in", root / "out", framework=framework, settings=DeliverySettings(), date=dt.date(2026, 11, 1))
    return result, root


def tables(path: Path) -> list[tuple[list[str], list[list[str]]]]:
    """Every table of a .docx: its header row and its other rows, as cell texts."""
    return [([c.text for c in t.rows[0].cells], [[c.text for c in row.cells] for row in t.rows[1:]]) for t in Document(str(path)).tables]


def table(path: Path, *header: str) -> list[list[str]]:
    """The rows of the first table whose header row starts with ``header`` (none when the report has no such table)."""
    return next((rows for head, rows in tables(path) if tuple(head[:len(header)]) == header), [])


def money_row(name: str, totals: Totals) -> list[str]:
    return [name, str(totals.contracts), money(totals.committed), money(totals.expected), money(totals.delivered), percent(totals.share)]


def test_the_portfolio_report_shows_the_engines_totals(framework: Framework, batch: tuple[DeliveryBatchResult, Path]) -> None:
    result, root = batch
    p = portfolio(framework, result.briefs)
    report = root / "out" / "portfolio.docx"
    assert table(report, "Committed") == [money_row("All contracts", p.total)[2:]]
    assert table(report, "Theme") == [money_row(t.name, p.themes[t.id]) for t in framework.themes] + [money_row("All contracts", p.total)]
    assert table(report, "Supplier") == [money_row(name, totals) for name, totals in p.suppliers.items()]
    assert table(report, "Rating", "Contracts") == [[r, str(n)] for r, n in p.ratings.items()]
    assert [row[1] for row in table(report, "Rating", "Contract")] == [b.contract_reference for b in p.contracts]
    assert p.total.contracts == 3 and len(p.superseded) == 1


def test_the_delivery_report_lists_the_engines_shortfalls_worst_first(framework: Framework, batch: tuple[DeliveryBatchResult, Path]) -> None:
    result, root = batch
    listed = 0
    for brief in result.briefs:
        report = result.reports.get(brief.file)
        if report is None:
            continue
        read = read_delivery(root / "in" / brief.file, framework)
        figures = monitor(framework, DeliverySettings(), read.commitments, read.actuals, read.period, read.periods)
        shortfalls = table(root / "out" / report, "Measure", "Expected", "Delivered", "Short by")
        assert [row[0].split()[0] for row in shortfalls] == list(figures.behind), brief.file
        assert [row[3] for row in shortfalls] == [amount(figures.measures[i].shortfall) for i in figures.behind]
        listed += len(shortfalls)
    assert listed > 10
