"""Made-up results with every kind of content, used to try a template out before a batch relies on it."""

from __future__ import annotations

from ...core.findings import Finding
from ...framework.model import Framework
from ..award import Standing
from ..results import Competition, ReturnResult
from ..return_reader import Return
from ..scoring import assess, compete
from .assessment import AwardView

EXAMPLE_DATE = "2026-01-01"


def example_results(framework: Framework) -> tuple[list[ReturnResult], Competition]:
    """A scored return (with a warning and a note) and a rejected one, and the competition they form."""
    quantities: dict[str, float | None] = {
        m.id: 1.0 if m.kind == "binary" else (m.target or 2.0) / 2 if m.kind == "target" else 10.0 for m in framework.measures
    }
    scored = Return(
        "example.xlsx", organisation="Example Co-operative", contract_reference="EX-001", contract_value=100000.0,
        contract_years=1.0, postal_address="1 Example Street, Exampleton EX1 1AA", email="bids@example.coop",
        unique_identifier="PUK-EXAMPLE-1", quantities=quantities,
        evidence={m.id: "Example evidence" for m in framework.measures},
        narrative={t.id: "Example response" for t in framework.themes},
        findings=[
            Finding("unanswered", "warning", "Example warning.", "example.xlsx", "Commitments", "F6"),
            Finding("number-as-text", "info", "Example note.", "example.xlsx", "Commitments", "F7"),
            Finding("outlier", "warning", "Example plausibility warning.", "example.xlsx", "Commitments", "F9",
                    "Example clarification question?"),
        ],
    )
    rejected = Return("rejected.xlsx", organisation="Rejected Example Ltd", findings=[
        Finding("not-a-number", "error", "Example error.", "rejected.xlsx", "Commitments", "F8"),
    ])
    assessment = assess(framework, quantities, scored.contract_value)
    score = compete(framework, [assessment], [{t.id: 50.0 for t in framework.themes}])[0]
    results = [ReturnResult(scored, score), ReturnResult(rejected)]
    return results, Competition.of(framework, results, EXAMPLE_DATE, "example-quality.xlsx")


def example_award(framework: Framework) -> tuple[ReturnResult, AwardView]:
    """A scored return that lost to another on every criterion, with other criteria: every part of a summary shows."""
    results, _ = example_results(framework)
    result = results[0]
    reasons = {t.id: "Example consensus rationale." for t in framework.themes}
    mine = Standing(10.0, {"Price": 30.0}, 40.0, 2)
    best = Standing(15.0, {"Price": 35.0}, 50.0, 1)
    view = AwardView(mine, reasons, "winner.xlsx", "Winner Example Ltd", best, {t.id: 5.0 for t in framework.themes},
                     reasons, {"Price": 40.0}, scored=2, manifest_sha256="0" * 64)
    return result, view
