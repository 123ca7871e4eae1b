"""An open workbook as xlwings hands it to a macro (classic or Lite): its named ranges in, grid values out."""

from __future__ import annotations

from typing import Any

from .grid import Formula


def cell(book: Any, name: str) -> Any:
    """The value of a one-cell defined name."""
    return book.names[name].refers_to_range.value


def named_tables(book: Any, names: tuple[str, ...]) -> list[list[list[Any]]]:
    """The tables the defined ``names`` refer to in the open workbook, as they stand (unsaved edits included)."""
    return [book.names[name].refers_to_range.options(ndim=2).value for name in names]


def excel_value(value: Any) -> Any:
    """A grid value as Range.formula takes it: text is quoted so Excel never reads it as a formula or number."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str):
        return "'" + value
    return value
