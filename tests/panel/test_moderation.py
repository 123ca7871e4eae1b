"""The moderation workbook: marks side by side, flags, kept consensus, the audit log, and the consensus as quality marks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from panel_builders import GOOD, fill_scores, moderation_cells, type_consensus

from svexcel.cli.main import main
from svexcel.core.paths import SAMPLES
from svexcel.framework.model import Framework, load_framework
from svexcel.framework.sheets import write_framework_workbook
from svexcel.panel.layout import AUDIT, META, MODERATION, MODERATION_HEADER_ROW, WIDE
from svexcel.panel.make_panel import make_panel
from svexcel.panel.marks import read_quality
from svexcel.panel.moderate import ModerationError, moderate
from svexcel.panel.moderation import Moderation, ModerationRow, read_moderation, write_moderation_workbook
from svexcel.tender.quality_workbook import write_quality_workbook
from svexcel.tender.return_reader import read_return
from svexcel.tender.scoring import assess, compete

FILES = sorted(p.name for p in SAMPLES.glob("*.xlsx"))
RUN = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone.utc)
LATER = dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.timezone.utc)
KEY = ("riverside-care-coop.xlsx", "EQ")


@pytest.fixture
def panel(tmp_path: Path, framework: Framework) -> Path:
    """A and B have scored every row (A 50, B 75 throughout); C's file has not come back yet."""
    make_panel(SAMPLES, framework, ["A", "B", "C"], tmp_path / "panel")
    fill_scores(tmp_path / "panel" / "A.xlsx", {KEY: (25, "Profit sharing is promised but the response gives no figures, dates or who is eligible to join.")}, default=(50, GOOD))
    fill_scores(tmp_path / "panel" / "B.xlsx", {KEY: (75, GOOD)}, default=(50, GOOD))
    (tmp_path / "late").mkdir()
    (tmp_path / "panel" / "C.xlsx").rename(tmp_path / "late" / "C.xlsx")
    return tmp_path / "panel"


def test_layout_mean_spread_and_flag(panel: Path, framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "moderation.xlsx"
    result = moderate(panel, framework, out, now=RUN)
    assert result.evaluators == ["A", "B"] and result.findings == []
    wb = load_workbook(out)
    ws = wb[MODERATION]
    assert [c.value for c in ws[MODERATION_HEADER_ROW]] == [
        "File", "Organisation", "Theme ID", "Theme", "A score", "A rationale", "B score", "B rationale",
        "Mean", "Spread", "Flag", "Consensus", "Consensus rationale"]
    cells = moderation_cells(out)
    assert len(cells) == len(FILES) * len(framework.themes)
    assert cells[KEY] | {"A rationale": None, "B rationale": None} == {
        "File": KEY[0], "Organisation": "Riverside Care Co-operative", "Theme ID": "EQ", "Theme": framework.theme_by_id["EQ"].name,
        "A score": 25, "A rationale": None, "B score": 75, "B rationale": None, "Mean": 50, "Spread": 50, "Flag": WIDE,
        "Consensus": None, "Consensus rationale": None}
    assert cells[("swift-logistics.xlsx", "WB")]["Flag"] is None and cells[("swift-logistics.xlsx", "WB")]["Spread"] == 0
    row = next(r for r in ws.iter_rows(min_row=MODERATION_HEADER_ROW + 1) if r[0].value == KEY[0] and r[2].value == "EQ")
    assert ws.protection.sheet and all(c.protection.locked for c in row[:11]) and not any(c.protection.locked for c in row[11:])
    assert wb[META].sheet_state == "hidden" and [r[0].value for r in wb[AUDIT].iter_rows()][:2] == ["When", "2026-11-28 10:00 UTC"]
    assert read_moderation(out, framework) == ({f: dict.fromkeys(framework.theme_by_id) for f in FILES},
                                               {f: dict.fromkeys(framework.theme_by_id, "") for f in FILES}, [])


def test_the_spread_threshold_comes_from_settings(panel: Path, framework: Framework, tmp_path: Path) -> None:
    assert framework.settings.moderation_spread == 25
    strict = dataclasses.replace(framework, settings=dataclasses.replace(framework.settings, moderation_spread=60))
    result = moderate(panel, load_framework(write_framework_workbook(strict, tmp_path / "fw.xlsx")), tmp_path / "m.xlsx", now=RUN)
    assert result.threshold == 60 and not any(r.flag(result.threshold) for r in result.rows)


def test_moderation_spread_defaults_to_25_when_absent(framework: Framework, tmp_path: Path) -> None:
    path = write_framework_workbook(framework, tmp_path / "fw.xlsx")
    wb = load_workbook(path)
    ws = wb["Settings"]
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == "moderation_spread")
    ws.delete_rows(row)
    wb.save(path)
    assert load_framework(path).settings.moderation_spread == 25
    ws = load_workbook(path)["Settings"]
    ws.append(["moderation_spread", -5])
    ws.parent.save(path)
    with pytest.raises(Exception, match="bad-setting"):
        load_framework(path)


def test_a_rerun_keeps_typed_consensus_and_logs_what_changed(panel: Path, framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "moderation.xlsx"
    moderate(panel, framework, out, now=RUN)
    type_consensus(out, {KEY: (50, "Shares surpluses by hours worked, but no figures: the panel agreed satisfactory after discussion."),
                         ("swift-logistics.xlsx", "WB"): (0, None)})
    (tmp_path / "late" / "C.xlsx").rename(panel / "C.xlsx")
    fill_scores(panel / "C.xlsx", {KEY: (100, GOOD)}, default=(50, GOOD))
    result = moderate(panel, framework, out, now=LATER, note="Agreed at the moderation meeting")
    assert result.evaluators == ["A", "B", "C"]
    cells = moderation_cells(out)
    assert cells[KEY]["Consensus"] == 50 and cells[KEY]["C score"] == 100 and cells[KEY]["Spread"] == 75
    assert cells[("swift-logistics.xlsx", "WB")]["Consensus"] == 0
    log = [tuple(r) for r in load_workbook(out)[AUDIT].iter_rows(min_row=2, values_only=True)]
    when = "2026-11-29 09:30 UTC"
    assert log[0][0] == "2026-11-28 10:00 UTC" and log[1][0] == when
    # the moderator's note goes with each consensus change; evaluators' late marks are logged as they are
    assert (when, f"{KEY[0]}, theme EQ: Consensus typed since the last run", None, "50", "Agreed at the moderation meeting") in log
    assert (when, f"{KEY[0]}, theme EQ: C score", None, "100", None) in log
    assert (when, f"{KEY[0]}, theme EQ: C rationale", None, GOOD, None) in log
    assert sum("C score" in r[1] for r in log) == len(FILES) * len(framework.themes)
    assert read_moderation(out, framework)[0][KEY[0]]["EQ"] == 50  # the rewritten workbook is intact
    moderate(panel, framework, out, now=LATER)  # nothing new: only the rerun is logged
    assert len(list(load_workbook(out)[AUDIT].iter_rows(min_row=2))) == len(log) + 1


def test_an_edited_moderation_workbook_is_detected_and_its_consensus_kept(panel: Path, framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "moderation.xlsx"
    moderate(panel, framework, out, now=RUN)
    wb = load_workbook(out)
    wb[MODERATION].cell(MODERATION_HEADER_ROW + 1, 5).value = 100  # someone unprotected the sheet and changed A's score
    wb[MODERATION].cell(MODERATION_HEADER_ROW + 1, 12).value = 75
    wb[MODERATION].cell(MODERATION_HEADER_ROW + 1, 13).value = GOOD
    wb.save(out)
    marks, _, findings = read_moderation(out, framework)
    # the edit is detected, and the consensus typed without a moderate run is not used
    assert [(f.sheet, f.type, f.severity) for f in findings] == [(META, "moderation-file-edited", "error"),
                                                                 (MODERATION, "consensus-not-moderated", "error")]
    assert read_quality(out, framework)[1] == findings
    result = moderate(panel, framework, out, now=LATER)
    assert [f.type for f in result.findings] == ["moderation-file-edited"]
    first = moderation_cells(out)[(FILES[0], framework.themes[0].id)]
    assert first["Consensus"] == 75 and first["A score"] == 50
    log = [r[1] for r in load_workbook(out)[AUDIT].iter_rows(min_row=2, values_only=True)]
    assert any("had been edited" in what for what in log)
    assert read_moderation(out, framework)[2] == []


def test_moderation_refuses_to_overwrite_what_it_cannot_read(panel: Path, framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "moderation.xlsx"
    out.write_bytes(b"typed by hand")
    with pytest.raises(ModerationError, match="cannot be read"):
        moderate(panel, framework, out)
    assert out.read_bytes() == b"typed by hand"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModerationError, match="No usable evaluator workbook"):
        moderate(empty, framework, tmp_path / "new.xlsx")


def test_consensus_findings(panel: Path, framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "moderation.xlsx"
    moderate(panel, framework, out, now=RUN)
    type_consensus(out, {KEY: (50, None), ("swift-logistics.xlsx", "EQ"): (75, "Good."), ("swift-logistics.xlsx", "PA"): ("fifty", "x"),
                         ("swift-logistics.xlsx", "CC"): (120, GOOD), ("swift-logistics.xlsx", "SH"): (25, GOOD)})
    recorded = moderate(panel, framework, out, now=LATER)  # the meeting's consensus is recorded, and checked as batch will
    assert sorted(f.type for f in recorded.findings) == ["bad-quality-score", "missing-rationale", "not-a-number", "thin-rationale"]
    marks, rationales, findings = read_moderation(out, framework)
    assert sorted(f.type for f in findings) == ["bad-quality-score", "missing-rationale", "not-a-number", "thin-rationale"]
    assert [(f.cell, f.type) for f in findings] == [(f.cell, f.type) for f in recorded.findings]
    assert all(f.sheet == MODERATION and f.cell for f in findings)
    assert marks["swift-logistics.xlsx"] == {"EQ": 75, "PA": None, "CC": None, "SH": 25, "WB": None}
    assert rationales["swift-logistics.xlsx"]["SH"] == GOOD and rationales[KEY[0]]["EQ"] == ""


def test_cli_moderate_exit_codes(panel: Path, tmp_path: Path) -> None:
    cli = CliRunner()
    out = tmp_path / "moderation.xlsx"
    result = cli.invoke(main, ["moderate", str(panel), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "evaluators A; B" in result.output and f"1 row(s) flagged '{WIDE}'" in result.output and "riverside-care-coop.xlsx EQ" in result.output
    (panel / "stray.xlsx").write_bytes(b"PK\x03\x04 broken")
    result = cli.invoke(main, ["moderate", str(panel), "-o", str(out)])
    assert result.exit_code == 1 and "stray.xlsx" in result.output
    assert cli.invoke(main, ["moderate", str(tmp_path / "late"), "-o", str(tmp_path / "x.txt")]).exit_code == 2


def test_panel_dir_may_hold_the_moderation_workbook(panel: Path, framework: Framework) -> None:
    moderate(panel, framework, panel / "moderation.xlsx", now=RUN)
    assert moderate(panel, framework, panel / "moderation.xlsx", now=LATER).findings == []


@pytest.fixture(scope="module")
def sample_reads(framework: Framework) -> list:
    return [read_return(SAMPLES / f, framework) for f in FILES]


marks_strategy = st.lists(st.lists(st.one_of(st.none(), st.sampled_from([0, 25, 50, 75, 100]), st.floats(0, 100)), min_size=5, max_size=5),
                          min_size=len(FILES), max_size=len(FILES))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=marks_strategy)
def test_a_consensus_mark_scores_exactly_as_a_quality_mark(table: list[list[float | None]], framework: Framework, sample_reads: list,
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("prop")
    themes = [t.id for t in framework.themes]
    marks = {f: dict(zip(themes, row, strict=True)) for f, row in zip(FILES, table, strict=True)}
    quality = write_quality_workbook(framework, folder / "quality.xlsx", marks, {})
    rows = [ModerationRow(f, t, consensus=m, consensus_rationale=GOOD if m is not None else "") for f, ms in marks.items() for t, m in ms.items()]
    moderation = write_moderation_workbook(Moderation(framework.name, framework.version, 25.0, [], rows), framework, folder / "moderation.xlsx")
    via_quality, quality_findings = read_quality(quality, framework)
    via_moderation, moderation_findings = read_quality(moderation, framework)
    on_scale = {q.score for q in framework.quality_scale}
    off = sum(m is not None and m not in on_scale for ms in marks.values() for m in ms.values())
    # one scale everywhere: a mark off the scale is refused alike from both files, and counts for nothing
    assert [f.type for f in quality_findings] == [f.type for f in moderation_findings] == ["off-scale"] * off
    assert via_moderation == via_quality
    assessments = [assess(framework, r.quantities, r.contract_value) for r in sample_reads]
    points = [[s.points for s in compete(framework, assessments, [m.get(r.file, {}) for r in sample_reads])] for m in (via_quality, via_moderation)]
    assert points[0] == points[1]
    assert ({f: [m is None for m in ms.values()] for f, ms in via_moderation.items()}
            == {f: [m is None or m not in on_scale for m in ms.values()] for f, ms in marks.items()})
    assert all(via_moderation[f][t] == m for f, ms in marks.items() for t, m in ms.items() if m in on_scale)


def test_batch_and_build_take_a_moderation_workbook(panel: Path, framework: Framework, tmp_path: Path, sample_quality: Path) -> None:
    out = tmp_path / "moderation.xlsx"
    moderate(panel, framework, out, now=RUN)
    marks, _ = read_quality(sample_quality, framework)
    type_consensus(out, {(f, t): (m, GOOD) for f, ms in marks.items() for t, m in ms.items() if m is not None})
    moderate(panel, framework, out, now=LATER)  # recorded: batch uses no consensus typed since the last run
    cli = CliRunner()
    for name, quality in (("q", sample_quality), ("m", out)):
        result = cli.invoke(main, ["batch", str(SAMPLES), "--quality", str(quality), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    points = [{r["file"]: r["points"] for r in json.loads((tmp_path / n / "results.json").read_text())["returns"]} for n in "qm"]
    assert points[0] == points[1]
    result = cli.invoke(main, ["build", "--returns", str(SAMPLES), "--quality", str(out), "-o", str(tmp_path / "live.xlsm")])
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "live.xlsm", keep_vba=True)["Quality"]
    live = {r[0]: r[2:] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert live["riverside-care-coop.xlsx"][:5] == tuple(marks["riverside-care-coop.xlsx"][t.id] for t in framework.themes)
