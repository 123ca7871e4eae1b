"""The portfolio (SPEC §6): £ committed, expected to date and delivered across every monitored contract, by theme
and by supplier, and the contracts by rating.

Pure Python like the engine: a batch keeps one light ``Brief`` per delivery workbook, ``portfolio`` totals them,
and the portfolio report only formats the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Sequence

from ..framework.model import Framework
from .engine import RATINGS, ContractDelivery

if TYPE_CHECKING:
    from .reader import DeliveryReturn


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

    @classmethod
    def of(cls, read: DeliveryReturn, figures: ContractDelivery | None) -> Brief:
        """The brief of a workbook as read, with its figures unless it was rejected or superseded."""
        errors = tuple(e.message for e in read.findings if e.severity == "error")
        if figures is None:
            return cls(read.file, read.status, read.supplier, read.contract_reference, errors=errors, superseded_by=read.superseded_by or "")
        f = figures
        return cls(read.file, read.status, read.supplier, read.contract_reference, f.period, f.periods, f.rating, f.share, f.share_value,
                   f.share_count, (f.sv_committed, f.sv_expected, f.sv_delivered), {t: tuple(m) for t, m in f.themes.items()})  # type: ignore[misc]


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
    )
