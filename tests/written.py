"""Every kind of file svexcel writes, made once per test session by the commands themselves (SPEC §10's tests use it).

``written`` (a session fixture in conftest.py) is a folder holding what each command in COMMANDS wrote, and the shipped
templates and workbooks under ``shipped/``; KINDS says where each kind of file is in it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from project import ROOT

from svexcel.cli.main import main
from svexcel.core.paths import SAMPLES

DELIVERY_SAMPLES = ROOT / "workbooks" / "delivery-samples"
COMMANDS = {
    "demo": ["demo", "--out", "{out}/demo"],
    "template": ["template", "-o", "{out}/return.xlsx"],
    "build": ["build", "--returns", str(SAMPLES), "-o", "{out}/live.xlsm", "--jobs", "1"],
    "panel": ["panel", str(SAMPLES), "--evaluators", "A. Jones;B. Smith", "--out", "{out}/panel"],
    "moderate": ["moderate", str(ROOT / "workbooks" / "panel"), "-o", "{out}/moderation.xlsx"],
    "delivery template": ["delivery", "template", str(SAMPLES / "riverside-care-coop.xlsx"), "--start", "2026-04-01",
                          "-o", "{out}/delivery-template.xlsx"],
    "delivery batch": ["delivery", "batch", str(DELIVERY_SAMPLES), "--out", "{out}/monitoring"],
    "delivery build": ["delivery", "build", "--returns", str(DELIVERY_SAMPLES), "-o", "{out}/monitor.xlsm"],
    "delivery verify": ["delivery", "verify", str(DELIVERY_SAMPLES), "--sample", "6", "--seed", "1", "-o", "{out}/verification.xlsx"],
    "build (Lite)": ["build", "--edition", "lite", "--returns", str(SAMPLES), "-o", "{out}/live-lite.xlsx", "--jobs", "1"],
}
# What each kind of file is, and where the commands above (or the checkout, for "shipped/") put it.
KINDS = {
    "evaluation reports": "demo/reports/*.docx",
    "comparison report": "demo/comparison.docx",
    "assessment summaries": "demo/assessment-summaries/*.docx",
    "summary workbook": "demo/summary.xlsx",
    "live workbook (demo)": "demo/live.xlsm",
    "live workbook (build)": "live.xlsm",
    "evaluator workbooks (demo)": "demo/panel/*.xlsx",
    "evaluator workbooks (panel)": "panel/*.xlsx",
    "moderation workbook (demo)": "demo/moderation.xlsx",
    "moderation workbook (moderate)": "moderation.xlsx",
    "delivery reports": "demo/delivery/reports/*.docx",
    "portfolio report": "demo/delivery/portfolio.docx",
    "delivery summary (demo)": "demo/delivery/delivery-summary.xlsx",
    "delivery summary (delivery batch)": "monitoring/delivery-summary.xlsx",
    "delivery reports (delivery batch)": "monitoring/**/*.docx",
    "monitoring workbook (demo)": "demo/monitor.xlsm",
    "monitoring workbook (delivery build)": "monitor.xlsm",
    "live workbook (Lite)": "live-lite.xlsx",
    "return template": "return.xlsx",
    "delivery workbook": "delivery-template.xlsx",
    "verification workbook (delivery verify)": "verification.xlsx",
    "verification workbook (demo)": "demo/verification.xlsx",
    "shipped Word templates": "shipped/templates/*.docx",
    "shipped workbooks": "shipped/workbooks/**/*.xlsx",
}



def write_all(out: Path) -> Path:
    """Run every command into ``out`` and copy the shipped templates and workbooks under ``out/shipped``."""
    for name, args in COMMANDS.items():
        result = CliRunner().invoke(main, [a.format(out=out) for a in args])
        assert result.exit_code in (0, 1), f"svexcel {name}: {result.output}"  # 1: the samples hold a superseded file
    shutil.copytree(ROOT / "templates", out / "shipped" / "templates", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(ROOT / "workbooks", out / "shipped" / "workbooks", ignore=shutil.ignore_patterns("*.py", "*.csv"))
    return out
