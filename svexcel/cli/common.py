"""What every command shares: exit codes, the --framework and --force options, loading the framework, usage
errors, refusing to overwrite, and printing findings for people."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Sequence

import click

from ..core.findings import Finding, has_errors, sort_findings
from ..core.paths import DEFAULT_FRAMEWORK
from ..framework.model import Framework, FrameworkError, load_framework
from ..run.inputs import input_file

if TYPE_CHECKING:
    from ..tender.pins import NarrativeChanged

EXIT_USAGE = 2
SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}
SHOWN_PER_KIND = 3

class WorkbookPath(click.Path):
    """An existing workbook given as an option, checked by the rules of an input folder before it is read (SPEC §8):
    an ``.ods``, ``.xls`` or ``.csv`` is refused as not-xlsx (exit 2, "save it as .xlsx"), never called damaged."""

    name = "workbook"

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        problem = input_file(Path(os.fsdecode(path))).problem
        if problem is not None:
            self.fail(f"{problem.message} [{problem.type}]", param, ctx)
        return path


framework_option = click.option(
    "--framework", "-f", "framework_path", type=WorkbookPath(),
    default=None, help="Framework workbook (default: the shipped CCIN framework).",
)


class UsageError(click.ClickException):
    """A problem with what was asked for, not with a return: exit code 2."""

    exit_code = EXIT_USAGE


force_option: Callable[[Callable[..., Any]], Callable[..., Any]] = click.option("--force", is_flag=True, help="Replace the output file if it already exists.")


def new_workbook(output: Path, force: bool, *inputs: Path) -> None:
    """Refuse to write a blank workbook over an input, over an existing file (unless ``force``) or under a non-.xlsx name."""
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{output.name} must end in .xlsx: the workbook is a plain Excel workbook.")
    if any(output.exists() and i.exists() and output.samefile(i) for i in inputs):
        raise UsageError(f"{output.name} is also the input; write the new workbook under another name.")
    if output.exists() and not force:
        raise UsageError(f"{output} already exists and may hold someone's answers; choose another name or add --force to replace it.")


def new_live_workbook(output: Path, force: bool, what: str, keeps: str, suffix: str = ".xlsm", kind: str = "carries macros") -> None:
    """Refuse to write a workbook under a name not ending in ``suffix`` (``kind`` says why), over an existing file (unless
    ``force``: ``keeps`` says how to keep what was typed in it) or where it cannot be written."""
    if output.suffix.lower() != suffix:
        raise UsageError(f"The {what} {kind}, so it must end in {suffix} (got {output.name}).")
    if output.exists() and not force:
        raise UsageError(f"{output} already exists and would be replaced, losing {keeps}; or choose another name.")
    check_writable(output)


def check_writable(output: Path) -> None:
    """Stop before any work when ``output`` cannot be written: its folder (or the nearest one that exists) is read-only."""
    folder = output.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # missing folders are made when the file is written
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"Cannot write {output}: you cannot write to the folder {folder}. Choose an -o location you can write to.")


def refuse_bad_quality(path: Path, findings: list[Finding]) -> None:
    """Show the quality workbook's findings; stop (exit 2) when any is an error, as nothing should be scored without its marks."""
    print_findings(findings)
    if has_errors(findings):
        raise UsageError(f"The quality workbook {path.name} has errors; fix the cells listed above.")


def refuse_changed_narratives(exc: NarrativeChanged) -> NoReturn:
    """Show which returns' responses differ from the ones their marks were given for (each, as each names a return and
    theme), and stop (exit 2): nothing is written."""
    for finding in exc.findings:
        click.echo(finding_line(finding), err=True)
    raise UsageError(f"Marks in {exc.findings[0].file} were given for responses that have changed since (listed above), so "
                     "nothing was written.") from exc


def print_notes(notes: Sequence[str]) -> None:
    """Notes for people (lock and hidden files skipped, rows that match no input), on standard error."""
    for note in notes:
        click.echo(f"Note: {note}", err=True)


def print_rejected(file: str, errors: Sequence[str]) -> None:
    """One line for an input that was not used: its name, its first error and how many more."""
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    click.echo(f"Rejected {file}: {errors[0] if errors else ''}{more}", err=True)


def print_rejected_findings(files: Sequence[str], findings: Sequence[Finding]) -> None:
    """A line for each of ``files`` (rejected inputs) with its first error among ``findings``."""
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.severity == "error":
            errors.setdefault(finding.file, []).append(finding.message)
    for file in files:
        print_rejected(file, errors.get(file, []))


def interrupted_message(signum: int, written: list[Path]) -> str:
    """What an interrupted command says: what it had already put in place, if anything, else that nothing changed."""
    how = "Ctrl+C" if signum == signal.SIGINT else signal.Signals(signum).name
    if written:
        return f"Interrupted by {how} once {', '.join(map(str, written))} had been written in full; nothing else was changed."
    return f"Interrupted by {how}: nothing was written or replaced, and the previous outputs are unchanged."


def framework_from(path: Path | None) -> Framework:
    """Load a framework or stop with its findings."""
    try:
        framework = load_framework(path or DEFAULT_FRAMEWORK)
    except FrameworkError as exc:
        print_findings(exc.findings)
        raise UsageError(f"The framework {(path or DEFAULT_FRAMEWORK).name} has errors; fix the cells listed above.") from exc
    for finding in framework.findings:
        click.echo(finding_line(finding), err=True)
    return framework


def finding_line(finding: Finding) -> str:
    """One finding for people: severity, where, what to do."""
    colour = SEVERITY_COLOURS[finding.severity]
    return f"{click.style(finding.severity.upper().ljust(7), fg=colour, bold=True)} {finding.where}: {finding.message} [{finding.type}]"


def print_findings(findings: list[Finding], indent: str = "", err: bool = True) -> None:
    """Findings for people, worst first; a long run of one kind is shortened to its first few and their cells."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in sort_findings(findings):
        groups.setdefault((finding.severity, finding.type), []).append(finding)
    for (_, kind), group in groups.items():
        shown, rest = (group[:SHOWN_PER_KIND], group[SHOWN_PER_KIND:]) if len(group) > SHOWN_PER_KIND + 1 else (group, [])
        for finding in shown:
            click.echo(indent + finding_line(finding), err=err)
        if rest:
            cells = ", ".join(f"{f.sheet}!{f.cell}" for f in rest)
            click.echo(f"{indent}{' ' * 8}… and {len(rest)} more [{kind}] at {cells}", err=err)
