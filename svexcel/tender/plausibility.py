"""Plausibility warnings (SPEC §7): claims that deserve a clarification question, never a penalty.

Computed from the engine's results after scoring; they only add ``warning`` findings, so no figure changes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import Mapping, NamedTuple, Sequence

from ..core.findings import Finding, finding
from ..core.formatting import clipped, money, number, percent
from ..framework.model import Framework, exclusive_pairs
from .return_layout import COMMITMENTS, COVER
from .return_reader import Return
from .scoring import Assessment

PLAUSIBILITY_TYPES = ("sv-ratio-high", "outlier", "same-evidence", "double-count")
OUTLIER_FACTOR = 10
OUTLIER_MIN_OTHERS = 3
SAME_EVIDENCE_MIN = 3
QUOTED = 120  # characters of a text quoted in a finding


class Outlier(NamedTuple):
    """A quantity far above what the other scored returns offer for the same measure."""

    measure_id: str
    quantity: float
    median: float
    others: int


def return_warnings(framework: Framework, ret: Return, assessment: Assessment) -> list[Finding]:
    """The warnings one return raises on its own: sv-ratio-high, same-evidence and double-count."""
    return [*_sv_ratio(framework, ret, assessment), *_same_evidence(ret), *_double_count(framework, ret)]


def _warning(ret: Return, type: str, message: str, question: str, sheet: str, cell: str) -> Finding:
    """A plausibility warning whose message ends with the suggested question."""
    return finding(type, f"{message} This is not a penalty. Suggested clarification question: \"{question}\"", ret.file, sheet, cell, question=question)


def _sv_ratio(framework: Framework, ret: Return, assessment: Assessment) -> list[Finding]:
    limit = framework.settings.plausible_sv_ratio
    ratio = assessment.sv_ratio
    if ratio is None or ratio <= limit:
        return []
    return [_warning(
        ret, "sv-ratio-high",
        f"The social value offered ({money(assessment.total_sv)}) is {percent(ratio, 1)} of the contract value "
        f"({money(ret.contract_value)}), above the {percent(limit, 1)} that is plausible (Settings plausible_sv_ratio).",
        f"Your commitments are worth {percent(ratio, 1)} of the contract value. Please explain how you will deliver "
        "them within this contract and what evidence you will provide.",
        COVER, ret.cells.get("Contract value (GBP)", ""),
    )]


def _committed(ret: Return, measure_id: str) -> bool:
    return bool(ret.quantities.get(measure_id))


def _same_evidence(ret: Return) -> list[Finding]:
    by_text: dict[str, list[str]] = defaultdict(list)
    for measure_id, text in ret.evidence.items():
        key = " ".join(text.split()).casefold()
        if key and _committed(ret, measure_id):
            by_text[key].append(measure_id)
    findings = []
    for ids in by_text.values():
        if len(ids) >= SAME_EVIDENCE_MIN:
            text = clipped(ret.evidence[ids[0]], QUOTED)  # its start: a pasted page is not quoted whole, twice
            findings.append(_warning(
                ret, "same-evidence",
                f"The same evidence '{text}' is offered for {len(ids)} commitments ({', '.join(ids)}).",
                f"You cite '{text}' as the evidence for {', '.join(ids)}. Please confirm that each commitment is "
                "separate and say what evidence will show each one.",
                COMMITMENTS, ret.cells.get(f"{ids[0]} evidence", ""),
            ))
    return findings


def _double_count(framework: Framework, ret: Return) -> list[Finding]:
    findings = []
    for first, second in exclusive_pairs(framework):
        if _committed(ret, first) and _committed(ret, second):
            a, b = framework.measure_by_id[first], framework.measure_by_id[second]
            findings.append(_warning(
                ret, "double-count",
                f"Commitments are made to both {first} ({a.name}) and {second} ({b.name}), which the framework "
                "excludes together: the same benefit may be counted twice.",
                f"You commit to both {first} and {second}. Please confirm that nothing is counted under both, and "
                "say how you keep them apart.",
                COMMITMENTS, ret.cells.get(second, ""),
            ))
    return findings


def outliers(framework: Framework, quantities: Sequence[Sequence[float | None]]) -> list[list[Outlier]]:
    """Per return, its quantities above 10 × the median of the other returns' non-zero quantities (when ≥ 3 have one).

    ``quantities`` holds each scored return's quantities in framework measure order.
    """
    found: list[list[Outlier]] = [[] for _ in quantities]
    for column, measure in enumerate(framework.measures):
        if measure.kind == "binary":
            continue
        values = sorted(q for row in quantities if (q := row[column]))
        if len(values) <= OUTLIER_MIN_OTHERS:
            continue
        for index, row in enumerate(quantities):
            q = row[column]
            if q:
                median = _median_without(values, q)
                if q > OUTLIER_FACTOR * median:
                    found[index].append(Outlier(measure.id, q, median, len(values) - 1))
    return found


def _median_without(values: Sequence[float], value: float) -> float:
    """The median of sorted ``values`` with one occurrence of ``value`` left out, in O(log n)."""
    gone = bisect_left(values, value)
    n = len(values) - 1

    def at(i: int) -> float:
        return values[i if i < gone else i + 1]

    return at(n // 2) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2


def outlier_warning(framework: Framework, ret: Return, outlier: Outlier) -> Finding:
    """The warning for one outlying quantity of ``ret``."""
    measure = framework.measure_by_id[outlier.measure_id]
    unit = f" {measure.unit}" if measure.unit else ""
    return _warning(
        ret, "outlier",
        f"The quantity for {measure.id} ({measure.name}) is {number(outlier.quantity)}{unit}, more than "
        f"{OUTLIER_FACTOR} times the median ({number(outlier.median)}) of the {outlier.others} other scored returns "
        "that offer it.",
        f"You commit to {number(outlier.quantity)}{unit} for {measure.id} ({measure.name}), far more than other "
        "bidders. Please confirm the figure, the unit and how you counted it.",
        COMMITMENTS, ret.cells.get(measure.id, ""),
    )


def quantity_row(framework: Framework, quantities: Mapping[str, float | None]) -> tuple[float | None, ...]:
    """A return's quantities in framework measure order, as ``outliers`` takes them."""
    return tuple(quantities.get(m.id) for m in framework.measures)


def add_warnings(framework: Framework, returns: Sequence[Return], assessments: Sequence[Assessment | None]) -> None:
    """Append every plausibility warning to the scored returns' findings, in place (rejected ones are left alone)."""
    scored = [(r, a) for r, a in zip(returns, assessments, strict=True) if a is not None]
    rows = [quantity_row(framework, r.quantities) for r, _ in scored]
    for (ret, assessment), found in zip(scored, outliers(framework, rows), strict=True):
        ret.findings.extend(return_warnings(framework, ret, assessment))
        ret.findings.extend(outlier_warning(framework, ret, o) for o in found)
