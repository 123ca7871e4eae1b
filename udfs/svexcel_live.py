"""Excel functions and macros for the svexcel live scoring workbook (xlwings).

Thin wrappers: each reads ranges, calls a pure function in ``svexcel`` and
returns a table. The workbook's ``xlwings.conf`` sheet names this module
(``UDF Modules = svexcel_live``); Excel's xlwings tab > Import Functions makes
the functions and macros available.

Importing this module loads the engine and the workbook readers only: the Word
reports (docxtpl, Pillow) and the batch (tqdm) load inside ``make_reports``, and
the workbook builder inside the import macros, so Excel's first recalculation
does not wait for them (``benchmarks/bench_live.py`` prints the import time).
"""

from pathlib import Path
from typing import Annotated, Any, Callable

import xlwings as xw

from svexcel.excel.grid import Formula, Grid
from svexcel.framework.model import FrameworkError
from svexcel.tender.live.actions import (
    FolderProblem,
    beside_workbook,
    check_reports_folder,
    import_layout,
    import_message,
    read_returns_folder,
    reports_refused,
    resolve_folder,
    stale_returns,
)
from svexcel.tender.live.explain import explain_return, findings_table, ranking_stability, score_table
from svexcel.tender.live.inputs import LiveInputs, framework_from_tables, inputs_from_tables
from svexcel.tender.live.layout import DASHBOARD_HEADER_ROW, LiveLayout
from svexcel.tender.return_reader import read_return

Settings = Annotated[list, {"doc": "The Settings table with its header: type SettingsTable", "ndim": 2}]
Themes = Annotated[list, {"doc": "The Themes table with its header: type ThemesTable", "ndim": 2}]
Outcomes = Annotated[list, {"doc": "The Outcomes table with its header: type OutcomesTable", "ndim": 2}]
Measures = Annotated[list, {"doc": "The Measures table with its header: type MeasuresTable", "ndim": 2}]
Returns = Annotated[list, {"doc": "The Returns table with its header: type ReturnsTable", "ndim": 2}]
Quality = Annotated[list, {"doc": "The Quality table with its header: type QualityTable", "ndim": 2}]
INPUT_NAMES = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ReturnsTable", "QualityTable")


def _problem(exc: Exception) -> list[list[Any]]:
    """A one-column table saying why nothing could be scored."""
    lines = [str(f) for f in getattr(exc, "findings", [])] or [str(exc)]
    return [["Cannot score: correct these cells first."], *([line] for line in lines)]


def _scored(tables: tuple[list, ...], answer: Callable[[LiveInputs], list]) -> list:
    """The answer computed from the workbook's tables, or why they cannot be scored."""
    try:
        inputs = inputs_from_tables(*tables)
    except FrameworkError as exc:
        return _problem(exc)
    return answer(inputs)


@xw.func
def sv_scores(
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
    formula_scores: Annotated[list, {"doc": "Optional: the Scores table (ScoresTable) to check the formulas against", "ndim": 2}] = None,  # type: ignore[assignment]
) -> list:
    """Score every return with the svexcel engine; give ScoresTable to check the formulas agree."""
    return _scored((settings, themes, outcomes, measures, returns, quality), lambda inputs: score_table(inputs, formula_scores))


@xw.func
def sv_explain(
    file: Annotated[str, {"doc": "The return's file name, as in column A of Scores"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
) -> list:
    """Explain in plain English how one return earned its points."""
    return _scored((settings, themes, outcomes, measures, returns, quality),
                   lambda inputs: [[line] for line in explain_return(inputs, str(file or ""))])


@xw.func
def sv_stability(
    percent: Annotated[float, {"doc": "How far to move each theme weight, in percent (e.g. 10)"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
) -> list:
    """Show how the ranking changes when each theme weight moves up or down by a percentage."""
    return _scored((settings, themes, outcomes, measures, returns, quality), lambda inputs: ranking_stability(inputs, float(percent or 0)))


@xw.func
def sv_findings(
    path: Annotated[str, {"doc": "The return file, e.g. ReturnsFolder&\"\\\"&Scores!A2; a relative path starts beside this workbook"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures,
    caller=None,  # the calling cell: xlwings fills it in Excel and hides it from the formula
) -> list:
    """Check one return file against this workbook's framework and list what was found."""
    try:
        framework = framework_from_tables(settings, themes, outcomes, measures)
    except FrameworkError as exc:
        return _problem(exc)
    text = str(path or "").strip()
    if not text:
        return [["Type the return file's path (a relative path starts beside this workbook)."]]
    ret = read_return(beside_workbook(text, _caller_book(caller)), framework)
    return findings_table(ret.findings, ret.file)


def _caller_book(caller: Any) -> Path | None:
    """The path of the workbook whose cell called a function (xlwings passes the cell as ``caller``); None outside Excel."""
    return Path(caller.sheet.book.fullname) if caller is not None else None


# Macros carry no return annotation: xlwings would look up a converter for NoneType and fail after the work is done.


def _import(book: Any) -> tuple[Path, LiveLayout] | None:
    """The returns folder and the layout importing it gives; None after saying on Tools why it cannot be read."""
    try:
        folder = resolve_folder(_cell(book, "ReturnsFolder"), Path(book.fullname))
        return folder, import_layout(_book_inputs(book), folder, exclude=Path(book.fullname))
    except (FolderProblem, FrameworkError) as exc:
        _status(book, str(exc))
        return None


@xw.sub
def import_returns():
    """Read every return in the returns folder into Returns, keeping quality scores already typed."""
    book = xw.Book.caller()
    imported = _import(book)
    if imported is None:
        return
    folder, layout = imported
    for grid in layout.grids():
        _write_grid(book.sheets[grid.sheet], grid)
    for name, target in layout.data_names().items():
        book.names.add(name, "=" + target)
    _update_charts(book.sheets["Dashboard"], layout)
    _status(book, import_message(layout, folder))


@xw.sub
def refresh_findings():
    """Check every return in the returns folder again and list the findings on Findings."""
    book = xw.Book.caller()
    imported = _import(book)
    if imported is None:
        return
    folder, layout = imported
    _write_grid(book.sheets["Findings"], layout.findings_grid())
    book.names.add("FindingsTable", "=" + layout.data_names()["FindingsTable"])
    _status(book, f"Checked the returns in {folder}: {len(layout.findings)} finding(s) listed on Findings.")


@xw.sub
def make_reports():
    """Write the Word reports with this workbook's current weights, proxies and quality scores."""
    from svexcel.run.outputs import OutputError
    from svexcel.tender.batch import run_batch
    from svexcel.word.errors import ReportTemplateError

    book = xw.Book.caller()
    try:
        folder = resolve_folder(_cell(book, "ReturnsFolder"), Path(book.fullname))
        out = resolve_folder(_cell(book, "ReportsFolder"), Path(book.fullname), default="reports")
        check_reports_folder(folder, out)
        inputs = _book_inputs(book)
        stale = stale_returns(inputs.returns, read_returns_folder(inputs.framework, folder, exclude=Path(book.fullname)))
    except (FolderProblem, FrameworkError) as exc:
        _status(book, str(exc))
        return
    refusal = reports_refused(inputs)
    if refusal is not None:
        _status(book, refusal)
        return
    if stale:
        _status(book, f"No reports written: Returns no longer matches the return files in {folder}, so the reports would "
                      f"disagree with this workbook. Run import_returns first. {' '.join(stale[:5])}")
        return
    _status(book, f"Writing reports to {out} …")
    try:
        result = run_batch(folder, out, framework=inputs.framework, quality=inputs.quality, quality_name=book.name, progress=False)
    except (OutputError, ReportTemplateError) as exc:
        _status(book, str(exc))
        return
    _status(book, f"{result.tally()}. Outputs in {out}: reports, comparison.docx, summary.xlsx, results.json.")


# --- Excel side of the macros (needs Excel; not reachable on Linux) -------------------------------------------


def _cell(book: Any, name: str) -> Any:
    """The value of a one-cell defined name."""
    return book.names[name].refers_to_range.value


def _book_inputs(book: Any) -> LiveInputs:
    """The open workbook's current inputs, read through its defined names (unsaved edits included)."""
    return inputs_from_tables(*_named_tables(book, INPUT_NAMES))


def _named_tables(book: Any, names: tuple[str, ...]) -> list[list[list[Any]]]:
    """The tables the defined ``names`` refer to in the open workbook, as they stand (unsaved edits included)."""
    return [book.names[name].refers_to_range.options(ndim=2).value for name in names]


def _excel_value(value: Any) -> Any:
    """A grid value as Range.Formula takes it: text is quoted so Excel never reads it as a formula or number."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str):
        return "'" + value
    return value


def _write_grid(sheet: Any, grid: Grid) -> None:
    """Replace a sheet's content with a grid; new data rows take the formats and validation of the first one."""
    sheet.api.Unprotect()
    used = sheet.used_range.last_cell
    width = max(grid.width, used.column)
    sheet.range((1, 1), (max(used.row, len(grid.rows)), width)).clear_contents()
    last = len(grid.rows)
    if used.row > max(last, grid.first_data_row):
        sheet.range((max(last, grid.first_data_row) + 1, 1), (used.row, width)).clear()
    if last > grid.first_data_row:
        template = sheet.range((grid.first_data_row, 1), (grid.first_data_row, width))
        target = sheet.range((grid.first_data_row + 1, 1), (last, width))
        template.copy()
        target.paste(paste="formats")
        target.paste(paste="validation")
        sheet.book.app.api.CutCopyMode = False
    values = [[_excel_value(v) for v in row] + [""] * (width - len(row)) for row in grid.rows]
    sheet.range((1, 1), (last, width)).formula = values
    sheet.api.Protect(Contents=True, AllowFormattingColumns=True, AllowFormattingRows=True, AllowSorting=True, AllowFiltering=True)


def _update_charts(sheet: Any, layout: LiveLayout) -> None:
    """Point the Dashboard's charts at the resized ranking table."""
    if layout.n == 0 or len(sheet.charts) < 2:
        return
    header, last = DASHBOARD_HEADER_ROW, DASHBOARD_HEADER_ROW + layout.n
    last_theme = 3 + len(layout.theme_ids)
    sheet.charts[0].set_source_data(sheet.range((header, 2), (last, 3)))
    themes = f"{sheet.range((header, 2), (last, 2)).address},{sheet.range((header, 4), (last, last_theme)).address}"
    sheet.charts[1].set_source_data(sheet.range(themes))


def _status(book: Any, message: str) -> None:
    """Show what a macro did on the Tools sheet and in a message box."""
    tools = book.sheets["Tools"]
    tools.api.Unprotect()
    book.names["MacroStatus"].refers_to_range.value = "'" + message
    tools.api.Protect(Contents=True, AllowFormattingColumns=True)
    book.app.alert(message, title="svexcel")
