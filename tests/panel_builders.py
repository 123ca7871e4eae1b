"""Build evaluation-panel workbooks in tmp_path the way evaluators and moderators fill them in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Mapping

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from svexcel.framework.model import Framework
from svexcel.panel.declaration import CONFLICT, DECLARATION, FIRST_ROW, NO_CONFLICT
from svexcel.panel.layout import MODERATION, MODERATION_HEADER_ROW, SCORES, SCORES_HEADER_ROW

Marks = Mapping[tuple[str, str], tuple[object, object]]  # (file, theme) -> (score, rationale)
GOOD = "The response names the people, the budget and the dates it will use, and points to last year's delivery figures as proof."
Declared = tuple[object, object, object, object]  # declaration, details, name, date as typed
DECLARED: Declared = (NO_CONFLICT, None, "A. Evaluator", dt.datetime(2026, 3, 1))


def conflict(details: str) -> Declared:
    """A declaration of a conflict of interest, signed and dated."""
    return (CONFLICT, details, "A. Evaluator", dt.datetime(2026, 3, 1))


def declare(wb: Workbook, declared: Declared = DECLARED) -> None:
    """Type a declaration of interests on an evaluator workbook's Declaration sheet, as the evaluator would."""
    for offset, value in enumerate(declared):
        wb[DECLARATION].cell(FIRST_ROW + offset, 2).value = value


def fill_scores(path: Path, marks: Marks, default: tuple[object, object] | None = None, edit: Callable[[Workbook], None] | None = None,
                declared: Declared | None = DECLARED) -> Path:
    """Type a declaration (unless None) and scores and rationales into an evaluator workbook (``default`` for rows not in
    ``marks``) and save it."""
    wb = load_workbook(path)
    if declared is not None:
        declare(wb, declared)
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


def agreed_panel(folder: Path, framework: Framework, returns: Path, mark: int = 50) -> Path:
    """The panel's way to a moderation workbook in ``folder``: A and B declare no conflict and score every response of
    ``returns`` ``mark`` with a rationale; moderate; the meeting types every consensus ``mark`` with its reason; moderate
    records it. Returns the moderation workbook (the evaluators' workbooks are in ``folder / "panel"``)."""
    from svexcel.panel.make_panel import make_panel
    from svexcel.panel.moderate import moderate

    made = make_panel(returns, framework, ["A", "B"], folder / "panel")
    for path in made.workbooks:
        fill_scores(path, {}, default=(mark, GOOD))
    moderation = folder / "moderation.xlsx"
    moderate(folder / "panel", framework, moderation)
    type_consensus(moderation, {(r.file, t.id): (mark, GOOD) for r in made.returns for t in framework.themes})
    moderate(folder / "panel", framework, moderation, note="Agreed at the moderation meeting")
    return moderation
