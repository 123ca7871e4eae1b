"""Run a delivery batch (SPEC §6): read every delivery workbook in a folder, settle resent files, compute each
contract's figures and write ``reports/<contract reference>.docx``, ``portfolio.docx``, ``delivery-summary.xlsx``,
``performance-notices.csv`` and ``delivery.json``.

Memory stays flat however many contracts there are: each workbook is parked in a spool once read (the scoring
batch's spool) and streamed back through its report into the other outputs; only light figures for the portfolio
stay in memory. Work runs in this process or in worker processes (svexcel/run/pool.py), in input order, so output is
identical for any number of jobs. Outputs are written into a hidden folder that takes OUT's place only once complete
(svexcel/run/outputs.py).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from ..core.findings import Finding, finding
from ..framework.model import Framework
from ..run.atomic import write_bytes_atomic
from ..run.inputs import Input, InputFolder
from ..run.names import free_stem, safe_stem
from ..run.outputs import replacing
from ..run.pool import Pool
from ..run.spool import Spool
from .claims import Recorded
from .deliveries_folder import deliveries_in, read_input
from .engine import DeliverySettings
from .outputs import json_record, json_writer, notice_row, notices_writer, summary_rows, summary_writer
from .portfolio import Brief
from .reader import ContractKey, DeliveryReturn, settle
from .reporter import DeliveryReporter
from .result import monitor_contract
from .verification import SHEET, VerificationFile, VerificationRefused

SHOWN_OTHERS = 10  # claims for other contracts named in a refusal


@dataclass
class DeliveryBatchResult:
    """Every input's brief (light figures and errors) and where the outputs went."""

    briefs: list[Brief]
    reports: dict[str, str | None]
    report_errors: dict[str, str]
    out: Path
    notes: list[str] = field(default_factory=list)
    portfolio_error: str | None = None
    template_findings: list[Finding] = field(default_factory=list)  # officers' own templates that fail SPEC §10

    def count(self, status: str) -> int:
        """Files with ``status`` (scored, rejected or superseded)."""
        return sum(b.status == status for b in self.briefs)

    @property
    def failed(self) -> int:
        """Reports that could not be written (delivery reports and the portfolio)."""
        return len(self.report_errors) + (self.portfolio_error is not None)

    @property
    def exit_code(self) -> int:
        """0 when every contract was monitored and reported, else 1."""
        return 0 if self.count("rejected") == 0 and self.failed == 0 else 1

    def tally(self) -> str:
        """One line: how many were monitored, rejected, superseded and failed."""
        n = len(self.briefs)
        return (f"{n} delivery workbook{'s' if n != 1 else ''}: {self.count('scored')} monitored, {self.count('rejected')} rejected, "
                f"{self.count('superseded')} superseded, {self.failed} report{'s' if self.failed != 1 else ''} failed")


def run_delivery_batch(folder: Path, out: Path, *, framework: Framework, settings: DeliverySettings, jobs: int = 1,
                       delivery_template: Path | None = None, portfolio_template: Path | None = None,
                       progress: bool = False, date: dt.date | None = None, verification: VerificationFile | None = None) -> DeliveryBatchResult:
    """Monitor every delivery workbook in ``folder`` and replace ``out`` with the complete outputs; with a
    ``verification`` workbook (read and not refused), validated figures beside the claimed ones.

    Raises ReportTemplateError (a template fails with sample data) before ``out`` is touched, OutputError (``out``
    cannot be replaced) or VerificationRefused (a claim of ``verification`` is for none of these contracts) with
    ``out`` untouched; Interrupted on SIGINT or SIGTERM."""
    inputs = deliveries_in(folder)
    reporter = DeliveryReporter(framework, settings, delivery_template, portfolio_template)  # checks the templates first
    day = (date or dt.date.today()).isoformat()
    with replacing(out) as stage:
        result = _run(inputs, stage, _Job(framework, settings, reporter, stage, day), jobs, progress,
                      (delivery_template, portfolio_template), verification)
    result.out = out
    return result


def _run(inputs: InputFolder, stage: Path, job: _Job, jobs: int, progress: bool, templates: tuple[Path | None, Path | None],
         verification: VerificationFile | None) -> DeliveryBatchResult:
    """Write every output of the batch into ``stage``."""
    framework = job.framework
    with ExitStack() as stack:
        job.spool = Spool(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="svexcel-"))))
        stack.callback(job.spool.close)
        (stage / "reports").mkdir()
        rebuild = (framework, job.settings, *templates, job.spool.folder, stage, job.date)
        run = stack.enter_context(Pool(job, jobs, progress=progress, rebuild=_job, rebuild_args=rebuild))
        lights = list(run.map(_read, inputs.inputs, len(inputs.inputs), "Reading delivery workbooks"))
        places = _settle(job.spool, lights)
        names = report_names(lights)
        claims = _claims_by_contract(verification, lights)
        tasks = [(places[i], names.get(i), None if claims is None else claims.get(lights[i].contract, [])) for i in range(len(lights))]
        finished = run.map(_finish, tasks, len(lights), "Writing reports")
        briefs, reports, errors = [], {}, {}
        with json_writer(stage / "delivery.json", framework) as records, \
                summary_writer(stage / "delivery-summary.xlsx", framework, job.settings, job.date) as summary, \
                notices_writer(stage / "performance-notices.csv") as add_notice:
            for done in finished:
                records.add(done.record)
                summary.append(*done.summary)
                if done.notice is not None:
                    add_notice(done.notice)
                briefs.append(done.brief)
                reports[done.brief.file] = done.report
                if done.error:
                    errors[done.brief.file] = done.error
        portfolio_error = _write(stage / "portfolio.docx", lambda: job.reporter.portfolio(briefs, job.date))
    return DeliveryBatchResult(briefs, reports, errors, stage, inputs.notes(), portfolio_error, job.reporter.accessibility)


@dataclass
class _Job:
    """What every task of one delivery batch needs, in each process: the framework and settings, the prepared
    reporter, the staging folder, the date and the spool the read workbooks are parked in."""

    framework: Framework
    settings: DeliverySettings
    reporter: DeliveryReporter
    stage: Path
    date: str
    spool: Spool = field(init=False)


def _job(framework: Framework, settings: DeliverySettings, delivery_template: Path | None, portfolio_template: Path | None,
         spool: Path, stage: Path, date: str) -> _Job:
    """A batch's job built afresh (in a spawned worker: a forked one has its parent's)."""
    job = _Job(framework, settings, DeliveryReporter(framework, settings, delivery_template, portfolio_template), stage, date)
    job.spool = Spool(spool)
    return job


class _Light(NamedTuple):
    """What the main process keeps of a workbook once read: enough to settle resent files and name reports."""

    file: str
    reference: str
    supplier: str
    contract: ContractKey
    period: int
    rejected: bool
    place: tuple[str, int]


class _Finished(NamedTuple):
    """What a worker sends back for one workbook: its output rows and its report's fate."""

    record: str
    summary: tuple[list[object], list[list[object]], list[list[object]]]
    notice: list[object] | None
    brief: Brief
    report: str | None
    error: str | None


def _read(job: _Job, item: Input) -> _Light:
    """Read one input and park it; send back its light facts."""
    read = read_input(item, job.framework)
    return _Light(read.file, read.contract_reference, read.supplier, read.contract, read.period, read.rejected, job.spool.park(read))


def _settle(spool: Spool, lights: list[_Light]) -> list[tuple[str, int]]:
    """Where each workbook is parked once resent files are settled (latest period used, restatements flagged) and
    contracts sharing a reference warned: files sharing a reference are settled together."""
    places = [light.place for light in lights]
    groups: dict[str, list[int]] = {}
    for i, light in enumerate(lights):
        if not light.rejected and light.reference:
            groups.setdefault(light.reference.casefold(), []).append(i)
    for members in (g for g in groups.values() if len(g) > 1):
        reads: list[DeliveryReturn] = [spool.fetch(places[i]) for i in members]
        settle(reads)
        for i, read in zip(members, reads, strict=True):
            places[i] = spool.park(read)
    return places


def report_names(lights: list[_Light]) -> dict[int, str]:
    """``reports/<contract reference>.docx`` for each workbook that may be monitored, unique ignoring case; contracts that
    share a reference (made from different winning returns) are ``<reference>-<supplier>``."""
    contracts: dict[str, set[ContractKey]] = {}
    for light in lights:
        if not light.rejected:
            contracts.setdefault(light.contract[0], set()).add(light.contract)
    used: set[str] = set()
    names: dict[int, str] = {}
    for i, light in sorted(enumerate(lights), key=lambda pair: (pair[1].contract, -pair[1].period, pair[1].file)):
        if light.rejected:
            continue
        text = light.reference if len(contracts[light.contract[0]]) == 1 else f"{light.reference}-{light.supplier}"
        base = safe_stem(text) or safe_stem(Path(light.file).stem) or "contract"
        names[i] = f"reports/{free_stem(base, used)}.docx"
    return names


def _claims_by_contract(verification: VerificationFile | None, lights: list[_Light]) -> dict[ContractKey, list[Recorded]] | None:
    """The verification workbook's claims by contract (None: no workbook given); refused when a claim is for no contract
    in the folder."""
    if verification is None:
        return None
    contracts = {light.contract for light in lights if light.reference}
    others = [r for r in verification.claims if r.claim.contract not in contracts]
    if others:
        raise VerificationRefused([finding(
            "verification-other-files",
            f"Claim {r.claim.file} {r.claim.measure} P{r.claim.period} in {r.ref} is for contract {r.claim.reference} "
            f"({r.claim.supplier}), and no delivery workbook of that contract is in the folder: this verification workbook was "
            "drawn from other files. Give the folder it was drawn from, or draw a fresh sample with svexcel delivery verify.",
            verification.file, SHEET, r.ref) for r in others[:SHOWN_OTHERS]])
    by: dict[ContractKey, list[Recorded]] = {}
    for r in verification.claims:
        by.setdefault(r.claim.contract, []).append(r)
    return by


def _finish(job: _Job, task: tuple[tuple[str, int], str | None, list[Recorded] | None]) -> _Finished:
    """Take one workbook from the spool, compute its figures, write its report atomically (never raises) and make its rows."""
    place, name, recorded = task
    framework = job.framework
    read: DeliveryReturn = job.spool.fetch(place)
    result = monitor_contract(framework, job.settings, read, recorded)
    if result.figures is not None:
        if name is not None:
            result.report_error = _write(job.stage / name, lambda: job.reporter.delivery(result, job.date))
            result.report = None if result.report_error else name
    return _Finished(json_record(framework, result), summary_rows(framework, result), notice_row(framework, result),
                     Brief.of(result), result.report, result.report_error)


def _write(target: Path, render: Callable[[], bytes]) -> str | None:
    """Render and write one report atomically; the error text if it fails (one bad report never stops the others)."""
    try:
        write_bytes_atomic(target, render())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
