"""Write the blank return workbook an organisation fills in (SPEC §2)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.formats import GBP
from ..excel.protected import YES_NO, protect, save, validation, write, write_meta
from ..excel.styles import BOLD_FONT, THEME_FILLS, WRAP, header_row, heading, mark_input, print_setup, set_widths
from ..framework.model import Framework
from ..xlsx.meta import fingerprint
from .return_layout import (
    COMMITMENT_COLUMNS,
    COMMITMENT_HEADER_ROW,
    COMMITMENTS,
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    META_KEYS,
    NARRATIVE,
    NARRATIVE_COLUMNS,
    NARRATIVE_HEADER_ROW,
    SUPPLIER_LABELS,
    expected_locked,
)

INSTRUCTIONS = (
    "How to fill in this return",
    "1. Complete the yellow cells on this sheet: your organisation, the contract, a contact, your postal address, "
    "email and unique identifier (your identifier on the central digital platform), which we need to send you "
    "your assessment summary.",
    "2. On 'Commitments', type the quantity you commit to for each measure you can deliver, in the unit shown. "
    "Leave a measure blank if you make no commitment. Type plain numbers (no words such as 'about').",
    "3. For yes/no measures choose Yes or No from the list.",
    "4. In 'Evidence', say what evidence you will provide; the 'Evidence asked for' column says what we expect.",
    "5. Follow each measure's counting rule: count each person, hour or pound once, and only what this contract adds.",
    "6. Harms (e.g. emissions) are measures too: declare them honestly; they are subtracted from your social value.",
    "7. On 'Narrative', describe in your own words how you will deliver each theme. Officers score these.",
    "8. Do not rename sheets or change grey cells: the return is checked automatically and edited cells are rejected.",
    "9. Save as .xlsx (Excel Workbook) and send it back without a password.",
)


def write_return_template(framework: Framework, path: str | Path) -> Path:
    """Write a blank, protected return workbook for ``framework`` to ``path``."""
    wb = Workbook()
    wb.remove(wb.active)
    _cover(wb.create_sheet(COVER), framework)
    _commitments(wb.create_sheet(COMMITMENTS), framework)
    _narrative(wb.create_sheet(NARRATIVE), framework)
    write_meta(wb, dict(zip(META_KEYS, (framework.name, framework.version, fingerprint(expected_locked(framework))), strict=True)))
    return save(wb, path)


def _cover(ws: Worksheet, framework: Framework) -> None:
    heading(ws, "Social value return", f"Framework: {framework.name}, version {framework.version}")
    for offset, label in enumerate((*COVER_LABELS, *SUPPLIER_LABELS)):
        row = COVER_FIRST_ROW + offset
        ws.cell(row, 1, label).font = BOLD_FONT
        mark_input(ws.cell(row, 2))
        ws.cell(row, 2).alignment = WRAP
    value_cell = ws.cell(COVER_FIRST_ROW + 2, 2)
    value_cell.number_format = GBP
    validation(ws, "decimal", "0", operator="greaterThanOrEqual", error_title="Not a number",
               error="Type a number of pounds, 0 or more.").add(value_cell)
    validation(ws, "decimal", "0", operator="greaterThanOrEqual", error_title="Not a number of years",
               error="Type the contract's length in years, e.g. 3 or 2.5.").add(ws.cell(COVER_FIRST_ROW + 3, 2))
    first = COVER_FIRST_ROW + len(COVER_LABELS) + len(SUPPLIER_LABELS) + 1
    for offset, line in enumerate(INSTRUCTIONS):
        cell = ws.cell(first + offset, 1, line)
        if offset == 0:
            cell.font = BOLD_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=first + offset, start_column=1, end_row=first + offset, end_column=2)
        ws.row_dimensions[first + offset].height = 15 if offset == 0 else 15.5 * (1 + len(line) // 90)
    set_widths(ws, {"A": 26, "B": 70})
    protect(ws, format_cells=True)
    print_setup(ws, landscape=False)


def _commitments(ws: Worksheet, framework: Framework) -> None:
    heading(ws, "Commitments", "Fill in the yellow Quantity and Evidence cells. Leave blank what you do not commit to. "
                               "Grey cells are locked.")
    header = COMMITMENT_HEADER_ROW
    header_row(ws, header, COMMITMENT_COLUMNS)
    decimal = validation(ws, "decimal", "0", operator="greaterThanOrEqual", error_title="Not a quantity",
                         error="Type a plain number, 0 or more, in the unit shown. Leave blank for no commitment.",
                         prompt_title="Quantity", prompt="A number, 0 or more, in the unit shown.")
    yes_no = validation(ws, "list", YES_NO, error_title="Yes or No", error="Choose Yes or No from the list.")
    row = header + 1
    for index, theme in enumerate(framework.themes):
        fill = THEME_FILLS[index % len(THEME_FILLS)]
        band = write(ws, row, 1, f"{theme.id} – {theme.name}")
        band.font = BOLD_FONT
        for col in range(1, len(COMMITMENT_COLUMNS) + 1):
            ws.cell(row, col).fill = fill
        row += 1
        for m in framework.theme_measures(theme.id):
            values = (m.id, theme.name, framework.outcome_by_id[m.outcome_id].name, m.name, m.unit, None, None,
                      m.counting_rule, m.evidence)
            for col, value in enumerate(values, start=1):
                cell = write(ws, row, col, value)
                cell.alignment = WRAP
                if col not in (6, 7):
                    cell.fill = fill
            mark_input(ws.cell(row, 6))
            mark_input(ws.cell(row, 7))
            (yes_no if m.kind == "binary" else decimal).add(ws.cell(row, 6))
            if m.unit == "GBP":
                ws.cell(row, 6).number_format = GBP
            row += 1
    set_widths(ws, {"A": 11, "B": 22, "C": 32, "D": 46, "E": 13, "F": 13, "G": 40, "H": 40, "I": 32})
    ws.freeze_panes = ws.cell(header + 1, 2)
    ws.auto_filter.ref = None
    protect(ws, format_cells=True)
    print_setup(ws, landscape=True, title_rows=f"{header}:{header}")


def _narrative(ws: Worksheet, framework: Framework) -> None:
    heading(ws, "Narrative", "For each theme, say in your own words how you will deliver it. Officers score these responses.")
    header_row(ws, NARRATIVE_HEADER_ROW, NARRATIVE_COLUMNS)
    for offset, theme in enumerate(framework.themes, start=1):
        row = NARRATIVE_HEADER_ROW + offset
        write(ws, row, 1, theme.id)
        write(ws, row, 2, theme.name).alignment = WRAP
        mark_input(ws.cell(row, 3))
        ws.cell(row, 3).alignment = WRAP
        ws.row_dimensions[row].height = 90
    set_widths(ws, {"A": 10, "B": 28, "C": 100})
    protect(ws, format_cells=True)
    print_setup(ws, landscape=True, title_rows=f"{NARRATIVE_HEADER_ROW}:{NARRATIVE_HEADER_ROW}")

