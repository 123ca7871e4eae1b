"""The classic xlwings edition's side of a macro (Excel with the xlwings add-in): a protected sheet rewritten with
its formats copied through the clipboard, and a status line with a message box.

Both classic UDF modules (``svexcel_live``, ``svexcel_monitor``) hand these to their macros; nothing here imports
xlwings. Reaching Excel's object model (``.api``), they need Excel: they are not reachable on Linux.
"""

from __future__ import annotations

from typing import Any

from . import book
from .grid import Grid


def write_grid(sheet: Any, grid: Grid) -> None:
    """Replace a protected sheet's content with a grid (see ``book.write_grid``), protecting it again after."""
    sheet.api.Unprotect()
    book.write_grid(sheet, grid, paste_formats)
    sheet.api.Protect(Contents=True, AllowFormattingColumns=True, AllowFormattingRows=True, AllowSorting=True, AllowFiltering=True)


def paste_formats(template: Any, target: Any) -> None:
    """Give ``target`` the formats and validation of ``template`` through the clipboard."""
    template.copy()
    target.paste(paste="formats")
    target.paste(paste="validation")
    template.sheet.book.app.api.CutCopyMode = False


def show_status(workbook: Any, message: str) -> None:
    """Show what a macro did on the Tools sheet (its MacroStatus cell) and in a message box."""
    tools = workbook.sheets["Tools"]
    tools.api.Unprotect()
    workbook.names["MacroStatus"].refers_to_range.value = "'" + message
    tools.api.Protect(Contents=True, AllowFormattingColumns=True)
    workbook.app.alert(message, title="svexcel")
