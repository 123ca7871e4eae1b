"""The xlwings Lite edition of the live workbook (SPEC §9): the same sheets, macro-free, with its Python stored in it.

The workbook carries a short ``main.py`` that imports ``udfs/svexcel_lite.py`` (shipped in svexcel's wheel) and a
``requirements.txt`` pinning xlwings and the svexcel that built it; the xlwings Lite add-in installs them with
micropip and registers the functions and scripts. Nothing here imports xlwings.
"""

from __future__ import annotations

from pathlib import Path

from ...core.version import __version__
from .checks import CHECKS
from .instructions import PROTECTION_NOTE, SECTIONS, Section, python_section
from .layout import DASHBOARD, FINDINGS, MEASURE_SCORES, QUALITY, RETURNS, SCORES, THEME_SCORES
from .sheets import FRAMEWORK_ARGS, INPUT_ARGS, TOOLS

LITE_XLWINGS = "0.37.8"  # the xlwings version the workbook's requirements.txt pins for the add-in (its Lite API)
PYODIDE_VERSION = "314.0.8"  # the Pyodide release the Lite code is tested in (package.json pins the same)
PACKAGE = "svexcel[reports]"  # the distribution with the functions, and the Word stack make_reports needs
ADAPTER = "svexcel_lite"  # the module main.py imports (udfs/svexcel_lite.py)
FILE_AREA = Path("/data")  # where xlwings Lite's Files > Import/Export puts dropped files and offers written ones
RETURNS_FOLDER = "returns"  # the Tools returns folder of a new Lite workbook: /data/returns, a dropped folder named returns
SCRIPT_SHEETS = (RETURNS, QUALITY, MEASURE_SCORES, THEME_SCORES, SCORES, DASHBOARD, FINDINGS, CHECKS, TOOLS)

MAIN_PY = f'''"""svexcel's functions (SV.SCORES, SV.EXPLAIN, SV.STABILITY, SV.FINDINGS) and scripts for this workbook.

They come from the svexcel package named in requirements.txt; this file only brings them in.
"""

from {ADAPTER} import *  # noqa: F403
'''

TOOLS_INTRO = ("Every score on Scores and Dashboard is a formula and works without any add-in. The scripts and functions "
               "below need the free xlwings Lite add-in (Home > Add-ins, search for xlwings Lite); their Python is stored "
               "in this workbook, so nothing is installed on your computer.")
HEADERS = ("Script", "Type this formula (with xlwings Lite open)")
SCRIPTS = (
    ("import_returns", "Read every return in the returns folder (in xlwings Lite's file area) into Returns, keeping officers' "
                       "quality scores, and lay out the scores for them. Run it from the xlwings Lite pane."),
    ("refresh_findings", "Check every return in the returns folder again and list what was found on Findings."),
    ("make_reports", "Write a Word report for every return (and a comparison, summary.xlsx and results.json) into the reports "
                     "folder of the file area, using this workbook's current weights, proxies and quality scores; download "
                     "them from xlwings Lite > Files > Import/Export."),
)
FUNCTIONS = (
    ("SV.SCORES", f"=SV.SCORES({INPUT_ARGS},ScoresTable)",
     "The engine's own score table for the current cells, with a last column saying whether the formulas on Scores agree."),
    ("SV.EXPLAIN", f"=SV.EXPLAIN(Scores!A4,{INPUT_ARGS})", "A plain-English explanation of one return's points."),
    ("SV.STABILITY", f"=SV.STABILITY(10,{INPUT_ARGS})", "How the ranking changes when each theme weight moves up or down by 10%."),
    ("SV.FINDINGS", f"=SV.FINDINGS(ReturnsFolder&\"/\"&Scores!A4,{FRAMEWORK_ARGS})",
     "Everything found when checking one return file in the file area, as a table."),
)
FOLDER_LABELS = {
    "ReturnsFolder": ("Returns folder", f"A folder in xlwings Lite's file area (Files > Import/Export: drop the folder of "
                                        f"returns there); a relative path starts in {FILE_AREA.as_posix()}."),
    "ReportsFolder": ("Reports folder", f"Where make_reports writes in the file area; blank = {(FILE_AREA / 'reports').as_posix()}."),
}

LITE_SECTION: Section = ("Using the Python functions and scripts (xlwings Lite)", (
    "Everything above works without any add-in, in Excel on Windows, on a Mac and on the web. The free xlwings Lite add-in "
    "adds what formulas cannot do: importing returns, checking a return, explaining a score, testing how stable the "
    "ranking is, and writing the Word reports. Its Python runs inside Excel: nothing is installed on your computer and "
    "nothing leaves it.",
    "1. Add the add-in once: Home > Add-ins, search for xlwings Lite and choose Add. If your organisation blocks add-ins, "
    "ask IT to deploy xlwings Lite (Microsoft AppSource, WA200008175) from the Microsoft 365 admin centre.",
    "2. Open the xlwings Lite pane (Home > xlwings Lite). The first time, it installs the packages this workbook lists "
    f"in requirements.txt (svexcel {__version__} and xlwings {LITE_XLWINGS}); this takes a minute.",
    f"3. Put the returns in the file area: xlwings Lite > Files > Import/Export, then drop the folder of returns. A folder "
    f"named returns appears as {(FILE_AREA / RETURNS_FOLDER).as_posix()}, the folder already typed on Tools.",
    "4. Run import_returns, refresh_findings or make_reports from the pane's scripts. The reports appear under Files > "
    "Import/Export for download (Download All gives one ZIP file). The file area is emptied when Office's cache is "
    "cleared: keep your own copy of the returns and reports.",
    "5. Type the functions as shown on Tools, for example =SV.SCORES(...). They need the pane to have started once.",
    "Without the add-in the functions show #NAME? and the scripts are not there; every sheet, score, check, chart and "
    "printout works the same.",
))
LOCKED_NOTE = ("Everything else is a formula or comes from the suppliers' return files. The framework sheets are protected "
               "without a password. The sheets the scripts rewrite (Returns, Quality, Scores and the sheets that work the "
               "scores out, Dashboard, Findings, Checks, Tools) are not protected, because xlwings Lite cannot unprotect a "
               "sheet: type only in the yellow cells. make_reports refuses to write while Returns differs from the return files.")


def sections() -> tuple[Section, ...]:
    """The Instructions sheet of the Lite edition: the classic text with the add-in's section, and what is not locked."""
    python = python_section("")[0]
    out: list[Section] = []
    for heading, paragraphs in SECTIONS:
        if heading == python:
            out.append(LITE_SECTION)
        else:
            out.append((heading, tuple(LOCKED_NOTE if text.endswith(PROTECTION_NOTE) else text for text in paragraphs)))
    return tuple(out)


def requirements(package: str | None = None) -> str:
    """The workbook's ``requirements.txt``: xlwings and svexcel pinned to the versions that built it; ``package``
    (a wheel's URL on the organisation's own server) replaces svexcel from PyPI."""
    source = f"{PACKAGE} @ {package}" if package else f"{PACKAGE}=={__version__}"
    return (f"# Written by svexcel {__version__} for xlwings Lite: the packages the add-in installs for this workbook.\n"
            f"xlwings=={LITE_XLWINGS}  # required\n{source}\n")


def lite_properties(package: str | None = None) -> dict[str, str]:
    """What the workbook stores for xlwings Lite: its code, its requirements and the Pyodide release it was tested with."""
    return {"main.py": MAIN_PY, "requirements.txt": requirements(package), "pyodideVersion": PYODIDE_VERSION}
