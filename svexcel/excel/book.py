"""A workbook as xlwings hands it over (classic or Lite): ranges into the engine's sheets, an answer or the cells to
correct, the open workbook's named ranges, and a grid written into a sheet.

The UDF modules of both live workbooks (``svexcel_live``, ``svexcel_monitor``, ``svexcel_lite``) stand on these;
nothing here imports xlwings (the objects are the ones xlwings passes), so importing them stays quick.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence, TypeVar

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


def answer(read: Callable[..., T], ranges: Sequence[Rows], respond: Callable[[T], list], refused: type[Exception]) -> list:
    """``respond`` to what ``read`` makes of the ranges; the problem table when reading raises ``refused``."""
    try:
        inputs = read(*ranges)
    except refused as exc:
        return problem_table(exc)
    return respond(inputs)


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
