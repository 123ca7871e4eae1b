"""A workbook as xlwings hands it over (classic or Lite): arguments checked, ranges into the engine's sheets, an answer
or the cells to correct, the open workbook's named ranges, and a grid written into a sheet.

A function's arguments are whatever the cells hold: text, blanks, errors, dates, or a range of the wrong shape. Each
is checked here first (``table``, ``one_cell``, ``number``); one that cannot be used is answered with a sentence
saying what to type (``Unusable``), never a traceback.

The UDF modules of both live workbooks (``svexcel_live``, ``svexcel_monitor``, ``svexcel_lite``) stand on these;
nothing here imports xlwings (the objects are the ones xlwings passes), so importing them stays quick.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping, Sequence, TypeVar

from ..core.cells import Value
from ..core.number_formats import to_serial
from ..xlsx.reader import Sheet
from .grid import Formula, Grid

T = TypeVar("T")
Rows = Sequence[Sequence[Any]]
CANNOT = "Cannot score: correct these cells first."


def sheets_from_ranges(ranges: Mapping[str, Rows]) -> dict[str, Sheet | None]:
    """Ranges as Excel passes them (rows of values, None for blanks) as sheets the engine reads, keyed by sheet name."""
    return {name: Sheet.from_rows(name, [list(row) for row in rows]) for name, rows in ranges.items()}


def problem_table(exc: Exception) -> list[list[Any]]:
    """A one-column table saying why nothing could be computed: the findings ``exc`` carries, else its message."""
    lines = [str(f) for f in getattr(exc, "findings", [])] or [str(exc)]
    return [[CANNOT], *([line] for line in lines)]


class Unusable(ValueError):
    """An argument a function cannot use; the message says what to type instead."""


def cell_value(value: Any) -> Value:
    """One cell as the engine reads it: numbers as floats, a date as the serial number Excel keeps, other objects as text."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return to_serial(value.isoformat())
    return str(value)


def shown(value: Value) -> str:
    """A cell value as a sentence names it: 'blank', TRUE, '10 %'."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return str(value).upper()
    return f"{value:g}" if isinstance(value, float) else repr(value)


def table(value: Any, name: str) -> list[list[Value]]:
    """A range argument as rows of cell values; Unusable, saying to type ``name``, unless it is a table of rows."""
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(row, (list, tuple)) for row in value):
        raise Unusable(f"Give the whole table with its header row here: type {name}.")
    return [[cell_value(v) for v in row] for row in value]


def one_cell(value: Any, what: str) -> Value:
    """A one-cell argument (a range of one cell counts); Unusable for a range of more or fewer cells."""
    if isinstance(value, (list, tuple)):
        cells = [v for row in value for v in (row if isinstance(row, (list, tuple)) else [row])]
        if len(cells) != 1:
            raise Unusable(f"Give one cell for {what}, not a range of {len(cells)} cells.")
        value = cells[0]
    return cell_value(value)


def text(value: Any, what: str) -> str:
    """A one-cell argument as text: '' when blank, a number as Excel shows it in General format."""
    got = one_cell(value, what)
    if isinstance(got, float):
        return f"{got:.15g}"
    return "" if got is None else str(got)


def number(value: Any, what: str, low: float, high: float, example: str) -> float:
    """A number argument from ``low`` to ``high``; Unusable, saying what to type, for anything else."""
    got = one_cell(value, what)
    if not isinstance(got, float) or not low <= got <= high:
        raise Unusable(f"Type {what} as a plain number from {low:g} to {high:g}, e.g. {example}; {shown(got)} is not one.")
    return got


def answer(read: Callable[..., T], ranges: Mapping[str, Any], respond: Callable[[T], list], refused: type[Exception]) -> list:
    """``respond`` to what ``read`` makes of the ranges (keyed by the name to type for each); the problem table when
    reading raises ``refused``; one sentence saying what to type when an argument cannot be used."""
    try:
        inputs = read(*(table(value, name) for name, value in ranges.items()))
        return respond(inputs)
    except Unusable as exc:
        return [[str(exc)]]
    except refused as exc:
        return problem_table(exc)


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


def write_grid(sheet: Any, grid: Grid, copy_formats: Callable[[Any, Any], None]) -> None:
    """Replace a sheet's content with a grid; new data rows take the formats and validation of the first one
    (``copy_formats(template, target)`` copies them, as the edition can)."""
    used = sheet.used_range.last_cell
    width = max(grid.width, used.column)
    sheet.range((1, 1), (max(used.row, len(grid.rows)), width)).clear_contents()
    last = len(grid.rows)
    if used.row > max(last, grid.first_data_row):
        sheet.range((max(last, grid.first_data_row) + 1, 1), (used.row, width)).clear()
    if last > grid.first_data_row:
        copy_formats(sheet.range((grid.first_data_row, 1), (grid.first_data_row, width)),
                     sheet.range((grid.first_data_row + 1, 1), (last, width)))
    values = [[excel_value(v) for v in row] + [""] * (width - len(row)) for row in grid.rows]
    sheet.range((1, 1), (last, width)).formula = values
