"""Read delivery workbooks with the rigour of a return (SPEC §2 and §6), and a folder of them, file by file or resent."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..core.cells import Cell, Value
from ..core.findings import Finding, Findings, has_errors
from ..core.numbers import cell_number
from ..framework.model import Framework
from ..tender.return_layout import META
from ..tender.return_reader import MEASURE_ID, NO, YES, ReturnReader
from ..xlsx.meta import fingerprint, key_values
from ..xlsx.reader import Sheet, UnreadableWorkbook, Workbook, cell_ref, column_letter
from ..xlsx.tables import Table, cell_text, find_table, normalise
from .engine import Commitment
from .layout import (
    ACTION_COLUMNS,
    ACTIONS,
    ATTESTATION,
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    DELIVERY,
    DELIVERY_REQUIRED,
    FROM_PERIOD,
    KIND,
    LEAD_COLUMNS,
    LOCKED_COVER,
    LOCKED_MEASURE_COLUMNS,
    META_COMMITMENTS_COLUMN,
    PERIODS_PER_YEAR,
    REPORTING_PERIOD,
    REQUIRED_SHEETS,
    TAIL_COLUMNS,
    TERMS_KEYS,
    ContractTerms,
    expected_locked,
)

PERIOD_HEADER = re.compile(r"^P(\d+)(?:\s.*)?$", re.IGNORECASE)
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Action:
    """One row of the Actions log."""

    measure: str
    issue: str
    action: str
    owner: str
    due: str
    status: str


@dataclass(slots=True)
class DeliveryReturn:
    """One delivery workbook as read: the contract's terms, what was reported per period, the Actions log, findings."""

    file: str
    supplier: str = ""
    contract_reference: str = ""
    contract_value: float | None = None
    start: str = ""
    years: float | None = None
    periods_per_year: int = 0
    periods: int = 0
    period: int = 0
    attestation: bool = False
    winning_return: str = ""
    commitments: dict[str, Commitment] = field(default_factory=dict)
    actuals: dict[str, list[float | None]] = field(default_factory=dict)
    cells: dict[str, list[str]] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    superseded_by: str | None = None

    @property
    def rejected(self) -> bool:
        """True when an error finding blocks monitoring."""
        return has_errors(self.findings)

    @property
    def status(self) -> str:
        """``scored``, ``rejected`` or ``superseded`` (a later file for the same contract was used)."""
        return "superseded" if self.superseded_by else "rejected" if self.rejected else "scored"

    @property
    def contract(self) -> ContractKey:
        """What makes the contract this file reports on: its reference (any case) with the winning return and supplier."""
        return contract_key(self.contract_reference, self.winning_return, self.supplier)


ContractKey = tuple[str, str, str]


def contract_key(reference: str, winning_return: str, supplier: str) -> ContractKey:
    """A contract: its reference (any case) together with the winning return it was made from (and that return's supplier)."""
    return reference.casefold(), winning_return, supplier


def read_delivery(path: str | Path, framework: Framework) -> DeliveryReturn:
    """Read and validate one delivery workbook; never raises for bad content, reports it as findings."""
    path = Path(path)
    reader = _DeliveryReader(path.name, framework)
    try:
        with Workbook(path) as book:
            reader.read(book)
    except UnreadableWorkbook as exc:
        reader.findings.add(exc.type, exc.message)
    except OSError as exc:
        reader.findings.add("file-unreadable", f"The file could not be opened ({exc.strerror or exc}). Check it is not open elsewhere and try again.")
    return reader.result


def read_deliveries(paths: Iterable[Path], framework: Framework) -> list[DeliveryReturn]:
    """Read every file, then settle resent files: per contract the latest reporting period wins and changed
    earlier figures are flagged ``restated``; older files are marked superseded."""
    return settle([read_delivery(p, framework) for p in paths])


def settle(reads: Sequence[DeliveryReturn]) -> list[DeliveryReturn]:
    """Mark superseded files and flag restated figures in the file used, per contract (its reference and winning
    return), in place; contracts sharing a reference are each warned ``shared-reference``. Returns ``reads``."""
    contracts: dict[ContractKey, list[DeliveryReturn]] = {}
    for r in reads:
        if not r.rejected and r.contract_reference:
            contracts.setdefault(r.contract, []).append(r)
    for files in contracts.values():
        ordered = sorted(files, key=lambda r: (r.period, r.file))
        latest = ordered[-1]
        tied = [r for r in ordered if r.period == latest.period]
        if any(r.actuals != latest.actuals for r in tied):
            _conflict(tied)
            for older in ordered[: -len(tied)]:
                older.superseded_by = latest.file
            continue
        for older in reversed(ordered[:-1]):
            older.superseded_by = latest.file
            _restated(latest, older)
    _shared_references(contracts)
    return list(reads)


def _shared_references(contracts: dict[ContractKey, list[DeliveryReturn]]) -> None:
    """Warn every file used for a contract whose reference another contract (another winning return) also carries."""
    by_reference: dict[str, list[list[DeliveryReturn]]] = {}
    for key, files in contracts.items():
        by_reference.setdefault(key[0], []).append(files)
    for groups in (g for g in by_reference.values() if len(g) > 1):
        for files in groups:
            others = [f"{g[0].supplier or '(no supplier name)'} (winning return {g[0].winning_return or 'not named'})"
                      for g in groups if g is not files]
            for f in (f for f in files if not f.superseded_by):
                Findings(f.file, COVER, f.findings).add(
                    "shared-reference",
                    f"Contract reference {f.contract_reference} is also the reference of another contract: {'; '.join(others)}. "
                    f"They are monitored as separate contracts (reports named by reference and supplier). Give each contract its "
                    "own reference with 'svexcel delivery template --reference' when its delivery workbook is next issued.",
                    f"B{COVER_FIRST_ROW + COVER_LABELS.index('Contract reference')}",
                )


def _conflict(files: Sequence[DeliveryReturn]) -> None:
    """Refuse every file of one contract that reports the same latest period with different figures: none is later."""
    names = ", ".join(f.file for f in files)
    for f in files:
        Findings(f.file, COVER, f.findings).add(
            "conflicting-files",
            f"{names} all report period {f.period} of contract {f.contract_reference} with different figures, so none is the later one. "
            "Keep the file the supplier confirms and move the others out of the folder.",
            f"B{COVER_FIRST_ROW + COVER_LABELS.index(REPORTING_PERIOD)}",
        )


def _restated(latest: DeliveryReturn, older: DeliveryReturn) -> None:
    """A warning on ``latest`` per period figure of ``older`` (up to its reporting period) that it reports differently."""
    findings = Findings(latest.file, DELIVERY, latest.findings)
    for ident, series in older.actuals.items():
        now = latest.actuals.get(ident)
        if now is None:
            continue
        for p in range(1, min(older.period, len(series), len(now)) + 1):
            before, after = series[p - 1], now[p - 1]
            if before != after:
                ref = latest.cells.get(ident, [""] * p)[p - 1]
                findings.add("restated", f"P{p} of {ident} is {_shown(after)} here but was {_shown(before)} in {older.file} "
                             f"(reporting period {older.period}). Check the correction is explained in Evidence; this file, the later one, is used.", ref)


def _shown(value: float | None) -> str:
    return "blank" if value is None else f"{value:,.10g}"


class _DeliveryReader(ReturnReader):
    """Walks a delivery workbook's sheets, filling a DeliveryReturn and its findings.

    It reads numbers, and reports findings, exactly as the return reader does (whose methods it shares)."""

    result: DeliveryReturn  # type: ignore[assignment]

    def __init__(self, file: str, framework: Framework) -> None:
        self.framework = framework
        self.result = DeliveryReturn(file)
        self.findings = Findings(file, items=self.result.findings)
        self.terms: ContractTerms | None = None
        self.expected: dict[tuple[str, str, str], str] = {}
        self.date1904 = False
        self.letters: list[str] = []

    def read(self, book: Workbook) -> None:
        self.date1904 = book.date1904
        meta = book.sheet(META)
        if meta is not None and not self.is_delivery(meta):
            return
        sheets = self.required_sheets(book, REQUIRED_SHEETS, "It was not made by 'svexcel delivery template'",
                                      "copy your figures into a fresh delivery workbook")
        if META not in sheets or not self.read_meta(sheets[META]):
            return
        if COVER in sheets:
            self.read_cover(sheets[COVER])
        if DELIVERY in sheets:
            self.read_delivery(sheets[DELIVERY])
        if ACTIONS in sheets:
            self.read_actions(sheets[ACTIONS])

    # ------------------------------------------------------------ the hidden sheet: kind, framework, terms

    def is_delivery(self, sheet: Sheet) -> bool:
        """Check the hidden sheet says kind = delivery (a tender return, say, does not); a finding if not."""
        kind, row = key_values(sheet).get("kind", (None, 1))
        if cell_text(kind) == KIND:
            return True
        self.findings.add("not-a-delivery-workbook", "This is not a delivery workbook (its hidden sheet does not say kind = delivery): perhaps a tender return. "
                          "Send the delivery workbook made by 'svexcel delivery template' for this contract.", cell_ref(row, 2), sheet=META)
        return False

    def read_meta(self, sheet: Sheet) -> bool:
        """Check kind, framework and fingerprint and recover the contract terms; False stops further reading."""
        meta = key_values(sheet)
        for key, expected in (("framework_name", self.framework.name), ("framework_version", self.framework.version)):
            value, row = meta.get(key, (None, 1))
            if cell_text(value) != expected:
                what = "framework" if key == "framework_name" else "framework version"
                self.findings.add("wrong-framework" if key == "framework_name" else "wrong-framework-version",
                                  f"This delivery workbook was made for {what} '{cell_text(value) or '(none)'}', but we are monitoring with '{expected}'. "
                                  "Use the framework the contract was let under (--framework).", cell_ref(row, 2), sheet=META)
                return False
        terms = self.terms_from_meta(sheet, meta)
        stored, row = meta.get("fingerprint", (None, 1))
        locked = {} if terms is None else expected_locked(self.framework, terms)  # made once: the fingerprint is of these
        if terms is None or fingerprint(locked) != cell_text(stored):
            self.findings.add("fingerprint-mismatch", "The workbook's hidden sheet was edited or it was made from a different copy of the framework, "
                              "so its commitments cannot be trusted. Ask the officer for a fresh delivery workbook.", cell_ref(row, 2), sheet=META)
            return False
        self.terms = terms
        self.expected = locked
        r = self.result
        r.supplier, r.contract_reference, r.contract_value = terms.supplier, terms.contract_reference, terms.contract_value
        r.start, r.years, r.periods_per_year, r.periods = terms.start.isoformat(), terms.years, terms.periods_per_year, terms.periods
        r.winning_return = terms.winning_return
        r.commitments = {i: Commitment(c, terms.starts.get(i, 1)) for i, c in terms.committed.items() if c is not None}
        return True

    def terms_from_meta(self, sheet: Sheet, meta: dict[str, tuple[Value, int]]) -> ContractTerms | None:
        """The contract terms the template locked, from the hidden sheet; None if they do not parse."""
        values = {key: meta.get(key, (None, 0))[0] for key in (*TERMS_KEYS, "winning_return")}
        try:
            start = dt.date.fromisoformat(cell_text(values["contract_start"]))
            years, per_year = float(cell_text(values["contract_years"])), int(cell_text(values["periods_per_year"]))
        except ValueError:
            return None
        if per_year not in PERIODS_PER_YEAR or years <= 0:
            return None
        committed: dict[str, float | None] = {m.id: None for m in self.framework.measures}
        starts: dict[str, int] = {}
        col = META_COMMITMENTS_COLUMN
        for (row, c), cell in sheet.cells.items():
            ident = cell_text(cell.value) if c == col else ""
            measure = self.framework.measure_by_id.get(ident)
            if measure is None:
                continue
            text = cell_text(sheet.value(row, col + 1))
            if measure.kind == "binary":
                committed[ident] = 1.0 if text.casefold() in YES else 0.0
            else:
                read = cell_number(sheet.get(row, col + 1))
                committed[ident] = read.value
            first = cell_number(sheet.get(row, col + 2)).value
            starts[ident] = int(first) if first else 1
        value = cell_number(Cell(values["contract_value"])).value
        return ContractTerms(cell_text(values["supplier"]), cell_text(values["contract_reference"]), value, start, years,
                             per_year, committed, starts, cell_text(values["winning_return"]))

    # ------------------------------------------------------------ Cover

    def read_cover(self, sheet: Sheet) -> None:
        labels = {normalise(cell.value): row for (row, col), cell in sheet.cells.items() if col == 1 and isinstance(cell.value, str)}
        missing = [label for label in COVER_LABELS if normalise(label) not in labels]
        for label in missing:
            self.findings.add("missing-header", f"The Cover sheet has no '{label}' label in column A. Restore it; the reader looks for the value beside it.", "A4", sheet=COVER)
        for label in LOCKED_COVER:
            if label in missing:
                continue
            row = labels[normalise(label)]
            actual, expected = cell_text(sheet.value(row, 2)), self.expected[(COVER, label, "value")]
            if actual != expected and not _same_number(actual, expected):
                self.findings.add("locked-cell-edited", f"The locked {label} was changed to '{actual}'. Restore '{expected}' or ask the officer for a fresh delivery workbook.", cell_ref(row, 2), sheet=COVER)
        if REPORTING_PERIOD not in missing:
            self.read_period(sheet.get(labels[normalise(REPORTING_PERIOD)], 2), cell_ref(labels[normalise(REPORTING_PERIOD)], 2))
        if ATTESTATION not in missing:
            row = labels[normalise(ATTESTATION)]
            value = sheet.value(row, 2)
            word = cell_text(value).casefold()
            self.result.attestation = value is True or word in YES
            if not self.result.attestation:
                said = "is blank" if not word else f"says '{cell_text(value)}'"
                self.findings.add("no-attestation", f"The attestation in {cell_ref(row, 2)} {said}. Choose Yes to confirm the figures relate only to this contract and these periods.", cell_ref(row, 2), sheet=COVER)

    def read_period(self, cell: Cell | None, ref: str) -> None:
        read = cell_number(cell)
        periods = self.result.periods
        if read.problem in ("stored-as-date", "stored-as-time") and cell is not None:
            self.findings.add("bad-reporting-period", self.problem_message(read.problem, cell, f"The reporting period in {ref}"), ref, sheet=COVER)
            return
        if read.value is None or read.problem:
            shown = "blank" if cell is None or cell.value in (None, "") else repr(cell.value)
            self.findings.add("no-reporting-period", f"The reporting period in {ref} is {shown}. Type the number of the latest period reported, 1 to {periods}.", ref, sheet=COVER)
            return
        if not read.value.is_integer() or not 1 <= read.value <= periods:
            self.findings.add("bad-reporting-period", f"The reporting period in {ref} is {read.value:,.10g}; it must be a whole number from 1 to {periods} (P1 to P{periods}).", ref, sheet=COVER)
            return
        self.result.period = int(read.value)
        if read.note == "number-as-text":
            self.findings.add("number-as-text", f"The reporting period in {ref} was typed as text {cell.value!r} and read as {int(read.value)}.", ref, sheet=COVER)  # type: ignore[union-attr]

    # ------------------------------------------------------------ Delivery

    def read_delivery(self, sheet: Sheet) -> None:
        table, missing, row = find_table(sheet, DELIVERY_REQUIRED, (*LEAD_COLUMNS, *TAIL_COLUMNS))
        if table is None:
            self.findings.add("missing-header", f"The Delivery header row lacks {', '.join(repr(m) for m in missing)}. Restore the header names exactly as in the template.", cell_ref(row, 1), sheet=DELIVERY)
            return
        columns = self.period_columns(sheet, table)
        if columns is None:
            return
        self.letters = [column_letter(col) for col in columns]  # each period's column, once for every row
        seen: dict[str, str] = {}
        for row in table.rows():
            ident = table.text(row, "Measure ID")
            if not ident or not MEASURE_ID.match(ident):
                continue  # theme bands, notes and blank rows
            id_ref = table.ref(row, "Measure ID")
            if ident not in self.framework.measure_by_id:
                self.findings.add("unknown-measure", f"Measure ID '{ident}' is not in {self.framework.name} {self.framework.version}. Delete the row or correct the id.", id_ref, sheet=DELIVERY)
                continue
            if ident in seen:
                self.findings.add("duplicate-measure", f"Measure {ident} appears twice (first in {seen[ident]}). Keep one row per measure.", id_ref, sheet=DELIVERY)
                continue
            seen[ident] = id_ref
            self.check_locked(table, row, ident)
            self.read_measure(sheet, table, row, ident, columns)
        for measure in self.framework.measures:
            if measure.id not in seen:
                self.findings.add("missing-measure", f"Measure {measure.id} ({measure.name}) is missing from Delivery. Do not delete rows; use a fresh delivery workbook.", table.header_ref, sheet=DELIVERY)

    def period_columns(self, sheet: Sheet, table: Table) -> list[int] | None:
        """The column of each period P1..Pn on the header row, checked against the template's labels."""
        found: dict[int, int] = {}
        for (row, col), cell in sheet.cells.items():
            match = PERIOD_HEADER.match(cell_text(cell.value)) if row == table.header_row else None
            if match:
                found.setdefault(int(match[1]), col)
        periods = self.result.periods
        missing = [p for p in range(1, periods + 1) if p not in found]
        if missing:
            self.findings.add("missing-header", f"The Delivery header row lacks the period column(s) {', '.join(f'P{p}' for p in missing)}. Restore the headers; do not delete period columns.", table.header_ref, sheet=DELIVERY)
            return None
        for p in range(1, periods + 1):
            actual, expected = cell_text(sheet.value(table.header_row, found[p])), self.expected[(DELIVERY, "header", f"P{p}")]
            if actual != expected:
                self.findings.add("locked-cell-edited", f"The period header was changed to '{actual}'. Restore '{expected}'.", cell_ref(table.header_row, found[p]), sheet=DELIVERY)
        return [found[p] for p in range(1, periods + 1)]

    def check_locked(self, table: Table, row: int, ident: str) -> None:
        for column in LOCKED_MEASURE_COLUMNS:
            if column not in table.columns:
                continue
            actual, expected = table.text(row, column), self.expected[(DELIVERY, ident, column)]
            if column == FROM_PERIOD and not expected:
                continue  # not monitored: no period to compare
            if actual != expected and not _same_number(actual, expected):
                self.findings.add("locked-cell-edited", f"The locked {column} of measure {ident} was changed to '{actual}'. Restore '{expected}' or ask the officer for a fresh delivery workbook.", table.ref(row, column), sheet=DELIVERY)

    def read_measure(self, sheet: Sheet, table: Table, row: int, ident: str, columns: list[int]) -> None:
        r = self.result
        commitment = r.commitments.get(ident)
        refs = r.cells[ident] = [f"{letter}{row}" for letter in self.letters]
        r.evidence[ident] = table.text(row, "Evidence")
        series: list[float | None] = []
        for p, (col, ref) in enumerate(zip(columns, refs, strict=True), start=1):
            value = self.read_actual(sheet.get(row, col), ref, ident, p)
            series.append(value)
            if value is not None and r.period and p > r.period:
                self.findings.add("future-period", f"P{p} of {ident} in {ref} has a figure, but the reporting period is {r.period}. Move it to its period or correct the reporting period on Cover.", ref, sheet=DELIVERY)
            elif value is None and commitment is not None and commitment.starts <= p <= r.period and not self.failed(ref):
                self.findings.add("period-not-reported", f"P{p} of {ident} in {ref} is blank although the measure is committed. Type what was delivered (0 if nothing).", ref, sheet=DELIVERY)
        if commitment is None and any(v is not None for v in series):
            self.findings.add("not-committed", f"Figures were reported for {ident}, which has no commitment; they are not monitored.", table.ref(row, "Measure ID"), sheet=DELIVERY)
        r.actuals[ident] = series

    def failed(self, ref: str) -> bool:
        """True when the cell already has an error finding (so it is not also called unreported)."""
        return any(f.cell == ref and f.severity == "error" and f.sheet == DELIVERY for f in self.result.findings)

    def read_actual(self, cell: Cell | None, ref: str, ident: str, period: int) -> float | None:
        """One period's figure: a number ≥ 0, or Yes/No for a yes/no measure; problems become findings."""
        what = f"P{period} of {ident} in {ref}"
        if self.framework.measure_by_id[ident].kind == "binary" and cell is not None and cell.error is None and cell.formula is None:
            word = cell_text(cell.value).casefold()
            if isinstance(cell.value, bool):
                return 1.0 if cell.value else 0.0
            if word in YES or word in NO:
                return 1.0 if word in YES else 0.0
            if word:
                self.findings.add("not-yes-no", f"{what} is '{cell.value}'. Choose Yes or No.", ref, sheet=DELIVERY)
            return None
        value, _ = self.number(cell, DELIVERY, ref, what)
        return value

    # ------------------------------------------------------------ Actions

    def read_actions(self, sheet: Sheet) -> None:
        table, missing, row = find_table(sheet, ACTION_COLUMNS)
        if table is None:
            self.findings.add("missing-header", f"The Actions header row lacks {', '.join(repr(m) for m in missing)}. Restore the header names exactly as in the template.", cell_ref(row, 1), sheet=ACTIONS)
            return
        for row in table.rows():
            texts = {c: table.text(row, c) for c in ACTION_COLUMNS}
            if not any(texts.values()):
                continue
            ident = texts["Measure ID"]
            if ident and ident not in self.framework.measure_by_id:
                self.findings.add("unknown-measure", f"The action in row {row} names measure '{ident}', which is not in the framework. Choose a measure from the list.", table.ref(row, "Measure ID"), sheet=ACTIONS, severity="warning")
            self.result.actions.append(Action(ident, texts["Issue"], texts["Recovery action"], texts["Owner"], _date_text(table.value(row, "Due")), texts["Status"]))


def _same_number(actual: str, expected: str) -> bool:
    """True when two cell texts are the same number (e.g. '1200' and '1200.0', or '£1,200')."""
    a, b = cell_number(Cell(actual)).value, cell_number(Cell(expected)).value
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _date_text(value: object) -> str:
    """A due date as ISO text: Excel stores dates as day numbers; text is kept as typed."""
    if isinstance(value, float) and 1 <= value < 2_958_466:
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    return cell_text(value)  # type: ignore[arg-type]
