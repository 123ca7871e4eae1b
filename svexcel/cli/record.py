"""``svexcel batch --record DIR`` and ``svexcel verify-record DIR``: thin click wrappers over svexcel.record."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..core.paths import DEFAULT_FRAMEWORK
from ..run.record import MANIFEST, OUTPUTS_MANIFEST, RecordError, RecordPlan, plan_record, sha256, verify_record, write_record

record_option = click.option(
    "--record", "record_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Keep the framework, returns, panel workbooks and every output in this new folder, with SHA-256 hashes in manifest.json "
         "(inputs, hashed before the run: its own SHA-256 goes into results.json and the assessment summaries) and outputs-manifest.json.",
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


def plan_batch_record(framework_path: Path | None, returns_dir: Path, quality: Path | None = None,
                      extras: Iterable[Path | None] = ()) -> tuple[RecordPlan, list[str]]:
    """Hash every input a batch is about to use, for its record: the plan (its manifest's SHA-256 goes into the outputs)
    and notes for people (evaluator workbooks missing or changed since moderation)."""
    from ..panel.moderation import panel_record
    from .common import framework_from

    framework_file = framework_path or DEFAULT_FRAMEWORK
    framework = framework_from(framework_path)
    parts: dict[str, list[Path]] = {"framework": [framework_file], "returns": [returns_dir]}
    bases: dict[str, Path] = {}
    notes: list[str] = []
    declarations: list[dict[str, str]] = []
    if quality is not None:
        panel = panel_record(quality, framework)
        parts["quality"], parts["panel"], bases["panel"] = [quality], panel.files, panel.folder
        notes, declarations = panel.notes, panel.declarations
    parts["inputs"] = [p for p in extras if p is not None]
    identity = {"name": framework.name, "version": framework.version, "file": framework_file.name}
    return plan_record(parts, framework=identity, notes=notes, declarations=declarations, bases=bases), notes


def keep_record(record: Path, plan: RecordPlan, notes: Iterable[str], outputs: Iterable[Path], outputs_base: Path | None = None,
                shown: Path | None = None) -> None:
    """Copy the planned inputs and a finished batch's outputs into ``record`` (``shown`` once in place) with its manifests,
    and say so, ending with the manifest's SHA-256 (in results.json and the footer of every assessment summary)."""
    from .common import UsageError

    try:
        write_record(record, plan, outputs, outputs_base)
    except RecordError as exc:
        raise UsageError(str(exc)) from exc
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    count, _ = verify_record(record)
    shown = shown or record
    click.echo(f"Record kept in {shown}: {count} files with SHA-256 hashes in {MANIFEST} and {OUTPUTS_MANIFEST}. "
               f"Check it later with: svexcel verify-record {shown}")
    click.echo(f"Record manifest SHA-256: {plan.sha256} (in results.json and the footer of every assessment summary)")


@click.command("verify-record")
@click.argument("record", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify_record_command(record: Path) -> None:
    """Check every file of an evaluation record against the SHA-256 hashes in its manifests.

    Checks every input and output against manifest.json and outputs-manifest.json, that manifest.json
    is still the one the outputs name (results.json and the assessment summaries carry its SHA-256),
    and that every input results.json names (returns, quality or moderation workbook, evaluator
    workbooks) is in it. Exit code 0 when all hold, 1 when any file is changed, missing or not in a
    manifest, the manifest changed, or a named input is not recorded (each is listed).

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
    click.echo(f"{record}: all {count} files match {MANIFEST} and {OUTPUTS_MANIFEST}, and every input the results name is recorded.")
    click.echo(f"Manifest SHA-256: {sha256(record / MANIFEST)} (compare it with the one in the assessment summaries' footer)")
