"""Officers' quality scores (0–100 per return and theme): the ``Quality`` sheet, read and written."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import atomic_path
from .findings import Finding
from .framework import Framework
from .framework_sheets import framework_rows
from .numbers import cell_number
from .styles import mark_input, set_widths, style_header, write_text
from .tables import find_table
from .xlsx import UnreadableWorkbook, Workbook as XlsxWorkbook

SHEET = "Quality"
Marks = dict[str, dict[str, float | None]]


def read_quality(path: str | Path, framework: Framework) -> tuple[Marks, list[Finding]]:
    """Scores by return file name and theme id (None = unscored), with findings for bad cells."""
    path = Path(path)
    findings: list[Finding] = []

    def add(type: str, message: str, cell: str = "", severity: str = "error") -> None:
        findings.append(Finding(type, severity, message, path.name, SHEET, cell))  # type: ignore[arg-type]

    try:
        with XlsxWorkbook(path) as book:
            sheet = book.sheet(SHEET)
    except UnreadableWorkbook as exc:
        return {}, [Finding(exc.type, "error", exc.message, path.name)]
    except OSError as exc:
        return {}, [Finding("file-unreadable", "error", f"Cannot open the quality workbook: {exc.strerror or exc}.", path.name)]
    if sheet is None:
        add("missing-sheet", f"The workbook has no '{SHEET}' sheet. Use a quality workbook or the live scoring workbook.")
        return {}, findings
    theme_ids = [t.id for t in framework.themes]
    table, missing, row = find_table(sheet, ("File",), theme_ids)
    if table is None:
        add("missing-header", "The Quality sheet has no 'File' column. Put the return's file name in a column headed File.", f"A{row}")
        return {}, findings
    for theme_id in theme_ids:
        if theme_id not in table.columns:
            add("missing-header", f"The Quality sheet has no column for theme {theme_id}; its quality is unscored for every return.", table.header_ref, "warning")
    marks: Marks = {}
    for row in table.rows():
        file = table.text(row, "File")
        if not file:
            continue
        marks[file] = {}
        for theme_id in theme_ids:
            ref = table.ref(row, theme_id) if theme_id in table.columns else ""
            read = cell_number(table.cell(row, theme_id))
            number = read.value
            if read.problem is not None:
                add(read.problem, f"The {theme_id} quality score for {file} in {ref} is not a number ({read.problem}). Type a score from 0 to 100, or leave it blank if not yet scored.", ref)
            elif number is not None and not 0 <= number <= 100:
                add("bad-quality-score", f"The {theme_id} quality score for {file} is {number:g}; scores run from 0 to 100.", ref)
                number = None
            marks[file][theme_id] = None if number is None else float(number)
    return marks, findings


def write_quality_sheet(
    ws: Worksheet, framework: Framework, files: list[str], organisations: Mapping[str, str], marks: Mapping[str, Mapping[str, float | None]],
    scale_ref: str,
) -> None:
    """Fill ``ws`` as a Quality sheet: one row per return, one unlocked score cell per theme."""
    themes = [t.id for t in framework.themes]
    ws.append(["File", "Organisation", *themes])
    for file in files:
        ws.append([None, None, *(marks.get(file, {}).get(t) for t in themes)])
        write_text(ws.cell(ws.max_row, 1), file)
        write_text(ws.cell(ws.max_row, 2), organisations.get(file, ""))
    style_header(ws, 1, 1, len(themes) + 2)
    validation = DataValidation(type="list", formula1=scale_ref, allow_blank=True, showErrorMessage=True,
                                errorTitle="Quality score", error="Choose a score from the quality scale (see QualityScale).",
                                showInputMessage=True, promptTitle="Quality score", prompt="0–100 from the quality scale; blank = not yet scored.")
    last = max(len(files) + 1, 2)
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=3, max_col=len(themes) + 2):
        for cell in row:
            mark_input(cell)
            validation.add(cell)
    ws.add_data_validation(validation)
    ws.freeze_panes = "C2"
    set_widths(ws, {"A": 32, "B": 34} | {chr(67 + i): 8 for i in range(len(themes))})


def write_quality_workbook(
    framework: Framework, path: str | Path, marks: Mapping[str, Mapping[str, float | None]], organisations: Mapping[str, str],
) -> Path:
    """Write a standalone quality workbook (Quality + QualityScale sheets) for ``svexcel batch --quality``."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    scale = wb.create_sheet("QualityScale")
    scale.append(["score", "label", "descriptor"])
    for row in framework_rows(framework)["QualityScale"]:
        scale.append(row)
    style_header(scale, 1, 1, 3)
    set_widths(scale, {"A": 8, "B": 16, "C": 90})
    write_quality_sheet(ws, framework, sorted(marks), organisations, marks, f"QualityScale!$A$2:$A${len(framework.quality_scale) + 1}")
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
