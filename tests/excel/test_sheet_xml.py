"""Grids written straight into the sheet XML: styles, text that stays text, cached values, clashes refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from libreoffice import convert
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from svexcel.excel.formats import GBP, POINTS
from svexcel.excel.grid import Formula, Grid
from svexcel.excel.sheet_xml import write_grids
from svexcel.excel.styles import format_column
from svexcel.framework.model import Framework
from svexcel.tender.live.workbook import build_live_workbook
from svexcel.tender.return_reader import Return
from svexcel.xlsx.reader import Workbook

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def live(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A live workbook of two returns whose names look like formulas, Excel escapes and XML."""
    quantities = {m.id: 1.0 for m in framework.measures}
    returns = [Return("a_x0041_.xlsx", EVIL, contract_value=1000.0, quantities=quantities),
               Return("b.xlsx", "Bell & <Sons>", contract_value=2000.0, quantities={**quantities, framework.measures[0].id: 3.0})]
    return build_live_workbook(framework, tmp_path_factory.mktemp("xml") / "live.xlsm", returns)


def test_data_cells_take_their_columns_format_and_headers_keep_their_own(live: Path) -> None:
    ws = load_workbook(live, keep_vba=True)["Scores"]
    assert [ws.cell(r, 3).number_format for r in (4, 5)] == [POINTS, POINTS]
    assert ws.cell(4, 3).data_type == "f" and ws.cell(4, 1).data_type == "f"
    assert ws.cell(3, 3).value == "Points" and ws.cell(3, 3).font.b  # the header's own style, not the column's
    returns = load_workbook(live, keep_vba=True)["Returns"]
    assert returns.cell(2, 3).number_format == GBP and returns.cell(2, 3).value == 1000.0


@pytest.mark.libreoffice
def test_text_stays_text_as_typed_through_libreoffice(live: Path, tmp_path: Path) -> None:
    """A formula-like name is text, ``_x0041_`` is not decoded, ``&`` and ``<`` are escaped."""
    recalculated = convert([live], "xlsx", tmp_path)[0]
    for path in (live, recalculated):
        with Workbook(path) as book:
            returns = book.sheet("Returns")
            assert returns is not None
            assert [returns.value(r, 1) for r in (2, 3)] == ["a_x0041_.xlsx", "b.xlsx"]
            assert [returns.value(r, 2) for r in (2, 3)] == [EVIL, "Bell & <Sons>"]
    assert load_workbook(recalculated)["Returns"]["B2"].data_type == "s"


def test_cached_values_sit_beside_their_formulas(live: Path) -> None:
    """Text results are escaped as LibreOffice escapes them, so every reader that decodes ``_xHHHH_`` agrees."""
    with Workbook(live) as book:
        scores = book.sheet("Scores")
        assert scores is not None
        assert scores.value(4, 1) == "a_x0041_.xlsx"
        points = [scores.value(r, 3) for r in (4, 5)]
    assert all(isinstance(p, float) for p in points) and points[1] > points[0]  # b.xlsx offers more on the first measure


def test_a_cell_written_by_both_openpyxl_and_the_grid_is_refused(tmp_path: Path) -> None:
    """Also: a grid cell without a style of its own takes its column's; characters XML forbids are dropped."""
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "Sheet"
    ws["A1"] = "typed"
    format_column(ws, 2, number_format="0.0")
    path = tmp_path / "clash.xlsx"
    wb.save(path)
    write_grids(path, [Grid("Sheet", [[None, Formula("=1+1")], ["x\x0by"]], 1)], {"Sheet": {(1, 2): 2.0}})
    ws = load_workbook(path)["Sheet"]
    assert (ws["A1"].value, ws["B1"].value, ws["B1"].number_format, ws["A2"].value) == ("typed", "=1+1", "0.0", "xy")
    with pytest.raises(ValueError, match="Sheet!A1"):
        write_grids(path, [Grid("Sheet", [["again"]], 1)], {})


def test_text_longer_than_a_cell_holds_is_shortened(tmp_path: Path) -> None:
    """Excel holds at most 32,767 characters in a cell and repairs (empties) a workbook with more. A finding that quotes a
    return's longest evidence twice, or a pasted page of text, is shortened to fit, ending in an ellipsis."""
    wb = OpenpyxlWorkbook()
    wb.active.title = "Sheet"
    path = tmp_path / "long.xlsx"
    wb.save(path)
    long = "A&B " * 20_000
    write_grids(path, [Grid("Sheet", [[long, Formula('=""')], ["short"]], 1)], {"Sheet": {(1, 2): long}})
    with Workbook(path) as book:
        sheet = book.sheet("Sheet")
        assert sheet is not None
        text, cached = sheet.value(1, 1), sheet.value(1, 2)
    assert len(text) == len(cached) == 32_767 and text == cached == long[:32_766] + "…"
    assert load_workbook(path)["Sheet"]["A2"].value == "short"
