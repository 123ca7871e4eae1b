"""What the Word templates see: the figures of a result or a competition, formatted for display.

Every value is a display string (or a list of rows of display strings) so template authors never format
numbers themselves; docs/template-variables.md describes each variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ...core.findings import Finding, sort_findings
from ...core.formatting import DASH, clean_text, money, number, percent, plural, points, rank_text
from ...framework.model import COMPONENTS, Framework, Measure
from ..results import Competition, ReturnResult
from ..scoring import Score, component_shares, points_available, theme_parts, theme_points, weight_shares
from .charts import ThemeBar
from .summary import summary_text

NO_NAME = "(no organisation name)"
CHART_ROWS = 10
COMPONENT_NAMES = {"monetised": "Value score (social value in £, relative to the best offer)",
                   "attainment": "Attainment (targets and yes/no commitments)",
                   "quality": "Quality (officers' score of the written response)"}
TARGET_RULES = {"benefit": "Quantity ÷ target, capped at 100%",
                "lower_is_better": "Lower is better: 100% at or below the target, else target ÷ quantity"}


@dataclass(frozen=True)
class MeasureRow:
    """One framework measure as committed in a return."""

    id: str
    theme_id: str
    name: str
    unit: str
    kind: str
    quantity: str
    result: str
    evidence: str


@dataclass(frozen=True)
class ThemeInfo:
    """A theme, its weight and the best offer in it."""

    id: str
    name: str
    description: str
    weight: str
    weight_share: str
    points_available: str
    value_share: str
    attainment_share: str
    quality_share: str
    best_score: str
    best_sv: str


@dataclass(frozen=True)
class ThemeRow(ThemeInfo):
    """A theme's figures for one return, its response and its measures."""

    sv: str
    value_score: str
    attainment: str
    quality: str
    quality_text: str
    score: str
    points: str
    narrative: str
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True)
class FindingRow:
    """A finding as shown in a report."""

    severity: str
    where: str
    message: str
    type: str


@dataclass(frozen=True)
class QuestionRow:
    """A plausibility warning's suggested clarification question, and where it arose."""

    where: str
    type: str
    question: str


@dataclass(frozen=True)
class ComponentRow:
    """A component of the theme score, its weight and its share of the score of a theme that has every component."""

    name: str
    weight: str
    share: str


@dataclass(frozen=True)
class ProxyRow:
    """A monetised measure's proxy value and its basis."""

    id: str
    name: str
    unit: str
    proxy: str
    deadweight: str
    illustrative: str
    basis: str


@dataclass(frozen=True)
class TargetRow:
    """A target or yes/no measure and how its attainment is scored."""

    id: str
    name: str
    unit: str
    target: str
    rule: str


@dataclass(frozen=True)
class RankRow:
    """A scored return in the ranking, with its theme scores in framework order."""

    rank: str
    organisation: str
    file: str
    points: str
    sv: str
    sv_ratio: str
    theme_scores: tuple[str, ...]


@dataclass(frozen=True)
class RejectedRow:
    """A rejected return and the errors that blocked scoring."""

    file: str
    organisation: str
    errors: tuple[FindingRow, ...]


class FrameworkFacts:
    """The parts of every report's context that depend only on the framework, built once."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        settings = framework.settings
        every = component_shares(framework, COMPONENTS)
        measures = framework.measures
        proxies = [m for m in measures if m.kind == "monetised"]
        self.context: dict[str, Any] = {
            "framework_name": framework.name,
            "framework_version": framework.version,
            "max_points": points(settings.max_points),
            "components": tuple(
                ComponentRow(name, number(settings.component_weight(c)), percent(every.get(c, 0.0)))
                for c, name in COMPONENT_NAMES.items()
            ),
            "proxies": tuple(
                ProxyRow(m.id, m.name, m.unit, money(m.proxy_gbp), percent(m.deadweight), "Yes" if m.illustrative else "No", m.proxy_basis)
                for m in proxies
            ),
            "targets": tuple(
                TargetRow(m.id, m.name, m.unit, "Yes" if m.kind == "binary" else number(m.target or 0.0),
                          "100% for Yes, 0% for No" if m.kind == "binary" else TARGET_RULES[m.direction])
                for m in measures if m.kind != "monetised"
            ),
            "illustrative_note": (
                "Values marked as illustrative are placeholders, not agreed local values: replace them in the framework "
                "workbook before relying on the results." if any(m.illustrative for m in proxies) else ""
            ),
        }
        self.weight_share = weight_shares(framework)
        self.points_available = points_available(framework)
        self.parts = {t.id: component_shares(framework, theme_parts(framework, t.id)) for t in framework.themes}

    def themes(self, competition: Competition) -> list[ThemeInfo]:
        """Every theme with its weight and the competition's best offer."""
        return [ThemeInfo(**self.theme_fields(t.id, competition)) for t in self.framework.themes]

    def theme_fields(self, theme_id: str, competition: Competition) -> dict[str, str]:
        """A theme's ThemeInfo fields."""
        theme = self.framework.theme_by_id[theme_id]
        parts = self.parts[theme_id]
        return {
            "id": theme.id, "name": theme.name, "description": theme.description, "weight": number(theme.weight),
            "weight_share": percent(self.weight_share[theme_id], 1), "points_available": points(self.points_available[theme_id]),
            "value_share": percent(parts.get("monetised")), "attainment_share": percent(parts.get("attainment")),
            "quality_share": percent(parts.get("quality")),
            "best_score": percent(competition.best_theme_scores.get(theme_id, 0.0)),
            "best_sv": money(competition.best_sv.get(theme_id, 0.0)),
        }


def evaluation_context(facts: FrameworkFacts, result: ReturnResult, competition: Competition) -> dict[str, Any]:
    """Everything the evaluation template can use, for one scored return."""
    framework, ret, score = facts.framework, result.ret, _scored(result)
    earned = theme_points(framework, score)
    themes = []
    for theme in framework.themes:
        figures = score.themes[theme.id]
        themes.append(ThemeRow(
            **facts.theme_fields(theme.id, competition),
            sv=money(figures.sv) if "monetised" in framework.theme_components(theme.id) else DASH,
            value_score=percent(figures.monetised), attainment=percent(figures.attainment),
            quality=percent(figures.quality), quality_text=_quality_text(framework, figures.quality),
            score=percent(figures.score), points=points(earned[theme.id]),
            narrative=clean_text(ret.narrative.get(theme.id)) or "No response was given for this theme.",
            measures=tuple(_measure_row(m, result, score) for m in framework.theme_measures(theme.id)),
        ))
    return facts.context | {
        "organisation": _organisation(ret.organisation),
        "contract_reference": clean_text(ret.contract_reference) or DASH,
        "contract_value": money(ret.contract_value) if ret.contract_value else "not given",
        "file": clean_text(ret.file),
        "date": competition.date,
        "quality_file": clean_text(competition.quality_file) or "none supplied",
        "points": points(score.points),
        "rank": score.rank,
        "rank_text": rank_text(score.rank, competition.scored, score.rank in competition.shared_ranks),
        "scored_count": competition.scored,
        "total_count": competition.total,
        "sv": money(score.assessment.total_sv),
        "sv_ratio": percent(score.assessment.sv_ratio, 1) if score.assessment.sv_ratio is not None else "no contract value",
        "summary": clean_text(summary_text(framework, ret, score, competition)),
        "themes": themes,
        "measures": [m for t in themes for m in t.measures],
        "findings": [_finding_row(f) for f in sort_findings(ret.findings) if f.severity != "error"],
        "questions": [QuestionRow(_finding_row(f).where, f.type, clean_text(f.question)) for f in ret.findings if f.question],
        "chart_alt": theme_chart_alt(_organisation(ret.organisation), theme_bars(framework, result, competition)),
    }


def comparison_context(facts: FrameworkFacts, results: Sequence[ReturnResult], competition: Competition) -> dict[str, Any]:
    """Everything the comparison template can use, for all returns of a batch."""
    framework = facts.framework
    scored = ranked(results)
    rejected = [r for r in results if r.score is None]
    ranking = [
        RankRow(
            rank=f"{s.rank}=" if s.rank in competition.shared_ranks else str(s.rank),
            organisation=_organisation(r.ret.organisation), file=clean_text(r.file), points=points(s.points),
            sv=money(s.assessment.total_sv),
            sv_ratio=percent(s.assessment.sv_ratio, 1) if s.assessment.sv_ratio is not None else DASH,
            theme_scores=tuple(percent(s.themes[t.id].score) for t in framework.themes),
        )
        for r in scored for s in (_scored(r),)
    ]
    chart_rows = comparison_chart_rows(framework, results)
    return facts.context | {
        "date": competition.date,
        "quality_file": clean_text(competition.quality_file) or "none supplied",
        "scored_count": len(scored),
        "total_count": len(results),
        "rejected_count": len(rejected),
        "counts_text": _counts_text(len(results), len(scored), len(rejected)),
        "themes": facts.themes(competition),
        "ranking": ranking,
        "rejected": [
            RejectedRow(clean_text(r.file), _organisation(r.ret.organisation),
                        tuple(_finding_row(f) for f in r.ret.findings if f.severity == "error"))
            for r in rejected
        ],
        "comparison_chart_alt": comparison_chart_alt(framework, chart_rows, len(scored)),
        "comparison_chart_note": _chart_note(len(chart_rows), len(scored)),
    }


def ranked(results: Sequence[ReturnResult]) -> list[ReturnResult]:
    """The scored results, best rank first (ties by file name)."""
    return sorted((r for r in results if r.score is not None), key=lambda r: (r.score.rank, r.file))  # type: ignore[union-attr]


def theme_bars(framework: Framework, result: ReturnResult, competition: Competition) -> list[ThemeBar]:
    """The evaluation chart's data: each theme's score and the best offer's."""
    score = _scored(result)
    return [ThemeBar(t.name, score.themes[t.id].score, competition.best_theme_scores.get(t.id, 0.0)) for t in framework.themes]


def comparison_chart_rows(framework: Framework, results: Sequence[ReturnResult]) -> list[tuple[str, list[float]]]:
    """The comparison chart's data: the top returns' labels and theme scores, in rank order."""
    return [
        (f"{r.score.rank}. {_organisation(r.ret.organisation)}", [r.score.themes[t.id].score for t in framework.themes])  # type: ignore[union-attr]
        for r in ranked(results)[:CHART_ROWS]
    ]


def theme_chart_alt(organisation: str, bars: Sequence[ThemeBar]) -> str:
    """Alt text that states everything the evaluation chart shows."""
    values = "; ".join(f"{b.label} {percent(b.score)} (best offer {percent(b.best)})" for b in bars)
    return f"Bar chart of theme scores for {organisation}, each against the best offer among all scored returns: {values}."


def comparison_chart_alt(framework: Framework, rows: Sequence[tuple[str, Sequence[float]]], scored: int) -> str:
    """Alt text that states everything the comparison chart shows."""
    if not rows:
        return "Empty chart: no return was scored."
    panels = "; ".join(
        f"{t.name}: " + ", ".join(f"{label} {percent(scores[i])}" for label, scores in rows)
        for i, t in enumerate(framework.themes)
    )
    who = f"the {len(rows)} highest-ranked of {scored} scored returns" if len(rows) < scored else plural(scored, "scored return")
    return f"Bar charts of theme scores for {who}, in rank order, one panel per theme. {panels}."


def _scored(result: ReturnResult) -> Score:
    """The result's score; reports of rejected returns are a caller's mistake."""
    if result.score is None:
        raise ValueError(f"{result.file} was rejected, so it has no evaluation report; list it in the comparison instead.")
    return result.score


def _organisation(name: str) -> str:
    return clean_text(name) or NO_NAME


def _measure_row(measure: Measure, result: ReturnResult, score: Score) -> MeasureRow:
    """A measure's quantity and its £ value (monetised) or attainment (target, yes/no)."""
    quantity = result.ret.quantities.get(measure.id)
    figures = score.assessment.measures[measure.id]
    if quantity is None:
        shown = "Not answered"
    elif measure.kind == "binary":
        shown = "Yes" if quantity else "No"
    else:
        shown = number(quantity)
    outcome = money(figures.value) if measure.kind == "monetised" else percent(figures.attainment)
    return MeasureRow(measure.id, measure.theme_id, measure.name, measure.unit, measure.kind, shown, outcome,
                      clean_text(result.ret.evidence.get(measure.id)))


def _quality_text(framework: Framework, quality: float | None) -> str:
    """An officer's quality score with its label from the framework's quality scale."""
    if quality is None:
        return "not yet scored"
    mark = quality * 100
    label = next((level.label for level in framework.quality_scale if abs(level.score - mark) < 1e-9), "")
    return f"{number(round(mark, 2))} / 100" + (f" ({label})" if label else "")


def _finding_row(finding: Finding) -> FindingRow:
    where = "!".join(part for part in (finding.sheet, finding.cell) if part) or "whole file"
    return FindingRow(finding.severity.capitalize(), where, clean_text(finding.message), finding.type)


def _counts_text(total: int, scored: int, rejected: int) -> str:
    if not rejected:
        return f"{plural(total, 'return')} received; all scored."
    return f"{plural(total, 'return')} received: {scored} scored and {rejected} rejected (see Rejected returns)."


def _chart_note(shown: int, scored: int) -> str:
    if scored == 0:
        return "No return was scored, so there is nothing to compare."
    if shown < scored:
        return (f"The chart shows the {shown} highest-ranked of the {scored} scored returns; the balance table "
                "below gives every return's theme scores.")
    return f"The chart shows every scored return ({scored}), highest-ranked first; the balance table below gives the same figures."
