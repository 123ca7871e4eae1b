"""The live monitoring workbook: its formulas, recalculated by LibreOffice, equal the delivery engine on the same cells."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Callable

import pytest
import svexcel_monitor
from delivery_builders import blank_delivery, complete, fill_delivery
from libreoffice import convert
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

from svexcel.core.findings import Finding
from svexcel.core.paths import DEFAULT_FRAMEWORK, DELIVERY_SAMPLES, SAMPLES
from svexcel.delivery.batch import run_delivery_batch
from svexcel.delivery.engine import NOT_DUE, delivered_amount, monitor
from svexcel.delivery.live.inputs import MonitorInputs, delivery_reports_refused, figure_row, read_monitor_workbook
from svexcel.delivery.live.layout import ACCRUES_COL, FIGURE_COLUMNS, setting_row
from svexcel.delivery.live.workbook import (
    FUNCTIONS,
    MACROS,
    build_monitor_from_folder,
    import_layout,
    read_delivery_folder,
)
from svexcel.delivery.settings import load_delivery_settings
from svexcel.excel.agreement import same
from svexcel.framework.model import SHEET_COLUMNS, Framework, FrameworkError
from svexcel.tender.live.actions import FolderProblem, import_message

FORBIDDEN = re.compile(r"\b(XLOOKUP|XMATCH|LET|LAMBDA|FILTER|UNIQUE|SORT|SORTBY|SEQUENCE|RANDARRAY)\s*\(", re.IGNORECASE)
Edit = Callable[[OpenpyxlWorkbook], None]


def _figures(rng: random.Random, framework: Framework, monitored: list[str], period: int, scale: float) -> dict[str, list[object]]:
    """Varied figures up to ``period``: blanks, zeros, under and over delivery; Yes/No for yes/no measures."""
    out: dict[str, list[object]] = {}
    for ident in monitored:
        binary = framework.measure_by_id[ident].kind == "binary"
        out[ident] = [None if rng.random() < 0.15 else rng.choice(["Yes", "No"]) if binary else round(rng.uniform(0, scale), 2)
                      for _ in range(period)]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, framework: Framework) -> Path:
    """Three contracts from the sample returns (one with a measure due from P5, one resent) and their monitoring workbook."""
    tmp = tmp_path_factory.mktemp("monitor")
    folder = tmp / "deliveries"
    folder.mkdir()
    rng = random.Random(7)
    samples = sorted(SAMPLES.glob("*.xlsx"))[:3]
    for n, (sample, period) in enumerate(zip(samples, (3, 6, 12), strict=True)):
        blank = blank_delivery(framework, sample, tmp / f"blank-{n}.xlsx", reference=f"HC-{n}", starts={"SH1.2": 5} if n == 1 else None)
        monitored = list(complete(framework, blank, 1))
        fill_delivery(blank, folder / f"contract-{n}.xlsx", period, _figures(rng, framework, monitored, period, 40.0 * (n + 1)))
    older = blank_delivery(framework, samples[0], tmp / "older.xlsx", reference="HC-0")
    fill_delivery(older, folder / "contract-0-older.xlsx", 1, complete(framework, older, 1, value=5))
    summary = build_monitor_from_folder(None, tmp / "monitor.xlsm", folder)
    assert len(summary.monitored) == 3 and summary.superseded == ["contract-0-older.xlsx"]
    return summary.path


def edited(built: Path, name: str, edit: Edit) -> Path:
    """A copy of the built workbook with ``edit`` applied, as an officer would type it."""
    wb = load_workbook(built, keep_vba=True)
    edit(wb)
    path = built.with_name(f"{name}.xlsm")
    wb.save(path)
    return path


def values(path: Path, sheet: str) -> list[dict[str, object]]:
    """Rows under row 1's header as dicts of cached values."""
    ws = load_workbook(path, data_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def assert_matches_engine(recalculated: Path, inputs: MonitorInputs) -> None:
    """Every ContractFigures and MeasureFigures figure equals the engine's to 1e-9, including delivered by period."""
    figures = inputs.figures()
    contracts = values(recalculated, "ContractFigures")
    assert len(contracts) == len(figures) == len(inputs.contracts)
    for number, (contract, d, row) in enumerate(zip(inputs.contracts, figures, contracts, strict=True), start=1):
        engine = figure_row(number, contract, d, inputs.settings)
        for header, expected in zip(FIGURE_COLUMNS, engine, strict=True):
            assert same(expected, row[header]), (contract.contract_reference, header, row[header], expected)
    measures = values(recalculated, "MeasureFigures")
    expected_rows = [(c, i, m) for c, d in zip(inputs.contracts, figures, strict=True) for i, m in d.measures.items()]
    assert [(r["Contract reference"], r["Measure ID"]) for r in measures] == [(c.contract_reference, i) for c, i, _ in expected_rows]
    for row, (contract, ident, m) in zip(measures, expected_rows, strict=True):
        pairs = {"Expected": m.expected, "Delivered": m.delivered, "Progress": m.progress, "RAG": m.rag or NOT_DUE, "Accrues": m.accrues,
                 "£ committed": m.sv_committed, "£ expected": m.sv_expected, "£ delivered": m.sv_delivered}
        for header, expected in pairs.items():
            assert same(expected, row[header]), (contract.contract_reference, ident, header, row[header], expected)
        for p in range(1, contract.periods + 1):
            assert same(delivered_amount(m.accrues, contract.actuals[ident], p), row[f"Delivered by P{p}"]), (ident, p)


def set_setting(key: str, value: object) -> Edit:
    def edit(wb: OpenpyxlWorkbook) -> None:
        wb["Settings"].cell(setting_row(key), 2, value)
    return edit


def measure_cell(framework: Framework, ident: str, column: str) -> tuple[int, int]:
    """(row, column) of a measure's field on Measures."""
    col = ACCRUES_COL if column == "accrues" else SHEET_COLUMNS["Measures"].index(column) + 1
    return [m.id for m in framework.measures].index(ident) + 2, col


def test_formulas_are_portable(built: Path) -> None:
    wb = load_workbook(built, keep_vba=True)
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 500
    assert not [f for f in formulas if FORBIDDEN.search(f)]
    assert wb.vba_archive is not None and "xlwings.conf" in wb.sheetnames
    conf = wb["xlwings.conf"]
    assert [r[1].value for r in conf.iter_rows(max_col=2) if r[0].value == "UDF Modules"] == ["svexcel_monitor"]
    notes = [r[0].value for r in conf.iter_rows(max_col=1) if str(r[0].value).startswith("UDF Modules names")]
    assert len(notes) == 1 and "keep it as svexcel_monitor." in notes[0]


def test_workbook_carries_the_engine_inputs(built: Path, framework: Framework) -> None:
    """Reading the built workbook back gives the engine the same contracts as reading the delivery workbooks."""
    inputs = read_monitor_workbook(built)
    assert not inputs.findings
    settings, _ = load_delivery_settings(DEFAULT_FRAMEWORK)
    reads = [r for r in read_delivery_folder(framework, built.parent / "deliveries") if r.status == "scored"]
    assert [c.contract_reference for c in inputs.contracts] == [r.contract_reference for r in reads]
    for contract, read in zip(inputs.contracts, reads, strict=True):
        assert contract.commitments == read.commitments
        direct = monitor(framework, settings, read.commitments, read.actuals, read.period, read.periods)
        from_workbook = monitor(framework, inputs.settings, contract.commitments, contract.actuals, contract.period, contract.periods)
        assert direct == from_workbook


def officer_edits(framework: Framework) -> Edit:
    """New RAG and rating bands, the count method, proxies, a deadweight, accruals (one changed each way, one blanked to
    the default), reporting periods (one before a measure's first period: not yet due) and a figure."""
    monetised = [m.id for m in framework.measures if m.kind == "monetised" and m.direction == "benefit"]
    binary = {m.id for m in framework.measures if m.kind == "binary"}

    def edit(wb: OpenpyxlWorkbook) -> None:
        for key, value in (("rag_green", 0.7), ("rag_amber", 0.4), ("rating_method", "Count"), ("rating_good", 0.6),
                           ("rating_approaching", 0.5), ("rating_requires_improvement", 0.2)):
            set_setting(key, value)(wb)
        measures = wb["Measures"]
        for ident, proxy in zip(monetised[:3], (1.0, 5000.0, 0.0), strict=True):
            measures.cell(*measure_cell(framework, ident, "proxy_gbp"), proxy)
        measures.cell(*measure_cell(framework, monetised[3], "deadweight"), 0.5)
        measures.cell(*measure_cell(framework, monetised[0], "accrues"), "level")
        measures.cell(*measure_cell(framework, "PA1.2", "accrues"), "flow")  # board seats summed: what v2 did
        measures.cell(*measure_cell(framework, "EQ1.3", "accrues")).value = None  # blank: the default (level), with a warning
        wb["Contracts"]["G4"] = 7  # the twelve-period contract seen as it stood at P7
        wb["Contracts"]["G3"] = 4  # the contract whose SH1.2 starts in P5, at P4: SH1.2 not yet due
        wb["Actuals"]["G2"] = "Yes" if wb["Actuals"]["C2"].value in binary else 999
    return edit


def failing_edits(built: Path, framework: Framework) -> dict[str, tuple[Edit, str, str, str]]:
    """Edits that break one check each: (edit, check type, sheet, cell to fix)."""
    proxy_row = measure_cell(framework, next(m.id for m in framework.measures if m.kind == "monetised"), "proxy_gbp")[0]
    actuals = load_workbook(built)["Actuals"]
    binary = {m.id for m in framework.measures if m.kind == "binary"}
    numeric_row = next(r for r in range(2, actuals.max_row + 1) if actuals.cell(r, 3).value not in binary)
    return {
        "bands-overlap": (set_setting("rag_amber", 0.99), "bad-setting", "Settings", f"B{setting_row('rag_amber')}"),
        "share-out-of-range": (set_setting("rating_good", 95), "bad-setting", "Settings", f"B{setting_row('rating_good')}"),
        "unknown-method": (set_setting("rating_method", "average"), "bad-setting", "Settings", f"B{setting_row('rating_method')}"),
        "negative-proxy": (lambda wb: wb["Measures"].cell(proxy_row, 7, -3), "bad-proxy", "Measures", f"G{proxy_row}"),
        "bad-accrues": (lambda wb: wb["Measures"].cell(proxy_row, ACCRUES_COL, "monthly"), "bad-accrues", "Measures", f"N{proxy_row}"),
        "reporting-period": (lambda wb: wb["Contracts"].cell(2, 7, 99), "bad-reporting-period", "Contracts", "G2"),
        "text-figure": (lambda wb: wb["Actuals"].cell(numeric_row, 8, "about 10"), "not-a-number", "Actuals", f"H{numeric_row}"),
    }


@pytest.fixture(scope="module")
def recalculated(built: Path, framework: Framework) -> dict[str, tuple[Path, Path]]:
    """The built workbook, the officer's edits and each failing edit, recalculated by LibreOffice in one call."""
    samples = build_monitor_from_folder(None, built.with_name("samples.xlsm"), DELIVERY_SAMPLES).path
    sources = {"built": built, "samples": samples, "edited": edited(built, "edited", officer_edits(framework))}
    sources |= {name: edited(built, name, edit) for name, (edit, _, _, _) in failing_edits(built, framework).items()}
    results = convert(list(sources.values()), "xlsx", built.parent / "recalculated")
    return {name: (source, result) for (name, source), result in zip(sources.items(), results, strict=True)}


@pytest.mark.libreoffice
def test_libreoffice_equals_engine_by_default_and_after_edits(recalculated: dict[str, tuple[Path, Path]]) -> None:
    for name in ("built", "samples", "edited"):
        source, result = recalculated[name]
        inputs = read_monitor_workbook(source)
        assert [f.type for f in inputs.findings] == (["accrues-defaulted"] if name == "edited" else [])
        assert values(result, "Checks")[0]["Checks"].startswith("All checks pass")
        assert_matches_engine(result, inputs)
    default, after = (values(recalculated[name][1], "ContractFigures") for name in ("built", "edited"))
    assert {r["rating_method"] for r in after} == {"count"}
    assert [r["Period"] for r in after] == [3, 4, 7]
    assert any(r["RAG"] == NOT_DUE and r["Progress"] in (None, "") for r in values(recalculated["edited"][1], "MeasureFigures"))
    assert any(r["Not yet due"] for r in values(recalculated["samples"][1], "ContractFigures"))
    assert [r["£ committed"] for r in default] != [r["£ committed"] for r in after]


@pytest.mark.libreoffice
def test_cached_values_are_what_libreoffice_computes(recalculated: dict[str, tuple[Path, Path]]) -> None:
    """Every formula cell's saved value (shown in Protected View and previews) equals LibreOffice's recalculation."""
    for name in ("built", "samples"):
        source, result = recalculated[name]
        saved, computed, formulas = (load_workbook(source, data_only=True), load_workbook(result, data_only=True), load_workbook(source))
        checked = 0
        for sheet in ("MeasureFigures", "ContractFigures", "Dashboard", "Checks"):
            for row in formulas[sheet].iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        mine, theirs = saved[sheet][cell.coordinate].value, computed[sheet][cell.coordinate].value
                        assert same(mine, theirs), (name, sheet, cell.coordinate, mine, theirs)
                        checked += 1
        assert checked > 300


@pytest.mark.libreoffice
def test_instructions_sheet_follows_the_dashboard(recalculated: dict[str, tuple[Path, Path]], framework: Framework) -> None:
    """An Instructions sheet as in the live scoring workbook, with the monitoring workbook's own words."""
    source, result = recalculated["built"]
    wb = load_workbook(source, keep_vba=True)
    assert wb.sheetnames[:2] == ["Dashboard", "Instructions"] and wb["Instructions"].protection.sheet
    interpreter = next(row[1].value for row in wb["xlwings.conf"].iter_rows() if row[0].value == "Interpreter_Win")
    lines = [str(c.value) for row in load_workbook(result, data_only=True)["Instructions"].iter_rows() for c in row if c.value is not None]
    text = "\n".join(lines)
    assert lines[0] == "How to use this workbook" and lines[1].startswith(f"{framework.name}, version {framework.version}.")
    for words in ("Yellow cells", "rag_green", "accrues", "Reporting period", "Actuals", "CHECK", "import_deliveries",
                  "svexcel delivery build", "Interpreter_Win", "python.exe", "Alt+F8", "Review > Unprotect Sheet"):
        assert words in text, words
    assert interpreter in lines  # what xlwings.conf's Interpreter_Win was set to, on its own line
    assert "Quality" not in text and "import_returns" not in text  # nothing of the scoring workbook's


@pytest.mark.libreoffice
def test_a_failing_check_shows_check_and_names_the_cell(recalculated: dict[str, tuple[Path, Path]], built: Path, framework: Framework) -> None:
    for name, (_, kind, sheet, cell) in failing_edits(built, framework).items():
        source, result = recalculated[name]
        status = values(result, "Checks")[0]["Checks"]
        assert status.startswith("CHECK: 1 problem") and f"Fix {sheet}!{cell} ({kind})" in status, (name, status)
        figures = values(result, "ContractFigures")
        assert all(r[h] == "CHECK" for r in figures for h in ("£ delivered", "share_value", "rating")), name
        assert all(r["Progress"] == "CHECK" for r in values(result, "MeasureFigures")), name
        dashboard = load_workbook(result, data_only=True)["Dashboard"]
        assert str(dashboard["A3"].value).startswith("CHECK") and dashboard["J6"].value == "CHECK", name
        findings = verdict(source)  # the engine reaches the same verdict, on the same cell
        assert (kind, sheet, cell) in {(f.type, f.sheet, f.cell) for f in findings if f.severity == "error"}, (name, findings)


@pytest.mark.libreoffice
def test_functions_agree_with_the_formulas_and_explain_the_rating(recalculated: dict[str, tuple[Path, Path]]) -> None:
    for name in ("built", "edited"):
        source, result = recalculated[name]
        tables = [named_range(source, n) for n in svexcel_monitor.INPUT_NAMES]
        figures = svexcel_monitor.dv_figures(*tables, formula_figures=named_range(result, "FiguresTable"))
        assert figures[0][-1] == "Agrees with formulas" and [r[-1] for r in figures[1:]] == ["Yes"] * 3, figures
        for row in values(result, "ContractFigures"):
            lines = [line for [line] in svexcel_monitor.dv_explain(row["Contract reference"], *tables)]
            assert f"rated {row['rating']} on the {row['rating_method']} share" in lines[0], lines
    source, _ = recalculated["negative-proxy"]
    blocked = svexcel_monitor.dv_explain("HC-0", *(named_range(source, n) for n in svexcel_monitor.INPUT_NAMES))
    assert blocked[0] == ["Cannot score: correct these cells first."] and "Measures!G" in blocked[1][0]
    source, _ = recalculated["text-figure"]
    blocked = svexcel_monitor.dv_explain("HC-0", *(named_range(source, n) for n in svexcel_monitor.INPUT_NAMES))
    assert "checks fail" in blocked[0][0] and any("not-a-number" in line for [line] in blocked[1:])


def test_import_lays_out_what_the_builder_wrote(built: Path, framework: Framework) -> None:
    inputs = read_monitor_workbook(built)
    layout = import_layout(inputs.framework, inputs.settings, built.parent / "deliveries", exclude=built)
    wb = load_workbook(built)
    for grid in layout.grids():
        ws = wb[grid.sheet]
        written = [[ws.cell(r, c).value for c in range(1, grid.width + 1)] for r in range(1, len(grid.rows) + 1)]
        assert written == [[None if v == "" else v for v in row] + [None] * (grid.width - len(row)) for row in grid.rows], grid.sheet
    assert import_message(layout, Path("deliveries"), "contract").startswith("Imported 3 contract(s) from deliveries; 0 file(s) rejected")
    with pytest.raises(FolderProblem, match="does not exist"):
        import_layout(framework, inputs.settings, built.parent / "missing")


@pytest.mark.libreoffice
def test_macros_and_functions_on_tools_exist_and_reports_use_the_workbook_settings(recalculated: dict[str, tuple[Path, Path]],
                                                                                   built: Path, tmp_path: Path) -> None:
    assert all(callable(getattr(svexcel_monitor, name)) for name, _ in MACROS)
    assert all(callable(getattr(svexcel_monitor, name)) for name, _, _ in FUNCTIONS)
    inputs = read_monitor_workbook(recalculated["edited"][0])  # rating by count, with the officer's bands
    run_delivery_batch(built.parent / "deliveries", tmp_path / "reports", framework=inputs.framework, settings=inputs.settings)
    contracts = [c for c in json.loads((tmp_path / "reports" / "delivery.json").read_text())["contracts"] if c["status"] == "scored"]
    assert len(contracts) == 3
    assert [c["rating"] for c in contracts] == [inputs.settings.rating(c["share_count"]) for c in contracts]


def named_range(path: Path, name: str) -> list[list[object]]:
    """A defined name's cells as Excel passes a range to a function (rows of values, None for blanks)."""
    wb = load_workbook(path, data_only=True)
    [(sheet, cells)] = list(wb.defined_names[name].destinations)
    return [[c.value for c in row] for row in wb[sheet][cells.replace("$", "")]]


def verdict(path: Path) -> list[Finding]:
    """What the engine finds reading a workbook: its findings, or the framework's errors."""
    try:
        return read_monitor_workbook(path).findings
    except FrameworkError as exc:
        return exc.findings


def test_reports_refuse_what_ifs_typed_in_the_workbook(built: Path, framework: Framework, tmp_path: Path) -> None:
    """make_delivery_reports writes from the files, so it refuses while Contracts or Actuals say otherwise."""
    inputs = read_monitor_workbook(built)
    settings = inputs.settings
    files = import_layout(framework, settings, built.parent / "deliveries").contracts
    assert delivery_reports_refused(inputs, files) is None
    for cell, value in (("Contracts!G4", 7), ("Actuals!G2", 999)):
        edited = tmp_path / f"{cell.replace('!', '-')}.xlsm"
        wb = load_workbook(built, keep_vba=True)
        sheet, ref = cell.split("!")
        wb[sheet][ref] = value
        wb.save(edited)
        refusal = delivery_reports_refused(read_monitor_workbook(edited), files)
        assert refusal is not None and refusal.startswith("No reports written") and "contract-" in refusal, cell
    fewer = [c for c in files if c.file != files[0].file]
    assert files[0].file in str(delivery_reports_refused(inputs, fewer))
