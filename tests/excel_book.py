"""An open workbook as xlwings hands it to a script, over a saved .xlsx: the part of xlwings' Book that svexcel's
macros use (named ranges, sheet ranges, used range, copy_from, charts), for running the Lite scripts without Excel
and without xlwings' licensed Lite runtime. Values are read as Excel hands them over (numbers as floats, blanks as
None, text typed with a leading apostrophe without it); what the scripts write lands in the openpyxl workbook.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName


class Range:
    """A block of cells on one sheet (1-based, inclusive)."""

    def __init__(self, sheet: Sheet, top: int, left: int, bottom: int, right: int, ndim: int | None = None) -> None:
        self.sheet, self.top, self.left, self.bottom, self.right, self.ndim = sheet, top, left, bottom, right, ndim

    def cells(self) -> list[list[Any]]:
        ws = self.sheet.ws
        return [[ws.cell(r, c) for c in range(self.left, self.right + 1)] for r in range(self.top, self.bottom + 1)]

    def options(self, ndim: int | None = None) -> Range:
        return Range(self.sheet, self.top, self.left, self.bottom, self.right, ndim)

    @property
    def value(self) -> Any:
        rows = [[excel(self.sheet.book.shown(c)) for c in row] for row in self.cells()]
        if self.ndim == 2:
            return rows
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    @value.setter
    def value(self, value: Any) -> None:
        self.formula = value

    @property
    def formula(self) -> Any:
        raise NotImplementedError("xlwings Lite reads formulas only with await get_formula()")

    @formula.setter
    def formula(self, value: Any) -> None:
        rows = value if isinstance(value, list) else [[value]]
        for r, row in enumerate(rows):
            for c, item in enumerate(row):
                cell = self.sheet.ws.cell(self.top + r, self.left + c)
                if isinstance(cell, MergedCell):  # Excel keeps a merged block's value in its first cell
                    assert item in ("", None), (cell.coordinate, item)
                    continue
                cell.value = None if item == "" else item
                self.sheet.book.written.add((self.sheet.name, cell.coordinate))

    @property
    def address(self) -> str:
        return f"${get_column_letter(self.left)}${self.top}:${get_column_letter(self.right)}${self.bottom}"

    @property
    def row(self) -> int:
        return self.bottom

    @property
    def column(self) -> int:
        return self.right

    @property
    def last_cell(self) -> Range:
        return Range(self.sheet, self.bottom, self.right, self.bottom, self.right)

    def clear_contents(self) -> None:
        for row in self.cells():
            for cell in row:
                if not isinstance(cell, MergedCell):
                    cell.value = None

    def clear(self) -> None:
        for row in self.cells():
            for cell in row:
                if not isinstance(cell, MergedCell):
                    cell.value = None
                    cell.style = "Normal"

    def copy_from(self, source: Range, copy_type: str | None = None, skip_blanks: bool | None = None, transpose: bool | None = None) -> None:
        """Copy a one-row source down the range (Office.js repeats a smaller source): values, formats and validation."""
        assert copy_type == "all" and not skip_blanks and not transpose
        template = source.cells()[0]
        ws = self.sheet.ws
        for r in range(self.top, self.bottom + 1):
            for c, cell in zip(range(self.left, self.right + 1), template, strict=False):
                target = ws.cell(r, c)
                target.value = cell.value
                target._style = copy.copy(cell._style)
        for validation in list(ws.data_validations.dataValidation):
            if any(source.top == rng.min_row and source.top == rng.max_row for rng in validation.sqref.ranges):
                validation.add(f"{get_column_letter(self.left)}{self.top}:{get_column_letter(self.right)}{self.bottom}")


def excel(value: Any) -> Any:
    """A stored cell value as Excel hands it to Python."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


class Chart:
    def __init__(self) -> None:
        self.source: Range | None = None

    def set_source_data(self, rng: Range) -> None:
        self.source = rng


class Sheet:
    def __init__(self, book: Book, ws: Any) -> None:
        self.book, self.ws = book, ws
        self.charts = [Chart() for _ in ws._charts]

    @property
    def name(self) -> str:
        return str(self.ws.title)

    def range(self, first: Any, last: Any = None) -> Range:
        if isinstance(first, str):
            left, top, right, bottom = range_boundaries(first.split(",")[0].replace("$", ""))
            return Range(self, top, left, bottom, right)
        last = last or first
        return Range(self, first[0], first[1], last[0], last[1])

    @property
    def used_range(self) -> Range:
        return Range(self, 1, 1, max(self.ws.max_row, 1), max(self.ws.max_column, 1))


class Names:
    def __init__(self, book: Book) -> None:
        self.book = book

    def __getitem__(self, name: str) -> Any:
        sheet, ref = self.book.wb.defined_names[name].attr_text.split("!")
        rng = self.book.sheets[sheet.strip("'")].range(ref)
        return type("Name", (), {"refers_to_range": rng})()

    def add(self, name: str, refers_to: str) -> None:
        names = self.book.wb.defined_names
        if name in names:
            del names[name]
        names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))


class Book:
    """A saved workbook opened as xlwings Lite hands it to a script (``book.name`` is the file name only)."""

    def __init__(self, path: str | Path) -> None:
        self.wb = load_workbook(path)
        self.cached = load_workbook(path, data_only=True)  # what Excel shows for the formulas as saved
        self.written: set[tuple[str, str]] = set()
        self.name = Path(path).name
        self.names = Names(self)
        self.sheets = {ws.title: Sheet(self, ws) for ws in self.wb.worksheets}

    def shown(self, cell: Any) -> Any:
        """What a cell shows: its value, or for a formula the value saved with it (none for a formula a script wrote)."""
        value = cell.value
        if isinstance(value, str) and value.startswith("="):
            where = (cell.parent.title, cell.coordinate)
            assert where not in self.written, f"{where}: a formula written by a script has no value until Excel recalculates"
            return self.cached[where[0]][where[1]].value
        return value

    def save(self, path: str | Path) -> None:
        self.wb.save(path)
