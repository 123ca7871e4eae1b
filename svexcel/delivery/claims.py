"""Claims and their verification (SPEC §6 v3): what a supplier claims, a reproducible £-weighted sample of claims for
officers to check against evidence, and the validated figures (claimed less rejected claims).

A *claim* is one measure's figure for one period that adds £ of benefit: each period's figure of a monetised benefit
flow, and the latest figure of a monetised benefit level (earlier ones no longer count). Pure Python like the engine.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Mapping, NamedTuple, Sequence

from ..framework.model import Framework
from ..tender.scoring import measure_result
from .engine import DeliverySettings
from .reader import ContractKey, DeliveryReturn

STATUSES = ("Verified", "Not verified", "Rejected")  # what an officer records; blank: not checked yet
ABOVE, DRAWN = "above", "drawn"  # why a claim is in the sample


class Claim(NamedTuple):
    """One measure's figure for one period of one contract, and the £ of benefit it adds."""

    contract: ContractKey
    file: str
    supplier: str
    reference: str
    winning_return: str
    measure: str
    period: int
    figure: float
    value: float
    evidence: str

    @property
    def key(self) -> ClaimKey:
        """The claim as it is matched to a contract's current figures: contract, measure and period."""
        return self.contract, self.measure, self.period


ClaimKey = tuple[ContractKey, str, int]


def claims_of(framework: Framework, settings: DeliverySettings, read: DeliveryReturn) -> list[Claim]:
    """Every claim of one monitored contract, in framework order then by period."""
    found = []
    for m in framework.measures:
        commitment = read.commitments.get(m.id)
        if commitment is None or m.kind != "monetised" or m.direction != "benefit":
            continue
        unit = measure_result(m, 1.0).value or 0.0
        series = read.actuals.get(m.id, [])[: read.period]
        if settings.accrual(m) == "level":
            latest = next((p for p in range(len(series), 0, -1) if series[p - 1] is not None), None)
            periods = [] if latest is None else [latest]
        else:
            periods = [p for p in range(1, len(series) + 1) if series[p - 1] is not None]
        for p in periods:
            figure = series[p - 1]
            if figure is not None and figure * unit > 0:
                found.append(Claim(read.contract, read.file, read.supplier, read.contract_reference, read.winning_return, m.id, p,
                                   figure, figure * unit, read.evidence.get(m.id, "")))
    return found


class Recorded(NamedTuple):
    """One sampled claim as an officer left it: its status ('' not checked yet), note and Claim cell on the workbook."""

    claim: Claim
    status: str
    note: str = ""
    ref: str = ""


class Sampled(NamedTuple):
    """A claim in the sample, and why: above verify_all_above, or drawn at random weighted by £."""

    claim: Claim
    why: str


def draw(claims: Sequence[Claim], size: int, seed: int, verify_all_above: float) -> list[Sampled]:
    """``size`` claims (more when more are above ``verify_all_above``, which are always in), the rest drawn without
    replacement with chances in proportion to £ (Efraimidis–Spirakis keys from ``random.Random(seed)``, so one seed and
    one set of claims always give one sample); in the order of ``claims``."""
    rng = random.Random(seed)
    keys = [math.log(1.0 - rng.random()) / c.value for c in claims]  # log of u^(1/£); every claim draws, so the stream never shifts
    above = {i for i, c in enumerate(claims) if c.value > verify_all_above}
    rest = sorted((i for i in range(len(claims)) if i not in above), key=lambda i: (-keys[i], i))
    drawn = set(rest[: max(size - len(above), 0)])
    return [Sampled(c, ABOVE if i in above else DRAWN) for i, c in enumerate(claims) if i in above or i in drawn]


@dataclass(frozen=True)
class Verification:
    """What officers recorded for one contract's sampled claims (those still as claimed): £ by status."""

    recorded: tuple[Recorded, ...] = ()

    def value(self, status: str) -> float:
        """£ of the claims with ``status`` ('' for not checked yet)."""
        return sum(r.claim.value for r in self.recorded if r.status == status)

    @property
    def sampled(self) -> float:
        """£ of every sampled claim."""
        return sum(r.claim.value for r in self.recorded)

    @property
    def verified(self) -> float:
        """£ of the claims Verified."""
        return self.value("Verified")

    @property
    def rejected(self) -> tuple[Recorded, ...]:
        """The claims Rejected: taken out of the validated figures."""
        return tuple(r for r in self.recorded if r.status == "Rejected")


def validated_actuals(actuals: Mapping[str, Sequence[float | None]], rejected: Sequence[Recorded]) -> dict[str, list[float | None]]:
    """The actuals with each rejected claim's figure taken as 0: nothing of it is validated."""
    out = {ident: list(series) for ident, series in actuals.items()}
    for r in rejected:
        out[r.claim.measure][r.claim.period - 1] = 0.0
    return out


def claimed_figure(read: DeliveryReturn, measure: str, period: int) -> float | None:
    """What the contract's file now reports for ``measure`` in ``period`` (None: blank or not reported)."""
    series = read.actuals.get(measure, [])
    return series[period - 1] if 0 < period <= min(len(series), read.period) else None

