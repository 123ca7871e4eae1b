"""Declarations of interest (SPEC §7 v3; Procurement Act 2023 s.81–83): the Declaration sheet of an evaluator workbook,
written blank for the evaluator and read back, and ``no-declaration`` when it is not complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Findings
from ..core.number_formats import serial_datetime
from ..core.numbers import is_number
from ..excel.protected import protect, put, validation
from ..excel.styles import BOLD_FONT, WRAP, header_row, heading, mark_input, set_widths
from ..xlsx.reader import Sheet, cell_ref
from ..xlsx.tables import cell_text, find_table, normalise
from .layout import table_locked

DECLARATION = "Declaration"
NO_CONFLICT, CONFLICT = "No conflict of interest", "Conflict of interest declared"
CHOICE, DETAILS, NAME, DATE = "Declaration", "Details of the conflict", "Name", "Date"
LABELS = (CHOICE, DETAILS, NAME, DATE)
FIRST_ROW = 5  # the first label, under the title and its notes; the bidders follow below
BIDDERS_HEADER_ROW = FIRST_ROW + len(LABELS) + 2


@dataclass(frozen=True)
class Declaration:
    """What an evaluator declared, as read: the choice, details of a conflict, their name and the date, and where each is."""

    evaluator: str
    file: str
    choice: str = ""
    details: str = ""
    name: str = ""
    date: str = ""
    cells: tuple[str, ...] = ()  # the cells of the choice, details, name and date

    @property
    def conflict(self) -> bool:
        """True when a conflict of interest is declared."""
        return self.choice == CONFLICT

    @property
    def missing(self) -> list[str]:
        """What a complete declaration lacks (none: it is complete)."""
        lacks = [] if self.choice in (NO_CONFLICT, CONFLICT) else [f"the declaration ({NO_CONFLICT} or {CONFLICT})"]
        if self.conflict and not self.details:
            lacks.append("details of the conflict")
        return lacks + [what for what, value in (("the name", self.name), ("the date", self.date)) if not value]

    def summary(self) -> str:
        """One line for people: who declared what, signed and dated."""
        what = f"{CONFLICT}: {self.details}" if self.conflict else self.choice or "no declaration"
        return f"{self.evaluator}: {what} (signed {self.name or '—'}, {self.date or 'undated'})"


def write_declaration_sheet(ws: Worksheet, evaluator: str, bidders: Mapping[str, str]) -> None:
    """The Declaration sheet: the evaluator's declaration to fill in (unlocked cells), above the bidders it concerns."""
    heading(ws, f"Declaration of interests — {evaluator}",
            "Before you score, declare whether you have a conflict of interest with any bidder below (Procurement Act 2023, "
            "sections 81 to 83): a financial, professional or personal interest that could, or could appear to, affect your scoring.",
            "Marks from a workbook without a complete declaration are not used. If your interests change, say so to the panel chair.")
    choice = validation(ws, "list", f'"{NO_CONFLICT},{CONFLICT}"', error_title="Declaration",
                        error=f"Choose {NO_CONFLICT} or {CONFLICT}.", prompt_title="Declaration",
                        prompt="Choose one. If you declare a conflict, say with whom and what it is in the next cell.")
    date = validation(ws, "date", "36526", operator="greaterThanOrEqual", error_title="Date", error="Type the date, e.g. 2/3/2026.",
                      prompt_title="Date", prompt="The date of this declaration.")
    for row, label in enumerate(LABELS, start=FIRST_ROW):
        put(ws.cell(row, 1), label).font = BOLD_FONT
        cell = ws.cell(row, 2)
        cell.alignment = WRAP
        mark_input(cell)
    choice.add(ws.cell(FIRST_ROW, 2))
    date.add(ws.cell(FIRST_ROW + 3, 2))
    ws.cell(FIRST_ROW + 3, 2).number_format = "d mmm yyyy"
    ws.row_dimensions[FIRST_ROW + 1].height = 45
    header_row(ws, BIDDERS_HEADER_ROW, ("Bidder's file", "Organisation"))
    for row, (file, organisation) in enumerate(bidders.items(), start=BIDDERS_HEADER_ROW + 1):
        put(ws.cell(row, 1), file)
        put(ws.cell(row, 2), organisation).alignment = Alignment(wrap_text=True, vertical="top")
    set_widths(ws, {"A": 30, "B": 70})
    protect(ws)


def read_declaration(sheet: Sheet | None, evaluator: str, file: str, date1904: bool, findings: Findings) -> Declaration:
    """The declaration on a Declaration sheet; ``no-declaration`` (the evaluator's marks are then not used) when it is
    missing or incomplete."""
    if sheet is None:
        declared = Declaration(evaluator, file)
        findings.add("no-declaration", f"{evaluator}'s workbook has no {DECLARATION} sheet, so nothing is declared and their marks "
                     "are not used. Ask them to copy their scores into a fresh evaluator workbook and complete its declaration.",
                     sheet=DECLARATION)
        return declared
    rows = {normalise(sheet.value(r, 1)): r for (r, c) in sorted(sheet.cells) if c == 1 and r < BIDDERS_HEADER_ROW}
    values = {label: _text(sheet, rows.get(normalise(label)), date1904) for label in LABELS}
    values[CHOICE] = {normalise(c): c for c in (NO_CONFLICT, CONFLICT)}.get(normalise(values[CHOICE]), values[CHOICE])
    cells = tuple(cell_ref(rows.get(normalise(label), FIRST_ROW + i), 2) for i, label in enumerate(LABELS))
    declared = Declaration(evaluator, file, values[CHOICE], values[DETAILS], values[NAME], values[DATE], cells)
    if declared.missing:
        first = cells[0] if values[CHOICE] not in (NO_CONFLICT, CONFLICT) else cells[LABELS.index(_first_blank(declared))]
        findings.add("no-declaration", f"{evaluator}'s declaration of interests lacks {', '.join(declared.missing)}, so their marks are "
                     f"not used. Ask them to complete the {DECLARATION} sheet ({NO_CONFLICT}, or {CONFLICT} with details; name; date) "
                     "and send the workbook back.", first, sheet=DECLARATION)
    return declared


def _first_blank(declared: Declaration) -> str:
    """The label of the first blank cell of a declaration whose choice is made."""
    if declared.conflict and not declared.details:
        return DETAILS
    return NAME if not declared.name else DATE


def _text(sheet: Sheet, row: int | None, date1904: bool) -> str:
    """The answer beside a label as text; a date as the ISO date it stands for."""
    if row is None:
        return ""
    cell = sheet.get(row, 2)
    if cell is None:
        return ""
    if cell.shown_as in ("date", "datetime") and is_number(cell.value):
        when = serial_datetime(float(cell.value), date1904)  # type: ignore[arg-type]
        if when is not None:
            return when.date().isoformat()
    return cell_text(cell.value)


# ------------------------------------------------------------ the panel chair's list, in the moderation workbook

DECLARATIONS = "Declarations"
DECLARATIONS_HEADER_ROW = 5
DECLARATION_COLUMNS = ("Evaluator", "Evaluator file", "Declaration", "Details of the conflict", "Name", "Date", "Marks used")
DECISION_COLUMNS = ("Marks excluded for", "Panel chair's note")
EXCLUDED = "Excluded by the panel chair: conflict of interest declared"


@dataclass(frozen=True)
class Decision:
    """The panel chair's decision on an evaluator's declaration: the returns whose marks from them are not used, and why."""

    excluded: str = ""  # return files as typed, one per line or separated by ;
    note: str = ""
    cell: str = ""  # where the excluded files are typed

    @property
    def files(self) -> list[str]:
        """The return files named, in order, without blanks or repeats."""
        return list(dict.fromkeys(f.strip() for f in self.excluded.replace("\n", ";").split(";") if f.strip()))

    @property
    def made(self) -> bool:
        """True once the chair has excluded marks or said why they stand."""
        return bool(self.excluded.strip() or self.note.strip())


def declaration_row(declared: Declaration, used: bool) -> dict[str, str]:
    """An evaluator's declaration as a locked row of the Declarations sheet."""
    return dict(zip(DECLARATION_COLUMNS, (declared.evaluator, declared.file, declared.choice or "(none)", declared.details,
                                          declared.name, declared.date, "Yes" if used else "No: the declaration is not complete"),
                    strict=True))


def write_declarations_sheet(ws: Worksheet, rows: list[dict[str, str]], decisions: Mapping[str, Decision]) -> None:
    """The panel chair's list: every evaluator's declaration (locked) and the chair's decision on it (unlocked)."""
    heading(ws, "Declarations of interest — for the panel chair",
            "Each evaluator's declaration as the last moderate run read it from their workbook. Marks from a workbook without "
            "a complete declaration are not used.",
            "Where a conflict is declared, decide: in Marks excluded for, the return files (separated by ;) whose marks from that "
            "evaluator are not to be used; or, in Panel chair's note, why they stand. Then rerun svexcel moderate, which applies "
            "the decision and records it in the Audit log.")
    header_row(ws, DECLARATIONS_HEADER_ROW, (*DECLARATION_COLUMNS, *DECISION_COLUMNS))
    for row, values in enumerate(rows, start=DECLARATIONS_HEADER_ROW + 1):
        decision = decisions.get(values["Evaluator"], Decision())
        for col, value in enumerate((*values.values(), decision.excluded, decision.note), start=1):
            put(ws.cell(row, col), value).alignment = WRAP
        for col in (len(DECLARATION_COLUMNS) + 1, len(DECLARATION_COLUMNS) + 2):
            mark_input(ws.cell(row, col))
    set_widths(ws, {"A": 18, "B": 20, "C": 26, "D": 40, "E": 18, "F": 12, "G": 16, "H": 30, "I": 40})
    protect(ws)


def read_declarations(sheet: Sheet | None) -> tuple[dict[str, dict[str, str]], dict[str, Decision]]:
    """The Declarations sheet's rows by evaluator (locked cells as text, for the fingerprint) and the chair's decisions."""
    rows: dict[str, dict[str, str]] = {}
    decisions: dict[str, Decision] = {}
    table = None if sheet is None else find_table(sheet, ("Evaluator", *DECISION_COLUMNS), DECLARATION_COLUMNS)[0]
    if table is None:
        return rows, decisions
    for row in table.rows():
        evaluator = table.text(row, "Evaluator")
        if evaluator and evaluator not in rows:
            rows[evaluator] = {column: table.text(row, column) for column in DECLARATION_COLUMNS}
            decisions[evaluator] = Decision(table.text(row, DECISION_COLUMNS[0]), table.text(row, DECISION_COLUMNS[1]),
                                            table.ref(row, DECISION_COLUMNS[0]))
    return rows, decisions


def declarations_locked(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], str]:
    """The Declarations sheet's locked cells, for the moderation workbook's fingerprint."""
    return table_locked(DECLARATIONS, {(row["Evaluator"], ""): row for row in rows}, DECLARATION_COLUMNS)
