"""The xlsx stream writer behind summary.xlsx and delivery-summary.xlsx: tables row by row, text kept as text, number
formats by column, filters, and a file that appears only once complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from svexcel.excel.formats import GBP
from svexcel.excel.stream import xlsx_stream


def test_tables_fill_row_by_row_in_any_order_of_sheets(tmp_path: Path) -> None:
    with xlsx_stream(tmp_path / "out.xlsx", tmp_path) as stream:
        stream.table("People", ("Name", "Pay"), (20, 12), (None, GBP))
        stream.table("Notes", ("Note",), (40,), filter=False)
        stream.add_row("People", ["=1+1", 1234.5])
        stream.add_row("Notes", ["@risk"])
        stream.add_row("People", ["Ann", None, True, ""])  # a blank, a flag and an empty string write nothing
    wb = load_workbook(tmp_path / "out.xlsx")
    people = wb["People"]
    assert [[c.value for c in row] for row in people.iter_rows()] == [["Name", "Pay"], ["=1+1", 1234.5], ["Ann", None]]
    assert people["A2"].data_type == "s" and people["A2"].quotePrefix and people["B2"].number_format == GBP
    assert people.auto_filter.ref == "A1:B3" and people.freeze_panes == "A2" and people.column_dimensions["A"].width > 19
    assert wb["Notes"]["A2"].value == "@risk" and wb["Notes"]["A2"].data_type == "s" and not wb["Notes"].auto_filter.ref
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]  # row files gone too


def test_an_interrupted_stream_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), xlsx_stream(tmp_path / "out.xlsx", tmp_path) as stream:
        stream.table("People", ("Name",), (20,))
        stream.add_row("People", ["Ann"])
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []  # no half-written workbook, no row files
