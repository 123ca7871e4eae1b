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
from typing import Annotated, Any

import xlwings as xw

from svexcel.excel.book import cell, excel_value
from svexcel.excel.grid import Grid
from svexcel.framework.model import FrameworkError
from svexcel.tender.live import functions
from svexcel.tender.live.actions import (
    FolderProblem,
    check_reports_folder,
    import_layout,
    import_message,
    read_returns_folder,
    reports_refused,
    resolve_folder,
    stale_returns,
)
from svexcel.tender.live.functions import book_inputs
from svexcel.tender.live.layout import DASHBOARD_HEADER_ROW, LiveLayout

Settings = Annotated[list, {"doc": "The Settings table with its header: type SettingsTable", "ndim": 2}]
Themes = Annotated[list, {"doc": "The Themes table with its header: type ThemesTable", "ndim": 2}]
Outcomes = Annotated[list, {"doc": "The Outcomes table with its header: type OutcomesTable", "ndim": 2}]
Measures = Annotated[list, {"doc": "The Measures table with its header: type MeasuresTable", "ndim": 2}]
Returns = Annotated[list, {"doc": "The Returns table with its header: type ReturnsTable", "ndim": 2}]
Quality = Annotated[list, {"doc": "The Quality table with its header: type QualityTable", "ndim": 2}]


@xw.func
def sv_scores(
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
    formula_scores: Annotated[list, {"doc": "Optional: the Scores table (ScoresTable) to check the formulas against", "ndim": 2}] = None,  # type: ignore[assignment]
) -> list:
    """Score every return with the svexcel engine; give ScoresTable to check the formulas agree."""
    return functions.scores((settings, themes, outcomes, measures, returns, quality), formula_scores)


@xw.func
def sv_explain(
    file: Annotated[str, {"doc": "The return's file name, as in column A of Scores"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
) -> list:
    """Explain in plain English how one return earned its points."""
    return functions.explain(file, (settings, themes, outcomes, measures, returns, quality))


@xw.func
def sv_stability(
    percent: Annotated[float, {"doc": "How far to move each theme weight, in percent (e.g. 10)"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
) -> list:
    """Show how the ranking changes when each theme weight moves up or down by a percentage."""
    return functions.stability(percent, (settings, themes, outcomes, measures, returns, quality))


@xw.func
def sv_findings(
    path: Annotated[str, {"doc": "The return file, e.g. ReturnsFolder&\"\\\"&Scores!A2; a relative path starts beside this workbook"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures,
    caller=None,  # the calling cell: xlwings fills it in Excel and hides it from the formula
) -> list:
    """Check one return file against this workbook's framework and list what was found."""
    return functions.findings(path, (settings, themes, outcomes, measures), _caller_book(caller), "beside this workbook")


def _caller_book(caller: Any) -> Path | None:
    """The path of the workbook whose cell called a function (xlwings passes the cell as ``caller``); None outside Excel."""
    return Path(caller.sheet.book.fullname) if caller is not None else None


# Macros carry no return annotation: xlwings would look up a converter for NoneType and fail after the work is done.


def _import(book: Any) -> tuple[Path, LiveLayout] | None:
    """The returns folder and the layout importing it gives; None after saying on Tools why it cannot be read."""
    try:
        folder = resolve_folder(cell(book, "ReturnsFolder"), Path(book.fullname))
        return folder, import_layout(book_inputs(book), folder, exclude=Path(book.fullname))
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
        folder = resolve_folder(cell(book, "ReturnsFolder"), Path(book.fullname))
        out = resolve_folder(cell(book, "ReportsFolder"), Path(book.fullname), default="reports")
        check_reports_folder(folder, out)
        inputs = book_inputs(book)
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
    values = [[excel_value(v) for v in row] + [""] * (width - len(row)) for row in grid.rows]
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
