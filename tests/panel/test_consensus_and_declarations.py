"""Every consensus is moderated and every evaluator declared (SPEC §7 v3), through the real commands, as a tired officer
and a panel chair would meet them: a consensus edited after moderation (75 → 100), a consensus outside every evaluator's
mark without a reason, 60 and 75% typed as a consensus, an evaluator who never declared, and a declared conflict the
panel chair decides on."""

from __future__ import annotations

import json
import re
from pathlib import Path

from commands import svexcel
from openpyxl import load_workbook
from panel_builders import GOOD, agreed_panel, conflict, fill_scores, moderation_cells, type_consensus

from svexcel.framework.model import Framework
from svexcel.panel.declaration import DECLARATION, DECLARATIONS, DECLARATIONS_HEADER_ROW, EXCLUDED, FIRST_ROW
from svexcel.panel.layout import AUDIT, MODERATION, MODERATION_HEADER_ROW
from svexcel.panel.make_panel import make_panel

RIVERSIDE, HILLSIDE = "riverside-care-coop.xlsx", "hillside-community-trust.xlsx"
FINDING = re.compile(r"(\S+?)!(\S+?)!(\w+\d+): (.*) \[([a-z-]+)\]")
REASON = "The panel agreed the top mark after the clarification: the response names the budget, the dates and who delivers."


def findings(output: str) -> list[tuple[str, str, str, str]]:
    """(file, sheet, cell, type) of every finding a command printed."""
    return [(m[1], m[2], m[3], m[5]) for m in FINDING.finditer(output)]


def consensus_cell(path: Path, key: tuple[str, str]) -> str:
    """Where the Consensus of a (file, theme) row is."""
    ws = load_workbook(path)[MODERATION]
    header = {c.value: c.column_letter for c in ws[MODERATION_HEADER_ROW]}
    row = next(r[0].row for r in ws.iter_rows(min_row=MODERATION_HEADER_ROW + 1) if (r[0].value, r[2].value) == key)
    return f"{header['Consensus']}{row}"


def audit(path: Path) -> list[tuple[object, ...]]:
    """The Audit log's entries."""
    return [tuple(r) for r in load_workbook(path)[AUDIT].iter_rows(min_row=2, values_only=True)]


def batch(samples_dir: Path, quality: Path, tmp_path: Path, *extra: str):  # type: ignore[no-untyped-def]
    return svexcel(["batch", str(samples_dir), "--quality", str(quality), "--out", str(tmp_path / "out"), *extra], tmp_path)


def moderate(tmp_path: Path, moderation: Path, *extra: str):  # type: ignore[no-untyped-def]
    return svexcel(["moderate", str(tmp_path / "panel"), "-o", str(moderation), *extra], tmp_path)


def test_a_consensus_edited_after_moderation_is_not_used_until_moderate_records_it(
        tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    moderation = agreed_panel(tmp_path, framework, samples_dir, mark=75)
    assert batch(samples_dir, moderation, tmp_path).returncode == 0
    type_consensus(moderation, {(RIVERSIDE, "EQ"): (100, REASON)})  # typed straight into the workbook, after the meeting
    refused = batch(samples_dir, moderation, tmp_path)
    cell = consensus_cell(moderation, (RIVERSIDE, "EQ"))
    assert refused.returncode == 2 and findings(refused.stderr) == [("moderation.xlsx", MODERATION, cell, "consensus-not-moderated")]
    assert "changed since the last moderate run (Consensus 75 → 100 and the Consensus rationale)" in refused.stderr
    note = "Raised to 100 after Riverside's clarification of 12 March"
    recorded = moderate(tmp_path, moderation, "--note", note)
    assert recorded.returncode == 0, recorded.stderr
    [entry] = [e for e in audit(moderation) if e[1] == f"{RIVERSIDE}, theme EQ: Consensus typed since the last run"][-1:]
    assert entry[2:] == ("75", "100", note) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", str(entry[0]))
    scored = batch(samples_dir, moderation, tmp_path)
    assert scored.returncode == 0, scored.stderr
    themes = {r["file"]: r["themes"] for r in json.loads((tmp_path / "out" / "results.json").read_text())["returns"]}
    assert themes[RIVERSIDE]["EQ"]["quality"] == 1.0 and themes[HILLSIDE]["EQ"]["quality"] == 0.75


def test_a_consensus_outside_every_evaluators_mark_needs_its_reason(tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    moderation = agreed_panel(tmp_path, framework, samples_dir, mark=25)  # both evaluators gave 25 throughout
    type_consensus(moderation, {(RIVERSIDE, "EQ"): (100, None)})
    recorded = moderate(tmp_path, moderation)
    cell = consensus_cell(moderation, (RIVERSIDE, "EQ"))
    assert recorded.returncode == 1
    assert findings(recorded.stderr) == [("moderation.xlsx", MODERATION, cell, "consensus-outside-range")]
    assert "is 100, outside every evaluator's mark (25 to 25), with no Consensus rationale" in recorded.stderr
    refused = batch(samples_dir, moderation, tmp_path)
    assert refused.returncode == 2 and findings(refused.stderr) == [("moderation.xlsx", MODERATION, cell, "consensus-outside-range")]
    type_consensus(moderation, {(RIVERSIDE, "EQ"): (100, REASON)})
    assert moderate(tmp_path, moderation, "--note", "Reason recorded").returncode == 0
    assert batch(samples_dir, moderation, tmp_path).returncode == 0


def test_a_consensus_off_the_scale_or_as_a_percentage(tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    moderation = agreed_panel(tmp_path, framework, samples_dir)
    wb = load_workbook(moderation)
    ws = wb[MODERATION]
    ws["L5"] = 60
    ws["L6"] = 0.75
    ws["L6"].number_format = "0%"  # 75% pasted over the consensus
    wb.save(moderation)
    recorded = moderate(tmp_path, moderation)
    expected = [("moderation.xlsx", MODERATION, "L5", "off-scale"), ("moderation.xlsx", MODERATION, "L6", "stored-as-percent")]
    assert recorded.returncode == 1 and sorted(findings(recorded.stderr)) == expected
    assert load_workbook(moderation)[MODERATION]["L6"].number_format == "0%"  # kept as typed, so it is refused as such
    refused = batch(samples_dir, moderation, tmp_path)
    assert refused.returncode == 2 and sorted(findings(refused.stderr)) == expected


def test_an_evaluator_who_has_not_declared_is_not_used(tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    make_panel(samples_dir, framework, ["A", "B", "C"], tmp_path / "panel")
    fill_scores(tmp_path / "panel" / "A.xlsx", {}, default=(50, GOOD))
    fill_scores(tmp_path / "panel" / "B.xlsx", {}, default=(100, GOOD), declared=None)  # scored, never declared
    fill_scores(tmp_path / "panel" / "C.xlsx", {}, default=(50, GOOD), declared=conflict(""))  # a conflict, no details
    moderation = tmp_path / "moderation.xlsx"
    run = moderate(tmp_path, moderation)
    assert run.returncode == 1
    assert findings(run.stderr) == [("B.xlsx", DECLARATION, f"B{FIRST_ROW}", "no-declaration"),
                                    ("C.xlsx", DECLARATION, f"B{FIRST_ROW + 1}", "no-declaration")]
    assert "lacks details of the conflict, so their marks are not used" in run.stderr
    assert "evaluators A;" in run.stdout and "Declared: B (unsigned, undated): (none). Marks not used" in run.stdout
    cells = moderation_cells(moderation)
    assert "B score" not in cells[(RIVERSIDE, "EQ")] and cells[(RIVERSIDE, "EQ")]["A score"] == 50
    listed = {r[0]: r[6] for r in load_workbook(moderation)[DECLARATIONS].iter_rows(min_row=DECLARATIONS_HEADER_ROW + 1, values_only=True)}
    assert listed == {"A": "Yes", "B": "No: the declaration is not complete", "C": "No: the declaration is not complete"}


def test_the_panel_chair_excludes_a_conflicted_evaluators_marks_and_the_record_keeps_it(
        tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    make_panel(samples_dir, framework, ["A", "B"], tmp_path / "panel")
    fill_scores(tmp_path / "panel" / "A.xlsx", {}, default=(50, GOOD))
    fill_scores(tmp_path / "panel" / "B.xlsx", {}, default=(75, GOOD), declared=conflict("My sister chairs Hillside Community Trust."))
    moderation = tmp_path / "moderation.xlsx"
    first = moderate(tmp_path, moderation)
    assert first.returncode == 0 and findings(first.stderr) == [("B.xlsx", DECLARATION, f"B{FIRST_ROW + 1}", "conflict-declared")]
    assert "Declared: B (A. Evaluator, 2026-03-01): Conflict of interest declared: My sister chairs Hillside Community Trust." in first.stdout
    wb = load_workbook(moderation)
    chair = wb[DECLARATIONS]
    row = next(r for r in range(DECLARATIONS_HEADER_ROW + 1, chair.max_row + 1) if chair.cell(r, 1).value == "B")
    chair.cell(row, 8).value = f"{HILLSIDE}; nobody.xlsx"
    chair.cell(row, 9).value = "Excluded from Hillside's marks; B took no part in its consensus."
    wb.save(moderation)
    not_yet = batch(samples_dir, moderation, tmp_path)  # the decision is typed, but not applied or logged yet
    assert not_yet.returncode == 2 and findings(not_yet.stderr) == [("moderation.xlsx", DECLARATIONS, f"H{row}", "consensus-not-moderated")]
    applied = moderate(tmp_path, moderation)
    assert applied.returncode == 1 and findings(applied.stderr) == [("moderation.xlsx", DECLARATIONS, f"H{row}", "unknown-return")]
    assert "'nobody.xlsx', which is not one of the panel's returns" in applied.stderr
    cells = moderation_cells(moderation)
    assert all(cells[(HILLSIDE, t.id)]["B score"] is None and cells[(HILLSIDE, t.id)]["B rationale"] == EXCLUDED for t in framework.themes)
    assert cells[(HILLSIDE, "EQ")]["Mean"] == 50 and cells[(RIVERSIDE, "EQ")]["B score"] == 75
    [decision] = [e for e in audit(moderation) if "panel chair's decision on B's" in e[1]]
    assert decision[3] == f"{HILLSIDE}; nobody.xlsx" and decision[4] == "Excluded from Hillside's marks; B took no part in its consensus."
    type_consensus(moderation, {(r, t.id): (50, GOOD) for r in (RIVERSIDE, HILLSIDE) for t in framework.themes})
    moderate(tmp_path, moderation, "--note", "Agreed")
    kept = batch(samples_dir, moderation, tmp_path, "--record", str(tmp_path / "record"))
    assert kept.returncode == 0, kept.stderr
    declared = json.loads((tmp_path / "record" / "manifest.json").read_text())["declarations"]
    assert [(d["Evaluator"], d["Declaration"], d["Details of the conflict"], d["Marks excluded for"]) for d in declared] == [
        ("A", "No conflict of interest", "", ""), ("B", "Conflict of interest declared", "My sister chairs Hillside Community Trust.",
                                                    f"{HILLSIDE}; nobody.xlsx")]
