"""summary.xlsx: one row per input, every finding, formats, and text that never becomes a formula."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_return
from libreoffice import convert
from openpyxl import load_workbook

from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.results import Competition, ReturnResult
from svexcel.tender.return_reader import read_return
from svexcel.tender.scoring import assess, compete
from svexcel.tender.summary import write_summary

INJECTIONS = ["=1+1", "+SUM(1,2)", "-2+3", "@cmd", '=HYPERLINK("http://evil.example","click")']


def scored_results(framework: Framework, paths: list[Path], quality: Path) -> list[ReturnResult]:
    """Read, assess and compete returns the way the batch does."""
    marks, _ = read_quality(quality, framework)
    results = [ReturnResult(read_return(p, framework)) for p in paths]
    valid = [r for r in results if not r.ret.rejected]
    scores = compete(framework, [assess(framework, r.ret.quantities, r.ret.contract_value) for r in valid],
                     [marks.get(r.file, {}) for r in valid])
    for r, s in zip(valid, scores, strict=False):
        r.score = s
    return results


@pytest.fixture
def summary(tmp_path: Path, framework: Framework, samples_dir: Path, sample_quality: Path, blank_return: Path):
    """A summary of the samples, one broken file and returns whose texts look like formulas."""
    (samples_dir / "broken.xlsx").write_bytes(b"not a workbook")
    for i, text in enumerate(INJECTIONS):
        make_return(blank_return, samples_dir / f"inject-{i}.xlsx", framework, organisation=text)
    paths = sorted(samples_dir.glob("*.xlsx"))
    results = scored_results(framework, paths, sample_quality)
    path = write_summary(tmp_path / "summary.xlsx", framework, results, Competition.of(framework, results, "2026-11-28"))
    return path, results


def test_one_row_per_input_with_figures(summary, framework: Framework) -> None:
    path, results = summary
    ws = load_workbook(path)["Summary"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["File", "Status", "Organisation", "Contract value", "Social value", "Ratio to contract value", "Points", "Rank"]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {r.file for r in results}
    assert rows["broken.xlsx"]["Status"] == "rejected" and rows["broken.xlsx"]["Points"] is None
    for r in results:
        if r.score is not None:
            row = rows[r.file]
            # openpyxl writes 16 significant digits; full precision lives in results.json
            assert row["Points"] == pytest.approx(r.score.points, rel=1e-15) and row["Rank"] == r.score.rank
            assert row["Social value"] == pytest.approx(r.score.assessment.total_sv, rel=1e-15)
            assert [row[f"{t.id} score"] for t in framework.themes] == pytest.approx([r.score.themes[t.id].score for t in framework.themes], rel=1e-15)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    scored_row = next(row[0].row for row in ws.iter_rows(min_row=2) if row[1].value == "scored")
    assert ws[f"E{scored_row}"].number_format.startswith('"£"') and ws[f"G{scored_row}"].number_format == "0.00"


def test_findings_sheet_lists_every_finding(summary) -> None:
    path, results = summary
    ws = load_workbook(path)["Findings"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    expected = [(r.file, f.severity, f.type, f.sheet or None, f.cell or None, f.message) for r in results for f in r.ret.findings]
    assert rows == expected
    assert ("broken.xlsx", "error", "not-xlsx") in [row[:3] for row in rows]


def test_text_from_returns_never_becomes_a_formula(summary) -> None:
    path, _ = summary
    ws = load_workbook(path)["Summary"]
    organisations = {row[2].value: row[2] for row in ws.iter_rows(min_row=2)}
    for text in INJECTIONS:
        assert organisations[text].data_type == "s" and organisations[text].quotePrefix


@pytest.mark.libreoffice
def test_libreoffice_shows_the_texts_literally(summary, tmp_path: Path) -> None:
    path, _ = summary
    [recalculated] = convert([path], "xlsx", tmp_path / "lo")
    ws = load_workbook(recalculated, data_only=True)["Summary"]
    organisations = {row[2] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(INJECTIONS) <= organisations
    formulas = load_workbook(recalculated)["Summary"]
    assert not any(c.data_type == "f" for row in formulas.iter_rows() for c in row)
