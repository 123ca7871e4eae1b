"""``summary.xlsx``: one row per input file, every finding, and the method in force."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import atomic_path
from .framework import Framework
from .results import Competition, ReturnResult
from .styles import GBP, HEADER_FILL, HEADER_FONT, POINTS, RATIO, SHARE, write_text
from .xlsx import column_letter

FINDING_COLUMNS = ("File", "Severity", "Type", "Sheet", "Cell", "Message")


def write_summary(path: Path, framework: Framework, results: Sequence[ReturnResult], competition: Competition) -> Path:
    """Write the batch summary workbook atomically (streamed, so memory stays flat for big batches)."""
    wb = Workbook(write_only=True)
    _returns_sheet(wb.create_sheet("Summary"), framework, results)
    _findings_sheet(wb.create_sheet("Findings"), results)
    _method_sheet(wb.create_sheet("Method"), framework, competition)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _cell(ws: Worksheet, value: object, number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    if isinstance(value, str):
        write_text(cell, value)
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def _header(ws: Worksheet, names: Sequence[str], widths: Sequence[float]) -> None:
    for index, width in enumerate(widths):
        ws.column_dimensions[column_letter(index + 1)].width = width
    ws.freeze_panes = "A2"
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    ws.append(cells)


def _returns_sheet(ws: Worksheet, framework: Framework, results: Sequence[ReturnResult]) -> None:
    themes = [t.id for t in framework.themes]
    names = ["File", "Status", "Organisation", "Contract value", "Social value", "Ratio to contract value",
             "Points", "Rank", *(f"{t} score" for t in themes), "Errors", "Warnings", "Report"]
    _header(ws, names, [30, 10, 32, 16, 16, 12, 9, 7, *[10] * len(themes), 8, 10, 40])
    ws.auto_filter.ref = f"A1:{column_letter(len(names))}{len(results) + 1}"
    for r in results:
        s = r.score
        counts = {sev: sum(f.severity == sev for f in r.ret.findings) for sev in ("error", "warning")}
        report = r.report or (f"FAILED: {r.report_error}" if r.report_error else "")
        row = [
            _cell(ws, r.file), _cell(ws, r.status), _cell(ws, r.ret.organisation),
            _cell(ws, r.ret.contract_value, GBP),
            _cell(ws, s.assessment.total_sv if s else None, GBP),
            _cell(ws, s.assessment.sv_ratio if s else None, RATIO),
            _cell(ws, s.points if s else None, POINTS),
            _cell(ws, s.rank if s else None),
            *(_cell(ws, s.themes[t].score if s else None, SHARE) for t in themes),
            _cell(ws, counts["error"]), _cell(ws, counts["warning"]), _cell(ws, report),
        ]
        ws.append(row)


def _findings_sheet(ws: Worksheet, results: Sequence[ReturnResult]) -> None:
    _header(ws, FINDING_COLUMNS, [30, 9, 22, 13, 8, 110])
    rows = [(r.file, f) for r in results for f in r.ret.findings]
    ws.auto_filter.ref = f"A1:F{len(rows) + 1}"
    for file, f in rows:
        ws.append([_cell(ws, v) for v in (file, f.severity, f.type, f.sheet, f.cell, f.message)])


def _method_sheet(ws: Worksheet, framework: Framework, competition: Competition) -> None:
    s = framework.settings
    _header(ws, ["Setting", "Value"], [34, 60])
    rows: list[tuple[str, object]] = [
        ("Framework", framework.name), ("Version", framework.version), ("Date", competition.date),
        ("Quality scores", competition.quality_file or "none given"), ("Max points", s.max_points),
        ("Weight: monetised", s.weight_monetised), ("Weight: attainment", s.weight_attainment),
        ("Weight: quality", s.weight_quality),
        *((f"Theme weight: {t.id} {t.name}", t.weight) for t in framework.themes),
        ("Returns scored", competition.scored), ("Returns in the batch", competition.total),
    ]
    for key, value in rows:
        ws.append([_cell(ws, key), _cell(ws, value)])
