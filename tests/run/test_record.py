"""The record of an evaluation: batch --record keeps every input and output with SHA-256 hashes; verify-record checks them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from panel_builders import GOOD, agreed_panel, fill_scores

from svexcel import __version__
from svexcel.cli.main import main
from svexcel.core.paths import DEFAULT_FRAMEWORK, SAMPLES
from svexcel.framework.model import Framework
from svexcel.panel.make_panel import make_panel
from svexcel.panel.moderate import moderate
from svexcel.run.outputs import MANIFEST
from svexcel.run.record import plan_record, verify_record, write_record


@pytest.fixture
def moderation(tmp_path: Path, framework: Framework) -> Path:
    """A moderation workbook made from two evaluators' filled workbooks, in its own folder beside them."""
    make_panel(SAMPLES, framework, ["A", "B"], tmp_path / "panel")
    for name in "AB":
        fill_scores(tmp_path / "panel" / f"{name}.xlsx", {}, default=(50, GOOD))
    (tmp_path / "meeting").mkdir()
    out = tmp_path / "meeting" / "moderation.xlsx"
    moderate(tmp_path / "panel", framework, out)
    return out


def test_batch_keeps_every_input_and_output_with_its_hash(tmp_path: Path, moderation: Path) -> None:
    record = tmp_path / "record"
    result = CliRunner().invoke(main, ["batch", str(SAMPLES), "--quality", str(moderation), "--out", str(tmp_path / "out"), "--record", str(record)])
    assert result.exit_code == 0, result.output
    assert f"svexcel verify-record {record}" in result.output
    manifest = json.loads((record / "manifest.json").read_text())
    listing = json.loads((record / "outputs-manifest.json").read_text())
    assert manifest["svexcel_version"] == __version__ and manifest["framework"]["version"] == "2026.1" and manifest["notes"] == []
    assert abs(dt.datetime.fromisoformat(manifest["run_date"]) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=10)
    inputs, outputs_listed = {e["path"] for e in manifest["files"]}, {e["path"] for e in listing["files"]}
    paths = inputs | outputs_listed
    outputs = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file() and p.name != MANIFEST}
    assert inputs == ({"framework/ccin-framework.xlsx", "quality/moderation.xlsx", "panel/A.xlsx", "panel/B.xlsx"}
                      | {f"returns/{p.name}" for p in SAMPLES.glob("*.xlsx")})
    assert outputs_listed == {f"outputs/{p}" for p in outputs}
    for entry in manifest["files"] + listing["files"]:
        assert hashlib.sha256((record / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    # the manifest anchors itself: its SHA-256 is printed, in results.json, in the outputs' listing
    digest = hashlib.sha256((record / "manifest.json").read_bytes()).hexdigest()
    assert f"Record manifest SHA-256: {digest}" in result.output and listing["manifest_sha256"] == digest
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["manifest_sha256"] == digest and results["quality"] == {"file": "moderation.xlsx", "evaluator_files": ["A.xlsx", "B.xlsx"]}
    assert [d["Evaluator"] for d in manifest["declarations"]] == ["A", "B"]  # the record keeps what each evaluator declared
    assert (record / "framework/ccin-framework.xlsx").read_bytes() == DEFAULT_FRAMEWORK.read_bytes()
    assert (record / "panel/A.xlsx").read_bytes() == (tmp_path / "panel" / "A.xlsx").read_bytes()
    ok = CliRunner().invoke(main, ["verify-record", str(record)])
    assert ok.exit_code == 0 and f"all {len(paths)} files match" in ok.output


def test_verify_record_lists_every_changed_missing_or_extra_file(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        (tmp_path / "in" / name).write_text(name)
    record = write_record(tmp_path / "record", plan_record({"returns": [tmp_path / "in"]}, framework={"name": "F", "version": "1"}))
    assert verify_record(record) == (3, [])
    (record / "returns" / "a.xlsx").write_text("edited")
    (record / "returns" / "b.xlsx").unlink()
    (record / "returns" / "d.xlsx").write_text("slipped in")
    result = CliRunner().invoke(main, ["verify-record", str(record)])
    assert result.exit_code == 1
    assert [line.split(" ", 1)[1] for line in result.output.splitlines() if line.startswith("MISMATCH")] == [
        "changed: returns/a.xlsx", "missing: returns/b.xlsx", "not-in-manifest: returns/d.xlsx"]
    (record / "manifest.json").write_text("{")
    assert CliRunner().invoke(main, ["verify-record", str(record)]).exit_code == 1


def test_a_record_is_never_mixed_or_left_half_written(tmp_path: Path) -> None:
    cli = CliRunner()
    used = tmp_path / "used"
    used.mkdir()
    (used / "old.txt").write_text("another record")
    result = cli.invoke(main, ["batch", str(SAMPLES), "--out", str(tmp_path / "out"), "--record", str(used)])
    assert result.exit_code == 2 and "not empty" in result.output and not (tmp_path / "out").exists()
    inside = cli.invoke(main, ["batch", str(SAMPLES), "--out", str(tmp_path / "out"), "--record", str(tmp_path / "out" / "record")])
    assert inside.exit_code == 2 and not (tmp_path / "out").exists()
    with pytest.raises(FileNotFoundError):
        write_record(tmp_path / "new", plan_record({"returns": [tmp_path / "in", tmp_path / "gone.xlsx"]}, framework={}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["used"]  # neither the record nor its staging folder


def test_an_evaluator_file_changed_after_moderation_is_noted(tmp_path: Path, moderation: Path) -> None:
    fill_scores(tmp_path / "panel" / "B.xlsx", {}, default=(75, GOOD))
    (tmp_path / "panel" / "A.xlsx").unlink()
    result = CliRunner().invoke(main, ["batch", str(SAMPLES), "--quality", str(moderation), "--out", str(tmp_path / "out"), "--record", str(tmp_path / "rec")])
    assert result.exit_code == 0, result.output
    notes = json.loads((tmp_path / "rec" / "manifest.json").read_text())["notes"]
    assert len(notes) == 2 and "A.xlsx" in notes[0] and "B.xlsx has changed since moderation" in notes[1]
    assert "Note: evaluator workbook B.xlsx has changed" in result.output


def test_the_record_proves_itself_when_a_return_goes_with_its_manifest_line(tmp_path: Path, framework: Framework, samples_dir: Path) -> None:
    moderation = agreed_panel(tmp_path / "panel-work", framework, samples_dir)
    record = tmp_path / "record"
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--quality", str(moderation), "--out", str(tmp_path / "out"),
                                       "--assessment-summaries", "--record", str(record)])
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256((record / "manifest.json").read_bytes()).hexdigest()
    assert result.output.rstrip().splitlines()[-1].startswith(f"Record manifest SHA-256: {digest}")  # the run ends with it
    summaries = sorted((tmp_path / "out" / "assessment-summaries").glob("*.docx"))
    assert len(summaries) == 6
    for summary in summaries:  # what each bidder is sent carries it
        footer = " ".join(p.text for p in Document(summary).sections[0].footer.paragraphs)
        assert f"Evaluation record: manifest SHA-256 {digest}" in footer
    # someone deletes a return from the record, and its line from the manifest
    manifest = json.loads((record / "manifest.json").read_text())
    manifest["files"] = [e for e in manifest["files"] if e["path"] != "returns/swift-logistics.xlsx"]
    (record / "manifest.json").write_text(json.dumps(manifest, indent=2))
    (record / "returns" / "swift-logistics.xlsx").unlink()
    checked = CliRunner().invoke(main, ["verify-record", str(record)])
    assert checked.exit_code == 1
    problems = [line.split(" ", 1)[1] for line in checked.output.splitlines() if line.startswith("MISMATCH")]
    assert [p.split(" (")[0] for p in problems] == ["manifest-changed: manifest.json", "manifest-changed: manifest.json",
                                                   "input-not-recorded: returns/swift-logistics.xlsx"]
    assert f"but outputs/results.json and the assessment summaries carry {digest}" in checked.output


def test_an_evaluator_workbook_named_by_the_results_must_be_recorded(tmp_path: Path, moderation: Path) -> None:
    record = tmp_path / "record"
    assert CliRunner().invoke(main, ["batch", str(SAMPLES), "--quality", str(moderation), "--out", str(tmp_path / "out"),
                                     "--record", str(record)]).exit_code == 0
    (record / "panel" / "B.xlsx").unlink()
    assert [str(p) for p in verify_record(record)[1]] == ["missing: panel/B.xlsx"]


def one_return_record(tmp_path: Path) -> Path:
    """A record of one return, a.xlsx ("as scored"), and one output, the results.json naming it."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_text("as scored")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text('{"returns": [{"file": "a.xlsx"}]}')
    return write_record(tmp_path / "record", plan_record({"returns": [tmp_path / "in"]}, framework={"name": "F", "version": "1"}),
                        [tmp_path / "out"])


def test_a_record_without_its_outputs_manifest_does_not_verify(tmp_path: Path) -> None:
    """Deleting outputs-manifest.json and outputs/ together (the anchors of the manifest's SHA-256) must not leave a record
    that verifies after a return and its manifest line were swapped."""
    record = one_return_record(tmp_path)
    assert verify_record(record) == (2, [])
    (record / "returns" / "a.xlsx").write_text("swapped")
    manifest = json.loads((record / "manifest.json").read_text())
    manifest["files"][0]["sha256"] = hashlib.sha256(b"swapped").hexdigest()
    (record / "manifest.json").write_text(json.dumps(manifest))
    (record / "outputs-manifest.json").unlink()
    (record / "outputs" / "results.json").unlink()
    result = CliRunner().invoke(main, ["verify-record", str(record)])
    assert result.exit_code == 1
    assert [line.split(" ", 1)[1] for line in result.output.splitlines() if line.startswith("MISMATCH")] == ["missing: outputs-manifest.json"]


@pytest.mark.parametrize("name, content", [
    ("outputs-manifest.json", '{"files": [{"path": "outputs/results.json"}]}'),
    ("outputs-manifest.json", '{"files": 5}'),
    ("outputs-manifest.json", '[]'),
    ("manifest.json", '{"files": [{"path": 5, "sha256": "x"}]}'),
    ("outputs/results.json", '{"returns": [5, {"file": 3, "findings": 7}], "quality": {"file": "q.xlsx", "evaluator_files": 7}}'),
])
def test_a_tampered_manifest_or_results_is_reported_never_a_crash(tmp_path: Path, name: str, content: str) -> None:
    record = one_return_record(tmp_path)
    (record / name).write_text(content)
    result = CliRunner().invoke(main, ["verify-record", str(record)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    problems = [line.split(" ", 1)[1] for line in result.output.splitlines() if line.startswith("MISMATCH")]
    assert problems and all(p.split(":")[0] in {"changed", "missing", "not-in-manifest", "manifest-unreadable", "manifest-changed",
                                                         "input-not-recorded", "outside-record"}
                            for p in problems), problems


@pytest.mark.parametrize("outside", ["../secret.txt", "/etc/hostname", "returns/../../secret.txt", "C:/Windows/win.ini"])
def test_a_manifest_entry_outside_the_record_is_refused_unread(tmp_path: Path, outside: str) -> None:
    record = one_return_record(tmp_path)
    (tmp_path / "secret.txt").write_text("not part of the record")
    manifest = json.loads((record / "manifest.json").read_text())
    manifest["files"].append({"path": outside, "sha256": "0" * 64, "size": 1})
    (record / "manifest.json").write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["verify-record", str(record)])
    assert result.exit_code == 1
    assert f"outside-record: {outside}" in result.output, result.output


def test_a_file_name_with_a_colon_or_backslash_inside_the_record_is_read(tmp_path: Path) -> None:
    """Names Linux allows in a returns folder stay inside the record: only absolute paths, drives and '..' leave it."""
    record = one_return_record(tmp_path)
    manifest = json.loads((record / "manifest.json").read_text())
    for name in ("returns/a:b.xlsx", "returns/a\\b.xlsx"):
        (record / name).write_bytes(b"a return")
        manifest["files"].append({"path": name, "sha256": hashlib.sha256(b"a return").hexdigest(), "size": 8})
    (record / "manifest.json").write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["verify-record", str(record)])
    assert "outside-record" not in result.output and "a:b.xlsx" not in result.output, result.output


def test_a_return_changed_during_the_run_replaces_no_outputs(tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A return replaced after it was hashed for the record and before the record is kept: the outputs (whose results.json
    and assessment summaries carry the manifest's SHA-256) must not replace the previous ones, as no record will match them."""
    import svexcel.cli.record as record_cli

    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(out)]).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    planned = record_cli.plan_batch_record

    def plan_then_swap(*args, **kwargs):  # the swap lands while the batch runs
        plan = planned(*args, **kwargs)
        (samples_dir / "riverside-care-coop.xlsx").write_bytes((samples_dir / "swift-logistics.xlsx").read_bytes())
        return plan

    monkeypatch.setattr(record_cli, "plan_batch_record", plan_then_swap)
    monkeypatch.setattr("svexcel.cli.tender.plan_batch_record", plan_then_swap)
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(out), "--record", str(tmp_path / "record")])
    assert result.exit_code == 2 and "riverside-care-coop.xlsx changed while the run used it" in result.output, result.output
    assert "Nothing was written or replaced" in result.output
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "returns"]  # no record, no staging folder


@pytest.mark.parametrize("failure", ["interrupted", "unwritable"])
def test_outputs_in_place_without_their_record_say_so(tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                     failure: str) -> None:
    """Ctrl+C (or a record that cannot be written) once the outputs are in place and the record is being kept: the run says
    the outputs carry the SHA-256 of a manifest no record holds, and how to keep one."""
    import svexcel.cli.record as record_cli
    from svexcel.run.interrupts import Interrupted
    from svexcel.run.record import RecordError

    def fail(*args, **kwargs):
        raise Interrupted(signal.SIGINT) if failure == "interrupted" else RecordError("the disk is full")

    monkeypatch.setattr(record_cli, "write_record", fail)
    out, record = tmp_path / "out", tmp_path / "record"
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(out), "--record", str(record)])
    assert result.exit_code == (130 if failure == "interrupted" else 2), result.output
    assert f"The record was not kept in {record}" in result.output and "Run the batch again with --record" in result.output
    carried = json.loads((out / "results.json").read_text())["manifest_sha256"]
    assert carried and carried in result.output
    assert not record.exists()
