"""What the live workbook's macros do, apart from touching Excel: import a folder, find folders, sum up a report run."""

from __future__ import annotations

from pathlib import Path

from .inputs import LiveInputs
from .layout import LiveLayout
from .workbook import read_folder


class FolderProblem(Exception):
    """A folder named in the workbook is missing or blank; the message says what to type where."""


def resolve_folder(value: object, workbook: Path, default: str | None = None) -> Path:
    """The folder typed in a Tools cell (relative to the workbook); ``default`` beside the workbook when blank."""
    text = str(value).strip() if value is not None else ""
    if not text:
        if default is None:
            raise FolderProblem("Type the returns folder on the Tools sheet (cell B4) and run the macro again.")
        return workbook.parent / default
    path = Path(text)
    return path if path.is_absolute() else workbook.parent / path


def check_reports_folder(returns: Path, reports: Path) -> None:
    """Refuse a reports folder inside the returns folder (its outputs would be read as returns) or holding it."""
    returns, reports = returns.resolve(), reports.resolve()
    if reports.is_relative_to(returns) or returns.is_relative_to(reports):
        raise FolderProblem(f"The reports folder {reports} and the returns folder {returns} must not be inside one another: "
                            "the reports folder is replaced as a whole. Correct the Reports folder on the Tools sheet.")


def import_layout(inputs: LiveInputs, folder: Path, exclude: Path | None = None) -> LiveLayout:
    """The workbook's sheets after importing every return in ``folder``; officers' marks already typed are kept."""
    if not folder.is_dir():
        raise FolderProblem(f"The returns folder {folder} does not exist. Correct it on the Tools sheet (cell B4).")
    returns = read_folder(inputs.framework, folder, exclude)
    findings = [*inputs.framework.findings, *(f for r in returns for f in r.findings)]
    return LiveLayout(inputs.framework, [r for r in returns if not r.rejected], inputs.quality, findings,
                      [r.file for r in returns if r.rejected])


def import_message(layout: LiveLayout, folder: Path) -> str:
    """One line for the Tools sheet after an import."""
    rejected = len({f.file for f in layout.findings if f.severity == "error" and f.file})
    return (f"Imported {layout.n} return(s) from {folder}; {rejected} rejected (see Findings). "
            f"{len(layout.findings)} finding(s) listed.")

