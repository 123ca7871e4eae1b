"""Write a framework's five sheets (SPEC §1) into an openpyxl workbook, readable by a finance officer."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.formats import GBP
from ..excel.protected import append, protect, save
from ..excel.styles import FONT, NOTE_FONT, WRAP, mark_input, set_widths, style_header
from .model import SETTING_NOTES, SHEET_COLUMNS, Framework

WIDTHS = {
    "Settings": {"A": 22, "B": 34, "C": 70},
    "Themes": {"A": 10, "B": 32, "C": 60, "D": 10},
    "Outcomes": {"A": 12, "B": 10, "C": 80},
    "Measures": {"A": 11, "B": 11, "C": 50, "D": 14, "E": 11, "F": 15, "G": 12, "H": 44, "I": 11, "J": 9, "K": 50, "L": 44, "M": 14},
    "QualityScale": {"A": 8, "B": 16, "C": 90},
}
# Columns finance teams may change; everything else describes the framework.
EDITABLE = {
    "Settings": ("value",),
    "Themes": ("weight",),
    "Measures": ("proxy_gbp", "proxy_basis", "deadweight", "target"),
    "QualityScale": ("descriptor",),
}
ILLUSTRATIVE_FONT = Font(name=FONT, italic=True, color="C55A11")
DEFAULT_QUALITY_SCALE = (
    (0, "None", "No response, or the response does not address the theme."),
    (25, "Poor", "Addresses the theme in general terms, with little detail or evidence of how it will be delivered."),
    (50, "Satisfactory", "A credible plan with some detail, resources and evidence; gaps remain."),
    (75, "Good", "A clear, specific plan with named resources, milestones and evidence from past delivery."),
    (100, "Excellent", "An outstanding, fully evidenced plan co-designed with the community, with monitoring built in."),
)


def framework_rows(framework: Framework) -> dict[str, list[list[object]]]:
    """Each framework sheet's data rows (without header), in SPEC §1 column order."""
    s = framework.settings
    return {
        "Settings": [[k, getattr(s, k), SETTING_NOTES[k]] for k in SETTING_NOTES],
        "Themes": [[t.id, t.name, t.description, t.weight] for t in framework.themes],
        "Outcomes": [[o.id, o.theme_id, o.name] for o in framework.outcomes],
        "Measures": [
            [m.id, m.outcome_id, m.name, m.unit, m.kind, m.direction, m.proxy_gbp, m.proxy_basis,
             m.deadweight, m.target, m.counting_rule, m.evidence, ", ".join(m.excludes)]
            for m in framework.measures
        ],
        "QualityScale": [[q.score, q.label, q.descriptor] for q in framework.quality_scale],
    }


def write_framework_sheets(wb: Workbook, framework: Framework) -> dict[str, Worksheet]:
    """Add the five framework sheets, with editable cells marked; returns them by name."""
    sheets = {}
    for name, rows in framework_rows(framework).items():
        ws = wb.create_sheet(name)
        header = list(SHEET_COLUMNS[name]) + (["note"] if name == "Settings" else [])
        append(ws, header)
        for row in rows:
            append(ws, row)
        style_header(ws, 1, 1, len(header))
        ws.freeze_panes = "B2" if name == "Measures" else "A2"
        set_widths(ws, WIDTHS[name])
        editable = [SHEET_COLUMNS[name].index(c) + 1 for c in EDITABLE.get(name, ())]
        for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
            for cell in row:
                if cell.column in editable and not (name == "Settings" and cell.row > 1 and row[0].value in ("framework_name", "framework_version")):
                    mark_input(cell)
                if name == "Settings" and cell.column == 3:
                    cell.font = NOTE_FONT
        sheets[name] = ws
    measures = sheets["Measures"]
    for row_number, measure in enumerate(framework.measures, start=2):
        measures.cell(row_number, 7).number_format = GBP
        measures.cell(row_number, 9).number_format = "0%"
        if measure.illustrative:
            measures.cell(row_number, 8).font = ILLUSTRATIVE_FONT
    measures["G1"].comment = Comment(
        "£ value of one unit. Values marked 'illustrative' in proxy_basis are examples only: "
        "replace them with your own agreed or licensed values.", "svexcel",
    )
    measures.auto_filter.ref = f"A1:L{len(framework.measures) + 1}"
    return sheets


def write_framework_workbook(framework: Framework, path: str | Path) -> Path:
    """Write a standalone framework workbook (SPEC §1) to ``path``."""
    wb = Workbook()
    wb.remove(wb.active)
    write_framework_sheets(wb, framework)
    return save(wb, path)


def write_scale_sheet(ws: Worksheet, framework: Framework) -> None:
    """A protected QualityScale sheet for reference beside marks: each score with its label and descriptor."""
    append(ws, SHEET_COLUMNS["QualityScale"])
    for row, values in enumerate(framework_rows(framework)["QualityScale"], start=2):
        append(ws, values)
        ws.cell(row, 3).alignment = WRAP
    style_header(ws, 1, 1, 3)
    set_widths(ws, WIDTHS["QualityScale"])
    protect(ws)


def scale_range(framework: Framework) -> str:
    """The scores on a QualityScale sheet, as a list validation's choices."""
    return f"QualityScale!$A$2:$A${max(len(framework.quality_scale), 1) + 1}"
