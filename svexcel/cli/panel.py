"""The panel's commands, ``svexcel panel`` and ``svexcel moderate``: thin click wrappers over the panel modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.findings import has_errors

if TYPE_CHECKING:
    from ..panel.moderation import Moderation
from .common import framework_option


@click.command("panel")
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--evaluators", "-e", required=True, help='Evaluators\' names separated by ";", e.g. "A. Jones;B. Smith;C. Patel".')
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for one workbook per evaluator.")
@framework_option
def panel_command(returns_dir: Path, evaluators: str, out: Path, framework_path: Path | None) -> None:
    """Write one protected evaluator workbook per evaluator, with every valid return's narrative to score.

    Each evaluator scores alone, offline, with a rationale for every score, and emails the file back.
    Rejected returns are left out and named.

    \b
    Example:
      svexcel panel returns/ --evaluators "A. Jones;B. Smith;C. Patel" --out panel/
    """
    from ..panel.make_panel import PanelError, evaluator_names, make_panel
    from ..run.outputs import OutputError
    from .common import UsageError, framework_from, print_notes

    framework = framework_from(framework_path)
    try:
        made = make_panel(returns_dir, framework, evaluator_names(evaluators), out)
    except (PanelError, OutputError) as exc:
        raise UsageError(str(exc)) from exc
    print_notes(made.notes)
    click.echo(f"Wrote {len(made.workbooks)} evaluator workbook(s) for {len(made.returns)} valid return(s) × {len(framework.themes)} themes:")
    for path in made.workbooks:
        click.echo(f"  {path}")
    for file, why in made.left_out.items():
        click.echo(f"Left out {file} (rejected when validated): {why}", err=True)
    click.echo(f"Send each evaluator their own file. When they come back: svexcel moderate {out} -o moderation.xlsx")


@click.command("moderate")
@click.argument("evaluators_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The moderation workbook (.xlsx); rerunning keeps the consensus typed in it.")
@click.option("--note", default="", help="The moderator's note: why the consensus changed since the last run (kept with each change in the Audit log).")
@framework_option
def moderate_command(evaluators_dir: Path, output: Path, note: str, framework_path: Path | None) -> None:
    """Gather the evaluators' workbooks into a moderation workbook with mean, spread, flags and consensus cells.

    Only marks from workbooks with a complete declaration of interests are used; declared conflicts are listed
    for the panel chair on the Declarations sheet. Rerun it after the consensus is typed, and when late files
    arrive: what was typed is kept and every change is logged on the 'Audit log' sheet (batch uses no
    consensus typed since the last run). Exit code 0 when every file and consensus could be used, 1 when any
    was edited, foreign, undeclared or scored a return outside the panel, or a consensus is refused, 2 when
    nothing could be moderated.

    \b
    Example:
      svexcel moderate panel/ -o moderation.xlsx
      svexcel moderate panel/ -o moderation.xlsx --note "Agreed at the moderation meeting, 9 March"
      svexcel batch returns/ --quality moderation.xlsx --out results/
    """
    from ..panel.moderate import ModerationError, moderate
    from .common import UsageError, framework_from, print_findings, print_notes

    framework = framework_from(framework_path)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"The moderation workbook must end in .xlsx (got {output.name}).")
    try:
        result = moderate(evaluators_dir, framework, output, note=note)
    except ModerationError as exc:
        print_findings(exc.findings)
        raise UsageError(str(exc)) from exc
    print_notes(result.notes)
    print_findings(result.findings)
    print_declarations(result)
    wide = [r for r in result.rows if r.flag(result.threshold)]
    typed = sum(r.consensus is not None for r in result.rows)
    refused = f" ({typed - result.usable} more typed but refused: see above)" if typed > result.usable else ""
    click.echo(f"Wrote {output}: {len({r.file for r in result.rows})} returns × {len(framework.themes)} themes, "
               f"evaluators {'; '.join(result.evaluators)}; {result.usable} of {len(result.rows)} consensus marks typed{refused}.")
    if wide:
        click.echo(f"{len(wide)} row(s) flagged '{wide[0].flag(result.threshold)}' (scores differ by more than {result.threshold:g}): "
                   + ", ".join(f"{r.file} {r.theme_id}" for r in wide))
    click.echo(f"Type each Consensus and Consensus rationale in {output.name}, then: svexcel batch RETURNS --quality {output} --out results/")
    sys.exit(1 if has_errors(result.findings) else 0)


def print_declarations(result: Moderation, indent: str = "") -> None:
    """Every evaluator's declaration of interests and the panel chair's decision on each conflict, for the chair."""
    for row in result.declarations:
        decision = result.decisions.get(row["Evaluator"])
        details = row["Details of the conflict"].rstrip(".")
        declared = f"{row['Declaration']}: {details}" if details else row["Declaration"]
        used = "" if row["Marks used"] == "Yes" else " Marks not used: the declaration is not complete."
        chair = ""
        if decision is not None:
            chair = f" Panel chair: marks excluded for {'; '.join(decision.files) or 'none'}" + (f" ({decision.note.rstrip('.')})" if decision.note else "") + "."
        click.echo(f"{indent}Declared: {row['Evaluator']} ({row['Name'] or 'unsigned'}, {row['Date'] or 'undated'}): {declared}.{used}{chair}")


def demo_panel(out: Path, shown: Path) -> Path:
    """The demo's panel steps on the shipped samples, into ``out`` (``shown`` once the demo is done): blank evaluator
    workbooks, then the completed ones' declarations and moderation; returns the moderation workbook whose consensus is scored."""
    import shutil

    from ..core.paths import DEFAULT_FRAMEWORK, SAMPLE_MODERATION, SAMPLE_PANEL, SAMPLES
    from ..framework.model import load_framework
    from ..panel.make_panel import make_panel
    from ..panel.moderate import moderate

    framework = load_framework(DEFAULT_FRAMEWORK)
    evaluators = sorted(p.stem for p in SAMPLE_PANEL.glob("*.xlsx"))
    made = make_panel(SAMPLES, framework, evaluators, out / "panel")
    click.echo(f"The evaluation panel: {len(evaluators)} blank evaluator workbooks in {shown / 'panel'} "
               f"({'; '.join(evaluators)}; {len(made.returns)} returns × {len(framework.themes)} themes), each with a Declaration sheet.")
    moderation = out / "moderation.xlsx"
    shutil.copy(SAMPLE_MODERATION, moderation)  # the moderation meeting's agreed consensus, kept by the rerun below
    result = moderate(SAMPLE_PANEL, framework, moderation)
    click.echo(f"\nDeclarations of interest in the evaluators' completed workbooks in {SAMPLE_PANEL}:")
    print_declarations(result, indent="  ")
    click.echo(f"\nModerated them into {shown / moderation.name}:")
    for row in (r for r in result.rows if r.flag(result.threshold)):
        marks = ", ".join(f"{name} {row.scores[name]:g}" for name in result.evaluators if row.scores.get(name) is not None)
        click.echo(f"  {row.flag(result.threshold)}: {row.file} {row.theme_id} ({marks}); the panel agreed {row.consensus:g}")
    for finding in result.findings:
        click.echo(f"  {finding.severity.upper()} {finding.where}: {finding.message} [{finding.type}]")
    agreed = sum(isinstance(r.consensus, (int, float)) for r in result.rows)
    click.echo(f"  {agreed} of {len(result.rows)} consensus marks agreed, each with its rationale and recorded in the Audit log; "
               "blank ones are unscored.")
    return moderation
