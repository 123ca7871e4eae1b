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

from svexcel.excel.classic import show_status, write_grid
from svexcel.tender.live import functions, macros
from svexcel.tender.live.functions import FormulaScores, Measures, Outcomes, Quality, Returns, Settings, Themes


@xw.func
def sv_scores(
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, returns: Returns, quality: Quality,
    formula_scores: FormulaScores = None,  # type: ignore[assignment]
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


def _host(book: Any) -> macros.Host:
    """The classic edition's side of the macros: folders beside the workbook, protected sheets, a message box."""
    return macros.Host(Path(book.fullname), write_grid, show_status, exclude=Path(book.fullname))


@xw.sub
def import_returns():
    """Read every return in the returns folder into Returns, keeping quality scores already typed."""
    book = xw.Book.caller()
    macros.import_returns(book, _host(book))


@xw.sub
def refresh_findings():
    """Check every return in the returns folder again and list the findings on Findings."""
    book = xw.Book.caller()
    macros.refresh_findings(book, _host(book))


@xw.sub
def make_reports():
    """Write the Word reports with this workbook's current weights, proxies and quality scores."""
    book = xw.Book.caller()
    macros.make_reports(book, _host(book))
