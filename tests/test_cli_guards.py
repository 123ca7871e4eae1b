"""What a tired user or a hostile bidder does at the command line: overwrite inputs, type absurd numbers, press Ctrl+C."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner

from svexcel.cli import main
from svexcel.framework import Framework
from svexcel.paths import SAMPLES
from svexcel.return_reader import read_return


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
    command = [sys.executable, "-c", f"import time, svexcel.cli as c; c.new_workbook = {slow}; c.main()",
               "template", "-o", str(tmp_path / "t.xlsx")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "inside\n"  # the command is running
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
