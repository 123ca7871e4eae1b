"""The shipped panel samples and the demo's panel steps: three evaluators, one wide disagreement, one thin rationale, a consensus."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from svexcel.cli.main import main
from svexcel.core.paths import SAMPLE_MODERATION, SAMPLE_PANEL, SAMPLES
from svexcel.framework.model import Framework
from svexcel.panel.declaration import EXCLUDED
from svexcel.panel.evaluator import read_evaluator_workbook
from svexcel.panel.layout import AUDIT
from svexcel.panel.marks import read_quality
from svexcel.panel.moderate import gather
from svexcel.panel.moderation import open_moderation, read_moderation

HILLSIDE = "hillside-community-trust.xlsx"


def test_three_evaluators_one_wide_disagreement_one_thin_rationale(framework: Framework) -> None:
    reads = [read_evaluator_workbook(p, framework) for p in sorted(SAMPLE_PANEL.glob("*.xlsx"))]
    assert [r.evaluator for r in reads] == ["A. Jones", "B. Smith", "C. Patel"] and not any(r.rejected for r in reads)
    assert all(r.returns == sorted(p.name for p in SAMPLES.glob("*.xlsx")) for r in reads)
    assert [(r.evaluator, r.declaration.conflict) for r in reads if r.declared and r.declaration] == [
        ("A. Jones", False), ("B. Smith", True), ("C. Patel", False)]
    undecided = gather(reads, framework)  # before the panel chair decides on B. Smith's conflict
    assert [(f.file, f.type) for f in undecided.findings] == [("B. Smith.xlsx", "conflict-declared"), ("C. Patel.xlsx", "thin-rationale")]
    moderation = gather(reads, framework, open_moderation(SAMPLE_MODERATION, framework).decisions)
    assert [(f.file, f.type) for f in moderation.findings] == [("C. Patel.xlsx", "thin-rationale")]
    wide = [(r.file, r.theme_id, r.spread) for r in moderation.rows if r.flag(moderation.threshold)]
    assert wide == [("greenway-facilities.xlsx", "EQ", 50)]
    excluded = {(r.file, e) for r in moderation.rows for e in moderation.evaluators if r.scores[e] is None}
    assert excluded == {(HILLSIDE, "B. Smith")} and {r.rationales["B. Smith"] for r in moderation.rows if r.file == HILLSIDE} == {EXCLUDED}
    assert all(len(r.rationales[e].split()) >= 5 for r in moderation.rows for e in moderation.evaluators)


def test_the_sample_consensus_is_the_officers_marks_with_reasons(framework: Framework, sample_quality: Path) -> None:
    marks, rationales, findings = read_moderation(SAMPLE_MODERATION, framework)
    assert findings == [] and marks == read_quality(sample_quality, framework)[0]
    assert all(rationales[f][t].startswith(f"Agreed {m:g} ") for f, ms in marks.items() for t, m in ms.items() if m is not None)
    assert "read the wage commitment differently" in rationales["greenway-facilities.xlsx"]["EQ"]
    log = list(load_workbook(SAMPLE_MODERATION)[AUDIT].iter_rows(min_row=2, values_only=True))
    assert sum("Consensus typed since the last run" in what for _, what, *_ in log) == 29
    typed = [entry for entry in log if "Consensus typed" in entry[1]]
    assert {entry[4] for entry in typed} == {"Consensus agreed at the moderation meeting of 9 March 2026 (panel chair: D. Evans)."}
    [chair] = [entry for entry in log if "panel chair's decision" in entry[1]]
    assert chair[1].endswith(f"marks excluded for {HILLSIDE}") and chair[3] == HILLSIDE and "trustee" in chair[4]


def test_demo_shows_the_panel_steps_and_scores_the_consensus(tmp_path: Path, sample_quality: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 blank evaluator workbooks" in result.output and sorted(p.name for p in (out / "panel").iterdir()) == [
        "A. Jones.xlsx", "B. Smith.xlsx", "C. Patel.xlsx"]
    assert "Wide spread: greenway-facilities.xlsx EQ (A. Jones 25, B. Smith 50, C. Patel 75); the panel agreed 50" in result.output
    assert "[thin-rationale]" in result.output and "29 of 30 consensus marks agreed" in result.output
    batch = CliRunner().invoke(main, ["batch", str(SAMPLES), "--quality", str(sample_quality), "--out", str(tmp_path / "officers")])
    assert batch.exit_code == 0
    points = [{r["file"]: r["points"] for r in json.loads((folder / "results.json").read_text())["returns"]} for folder in (out, tmp_path / "officers")]
    assert points[0] == points[1]  # the consensus equals the officers' marks: the same points
    again = CliRunner().invoke(main, ["demo", "--out", str(out)])  # a second run into the same folder
    assert again.exit_code == 0, again.output
