"""svexcel batch: every input accounted for, results.json to SPEC §4, isolation of failures, determinism."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner
from docx import Document
from terminal import run_on_a_terminal

from svexcel.cli.main import main
from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.batch import run_batch
from svexcel.tender.return_reader import read_return
from svexcel.tender.scoring import assess, compete

DATE = dt.date(2026, 11, 28)
MEASURE_KEYS = {"quantity", "value", "attainment"}
THEME_KEYS = {"sv", "attainment", "quality", "score"}
SCORED_KEYS = {"file", "status", "organisation", "contract_value", "measures", "themes", "sv", "sv_ratio", "points", "rank", "findings"}


def batch(returns: Path, out: Path, framework: Framework, quality: Path | None = None, **kwargs):
    """Run a batch the way the CLI does."""
    marks = read_quality(quality, framework)[0] if quality else None
    return run_batch(returns, out, framework=framework, quality=marks, quality_name=quality.name if quality else None, date=DATE, **kwargs)


def load(out: Path) -> dict:
    return json.loads((out / "results.json").read_text())


def test_samples_score_and_every_output_is_written(tmp_path: Path, framework: Framework, samples_dir: Path, sample_quality: Path) -> None:
    result = batch(samples_dir, tmp_path / "out", framework, sample_quality)
    assert result.exit_code == 0 and result.tally() == "6 returns: 6 scored, 0 rejected, 0 reports failed"
    out = tmp_path / "out"
    for name in ("results.json", "summary.xlsx", "comparison.docx"):
        assert (out / name).stat().st_size > 0
    assert sorted(p.name for p in (out / "reports").iterdir()) == sorted(f"{p.stem}.docx" for p in samples_dir.glob("*.xlsx"))
    assert not list(out.rglob("*.part"))


def test_results_json_follows_spec_and_equals_the_engine(tmp_path: Path, framework: Framework, samples_dir: Path, sample_quality: Path) -> None:
    batch(samples_dir, tmp_path / "out", framework, sample_quality)
    document = load(tmp_path / "out")
    assert document["framework"] == {"name": framework.name, "version": framework.version}
    # independent run of the engine on the same inputs
    marks, _ = read_quality(sample_quality, framework)
    reads = [read_return(p, framework) for p in sorted(samples_dir.glob("*.xlsx"))]
    scores = compete(framework, [assess(framework, r.quantities, r.contract_value) for r in reads], [marks.get(r.file, {}) for r in reads])
    assert [r["file"] for r in document["returns"]] == [r.file for r in reads]
    for record, ret, score in zip(document["returns"], reads, scores, strict=False):
        assert SCORED_KEYS <= set(record) and record["status"] == "scored"
        assert record["points"] == score.points and record["rank"] == score.rank  # full precision, exactly
        assert record["sv"] == score.assessment.total_sv and record["sv_ratio"] == score.assessment.sv_ratio
        assert record["organisation"] == ret.organisation and record["contract_value"] == ret.contract_value
        assert set(record["measures"]) == {m.id for m in framework.measures}
        for mid, m in record["measures"].items():
            assert MEASURE_KEYS <= set(m)
            assert (m["quantity"], m["value"], m["attainment"]) == (ret.quantities[mid], score.assessment.measures[mid].value, score.assessment.measures[mid].attainment)
        for tid, t in record["themes"].items():
            assert THEME_KEYS <= set(t) and t["score"] == score.themes[tid].score and t["quality"] == score.themes[tid].quality
        for f in record["findings"]:
            assert {"sheet", "cell", "type", "severity", "message"} <= set(f)
    swift = next(r for r in document["returns"] if r["file"] == "swift-logistics.xlsx")
    assert swift["sv"] < 0  # harms outweigh benefits
    digital = next(r for r in document["returns"] if r["file"] == "city-digital-partners.xlsx")
    assert digital["sv_ratio"] is None and any(f["type"] == "no-contract-value" for f in digital["findings"])


def test_every_input_is_accounted_for(tmp_path: Path, framework: Framework, samples_dir: Path, blank_return: Path) -> None:
    (samples_dir / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    shutil.copy(samples_dir / "openfields-cic.xlsx", samples_dir / "openfields-cic.xlsm")
    make_return(blank_return, samples_dir / "typo.xlsx", framework, quantities={"EQ1.1": "about 10"})
    (samples_dir / "~$riverside-care-coop.xlsx").write_bytes(b"lock")  # Excel's lock file, not a return
    (samples_dir / "notes.txt").write_text("not a return")
    result = batch(samples_dir, tmp_path / "out", framework)
    records = {r["file"]: r for r in load(tmp_path / "out")["returns"]}
    assert len(records) == 10 and "~$riverside-care-coop.xlsx" not in records
    assert records["broken.xlsx"]["status"] == "rejected" and records["typo.xlsx"]["status"] == "rejected"
    assert [f["cell"] for f in records["typo.xlsx"]["findings"] if f["severity"] == "error"] == ["F6"]
    assert records["notes.txt"]["status"] == "rejected" and records["notes.txt"]["findings"][0]["type"] == "not-a-return"
    assert result.exit_code == 1 and result.tally() == "10 returns: 7 scored, 3 rejected, 0 reports failed"
    assert result.notes == ["skipped 1 Excel lock or hidden file(s): ~$riverside-care-coop.xlsx"]
    reports = {p.name for p in (tmp_path / "out" / "reports").iterdir()}
    assert {"openfields-cic-xlsx.docx", "openfields-cic-xlsm.docx"} <= reports and "typo.docx" not in reports


def test_rejected_returns_do_not_move_anyone_elses_score(tmp_path: Path, framework: Framework, samples_dir: Path, blank_return: Path) -> None:
    batch(samples_dir, tmp_path / "before", framework)
    # a tampered return with huge quantities would win every theme if it were scored
    make_return(blank_return, samples_dir / "tampered.xlsx", framework, quantities={m.id: 1e9 for m in framework.measures if m.kind != "binary"},
                edit=lambda wb: wb["_svexcel"].cell(2, 2, "1999.1"))
    batch(samples_dir, tmp_path / "after", framework)
    before = {r["file"]: r for r in load(tmp_path / "before")["returns"]}
    after = {r["file"]: r for r in load(tmp_path / "after")["returns"]}
    assert after["tampered.xlsx"]["status"] == "rejected"
    for file, record in before.items():
        assert (after[file]["points"], after[file]["rank"], after[file]["themes"]) == (record["points"], record["rank"], record["themes"])


def test_two_jobs_give_identical_output(tmp_path: Path, framework: Framework, samples_dir: Path, sample_quality: Path) -> None:
    batch(samples_dir, tmp_path / "one", framework, sample_quality, jobs=1)
    batch(samples_dir, tmp_path / "two", framework, sample_quality, jobs=2)
    assert (tmp_path / "one" / "results.json").read_bytes() == (tmp_path / "two" / "results.json").read_bytes()
    for report in (tmp_path / "one" / "reports").iterdir():
        assert report.read_bytes() == (tmp_path / "two" / "reports" / report.name).read_bytes(), report.name
    assert (tmp_path / "one" / "comparison.docx").read_bytes() == (tmp_path / "two" / "comparison.docx").read_bytes()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_report_that_fails_leaves_the_others_complete(tmp_path: Path, framework: Framework, samples_dir: Path, jobs: int) -> None:
    template = tmp_path / "fails-for-one.docx"  # passes the check with sample data, fails for one real return
    document = Document()
    document.add_paragraph("{{ organisation }}{% if organisation == 'Greenway Facilities Ltd' %}{{ 1 // 0 }}{% endif %}")
    document.save(str(template))
    out = tmp_path / "out"
    result = batch(samples_dir, out, framework, jobs=jobs, evaluation_template=template)
    records = {r["file"]: r for r in load(out)["returns"]}
    failed = records["greenway-facilities.xlsx"]
    assert failed["status"] == "scored" and failed["report"] is None and "ZeroDivisionError" in failed["report_error"]
    assert [f["type"] for f in failed["findings"] if f["severity"] == "error"] == ["internal-error"]
    assert "bug in svexcel" in failed["findings"][-1]["message"]
    log = (out / "svexcel.log").read_text()
    assert "Internal error for greenway-facilities.xlsx" in log and "ZeroDivisionError" in log and "Traceback" in log
    assert result.exit_code == 1 and result.tally() == "6 returns: 6 scored, 0 rejected, 1 report failed"
    for file, record in records.items():
        if file != "greenway-facilities.xlsx":
            assert record["report"] == f"reports/{Path(file).stem}.docx"
            assert Document(str(out / record["report"])).paragraphs  # a complete, openable report
    assert not list(out.rglob("*.part"))


def test_old_report_of_a_now_rejected_return_is_removed(tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    out = tmp_path / "out"
    batch(samples_dir, out, framework)
    assert (out / "reports" / "hillside-community-trust.docx").exists()
    (samples_dir / "hillside-community-trust.xlsx").write_bytes(b"")  # resent, broken
    batch(samples_dir, out, framework)
    assert not (out / "reports" / "hillside-community-trust.docx").exists()


def test_cli_batch_is_quiet_off_a_terminal_and_prints_a_tally(tmp_path: Path, samples_dir: Path, sample_quality: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--quality", str(sample_quality), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "6 returns: 6 scored, 0 rejected, 0 reports failed" in result.output
    assert "Reading returns" not in result.output and "%|" not in result.output


def test_out_folder_must_not_be_the_returns_folder(samples_dir: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(samples_dir)])
    assert result.exit_code == 2 and "other than the returns folder" in result.output
    assert not (samples_dir / "results.json").exists()


def test_quality_workbook_errors_stop_before_the_batch(tmp_path: Path, samples_dir: Path, sample_quality: Path) -> None:
    from openpyxl import load_workbook

    bad = tmp_path / "quality.xlsx"
    wb = load_workbook(sample_quality)
    wb["Quality"]["C2"] = 400
    wb.save(bad)
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--quality", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "quality.xlsx!Quality!C2" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_demo_runs_the_whole_job(tmp_path: Path, jobs: int) -> None:
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo"), "--jobs", str(jobs)])
    assert result.exit_code == 0, result.output
    assert "6 returns: 6 scored" in result.output and "Where everything is:" in result.output
    assert "1. Hillside Community Trust" in result.output  # the ranking, best first
    assert len(list((tmp_path / "demo" / "reports").glob("*.docx"))) == 6
    assert "Assessment summaries: 5 written, 1 not written" in result.output  # City Digital's PA has no consensus
    assert len(list((tmp_path / "demo" / "assessment-summaries").glob("*.docx"))) == 5
    assert (tmp_path / "demo" / "live.xlsm").stat().st_size > 0 and str(tmp_path / "demo" / "live.xlsm") in result.output
    assert (tmp_path / "demo" / "monitor.xlsm").stat().st_size > 0 and str(tmp_path / "demo" / "monitor.xlsm") in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_cli_batch_shows_a_progress_bar_on_a_terminal(tmp_path: Path, samples_dir: Path) -> None:
    process, terminal = run_on_a_terminal("batch", str(samples_dir), "--out", str(tmp_path / "out"))
    assert process.returncode == 0 and b"6 returns: 6 scored" in process.stdout
    assert b"Reading returns:" in terminal and b"Writing reports:" in terminal and b"/6 [" in terminal


def test_a_custom_template_with_unknown_variables_stops_before_anything_is_written(tmp_path: Path, samples_dir: Path) -> None:
    template = tmp_path / "our-report.docx"
    document = Document()
    document.add_paragraph("{{ organisation }} scored {{ pionts }} — {{ unknown_thing }}")
    document.save(str(template))
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 2
    assert "our-report.docx" in result.output and "pionts" in result.output and "unknown_thing" in result.output
    assert not (tmp_path / "out").exists()
