"""The live scoring workbook: its formulas, recalculated by LibreOffice, equal the engine on the same cells."""

from __future__ import annotations

import math
import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
from builders import quality_of
from libreoffice import convert
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from terminal import run_on_a_terminal

from svexcel.core.findings import Finding
from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework, Measure, Outcome, Theme
from svexcel.panel.marks import read_quality
from svexcel.tender.live import workbook as live_workbook
from svexcel.tender.live.inputs import LiveInputs, read_live_workbook
from svexcel.tender.live.layout import LiveLayout
from svexcel.tender.live.workbook import build_from_folder, build_live_workbook, read_folder
from svexcel.tender.return_reader import Return
from svexcel.tender.scoring import Score, assess, compete
from svexcel.xlsx.reader import Workbook
from svexcel.xlsx.tables import Table, find_table

FORBIDDEN = re.compile(r"\b(XLOOKUP|XMATCH|LET|LAMBDA|FILTER|UNIQUE|SORT|SORTBY|SEQUENCE|RANDARRAY)\s*\(", re.IGNORECASE)


def close(a: object, b: object) -> bool:
    """Equal to 1e-9 (relative for large figures); a blank cell equals None."""
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]


def data_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """The rows under a sheet's 'File' header as dicts of cached values (error cells fail the test)."""
    with Workbook(path) as book:
        ws = book.sheet(sheet)
        assert ws is not None
        header_row = next(r for (r, c), cell in ws.cells.items() if c == 1 and cell.value == "File")
        names = {c: cell.value for (r, c), cell in ws.cells.items() if r == header_row}
        table = Table(ws, header_row, {str(v): c for c, v in names.items()})
        rows = []
        for row in table.rows():
            record: dict[str, object] = {}
            for name in table.columns:
                cell = table.cell(row, name)
                assert cell is None or cell.error is None, f"{sheet}!{table.ref(row, name)} shows {cell.error}"
                record[name] = None if cell is None else cell.value
            rows.append(record)
        return rows


def assert_matches_engine(recalculated: Path, framework: Framework, returns: list[Return], scores: list[Score]) -> None:
    """Every Scores and ThemeScores figure equals the engine's, return by return, to 1e-9."""
    rows = data_rows(recalculated, "Scores")
    components = data_rows(recalculated, "ThemeScores")
    assert [r["File"] for r in rows] == [r.file for r in returns]
    assert [r["File"] for r in components] == [r.file for r in returns]
    for ret, score, row, comp in zip(returns, scores, rows, components, strict=False):
        assert (row["Organisation"] or "") == ret.organisation
        assert close(row["Points"], score.points), (ret.file, row["Points"], score.points)
        assert row["Rank"] == score.rank, (ret.file, row["Rank"], score.rank)
        assert close(row["Social value (£)"], score.assessment.total_sv)
        assert close(row["Social value per £"], score.assessment.sv_ratio)
        assert close(row["Contract value (£)"], ret.contract_value)
        for theme in framework.themes:
            result = score.themes[theme.id]
            assert close(row[theme.id], result.score), (ret.file, theme.id, row[theme.id], result.score)
            assert close(comp[f"{theme.id} £ value"], result.sv)
            assert close(comp[f"{theme.id} attainment"], result.attainment)
            assert close(comp[f"{theme.id} monetised"], result.monetised)
            assert close(comp[f"{theme.id} quality"], result.quality)
            assert close(comp[f"{theme.id} score"], result.score)


def engine(inputs: LiveInputs) -> list[Score]:
    """The engine's scores for a workbook's inputs."""
    return inputs.scores()


def edge_framework(base: Framework) -> Framework:
    """The shipped framework plus a yes/no-only theme and a quality-only theme, uneven weights, no attainment weight."""
    themes = tuple(replace(t, weight=w) for t, w in zip(base.themes, (2.0, 0.5, 1.0, 1.0, 1.0), strict=False))
    themes += (Theme("BN", "Policies"), Theme("QO", "Quality only", weight=0.75))
    return replace(
        base,
        settings=replace(base.settings, weight_attainment=0.0),
        themes=themes,
        outcomes=base.outcomes + (Outcome("BN1", "BN", "Good policies"),),
        measures=base.measures + (Measure("BN1.1", "BN1", "BN", "Has a fair tax policy", "yes/no", "binary"),),
    )


def edge_returns(framework: Framework, template: dict[str, float | None]) -> tuple[list[Return], dict[str, dict[str, float | None]]]:
    """All blanks, a three-way tie, nobody offering anything on SH, harms exceeding benefits, formula-like text."""
    ids = [m.id for m in framework.measures]
    sh = {m.id for m in framework.theme_measures("SH")}
    base = {mid: (0.0 if mid in sh else template.get(mid)) for mid in ids} | {"BN1.1": 1.0, "EQ1.3": 0.0}
    returns = [
        Return("blank.xlsx", "", contract_value=None, quantities={mid: None for mid in ids}),
        Return("tie-a.xlsx", "Tie A", contract_value=500000.0, quantities=dict(base)),
        Return("tie-b.xlsx", "Tie B", contract_value=0.0, quantities=dict(base)),
        Return("tie-c.xlsx", "=1+1", contract_value=250000.0, quantities=dict(base)),
        Return("harm.xlsx", "Harmful Haulage", contract_value=900000.0,
               quantities=base | {"WB2.1": 5000.0, "WB2.2": 40.0, "EQ1.3": 80.0, "BN1.1": 0.0}),
        Return("best.xlsx", "Best Co-op", contract_value=1.0, quantities=base | {"EQ2.2": 9.0, "CC1.3": 12.0}),
        Return("near-tie.xlsx", "Near Tie", contract_value=500000.0, quantities=base | {"EQ2.1": base["EQ2.1"] + 1e-9}),
    ]
    tie = {"EQ": 50.0, "PA": None, "CC": 75.0, "SH": 25.0, "WB": 0.0, "BN": 100.0, "QO": 50.0}
    marks = {"tie-a.xlsx": tie, "tie-b.xlsx": tie, "tie-c.xlsx": tie, "near-tie.xlsx": tie,
             "harm.xlsx": {"EQ": 100.0, "QO": None}, "best.xlsx": {"QO": 100.0, "BN": None}}
    return returns, marks


def edit_like_finance(src: Path, dst: Path) -> None:
    """Change weights, proxies, marks and quantities; reorder Measures, Returns and Quality rows; insert blank rows."""
    shutil.copy(src, dst)
    wb = load_workbook(dst, keep_vba=True)
    wb["Themes"]["D2"] = 3  # EQ weight
    settings = {row[0].value: row[1] for row in wb["Settings"].iter_rows(min_row=2)}
    settings["weight_quality"].value = 0.1
    measures = wb["Measures"]
    rows = {row[0].value: row for row in measures.iter_rows(min_row=2)}
    rows["EQ2.2"][6].value = 20000
    rows["WB2.1"][8].value = 0.25  # deadweight
    first, last = rows["EQ1.1"], rows["WB2.2"]
    for a, b in zip(first, last, strict=False):  # swap two rows: formulas find measures by id
        a.value, b.value = b.value, a.value
    quality = wb["Quality"]
    for row in quality.iter_rows(min_row=2):
        if row[0].value == "riverside-care-coop.xlsx":
            row[2].value = 25
            row[3].value = None  # PA back to unscored
    returns = wb["Returns"]
    header = [c.value for c in returns[1]]
    for row in returns.iter_rows(min_row=2):
        if row[0].value == "greenway-facilities.xlsx":
            row[header.index("CC1.2")].value = 500
            row[header.index("PA2.2")].value = 1  # a binary measure: 1 counts as Yes
            row[header.index("EQ2.1")].value = 52
    sort_rows(returns, reverse=True)
    sort_rows(quality)
    wb.save(dst)
    insert_row_like_excel(dst, "Returns", 4)
    insert_row_like_excel(dst, "Quality", 3)


def sort_rows(ws: Worksheet, reverse: bool = False) -> None:
    """Sort a sheet's data rows by column A, as Sort A to Z (or Z to A) on the whole table would."""
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if row[0].value is not None]
    data.sort(key=lambda row: str(row[0]), reverse=reverse)
    for r, values in enumerate(data, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value


REFERENCE = r"(?<![A-Za-z_]){sheet}!(\$?[A-Z]{{1,3}}\$?)(\d+)(?::(\$?[A-Z]{{1,3}}\$?)(\d+))?"


def insert_row_like_excel(path: Path, sheet: str, at: int) -> None:
    """Insert a blank row as Excel does: cells move down and every reference and defined name follows them."""
    wb = load_workbook(path, keep_vba=True)
    wb[sheet].insert_rows(at)
    pattern = re.compile(REFERENCE.format(sheet=sheet))

    def shift(match: re.Match[str]) -> str:
        c1, r1, c2, r2 = match.groups()
        r1n = int(r1)
        if c2 is None:
            return f"{sheet}!{c1}{r1n + (r1n >= at)}"
        r2n = int(r2)
        return f"{sheet}!{c1}{r1n + (r1n >= at)}:{c2}{r2n + (r2n >= at)}"

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = pattern.sub(shift, cell.value)
    for name in list(wb.defined_names):
        wb.defined_names[name].attr_text = pattern.sub(shift, wb.defined_names[name].attr_text)
    wb.save(path)


@pytest.fixture(scope="module")
def built(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The workbooks under test, built once."""
    tmp = tmp_path_factory.mktemp("live")
    samples = build_from_folder(None, tmp / "samples.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path
    edited = tmp / "edited.xlsm"
    edit_like_finance(samples, edited)
    edge_fw = edge_framework(framework)
    template = read_folder(framework, SAMPLES)[4].quantities
    returns, marks = edge_returns(edge_fw, template)
    edge = build_live_workbook(edge_fw, tmp / "edge.xlsm", returns, marks)
    empty = build_live_workbook(framework, tmp / "empty.xlsm")
    return {"samples": samples, "edited": edited, "edge": edge, "empty": empty}


@pytest.fixture(scope="module")
def recalculated(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every built workbook recalculated by LibreOffice in one call."""
    outputs = convert(list(built.values()), "xlsx", tmp_path_factory.mktemp("recalculated"))
    return dict(zip(built, outputs, strict=False))


def formulas(path: Path) -> Iterator[tuple[str, str, str]]:
    """(sheet, cell, formula) for every formula in a workbook."""
    wb = load_workbook(path, keep_vba=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    yield ws.title, cell.coordinate, cell.value
                elif cell.data_type == "f":
                    raise AssertionError(f"{ws.title}!{cell.coordinate} holds an array formula")


# --- recalculated by LibreOffice ------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_sample_formulas_equal_engine(framework: Framework, recalculated: dict[str, Path]) -> None:
    returns = read_folder(framework, SAMPLES)
    marks, _ = read_quality(SAMPLE_QUALITY, framework)
    scores = compete(framework, [assess(framework, r.quantities, r.contract_value) for r in returns],
                     [marks.get(r.file, {}) for r in returns])
    assert_matches_engine(recalculated["samples"], framework, returns, scores)


@pytest.mark.libreoffice
def test_finance_edits_recalculate_like_the_engine(built: dict[str, Path], recalculated: dict[str, Path]) -> None:
    inputs = read_live_workbook(built["edited"])
    original = read_live_workbook(built["samples"])
    assert inputs.framework.theme_by_id["EQ"].weight == 3
    assert inputs.framework.measure_by_id["EQ2.2"].proxy_gbp == 20000
    assert inputs.framework.settings.weight_quality == 0.1
    assert inputs.quality["riverside-care-coop.xlsx"]["EQ"] == 25
    assert [m.id for m in inputs.framework.measures][0] == "WB2.2"
    assert [r.file for r in inputs.returns] == sorted((r.file for r in original.returns), reverse=True)
    assert inputs.findings == []
    assert [s.points for s in engine(inputs)] != pytest.approx([s.points for s in engine(original)])
    assert_matches_engine(recalculated["edited"], inputs.framework, inputs.returns, engine(inputs))


@pytest.mark.libreoffice
def test_edge_cases_equal_engine(built: dict[str, Path], recalculated: dict[str, Path]) -> None:
    inputs = read_live_workbook(built["edge"])
    scores = engine(inputs)
    by_file = {r.file: s for r, s in zip(inputs.returns, scores, strict=False)}
    assert by_file["tie-a.xlsx"].rank == by_file["tie-b.xlsx"].rank == by_file["tie-c.xlsx"].rank
    assert by_file["near-tie.xlsx"].points != by_file["tie-a.xlsx"].points
    assert by_file["near-tie.xlsx"].rank == by_file["tie-a.xlsx"].rank
    assert by_file["blank.xlsx"].points == 0
    assert all(s.themes["SH"].monetised == 0 for s in scores)
    assert by_file["harm.xlsx"].assessment.total_sv < 0
    assert by_file["tie-c.xlsx"].assessment.sv_ratio is not None and by_file["tie-b.xlsx"].assessment.sv_ratio is None
    assert_matches_engine(recalculated["edge"], inputs.framework, inputs.returns, scores)
    rows = data_rows(recalculated["edge"], "Scores")
    assert {row["File"]: row["Organisation"] for row in rows}["tie-c.xlsx"] == "=1+1"
    assert sorted(row["Order"] for row in rows) == list(range(1, len(rows) + 1))


@pytest.mark.libreoffice
def test_empty_workbook_recalculates_without_errors(recalculated: dict[str, Path]) -> None:
    assert data_rows(recalculated["empty"], "Scores") == []
    assert data_rows(recalculated["empty"], "ThemeScores") == []


@pytest.mark.libreoffice
def test_no_cell_shows_an_error_after_recalculation(recalculated: dict[str, Path]) -> None:
    for path in recalculated.values():
        with Workbook(path) as book:
            for name in book.sheetnames:
                errors = [(ref, c.error) for ref, c in book.sheet(name).cells.items() if c.error]  # type: ignore[union-attr]
                assert errors == [], f"{path.name}!{name}: {errors[:3]}"


@pytest.mark.libreoffice
def test_dashboard_lists_returns_best_first(built: dict[str, Path], recalculated: dict[str, Path]) -> None:
    inputs = read_live_workbook(built["samples"])
    expected = sorted(zip(engine(inputs), inputs.returns, strict=False), key=lambda pair: -pair[0].points)
    with Workbook(recalculated["samples"]) as book:
        dash = book.sheet("Dashboard")
        assert dash is not None
        table, _, _ = find_table(dash, ("Rank", "Return", "Points"))
        assert table is not None
        shown = [(table.value(r, "Return"), table.value(r, "Points")) for r in table.rows()]
    assert [name for name, _ in shown] == [r.organisation for _, r in expected]
    assert all(close(p, s.points) for (_, p), (s, _) in zip(shown, expected, strict=False))


# --- structure, without LibreOffice ---------------------------------------------------------------------------


def test_read_live_workbook_gives_back_the_build_inputs(framework: Framework, built: dict[str, Path]) -> None:
    inputs = read_live_workbook(built["samples"])
    returns = read_folder(framework, SAMPLES)
    marks, _ = read_quality(SAMPLE_QUALITY, framework)
    assert inputs.framework == framework
    assert inputs.findings == []
    assert [(r.file, r.organisation, r.contract_value, r.quantities) for r in inputs.returns] == [
        (r.file, r.organisation, r.contract_value, r.quantities) for r in returns
    ]
    assert inputs.quality == {r.file: marks[r.file] for r in returns}


def test_batch_can_take_quality_from_the_live_workbook(framework: Framework, built: dict[str, Path]) -> None:
    marks, findings = read_quality(built["samples"], framework)
    assert findings == []
    assert marks == read_live_workbook(built["samples"]).quality


def test_formulas_avoid_functions_libreoffice_and_excel_2016_lack(built: dict[str, Path]) -> None:
    found = list(formulas(built["samples"]))
    assert len(found) > 500
    assert [f for f in found if FORBIDDEN.search(f[2])] == []


def test_formula_cells_locked_and_input_cells_unlocked(built: dict[str, Path]) -> None:
    wb = load_workbook(built["samples"], keep_vba=True)
    for ws in wb.worksheets:
        if ws.title != "xlwings.conf":
            assert ws.protection.sheet, ws.title
    unlocked = [(s, c) for s, c, _ in formulas(built["samples"]) if not wb[s][c].protection.locked]
    assert unlocked == []
    inputs = {"Themes": "D2", "Measures": "G5", "Settings": "B6", "Quality": "C2", "Tools": "B4"}
    assert [s for s, c in inputs.items() if wb[s][c].protection.locked] == []
    assert [s for s, c in {"Themes": "A2", "Measures": "E2", "Settings": "B2", "Quality": "A2"}.items()
            if not wb[s][c].protection.locked] == []


def test_defined_names_point_at_the_method_inputs(framework: Framework, built: dict[str, Path]) -> None:
    wb = load_workbook(built["samples"], keep_vba=True)
    names = {name: wb.defined_names[name].attr_text for name in wb.defined_names}
    layout_names = LiveLayout(framework, read_folder(framework, SAMPLES), {}).names()
    del layout_names["FindingsTable"]  # its extent follows the findings, not the returns
    assert {n: names[n] for n in layout_names} == layout_names

    def cells(name: str) -> list[object]:
        sheet, ref = names[name].split("!")
        block = wb[sheet][ref.replace("$", "")]
        return [c.value for row in (block if isinstance(block, tuple) else ((block,),)) for c in row]

    assert cells("ThemeWeight") == [t.weight for t in framework.themes]
    assert cells("ProxyGBP") == [m.proxy_gbp for m in framework.measures]
    assert cells("MeasureID") == [m.id for m in framework.measures]
    assert cells("MaxPoints") == [framework.settings.max_points]
    assert cells("WeightQuality") == [framework.settings.weight_quality]


def test_rejected_returns_appear_only_on_findings(framework: Framework, samples_dir: Path, tmp_path: Path) -> None:
    (samples_dir / "broken.xlsx").write_bytes(b"not a workbook")
    (samples_dir / "~$hillside-community-trust.xlsx").write_bytes(b"lock")
    summary = build_from_folder(None, tmp_path / "live.xlsm", samples_dir, quality_of(SAMPLE_QUALITY))
    assert summary.rejected == ["broken.xlsx"]
    assert len(summary.scored) == 6
    wb = load_workbook(summary.path, keep_vba=True)
    for sheet in ("Returns", "Quality"):
        files = [row[0].value for row in wb[sheet].iter_rows(min_row=2) if row[0].value]
        assert files == summary.scored
    assert wb["Tools"]["B4"].value == "returns"  # the macros find the folder relative to the workbook
    assert wb.defined_names["ReturnsFolder"].attr_text == "Tools!$B$4"
    findings = [[c.value for c in row] for row in wb["Findings"].iter_rows(min_row=2)]
    assert ["broken.xlsx", "error", "not-xlsx"] in [row[:3] for row in findings]
    assert len(findings) == len(summary.findings)


def test_text_from_returns_is_never_a_formula(framework: Framework, tmp_path: Path) -> None:
    ret = Return("evil.xlsx", "=HYPERLINK(\"http://x\",\"y\")", contract_value=1000.0, quantities={m.id: 1.0 for m in framework.measures})
    path = build_live_workbook(framework, tmp_path / "live.xlsm", [ret], {}, [Finding("x", "warning", "=SUM(1)", "evil.xlsx")])
    wb = load_workbook(path, keep_vba=True)
    assert wb["Returns"]["B2"].data_type == "s" and wb["Returns"]["B2"].value.startswith("=HYPERLINK")
    assert wb["Quality"]["B2"].data_type == "s"
    assert wb["Findings"]["F2"].data_type == "s" and wb["Findings"]["F2"].value == "=SUM(1)"



@pytest.mark.libreoffice
def test_cached_values_are_the_engines_and_libreoffices_figures(framework: Framework, built: dict[str, Path],
                                                                recalculated: dict[str, Path]) -> None:
    """Protected View and previews show real scores: every formula cell carries the value LibreOffice computes."""
    returns = read_folder(framework, SAMPLES)
    marks, _ = read_quality(SAMPLE_QUALITY, framework)
    scores = compete(framework, [assess(framework, r.quantities, r.contract_value) for r in returns],
                     [marks.get(r.file, {}) for r in returns])
    assert_matches_engine(built["samples"], framework, returns, scores)  # the cached values, read without recalculating
    for key in ("samples", "edge"):
        cached = load_workbook(built[key], data_only=True, keep_vba=True)
        fresh = load_workbook(recalculated[key], data_only=True)
        found = list(formulas(built[key]))
        assert len(found) > 500
        differ = [(s, c, cached[s][c].value, fresh[s][c].value) for s, c, _ in found
                  if not (close(cached[s][c].value, fresh[s][c].value) if isinstance(fresh[s][c].value, (int, float))
                          else (cached[s][c].value or "") == (fresh[s][c].value or ""))]
        assert differ == [], differ[:5]
        assert [c for s, c, _ in found if cached[s][c].value is None and fresh[s][c].value not in (None, "")] == []


def test_reading_with_worker_processes_builds_the_same_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``svexcel build --jobs 2`` reads the returns in two processes; every cell of the workbook is the same."""
    monkeypatch.setattr(live_workbook, "FILES_PER_WORKER", 2)  # so the seven files are shared between two workers
    folder = tmp_path / "returns"
    shutil.copytree(SAMPLES, folder)
    (folder / "notes.txt").write_text("not a return")  # rejected the same way by either
    one, two = (build_from_folder(None, tmp_path / f"jobs{jobs}.xlsm", folder, quality_of(SAMPLE_QUALITY), jobs=jobs) for jobs in (1, 2))
    assert (one.scored, one.rejected, one.findings) == (two.scored, two.rejected, two.findings)
    with Workbook(one.path) as a, Workbook(two.path) as b:
        assert a.sheetnames == b.sheetnames
        for name in a.sheetnames:
            sa, sb = a.sheet(name), b.sheet(name)
            assert sa is not None and sb is not None
            assert sa.cells == sb.cells, name


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_build_shows_its_reading_on_a_terminal(tmp_path: Path) -> None:
    process, terminal = run_on_a_terminal("build", "--returns", str(SAMPLES), "-o", str(tmp_path / "live.xlsm"))
    assert process.returncode == 0 and b"6 return(s) scored" in process.stdout
    assert b"Reading returns:" in terminal and b"/6 [" in terminal
