"""What the delivery and portfolio Word templates see: the engine's figures for a contract, formatted for display.

Every value is a display string (or rows of display strings), as for the scoring reports;
docs/template-variables.md lists the variables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from ..core.findings import sort_findings
from ..core.formatting import DASH, clean_text, money, percent, plural
from ..framework.model import Framework, Measure
from . import labels
from .engine import NOT_DUE, RATINGS, ContractDelivery, DeliverySettings, lower_is_better
from .layout import period_span
from .portfolio import Brief, Totals, portfolio
from .reader import Action, DeliveryReturn
from .result import DeliveryResult

METHOD_NAMES = {"value": "by value: £ of benefit delivered ÷ £ expected to date",
                "count": "by count: the share of monitored measures that are Green"}
SHOWN_BEHIND = 5
NO_SUPPLIER = "(no supplier name)"


@dataclass(frozen=True)
class MeasureRow:
    """A monitored measure at the reporting period."""

    id: str
    name: str
    unit: str
    accrues: str
    committed: str
    expected: str
    delivered: str
    progress: str
    rag: str
    sv_delivered: str


@dataclass(frozen=True)
class ThemeBlock:
    """A theme's monitored measures and its £."""

    id: str
    name: str
    committed: str
    expected: str
    delivered: str
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True)
class ShortfallRow:
    """A benefit behind its expected delivery, with the recovery actions logged for it."""

    id: str
    name: str
    unit: str
    expected: str
    delivered: str
    gap: str
    progress: str
    rag: str
    actions: str


@dataclass(frozen=True)
class KpiRow:
    """A key performance indicator and its rating."""

    id: str
    name: str
    progress: str
    rating: str


@dataclass(frozen=True)
class FindingRow:
    """A finding as shown in a report."""

    severity: str
    where: str
    message: str


def long_date(day: dt.date) -> str:
    """``1 April 2026``."""
    return f"{day.day} {day:%B %Y}"


def covered(read: DeliveryReturn) -> tuple[dt.date, dt.date] | None:
    """The first and last day the reporting covers (the contract start to the end of the reporting period)."""
    if not read.start or not read.period or not read.periods_per_year:
        return None
    start = dt.date.fromisoformat(read.start)
    return start, period_span(start, read.periods_per_year, read.period)[1]


def _rows(framework: Framework, figures: ContractDelivery, measure: Measure) -> MeasureRow:
    d = figures.measures[measure.id]
    shown = _yes_no if measure.kind == "binary" else amount
    return MeasureRow(measure.id, measure.name, measure.unit, d.accrues, shown(d.committed),
                      shown(d.expected) if d.due else "not yet due", shown(d.delivered), percent(d.progress), d.rag or NOT_DUE,
                      money(d.sv_delivered) if d.sv_delivered is not None else DASH)


def amount(value: float) -> str:
    """A quantity for display: thousands separators, at most two decimals (``13.33``, ``1,200``)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _yes_no(value: float) -> str:
    return "Yes" if value >= 1 else "No" if value == 0 else amount(value)


def rating_reasons(framework: Framework, settings: DeliverySettings, figures: ContractDelivery, basis: str = "claimed") -> list[str]:
    """Why the contract has its rating, in plain words, from the engine's figures (``basis``: claimed or validated)."""
    k = figures.period
    reasons = []
    which = "validated " if basis == "validated" else ""
    if figures.benefit_expected > 0:
        reasons.append(f"By value: {which}benefit delivered against benefit expected (what the value rating uses), "
                       f"{money(figures.benefit_delivered)} against {money(figures.benefit_expected)} expected by P{k}: "
                       f"{percent(figures.share_value, 1)}.")
    else:
        reasons.append(f"By value, no monetised benefit is due by P{k} yet, so the value share is 100%.")
    counts, due = figures.rag_counts(), figures.due
    waiting = len(figures.measures) - due
    later = f"; {waiting} not yet due, left out" if waiting else ""
    reasons.append(f"By count, {counts['Green']} of {plural(due, 'measure')} due are Green "
                   f"({counts['Amber']} Amber, {counts['Red']} Red{later}): {percent(figures.share_count, 1)}.")
    reasons.append(f"The rating is {METHOD_NAMES[figures.method].split(':')[0]} (Settings: rating_method = {figures.method}): "
                   f"{percent(figures.share, 1)} {band_phrase(settings, figures.share)}, so {figures.rating}.")
    behind = figures.behind
    if behind:
        shown = "; ".join(f"{i} {framework.measure_by_id[i].name} ({percent(figures.measures[i].progress)})" for i in behind[:SHOWN_BEHIND])
        more = f" and {len(behind) - SHOWN_BEHIND} more" if len(behind) > SHOWN_BEHIND else ""
        reasons.append(f"Behind the expected delivery: {shown}{more}.")
    if figures.over:
        reasons.append("Harms over the commitment: " + "; ".join(
            f"{m.id} {m.name} ({amount(d.delivered)} {m.unit} against {amount(d.expected)})"
            for m, d in ((framework.measure_by_id[i], figures.measures[i]) for i in figures.over)) + ".")
    return reasons


def band_phrase(settings: DeliverySettings, share: float) -> str:
    """Where a share falls among the rating bands, e.g. 'is at or above 90% and below 95%'."""
    bands = [settings.rating_good, settings.rating_approaching, settings.rating_requires_improvement]
    rating = settings.rating(share)
    index = RATINGS.index(rating)
    if index == 0:
        return f"is at or above {percent(bands[0])}"
    if index == len(RATINGS) - 1:
        return f"is below {percent(bands[-1])}"
    return f"is at or above {percent(bands[index])} and below {percent(bands[index - 1])}"


class DeliveryFacts:
    """The parts of every delivery report's context that depend only on the framework and settings."""

    def __init__(self, framework: Framework, settings: DeliverySettings) -> None:
        self.framework = framework
        self.settings = settings
        s = settings
        self.context: dict[str, Any] = {
            "framework_name": framework.name,
            "framework_version": framework.version,
            "rag_text": f"Green: progress of {percent(s.rag_green)} or more of what is expected to date; Amber: {percent(s.rag_amber)} "
                        f"to {percent(s.rag_green)}; Red: below {percent(s.rag_amber)}.",
            "rating_text": f"Good: {percent(s.rating_good)} or more; Approaching target: {percent(s.rating_approaching)} to "
                           f"{percent(s.rating_good)}; Requires improvement: {percent(s.rating_requires_improvement)} to "
                           f"{percent(s.rating_approaching)}; Inadequate: below {percent(s.rating_requires_improvement)}.",
            "method_name": METHOD_NAMES[s.rating_method],
        }


@dataclass(frozen=True)
class FigureRow:
    """A headline figure with its label: the same words in the report, the portfolio, the summary and the Dashboard."""

    label: str
    value: str


@dataclass(frozen=True)
class ClaimRow:
    """A sampled claim rejected on verification."""

    claim: str
    measure: str
    period: str
    value: str
    note: str


def headline(figures: ContractDelivery, validated: ContractDelivery | None, verified_share: float | None) -> list[FigureRow]:
    """The labelled headline figures: net, benefit against expected, harms and, after verification, validated benefit."""
    rows = [FigureRow(labels.NET, money(figures.sv_delivered)),
            FigureRow(labels.BENEFIT, f"{money(figures.benefit_delivered)} of {money(figures.benefit_expected)} expected "
                                      f"({percent(figures.share_value, 1)})"),
            FigureRow(labels.HARMS, money(-figures.harm_delivered))]
    if validated is not None and verified_share is not None:
        rows += [FigureRow(labels.VALIDATED, f"{money(validated.benefit_delivered)} ({percent(validated.share_value, 1)} of expected)"),
                 FigureRow(labels.VERIFIED_SHARE, percent(verified_share, 1))]
    return rows


def verification_lines(result: DeliveryResult) -> list[str]:
    """What the verification round found for one contract, in plain words."""
    v, f, basis = result.verification, result.figures, result.basis
    if v is None or f is None:
        return ["No verification round was given (delivery batch --verification), so no claim has been checked: the validated "
                "figures are the claimed ones."]
    if not v.recorded:
        return ["None of this contract's claims was in the verification sample: validated figures equal the claimed ones."]
    lines = [f"{plural(len(v.recorded), 'claim')} of this contract, worth {money(v.sampled)}, were sampled for verification: "
             f"{money(v.verified)} Verified, {money(v.value('Not verified'))} Not verified, {money(v.value('Rejected'))} Rejected, "
             f"{money(v.value(''))} not checked yet."]
    lines.append(f"{labels.VALIDATED}: {money(result.validated.benefit_delivered if result.validated else None)} of "
                 f"{money(f.benefit_delivered)} claimed; {labels.VERIFIED_SHARE.lower()}: {percent(result.verified_share, 1)}.")
    lines.append(f"The rating uses the {basis} figures (Settings: rating_basis = {basis}).")
    return lines


def delivery_context(facts: DeliveryFacts, result: DeliveryResult, date: str) -> dict[str, Any]:
    """Everything the delivery report template can use, for one monitored contract."""
    framework, read, figures, rated = facts.framework, result.read, result.figures, result.rated
    assert figures is not None and rated is not None
    span = covered(read)
    rejected = result.verification.rejected if result.verification else ()
    monitored = [m for m in framework.measures if m.id in figures.measures]
    themes = [
        ThemeBlock(t.id, t.name, money(figures.themes[t.id].committed), money(figures.themes[t.id].expected),
                   money(figures.themes[t.id].delivered), tuple(_rows(framework, figures, m) for m in monitored if m.theme_id == t.id))
        for t in framework.themes if any(m.theme_id == t.id for m in monitored)
    ]
    actions = [Action(*(clean_text(v) or DASH for v in (a.measure, a.issue, a.action, a.owner, a.due, a.status))) for a in read.actions]  # as shown: text cleaned, blank as a dash
    return facts.context | {
        "supplier": clean_text(read.supplier) or "(no supplier name)",
        "contract_reference": clean_text(read.contract_reference) or DASH,
        "contract_value": money(read.contract_value) if read.contract_value else "not given",
        "file": clean_text(read.file),
        "winning_return": clean_text(read.winning_return) or DASH,
        "date": date,
        "period": str(figures.period),
        "periods": str(figures.periods),
        "period_text": f"P{figures.period} of {figures.periods}",
        "covered_text": f"{long_date(span[0])} to {long_date(span[1])}" if span else DASH,
        "attestation": "Yes" if read.attestation else "No: the supplier has not confirmed the figures relate only to this contract",
        "rating": rated.rating,
        "provisional": result.provisional,
        "provisional_text": ("Provisional: the supplier has not attested that the figures relate only to this contract and these "
                             "periods (Attestation on the delivery workbook's Cover is not Yes)." if result.provisional else ""),
        "rating_basis": result.basis,
        "share_value": percent(rated.share_value, 1),
        "share_count": percent(rated.share_count, 1),
        "rating_reasons": [clean_text(r) for r in rating_reasons(framework, facts.settings, rated, result.basis)],
        "figures": headline(figures, result.validated if result.verification is not None else None,
                            result.verified_share if result.verification is not None else None),
        "net_label": labels.NET,
        "benefit_label": labels.BENEFIT,
        "harms_label": labels.HARMS,
        "benefit_delivered": money(figures.benefit_delivered),
        "benefit_expected": money(figures.benefit_expected),
        "harms_delivered": money(-figures.harm_delivered),
        "sv_validated": money(result.validated.sv_delivered if result.validated else None),
        "verified_share": percent(result.verified_share, 1),
        "verification": [clean_text(line) for line in verification_lines(result)],
        "rejected_claims": [ClaimRow(clean_text(r.ref), f"{r.claim.measure}  {framework.measure_by_id[r.claim.measure].name}",
                                     f"P{r.claim.period}", money(r.claim.value), clean_text(r.note) or DASH) for r in rejected],
        "sv_committed": money(figures.sv_committed),
        "sv_expected": money(figures.sv_expected),
        "sv_delivered": money(figures.sv_delivered),
        "sv_forecast": money(figures.sv_forecast),
        "forecast_text": _forecast_text(figures),
        "rag_counts": figures.rag_counts(),
        "themes": themes,
        "shortfalls": _shortfalls(framework, figures, read),
        "harms": [_rows(framework, figures, m) for m in monitored if lower_is_better(m)],
        "kpis": [KpiRow(k.measure, framework.measure_by_id[k.measure].name, percent(k.progress), k.rating or NOT_DUE) for k in rated.kpis],
        "actions": actions,
        "findings": [FindingRow(f.severity, clean_text("!".join(p for p in (f.sheet, f.cell) if p)) or DASH, clean_text(f.message))
                     for f in sort_findings(read.findings)],
        "chart_alt": chart_alt(figures),
    }


def _forecast_text(figures: ContractDelivery) -> str:
    if figures.sv_forecast is None:
        return "No period has been reported yet, so there is no forecast."
    return (f"At the rate so far ({money(figures.sv_delivered)} in {plural(figures.period, 'period')}), the contract would deliver "
            f"{money(figures.sv_forecast)} of net social value over its {figures.periods} periods, against {money(figures.sv_committed)} committed.")


def _shortfalls(framework: Framework, figures: ContractDelivery, read: DeliveryReturn) -> list[ShortfallRow]:
    """Benefits not Green, worst first, each with its logged recovery actions."""
    rows = []
    for ident in figures.behind:
        m, d = framework.measure_by_id[ident], figures.measures[ident]
        logged = [a for a in read.actions if a.measure == ident]
        actions = "\n".join(clean_text(f"{a.action or a.issue} ({', '.join(x for x in (a.owner, a.due and 'due ' + a.due, a.status) if x)})")
                            for a in logged) or "No recovery action recorded on the Actions log."
        shown = _yes_no if m.kind == "binary" else amount
        rows.append(ShortfallRow(ident, m.name, m.unit, shown(d.expected), shown(d.delivered), shown(d.shortfall),
                                 percent(d.progress), d.rag or NOT_DUE, actions))
    return rows


def chart_alt(figures: ContractDelivery) -> str:
    """The chart's alternative text: every figure it shows, in words."""
    if not figures.benefit_expected_by_period:
        return "Chart of delivery against the profile: the contract has no monetised benefit commitments."
    delivered = "; ".join(f"P{p} {money(v)}" for p, v in enumerate(figures.benefit_delivered_by_period, 1)) or "nothing reported yet"
    expected = "; ".join(f"P{p} {money(v)}" for p, v in enumerate(figures.benefit_expected_by_period, 1))
    return (f"Line chart of cumulative social value from monetised benefits, delivered against the expected profile over "
            f"{figures.periods} periods. Delivered to date: {delivered}. Expected: {expected}.")


# ------------------------------------------------------------------ the portfolio

@dataclass(frozen=True)
class MoneyRow:
    """£ committed, expected to date and delivered, and delivered ÷ expected."""

    name: str
    contracts: str
    committed: str
    expected: str
    delivered: str
    share: str


@dataclass(frozen=True)
class ContractRow:
    """A contract in the portfolio's list by rating."""

    rating: str
    reference: str
    supplier: str
    period: str
    share_value: str
    share_count: str
    delivered: str
    expected: str
    validated: str = DASH


def _money_row(name: str, totals: Totals) -> MoneyRow:
    return MoneyRow(name, str(totals.contracts), money(totals.committed), money(totals.expected), money(totals.delivered),
                    percent(totals.share))


def portfolio_context(facts: DeliveryFacts, briefs: Sequence[Brief], date: str) -> dict[str, Any]:
    """Everything the portfolio template can use: £ by theme and supplier, contracts by rating, files not used."""
    framework = facts.framework
    p = portfolio(framework, briefs)
    benefit = p.benefit
    figures = [FigureRow(labels.NET, money(p.total.delivered)),
               FigureRow(labels.BENEFIT, f"{money(benefit.delivered)} of {money(benefit.expected)} expected ({percent(benefit.share)})"),
               FigureRow(labels.HARMS, money(p.harms)),
               FigureRow(labels.VALIDATED, f"{money(p.validated)} of {money(benefit.delivered)} claimed")]
    return facts.context | {
        "date": date,
        "counts_text": f"{plural(len(briefs), 'delivery workbook')}: {p.total.contracts} monitored, {len(p.rejected)} rejected, "
                       f"{len(p.superseded)} superseded by a later file for the same contract.",
        "contract_count": str(p.total.contracts),
        "total": _money_row("All contracts", p.total),
        "themes": [_money_row(clean_text(t.name) or DASH, p.themes[t.id]) for t in framework.themes],
        "suppliers": [_money_row(NO_SUPPLIER if not name else clean_text(name) or DASH, totals) for name, totals in p.suppliers.items()],
        "ratings": [{"rating": r, "count": str(count)} for r, count in p.ratings.items()],
        "contracts": [ContractRow(f"{b.rating} (provisional)" if b.provisional else b.rating, clean_text(b.contract_reference) or DASH,
                                  clean_text(b.supplier) or DASH, f"P{b.period} of {b.periods}", percent(b.share_value), percent(b.share_count),
                                  money(b.money[2]), money(b.money[1]), money(b.benefit[2])) for b in p.contracts],
        "figures": figures,
        "provisional_text": (f"{plural(p.provisional, 'rating')} marked provisional: the supplier has not attested that the figures "
                             "relate only to the contract and its periods." if p.provisional else ""),
        "rejected": [{"file": clean_text(b.file), "errors": [clean_text(e) for e in b.errors]} for b in p.rejected],
        "superseded": [{"file": clean_text(b.file), "by": clean_text(b.superseded_by)} for b in p.superseded],
    }
