"""The delivery batch's output files: ``delivery.json``, ``delivery-summary.xlsx`` and ``performance-notices.csv``.

Each is streamed record by record (memory stays flat for big batches) into a file that appears only once complete.
"""

from __future__ import annotations

import csv
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..core.findings import FINDING_COLUMNS
from ..excel.formats import FORMULA_STARTS, GBP, SHARE
from ..excel.stream import FINDING_WIDTHS, METHOD_COLUMNS, METHOD_WIDTHS, XlsxStream, xlsx_stream
from ..framework.model import Framework
from ..run.atomic import atomic_path
from ..run.json_stream import JsonStream, json_line, json_stream
from . import labels
from .engine import KPI_COUNT, NOT_DUE, DeliverySettings
from .report import covered
from .result import DeliveryResult

CONTRACT_COLUMNS = ("File", "Status", "Supplier", "Contract reference", "Period", "Periods", "Net committed (£)", "Net expected to date (£)",
                    f"{labels.NET} (£)", "Net forecast (£)", "Value share", "Count share", "Rating", "Green", "Amber", "Red", "Not yet due",
                    f"{labels.BENEFIT_EXPECTED} (£)", f"{labels.BENEFIT_DELIVERED} (£)", f"{labels.HARMS} (£)", f"{labels.VALIDATED} (£)",
                    labels.VERIFIED_SHARE, "Rating basis", "Attestation", "Provisional", "Errors", "Warnings", "Report")
MEASURE_COLUMNS = ("Contract reference", "File", "Measure ID", "Measure", "Accrues", "Committed", "Expected to date", "Delivered", "Progress", "RAG", "£ delivered")
NOTICE_COLUMNS = ("supplier", "contract_reference", "period_from", "period_to", "reporting_period", "periods", "rating", "method",
                  "share_value", "share_count", "rating_basis", "attestation", "provisional", "benefit_delivered", "benefit_validated",
                  "verified_share",
                  *(f"kpi{i}_{part}" for i in range(1, KPI_COUNT + 1) for part in ("measure", "name", "progress", "rating")))


def json_record(framework: Framework, result: DeliveryResult) -> str:
    """One file's ``delivery.json`` record (SPEC §6) on one line, in full precision: the claimed figures, the validated ones
    beside them, and the rating from the figures ``rating_basis`` names (provisional when not attested)."""
    r, f, rated, v = result.read, result.figures, result.rated, result.validated
    record: dict[str, Any] = {"file": r.file, "status": result.status}
    if r.superseded_by:
        record["superseded_by"] = r.superseded_by
    if f is not None and rated is not None and v is not None:
        record |= {
            "supplier": r.supplier, "contract_reference": r.contract_reference, "period": f.period, "periods": f.periods,
            "attestation": yes_no(r.attestation), "provisional": result.provisional,
            "measures": {i: {"committed": d.committed, "delivered": d.delivered, "expected": d.expected, "progress": d.progress, "rag": d.rag,
                             "due": d.due} for i, d in f.measures.items()},
            "sv_committed": f.sv_committed, "sv_expected": f.sv_expected, "sv_delivered": f.sv_delivered, "sv_forecast": f.sv_forecast,
            "share_count": f.share_count, "share_value": f.share_value, "rating": rated.rating, "rating_basis": result.basis,
            "sv_validated": v.sv_delivered, "share_count_validated": v.share_count, "share_value_validated": v.share_value,
            "verified_share": result.verified_share,
            "kpis": [{"measure": k.measure, "progress": k.progress, "rating": k.rating, "due": k.due} for k in rated.kpis],
        }
    record["findings"] = [x.to_dict(file=False) for x in r.findings]
    record["report"] = result.report
    if result.report_error is not None:
        record["report_error"] = result.report_error
    return json_line(record)


def json_writer(path: Path, framework: Framework) -> AbstractContextManager[JsonStream]:
    """``delivery.json`` written record by record: the framework, then each delivery workbook's record."""
    return json_stream(path, {"framework": framework.identity}, "contracts")


def yes_no(flag: bool) -> str:
    """``Yes`` or ``No``."""
    return "Yes" if flag else "No"


def summary_rows(framework: Framework, result: DeliveryResult) -> tuple[list[object], list[list[object]], list[list[object]]]:
    """One file's row of Contracts, its rows of Measures and of Findings, as plain values."""
    r, f, rated, v = result.read, result.figures, result.rated, result.validated
    counts = [sum(x.severity == s for x in r.findings) for s in ("error", "warning")]
    report = result.report or (f"FAILED: {result.report_error}" if result.report_error else "")
    if r.superseded_by:
        report = f"superseded by {r.superseded_by}"
    figures: list[object] = [None] * (len(CONTRACT_COLUMNS) - 7)
    if f is not None and rated is not None and v is not None:
        rags = f.rag_counts()  # harms as the amount the net subtracts (the engine's are negative), as every other output shows them
        figures = [f.period, f.periods, f.sv_committed, f.sv_expected, f.sv_delivered, f.sv_forecast, f.share_value, f.share_count,
                   rated.rating, rags["Green"], rags["Amber"], rags["Red"], len(f.measures) - f.due, f.benefit_expected,
                   f.benefit_delivered, abs(f.harm_delivered), v.benefit_delivered, result.verified_share, result.basis, yes_no(r.attestation),
                   yes_no(result.provisional)]
    row: list[object] = [r.file, result.status, r.supplier, r.contract_reference, *figures, *counts, report]
    measures: list[list[object]] = [] if f is None else [
        [r.contract_reference, r.file, i, framework.measure_by_id[i].name, d.accrues, d.committed, d.expected, d.delivered, d.progress,
         d.rag or NOT_DUE, d.sv_delivered]
        for i, d in f.measures.items()
    ]
    return row, measures, [x.row() for x in r.findings]


def notice_row(framework: Framework, result: DeliveryResult) -> list[object] | None:
    """A Contract Performance Notice's content for one monitored contract (None if not monitored)."""
    r, f, rated, v = result.read, result.figures, result.rated, result.validated
    if f is None or rated is None or v is None:
        return None
    span = covered(r)
    kpis: list[object] = []
    for k in rated.kpis:
        kpis += [k.measure, framework.measure_by_id[k.measure].name, "" if k.progress is None else k.progress, k.rating or NOT_DUE]
    kpis += [""] * (4 * KPI_COUNT - len(kpis))
    return [r.supplier, r.contract_reference, span[0].isoformat() if span else "", span[1].isoformat() if span else "", f.period, f.periods,
            rated.rating, f.method, f.share_value, f.share_count, result.basis, yes_no(r.attestation), yes_no(result.provisional),
            f.benefit_delivered, v.benefit_delivered, result.verified_share, *kpis]


class SummaryWriter:
    """Streams ``delivery-summary.xlsx``: Contracts, Measures and Findings row by row, then the Method in force."""

    def __init__(self, stream: XlsxStream, framework: Framework, settings: DeliverySettings) -> None:
        self.stream, self.framework, self.settings = stream, framework, settings
        stream.table("Contracts", CONTRACT_COLUMNS, [30, 10, 30, 16, 7, 7, 14, 14, 18, 14, 9, 9, 20, 6, 6, 6, 7, 14, 14, 14, 18, 12, 10,
                                                     10, 10, 6, 8, 34],
                     [None] * 6 + [GBP] * 4 + [SHARE] * 2 + [None] * 5 + [GBP] * 4 + [SHARE])
        stream.table("Measures", MEASURE_COLUMNS, [16, 30, 9, 50, 8, 11, 11, 11, 9, 7, 13], [None] * 8 + [SHARE, None, GBP])
        stream.table("Findings", FINDING_COLUMNS, FINDING_WIDTHS)
        stream.table("Method", METHOD_COLUMNS, METHOD_WIDTHS, filter=False)

    def append(self, row: list[object], measures: list[list[object]], findings: list[list[object]]) -> None:
        """Append rows made by ``summary_rows`` (possibly in a worker process)."""
        self.stream.add_row("Contracts", row)
        for values in measures:
            self.stream.add_row("Measures", values)
        for values in findings:
            self.stream.add_row("Findings", values)

    def finish(self, date: str) -> None:
        """The Method sheet: the framework and the delivery settings in force."""
        s = self.settings
        for values in (("Framework", self.framework.name), ("Version", self.framework.version), ("Date", date),
                       ("rag_green", s.rag_green), ("rag_amber", s.rag_amber), ("rating_good", s.rating_good),
                       ("rating_approaching", s.rating_approaching), ("rating_requires_improvement", s.rating_requires_improvement),
                       ("rating_method", s.rating_method), ("rating_basis", s.rating_basis), ("verify_all_above", s.verify_all_above),
                       *((f"accrues: {i}", a) for i, a in sorted(s.accrues.items()))):
            self.stream.add_row("Method", values)


@contextmanager
def summary_writer(path: Path, framework: Framework, settings: DeliverySettings, date: str) -> Iterator[SummaryWriter]:
    """A SummaryWriter whose file appears at ``path`` only once complete."""
    with xlsx_stream(path) as stream:
        writer = SummaryWriter(stream, framework, settings)
        yield writer
        writer.finish(date)


@contextmanager
def notices_writer(path: Path) -> Iterator[Any]:
    """A function that appends one ``notice_row``; the CSV (UTF-8 with BOM, for Excel) appears only once complete.
    Text that a spreadsheet would run as a formula is kept as text with a leading apostrophe."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(NOTICE_COLUMNS)

        def add(row: list[object]) -> None:
            writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row])

        yield add
