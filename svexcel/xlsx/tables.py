"""Tables inside sheets: a header row found by its names, then one record per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from ..core.cells import Cell, Value
from .reader import Sheet, cell_ref

HEADER_SEARCH_ROWS = 30


def cell_text(value: Value) -> str:
    """A cell value as trimmed text: '' for blank, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise(name: object) -> str:
    """Header text compared without case or extra spaces."""
    return " ".join(str(name).split()).casefold() if name is not None else ""


@dataclass
class Table:
    """A located table: which row holds the header and which column holds each named field."""

    sheet: Sheet
    header_row: int
    columns: dict[str, int]

    def rows(self) -> Iterator[int]:
        """Row numbers below the header that hold anything in the table's columns."""
        wanted = set(self.columns.values())
        seen = sorted({r for (r, c) in self.sheet.cells if r > self.header_row and c in wanted})
        yield from seen

    def cell(self, row: int, name: str) -> Cell | None:
        """The cell of field ``name`` in ``row``."""
        col = self.columns.get(name)
        return None if col is None else self.sheet.get(row, col)

    def value(self, row: int, name: str) -> Value:
        """The cached value of field ``name`` in ``row``."""
        cell = self.cell(row, name)
        return None if cell is None else cell.value

    def text(self, row: int, name: str) -> str:
        """The value of field ``name`` in ``row`` as trimmed text ('' when blank)."""
        return cell_text(self.value(row, name))

    def name(self, row: int, field: str = "File") -> str:
        """A file name as written ('' when blank): not trimmed, since names are exact (the formulas compare them so)."""
        value = self.value(row, field)
        return "" if value is None else cell_text(value) if not isinstance(value, str) else value

    def ref(self, row: int, name: str) -> str:
        """Cell reference of field ``name`` in ``row``, e.g. F14."""
        return cell_ref(row, self.columns[name])

    @property
    def header_ref(self) -> str:
        """Reference of the header row's first cell."""
        return cell_ref(self.header_row, min(self.columns.values(), default=1))


def find_table(
    sheet: Sheet, required: Sequence[str], optional: Sequence[str] = (), first_row_only: bool = False
) -> tuple[Table | None, list[str], int]:
    """Locate the header row holding ``required`` names; returns (table, missing names, best header row)."""
    wanted = {normalise(n): n for n in (*required, *optional)}
    best: tuple[int, int, dict[str, int]] = (0, 1, {})
    last_row = 1 if first_row_only else HEADER_SEARCH_ROWS
    by_row: dict[int, dict[str, int]] = {}
    for (row, col), cell in sheet.cells.items():
        if row <= last_row and isinstance(cell.value, str):
            name = wanted.get(normalise(cell.value))
            if name is not None:
                by_row.setdefault(row, {}).setdefault(name, col)
    for row in sorted(by_row):
        found = by_row[row]
        score = sum(1 for n in required if n in found)
        if score > best[0]:
            best = (score, row, found)
    _, header_row, columns = best
    missing = [n for n in required if n not in columns]
    if missing:
        return None, missing, header_row
    return Table(sheet, header_row, columns), [], header_row
