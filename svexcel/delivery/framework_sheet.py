"""The delivery column of a framework's ``Measures`` sheet: ``accrues`` (flow or level), written where the finance
team edits it, in the framework workbook and in the monitoring workbook alike."""

from __future__ import annotations

from typing import Mapping

from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.protected import put, validation
from ..excel.styles import mark_input, style_header
from ..framework.model import Framework
from ..xlsx.reader import column_letter
from .settings import ACCRUES_COL, ACCRUES_HEADER

ACCRUES_NOTE = ("flow: what was delivered in the period, added up period by period (money, hours, weeks). level: the "
                "position at the end of the period, the latest figure counts (headcounts, seats, members, ratios, yes/no). "
                "Blank: flow for monetised and target-benefit measures, level for the rest, with a warning.")


def write_accrues_column(ws: Worksheet, framework: Framework, accrues: Mapping[str, str]) -> None:
    """The ``accrues`` header (with a note) and each measure's yellow, validated cell on ``Measures``."""
    ws.cell(1, ACCRUES_COL, ACCRUES_HEADER)
    style_header(ws, 1, ACCRUES_COL, ACCRUES_COL)
    ws.cell(1, ACCRUES_COL).comment = Comment(ACCRUES_NOTE, "svexcel")
    for r, measure in enumerate(framework.measures, start=2):
        put(ws.cell(r, ACCRUES_COL), accrues.get(measure.id))
        mark_input(ws.cell(r, ACCRUES_COL))
    letter = column_letter(ACCRUES_COL)
    validation(ws, "list", '"flow,level"', error_title="accrues",
               error="Choose flow (delivered in the period) or level (position at the end of the period).",
               prompt_title="accrues", prompt="flow: delivered in the period, added up. level: the position at the end of the period."
               ).add(f"{letter}2:{letter}{max(len(framework.measures), 1) + 1}")
    ws.column_dimensions[letter].width = 10
