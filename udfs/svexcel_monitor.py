"""Excel functions and macros for the svexcel live monitoring workbook (xlwings).

Thin wrappers: each reads ranges, calls a pure function in ``svexcel.delivery`` and returns a table. The
workbook's ``xlwings.conf`` sheet names this module (``UDF Modules = svexcel_monitor``); Excel's xlwings tab >
Import Functions makes the functions and macros available.

Importing this module loads the delivery engine and the workbook readers only, as ``svexcel_live`` does: reading a
folder of delivery workbooks and the Word reports load inside the macros that need them, so Excel's first
recalculation does not wait for them (``benchmarks/bench_udf_import.py`` prints the import time).
"""

from pathlib import Path
from typing import Annotated, Any, Callable

import xlwings as xw

from svexcel.delivery.live.inputs import (
    MonitorInputs,
    delivery_reports_refused,
    explain_rating,
    figures_table,
    inputs_from_tables,
)
from svexcel.excel.book import answer, cell, named_tables, table, text
from svexcel.excel.classic import show_status, write_grid
from svexcel.framework.model import FrameworkError
from svexcel.tender.live.actions import FolderProblem, resolve_folder
from svexcel.tender.live.functions import Measures, Outcomes, Settings, Themes

Contracts = Annotated[list, {"doc": "The Contracts table with its header: type ContractsTable", "ndim": 2}]
Actuals = Annotated[list, {"doc": "The Actuals table with its header: type ActualsTable", "ndim": 2}]
INPUT_NAMES = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ContractsTable", "ActualsTable")
REPORTS_FOLDER = "delivery-reports"  # beside the workbook when Tools!B5 is blank


def _monitored(tables: tuple[Any, ...], respond: Callable[[MonitorInputs], list]) -> list:
    """The answer computed from the workbook's tables, or why they cannot be read (or what to type instead)."""
    return answer(inputs_from_tables, dict(zip(INPUT_NAMES, tables, strict=True)), respond, FrameworkError)


@xw.func
def dv_explain(
    reference: Annotated[str, {"doc": "The contract reference, as in column D of Contracts"}],
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, contracts: Contracts, actuals: Actuals,
) -> list:
    """Explain in plain English how one contract earned its delivery rating."""
    return _monitored((settings, themes, outcomes, measures, contracts, actuals),
                      lambda inputs: [[line] for line in explain_rating(inputs, text(reference, "the contract reference"))])


@xw.func
def dv_figures(
    settings: Settings, themes: Themes, outcomes: Outcomes, measures: Measures, contracts: Contracts, actuals: Actuals,
    formula_figures: Annotated[list, {"doc": "Optional: the ContractFigures table (FiguresTable) to check the formulas against", "ndim": 2}] = None,  # type: ignore[assignment]
) -> list:
    """The delivery engine's figures for every contract; give FiguresTable to check the formulas agree."""
    def respond(inputs: MonitorInputs) -> list:
        theirs = None if formula_figures is None or formula_figures == "" else table(formula_figures, "FiguresTable")
        return figures_table(inputs, theirs)

    return _monitored((settings, themes, outcomes, measures, contracts, actuals), respond)


# Macros carry no return annotation: xlwings would look up a converter for NoneType and fail after the work is done.


def _book_inputs(book: Any) -> MonitorInputs:
    """The open workbook's current inputs, read through its defined names (unsaved edits included)."""
    return inputs_from_tables(*named_tables(book, INPUT_NAMES))


@xw.sub
def import_deliveries():
    """Read every delivery workbook in the folder into Contracts and Actuals and lay out the figures."""
    from svexcel.delivery.live.workbook import import_layout  # reading a folder loads the batch
    from svexcel.tender.live.actions import import_message

    book = xw.Book.caller()
    try:
        folder = resolve_folder(cell(book, "ReturnsFolder"), Path(book.fullname))
        inputs = _book_inputs(book)
        layout = import_layout(inputs.framework, inputs.settings, folder, exclude=Path(book.fullname))
    except (FolderProblem, FrameworkError) as exc:
        show_status(book, str(exc))
        return
    for grid in layout.grids():
        write_grid(book.sheets[grid.sheet], grid)
    for name, target in layout.names().items():
        book.names.add(name, "=" + target)
    show_status(book, import_message(layout, folder, "contract"))


@xw.sub
def make_delivery_reports():
    """Write the delivery reports, portfolio and summaries with this workbook's settings and proxies."""
    from svexcel.delivery.batch import run_delivery_batch
    from svexcel.delivery.live.workbook import import_layout
    from svexcel.run.outputs import OutputError
    from svexcel.word.errors import ReportTemplateError

    book = xw.Book.caller()
    try:
        folder = resolve_folder(cell(book, "ReturnsFolder"), Path(book.fullname))
        out = resolve_folder(cell(book, "ReportsFolder"), Path(book.fullname), default=REPORTS_FOLDER)
        inputs = _book_inputs(book)
        files = import_layout(inputs.framework, inputs.settings, folder, exclude=Path(book.fullname)).contracts
    except (FolderProblem, FrameworkError) as exc:
        show_status(book, str(exc))
        return
    refusal = delivery_reports_refused(inputs, files)
    if refusal is not None:
        show_status(book, refusal)
        return
    show_status(book, f"Writing delivery reports to {out} …")
    try:
        result = run_delivery_batch(folder, out, framework=inputs.framework, settings=inputs.settings)
    except (OutputError, ReportTemplateError) as exc:
        show_status(book, str(exc))
        return
    show_status(book, f"{result.tally()}. Outputs in {out}: reports, portfolio.docx, delivery-summary.xlsx, performance-notices.csv, delivery.json.")
