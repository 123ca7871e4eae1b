"""Run a batch: read, validate and score every return in a folder as one competition, then write
the Word reports, ``comparison.docx``, ``summary.xlsx`` and ``results.json`` (SPEC §4).

Memory stays flat however many returns there are: each return is spooled to a temporary file once
read, and streamed back through its report into the summary and results.json; only light figures
for the ranking stay in memory. Work runs in this process or in a pool of worker processes, in
input order either way, so output is identical for any number of jobs.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import pickle
import tempfile
from collections import Counter, deque
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence, TypeVar

from tqdm import tqdm

from .atomic import write_bytes_atomic
from .award import OtherCriteria, standings, winner
from .findings import Finding
from .framework import Framework
from .plausibility import Outlier, outlier_warning, outliers, quantity_row, return_warnings
from .quality import Marks
from .reports import Reporter
from .reports.assessment import AwardView
from .reports.formatting import join_words
from .results import Competition, ReturnResult, json_record, results_writer, summary_values
from .return_reader import read_return
from .scoring import Assessment, Score, assess, compete, theme_points

RETURN_SUFFIXES = (".xlsx", ".xlsm")
ASSESSMENT_FOLDER = "assessment-summaries"
CHUNK = 8  # returns per task sent to a worker
WINDOW = 4  # chunks in flight per worker
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BatchResult:
    """Every input's result (light: figures and errors; results.json has everything) and where outputs went."""

    results: list[ReturnResult]
    out: Path
    notes: list[str] = field(default_factory=list)
    comparison_error: str | None = None
    assessment_summaries: bool = False

    @property
    def scored(self) -> int:
        """Returns that took part in the competition."""
        return sum(r.status == "scored" for r in self.results)

    @property
    def rejected(self) -> int:
        """Returns with errors that block scoring."""
        return sum(r.status == "rejected" for r in self.results)

    @property
    def failed(self) -> int:
        """Reports that could not be written (evaluation reports and the comparison)."""
        return sum(r.report_error is not None for r in self.results) + (self.comparison_error is not None)

    @property
    def summaries_missing(self) -> list[str]:
        """Scored returns whose assessment summary was asked for but not written (a finding says why)."""
        return [r.file for r in self.results if self.assessment_summaries and r.score is not None and r.assessment is None]

    @property
    def exit_code(self) -> int:
        """0 when every return was scored and reported, else 1 (a summary not written is a warning finding)."""
        return 0 if self.rejected == 0 and self.failed == 0 else 1

    def tally(self) -> str:
        """One line: how many were scored, rejected and failed."""
        n = len(self.results)
        return f"{n} return{'s' if n != 1 else ''}: {self.scored} scored, {self.rejected} rejected, {self.failed} report{'s' if self.failed != 1 else ''} failed"


def find_returns(folder: Path) -> list[Path]:
    """Every return workbook in ``folder`` in name order, ignoring Excel lock files (``~$…``) and hidden files."""
    return [p for p in _visible_files(folder) if p.suffix.lower() in RETURN_SUFFIXES]


def _visible_files(folder: Path) -> list[Path]:
    """Files in ``folder`` in name order, without Excel lock files (``~$…``) and hidden files."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))


def _skipped_note(folder: Path) -> list[str]:
    """A note naming the files that are not returns, so none goes unnoticed (an .xls sent by mistake, say)."""
    others = [p.name for p in _visible_files(folder) if p.suffix.lower() not in RETURN_SUFFIXES]
    if not others:
        return []
    return [f"skipped {len(others)} file(s) that are not .xlsx/.xlsm returns: {', '.join(others)} "
            "(save .xls or .ods returns as .xlsx to include them)"]


def report_names(files: Sequence[str]) -> dict[str, str]:
    """``reports/<stem>.docx`` per input file; inputs sharing a stem keep their extension in the name."""
    stems = [Path(f).stem for f in files]
    return {
        f: f"reports/{stem if stems.count(stem) == 1 else stem + '-' + Path(f).suffix.lstrip('.')}.docx"
        for f, stem in zip(files, stems, strict=False)
    }


def run_batch(
    returns_dir: Path,
    out: Path,
    *,
    framework: Framework,
    quality: Marks | None = None,
    quality_name: str | None = None,
    jobs: int = 1,
    evaluation_template: Path | None = None,
    comparison_template: Path | None = None,
    progress: bool = False,
    date: dt.date | None = None,
    assessment_summaries: bool = False,
    rationales: Mapping[str, Mapping[str, str]] | None = None,
    other_criteria: OtherCriteria | None = None,
    assessment_template: Path | None = None,
) -> BatchResult:
    """Score every return in ``returns_dir`` and write all outputs under ``out``; with ``assessment_summaries``
    also ``assessment-summaries/<stem>.docx`` per scored return, from the panel's consensus ``rationales``
    (by file and theme) and the tender's ``other_criteria``."""
    files = find_returns(returns_dir)
    templates = (evaluation_template, comparison_template, assessment_template, assessment_summaries)
    reporter = Reporter(framework, *templates)  # checks the templates first
    out.mkdir(parents=True, exist_ok=True)
    _worker.clear()
    _worker.update(framework=framework, reporter=reporter)  # forked workers inherit it
    with ExitStack() as stack:
        executor = None
        if jobs > 1:
            gc.freeze()  # forked workers then neither scan nor copy-on-write the parent's objects
            stack.callback(gc.unfreeze)
            executor = stack.enter_context(ProcessPoolExecutor(
                jobs, initializer=_init_worker, initargs=(framework, templates)))
        run = _Runner(executor, jobs, progress)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="svexcel-")))
        stack.callback(_spool(folder).close)
        read = [outcome for _, outcome in run.pairs(_read, ((f, folder) for f in files), len(files), "Reading returns")]
        briefs = [brief for brief, *_ in read]
        _compete(framework, briefs, [standing for _, standing, *_ in read], quality or {})
        found = iter(outliers(framework, [row for _, standing, _, row in read if standing is not None]))
        outlying = [next(found) if standing is not None else [] for _, standing, _, _ in read]
        competition = Competition.of(framework, briefs, (date or dt.date.today()).isoformat(), quality_name)
        names = report_names([b.file for b in briefs])
        views = _award_views(framework, briefs, rationales or {}, other_criteria) if assessment_summaries else {}
        tasks = ((place, brief.score, competition, out, names[brief.file], quality_name, odd, views.get(brief.file))
                 for (brief, _, place, _), odd in zip(read, outlying, strict=True))
        finishing = run.pairs(_finish, tasks, len(briefs), "Writing reports")  # workers start on the first chunks
        comparison = run.submit(_write_comparison, briefs, competition, out / "comparison.docx")
        from .summary import summary_writer  # loaded only now, while the workers are busy: they never need it

        summary = stack.enter_context(summary_writer(out / "summary.xlsx", framework, competition))
        results = stack.enter_context(results_writer(out / "results.json", framework))
        for brief, (_, finished) in zip(briefs, finishing, strict=False):
            brief.report, brief.report_error = finished.report, finished.error
            brief.assessment, brief.assessment_error = finished.assessment, finished.assessment_error
            summary.append(finished.summary_row, finished.finding_rows)
            results.add_line(finished.record)
        notes = _skipped_note(returns_dir) + _quality_notes(quality or {}, briefs, quality_name)
        return BatchResult(briefs, out, notes, comparison(), assessment_summaries)


# Per-process state: the framework and prepared templates, built once per worker.
_worker: dict[str, Any] = {}


def _init_worker(framework: Framework, templates: tuple[Path | None, Path | None, Path | None, bool]) -> None:
    """Prepare a worker: a forked one already has the parent's state; a spawned one builds its own."""
    if not _worker:
        _worker.update(framework=framework, reporter=Reporter(framework, *templates))


def _read(task: tuple[Path, Path]) -> tuple[ReturnResult, Assessment | None, tuple[str, int], tuple[float | None, ...]]:
    """Read, validate and assess one return (adding its own plausibility warnings) and park it in the spool;
    send back only its light copy, its light assessment (theme totals), where it is parked and its quantities."""
    path, folder = task
    framework: Framework = _worker["framework"]
    ret = read_return(path, framework)
    assessment = None if ret.rejected else assess(framework, ret.quantities, ret.contract_value)
    if assessment is not None:
        ret.findings.extend(return_warnings(framework, ret, assessment))
    place = _spool(folder).park((ret, assessment))
    light = None if assessment is None else replace(assessment, measures={})
    return ReturnResult(ret).brief(), light, place, quantity_row(framework, ret.quantities)


class _Finished(NamedTuple):
    """What a worker sends back for one return: its report's fate and its ready-made output rows."""

    report: str | None
    error: str | None
    record: str
    summary_row: list[object]
    finding_rows: list[list[object]]
    assessment: str | None
    assessment_error: str | None


def _finish(task: tuple[tuple[str, int], Score | None, Competition, Path, str, str | None, list[Outlier], AwardView | None]) -> _Finished:
    """Take one return from the spool, write its report (and assessment summary) atomically (never raises) and
    make its output rows."""
    place, score, competition, out, name, quality_name, odd, view = task
    framework: Framework = _worker["framework"]
    result = _restore(place, score, framework, quality_name)
    result.ret.findings.extend(outlier_warning(framework, result.ret, o) for o in odd)
    target = out / name
    try:
        if result.score is None:  # an old report must not survive beside a now-rejected return
            target.unlink(missing_ok=True)
        else:
            write_bytes_atomic(target, _worker["reporter"].evaluation(result, competition))
            result.report = name
    except Exception as exc:  # one bad report must never stop the others
        with suppress(OSError):
            target.unlink(missing_ok=True)
        result.report_error = f"{type(exc).__name__}: {exc}"
    if view is not None:
        _write_assessment(result, view, out / summary_name(name), competition.date)
    return _Finished(result.report, result.report_error, json_record(framework, result),
                     *summary_values(result, [t.id for t in framework.themes]), result.assessment, result.assessment_error)


def summary_name(report_name: str) -> str:
    """``assessment-summaries/<stem>.docx`` beside ``reports/<stem>.docx``."""
    return ASSESSMENT_FOLDER + "/" + report_name.split("/", 1)[1]


def _write_assessment(result: ReturnResult, view: AwardView, target: Path, date: str) -> None:
    """Write a scored return's assessment summary, or leave none and say which reg. 31 elements it lacks."""
    try:
        data, missing = _worker["reporter"].assessment_summary(result, view, date)
    except Exception as exc:  # like a report, one summary that fails must never stop the others
        data, missing = None, [f"a summary that could be rendered ({type(exc).__name__}: {exc})"]
    if data is None:
        with suppress(OSError):
            target.unlink(missing_ok=True)
        result.assessment_error = (f"The assessment summary was not written because it lacks {join_words(missing)}. "
                                   f"Supply {'it' if len(missing) == 1 else 'them'} and run the batch again.")
        result.ret.findings.append(Finding("assessment-summary-incomplete", "warning", result.assessment_error, result.file))
        return
    write_bytes_atomic(target, data)
    result.assessment = f"{ASSESSMENT_FOLDER}/{target.name}"


def _award_views(framework: Framework, briefs: Sequence[ReturnResult], rationales: Mapping[str, Mapping[str, str]],
                 criteria: OtherCriteria | None) -> dict[str, AwardView]:
    """What each scored return's assessment summary needs: its standing and the winning tender's."""
    scored = {b.file: b for b in briefs if b.score is not None}
    standing = standings({f: b.score.points for f, b in scored.items()}, criteria)  # type: ignore[union-attr]
    best = winner(standing)
    if best is None:
        return {}
    top = scored[best]
    shared = Counter(s.rank for s in standing.values())
    top_points = theme_points(framework, top.score)  # type: ignore[arg-type]
    return {
        f: AwardView(standing[f], dict(rationales.get(f, {})), best, top.ret.organisation, standing[best], top_points,
                     dict(rationales.get(best, {})), dict(criteria.available) if criteria else {}, len(scored),
                     shared[standing[f].rank] > 1)
        for f in scored
    }


def _write_comparison(results: Sequence[ReturnResult], competition: Competition, target: Path) -> str | None:
    """Write comparison.docx atomically; the error text if it fails."""
    try:
        write_bytes_atomic(target, _worker["reporter"].comparison(results, competition))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _compete(framework: Framework, briefs: list[ReturnResult], standings: list[Assessment | None], quality: Marks) -> None:
    """Score the valid returns against each other, in place."""
    valid = [(b, a) for b, a in zip(briefs, standings, strict=False) if a is not None]
    scores = compete(framework, [a for _, a in valid], [quality.get(b.file, {}) for b, _ in valid])
    for (brief, _), score in zip(valid, scores, strict=False):
        brief.score = score


def _restore(place: tuple[str, int], score: Score | None, framework: Framework, quality_name: str | None) -> ReturnResult:
    """A return back from the spool with its full score, and a warning for themes whose quality is unscored."""
    ret, assessment = _spool(Path(place[0]).parent).fetch(place)
    if score is None:
        return ReturnResult(ret)
    unscored = [t.id for t in framework.themes if score.themes[t.id].quality is None]
    if unscored:
        fix = (f"Add officers' scores for {ret.file} to the Quality sheet of {quality_name}" if quality_name
               else "Give officers' scores in a quality workbook (--quality)")
        many = len(unscored) > 1
        ret.findings.append(Finding(  # it points at the quality workbook, where the fix is made
            "quality-unscored", "warning",
            f"Quality is not scored for theme{'s' if many else ''} {', '.join(unscored)}, so "
            f"{'their scores use' if many else 'its score uses'} the measures alone. {fix}.",
            quality_name or "", "Quality" if quality_name else "", "",
        ))
    return ReturnResult(ret, replace(score, assessment=assessment))


class _Spool:
    """Returns parked on disk between reading and reporting; each process appends to a file of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writer: IO[bytes] | None = None
        self.readers: dict[str, IO[bytes]] = {}

    def park(self, item: object) -> tuple[str, int]:
        """Append ``item``; where to fetch it from."""
        if self.writer is None:
            self.writer = (self.folder / f"returns-{os.getpid()}.pickle").open("ab")
        offset = self.writer.tell()
        pickle.dump(item, self.writer, pickle.HIGHEST_PROTOCOL)
        self.writer.flush()
        return self.writer.name, offset

    def fetch(self, place: tuple[str, int]) -> Any:
        """The item parked at ``place`` (by any process)."""
        name, offset = place
        handle = self.readers.get(name) or self.readers.setdefault(name, open(name, "rb"))
        handle.seek(offset)
        return pickle.load(handle)

    def close(self) -> None:
        """Close this process's files."""
        for handle in [self.writer, *self.readers.values()]:
            if handle is not None:
                handle.close()
        self.writer, self.readers = None, {}


def _spool(folder: Path) -> _Spool:
    """This process's spool for ``folder``."""
    spool = _worker.get("spool")
    if spool is None or spool.folder != folder:
        spool = _worker["spool"] = _Spool(folder)
    return spool


def _quality_notes(quality: Marks, results: Sequence[ReturnResult], quality_name: str | None) -> list[str]:
    """Quality rows that match no input file (a likely typo in the File column)."""
    files = {r.file for r in results}
    return [f"{quality_name}: quality scores for '{f}' match no return in the folder" for f in sorted(quality) if f not in files]


def _apply(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    """Run ``fn`` over a chunk of items (in a worker)."""
    return [fn(item) for item in chunk]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Runner:
    """Maps work over returns in this process or the pool, in input order, with a progress bar on a terminal."""

    def __init__(self, executor: Executor | None, jobs: int, progress: bool) -> None:
        self.executor = executor
        self.jobs = jobs
        self.progress = progress

    def pairs(self, fn: Callable[[T], R], items: Iterable[T], total: int, label: str) -> Iterator[tuple[T, R]]:
        """(item, fn(item)) in input order; with a pool, the first chunks start at once and items are drawn
        lazily, a few chunks ahead of the results."""
        pairs = ((item, fn(item)) for item in items) if self.executor is None else self._pooled(fn, items)
        return self._progress(pairs, total, label)

    def _progress(self, pairs: Iterator[tuple[T, R]], total: int, label: str) -> Iterator[tuple[T, R]]:
        with tqdm(total=total, desc=label, unit="return", disable=not self.progress, leave=False) as bar:
            for pair in pairs:
                bar.update()
                yield pair

    def _pooled(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        assert self.executor is not None
        chunks = _chunks(items, CHUNK)
        pending = deque((chunk, self.executor.submit(_apply, fn, chunk)) for chunk in islice(chunks, self.jobs * WINDOW))
        return self._drain(fn, chunks, pending)

    def _drain(self, fn: Callable[[T], R], chunks: Iterator[list[T]], pending: deque[tuple[list[T], Any]]) -> Iterator[tuple[T, R]]:
        assert self.executor is not None
        for chunk in chunks:
            done, future = pending.popleft()
            pending.append((chunk, self.executor.submit(_apply, fn, chunk)))
            yield from zip(done, future.result(), strict=False)
        for done, future in pending:
            yield from zip(done, future.result(), strict=False)

    def submit(self, fn: Callable[..., R], *args: Any) -> Callable[[], R]:
        """Start ``fn(*args)`` (in the pool, if any); call the result to wait for its value."""
        if self.executor is None:
            value = fn(*args)
            return lambda: value
        return self.executor.submit(fn, *args).result
