"""The Lite edition's workbook: the same sheets as the classic one, macro-free, with xlwings Lite's parts written last."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree
from libreoffice import convert
from openpyxl import load_workbook
from project import ROOT

from svexcel.core.paths import SAMPLES
from svexcel.core.version import __version__
from svexcel.excel import lite_parts
from svexcel.tender.live.inputs import read_live_workbook
from svexcel.tender.live.lite import LITE_XLWINGS, PYODIDE_VERSION, SCRIPT_SHEETS, lite_properties
from svexcel.tender.live.workbook import build_from_folder
from svexcel.xlsx.reader import Workbook

NS = {"ct": lite_parts.NS_CT, "pr": lite_parts.NS_PR, "we": lite_parts.NS_WE, "wetp": lite_parts.NS_WETP}


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``svexcel build --edition lite`` on the samples, run as a command."""
    out = tmp_path_factory.mktemp("lite") / "live.xlsx"
    run = subprocess.run([sys.executable, "-m", "svexcel", "build", "--edition", "lite", "--returns", str(SAMPLES), "-o", str(out),
                          "--jobs", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "6 return(s) scored" in run.stdout
    return out


def part(path: Path, name: str) -> ElementTree:
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read(name))


def test_the_lite_parts_read_back_as_written(lite: Path) -> None:
    assert lite_parts.read_lite_parts(lite) == lite_properties()
    types = {o.get("PartName"): o.get("ContentType") for o in part(lite, "[Content_Types].xml").iterfind("ct:Override", NS)}
    assert types["/xl/webextensions/taskpanes.xml"] == lite_parts.CT_TASKPANES
    assert types["/xl/webextensions/webextension1.xml"] == lite_parts.CT_WEBEXTENSION
    assert not any("macroEnabled" in t or "vbaProject" in t for t in types.values())
    root = [r for r in part(lite, "_rels/.rels").iterfind("pr:Relationship", NS) if r.get("Type") == lite_parts.REL_TASKPANES]
    assert [r.get("Target") for r in root] == ["xl/webextensions/taskpanes.xml"]
    assert len({r.get("Id") for r in part(lite, "_rels/.rels").iterfind("pr:Relationship", NS)}) == 4  # ids stay unique
    pane = part(lite, "xl/webextensions/taskpanes.xml").find("wetp:taskpane", NS)
    ref = pane.find("wetp:webextensionref", NS).get(f"{{{lite_parts.NS_R}}}id")
    targets = {r.get("Id"): r.get("Target") for r in part(lite, "xl/webextensions/_rels/taskpanes.xml.rels").iterfind("pr:Relationship", NS)}
    assert targets[ref] == "webextension1.xml" and pane.get("visibility") == "1"
    extension = part(lite, "xl/webextensions/webextension1.xml")
    assert [etree_name(child) for child in extension] == ["reference", "alternateReferences", "properties", "bindings"]  # CT_OsfWebExtension
    assert {r.get("id").upper() for r in extension.iter(f"{{{lite_parts.NS_WE}}}reference")} == {"WA200008175"}
    with zipfile.ZipFile(lite) as z:
        assert not [n for n in z.namelist() if "vba" in n.lower()]


def etree_name(element: object) -> str:
    return str(getattr(element, "tag", "")).rsplit("}", 1)[-1]


def test_settings_are_stored_as_office_stores_them(tmp_path: Path) -> None:
    """JSON strings with / escaped, non-ASCII kept, XML-escaped; line breaks and quotes survive the round trip."""
    text = 'print("a/b <&> £ ✓")\n\t"quoted"\r\n'
    assert lite_parts.setting_value(text) == '"print(\\"a\\/b <&> £ ✓\\")\\n\\t\\"quoted\\"\\r\\n"'
    book = tmp_path / "x.xlsx"
    load_workbook(SAMPLES / "hillside-community-trust.xlsx").save(book)
    lite_parts.add_lite_parts(book, {"main.py": text, "requirements.txt": "x==1\n"})
    assert lite_parts.read_lite_parts(book) == {"main.py": text, "requirements.txt": "x==1\n"}
    assert load_workbook(book).sheetnames  # openpyxl still opens it
    with pytest.raises(ValueError, match="already holds"):
        lite_parts.add_lite_parts(book, {})


def test_requirements_pin_what_built_it_and_nothing_lite_cannot_have(lite: Path) -> None:
    lines = [line.split("#")[0].strip() for line in lite_parts.read_lite_parts(lite)["requirements.txt"].splitlines()]
    assert [line for line in lines if line] == [f"xlwings=={LITE_XLWINGS}", f"svexcel[reports]=={__version__}"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    lite_needs = [*project["dependencies"], *extras["reports"]]
    assert not [d for d in lite_needs if re.match(r"(xlwings|click|tqdm|msoffcrypto-tool)\b", d)]
    assert f"xlwings=={LITE_XLWINGS}" in extras["cli"]  # the classic pin lives in the cli extra, equal to Lite's
    assert lite_parts.read_lite_parts(lite)["pyodideVersion"] == PYODIDE_VERSION


def test_a_councils_own_copy_of_svexcel(tmp_path: Path) -> None:
    url = "https://packages.council.example/svexcel-0.1.0-py3-none-any.whl"
    out = tmp_path / "own.xlsx"
    run = subprocess.run([sys.executable, "-m", "svexcel", "build", "--edition", "lite", "--lite-package", url, "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"svexcel[reports] @ {url}\n" in lite_parts.read_lite_parts(out)["requirements.txt"]
    refused = subprocess.run([sys.executable, "-m", "svexcel", "build", "--lite-package", url, "-o", str(tmp_path / "c.xlsm")],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "--edition lite only" in refused.stderr
    wrong = subprocess.run([sys.executable, "-m", "svexcel", "build", "--edition", "lite", "-o", str(tmp_path / "x.xlsm")],
                           capture_output=True, text=True)
    assert wrong.returncode == 2 and "must end in .xlsx" in wrong.stderr


def test_same_sheets_and_scores_as_the_classic_workbook(lite: Path, tmp_path: Path) -> None:
    classic = build_from_folder(None, tmp_path / "live.xlsm", SAMPLES).path
    ours, theirs = load_workbook(lite), load_workbook(classic, keep_vba=True)
    assert ours.sheetnames == [n for n in theirs.sheetnames if n != "xlwings.conf"]
    assert set(ours.defined_names) == set(theirs.defined_names)
    for name in ours.sheetnames:
        if name in ("Tools", "Instructions"):
            continue
        mine = [[c.value for c in row] for row in ours[name].iter_rows()]
        assert mine == [[c.value for c in row] for row in theirs[name].iter_rows()], name
        assert ours[name].protection.sheet == (name not in SCRIPT_SHEETS)
    assert read_live_workbook(lite).scores() == read_live_workbook(classic).scores()


def test_instructions_say_how_to_add_the_add_in_and_what_works_without_it(lite: Path) -> None:
    text = " ".join(str(c.value) for row in load_workbook(lite)["Instructions"].iter_rows() for c in row if c.value)
    for words in ("Home > Add-ins", "xlwings Lite", "ask IT to deploy", "WA200008175", "Files > Import/Export",
                  "Without the add-in", "every sheet, score, check, chart", f"svexcel {__version__}"):
        assert words in text, words
    assert "Interpreter_Win" not in text and "Alt+F8" not in text
    tools = [[c.value for c in row] for row in load_workbook(lite)["Tools"].iter_rows()]
    assert ["Script", "What it does"] in [row[:2] for row in tools]
    assert [row[0] for row in tools if row[0] and str(row[0]).startswith("SV.")] == ["SV.SCORES", "SV.EXPLAIN", "SV.STABILITY", "SV.FINDINGS"]


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_lite_workbook_as_the_engine(lite: Path, tmp_path: Path) -> None:
    """LibreOffice (which drops the web-extension part when it saves) computes the engine's figures from the Lite file."""
    recalculated = convert([lite], "xlsx", tmp_path)[0]
    scores = read_live_workbook(lite).scores()
    inputs = read_live_workbook(lite)
    with Workbook(recalculated) as book:
        sheet = book.sheet("Scores")
        assert sheet is not None
        header = [sheet.value(3, c) for c in range(1, 5 + len(inputs.framework.themes))]
        assert header[:4] == ["File", "Organisation", "Points", "Rank"]
        for row, (ret, score) in enumerate(zip(inputs.returns, scores, strict=True), start=4):
            assert sheet.value(row, 1) == ret.file
            assert abs(sheet.value(row, 3) - score.points) < 1e-9 and sheet.value(row, 4) == score.rank
