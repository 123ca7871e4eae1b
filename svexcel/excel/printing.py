"""How the live workbook prints: every sheet on A4 landscape one page wide, its header rows on every page, and a
footer with the framework, its version, the sheet and the page number."""

from __future__ import annotations

from typing import Mapping

from openpyxl.utils.cell import coordinate_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FOOTER_SIZE = 8


def set_up_printing(wb: Workbook, footer: str, title_rows: Mapping[str, str] = {}) -> None:
    """Fit every sheet to the page width, repeat its header rows and add the footer (its left part: what the figures are).

    The rows repeated are the rows frozen on screen (the headers an officer already sees while scrolling);
    ``title_rows`` names them (e.g. ``{"Dashboard": "6:6"}``) for sheets that freeze none.
    """
    for ws in wb.worksheets:
        frozen = frozen_rows(ws)
        print_fitted(ws, title_rows.get(ws.title) or (f"1:{frozen}" if frozen else None), footer)


def frozen_rows(ws: Worksheet) -> int:
    """How many rows are frozen at the top of ``ws`` (0 when none)."""
    if not ws.freeze_panes:
        return 0
    _, row = coordinate_from_string(ws.freeze_panes)
    return row - 1


def print_fitted(ws: Worksheet, title_rows: str | None, footer: str) -> None:
    """A4 landscape, one page wide and as many pages long as needed, ``title_rows`` on every page, and the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.center.text = "&A"  # the sheet's name
    ws.oddFooter.right.text = "Page &P of &N"
    for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
        part.size = FOOTER_SIZE
