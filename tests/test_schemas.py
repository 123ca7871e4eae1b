"""Every XML part of every workbook and Word document svexcel writes validates against ECMA-376 (SPEC §10).

The files come from the commands themselves (demo, template, build, panel, moderate, the delivery commands)
and from the shipped templates and sample workbooks; tests/ooxml.py says how parts are read and which
deliberate departures are made. A kind of file that fails for a known reason is marked below, naming the part
and the schema's error, with ``xfail(strict=True)``: it must fail until fixed, then the mark must go.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from ooxml import part_count, schema_errors, schemas_or_skip
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
    "return template": "return.xlsx",
    "delivery workbook": "delivery-template.xlsx",
    "shipped Word templates": "shipped/templates/*.docx",
    "shipped workbooks": "shipped/workbooks/**/*.xlsx",
}
if any(option.name == "edition" for option in main.commands["build"].params):  # the xlwings Lite edition (SPEC §9)
    COMMANDS["build (Lite)"] = ["build", "--edition", "lite", "--returns", str(SAMPLES), "-o", "{out}/live-lite.xlsx", "--jobs", "1"]
    KINDS["live workbook (Lite)"] = "live-lite.xlsx"
# Kinds known to fail, with the part and the schema's error: {kind: reason}. Empty: every kind validates.
KNOWN_FAILURES: dict[str, str] = {}


@pytest.fixture(scope="module")
def schema():
    return schemas_or_skip()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every command's files in one folder, and the shipped templates and workbooks under shipped/."""
    out = tmp_path_factory.mktemp("written")
    for name, args in COMMANDS.items():
        result = CliRunner().invoke(main, [a.format(out=out) for a in args])
        assert result.exit_code in (0, 1), f"svexcel {name}: {result.output}"  # 1: the samples hold a superseded file
    shutil.copytree(ROOT / "templates", out / "shipped" / "templates", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(ROOT / "workbooks", out / "shipped" / "workbooks", ignore=shutil.ignore_patterns("*.py", "*.csv"))
    return out


@pytest.mark.parametrize("kind", [pytest.param(k, marks=pytest.mark.xfail(reason=KNOWN_FAILURES[k], strict=True))
                                  if k in KNOWN_FAILURES else k for k in KINDS])
def test_every_xml_part_is_schema_valid(schema, written: Path, kind: str) -> None:
    files = sorted(written.glob(KINDS[kind]))
    assert files, f"no {kind} at {KINDS[kind]}"
    failures = {f"{f.relative_to(written)}:{part}": error for f in files for part, error in schema_errors(schema, f).items()}
    assert not failures, "\n".join(f"{where}: {error}" for where, error in failures.items())
    assert all(part_count(f) >= 6 for f in files)  # content types, relationships, properties and the parts themselves


def test_the_schemas_reject_what_they_should(schema, written: Path, tmp_path: Path) -> None:
    """The harness is not blind: an unknown element in a document and an unknown attribute in a sheet both fail."""
    import re
    import zipfile

    def spoil(source: Path, part: str, pattern: bytes, replacement: bytes) -> Path:
        target = tmp_path / f"spoilt{source.suffix}"
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
            for name in zin.namelist():
                data = zin.read(name)
                zout.writestr(name, re.sub(pattern, replacement, data, count=1) if name == part else data)
        return target

    document = spoil(written / "demo" / "comparison.docx", "word/document.xml", rb"(<w:body[^>]*>)", rb"\1<w:bogus/>")
    assert "bogus" in schema_errors(schema, document)["word/document.xml"]
    sheet = spoil(written / "return.xlsx", "xl/worksheets/sheet1.xml", rb"<c ", rb'<c bogus="1" ')
    assert "bogus" in schema_errors(schema, sheet)["xl/worksheets/sheet1.xml"]
