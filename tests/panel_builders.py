"""Build evaluation-panel workbooks in tmp_path the way evaluators and moderators fill them in."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from svexcel.panel.layout import MODERATION, MODERATION_HEADER_ROW, SCORES, SCORES_HEADER_ROW

Marks = Mapping[tuple[str, str], tuple[object, object]]  # (file, theme) -> (score, rationale)
GOOD = "The response names the people, the budget and the dates it will use, and points to last year's delivery figures as proof."


def fill_scores(path: Path, marks: Marks, default: tuple[object, object] | None = None, edit: Callable[[Workbook], None] | None = None) -> Path:
    """Type scores and rationales into an evaluator workbook (``default`` for rows not in ``marks``) and save it."""
    wb = load_workbook(path)
    ws = wb[SCORES]
    for row in range(SCORES_HEADER_ROW + 1, ws.max_row + 1):
        key = (ws.cell(row, 1).value, ws.cell(row, 3).value)
        score, rationale = marks.get(key, default or (None, None))  # type: ignore[arg-type]
        ws.cell(row, 6).value = score
        ws.cell(row, 7).value = rationale
    if edit is not None:
        edit(wb)
    wb.save(path)
    return path


def type_consensus(path: Path, consensus: Mapping[tuple[str, str], tuple[object, object]]) -> Path:
    """Type Consensus and Consensus rationale cells in a moderation workbook, as the moderation meeting would."""
    wb = load_workbook(path)
    ws = wb[MODERATION]
    header = {ws.cell(MODERATION_HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    for row in range(MODERATION_HEADER_ROW + 1, ws.max_row + 1):
        key = (ws.cell(row, header["File"]).value, ws.cell(row, header["Theme ID"]).value)
        if key in consensus:
            mark, why = consensus[key]
            ws.cell(row, header["Consensus"]).value = mark
            ws.cell(row, header["Consensus rationale"]).value = why
    wb.save(path)
    return path


def moderation_cells(path: Path) -> dict[tuple[str, str], dict[str, object]]:
    """Every Moderation row's cells by header, keyed by (file, theme)."""
    ws = load_workbook(path)[MODERATION]
    header = [ws.cell(MODERATION_HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
    rows = {}
    for row in ws.iter_rows(min_row=MODERATION_HEADER_ROW + 1, values_only=True):
        cells = dict(zip(header, row, strict=True))
        rows[(cells["File"], cells["Theme ID"])] = cells
    return rows
