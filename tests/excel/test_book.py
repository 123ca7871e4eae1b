"""The helpers every UDF module stands on: ranges as the engine's sheets, answers or the reason there is none,
grid values as Excel's Range.Formula takes them; and neither helper module loads xlwings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from svexcel.core.findings import Finding
from svexcel.excel.book import CANNOT, answer, excel_value, problem_table, sheets_from_ranges
from svexcel.excel.grid import Formula
from svexcel.framework.model import FrameworkError


def test_ranges_become_sheets_the_engine_reads() -> None:
    sheets = sheets_from_ranges({"Themes": [("theme_id", "weight"), ("EQ", 2.0), (None, None)]})
    assert list(sheets) == ["Themes"]
    sheet = sheets["Themes"]
    assert sheet is not None and sheet.name == "Themes"
    assert (sheet.value(1, 1), sheet.value(2, 1), sheet.value(2, 2), sheet.value(3, 1)) == ("theme_id", "EQ", 2.0, None)


def test_an_answer_or_the_cells_to_correct() -> None:
    def read(a: list, b: list) -> int:
        if a == [[None]]:
            raise FrameworkError([Finding("missing-sheet", "error", "No Themes.", "live.xlsm", "Themes", "A1")])
        return len(a) + len(b)

    assert answer(read, {"ThemesTable": [[1], [2]], "OutcomesTable": [[3]]}, lambda n: [[n]], FrameworkError) == [[3]]
    refused = answer(read, {"ThemesTable": [[None]], "OutcomesTable": [[3]]}, lambda n: [[n]], FrameworkError)
    assert refused[0] == [CANNOT] and len(refused) == 2 and "No Themes." in refused[1][0] and "Themes!A1" in refused[1][0]
    # a range of the wrong shape: one sentence saying what to type
    assert answer(read, {"ThemesTable": 7.0, "OutcomesTable": [[3]]}, lambda n: [[n]], FrameworkError) == [
        ["Give the whole table with its header row here: type ThemesTable."]]
    with pytest.raises(ZeroDivisionError):  # only the refusal it is told of becomes a table: a bug still shows
        answer(lambda: 1 / 0, {}, lambda n: [[n]], FrameworkError)
    assert problem_table(ValueError("plain")) == [[CANNOT], ["plain"]]


def test_grid_values_as_range_formula_takes_them() -> None:
    assert excel_value(Formula("=SUM(A1:A2)")) == "=SUM(A1:A2)"
    assert excel_value("=1+1") == "'=1+1" and excel_value("007") == "'007"  # text stays text
    assert excel_value(None) == "" and excel_value(2.5) == 2.5


def test_importing_the_helpers_loads_no_xlwings() -> None:
    probe = "import sys, svexcel.excel.book, svexcel.excel.classic; print('xlwings' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"
