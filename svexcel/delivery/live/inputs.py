"""Read a live monitoring workbook's inputs back into the engine's model, and what its Python functions return.

The engine, given the workbook's cells, computes every figure once (``svexcel.delivery.engine``) and reaches the
same verdict as the Checks sheet: the finding types here are the check types. Pure functions: the xlwings
wrappers in ``udfs/svexcel_monitor.py`` only pass ranges in and tables out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from ...core.cells import Value
from ...core.findings import Finding, Findings, has_errors
from ...core.numbers import is_number
from ...excel.agreement import AGREES, agreement, rows_by
from ...excel.book import sheets_from_ranges
from ...excel.rows import read_anchors, table_problem
from ...framework.model import Framework, FrameworkError, framework_from_sheets
from ...tender.live.actions import checks_refusal
from ...xlsx.reader import Sheet, Workbook, column_letter
from ...xlsx.tables import cell_text, find_table
from ..engine import KPI_COUNT, NOT_DUE, Commitment, ContractDelivery, DeliverySettings, monitor
from ..reader import DeliveryReturn
from ..settings import delivery_settings_from_sheets
from .checks import ADVICE, ANCHOR_COL, ANCHOR_TOP, ROW_TYPES
from .layout import ACTUALS, CHECKS, CONTRACT_COLUMNS, CONTRACTS, DELIVERY_KEYS, FIGURE_COLUMNS, FIRST_PERIOD_COL, setting_row

Rows = Sequence[Sequence[Value]]
Table = list[list[Value]]
SHEETS = ("Settings", "Themes", "Outcomes", "Measures", "QualityScale", CONTRACTS, ACTUALS, CHECKS)


@dataclass(frozen=True)
class MonitorInputs:
    """A monitoring workbook's current inputs: framework, delivery settings, contracts, and problems found."""

    framework: Framework
    settings: DeliverySettings
    contracts: list[DeliveryReturn]
    findings: list[Finding] = field(default_factory=list)

    def figures(self) -> list[ContractDelivery]:
        """The engine's figures for every contract, in Contracts order."""
        return [monitor(self.framework, self.settings, c.commitments, c.actuals, c.period, c.periods) for c in self.contracts]

    @property
    def blocked(self) -> bool:
        """True when a check fails, so the workbook shows CHECK instead of figures."""
        return has_errors(self.findings)


def delivery_reports_refused(inputs: MonitorInputs, files: Sequence[DeliveryReturn]) -> str | None:
    """Why make_delivery_reports writes nothing: the checks fail, or the workbook's contracts (a reporting period or a
    figure typed on Contracts or Actuals) differ from the delivery workbooks the reports are written from."""
    refusal = checks_refusal(inputs.findings)
    if refusal is not None:
        return refusal
    on_file = {c.file: c for c in files}
    shown = {c.file for c in inputs.contracts}
    differ = [c.file for c in inputs.contracts
              if c.file not in on_file or (c.period, _reported(c)) != (on_file[c.file].period, _reported(on_file[c.file]))]
    differ += [f for f in on_file if f not in shown]
    if not differ:
        return None
    return (f"No reports written: the reports are written from the delivery workbooks, and this workbook differs from them "
            f"for {', '.join(differ[:5])} (a reporting period or a figure typed here, or files changed since the import). "
            "Undo those edits, or correct the files and run import_deliveries, then write the reports.")


def _reported(contract: DeliveryReturn) -> dict[str, tuple[float | None, ...]]:
    """A contract's figures by measure, blanks at the end dropped and measures with none left out."""
    series = {ident: tuple(values) for ident, values in contract.actuals.items()}
    trimmed = {ident: values[:max((k + 1 for k, v in enumerate(values) if v is not None), default=0)] for ident, values in series.items()}
    return {ident: values for ident, values in trimmed.items() if values}


def read_monitor_workbook(path: str | Path) -> MonitorInputs:
    """The inputs of a saved monitoring workbook; raises FrameworkError when its framework sheets are invalid."""
    path = Path(path)
    with Workbook(path) as book:
        sheets = {name: book.sheet(name) for name in SHEETS}
    return inputs_from_sheets(sheets, path.name)


def inputs_from_tables(settings: Rows, themes: Rows, outcomes: Rows, measures: Rows, contracts: Rows, actuals: Rows) -> MonitorInputs:
    """The inputs from cell ranges as Excel passes them (rows of values, None for blanks), each from its header row."""
    return inputs_from_sheets(sheets_from_ranges({"Settings": settings, "Themes": themes, "Outcomes": outcomes, "Measures": measures,
                                                  CONTRACTS: contracts, ACTUALS: actuals}))


def inputs_from_sheets(sheets: Mapping[str, Sheet | None], file: str = "") -> MonitorInputs:
    """The inputs from the workbook's sheets; raises FrameworkError (with any rows changed) when the framework sheets are invalid."""
    findings = Findings(file)
    rows = _rows_as_built(sheets, findings)
    scale = sheets.get("QualityScale") or Sheet.from_rows("QualityScale", [["score", "label", "descriptor"]])
    try:
        framework = framework_from_sheets({**sheets, "QualityScale": scale}, file)
    except FrameworkError as exc:
        raise FrameworkError(findings.items + exc.findings) from exc
    settings, settings_findings = delivery_settings_from_sheets(sheets, file)
    findings.items.extend(settings_findings)
    settings_sheet = sheets.get("Settings")
    for key in DELIVERY_KEYS:
        row = rows.get("Settings", {}).get(setting_row(key), setting_row(key))  # the key's row as built, where it is now
        if settings_sheet is not None and cell_text(settings_sheet.value(row, 1)) != key:
            findings.add("missing-setting", f"Settings A{row} should hold the key {key}. Restore it.", f"A{row}", sheet="Settings")
    contracts = _contracts(sheets.get(CONTRACTS), findings.on(CONTRACTS), _period_columns(sheets.get(ACTUALS)))
    _actuals(sheets.get(ACTUALS), framework, contracts, findings.on(ACTUALS))
    return MonitorInputs(framework, settings, list(contracts.values()), findings.items)


def _rows_as_built(sheets: Mapping[str, Sheet | None], findings: Findings) -> dict[str, dict[int, int]]:
    """Findings where an input table's rows differ from those built (inserted, deleted, typed below), as the anchors on
    Checks say, and where each row as built is now (sheet -> row as built -> row now); nothing without anchors."""
    moved = {}
    for t, rows in read_anchors(sheets.get(CHECKS), ANCHOR_COL, ANCHOR_TOP, ROW_TYPES) or []:
        problem = table_problem(t, rows, sheets.get(t.sheet))
        if problem is not None:
            row_problem, cell = problem
            findings.add(row_problem, f"Row {cell[1:]} of {t.sheet}: {ADVICE[row_problem]}", cell, sheet=t.sheet)
        moved[t.sheet] = {built: now for built, now in enumerate(rows, start=1) if now is not None}
    return moved


def _period_columns(sheet: Sheet | None) -> int:
    """How many period columns (P1, P2 …) the Actuals sheet has."""
    count = 0
    while sheet is not None and cell_text(sheet.value(1, FIRST_PERIOD_COL + count)) == f"P{count + 1}":
        count += 1
    return count


def _contracts(sheet: Sheet | None, findings: Findings, period_columns: int) -> dict[int, DeliveryReturn]:
    """Each Contracts row by its number, with its periods (a whole number up to the period columns on Actuals) and
    reporting period (0 to its periods); a bad one is a finding."""
    table = find_table(sheet, CONTRACT_COLUMNS, first_row_only=True)[0] if sheet is not None else None
    if table is None:
        findings.add("missing-header", "The Contracts sheet or its header row is missing. Rebuild the workbook.", "A1")
        return {}
    contracts = {}
    for row in table.rows():
        number = table.value(row, "No.")
        if not is_number(number):
            continue
        periods, at = table.value(row, "Periods"), table.ref(row, "Periods")
        whole = is_number(periods) and float(periods).is_integer() and 1 <= periods <= period_columns  # type: ignore[arg-type,operator]
        contract = DeliveryReturn(table.name(row), supplier=table.text(row, "Supplier"),
                                  contract_reference=table.text(row, "Contract reference"), start=table.text(row, "Contract start"),
                                  periods=int(periods) if whole else 0)  # type: ignore[arg-type]
        k, ref = table.value(row, "Reporting period"), table.ref(row, "Reporting period")
        if not whole:
            findings.add("bad-periods", f"The number of periods in {at} is {periods!r}; it comes from the delivery workbook, a whole "
                         f"number from 1 to {period_columns} (the period columns on Actuals). Restore it.", at)
        elif is_number(k) and float(k).is_integer() and 0 <= k <= contract.periods:  # type: ignore[arg-type,operator]
            contract.period = int(k)  # type: ignore[arg-type]
        else:
            findings.add("bad-reporting-period", f"The reporting period in {ref} is {k!r}; type a whole number from 0 to {contract.periods}.", ref)
        contracts[int(number)] = contract  # type: ignore[arg-type]
    return contracts


def value_of(value: Value) -> float | None:
    """A period or committed cell as the formulas count it: a number, Yes = 1, No = 0, anything else blank."""
    if is_number(value):
        return float(value)  # type: ignore[arg-type]
    word = cell_text(value).casefold() if isinstance(value, str) else ""
    return 1.0 if word == "yes" else 0.0 if word == "no" else None


def _actuals(sheet: Sheet | None, framework: Framework, contracts: dict[int, DeliveryReturn], findings: Findings) -> None:
    """Each Actuals row into its contract's commitments and actuals; bad figures are findings naming the cell."""
    table = find_table(sheet, ("No.", "Measure ID", "Committed", "From period"), first_row_only=True)[0] if sheet is not None else None
    if table is None:
        findings.add("missing-header", "The Actuals sheet or its header row is missing. Rebuild the workbook.", "A1")
        return
    for row in table.rows():
        number, ident = table.value(row, "No."), table.text(row, "Measure ID")
        contract = contracts.get(int(number)) if is_number(number) else None  # type: ignore[arg-type]
        if contract is None:
            continue
        measure = framework.measure_by_id.get(ident)
        if measure is None:
            findings.add("measure-not-found", f"Measure {ident!r} in {table.ref(row, 'Measure ID')} is not on Measures.", table.ref(row, "Measure ID"))
            continue
        starts = table.value(row, "From period")
        contract.commitments[ident] = Commitment(value_of(table.value(row, "Committed")) or 0.0, int(starts) if is_number(starts) else 1)  # type: ignore[arg-type]
        series = []
        for p in range(contract.periods):
            cell = table.sheet.get(row, FIRST_PERIOD_COL + p)
            value = None if cell is None else cell.value
            problem = _problem(value, measure.kind == "binary")
            if problem is not None:
                ref = f"{column_letter(FIRST_PERIOD_COL + p)}{row}"
                findings.add(problem, f"P{p + 1} of {ident} in {ref} is {value!r}. " + _ADVICE[problem], ref)
            series.append(value_of(value))
        contract.actuals[ident] = series


_ADVICE = {"not-a-number": "Type a plain number.", "negative-quantity": "Type 0 or more.", "not-yes-no": "Choose Yes or No."}


def _problem(value: Value, binary: bool) -> str | None:
    """The check type a period figure fails, if any (the Checks sheet's rule)."""
    if value is None or value == "":
        return None
    if binary:
        ok = (is_number(value) and value in (0, 1)) or (isinstance(value, str) and cell_text(value).casefold() in ("yes", "no"))
        return None if ok else "not-yes-no"
    if isinstance(value, str):
        return "not-a-number"
    return "negative-quantity" if is_number(value) and value < 0 else None


# --- what the Python functions return --------------------------------------------------------------------------


def figures_table(inputs: MonitorInputs, formula_figures: Rows | None = None) -> Table:
    """The engine's ContractFigures table; with the formulas' table, a last column saying whether they agree."""
    header: list[Value] = list(FIGURE_COLUMNS)
    rows: Table = [header + ([AGREES] if formula_figures is not None else [])]
    theirs = rows_by(formula_figures, "No.", 0, cell_text) if formula_figures is not None else {}  # two contracts may share a reference
    for number, (contract, d) in enumerate(zip(inputs.contracts, inputs.figures(), strict=True), start=1):
        row = figure_row(number, contract, d, inputs.settings)
        if formula_figures is not None:
            row.append(agreement(header, row, theirs.get(cell_text(float(number))), "No: not on ContractFigures"))
        rows.append(row)
    return rows


def figure_row(number: int, contract: DeliveryReturn, d: ContractDelivery, settings: DeliverySettings) -> list[Value]:
    """One contract's figures in ContractFigures column order (blank KPI cells when fewer than three)."""
    counts = d.rag_counts()
    row: list[Value] = [float(number), contract.supplier, contract.contract_reference, float(d.period), float(d.periods),
                        float(len(d.measures)), *(float(counts[r]) for r in ("Green", "Amber", "Red")),
                        d.sv_committed, d.sv_expected, d.sv_delivered, d.sv_forecast, d.benefit_expected, d.benefit_delivered,
                        d.share_count, d.share_value, d.method, d.share, d.rating]
    for j in range(KPI_COUNT):
        kpi = d.kpis[j] if j < len(d.kpis) else None
        row += [kpi.measure, kpi.progress, kpi.rating or NOT_DUE] if kpi else [None, None, None]
    return [*row, float(len(d.measures) - d.due), -d.harm_delivered]


def explain_rating(inputs: MonitorInputs, reference: str) -> list[str]:
    """A plain-English account of one contract's rating: the share used, the bands, the measures behind it."""
    found = [(c, d) for c, d in zip(inputs.contracts, inputs.figures(), strict=True)
             if c.contract_reference.casefold() == reference.strip().casefold()]
    if not found:
        return [f"No contract with reference '{reference}' is on Contracts. Give it exactly as in column D of Contracts."]
    if inputs.blocked:
        return ["The workbook's checks fail, so no rating is shown. Fix these cells first:",
                *(str(f) for f in inputs.findings if f.severity == "error")]
    return [line for contract, d in found for line in _explained(inputs, contract, d)]


def _explained(inputs: MonitorInputs, contract: DeliveryReturn, d: ContractDelivery) -> list[str]:
    """The account of one contract's rating (several contracts may share a reference: each is explained)."""
    s, fw = inputs.settings, inputs.framework
    lines = [
        f"{contract.supplier or contract.file} ({contract.contract_reference}) at P{d.period} of {d.periods}: rated {d.rating} "
        f"on the {d.method} share, {d.share:.1%}.",
        f"Bands (Settings): Good from {s.rating_good:.0%}, Approaching target from {s.rating_approaching:.0%}, "
        f"Requires improvement from {s.rating_requires_improvement:.0%}, else Inadequate.",
        f"Value share: £{d.benefit_delivered:,.2f} of social value delivered against £{d.benefit_expected:,.2f} expected to date "
        f"on monetised benefit measures = {d.share_value:.1%} (capped at 100%; 100% when nothing is expected yet).",
        f"Count share: {d.rag_counts()['Green']} of {d.due} measures due Green (progress from {s.rag_green:.0%}) = {d.share_count:.1%}"
        + (f"; {len(d.measures) - d.due} not yet due, left out." if d.due < len(d.measures) else "."),
    ]
    behind = sorted(((m.progress, i, m) for i, m in d.measures.items() if m.progress is not None and m.rag != "Green"), key=lambda t: t[0])
    for progress, ident, m in behind:
        name = fw.measure_by_id[ident].name
        lines.append(f"{m.rag}: {ident} {name}: delivered {m.delivered:,.10g} against {m.expected:,.10g} expected ({progress:.0%}).")
    for kpi in d.kpis:
        lines.append(f"KPI {kpi.measure}: not yet due, so not rated." if kpi.progress is None else
                     f"KPI {kpi.measure}: progress {kpi.progress:.0%}, rated {kpi.rating}.")
    if d.method == "value" and d.rating != "Good" and d.benefit_expected > 0:
        gap = s.rating_good * d.benefit_expected - d.benefit_delivered
        lines.append(f"To be rated Good, £{gap:,.2f} more social value must be delivered on benefit measures.")
    return lines

