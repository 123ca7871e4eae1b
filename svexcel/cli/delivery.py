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
    from ..delivery.engine import DeliverySettings
    from ..delivery.verification import VerificationFile
    from ..framework.model import Framework



@click.group()
def delivery() -> None:
    """Monitor what a contract delivers against the winning tender's commitments.

    \b
    Example:
      svexcel delivery template winner.xlsx --start 2026-04-01 -o acme-delivery.xlsx
      svexcel delivery batch deliveries/ --out monitoring/
    """


def settings_from(framework_path: Path | None, monitored: set[str] | None = None) -> DeliverySettings:
    """The framework's delivery settings, its findings printed (``accrues-defaulted`` only for ``monitored`` measures,
    when given); a bad setting stops with exit 2."""
    from ..delivery.settings import load_delivery_settings

    settings, findings = load_delivery_settings(framework_path or DEFAULT_FRAMEWORK, monitored)
    common.print_findings(findings)
    if any(f.severity == "error" for f in findings):
        raise common.UsageError("The framework's delivery settings have errors; fix the cells listed above.")
    return settings


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
@click.option("--reference", help="This contract's own reference (default: the winning return's, which every bidder of the tender shares: "
              "give each contract, e.g. each lot, its own). Every file of one contract keeps it.")
@click.option("--from-period", "from_period", multiple=True, metavar="MEASURE=PERIOD", help="A measure due only from that period, e.g. SH1.1=5 for work starting in year 2 of quarters. Repeatable.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the delivery workbook (.xlsx).")
@common.force_option
def template(winning_return: Path, framework_path: Path | None, start: dt.datetime, periods_per_year: str, years: float | None,
             reference: str | None, from_period: tuple[str, ...], output: Path, force: bool) -> None:
    """Write the protected delivery workbook a supplier fills in each period, from the winning return.

    The winning return's quantities become the locked commitments; each row says what to type, the
    figure delivered in the period or the position at the end of the period (the framework's Measures
    column accrues). Give each contract its own --reference: the winning return's is the tender's, shared
    by every lot. Exit code 1 when the winning return has errors, 2 for a usage problem.

    \b
    Example:
      svexcel delivery template winner.xlsx --start 2026-04-01 --reference HC-2026-014-LOT1 -o acme-delivery.xlsx
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
    settings = settings_from(framework_path, {i for i, c in terms.committed.items() if c is not None})
    write_delivery_template(framework, terms, output, settings=settings)
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
@click.option("--verification", "verification_path", type=common.WorkbookPath(),
              help="The verification workbook of a round (svexcel delivery verify), statuses filled in: validated figures beside the claimed ones.")
def batch(folder: Path, framework_path: Path | None, out: Path, jobs: int, delivery_template: Path | None, portfolio_template: Path | None,
          verification_path: Path | None) -> None:
    """Monitor every delivery workbook in a folder and write the reports and the performance notices.

    Writes OUT/reports/<contract reference>.docx, OUT/portfolio.docx, OUT/delivery-summary.xlsx,
    OUT/performance-notices.csv and OUT/delivery.json. When a contract was resent, the file with the
    latest reporting period is used; contracts sharing a reference but made from different winning returns
    are kept apart. With --verification, every output gives validated figures (claimed less claims
    rejected) beside the claimed ones, and Settings rating_basis says which the rating uses. Exit code 0
    when every contract was monitored and reported, 1 when any file was rejected or a report failed, 2 when
    the framework, templates, verification workbook or folders are unusable.

    \b
    Example:
      svexcel delivery batch deliveries/ --out monitoring/
      svexcel delivery batch deliveries/ --out monitoring/ --verification verification.xlsx
      svexcel delivery batch deliveries/ --out monitoring/ --jobs 4 --template our-delivery-report.docx
    """
    result = run_delivery(folder, out, framework_path, jobs, delivery_template, portfolio_template, verification=verification_path)
    sys.exit(result.exit_code)


def _verification_from(path: Path, framework: Framework) -> VerificationFile:
    """A verification workbook read, or stop (exit 2) with its findings naming the cells."""
    from ..delivery.verification import read_verification

    verification = read_verification(path, framework)
    common.print_findings(verification.findings)
    if verification.refused:
        raise common.UsageError(f"The verification workbook {path.name} cannot be used; fix the cells listed above or draw a fresh "
                                "sample with svexcel delivery verify. Nothing was written.")
    return verification


def run_delivery(folder: Path, out: Path, framework_path: Path | None, jobs: int = 1, delivery_template: Path | None = None,
                 portfolio_template: Path | None = None, shown: Path | None = None, verification: Path | None = None) -> DeliveryBatchResult:
    """Run a delivery batch for the CLI and report it (its outputs ``shown`` where they will be, if ``out`` is in a
    staging folder); usage problems stop with exit 2."""
    from ..delivery.batch import run_delivery_batch
    from ..delivery.deliveries_folder import deliveries_in
    from ..delivery.verification import VerificationRefused
    from ..run.outputs import OutputError
    from ..word.errors import ReportTemplateError

    framework = common.framework_from(framework_path)
    settings = settings_from(framework_path)
    if not deliveries_in(folder).inputs:
        raise common.UsageError(f"No delivery workbooks (*.xlsx, *.xlsm) found in {folder}.")
    if out.resolve() == folder.resolve() or folder.resolve() in out.resolve().parents:
        raise common.UsageError("Choose an --out folder outside the delivery workbooks' folder, so outputs are never read as inputs.")
    checked = _verification_from(verification, framework) if verification is not None else None
    try:
        result = run_delivery_batch(folder, out, framework=framework, settings=settings, jobs=jobs, delivery_template=delivery_template,
                                    portfolio_template=portfolio_template, progress=sys.stderr.isatty(), verification=checked)
    except (ReportTemplateError, OutputError) as exc:
        raise common.UsageError(str(exc)) from exc
    except VerificationRefused as exc:
        common.print_findings(exc.findings)
        raise common.UsageError(f"The verification workbook {verification.name if verification else ''} is not for these delivery "
                                "workbooks; nothing was written.") from exc
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
    from ..core.formatting import money
    from ..core.paths import DELIVERY_SAMPLES, DELIVERY_VERIFICATION

    click.echo(f"\nMonitoring delivery of the sample contracts in {DELIVERY_SAMPLES}, with the verification round "
               f"{DELIVERY_VERIFICATION.name} ...")
    result = run_delivery(DELIVERY_SAMPLES, out, None, jobs, shown=shown, verification=DELIVERY_VERIFICATION)
    click.echo("\nDelivery ratings (Procurement Act 2023 s.71; by value, with the count share beside it):")
    scored = sorted((b for b in result.briefs if b.status == "scored"), key=lambda b: b.contract_reference)
    for b in scored:
        click.echo(f"  {b.contract_reference:<12} {b.supplier:<34} P{b.period} of {b.periods}  {b.rating:<21} "
                   f"value {b.share_value:6.1%}  count {b.share_count:6.1%}")
    click.echo("\nBenefit claimed and validated (claimed less the claims rejected in the verification round):")
    for b in scored:
        expected, claimed, validated = b.benefit
        click.echo(f"  Validated for {b.contract_reference:<12} {money(validated):>12} of {money(claimed):>12} claimed"
                   f"{f', {validated / expected:6.1%} of expected' if expected > 0 else ''}")
    return result


@delivery.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@common.framework_option
@click.option("--sample", "size", type=click.IntRange(min=1), required=True, help="How many claims to check (more when more are above verify_all_above).")
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the draw (default: a new one, printed and kept in the workbook); the same seed and files give the same sample.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the verification workbook (.xlsx).")
@common.force_option
def verify(folder: Path, framework_path: Path | None, size: int, seed: int | None, output: Path, force: bool) -> None:
    """Draw claims for officers to check against evidence: a protected workbook of sampled claims.

    A claim is one measure's figure for one period that adds £ of benefit. Every claim above Settings
    verify_all_above (£) is in the sample; the rest are drawn at random with chances in proportion to £.
    Officers choose Verified, Not verified or Rejected for each, with a note; then delivery batch
    --verification gives validated figures (claimed less claims rejected). Exit code 0 when every file
    was used, 1 when any was rejected (listed on the Findings sheet), 2 for a usage problem.

    \b
    Example:
      svexcel delivery verify deliveries/ --sample 20 -o verification.xlsx
      svexcel delivery verify deliveries/ --sample 20 --seed 20260701 -o verification.xlsx
    """
    common.new_workbook(output, force)
    if draw_round(folder, output, framework_path, size, seed):
        sys.exit(1)


def draw_round(folder: Path, output: Path, framework_path: Path | None, size: int, seed: int | None, shown: Path | None = None) -> bool:
    """Draw a verification sample from ``folder`` into ``output`` (``shown`` where it will be, if ``output`` is in a
    staging folder) and say what was drawn; True when a file was rejected."""
    import datetime as dt
    import secrets

    from ..delivery.deliveries_folder import deliveries_in, read_inputs
    from ..delivery.verification import draw_from
    from ..delivery.verification_template import write_verification_workbook

    framework = common.framework_from(framework_path)
    settings = settings_from(framework_path)
    inputs = deliveries_in(folder, output)
    if not inputs.inputs:
        raise common.UsageError(f"No delivery workbooks (*.xlsx, *.xlsm) found in {folder}.")
    seed = seed if seed is not None else secrets.randbelow(10**8)
    drawn = draw_from(framework, settings, read_inputs(framework, inputs), size, seed)
    findings = [f for r in drawn.reads for f in r.findings]
    write_verification_workbook(framework, drawn.sample, output, seed=seed, size=size, verify_all_above=settings.verify_all_above,
                                drawn=dt.date.today(), findings=findings)
    common.print_notes(inputs.notes())
    rejected = [r for r in drawn.reads if r.status == "rejected"]
    common.print_rejected_findings([r.file for r in rejected], findings)
    above = sum(s.why == "above" for s in drawn.sample)
    contracts = len({c.contract for c in drawn.claims})
    click.echo(f"Drew {len(drawn.sample)} of {len(drawn.claims)} claims from {contracts} contract(s) with seed {seed} "
               f"({above} above £{settings.verify_all_above:,.0f}, always checked): £{sum(s.claim.value for s in drawn.sample):,.2f} of "
               f"£{sum(c.value for c in drawn.claims):,.2f} claimed. Wrote {shown or output}.")
    return bool(rejected)


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
