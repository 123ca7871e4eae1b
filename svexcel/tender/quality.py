"""Officers' quality scores (0–100 per return and theme) as the engine takes them, read from a ``Quality`` sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.cells import Cell
from ..core.findings import Finding, Findings, finding
from ..core.formatting import as_typed
from ..core.number_formats import Shown, describe
from ..core.numbers import cell_number
from ..framework.model import Framework
from ..xlsx.reader import UnreadableWorkbook
from ..xlsx.reader import Workbook as XlsxWorkbook
from ..xlsx.tables import Table, find_table
from .pins import Pins

SHEET = "Quality"
Marks = dict[str, dict[str, float | None]]


@dataclass(frozen=True)
class Quality:
    """Officers' marks from one file (by return file and theme id; None = unscored), the findings about that file, and the
    SHA-256 of the response each mark was given for, where the file keeps them (svexcel.tender.pins)."""

    marks: Marks
    findings: list[Finding]
    pins: Pins = field(default_factory=dict)
    file: str = ""
    evaluator_files: list[str] = field(default_factory=list)  # the evaluator workbooks a moderation workbook was made from


def read_quality(path: str | Path, framework: Framework) -> tuple[Marks, list[Finding]]:
    """Scores from a workbook's ``Quality`` sheet by return file name and theme id (None = unscored), with findings
    for bad cells. svexcel.panel.marks reads any quality file (a moderation or live scoring workbook too)."""
    path = Path(path)
    findings = Findings(path.name, SHEET)

    try:
        with XlsxWorkbook(path) as book:
            sheet = book.sheet(SHEET)
    except UnreadableWorkbook as exc:
        return {}, [finding(exc.type, exc.message, path.name)]
    except OSError as exc:
        return {}, [finding("file-unreadable", f"Cannot open the quality workbook: {exc.strerror or exc}.", path.name)]
    if sheet is None:
        findings.add("missing-sheet", f"The workbook has no '{SHEET}' sheet. Use a quality workbook, a moderation workbook or the live scoring workbook.")
        return {}, findings.items
    theme_ids = [t.id for t in framework.themes]
    table, missing, row = find_table(sheet, ("File",), theme_ids)
    if table is None:
        findings.add("missing-header", "The Quality sheet has no 'File' column. Put the return's file name in a column headed File.", f"A{row}")
        return {}, findings.items
    for theme_id in theme_ids:
        if theme_id not in table.columns:
            findings.add("missing-header", f"The Quality sheet has no column for theme {theme_id}; its quality is unscored for every return.", table.header_ref, severity="warning")
    allowed = scale(framework)
    marks: Marks = {}
    first_row: dict[str, str] = {}
    for row in table.rows():
        file = table.name(row)
        if not file:
            continue
        if file in first_row:
            findings.add("duplicate-file", f"{file} has a second row of quality scores (first in {first_row[file]}). Keep one row per return.", table.ref(row, "File"))
            continue
        first_row[file] = table.ref(row, "File")
        marks[file] = {theme_id: _mark(table, row, theme_id, file, findings, allowed) for theme_id in theme_ids}
    return marks, findings.items


def _mark(table: Table, row: int, theme_id: str, file: str, findings: Findings, allowed: Sequence[float]) -> float | None:
    """One quality mark, or None (unscored or refused, with a finding added)."""
    ref = table.ref(row, theme_id) if theme_id in table.columns else ""
    return quality_mark(table.cell(row, theme_id), f"The {theme_id} quality score for {file} in {ref}", ref, findings, allowed)


def scale(framework: Framework) -> tuple[float, ...]:
    """The marks a framework's QualityScale allows (empty: any mark from 0 to 100)."""
    return tuple(q.score for q in framework.quality_scale)


def quality_mark(cell: Cell | None, what: str, ref: str, findings: Findings, marks: Sequence[float] = ()) -> float | None:
    """A mark typed as a number on the scale ``marks`` (any from 0 to 100 when empty), or None: blank, or refused with a
    finding (``what`` names the mark and its cell). Every reader of marks (evaluator, consensus, Quality sheet) uses it."""
    read = cell_number(cell)
    number = read.value
    if read.problem is not None:
        findings.add(read.problem, f"{what} {_held(read.problem, cell)} Type a score from 0 to 100, or leave it blank if not yet scored.", ref)
        return None
    if read.note == "number-as-text":
        # the live workbook's formulas would not count a score typed as text: stop rather than disagree
        findings.add("score-as-text", f"{what} was typed as text. Type it as a number.", ref)
        return None
    if number is None:
        return None
    problem = mark_problem(number, cell is not None and cell.shown_as == "percent", marks)
    if problem is not None:
        findings.add(problem[0], f"{what} {problem[1]}", ref)
        return None
    return float(number)


def _held(problem: str, cell: Cell | None) -> str:
    """What a mark's cell holds instead of a number, as people see it (never a serial number)."""
    value = None if cell is None else cell.value
    if problem in ("stored-as-date", "stored-as-time") and isinstance(value, (int, float)) and cell is not None:
        kind: Shown = "time" if problem == "stored-as-time" else "date"
        return (f"holds the {kind} {describe(value, cell.shown_as or kind)}, not a mark (Excel and LibreOffice make a {kind} "
                f"of some entries); format the cell as Number.")
    if problem == "cell-error" and cell is not None:
        return f"shows the error {cell.error}."
    if problem == "formula-without-value":
        return "holds a formula with no calculated value."
    return f"is {as_typed(value)}, which is not a number."


def mark_problem(number: float, percent: bool, marks: Sequence[float] = ()) -> tuple[str, str] | None:
    """Why a number in a mark's cell is not a mark, as (finding type, the rest of a sentence naming the mark), or None.

    ``percent``: the cell is formatted as a percentage, so 75% was stored as 0.75 (``stored-as-percent``); a mark outside
    0–100 is ``bad-quality-score``; one that is not among ``marks`` (the QualityScale; any when empty) is ``off-scale``."""
    if percent:
        example = f", e.g. {number * 100:g}" if 0 < number <= 1 else ""
        message = (f"is formatted as a percentage, so it holds {number:g} (shown as {describe(number, 'percent')}), not a mark "
                   f"out of 100. Format the cell as Number and type the mark itself{example}.")
        return "stored-as-percent", message
    if not 0 <= number <= 100:
        message = f"is {number:g}; scores run from 0 to 100."
        return "bad-quality-score", message
    if marks and number not in marks:
        message = f"is {number:g}, which is not on the quality scale ({', '.join(f'{m:g}' for m in marks)}). Choose one of its scores."
        return "off-scale", message
    return None
