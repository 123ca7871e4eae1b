"""``svexcel batch --record DIR`` and ``svexcel verify-record DIR``: thin click wrappers over svexcel.record."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..core.paths import DEFAULT_FRAMEWORK
from ..framework.model import load_framework
from ..run.record import MANIFEST, RecordError, verify_record, write_record

record_option = click.option(
    "--record", "record_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Keep the framework, returns, panel workbooks and every output in this new folder, with SHA-256 hashes in manifest.json.",
)


def check_record_target(record: Path, *others: Path) -> None:
    """Stop (exit 2) before any work when the record folder is in use or overlaps the returns or outputs."""
    from .common import UsageError

    if record.exists() and (not record.is_dir() or any(record.iterdir())):
        raise UsageError(f"The record folder {record} already exists and is not empty; a record is never mixed with another. Choose a new folder.")
    target = record.resolve()
    for other in others:
        other = other.resolve()
        if target == other or other in target.parents or target in other.parents:
            raise UsageError(f"The record folder {record} must be apart from {other}; choose a folder outside it.")


def keep_record(record: Path, framework_path: Path | None, returns_dir: Path, out: Path, quality: Path | None = None,
                extras: Iterable[Path | None] = ()) -> None:
    """Copy every input and output of a finished batch into ``record`` with its manifest, and say so."""
    from ..panel.moderation import evaluator_sources
    from .common import UsageError

    framework_file = framework_path or DEFAULT_FRAMEWORK
    framework = load_framework(framework_file)
    parts: dict[str, list[Path]] = {"framework": [framework_file], "returns": [returns_dir], "outputs": [out]}
    notes: list[str] = []
    if quality is not None:
        parts["quality"] = [quality]
        parts["panel"], notes = evaluator_sources(quality, framework)
    parts["inputs"] = [p for p in extras if p is not None]
    try:
        write_record(record, parts, framework={"name": framework.name, "version": framework.version, "file": framework_file.name}, notes=notes)
    except RecordError as exc:
        raise UsageError(str(exc)) from exc
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    count, _ = verify_record(record)
    click.echo(f"Record kept in {record}: {count} files with SHA-256 hashes in {MANIFEST}. Check it later with: svexcel verify-record {record}")


@click.command("verify-record")
@click.argument("record", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify_record_command(record: Path) -> None:
    """Check every file of an evaluation record against the SHA-256 hashes in its manifest.json.

    Exit code 0 when every file is present and unchanged, 1 when any is changed, missing or not
    in the manifest (each is listed).

    \b
    Example:
      svexcel batch returns/ --quality moderation.xlsx --out results/ --record record-2026-03/
      svexcel verify-record record-2026-03/
    """
    count, problems = verify_record(record)
    for problem in problems:
        click.echo(f"{click.style('MISMATCH', fg='red', bold=True)} {problem}", err=True)
    if problems:
        click.echo(f"{record}: {len(problems)} problem(s) in a record of {count} files.")
        sys.exit(1)
    click.echo(f"{record}: all {count} files match {MANIFEST}.")
