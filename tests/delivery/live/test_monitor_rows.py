"""Inserted and deleted rows in the live monitoring workbook (SPEC §5 v3 rule, as for the scoring workbook).

Every edit is made by LibreOffice itself (``libreoffice.edit``: Insert Rows / Delete Rows through Calc's own API, with
every reference and defined name moved as Calc and Excel move them), then recalculated and saved by it. For each input
table a row directly under the header, between rows, just below the last row, and typed below without inserting: each
is either read like the others or makes the Checks fail naming that row, as it is now; the engine, reading the saved
file, names the same type and cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from libreoffice import Step, edit
from row_edits import FRAMEWORK_ROWS, Expected, names, row_cases
from test_monitor_workbook import assert_matches_engine, values, verdict

from svexcel.core.paths import DELIVERY_SAMPLES
from svexcel.delivery.live.checks import ANCHOR_COL, ANCHOR_TOP, CHECK_HEADER_ROW, ROW_TYPES
from svexcel.delivery.live.inputs import read_monitor_workbook
from svexcel.delivery.live.workbook import build_monitor_from_folder
from svexcel.xlsx.reader import Workbook

NEW_ROWS: dict[str, list[tuple[str, object]]] = {
    "Settings": [("A", "rag_green"), ("B", 0.5)],
    **FRAMEWORK_ROWS,
    "Contracts": [("A", 9), ("B", "late.xlsx"), ("C", "Late Ltd"), ("D", "HC-LATE"), ("F", 12), ("G", 1)],
    "Actuals": [("A", 1), ("B", "HC-2026-014"), ("C", "EQ1.1"), ("E", 500), ("F", 1), ("G", 400)],
}
# After rows moved, a check names the cell as it is now: a blank row inserted above moves the cell down.
MORE: dict[str, tuple[list[Step], Expected]] = {
    "figure-text-below-a-blank-row": ([("insert", "Actuals", 2, 1), ("text", "Actuals", "H4", "about 10")], ("not-a-number", "Actuals!H4")),
    "period-99-below-a-blank-row": ([("insert", "Contracts", 3, 1), ("number", "Contracts", "G4", 99)], ("bad-reporting-period", "Contracts!G4")),
    "periods-huge": ([("number", "Contracts", "F2", 1e18)], ("bad-periods", "Contracts!F2")),
    "Actuals-deleted": ([("delete", "Actuals", 5, 1)], ("deliveries-changed", "Actuals!A5")),
    "Contracts-deleted": ([("delete", "Contracts", 2, 1)], ("deliveries-changed", "Contracts!A2")),
    "Measures-deleted": ([("delete", "Measures", 6, 1)], ("framework-changed", "Measures!A6")),
}
CASES = [*names(NEW_ROWS), *MORE]


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Expected]]:
    """The samples' monitoring workbook, and every case made by LibreOffice in its own copy (one soffice call)."""
    tmp = tmp_path_factory.mktemp("monitor-rows")
    built = build_monitor_from_folder(None, tmp / "monitor.xlsm", DELIVERY_SAMPLES).path
    jobs, expected = {}, {}
    for name, (steps, outcome) in (row_cases(built, ANCHOR_COL, ANCHOR_TOP, ROW_TYPES, NEW_ROWS) | MORE).items():
        copy = tmp / f"{name}.xlsm"
        shutil.copy(built, copy)
        jobs[copy], expected[name] = steps, outcome
    saved = edit(jobs, tmp / "saved")
    return {path.stem: (out, expected[path.stem]) for path, out in saved.items()}


def problems(saved: Path) -> list[str]:
    """The Checks sheet's failing problems in list order ("type|Sheet!Cell")."""
    with Workbook(saved) as book:
        checks = book.sheet("Checks")
        assert checks is not None
        return [str(cell.value) for (r, c), cell in sorted(checks.cells.items()) if c == 2 and r > CHECK_HEADER_ROW and cell.value]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", CASES)
def test_each_edit_is_read_like_the_others_or_named_by_the_checks_and_the_engine(name: str, edited: dict[str, tuple[Path, Expected]]) -> None:
    saved, expected = edited[name]
    status = str(values(saved, "Checks")[0]["Checks"])
    findings = verdict(saved)
    if expected is None:
        assert status.startswith("All checks pass"), status
        inputs = read_monitor_workbook(saved)
        assert inputs.findings == []
        assert_matches_engine(saved, inputs)
        return
    kind, where = expected
    assert status.startswith("CHECK: ") and f"Fix {where} ({kind})" in status, status
    assert problems(saved)[0] == f"{kind}|{where}", problems(saved)
    assert (kind, where) in {(f.type, f"{f.sheet}!{f.cell}") for f in findings if f.severity == "error"}, findings
    figures = values(saved, "ContractFigures")
    assert figures and all(r[h] == "CHECK" for r in figures for h in ("£ delivered", "share_value", "rating"))
