"""The live monitoring workbook's sheets as cell grids (SPEC §6 figures as native formulas).

Every figure of ``svexcel.delivery.engine`` is rebuilt as a formula that Excel 2016+ and LibreOffice
compute alike (no XLOOKUP, XMATCH, LET or spilled arrays). The builder writes these grids with openpyxl;
the import macro writes the same grids into an open workbook.

Sheets: ``Contracts`` (one row per contract, reporting period editable), ``Actuals`` (every contract's
figures by period, editable), ``MeasureFigures`` (one row per contract and monitored measure: delivered,
expected, progress, RAG, £), ``ContractFigures`` (£ totals, shares, rating, KPIs), ``Dashboard``,
``Checks`` and ``Findings``. While a check fails every figure shows ``CHECK``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

from ...core.findings import FINDING_COLUMNS, Finding, finding_rows
from ...excel.formulas import checked
from ...excel.grid import CellValue, Formula, Grid, ref
from ...excel.rows import Anchors, InputTable
from ...framework.model import SETTING_NOTES as FRAMEWORK_SETTINGS
from ...framework.model import SHEET_COLUMNS, Framework
from ...tender.live.layout import COLUMN_NAMES, TABLE_NAMES
from ...xlsx.reader import column_letter
from .. import labels
from ..engine import KPI_COUNT, NOT_DUE, DeliverySettings
from ..reader import DeliveryReturn
from ..settings import ACCRUES_COL, VERIFICATION_KEYS
from ..settings import SETTING_NOTES as DELIVERY_SETTINGS
from . import checks

CONTRACTS = "Contracts"
ACTUALS = "Actuals"
MEASURE_FIGURES = "MeasureFigures"
CONTRACT_FIGURES = "ContractFigures"
DASHBOARD = "Dashboard"
FINDINGS = "Findings"
CHECKS = checks.CHECKS

CONTRACT_COLUMNS = ("No.", "File", "Supplier", "Contract reference", "Contract start", "Periods", "Reporting period")
ACTUAL_LEAD = ("No.", "Contract reference", "Measure ID", "Measure", "Committed", "From period")
FIRST_PERIOD_COL = len(ACTUAL_LEAD) + 1
MEASURE_COLUMNS = (
    "No.", "Contract reference", "Measure ID", "Row in Measures", "Kind", "Direction", "Proxy (£)", "Deadweight",
    "Accrues", "Committed", "From period", "Period", "Periods", "Expected share", "Expected", "Delivered",
    "Progress", "RAG", "£ committed", "£ expected", "£ delivered", "Benefit", "KPI rank", "KPI key",
)
FIGURE_COLUMNS = (
    "No.", "Supplier", "Contract reference", "Period", "Periods", "Monitored", "Green", "Amber", "Red",
    "£ committed", "£ expected", "£ delivered", "£ forecast", "Benefit £ expected", "Benefit £ delivered",
    "share_count", "share_value", "rating_method", "Share used", "rating",
    *(f"KPI {k} {part}" for k in range(1, KPI_COUNT + 1) for part in ("measure", "progress", "rating")),
    "Not yet due", "Harms £ delivered",
)
DASHBOARD_COLUMNS = ("Supplier", "Contract reference", "Period", "£ committed", "£ expected", "£ delivered",
                     "£ forecast", "share_value", "share_count", "rating", "Green", "Amber", "Red", "Not yet due",
                     "Benefit £ expected", "Benefit £ delivered", "Harms £ delivered",
                     *(f"KPI {k} rating" for k in range(1, KPI_COUNT + 1)))
# The Dashboard's words for the figures the report, portfolio and summary workbook label the same way (svexcel.delivery.labels).
DASHBOARD_HEADERS = {"£ delivered": labels.NET, "Benefit £ expected": labels.BENEFIT_EXPECTED,
                     "Benefit £ delivered": labels.BENEFIT_DELIVERED, "Harms £ delivered": labels.HARMS}
DASHBOARD_HEADER_ROW = 5
DELIVERY_KEYS = tuple(k for k in DELIVERY_SETTINGS if k not in VERIFICATION_KEYS)  # the keys the formulas use
SETTING_NAMES = {"rag_green": "RagGreen", "rag_amber": "RagAmber", "rating_good": "RatingGood",
                 "rating_approaching": "RatingApproaching", "rating_requires_improvement": "RatingRequiresImprovement",
                 "rating_method": "RatingMethod"}


def setting_row(key: str) -> int:
    """Row of a delivery key on Settings: after the framework's own keys, as the builder writes them."""
    return len(FRAMEWORK_SETTINGS) + 2 + DELIVERY_KEYS.index(key)


def value_of(cell: str) -> str:
    """A period or committed cell as the engine reads it: a number, Yes = 1, No = 0, else blank ("")."""
    word = f"LOWER(TRIM({cell}))"
    return f'IF(ISNUMBER({cell}),{cell},IF({word}="yes",1,IF({word}="no",0,"")))'


def rating_of(share: str) -> str:
    """The s.71 category for a share in 0–1, from the rating bands on Settings."""
    return (f'IF({share}>=RatingGood,"Good",IF({share}>=RatingApproaching,"Approaching target",'
            f'IF({share}>=RatingRequiresImprovement,"Requires improvement","Inadequate")))')


def figure(expr: str) -> Formula:
    """A figure cell: CHECK while a check fails, else ``expr``."""
    return Formula(checked(expr))


@dataclass(frozen=True)
class MonitorLayout:
    """Cell positions of every figure for one framework, its delivery settings and the contracts monitored."""

    framework: Framework
    settings: DeliverySettings
    contracts: Sequence[DeliveryReturn]
    findings: Sequence[Finding] = ()

    # --- geometry -------------------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of contracts monitored."""
        return len(self.contracts)

    @property
    def max_periods(self) -> int:
        """Period columns on Actuals: the longest contract's (at least one)."""
        return max((c.periods for c in self.contracts), default=1) or 1

    @cached_property
    def rows(self) -> list[tuple[int, DeliveryReturn, str]]:
        """(contract number, contract, measure id) per Actuals row, contracts in order, measures in framework order."""
        return [(i, c, m.id) for i, c in enumerate(self.contracts, start=1) for m in self.framework.measures
                if c.commitments.get(m.id) is not None and c.commitments[m.id].committed is not None]

    @property
    def last_row(self) -> int:
        """Last data row of Actuals and MeasureFigures (at least 2, so names stay valid)."""
        return max(len(self.rows), 1) + 1

    def mcol(self, header: str) -> str:
        """Letter of a MeasureFigures column."""
        return column_letter(MEASURE_COLUMNS.index(header) + 1)

    def cum_col(self, period: int) -> int:
        """MeasureFigures column of delivered as it stood at ``period`` (1-based)."""
        return len(MEASURE_COLUMNS) + period

    def fcol(self, header: str) -> str:
        """Letter of a ContractFigures column."""
        return column_letter(FIGURE_COLUMNS.index(header) + 1)

    # --- names ----------------------------------------------------------------------------------------------
    def names(self) -> dict[str, str]:
        """Every defined name and what it refers to."""
        fw = self.framework
        counts = {"Settings": len(FRAMEWORK_SETTINGS) + len(DELIVERY_KEYS), "Themes": len(fw.themes),
                  "Outcomes": len(fw.outcomes), "Measures": len(fw.measures), "QualityScale": len(fw.quality_scale)}
        names = {name: ref("Settings", 2, setting_row(key)) for key, name in SETTING_NAMES.items()}
        names |= {name: ref("Settings", 2, list(FRAMEWORK_SETTINGS).index(key) + 2)
                  for key, name in (("framework_name", "FrameworkName"), ("framework_version", "FrameworkVersion"))}
        for name, (sheet, column) in COLUMN_NAMES.items():
            col = SHEET_COLUMNS[sheet].index(column) + 1
            names[name] = ref(sheet, col, 2, col, max(counts[sheet], 1) + 1)
        names["MeasureAccrues"] = ref("Measures", ACCRUES_COL, 2, ACCRUES_COL, max(counts["Measures"], 1) + 1)
        for sheet, name in TABLE_NAMES.items():
            width = len(SHEET_COLUMNS[sheet]) + (1 if sheet in ("Settings", "Measures") else 0)
            names[name] = ref(sheet, 1, 1, width, max(counts[sheet], 1) + 1)
        last, contracts_last = self.last_row, max(self.n, 1) + 1
        names |= {
            "ContractsTable": ref(CONTRACTS, 1, 1, len(CONTRACT_COLUMNS), contracts_last),
            "ContractNo": ref(CONTRACTS, 1, 2, 1, contracts_last),
            "ContractPeriods": ref(CONTRACTS, 6, 2, 6, contracts_last),
            "ContractPeriod": ref(CONTRACTS, 7, 2, 7, contracts_last),
            "ActualsTable": ref(ACTUALS, 1, 1, len(ACTUAL_LEAD) + self.max_periods, last),
            "FiguresTable": ref(CONTRACT_FIGURES, 1, 1, len(FIGURE_COLUMNS), contracts_last),
            "FindingsTable": ref(FINDINGS, 1, 1, len(FINDING_COLUMNS), max(len(self.findings), 1) + 1),
            "ChecksFailed": ref(CHECKS, 2, 3),
            "CheckStatus": ref(CHECKS, 1, 2),
        }
        for name, header in (("MFNo", "No."), ("MFMeasure", "Measure ID"), ("MFProgress", "Progress"), ("MFRag", "RAG"), ("MFDirection", "Direction"),
                             ("MFCommittedGBP", "£ committed"), ("MFExpectedGBP", "£ expected"),
                             ("MFDeliveredGBP", "£ delivered"), ("MFBenefit", "Benefit"), ("MFKpiKey", "KPI key")):
            col = MEASURE_COLUMNS.index(header) + 1
            names[name] = ref(MEASURE_FIGURES, col, 2, col, last)
        return names

    # --- grids ----------------------------------------------------------------------------------------------
    def grids(self) -> list[Grid]:
        """Every sheet whose content follows the contracts, in writing order."""
        return [self.contracts_grid(), self.actuals_grid(), self.measure_figures_grid(), self.contract_figures_grid(),
                self.dashboard_grid(), self.findings_grid(), self.checks_grid()]

    def contracts_grid(self) -> Grid:
        """Number, file, supplier, reference, start, periods and the reporting period (the one input)."""
        rows: list[list[CellValue]] = [list(CONTRACT_COLUMNS)]
        for i, c in enumerate(self.contracts, start=1):
            rows.append([float(i), c.file, c.supplier, c.contract_reference, c.start, float(c.periods), float(c.period)])
        return Grid(CONTRACTS, rows, 2)

    def actuals_grid(self) -> Grid:
        """One row per contract and monitored measure: its commitment and what was reported each period."""
        rows: list[list[CellValue]] = [[*ACTUAL_LEAD, *(f"P{p}" for p in range(1, self.max_periods + 1))]]
        for i, contract, ident in self.rows:
            measure = self.framework.measure_by_id[ident]
            commitment = contract.commitments[ident]
            binary = measure.kind == "binary"
            row: list[CellValue] = [float(i), contract.contract_reference, ident, measure.name,
                                    _shown(commitment.committed, binary), float(commitment.starts)]
            row += [_shown(a, binary) for a in contract.actuals.get(ident, [])[:contract.periods]]
            rows.append(row)
        return Grid(ACTUALS, rows, 2)

    def measure_figures_grid(self) -> Grid:
        """Per Actuals row: the measure's properties looked up by exact id, then every SPEC §6 measure figure."""
        rows: list[list[CellValue]] = [[*MEASURE_COLUMNS, *(f"Delivered by P{p}" for p in range(1, self.max_periods + 1))]]
        for r in range(2, len(self.rows) + 2):
            rows.append(self._measure_row(r))
        return Grid(MEASURE_FIGURES, rows, 2)

    def _measure_row(self, r: int) -> list[CellValue]:
        c = {h: f"${self.mcol(h)}{r}" for h in MEASURE_COLUMNS}
        at = c["Row in Measures"]
        kind, direction, k, n, s = c["Kind"], c["Direction"], c["Period"], c["Periods"], c["From period"]
        found = f"MATCH(TRUE,INDEX(EXACT(MeasureID,{c['Measure ID']}),0),0)"
        accrues = f"LOWER(TRIM(INDEX(MeasureAccrues,{at})))"
        default = f'IF(OR({kind}="monetised",AND({kind}="target",{direction}="benefit")),"flow","level")'
        proxy, dw = f"INDEX(ProxyGBP,{at})", f"INDEX(Deadweight,{at})"
        expected, delivered, progress = c["Expected"], c["Delivered"], c["Progress"]
        money = f'IF({kind}="monetised",{{}}*{c["Proxy (£)"]}*(1-{c["Deadweight"]})*IF({direction}="harm",-1,1),"")'
        first_cum, last_cum = column_letter(self.cum_col(1)), column_letter(self.cum_col(self.max_periods))
        gbp, no, benefit = c["£ committed"], c["No."], c["Benefit"]
        col = {h: self.mcol(h) for h in ("No.", "Benefit", "£ committed")}
        above = (f"SUMPRODUCT(({col['No.']}$2:{col['No.']}$LAST={no})*({col['Benefit']}$2:{col['Benefit']}$LAST=1)"
                 f"*ISNUMBER({col['£ committed']}$2:{col['£ committed']}$LAST)*({col['£ committed']}$2:{col['£ committed']}$LAST>{gbp}))")
        above = above.replace("$LAST", f"${self.last_row}")
        tied = "0" if r == 2 else (
            f"SUMPRODUCT(({col['No.']}$2:{col['No.']}{r - 1}={no})*({col['Benefit']}$2:{col['Benefit']}{r - 1}=1)"
            f"*({col['£ committed']}$2:{col['£ committed']}{r - 1}={gbp}))")
        rank = c["KPI rank"]
        row: list[CellValue] = [
            Formula(f"={ACTUALS}!$A{r}"),
            Formula(f"={ACTUALS}!$B{r}&\"\""),
            Formula(f"={ACTUALS}!$C{r}&\"\""),
            Formula(f'=IFERROR({found},"")'),
            Formula(f'=IFERROR(LOWER(INDEX(MeasureKind,{at})),"")'),
            Formula(f'=IFERROR(IF(INDEX(MeasureDirection,{at})="","benefit",LOWER(INDEX(MeasureDirection,{at}))),"")'),
            Formula(f"=IFERROR(IF(ISNUMBER({proxy}),{proxy},0),0)"),
            Formula(f"=IFERROR(IF(ISNUMBER({dw}),{dw},0),0)"),
            Formula(f'=IFERROR(IF(OR({accrues}="flow",{accrues}="level"),{accrues},{default}),{default})'),
            Formula(f"=N({value_of(f'{ACTUALS}!$E{r}')})"),
            Formula(f"=IF(ISNUMBER({ACTUALS}!$F{r}),{ACTUALS}!$F{r},1)"),
            Formula(f"=IFERROR(INDEX(ContractPeriod,MATCH({no},ContractNo,0)),0)"),  # by number: a blank row inserted
            Formula(f"=IFERROR(INDEX(ContractPeriods,MATCH({no},ContractNo,0)),0)"),  # on Contracts moves nothing
            figure(f'IF({k}<{s},0,IF({c["Accrues"]}="level",1,(MIN({k},{n})-{s}+1)/({n}-{s}+1)))'),
            figure(f'IF({k}<{s},0,IF({c["Accrues"]}="level",{c["Committed"]},{c["Committed"]}*(MIN({k},{n})-{s}+1)/({n}-{s}+1)))'),
            figure(f"IF({k}<1,0,INDEX(${first_cum}{r}:${last_cum}{r},{k}))"),
            figure(f'IF({k}<{s},"",IF(OR({direction}="harm",{direction}="lower_is_better"),IF({delivered}<={expected},1,'
                   f"{expected}/{delivered}),IF({expected}<=0,1,MIN({delivered}/{expected},1))))"),
            figure(f'IF({progress}="","{NOT_DUE}",IF({progress}>=RagGreen,"Green",IF({progress}>=RagAmber,"Amber","Red")))'),
            figure(money.format(c["Committed"])),
            figure(money.format(expected)),
            figure(money.format(delivered)),
            Formula(f'=IF(AND({kind}="monetised",{direction}="benefit"),1,0)'),
            figure(f'IF(AND({benefit}=1,ISNUMBER({gbp})),IF({gbp}>0,1+{above}+{tied},""),"")'),
            Formula(f'=IF(ISNUMBER({rank}),IF({rank}<={KPI_COUNT},{no}&"|"&{rank},""),"")'),
        ]
        for p in range(1, self.max_periods + 1):
            v = value_of(f"{ACTUALS}!{column_letter(FIRST_PERIOD_COL + p - 1)}{r}")
            prev = "0" if p == 1 else f"{column_letter(self.cum_col(p - 1))}{r}"
            row.append(figure(f'IF({p}>{n},"",IF({c["Accrues"]}="flow",{prev}+N({v}),IF(ISNUMBER({v}),{v},{prev})))'))
        return row

    def contract_figures_grid(self) -> Grid:
        """Per contract: RAG counts, £ committed, expected, delivered and forecast, both shares, the rating and KPIs."""
        rows: list[list[CellValue]] = [list(FIGURE_COLUMNS)]
        for i in range(1, self.n + 1):
            r = i + 1
            f = {h: f"${self.fcol(h)}{r}" for h in FIGURE_COLUMNS}
            k, n = f["Period"], f["Periods"]
            row: list[CellValue] = [
                Formula(f"={CONTRACTS}!$A{r}"), Formula(f"={CONTRACTS}!$C{r}&\"\""), Formula(f"={CONTRACTS}!$D{r}&\"\""),
                Formula(f"={CONTRACTS}!$G{r}"), Formula(f"={CONTRACTS}!$F{r}"), Formula(f"=COUNTIF(MFNo,{i})"),
                *(figure(f'COUNTIFS(MFNo,{i},MFRag,"{rag}")') for rag in ("Green", "Amber", "Red")),
                figure(f"SUMIFS(MFCommittedGBP,MFNo,{i})"),
                figure(f"SUMIFS(MFExpectedGBP,MFNo,{i})"),
                figure(f"SUMIFS(MFDeliveredGBP,MFNo,{i})"),
                figure(f'IF({k}>0,{f["£ delivered"]}*{n}/{k},"")'),
                figure(f'SUMIFS(MFExpectedGBP,MFNo,{i},MFBenefit,1,MFRag,"<>{NOT_DUE}")'),
                figure(f'SUMIFS(MFDeliveredGBP,MFNo,{i},MFBenefit,1,MFRag,"<>{NOT_DUE}")'),
                figure(f'IF({f["Monitored"]}-{f["Not yet due"]}>0,{f["Green"]}/({f["Monitored"]}-{f["Not yet due"]}),1)'),
                figure(f'IF({f["Benefit £ expected"]}>0,MIN({f["Benefit £ delivered"]}/{f["Benefit £ expected"]},1),1)'),
                Formula("=LOWER(TRIM(RatingMethod))"),
                figure(f'IF({f["rating_method"]}="count",{f["share_count"]},{f["share_value"]})'),
                figure(rating_of(f["Share used"])),
            ]
            for j in range(1, KPI_COUNT + 1):
                at = f'MATCH({i}&"|{j}",MFKpiKey,0)'
                measure, progress = f["KPI " + str(j) + " measure"], f["KPI " + str(j) + " progress"]
                row += [figure(f'IFERROR(INDEX(MFMeasure,{at}),"")'), figure(f'IFERROR(INDEX(MFProgress,{at}),"")'),
                        figure(f'IF({measure}="","",IF({progress}="","{NOT_DUE}",{rating_of(progress)}))')]
            row += [figure(f'COUNTIFS(MFNo,{i},MFRag,"{NOT_DUE}")'), figure(f'-SUMIFS(MFDeliveredGBP,MFNo,{i},MFDirection,"harm")')]
            rows.append(row)
        return Grid(CONTRACT_FIGURES, rows, 2)

    def dashboard_grid(self) -> Grid:
        """A title, the checks' verdict and one row per contract, read from ContractFigures."""
        rows: list[list[CellValue]] = [
            [Formula("=\"Delivery monitoring: \"&FrameworkName&\" (version \"&FrameworkVersion&\")\"")],
            [Formula("=\"Contracts: \"&COUNT(ContractPeriod)&\". Ratings use the \"&LOWER(TRIM(RatingMethod))&\" share "
                     "(Settings rating_method); RAG bands Green from \"&RagGreen&\", Amber from \"&RagAmber&\". Every "
                     "figure recalculates when the yellow cells on Settings, Measures, Contracts or Actuals change.\"")],
            [Formula("=CheckStatus")],
            [],
            [DASHBOARD_HEADERS.get(h, h) for h in DASHBOARD_COLUMNS],
        ]
        for i in range(1, self.n + 1):
            r = i + 1
            row: list[CellValue] = []
            for header in DASHBOARD_COLUMNS:
                if header == "Period":
                    row.append(Formula(f"=\"P\"&{CONTRACT_FIGURES}!${self.fcol('Period')}{r}&\" of \"&{CONTRACT_FIGURES}!${self.fcol('Periods')}{r}"))
                else:
                    row.append(Formula(f"={CONTRACT_FIGURES}!${self.fcol(header)}{r}"))
            rows.append(row)
        return Grid(DASHBOARD, rows, DASHBOARD_HEADER_ROW + 1)

    def findings_grid(self) -> Grid:
        """Every finding from reading the delivery workbooks (all text)."""
        return Grid(FINDINGS, finding_rows(self.findings), 2)

    def checks_grid(self) -> Grid:
        """The verdict, then one row per check: what it tests and the problem found ("" when none); the anchors."""
        return checks.checks_grid(self.problems(), self.anchors)

    @cached_property
    def anchors(self) -> Anchors:
        """Where every input row is now: the anchor columns on Checks (svexcel.excel.rows)."""
        fw = self.framework
        sizes = {"Settings": (len(FRAMEWORK_SETTINGS) + len(DELIVERY_KEYS), len(SHEET_COLUMNS["Settings"]) + 1),
                 "Themes": (len(fw.themes), len(SHEET_COLUMNS["Themes"])), "Outcomes": (len(fw.outcomes), len(SHEET_COLUMNS["Outcomes"])),
                 "Measures": (len(fw.measures), ACCRUES_COL), "QualityScale": (len(fw.quality_scale), len(SHEET_COLUMNS["QualityScale"])),
                 CONTRACTS: (self.n, len(CONTRACT_COLUMNS)), ACTUALS: (len(self.rows), len(ACTUAL_LEAD) + self.max_periods)}
        tables = tuple(InputTable(sheet, rows, width, *checks.ROW_TYPES[sheet]) for sheet, (rows, width) in sizes.items())
        return Anchors(tables, checks.ANCHOR_COL, checks.ANCHOR_TOP)

    def problems(self) -> list[tuple[str, str]]:
        """(what is tested, problem formula) for every input table's rows as built, every editable input and built structure."""
        fw, a = self.framework, self.anchors
        out = [(f"Rows of {t.sheet} as built", problem) for t, problem in zip(a.tables, a.problems(), strict=True)]
        out += checks.settings_checks(a, {key: setting_row(key) for key in DELIVERY_KEYS})
        out += checks.measure_checks(a, [m.id for m in fw.measures], ACCRUES_COL)
        out += [checks.contract_check(a, k, c, self.max_periods) for k, c in enumerate(self.contracts, start=1)]
        binary = {m.id for m in fw.measures if m.kind == "binary"}
        out += [checks.actuals_check(a, k, ident, contract.periods, ident in binary, FIRST_PERIOD_COL,
                                      self.mcol("Row in Measures"))
                for k, (_, contract, ident) in enumerate(self.rows, start=1)]
        return out


def _shown(value: float | None, binary: bool) -> CellValue:
    """A figure as it sits on Actuals: Yes/No for a yes/no measure, else the number; None for blank."""
    if value is None:
        return None
    return ("Yes" if value else "No") if binary else value
