"""The engine owns every figure the reports show: points available per theme and each component's share of a
theme score (SPEC §3) are computed once, in ``scoring``, and the reports, the assessment summary and the live
workbook's explanation show those figures."""

from __future__ import annotations

import io

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from svexcel.framework.model import COMPONENTS, Framework, Measure, Outcome, Settings, Theme
from svexcel.tender.award import available_total, importance
from svexcel.tender.reports.examples import EXAMPLE_DATE, example_award, example_results
from svexcel.tender.reports.reporter import Reporter
from svexcel.tender.scoring import (
    assess,
    compete,
    component_shares,
    harms_value,
    points_available,
    theme_parts,
    theme_points,
    theme_score,
)

weights = st.one_of(st.just(0.0), st.floats(1e-3, 10))  # as typed on Settings and Themes (no subnormal weights)


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    """A framework of 1–5 themes, each with monetised and/or target measures or none, and random weights."""
    component = draw(st.tuples(weights, weights, weights).filter(lambda w: sum(w) > 0))
    theme_weights = draw(st.lists(weights, min_size=1, max_size=5).filter(lambda w: sum(w) > 0))
    themes, outcomes, measures = [], [], []
    for i, weight in enumerate(theme_weights):
        tid = f"T{i}"
        themes.append(Theme(tid, f"Theme {i}", weight=weight))
        outcomes.append(Outcome(f"{tid}.o", tid, "outcome"))
        for kind in draw(st.sets(st.sampled_from(["monetised", "target"]))):
            measures.append(Measure(f"{tid}.{kind}", f"{tid}.o", tid, kind, "unit", kind, "benefit",
                                    proxy_gbp=10.0 if kind == "monetised" else None, target=5.0 if kind == "target" else None))
    settings_ = Settings("Random", "1", max_points=draw(st.floats(0.5, 100)), weight_monetised=component[0],
                         weight_attainment=component[1], weight_quality=component[2])
    return Framework(settings_, tuple(themes), tuple(outcomes), tuple(measures), ())


@settings(max_examples=200, deadline=None)
@given(framework=frameworks())
def test_points_available_per_theme_add_up_to_max_points(framework: Framework) -> None:
    available = points_available(framework)
    assert list(available) == [t.id for t in framework.themes]
    assert sum(available.values()) == pytest.approx(framework.settings.max_points, rel=1e-12)
    assert all(points >= 0 for points in available.values())


@settings(max_examples=200, deadline=None)
@given(framework=frameworks(), parts=st.sets(st.sampled_from(COMPONENTS)))
def test_component_shares_add_up_to_one_over_the_components_present(framework: Framework, parts: set[str]) -> None:
    shares = component_shares(framework, parts)
    weighted = [c for c in parts if framework.settings.component_weight(c) > 0]
    assert sorted(shares) == sorted(weighted)
    assert sum(shares.values()) == (pytest.approx(1.0, rel=1e-12) if weighted else 0)
    for a in shares:  # renormalised: the shares keep the weights' proportions
        for b in shares:
            assert shares[a] * framework.settings.component_weight(b) == pytest.approx(shares[b] * framework.settings.component_weight(a))


@settings(max_examples=200, deadline=None)
@given(framework=frameworks(), data=st.data())
def test_theme_scores_and_points_are_the_shares_applied(framework: Framework, data: st.DataObject) -> None:
    quantities = {m.id: data.draw(st.one_of(st.none(), st.floats(0, 1e4))) for m in framework.measures}
    marks = {t.id: data.draw(st.one_of(st.none(), st.floats(0, 100))) for t in framework.themes}
    rival = assess(framework, {m.id: 3.0 for m in framework.measures}, None)
    score = compete(framework, [assess(framework, quantities, 1e6), rival], [marks, {}])[0]
    for theme in framework.themes:
        result = score.themes[theme.id]
        values = {"monetised": result.monetised, "attainment": result.attainment, "quality": result.quality}
        shares = component_shares(framework, result.parts)
        assert result.score == pytest.approx(sum(share * values[c] for c, share in shares.items()), abs=1e-12)  # type: ignore[operator]
        assert result.score == pytest.approx(theme_score(framework, values), abs=1e-15)
        assert set(result.parts) <= set(theme_parts(framework, theme.id))
    earned = theme_points(framework, score)
    available = points_available(framework)
    assert sum(earned.values()) == pytest.approx(score.points, abs=1e-9)
    assert all(earned[t] == available[t] * score.themes[t].score for t in earned)


def test_a_theme_without_targets_splits_its_score_between_the_parts_it_has(framework: Framework) -> None:
    """Self-help/empowerment (SH) has monetised measures only: value and quality share its score 50/50 (SPEC §3), not the
    40/20/40 of a theme with all three components that the evaluation report's component table showed for every theme."""
    assert framework.theme_components("SH") == ("monetised",)
    assert component_shares(framework, theme_parts(framework, "SH")) == {"monetised": 0.5, "quality": 0.5}
    assert component_shares(framework, COMPONENTS) == pytest.approx({"monetised": 0.4, "attainment": 0.2, "quality": 0.4})
    assert component_shares(framework, theme_parts(framework, "EQ")) == pytest.approx({"monetised": 0.4, "attainment": 0.2, "quality": 0.4})


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + ["|".join(c.text for c in row.cells) for t in doc.tables for row in t.rows])


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def test_reports_and_the_assessment_summary_show_the_engines_figures(framework: Framework) -> None:
    reporter = Reporter(framework, assessment=True)
    results, competition = example_results(framework)
    evaluation = text_of(reporter.evaluation(results[0], competition))
    comparison = text_of(reporter.comparison(results, competition))
    result, view = example_award(framework)
    summary, missing = reporter.assessment_summary(result, view, EXAMPLE_DATE)
    assert missing == [] and summary is not None
    summary_text = text_of(summary)
    available, earned = points_available(framework), theme_points(framework, results[0].score)  # type: ignore[arg-type]
    for theme in framework.themes:
        shares = component_shares(framework, theme_parts(framework, theme.id))
        row = "|".join([theme.name, *(percent(shares.get(c)) for c in COMPONENTS)])
        assert row in evaluation and row in comparison, row
        assert f"{theme.name}|{theme.weight:g}|20.0%|{available[theme.id]:.2f}" in evaluation
        assessed = [f"({percent(share)})" for share in shares.values()]
        line = next(line for line in summary_text.splitlines() if line.startswith(f"Social value: {theme.name}|"))
        assert all(a in line for a in assessed) and line.count("%)") == len(shares), line
        assert f"of the {available[theme.id]:.2f} points available gives {earned[theme.id]:.2f} points" in summary_text
    assert "quality scale (50%)" in next(line for line in summary_text.splitlines() if line.startswith("Social value: Self-help/empowerment|"))
    weight = importance(available, available_total(framework.settings.max_points, view.available))
    for theme in framework.themes:
        assert f"Social value: {theme.name}|20.0% of the social value points; {weight[theme.id] * 100:.1f}% of all points" in summary_text


def test_harms_value_is_what_the_summary_subtracts(framework: Framework) -> None:
    harms = [m for m in framework.measures if m.direction == "harm"]
    assessment = assess(framework, {harms[0].id: 2.0}, None)
    assert harms_value(framework, assessment) == pytest.approx(2.0 * (harms[0].proxy_gbp or 0) * (1 - harms[0].deadweight))
    assert harms_value(framework, assess(framework, {}, None)) == 0
