"""Run a batch: read, validate and score every return in a folder as one competition, then write
the Word reports, ``comparison.docx``, ``summary.xlsx`` and ``results.json`` (SPEC §4)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from tqdm import tqdm

from .atomic import write_bytes_atomic
from .findings import Finding
from .framework import Framework
from .quality import Marks
from .reports import Reporter
from .results import Competition, ReturnResult, results_json
from .return_reader import Return, read_return
from .scoring import Assessment, assess, compete
from .summary import write_summary

RETURN_SUFFIXES = (".xlsx", ".xlsm")
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BatchResult:
    """Every input's result and where the outputs were written."""

    results: list[ReturnResult]
    out: Path
    notes: list[str] = field(default_factory=list)

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
        """Scored returns whose Word report could not be written."""
        return sum(r.report_error is not None for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every return was scored and reported, else 1."""
        return 0 if self.rejected == 0 and self.failed == 0 else 1

    def tally(self) -> str:
        """One line: how many were scored, rejected and failed."""
        n = len(self.results)
        return f"{n} return{'s' if n != 1 else ''}: {self.scored} scored, {self.rejected} rejected, {self.failed} report{'s' if self.failed != 1 else ''} failed"


def find_returns(folder: Path) -> list[Path]:
    """Every return workbook in ``folder`` in name order, ignoring Excel lock files (``~$…``) and hidden files."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in RETURN_SUFFIXES and not p.name.startswith(("~$", "."))
    )


def report_names(files: Sequence[str]) -> dict[str, str]:
    """``reports/<stem>.docx`` per input file; inputs sharing a stem keep their extension in the name."""
    stems = [Path(f).stem for f in files]
    return {
        f: f"reports/{stem if stems.count(stem) == 1 else stem + '-' + Path(f).suffix.lstrip('.')}.docx"
        for f, stem in zip(files, stems)
    }


# Per-process state: each worker builds its framework and prepared templates once.
_worker: dict[str, Any] = {}


def _init_worker(framework: Framework, evaluation_template: Path | None, comparison_template: Path | None) -> None:
    _worker["framework"] = framework
    _worker["reporter"] = Reporter(framework, evaluation_template, comparison_template)


def _read(path: Path) -> tuple[Return, Assessment | None]:
    framework: Framework = _worker["framework"]
    ret = read_return(path, framework)
    return ret, None if ret.rejected else assess(framework, ret.quantities, ret.contract_value)


def _render(job: tuple[ReturnResult, Competition, Path]) -> str | None:
    """Write one evaluation report atomically; return the error text instead of raising."""
    result, competition, target = job
    try:
        write_bytes_atomic(target, _worker["reporter"].evaluation(result, competition))
    except Exception as exc:  # one bad report must never stop the others
        with suppress(OSError):  # no stale report may survive beside a failed one
            target.unlink(missing_ok=True)
        return f"{type(exc).__name__}: {exc}"
    return None


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
) -> BatchResult:
    """Score every return in ``returns_dir`` and write all outputs under ``out``."""
    files = find_returns(returns_dir)
    reporter = Reporter(framework, evaluation_template, comparison_template)
    out.mkdir(parents=True, exist_ok=True)
    executor = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(framework, evaluation_template, comparison_template)) if jobs > 1 else None
    if executor is None:
        _worker.update(framework=framework, reporter=reporter)
    try:
        run = _Runner(executor, jobs, progress)
        read = run.map(_read, files, "Reading returns")
        results = _score(framework, read, quality or {}, quality_name)
        competition = Competition.of(framework, results, (date or dt.date.today()).isoformat(), quality_name)
        names = report_names([r.file for r in results])
        for result in results:
            if result.score is None:  # an old report must not survive beside a now-rejected return
                (out / names[result.file]).unlink(missing_ok=True)
        scored = [r for r in results if r.score is not None]
        jobs_list = [(r, competition, out / names[r.file]) for r in scored]
        pending = run.map_async(_render, jobs_list, "Writing reports")
        write_bytes_atomic(out / "comparison.docx", reporter.comparison(results, competition))
        for result, error in zip(scored, pending()):
            result.report, result.report_error = (None, error) if error else (names[result.file], None)
    finally:
        if executor is not None:
            executor.shutdown()
    batch = BatchResult(results, out, _quality_notes(quality or {}, results, quality_name))
    write_summary(out / "summary.xlsx", framework, results, competition)
    write_bytes_atomic(out / "results.json", results_json(framework, results).encode("utf-8"))
    return batch


def _score(framework: Framework, read: Iterable[tuple[Return, Assessment | None]], quality: Marks, quality_name: str | None) -> list[ReturnResult]:
    """Compete the valid returns; flag themes whose quality is unscored."""
    read = list(read)
    results = [ReturnResult(ret) for ret, _ in read]
    valid = [(result, assessment) for result, (_, assessment) in zip(results, read) if assessment is not None]
    marks = [quality.get(result.file, {}) for result, _ in valid]
    scores = compete(framework, [a for _, a in valid], marks)
    for (result, _), score, given in zip(valid, scores, marks):
        result.score = score
        unscored = [t.id for t in framework.themes if given.get(t.id) is None]
        if unscored:
            source = f"the Quality sheet of {quality_name}" if quality_name else "a quality workbook (--quality)"
            result.ret.findings.append(Finding(
                "quality-unscored", "warning",
                f"Quality is not scored for theme{'s' if len(unscored) > 1 else ''} {', '.join(unscored)}, so "
                f"{'their scores use' if len(unscored) > 1 else 'its score uses'} the measures alone. Add officers' scores to {source}.",
                result.file, "Quality", "",
            ))
    return results


def _quality_notes(quality: Marks, results: Sequence[ReturnResult], quality_name: str | None) -> list[str]:
    """Quality rows that match no input file (a likely typo in the File column)."""
    files = {r.file for r in results}
    return [f"{quality_name}: quality scores for '{f}' match no return in the folder" for f in sorted(quality) if f not in files]


class _Runner:
    """Maps work over returns in this process or a process pool, in input order, with an optional progress bar."""

    def __init__(self, executor: Executor | None, jobs: int, progress: bool) -> None:
        self.executor = executor
        self.jobs = jobs
        self.progress = progress

    def _iterate(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        if self.executor is None:
            return map(fn, items)
        return self.executor.map(fn, items, chunksize=max(1, len(items) // (self.jobs * 8)))

    def map(self, fn: Callable[[T], R], items: Sequence[T], label: str) -> list[R]:
        """Run ``fn`` over ``items`` and wait for all results."""
        return self.map_async(fn, items, label)()

    def map_async(self, fn: Callable[[T], R], items: Sequence[T], label: str) -> Callable[[], list[R]]:
        """Start ``fn`` over ``items`` (in the pool, if any); call the result to wait for the outputs."""
        started = self._iterate(fn, items) if self.executor is not None else None

        def wait() -> list[R]:
            results = started if started is not None else self._iterate(fn, items)
            bar = tqdm(results, total=len(items), desc=label, unit="return", disable=not self.progress, leave=False)
            return list(bar)

        return wait
