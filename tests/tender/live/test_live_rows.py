"""Inserted and deleted rows in the live scoring workbook (SPEC §5 v3), and one scale for its marks (SPEC §7 v3).

Every edit is made by LibreOffice itself (``libreoffice.edit``: Insert Rows / Delete Rows through Calc's own API,
with every reference and defined name moved as Calc moves them, which is what Excel does too), then recalculated
and saved by it. For each input table a row directly under the header, a row between rows, a row just below the
last row, and a row typed below without inserting: each is either read like the others or makes the Checks fail
naming that row, as it is now; the engine, reading the saved file, names the same type and cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import quality_of
from libreoffice import Step, edit
from test_live_checks import failing_checks, shown
from test_live_workbook import assert_matches_engine

from svexcel.core.findings import Finding
from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import SETTING_NOTES, Framework, FrameworkError
from svexcel.panel.marks import read_quality
from svexcel.tender.live.actions import reports_refused
from svexcel.tender.live.inputs import live_findings, read_live_workbook
from svexcel.tender.live.layout import SCORES_HEADER_ROW
from svexcel.tender.live.workbook import build_from_folder
from svexcel.xlsx.reader import Workbook

HILLSIDE = "hillside-community-trust.xlsx"
# A row an officer might add to each table: (column, value) pairs.
NEW_ROWS: dict[str, list[tuple[str, object]]] = {
    "Settings": [("A", "max_points"), ("B", 50)],
    "Themes": [("A", "NEW"), ("B", "A new theme"), ("D", 3)],
    "Outcomes": [("A", "NEW1"), ("B", "EQ"), ("C", "A new outcome")],
    "Measures": [("A", "EQ9.9"), ("B", "EQ1"), ("C", "A new measure"), ("D", "people"), ("E", "monetised"), ("G", 10)],
    "QualityScale": [("A", 60), ("B", "Fair plus")],
    "Returns": [("A", "late-return.xlsx"), ("B", "Late Ltd"), ("C", 1000), ("D", 5)],
    "Quality": [("A", HILLSIDE), ("B", "Hillside Community Trust"), ("C", 100), ("D", 100)],
}
# What anything typed below a table's last row is.
BELOW = {"Settings": "framework-changed", "Themes": "framework-changed", "Outcomes": "framework-changed",
         "Measures": "framework-changed", "QualityScale": "framework-changed", "Returns": "return-not-scored",
         "Quality": "quality-row-not-read"}


def typed(sheet: str, row: int, values: list[tuple[str, object]]) -> list[Step]:
    """Steps typing ``values`` into ``row`` of ``sheet``."""
    return [("number" if isinstance(v, (int, float)) else "text", sheet, f"{col}{row}", v) for col, v in values]


def rows_of(framework: Framework, sheet: str) -> int:
    """Data rows of a table in the samples' workbook."""
    counts = {"Settings": len(SETTING_NOTES), "Themes": len(framework.themes), "Outcomes": len(framework.outcomes),
              "Measures": len(framework.measures), "QualityScale": len(framework.quality_scale), "Returns": 6, "Quality": 6}
    return counts[sheet]


def cases(framework: Framework) -> dict[str, tuple[list[Step], tuple[str, str] | None]]:
    """Edit name -> (LibreOffice steps, the failing check's type and cell, or None when every check passes)."""
    out: dict[str, tuple[list[Step], tuple[str, str] | None]] = {}
    for sheet, values in NEW_ROWS.items():
        last = rows_of(framework, sheet) + 1
        out[f"{sheet}-under-header"] = ([("insert", sheet, 2, 1), *typed(sheet, 2, values)], ("row-inserted", f"{sheet}!A2"))
        out[f"{sheet}-between"] = ([("insert", sheet, 4, 1), *typed(sheet, 4, values)], ("row-inserted", f"{sheet}!A4"))
        out[f"{sheet}-below-last"] = ([("insert", sheet, last + 1, 1), *typed(sheet, last + 1, values)],
                                      (BELOW[sheet], f"{sheet}!A{last + 1}"))
        out[f"{sheet}-typed-below"] = (typed(sheet, last + 1, values), (BELOW[sheet], f"{sheet}!A{last + 1}"))
        out[f"{sheet}-typed-further-below"] = (typed(sheet, last + 7, values[1:]), (BELOW[sheet], f"{sheet}!A{last + 7}"))
        out[f"{sheet}-blank-under-header"] = ([("insert", sheet, 2, 2)], None)
        out[f"{sheet}-blank-between"] = ([("insert", sheet, 4, 1)], None)
    out["Themes-deleted"] = ([("delete", "Themes", 3, 1)], ("framework-changed", "Themes!A3"))
    out["Returns-deleted"] = ([("delete", "Returns", 5, 1)], ("returns-changed", "Returns!A5"))
    out["Quality-deleted"] = ([("delete", "Quality", 3, 1)], ("returns-changed", "Quality!A3"))
    out["Settings-above-header"] = ([("insert", "Settings", 1, 1)], ("row-inserted", "Settings!A1"))
    # After rows moved, a check names the cell as it is now: the blank row inserted at 3 moves Hillside's row down.
    out["mark-60-below-a-blank-row"] = ([("insert", "Quality", 3, 1), ("number", "Quality", "D8", 60)], ("off-scale", "Quality!D8"))
    out["weight-text-below-a-blank-row"] = ([("insert", "Themes", 2, 1), ("text", "Themes", "D5", "abc")], ("not-a-number", "Themes!D5"))
    out["quantity-negative-below-a-blank-row"] = ([("insert", "Returns", 2, 1), ("number", "Returns", "D8", -5)],
                                                  ("negative-quantity", "Returns!D8"))
    # One scale: a mark not on the QualityScale, and 75% typed (0.75 in a cell formatted as a percentage).
    out["mark-60"] = ([("number", "Quality", "C7", 60)], ("off-scale", "Quality!C7"))
    out["mark-0.75"] = ([("number", "Quality", "C7", 0.75)], ("off-scale", "Quality!C7"))
    out["mark-75-percent"] = ([("number", "Quality", "E7", 0.75), ("format", "Quality", "E7", "0%")], ("stored-as-percent", "Quality!E7"))
    out["mark-100-percent"] = ([("number", "Quality", "C2", 1), ("format", "Quality", "C2", "0.0%")], ("stored-as-percent", "Quality!C2"))
    out["mark-150"] = ([("number", "Quality", "D3", 150)], ("bad-quality-score", "Quality!D3"))
    out["scale-level-text"] = ([("text", "QualityScale", "A3", "25")], ("not-a-number", "QualityScale!A3"))
    out["scale-level-150"] = ([("number", "QualityScale", "A3", 150)], ("bad-quality-scale", "QualityScale!A3"))
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's live workbook."""
    return build_from_folder(None, tmp_path_factory.mktemp("built") / "live.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path


@pytest.fixture(scope="module")
def edited(samples: Path, framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case made by LibreOffice in its own copy, recalculated and saved (one soffice call for all)."""
    tmp = tmp_path_factory.mktemp("rows")
    jobs = {}
    for name, (steps, _) in cases(framework).items():
        copy = tmp / f"{name}.xlsm"
        shutil.copy(samples, copy)
        jobs[copy] = steps
    saved = edit(jobs, tmp / "saved")
    return {path.stem: out for path, out in saved.items()}


def names_cell(findings: list[Finding], kind: str, where: str) -> bool:
    """Whether an error finding of type ``kind`` names ``Sheet!Cell``."""
    return any(f.type == kind and f.severity == "error" and f"{f.sheet}!{f.cell}" == where for f in findings)


def case_names() -> list[str]:
    """Every case, named without the framework (the shipped one decides the table sizes)."""
    from svexcel.core.paths import DEFAULT_FRAMEWORK
    from svexcel.framework.model import load_framework

    return list(cases(load_framework(DEFAULT_FRAMEWORK)))


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", case_names())
def test_each_edit_is_read_like_the_others_or_named_by_the_checks_and_the_engine(
        name: str, edited: dict[str, Path], framework: Framework) -> None:
    saved = edited[name]
    expected = cases(framework)[name][1]
    failing = failing_checks(saved)
    inputs_findings = live_findings(saved)
    if expected is None:
        assert failing == {}, failing
        assert [f for f in inputs_findings if f.severity == "error"] == []
        assert str(shown(saved, "Dashboard", "A3")).startswith("All checks pass")
        inputs = read_live_workbook(saved)
        assert_matches_engine(saved, inputs.framework, inputs.returns, inputs.scores())
        return
    kind, where = expected
    assert failing.get(kind) == where, failing
    assert names_cell(inputs_findings, kind, where), [(f.type, f.sheet, f.cell) for f in inputs_findings]
    try:
        read_live_workbook(saved)
    except FrameworkError:  # the engine stops at the framework: marks are not read, so their checks have no finding
        pass
    else:
        assert set(failing) <= {f.type for f in inputs_findings if f.severity == "error"}, (failing, inputs_findings)
    verdict = str(shown(saved, "Checks", "A2"))
    assert verdict.startswith("CHECK: ") and str(shown(saved, "Dashboard", "A3")) == verdict
    assert figures(saved) and set(figures(saved)) == {"CHECK"}


def figures(path: Path) -> list[object]:
    """Every Points, Rank and theme score on Scores (a deleted return's name may show #REF!; its figures show CHECK)."""
    with Workbook(path) as book:
        ws = book.sheet("Scores")
        assert ws is not None
        header = {cell.value: c for (r, c), cell in ws.cells.items() if r == SCORES_HEADER_ROW}
        columns = [header[h] for h in ("Points", "Rank", "EQ", "PA", "CC", "SH", "WB")]
        return [cell.value for (r, c), cell in ws.cells.items() if r > SCORES_HEADER_ROW and c in columns]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["Quality-under-header", "Quality-between", "Quality-typed-below", "mark-60", "mark-75-percent"])
def test_batch_and_make_reports_refuse_what_the_checks_refuse_on_quality(name: str, edited: dict[str, Path], framework: Framework) -> None:
    """`svexcel batch --quality live.xlsx` and make_reports refuse the same edits, naming the same type."""
    kind = cases(framework)[name][1][0]  # type: ignore[index]
    _, findings = read_quality(edited[name], framework)
    assert kind in {f.type for f in findings if f.severity == "error"}, findings
    refusal = reports_refused(read_live_workbook(edited[name]))
    assert refusal is not None and refusal.startswith("No reports written")
