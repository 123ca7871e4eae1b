"""Rows as built (SPEC §5 v3): each input table of a live workbook keeps the rows it was built with; a row deleted, or
one inserted or typed anywhere else that holds anything, makes the Checks fail naming that row as it is now.

Formulas read an input row through fixed references, which Excel and LibreOffice move with the row: a row inserted
directly under the header or between rows is then read by no formula (a named range starting at the header's next
row shifts instead of growing), nor is one typed below the last row. So the Checks sheet keeps, for every table, a
column of anchors, ``=ROW(Themes!$A$1)`` for the header and one for each row as built. The spreadsheet moves them
with the rows; one check formula per table then finds, in this order: a row deleted (its anchor shows ``#REF!``), a
row inserted above the header (it is no longer in row 1), a row inserted under the header or between rows that holds
anything (the first such row: a blank one is read by no formula and harms none), and anything typed below the last
row (the first such row within ``WINDOW`` rows, else the row under the table).
Every other check names its cell through the anchor of its row (``"Themes!D"&$O$7``), so it names the cell as it is
now.

The engine reads the same anchors from the saved workbook, as formula text the spreadsheet rewrote (``read_anchors``:
the header's anchor also spans the table's width), and reaches the same verdict on the same cell (``table_problem``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..core.cells import Cell
from ..xlsx.reader import Sheet, column_letter, parse_ref
from .formulas import cascade, quote
from .grid import CellValue, Formula

INSERTED = "row-inserted"
WINDOW = 1000  # rows below a table searched for the first one typed there
TITLE = "Rows of "  # an anchor column's title: "Rows of Themes"
# An anchor's formula as the spreadsheet rewrote it: ROW(Themes!$A$5), the header's ROW(Themes!$A$1:$D$1), or ROW(#REF!).
ROW_OF = re.compile(r"ROW\(\s*(?:'[^']*'|[^!()]*)!\$?[A-Z]{1,3}\$?(\d+)(?::\$?([A-Z]{1,3})\$?\d+)?\s*\)$", re.IGNORECASE)
Types = Mapping[str, tuple[str, str]]  # sheet -> finding types for (a row deleted, anything typed below the last row)


@dataclass(frozen=True)
class InputTable:
    """An input table as built: its sheet, the data rows under its header (row 1), the columns read (A to ``width``),
    and the finding types for a row deleted and for anything typed below the last row."""

    sheet: str
    rows: int
    width: int
    deleted: str
    below: str


@dataclass(frozen=True)
class Anchors:
    """The anchor columns of a workbook's input tables on its Checks sheet: one column each from ``col``, the header's
    anchor in row ``top`` (the column's title above it) and one per row as built below."""

    tables: tuple[InputTable, ...]
    col: int
    top: int

    def table(self, sheet: str) -> InputTable:
        """The input table on ``sheet``."""
        return next(t for t in self.tables if t.sheet == sheet)

    def column(self, sheet: str) -> int:
        """The Checks column holding the anchors of ``sheet``'s table."""
        return self.col + [t.sheet for t in self.tables].index(sheet)

    def row(self, sheet: str, k: int) -> str:
        """A formula giving the row, as it is now, of data row ``k`` (1-based; 0 for the header) of ``sheet``'s table."""
        return f"${column_letter(self.column(sheet))}${self.top + k}"

    def cell(self, sheet: str, col: int | str, k: int) -> str:
        """A formula naming a cell of data row ``k`` as it is now, e.g. ``"Themes!D"&$O$7`` (``col`` a number or letter)."""
        letter = col if isinstance(col, str) else column_letter(col)
        return f'"{sheet}!{letter}"&{self.row(sheet, k)}'

    def titles(self) -> list[str]:
        """The anchor columns' titles, naming each table's sheet."""
        return [TITLE + t.sheet for t in self.tables]

    def columns(self) -> list[list[CellValue]]:
        """Each anchor column from row ``top``: the header's ``=ROW(Sheet!$A$1:$D$1)`` (its width as built), then
        ``=ROW(Sheet!$A$r)`` for every row as built."""
        return [[Formula(f"=ROW({t.sheet}!$A$1:${column_letter(t.width)}$1)"),
                 *(Formula(f"=ROW({t.sheet}!$A${r})") for r in range(2, t.rows + 2))] for t in self.tables]

    def height(self) -> int:
        """Rows the anchor columns take from ``top``."""
        return max(t.rows + 1 for t in self.tables)

    def problems(self) -> list[str]:
        """One check formula per table: ``""``, or ``"type|Sheet!A<row>"`` for the first row deleted, inserted or typed below."""
        return [self._problem(t) for t in self.tables]

    def _problem(self, t: InputTable) -> str:
        c = column_letter(self.column(t.sheet))
        anchors = f"${c}${self.top}:${c}${self.top + t.rows}"
        first_error = f'MATCH(TRUE,INDEX(ISERROR({anchors}),0),0)'
        deleted = f'"{t.sheet}!A"&IFERROR(INDEX({anchors},{first_error}-1)+1,1)'
        right = column_letter(t.width)
        block = f"{t.sheet}!$A$1:${right}${t.rows + 1}"  # header to last row: grows with every row inserted inside
        steps = [(f"SUMPRODUCT(--ISERROR({anchors}))>0", t.deleted, deleted),
                 (f"${c}${self.top}<>1", INSERTED, quote(f"{t.sheet}!A1"))]
        if t.rows:
            before, after = f"${c}${self.top}:${c}${self.top + t.rows - 1}", f"${c}${self.top + 1}:${c}${self.top + t.rows}"
            unanchored = f"ISNUMBER(MATCH(ROW({block}),{anchors},0))"
            first = f'SUMPRODUCT(MIN(ROW({block})+1E9*((({block}="")+{unanchored})>0)))'  # first filled row not anchored
            steps.append((f"IF(SUMPRODUCT(--({after}-{before}<>1))>0,{first}<1E9,FALSE)", INSERTED, f'"{t.sheet}!A"&{first}'))
        last, columns = f"${c}${self.top + t.rows}", f"{t.sheet}!$A:${right}"
        window = f"INDEX({columns},{last}+1,0):INDEX({columns},{last}+{WINDOW},0)"
        first_below = f'SUMPRODUCT(MIN(ROW({window})+1E9*({window}="")))'
        steps.append((f"COUNTA({columns})>COUNTA({block})", t.below, f'"{t.sheet}!A"&IF({first_below}>1E9,{last}+1,{first_below})'))
        return cascade(steps)


def read_anchors(checks: Sheet | None, col: int, top: int, types: Types) -> list[tuple[InputTable, list[int | None]]] | None:
    """The input tables as the Checks sheet's anchor columns (from ``col``, titled above ``top``) hold them: each table
    as built (its rows; its width from the header's anchor) and where its rows are now (None where one was deleted),
    read from the formulas the spreadsheet rewrote. None for a workbook without anchors (built before them)."""
    if checks is None:
        return None
    found: list[tuple[InputTable, list[int | None]]] = []
    while isinstance(title := checks.value(top - 1, col + len(found)), str) and title.startswith(TITLE):
        c = col + len(found)
        cells: list[re.Match[str] | None] = []
        while (cell := checks.get(top + len(cells), c)) is not None and cell.formula is not None:
            cells.append(ROW_OF.search(cell.formula))
        sheet = title[len(TITLE):]
        width = parse_ref(f"{cells[0].group(2)}1")[1] if cells and cells[0] and cells[0].group(2) else 1
        deleted, below = types.get(sheet, ("framework-changed", "framework-changed"))
        found.append((InputTable(sheet, max(len(cells) - 1, 0), width, deleted, below),
                      [int(m.group(1)) if m else None for m in cells]))
    return found or None


def table_problem(t: InputTable, rows: Sequence[int | None], sheet: Sheet | None) -> tuple[str, str] | None:
    """What the table's check formula finds, as (finding type, cell on ``t.sheet``), or None: the same steps."""
    if None in rows:
        k = rows.index(None)
        before = rows[k - 1] if k else None
        return t.deleted, f"A{before + 1 if before is not None else 1}"
    if rows[0] != 1:
        return INSERTED, "A1"
    last, anchors = rows[-1], set(rows)
    assert last is not None
    filled = sorted(r for (r, c), cell in (sheet.cells.items() if sheet else ()) if c <= t.width and _filled(cell))
    inserted = [r for r in filled if r < last and r not in anchors]
    if inserted:
        return INSERTED, f"A{inserted[0]}"
    below = [r for r in filled if r > last]
    if below:
        return t.below, f"A{below[0] if below[0] <= last + WINDOW else last + 1}"
    return None


def _filled(cell: Cell) -> bool:
    """Whether COUNTA counts the cell: it holds a value other than empty text, or an error."""
    return cell.error is not None or cell.value not in (None, "")
