"""The look of the live scoring workbook: formats, input cells, validation, conditional formatting, charts, protection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule, DataBarRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...core.findings import FINDING_COLUMNS
from ...excel.formats import GBP, GBP_WHOLE, POINTS, RATIO
from ...excel.protected import put, validation
from ...excel.styles import (
    BOLD_FONT,
    FONT,
    NOTE_FONT,
    TITLE_FONT,
    WRAP,
    format_column,
    mark_input,
    set_widths,
    style_header,
)
from ...framework.model import SHEET_COLUMNS
from ...xlsx.reader import column_letter
from .checks import BUILT_COL, BUILT_COLUMNS, CHECK_ADVICE, CHECK_COLUMNS, CHECK_HEADER_ROW, PROBLEM_COL
from .layout import (
    COMPONENTS,
    DASHBOARD_HEADER_ROW,
    MEASURE_PROPERTIES,
    RETURN_COLUMNS,
    SCORES_HEADER_ROW,
    THEME_PROPERTIES,
    LiveLayout,
)

TOOLS = "Tools"
CONF_SHEET = "xlwings.conf"
UDF_MODULE = "svexcel_live"
SCORE = "0.000"
LABEL_FONT = Font(name=FONT, bold=True, color="1F4E79")
UNSCORED_FILL = PatternFill("solid", fgColor="F8CBAD")
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
WARNING_FILL = PatternFill("solid", fgColor="FFE699")
BEST_FILL = PatternFill("solid", fgColor="C6EFCE")
SCORE_SCALE = ColorScaleRule(start_type="num", start_value=0, start_color="F8696B",
                             mid_type="num", mid_value=0.5, mid_color="FFEB84",
                             end_type="num", end_value=1, end_color="63BE7B")
FRAMEWORK_VALIDATION: dict[str, dict[str, tuple[str, tuple[float, ...], str]]] = {
    # sheet -> column -> (operator, bounds, message)
    "Themes": {"weight": ("greaterThanOrEqual", (0,), "A theme weight is a number of 0 or more.")},
    "Measures": {
        "proxy_gbp": ("greaterThanOrEqual", (0,), "A proxy value is the £ value of one unit: 0 or more."),
        "deadweight": ("between", (0, 1), "Deadweight is a share between 0 and 1 (e.g. 0.25 for 25%)."),
        "target": ("greaterThan", (0,), "A target is a number above 0."),
    },
}

FROM_RETURN_FILES = ("Read from the supplier's return file, so the reports show the same figure. To correct it, "
                     "correct the return file and run import_returns (Tools).")
MACROS = (
    ("import_returns", "Read every return in the returns folder into Returns, keeping officers' quality scores, and lay out the scores for them."),
    ("refresh_findings", "Check every return in the returns folder again and list what was found on Findings."),
    ("make_reports", "Write a Word report for every return (and a comparison) using this workbook's current weights, proxies and quality scores."),
)
FRAMEWORK_ARGS = "SettingsTable,ThemesTable,OutcomesTable,MeasuresTable"
INPUT_ARGS = f"{FRAMEWORK_ARGS},ReturnsTable,QualityTable"
FUNCTIONS = (
    ("sv_scores", f"=sv_scores({INPUT_ARGS},ScoresTable)",
     "The engine's own score table for the current cells, with a last column saying whether the formulas on Scores agree."),
    ("sv_explain", f"=sv_explain(Scores!A2,{INPUT_ARGS})", "A plain-English explanation of one return's points."),
    ("sv_stability", f"=sv_stability(10,{INPUT_ARGS})",
     "How the ranking changes when each theme weight moves up or down by 10%."),
    ("sv_findings", f"=sv_findings(ReturnsFolder&\"\\\"&Scores!A2,{FRAMEWORK_ARGS})",
     "Everything found when checking one return file, as a table."),
)


# One-cell names on the Tools sheet (column B from row 4) that the macros read and write: name, label, note.
TOOL_CELLS = (
    ("ReturnsFolder", "Returns folder", "Folder holding the returns (*.xlsx, *.xlsm); a relative path starts beside this workbook."),
    ("ReportsFolder", "Reports folder", "Where make_reports writes; blank = a 'reports' folder beside this workbook."),
    ("MacroStatus", "Last macro run", "What the last macro did."),
)
TOOLS_NAMES = {name: f"{TOOLS}!$B${row}" for row, (name, _, _) in enumerate(TOOL_CELLS, start=4)}


def set_up_conf_sheet(wb: Workbook, module: str = UDF_MODULE) -> Worksheet:
    """Activate xlwings' config sheet (``xlwings.conf``) and point its UDF Modules at ``module``."""
    ws = wb["_xlwings.conf"]
    ws.title = CONF_SHEET
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == "UDF Modules":
            row[1].value = module
        elif row[0].row > 12:
            row[0].value = None
    notes = (
        "Instructions:",
        "These settings are active because this sheet is named xlwings.conf; they override the add-in's settings.",
        f"UDF Modules names the Python module with the svexcel functions and macros; keep it as {module}.",
        "Interpreter_Win: if Python is not found, type the full path of python.exe in the environment where svexcel is installed.",
    )
    for offset, text in enumerate(notes):
        ws.cell(13 + offset, 1, text)
    return ws


TOOLS_INTRO = ("Every score on Scores and Dashboard is a formula and works without Python. The macros and functions "
               "below need Python with svexcel installed and xlwings (add-in or the VBA in this workbook).")


def tools_folder(folder: Path, workbook: Path) -> str:
    """A folder as the Tools sheet shows it and the macros find it: relative to the workbook when it lies beside it."""
    folder, base = folder.resolve(), workbook.resolve().parent
    return str(folder.relative_to(base)) if folder.is_relative_to(base) else str(folder)


def write_tools_sheet(ws: Worksheet, returns_folder: str | None, intro: str = TOOLS_INTRO,
                      macros: Sequence[tuple[str, str]] = MACROS, functions: Sequence[tuple[str, str, str]] = FUNCTIONS,
                      labels: Mapping[str, tuple[str, str]] | None = None, widths: tuple[float, float, float] = (18.0, 100.0, 110.0),
                      headers: tuple[str, str] = ("Macro", "Type this formula (after Import Functions)")) -> Worksheet:
    """The sheet that lists the Python macros and functions and holds the folders they use (``labels`` renames a folder cell)."""
    ws["A1"] = "Python tools (xlwings)"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = intro
    ws["A2"].font = NOTE_FONT
    for row, (name, label, note) in enumerate(TOOL_CELLS, start=4):
        label, note = (labels or {}).get(name, (label, note))
        ws.cell(row, 1, label).font = LABEL_FONT
        ws.cell(row, 3, note).font = NOTE_FONT
        if name == "ReturnsFolder":
            put(ws.cell(row, 2), returns_folder)
        if name != "MacroStatus":
            mark_input(ws.cell(row, 2))
    ws.append([])
    ws.append([headers[0], "What it does"])
    style_header(ws, ws.max_row, 1, 2)
    for name, text in macros:
        ws.append([name, text])
    ws.append([])
    ws.append(["Function", headers[1], "What it returns"])
    style_header(ws, ws.max_row, 1, 3)
    for name, example, text in functions:
        ws.append([name, None, text])
        put(ws.cell(ws.max_row, 2), example)
    set_widths(ws, dict(zip("ABC", widths, strict=True)))
    _landscape(ws)
    return ws


def decorate_framework(sheets: dict[str, Worksheet]) -> None:
    """Check typed numbers on the framework's editable cells."""
    for name, columns in FRAMEWORK_VALIDATION.items():
        ws = sheets[name]
        for column, (operator, bounds, message) in columns.items():
            letter = column_letter(SHEET_COLUMNS[name].index(column) + 1)
            validation(ws, "decimal", str(bounds[0]), operator=operator, formula2=str(bounds[1]) if len(bounds) > 1 else None,
                       error_title=column, error=message).add(f"{letter}2:{letter}{max(ws.max_row, 2)}")


def decorate_returns(ws: Worksheet, layout: LiveLayout) -> None:
    """Locked figures from the return files (one truth with the reports), measure names as header notes."""
    style_header(ws, 1, 1, len(RETURN_COLUMNS) + len(layout.measure_ids))
    last = max(layout.n + 1, 2)
    for j, measure in enumerate(layout.framework.measures):
        col = layout.returns_col(j)
        ws.cell(1, col).comment = Comment(f"{measure.name} ({measure.unit}, {measure.kind})", "svexcel")
        if measure.unit == "GBP":
            format_column(ws, col, GBP)
    format_column(ws, 3, GBP)
    validation(ws, None, prompt_title="From the return file", prompt=FROM_RETURN_FILES).add(
        f"A2:{column_letter(len(RETURN_COLUMNS) + len(layout.measure_ids))}{last}")
    ws.freeze_panes = "D2"
    set_widths(ws, {"A": 32.0, "B": 32.0, "C": 16.0} | {column_letter(layout.returns_col(j)): 9.0 for j in range(len(layout.measure_ids))})


def decorate_quality(ws: Worksheet, layout: LiveLayout) -> None:
    """Flag themes not yet scored."""
    last = max(layout.n + 1, 2)
    end = column_letter(len(layout.theme_ids) + 2)
    ws.conditional_formatting.add(f"C2:{end}{last}", FormulaRule(formula=['AND($A2<>"",ISBLANK(C2))'], fill=UNSCORED_FILL))
    ws.cell(1, 1).comment = Comment("Orange: quality not yet scored; the theme score then uses its other components only.", "svexcel")
    _landscape(ws)


def _property_rows(ws: Worksheet, labels: tuple[str, ...], header_row: int, width: int) -> None:
    for row, _ in enumerate(labels, start=1):
        ws.cell(row, 1).font = LABEL_FONT
        for col in range(2, width + 1):
            ws.cell(row, col).font = NOTE_FONT
    style_header(ws, header_row, 1, width)


def decorate_measure_scores(ws: Worksheet, layout: LiveLayout) -> None:
    """Formats for each measure's properties and values."""
    width = len(layout.measure_ids) + 1
    _property_rows(ws, MEASURE_PROPERTIES, layout.ms_data_row - 1, width)
    for j, measure in enumerate(layout.framework.measures):
        col = j + 2
        ws.cell(6, col).number_format = GBP
        ws.cell(7, col).number_format = "0%"
        format_column(ws, col, GBP if measure.kind == "monetised" else "0%")
    ws.freeze_panes = ws.cell(layout.ms_data_row, 2)
    set_widths(ws, {"A": 32.0} | {column_letter(c): 12.0 for c in range(2, width + 1)})


def decorate_theme_scores(ws: Worksheet, layout: LiveLayout) -> None:
    """Formats for each theme's components."""
    width = 2 + len(COMPONENTS) * len(layout.theme_ids)
    _property_rows(ws, THEME_PROPERTIES, layout.ts_data_row - 1, width)
    formats = {"£ value": GBP, "attainment": SCORE, "monetised": SCORE, "quality mark": "0", "quality": SCORE, "score": SCORE}
    for component, fmt in formats.items():
        for j in range(len(layout.theme_ids)):
            col = layout.theme_col(component, j)
            format_column(ws, col, fmt)
            if component == "£ value":
                ws.cell(4, col).number_format = GBP
    ws.freeze_panes = ws.cell(layout.ts_data_row, 2)
    set_widths(ws, {"A": 32.0} | {column_letter(c): 13.0 for c in range(2, width + 1)})


def decorate_scores(ws: Worksheet, layout: LiveLayout) -> None:
    """The checks' verdict on top, number formats, colour scales on theme scores and data bars on points."""
    width = len(layout.scores_header)
    header = SCORES_HEADER_ROW
    ws["A1"].font = BOLD_FONT
    ws["A2"].font = NOTE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.conditional_formatting.add("A1", FormulaRule(formula=["ChecksFailed>0"], fill=ERROR_FILL, font=BOLD_FONT))
    ws.conditional_formatting.add("A1", FormulaRule(formula=["ChecksFailed=0"], fill=BEST_FILL))
    style_header(ws, header, 1, width)
    ws.row_dimensions[header].height = 32
    first, last = header + 1, header + max(layout.n, 1)
    formats = {"Points": POINTS, "Rank": "0", "Social value (£)": GBP, "Contract value (£)": GBP,
               "Social value per £": RATIO, "Themes unscored": "0", "Order": "0"} | {t: SCORE for t in layout.theme_ids}
    for name, fmt in formats.items():
        format_column(ws, layout.score_col(name), fmt, NOTE_FONT if name == "Order" else None)
    first_theme, last_theme = (column_letter(layout.score_col(t)) for t in (layout.theme_ids[0], layout.theme_ids[-1]))
    ws.conditional_formatting.add(f"{first_theme}{first}:{last_theme}{last}", SCORE_SCALE)
    points = column_letter(layout.score_col("Points"))
    ws.conditional_formatting.add(f"{points}{first}:{points}{last}", DataBarRule(start_type="num", start_value=0, end_type="max", color="5B9BD5"))
    ws.cell(header, layout.score_col("Order")).comment = Comment("Place by rank, ties broken by row: the Dashboard's order.", "svexcel")
    ws.freeze_panes = ws.cell(first, 3)
    set_widths(ws, {"A": 32.0, "B": 32.0, "C": 9.0, "D": 7.0} | {column_letter(layout.score_col(t)): 8.0 for t in layout.theme_ids}
               | {column_letter(layout.score_col(h)): 16.0 for h in ("Social value (£)", "Contract value (£)", "Social value per £")})
    _landscape(ws)


def decorate_dashboard(ws: Worksheet, layout: LiveLayout) -> None:
    """Title, the checks' verdict, counts, ranking table with conditional formatting, and charts."""
    header = DASHBOARD_HEADER_ROW
    width = len(layout.dashboard_header)
    ws["A1"].font = TITLE_FONT
    ws["A2"].font = NOTE_FONT
    ws["A3"].font = BOLD_FONT
    ws["A4"].font = NOTE_FONT
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    ws.conditional_formatting.add("A3", FormulaRule(formula=["ChecksFailed>0"], fill=ERROR_FILL, font=BOLD_FONT))
    ws.conditional_formatting.add("A3", FormulaRule(formula=["ChecksFailed=0"], fill=BEST_FILL))
    style_header(ws, header, 1, width)
    ws.row_dimensions[header].height = 45
    for col in range(1, width + 1):
        ws.cell(header, col).alignment = WRAP
    first, last = header + 1, header + max(layout.n, 1)
    t = len(layout.theme_ids)
    for col, fmt in ({1: "0", 3: POINTS, width - 1: GBP_WHOLE} | {c: SCORE for c in range(4, 4 + t)}).items():
        format_column(ws, col, fmt)
    format_column(ws, width, font=NOTE_FONT)
    ws.conditional_formatting.add(f"D{first}:{column_letter(3 + t)}{last}", SCORE_SCALE)
    ws.conditional_formatting.add(f"C{first}:C{last}", DataBarRule(start_type="num", start_value=0, end_type="max", color="5B9BD5"))
    ws.conditional_formatting.add(f"A{first}:B{last}", FormulaRule(formula=[f"$A{first}=1"], fill=BEST_FILL, font=BOLD_FONT))
    set_widths(ws, {"A": 6.0, "B": 34.0, "C": 9.0} | {column_letter(4 + j): 14.0 for j in range(t)}
               | {column_letter(width - 1): 14.0, column_letter(width): 30.0})
    if layout.n:
        _charts(ws, layout, first, last)
    _landscape(ws)


def decorate_checks(ws: Worksheet, layout: LiveLayout) -> None:
    """The verdict stands out; failing checks are red; the problem list and the built structure are notes."""
    ws["A1"].font = TITLE_FONT
    ws["A2"].font = BOLD_FONT
    ws["A3"].font = LABEL_FONT
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(CHECK_COLUMNS))
    ws.conditional_formatting.add("A2", FormulaRule(formula=["ChecksFailed>0"], fill=ERROR_FILL))
    ws.conditional_formatting.add("A2", FormulaRule(formula=["ChecksFailed=0"], fill=BEST_FILL))
    style_header(ws, CHECK_HEADER_ROW, 1, len(CHECK_COLUMNS))
    style_header(ws, CHECK_HEADER_ROW, PROBLEM_COL, PROBLEM_COL + 1)
    style_header(ws, CHECK_HEADER_ROW, BUILT_COL, BUILT_COL + len(BUILT_COLUMNS) - 1)
    anchors = layout.anchors
    style_header(ws, CHECK_HEADER_ROW, anchors.col, anchors.col + len(anchors.tables) - 1)
    first, last = CHECK_HEADER_ROW + 1, CHECK_HEADER_ROW + len(CHECK_ADVICE)
    ws.conditional_formatting.add(f"A{first}:E{last}", FormulaRule(formula=[f'$B{first}="FIX"'], fill=ERROR_FILL))
    format_column(ws, 5, alignment=WRAP)
    ws.cell(CHECK_HEADER_ROW, PROBLEM_COL).comment = Comment(
        "One formula per input cell or row: blank when it passes, else the check and the cell to fix.", "svexcel")
    ws.cell(CHECK_HEADER_ROW, BUILT_COL).comment = Comment(
        "What this workbook was built for: the ids and the number of returns. svexcel reads them to reach the same verdict.", "svexcel")
    ws.cell(CHECK_HEADER_ROW, anchors.col).comment = Comment(
        "Where each input table's header and rows as built are now: Excel moves these with the rows, so a row inserted "
        "under a header or between rows, or deleted, is found and named. svexcel reads them to reach the same verdict.", "svexcel")
    ws.freeze_panes = ws.cell(first, 1)
    set_widths(ws, {"A": 22.0, "B": 8.0, "C": 9.0, "D": 34.0, "E": 70.0, "F": 2.0, "G": 30.0, "H": 18.0}
               | {column_letter(BUILT_COL + j): 14.0 for j in range(len(BUILT_COLUMNS))}
               | {column_letter(anchors.col + j): 12.0 for j in range(len(anchors.tables))})
    _landscape(ws)


# Each Dashboard chart's alternative text: what it shows and where its figures are in words (they change with the cells).
CHART_DESCRIPTIONS = {
    "Points": "Bar chart of the points each return scores, best at the top, drawn from the ranking table on this sheet "
              "(columns B and C), which gives every figure.",
    "Theme scores (0 to 1)": "Bar chart of each return's score in every theme, from 0 to 1, best return at the top, drawn "
                             "from the ranking table on this sheet, which gives every figure.",
}


def _charts(ws: Worksheet, layout: LiveLayout, first: int, last: int) -> None:
    height = min(max(7.0, 0.6 * layout.n + 2.5), 40.0)
    anchor_col = column_letter(len(layout.dashboard_header) + 2)
    points = BarChart()
    points.type = "bar"
    points.title = "Points"
    points.add_data(Reference(ws, min_col=3, min_row=DASHBOARD_HEADER_ROW, max_row=last), titles_from_data=True)
    points.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    points.legend = None
    themes = BarChart()
    themes.type = "bar"
    themes.title = "Theme scores (0 to 1)"
    themes.add_data(Reference(ws, min_col=4, max_col=3 + len(layout.theme_ids), min_row=DASHBOARD_HEADER_ROW, max_row=last),
                    titles_from_data=True)
    themes.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    themes.y_axis.scaling.max = 1
    themes.y_axis.number_format = "0.0"
    points.y_axis.number_format = "0"
    for chart in (points, themes):
        chart.y_axis.scaling.min = 0
        chart.x_axis.scaling.orientation = "maxMin"  # best at the top, as in the table
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height = height
        chart.width = 16
    ws.add_chart(points, f"{anchor_col}{DASHBOARD_HEADER_ROW}")
    ws.add_chart(themes, f"{anchor_col}{DASHBOARD_HEADER_ROW + int(height * 2) + 2}")


def decorate_findings(ws: Worksheet, layout: LiveLayout) -> None:
    """Errors and warnings stand out; the table can be filtered."""
    style_header(ws, 1, 1, len(FINDING_COLUMNS))
    last = max(len(layout.findings) + 1, 2)
    ws.conditional_formatting.add(f"A2:F{last}", FormulaRule(formula=['$B2="error"'], fill=ERROR_FILL))
    ws.conditional_formatting.add(f"A2:F{last}", FormulaRule(formula=['$B2="warning"'], fill=WARNING_FILL))
    format_column(ws, 6, alignment=WRAP)
    ws.auto_filter.ref = f"A1:F{last}"
    ws.freeze_panes = "A2"
    set_widths(ws, {"A": 30.0, "B": 10.0, "C": 22.0, "D": 14.0, "E": 8.0, "F": 100.0})
    _landscape(ws)


def _landscape(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

