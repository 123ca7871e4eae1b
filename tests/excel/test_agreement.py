"""The agreement column of the live workbooks' table functions: the engine's row against the formulas' row."""

from __future__ import annotations

from svexcel.excel.agreement import agreement, rows_by, same
from svexcel.xlsx.tables import cell_text


def test_same_within_1e_9_and_blanks_alike() -> None:
    assert same(1e6, 1e6 * (1 + 1e-10)) and not same(1.0, 1.0 + 1e-6)
    assert same(None, "") and not same(None, 0.0) and same("Good", "Good") and not same("Good", "good")


def test_rows_keyed_by_a_column_and_compared() -> None:
    table = [["No.", "Reference", "Points"], [1.0, "HC-1", 12.0], [2.0, " hc-2 ", 3.0], [3.0, None, 1.0]]
    rows = rows_by(table, "Reference", 0, lambda v: cell_text(v).casefold())
    assert list(rows) == ["hc-1", "hc-2"] and rows["hc-2"]["Points"] == 3.0
    assert rows_by([], "Reference", 0, str) == {}
    assert agreement(["Points"], [12.0], rows["hc-1"], "No: not there") == "Yes"
    assert agreement(["Points"], [12.5], rows["hc-1"], "No: not there") == "No: Points 12 (engine 12.5)"
    assert agreement(["Points"], [None], rows["hc-1"], "No: not there") == "No: Points 12 (engine blank)"
    assert agreement(["Points"], [12.0], None, "No: not there") == "No: not there"
