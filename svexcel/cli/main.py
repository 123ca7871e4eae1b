"""The ``svexcel`` command line (SPEC §4): one click group over the library's phases."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from ..core.paths import DEFAULT_FRAMEWORK, DELIVERY_SAMPLES, SAMPLE_OTHER_CRITERIA, SAMPLES
from ..core.version import __version__
from ..run.interrupts import Interrupted, interrupts_raised, written
from ..run.scratch import scratch_folder
from .common import interrupted_message
from .delivery import delivery
from .panel import moderate_command, panel_command
from .record import verify_record_command
from .tender import Summaries, batch, build, run_batch_and_report, template, validate

DEMO_SEED = 2027  # the demo draws its next verification round with a fixed seed, so it is the same every run


class _Commands(click.Group):
    """The svexcel commands: Ctrl+C or SIGTERM at any moment stops the run, removes what it was writing and exits 130 or
    143 (never 1, which means an input was rejected), saying what is in place; temporary files go in a private folder,
    removed as the command ends."""

    def invoke(self, ctx: click.Context) -> object:
        with interrupts_raised():
            try:
                with scratch_folder():
                    return super().invoke(ctx)
            except (Interrupted, KeyboardInterrupt) as exc:
                signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
                click.echo(f"\n{interrupted_message(signum, written())}", err=True)
                ctx.exit(128 + signum)


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


main.add_command(template)
main.add_command(validate)
main.add_command(batch)
main.add_command(build)
main.add_command(panel_command)
main.add_command(moderate_command)
main.add_command(verify_record_command)
main.add_command(delivery)


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
    from ..core.formatting import money
    from ..delivery.live.workbook import build_monitor_from_folder
    from ..framework.model import load_framework
    from ..panel.marks import read_marks
    from ..run.outputs import OutputError, replacing
    from ..run.record import verify_record
    from ..tender.batch import OUTPUTS
    from ..tender.live.workbook import build_from_folder
    from .common import UsageError
    from .delivery import demo_delivery, draw_round
    from .panel import demo_panel
    from .record import keep_record, plan_batch_record

    record = "record"
    try:
        with replacing(out) as stage:  # the whole demo appears at once, replacing the last one
            quality = demo_panel(stage, out)
            click.echo(f"\nScoring the {len(list(SAMPLES.glob('*.xlsx')))} sample returns in {SAMPLES} with the panel's consensus from "
                       f"{quality.name}, keeping the record in {out / record} ...")
            plan, notes = plan_batch_record(None, SAMPLES, quality, [SAMPLE_OTHER_CRITERIA])
            result = run_batch_and_report(SAMPLES, stage, None, quality, jobs, summaries=Summaries(SAMPLE_OTHER_CRITERIA),
                                          keep=(quality.name, "panel"), shown=out, record=plan)  # the panel's workbooks stay
            outputs = [stage / name for name in OUTPUTS if (stage / name).exists()]
            keep_record(stage / record, plan, notes, outputs, stage, shown=out / record)
            count, problems = verify_record(stage / record)
            click.echo(f"Verified the record: {count} files, {len(problems)} problem(s) (svexcel verify-record {out / record}).")
            build_from_folder(DEFAULT_FRAMEWORK, stage / "live.xlsm", SAMPLES, read_marks(quality, load_framework(DEFAULT_FRAMEWORK)))
            click.echo("\nRanking (points out of 20):")
            for r in sorted((r for r in result.results if r.score is not None), key=lambda r: (r.score.rank, r.file)):  # type: ignore[union-attr]
                click.echo(f"  {r.score.rank:>2}. {r.ret.organisation:<36} {r.score.points:6.2f}  {money(r.score.assessment.total_sv):>14}")  # type: ignore[union-attr]
            delivered = demo_delivery(stage / "delivery", jobs, out / "delivery")
            click.echo("\nDrawing the next verification round from the sample contracts ...")
            draw_round(DELIVERY_SAMPLES, stage / "verification.xlsx", None, 10, DEMO_SEED, out / "verification.xlsx")
            build_monitor_from_folder(None, stage / "monitor.xlsm", DELIVERY_SAMPLES)
    except OutputError as exc:
        raise UsageError(str(exc)) from exc
    click.echo("\nWhere everything is:")
    for path, what in (
        (out / "panel", "a blank evaluator workbook per evaluator, to score offline"),
        (out / quality.name, "the moderation workbook: every evaluator's marks, the consensus, the audit log"),
        (out / "reports", f"one Word evaluation report per return ({result.scored})"),
        (out / "comparison.docx", "the comparison report for the panel"),
        (out / "summary.xlsx", "one row per return, and every finding"),
        (out / "results.json", "every figure in full precision, for scripts"),
        (out / "assessment-summaries", f"a Procurement Act assessment summary per bidder, with price and quality from "
                                       f"{SAMPLE_OTHER_CRITERIA.name} ({result.scored - len(result.summaries_missing)})"),
        (out / record, "the evaluation record: every input and output with its SHA-256, the declarations, manifest.json"),
        (out / "live.xlsm", "the live scoring workbook: change weights in cells, scores follow"),
        (out / "delivery", "after award: a delivery report per contract, portfolio.docx, performance notices"),
        (out / "verification.xlsx", "the next verification round: claims drawn for officers to check against evidence"),
        (out / "monitor.xlsm", "the live monitoring workbook: change bands or proxies in cells, ratings follow"),
    ):
        click.echo(f"  {str(path):<40} {what}")
    sys.exit(max(result.exit_code, delivered.exit_code, 1 if problems else 0))
