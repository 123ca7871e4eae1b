"""Read a live scoring workbook's inputs exactly as its formulas see them, so the engine can score the same cells.

The framework comes from the workbook's own framework sheets (finance's edited
weights and proxies apply), quantities from ``Returns`` and officers' marks from
``Quality``. A cell the formulas treat as blank or zero (text in a quantity
cell, a mark outside 0–100) is read the same way and reported as a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..findings import Finding
from ..framework import SHEET_COLUMNS, Framework, framework_from_sheets
from ..numbers import is_number
from ..quality import Marks
from ..return_reader import Return
from ..scoring import Score, assess, compete
from ..tables import Table, cell_text, find_table
from ..xlsx import Sheet, Value, Workbook, cell_ref
from .layout import QUALITY, RETURN_COLUMNS, RETURNS

Rows = Sequence[Sequence[Value]]
Add = Callable[[str, str, str, str], None]


@dataclass(frozen=True)
class LiveInputs:
    """A live workbook's current inputs: framework, returns' quantities, officers' marks, and cells read as blank."""

    framework: Framework
    returns: list[Return]
    quality: Marks
    findings: list[Finding] = field(default_factory=list)

    def scores(self) -> list[Score]:
        """The engine's scores for these inputs, one per return in Returns order."""
        fw = self.framework
        assessments = [assess(fw, r.quantities, r.contract_value) for r in self.returns]
        return compete(fw, assessments, [self.quality.get(r.file, {}) for r in self.returns])


def read_live_workbook(path: str | Path) -> LiveInputs:
    """The inputs of a saved live workbook; raises FrameworkError when its framework sheets are invalid."""
    path = Path(path)
    with Workbook(path) as book:
        sheets = {name: book.sheet(name) for name in (*SHEET_COLUMNS, RETURNS, QUALITY)}
    return inputs_from_sheets(sheets, path.name)


def inputs_from_tables(settings: Rows, themes: Rows, outcomes: Rows, measures: Rows, returns: Rows, quality: Rows) -> LiveInputs:
    """The inputs from cell ranges as Excel passes them (rows of values, None for blanks), each from its header row."""
    tables = {"Settings": settings, "Themes": themes, "Outcomes": outcomes, "Measures": measures, RETURNS: returns, QUALITY: quality}
    sheets: dict[str, Sheet | None] = {name: Sheet.from_rows(name, [list(r) for r in rows]) for name, rows in tables.items()}
    return inputs_from_sheets(sheets)


def framework_from_tables(settings: Rows, themes: Rows, outcomes: Rows, measures: Rows) -> Framework:
    """A framework from its four scoring tables passed as ranges (the quality scale is not needed to score)."""
    tables = {"Settings": settings, "Themes": themes, "Outcomes": outcomes, "Measures": measures}
    sheets: dict[str, Sheet | None] = {name: Sheet.from_rows(name, [list(r) for r in rows]) for name, rows in tables.items()}
    return framework_from_sheets(sheets | {"QualityScale": _empty_scale()})


def inputs_from_sheets(sheets: Mapping[str, Sheet | None], file: str = "") -> LiveInputs:
    """The inputs from the workbook's sheets; raises FrameworkError when the framework sheets are invalid."""
    framework = framework_from_sheets({**sheets, "QualityScale": sheets.get("QualityScale") or _empty_scale()}, file)
    findings: list[Finding] = []
    returns = _returns(sheets.get(RETURNS), framework, file, findings)
    quality = _quality(sheets.get(QUALITY), framework, file, findings)
    return LiveInputs(framework, returns, quality, findings)


def _empty_scale() -> Sheet:
    """A QualityScale sheet with its header only: scoring does not use the scale."""
    return Sheet.from_rows("QualityScale", [list(SHEET_COLUMNS["QualityScale"])])


def _table(sheet: Sheet | None, name: str, optional: Sequence[str], file: str, findings: list[Finding]) -> Table | None:
    if sheet is None:
        findings.append(Finding("missing-sheet", "error", f"The workbook has no '{name}' sheet. Rebuild it with svexcel build.", file, name))
        return None
    table, _, row = find_table(sheet, ("File",), optional)
    if table is None:
        findings.append(Finding("missing-header", "error", f"'{name}' has no 'File' header. Restore it in column A.", file, name, cell_ref(row, 1)))
    return table


def _returns(sheet: Sheet | None, framework: Framework, file: str, findings: list[Finding]) -> list[Return]:
    """Each row of Returns as a Return: quantities as the formulas count them."""
    ids = [m.id for m in framework.measures]
    table = _table(sheet, RETURNS, (*RETURN_COLUMNS[1:], *ids), file, findings)
    if table is None:
        return []

    def add(type: str, severity: str, message: str, cell: str) -> None:
        findings.append(Finding(type, severity, message, file, RETURNS, cell))  # type: ignore[arg-type]

    for mid in ids:
        if mid not in table.columns:
            add("measure-not-in-returns", "error", f"Measure {mid} is on Measures but has no column on Returns; the formulas leave it out. Rebuild the workbook.", table.header_ref)
    known = set(table.columns.values())
    for (row, col), cell in sorted(table.sheet.cells.items()):
        if row == table.header_row and col not in known and cell_text(cell.value):
            add("unknown-measure", "error", f"Returns column '{cell_text(cell.value)}' is not a measure on Measures; its scores show #N/A.", cell_ref(row, col))
    binary = {m.id for m in framework.measures if m.kind == "binary"}
    returns = []
    for row in table.rows():
        name = table.text(row, "File")
        if not name:
            continue
        ret = Return(name, organisation=table.text(row, "Organisation"))
        if "Contract value (GBP)" in table.columns:
            ret.contract_value = _number(table, row, "Contract value (GBP)", add)
        for mid in ids:
            if mid in table.columns:
                ret.quantities[mid] = _quantity(table, row, mid, mid in binary, add)
        returns.append(ret)
    return returns


def _number(table: Table, row: int, column: str, add: Add) -> float | None:
    """A plain number, or None for anything the formulas do not count as one (reported unless blank)."""
    cell = table.cell(row, column)
    ref = table.ref(row, column)
    if cell is None:
        return None
    if cell.error is not None:
        add("cell-error", "error", f"{column} in {ref} shows {cell.error}; the scores that use it show errors too.", ref)
        return None
    if is_number(cell.value):
        return float(cell.value)  # type: ignore[arg-type]
    if cell_text(cell.value):
        add("not-a-number", "warning", f"{column} in {ref} is '{cell.value}', not a number; the formulas count it as blank. Type a plain number.", ref)
    return None


def _quantity(table: Table, row: int, mid: str, binary: bool, add: Add) -> float | None:
    """A quantity as the MeasureScores formulas count it: numbers, and Yes/No for binary measures."""
    value = table.value(row, mid)
    if binary and isinstance(value, str) and value.casefold() in ("yes", "no"):
        return 1.0 if value.casefold() == "yes" else 0.0
    if binary and isinstance(value, str) and cell_text(value):
        ref = table.ref(row, mid)
        add("not-yes-no", "warning", f"Measure {mid} in {ref} is '{value}'; only Yes counts. Choose Yes or No.", ref)
        return None
    return _number(table, row, mid, add)


def _quality(sheet: Sheet | None, framework: Framework, file: str, findings: list[Finding]) -> Marks:
    """Officers' marks by file and theme: numbers 0–100 count, anything else is unscored (and reported)."""
    theme_ids = [t.id for t in framework.themes]
    table = _table(sheet, QUALITY, theme_ids, file, findings)
    if table is None:
        return {}
    marks: Marks = {}
    for row in table.rows():
        name = table.text(row, "File")
        if not name:
            continue
        if name in marks:
            findings.append(Finding("duplicate-file", "warning", f"{name} is listed again in {table.ref(row, 'File')}; only its first row counts.", file, QUALITY, table.ref(row, "File")))
            continue
        marks[name] = {}
        for tid in theme_ids:
            value = table.value(row, tid) if tid in table.columns else None
            ref = table.ref(row, tid) if tid in table.columns else ""
            mark = float(value) if is_number(value) and 0 <= value <= 100 else None  # type: ignore[arg-type,operator]
            if mark is None and cell_text(value):
                findings.append(Finding("bad-quality-score", "warning", f"The {tid} quality score for {name} in {ref} is '{value}'; it counts as not scored. Choose a score from 0 to 100.", file, QUALITY, ref))
            marks[name][tid] = mark
    return marks
