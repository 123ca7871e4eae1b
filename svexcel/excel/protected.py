"""Workbooks svexcel hands to people: text from any input written as text, sheets protected without a password,
input cells validated, a hidden ``_svexcel`` sheet whose fingerprint detects edited locked cells, saved atomically.

openpyxl makes a string that starts with ``=`` a live formula and one that reads like ``#N/A`` an error, and Excel
runs what starts with ``=``, ``+``, ``-`` or ``@`` once the cell is edited: ``put``, ``write`` and ``append`` keep
every string a string (with Excel's quote prefix where it would otherwise run), so a counting rule such as
"=count each person once" stays the words it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..run.atomic import atomic_path
from ..xlsx.meta import META
from .formats import FORMULA_STARTS

YES_NO = '"Yes,No"'  # a list validation's choices
# Excel refuses to open a workbook whose validation texts are longer than these.
TITLE_CHARS, ERROR_CHARS, PROMPT_CHARS = 32, 225, 255


def put(cell: Cell, value: object) -> Cell:
    """Write ``value`` into ``cell``: a string always as text, never a formula or an error; the cell, for styling."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel keeps it as typed when the cell is edited
    return cell


def write(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Write ``value`` at (``row``, ``col``) as ``put`` does; the cell, for styling."""
    return put(ws.cell(row, col), value)


def append(ws: Worksheet, values: Iterable[object]) -> None:
    """Append a row below the sheet's last, text as text (``ws.append`` would turn ``=…`` into a formula)."""
    ws.append([put(Cell(ws), v) if isinstance(v, str) else v for v in values])


def protect(ws: Worksheet, *, format_cells: bool = False, sort_and_filter: bool = False) -> None:
    """Protect a sheet without a password (a guard against slips): rows and columns stay resizable, and with
    ``format_cells`` cells can be formatted, with ``sort_and_filter`` tables sorted and filtered."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    if format_cells:
        ws.protection.formatCells = False
    if sort_and_filter:
        ws.protection.sort = False
        ws.protection.autoFilter = False


def validation(ws: Worksheet, kind: str | None, formula1: str | None = None, *, operator: str | None = None,
               formula2: str | None = None, blank: bool = True, error_title: str = "", error: str = "",
               prompt_title: str = "", prompt: str = "") -> DataValidation:
    """A data validation rule on ``ws`` (add cells or ranges to it): ``error`` shows when a typed value breaks it,
    ``prompt`` when the cell is chosen; texts are cut to what Excel accepts."""
    rule = DataValidation(type=kind, operator=operator, formula1=formula1, formula2=formula2, allow_blank=blank,
                          showErrorMessage=bool(error), errorTitle=error_title[:TITLE_CHARS] or None, error=error[:ERROR_CHARS] or None,
                          showInputMessage=bool(prompt), promptTitle=prompt_title[:TITLE_CHARS] or None, prompt=prompt[:PROMPT_CHARS] or None)
    ws.add_data_validation(rule)
    return rule


def write_meta(wb: Workbook, values: Mapping[str, object]) -> Worksheet:
    """The hidden, protected ``_svexcel`` sheet: each key in column A and its value in column B, from row 1."""
    ws = wb.create_sheet(META)
    for row, (key, value) in enumerate(values.items(), start=1):
        write(ws, row, 1, key)
        write(ws, row, 2, value)
    ws.sheet_state = "hidden"
    protect(ws)
    return ws


def save(wb: Workbook, path: str | Path, finish: Callable[[Path], None] | None = None) -> Path:
    """Save ``wb`` so that ``path`` appears only once complete; ``finish`` may rewrite the saved package first."""
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
        if finish is not None:
            finish(tmp)
    return path
