"""What a spreadsheet cell holds once read: its cached value, formula, error code, and what its format shows."""

from __future__ import annotations

from dataclasses import dataclass

from .number_formats import Shown

Value = float | str | bool | None


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's cached value, its formula (without ``=``), its error code, and whether its format shows a date etc."""

    value: Value
    formula: str | None = None
    error: str | None = None
    shown_as: Shown | None = None
