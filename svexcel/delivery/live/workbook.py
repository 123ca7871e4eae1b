"""Build the live monitoring workbook (``svexcel delivery build``): framework and delivery settings as inputs,
every contract's figures by period, SPEC §6 figures as formulas, checks, a Dashboard and xlwings tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.worksheet import Worksheet

from ...core.findings import FINDING_COLUMNS, Finding
from ...core.paths import DEFAULT_FRAMEWORK
from ...excel.formats import GBP, GBP_WHOLE, SHARE
from ...excel.formulas import CHECK_TEXT
from ...excel.protected import YES_NO, protect, validation, write
from ...excel.rows import Anchors
from ...excel.styles import NOTE_FONT, TITLE_FONT, WRAP, format_column, mark_input, set_widths, style_header
from ...excel.xlwings_project import quickstart_workbook, set_interpreter, use_vba_project, vba_project
from ...framework.model import SHEET_COLUMNS, Framework, load_framework
from ...framework.sheets import write_framework_sheets
from ...tender.live.actions import FolderProblem
from ...tender.live.instructions import INSTRUCTIONS, write_instructions
from ...tender.live.sheets import ERROR_FILL, TOOLS, TOOLS_NAMES, set_up_conf_sheet, tools_folder, write_tools_sheet
from ...tender.live.workbook import define_names, save_live_workbook
from ...xlsx.reader import column_letter
from ..deliveries_folder import deliveries_in, read_inputs
from ..engine import KPI_COUNT, NOT_DUE, ContractDelivery, DeliverySettings, monitor
from ..framework_sheet import write_accrues_column
from ..reader import DeliveryReturn
from ..settings import SETTING_NOTES, load_delivery_settings
from .cached import monitor_cached_values
from .instructions import MONITOR_SECTIONS
from .layout import (
    ACTUALS,
    CHECKS,
    CONTRACT_FIGURES,
    CONTRACTS,
    DASHBOARD,
    DASHBOARD_COLUMNS,
    DASHBOARD_HEADER_ROW,
    DASHBOARD_HEADERS,
    DELIVERY_KEYS,
    FIGURE_COLUMNS,
    FINDINGS,
    FIRST_PERIOD_COL,
    MEASURE_COLUMNS,
    MEASURE_FIGURES,
    MonitorLayout,
    setting_row,
)

UDF_MODULE = "svexcel_monitor"
RAG_FILLS = {"Green": "C6EFCE", "Amber": "FFEB9C", "Red": "FFC7CE", NOT_DUE: "EDEDED"}
RATING_FILLS = {"Good": "C6EFCE", "Approaching target": "FFEB9C", "Requires improvement": "F8CBAD", "Inadequate": "FFC7CE", NOT_DUE: "EDEDED"}
LOCKED = Protection(locked=True)
NO_FILL = PatternFill(fill_type=None)
# Framework cells delivery figures use, so the only ones left editable (the rest describe the tender scoring).
MONITOR_EDITABLE = {"Measures": ("proxy_gbp", "deadweight")}
MACROS = (
    ("import_deliveries", "Read every delivery workbook in the folder into Contracts and Actuals (the latest file per contract) and lay out the figures."),
    ("make_delivery_reports", "Write the Word delivery reports, portfolio and summaries for the folder with this workbook's settings and proxies."),
)
TABLE_ARGS = "SettingsTable,ThemesTable,OutcomesTable,MeasuresTable,ContractsTable,ActualsTable"
FUNCTIONS = (
    ("dv_explain", f"=dv_explain(Contracts!D2,{TABLE_ARGS})", "A plain-English explanation of one contract's rating: shares, bands, measures behind it."),
    ("dv_figures", f"=dv_figures({TABLE_ARGS},FiguresTable)",
     "The engine's own figures per contract, with a last column saying whether the formulas on ContractFigures agree."),
)


@dataclass(frozen=True)
class MonitorSummary:
    """What ``build_monitor_from_folder`` wrote: the workbook, the contracts monitored, files not used, findings."""

    path: Path
    monitored: list[str]
    rejected: list[str]
    superseded: list[str]
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"Wrote {self.path}: {len(self.monitored)} contract(s) monitored, {len(self.rejected)} file(s) rejected, "
                f"{len(self.superseded)} superseded by a later file; {len(self.findings)} finding(s) listed.")


def build_monitor_workbook(framework: Framework, settings: DeliverySettings, out: Path,
                           contracts: Sequence[DeliveryReturn] = (), findings: Sequence[Finding] = (),
                           returns_dir: Path | None = None) -> Path:
    """Write the live monitoring workbook (.xlsm) for ``contracts`` (each one used file per contract)."""
    out = Path(out)
    layout = MonitorLayout(framework, settings, list(contracts), list(findings))
    wb = load_workbook(quickstart_workbook(), keep_vba=True)
    use_vba_project(wb, vba_project())  # xlwings' modules only: no quickstart SampleCall under Alt+F8
    wb.remove(wb["Sheet1"])
    conf = set_up_conf_sheet(wb, UDF_MODULE)
    interpreter = set_interpreter(conf)
    sheets = {name: wb.create_sheet(name) for name in (DASHBOARD, CONTRACT_FIGURES, CONTRACTS, ACTUALS, CHECKS, FINDINGS)}
    framework_sheets = write_framework_sheets(wb, framework)
    sheets[MEASURE_FIGURES] = wb.create_sheet(MEASURE_FIGURES)
    tools = write_tools(wb.create_sheet(TOOLS), returns_dir, out)
    wb.move_sheet(conf, len(wb.sheetnames) - 1 - wb.sheetnames.index(conf.title))
    instructions = write_instructions(wb.create_sheet(INSTRUCTIONS, wb.sheetnames.index(DASHBOARD) + 1), framework, interpreter,
                                      MONITOR_SECTIONS)
    add_delivery_inputs(framework_sheets, framework, settings)

    define_names(wb, layout.names() | TOOLS_NAMES)
    decorate(sheets, layout)
    for ws in [*sheets.values(), *framework_sheets.values(), tools, instructions]:
        protect(ws, sort_and_filter=True)
    return save_live_workbook(wb, sheets[DASHBOARD], out, layout.grids(), monitor_cached_values(layout, _figures(layout)),
                              CHART_DESCRIPTIONS)


def _figures(layout: MonitorLayout) -> list[ContractDelivery]:
    """The engine's figures for the layout's contracts: the values its formulas show."""
    return [monitor(layout.framework, layout.settings, c.commitments, c.actuals, c.period, c.periods) for c in layout.contracts]


def add_delivery_inputs(sheets: dict[str, Worksheet], framework: Framework, settings: DeliverySettings) -> None:
    """Delivery keys on Settings, the ``accrues`` column on Measures; only the cells delivery uses stay editable."""
    for name, ws in sheets.items():
        editable = [SHEET_COLUMNS[name].index(c) + 1 for c in MONITOR_EDITABLE.get(name, ())]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.column not in editable:
                    cell.fill, cell.protection = NO_FILL, LOCKED
    ws = sheets["Settings"]
    for key in DELIVERY_KEYS:
        r = setting_row(key)
        write(ws, r, 1, key)
        write(ws, r, 2, getattr(settings, key))
        write(ws, r, 3, SETTING_NOTES[key]).font = NOTE_FONT
        mark_input(ws.cell(r, 2))
    measures = sheets["Measures"]
    write_accrues_column(measures, framework, settings.accrues)
    measures.auto_filter.ref = None


def write_tools(ws: Worksheet, returns_dir: Path | None, out: Path) -> Worksheet:
    """The sheet that lists the Python macros and functions and holds the folders they use."""
    labels = {"ReturnsFolder": ("Delivery workbooks folder", "Folder of the suppliers' delivery workbooks; a relative path starts beside this workbook."),
              "ReportsFolder": ("Reports folder", "Where make_delivery_reports writes (replaced as a whole); blank = a 'delivery-reports' folder beside this workbook.")}
    intro = ("Every figure on ContractFigures, MeasureFigures and Dashboard is a formula and works without Python. "
             "The macros and functions below need Python with svexcel installed and xlwings.")
    folder = None if returns_dir is None else tools_folder(returns_dir, out)
    return write_tools_sheet(ws, folder, intro, MACROS, FUNCTIONS, labels, (24.0, 70.0, 100.0))


def decorate(sheets: dict[str, Worksheet], layout: MonitorLayout) -> None:
    """Formats, input cells, validation, conditional formatting and the Dashboard chart."""
    _contracts(sheets[CONTRACTS], layout)
    _actuals(sheets[ACTUALS], layout)
    _measure_figures(sheets[MEASURE_FIGURES], layout)
    _contract_figures(sheets[CONTRACT_FIGURES], layout)
    _dashboard(sheets[DASHBOARD], layout)
    _checks(sheets[CHECKS], layout.anchors)
    _findings(sheets[FINDINGS], layout)


def _rag_rules(ws: Worksheet, cells: str, fills: dict[str, str]) -> None:
    """Fill cells by their text (RAG or rating); CHECK is grey."""
    for text, colour in {**fills, CHECK_TEXT: "D9D9D9"}.items():
        ws.conditional_formatting.add(cells, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=PatternFill("solid", fgColor=colour)))


def _contracts(ws: Worksheet, layout: MonitorLayout) -> None:
    style_header(ws, 1, 1, 7)
    validation(ws, "whole", "0", operator="greaterThanOrEqual", blank=False, error_title="Reporting period",
               error="Type the number of the latest period reported (0 to the contract's periods).").add(f"G2:G{max(layout.n, 1) + 1}")
    for r in range(2, layout.n + 2):
        mark_input(ws.cell(r, 7))
    ws.cell(1, 7).comment = Comment("Type an earlier period to see the figures as they stood then.", "svexcel")
    set_widths(ws, {"A": 5.0, "B": 30.0, "C": 28.0, "D": 18.0, "E": 12.0, "F": 8.0, "G": 10.0})
    ws.freeze_panes = "B2"


def _actuals(ws: Worksheet, layout: MonitorLayout) -> None:
    width = FIRST_PERIOD_COL - 1 + layout.max_periods
    style_header(ws, 1, 1, width)
    decimal = validation(ws, "decimal", "0", operator="greaterThanOrEqual", error_title="Delivered",
                         error="Type a number of 0 or more, or leave blank.")
    yes_no = validation(ws, "list", YES_NO, error_title="Yes or No", error="Choose Yes or No, or leave blank.")
    for r, (_, contract, ident) in enumerate(layout.rows, start=2):
        measure = layout.framework.measure_by_id[ident]
        last = column_letter(FIRST_PERIOD_COL + contract.periods - 1)
        (yes_no if measure.kind == "binary" else decimal).add(f"{column_letter(FIRST_PERIOD_COL)}{r}:{last}{r}")
        for col in range(FIRST_PERIOD_COL, FIRST_PERIOD_COL + contract.periods):
            mark_input(ws.cell(r, col))
            if measure.unit == "GBP":
                ws.cell(r, col).number_format = GBP_WHOLE
    ws.freeze_panes = ws.cell(2, FIRST_PERIOD_COL)
    set_widths(ws, {"A": 5.0, "B": 16.0, "C": 9.0, "D": 40.0, "E": 11.0, "F": 7.0}
               | {column_letter(c): 9.0 for c in range(FIRST_PERIOD_COL, width + 1)})


def _measure_figures(ws: Worksheet, layout: MonitorLayout) -> None:
    width = len(MEASURE_COLUMNS) + layout.max_periods
    style_header(ws, 1, 1, width)
    ws.row_dimensions[1].height = 32
    last = layout.last_row
    formats = {"Expected share": SHARE, "Progress": SHARE, "£ committed": GBP, "£ expected": GBP, "£ delivered": GBP,
               "Proxy (£)": GBP, "Deadweight": "0%"}
    for header, fmt in formats.items():
        col = MEASURE_COLUMNS.index(header) + 1
        for r in range(2, last + 1):
            ws.cell(r, col).number_format = fmt
    rag = layout.mcol("RAG")
    _rag_rules(ws, f"{rag}2:{rag}{last}", RAG_FILLS)
    ws.freeze_panes = "D2"
    set_widths(ws, {column_letter(c): 11.0 for c in range(1, width + 1)})


def _contract_figures(ws: Worksheet, layout: MonitorLayout) -> None:
    style_header(ws, 1, 1, len(FIGURE_COLUMNS))
    ws.row_dimensions[1].height = 32
    last = max(layout.n, 1) + 1
    for header in FIGURE_COLUMNS:
        fmt = GBP if header.startswith(("£", "Benefit £", "Harms £")) else SHARE if header in ("share_count", "share_value", "Share used") or header.endswith("progress") else None
        if fmt:
            col = FIGURE_COLUMNS.index(header) + 1
            for r in range(2, last + 1):
                ws.cell(r, col).number_format = fmt
    for header in ("rating", *(f"KPI {k} rating" for k in (1, 2, 3))):
        c = layout.fcol(header)
        _rag_rules(ws, f"{c}2:{c}{last}", RATING_FILLS)
    ws.freeze_panes = "D2"
    set_widths(ws, {column_letter(c): 13.0 for c in range(1, len(FIGURE_COLUMNS) + 1)} | {"B": 28.0, "T": 20.0})


def _dashboard(ws: Worksheet, layout: MonitorLayout) -> None:
    ws["A1"].font = TITLE_FONT
    ws["A2"].font = NOTE_FONT
    header = DASHBOARD_HEADER_ROW
    width = len(DASHBOARD_COLUMNS)
    style_header(ws, header, 1, width)
    ws.row_dimensions[header].height = 32
    first, last = header + 1, header + max(layout.n, 1)
    col = {h: column_letter(i) for i, h in enumerate(DASHBOARD_COLUMNS, start=1)}
    for r in range(first, last + 1):
        for h in ("£ committed", "£ expected", "£ delivered", "£ forecast", "Benefit £ expected", "Benefit £ delivered", "Harms £ delivered"):
            ws[f"{col[h]}{r}"].number_format = GBP_WHOLE
        for h in ("share_value", "share_count"):
            ws[f"{col[h]}{r}"].number_format = SHARE
    for h in ("rating", *(f"KPI {k} rating" for k in range(1, KPI_COUNT + 1))):
        _rag_rules(ws, f"{col[h]}{first}:{col[h]}{last}", RATING_FILLS)
    for rag, colour in RAG_FILLS.items():
        ws.conditional_formatting.add(f"{col[rag]}{first}:{col[rag]}{last}",
                                      FormulaRule(formula=[f"AND(ISNUMBER({col[rag]}{first}),{col[rag]}{first}>0)"], fill=PatternFill("solid", fgColor=colour)))
    ws.conditional_formatting.add("A3", FormulaRule(formula=["ChecksFailed>0"], fill=ERROR_FILL))
    set_widths(ws, {"A": 28.0, "B": 18.0, "C": 10.0} | {column_letter(c): 13.0 for c in range(4, width + 1)} | {col["rating"]: 20.0}
               | {col[h]: 18.0 for h in DASHBOARD_HEADERS})
    if layout.n:
        chart = BarChart()
        chart.type = "col"
        chart.title = "£ delivered against £ expected to date"
        for h in ("£ expected", "£ delivered"):
            c = DASHBOARD_COLUMNS.index(h) + 1
            chart.add_data(Reference(ws, min_col=c, min_row=header, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.y_axis.number_format = '"£"#,##0'
        chart.y_axis.title = "£ to date"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 9.0, 18.0
        ws.add_chart(chart, f"A{last + 3}")
    ws.page_setup.orientation = "landscape"


CHART_DESCRIPTIONS = {  # the Dashboard chart's alternative text: what it shows, and where its figures are in words
    "£ delivered against £ expected to date": "Column chart of each contract's £ delivered beside its £ expected to date, "
                                              "drawn from the table on this sheet, which gives every figure.",
}


def _checks(ws: Worksheet, anchors: Anchors) -> None:
    ws["A1"].font = TITLE_FONT
    ws.conditional_formatting.add("A2", FormulaRule(formula=["ChecksFailed>0"], fill=ERROR_FILL))
    style_header(ws, 4, 1, 3)
    style_header(ws, 4, 6, 7)
    style_header(ws, 4, anchors.col, anchors.col + len(anchors.tables) - 1)
    ws.cell(4, anchors.col).comment = Comment(
        "Where each input table's header and rows as built are now: Excel moves these with the rows, so a row inserted "
        "under a header or between rows, or deleted, is found and named. svexcel reads them to reach the same verdict.", "svexcel")
    ws.conditional_formatting.add("B5:B5000", FormulaRule(formula=["LEN(B5)>0"], fill=ERROR_FILL))
    format_column(ws, 7, alignment=WRAP)
    set_widths(ws, {"A": 40.0, "B": 40.0, "C": 6.0, "F": 20.0, "G": 90.0}
               | {column_letter(anchors.col + j): 12.0 for j in range(len(anchors.tables))})


def _findings(ws: Worksheet, layout: MonitorLayout) -> None:
    style_header(ws, 1, 1, len(FINDING_COLUMNS))
    last = max(len(layout.findings) + 1, 2)
    ws.conditional_formatting.add(f"A2:F{last}", FormulaRule(formula=['$B2="error"'], fill=ERROR_FILL))
    ws.auto_filter.ref = f"A1:F{last}"
    ws.freeze_panes = "A2"
    set_widths(ws, {"A": 30.0, "B": 10.0, "C": 22.0, "D": 10.0, "E": 8.0, "F": 100.0})


def read_delivery_folder(framework: Framework, folder: Path, exclude: Path | None = None) -> list[DeliveryReturn]:
    """Read every delivery workbook in ``folder`` and settle resent files; ``exclude`` (the workbook itself) is skipped."""
    return read_inputs(framework, deliveries_in(folder, exclude))


def build_monitor_from_folder(framework_path: Path | None, out: Path, returns_dir: Path | None = None) -> MonitorSummary:
    """Read the framework, its delivery settings and every delivery workbook in a folder, then build the workbook."""
    path = framework_path or DEFAULT_FRAMEWORK
    framework = load_framework(path)
    settings, findings = load_delivery_settings(path)  # a bad value is reported and its default used
    inputs = deliveries_in(returns_dir, Path(out)) if returns_dir is not None else None
    reads = read_inputs(framework, inputs) if inputs is not None else []
    findings = [*framework.findings, *findings, *(f for r in reads for f in r.findings)]
    used = [r for r in reads if r.status == "scored"]
    build_monitor_workbook(framework, settings, Path(out), used, findings, returns_dir)
    return MonitorSummary(Path(out), [r.file for r in used], [r.file for r in reads if r.status == "rejected"],
                          [r.file for r in reads if r.status == "superseded"], findings, inputs.notes() if inputs is not None else [])



def import_layout(framework: Framework, settings: DeliverySettings, folder: Path, exclude: Path | None = None) -> MonitorLayout:
    """The workbook's sheets after importing every delivery workbook in ``folder`` (what the import macro writes)."""
    if not folder.is_dir():
        raise FolderProblem(f"The delivery workbooks folder {folder} does not exist. Correct it on the Tools sheet (cell B4).")
    reads = read_delivery_folder(framework, folder, exclude)
    findings = [*framework.findings, *(f for r in reads for f in r.findings)]
    return MonitorLayout(framework, settings, [r for r in reads if r.status == "scored"], findings)

