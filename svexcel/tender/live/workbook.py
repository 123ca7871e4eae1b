"""Build the live scoring workbook (``svexcel build``): framework inputs, returns, quality and formula scores (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from openpyxl import Workbook as NewWorkbook
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ...core.findings import Finding
from ...core.paths import DEFAULT_FRAMEWORK
from ...excel.lite_parts import add_lite_parts
from ...excel.printing import set_up_printing
from ...excel.protected import protect, save
from ...excel.sheet_xml import Values, write_grids
from ...excel.xlwings_project import quickstart_workbook, set_interpreter, use_vba_project, vba_project
from ...framework.model import Framework, load_framework
from ...framework.sheets import write_framework_sheets
from ...run.inputs import Input, InputFolder
from ...run.pool import Pool
from ..pins import RESPONSES, RESPONSES_NAME, check_returns, write_pins_sheet
from ..plausibility import add_warnings
from ..quality import Quality
from ..quality_workbook import write_quality_sheet
from ..return_reader import Return
from ..returns_folder import read_file, returns_in
from ..scoring import Score, assess, compete
from . import lite
from .cached import cached_values
from .checks import CHECKS
from .instructions import INSTRUCTIONS, SECTIONS, write_instructions
from .layout import (
    DASHBOARD,
    DASHBOARD_HEADER_ROW,
    FINDINGS,
    MEASURE_SCORES,
    QUALITY,
    RETURNS,
    SCORES,
    THEME_SCORES,
    Grid,
    LiveLayout,
)
from .sheets import (
    CHART_DESCRIPTIONS,
    TOOLS,
    TOOLS_NAMES,
    decorate_checks,
    decorate_dashboard,
    decorate_findings,
    decorate_framework,
    decorate_measure_scores,
    decorate_quality,
    decorate_returns,
    decorate_scores,
    decorate_theme_scores,
    set_up_conf_sheet,
    tools_folder,
    write_tools_sheet,
)

FILES_PER_WORKER = 50
CLASSIC, LITE = "classic", "lite"  # the editions: with xlwings' VBA (.xlsm), or macro-free for xlwings Lite (.xlsx)


@dataclass(frozen=True)
class BuildSummary:
    """What ``build_from_folder`` wrote: the workbook, the files scored and rejected, every finding listed."""

    path: Path
    scored: list[str]
    rejected: list[str]
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        rejected = f"{len(self.rejected)} rejected (see its Findings sheet)" if self.rejected else "none rejected"
        return f"Wrote {self.path}: {len(self.scored)} return(s) scored, {rejected}, {len(self.findings)} finding(s) listed."


def read_folder(framework: Framework, folder: Path, exclude: Path | None = None, jobs: int = 1, progress: bool = False) -> list[Return]:
    """Read and validate every file in ``folder`` and its subfolders as a batch would (rejected ones included:
    files that are not returns, broken links; plausibility warnings added); ``exclude`` is skipped."""
    return read_inputs(framework, returns_in(folder, exclude), jobs, progress)


def read_inputs(framework: Framework, inputs: InputFolder, jobs: int = 1, progress: bool = False) -> list[Return]:
    """Read and validate every input of a returns folder, as ``read_folder``.

    Up to ``jobs`` worker processes share the reading, each with at least ``FILES_PER_WORKER`` files (starting
    one costs more than reading a few); the result is the same for any number. ``progress`` shows a bar.
    """
    items = inputs.inputs
    jobs = max(1, min(jobs, len(items) // FILES_PER_WORKER))
    chunk = max(1, min(64, len(items) // (4 * jobs)))
    with Pool(framework, jobs, progress=progress) as pool:
        returns = list(pool.map(_read_one, items, len(items), "Reading returns", "return", chunk))
    add_warnings(framework, returns, [None if r.rejected else assess(framework, r.quantities, r.contract_value) for r in returns])
    return returns


def _read_one(framework: Framework, item: Input) -> Return:
    """One input of the returns folder as a Return (rejected when it cannot be read)."""
    return read_file(item, framework)[0]


def build_live_workbook(
    framework: Framework,
    out: Path,
    returns: Sequence[Return] = (),
    quality: Mapping[str, Mapping[str, float | None]] | None = None,
    findings: Sequence[Finding] = (),
    returns_dir: Path | None = None,
    edition: str = CLASSIC,
    package: str | None = None,
    pins: Mapping[tuple[str, str], str] | None = None,
) -> Path:
    """Write the live scoring workbook scoring ``returns`` (rejected ones take no part); ``findings`` are listed; ``pins``
    (the SHA-256 of the responses the marks were given for) are kept hidden, for make_reports to check the returns against.

    The classic edition (.xlsm) carries xlwings' VBA; the Lite edition (.xlsx) carries the xlwings Lite code instead,
    installing svexcel from PyPI or from ``package`` (a wheel's URL)."""
    out = Path(out)
    competing = [r for r in returns if not r.rejected]
    layout = LiveLayout(framework, competing, quality or {}, list(findings), [r.file for r in returns if r.rejected])
    if edition == LITE:
        wb = NewWorkbook()
        wb.remove(wb.active)
        interpreter = ""
    else:
        wb = load_workbook(quickstart_workbook(), keep_vba=True)
        use_vba_project(wb, vba_project())
        wb.remove(wb["Sheet1"])
        conf = set_up_conf_sheet(wb)
        interpreter = set_interpreter(conf)
    sheets = {name: wb.create_sheet(name) for name in (DASHBOARD, CHECKS, SCORES, QUALITY, RETURNS, FINDINGS)}
    framework_sheets = write_framework_sheets(wb, framework)
    sheets |= {name: wb.create_sheet(name) for name in (THEME_SCORES, MEASURE_SCORES)}
    folder = (None if returns_dir is None else tools_folder(returns_dir, out)) if edition == CLASSIC else lite.RETURNS_FOLDER
    if edition == LITE:
        tools = write_tools_sheet(wb.create_sheet(TOOLS), folder, lite.TOOLS_INTRO, lite.SCRIPTS, lite.FUNCTIONS,
                                  lite.FOLDER_LABELS, headers=lite.HEADERS)
    else:
        tools = write_tools_sheet(wb.create_sheet(TOOLS), folder)
        wb.move_sheet(conf, len(wb.sheetnames) - 1 - wb.sheetnames.index(conf.title))
    instructions = write_instructions(wb.create_sheet(INSTRUCTIONS, wb.sheetnames.index(DASHBOARD) + 1), framework, interpreter,
                                      lite.sections() if edition == LITE else SECTIONS)

    write_quality_sheet(sheets[QUALITY], framework, [r.file for r in competing], {r.file: r.organisation for r in competing},
                        layout.quality)
    define_names(wb, layout.names() | TOOLS_NAMES)
    _decorate(sheets, layout)
    decorate_framework(framework_sheets)
    for ws in [*sheets.values(), *framework_sheets.values(), tools, instructions]:
        if edition == CLASSIC or ws.title not in lite.SCRIPT_SHEETS:  # xlwings Lite cannot unprotect what its scripts rewrite
            protect(ws, sort_and_filter=True)
    write_pins_sheet(wb, pins or {})
    define_names(wb, {RESPONSES_NAME: f"{RESPONSES}!$A$1:$C${len(pins or {}) + 1}"})
    set_up_printing(wb, f"{framework.name} version {framework.version}", {DASHBOARD: f"{DASHBOARD_HEADER_ROW}:{DASHBOARD_HEADER_ROW}"})

    grids = [grid for grid in layout.grids() if grid.sheet != QUALITY]
    properties = lite.lite_properties(package) if edition == LITE else None
    return save_live_workbook(wb, sheets[DASHBOARD], out, grids, cached_values(layout, _engine_scores(layout)), CHART_DESCRIPTIONS,
                              properties)


def save_live_workbook(wb: Workbook, dashboard: Worksheet, out: Path, grids: Sequence[Grid], values: Values,
                       chart_descriptions: Mapping[str, str], lite_properties: Mapping[str, str] | None = None) -> Path:
    """Open on the Dashboard and save atomically, with the grids and their cached values written into the sheets, the
    charts described by their titles, and last the xlwings Lite code (``lite_properties``) for that edition."""
    dashboard.sheet_properties.codeName = "Sheet1"  # binds the VBA project's document module of the removed Sheet1
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is dashboard
    wb.active = wb.worksheets.index(dashboard)

    def finish(tmp: Path) -> None:
        write_grids(tmp, grids, values, chart_descriptions)
        if lite_properties is not None:
            add_lite_parts(tmp, lite_properties)

    return save(wb, out, finish)


def _engine_scores(layout: LiveLayout) -> list[Score]:
    """The engine's scores for the layout's returns and marks: the figures the formulas show when built."""
    fw = layout.framework
    return compete(fw, [assess(fw, r.quantities, r.contract_value) for r in layout.returns],
                   [layout.quality.get(r.file, {}) for r in layout.returns])


def _decorate(sheets: dict[str, Worksheet], layout: LiveLayout) -> None:
    """Formats, validation, conditional formatting and charts of the sheets that follow the returns."""
    decorate_returns(sheets[RETURNS], layout)
    decorate_quality(sheets[QUALITY], layout)
    decorate_measure_scores(sheets[MEASURE_SCORES], layout)
    decorate_theme_scores(sheets[THEME_SCORES], layout)
    decorate_scores(sheets[SCORES], layout)
    decorate_dashboard(sheets[DASHBOARD], layout)
    decorate_checks(sheets[CHECKS], layout)
    decorate_findings(sheets[FINDINGS], layout)


def define_names(wb: Workbook, names: dict[str, str]) -> None:
    """Add (or replace) workbook-level defined names."""
    for name, target in names.items():
        if name in wb.defined_names:
            del wb.defined_names[name]
        wb.defined_names[name] = DefinedName(name, attr_text=target)


def build_from_folder(
    framework_path: Path | None, out: Path, returns_dir: Path | None = None,
    quality: Quality | None = None, jobs: int = 1, progress: bool = False, edition: str = CLASSIC, package: str | None = None,
) -> BuildSummary:
    """Read a framework and every return in a folder (``jobs`` processes), then build the live workbook with the officers'
    marks, the findings of the file they came from and the responses they were given for (``quality``, as
    svexcel.panel.marks.read_marks gives them): NarrativeChanged, and nothing written, when a return's response differs."""
    framework = load_framework(framework_path or DEFAULT_FRAMEWORK)
    quality = quality or Quality({}, [])
    findings = [*framework.findings, *quality.findings]
    inputs = returns_in(returns_dir, Path(out)) if returns_dir is not None else None
    returns = read_inputs(framework, inputs, jobs, progress) if inputs is not None else []
    check_returns(quality.pins, returns, [t.id for t in framework.themes], quality.file)
    for ret in returns:
        findings.extend(ret.findings)
    path = build_live_workbook(framework, Path(out), returns, quality.marks, findings, returns_dir, edition, package, quality.pins)
    return BuildSummary(
        path,
        scored=[r.file for r in returns if not r.rejected],
        rejected=[r.file for r in returns if r.rejected],
        findings=findings,
        notes=inputs.notes() if inputs is not None else [],
    )
