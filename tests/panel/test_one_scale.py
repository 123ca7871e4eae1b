"""One scale everywhere (SPEC §7 v3): a mark not on the QualityScale is ``off-scale`` and a mark stored as a percentage
(0.75 in a cell formatted %) is ``stored-as-percent``, both errors of the same type on every surface that takes marks:
an evaluator's Score, a moderation Consensus, a Quality workbook and the live workbook's Quality sheet as the engine
reads it. Each is tried through the real commands, as a tired officer would: 60 typed, 75% pasted."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from commands import svexcel
from openpyxl import load_workbook
from panel_builders import GOOD, fill_scores

from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework
from svexcel.panel.layout import MODERATION, MODERATION_HEADER_ROW, SCORES
from svexcel.panel.make_panel import make_panel

RIVERSIDE, HILLSIDE = "riverside-care-coop.xlsx", "hillside-community-trust.xlsx"
FINDING = re.compile(r"(\S+)!(\S+)!(\w+\d+): .*\[([a-z-]+)\]")


def located(output: str) -> list[tuple[str, str, str, str]]:
    """(file, sheet, cell, type) of every finding a command printed, in order."""
    return sorted(m.groups() for m in FINDING.finditer(output))  # type: ignore[misc]


def as_percent(cell: object) -> None:
    """Format a cell as Excel does when 75% is typed or pasted into it."""
    cell.number_format = "0%"  # type: ignore[attr-defined]


def test_an_evaluator_score_off_the_scale_or_as_a_percentage(tmp_path: Path, framework: Framework) -> None:
    make_panel(SAMPLES, framework, ["A", "B"], tmp_path / "panel")

    def paste(wb) -> None:
        ws = wb[SCORES]
        for row in ws.iter_rows(min_row=5):
            if (row[0].value, row[2].value) == (HILLSIDE, "PA"):
                row[5].value = 0.75
                as_percent(row[5])

    fill_scores(tmp_path / "panel" / "A.xlsx", {(RIVERSIDE, "EQ"): (60, GOOD)}, default=(50, GOOD), edit=paste)
    fill_scores(tmp_path / "panel" / "B.xlsx", {}, default=(50, GOOD))
    run = svexcel(["moderate", str(tmp_path / "panel"), "-o", str(tmp_path / "moderation.xlsx")], tmp_path)
    assert run.returncode == 1, run.stderr
    assert sorted((f, s, t) for f, s, _, t in located(run.stderr)) == [("A.xlsx", SCORES, "off-scale"), ("A.xlsx", SCORES, "stored-as-percent")]
    assert "is 60, which is not on the quality scale (0, 25, 50, 75, 100)" in run.stderr
    assert "holds 0.75 (shown as 75%), not a mark out of 100" in run.stderr and "e.g. 75" in run.stderr
    assert "evaluators A; B" in run.stdout  # the file is used, those two marks are not


def test_moderate_counts_only_the_consensus_marks_scoring_will_use(tmp_path: Path, framework: Framework) -> None:
    make_panel(SAMPLES, framework, ["A", "B"], tmp_path / "panel")
    for name in ("A", "B"):
        fill_scores(tmp_path / "panel" / f"{name}.xlsx", {}, default=(50, GOOD))
    moderation = tmp_path / "moderation.xlsx"
    assert svexcel(["moderate", str(tmp_path / "panel"), "-o", str(moderation)], tmp_path).returncode == 0
    wb = load_workbook(moderation)
    ws = wb[MODERATION]
    header = [c.value for c in ws[MODERATION_HEADER_ROW]]
    consensus, reason = header.index("Consensus") + 1, header.index("Consensus rationale") + 1
    for row, mark in zip(range(MODERATION_HEADER_ROW + 1, MODERATION_HEADER_ROW + 4), (50, 60, 0.75), strict=True):
        ws.cell(row, consensus).value = mark
        ws.cell(row, reason).value = "The panel agreed that the response shows a clear plan with named partners and dates."
    as_percent(ws.cell(MODERATION_HEADER_ROW + 3, consensus))
    wb.save(moderation)
    run = svexcel(["moderate", str(tmp_path / "panel"), "-o", str(moderation)], tmp_path)
    assert run.returncode == 1, run.stderr
    assert [t for *_, t in located(run.stderr)] == ["off-scale", "stored-as-percent"]
    assert "1 of 30 consensus marks typed (2 more typed but refused: see above)." in run.stdout, run.stdout


def sample_rows() -> dict[str, int]:
    """The row of each return on the sample Quality sheet."""
    ws = load_workbook(SAMPLE_QUALITY)["Quality"]
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}


@pytest.fixture
def quality(tmp_path: Path) -> Path:
    """The sample Quality workbook with 60 typed for one mark and 75% pasted into another."""
    wb = load_workbook(SAMPLE_QUALITY)
    ws = wb["Quality"]
    rows = sample_rows()
    ws.cell(rows[RIVERSIDE], 3).value = 60
    ws.cell(rows[HILLSIDE], 4).value = 0.75
    as_percent(ws.cell(rows[HILLSIDE], 4))
    path = tmp_path / "quality.xlsx"
    wb.save(path)
    return path


def test_a_quality_workbook_mark_off_the_scale_or_as_a_percentage(tmp_path: Path, quality: Path) -> None:
    run = svexcel(["batch", str(SAMPLES), "--quality", str(quality), "--out", str(tmp_path / "out")], tmp_path)
    assert run.returncode == 2 and not (tmp_path / "out").exists()
    rows = sample_rows()
    assert located(run.stderr) == sorted([("quality.xlsx", "Quality", f"C{rows[RIVERSIDE]}", "off-scale"),
                                          ("quality.xlsx", "Quality", f"D{rows[HILLSIDE]}", "stored-as-percent")])
    run = svexcel(["build", "--returns", str(SAMPLES), "--quality", str(quality), "-o", str(tmp_path / "live.xlsm")], tmp_path)
    assert run.returncode == 2 and not (tmp_path / "live.xlsm").exists()
    assert sorted(t for *_, t in located(run.stderr)) == ["off-scale", "stored-as-percent"]


def test_the_live_workbook_quality_sheet_as_the_engine_reads_it(tmp_path: Path) -> None:
    live = tmp_path / "live.xlsm"
    assert svexcel(["build", "--returns", str(SAMPLES), "--quality", str(SAMPLE_QUALITY), "-o", str(live)], tmp_path).returncode == 0
    wb = load_workbook(live, keep_vba=True)
    ws = wb["Quality"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows[RIVERSIDE], 3).value = 60
    ws.cell(rows[HILLSIDE], 4).value = 0.75
    as_percent(ws.cell(rows[HILLSIDE], 4))
    edited = tmp_path / "edited.xlsm"
    wb.save(edited)
    run = svexcel(["batch", str(SAMPLES), "--quality", str(edited), "--out", str(tmp_path / "out")], tmp_path)
    assert run.returncode == 2
    assert located(run.stderr) == sorted([("edited.xlsm", "Quality", f"C{rows[RIVERSIDE]}", "off-scale"),
                                          ("edited.xlsm", "Quality", f"D{rows[HILLSIDE]}", "stored-as-percent")])
    shutil.copy(edited, tmp_path / "again.xlsm")
    run = svexcel(["build", "--returns", str(SAMPLES), "-q", str(tmp_path / "again.xlsm"), "-o", str(tmp_path / "again.xlsm"), "--force"], tmp_path)
    assert run.returncode == 2 and [t for *_, t in located(run.stderr)] == ["off-scale", "stored-as-percent"]
