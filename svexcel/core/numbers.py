"""Reading numbers the way people type them: ``1,200``, ``£5,000``, `` 12 ``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .cells import Cell

_NUMBER_TEXT = re.compile(
    r"""^\s*
    (?P<sign>[-+]?)\s*
    [£$€]?\s*
    (?:(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d*)?|(?P<bare>\.\d+))  # 1,200.50, 12. and .5 as Excel reads them
    \s*$""",
    re.VERBOSE,
)


def number_from_text(text: str) -> float | None:
    """The number in ``text`` if it is a plain number with optional separators and currency sign, else None."""
    match = _NUMBER_TEXT.match(text.replace("\u00a0", " "))
    if match is None:
        return None
    number = float((match["digits"] or "0").replace(",", "") + (match["fraction"] or match["bare"] or "").rstrip("."))
    return -number if match["sign"] == "-" else number


def is_number(value: object) -> bool:
    """True for a finite int or float (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class CellNumber:
    """A cell read as a number: the value (None if blank or unreadable), a problem type, or a note type."""

    value: float | None
    problem: str | None = None
    note: str | None = None


def cell_number(cell: Cell | None) -> CellNumber:
    """Read a cell as people fill it in: cached formula values, numbers typed as text; never a guess."""
    if cell is None:
        return CellNumber(None)
    if cell.error is not None:
        return CellNumber(None, "cell-error")
    note = None
    if cell.formula is not None:
        if cell.value is None or cell.value == "":
            return CellNumber(None, "formula-without-value")
        note = "formula-value-used"
    value = cell.value
    if isinstance(value, str):
        if not value.strip():
            return CellNumber(None, note=note)
        parsed = number_from_text(value)
        if parsed is None:
            return CellNumber(None, "not-a-number")
        return CellNumber(parsed, note=note or "number-as-text")
    if not is_number(value):
        return CellNumber(None, "not-a-number")
    if cell.shown_as in ("date", "datetime", "time"):  # the cell's value is the serial number Excel stored
        return CellNumber(None, "stored-as-time" if cell.shown_as == "time" else "stored-as-date")
    return CellNumber(float(value), note=note or ("stored-as-percent" if cell.shown_as == "percent" else None))  # type: ignore[arg-type]
