"""Officers' quality scores: the Quality sheet read back, with findings for bad cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.quality_workbook import write_quality_workbook


def test_sample_quality_round_trip(framework: Framework, sample_quality: Path, tmp_path: Path) -> None:
    marks, findings = read_quality(sample_quality, framework)
    assert findings == [] and len(marks) == 6
    assert marks["city-digital-partners.xlsx"]["PA"] is None  # not yet scored
    copy = write_quality_workbook(framework, tmp_path / "q.xlsx", marks, {})
    assert read_quality(copy, framework) == (marks, [])


def test_scores_are_validated_from_the_scale(framework: Framework, sample_quality: Path) -> None:
    ws = load_workbook(sample_quality)["Quality"]
    [rule] = ws.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == "QualityScale!$A$2:$A$6"
    assert "C2" in rule.sqref and ws["C2"].protection.locked is False


def test_bad_scores_are_findings(framework: Framework, sample_quality: Path, tmp_path: Path) -> None:
    path = tmp_path / "quality.xlsx"
    wb = load_workbook(sample_quality)
    ws = wb["Quality"]
    ws["C2"] = "good"
    ws["D3"] = 150
    ws["E4"] = "50"  # the live workbook's formulas would not count it
    ws.append([ws["A2"].value, "again", 75])
    wb.save(path)
    marks, findings = read_quality(path, framework)
    assert [(f.sheet, f.cell, f.type) for f in findings] == [
        ("Quality", "C2", "not-a-number"), ("Quality", "D3", "bad-quality-score"), ("Quality", "E4", "score-as-text"),
        ("Quality", f"A{ws.max_row}", "duplicate-file")]
    assert all(f.severity == "error" for f in findings)
    assert marks[ws["A3"].value]["PA"] is None and marks[ws["A2"].value]["EQ"] is None


def test_missing_quality_sheet(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    write_quality_workbook(framework, path, {}, {})
    wb = load_workbook(path)
    wb["Quality"].title = "Scores"
    wb.save(path)
    assert [(f.type, f.severity) for f in read_quality(path, framework)[1]] == [("missing-sheet", "error")]


def test_a_mark_that_is_not_a_number_says_what_the_cell_holds(framework: Framework, sample_quality: Path, tmp_path: Path) -> None:
    """What Excel made of a typed mark is shown as people see it (a date, a time, the text), never the finding's type name
    nor a serial number: as the return reader does for quantities (SPEC §2), on every surface that takes marks."""
    path = tmp_path / "quality.xlsx"
    wb = load_workbook(sample_quality)
    ws = wb["Quality"]
    ws["C2"], ws["D3"], ws["E4"] = dt.datetime(2026, 3, 1), dt.time(12, 30), "seventy"
    ws["C2"].number_format, ws["D3"].number_format = "dd/mm/yyyy", "h:mm"
    wb.save(path)
    _, findings = read_quality(path, framework)
    assert [(f.cell, f.type) for f in findings] == [("C2", "stored-as-date"), ("D3", "stored-as-time"), ("E4", "not-a-number")]
    messages = [f.message for f in findings]
    assert "holds the date 1 Mar 2026" in messages[0] and "holds the time 12:30" in messages[1] and "'seventy'" in messages[2]
    assert not any(f"({f.type})" in f.message or "46082" in f.message for f in findings), messages
