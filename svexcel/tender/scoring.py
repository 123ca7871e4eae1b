"""The scoring engine (SPEC §3): one return's values, then relative scores across a competition.

Pure Python with no Excel dependency; the live workbook's formulas, the UDFs and
the reports all reproduce or call these functions.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple, Sequence

from ..framework.model import Framework, Measure

TIE_TOLERANCE = 1e-9


class MeasureResult(NamedTuple):
    """A measure's quantity (None if unanswered), £ value (monetised) or attainment 0–1 (target, binary)."""

    quantity: float | None
    value: float | None = None
    attainment: float | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """What one return is worth on its own, before comparison with others."""

    measures: dict[str, MeasureResult]
    sv: dict[str, float]
    attainment: dict[str, float | None]
    total_sv: float
    sv_ratio: float | None


class ThemeResult(NamedTuple):
    """One theme's figures for one return; components absent for the theme are None."""

    sv: float
    attainment: float | None
    monetised: float | None
    quality: float | None
    score: float

    @property
    def parts(self) -> tuple[str, ...]:
        """The components present in this score (monetised, attainment, quality), in that order."""
        values = {"monetised": self.monetised, "attainment": self.attainment, "quality": self.quality}
        return tuple(c for c, v in values.items() if v is not None)


@dataclass(frozen=True, slots=True)
class Score:
    """A return's place in the competition: theme results, points and rank."""

    assessment: Assessment
    themes: dict[str, ThemeResult]
    points: float
    rank: int


def measure_result(measure: Measure, quantity: float | None) -> MeasureResult:
    """Value or attainment of one measure for one quantity (None = unanswered, counts as no commitment)."""
    if measure.kind == "monetised":
        if quantity is None:
            return MeasureResult(None, value=0.0)
        net = quantity * (measure.proxy_gbp or 0.0) * (1 - measure.deadweight)
        return MeasureResult(quantity, value=-net if measure.direction == "harm" else net)
    if quantity is None:
        return MeasureResult(None, attainment=0.0)
    if measure.kind == "binary":
        return MeasureResult(quantity, attainment=1.0 if quantity else 0.0)
    target = measure.target or 0.0
    if measure.direction == "lower_is_better":
        return MeasureResult(quantity, attainment=1.0 if quantity <= target else target / quantity)
    return MeasureResult(quantity, attainment=min(quantity / target, 1.0))


def assess(framework: Framework, quantities: Mapping[str, float | None], contract_value: float | None) -> Assessment:
    """Score every measure of one return and total its themes."""
    measures = {m.id: measure_result(m, quantities.get(m.id)) for m in framework.measures}
    sv: dict[str, float] = {}
    attainment: dict[str, float | None] = {}
    for theme in framework.themes:
        results = [(m, measures[m.id]) for m in framework.theme_measures(theme.id)]
        sv[theme.id] = sum(r.value for m, r in results if m.kind == "monetised")  # type: ignore[misc]
        scored = [r.attainment for m, r in results if m.kind != "monetised"]
        attainment[theme.id] = sum(scored) / len(scored) if scored else None  # type: ignore[arg-type]
    total = sum(sv.values())
    ratio = total / contract_value if contract_value else None
    return Assessment(measures, sv, attainment, total, ratio)


def theme_score(framework: Framework, components: Mapping[str, float | None]) -> float:
    """Weighted mean of the components present (monetised, attainment, quality), renormalised: the sum of each
    present component's ``component_shares`` times its value (0 when no weight remains)."""
    present = {c: v for c, v in components.items() if v is not None}
    weight = sum(framework.settings.component_weight(c) for c in present)
    if weight <= 0:
        return 0.0
    return sum(framework.settings.component_weight(c) * v for c, v in present.items()) / weight


def compete(
    framework: Framework,
    assessments: Sequence[Assessment],
    quality: Sequence[Mapping[str, float | None]] | None = None,
) -> list[Score]:
    """Relative scores, points and ranks for returns compared with each other (quality in 0–100, None = unscored);
    ValueError if ``quality`` is not one mapping per assessment."""
    if quality is not None and len(quality) != len(assessments):
        raise ValueError(f"compete needs one quality mapping per assessment: got {len(quality)} for {len(assessments)}.")
    quality = quality or [{} for _ in assessments]
    best = best_offers(framework, [a.sv for a in assessments])
    total_weight = theme_weight_total(framework)
    scores: list[tuple[Assessment, dict[str, ThemeResult], float]] = []
    for assessment, marks in zip(assessments, quality, strict=True):
        themes: dict[str, ThemeResult] = {}
        for theme in framework.themes:
            has = framework.theme_components(theme.id)
            sv = assessment.sv[theme.id]
            monetised = (max(sv, 0.0) / best[theme.id] if best[theme.id] > 0 else 0.0) if "monetised" in has else None
            mark = marks.get(theme.id)
            qual = None if mark is None else mark / 100
            att = assessment.attainment[theme.id]
            score = theme_score(framework, {"monetised": monetised, "attainment": att, "quality": qual})
            themes[theme.id] = ThemeResult(sv, att, monetised, qual, score)
        weighted = sum(t.weight * themes[t.id].score for t in framework.themes)
        points = framework.settings.max_points * weighted / total_weight if total_weight > 0 else 0.0
        scores.append((assessment, themes, points))
    return [Score(a, themes, p, r) for (a, themes, p), r in zip(scores, ranks([p for _, _, p in scores]), strict=False)]


def best_offers(framework: Framework, svs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """The best offer in each theme: the highest £ value among ``svs`` (each return's £ by theme), floored at 0
    (SPEC §3), so when every offer is a net harm the best offer is £0."""
    return {t.id: max((max(sv[t.id], 0.0) for sv in svs), default=0.0) for t in framework.themes}


def shared_ranks(ranks: Iterable[int]) -> frozenset[int]:
    """The ranks held by more than one return (ties)."""
    seen: set[int] = set()
    shared: set[int] = set()
    for rank in ranks:
        (shared if rank in seen else seen).add(rank)
    return frozenset(shared)


def theme_weight_total(framework: Framework) -> float:
    """The sum of the theme weights, by which the weighted theme scores are divided to give the points."""
    return sum(t.weight for t in framework.themes)


def weight_shares(framework: Framework) -> dict[str, float]:
    """Each theme's share of the points: its weight over the sum of the weights (0 when they sum to 0)."""
    total = theme_weight_total(framework)
    return {t.id: t.weight / total if total > 0 else 0.0 for t in framework.themes}


def points_available(framework: Framework) -> dict[str, float]:
    """The points each theme can earn: max_points times its weight share (together, max_points)."""
    shares = weight_shares(framework)
    return {t.id: framework.settings.max_points * shares[t.id] for t in framework.themes}


def theme_points(framework: Framework, score: Score) -> dict[str, float]:
    """The points each theme contributes to ``score``: its points available times its score (together, its points)."""
    available = points_available(framework)
    return {t.id: available[t.id] * score.themes[t.id].score for t in framework.themes}


def theme_parts(framework: Framework, theme_id: str) -> tuple[str, ...]:
    """The components a theme's score is made of once its quality is marked: its measurable ones, then quality."""
    return (*framework.theme_components(theme_id), "quality")


def component_shares(framework: Framework, components: Iterable[str]) -> dict[str, float]:
    """Each component's share of a theme score made of ``components`` (SPEC §3): its weight over the sum of their
    weights, renormalised over the components present; one of weight 0 has no share (nor any, when none has weight)."""
    weights = {c: w for c in components if (w := framework.settings.component_weight(c)) > 0}
    total = sum(weights.values())
    return {c: w / total for c, w in weights.items()}


def harms_value(framework: Framework, assessment: Assessment) -> float:
    """The £ value of the harms a return declares, as a positive amount (subtracted from its social value)."""
    return -sum(assessment.measures[m.id].value or 0.0 for m in framework.measures if m.direction == "harm")


def ranks(points: Sequence[float]) -> list[int]:
    """Competition ranks, highest first: 1 + how many have more than 1e-9 more points (so 1, 2, 2, 4)."""
    ordered = sorted(points)
    return [1 + len(ordered) - bisect_right(ordered, p + TIE_TOLERANCE) for p in points]
