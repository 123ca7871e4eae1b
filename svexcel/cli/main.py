"""The ``svexcel`` command line (SPEC §4): a thin layer over the library."""

from __future__ import annotations

import json
import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click

from . import __version__
from .findings import Finding, has_errors, sort_findings
from .framework import Framework, FrameworkError, load_framework
from .panel.cli import moderate_command, panel_command
from .paths import DEFAULT_FRAMEWORK, DELIVERY_SAMPLES, SAMPLE_OTHER_CRITERIA, SAMPLES
from .record_cli import check_record_target, keep_record, record_option, verify_record_command

if TYPE_CHECKING:
    from .award import OtherCriteria
    from .batch import BatchResult

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}
SHOWN_PER_KIND = 3

framework_option = click.option(
    "--framework", "-f", "framework_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
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


def new_live_workbook(output: Path, force: bool, what: str, keeps: str) -> None:
    """Refuse to write a workbook with macros under a name not ending in .xlsm, over an existing file (unless ``force``:
    ``keeps`` says how to keep what was typed in it) or where it cannot be written."""
    if output.suffix.lower() != ".xlsm":
        raise UsageError(f"The {what} carries macros, so it must end in .xlsm (got {output.name}).")
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
    _print_findings(findings)
    if has_errors(findings):
        raise UsageError(f"The quality workbook {path.name} has errors; fix the cells listed above.")


def _framework(path: Path | None) -> Framework:
    """Load a framework or stop with its findings."""
    try:
        framework = load_framework(path or DEFAULT_FRAMEWORK)
    except FrameworkError as exc:
        _print_findings(exc.findings)
        raise UsageError(f"The framework {(path or DEFAULT_FRAMEWORK).name} has errors; fix the cells listed above.") from exc
    for finding in framework.findings:
        click.echo(_line(finding), err=True)
    return framework


def _line(finding: Finding) -> str:
    """One finding for people: severity, where, what to do."""
    colour = SEVERITY_COLOURS[finding.severity]
    return f"{click.style(finding.severity.upper().ljust(7), fg=colour, bold=True)} {finding.where}: {finding.message} [{finding.type}]"


def _print_findings(findings: list[Finding], indent: str = "", err: bool = True) -> None:
    """Findings for people, worst first; a long run of one kind is shortened to its first few and their cells."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in sort_findings(findings):
        groups.setdefault((finding.severity, finding.type), []).append(finding)
    for (_, kind), group in groups.items():
        shown, rest = (group[:SHOWN_PER_KIND], group[SHOWN_PER_KIND:]) if len(group) > SHOWN_PER_KIND + 1 else (group, [])
        for finding in shown:
            click.echo(indent + _line(finding), err=err)
        if rest:
            cells = ", ".join(f"{f.sheet}!{f.cell}" for f in rest)
            click.echo(f"{indent}{' ' * 8}… and {len(rest)} more [{kind}] at {cells}", err=err)


class _Commands(click.Group):
    """The svexcel commands: Ctrl+C at any moment exits 130 (interrupted), never 1, which means a return was rejected."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="svexcel")
def main() -> None:
    """Score social value returns in Excel and report them in Word.

    \b
    Typical use:
      svexcel template -o return.xlsx          # send this to each bidder
      svexcel validate acme.xlsx               # check one completed return
      svexcel batch returns/ --out results/    # score a folder, write reports
      svexcel build --returns returns/ -o live.xlsm   # live scoring workbook
      svexcel demo                             # the whole job on shipped samples
    """


main.add_command(panel_command)
main.add_command(moderate_command)
main.add_command(verify_record_command)


@main.command()
@framework_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the blank return (.xlsx).")
@force_option
def template(framework_path: Path | None, output: Path, force: bool) -> None:
    """Write a blank return workbook for organisations to fill in.

    \b
    Example:
      svexcel template -o return.xlsx
      svexcel template --framework my-framework.xlsx -o return-2027.xlsx
    """
    from .return_template import write_return_template

    new_workbook(output, force)
    framework = _framework(framework_path)
    write_return_template(framework, output)
    click.echo(f"Wrote {output} for {framework.name} version {framework.version} ({len(framework.measures)} measures).")


@main.command()
@click.argument("returns", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@framework_option
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON for scripts.")
def validate(returns: tuple[Path, ...], framework_path: Path | None, as_json: bool) -> None:
    """Check completed returns and list every problem with its sheet and cell.

    Exit code 0 when every return can be scored, 1 when any has errors that block scoring.
    Plausibility warnings (sv-ratio-high, same-evidence, double-count) come with a suggested
    clarification question; outliers against other bidders are found by batch.
    --json prints a list with one entry per return.

    \b
    Example:
      svexcel validate acme.xlsx
      svexcel validate returns/*.xlsx --json > findings.json
    """
    from .plausibility import return_warnings
    from .returns_folder import read_file
    from .scoring import assess

    framework = _framework(framework_path)
    reads = [read_file(path, path.parent, framework)[0] for path in returns]
    for r in reads:
        if not r.rejected:
            r.findings.extend(return_warnings(framework, r, assess(framework, r.quantities, r.contract_value)))
    if as_json:
        document = [
            {"file": r.file, "status": "rejected" if r.rejected else "valid", "findings": [f.to_dict() for f in sort_findings(r.findings)]}
            for r in reads
        ]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for r in reads:
            counts = ", ".join(f"{n} {name}" for n, name in zip(
                (sum(f.severity == s for f in r.findings) for s in ("error", "warning", "info")), ("errors", "warnings", "info"), strict=False))
            verdict = click.style("REJECTED", fg="red", bold=True) if r.rejected else click.style("OK", fg="green", bold=True)
            click.echo(f"{r.file}: {verdict} ({counts})")
            _print_findings(r.findings, indent="  ", err=False)
    sys.exit(1 if any(has_errors(r.findings) for r in reads) else 0)


@main.command()
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@framework_option
@click.option("--quality", "-q", "quality_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Officers' quality scores: a workbook with a Quality sheet, a moderation workbook, or a live scoring workbook.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for reports/, comparison.docx, summary.xlsx and results.json.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes; results are identical for any number.")
@click.option("--template", "evaluation_template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the per-return evaluation report.")
@click.option("--comparison-template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the comparison report.")
@click.option("--assessment-summaries", is_flag=True, help="Also write OUT/assessment-summaries/<return>.docx for each scored return (Procurement Act 2023 s.50), explained by the consensus rationales of the moderation workbook given as --quality.")
@click.option("--other-criteria", "other_criteria_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Points for the tender's other criteria (sheet Criteria: File, a column per criterion, a row 'max'), added to the summaries' totals and ranking.")
@click.option("--assessment-template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the assessment summaries.")
@record_option
def batch(returns_dir: Path, framework_path: Path | None, quality_path: Path | None, out: Path, jobs: int,
          evaluation_template: Path | None, comparison_template: Path | None, assessment_summaries: bool,
          other_criteria_path: Path | None, assessment_template: Path | None, record_dir: Path | None) -> None:
    """Validate and score every return in a folder as one competition and write the reports.

    Reads every file in RETURNS_DIR and its subfolders; files that are not .xlsx/.xlsm returns are
    listed as rejected. Writes OUT/reports/<return>.docx, OUT/comparison.docx, OUT/summary.xlsx,
    OUT/results.json and OUT/svexcel.log, replacing the previous OUT as a whole once all are written.
    Exit code 0 when every file was scored and reported, 1 when any was rejected or its report
    failed, 2 when the framework, quality workbook, templates or output folder are unusable.

    \b
    Example:
      svexcel batch returns/ --out results/
      svexcel batch returns/ --quality quality.xlsx --out results/ --jobs 4
      svexcel batch returns/ --out results/ --template our-report.docx
      svexcel batch returns/ --quality moderation.xlsx --out results/ --assessment-summaries --other-criteria price.xlsx
      svexcel batch returns/ --quality moderation.xlsx --out results/ --record record/
    """
    summaries = Summaries(other_criteria_path, assessment_template) if assessment_summaries else None
    if summaries is None and (other_criteria_path or assessment_template):
        raise UsageError("--other-criteria and --assessment-template shape the assessment summaries: add --assessment-summaries.")
    if record_dir is not None:
        check_record_target(record_dir, returns_dir, out)
    result = _run_batch(returns_dir, out, framework_path, quality_path, jobs, evaluation_template, comparison_template, summaries)
    if record_dir is not None:
        inputs = (evaluation_template, comparison_template, other_criteria_path, assessment_template)
        keep_record(record_dir, framework_path, returns_dir, out, quality_path, inputs)
    sys.exit(result.exit_code)


@dataclass(frozen=True)
class Summaries:
    """What the assessment summaries were asked to include: other criteria and an own template."""

    other_criteria: Path | None = None
    template: Path | None = None


def _summary_inputs(summaries: Summaries, quality_path: Path | None, framework: Framework) -> dict[str, Any]:
    """The consensus rationales and other criteria the assessment summaries need; usage problems stop with exit 2."""
    from .award import read_other_criteria
    from .panel.moderation import read_moderation
    from .quality import MODERATION_SHEET
    from .xlsx import Workbook

    with Workbook(quality_path) if quality_path else nullcontext() as book:
        moderation = book is not None and book.sheet(MODERATION_SHEET) is not None
    if quality_path is None or not moderation:
        raise UsageError("--assessment-summaries explains each theme's points by the panel's consensus rationales: give the "
                         "moderation workbook as --quality (svexcel moderate makes it).")
    _, rationales, _ = read_moderation(quality_path, framework)  # its findings were shown when its marks were read
    criteria = None
    if summaries.other_criteria is not None:
        criteria, findings = read_other_criteria(summaries.other_criteria)
        _print_findings(findings)
        if criteria is None:
            raise UsageError(f"The other criteria workbook {summaries.other_criteria.name} has errors; fix the cells listed above.")
    return {"assessment_summaries": True, "rationales": rationales, "other_criteria": criteria,
            "assessment_template": summaries.template}


def _run_batch(returns_dir: Path, out: Path, framework_path: Path | None, quality_path: Path | None, jobs: int = 1,
               evaluation_template: Path | None = None, comparison_template: Path | None = None,
               summaries: Summaries | None = None, keep: Sequence[str] = ()) -> BatchResult:
    """Run a batch for the CLI and report it; usage problems stop with exit 2."""
    from .batch import Stopped, run_batch
    from .outputs import OutputError
    from .quality import read_quality
    from .reports import ReportTemplateError

    framework = _framework(framework_path)
    _check_folders(returns_dir, out)
    marks = None
    if quality_path is not None:
        marks, findings = read_quality(quality_path, framework)
        refuse_bad_quality(quality_path, findings)
    extra = {} if summaries is None else _summary_inputs(summaries, quality_path, framework)
    try:
        result = run_batch(
            returns_dir, out, framework=framework, quality=marks, quality_name=quality_path.name if quality_path else None,
            jobs=jobs, evaluation_template=evaluation_template, comparison_template=comparison_template,
            progress=sys.stderr.isatty(), keep=keep, **extra,
        )
    except (ReportTemplateError, OutputError) as exc:
        raise UsageError(str(exc)) from exc
    except (KeyboardInterrupt, Stopped) as exc:
        click.echo(f"Stopped: nothing was written; the previous outputs in {out} are unchanged.", err=True)
        sys.exit(128 + (exc.signum if isinstance(exc, Stopped) else 2))
    result.notes += _criteria_notes(extra.get("other_criteria"), result)
    _report_batch(result)
    return result


def _check_folders(returns_dir: Path, out: Path) -> None:
    """Stop when there is nothing to read, or when outputs would be read as returns or replace them."""
    from .returns_folder import find_returns

    if not find_returns(returns_dir):
        raise UsageError(f"No files found in {returns_dir}: put the returns (*.xlsx, *.xlsm) there.")
    if out.resolve().is_relative_to(returns_dir.resolve()):
        raise UsageError("Choose an --out folder other than the returns folder or a folder inside it, so outputs are never read as returns.")
    if returns_dir.resolve().is_relative_to(out.resolve()):
        raise UsageError(f"Choose an --out folder that does not hold the returns: {out} is replaced as a whole on every run.")


def _report_batch(result: BatchResult) -> None:
    """Say what a batch did: notes, each file not scored or reported, the tally and where the outputs are."""
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    for r in result.results:
        if r.status == "rejected":
            errors = [f for f in r.ret.findings if f.severity == "error"]
            click.echo(f"Rejected {r.file}: {errors[0].message}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""), err=True)
        elif r.report_error:
            click.echo(f"Report failed for {r.file}: {r.report_error}", err=True)
    if result.comparison_error:
        click.echo(f"The comparison report failed: {result.comparison_error}", err=True)
    click.echo(result.tally())
    if result.assessment_summaries:
        _report_summaries(result)
    click.echo(f"Outputs in {result.out}: results.json, summary.xlsx, comparison.docx, reports/"
               + (", assessment-summaries/" if result.assessment_summaries else "") + ", svexcel.log")


def _criteria_notes(criteria: OtherCriteria | None, result: BatchResult) -> list[str]:
    """Rows of the other criteria workbook that match no return in the folder (a likely typo)."""
    from .award import unmatched

    if criteria is None:
        return []
    return [f"other criteria for '{f}' match no return in the folder" for f in unmatched(criteria, [r.file for r in result.results])]


def _report_summaries(result: BatchResult) -> None:
    """How many assessment summaries were written, and why any was not."""
    missing = result.summaries_missing
    for r in result.results:
        if r.assessment_error:
            click.echo(f"No assessment summary for {r.file}: {r.assessment_error}", err=True)
    click.echo(f"Assessment summaries: {result.scored - len(missing)} written, {len(missing)} not written")


@main.command()
@framework_option
@click.option("--returns", "returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of returns to import.")
@click.option("--quality", "-q", "quality_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Officers' quality scores to carry into the workbook.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the live workbook (.xlsm).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the number of CPUs",
              help="Worker processes reading the returns (each reads at least 50); the workbook is identical for any number.")
@click.option("--force", is_flag=True, help="Replace the output file if it already exists (add -q with it to keep its marks).")
def build(framework_path: Path | None, returns_dir: Path | None, quality_path: Path | None, output: Path, jobs: int, force: bool) -> None:
    """Write the live scoring workbook: formulas score every return as weights change in cells.

    An existing workbook is replaced only with --force; give it as --quality too to keep the marks typed on
    its Quality sheet. Exit code 0 when every file in --returns was scored, 1 when any was rejected (listed on
    Findings), 2 when the framework or quality workbook has errors or the output cannot be written.

    \b
    Example:
      svexcel build --returns returns/ -o live.xlsm
      svexcel build --returns returns/ -q live.xlsm -o live.xlsm --force   # rebuild, keeping the marks
      svexcel build --framework my-framework.xlsx --returns returns/ --quality quality.xlsx -o live.xlsm --jobs 1
    """
    from .live.workbook import QualityError, build_from_folder

    _framework(framework_path)  # report framework problems before building
    new_live_workbook(output, force, "live workbook", f"the marks typed on its Quality sheet: to rebuild it keeping them, "
                      f"add -q {output} --force (--force alone replaces it with blank marks)")
    try:
        summary = build_from_folder(framework_path or DEFAULT_FRAMEWORK, output, returns_dir, quality_path, jobs, sys.stderr.isatty())
    except QualityError as exc:
        refuse_bad_quality(exc.path, exc.findings)
        raise
    click.echo(str(summary))
    sys.exit(1 if summary.rejected else 0)


@main.command()
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("svexcel-demo"), show_default=True, help="Folder for the demo's outputs.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
def demo(out: Path, jobs: int) -> None:
    """Run the whole job on the shipped sample returns and say where everything is.

    \b
    Example:
      svexcel demo
      svexcel demo --out /tmp/demo
    """
    from .delivery.cli import demo_delivery
    from .delivery.monitor_workbook import build_monitor_from_folder
    from .live.workbook import build_from_folder
    from .panel.cli import demo_panel
    from .reports.formatting import money

    quality = demo_panel(out)
    click.echo(f"\nScoring the {len(list(SAMPLES.glob('*.xlsx')))} sample returns in {SAMPLES} with the panel's consensus from {quality.name} ...")
    result = _run_batch(SAMPLES, out, None, quality, jobs, summaries=Summaries(SAMPLE_OTHER_CRITERIA),
                        keep=(quality.name, "panel"))  # the panel's workbooks stay
    live = build_from_folder(DEFAULT_FRAMEWORK, out / "live.xlsm", SAMPLES, quality)
    click.echo("\nRanking (points out of 20):")
    for r in sorted((r for r in result.results if r.score is not None), key=lambda r: (r.score.rank, r.file)):  # type: ignore[union-attr]
        click.echo(f"  {r.score.rank:>2}. {r.ret.organisation:<36} {r.score.points:6.2f}  {money(r.score.assessment.total_sv):>14}")  # type: ignore[union-attr]
    delivered = demo_delivery(out / "delivery", jobs)
    monitoring = build_monitor_from_folder(None, out / "monitor.xlsm", DELIVERY_SAMPLES)
    click.echo("\nWhere everything is:")
    for path, what in (
        (out / "panel", "a blank evaluator workbook per evaluator, to score offline"),
        (quality, "the moderation workbook: every evaluator's marks, the consensus, the audit log"),
        (out / "reports", f"one Word evaluation report per return ({result.scored})"),
        (out / "comparison.docx", "the comparison report for the panel"),
        (out / "summary.xlsx", "one row per return, and every finding"),
        (out / "results.json", "every figure in full precision, for scripts"),
        (out / "assessment-summaries", f"a Procurement Act assessment summary per bidder, with price and quality from "
                                       f"{SAMPLE_OTHER_CRITERIA.name} ({result.scored - len(result.summaries_missing)})"),
        (live.path, "the live scoring workbook: change weights in cells, scores follow"),
        (out / "delivery", "after award: a delivery report per contract, portfolio.docx, performance notices"),
        (monitoring.path, "the live monitoring workbook: change bands or proxies in cells, ratings follow"),
    ):
        click.echo(f"  {str(path):<40} {what}")
    sys.exit(max(result.exit_code, delivered.exit_code))


from .delivery.cli import delivery  # noqa: E402  (registered last: the group uses the helpers above)

main.add_command(delivery)
