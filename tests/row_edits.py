"""Rows an officer inserts, deletes or types in a live workbook's input tables (SPEC §5 v3): the cases both live
workbooks' tests make in LibreOffice (``libreoffice.edit``) and check against the Checks sheet and the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from libreoffice import Step

from svexcel.excel.rows import INSERTED, Types, read_anchors
from svexcel.xlsx.reader import Workbook

Row = list[tuple[str, object]]  # (column, value) pairs
Expected = tuple[str, str] | None  # (type, Sheet!Cell) the Checks and the engine name, or None when every check passes
# A row an officer might add to each framework sheet of either live workbook: (column, value) pairs.
FRAMEWORK_ROWS: dict[str, Row] = {
    "Themes": [("A", "NEW"), ("B", "A new theme"), ("D", 3)],
    "Outcomes": [("A", "NEW1"), ("B", "EQ"), ("C", "A new outcome")],
    "Measures": [("A", "EQ9.9"), ("B", "EQ1"), ("C", "A new measure"), ("D", "people"), ("E", "monetised"), ("G", 10)],
    "QualityScale": [("A", 60), ("B", "Fair plus")],
}
KINDS = ("under-header", "between", "below-last", "typed-below", "typed-further-below", "blank-under-header", "blank-between")


def typed(sheet: str, row: int, values: Row) -> list[Step]:
    """Steps typing ``values`` into ``row`` of ``sheet``."""
    return [("number" if isinstance(v, (int, float)) else "text", sheet, f"{col}{row}", v) for col, v in values]


def names(sheets: Mapping[str, object]) -> list[str]:
    """The case names for every table: ``Themes-under-header`` …"""
    return [f"{sheet}-{kind}" for sheet in sheets for kind in KINDS]


def row_cases(built: Path, col: int, top: int, types: Types, new_rows: Mapping[str, Row]) -> dict[str, tuple[list[Step], Expected]]:
    """For each table (``new_rows``: a row an officer might add to it), its rows as the built workbook's anchors say
    (Checks column ``col`` on, from row ``top``; ``types`` as the workbook's): a row typed directly under the header, between rows, just below the
    last row (inserted, then typed), typed below without inserting (right under, and further down), and blank rows
    inserted under the header and between rows (read by no formula, so every check passes)."""
    with Workbook(built) as book:
        tables = {t.sheet: t for t, _ in read_anchors(book.sheet("Checks"), col, top, types) or []}
    out: dict[str, tuple[list[Step], Expected]] = {}
    for sheet, values in new_rows.items():
        table = tables[sheet]
        last = table.rows + 1
        out[f"{sheet}-under-header"] = ([("insert", sheet, 2, 1), *typed(sheet, 2, values)], (INSERTED, f"{sheet}!A2"))
        out[f"{sheet}-between"] = ([("insert", sheet, 4, 1), *typed(sheet, 4, values)], (INSERTED, f"{sheet}!A4"))
        out[f"{sheet}-below-last"] = ([("insert", sheet, last + 1, 1), *typed(sheet, last + 1, values)], (table.below, f"{sheet}!A{last + 1}"))
        out[f"{sheet}-typed-below"] = (typed(sheet, last + 1, values), (table.below, f"{sheet}!A{last + 1}"))
        out[f"{sheet}-typed-further-below"] = (typed(sheet, last + 7, values[1:]), (table.below, f"{sheet}!A{last + 7}"))
        out[f"{sheet}-blank-under-header"] = ([("insert", sheet, 2, 2)], None)
        out[f"{sheet}-blank-between"] = ([("insert", sheet, 4, 1)], None)
    return out
