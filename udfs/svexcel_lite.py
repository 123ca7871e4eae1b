"""svexcel's functions and scripts for xlwings Lite (SPEC §9): the Lite workbook's ``main.py`` imports everything here.

Thin, as ``svexcel_live`` is for classic xlwings: ranges in, tables out. The answers come from
``svexcel.tender.live.functions`` and the scripts' steps from ``svexcel.tender.live.macros``, the same code the
classic functions and macros run, so both editions give the same figures, findings and refusals. What differs is
Lite's side: files come and go through its file area (``/data``: Files > Import/Export), sheets cannot be
unprotected (the Lite workbook leaves the sheets the scripts rewrite unprotected), there is no clipboard (new rows
take the first data row's formats with ``copy_from``), and the outcome is shown on Tools.

Importing this module loads the engine and the workbook readers only (no lxml, Pillow, numpy, jinja2 or
cryptography): the Word stack loads inside ``make_reports``.
"""

from typing import Annotated, Any

import xlwings as xw
from xlwings import func, script

from svexcel.excel import book as open_book
from svexcel.excel.grid import Grid
from svexcel.tender.live import functions, macros
from svexcel.tender.live.functions import FormulaScores, Measures, Outcomes, Quality, Returns, Settings, Themes
from svexcel.tender.live.lite import FILE_AREA

__xlwings_func_namespace__ = "SV"  # the functions are SV.SCORES, SV.EXPLAIN, SV.STABILITY, SV.FINDINGS
__all__ = ["explain", "findings", "import_returns", "make_reports", "refresh_findings", "scores", "stability"]
ANCHOR = FILE_AREA / "workbook.xlsx"  # paths typed in a Lite workbook start in the file area (a classic one's: beside it)


@func
def scores(
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
    formula_scores: FormulaScores = None,  # type: ignore[assignment]
) -> list:
    """Score every return with the svexcel engine; give ScoresTable to check the formulas agree."""
    return functions.scores((settings, themes, outcomes, measures, returns, quality), formula_scores)


@func
def explain(
    file: Annotated[str, {"doc": "The return's file name, as in column A of Scores"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
) -> list:
    """Explain in plain English how one return earned its points."""
    return functions.explain(file, (settings, themes, outcomes, measures, returns, quality))


@func
def stability(
    percent: Annotated[float, {"doc": "How far to move each theme weight, in percent (e.g. 10)"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
) -> list:
    """Show how the ranking changes when each theme weight moves up or down by a percentage."""
    return functions.stability(percent, (settings, themes, outcomes, measures, returns, quality))


@func
def findings(
    path: Annotated[str, {"doc": "The return file in xlwings Lite's file area, e.g. ReturnsFolder&\"/\"&Scores!A4"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures,
) -> list:
    """Check one return file against this workbook's framework and list what was found."""
    return functions.findings(path, (settings, themes, outcomes, measures), ANCHOR, f"in {FILE_AREA.as_posix()}")


@script
def import_returns(book: xw.Book):
    """Read every return in the returns folder into Returns, keeping quality scores already typed."""
    macros.import_returns(book, host())


@script
def refresh_findings(book: xw.Book):
    """Check every return in the returns folder again and list the findings on Findings."""
    macros.refresh_findings(book, host())


@script
def make_reports(book: xw.Book):
    """Write the Word reports into the file area with this workbook's current weights, proxies and quality scores."""
    macros.make_reports(book, host())


def host() -> macros.Host:
    """Lite's side of the scripts: folders start in the file area; sheets written without protection or clipboard."""
    return macros.Host(ANCHOR, write_grid, status)


def write_grid(sheet: Any, grid: Grid) -> None:
    """Replace a sheet's content with a grid (see svexcel.excel.book.write_grid); Lite has no clipboard, so rows copy from the first."""
    open_book.write_grid(sheet, grid, lambda template, target: target.copy_from(template, copy_type="all"))


def status(book: Any, message: str) -> None:
    """Show what a script did on the Tools sheet (its Last macro run cell) and in xlwings Lite's output."""
    book.names["MacroStatus"].refers_to_range.value = "'" + message
    print(message)
