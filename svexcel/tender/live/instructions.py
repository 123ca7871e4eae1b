"""The live workbooks' ``Instructions`` sheet: what the workbook is and how to use it, in an officer's words (scoring sections here)."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from openpyxl.worksheet.worksheet import Worksheet

from ...excel.protected import put
from ...excel.styles import BOLD_FONT, NOTE_FONT, TITLE_FONT, WRAP, set_widths
from ...framework.model import Framework

INSTRUCTIONS = "Instructions"
INTERPRETER_NOTE = "When this workbook was built it said:"  # followed by what Interpreter_Win was set to
Section = tuple[str, tuple[str, ...]]
PROTECTION_NOTE = ("The sheets are protected without a password (Review > Unprotect Sheet) so that you can add a note "
                   "or widen a column.")


def python_section(purpose: str) -> Section:
    """How to set up the Python functions and macros (the same for every live workbook); ``purpose`` says what they add."""
    return ("Using the Python functions and macros", (
        f"{purpose} Your IT team sets it up once (svexcel's documentation: Classic and Lite Excel, 'Setting up Python on Windows').",
        "1. On the xlwings.conf sheet, Interpreter_Win must be the full path of python.exe in the environment where "
        f"svexcel is installed, for example C:\\svexcel\\.venv\\Scripts\\python.exe. {INTERPRETER_NOTE}",
        "2. Enable macros for this file (right-click the file > Properties > Unblock if it came by e-mail; then "
        "Enable Content) and, under File > Options > Trust Center > Macro Settings, tick 'Trust access to the VBA "
        "project object model'.",
        "3. Press Alt+F8, choose ImportPythonUDFs and Run. The Tools sheet lists the functions and macros.",
    ))


SECTIONS: tuple[Section, ...] = (
    ("What this workbook is", (
        "It scores the social value returns of one tender against the framework named above. The Dashboard ranks "
        "the suppliers; Scores shows each one's points, rank and theme scores; ThemeScores and MeasureScores show "
        "how every figure is worked out.",
        "Every score is an ordinary Excel formula. It recalculates as soon as you change a yellow cell, with or "
        "without Python, in Excel 2016 or later and in LibreOffice.",
    )),
    ("The yellow cells", (
        "Yellow cells are the only ones you can type in: theme weights (Themes), proxy values, deadweights and "
        "targets (Measures), the points available and the weights of each part of a theme score (Settings), the "
        "officers' quality scores (Quality) and the folders on Tools.",
        f"Everything else is a formula or comes from the suppliers' return files, and is locked. {PROTECTION_NOTE}",
    )),
    ("What CHECK means", (
        "The workbook checks every yellow cell. If a value cannot be scored (a blank proxy, a negative weight, text "
        "instead of a number, a deleted or added row), Points, Rank and the theme scores show CHECK instead of numbers, "
        "so that no wrong score is ever shown.",
        "The Checks sheet (also summed up at the top of the Dashboard and Scores) names the sheet and cell to fix. "
        "Correct that cell, or undo your change, and the scores come back.",
    )),
    ("Correcting a supplier's figures", (
        "The quantities on Returns are exactly what the suppliers' return files say, so the Word reports and this "
        "workbook always show the same figures. Returns is locked for that reason.",
        "To correct a quantity, correct the return file (or ask the supplier for a corrected one), then run the "
        "import_returns macro on Tools, or build the workbook again with svexcel build.",
    )),
    python_section("Python adds what formulas cannot do: importing returns from a folder, checking a return, explaining a "
                   "score, testing how stable the ranking is, and writing the Word reports."),
    ("Printing", (
        "Every sheet prints one page wide with its header rows on each page. The footer gives the framework, its "
        "version, the sheet and the page number.",
    )),
)


def write_instructions(ws: Worksheet, framework: Framework, interpreter: str, sections: Sequence[Section] = SECTIONS) -> Worksheet:
    """Fill the Instructions sheet with ``sections``; ``interpreter`` is what xlwings.conf's Interpreter_Win was set to."""
    ws["A1"] = "How to use this workbook"
    ws["A1"].font = TITLE_FONT
    put(ws["A2"], f"{framework.name}, version {framework.version}. Built by svexcel on {date.today():%d %B %Y}.")
    ws["A2"].font = NOTE_FONT
    row = 4
    for heading, paragraphs in sections:
        ws.cell(row, 1, heading).font = BOLD_FONT
        row += 1
        for text in paragraphs:
            cell = ws.cell(row, 1, text)
            cell.alignment = WRAP
            ws.row_dimensions[row].height = 15 * (1 + len(text) // 110)
            if text.endswith(INTERPRETER_NOTE):
                row += 1
                put(ws.cell(row, 1), interpreter)
                ws.cell(row, 1).font = BOLD_FONT
            row += 1
        row += 1
    set_widths(ws, {"A": 120.0})
    return ws
