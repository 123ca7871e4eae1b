"""The delivery Reporter: Word delivery reports and the portfolio, with both templates prepared and checked once."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..core import paths
from ..core.findings import Finding
from ..framework.model import Framework
from ..word.accessibility import template_findings
from ..word.docx_template import PreparedTemplate, template_environment
from .chart import delivery_chart
from .claims import Recorded, claims_of
from .engine import Commitment, DeliverySettings
from .portfolio import Brief
from .reader import Action, DeliveryReturn
from .report import DeliveryFacts, delivery_context, portfolio_context
from .result import DeliveryResult, monitor_contract

CHART = "chart_alt"
EXAMPLE_DATE = "2026-01-01"


class DeliveryReporter:
    """Renders delivery reports and the portfolio (.docx bytes) for one framework and its delivery settings."""

    def __init__(self, framework: Framework, settings: DeliverySettings, delivery_template: Path | None = None,
                 portfolio_template: Path | None = None) -> None:
        self.framework = framework
        self._facts = DeliveryFacts(framework, settings)
        env = template_environment()
        self._delivery = PreparedTemplate(Path(delivery_template or paths.DELIVERY_TEMPLATE), env, [CHART])
        self._portfolio = PreparedTemplate(Path(portfolio_template or paths.PORTFOLIO_TEMPLATE), env)
        example = example_result(framework, settings)
        self._delivery.check(delivery_context(self._facts, example, EXAMPLE_DATE))
        self._portfolio.check(portfolio_context(self._facts, example_briefs(example), EXAMPLE_DATE))
        self.accessibility: list[Finding] = []  # an officer's own templates, filled in with the example, checked (SPEC §10)
        if delivery_template is not None:
            self.accessibility += template_findings(delivery_template, self.delivery(example, EXAMPLE_DATE))
        if portfolio_template is not None:
            self.accessibility += template_findings(portfolio_template, self.portfolio(example_briefs(example), EXAMPLE_DATE))

    def delivery(self, result: DeliveryResult, date: str) -> bytes:
        """The delivery report of one monitored contract, as .docx bytes."""
        images = {}
        slot = self._delivery.charts.get(CHART)
        if slot is not None and result.figures is not None:
            images[CHART] = delivery_chart(result.figures.benefit_expected_by_period, result.figures.benefit_delivered_by_period, slot.canvas)
        return self._delivery.render(delivery_context(self._facts, result, date), images)

    def portfolio(self, briefs: Sequence[Brief], date: str) -> bytes:
        """The portfolio report of every delivery workbook in a batch, as .docx bytes."""
        return self._portfolio.render(portfolio_context(self._facts, briefs, date), {})


def example_result(framework: Framework, settings: DeliverySettings) -> DeliveryResult:
    """A made-up contract with every kind of content (shortfalls, an action, a harm over, a measure not yet due, findings,
    a verification round with a rejected claim), to try templates on."""
    periods, period = 8, 3
    last = framework.measures[-1].id
    commitments = {m.id: Commitment(1.0 if m.kind == "binary" else 100.0, period + 1 if m.id == last else 1) for m in framework.measures}
    actuals = {m.id: [1.0 if m.kind == "binary" else (60.0 if i % 3 else 10.0)] * period + [None] * (periods - period)
               for i, m in enumerate(framework.measures)}
    first = framework.measures[0].id
    read = DeliveryReturn(
        "example-delivery.xlsx", "Example Co-operative", "EX-001", 100000.0, "2026-04-01", 2.0, 4, periods, period, True,
        "example.xlsx", commitments, actuals, evidence={first: "Example evidence"},
        actions=[Action(first, "Example issue", "Example recovery action", "Example owner", "2026-12-31", "Open")],
        findings=[Finding("period-not-reported", "warning", "Example warning.", "example-delivery.xlsx", "Delivery", "G6")],
    )
    recorded = [Recorded(c, "Rejected" if n == 0 else "Verified", "Example note.", f"A{6 + n}")
                for n, c in enumerate(claims_of(framework, settings, read)[:2])]
    return monitor_contract(framework, settings, read, recorded)


def example_briefs(example: DeliveryResult) -> list[Brief]:
    """The example contract, a rejected file and a superseded one, for the portfolio template."""
    rejected = DeliveryResult(DeliveryReturn("rejected.xlsx", findings=[Finding("not-a-number", "error", "Example error.", "rejected.xlsx", "Delivery", "H7")]))
    superseded = DeliveryReturn("older.xlsx", superseded_by="example-delivery.xlsx")
    return [Brief.of(example), Brief.of(rejected), Brief.of(DeliveryResult(superseded))]
