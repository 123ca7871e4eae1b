"""Checks in cells (SPEC §5 v2): every edit an officer can make either keeps the engine's figures or shows CHECK.

Each edit is made with openpyxl in a copy of a built workbook, every copy is recalculated by LibreOffice in one
call, and the engine reads the same copy: it refuses exactly when the workbook shows no figures, with a finding of
the type the failing check names.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
from builders import quality_of
from libreoffice import convert
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from test_live_workbook import REFERENCE, assert_matches_engine, data_rows

from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework, FrameworkError, load_framework
from svexcel.panel.marks import read_quality
from svexcel.tender.live.actions import reports_refused
from svexcel.tender.live.inputs import live_findings, read_live_workbook
from svexcel.tender.live.workbook import build_from_folder, build_live_workbook, read_folder
from svexcel.xlsx.reader import Workbook, parse_ref

Edit = Callable[[OpenpyxlWorkbook], None]


def row_of(wb: OpenpyxlWorkbook, sheet: str, key: str) -> int:
    """The row whose column A holds ``key``."""
    return next(c.row for c in wb[sheet]["A"] if c.value == key)


def set_cell(sheet: str, key: str, col: str, value: object) -> Edit:
    """Type ``value`` in column ``col`` of the row keyed ``key`` in column A."""
    def edit(wb: OpenpyxlWorkbook) -> None:
        wb[sheet][f"{col}{row_of(wb, sheet, key)}"].value = value
    return edit


def returns_cell(file: str, measure: str, value: object) -> Edit:
    """Type ``value`` as a return's quantity for ``measure`` on Returns."""
    def edit(wb: OpenpyxlWorkbook) -> None:
        ws = wb["Returns"]
        col = next(c.column for c in ws[1] if c.value == measure)
        ws.cell(row_of(wb, "Returns", file), col).value = value
    return edit


def append_copy(sheet: str, key: str, new_id: str) -> Edit:
    """Add a row below the table: a copy of ``key``'s row with a new id (a new theme or measure)."""
    def edit(wb: OpenpyxlWorkbook) -> None:
        ws = wb[sheet]
        values = [c.value for c in ws[row_of(wb, sheet, key)]]
        ws.append([new_id, *values[1:]])
    return edit


def delete_row(sheet: str, key: str) -> Edit:
    """Delete the row keyed ``key`` (what Delete Row leaves for the cells below)."""
    def edit(wb: OpenpyxlWorkbook) -> None:
        wb[sheet].delete_rows(row_of(wb, sheet, key))
    return edit


def append_row(sheet: str, values: list[object]) -> Edit:
    """Type a new row under the last row of ``sheet``."""
    def edit(wb: OpenpyxlWorkbook) -> None:
        wb[sheet].append(values)
    return edit


def move_below(sheet: str, key: str) -> Edit:
    """Cut the row keyed ``key`` and paste it under the last row (the row it left stays blank)."""
    def edit(wb: OpenpyxlWorkbook) -> None:
        ws = wb[sheet]
        row = ws[row_of(wb, sheet, key)]
        values = [c.value for c in row]
        for c in row:
            c.value = None
        ws.cell(ws.max_row + 1, 1)
        for j, value in enumerate(values, start=1):
            ws.cell(ws.max_row, j).value = value
    return edit


HILLSIDE = "hillside-community-trust.xlsx"
# name -> (edit, check type named on Checks and by the engine, first cell to fix)
REFUSED: dict[str, tuple[Edit, str, str]] = {
    "proxy-cleared": (set_cell("Measures", "EQ2.1", "G", None), "missing-proxy", "Measures!G"),
    "target-cleared": (set_cell("Measures", "EQ1.3", "J", None), "missing-target", "Measures!J"),
    "negative-attainment-weight": (set_cell("Settings", "weight_attainment", "B", -0.2), "bad-weight", "Settings!B8"),
    "max-points-blank": (set_cell("Settings", "max_points", "B", None), "not-a-number", "Settings!B6"),
    "ratio-zero": (set_cell("Settings", "plausible_sv_ratio", "B", 0), "bad-setting", "Settings!B10"),
    "spread-negative": (set_cell("Settings", "moderation_spread", "B", -1), "bad-setting", "Settings!B11"),
    "weight-abc": (set_cell("Themes", "EQ", "D", "abc"), "not-a-number", "Themes!D2"),
    "weight-2-as-text": (set_cell("Themes", "PA", "D", "2"), "not-a-number", "Themes!D3"),
    "weight-minus-1": (set_cell("Themes", "CC", "D", -1), "bad-weight", "Themes!D4"),
    "deadweight-1.5": (set_cell("Measures", "WB2.1", "I", 1.5), "bad-deadweight", "Measures!I"),
    "kind-typo": (set_cell("Measures", "EQ2.1", "E", "monetized"), "unknown-kind", "Measures!E"),
    "new-measure": (append_copy("Measures", "EQ2.1", "EQ9.9"), "framework-changed", "Measures"),
    "new-theme": (append_copy("Themes", "WB", "NEW"), "framework-changed", "Themes"),
    "deleted-measure": (delete_row("Measures", "CC1.2"), "framework-changed", "Measures"),
    "deleted-quality-row": (delete_row("Quality", HILLSIDE), "missing-quality-row", "Quality (no row for Returns!A"),
    "mark-as-text": (set_cell("Quality", HILLSIDE, "C", "75"), "bad-quality-score", "Quality!C"),
    "mark-150": (set_cell("Quality", HILLSIDE, "D", 150), "bad-quality-score", "Quality!D"),
    "binary-maybe": (returns_cell(HILLSIDE, "PA2.2", "Maybe"), "not-yes-no", "Returns!"),
    "binary-2": (returns_cell(HILLSIDE, "PA2.2", 2), "not-yes-no", "Returns!"),
    "quantity-as-text": (returns_cell(HILLSIDE, "EQ2.1", "52"), "not-a-number", "Returns!"),
    "quantity-negative": (returns_cell(HILLSIDE, "EQ2.1", -5), "negative-quantity", "Returns!"),
    "return-below-returns": (append_row("Returns", ["late-return.xlsx", "Late Ltd", 1000, 5]), "return-not-scored", "Returns!A"),
    "return-moved-below": (move_below("Returns", HILLSIDE), "return-not-scored", "Returns!A"),
    "quality-name-twice-below": (set_cell("Quality", "riverside-care-coop.xlsx", "A", HILLSIDE), "duplicate-file", "Quality!A4"),
    "quality-name-twice-above": (set_cell("Quality", "city-digital-partners.xlsx", "A", HILLSIDE), "duplicate-file", "Quality!A2"),
    "quality-row-below": (append_row("Quality", ["late-return.xlsx", "Late Ltd", 80, 60]), "quality-row-not-read", "Quality!A"),
    "quality-marks-below": (append_row("Quality", [None, None, None, 70]), "quality-row-not-read", "Quality!A"),
    "quality-row-moved-below": (move_below("Quality", HILLSIDE), "quality-row-not-read", "Quality!A"),
}
ACCEPTED: dict[str, Edit] = {
    "binary-1-and-0": lambda wb: (returns_cell(HILLSIDE, "PA2.2", 1)(wb), returns_cell(HILLSIDE, "CC1.3", 0)(wb)),
    "binary-lower-case": returns_cell(HILLSIDE, "PA2.2", "no"),
    "theme-weight-blank": set_cell("Themes", "SH", "D", None),  # blank counts as 1, as the engine reads it
    "proxy-and-component-weights": lambda wb: (set_cell("Measures", "EQ2.1", "G", 12.5)(wb),
                                               set_cell("Settings", "weight_monetised", "B", 0.7)(wb)),
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's live workbook."""
    return build_from_folder(None, tmp_path_factory.mktemp("built") / "live.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path


@pytest.fixture(scope="module")
def edited(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every edit in its own copy, and each copy recalculated by LibreOffice (one call for all)."""
    tmp = tmp_path_factory.mktemp("edits")
    copies = {}
    for name, edit in {**{k: v[0] for k, v in REFUSED.items()}, **ACCEPTED}.items():
        path = tmp / f"{name}.xlsm"
        shutil.copy(samples, path)
        wb = load_workbook(path, keep_vba=True)
        edit(wb)
        wb.save(path)
        copies[name] = path
    outputs = convert(list(copies.values()), "xlsx", tmp / "recalculated")
    return {name: (path, out) for (name, path), out in zip(copies.items(), outputs, strict=True)}


def failing_checks(recalculated: Path) -> dict[str, str]:
    """Check type -> first cell to fix, for every check that fails on the Checks sheet."""
    with Workbook(recalculated) as book:
        sheet = book.sheet("Checks")
        assert sheet is not None
        return {str(sheet.value(r, 1)): str(sheet.value(r, 4)) for r in range(5, 60) if sheet.value(r, 2) == "FIX"}


def shown(recalculated: Path, sheet: str, ref: str) -> object:
    """A cell's recalculated value."""
    with Workbook(recalculated) as book:
        ws = book.sheet(sheet)
        assert ws is not None
        return ws.value(*parse_ref(ref))


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_edit_shows_check_and_engine_refuses(name: str, edited: dict[str, tuple[Path, Path]]) -> None:
    path, recalculated = edited[name]
    _, check, where = REFUSED[name]
    failing = failing_checks(recalculated)
    assert check in failing, failing
    assert failing[check].startswith(where), failing
    rows = data_rows(recalculated, "Scores")
    assert rows and all(row["Points"] == "CHECK" and row["Rank"] == "CHECK" for row in rows)
    assert all(row[t] == "CHECK" for row in rows for t in ("EQ", "PA", "CC", "SH", "WB"))
    assert str(shown(recalculated, "Dashboard", "A3")).startswith("CHECK: ")
    assert str(shown(recalculated, "Scores", "A1")).startswith("CHECK: ")
    engine = {f.type for f in live_findings(path) if f.severity == "error"}
    assert check in engine, engine
    assert set(failing) <= engine, (set(failing), engine)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(ACCEPTED))
def test_accepted_edit_equals_engine(name: str, edited: dict[str, tuple[Path, Path]]) -> None:
    path, recalculated = edited[name]
    assert failing_checks(recalculated) == {}
    inputs = read_live_workbook(path)
    assert [f for f in inputs.findings if f.severity == "error"] == []
    assert_matches_engine(recalculated, inputs.framework, inputs.returns, inputs.scores())
    assert shown(recalculated, "Dashboard", "A3") == shown(recalculated, "Checks", "A2")
    assert str(shown(recalculated, "Dashboard", "A3")).startswith("All checks pass")


@pytest.mark.libreoffice
def test_framework_edits_refused_by_batch_framework_loading(edited: dict[str, tuple[Path, Path]]) -> None:
    """`svexcel batch --framework live.xlsm` refuses what the checks refuse in the framework sheets."""
    for name in ("proxy-cleared", "target-cleared", "negative-attainment-weight", "max-points-blank", "weight-abc",
                 "weight-2-as-text", "weight-minus-1", "deadweight-1.5", "kind-typo"):
        with pytest.raises(FrameworkError) as info:
            load_framework(edited[name][0])
        assert REFUSED[name][1] in {f.type for f in info.value.findings}, name


def delete_row_like_excel(wb: OpenpyxlWorkbook, sheet: str, at: int) -> None:
    """Delete a row as Excel does: cells move up, references to it become #REF!, others and defined names follow."""
    wb[sheet].delete_rows(at)
    pattern = re.compile(REFERENCE.format(sheet=sheet))

    def shift(match: re.Match[str]) -> str:
        c1, r1, c2, r2 = match.groups()
        top, bottom = int(r1), int(r2 or r1)
        if top == bottom == at:
            return "#REF!"
        top, bottom = top - (top > at), bottom - (bottom >= at)
        return f"{sheet}!{c1}{top}" if c2 is None else f"{sheet}!{c1}{top}:{c2}{bottom}"

    def outside_strings(formula: str) -> str:  # text in quotes is not a reference
        parts = formula.split('"')
        return '"'.join(pattern.sub(shift, part) if k % 2 == 0 else part for k, part in enumerate(parts))

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = outside_strings(cell.value)
    for name in list(wb.defined_names):
        wb.defined_names[name].attr_text = outside_strings(wb.defined_names[name].attr_text)


@pytest.mark.libreoffice
def test_a_deleted_returns_row_is_named_on_checks_and_by_the_engine(samples: Path, tmp_path: Path) -> None:
    """Deleting a row of Returns (unprotected) shows CHECK naming Returns, not #N/A in the verdict; the engine agrees."""
    path = tmp_path / "deleted.xlsm"
    shutil.copy(samples, path)
    wb = load_workbook(path, keep_vba=True)
    delete_row_like_excel(wb, "Returns", row_of(wb, "Returns", HILLSIDE))
    wb.save(path)
    recalculated = convert([path], "xlsx", tmp_path / "recalculated")[0]
    failing = failing_checks(recalculated)
    assert failing.get("returns-changed", "").startswith("Returns!A"), failing
    assert str(shown(recalculated, "Dashboard", "A3")).startswith("CHECK: ")
    engine = {f.type for f in live_findings(path) if f.severity == "error"}
    assert "returns-changed" in engine and set(failing) <= engine, (set(failing), engine)


QUALITY_EDITS = ("deleted-quality-row", "mark-as-text", "mark-150", "quality-name-twice-below", "quality-name-twice-above",
                 "quality-row-below", "quality-marks-below", "quality-row-moved-below")


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", QUALITY_EDITS)
def test_quality_edits_refused_by_batch_and_reports(name: str, edited: dict[str, tuple[Path, Path]], framework: Framework) -> None:
    """`svexcel batch --quality live.xlsm` and make_reports refuse what the checks refuse on Quality, naming the cell."""
    path = edited[name][0]
    _, findings = read_quality(path, framework)
    assert REFUSED[name][1] in {f.type for f in findings if f.severity == "error"}, findings
    refusal = reports_refused(read_live_workbook(path))
    assert refusal is not None and refusal.startswith("No reports written") and "Quality" in refusal


def test_as_built_quality_is_read_whole_by_batch_and_reports(samples: Path, framework: Framework) -> None:
    marks, findings = read_quality(samples, framework)
    assert findings == [] and marks == read_quality(SAMPLE_QUALITY, framework)[0]
    assert reports_refused(read_live_workbook(samples)) is None


@pytest.mark.libreoffice
def test_wildcards_in_names_do_not_fool_lookups(framework: Framework, tmp_path: Path) -> None:
    """File and organisation names with ~, * and ? find their own quality marks, and only theirs."""
    returns = [r for r in read_folder(framework, SAMPLES) if not r.rejected][:4]
    names = ["a~b.xlsx", "a*b.xlsx", "a?b.xlsx", "axb.xlsx"]
    for ret, name in zip(returns, names, strict=True):
        ret.file, ret.organisation = name, f"Org {name} ~*?"
    marks = {name: {t.id: float(25 * (k + 1)) for t in framework.themes} for k, name in enumerate(names[:3])}
    path = build_live_workbook(framework, tmp_path / "wild.xlsm", returns, marks)
    recalculated = convert([path], "xlsx", tmp_path / "out")[0]
    inputs = read_live_workbook(path)
    assert inputs.findings == []
    assert failing_checks(recalculated) == {}
    assert_matches_engine(recalculated, inputs.framework, inputs.returns, inputs.scores())
    quality = {row["File"]: row for row in data_rows(recalculated, "ThemeScores")}
    assert [quality[n]["EQ quality mark"] for n in names] == [25, 50, 75, None]


@pytest.mark.libreoffice
def test_built_workbook_passes_every_check(samples: Path, tmp_path: Path) -> None:
    recalculated = convert([samples], "xlsx", tmp_path)[0]
    assert failing_checks(recalculated) == {}
    assert shown(recalculated, "Checks", "B3") == 0
    assert live_findings(samples) == []
