"""Write the protected delivery workbook a supplier fills in each period (SPEC §6), from the winning return."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.formats import GBP
from ..excel.protected import META, YES_NO, protect, save, validation, write, write_meta
from ..excel.styles import BOLD_FONT, NOTE_FONT, THEME_FILLS, WRAP, header_row, heading, mark_input, print_setup, set_widths
from ..framework.model import Framework
from ..tender.return_reader import Return
from ..xlsx.reader import column_letter
from .engine import ACCRUAL_WORDS, DeliverySettings
from .layout import (
    ACTION_COLUMNS,
    ACTION_ROWS,
    ACTION_STATUSES,
    ACTIONS,
    ACTIONS_HEADER_ROW,
    ATTESTATION,
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    DELIVERY,
    DELIVERY_HEADER_ROW,
    KIND,
    LEAD_COLUMNS,
    LOCKED_COVER,
    META_COMMITMENTS_COLUMN,
    META_KEYS,
    PERIODS_PER_YEAR,
    REPORTING_PERIOD,
    TAIL_COLUMNS,
    ContractTerms,
    committed_text,
    delivery_fingerprint,
)

NOT_MONITORED_FILL = PatternFill("solid", fgColor="D9D9D9")
NO_FILL = PatternFill(fill_type=None)
LOCKED = Protection(locked=True)
PERIODS_ON_ONE_PAGE = 12
FUTURE_FILL = PatternFill("solid", bgColor="EDEDED")  # a period after the reporting period: leave blank
DUE_FILL = PatternFill("solid", bgColor="F8CBAD")  # a period due but left blank
INSTRUCTIONS = (
    "How to fill in this delivery return",
    "1. Each period, type the contract's figure for that period in the yellow cell of its column on 'Delivery' "
    "(P1 is the first period; the date is the month it starts). Type plain numbers in the unit shown; choose Yes or No for yes/no measures.",
    "2. Column 'What to type' says which figure each row takes. 'Delivered in the period' (money, hours, weeks): what was "
    "delivered in that period alone; the periods are added up. 'Position at the end of the period' (headcounts, seats, "
    "members, ratios, yes/no): where things stand on the period's last day; the latest figure counts, so type it every period.",
    "3. Keep earlier periods as they are: this workbook is cumulative. If an earlier figure was wrong, correct it and say why "
    "in 'Evidence' — corrections are flagged to officers as restated.",
    "4. Leave a period blank only if nothing can be reported yet; type 0 if nothing was delivered. Leave later periods blank.",
    "5. Type the number of the latest period you report in 'Reporting period' above, and choose Yes in 'Attestation' to confirm "
    "that the figures relate only to this contract and these periods.",
    "6. Where delivery is behind the commitment, record the issue and your recovery action on 'Actions'.",
    "7. Grey cells are locked: they are the contract's commitments from the winning tender. Edited cells are detected.",
    "8. Save as .xlsx (Excel Workbook) and send it back without a password, every period.",
)


def terms_from_return(ret: Return, framework: Framework, start: dt.date, periods_per_year: int = 4,
                      years: float | None = None, starts: Mapping[str, int] | None = None) -> ContractTerms:
    """The contract terms of a delivery workbook: the winning return's cover and quantities, and the officer's timetable."""
    years = years if years is not None else ret.contract_years
    if periods_per_year not in PERIODS_PER_YEAR:
        raise ValueError(f"Periods per year must be one of {', '.join(map(str, PERIODS_PER_YEAR))}, not {periods_per_year}.")
    if not years or years <= 0:
        raise ValueError(f"{ret.file} gives no contract length in years; give one with --years.")
    periods = years * periods_per_year
    if abs(periods - round(periods)) > 1e-9:
        raise ValueError(f"{years:g} years of {periods_per_year} periods is not a whole number of periods.")
    committed = {m.id: ret.quantities.get(m.id) for m in framework.measures}
    starts = dict(starts or {})
    for ident, first in starts.items():
        if ident not in framework.measure_by_id:
            raise ValueError(f"Measure '{ident}' (given a starting period) is not in {framework.name} {framework.version}.")
        if not 1 <= first <= round(periods):
            raise ValueError(f"Measure {ident} cannot start in period {first}: the contract has periods 1 to {round(periods)}.")
    return ContractTerms(ret.organisation, ret.contract_reference, ret.contract_value, start, years, periods_per_year,
                         committed, {i: starts.get(i, 1) for i, c in committed.items() if c is not None}, ret.file)


def write_delivery_template(framework: Framework, terms: ContractTerms, path: str | Path, *, settings: DeliverySettings) -> Path:
    """Write a protected delivery workbook for one contract to ``path``; ``settings`` say how each measure accrues."""
    wb = Workbook()
    wb.remove(wb.active)
    _cover(wb.create_sheet(COVER), framework, terms)
    _delivery(wb.create_sheet(DELIVERY), framework, terms, settings)
    _actions(wb.create_sheet(ACTIONS), framework, terms)
    _meta(wb, framework, terms)
    return save(wb, path)


def _cover(ws: Worksheet, framework: Framework, terms: ContractTerms) -> None:
    heading(ws, "Social value delivery return",
            f"Framework: {framework.name}, version {framework.version}. Commitments from the winning tender {terms.winning_return}.")
    for offset, label in enumerate(COVER_LABELS):
        ws.cell(COVER_FIRST_ROW + offset, 1, label).font = BOLD_FONT
    for offset, value in enumerate(terms.cover_values()):
        write(ws, COVER_FIRST_ROW + offset, 2, value).alignment = Alignment(horizontal="left")
    ws.cell(COVER_FIRST_ROW + LOCKED_COVER.index("Contract value (GBP)"), 2).number_format = GBP
    period = ws.cell(COVER_FIRST_ROW + COVER_LABELS.index(REPORTING_PERIOD), 2)
    attestation = ws.cell(COVER_FIRST_ROW + COVER_LABELS.index(ATTESTATION), 2)
    for cell in (period, attestation):
        mark_input(cell)
        cell.alignment = Alignment(horizontal="left")
    validation(ws, "whole", "1", operator="between", formula2=str(terms.periods),
               error_title="Reporting period", error=f"Type a period number from 1 to {terms.periods}.", prompt_title="Reporting period",
               prompt=f"The number of the latest period you report, 1 to {terms.periods} (P1, P2 … on 'Delivery').").add(period)
    validation(ws, "list", YES_NO, error_title="Yes or No", error="Choose Yes or No from the list.", prompt_title="Attestation",
               prompt="Yes: the figures relate only to this contract and these periods.").add(attestation)
    note = ws.cell(attestation.row, 3, "Yes: the figures relate only to this contract and these periods.")
    note.font = NOTE_FONT
    first = COVER_FIRST_ROW + len(COVER_LABELS) + 1
    for offset, line in enumerate(INSTRUCTIONS):
        cell = ws.cell(first + offset, 1, line)
        if offset == 0:
            cell.font = BOLD_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=first + offset, start_column=1, end_row=first + offset, end_column=3)
        ws.row_dimensions[first + offset].height = 15 if offset == 0 else 31
    set_widths(ws, {"A": 24, "B": 30, "C": 60})
    protect(ws, format_cells=True)
    print_setup(ws, landscape=False)


def _delivery(ws: Worksheet, framework: Framework, terms: ContractTerms, settings: DeliverySettings) -> None:
    heading(ws, "Delivery", "Type each period's figure in the yellow cells, as 'What to type' says: delivered in the period (the periods "
                            "are added up) or the position at the end of the period (the latest counts). Grey rows have no commitment.")
    labels = terms.period_labels()
    headers = (*LEAD_COLUMNS, *labels, *TAIL_COLUMNS)
    first_period = len(LEAD_COLUMNS) + 1
    evidence = first_period + len(labels)
    header_row(ws, DELIVERY_HEADER_ROW, headers)
    rules = {
        "flow": validation(ws, "decimal", "0", operator="greaterThanOrEqual", error_title="Not an amount",
                           error="Type a plain number, 0 or more, in the unit shown.", prompt_title="Delivered in the period",
                           prompt="Delivered in the period: what was delivered in this period alone, 0 or more, in the unit shown. "
                                  "The periods are added up."),
        "level": validation(ws, "decimal", "0", operator="greaterThanOrEqual", error_title="Not an amount",
                            error="Type a plain number, 0 or more, in the unit shown.", prompt_title="Position at end of period",
                            prompt="The position at the end of the period: where things stand on its last day (e.g. seats held then), not what was added "
                                   "in it. The latest figure counts: type it every period."),
        "binary": validation(ws, "list", YES_NO, error_title="Yes or No", error="Choose Yes or No from the list.",
                             prompt_title="Position at end of period", prompt="The position at the end of the period: Yes or No, as "
                                                                                             "things stand on its last day."),
    }
    row = DELIVERY_HEADER_ROW + 1
    for index, theme in enumerate(framework.themes):
        fill = THEME_FILLS[index % len(THEME_FILLS)]
        band = write(ws, row, 1, f"{theme.id} – {theme.name}")
        band.font, band.fill = BOLD_FONT, fill
        ws.row_dimensions[row].fill = fill  # the band across the row as a row style: no empty cells to write or read
        row += 1
        for m in framework.theme_measures(theme.id):
            _measure_row(ws, row, framework, terms, settings, m.id, fill, rules)
            row += 1
    _period_cues(ws, first_period, evidence - 1, row - 1)
    set_widths(ws, {"A": 10, "B": 18, "C": 40, "D": 12, "E": 12, "F": 8, "G": 17})
    for col in range(first_period, evidence):
        ws.column_dimensions[column_letter(col)].width = 11
    set_widths(ws, {column_letter(evidence): 36, column_letter(evidence + 1): 36, column_letter(evidence + 2): 30})
    ws.freeze_panes = ws.cell(DELIVERY_HEADER_ROW + 1, first_period)
    protect(ws, format_cells=True)
    print_setup(ws, landscape=True, title_rows=f"{DELIVERY_HEADER_ROW}:{DELIVERY_HEADER_ROW}")
    ws.print_title_cols = "A:C"  # the measure on every page
    if len(labels) > PERIODS_ON_ONE_PAGE:
        ws.page_setup.fitToWidth = 0  # monthly contracts: pages across rather than unreadably small print


def _period_cues(ws: Worksheet, first: int, last: int, last_row: int) -> None:
    """Shade period cells as the supplier types the reporting period: later periods grey, blanks due orange."""
    cells = f"{column_letter(first)}{DELIVERY_HEADER_ROW + 1}:{column_letter(last)}{last_row}"
    top_left = f"{column_letter(first)}{DELIVERY_HEADER_ROW + 1}"
    period = f"(COLUMN({top_left})-{first - 1})"
    reported = f"{COVER}!$B${COVER_FIRST_ROW + COVER_LABELS.index(REPORTING_PERIOD)}"
    committed = f"$E{DELIVERY_HEADER_ROW + 1}"
    from_period = f"$F{DELIVERY_HEADER_ROW + 1}"
    ws.conditional_formatting.add(cells, FormulaRule(
        formula=[f'AND(ISNUMBER({reported}),{committed}<>"",{period}>{reported})'], fill=FUTURE_FILL, stopIfTrue=True))
    ws.conditional_formatting.add(cells, FormulaRule(
        formula=[f'AND(ISNUMBER({reported}),{committed}<>"",{period}<={reported},{period}>={from_period},ISBLANK({top_left}))'],
        fill=DUE_FILL))


def _measure_row(ws: Worksheet, row: int, framework: Framework, terms: ContractTerms, settings: DeliverySettings, ident: str,
                 fill: PatternFill, rules: dict[str, DataValidation]) -> None:
    """One measure's row: locked commitment, what to type, a yellow cell per period (if monitored), evidence and guidance."""
    m = framework.measure_by_id[ident]
    committed = terms.committed.get(m.id)
    monitored = committed is not None
    periods = len(terms.period_labels())
    first_period = len(LEAD_COLUMNS) + 1
    evidence = first_period + periods
    lead = (m.id, framework.theme_by_id[m.theme_id].name, m.name, m.unit, committed_text(m.kind, committed),
            terms.starts.get(m.id) if monitored else None, ACCRUAL_WORDS[settings.accrual(m)].capitalize() if monitored else None)
    ws.row_dimensions[row].height = 30  # two lines of a wrapped measure name
    for col, value in enumerate((*lead, *[None] * periods, None, m.counting_rule, m.evidence), start=1):
        cell = write(ws, row, col, value)
        cell.alignment = WRAP
        cell.fill = fill if monitored else NOT_MONITORED_FILL
    if not monitored:
        return
    if m.kind != "binary":
        ws.cell(row, 5).value = committed
    for col in range(first_period, evidence + 1):
        mark_input(ws.cell(row, col))
    if m.unit == "GBP":
        for col in (5, *range(first_period, evidence)):
            ws.cell(row, col).number_format = GBP
    rule = rules["binary" if m.kind == "binary" else settings.accrual(m)]
    rule.add(f"{column_letter(first_period)}{row}:{column_letter(evidence - 1)}{row}")


def _actions(ws: Worksheet, framework: Framework, terms: ContractTerms) -> None:
    heading(ws, "Actions", "A log both sides keep: for each measure behind its commitment, the issue, the recovery action, "
                           "who owns it, when it is due and where it stands.")
    header_row(ws, ACTIONS_HEADER_ROW, ACTION_COLUMNS)
    monitored = [m.id for m in framework.measures if terms.committed.get(m.id) is not None]
    first, last = ACTIONS_HEADER_ROW + 1, ACTIONS_HEADER_ROW + ACTION_ROWS
    validation(ws, "list", f"{META}!$D$1:$D${max(len(monitored), 1)}", error_title="Measure ID",
               error="Choose a measure of this contract from the list.").add(f"A{first}:A{last}")
    validation(ws, "date", "36526", operator="greaterThan", error_title="Date", error="Type a date, e.g. 2026-09-30.",
               prompt_title="Due", prompt="The date the action is due, e.g. 2026-09-30.").add(f"E{first}:E{last}")
    validation(ws, "list", f'"{",".join(ACTION_STATUSES)}"', error_title="Status",
               error=f"Choose one of: {', '.join(ACTION_STATUSES)}.").add(f"F{first}:F{last}")
    for col in range(1, len(ACTION_COLUMNS) + 1):  # the log's columns are inputs by column style: no empty cells to write or read
        column = ws.column_dimensions[column_letter(col)]
        mark_input(column)
        column.alignment = WRAP
        for row in range(1, ACTIONS_HEADER_ROW):  # the title rows keep the sheet's plain, locked style
            cell = ws.cell(row, col)
            cell.fill, cell.border, cell.protection = NO_FILL, Border(), LOCKED
    ws.column_dimensions["E"].number_format = "yyyy-mm-dd"
    set_widths(ws, {"A": 11, "B": 40, "C": 50, "D": 18, "E": 12, "F": 12})
    ws.freeze_panes = ws.cell(first, 1)
    protect(ws, format_cells=True)
    print_setup(ws, landscape=True, title_rows=f"{ACTIONS_HEADER_ROW}:{ACTIONS_HEADER_ROW}")


def _meta(wb: Workbook, framework: Framework, terms: ContractTerms) -> None:
    """The hidden sheet: the keys, then each monitored measure's id, committed quantity and first period in columns D:F."""
    values = (KIND, framework.name, framework.version, terms.winning_return, *terms.cover_values(), delivery_fingerprint(framework, terms))
    ws = write_meta(wb, dict(zip(META_KEYS, values, strict=True)))
    monitored = [m for m in framework.measures if terms.committed.get(m.id) is not None]
    for row, m in enumerate(monitored, start=1):
        for offset, value in enumerate((m.id, committed_text(m.kind, terms.committed[m.id]), terms.starts.get(m.id, 1))):
            write(ws, row, META_COMMITMENTS_COLUMN + offset, value)
