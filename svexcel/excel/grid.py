"""A sheet's content as a grid of values and formulas from A1, and absolute references into it."""

from __future__ import annotations

from dataclasses import dataclass

from ..xlsx.reader import column_letter


class Formula(str):
    """A cell formula such as ``=SUM(A1:A3)``; any other ``str`` in a grid is text and is never evaluated."""


CellValue = Formula | str | float | None


@dataclass(frozen=True)
class Grid:
    """A sheet's content from A1: rows of values and formulas; data rows start at ``first_data_row``."""

    sheet: str
    rows: list[list[CellValue]]
    first_data_row: int

    @property
    def width(self) -> int:
        """Number of columns the grid spans."""
        return max((len(r) for r in self.rows), default=0)


def ref(sheet: str, col: int, row: int, last_col: int | None = None, last_row: int | None = None) -> str:
    """An absolute reference such as ``Scores!$C$2:$C$7``."""
    start = f"${column_letter(col)}${row}"
    if last_col is None:
        return f"{sheet}!{start}"
    return f"{sheet}!{start}:${column_letter(last_col)}${last_row}"
