"""The live workbook's macros in an open workbook, for both xlwings editions: import returns, refresh findings, make reports.

``book`` is the open workbook as xlwings hands it over (classic: ``xw.Book.caller()``; Lite: the script's
``book`` argument); both speak the same object model for what is used here. What differs between the editions is
handed in as a ``Host``: where relative folders start, how a sheet's grid is rewritten, how the outcome is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ...excel.book import cell, named_tables
from ...excel.grid import Grid
from ...framework.model import FrameworkError
from ..pins import RESPONSES_NAME, Pins, by_return, changed, marked, rows_pins, valid_pins
from .actions import (
    FolderProblem,
    check_reports_folder,
    import_layout,
    import_message,
    read_returns_folder,
    reports_refused,
    resolve_folder,
    stale_returns,
)
from .functions import book_inputs
from .layout import DASHBOARD, DASHBOARD_HEADER_ROW, FINDINGS, LiveLayout

WORD_STACK_MISSING = ("No reports written: the Word reports need {module}, which this Python does not have. The scores, "
                      "checks and findings in this workbook are the engine's own; `svexcel batch` on a computer with svexcel "
                      "installed writes the same reports.")


@dataclass(frozen=True)
class Host:
    """What an xlwings edition supplies: the path relative folders start beside, a grid writer and a status line."""

    anchor: Path  # a (possibly notional) workbook path: relative folders start in its folder
    write_grid: Callable[[Any, Grid], None]  # (sheet, grid): replace the sheet's content with the grid
    status: Callable[[Any, str], None]  # (book, message): show what the macro did
    exclude: Path | None = None  # a file in the returns folder that is not a return (the workbook itself)


def _import(book: Any, host: Host) -> tuple[Path, LiveLayout] | None:
    """The returns folder and the layout importing it gives; None after saying why it cannot be read."""
    try:
        folder = resolve_folder(cell(book, "ReturnsFolder"), host.anchor)
        return folder, import_layout(book_inputs(book), folder, exclude=host.exclude)
    except (FolderProblem, FrameworkError) as exc:
        host.status(book, str(exc))
        return None


def import_returns(book: Any, host: Host) -> LiveLayout | None:
    """Read every return in the returns folder into Returns, keeping quality scores already typed; the layout written."""
    imported = _import(book, host)
    if imported is None:
        return None
    folder, layout = imported
    for grid in layout.grids():
        host.write_grid(book.sheets[grid.sheet], grid)
    for name, target in layout.data_names().items():
        book.names.add(name, "=" + target)
    update_charts(book.sheets[DASHBOARD], layout)
    host.status(book, import_message(layout, folder))
    return layout


def refresh_findings(book: Any, host: Host) -> LiveLayout | None:
    """Check every return in the returns folder again and list the findings on Findings; the layout they come from."""
    imported = _import(book, host)
    if imported is None:
        return None
    folder, layout = imported
    host.write_grid(book.sheets[FINDINGS], layout.findings_grid())
    book.names.add("FindingsTable", "=" + layout.data_names()["FindingsTable"])
    host.status(book, f"Checked the returns in {folder}: {len(layout.findings)} finding(s) listed on Findings.")
    return layout


def make_reports(book: Any, host: Host) -> Path | None:
    """Write the Word reports with the workbook's current weights, proxies and marks; the folder written, or None after
    saying why nothing was (a folder problem, failing checks, Returns differing from the files, no Word stack)."""
    from ...run.outputs import OutputError
    from ...word.errors import ReportTemplateError

    try:
        folder = resolve_folder(cell(book, "ReturnsFolder"), host.anchor)
        out = resolve_folder(cell(book, "ReportsFolder"), host.anchor, default="reports")
        check_reports_folder(folder, out)
        inputs = book_inputs(book)
        files = read_returns_folder(inputs.framework, folder, exclude=host.exclude)
        stale = stale_returns(inputs.returns, files)
    except (FolderProblem, FrameworkError) as exc:
        host.status(book, str(exc))
        return None
    refusal = reports_refused(inputs)
    if refusal is not None:
        host.status(book, refusal)
        return None
    if stale:
        host.status(book, f"No reports written: Returns no longer matches the return files in {folder}, so the reports would "
                          f"disagree with this workbook. Run import_returns first. {' '.join(stale[:5])}")
        return None
    pins = marked(book_pins(book), inputs.quality)
    responses = changed(pins, valid_pins(files, [t.id for t in inputs.framework.themes]))
    if responses:
        host.status(book, f"No reports written: {len(responses)} mark(s) on Quality were given for responses that have changed in "
                          f"the returns folder since: {by_return(responses)}. Have the panel score them as they are now, or restore the returns the panel read.")
        return None
    try:
        from ..batch import run_batch  # the Word stack loads here, not when the functions do
    except ImportError as exc:
        host.status(book, WORD_STACK_MISSING.format(module=exc.name or str(exc)))
        return None
    host.status(book, f"Writing reports to {out} …")
    try:
        result = run_batch(folder, out, framework=inputs.framework, quality=inputs.quality, quality_name=book.name, progress=False)
    except (OutputError, ReportTemplateError) as exc:
        host.status(book, str(exc))
        return None
    host.status(book, f"{result.tally()}. Outputs in {out}: reports, comparison.docx, summary.xlsx, results.json.")
    return out


def book_pins(book: Any) -> Pins:
    """The SHA-256 of the responses the workbook's marks were given for (none in a workbook built before they were kept)."""
    try:
        return rows_pins(named_tables(book, (RESPONSES_NAME,))[0])
    except KeyError:
        return {}


def update_charts(sheet: Any, layout: LiveLayout) -> None:
    """Point the Dashboard's charts at the resized ranking table."""
    if layout.n == 0 or len(sheet.charts) < 2:
        return
    header, last = DASHBOARD_HEADER_ROW, DASHBOARD_HEADER_ROW + layout.n
    last_theme = 3 + len(layout.theme_ids)
    sheet.charts[0].set_source_data(sheet.range((header, 2), (last, 3)))
    themes = f"{sheet.range((header, 2), (last, 2)).address},{sheet.range((header, 4), (last, last_theme)).address}"
    sheet.charts[1].set_source_data(sheet.range(themes))
