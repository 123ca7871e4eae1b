"""What the assessment summary template sees (Procurement Act 2023 s.50; Procurement Regulations 2024 reg. 31).

Every figure comes from the engine (scoring.points_available, theme_points and component_shares; award.standings
and importance); this module words it and lists any
element reg. 31 needs that is missing, so an incomplete summary is never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.formatting import DASH, clean_text, money, number, percent, points, rank_text
from ...framework.model import Measure
from ..award import Standing, available_total, importance
from ..results import ReturnResult
from ..scoring import TIE_TOLERANCE, Score, theme_points
from .context import FrameworkFacts

ASSESSED = {
    "monetised": "the £ social value of the commitments in the theme, against the best offer (best gets full marks)",
    "attainment": "attainment of the theme's targets and yes/no commitments",
    "quality": "the evaluation panel's consensus mark for the written response, on the framework's 0–100 quality scale",
}


@dataclass(frozen=True)
class AwardView:
    """What one return's summary needs beyond its own result: its standing, the winner's, the criteria, the reasons."""

    standing: Standing
    rationales: dict[str, str]
    winner_file: str
    winner_organisation: str
    winner_standing: Standing
    winner_theme_points: dict[str, float]
    winner_rationales: dict[str, str]
    available: dict[str, float] = field(default_factory=dict)  # other criteria and their points available
    scored: int = 1
    shared_rank: bool = False
    manifest_sha256: str = ""  # the SHA-256 of the evaluation record's manifest, when a record is kept (svexcel.run.record)


@dataclass(frozen=True)
class CriterionRow:
    """One award criterion: what it is worth and how this tender (and the winning one) scored on it."""

    title: str
    importance: str
    available: str
    assessed: str
    points: str
    winner_points: str
    explanation: tuple[str, ...]
    winner_reason: str


def assessment_context(facts: FrameworkFacts, result: ReturnResult, view: AwardView, date: str) -> tuple[dict[str, Any], list[str]]:
    """The summary's context and the reg. 31 elements missing from it (an empty list means it may be sent)."""
    framework, ret = facts.framework, result.ret
    score = result.score
    assert score is not None, "only scored returns get an assessment summary"
    missing: list[str] = []
    supplier = {"name": clean_text(ret.organisation), "postal_address": clean_text(ret.postal_address),
                "email": clean_text(ret.email), "unique_identifier": clean_text(ret.unique_identifier)}
    for key, words in (("name", "the supplier's name"), ("postal_address", "the supplier's postal address"),
                       ("email", "the supplier's email"), ("unique_identifier", "the supplier's unique identifier")):
        if not supplier[key]:
            missing.append(f"{words} (Cover sheet of {ret.file})")
    is_winner = result.file == view.winner_file
    total_available = available_total(framework.settings.max_points, view.available)
    earned, weight = theme_points(framework, score), importance(facts.points_available, total_available)
    criteria = [_theme_row(facts, result, view, t.id, earned[t.id], weight[t.id], is_winner, missing) for t in framework.themes]
    weight = importance(view.available, total_available)
    criteria += [_other_row(name, available, weight[name], view, is_winner, missing) for name, available in view.available.items()]
    context = facts.context | {
        "supplier": supplier,
        "contract_reference": clean_text(ret.contract_reference) or DASH,
        "file": clean_text(ret.file),
        "date": date,
        "is_winner": is_winner,
        "winner_name": clean_text(view.winner_organisation) or DASH,
        "criteria": criteria,
        "sv_points": points(view.standing.sv_points),
        "total_points": points(view.standing.total),
        "total_available": points(total_available),
        "winner_total": points(view.winner_standing.total),
        "rank_text": rank_text(view.standing.rank, view.scored, view.shared_rank),
        "has_other_criteria": bool(view.available),
        "manifest_hash": view.manifest_sha256,
    }
    return context, missing


def _theme_row(facts: FrameworkFacts, result: ReturnResult, view: AwardView, theme_id: str, mine: float, weight: float,
               is_winner: bool, missing: list[str]) -> CriterionRow:
    """A theme as an award criterion: ``mine`` the points the tender earned on it, ``weight`` its relative importance."""
    theme = facts.framework.theme_by_id[theme_id]
    available = facts.points_available[theme_id]
    title = clean_text(theme.name)
    if not title:
        missing.append(f"the title of theme {theme_id} (Themes sheet of the framework)")
    explanation = _explanation(facts, result, theme_id, view.rationales.get(theme_id, ""), mine, missing)
    winner_points = view.winner_theme_points.get(theme_id, 0.0)
    reason = ""
    if not is_winner and mine < winner_points - TIE_TOLERANCE:
        reason = clean_text(view.winner_rationales.get(theme_id))
        if not reason and "quality" in facts.parts[theme_id]:
            missing.append(f"the winning tender's consensus rationale for {title or theme_id} (moderation workbook)")
        reason = (f"The winning tender scored {points(winner_points)} points here. The panel's reasons for its quality "
                  f"mark: {reason}" if reason else f"The winning tender scored {points(winner_points)} points here.")
    return CriterionRow(
        title=f"Social value: {title}",
        importance=f"{percent(facts.weight_share[theme_id], 1)} of the social value points; {percent(weight, 1)} of all points",
        available=points(available),
        assessed=_assessed(facts.parts[theme_id]),
        points=points(mine),
        winner_points="" if is_winner else points(winner_points),
        explanation=tuple(explanation),
        winner_reason=reason,
    )


def _other_row(name: str, available: float, weight: float, view: AwardView, is_winner: bool, missing: list[str]) -> CriterionRow:
    mine = view.standing.other.get(name)
    if mine is None:
        missing.append(f"the points for {name} (other criteria workbook)")
    theirs = view.winner_standing.other.get(name)
    return CriterionRow(
        title=clean_text(name), importance=f"{percent(weight, 1)} of all points",
        available=points(available), assessed=f"Scored by the evaluation panel against the published {clean_text(name).lower()} criterion.",
        points=DASH if mine is None else points(mine),
        winner_points="" if is_winner else (DASH if theirs is None else points(theirs)),
        explanation=(), winner_reason="",
    )


def _assessed(parts: dict[str, float]) -> str:
    """How a theme is assessed, with each component's share of its score (the engine's ``component_shares``)."""
    text = "; ".join(f"{ASSESSED[c]} ({percent(share)})" for c, share in parts.items())
    return text[:1].upper() + text[1:] + "."


def _explanation(facts: FrameworkFacts, result: ReturnResult, theme_id: str, rationale: str, earned: float,
                 missing: list[str]) -> list[str]:
    """The theme's points explained by the tender's own figures and the panel's consensus rationale."""
    framework, score = facts.framework, result.score
    assert score is not None
    figures = score.themes[theme_id]
    measures = framework.theme_measures(theme_id)
    lines = []
    if measures:
        lines.append("Your tender committed to: " + "; ".join(_commitment(m, result, score) for m in measures) + ".")
    parts = []
    if figures.monetised is not None:
        parts.append(f"social value of {money(figures.sv)}, a value score of {percent(figures.monetised)} against the best offer")
    if figures.attainment is not None:
        parts.append(f"attainment of {percent(figures.attainment)} against the targets and yes/no commitments")
    if parts:
        lines.append("This gives " + " and ".join(parts) + ".")
    theme = framework.theme_by_id[theme_id]
    if "quality" in facts.parts[theme_id]:
        reason = clean_text(rationale)
        if figures.quality is None:
            missing.append(f"the consensus quality mark for {theme.name or theme_id} (moderation workbook)")
        if not reason:
            missing.append(f"the consensus rationale for {theme.name or theme_id} (moderation workbook)")
        mark = DASH if figures.quality is None else number(round(figures.quality * 100, 2))
        lines.append(f"The panel's consensus quality mark for your written response is {mark} / 100. Its reasons: {reason or DASH}")
    lines.append(f"Theme score {percent(figures.score)} of the {points(facts.points_available[theme_id])} points available gives "
                 f"{points(earned)} points.")
    return lines


def _commitment(measure: Measure, result: ReturnResult, score: Score) -> str:
    """One measure as the tender committed to it, with what it is worth."""
    quantity = result.ret.quantities.get(measure.id)
    figures = score.assessment.measures[measure.id]
    name = clean_text(measure.name)
    if quantity is None:
        return f"{measure.id} {name}: no commitment"
    if measure.kind == "binary":
        return f"{measure.id} {name}: {'Yes' if quantity else 'No'}"
    unit = f" {measure.unit}" if measure.unit else ""
    worth = money(figures.value) if measure.kind == "monetised" else f"{percent(figures.attainment)} of the target of {number(measure.target or 0)}"
    return f"{measure.id} {name}: {number(quantity)}{unit} ({worth})"

