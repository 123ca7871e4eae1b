"""The xlwings functions and macros, called as Excel calls them, and the registration xlwings would perform."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import io
import re
import subprocess
import sys
import types
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import svexcel_live
import svexcel_monitor
import xlwings
from builders import quality_of
from libreoffice import convert
from openpyxl import load_workbook

from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.excel.grid import Formula
from svexcel.excel.xlwings_project import vba_project
from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.live.actions import FolderProblem, import_layout, import_message, resolve_folder
from svexcel.tender.live.inputs import LiveInputs, read_live_workbook
from svexcel.tender.live.sheets import FUNCTIONS, MACROS
from svexcel.tender.live.workbook import build_from_folder, build_live_workbook, read_folder
from svexcel.tender.return_reader import read_return
from svexcel.tender.scoring import assess, compete, component_shares, points_available
from svexcel.xlsx.reader import Workbook, parse_ref

INPUT_NAMES = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ReturnsTable", "QualityTable")
UDFS = ("sv_scores", "sv_explain", "sv_stability", "sv_findings")
SUBS = ("import_returns", "refresh_findings", "make_reports")


def excel_range(wb: Any, name: str) -> list[list[Any]]:
    """A named range's values as Excel hands them to a UDF: rows of cells, None for blanks, floats for numbers."""
    sheet, ref = wb.defined_names[name].attr_text.split("!")
    block = wb[sheet][ref.replace("$", "")]
    return [[float(c.value) if isinstance(c.value, int) and not isinstance(c.value, bool) else c.value for c in row]
            for row in block]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live workbook built from the samples and the officers' sample marks."""
    return build_from_folder(None, tmp_path_factory.mktemp("udf") / "live.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path


@pytest.fixture(scope="module")
def tables(live: Path) -> list[list[list[Any]]]:
    """The six input tables, as passed by =sv_scores(SettingsTable, …, QualityTable)."""
    wb = load_workbook(live, keep_vba=True)
    return [excel_range(wb, name) for name in INPUT_NAMES]


@pytest.fixture(scope="module")
def inputs(live: Path) -> LiveInputs:
    """The same inputs read from the saved file, independently of the UDF path."""
    return read_live_workbook(live)


def test_sv_scores_is_the_engine_table(tables: list, inputs: LiveInputs) -> None:
    table = svexcel_live.sv_scores(*tables)
    header = table[0]
    assert header[:4] == ["File", "Organisation", "Points", "Rank"]
    scores = inputs.scores()
    assert len(table) == len(scores) + 1
    for row, ret, score in zip(table[1:], inputs.returns, scores, strict=False):
        record = dict(zip(header, row, strict=False))
        assert record["File"] == ret.file
        assert record["Points"] == score.points and record["Rank"] == score.rank
        assert [record[t.id] for t in inputs.framework.themes] == [score.themes[t.id].score for t in inputs.framework.themes]
        assert record["Social value (£)"] == score.assessment.total_sv
        assert record["Social value per £"] == score.assessment.sv_ratio


def test_sv_scores_follows_edited_cells(tables: list, inputs: LiveInputs) -> None:
    themes = [list(row) for row in tables[1]]
    themes[1][3] = 4.0  # EQ weight
    edited = svexcel_live.sv_scores(tables[0], themes, *tables[2:])
    fw = inputs.framework
    heavier = replace(fw, themes=(replace(fw.themes[0], weight=4.0), *fw.themes[1:]))
    expected = compete(heavier, [assess(heavier, r.quantities, r.contract_value) for r in inputs.returns],
                       [inputs.quality[r.file] for r in inputs.returns])
    assert [row[2] for row in edited[1:]] == [s.points for s in expected]
    assert [row[2] for row in edited[1:]] != [s.points for s in inputs.scores()]


@pytest.mark.libreoffice
def test_sv_scores_checks_the_formulas(live: Path, tables: list, tmp_path: Path) -> None:
    recalculated = convert([live], "xlsx", tmp_path)[0]
    sheet, ref = load_workbook(live, keep_vba=True).defined_names["ScoresTable"].attr_text.split("!")
    (first_row, first_col), (last_row, last_col) = (parse_ref(part) for part in ref.split(":"))
    with Workbook(recalculated) as book:
        scores = book.sheet(sheet)
        assert scores is not None
        formula_table = [[scores.value(r, c) for c in range(first_col, last_col + 1)] for r in range(first_row, last_row + 1)]
    checked = svexcel_live.sv_scores(*tables, formula_table)
    assert checked[0][-1] == "Agrees with formulas"
    assert [row[-1] for row in checked[1:]] == ["Yes"] * (len(checked) - 1)
    formula_table[2][2] += 0.01  # a formula result that disagrees
    flagged = svexcel_live.sv_scores(*tables, formula_table)
    assert flagged[2][-1].startswith("No: Points")
    assert [row[-1] for i, row in enumerate(flagged[1:], start=1) if i != 2] == ["Yes"] * (len(flagged) - 2)


def test_sv_scores_names_the_bad_cell(tables: list) -> None:
    themes = [list(row) for row in tables[1]]
    themes[2][3] = "lots"
    table = svexcel_live.sv_scores(tables[0], themes, *tables[2:])
    assert table[0] == ["Cannot score: correct these cells first."]
    assert any("Themes!D3" in row[0] for row in table[1:])


def test_sv_explain_accounts_for_the_points(tables: list, inputs: LiveInputs) -> None:
    ret, score = inputs.returns[4], inputs.scores()[4]
    lines = [row[0] for row in svexcel_live.sv_explain(ret.file, *tables)]
    assert all(len(row) == 1 for row in svexcel_live.sv_explain(ret.file, *tables))
    assert ret.organisation in lines[0] and f"{score.points:.2f}" in lines[0] and f"ranks {score.rank} of" in lines[0]
    total = sum(t.weight for t in inputs.framework.themes)
    for theme in inputs.framework.themes:
        line = next(line for line in lines if line.startswith(f"{theme.id} "))
        result = score.themes[theme.id]
        share = inputs.framework.settings.max_points * theme.weight / total
        assert f"score {result.score:.3f}, {share * result.score:.2f} of {share:.2f} points" in line
        assert ("quality not yet scored" in line) == (result.quality is None)
    assert svexcel_live.sv_explain("nobody.xlsx", *tables)[0][0].startswith("No return named 'nobody.xlsx'")


def test_sv_explain_weighs_each_theme_by_the_engines_component_shares(tables: list, inputs: LiveInputs) -> None:
    """The split a theme score is made of is the engine's (SPEC §3: renormalised over the parts present), also
    for a theme without targets (SH) and one whose quality is not yet scored."""
    fw, names = inputs.framework, {"monetised": "£ value", "attainment": "targets", "quality": "quality"}
    seen = set()
    for ret, score in zip(inputs.returns, inputs.scores(), strict=True):
        lines = [row[0] for row in svexcel_live.sv_explain(ret.file, *tables)]
        for theme in fw.themes:
            line = next(line for line in lines if line.startswith(f"{theme.id} "))
            result = score.themes[theme.id]
            shares = component_shares(fw, result.parts)
            assert line.endswith(" The score weighs " + ", ".join(f"{names[c]} {s:.0%}" for c, s in shares.items()) + "."), line
            seen.add(tuple(shares.values()))
            assert f"of {points_available(fw)[theme.id]:.2f} points" in line
    assert {(0.5, 0.5), (0.4, 0.2, 0.4), (2 / 3, 1 / 3)} <= seen  # SH; a marked theme with targets; one not yet marked


def test_sv_stability_matches_the_engine(tables: list, inputs: LiveInputs) -> None:
    table = svexcel_live.sv_stability(25.0, *tables)
    fw = inputs.framework
    assert len(table) == 1 + 2 * len(fw.themes)
    assessments = [assess(fw, r.quantities, r.contract_value) for r in inputs.returns]
    marks = [inputs.quality[r.file] for r in inputs.returns]
    base = [s.rank for s in compete(fw, assessments, marks)]
    for row in table[1:]:
        index = [t.id for t in fw.themes].index(row[0])
        weight = fw.themes[index].weight * (1.25 if row[1] == "+25%" else 0.75)
        moved = replace(fw, themes=tuple(replace(t, weight=weight) if i == index else t for i, t in enumerate(fw.themes)))
        ranks = [s.rank for s in compete(moved, assessments, marks)]
        assert row[2] == weight
        assert row[5] == sum(1 for a, b in zip(base, ranks, strict=False) if a != b)
        assert (row[4] == "none") == (row[5] == 0)


def test_sv_findings_lists_a_files_findings(tables: list, framework: Framework, samples_dir: Path) -> None:
    greenway = samples_dir / "greenway-facilities.xlsx"
    table = svexcel_live.sv_findings(str(greenway), *tables[:4])
    expected = read_return(greenway, framework).findings
    assert table[0] == ["File", "Severity", "Type", "Sheet", "Cell", "Message"]
    assert sorted(tuple(row) for row in table[1:]) == sorted((f.file, f.severity, f.type, f.sheet, f.cell, f.message) for f in expected)
    broken = samples_dir / "broken.xlsx"
    broken.write_bytes(b"garbage")
    assert svexcel_live.sv_findings(str(broken), *tables[:4])[1][1:3] == ["error", "not-xlsx"]
    clean = svexcel_live.sv_findings(str(samples_dir / "hillside-community-trust.xlsx"), *tables[:4])
    assert clean[1][-1].startswith("No findings")


def test_sv_findings_reads_a_relative_path_beside_the_workbook(tables: list, samples_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """As in Excel, the calling cell's workbook (not Python's working folder) is where a relative path starts."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cell = types.SimpleNamespace(sheet=types.SimpleNamespace(book=types.SimpleNamespace(fullname=str(samples_dir.parent / "live.xlsm"))))
    relative = f"{samples_dir.name}/greenway-facilities.xlsx"
    found = svexcel_live.sv_findings(relative, *tables[:4], caller=cell)
    assert found[1:] == svexcel_live.sv_findings(str(samples_dir / "greenway-facilities.xlsx"), *tables[:4])[1:]
    assert found[1][1] != "error"
    assert svexcel_live.sv_findings(relative, *tables[:4])[1][2] == "file-unreadable"  # without a workbook: not in the working folder
    assert svexcel_live.sv_findings("  ", *tables[:4])[0][0].startswith("Type the return file's path")


def test_import_layout_writes_what_the_builder_writes(framework: Framework, samples_dir: Path, tmp_path: Path) -> None:
    """The import macro's grids equal the cells of a workbook built from the same folder, marks kept."""
    marks, _ = read_quality(SAMPLE_QUALITY, framework)
    first = read_folder(framework, samples_dir)[:3]
    small = build_live_workbook(framework, tmp_path / "small.xlsm", first, marks)
    layout = import_layout(read_live_workbook(small), samples_dir)
    assert [r.file for r in layout.returns] == [r.file for r in read_folder(framework, samples_dir)]
    assert {f: layout.quality.get(f, {}) for f in marks} == {f: (marks[f] if f in [r.file for r in first] else {}) for f in marks}
    full = build_live_workbook(framework, tmp_path / "full.xlsm", layout.returns, layout.quality, layout.findings)
    wb = load_workbook(full, keep_vba=True)
    for grid in layout.grids():
        ws = wb[grid.sheet]
        for r, row in enumerate(grid.rows, start=1):
            written = [ws.cell(r, c).value for c in range(1, len(row) + 1)]
            assert written == [str(v) if isinstance(v, Formula) else v for v in row], (grid.sheet, r)
    assert "Imported 6 return(s)" in import_message(layout, samples_dir)


@pytest.mark.parametrize(("module", "engine"), [("svexcel_live", "svexcel.tender.live.explain"),
                                                ("svexcel_monitor", "svexcel.delivery.live.inputs")])
def test_importing_the_udf_module_leaves_reports_and_batch_unloaded(module: str, engine: str) -> None:
    """Excel imports a UDF module on first use: the Word, chart, progress-bar and workbook-writing libraries wait for the macros."""
    probe = (f"import sys, xlwings; before = set(sys.modules); import {module}; "
             "print(' '.join(sorted(set(sys.modules) - before)))")
    added = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split())
    assert module in added and engine in added
    heavy = {"docxtpl", "docx", "PIL", "lxml", "tqdm", "matplotlib", "openpyxl", "xlsxwriter", "svexcel.tender.batch",
             "svexcel.tender.reports", "svexcel.word", "svexcel.delivery.batch", "svexcel.delivery.live.workbook",
             "svexcel.framework.sheets", "svexcel_live"}
    assert {m for m in added if m.split(".")[0] in heavy or m in heavy or m.rsplit(".", 1)[0] in heavy} - {module} == set()
    whole = f"import sys, {module}; print(' '.join(m for m in ('docxtpl', 'tqdm') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", whole], capture_output=True, text=True, check=True).stdout.split() == []


def test_macro_folders(tmp_path: Path) -> None:
    book = tmp_path / "live.xlsm"
    assert resolve_folder("returns", book) == tmp_path / "returns"
    assert resolve_folder(str(tmp_path / "x"), book) == tmp_path / "x"
    assert resolve_folder(None, book, default="reports") == tmp_path / "reports"
    with pytest.raises(FolderProblem):
        resolve_folder("  ", book)


def test_tools_sheet_formulas_fit_the_functions() -> None:
    for name, example, _ in FUNCTIONS:
        function = getattr(svexcel_live, name)
        params = inspect.signature(function).parameters.values()
        called = re.fullmatch(rf"={name}\((.*)\)", example)
        assert called is not None
        count = len(re.split(r",(?![^(]*\))", called.group(1)))
        assert sum(p.default is inspect.Parameter.empty for p in params) <= count <= len(params), name
    assert [name for name, _ in MACROS] == list(SUBS)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> tuple[types.ModuleType, types.ModuleType]:
    """xlwings.udfs imported with its Windows COM modules stubbed, and svexcel_live decorated by it as on Windows."""
    return register(monkeypatch, svexcel_live)


def register(monkeypatch: pytest.MonkeyPatch, udf_module: types.ModuleType) -> tuple[types.ModuleType, types.ModuleType]:
    """xlwings.udfs imported with its Windows COM modules stubbed, and ``udf_module`` decorated by it as on Windows."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    sys.modules["win32com.client"].Dispatch = None  # type: ignore[attr-defined]
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    udfs = importlib.import_module("xlwings.udfs")
    for decorator, real in (("func", udfs.xlfunc), ("sub", udfs.xlsub), ("arg", udfs.xlarg), ("ret", udfs.xlret)):
        monkeypatch.setattr(xlwings, decorator, real)
    spec = importlib.util.spec_from_file_location(f"{udf_module.__name__}_registered", udf_module.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return udfs, module


def test_registration_metadata(registered: tuple[types.ModuleType, types.ModuleType]) -> None:
    from xlwings.conversion import accessors

    _, module = registered
    functions = {name: getattr(module, name).__xlfunc__ for name in dir(module) if hasattr(getattr(module, name), "__xlfunc__")}
    assert sorted(functions) == sorted(UDFS + SUBS)
    for name, info in functions.items():
        assert info["sub"] == (name in SUBS)
        assert info["ret"]["doc"] == inspect.getdoc(getattr(svexcel_live, name))
        converters = [a["options"].get("convert") for a in info["args"]] + [info["ret"]["options"].get("convert")]
        assert all(c is None or c in accessors for c in converters), name
        for arg in info["args"]:
            if arg["name"] == "caller":  # filled in by xlwings with the calling cell, not typed in the formula
                assert "convert" not in arg["options"]
                continue
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert arg["options"].get("ndim") == (2 if arg["name"] not in ("file", "percent", "path") else None), (name, arg["name"])
    assert functions["sv_scores"]["args"][-1]["optional"] is None


def test_monitor_registration_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """The monitoring module's functions and macros as xlwings registers them: every table argument a 2-D range with help."""
    _, module = register(monkeypatch, svexcel_monitor)
    functions = {name: getattr(module, name).__xlfunc__ for name in dir(module) if hasattr(getattr(module, name), "__xlfunc__")}
    assert sorted(functions) == sorted(("dv_explain", "dv_figures", "import_deliveries", "make_delivery_reports"))
    for name, info in functions.items():
        assert info["sub"] == name.startswith(("import_", "make_"))
        assert info["ret"]["doc"] == inspect.getdoc(getattr(svexcel_monitor, name))
        for arg in info["args"]:
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert arg["options"].get("ndim") == (None if arg["name"] == "reference" else 2), (name, arg["name"])
    assert [a["doc"] for a in functions["dv_figures"]["args"][:6]] == [
        f"The {sheet} table with its header: type {sheet}Table" for sheet in ("Settings", "Themes", "Outcomes", "Measures", "Contracts", "Actuals")]


def test_generated_vba_wrappers(registered: tuple[types.ModuleType, types.ModuleType]) -> None:
    udfs, module = registered
    out = io.StringIO()
    udfs.generate_vba_wrapper("svexcel_live", module, out, types.SimpleNamespace(Name="live.xlsm"))
    vba = out.getvalue()
    for name in SUBS:
        assert f"Sub {name}()" in vba
        assert f'XLPy.CallUDF "svexcel_live", "{name}", Array(), ThisWorkbook, Application.Caller' in vba
    for name in UDFS:
        params = ", ".join(("Optional " if p.default is not inspect.Parameter.empty else "") + p.name
                           for p in inspect.signature(getattr(svexcel_live, name)).parameters.values() if p.name != "caller")
        assert f"Function {name}({params})" in vba
        assert f'{name} = XLPy.CallUDF("svexcel_live", "{name}", Array(' in vba
    assert 'Array(path, settings, themes, outcomes, measures, Nothing)' in vba  # xlwings puts the calling cell there


def test_xlsm_keeps_vba_and_conf_sheet_after_svexcel_edits(live: Path, tmp_path: Path) -> None:
    vba = vba_project()
    edited = tmp_path / "edited.xlsm"
    wb = load_workbook(live, keep_vba=True)
    wb["Themes"]["D2"] = 2
    wb.save(edited)
    for path in (live, edited):
        with zipfile.ZipFile(path) as z:
            assert z.read("xl/vbaProject.bin") == vba
            assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in z.read("[Content_Types].xml").decode()
        book = load_workbook(path, keep_vba=True)
        assert "Sheet1" not in book.sheetnames and "_xlwings.conf" not in book.sheetnames
        conf = {row[0].value: row[1].value for row in book["xlwings.conf"].iter_rows(max_col=2)}
        assert conf["UDF Modules"] == "svexcel_live" and conf["Interpreter_Win"] == "python"
        assert book["Dashboard"].sheet_properties.codeName == "Sheet1"
