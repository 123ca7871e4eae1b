"""A batch's results: one entry per input file, the competition they formed, and ``results.json`` (SPEC §4)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

from ..framework.model import Framework
from ..run.json_stream import JsonStream, json_line, json_stream
from .return_reader import Return
from .scoring import Score, best_offers, shared_ranks

Status = Literal["scored", "rejected"]


@dataclass(slots=True)
class ReturnResult:
    """One input file: what was read, its score if it took part, and its report."""

    ret: Return
    score: Score | None = None
    report: str | None = None
    report_error: str | None = None
    assessment: str | None = None  # where its assessment summary was written, when one was asked for and complete
    assessment_error: str | None = None  # why an assessment summary that was asked for was not written

    @property
    def file(self) -> str:
        """The input file's name."""
        return self.ret.file

    @property
    def status(self) -> Status:
        """``scored`` or ``rejected``."""
        return "scored" if self.score is not None else "rejected"

    def brief(self) -> ReturnResult:
        """A light copy for rankings and tallies: cover details, figures and errors, without per-measure detail."""
        r = self.ret
        ret = Return(r.file, r.organisation, r.contract_reference, r.contract_value, r.contract_years, r.contact,
                     r.postal_address, r.email, r.unique_identifier, findings=[f for f in r.findings if f.severity == "error"])
        score = None if self.score is None else replace(self.score, assessment=replace(self.score.assessment, measures={}))
        return ReturnResult(ret, score, self.report, self.report_error, self.assessment, self.assessment_error)

    def to_json(self, framework: Framework) -> dict[str, Any]:
        """The SPEC §4 record for this file, in full precision."""
        record: dict[str, Any] = {"file": self.file, "status": self.status}
        if self.score is not None:
            r, s = self.ret, self.score
            record |= {
                "organisation": r.organisation,
                "contract_value": r.contract_value,
                "measures": {
                    m.id: {"quantity": res.quantity, "value": res.value, "attainment": res.attainment}
                    for m in framework.measures
                    for res in (s.assessment.measures[m.id],)
                },
                "themes": {
                    t.id: {
                        "sv": s.themes[t.id].sv,
                        "attainment": s.themes[t.id].attainment,
                        "monetised": s.themes[t.id].monetised,
                        "quality": s.themes[t.id].quality,
                        "score": s.themes[t.id].score,
                    }
                    for t in framework.themes
                },
                "sv": s.assessment.total_sv,
                "sv_ratio": s.assessment.sv_ratio,
                "points": s.points,
                "rank": s.rank,
            }
        record["findings"] = [f.to_dict(file=False) for f in self.ret.findings]
        record["report"] = self.report
        if self.report_error is not None:
            record["report_error"] = self.report_error
        if self.assessment is not None:
            record["assessment_summary"] = self.assessment
        return record


@dataclass(frozen=True, slots=True)
class Competition:
    """What every report needs to know about the field a return competed in."""

    scored: int
    total: int
    best_theme_scores: dict[str, float] = field(default_factory=dict)
    best_sv: dict[str, float] = field(default_factory=dict)
    date: str = ""
    quality_file: str | None = None
    shared_ranks: frozenset[int] = frozenset()

    @classmethod
    def of(cls, framework: Framework, results: Sequence[ReturnResult], date: str, quality_file: str | None = None) -> Competition:
        """Summarise the scored returns among ``results``."""
        scores = [r.score for r in results if r.score is not None]
        return cls(
            scored=len(scores),
            total=len(results),
            best_theme_scores={t.id: max((s.themes[t.id].score for s in scores), default=0.0) for t in framework.themes},
            best_sv=best_offers(framework, [s.assessment.sv for s in scores]),
            date=date,
            quality_file=quality_file,
            shared_ranks=shared_ranks(s.rank for s in scores),
        )


def summary_values(r: ReturnResult, theme_ids: Sequence[str]) -> tuple[list[object], list[list[object]]]:
    """One result's row of summary.xlsx and its rows of the Findings sheet, as plain values."""
    s = r.score
    counts = [sum(f.severity == severity for f in r.ret.findings) for severity in ("error", "warning")]
    row: list[object] = [
        r.file, r.status, r.ret.organisation, r.ret.contract_value,
        s.assessment.total_sv if s else None, s.assessment.sv_ratio if s else None,
        s.points if s else None, s.rank if s else None,
        *(s.themes[t].score if s else None for t in theme_ids),
        *counts, r.report or (f"FAILED: {r.report_error}" if r.report_error else ""),
    ]
    return row, [f.row() for f in r.ret.findings]


def json_record(framework: Framework, result: ReturnResult) -> str:
    """One file's results.json record on one line."""
    return json_line(result.to_json(framework))


def results_writer(path: Path, framework: Framework, head: Mapping[str, Any] | None = None) -> AbstractContextManager[JsonStream]:
    """``results.json`` (SPEC §4) written record by record: the framework (and ``head``: the quality file and evaluator
    workbooks the marks came from, the record's manifest SHA-256), then each input file's record."""
    return json_stream(path, {"framework": framework.identity, **(head or {})}, "returns")
