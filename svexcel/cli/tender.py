"""The tender's commands: ``svexcel template``, ``validate``, ``batch`` and ``build``."""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import click

from ..core.findings import has_errors, sort_findings
from ..core.paths import DEFAULT_FRAMEWORK
from ..framework.model import Framework
from ..run.interrupts import Interrupted
from .common import (
    UsageError,
    WorkbookPath,
    finding_line,
    force_option,
    framework_from,
    framework_option,
    new_live_workbook,
    new_workbook,
    print_findings,
    print_notes,
    print_rejected,
    print_rejected_findings,
    refuse_bad_quality,
    refuse_changed_narratives,
)
from .record import check_record_target, keep_record, plan_batch_record, record_option

if TYPE_CHECKING:
    from ..run.record import RecordPlan
    from ..tender.award import OtherCriteria
    from ..tender.batch import BatchResult

@click.command()
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
    from ..tender.return_template import write_return_template

    new_workbook(output, force)
    framework = framework_from(framework_path)
    write_return_template(framework, output)
    click.echo(f"Wrote {output} for {framework.name} version {framework.version} ({len(framework.measures)} measures).")


@click.command()
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
    from ..run.inputs import input_file
    from ..tender.plausibility import return_warnings
    from ..tender.returns_folder import RETURNS, read_file
    from ..tender.scoring import assess

    framework = framework_from(framework_path)
    reads = [read_file(input_file(path, RETURNS), framework)[0] for path in returns]
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
            print_findings(r.findings, indent="  ", err=False)
    sys.exit(1 if any(has_errors(r.findings) for r in reads) else 0)


@click.command()
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@framework_option
@click.option("--quality", "-q", "quality_path", type=WorkbookPath(), help="Officers' quality scores: a workbook with a Quality sheet, a moderation workbook, or a live scoring workbook.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for reports/, comparison.docx, summary.xlsx and results.json.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes; results are identical for any number.")
@click.option("--template", "evaluation_template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the per-return evaluation report.")
@click.option("--comparison-template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the comparison report.")
@click.option("--assessment-summaries", is_flag=True, help="Also write OUT/assessment-summaries/<return>.docx for each scored return (Procurement Act 2023 s.50), explained by the consensus rationales of the moderation workbook given as --quality.")
@click.option("--other-criteria", "other_criteria_path", type=WorkbookPath(), help="Points for the tender's other criteria (sheet Criteria: File, a column per criterion, a row 'max'), added to the summaries' totals and ranking.")
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
    plan = None
    if record_dir is not None:
        check_record_target(record_dir, returns_dir, out)
        inputs = (evaluation_template, comparison_template, other_criteria_path, assessment_template)
        plan, notes = plan_batch_record(framework_path, returns_dir, quality_path, inputs)
    result = run_batch_and_report(returns_dir, out, framework_path, quality_path, jobs, evaluation_template, comparison_template, summaries,
                                  record=plan)
    if record_dir is not None and plan is not None:
        try:
            keep_record(record_dir, plan, notes, [out])
        except (Interrupted, KeyboardInterrupt, UsageError):
            click.echo(f"The record was not kept in {record_dir}: the outputs in {out} carry the SHA-256 of its manifest "
                       f"({plan.sha256}), which no record holds. Run the batch again with --record to keep one.", err=True)
            raise
    sys.exit(result.exit_code)


@dataclass(frozen=True)
class Summaries:
    """What the assessment summaries were asked to include: other criteria and an own template."""

    other_criteria: Path | None = None
    template: Path | None = None


def _summary_inputs(summaries: Summaries, quality_path: Path | None, framework: Framework) -> dict[str, Any]:
    """The consensus rationales and other criteria the assessment summaries need; usage problems stop with exit 2."""
    from ..panel.marks import is_moderation_workbook
    from ..panel.moderation import read_moderation
    from ..tender.award import read_other_criteria

    if quality_path is None or not is_moderation_workbook(quality_path):
        raise UsageError("--assessment-summaries explains each theme's points by the panel's consensus rationales: give the "
                         "moderation workbook as --quality (svexcel moderate makes it).")
    _, rationales, _ = read_moderation(quality_path, framework)  # its findings were shown when its marks were read
    criteria = None
    if summaries.other_criteria is not None:
        criteria, findings = read_other_criteria(summaries.other_criteria)
        print_findings(findings)
        if criteria is None:
            raise UsageError(f"The other criteria workbook {summaries.other_criteria.name} has errors; fix the cells listed above.")
    return {"assessment_summaries": True, "rationales": rationales, "other_criteria": criteria,
            "assessment_template": summaries.template}


def run_batch_and_report(returns_dir: Path, out: Path, framework_path: Path | None, quality_path: Path | None, jobs: int = 1,
               evaluation_template: Path | None = None, comparison_template: Path | None = None,
               summaries: Summaries | None = None, keep: Sequence[str] = (), shown: Path | None = None,
               record: RecordPlan | None = None) -> BatchResult:
    """Run a batch for the CLI and report it (its outputs ``shown`` where they will be, if ``out`` is a staging folder);
    usage problems stop with exit 2. ``record`` is the record's plan (its inputs hashed), when one is kept."""
    from ..panel.marks import read_marks
    from ..run.outputs import OutputError
    from ..run.record import RecordError
    from ..tender.batch import run_batch
    from ..tender.pins import NarrativeChanged
    from ..word.errors import ReportTemplateError

    framework = framework_from(framework_path)
    _check_folders(returns_dir, out)
    quality = None
    if quality_path is not None:
        quality = read_marks(quality_path, framework)
        refuse_bad_quality(quality_path, quality.findings)
    extra = {} if summaries is None else _summary_inputs(summaries, quality_path, framework)
    try:
        result = run_batch(
            returns_dir, out, framework=framework, quality=quality.marks if quality else None,
            quality_name=quality_path.name if quality_path else None, pins=quality.pins if quality else None,
            evaluator_files=quality.evaluator_files if quality else (), record=record,
            jobs=jobs, evaluation_template=evaluation_template, comparison_template=comparison_template,
            progress=sys.stderr.isatty(), keep=keep, **extra,
        )
    except NarrativeChanged as exc:
        refuse_changed_narratives(exc)
    except (ReportTemplateError, OutputError, RecordError) as exc:
        raise UsageError(str(exc)) from exc
    result.notes += _criteria_notes(extra.get("other_criteria"), result)
    result.out = shown or out
    _report_batch(result)
    return result


def _check_folders(returns_dir: Path, out: Path) -> None:
    """Stop when there is nothing to read, or when outputs would be read as returns or replace them."""
    from ..tender.returns_folder import returns_in

    if not returns_in(returns_dir).inputs:
        raise UsageError(f"No files found in {returns_dir}: put the returns (*.xlsx, *.xlsm) there.")
    if out.resolve().is_relative_to(returns_dir.resolve()):
        raise UsageError("Choose an --out folder other than the returns folder or a folder inside it, so outputs are never read as returns.")
    if returns_dir.resolve().is_relative_to(out.resolve()):
        raise UsageError(f"Choose an --out folder that does not hold the returns: {out} is replaced as a whole on every run.")


def _report_batch(result: BatchResult) -> None:
    """Say what a batch did: notes, each file not scored or reported, the tally and where the outputs are."""
    print_notes(result.notes)
    for finding in result.template_findings:
        click.echo(finding_line(finding), err=True)
    for r in result.results:
        if r.status == "rejected":
            print_rejected(r.file, [f.message for f in r.ret.findings if f.severity == "error"])
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
    from ..tender.award import unmatched

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


@click.command()
@framework_option
@click.option("--returns", "returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of returns to import.")
@click.option("--quality", "-q", "quality_path", type=WorkbookPath(), help="Officers' quality scores to carry into the workbook.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the live workbook (.xlsm; .xlsx for --edition lite).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the number of CPUs",
              help="Worker processes reading the returns (each reads at least 50); the workbook is identical for any number.")
@click.option("--edition", type=click.Choice(["classic", "lite"]), default="classic", show_default=True,
              help="classic: Python functions and macros through xlwings and VBA (.xlsm); lite: macro-free (.xlsx), with "
                   "the functions and scripts for the free xlwings Lite add-in stored in it.")
@click.option("--lite-package", "package", metavar="URL",
              help="With --edition lite: install svexcel from this wheel URL (your organisation's own copy) instead of PyPI.")
@click.option("--force", is_flag=True, help="Replace the output file if it already exists (add -q with it to keep its marks).")
def build(framework_path: Path | None, returns_dir: Path | None, quality_path: Path | None, output: Path, jobs: int,
          edition: str, package: str | None, force: bool) -> None:
    """Write the live scoring workbook: formulas score every return as weights change in cells.

    An existing workbook is replaced only with --force; give it as --quality too to keep the marks typed on
    its Quality sheet. Exit code 0 when every file in --returns was scored, 1 when any was rejected (listed on
    Findings), 2 when the framework or quality workbook has errors or the output cannot be written.

    \b
    Example:
      svexcel build --returns returns/ -o live.xlsm
      svexcel build --returns returns/ -q live.xlsm -o live.xlsm --force   # rebuild, keeping the marks
      svexcel build --framework my-framework.xlsx --returns returns/ --quality quality.xlsx -o live.xlsm --jobs 1
      svexcel build --edition lite --returns returns/ -o live.xlsx             # for Excel on the web, Mac, no Python
    """
    from ..panel.marks import read_marks
    from ..tender.live.workbook import build_from_folder
    from ..tender.pins import NarrativeChanged

    framework = framework_from(framework_path)  # report framework problems before building
    if package is not None and edition != "lite":
        raise UsageError("--lite-package is for --edition lite only.")
    if package is not None and not re.fullmatch(r"https?://[^\s#]+", package):  # one line of the workbook's requirements.txt
        raise UsageError(f"--lite-package takes the web address of svexcel's wheel on your own server, e.g. "
                         f"https://packages.example.gov.uk/svexcel-0.1.0-py3-none-any.whl (got {package!r}).")
    new_live_workbook(output, force, "live workbook", f"the marks typed on its Quality sheet: to rebuild it keeping them, "
                      f"add -q {output} --force (--force alone replaces it with blank marks)",
                      *((".xlsx", "of the Lite edition has no macros") if edition == "lite" else ()))
    quality = None
    if quality_path is not None:
        quality = read_marks(quality_path, framework)
        if has_errors(quality.findings):  # nothing is built: a mark left blank would silently score 0
            refuse_bad_quality(quality_path, quality.findings)
    try:
        summary = build_from_folder(framework_path or DEFAULT_FRAMEWORK, output, returns_dir, quality, jobs, sys.stderr.isatty(),
                                    edition, package)
    except NarrativeChanged as exc:
        refuse_changed_narratives(exc)
    print_notes(summary.notes)
    print_rejected_findings(summary.rejected, summary.findings)
    click.echo(str(summary))
    sys.exit(1 if summary.rejected else 0)
