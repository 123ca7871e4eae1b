"""The blank return template (SPEC §2): sheets, protection, validation, guidance, hidden metadata."""

from __future__ import annotations

from pathlib import Path

from builders import framework_with_texts, make_return
from openpyxl import load_workbook

from svexcel.framework.model import Framework, load_framework
from svexcel.tender.return_layout import COMMITMENT_COLUMNS, COVER_LABELS, SUPPLIER_LABELS, expected_locked
from svexcel.tender.return_reader import read_return
from svexcel.tender.return_template import write_return_template
from svexcel.xlsx.meta import fingerprint


def test_sheets_and_hidden_metadata(blank_return: Path, framework: Framework) -> None:
    wb = load_workbook(blank_return)
    assert wb.sheetnames == ["Cover", "Commitments", "Narrative", "_svexcel"]
    meta = wb["_svexcel"]
    assert meta.sheet_state == "hidden"
    assert [[c.value for c in row] for row in meta.iter_rows()] == [
        ["framework_name", framework.name],
        ["framework_version", framework.version],
        ["fingerprint", fingerprint(expected_locked(framework))],
    ]


def test_only_input_cells_are_unlocked(blank_return: Path, framework: Framework) -> None:
    wb = load_workbook(blank_return)
    for ws in wb:
        assert ws.protection.sheet, ws.title
    commitments = wb["Commitments"]
    header = [c.value for c in commitments[4]]
    assert header == list(COMMITMENT_COLUMNS)
    unlocked = {(c.row, c.column) for row in commitments.iter_rows() for c in row if c.protection.locked is False}
    measure_rows = [r for r in range(5, commitments.max_row + 1) if commitments.cell(r, 1).value in framework.measure_by_id]
    assert len(measure_rows) == len(framework.measures)
    assert unlocked == {(r, c) for r in measure_rows for c in (6, 7)}
    cover = wb["Cover"]
    cover_unlocked = {c.coordinate for row in cover.iter_rows() for c in row if c.protection.locked is False}
    assert cover_unlocked == {f"B{4 + i}" for i in range(len(COVER_LABELS) + len(SUPPLIER_LABELS))}
    assert [cover.cell(4 + i, 1).value for i in range(len(COVER_LABELS))] == list(COVER_LABELS)


def test_quantity_validation_matches_the_measure_kind(blank_return: Path, framework: Framework) -> None:
    ws = load_workbook(blank_return)["Commitments"]
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert rules["list"].formula1 == '"Yes,No"'
    assert rules["decimal"].operator == "greaterThanOrEqual" and rules["decimal"].formula1 == "0"
    for row in range(5, ws.max_row + 1):
        measure = framework.measure_by_id.get(ws.cell(row, 1).value)
        if measure is None:
            continue
        kind = "list" if measure.kind == "binary" else "decimal"
        assert f"F{row}" in rules[kind].sqref, (measure.id, kind)
        assert ws.cell(row, 5).value == measure.unit
        assert ws.cell(row, 8).value == measure.counting_rule and ws.cell(row, 9).value == measure.evidence


def test_theme_banding_and_print_setup(blank_return: Path, framework: Framework) -> None:
    ws = load_workbook(blank_return)["Commitments"]
    bands = [ws.cell(r, 1).value for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value not in framework.measure_by_id]
    assert bands == [f"{t.id} – {t.name}" for t in framework.themes]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "B5"


def test_cover_carries_instructions(blank_return: Path) -> None:
    cover = load_workbook(blank_return)["Cover"]
    text = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    assert "How to fill in this return" in text and "Yes or No" in text and "without a password" in text


def test_framework_text_that_starts_like_a_formula_stays_text_and_reads_back(tmp_path: Path) -> None:
    # a counting rule "=count each person once" once became a live formula, which the reader refused as an edited locked cell
    texts = {("Measures", 1, "counting_rule"): "=count each person once", ("Measures", 2, "measure"): "+jobs for local people",
             ("Measures", 3, "evidence"): "-payroll extract", ("Themes", 1, "theme"): "@home and at work",
             ("Outcomes", 1, "outcome"): "#N/A is not an answer"}
    framework = load_framework(framework_with_texts(tmp_path / "framework.xlsx", texts))
    blank = write_return_template(framework, tmp_path / "blank.xlsx")
    cells = [c for ws in load_workbook(blank) for row in ws.iter_rows() for c in row if c.value in texts.values()]
    assert {c.value for c in cells} == set(texts.values()) and {c.data_type for c in cells} == {"s"}
    ret = read_return(make_return(blank, tmp_path / "acme.xlsx", framework), framework)
    assert [(f.type, f.where) for f in ret.findings if f.severity == "error"] == []
    assert not ret.rejected
