"""The delivery workbook's layout (SPEC §6), shared by the template writer and the reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..framework.model import Framework
from ..xlsx.meta import META, fingerprint
from ..xlsx.tables import cell_text

COVER = "Cover"
DELIVERY = "Delivery"
ACTIONS = "Actions"
REQUIRED_SHEETS = (COVER, DELIVERY, ACTIONS, META)
KIND = "delivery"

# Cover labels: the first six are locked (from the winning return and the officer), the last two are the supplier's.
LOCKED_COVER = ("Supplier", "Contract reference", "Contract value (GBP)", "Contract start", "Contract years", "Periods per year")
REPORTING_PERIOD = "Reporting period"
ATTESTATION = "Attestation"
COVER_LABELS = (*LOCKED_COVER, REPORTING_PERIOD, ATTESTATION)
COVER_FIRST_ROW = 4

DELIVERY_HEADER_ROW = 4
FROM_PERIOD = "From period"
WHAT_TO_TYPE = "What to type"  # "delivered in the period" (a flow) or "position at the end of the period" (a level)
LEAD_COLUMNS = ("Measure ID", "Theme", "Measure", "Unit", "Committed", FROM_PERIOD, WHAT_TO_TYPE)
TAIL_COLUMNS = ("Evidence", "Counting rule", "Evidence asked for")
DELIVERY_REQUIRED = ("Measure ID", "Theme", "Measure", "Unit", "Committed", "Evidence")
LOCKED_MEASURE_COLUMNS = ("Theme", "Measure", "Unit", "Committed", FROM_PERIOD)

# The contract terms kept on the hidden sheet, so the reader can name any locked cell that was edited.
TERMS_KEYS = ("supplier", "contract_reference", "contract_value", "contract_start", "contract_years", "periods_per_year")
ACTION_COLUMNS = ("Measure ID", "Issue", "Recovery action", "Owner", "Due", "Status")
ACTIONS_HEADER_ROW = 4
ACTION_ROWS = 500  # rows of the Actions log the lists and date check cover (the columns are inputs all the way down)
ACTION_STATUSES = ("Open", "In progress", "Done")

META_KEYS = ("kind", "framework_name", "framework_version", "winning_return", *TERMS_KEYS, "fingerprint")
# The hidden sheet also lists each monitored measure: id, committed (as in its cell) and first period, in columns D:F.
META_COMMITMENTS_COLUMN = 4
PERIODS_PER_YEAR = (1, 2, 3, 4, 6, 12)


@dataclass(frozen=True)
class ContractTerms:
    """What the delivery workbook locks: the contract from the winning return, its timetable and commitments."""

    supplier: str
    contract_reference: str
    contract_value: float | None
    start: dt.date
    years: float
    periods_per_year: int
    committed: dict[str, float | None]
    starts: dict[str, int]
    winning_return: str

    @property
    def periods(self) -> int:
        """Number of reporting periods over the contract (years × periods per year)."""
        return round(self.years * self.periods_per_year)

    def period_labels(self) -> list[str]:
        """``P1 2026-04`` … : each period's number and the month it starts."""
        months = 12 // self.periods_per_year
        labels = []
        for p in range(self.periods):
            month = self.start.month - 1 + p * months
            labels.append(f"P{p + 1} {self.start.year + month // 12}-{month % 12 + 1:02d}")
        return labels

    def cover_values(self) -> tuple[object, ...]:
        """The locked Cover values, in LOCKED_COVER order."""
        return (self.supplier, self.contract_reference, self.contract_value, self.start.isoformat(), self.years, self.periods_per_year)


def committed_text(measure_kind: str, committed: float | None) -> str:
    """The Committed cell as text: Yes/No for binary measures, else the number; '' when not monitored."""
    if committed is None:
        return ""
    if measure_kind == "binary":
        return "Yes" if committed else "No"
    return cell_text(committed)


def expected_locked(framework: Framework, terms: ContractTerms) -> dict[tuple[str, str, str], str]:
    """What each locked cell should hold, keyed by (sheet, row key, column) so reordered rows still match."""
    expected: dict[tuple[str, str, str], str] = {}
    for label, value in zip(LOCKED_COVER, terms.cover_values(), strict=True):
        expected[(COVER, label, "value")] = cell_text(value)  # type: ignore[arg-type]
    for label in COVER_LABELS:
        expected[(COVER, label, "label")] = label
    for p, label in enumerate(terms.period_labels(), start=1):
        expected[(DELIVERY, "header", f"P{p}")] = label
    for m in framework.measures:
        fields = (framework.theme_by_id[m.theme_id].name, m.name, m.unit, committed_text(m.kind, terms.committed.get(m.id)),
                  str(terms.starts.get(m.id, 1)) if terms.committed.get(m.id) is not None else "")
        for column, value in zip(LOCKED_MEASURE_COLUMNS, fields, strict=True):
            expected[(DELIVERY, m.id, column)] = value
    return expected


def delivery_fingerprint(framework: Framework, terms: ContractTerms) -> str:
    """The fingerprint of a delivery workbook's locked cells (the return's fingerprint function)."""
    return fingerprint(expected_locked(framework, terms))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept within the month's length (31 January + 1 month → 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def period_span(start: dt.date, periods_per_year: int, period: int) -> tuple[dt.date, dt.date]:
    """The first and last day of period ``period`` (1-based) of a contract starting on ``start``."""
    months = 12 // periods_per_year
    return add_months(start, (period - 1) * months), add_months(start, period * months) - dt.timedelta(days=1)
