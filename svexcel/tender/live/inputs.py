"""Read a live scoring workbook's inputs exactly as its formulas see them, so the engine can score the same cells.

The framework comes from the workbook's own framework sheets (finance's edited
weights and proxies apply), quantities from ``Returns`` and officers' marks from
``Quality``. Every cell the Checks sheet refuses is refused here with a finding of
the same type, so the engine and the workbook reach the same verdict (SPEC §5 v2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from ...core.cells import Value
from ...core.findings import Finding, Findings, has_errors
from ...core.numbers import is_number
from ...excel.book import sheets_from_ranges
from ...excel.rows import INSERTED, read_anchors, table_problem
from ...framework.model import SHEET_COLUMNS, Framework, FrameworkError, framework_from_sheets
from ...xlsx.reader import Sheet, Workbook, cell_ref, column_letter
from ...xlsx.tables import Table, cell_text, find_table
from ..quality import Marks, mark_problem, scale
from ..return_reader import Return
from ..scoring import Score, assess, compete
from .checks import ANCHOR_COL, ANCHOR_TOP, BUILT_COL, BUILT_COLUMNS, CHECK_ADVICE, CHECK_HEADER_ROW, CHECKS, REBUILD, ROW_TYPES
from .layout import QUALITY, RETURN_COLUMNS, RETURNS

Rows = Sequence[Sequence[Value]]
# Sheets whose rows are fixed when the workbook is built: sheet -> (Checks column of its built ids, width).
BUILT_TABLES = {"Themes": 0, "Outcomes": 1, "Measures": 2}


@dataclass(frozen=True)
class LiveInputs:
    """A live workbook's current inputs: framework, returns' quantities, officers' marks, and what was refused."""

    framework: Framework
    returns: list[Return]
    quality: Marks
    findings: list[Finding] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when a finding is an error: the workbook's checks fail and it shows no figures."""
        return has_errors(self.findings)

    def scores(self) -> list[Score]:
        """The engine's scores for these inputs, one per return in Returns order."""
        fw = self.framework
        assessments = [assess(fw, r.quantities, r.contract_value) for r in self.returns]
        return compete(fw, assessments, [self.quality.get(r.file, {}) for r in self.returns])


def read_live_workbook(path: str | Path) -> LiveInputs:
    """The inputs of a saved live workbook; raises FrameworkError when its framework sheets are invalid."""
    path = Path(path)
    with Workbook(path) as book:
        sheets = {name: book.sheet(name) for name in (*SHEET_COLUMNS, RETURNS, QUALITY, CHECKS)}
    return inputs_from_sheets(sheets, path.name)


def live_findings(path: str | Path) -> list[Finding]:
    """Everything the engine finds in a live workbook's inputs; any error means it refuses to score, like the Checks."""
    try:
        return read_live_workbook(path).findings
    except FrameworkError as exc:
        return exc.findings


def inputs_from_tables(settings: Rows, themes: Rows, outcomes: Rows, measures: Rows, returns: Rows, quality: Rows) -> LiveInputs:
    """The inputs from cell ranges as Excel passes them (rows of values, None for blanks), each from its header row."""
    return inputs_from_sheets(sheets_from_ranges({"Settings": settings, "Themes": themes, "Outcomes": outcomes, "Measures": measures,
                                                  RETURNS: returns, QUALITY: quality}))


def framework_from_tables(settings: Rows, themes: Rows, outcomes: Rows, measures: Rows) -> Framework:
    """A framework from its four scoring tables passed as ranges (the quality scale is not needed to score)."""
    sheets = sheets_from_ranges({"Settings": settings, "Themes": themes, "Outcomes": outcomes, "Measures": measures})
    return framework_from_sheets(sheets | {"QualityScale": _empty_scale()}, text_numbers=False)


def inputs_from_sheets(sheets: Mapping[str, Sheet | None], file: str = "") -> LiveInputs:
    """The inputs from the workbook's sheets; raises FrameworkError (with any structure change) when the framework is invalid.

    With a Checks sheet, every input table must keep the rows it was built with, as its anchors there say
    (``svexcel.excel.rows``): a row inserted, deleted or typed below is refused as the Checks refuse it, and Returns
    and Quality are read down to their last row as built, as the formulas read them.
    """
    findings = Findings(file)
    built = _built(sheets.get(CHECKS))
    _structure(sheets, built, findings)
    last = _rows_as_built(sheets, built, findings)
    try:
        framework = framework_from_sheets({**sheets, "QualityScale": sheets.get("QualityScale") or _empty_scale()}, file,
                                          text_numbers=False)
    except FrameworkError as exc:
        raise FrameworkError(findings.items + exc.findings) from exc
    returns = _returns(sheets.get(RETURNS), framework, findings.on(RETURNS), last.get(RETURNS))
    quality = _quality(sheets.get(QUALITY), framework, findings.on(QUALITY), last.get(QUALITY))
    for ret in returns:
        if ret.file not in quality and sheets.get(QUALITY) is not None:
            findings.add("missing-quality-row", f"{ret.file} has no row on Quality. Add a row with its file name exactly as on Returns.", sheet=QUALITY)
    return LiveInputs(framework, returns, quality, findings.items)


def _built(sheet: Sheet | None) -> list[list[str]] | None:
    """What the workbook was built for (ids of themes, outcomes, measures; number of returns), from Checks."""
    if sheet is None:
        return None
    built = []
    for j in range(len(BUILT_COLUMNS)):
        col = BUILT_COL + j
        rows = sorted(r for (r, c) in sheet.cells if c == col and r > CHECK_HEADER_ROW and cell_text(sheet.value(r, c)))
        built.append([cell_text(sheet.value(r, col)) for r in rows])
    return built


def _structure(sheets: Mapping[str, Sheet | None], built: list[list[str]] | None, findings: Findings) -> None:
    """framework-changed findings where the sheets differ from what the workbook was built for."""
    if built is None:
        return

    def changed(sheet: str, cell: str) -> None:
        findings.add("framework-changed", REBUILD, cell, sheet=sheet)

    for name, k in BUILT_TABLES.items():
        sheet = sheets.get(name)
        if sheet is None:
            continue
        width = len(SHEET_COLUMNS[name])
        ids = [cell_text(sheet.value(r, 1)) for r in sorted({r for (r, c) in sheet.cells if r > 1 and c == 1}) if cell_text(sheet.value(r, 1))]
        content = {r for (r, c), cell in sheet.cells.items() if r > 1 and c <= width and cell_text(cell.value)}
        if sorted(ids) != sorted(built[k]) or len(content) != len(built[k]):
            changed(name, "A1")
    headers = {RETURNS: [*RETURN_COLUMNS, *built[2]], QUALITY: ["File", "Organisation", *built[0]]}
    for name, expected in headers.items():
        sheet = sheets.get(name)
        if sheet is None:
            continue
        found = [cell_text(sheet.value(1, c)) for c in range(1, max([c for (r, c) in sheet.cells if r == 1] + [len(expected)]) + 1)]
        for col, (want, have) in enumerate(zip(expected + [""] * (len(found) - len(expected)), found, strict=True), start=1):
            if want != have and col > 1:
                changed(name, f"{column_letter(col)}1")
                break


def _rows_as_built(sheets: Mapping[str, Sheet | None], built: list[list[str]] | None, findings: Findings) -> dict[str, int]:
    """Findings where an input table's rows differ from those built (inserted, deleted, typed below: the anchors on
    Checks say), and the last row of Returns and Quality the formulas read (none without a Checks sheet)."""
    if not built:
        return {}
    tables = read_anchors(sheets.get(CHECKS), ANCHOR_COL, ANCHOR_TOP, ROW_TYPES)
    if tables is None:  # built before anchors: the rows as built
        last = (int(float(built[3][0])) if built[3] else 0) + 1
        return {RETURNS: last, QUALITY: last}
    for t, rows in tables:
        problem = table_problem(t, rows, sheets.get(t.sheet))
        if problem is not None:
            row_problem, cell = problem
            advice = _ROW_ADVICE.get(row_problem, CHECK_ADVICE.get(row_problem, ""))
            findings.add(row_problem, advice.format(sheet=t.sheet, row=cell[1:]), cell, sheet=t.sheet)
    return {t.sheet: max((r for r in rows if r is not None), default=1) for t, rows in tables if t.sheet in (RETURNS, QUALITY)}


_ROW_ADVICE = {
    INSERTED: ("Row {row} of {sheet} was inserted among the rows the formulas read as the workbook was built (under the header "
               "or between rows), so they would leave it out. Delete the row; add returns with import_returns (Tools), or "
               "rebuild with svexcel build."),
    "returns-changed": ("A row of {sheet} was deleted (now row {row} holds the row below it). Undo it: import_returns (Tools) "
                        "or svexcel build lays out Returns and Quality again."),
    "return-not-scored": ("Row {row} of Returns is below the rows the formulas score, so it counts for nothing. Clear it; add "
                          "returns with import_returns (Tools) or svexcel build."),
    "quality-row-not-read": ("Row {row} of Quality is below the rows the formulas read, so its marks count for nothing. Type "
                             "marks on the return's own row (its file name as on Returns) and clear row {row}."),
}


def _empty_scale() -> Sheet:
    """A QualityScale sheet with its header only: scoring does not use the scale."""
    return Sheet.from_rows("QualityScale", [list(SHEET_COLUMNS["QualityScale"])])


def _table(sheet: Sheet | None, optional: Sequence[str], findings: Findings) -> Table | None:
    """The sheet's table under its File header, or None with a finding (``findings`` is bound to the sheet)."""
    if sheet is None:
        findings.add("missing-sheet", f"The workbook has no '{findings.sheet}' sheet. Rebuild it with svexcel build.")
        return None
    table, _, row = find_table(sheet, ("File",), optional)
    if table is None:
        findings.add("missing-header", f"'{findings.sheet}' has no 'File' header. Restore it in column A.", cell_ref(row, 1))
    return table


def _scored_rows(table: Table, last: int | None) -> Iterator[int]:
    """The table's rows down to ``last`` (all of them when None)."""
    return (row for row in table.rows() if last is None or row <= last)


def _returns(sheet: Sheet | None, framework: Framework, findings: Findings, last: int | None = None) -> list[Return]:
    """Each row of Returns down to ``last`` as a Return: quantities as the formulas count them."""
    ids = [m.id for m in framework.measures]
    table = _table(sheet, (*RETURN_COLUMNS[1:], *ids), findings)
    if table is None:
        return []

    for mid in ids:
        if mid not in table.columns:
            findings.add("measure-not-in-returns", f"Measure {mid} is on Measures but has no column on Returns; the formulas leave it out. Rebuild the workbook.", table.header_ref)
    known = set(table.columns.values())
    for (row, col), cell in sorted(table.sheet.cells.items()):
        if row == table.header_row and col not in known and cell_text(cell.value):
            findings.add("unknown-measure", f"Returns column '{cell_text(cell.value)}' is not a measure on Measures; its scores show #N/A.", cell_ref(row, col))
    binary = {m.id for m in framework.measures if m.kind == "binary"}
    returns = []
    for row in _scored_rows(table, last):
        name = table.name(row)
        if not name:
            findings.add("missing-file", f"Returns row {row} has figures but no file name. Type the file name or clear the row.", table.ref(row, "File"))
            continue
        ret = Return(name, organisation=table.text(row, "Organisation"))
        if "Contract value (GBP)" in table.columns:
            ret.contract_value = _number(table, row, "Contract value (GBP)", findings)
        for mid in ids:
            if mid in table.columns:
                ret.quantities[mid] = _quantity(table, row, mid, mid in binary, findings)
        returns.append(ret)
    return returns


def _number(table: Table, row: int, column: str, findings: Findings) -> float | None:
    """A plain number, or None when blank; anything else is refused, as the Checks sheet refuses it."""
    cell = table.cell(row, column)
    ref = table.ref(row, column)
    if cell is None:
        return None
    if cell.error is not None:
        findings.add("cell-error", f"{column} in {ref} shows {cell.error}. Type a plain value.", ref)
        return None
    if is_number(cell.value):
        return float(cell.value)  # type: ignore[arg-type]
    if cell_text(cell.value):
        findings.add("not-a-number", f"{column} in {ref} is '{cell.value}', not a number (text counts as nothing in formulas). Type a plain number.", ref)
    return None


def _quantity(table: Table, row: int, mid: str, binary: bool, findings: Findings) -> float | None:
    """A quantity as the MeasureScores formulas count it: numbers of 0 or more; Yes, No, 1 or 0 for binary measures."""
    value = table.value(row, mid)
    ref = table.ref(row, mid)
    cell = table.cell(row, mid)
    if cell is not None and cell.error is not None:
        findings.add("cell-error", f"Measure {mid} in {ref} shows {cell.error}. Type a plain value.", ref)
        return None
    if binary:
        word = value.casefold() if isinstance(value, str) else None
        if word in ("yes", "no"):
            return 1.0 if word == "yes" else 0.0
        if value is None or (is_number(value) and value in (0, 1)):
            return None if value is None else float(value)
        findings.add("not-yes-no", f"Measure {mid} in {ref} is '{value}'. Choose Yes or No (1 and 0 also count).", ref)
        return None
    number = _number(table, row, mid, findings)
    if number is not None and number < 0:
        findings.add("negative-quantity", f"Measure {mid} in {ref} is {number:g}; a quantity cannot be negative.", ref)
        return None
    return number


def _quality(sheet: Sheet | None, framework: Framework, findings: Findings, last: int | None = None) -> Marks:
    """Officers' marks by file and theme down to row ``last``: blank is unscored, numbers on the workbook's QualityScale
    count, anything else is refused (text as the Checks refuse it; numbers as every reader of marks does)."""
    theme_ids = [t.id for t in framework.themes]
    table = _table(sheet, theme_ids, findings)
    if table is None:
        return {}
    allowed = scale(framework)
    marks: Marks = {}
    for row in _scored_rows(table, last):
        name = table.name(row)
        row_marks: dict[str, float | None] = {}
        for tid in theme_ids:
            cell = table.cell(row, tid) if tid in table.columns else None
            value = None if cell is None else cell.value
            ref = table.ref(row, tid) if tid in table.columns else ""
            problem = mark_problem(value, cell.shown_as == "percent", allowed) if cell is not None and is_number(value) else None  # type: ignore[arg-type]
            mark = float(value) if is_number(value) and problem is None else None  # type: ignore[arg-type]
            if cell is not None and cell.error is not None:
                findings.add("cell-error", f"The {tid} quality score for {name or 'a row'} in {ref} shows {cell.error}. Type a mark from the scale.", ref)
            elif problem is not None:
                findings.add(problem[0], f"The {tid} quality score for {name or 'a row'} in {ref} {problem[1]}", ref)
            elif mark is None and cell_text(value):
                findings.add("bad-quality-score", f"The {tid} quality score for {name or 'a row'} in {ref} is '{value}'. Type a number from 0 to 100, or leave it blank.", ref)
            row_marks[tid] = mark
        if not name:
            continue
        if name in marks:
            findings.add("duplicate-file", f"{name} is listed again in {table.ref(row, 'File')}; only its first row counts. Keep one row per return: correct the file name or clear the wrong row.", table.ref(row, "File"))
            continue
        marks[name] = row_marks
    return marks
