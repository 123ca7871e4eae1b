"""What a tired user or a hostile bidder does at the command line: overwrite inputs, type absurd numbers, press Ctrl+C."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner

from svexcel.cli.main import main
from svexcel.core.paths import SAMPLES
from svexcel.framework.model import Framework
from svexcel.tender.return_reader import read_return


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_template_never_replaces_a_filled_return_unless_forced(tmp_path: Path, blank_return: Path, framework: Framework) -> None:
    filled = make_return(blank_return, tmp_path / "good.xlsx", framework)
    before = digest(filled)
    refused = CliRunner().invoke(main, ["template", "-o", str(filled)])
    assert refused.exit_code == 2 and "already exists" in refused.output and "--force" in refused.output
    assert digest(filled) == before
    forced = CliRunner().invoke(main, ["template", "-o", str(filled), "--force"])
    assert forced.exit_code == 0 and digest(filled) != before
    wrong = CliRunner().invoke(main, ["template", "-o", str(tmp_path / "t.docx")])
    assert wrong.exit_code == 2 and "must end in .xlsx" in wrong.output and not (tmp_path / "t.docx").exists()


def test_delivery_template_never_writes_over_the_winning_return(tmp_path: Path) -> None:
    winner = tmp_path / "win.xlsx"
    winner.write_bytes((SAMPLES / "hillside-community-trust.xlsx").read_bytes())
    before = digest(winner)
    for extra in ([], ["--force"]):
        result = CliRunner().invoke(main, ["delivery", "template", str(winner), "--start", "2026-04-01", "-o", str(winner), *extra])
        assert result.exit_code == 2 and "is also the input" in result.output
    assert digest(winner) == before
    out = tmp_path / "d.xlsx"
    assert CliRunner().invoke(main, ["delivery", "template", str(winner), "--start", "2026-04-01", "-o", str(out)]).exit_code == 0
    again = CliRunner().invoke(main, ["delivery", "template", str(winner), "--start", "2026-04-01", "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output


@pytest.mark.parametrize("quantity", [1e13, 1e300])
def test_an_absurd_quantity_is_refused_not_scored(tmp_path: Path, blank_return: Path, framework: Framework, quantity: float) -> None:
    # A bidder typing 1e300 would otherwise shrink every other bidder's relative monetised score to nothing.
    ret = read_return(make_return(blank_return, tmp_path / "huge.xlsx", framework, quantities={"EQ1.1": quantity}), framework)
    assert ret.rejected
    assert [(f.sheet, f.type) for f in ret.findings if f.severity == "error"] == [("Commitments", "number-too-large")]
    fine = read_return(make_return(blank_return, tmp_path / "big.xlsx", framework, quantities={"EQ1.1": 1e12}), framework)
    assert not fine.rejected and fine.quantities["EQ1.1"] == 1e12


def test_delivery_build_exits_1_when_a_file_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    result = CliRunner().invoke(main, ["delivery", "build", "--returns", str(folder), "-o", str(tmp_path / "m.xlsm")])
    assert result.exit_code == 1 and "1 file(s) rejected" in result.output


def test_ctrl_c_at_any_moment_exits_130_not_1(tmp_path: Path) -> None:
    # 1 means "a return was rejected": a script must never read an interruption as that.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    slow = "lambda *a: (print('inside', flush=True), time.sleep(60))"
    command = [sys.executable, "-c", f"import time, svexcel.cli.tender as t, svexcel.cli.main as c; t.new_workbook = {slow}; c.main()",
               "template", "-o", str(tmp_path / "t.xlsx")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "inside\n"  # the command is running
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err


def test_build_refuses_a_quality_workbook_with_errors_as_batch_does(tmp_path: Path, samples_dir: Path, sample_quality: Path) -> None:
    # A mark typed as text would otherwise be blanked silently and the workbook would say every check passes.
    from openpyxl import load_workbook

    quality = tmp_path / "quality.xlsx"
    wb = load_workbook(sample_quality)
    wb["Quality"]["C2"] = "75"
    wb.save(quality)
    built = CliRunner().invoke(main, ["build", "--returns", str(samples_dir), "-q", str(quality), "-o", str(tmp_path / "live.xlsm")])
    batch = CliRunner().invoke(main, ["batch", str(samples_dir), "-q", str(quality), "--out", str(tmp_path / "out")])
    assert built.exit_code == batch.exit_code == 2
    assert "Quality!C2" in built.output and "[score-as-text]" in built.output
    assert "The quality workbook quality.xlsx has errors; fix the cells listed above." in built.output
    assert built.output.splitlines()[-2:] == batch.output.splitlines()[-2:]
    assert not (tmp_path / "live.xlsm").exists() and list(tmp_path.glob(".*.part")) == []


def marks(path: Path) -> list[tuple[object, ...]]:
    """The rows of a live workbook's Quality sheet."""
    from openpyxl import load_workbook

    return [r for r in load_workbook(path, keep_vba=True)["Quality"].iter_rows(min_row=2, values_only=True) if r[0]]


def test_build_never_replaces_an_existing_file_unless_forced(tmp_path: Path, samples_dir: Path, sample_quality: Path) -> None:
    live = tmp_path / "live.xlsm"
    first = CliRunner().invoke(main, ["build", "--returns", str(samples_dir), "-q", str(sample_quality), "-o", str(live)])
    assert first.exit_code == 0, first.output
    before = digest(live)
    again = CliRunner().invoke(main, ["build", "--returns", str(samples_dir), "-o", str(live)])
    assert again.exit_code == 2 and "already exists" in again.output and f"-q {live} --force" in again.output
    assert digest(live) == before
    bidder = samples_dir / "openfields-cic.xlsx"
    return_before = digest(bidder)
    returns = tmp_path / "returns2"  # a bidder's return saved as .xlsm, named as the output by mistake
    shutil.copytree(samples_dir, returns)
    shutil.copy(bidder, returns / "bidder.xlsm")
    over_return = CliRunner().invoke(main, ["build", "--returns", str(returns), "-o", str(returns / "bidder.xlsm")])
    assert over_return.exit_code == 2 and "already exists" in over_return.output
    assert digest(returns / "bidder.xlsm") == return_before
    typed = marks(live)
    kept = CliRunner().invoke(main, ["build", "--returns", str(samples_dir), "-q", str(live), "-o", str(live), "--force"])
    assert kept.exit_code == 0, kept.output
    assert marks(live) == typed and any(m is not None for r in typed for m in r[2:])
    monitor = tmp_path / "monitor.xlsm"
    assert CliRunner().invoke(main, ["delivery", "build", "-o", str(monitor)]).exit_code == 0
    refused = CliRunner().invoke(main, ["delivery", "build", "-o", str(monitor)])
    assert refused.exit_code == 2 and "already exists" in refused.output and "--force" in refused.output
    assert CliRunner().invoke(main, ["delivery", "build", "-o", str(monitor), "--force"]).exit_code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("command", [["build", "--returns", "returns"], ["delivery", "build", "--returns", "returns"]])
def test_build_into_a_read_only_folder_stops_at_once_with_exit_2(tmp_path: Path, samples_dir: Path, command: list[str]) -> None:
    work = Path(tempfile.mkdtemp(prefix="svexcel-test-"))  # root ignores permissions, so the command runs as nobody
    try:
        work.chmod(0o755)
        shutil.copytree(samples_dir, work / "returns")
        (work / "locked").mkdir(mode=0o555)
        (work / "locked").chmod(0o555)
        env = os.environ | {"TMPDIR": str(work), "HOME": str(work)}
        process = subprocess.run([sys.executable, "-m", "svexcel", *command, "-o", "locked/sub/live.xlsm"], env=env, cwd=work,
                                 capture_output=True, text=True, timeout=120, user=65534 if os.geteuid() == 0 else None)
        assert process.returncode == 2, process.stderr
        assert f"you cannot write to the folder {work / 'locked'}" in process.stderr and "Traceback" not in process.stderr
        assert list((work / "locked").iterdir()) == []
    finally:
        shutil.rmtree(work)


@pytest.mark.parametrize("url", ["https://packages.example/svexcel.whl\nevilpkg==1.0", "not a url", "https://example.org/svexcel 0.1.whl",
                                 "", "file:///C:/svexcel.whl"])
def test_lite_package_is_one_web_address(tmp_path: Path, url: str) -> None:
    """The address goes into the workbook's requirements.txt as one line: a pasted newline added a package of its own, a
    blank (an unset variable) quietly meant PyPI, and anything else made a workbook whose add-in cannot install."""
    out = tmp_path / "live.xlsx"
    result = CliRunner().invoke(main, ["build", "--edition", "lite", "--lite-package", url, "-o", str(out)])
    assert result.exit_code == 2 and "--lite-package takes the web address" in result.output, result.output
    assert not out.exists()
