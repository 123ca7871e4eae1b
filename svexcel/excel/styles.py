"""The look shared by every workbook svexcel writes: headers, input cells, number formats."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..xlsx.reader import column_letter as _letter
from .protected import put

FONT = "Calibri"  # Excel's own default; named so LibreOffice does not fall back to a serif
BOLD_FONT = Font(name=FONT, bold=True)
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(name=FONT, bold=True, size=14, color="1F4E79")
NOTE_FONT = Font(name=FONT, italic=True, color="595959")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
INPUT_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)

# Pale fills that band the five themes; the theme name is always written too,
# so meaning never rests on colour alone.
THEME_FILLS = [PatternFill("solid", fgColor=c) for c in ("DEEAF6", "E2EFDA", "FCE4D6", "EDE1F5", "FFF2CC")]


def style_header(ws: Worksheet, row: int, first_col: int, last_col: int) -> None:
    """Bold white-on-blue header cells, wrapped."""
    for col in range(first_col, last_col + 1):
        cell = ws.cell(row, col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def mark_input(cell: object) -> None:
    """Show a cell as one the user fills in, and unlock it for sheet protection."""
    cell.fill = INPUT_FILL  # type: ignore[attr-defined]
    cell.border = INPUT_BORDER  # type: ignore[attr-defined]
    cell.protection = UNLOCKED  # type: ignore[attr-defined]


def set_widths(ws: Worksheet, widths: Mapping[str, float]) -> None:
    """Set column widths by letter."""
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def format_column(ws: Worksheet, col: int, number_format: str | None = None, font: Font | None = None,
                  alignment: Alignment | None = None) -> None:
    """Style a whole column: cells written without a style of their own take it (grid rows, cells typed later)."""
    dimension = ws.column_dimensions[_letter(col)]
    if number_format is not None:
        dimension.number_format = number_format
    if font is not None:
        dimension.font = font
    if alignment is not None:
        dimension.alignment = alignment


def heading(ws: Worksheet, title: str, *notes: str) -> None:
    """A sheet's title in A1 and its notes in the rows below it (text as text)."""
    put(ws["A1"], title).font = TITLE_FONT
    for row, note in enumerate(notes, start=2):
        put(ws.cell(row, 1), note).font = NOTE_FONT


def header_row(ws: Worksheet, row: int, names: Sequence[str]) -> None:
    """A styled header row of ``names`` from column A (text as text: a header may name an evaluator)."""
    for col, name in enumerate(names, start=1):
        put(ws.cell(row, col), name)
    style_header(ws, row, 1, len(names))


def print_setup(ws: Worksheet, landscape: bool, title_rows: str | None = None) -> None:
    """A4, one page wide, header rows repeated, 'Sheet – page N of M' in the footer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A – page &P of &N"
