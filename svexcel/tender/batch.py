"""Run a batch: read, validate and score every file in a folder as one competition, then write
the Word reports, ``comparison.docx``, ``summary.xlsx``, ``results.json`` and ``svexcel.log`` (SPEC §4).

Memory stays flat however many returns there are: each return is spooled to a temporary file once
read, and streamed back through its report into the summary and results.json; only light figures
for the ranking stay in memory. Work runs in this process or in worker processes (svexcel/run/pool.py), in
input order either way, so output is identical for any number of jobs. Outputs are written into a
new hidden folder that replaces OUT only once complete (svexcel/run/outputs.py); an unexpected exception
for one file becomes an ``internal-error`` finding for it, with its traceback in svexcel.log.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import traceback
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Sequence

from ..core.findings import Finding
from ..core.formatting import join_words
from ..core.version import __version__
from ..framework.model import Framework
from ..run.inputs import Input, InputFolder
from ..run.names import report_names
from ..run.outputs import OutputError, replacing
from ..run.pool import Pool
from ..run.record import RecordPlan
from ..run.spool import Spool
from .award import OtherCriteria, standings, winner
from .pins import NarrativeChanged, Pins, narrative_changes, return_pins
from .plausibility import Outlier, outlier_warning, outliers, quantity_row, return_warnings
from .quality import Marks
from .reports.assessment import AwardView
from .reports.reporter import Reporter
from .results import Competition, ReturnResult, json_record, results_writer, summary_values
from .return_reader import Return
from .returns_folder import BUG_REPORT, read_file, returns_in
from .scoring import Assessment, Score, assess, compete, theme_points

ASSESSMENT_FOLDER = "assessment-summaries"
LOG = "svexcel.log"
OUTPUTS = ("results.json", "summary.xlsx", "comparison.docx", "reports", ASSESSMENT_FOLDER, LOG)  # what a batch writes in OUT

__all__ = ["BatchResult", "run_batch"]


@dataclass
class BatchResult:
    """Every input's result (light: figures and errors; results.json has everything) and where outputs went."""

    results: list[ReturnResult]
    out: Path
    notes: list[str] = field(default_factory=list)
    comparison_error: str | None = None
    assessment_summaries: bool = False
    template_findings: list[Finding] = field(default_factory=list)  # officers' own templates that fail SPEC §10

    @property
    def scored(self) -> int:
        """Returns that took part in the competition."""
        return sum(r.status == "scored" for r in self.results)

    @property
    def rejected(self) -> int:
        """Files with errors that block scoring (not a return, unreadable, or errors in the return)."""
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
        """0 when every file was scored and reported, else 1 (a summary not written is a warning finding)."""
        return 0 if self.rejected == 0 and self.failed == 0 else 1

    def tally(self) -> str:
        """One line: how many were scored, rejected and failed."""
        n = len(self.results)
        return f"{n} return{'s' if n != 1 else ''}: {self.scored} scored, {self.rejected} rejected, {self.failed} report{'s' if self.failed != 1 else ''} failed"


@dataclass
class _Job:
    """What every task of one batch needs, in each process: the framework, the prepared reporter, the staging
    folder the outputs go in, and the spool the read returns are parked in."""

    framework: Framework
    reporter: Reporter
    stage: Path
    spool: Spool


def _job(framework: Framework, stage: Path, spool: Path, templates: tuple[Path | None, Path | None, Path | None, bool]) -> _Job:
    """A batch's job built afresh (in a spawned worker: a forked one has its parent's)."""
    return _Job(framework, Reporter(framework, *templates), stage, Spool(spool))


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
    keep: Sequence[str] = (),
    pins: Mapping[tuple[str, str], str] | None = None,
    evaluator_files: Sequence[str] = (),
    record: RecordPlan | None = None,
) -> BatchResult:
    """Score every file in ``returns_dir`` and replace ``out`` with the complete outputs; with
    ``assessment_summaries`` also ``assessment-summaries/<stem>.docx`` per scored return, from the panel's
    consensus ``rationales`` (by file and theme) and the tender's ``other_criteria``. Entries of ``out`` named in
    ``keep`` are carried into the new set (the demo keeps its panel workbooks this way). ``pins`` are the SHA-256 of the
    responses the marks were given for (svexcel.tender.pins): a valid return whose response differs raises NarrativeChanged.
    results.json names the quality file and the ``evaluator_files`` its marks came from, and the SHA-256 of the ``record``'s
    manifest (svexcel.run.record), which the assessment summaries carry in their footer too.

    Raises ReportTemplateError (a template fails with sample data), OutputError (an output cannot be written, or ``out``
    cannot be replaced), NarrativeChanged or RecordError (an input of the ``record`` changed since it was hashed) before
    ``out`` is touched; Interrupted on SIGINT or SIGTERM."""
    inputs = returns_in(returns_dir)
    templates = (evaluation_template, comparison_template, assessment_template, assessment_summaries)
    reporter = Reporter(framework, *templates)  # renders every template with sample data first
    award = (rationales or {}, other_criteria, record.sha256 if record else "") if assessment_summaries else None
    head: dict[str, Any] = {}
    if quality_name:
        head["quality"] = {"file": quality_name, "evaluator_files": list(evaluator_files)}
    if record is not None:
        head["manifest_sha256"] = record.sha256
    with replacing(out, keep) as stage:
        result = _run(inputs, stage, framework, reporter, (quality or {}, pins or {}), quality_name, jobs,
                      templates, progress, (date or dt.date.today()).isoformat(), award, head)
        if record is not None:
            record.check_unchanged()
    result.out = out
    return result


def _run(inputs: InputFolder, stage: Path, framework: Framework, reporter: Reporter, marks: tuple[Marks, Mapping[tuple[str, str], str]],
         quality_name: str | None, jobs: int, templates: tuple[Path | None, Path | None, Path | None, bool], progress: bool,
         date: str, award: tuple[Mapping[str, Mapping[str, str]], OtherCriteria | None, str] | None,
         head: Mapping[str, Any]) -> BatchResult:
    """Write every output of the batch into ``stage``."""
    quality, pins = marks
    with ExitStack() as stack:
        spool = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="svexcel-")))
        job = _Job(framework, reporter, stage, Spool(spool))
        stack.callback(job.spool.close)
        run = stack.enter_context(Pool(job, jobs, progress=progress, rebuild=_job, rebuild_args=(framework, stage, spool, templates)))
        read = list(run.map(_read, inputs.inputs, len(inputs.inputs), "Reading returns", "return"))
        changed = narrative_changes(pins, {key: digest for r in read for key, digest in r.digests.items()}, quality_name or "")
        if changed:
            raise NarrativeChanged(changed)
        briefs = [r.brief for r in read]
        traces = {r.brief.file: r.trace for r in read if r.trace}
        _compete(framework, briefs, [r.standing for r in read], quality)
        found = iter(outliers(framework, [r.row for r in read if r.standing is not None]))
        outlying = [next(found) if r.standing is not None else [] for r in read]
        competition = Competition.of(framework, briefs, date, quality_name)
        names = report_names([b.file for b in briefs])
        views = _award_views(framework, briefs, *award) if award is not None else {}
        tasks = ((r.place, b.score, competition, names[b.file], quality_name, odd, views.get(b.file))
                 for r, b, odd in zip(read, briefs, outlying, strict=True))
        finishing = run.map(_finish, tasks, len(briefs), "Writing reports", "return")  # workers start on the first chunks
        comparison = run.submit(_write_comparison, briefs, competition)
        from .summary import summary_writer  # loaded only now, while the workers are busy: they never need it

        with summary_writer(stage / "summary.xlsx", framework, competition, spool) as summary, \
                results_writer(stage / "results.json", framework, head) as results:
            for brief, finished in zip(briefs, finishing, strict=True):
                brief.report, brief.report_error = finished.report, finished.error
                brief.assessment, brief.assessment_error = finished.assessment, finished.assessment_error
                if finished.trace:
                    traces[brief.file] = traces.get(brief.file, "") + finished.trace
                summary.append(finished.summary_row, finished.finding_rows)
                results.add(finished.record)
        comparison_error, comparison_trace = comparison()
        if comparison_trace:
            traces["comparison.docx"] = comparison_trace
        notes = inputs.notes() + _quality_notes(quality, briefs, quality_name)
        result = BatchResult(briefs, stage, notes, comparison_error, award is not None, reporter.accessibility)
        _write(stage / LOG, _log(result, inputs.folder, date, traces).encode("utf-8"))
        return result


class _Read(NamedTuple):
    """What reading one file sends back: its light copy, its light assessment (theme totals), where the
    full return is parked, its quantities (for outliers) and the traceback of a bug, if any."""

    brief: ReturnResult
    standing: Assessment | None
    place: tuple[str, int]
    row: tuple[float | None, ...]
    trace: str | None
    digests: Pins  # the SHA-256 of each response of a valid return, to compare with the responses the marks were given for


def _read(job: _Job, item: Input) -> _Read:
    """Read, validate and assess one file (adding its own plausibility warnings; never raises) and park it in the spool."""
    ret, trace = read_file(item, job.framework)
    assessment = None
    if not ret.rejected:
        try:
            assessment = assess(job.framework, ret.quantities, ret.contract_value)
            ret.findings.extend(return_warnings(job.framework, ret, assessment))
        except Exception:  # defence in depth, as in read_file
            assessment = None
            ret.findings.append(_internal_error(ret.file, "scoring"))
            trace = traceback.format_exc()
    place = job.spool.park((ret, assessment))
    light = None if assessment is None else replace(assessment, measures={})
    digests = {} if ret.rejected else return_pins(ret, [t.id for t in job.framework.themes])
    return _Read(ReturnResult(ret).brief(), light, place, quantity_row(job.framework, ret.quantities), trace, digests)


class _Finished(NamedTuple):
    """What a worker sends back for one return: its report's fate, its ready-made output rows, and a traceback."""

    report: str | None
    error: str | None
    record: str
    summary_row: list[object]
    finding_rows: list[list[object]]
    assessment: str | None
    assessment_error: str | None
    trace: str | None


def _finish(job: _Job, task: tuple[tuple[str, int], Score | None, Competition, str, str | None, list[Outlier], AwardView | None]) -> _Finished:
    """Take one return from the spool, write its report (and assessment summary) and make its output rows;
    a bug becomes a finding."""
    place, score, competition, name, quality_name, odd, view = task
    result = _restore(job, place, score, quality_name)
    result.ret.findings.extend(outlier_warning(job.framework, result.ret, o) for o in odd)
    trace = None
    if result.score is not None:
        try:
            data = job.reporter.evaluation(result, competition)
        except Exception as exc:  # one bad report must never stop the others
            result.report_error = f"{type(exc).__name__}: {exc}"
            result.ret.findings.append(_internal_error(result.file, "writing its report"))
            trace = traceback.format_exc()
        else:
            _write(job.stage / name, data)
            result.report = name
    if view is not None:
        _write_assessment(job, result, view, summary_name(name), competition.date)
    try:
        rows = json_record(job.framework, result), *summary_values(result, [t.id for t in job.framework.themes])
    except Exception:
        trace = (trace or "") + traceback.format_exc()
        result = ReturnResult(Return(result.file, result.ret.organisation,
                                     findings=[*result.ret.findings, _internal_error(result.file, "recording its results")]))
        rows = json_record(job.framework, result), *summary_values(result, [t.id for t in job.framework.themes])
    return _Finished(result.report, result.report_error, *rows, result.assessment, result.assessment_error, trace)


def summary_name(report_name: str) -> str:
    """``assessment-summaries/<stem>.docx`` beside ``reports/<stem>.docx``."""
    return ASSESSMENT_FOLDER + "/" + report_name.split("/", 1)[1]


def _write_assessment(job: _Job, result: ReturnResult, view: AwardView, name: str, date: str) -> None:
    """Write a scored return's assessment summary, or leave none and say which reg. 31 elements it lacks."""
    try:
        data, missing = job.reporter.assessment_summary(result, view, date)
    except Exception as exc:  # like a report, one summary that fails must never stop the others
        data, missing = None, [f"a summary that could be rendered ({type(exc).__name__}: {exc})"]
    if data is None:
        result.assessment_error = (f"The assessment summary was not written because it lacks {join_words(missing)}. "
                                   f"Supply {'it' if len(missing) == 1 else 'them'} and run the batch again.")
        result.ret.findings.append(Finding("assessment-summary-incomplete", "warning", result.assessment_error, result.file))
        return
    _write(job.stage / name, data)
    result.assessment = name


def _award_views(framework: Framework, briefs: Sequence[ReturnResult], rationales: Mapping[str, Mapping[str, str]],
                 criteria: OtherCriteria | None, record_sha256: str = "") -> dict[str, AwardView]:
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
                     shared[standing[f].rank] > 1, record_sha256)
        for f in scored
    }


def _write_comparison(job: _Job, results: Sequence[ReturnResult], competition: Competition) -> tuple[str | None, str | None]:
    """Write comparison.docx; the error text and traceback if it cannot be made."""
    try:
        data = job.reporter.comparison(results, competition)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}", traceback.format_exc()
    _write(job.stage / "comparison.docx", data)
    return None, None


def _write(path: Path, data: bytes) -> None:
    """Write one output into the staging folder; OutputError naming it if it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"Cannot write {path.name}: {exc.strerror or exc}. Nothing was replaced; free some space "
                          "or choose another --out folder.") from exc


def _internal_error(file: str, doing: str) -> Finding:
    """The finding for an unexpected exception while handling one file."""
    return Finding("internal-error", "error", f"svexcel failed while {doing} for {file}. {BUG_REPORT}", file)


def _log(result: BatchResult, returns_dir: Path, date: str, traces: dict[str, str]) -> str:
    """svexcel.log: what ran, the tally and the traceback of every internal error."""
    lines = [f"svexcel {__version__} batch of {returns_dir} on {date}", result.tally(), *(f"Note: {n}" for n in result.notes),
             *(str(f) for f in result.template_findings)]
    if not traces:
        lines.append("No internal errors.")
    for file, trace in traces.items():
        lines += ["", f"Internal error for {file}:", trace.rstrip()]
    return "\n".join(lines) + "\n"


def _compete(framework: Framework, briefs: list[ReturnResult], standings: list[Assessment | None], quality: Marks) -> None:
    """Score the valid returns against each other, in place."""
    valid = [(b, a) for b, a in zip(briefs, standings, strict=True) if a is not None]
    scores = compete(framework, [a for _, a in valid], [quality.get(b.file, {}) for b, _ in valid])
    for (brief, _), score in zip(valid, scores, strict=True):
        brief.score = score


def _restore(job: _Job, place: tuple[str, int], score: Score | None, quality_name: str | None) -> ReturnResult:
    """A return back from the spool with its full score, and a warning for themes whose quality is unscored."""
    ret, assessment = job.spool.fetch(place)
    if score is None:
        return ReturnResult(ret)
    framework = job.framework
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

def _quality_notes(quality: Marks, results: Sequence[ReturnResult], quality_name: str | None) -> list[str]:
    """Quality rows that match no input file (a likely typo in the File column)."""
    files = {r.file for r in results}
    return [f"{quality_name}: quality scores for '{f}' match no return in the folder" for f in sorted(quality) if f not in files]
