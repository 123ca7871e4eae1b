"""Run a delivery batch (SPEC §6): read every delivery workbook in a folder, settle resent files, compute each
contract's figures and write ``reports/<contract reference>.docx``, ``portfolio.docx``, ``delivery-summary.xlsx``,
``performance-notices.csv`` and ``delivery.json``.

Memory stays flat however many contracts there are: each workbook is parked in a spool once read (the scoring
batch's spool) and streamed back through its report into the other outputs; only light figures for the portfolio
stay in memory. Work runs in this process or in worker processes, in input order, so output is identical for any
number of jobs. Outputs are written into a hidden folder that takes OUT's place only once complete.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, TypeVar

from tqdm import tqdm

from ..core.findings import Finding
from ..framework.model import Framework
from ..run.atomic import write_bytes_atomic
from ..run.names import free_stem, safe_stem
from ..run.spool import Spool
from ..tender.batch import find_returns
from .engine import DeliverySettings, monitor
from .outputs import json_record, json_writer, notice_row, notices_writer, summary_rows, summary_writer
from .reader import DeliveryReturn, read_delivery, settle
from .report import Brief, DeliveryResult
from .reporter import DeliveryReporter

OUTPUT_NAMES = ("reports", "portfolio.docx", "delivery-summary.xlsx", "performance-notices.csv", "delivery.json")
CHUNK = 8
T = TypeVar("T")
R = TypeVar("R")


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
                       progress: bool = False, date: dt.date | None = None) -> DeliveryBatchResult:
    """Monitor every delivery workbook in ``folder`` and put the complete outputs in ``out``."""
    files = find_returns(folder)
    reporter = DeliveryReporter(framework, settings, delivery_template, portfolio_template)  # checks the templates first
    check_replaceable(out)
    day = (date or dt.date.today()).isoformat()
    with output_folder(out) as stage, ExitStack() as stack:
        spool = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="svexcel-delivery-")))
        (stage / "reports").mkdir()
        _state.clear()
        _state.update(framework=framework, settings=settings, reporter=reporter, spool=spool, stage=stage, date=day)
        stack.callback(_close_spool)
        executor = None
        if jobs > 1:
            executor = stack.enter_context(ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(
                framework, settings, delivery_template, portfolio_template, spool, stage, day)))
        run = _Runner(executor, progress)
        lights = list(run.map(_read, files, "Reading delivery workbooks"))
        places = _settle(lights)
        names = report_names(lights)
        finished = run.map(_finish, [(places[i], names.get(i)) for i in range(len(lights))], "Writing reports")
        briefs, reports, errors = [], {}, {}
        with json_writer(stage / "delivery.json", framework) as add_record, \
                summary_writer(stage / "delivery-summary.xlsx", framework, settings, day) as summary, \
                notices_writer(stage / "performance-notices.csv") as add_notice:
            for done in finished:
                add_record(done.record)
                summary.append(*done.summary)
                if done.notice is not None:
                    add_notice(done.notice)
                briefs.append(done.brief)
                reports[done.brief.file] = done.report
                if done.error:
                    errors[done.brief.file] = done.error
        portfolio_error = _write(stage / "portfolio.docx", lambda: reporter.portfolio(briefs, day))
    return DeliveryBatchResult(briefs, reports, errors, out, _notes(folder, files), portfolio_error, reporter.accessibility)


class OutputFolderError(Exception):
    """The output folder cannot be replaced: it holds files that are not delivery outputs, or is a file."""


def check_replaceable(out: Path) -> None:
    """Refuse an OUT that is a file or holds anything but delivery outputs (it is replaced as a whole)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputFolderError(f"{out} is a file, not a folder; choose another --out folder.")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_NAMES and not p.name.startswith(("~$", ".")))
    if foreign:
        raise OutputFolderError(f"{out} holds files that are not delivery outputs ({', '.join(foreign[:5])}); it is replaced as a whole "
                                "on every run, so choose a new or empty --out folder, or move them out.")


@contextmanager
def output_folder(out: Path) -> Iterator[Path]:
    """A new hidden folder to write the complete outputs in; it replaces ``out`` only if the block succeeds.

    The one place output-folder handling happens (to switch to the scoring batch's svexcel.outputs when shared)."""
    check_replaceable(out)
    stage = out.parent / f".{out.name}.svexcel-{secrets.token_hex(4)}.new"
    stage.mkdir(parents=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if out.exists():
        old = out.parent / f".{out.name}.svexcel-{secrets.token_hex(4)}.old"
        os.rename(out, old)
        os.rename(stage, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(stage, out)


class _Light(NamedTuple):
    """What the main process keeps of a workbook once read: enough to settle resent files and name reports."""

    file: str
    reference: str
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


# Per-process state: the framework, settings, prepared templates, spool and stage, built once per worker.
_state: dict[str, Any] = {}


def _init_worker(framework: Framework, settings: DeliverySettings, delivery_template: Path | None, portfolio_template: Path | None,
                 spool: Path, stage: Path, date: str) -> None:
    """Prepare a worker: a forked one already has the parent's state; a spawned one builds its own."""
    if not _state:
        _state.update(framework=framework, settings=settings, spool=spool, stage=stage, date=date,
                      reporter=DeliveryReporter(framework, settings, delivery_template, portfolio_template))


def _spool() -> Spool:
    """This process's spool (a worker forked after the parent parked something makes its own)."""
    pid, spool = _state.get("parked", (None, None))
    if pid != os.getpid():
        spool = Spool(_state["spool"])
        _state["parked"] = (os.getpid(), spool)
    return spool


def _close_spool() -> None:
    """Close this process's spool files."""
    if "parked" in _state:
        _state.pop("parked")[1].close()


def _read(path: Path) -> _Light:
    """Read one workbook and park it; send back its light facts."""
    read = read_delivery(path, _state["framework"])
    return _Light(read.file, read.contract_reference, read.period, read.rejected, _spool().park(read))


def _settle(lights: list[_Light]) -> list[tuple[str, int]]:
    """Where each workbook is parked once resent files are settled (latest period used, restatements flagged)."""
    places = [light.place for light in lights]
    groups: dict[str, list[int]] = {}
    for i, light in enumerate(lights):
        if not light.rejected and light.reference:
            groups.setdefault(light.reference.casefold(), []).append(i)
    for members in (g for g in groups.values() if len(g) > 1):
        reads: list[DeliveryReturn] = [_spool().fetch(places[i]) for i in members]
        settle(reads)
        for i, read in zip(members, reads, strict=True):
            places[i] = _spool().park(read)
    return places


def report_names(lights: list[_Light]) -> dict[int, str]:
    """``reports/<contract reference>.docx`` for each workbook that may be monitored, unique ignoring case."""
    used: set[str] = set()
    names: dict[int, str] = {}
    for i, light in sorted(enumerate(lights), key=lambda pair: (pair[1].reference.casefold(), -pair[1].period, pair[1].file)):
        if light.rejected:
            continue
        base = safe_stem(light.reference) or safe_stem(Path(light.file).stem) or "contract"
        names[i] = f"reports/{free_stem(base, used)}.docx"
    return names


def _finish(task: tuple[tuple[str, int], str | None]) -> _Finished:
    """Take one workbook from the spool, compute its figures, write its report atomically (never raises) and make its rows."""
    place, name = task
    framework: Framework = _state["framework"]
    read: DeliveryReturn = _spool().fetch(place)
    result = DeliveryResult(read)
    if read.status == "scored":
        result.figures = monitor(framework, _state["settings"], read.commitments, read.actuals, read.period, read.periods)
        if name is not None:
            result.report_error = _write(_state["stage"] / name, lambda: _state["reporter"].delivery(result, _state["date"]))
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


def _notes(folder: Path, files: list[Path]) -> list[str]:
    """A note naming files in the folder that are not workbooks, so none goes unnoticed."""
    taken = set(files)
    others = sorted(p.name for p in folder.iterdir() if p.is_file() and p not in taken and not p.name.startswith(("~$", ".")))
    return [f"skipped {len(others)} file(s) that are not .xlsx/.xlsm workbooks: {', '.join(others)}"] if others else []


class _Runner:
    """Maps work over workbooks in this process or the pool, in input order, with a progress bar on a terminal."""

    def __init__(self, executor: Executor | None, progress: bool) -> None:
        self.executor = executor
        self.progress = progress

    def map(self, fn: Callable[[T], R], items: list[T], label: str) -> Iterator[R]:
        """fn over items, in order."""
        results: Iterable[R] = map(fn, items) if self.executor is None else self.executor.map(fn, items, chunksize=CHUNK)
        with tqdm(total=len(items), desc=label, unit="file", disable=not self.progress, leave=False) as bar:
            for result in results:
                bar.update()
                yield result
