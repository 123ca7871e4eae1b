"""The portfolio (SPEC §6): £ committed, expected to date and delivered across every monitored contract, by theme
and by supplier, benefit claimed and validated and harms, and the contracts by rating.

Pure Python like the engine: a batch keeps one light ``Brief`` per delivery workbook, ``portfolio`` totals them,
and the portfolio report only formats the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Sequence

from ..framework.model import Framework
from .engine import RATINGS

if TYPE_CHECKING:
    from .result import DeliveryResult


@dataclass(frozen=True)
class Brief:
    """What the portfolio needs of one delivery workbook: light figures only."""

    file: str
    status: str
    supplier: str = ""
    contract_reference: str = ""
    period: int = 0
    periods: int = 0
    rating: str = ""
    share: float = 0.0
    share_value: float = 0.0
    share_count: float = 0.0
    money: tuple[float, float, float] = (0.0, 0.0, 0.0)
    themes: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    superseded_by: str = ""
    provisional: bool = False  # the supplier has not attested the figures
    benefit: tuple[float, float, float] = (0.0, 0.0, 0.0)  # £ of benefit expected to date, claimed delivered, validated
    harms: float = 0.0  # £ of harms delivered (a positive amount: the net subtracts it)

    @classmethod
    def of(cls, result: DeliveryResult) -> Brief:
        """The brief of a workbook's result: its claimed £ and, unless it was rejected or superseded, the rating and shares
        of the figures rating_basis names, its benefit claimed and validated."""
        read, f, rated, v = result.read, result.figures, result.rated, result.validated
        errors = tuple(e.message for e in read.findings if e.severity == "error")
        if f is None or rated is None or v is None:
            return cls(read.file, read.status, read.supplier, read.contract_reference, errors=errors, superseded_by=read.superseded_by or "")
        return cls(read.file, read.status, read.supplier, read.contract_reference, f.period, f.periods, rated.rating, rated.share,
                   rated.share_value, rated.share_count, (f.sv_committed, f.sv_expected, f.sv_delivered),
                   {t: tuple(m) for t, m in f.themes.items()}, provisional=result.provisional,  # type: ignore[misc]
                   benefit=(f.benefit_expected, f.benefit_delivered, v.benefit_delivered), harms=-f.harm_delivered)


class Totals(NamedTuple):
    """£ committed, expected to date and delivered over some contracts, and how many contracts they are."""

    contracts: int
    committed: float
    expected: float
    delivered: float

    @property
    def share(self) -> float | None:
        """Delivered ÷ expected to date; None while nothing is expected."""
        return self.delivered / self.expected if self.expected > 0 else None


@dataclass(frozen=True)
class Portfolio:
    """Every figure of the portfolio report."""

    total: Totals
    themes: dict[str, Totals]  # framework order; contracts counted where the theme has any £
    suppliers: dict[str, Totals]  # largest £ committed first, then by name ("" for no supplier name)
    ratings: dict[str, int]  # contracts per rating, best first
    contracts: tuple[Brief, ...]  # monitored, best rating first, then lowest share, then contract reference
    rejected: tuple[Brief, ...]
    superseded: tuple[Brief, ...]
    benefit: Totals  # benefit £ (the value share's): committed is 0, expected to date, claimed delivered
    harms: float  # £ of harms delivered
    validated: float  # benefit £ validated: claimed less claims rejected on verification
    provisional: int  # ratings from figures the supplier has not attested


def portfolio(framework: Framework, briefs: Sequence[Brief]) -> Portfolio:
    """Total the monitored contracts among ``briefs`` by theme and by supplier, and order them by rating."""
    scored = [b for b in briefs if b.status == "scored"]
    by_theme = {t.id: [0.0, 0.0, 0.0] for t in framework.themes}
    by_supplier: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for b in scored:
        for t, values in b.themes.items():
            by_theme[t] = [a + v for a, v in zip(by_theme[t], values, strict=True)]
        by_supplier[b.supplier] = [a + v for a, v in zip(by_supplier.get(b.supplier, [0.0, 0.0, 0.0]), b.money, strict=True)]
        counts[b.supplier] = counts.get(b.supplier, 0) + 1
    total = Totals(len(scored), *(sum(b.money[i] for b in scored) for i in range(3)))
    themes = {t: Totals(sum(1 for b in scored if any(b.themes.get(t, ()))), *values) for t, values in by_theme.items()}
    suppliers = {name: Totals(counts[name], *values) for name, values in sorted(by_supplier.items(), key=lambda kv: (-kv[1][0], kv[0]))}
    return Portfolio(
        total, themes, suppliers, {r: sum(b.rating == r for b in scored) for r in RATINGS},
        tuple(sorted(scored, key=lambda b: (RATINGS.index(b.rating), b.share, b.contract_reference))),
        tuple(b for b in briefs if b.status == "rejected"), tuple(b for b in briefs if b.status == "superseded"),
        Totals(len(scored), 0.0, sum(b.benefit[0] for b in scored), sum(b.benefit[1] for b in scored)),
        sum(b.harms for b in scored), sum(b.benefit[2] for b in scored), sum(b.provisional for b in scored),
    )
