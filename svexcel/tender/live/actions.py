"""What the live workbook's macros do, apart from touching Excel: import a folder, find folders, sum up a report run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Protocol, Sequence

from ...core.findings import Finding
from ...framework.model import Framework
from ..return_reader import Return
from .inputs import LiveInputs
from .layout import LiveLayout


class FolderProblem(Exception):
    """A folder named in the workbook is missing or blank; the message says what to type where."""


def beside_workbook(text: str, workbook: Path | None) -> Path:
    """A path typed in the workbook: a relative one starts in the workbook's folder (Python's working folder is not used)."""
    path = Path(text.strip())
    return path if path.is_absolute() or workbook is None else workbook.parent / path


def resolve_folder(value: object, workbook: Path, default: str | None = None) -> Path:
    """The folder typed in a Tools cell (relative to the workbook); ``default`` beside the workbook when blank."""
    text = str(value).strip() if value is not None else ""
    if not text:
        if default is None:
            raise FolderProblem("Type the returns folder on the Tools sheet (cell B4) and run the macro again.")
        return workbook.parent / default
    return beside_workbook(text, workbook)


def read_returns_folder(framework: Framework, folder: Path, exclude: Path | None = None) -> list[Return]:
    """Every return in the Tools returns folder, read and checked (rejected ones included)."""
    if not folder.is_dir():
        raise FolderProblem(f"The returns folder {folder} does not exist. Correct it on the Tools sheet (cell B4).")
    from .workbook import read_folder  # the builder loads openpyxl and the batch; the functions do not need them

    return read_folder(framework, folder, exclude)


def check_reports_folder(returns: Path, reports: Path) -> None:
    """Refuse a reports folder inside the returns folder (its outputs would be read as returns) or holding it."""
    returns, reports = returns.resolve(), reports.resolve()
    if reports.is_relative_to(returns) or returns.is_relative_to(reports):
        raise FolderProblem(f"The reports folder {reports} and the returns folder {returns} must not be inside one another: "
                            "the reports folder is replaced as a whole. Correct the Reports folder on the Tools sheet.")


def import_layout(inputs: LiveInputs, folder: Path, exclude: Path | None = None) -> LiveLayout:
    """The workbook's sheets after importing every return in ``folder``; officers' marks already typed are kept."""
    returns = read_returns_folder(inputs.framework, folder, exclude)
    findings = [*inputs.framework.findings, *(f for r in returns for f in r.findings)]
    return LiveLayout(inputs.framework, [r for r in returns if not r.rejected], inputs.quality, findings,
                      [r.file for r in returns if r.rejected])


def reports_refused(inputs: LiveInputs) -> str | None:
    """Why make_reports writes nothing: the checks fail (the workbook shows CHECK), naming the first cell to fix."""
    return checks_refusal(inputs.findings)


def checks_refusal(findings: Sequence[Finding]) -> str | None:
    """"No reports written" and the first cell to fix when a finding is an error (a live workbook's checks fail)."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    where = f"{first.sheet}!{first.cell}" if first.sheet and first.cell else first.sheet or first.cell
    return (f"No reports written: the checks fail ({len(errors)} problem(s)), so this workbook shows CHECK instead of "
            f"figures. Fix {where}: {first.message}")


def stale_returns(shown: Sequence[Return], files: Sequence[Return]) -> list[str]:
    """Where the workbook's Returns differs from the return files (read again), one line each; empty when they agree."""
    read = {r.file: r for r in files if not r.rejected}
    lines = [f"{r.file} is on Returns but is no longer a scored return in the folder." for r in shown if r.file not in read]
    lines += [f"{name} is in the folder but not on Returns." for name in read if name not in {r.file for r in shown}]
    for ret in shown:
        other = read.get(ret.file)
        if other is None:
            continue
        pairs = {"organisation": (ret.organisation, other.organisation), "contract value": (ret.contract_value, other.contract_value)}
        pairs |= {f"measure {m}": (q, other.quantities.get(m)) for m, q in ret.quantities.items()}
        lines += [f"{ret.file}: {what} is {_shown(a)} on Returns but {_shown(b)} in the file."
                  for what, (a, b) in pairs.items() if not _same(a, b)]
    return lines


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _shown(value: object) -> str:
    return "blank" if value is None or value == "" else f"{value:g}" if isinstance(value, float) else f"'{value}'"


class Imported(Protocol):
    """What an import made: how many inputs it scored, and every finding."""

    @property
    def n(self) -> int: ...

    @property
    def findings(self) -> Sequence[Finding]: ...


def import_message(layout: Imported, folder: Path, noun: str = "return") -> str:
    """One line for the Tools sheet after an import of returns (or contracts: ``noun``)."""
    rejected = len({f.file for f in layout.findings if f.severity == "error" and f.file})
    return (f"Imported {layout.n} {noun}(s) from {folder}; {rejected} file(s) rejected (see Findings). "
            f"{len(layout.findings)} finding(s) listed.")

