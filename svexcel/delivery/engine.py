"""The delivery engine (SPEC §6): what a contract delivered against its commitments, period by period.

Pure Python with no Excel dependency, like ``svexcel.scoring``: the delivery reports, the summary,
``delivery.json`` and the live monitoring workbook's formulas all reproduce or call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Mapping, NamedTuple, Sequence

from ..framework.model import Framework, Measure
from ..tender.scoring import measure_result

Accrual = Literal["flow", "level"]
ACCRUALS: tuple[Accrual, ...] = ("flow", "level")
ACCRUAL_WORDS: dict[str, str] = {"flow": "delivered in the period", "level": "position at the end of the period"}  # what to type
RATINGS = ("Good", "Approaching target", "Requires improvement", "Inadequate")
RAGS = ("Green", "Amber", "Red")
NOT_DUE = "Not yet due"  # shown where a measure or KPI not yet due has no RAG or rating
METHODS = ("value", "count")
BASES = ("claimed", "validated")
KPI_COUNT = 3


@dataclass(frozen=True)
class DeliverySettings:
    """The Settings keys of delivery monitoring, and any measure's ``accrues`` given in the framework."""

    rag_green: float = 0.95
    rag_amber: float = 0.85
    rating_good: float = 0.95
    rating_approaching: float = 0.90
    rating_requires_improvement: float = 0.85
    rating_method: str = "value"
    rating_basis: str = "claimed"
    verify_all_above: float = 10_000.0
    accrues: Mapping[str, Accrual] = field(default_factory=dict)

    def accrual(self, measure: Measure) -> Accrual:
        """How ``measure`` accrues: its ``accrues`` column, else the default for its kind and direction."""
        return self.accrues.get(measure.id) or default_accrual(measure.kind, measure.direction)

    def rag(self, progress: float) -> str:
        """Green, Amber or Red for a progress in 0–1."""
        return "Green" if progress >= self.rag_green else "Amber" if progress >= self.rag_amber else "Red"

    def rating(self, share: float) -> str:
        """The Procurement Act s.71 category for a share in 0–1."""
        if share >= self.rating_good:
            return "Good"
        if share >= self.rating_approaching:
            return "Approaching target"
        if share >= self.rating_requires_improvement:
            return "Requires improvement"
        return "Inadequate"


def default_accrual(kind: str, direction: str) -> Accrual:
    """The default when a framework does not declare it: flow for monetised and target-benefit measures, else level."""
    return "flow" if kind == "monetised" or (kind == "target" and direction == "benefit") else "level"


class Commitment(NamedTuple):
    """What the contract commits to for one measure (None: not monitored) and the first period it is due."""

    committed: float | None
    starts: int = 1


class MeasureDelivery(NamedTuple):
    """One monitored measure at the reporting period: amounts in its unit, progress 0–1, RAG, and £ (monetised).
    A measure not yet due (before its first period) has no progress and no RAG (None)."""

    committed: float
    delivered: float
    expected: float
    progress: float | None
    rag: str | None
    accrues: Accrual
    due: bool
    sv_committed: float | None = None
    sv_expected: float | None = None
    sv_delivered: float | None = None

    @property
    def shortfall(self) -> float:
        """How far delivery is below what is expected to date, in the measure's unit (0 when at or above it)."""
        return max(self.expected - self.delivered, 0.0)


class Money(NamedTuple):
    """£ committed, expected to date and delivered (harms negative)."""

    committed: float
    expected: float
    delivered: float


class Kpi(NamedTuple):
    """A key performance indicator: a measure rated from its own progress; one not yet due has neither (None)."""

    measure: str
    progress: float | None
    rating: str | None
    due: bool = True


@dataclass(frozen=True)
class ContractDelivery:
    """Everything SPEC §6 computes for one contract at reporting period ``period`` of ``periods``; ``behind`` the
    benefits not Green, worst progress first (then by id), ``over`` the harms and lower-is-better measures over
    their commitment, in framework order."""

    period: int
    periods: int
    measures: dict[str, MeasureDelivery]
    themes: dict[str, Money]
    benefit_expected_by_period: tuple[float, ...]
    benefit_delivered_by_period: tuple[float, ...]
    sv_committed: float
    sv_expected: float
    sv_delivered: float
    sv_forecast: float | None
    benefit_expected: float
    benefit_delivered: float
    harm_expected: float
    harm_delivered: float
    share_count: float
    share_value: float
    method: str
    rating: str
    kpis: tuple[Kpi, ...]
    behind: tuple[str, ...] = ()
    over: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """The share the rating uses."""
        return self.share_value if self.method == "value" else self.share_count

    def rag_counts(self) -> dict[str, int]:
        """How many monitored measures are Green, Amber and Red (those not yet due are none of them)."""
        return {rag: sum(m.rag == rag for m in self.measures.values()) for rag in RAGS}

    @property
    def due(self) -> int:
        """How many monitored measures are due by the reporting period (share_count's denominator)."""
        return sum(m.due for m in self.measures.values())


def expected_amount(accrues: Accrual, committed: float, starts: int, period: int, periods: int) -> float:
    """What is due by ``period``: a flow builds up evenly from ``starts`` (c × k / N when it starts in P1);
    a level is due in full once started; nothing before ``starts``."""
    if period < starts:
        return 0.0
    if accrues == "level":
        return committed
    return committed * (min(period, periods) - starts + 1) / (periods - starts + 1)


def delivered_amount(accrues: Accrual, actuals: Sequence[float | None], period: int) -> float:
    """A flow's sum of the actuals up to ``period`` (blank = 0); a level's latest non-blank actual (none: 0)."""
    reported = actuals[:period]
    if accrues == "flow":
        return sum((a for a in reported if a is not None), 0.0)
    return next((a for a in reversed(reported) if a is not None), 0.0)


def lower_is_better(measure: Measure) -> bool:
    """True for a harm or a lower-is-better target: delivering less than committed is on track."""
    return measure.direction in ("harm", "lower_is_better")


def progress_of(measure: Measure, accrues: Accrual, delivered: float, expected: float, due: bool) -> float | None:
    """Progress 0–1: delivered against expected, capped at 1; for harms and lower-is-better, 1 while at or under;
    None while not yet due."""
    if not due:
        return None
    if lower_is_better(measure):
        return 1.0 if delivered <= expected else expected / delivered
    if expected <= 0:
        return 1.0
    return min(delivered / expected, 1.0)


def measure_delivery(measure: Measure, settings: DeliverySettings, commitment: Commitment,
                     actuals: Sequence[float | None], period: int, periods: int) -> MeasureDelivery:
    """One monitored measure's delivery at ``period`` of ``periods``."""
    committed = commitment.committed or 0.0
    accrues = settings.accrual(measure)
    due = period >= commitment.starts
    expected = expected_amount(accrues, committed, commitment.starts, period, periods)
    delivered = delivered_amount(accrues, actuals, period)
    progress = progress_of(measure, accrues, delivered, expected, due)
    money: tuple[float | None, ...] = (None, None, None)
    if measure.kind == "monetised":
        money = tuple(measure_result(measure, amount).value for amount in (committed, expected, delivered))
    rag = None if progress is None else settings.rag(progress)
    return MeasureDelivery(committed, delivered, expected, progress, rag, accrues, due, *money)


def monitor(framework: Framework, settings: DeliverySettings, commitments: Mapping[str, Commitment],
            actuals: Mapping[str, Sequence[float | None]], period: int, periods: int) -> ContractDelivery:
    """Every figure of SPEC §6 for one contract at reporting period ``period`` (0 = nothing reported yet). A measure not
    yet due moves no share and no rating: it is outside share_count and, with anything delivered early, outside the
    benefit £ that share_value compares (the net figures include that early delivery)."""
    monitored = [m for m in framework.measures if commitments.get(m.id, Commitment(None)).committed is not None]
    measures = {m.id: measure_delivery(m, settings, commitments[m.id], actuals.get(m.id, ()), period, periods) for m in monitored}
    benefits = [m for m in monitored if m.kind == "monetised" and m.direction == "benefit"]
    harms = [m.id for m in monitored if m.kind == "monetised" and m.direction == "harm"]
    benefit_expected = _pounds(measures[m.id].sv_expected for m in benefits if measures[m.id].due)
    benefit_delivered = _pounds(measures[m.id].sv_delivered for m in benefits if measures[m.id].due)
    share_value = min(benefit_delivered / benefit_expected, 1.0) if benefit_expected > 0 else 1.0
    due = [d for d in measures.values() if d.due]
    share_count = sum(d.rag == "Green" for d in due) / len(due) if due else 1.0
    themes = {t.id: _money([measures[m.id] for m in monitored if m.theme_id == t.id]) for t in framework.themes}
    total = _money(list(measures.values()))
    method = settings.rating_method
    behind = tuple(i for _, i in sorted((measures[m.id].progress, m.id) for m in monitored
                                        if measures[m.id].due and measures[m.id].rag != "Green" and not lower_is_better(m)))
    over = tuple(m.id for m in monitored if lower_is_better(m) and measures[m.id].due and (measures[m.id].progress or 0) < 1)
    expected_by_period, delivered_by_period = _benefit_profile(benefits, settings, commitments, actuals, period, periods)
    return ContractDelivery(
        period, periods, measures, themes, expected_by_period, delivered_by_period,
        total.committed, total.expected, total.delivered, total.delivered * periods / period if period > 0 else None,
        benefit_expected, benefit_delivered, _pounds(measures[i].sv_expected for i in harms), _pounds(measures[i].sv_delivered for i in harms),
        share_count, share_value, method,
        settings.rating(share_value if method == "value" else share_count), kpis(framework, settings, measures),
        behind, over,
    )


def _benefit_profile(benefits: Sequence[Measure], settings: DeliverySettings, commitments: Mapping[str, Commitment],
                     actuals: Mapping[str, Sequence[float | None]], period: int, periods: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The chart's cumulative benefit £ of the measures due at each period: expected over every period, delivered to
    ``period`` (the last of which is ``benefit_delivered``); empty without monetised benefit commitments."""
    if not benefits:
        return (), ()
    expected, delivered = [0.0] * periods, [0.0] * min(period, periods)
    for m in benefits:
        commitment, accrues, series = commitments[m.id], settings.accrual(m), actuals.get(m.id, ())
        committed = commitment.committed or 0.0
        so_far = 0.0  # delivered_amount at each period, in one pass
        for p in range(1, periods + 1):
            figure = series[p - 1] if p <= len(series) else None
            if figure is not None:
                so_far = so_far + figure if accrues == "flow" else figure
            if p < commitment.starts:
                continue
            expected[p - 1] += measure_result(m, expected_amount(accrues, committed, commitment.starts, p, periods)).value or 0.0
            if p <= period:
                delivered[p - 1] += measure_result(m, so_far).value or 0.0
    return tuple(expected), tuple(delivered)


def _money(measures: Sequence[MeasureDelivery]) -> Money:
    """The £ committed, expected and delivered of the monetised measures among ``measures``."""
    priced = [d for d in measures if d.sv_committed is not None]
    return Money(_pounds(d.sv_committed for d in priced), _pounds(d.sv_expected for d in priced), _pounds(d.sv_delivered for d in priced))


def _pounds(values: Iterable[float | None]) -> float:
    """The sum of monetised measures' £ (always a float, 0.0 for none)."""
    return sum((v or 0.0 for v in values), 0.0)


def kpis(framework: Framework, settings: DeliverySettings, measures: Mapping[str, MeasureDelivery]) -> tuple[Kpi, ...]:
    """The three monitored monetised benefit measures with the largest committed £ (ties in framework order), each rated
    from its own progress; one not yet due stays a KPI, unrated."""
    candidates = [
        (m.id, measures[m.id]) for m in framework.measures
        if m.id in measures and m.kind == "monetised" and m.direction == "benefit" and (measures[m.id].sv_committed or 0) > 0
    ]
    ranked = sorted(candidates, key=lambda pair: -(pair[1].sv_committed or 0.0))[:KPI_COUNT]
    return tuple(Kpi(ident, d.progress, None if d.progress is None else settings.rating(d.progress), d.due) for ident, d in ranked)
