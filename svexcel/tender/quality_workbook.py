"""The ``Quality`` sheet written for officers: one row per return, a score cell per theme."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.protected import append, save, validation
from ..excel.styles import mark_input, set_widths, style_header
from ..framework.model import Framework
from ..framework.sheets import scale_range, write_scale_sheet
from ..xlsx.reader import column_letter
from .quality import SHEET


def write_quality_sheet(
    ws: Worksheet, framework: Framework, files: list[str], organisations: Mapping[str, str], marks: Mapping[str, Mapping[str, float | None]],
) -> None:
    """Fill ``ws`` as a Quality sheet: one row per return, one unlocked score cell per theme."""
    themes = [t.id for t in framework.themes]
    append(ws, ["File", "Organisation", *themes])
    for file in files:
        append(ws, [file, organisations.get(file, ""), *(marks.get(file, {}).get(t) for t in themes)])
    style_header(ws, 1, 1, len(themes) + 2)
    rule = validation(ws, "list", scale_range(framework), error_title="Quality score",
                      error="Choose a score from the quality scale (see QualityScale).", prompt_title="Quality score",
                      prompt="0–100 from the quality scale; blank = not yet scored.")
    last = max(len(files) + 1, 2)
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=3, max_col=len(themes) + 2):
        for cell in row:
            mark_input(cell)
    rule.add(f"C2:{column_letter(len(themes) + 2)}{last}")  # one range: adding cell by cell is quadratic in openpyxl
    ws.freeze_panes = "C2"
    set_widths(ws, {"A": 32, "B": 34} | {column_letter(3 + i): 8 for i in range(len(themes))})


def write_quality_workbook(
    framework: Framework, path: str | Path, marks: Mapping[str, Mapping[str, float | None]], organisations: Mapping[str, str],
) -> Path:
    """Write a standalone quality workbook (Quality + QualityScale sheets) for ``svexcel batch --quality``."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    write_scale_sheet(wb.create_sheet("QualityScale"), framework)
    write_quality_sheet(ws, framework, sorted(marks), organisations, marks)
    return save(wb, path)
