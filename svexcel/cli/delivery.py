"""``svexcel delivery …``: delivery monitoring after award (SPEC §6), a thin click layer over svexcel.delivery."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.paths import DEFAULT_FRAMEWORK
from . import common

if TYPE_CHECKING:
    from ..delivery.batch import DeliveryBatchResult



@click.group()
def delivery() -> None:
    """Monitor what a contract delivers against the winning tender's commitments.

    \b
    Example:
      svexcel delivery template winner.xlsx --start 2026-04-01 -o acme-delivery.xlsx
      svexcel delivery batch deliveries/ --out monitoring/
    """


def _starts(values: tuple[str, ...]) -> dict[str, int]:
    """``SH1.1=5`` pairs as {measure: first period}."""
    starts = {}
    for value in values:
        ident, _, period = value.partition("=")
        if not ident or not period.strip().isdigit():
            raise common.UsageError(f"--from-period takes MEASURE=PERIOD, e.g. SH1.1=5 (got '{value}').")
        starts[ident.strip()] = int(period)
    return starts


@delivery.command()
@click.argument("winning_return", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@common.framework_option
@click.option("--start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The date the contract starts (YYYY-MM-DD): P1 begins then.")
@click.option("--periods-per-year", type=click.Choice(["1", "2", "3", "4", "6", "12"]), default="4", show_default=True, help="Reporting periods a year (4: quarterly, 12: monthly).")
@click.option("--years", type=click.FloatRange(min=0, min_open=True), help="Contract length in years (default: the winning return's Contract years).")
@click.option("--reference", help="Contract reference (default: the winning return's); files for one contract share it.")
@click.option("--from-period", "from_period", multiple=True, metavar="MEASURE=PERIOD", help="A measure due only from that period, e.g. SH1.1=5 for work starting in year 2 of quarters. Repeatable.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the delivery workbook (.xlsx).")
@common.force_option
def template(winning_return: Path, framework_path: Path | None, start: dt.datetime, periods_per_year: str, years: float | None,
             reference: str | None, from_period: tuple[str, ...], output: Path, force: bool) -> None:
    """Write the protected delivery workbook a supplier fills in each period, from the winning return.

    The winning return's quantities become the locked commitments. Exit code 1 when the winning
    return has errors, 2 for a usage problem.

    \b
    Example:
      svexcel delivery template winner.xlsx --start 2026-04-01 -o acme-delivery.xlsx
      svexcel delivery template winner.xlsx --start 2026-04-01 --periods-per-year 12 --from-period SH1.1=13 -o acme-delivery.xlsx
    """
    from ..delivery.template import terms_from_return, write_delivery_template
    from ..run.inputs import input_file
    from ..tender.returns_folder import RETURNS, read_file

    common.new_workbook(output, force, winning_return)
    framework = common.framework_from(framework_path)
    ret, _ = read_file(input_file(winning_return, RETURNS), framework)
    if ret.rejected:
        common.print_findings([f for f in ret.findings if f.severity == "error"])
        click.echo(f"{winning_return.name} has errors, so its commitments cannot be used; fix the cells listed above.", err=True)
        sys.exit(1)
    if reference:
        ret.contract_reference = reference
    try:
        terms = terms_from_return(ret, framework, start.date(), int(periods_per_year), years, _starts(from_period))
    except ValueError as exc:
        raise common.UsageError(str(exc)) from exc
    write_delivery_template(framework, terms, output)
    monitored = sum(c is not None for c in terms.committed.values())
    click.echo(f"Wrote {output} for {terms.supplier or '(no supplier name)'}, contract {terms.contract_reference or '(no reference)'}: "
               f"{monitored} commitments over {terms.periods} periods from {terms.start.isoformat()}.")


@delivery.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@common.framework_option
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for reports/, portfolio.docx, delivery-summary.xlsx, performance-notices.csv and delivery.json.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes; results are identical for any number.")
@click.option("--template", "delivery_template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the per-contract delivery report.")
@click.option("--portfolio-template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Your own Word template for the portfolio report.")
def batch(folder: Path, framework_path: Path | None, out: Path, jobs: int, delivery_template: Path | None, portfolio_template: Path | None) -> None:
    """Monitor every delivery workbook in a folder and write the reports and the performance notices.

    Writes OUT/reports/<contract reference>.docx, OUT/portfolio.docx, OUT/delivery-summary.xlsx,
    OUT/performance-notices.csv and OUT/delivery.json. When a contract was resent, the file with the
    latest reporting period is used. Exit code 0 when every contract was monitored and reported, 1 when
    any file was rejected or a report failed, 2 when the framework, templates or folders are unusable.

    \b
    Example:
      svexcel delivery batch deliveries/ --out monitoring/
      svexcel delivery batch deliveries/ --out monitoring/ --jobs 4 --template our-delivery-report.docx
    """
    result = run_delivery(folder, out, framework_path, jobs, delivery_template, portfolio_template)
    sys.exit(result.exit_code)


def run_delivery(folder: Path, out: Path, framework_path: Path | None, jobs: int = 1, delivery_template: Path | None = None,
                 portfolio_template: Path | None = None, shown: Path | None = None) -> DeliveryBatchResult:
    """Run a delivery batch for the CLI and report it (its outputs ``shown`` where they will be, if ``out`` is in a
    staging folder); usage problems stop with exit 2."""
    from ..delivery.batch import run_delivery_batch
    from ..delivery.deliveries_folder import deliveries_in
    from ..delivery.settings import load_delivery_settings
    from ..run.outputs import OutputError
    from ..word.errors import ReportTemplateError

    framework = common.framework_from(framework_path)
    settings, findings = load_delivery_settings(framework_path or DEFAULT_FRAMEWORK)
    common.print_findings(findings)
    if any(f.severity == "error" for f in findings):
        raise common.UsageError("The framework's delivery settings have errors; fix the cells listed above.")
    if not deliveries_in(folder).inputs:
        raise common.UsageError(f"No delivery workbooks (*.xlsx, *.xlsm) found in {folder}.")
    if out.resolve() == folder.resolve() or folder.resolve() in out.resolve().parents:
        raise common.UsageError("Choose an --out folder outside the delivery workbooks' folder, so outputs are never read as inputs.")
    try:
        result = run_delivery_batch(folder, out, framework=framework, settings=settings, jobs=jobs, delivery_template=delivery_template,
                                    portfolio_template=portfolio_template, progress=sys.stderr.isatty())
    except (ReportTemplateError, OutputError) as exc:
        raise common.UsageError(str(exc)) from exc
    common.print_notes(result.notes)
    for finding in result.template_findings:
        click.echo(common.finding_line(finding), err=True)
    for brief in result.briefs:
        if brief.status == "rejected":
            common.print_rejected(brief.file, brief.errors)
        elif brief.file in result.report_errors:
            click.echo(f"Report failed for {brief.file}: {result.report_errors[brief.file]}", err=True)
    if result.portfolio_error:
        click.echo(f"The portfolio report failed: {result.portfolio_error}", err=True)
    click.echo(result.tally())
    click.echo(f"Outputs in {shown or out}: delivery.json, delivery-summary.xlsx, performance-notices.csv, portfolio.docx, reports/")
    return result


def demo_delivery(out: Path, jobs: int, shown: Path) -> DeliveryBatchResult:
    """The demo's delivery part: monitor the sample contracts into ``out`` (``shown`` once the demo is done) and print
    each contract's rating."""
    from ..core.paths import DELIVERY_SAMPLES

    click.echo(f"\nMonitoring delivery of the sample contracts in {DELIVERY_SAMPLES} ...")
    result = run_delivery(DELIVERY_SAMPLES, out, None, jobs, shown=shown)
    click.echo("\nDelivery ratings (Procurement Act 2023 s.71; by value, with the count share beside it):")
    for b in sorted((b for b in result.briefs if b.status == "scored"), key=lambda b: b.contract_reference):
        click.echo(f"  {b.contract_reference:<12} {b.supplier:<34} P{b.period} of {b.periods}  {b.rating:<21} "
                   f"value {b.share_value:6.1%}  count {b.share_count:6.1%}")
    return result


@delivery.command()
@common.framework_option
@click.option("--returns", "returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of delivery workbooks to import (the latest file per contract is used).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the monitoring workbook (.xlsm).")
@common.force_option
def build(framework_path: Path | None, returns_dir: Path | None, output: Path, force: bool) -> None:
    """Write the live monitoring workbook: formulas give every contract's delivery figures and rating as settings change.

    Settings (RAG bands, rating bands and method), proxies and the figures reported stay editable; a Checks
    sheet stops the figures (they show CHECK) while an input is out of range and names the cell to fix.
    An existing workbook is replaced only with --force. Exit code 0 when every delivery workbook was used, 1 when
    any was rejected (listed on Findings), 2 for a usage problem (such as an output that cannot be written).

    \b
    Example:
      svexcel delivery build --returns deliveries/ -o monitor.xlsm
    """
    from ..delivery.live.workbook import build_monitor_from_folder

    common.framework_from(framework_path)  # report framework problems before building
    common.new_live_workbook(output, force, "monitoring workbook", "the settings, proxies and figures typed in it: "
                               "add --force to replace it")
    summary = build_monitor_from_folder(framework_path, output, returns_dir)
    common.print_notes(summary.notes)
    common.print_rejected_findings(summary.rejected, summary.findings)
    click.echo(str(summary))
    if summary.rejected:
        sys.exit(1)
