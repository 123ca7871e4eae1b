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
from row_edits import FRAMEWORK_ROWS, Expected, names, row_cases
from test_live_checks import failing_checks, shown
from test_live_workbook import assert_matches_engine

from svexcel.core.findings import Finding
from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework, FrameworkError
from svexcel.panel.marks import read_quality
from svexcel.tender.live.actions import reports_refused
from svexcel.tender.live.checks import ANCHOR_COL, ANCHOR_TOP, ROW_TYPES
from svexcel.tender.live.inputs import live_findings, read_live_workbook
from svexcel.tender.live.layout import SCORES_HEADER_ROW
from svexcel.tender.live.workbook import build_from_folder
from svexcel.xlsx.reader import Workbook

HILLSIDE = "hillside-community-trust.xlsx"
# A row an officer might add to each table: (column, value) pairs.
NEW_ROWS: dict[str, list[tuple[str, object]]] = {
    "Settings": [("A", "max_points"), ("B", 50)],
    **FRAMEWORK_ROWS,
    "Returns": [("A", "late-return.xlsx"), ("B", "Late Ltd"), ("C", 1000), ("D", 5)],
    "Quality": [("A", HILLSIDE), ("B", "Hillside Community Trust"), ("C", 100), ("D", 100)],
}


def cases(built: Path) -> dict[str, tuple[list[Step], Expected]]:
    """Edit name -> (LibreOffice steps, the failing check's type and cell, or None when every check passes)."""
    out = row_cases(built, ANCHOR_COL, ANCHOR_TOP, ROW_TYPES, NEW_ROWS)
    out["Themes-deleted"] = ([("delete", "Themes", 3, 1)], ("framework-changed", "Themes!A3"))
    out["Returns-deleted"] = ([("delete", "Returns", 5, 1)], ("returns-changed", "Returns!A5"))
    out["Quality-deleted"] = ([("delete", "Quality", 3, 1)], ("returns-changed", "Quality!A3"))
    out["Settings-above-header"] = ([("insert", "Settings", 1, 1)], ("row-inserted", "Settings!A1"))
    out.update(MORE)
    return out


# After rows moved, a check names the cell as it is now (a blank row inserted above moves the cell down); one scale: a
# mark not on the QualityScale, and 75% typed (0.75 in a cell formatted as a percentage).
MORE: dict[str, tuple[list[Step], Expected]] = {
    "mark-60-below-a-blank-row": ([("insert", "Quality", 3, 1), ("number", "Quality", "D8", 60)], ("off-scale", "Quality!D8")),
    "weight-text-below-a-blank-row": ([("insert", "Themes", 2, 1), ("text", "Themes", "D5", "abc")], ("not-a-number", "Themes!D5")),
    "quantity-negative-below-a-blank-row": ([("insert", "Returns", 2, 1), ("number", "Returns", "D8", -5)],
                                            ("negative-quantity", "Returns!D8")),
    "mark-60": ([("number", "Quality", "C7", 60)], ("off-scale", "Quality!C7")),
    "mark-0.75": ([("number", "Quality", "C7", 0.75)], ("off-scale", "Quality!C7")),
    "mark-75-percent": ([("number", "Quality", "E7", 0.75), ("format", "Quality", "E7", "0%")], ("stored-as-percent", "Quality!E7")),
    "mark-100-percent": ([("number", "Quality", "C2", 1), ("format", "Quality", "C2", "0.0%")], ("stored-as-percent", "Quality!C2")),
    "mark-150": ([("number", "Quality", "D3", 150)], ("bad-quality-score", "Quality!D3")),
    "scale-level-text": ([("text", "QualityScale", "A3", "25")], ("not-a-number", "QualityScale!A3")),
    "scale-level-150": ([("number", "QualityScale", "A3", 150)], ("bad-quality-scale", "QualityScale!A3")),
}
CASES = [*names(NEW_ROWS), "Themes-deleted", "Returns-deleted", "Quality-deleted", "Settings-above-header", *MORE]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's live workbook."""
    return build_from_folder(None, tmp_path_factory.mktemp("built") / "live.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path


@pytest.fixture(scope="module")
def edited(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Expected]]:
    """Every case made by LibreOffice in its own copy, recalculated and saved (one soffice call for all)."""
    tmp = tmp_path_factory.mktemp("rows")
    jobs, expected = {}, {}
    for name, (steps, outcome) in cases(samples).items():
        copy = tmp / f"{name}.xlsm"
        shutil.copy(samples, copy)
        jobs[copy], expected[name] = steps, outcome
    saved = edit(jobs, tmp / "saved")
    return {path.stem: (out, expected[path.stem]) for path, out in saved.items()}


def names_cell(findings: list[Finding], kind: str, where: str) -> bool:
    """Whether an error finding of type ``kind`` names ``Sheet!Cell``."""
    return any(f.type == kind and f.severity == "error" and f"{f.sheet}!{f.cell}" == where for f in findings)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", CASES)
def test_each_edit_is_read_like_the_others_or_named_by_the_checks_and_the_engine(name: str, edited: dict[str, tuple[Path, Expected]]) -> None:
    saved, expected = edited[name]
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
def test_batch_and_make_reports_refuse_what_the_checks_refuse_on_quality(name: str, edited: dict[str, tuple[Path, Expected]],
                                                                         framework: Framework) -> None:
    """`svexcel batch --quality live.xlsx` and make_reports refuse the same edits, naming the same type."""
    saved, expected = edited[name]
    assert expected is not None
    _, findings = read_quality(saved, framework)
    assert expected[0] in {f.type for f in findings if f.severity == "error"}, findings
    refusal = reports_refused(read_live_workbook(saved))
    assert refusal is not None and refusal.startswith("No reports written")
