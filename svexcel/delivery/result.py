"""One contract's result (SPEC §6): the delivery workbook as read, the engine's figures from what the supplier claims
and from what is validated (claimed less claims rejected on verification), and which of them the rating uses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from ..core.findings import Findings
from ..framework.model import Framework
from .claims import Recorded, Verification, claimed_figure, validated_actuals
from .engine import ContractDelivery, DeliverySettings, monitor
from .layout import DELIVERY
from .reader import DeliveryReturn


@dataclass
class DeliveryResult:
    """A delivery workbook as read and, unless rejected or superseded, its claimed and validated figures."""

    read: DeliveryReturn
    figures: ContractDelivery | None = None  # from the figures claimed
    validated: ContractDelivery | None = None  # from the claimed figures less those rejected on verification
    verification: Verification | None = None  # the contract's sampled claims, when a verification workbook was given
    basis: str = "claimed"  # Settings rating_basis: which figures the rating uses
    report: str | None = None
    report_error: str | None = None

    @property
    def status(self) -> str:
        """``scored``, ``rejected`` or ``superseded``."""
        return self.read.status

    @property
    def rated(self) -> ContractDelivery | None:
        """The figures the rating and KPIs come from: the validated ones under rating_basis = validated."""
        return self.validated if self.basis == "validated" else self.figures

    @property
    def provisional(self) -> bool:
        """True when the supplier has not attested the figures: the rating is provisional."""
        return not self.read.attestation

    @property
    def verified_share(self) -> float:
        """£ of claims Verified ÷ £ of benefit claimed delivered (0 when nothing was verified or nothing is claimed)."""
        f, v = self.figures, self.verification
        return v.verified / f.benefit_delivered if f is not None and v is not None and f.benefit_delivered > 0 else 0.0


def monitor_contract(framework: Framework, settings: DeliverySettings, read: DeliveryReturn,
                     recorded: Sequence[Recorded] | None = None) -> DeliveryResult:
    """Every figure of one delivery workbook: claimed, and validated against ``recorded`` (the contract's claims in a
    verification workbook; None when none was given). A sampled claim whose figure has since changed is restated:
    its status no longer applies (a ``claim-restated`` warning names the cell)."""
    result = DeliveryResult(read, basis=settings.rating_basis)
    if read.status != "scored":
        return result
    result.figures = monitor(framework, settings, read.commitments, read.actuals, read.period, read.periods)
    if recorded is None:
        result.validated = result.figures
        return result
    current = []
    findings = Findings(read.file, DELIVERY, read.findings)
    for r in recorded:
        c = r.claim
        now = claimed_figure(read, c.measure, c.period)
        if now is not None and math.isclose(now, c.figure, rel_tol=1e-9):
            current.append(r)
        elif r.status:
            shown = "blank" if now is None else f"{now:,.10g}"
            findings.add("claim-restated", f"P{c.period} of {c.measure} is {shown} here but was {c.figure:,.10g} when it was sampled for "
                         f"verification (claim {r.ref or '?'} of the verification workbook, marked {r.status}); that status no longer "
                         "applies. Check the new figure's evidence in the next verification round.",
                         read.cells.get(c.measure, [""] * c.period)[c.period - 1] if c.period <= len(read.cells.get(c.measure, [])) else "")
    result.verification = Verification(tuple(current))
    rejected = result.verification.rejected
    result.validated = result.figures if not rejected else monitor(
        framework, settings, read.commitments, validated_actuals(read.actuals, rejected), read.period, read.periods)
    return result
