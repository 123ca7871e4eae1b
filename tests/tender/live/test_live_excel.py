"""The live workbook is ready for Excel on Windows: its VBA project, xlwings version, interpreter, printing,
Instructions sheet, and one truth between Returns, the return files and the reports."""

from __future__ import annotations

import random
import re
import shutil
import sys
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from builders import quality_of
from libreoffice import convert, pdf_text
from oletools.olevba import VBA_Parser
from openpyxl import load_workbook
from project import ROOT

from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.excel import vba, xlwings_project
from svexcel.framework.model import Framework
from svexcel.tender.live.actions import stale_returns
from svexcel.tender.live.inputs import read_live_workbook
from svexcel.tender.live.workbook import build_from_folder, read_folder

PROJECT_MODULES = {"ThisWorkbook", "Sheet1", "Sheet2", "xlwings", "Dictionary"}  # Sheet2 is xlwings.conf's module


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A live workbook built from a copy of the samples, with the returns folder beside it."""
    folder = tmp_path_factory.mktemp("live")
    shutil.copytree(SAMPLES, folder / "returns")
    return build_from_folder(None, folder / "live.xlsm", folder / "returns", quality_of(SAMPLE_QUALITY)).path


def macros(path: Path) -> dict[str, str]:
    """Module name -> VBA source, as oletools (an independent MS-OVBA reader) extracts them."""
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def procedures(source: str) -> list[str]:
    """The Sub and Function names a module declares."""
    return re.findall(r"^\s*(?:Public |Private )?(?:Sub|Function) (\w+)", source, flags=re.MULTILINE)


def test_vba_project_holds_only_the_xlwings_modules(live: Path) -> None:
    found = macros(live)
    assert set(found) == PROJECT_MODULES
    assert all("SampleCall" not in procedures(code) for code in found.values())
    assert procedures(found["xlwings"]) and "ImportPythonUDFs" in procedures(found["xlwings"])
    for document in ("ThisWorkbook", "Sheet1", "Sheet2"):
        assert procedures(found[document]) == []
    installed = (xlwings_project.xlwings_folder() / "xlwings.bas").read_text(encoding="utf-8")
    assert found["xlwings"].replace("\r\n", "\n").strip() == installed.replace("\r\n", "\n").strip()


@pytest.mark.libreoffice
def test_libreoffice_loads_the_rewritten_vba_project(live: Path, tmp_path: Path) -> None:
    """LibreOffice's own compound-file and VBA readers find every module (it stores them as Basic in the .ods)."""
    ods = convert([live], "ods", tmp_path)[0]
    with zipfile.ZipFile(ods) as z:
        modules = {Path(n).stem for n in z.namelist() if n.startswith("Basic/VBAProject/") and not n.endswith("script-lb.xml")}
        xlwings_basic = z.read("Basic/VBAProject/xlwings.xml").decode()
    assert modules == PROJECT_MODULES
    assert f"xlwings64-{version('xlwings')}.dll" in xlwings_basic


def test_xlwings_is_pinned_to_the_version_of_the_embedded_vba(live: Path) -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["cli"]
    pins = [d.split("==", 1)[1] for d in dependencies if re.fullmatch(r"xlwings==[0-9.]+", d)]
    declared = set(re.findall(r"xlwings(?:32|64)-([0-9.]+?)\.dll", macros(live)["xlwings"]))
    assert pins == [version("xlwings")] and declared == {version("xlwings")}


def test_the_build_refuses_vba_for_another_xlwings(monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(xlwings_project.quickstart_workbook()) as z:
        streams = vba.read_streams(z.read(xlwings_project.VBA_PART))
    xlwings_project.check_xlwings_version(streams)
    monkeypatch.setattr(xlwings_project, "version", lambda _: "0.33.0")
    with pytest.raises(ValueError, match="xlwings64-.*dll but xlwings 0.33.0 is installed"):
        xlwings_project.check_xlwings_version(streams)


def test_compound_file_and_compression_round_trip() -> None:
    with zipfile.ZipFile(xlwings_project.quickstart_workbook()) as z:
        original = z.read(xlwings_project.VBA_PART)
    streams = vba.read_streams(original)
    assert vba.read_streams(vba.write_streams(streams)) == streams
    rng = random.Random(8)
    samples = [b"", b"a", b"abc" * 3000, bytes(rng.randbytes(9000)), bytes(rng.choices(b"ab ", k=20000)),
               vba.decompress(streams["VBA/dir"])]
    for data in samples:
        assert vba.decompress(vba.compress(data)) == data
    assert len(vba.compress(samples[-1])) == len(streams["VBA/dir"])  # compresses as well as Office did
    stripped = vba.read_streams(xlwings_project.vba_project())
    assert set(vba.module_sources(stripped)) == PROJECT_MODULES
    assert "Module1" not in stripped["PROJECT"].decode("cp1252") and b"M\x00o\x00d\x00u\x00l\x00e\x001" not in stripped["PROJECTwm"]


def test_interpreter_is_this_python_when_built_on_windows(framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interpreter(path: Path) -> object:
        conf = load_workbook(path, keep_vba=True)["xlwings.conf"]
        return {row[0].value: row[1].value for row in conf.iter_rows(max_col=2)}["Interpreter_Win"]

    assert interpreter(build_from_folder(None, tmp_path / "linux.xlsm").path) == "python"
    venv_python = r"C:\tender\svexcel\.venv\Scripts\python.exe"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", venv_python)
    assert interpreter(build_from_folder(None, tmp_path / "windows.xlsm").path) == venv_python


@pytest.mark.libreoffice
def test_every_sheet_prints_one_page_wide_with_titles_and_footer(live: Path, framework: Framework, tmp_path: Path) -> None:
    wb = load_workbook(live, keep_vba=True)
    for ws in wb.worksheets:
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert "Page &P of &N" in ws.oddFooter.right.text and framework.version in ws.oddFooter.left.text
    assert wb["Scores"].print_title_rows and wb["Returns"].print_title_rows == "$1:$1" and wb["Dashboard"].print_title_rows
    pdf = convert([live], "pdf", tmp_path)[0]
    pages = pdf_text(pdf).split("\f")[:-1]
    assert len(wb.worksheets) <= len(pages) <= len(wb.worksheets) + 6  # was 36 for these six returns
    footer = re.compile(rf"{re.escape(framework.name)}\s+version\s+{re.escape(framework.version)}")
    for number, page in enumerate(pages, start=1):
        text = " ".join(page.split())
        assert footer.search(text), number
        assert re.search(r"Page \d+ of \d+", text), number
    assert any("Instructions" in " ".join(page.split()) for page in pages)


@pytest.mark.libreoffice
def test_instructions_sheet_follows_the_dashboard(live: Path, tmp_path: Path) -> None:
    wb = load_workbook(live, keep_vba=True)
    assert wb.sheetnames[0] == "Dashboard" and "Instructions" in wb.sheetnames[:3]
    recalculated = convert([live], "xlsx", tmp_path)[0]
    text = "\n".join(str(c.value) for row in load_workbook(recalculated, data_only=True)["Instructions"].iter_rows() for c in row
                     if c.value is not None)
    for words in ("Yellow cells", "CHECK", "Interpreter_Win", "python.exe", "Alt+F8", "import_returns", "return file"):
        assert words in text, words
    assert "\npython\n" in f"\n{text}\n"  # what xlwings.conf's Interpreter_Win was set to
    assert wb["Instructions"].protection.sheet


def test_returns_are_locked_and_say_where_corrections_go(live: Path) -> None:
    ws = load_workbook(live, keep_vba=True)["Returns"]
    cells = [c for row in ws.iter_rows(min_row=2, max_row=ws.max_row) for c in row]
    assert ws.protection.sheet and cells and all(c.protection.locked for c in cells)
    prompts = [dv for dv in ws.data_validations.dataValidation if dv.showInputMessage]
    assert len(prompts) == 1 and "return file" in prompts[0].prompt and "import_returns" in prompts[0].prompt
    assert all(c.coordinate in prompts[0].sqref for c in cells if c.column <= ws.max_column)


def test_reports_refuse_a_workbook_whose_returns_no_longer_match_the_files(live: Path, framework: Framework, tmp_path: Path) -> None:
    folder = live.parent / "returns"
    shown = read_live_workbook(live).returns
    assert stale_returns(shown, read_folder(framework, folder)) == []
    edited = tmp_path / "edited.xlsm"
    wb = load_workbook(live, keep_vba=True)
    wb["Returns"]["D2"] = 999  # typed past the sheet protection
    wb.save(edited)
    moved = read_live_workbook(edited).returns
    measure = wb["Returns"]["D1"].value
    assert stale_returns(moved, read_folder(framework, folder)) == [
        f"{moved[0].file}: measure {measure} is 999 on Returns but "
        f"{file_quantity(read_folder(framework, folder), moved[0].file, measure)} in the file."]
    fewer = tmp_path / "fewer"
    shutil.copytree(folder, fewer)
    (fewer / moved[1].file).unlink()
    assert f"{moved[1].file} is on Returns but is no longer a scored return in the folder." in stale_returns(shown, read_folder(framework, fewer))


def file_quantity(returns: list, file: str, measure: str) -> str:
    """A file's quantity as stale_returns words it."""
    value = next(r for r in returns if r.file == file).quantities.get(measure)
    return "blank" if value is None else f"{value:g}"
