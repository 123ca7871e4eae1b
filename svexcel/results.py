"""A batch's results: one entry per input file, the competition they formed, and ``results.json`` (SPEC §4)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

from .framework import Framework
from .return_reader import Return
from .scoring import Score

Status = Literal["scored", "rejected"]


@dataclass
class ReturnResult:
    """One input file: what was read, its score if it took part, and its report."""

    ret: Return
    score: Score | None = None
    report: str | None = None
    report_error: str | None = None

    @property
    def file(self) -> str:
        """The input file's name."""
        return self.ret.file

    @property
    def status(self) -> Status:
        """``scored`` or ``rejected``."""
        return "scored" if self.score is not None else "rejected"

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
        record["findings"] = [
            {"sheet": f.sheet, "cell": f.cell, "type": f.type, "severity": f.severity, "message": f.message}
            for f in self.ret.findings
        ]
        record["report"] = self.report
        if self.report_error is not None:
            record["report_error"] = self.report_error
        return record


@dataclass(frozen=True)
class Competition:
    """What every report needs to know about the field a return competed in."""

    scored: int
    total: int
    best_theme_scores: dict[str, float] = field(default_factory=dict)
    best_sv: dict[str, float] = field(default_factory=dict)
    best_points: float = 0.0
    date: str = ""
    quality_file: str | None = None

    @classmethod
    def of(cls, framework: Framework, results: Sequence[ReturnResult], date: str, quality_file: str | None = None) -> Competition:
        """Summarise the scored returns among ``results``."""
        scores = [r.score for r in results if r.score is not None]
        return cls(
            scored=len(scores),
            total=len(results),
            best_theme_scores={t.id: max((s.themes[t.id].score for s in scores), default=0.0) for t in framework.themes},
            best_sv={t.id: max((s.themes[t.id].sv for s in scores), default=0.0) for t in framework.themes},
            best_points=max((s.points for s in scores), default=0.0),
            date=date,
            quality_file=quality_file,
        )


def results_json(framework: Framework, results: Sequence[ReturnResult]) -> str:
    """The whole ``results.json`` document."""
    document = {
        "framework": {"name": framework.name, "version": framework.version},
        "returns": [r.to_json(framework) for r in results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
