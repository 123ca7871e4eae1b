"""Every file accounted for, and outputs replaced all or nothing (issue 7 items 1, 3, 4, 5)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from builders import make_return, rewrite_part, sheet_part
from click.testing import CliRunner
from commands import leftovers, snapshot, svexcel
from docx import Document

from svexcel.cli.main import main
from svexcel.core.paths import DELIVERY_SAMPLES, SAMPLES
from svexcel.framework.model import Framework
from svexcel.tender.batch import run_batch
from svexcel.tender.live.actions import import_layout
from svexcel.tender.live.inputs import LiveInputs
from svexcel.tender.return_layout import COMMITMENTS


def load(out: Path) -> dict:
    return json.loads((out / "results.json").read_text())


def records(out: Path) -> dict[str, dict]:
    return {r["file"]: r for r in load(out)["returns"]}


def report_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_clashing_names_each_get_their_own_report(tmp_path: Path, framework: Framework, blank_return: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    for file in ("a.xlsx", "a.xlsm", "a-xlsx.xlsx", "Acme.xlsx", "ACME.xlsm"):
        make_return(blank_return, returns / file, framework, organisation=f"Org of {file}")
    result = run_batch(returns, tmp_path / "out", framework=framework)
    assert result.exit_code == 0
    found = records(tmp_path / "out")
    reports = [r["report"] for r in found.values()]
    assert len(found) == 5 and len({r.casefold() for r in reports}) == 5  # distinct on Windows and macOS too
    for file, record in found.items():
        assert f"Org of {file}" in report_text(tmp_path / "out" / record["report"])  # its own evaluation
    assert len(list((tmp_path / "out" / "reports").iterdir())) == 5


def test_returns_in_subfolders_are_read(tmp_path: Path, framework: Framework, blank_return: Path) -> None:
    returns = tmp_path / "returns"
    for bidder in ("Bidder 1", "Bidder 2"):
        (returns / bidder).mkdir(parents=True)
        make_return(blank_return, returns / bidder / "return.xlsx", framework, organisation=bidder)
    make_return(blank_return, returns / "top.xlsx", framework, organisation="Top", quantities={"EQ1.1": "about 10"})
    result = run_batch(returns, tmp_path / "out", framework=framework)
    found = records(tmp_path / "out")
    assert list(found) == ["Bidder 1/return.xlsx", "Bidder 2/return.xlsx", "top.xlsx"]
    assert found["Bidder 1/return.xlsx"]["status"] == "scored" and found["Bidder 2/return.xlsx"]["report"] == "reports/Bidder 2/return.docx"
    assert "Bidder 2" in report_text(tmp_path / "out" / "reports" / "Bidder 2" / "return.docx")
    assert {f.file for r in result.results for f in r.ret.findings} == {"top.xlsx"}
    assert result.exit_code == 1  # top.xlsx is rejected


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_files_that_are_not_returns_are_rejected_with_a_fix(tmp_path: Path, samples_dir: Path, framework: Framework) -> None:
    for name in ("old.xls", "libre.ods", "figures.csv"):
        (samples_dir / name).write_bytes(b"not an xlsx")
    (samples_dir / "gone.xlsx").symlink_to(tmp_path / "missing.xlsx")
    (samples_dir / ".hidden.xlsx").write_bytes(b"")
    (samples_dir / "~$openfields-cic.xlsx").write_bytes(b"lock")
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "10 returns: 6 scored, 4 rejected" in result.output
    found = records(tmp_path / "out")
    for name in ("old.xls", "libre.ods", "figures.csv", "gone.xlsx"):
        assert found[name]["status"] == "rejected"
    assert "save it as an Excel Workbook (.xlsx)" in found["libre.ods"]["findings"][0]["message"]
    assert found["gone.xlsx"]["findings"][0]["type"] == "broken-link"
    assert ".hidden.xlsx" not in found and "skipped 2 Excel lock or hidden file(s)" in result.output
    from openpyxl import load_workbook

    summary = load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)
    rows = {row[0]: row[1] for row in summary["Summary"].iter_rows(min_row=2, values_only=True)}
    assert rows["old.xls"] == "rejected" and rows["gone.xlsx"] == "rejected" and len(rows) == 10
    built = CliRunner().invoke(main, ["build", "--returns", str(samples_dir), "-o", str(tmp_path / "live.xlsm")])
    assert built.exit_code == 1 and "6 return(s) scored, 4 rejected" in built.output
    layout = import_layout(LiveInputs(framework, [], {}), samples_dir)  # the workbook's Import macro
    assert layout.n == 6 and {f.file for f in layout.findings if f.severity == "error"} == {"old.xls", "libre.ods", "figures.csv", "gone.xlsx"}


def test_a_damaged_return_is_rejected_and_the_batch_goes_on(tmp_path: Path, samples_dir: Path) -> None:
    damaged = samples_dir / "hillside-community-trust.xlsx"
    rewrite_part(damaged, sheet_part(damaged, COMMITMENTS), lambda xml: xml.replace('<row r="6"', '<row r="6x"', 1))
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    found = records(tmp_path / "out")
    assert found["hillside-community-trust.xlsx"]["status"] == "rejected" and len(found) == 6
    assert sum(r["status"] == "scored" for r in found.values()) == 5
    assert (tmp_path / "out" / "svexcel.log").exists()


def test_rerun_after_a_return_is_withdrawn_leaves_no_old_report(tmp_path: Path, samples_dir: Path, framework: Framework) -> None:
    out = tmp_path / "out"
    run_batch(samples_dir, out, framework=framework)
    (samples_dir / "hillside-community-trust.xlsx").unlink()
    run_batch(samples_dir, out, framework=framework)
    assert sorted(p.name for p in (out / "reports").iterdir()) == sorted(f"{p.stem}.docx" for p in samples_dir.iterdir())
    assert "hillside-community-trust.xlsx" not in records(out) and leftovers(tmp_path) == []


def test_out_holding_other_files_is_refused(tmp_path: Path, samples_dir: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-notes.docx").write_text("keep me")
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(out)])
    assert result.exit_code == 2 and "my-notes.docx" in result.output and (out / "my-notes.docx").read_text() == "keep me"
    inside = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(samples_dir / "results")])
    assert inside.exit_code == 2 and "inside it" in inside.output and not (samples_dir / "results").exists()


def _spawn_batch(returns: Path, out: Path, tmp: Path, jobs: int, user: int | None = None) -> subprocess.Popen[bytes]:
    env = os.environ | {"TMPDIR": str(tmp), "HOME": str(tmp)}
    return subprocess.Popen([sys.executable, "-m", "svexcel", "batch", str(returns), "--out", str(out), "--jobs", str(jobs)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, user=user, cwd=tmp)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "jobs"), [(signal.SIGTERM, 1), (signal.SIGTERM, 2), (signal.SIGINT, 2)])
def test_an_interrupted_rerun_leaves_the_old_set_and_nothing_else(tmp_path: Path, samples_dir: Path, framework: Framework,
                                                                  signum: int, jobs: int) -> None:
    out = tmp_path / "out"
    run_batch(samples_dir, out, framework=framework)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    many = tmp_path / "many"
    many.mkdir()
    samples = sorted(samples_dir.iterdir())
    for i in range(200):
        shutil.copy(samples[i % len(samples)], many / f"return-{i:03}.xlsx")
    spool = tmp_path / "tmp"
    spool.mkdir()
    process = _spawn_batch(many, out, spool, jobs)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.svexcel-*/reports/*.docx")) and time.monotonic() < deadline:  # mid-way through the reports
        time.sleep(0.02)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode in (128 + signum, -signum), stderr.decode()
    assert b"previous outputs" in stderr and b"Traceback" not in stderr
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert leftovers(tmp_path) == [] and list(spool.iterdir()) == []


def _unprivileged_folder() -> Path:
    """A folder an unprivileged user can use (root ignores file permissions, so the test runs as nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="svexcel-test-"))
    folder.chmod(0o777)
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_output_folder_stops_with_exit_2_and_keeps_the_old_set(samples_dir: Path, framework: Framework) -> None:
    work = _unprivileged_folder()
    try:
        returns = work / "returns"
        shutil.copytree(samples_dir, returns)
        out = work / "out"
        run_batch(returns, out, framework=framework)
        old = (out / "results.json").read_bytes()
        for folder in (work, returns, out, out / "reports"):
            folder.chmod(0o755 if folder == work else 0o555)
        user = 65534 if os.geteuid() == 0 else None
        process = _spawn_batch(returns, out, work, 1, user)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, stderr.decode()
        assert str(work).encode() in stderr and b"Traceback" not in stderr
        assert (out / "results.json").read_bytes() == old and leftovers(work) == []
    finally:
        for folder in (work, work / "out", work / "out" / "reports"):
            folder.chmod(0o755)
        shutil.rmtree(work)


@pytest.mark.parametrize(("option", "expression"), [
    ("--template", "organisation|shout"), ("--template", "points + 1"), ("--template", "rank / 0"), ("--template", "unknown_thing"),
    ("--comparison-template", "date|shout"), ("--comparison-template", "date + 1"), ("--comparison-template", "scored_count / 0"),
])
def test_custom_templates_are_checked_by_rendering(tmp_path: Path, samples_dir: Path, option: str, expression: str) -> None:
    template = tmp_path / "ours.docx"
    document = Document()
    document.add_paragraph("Report of {{ date }}")
    document.add_paragraph("{{ " + expression + " }}")
    document.save(str(template))
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(tmp_path / "out"), option, str(template)])
    shown = expression if expression == "unknown_thing" else "{{ " + expression + " }}"
    assert result.exit_code == 2 and "ours.docx" in result.output and shown in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists() and leftovers(tmp_path) == []


def test_two_batches_in_one_process_at_once_keep_their_own_state(tmp_path: Path, samples_dir: Path, framework: Framework,
                                                                 blank_return: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    make_return(blank_return, other / "solo.xlsx", framework, organisation="Solo Ltd")
    template = tmp_path / "plain.docx"
    document = Document()
    document.add_paragraph("Plain report for {{ organisation }}")
    document.save(str(template))
    results = {}

    def run(name: str, folder: Path, **kwargs: object) -> None:
        results[name] = run_batch(folder, tmp_path / name, framework=framework, **kwargs)  # type: ignore[arg-type]

    threads = [threading.Thread(target=run, args=("a", samples_dir)),
               threading.Thread(target=run, args=("b", other), kwargs={"evaluation_template": template})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["a"].scored == 6 and results["b"].scored == 1
    assert report_text(tmp_path / "b" / "reports" / "solo.docx") == "Plain report for Solo Ltd"
    assert "Plain report" not in report_text(tmp_path / "a" / "reports" / "openfields-cic.docx")
    again = run_batch(other, tmp_path / "c", framework=framework, jobs=2)  # a pool after other batches: its own state
    assert again.scored == 1 and "Plain report" not in report_text(tmp_path / "c" / "reports" / "solo.docx")


def test_a_file_name_no_output_can_hold_is_rejected_and_the_rest_go_on(tmp_path: Path, samples_dir: Path) -> None:
    # A control character (XML forbids it) and a byte that is not UTF-8 (unzipping an old Windows zip gives one).
    sample = next(samples_dir.glob("*.xlsx"))
    shutil.copy(sample, samples_dir / "ctl\x0bname.xlsx")
    shutil.copy(sample, samples_dir / os.fsdecode(b"bad\xffutf8.xlsx"))
    shown = {"ctl\ufffdname.xlsx", "bad\ufffdutf8.xlsx"}
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "8 returns: 6 scored, 2 rejected" in result.output, result.output
    found = records(tmp_path / "out")
    assert {f: [x["type"] for x in r["findings"]] for f, r in found.items() if r["status"] == "rejected"} == {
        name: ["bad-file-name"] for name in shown}
    assert "rename the file" in found["ctl\ufffdname.xlsx"]["findings"][0]["message"].lower()
    built = CliRunner().invoke(main, ["build", "--returns", str(samples_dir), "-o", str(tmp_path / "live.xlsm")])
    assert built.exit_code == 1 and "6 return(s) scored, 2 rejected" in built.output, built.output
    from openpyxl import load_workbook

    listed = {row[0] for row in load_workbook(tmp_path / "live.xlsm", read_only=True)["Findings"].iter_rows(values_only=True)}
    assert shown <= listed


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_subfolder_that_cannot_be_opened_is_a_rejected_input(samples_dir: Path) -> None:
    work = _unprivileged_folder()
    try:
        returns = work / "returns"
        shutil.copytree(samples_dir, returns)
        locked = returns / "Bidder 7"
        locked.mkdir()
        shutil.copy(next(samples_dir.glob("*.xlsx")), locked / "return.xlsx")
        locked.chmod(0o000)
        env = os.environ | {"TMPDIR": str(work), "HOME": str(work)}
        user = 65534 if os.geteuid() == 0 else None
        said = []
        for command in (["batch", "returns", "--out", "out"], ["build", "--returns", "returns", "-o", "live.xlsm"]):
            process = subprocess.run([sys.executable, "-m", "svexcel", *command], env=env, cwd=work, capture_output=True, text=True,
                                     timeout=120, user=user)
            assert process.returncode == 1 and "Traceback" not in process.stderr, process.stderr
            said.append(process.stdout)
        assert "7 returns: 6 scored, 1 rejected" in said[0] and "6 return(s) scored, 1 rejected" in said[1]
        assert records(work / "out")["Bidder 7"]["findings"][0]["type"] == "unreadable-folder"
    finally:
        (work / "returns" / "Bidder 7").chmod(0o755)
        shutil.rmtree(work)


REPLACED = {  # commands whose output folder is replaced as a whole, and where in it a user might keep a file
    "batch": (["batch", str(SAMPLES), "--out", "out"], "reports/my-notes.docx"),
    "delivery batch": (["delivery", "batch", str(DELIVERY_SAMPLES), "--out", "out"], "reports/2026/my-notes.docx"),
    "demo": (["demo", "--out", "out"], "delivery/reports/my-notes.docx"),
}


@pytest.mark.parametrize("name", REPLACED)
def test_a_rerun_refuses_an_out_holding_a_users_file_at_any_depth(name: str, tmp_path: Path) -> None:
    args, inside = REPLACED[name]
    assert svexcel(args, tmp_path).returncode == 0
    out = tmp_path / "out"
    (out / inside).parent.mkdir(parents=True, exist_ok=True)
    (out / inside).write_text("keep me")
    before = snapshot(out)
    done = svexcel(args, tmp_path)
    assert done.returncode == 2 and inside in done.stderr and "Nothing was changed" in done.stderr, done.stderr
    assert snapshot(out) == before and leftovers(tmp_path) == []
    (out / inside).unlink()
    changed = next(p for p in sorted(out.rglob("*.docx")))
    changed.write_bytes(changed.read_bytes() + b"an officer's edit")  # an output changed since it was written
    before = snapshot(out)
    done = svexcel(args, tmp_path)
    assert done.returncode == 2 and "(changed since svexcel wrote it)" in done.stderr, done.stderr
    assert snapshot(out) == before
    changed.unlink()
    assert svexcel(args, tmp_path).returncode == 0  # its own outputs, as written, are replaced


def test_an_out_svexcel_did_not_write_is_refused_even_with_output_names(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "acme.docx").write_text("a report someone wrote by hand")
    (out / "results.json").write_text("{}")
    done = svexcel(["batch", str(SAMPLES), "--out", "out"], tmp_path)
    assert done.returncode == 2 and "has none" in done.stderr and "reports/acme.docx" in done.stderr, done.stderr
    assert (out / "reports" / "acme.docx").read_text() == "a report someone wrote by hand"


def test_panel_adds_its_workbooks_all_at_once_and_touches_nothing_there(tmp_path: Path) -> None:
    out = tmp_path / "panel"
    (out / "returned").mkdir(parents=True)
    (out / "returned" / "A. Jones.xlsx").write_text("an evaluator's returned workbook")
    done = svexcel(["panel", str(SAMPLES), "--evaluators", "A. Jones;B. Smith", "--out", "panel"], tmp_path)
    assert done.returncode == 0, done.stderr
    late = svexcel(["panel", str(SAMPLES), "--evaluators", "C. Patel", "--out", "panel"], tmp_path)  # a late evaluator
    assert late.returncode == 0, late.stderr
    assert sorted(snapshot(out)) == ["A. Jones.xlsx", "B. Smith.xlsx", "C. Patel.xlsx", "returned/A. Jones.xlsx"]
    assert (out / "returned" / "A. Jones.xlsx").read_text() == "an evaluator's returned workbook"
    again = svexcel(["panel", str(SAMPLES), "--evaluators", "D. Evans;B. Smith", "--out", "panel"], tmp_path)
    assert again.returncode == 2 and "B. Smith.xlsx already exist" in again.stderr and not (out / "D. Evans.xlsx").exists()
    assert leftovers(tmp_path) == []
