"""SPEC §8, interrupts: Ctrl+C (SIGINT) or SIGTERM while worker processes start, or while outputs are written, ends every
command within 5 s with exit 130 or 143, its output exactly as before, no worker left running, and nothing left beside
the output or in the temporary directory."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from commands import BY_NAME, Command, alive, children, copy_inputs, leftovers, signal_at, snapshot, spawn, svexcel
from delivery_builders import blank_delivery, complete, fill_delivery

from svexcel.core.paths import SAMPLES
from svexcel.framework.model import Framework

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and /proc")
ENDS_WITHIN = 5.0


@pytest.fixture(scope="session")
def contracts(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty delivery workbooks for twenty contracts, each filled to period 3."""
    folder = tmp_path_factory.mktemp("contracts")
    blank = blank_delivery(framework, SAMPLES / "riverside-care-coop.xlsx", folder.parent / "blank.xlsx", dt.date(2026, 4, 1))
    answers = complete(framework, blank, 3)
    for n in range(20):
        made = blank_delivery(framework, SAMPLES / "riverside-care-coop.xlsx", folder.parent / f"blank-{n}.xlsx", reference=f"HC-9{n:03}")
        fill_delivery(made, folder / f"contract-{n:02}.xlsx", 3, answers)
        made.unlink()
    return folder


def prepare(command: Command, work: Path, contracts: Path) -> list[str]:
    """Inputs big enough to interrupt, an output as a previous run left it, and the command line to rerun it."""
    inputs, out = work / "inputs", work / command.output
    if command.name in ("delivery batch", "delivery verify"):
        shutil.copytree(contracts, inputs)
    else:
        copy_inputs(command, inputs, copies=17 if command.name in ("batch", "build") else 1)  # build needs 100 for workers
    argv = command.argv(inputs, out)
    if command.name == "delivery verify":
        argv[argv.index("--sample") + 1] = "1000"  # a workbook big enough to be caught while it is written
    if command.name in ("batch", "delivery batch", "moderate"):
        first = svexcel(command.argv(command.samples, out), work)  # the previous outputs, complete
        assert first.returncode in (0, 1), first.stderr
    elif command.name == "panel":
        out.mkdir()
        (out / "returned.xlsx").write_text("an evaluator's returned workbook")
    else:
        out.write_bytes(b"the previous workbook")
        argv += ["--force", "--jobs", "2"] if command.name == "build" else ["--force"]
    return argv


def workers_started(pid: int, work: Path, command: Command) -> bool:
    """The moment worker processes start."""
    return bool(children(pid))


def writing(pid: int, work: Path, command: Command) -> bool:
    """The moment outputs are being written: reports in the staging folder, or the workbook's part file."""
    if command.name in ("batch", "delivery batch"):
        return bool(list(work.glob(".out.svexcel-*.new/reports/*.docx")))
    if command.name == "panel":
        return any(p.is_file() for p in work.glob(".panel.svexcel-*.new/*"))
    return bool(list(work.glob(f".{command.output}.*.part")))


MOMENTS: dict[str, Callable[[int, Path, Command], bool]] = {"workers start": workers_started, "outputs are written": writing}
CASES = [(name, moment) for name in BY_NAME for moment in MOMENTS if moment != "workers start" or BY_NAME[name].pool]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(("name", "moment"), CASES, ids=[f"{n} while {m}" for n, m in CASES])
def test_a_signal_ends_the_run_at_once_and_leaves_everything_as_it_was(name: str, moment: str, signum: int, tmp_path: Path,
                                                                       contracts: Path) -> None:
    command = BY_NAME[name]
    argv = prepare(command, tmp_path, contracts)
    out = tmp_path / command.output
    before = snapshot(out)
    process = spawn(argv, tmp_path)
    workers: set[int] = set()

    def now() -> bool:
        workers.update(children(process.pid))  # every worker seen up to the signal
        return MOMENTS[moment](process.pid, tmp_path, command)

    signal_at(process, now, signum)
    sent = time.monotonic()
    _, stderr = process.communicate(timeout=60)
    took = time.monotonic() - sent
    said = stderr.decode()
    assert process.returncode == 128 + signum, said
    assert took < ENDS_WITHIN, f"{took:.1f} s"
    assert "Traceback" not in said and "Interrupted by" in said and "nothing was written or replaced" in said, said
    assert snapshot(out) == before
    assert leftovers(tmp_path) == [] and os.listdir(tmp_path / "tmp") == []
    assert not any(alive(pid) for pid in workers)
    assert workers or moment != "workers start"


ONE_FILE = {  # the commands that write one workbook and read no folder: (arguments, the workbook)
    "template": (["template", "-o", "return.xlsx", "--force"], "return.xlsx"),
    "delivery template": (["delivery", "template", str(SAMPLES / "riverside-care-coop.xlsx"), "--start", "2026-04-01",
                           "-o", "delivery.xlsx", "--force"], "delivery.xlsx"),
}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("name", ONE_FILE)
def test_a_signal_while_a_workbook_is_saved_leaves_the_old_one_and_no_part_file(name: str, signum: int, tmp_path: Path) -> None:
    argv, output = ONE_FILE[name]
    (tmp_path / output).write_bytes(b"the previous workbook")
    process = spawn(argv, tmp_path)
    signal_at(process, lambda: bool(list(tmp_path.glob(f".{output}.*.part"))), signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum and b"Traceback" not in stderr, stderr.decode()
    assert (tmp_path / output).read_bytes() == b"the previous workbook"
    assert leftovers(tmp_path) == [] and os.listdir(tmp_path / "tmp") == []
