"""The framework workbook: the shipped CCIN framework, and findings for broken ones."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Callable

import pytest
from openpyxl import load_workbook

from svexcel.core.paths import DEFAULT_FRAMEWORK, WORKBOOKS
from svexcel.framework.model import SHEET_COLUMNS, Framework, FrameworkError, load_framework


def test_shipped_framework_matches_the_domain_csv(framework: Framework) -> None:
    with (WORKBOOKS / "ccin-framework.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [m.id for m in framework.measures] == [r["measure_id"] for r in rows]
    assert [t.name for t in framework.themes] == [
        "Equity and Equality", "Participation and Accountability", "Conviviality/Community",
        "Self-help/empowerment", "Wellbeing",
    ]
    for m, r in zip(framework.measures, rows, strict=False):
        assert (m.kind, m.direction, m.unit, m.theme_id) == (r["kind"], r["direction"], r["unit"], r["theme_id"])
        assert m.proxy_gbp == (float(r["proxy_gbp"]) if r["proxy_gbp"] else None)
    s = framework.settings
    assert (s.max_points, s.weight_monetised, s.weight_attainment, s.weight_quality) == (20, 0.4, 0.2, 0.4)
    assert [q.score for q in framework.quality_scale] == [0, 25, 50, 75, 100]
    assert framework.findings == ()


def test_shipped_workbook_is_readable_by_a_finance_officer() -> None:
    wb = load_workbook(DEFAULT_FRAMEWORK)
    assert wb.sheetnames == list(SHEET_COLUMNS)
    for name, columns in SHEET_COLUMNS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]][: len(columns)] == list(columns)
        assert ws.freeze_panes in ("A2", "B2") and ws["A1"].font.bold
    measures = wb["Measures"]
    illustrative = [r for r in measures.iter_rows(min_row=2, values_only=True) if "illustrative" in (r[7] or "")]
    assert illustrative and "illustrative" in measures["G1"].comment.text
    assert measures["G2"].number_format.startswith('"£"')
    assert measures["G2"].fill.fgColor.rgb.endswith("FFF2CC")  # editable cells are marked


@pytest.fixture
def broken(tmp_path: Path) -> Callable[[Callable], list[tuple[str, str, str]]]:
    """Edit a copy of the shipped framework and return its error findings as (sheet, cell, type)."""
    def _broken(edit: Callable) -> list[tuple[str, str, str]]:
        path = tmp_path / "framework.xlsx"
        shutil.copy(DEFAULT_FRAMEWORK, path)
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
        with pytest.raises(FrameworkError) as info:
            load_framework(path)
        return [(f.sheet, f.cell, f.type) for f in info.value.findings if f.severity == "error"]
    return _broken


def test_duplicate_measure_id(broken) -> None:
    assert broken(lambda wb: wb["Measures"].cell(3, 1, "EQ1.1")) == [("Measures", "A3", "duplicate-id")]


def test_duplicate_theme_id(broken) -> None:
    assert ("Themes", "A3", "duplicate-id") in broken(lambda wb: wb["Themes"].cell(3, 1, "EQ"))


def test_orphan_outcome(broken) -> None:
    assert ("Outcomes", "B2", "orphan-outcome") in broken(lambda wb: wb["Outcomes"].cell(2, 2, "ZZ"))


def test_orphan_measure(broken) -> None:
    assert broken(lambda wb: wb["Measures"].cell(2, 2, "EQ9")) == [("Measures", "B2", "orphan-measure")]


def test_unknown_kind(broken) -> None:
    assert broken(lambda wb: wb["Measures"].cell(2, 5, "monetized")) == [("Measures", "E2", "unknown-kind")]


def test_unknown_direction(broken) -> None:
    assert broken(lambda wb: wb["Measures"].cell(2, 6, "good")) == [("Measures", "F2", "unknown-direction")]


def test_monetised_measure_without_proxy(broken) -> None:
    assert broken(lambda wb: setattr(wb["Measures"]["G2"], "value", None)) == [("Measures", "G2", "missing-proxy")]


def test_proxy_not_a_number(broken) -> None:
    assert broken(lambda wb: wb["Measures"].cell(2, 7, "one pound")) == [("Measures", "G2", "not-a-number")]


def test_target_measure_without_target(broken) -> None:
    assert broken(lambda wb: setattr(wb["Measures"]["J3"], "value", None)) == [("Measures", "J3", "missing-target")]


def test_deadweight_out_of_range(broken) -> None:
    assert broken(lambda wb: wb["Measures"].cell(2, 9, 1.5)) == [("Measures", "I2", "bad-deadweight")]


def test_negative_theme_weight(broken) -> None:
    assert broken(lambda wb: wb["Themes"].cell(2, 4, -1)) == [("Themes", "D2", "bad-weight")]


def test_theme_weights_not_positive(broken) -> None:
    def edit(wb) -> None:
        for row in range(2, 7):
            wb["Themes"].cell(row, 4, 0)
    assert broken(edit) == [("Themes", "D2", "weights-not-positive")]


def test_negative_component_weight(broken) -> None:
    def edit(wb) -> None:
        ws = wb["Settings"]
        row = next(r for r in range(2, 12) if ws.cell(r, 1).value == "weight_quality")
        ws.cell(row, 2, -0.4)
    assert broken(edit) == [("Settings", "B9", "bad-weight")]


def test_missing_sheet_and_header(broken) -> None:
    def edit(wb) -> None:
        wb.remove(wb["QualityScale"])
        wb["Measures"].cell(1, 5, "type")
    assert broken(edit) == [("Measures", "A1", "missing-header"), ("QualityScale", "", "missing-sheet")]


def test_every_error_is_collected_not_just_the_first(broken) -> None:
    def edit(wb) -> None:
        wb["Measures"].cell(2, 5, "monetized")
        wb["Measures"]["G5"].value = None
        wb["Outcomes"].cell(3, 2, "QQ")
    found = broken(edit)
    assert ("Measures", "E2", "unknown-kind") in found and ("Outcomes", "B3", "orphan-outcome") in found
    assert ("Measures", "G5", "missing-proxy") in found


def test_finance_edits_apply(tmp_path: Path) -> None:
    path = tmp_path / "framework.xlsx"
    shutil.copy(DEFAULT_FRAMEWORK, path)
    wb = load_workbook(path)
    wb["Themes"].cell(2, 4, 3)
    wb["Measures"].cell(2, 7, "£2.50")  # typed as text with a currency sign
    wb.save(path)
    fw = load_framework(path)
    assert fw.themes[0].weight == 3 and fw.measures[0].proxy_gbp == 2.5


def test_unreadable_framework(tmp_path: Path) -> None:
    path = tmp_path / "framework.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [(f.file, f.type) for f in info.value.findings] == [("framework.xlsx", "not-xlsx")]
