"""The ``Quality`` sheet written for officers: one row per return, a score cell per theme."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.styles import mark_input, set_widths, style_header, write_text
from ..framework.model import Framework
from ..framework.sheets import framework_rows
from ..run.atomic import atomic_path
from ..xlsx.reader import column_letter
from .quality import SHEET


def write_quality_sheet(
    ws: Worksheet, framework: Framework, files: list[str], organisations: Mapping[str, str], marks: Mapping[str, Mapping[str, float | None]],
    scale_ref: str,
) -> None:
    """Fill ``ws`` as a Quality sheet: one row per return, one unlocked score cell per theme."""
    themes = [t.id for t in framework.themes]
    ws.append(["File", "Organisation", *themes])
    for row, file in enumerate(files, start=2):  # not ws.max_row: openpyxl scans every cell for it (quadratic)
        ws.append([None, None, *(marks.get(file, {}).get(t) for t in themes)])
        write_text(ws.cell(row, 1), file)
        write_text(ws.cell(row, 2), organisations.get(file, ""))
    style_header(ws, 1, 1, len(themes) + 2)
    validation = DataValidation(type="list", formula1=scale_ref, allow_blank=True, showErrorMessage=True,
                                errorTitle="Quality score", error="Choose a score from the quality scale (see QualityScale).",
                                showInputMessage=True, promptTitle="Quality score", prompt="0–100 from the quality scale; blank = not yet scored.")
    last = max(len(files) + 1, 2)
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=3, max_col=len(themes) + 2):
        for cell in row:
            mark_input(cell)
    validation.add(f"C2:{column_letter(len(themes) + 2)}{last}")  # one range: adding cell by cell is quadratic in openpyxl
    ws.add_data_validation(validation)
    ws.freeze_panes = "C2"
    set_widths(ws, {"A": 32, "B": 34} | {column_letter(3 + i): 8 for i in range(len(themes))})


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
