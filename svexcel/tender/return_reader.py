"""Read a completed return workbook into data, collecting every finding (SPEC §2)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.cells import Cell
from ..core.findings import Finding, Findings, Severity, has_errors
from ..core.formatting import as_typed
from ..core.number_formats import describe, serial_datetime
from ..core.numbers import cell_number, is_number
from ..framework.model import Framework
from ..xlsx.meta import fingerprint, key_values
from ..xlsx.reader import MAX_ROWS, Sheet, UnreadableWorkbook, Workbook, cell_ref, parse_ref
from ..xlsx.tables import Table, cell_text, find_table, normalise
from .return_layout import (
    COMMITMENT_COLUMNS,
    COMMITMENT_REQUIRED,
    COMMITMENTS,
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    LOCKED_MEASURE_COLUMNS,
    META,
    NARRATIVE,
    NARRATIVE_COLUMNS,
    REQUIRED_SHEETS,
    SUPPLIER_LABELS,
    expected_locked,
)

# Findings that blame the supplier for a difference that a change of framework explains.
SUPPLIER_BLAME = {"locked-cell-edited", "missing-measure", "unknown-measure", "fingerprint-mismatch"}
MEASURE_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*$")
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}
LARGEST_NUMBER = 1e12  # a trillion: more than any public contract; larger is a slip that would skew every relative score
HARMS = ("negative-quantity", "Declare harms as positive amounts on their own measures.")


@dataclass(slots=True)
class Return:
    """One organisation's return as read: cover details, quantities per measure, words, findings."""

    file: str
    organisation: str = ""
    contract_reference: str = ""
    contract_value: float | None = None
    contract_years: float | None = None
    contact: str = ""
    postal_address: str = ""
    email: str = ""
    unique_identifier: str = ""
    quantities: dict[str, float | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # where answers were read: measure id, "<id> evidence", Cover label

    @property
    def rejected(self) -> bool:
        """True when an error finding blocks scoring."""
        return has_errors(self.findings)


def read_return(path: str | Path, framework: Framework) -> Return:
    """Read and validate one return; never raises for bad content, reports it as findings."""
    path = Path(path)
    reader = ReturnReader(path.name, framework)
    try:
        with Workbook(path) as book:
            reader.read(book)
    except UnreadableWorkbook as exc:
        reader.findings.add(exc.type, exc.message, exc.cell, sheet=exc.sheet)
    except OSError as exc:
        reader.findings.add("file-unreadable", f"The file could not be opened ({exc.strerror or exc}). Check it is not open elsewhere and try again.")
    return reader.result


class ReturnReader:
    """Walks a return's sheets, filling a Return and its findings (the delivery reader extends it for workbooks protected alike)."""

    def __init__(self, file: str, framework: Framework) -> None:
        self.framework = framework
        self.expected = expected_locked(framework)  # what every locked cell should hold; also fingerprinted
        self.found: dict[tuple[str, str, str], str] = {(COVER, label, "label"): label for label in COVER_LABELS}  # as the return holds them
        self.result = Return(file)
        self.findings = Findings(file, items=self.result.findings)
        self.date1904 = False

    def read(self, book: Workbook) -> None:
        self.date1904 = book.date1904
        sheets = self.required_sheets(book, REQUIRED_SHEETS, "It was not made from the svexcel template", "fill in a fresh template")
        if META in sheets and not self.check_meta(sheets[META]):
            return
        if COVER in sheets:
            self.read_cover(sheets[COVER])
        if COMMITMENTS in sheets:
            self.read_commitments(sheets[COMMITMENTS])
        if NARRATIVE in sheets:
            self.read_narrative(sheets[NARRATIVE])
        if META in sheets and len(sheets) == len(REQUIRED_SHEETS):
            self.check_fingerprint(sheets[META])

    def required_sheets(self, book: Workbook, names: Sequence[str], not_made: str, fix: str) -> dict[str, Sheet]:
        """The sheets a workbook of this kind needs, by name, size checked; a finding for each one missing (``not_made``
        says why when the hidden sheet is, ``fix`` what to do)."""
        sheets: dict[str, Sheet] = {}
        for name in names:
            sheet = book.sheet(name)
            if sheet is None:
                hint = not_made if name == META else "Do not rename or delete sheets"
                self.findings.add("missing-sheet", f"The workbook has no '{name}' sheet. {hint}; {fix}.", sheet=name)
            else:
                self.check_size(sheet)
                sheets[name] = sheet
        return sheets

    def check_size(self, sheet: Sheet) -> None:
        if sheet.truncated_at_row:
            self.findings.add("sheet-too-large", f"The sheet has data below row {MAX_ROWS:,}, far beyond a return's size; only the first {MAX_ROWS:,} rows were read. Delete the extra rows and resend.", sheet=sheet.name)
        elif sheet.dimension and ":" in sheet.dimension:  # the xlsx reader checked it is a range
            rows, cols = parse_ref(sheet.dimension.split(":")[1])
            if rows > MAX_ROWS or cols > 200:
                self.findings.add("absurd-dimensions", f"The sheet claims a used range of {sheet.dimension}; only its filled cells were read.", sheet.dimension, sheet=sheet.name)

    def check_meta(self, sheet: Sheet) -> bool:
        """Check the return was made for this framework and version; False stops further reading."""
        meta = key_values(sheet)
        ok = True
        for key, expected in (("framework_name", self.framework.name), ("framework_version", self.framework.version)):
            value, row = meta.get(key, (None, 1))
            found = cell_text(value)
            if found != expected:
                what = "framework" if key == "framework_name" else "framework version"
                self.findings.add(
                    "wrong-framework" if key == "framework_name" else "wrong-framework-version",
                    f"This return was made for {what} '{found or '(none)'}', but we are scoring '{expected}'. Ask for the current template and copy your answers into it.",
                    cell_ref(row, 2), sheet=META,
                )
                ok = False
        return ok

    def check_fingerprint(self, sheet: Sheet) -> None:
        expected = fingerprint(self.expected)
        stored, row = key_values(sheet).get("fingerprint", (sheet.value(3, 2), 3))
        if stored != expected and stored == fingerprint(self.found):
            self.framework_changed(cell_ref(row, 2))
        elif stored != expected and not any(f.type == "locked-cell-edited" for f in self.result.findings):
            self.findings.add(
                "fingerprint-mismatch",
                f"The return's fingerprint does not match {self.framework.name} {self.framework.version}: it was made "
                "from a different copy of the framework or its hidden sheet was edited. Copy your answers into a fresh template.",
                cell_ref(row, 2), sheet=META,
            )

    def framework_changed(self, ref: str) -> None:
        """The return is untouched but the framework's measures or themes changed since: say so instead of blaming the supplier."""
        self.result.findings[:] = [f for f in self.result.findings if f.type not in SUPPLIER_BLAME]
        self.findings.add(
            "framework-changed",
            f"This return is as issued, but {self.framework.name} {self.framework.version} changed after it was collected "
            "(a measure or theme added, deleted or renamed): rebuild with `svexcel build` and issue new templates.",
            ref, sheet=META,
        )

    def number(self, cell: Cell | None, sheet: str, ref: str, what: str, severity: Severity | None = None,
               negative: tuple[str, str] = HARMS) -> tuple[float | None, bool]:
        """Read a number as people type it: (value or None when blank, ok); problems get ``severity``.

        ``negative`` is the finding type and advice for a number below 0; ``severity`` overrides the catalogue's for problems.
        """
        if cell is not None and isinstance(cell.value, float) and cell.formula is None and cell.shown_as is None \
                and 0 <= cell.value <= LARGEST_NUMBER:
            return cell.value, True  # a plain number in range, as most are: nothing to report
        read = cell_number(cell)
        if cell is not None and read.problem:
            self.findings.add(read.problem, self.problem_message(read.problem, cell, what), ref, sheet=sheet, severity=severity)
            return None, False
        if cell is not None and read.note:  # a quantity stored as a percentage is read as such: one step milder than a mark
            self.findings.add(read.note, self.note_message(read.note, cell, what, read.value), ref, sheet=sheet,
                              severity="warning" if read.note == "stored-as-percent" else None)
        if read.value is not None and read.value < 0:
            type, advice = negative
            self.findings.add(type, f"{what} is {read.value:,.10g}; it cannot be negative. {advice}", ref, sheet=sheet, severity=severity)
            return None, False
        if read.value is not None and read.value > LARGEST_NUMBER:
            self.findings.add("number-too-large", f"{what} is {read.value:.3g}, beyond any real contract (the largest number "
                              f"accepted is {LARGEST_NUMBER:,.0f}). Check for extra zeros or a pasted code and type the real figure.",
                              ref, sheet=sheet, severity=severity)
            return None, False
        return read.value, True

    def problem_message(self, problem: str, cell: Cell, what: str) -> str:
        """What is wrong with a cell that could not be read as a number, and how to fix it."""
        value = cell.value
        if problem == "stored-as-date" and isinstance(value, float):
            return f"{what} {self.date_story(value, cell)}"
        if problem == "stored-as-time" and isinstance(value, float):
            shown = describe(value, "time")
            return (f"{what}: {shown} was stored as the time {shown} (Excel and LibreOffice turn an entry with a colon into a "
                    f"time of day, here the fraction {value:.4g} of a day), not the number meant. Type the quantity as a plain "
                    f"number: {shown} as {value * 24:,.4g} if you meant hours.")
        return {
            "cell-error": f"{what} shows the error {cell.error}. Type a plain number instead of the formula.",
            "formula-without-value": f"{what} holds a formula with no calculated value. Open the return in Excel, let it calculate and save it, or type the number.",
            "not-a-number": f"{what} is {as_typed(cell.value)}, which is not a number. Type a plain number such as 1200 (no words or ranges).",
        }[problem]

    def date_story(self, serial: float, cell: Cell) -> str:
        """How a number became a date, and what to type instead."""
        when = serial_datetime(serial, self.date1904)
        shown = describe(serial, "datetime" if cell.shown_as == "datetime" else "date", self.date1904)
        if when is None or when.year <= 1904:
            return (f"holds {serial:,.10g} in a date format (shown as {shown}). Format the cell as Number and "
                    "check the quantity is what you meant.")
        typed = f"{when.month}/{when.day}"
        return (f"was stored as the date {shown}, not a number: Excel and LibreOffice turn an entry such as {typed} or "
                f"{when.month}-{when.day} into a date. Type the quantity as a plain number, e.g. {typed} as "
                f"{when.month / when.day:.2f}, in a cell formatted as Number.")

    @staticmethod
    def note_message(note: str, cell: Cell, what: str, value: float | None) -> str:
        """What was read from a cell that needed interpreting."""
        return {
            "formula-value-used": f"{what} holds a formula (={cell.formula}); its calculated value {as_typed(cell.value)} was used.",
            "number-as-text": f"{what} was typed as text {as_typed(cell.value)} and read as the number {value or 0:,.10g}.",
            "stored-as-percent": f"{what} is formatted as a percentage: {describe(value or 0, 'percent')} was read as the "
                                 f"number {value or 0:,.10g}. If you meant {(value or 0) * 100:,.10g}, format the cell as Number and type that.",
        }[note]

    def read_cover(self, sheet: Sheet) -> None:
        labels = {normalise(cell.value): row for (row, col), cell in sheet.cells.items() if col == 1 and isinstance(cell.value, str)}
        values: dict[str, tuple[Cell | None, str]] = {}
        for offset, label in enumerate(COVER_LABELS):
            row = labels.get(normalise(label))
            if row is None:
                self.findings.add("missing-header", f"The Cover sheet has no '{label}' label in column A. Restore it; it is where the reader looks for the answer beside it.", cell_ref(COVER_FIRST_ROW + offset, 1), sheet=COVER)
                continue
            values[label] = (sheet.get(row, 2), cell_ref(row, 2))
            self.result.cells[label] = cell_ref(row, 2)
        text = {label: cell_text(None if cell is None else cell.value) for label, (cell, _) in values.items()}
        r = self.result
        r.organisation = text.get("Organisation", "")
        r.contract_reference = text.get("Contract reference", "")
        r.contact = text.get("Contact", "")
        if "Organisation" in values and not r.organisation:
            self.findings.add("no-organisation", "No organisation name is given. Type it so reports name you.", values["Organisation"][1], sheet=COVER)
        if "Contract value (GBP)" in values:
            cell, ref = values["Contract value (GBP)"]
            value, ok = self.number(cell, COVER, ref, f"Contract value in {ref}", negative=(
                "negative-contract-value", "Type the contract's total value in pounds, as in the tender."))
            if ok and not value:
                self.findings.add("no-contract-value", "No contract value is given, so the ratio of social value to contract value is left blank. Type the contract value in pounds.", ref, sheet=COVER)
            r.contract_value = value or None
        if "Contract years" in values:
            cell, ref = values["Contract years"]
            r.contract_years, _ = self.number(cell, COVER, ref, f"Contract years in {ref}", severity="warning", negative=(
                "negative-contract-years", "Type the contract's length in years, e.g. 3 or 2.5."))
        self.read_supplier(sheet, labels)

    def read_supplier(self, sheet: Sheet, labels: dict[str, int]) -> None:
        """The v2 Cover fields an assessment summary needs; a missing one is a warning."""
        for offset, label in enumerate(SUPPLIER_LABELS):
            row = labels.get(normalise(label))
            text = "" if row is None else cell_text(sheet.value(row, 2))
            setattr(self.result, label.lower().replace(" ", "_"), text)
            if row is not None:
                self.result.cells[label] = cell_ref(row, 2)
            if text:
                continue
            kind = "no-" + label.lower().replace(" ", "-")
            where = cell_ref(row, 2) if row is not None else cell_ref(COVER_FIRST_ROW + len(COVER_LABELS) + offset, 1)
            why = (f"No {label.lower()} is given in {where}" if row is not None
                   else f"The Cover sheet has no '{label}' label (the return was made from an older template)")
            self.findings.add(kind, f"{why}; the assessment summary needs it. Type the supplier's {label.lower()}"
                              f"{' (its identifier on the central digital platform)' if label == 'Unique identifier' else ''}.", where, sheet=COVER)

    def read_commitments(self, sheet: Sheet) -> None:
        table, missing, row = find_table(sheet, COMMITMENT_REQUIRED, COMMITMENT_COLUMNS)
        if table is None:
            self.findings.add("missing-header", f"The Commitments header row lacks {', '.join(repr(m) for m in missing)}. Restore the header names exactly as in the template.", cell_ref(row, 1), sheet=COMMITMENTS)
            return
        framework, expected = self.framework, self.expected
        seen: dict[str, str] = {}
        for row in table.rows():
            ident = table.text(row, "Measure ID")
            if not ident or not MEASURE_ID.match(ident):
                continue  # band rows, notes and blank rows
            id_ref = table.ref(row, "Measure ID")
            self.found |= {(COMMITMENTS, ident, c): table.text(row, c) for c in LOCKED_MEASURE_COLUMNS if c in table.columns}
            measure = framework.measure_by_id.get(ident)
            if measure is None:
                self.findings.add("unknown-measure", f"Measure ID '{ident}' is not in {framework.name} {framework.version}. Delete the row or correct the id.", id_ref, sheet=COMMITMENTS)
                continue
            if ident in seen:
                self.findings.add("duplicate-measure", f"Measure {ident} appears twice (first in {seen[ident]}). Keep one row per measure and add the quantities together.", id_ref, sheet=COMMITMENTS)
                continue
            seen[ident] = id_ref
            for column in LOCKED_MEASURE_COLUMNS:
                if column in table.columns:
                    actual = table.text(row, column)
                    if actual != expected[(COMMITMENTS, ident, column)]:
                        self.findings.add("locked-cell-edited", f"The locked {column} of measure {ident} was changed to '{actual}'. Restore '{expected[(COMMITMENTS, ident, column)]}' or use a fresh template.", table.ref(row, column), sheet=COMMITMENTS)
            self.read_quantity(table, row, measure.id, measure.kind == "binary")
            self.result.evidence[ident] = table.text(row, "Evidence")
            self.result.cells[ident] = table.ref(row, "Quantity")
            self.result.cells[f"{ident} evidence"] = table.ref(row, "Evidence")
        for measure in framework.measures:
            if measure.id not in seen:
                self.result.quantities.setdefault(measure.id, None)
                self.findings.add("missing-measure", f"Measure {measure.id} ({measure.name}) is missing from Commitments. Use a fresh template; do not delete rows.", table.header_ref, sheet=COMMITMENTS)

    def read_quantity(self, table: Table, row: int, ident: str, binary: bool) -> None:
        ref = table.ref(row, "Quantity")
        cell = table.cell(row, "Quantity")
        what = f"The quantity for {ident} in {ref}"
        self.result.quantities[ident] = None
        if binary and cell is not None and cell.error is None and not (cell.formula is not None and cell.value is None):
            value = cell.value
            if cell.formula is not None:
                self.findings.add("formula-value-used", f"{what} holds a formula (={cell.formula}); its calculated value {as_typed(value)} was used.", ref, sheet=COMMITMENTS)
            word = str(value).strip().casefold() if value is not None else ""
            if isinstance(value, bool):
                self.result.quantities[ident] = 1.0 if value else 0.0
            elif is_number(value) and value in (0, 1):
                self.result.quantities[ident] = float(value)
                self.findings.add("number-as-yes-no", f"{what} is {value:g}, read as {'Yes' if value else 'No'}. Choose Yes or No from the list.", ref, sheet=COMMITMENTS)
            elif word in YES or word in NO:
                self.result.quantities[ident] = 1.0 if word in YES else 0.0
            elif word:
                self.findings.add("not-yes-no", f"{what} is '{cell_text(value)}'. Choose Yes or No.", ref, sheet=COMMITMENTS)
                return
        else:
            value, ok = self.number(cell, COMMITMENTS, ref, what)
            if not ok:
                return
            self.result.quantities[ident] = value
        if self.result.quantities[ident] is None:
            self.findings.add("unanswered", f"Measure {ident} is not answered; it counts as no commitment. Type 0 if that is your answer.", ref, sheet=COMMITMENTS)

    def read_narrative(self, sheet: Sheet) -> None:
        table, missing, row = find_table(sheet, NARRATIVE_COLUMNS)
        if table is None:
            self.findings.add("missing-header", f"The Narrative header row lacks {', '.join(repr(m) for m in missing)}. Restore the header names exactly as in the template.", cell_ref(row, 1), sheet=NARRATIVE)
            return
        seen: dict[str, str] = {}
        for row in table.rows():
            ident = table.text(row, "Theme ID")
            if not ident:
                continue
            self.found[(NARRATIVE, ident, "Theme")] = table.text(row, "Theme")
            theme = self.framework.theme_by_id.get(ident)
            id_ref = table.ref(row, "Theme ID")
            if theme is None or ident in seen:
                why = f"repeats theme {ident} (first in {seen[ident]})" if theme else f"holds '{ident}', which is not a theme id"
                self.findings.add("locked-cell-edited", f"The locked Theme ID in {id_ref} {why}. Keep one row per theme as in "
                                  "the template; use a fresh template if rows were added or changed.", id_ref, sheet=NARRATIVE)
                continue
            seen[ident] = id_ref
            actual = table.text(row, "Theme")
            if actual != theme.name:
                self.findings.add("locked-cell-edited", f"The locked theme name of {theme.id} was changed to '{actual}'. Restore '{theme.name}' or use a fresh template.", table.ref(row, "Theme"), sheet=NARRATIVE)
            self.result.narrative[theme.id] = table.text(row, "Response")
        for theme in self.framework.themes:
            if theme.id not in seen:
                self.findings.add("locked-cell-edited", f"Theme {theme.id} ({theme.name}) has no Narrative row (deleted, or its id "
                                  "changed), so its response cannot be scored. Use a fresh template; do not delete rows.", table.header_ref, sheet=NARRATIVE)

