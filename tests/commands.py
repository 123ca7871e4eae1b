"""The commands SPEC §8's shared behaviours are proven on, run as real subprocesses: how to make their inputs, call
them, and read back what their outputs say about each input."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from svexcel.core.paths import DELIVERY_SAMPLES, SAMPLE_PANEL, SAMPLES


@dataclass(frozen=True)
class Command:
    """One svexcel command that reads a folder and writes a folder or a file."""

    name: str
    args: tuple[str, ...]  # IN and OUT stand for the input folder and the output
    samples: Path  # what a good input folder holds
    output: str  # the output's name in the work folder
    folder: bool  # the output is a folder (else one file)
    rejected_exit: int  # the exit code when an input is rejected
    not_one: str  # the finding type of a file of another kind
    pool: bool  # reads with worker processes

    def argv(self, inputs: Path, out: Path) -> list[str]:
        """The command line for ``inputs`` and ``out``."""
        return [str(inputs) if a == "IN" else str(out) if a == "OUT" else a for a in self.args]

    def __str__(self) -> str:
        return self.name


COMMANDS = (
    Command("batch", ("batch", "IN", "--out", "OUT", "--jobs", "2"), SAMPLES, "out", True, 1, "not-a-return", True),
    Command("build", ("build", "--returns", "IN", "-o", "OUT"), SAMPLES, "live.xlsm", False, 1, "not-a-return", True),
    Command("panel", ("panel", "IN", "--evaluators", "A. Jones;B. Smith", "--out", "OUT"), SAMPLES, "panel", True, 0, "not-a-return", False),
    Command("moderate", ("moderate", "IN", "-o", "OUT"), SAMPLE_PANEL, "moderation.xlsx", False, 1, "not-an-evaluator-workbook", False),
    Command("delivery batch", ("delivery", "batch", "IN", "--out", "OUT", "--jobs", "2"), DELIVERY_SAMPLES, "out", True, 1,
            "not-a-delivery-workbook", True),
    Command("delivery build", ("delivery", "build", "--returns", "IN", "-o", "OUT"), DELIVERY_SAMPLES, "monitor.xlsm", False, 1,
            "not-a-delivery-workbook", False),
    Command("delivery verify", ("delivery", "verify", "IN", "--sample", "5", "-o", "OUT"), DELIVERY_SAMPLES, "verification.xlsx", False, 1,
            "not-a-delivery-workbook", False),
)
BY_NAME = {c.name: c for c in COMMANDS}


def environment(work: Path) -> dict[str, str]:
    """A run's environment: its own temporary directory (to prove nothing is left in it) and home."""
    temp = work / "tmp"
    temp.mkdir(exist_ok=True)
    return os.environ | {"TMPDIR": str(temp), "HOME": str(work)}


def svexcel(args: list[str], work: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m svexcel ARGS`` in ``work``, with its own temporary directory; the finished process."""
    return subprocess.run([sys.executable, "-m", "svexcel", *args], cwd=work, env=environment(work), capture_output=True,
                          text=True, timeout=timeout, preexec_fn=_default_signals)


def spawn(args: list[str], work: Path) -> subprocess.Popen[bytes]:
    """``python -m svexcel ARGS`` started in ``work`` (as ``svexcel``), to be interrupted."""
    return subprocess.Popen([sys.executable, "-m", "svexcel", *args], cwd=work, env=environment(work), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=_default_signals)


def _default_signals() -> None:
    """Ctrl+C as a terminal delivers it, even when the tests run in the background (where SIGINT starts ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def copy_inputs(command: Command, folder: Path, copies: int = 1) -> Path:
    """A folder of good inputs for ``command``: its samples, each ``copies`` times under new names."""
    folder.mkdir(parents=True, exist_ok=True)
    for sample in sorted(command.samples.glob("*.xlsx")):
        for n in range(copies):
            shutil.copy(sample, folder / (sample.name if n == 0 else f"{sample.stem}-{n}{sample.suffix}"))
    return folder


def accounted(command: Command, out: Path) -> dict[str, str]:
    """What a command's output says about each input it did not use: its file name → the finding types and messages."""
    if command.name in ("batch", "delivery batch"):
        listed = json.loads((out / ("results.json" if command.name == "batch" else "delivery.json")).read_text(encoding="utf-8"))
        records = listed["returns" if command.name == "batch" else "contracts"]
        return {r["file"]: " ".join(f"[{f['type']}] {f['message']}" for f in r["findings"]) for r in records if r["status"] == "rejected"}
    if command.name == "panel":
        rows = load_workbook(next(out.glob("*.xlsx")), read_only=True)["Not evaluated"].iter_rows(min_row=3, values_only=True)
        return {row[0]: str(row[1]) for row in rows if row[0]}
    sheet = load_workbook(out, read_only=True)["Findings"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "File" in r and "Type" in r)
    file, kind, message = header.index("File"), header.index("Type"), header.index("Message")
    found: dict[str, str] = {}
    for row in rows[rows.index(header) + 1:]:
        if row[file] and row[kind]:
            found[row[file]] = found.get(row[file], "") + f" [{row[kind]}] {row[message]}"
    return found


def leftovers(folder: Path) -> list[str]:
    """Anything a run must not leave behind: part files, staging or old-set folders."""
    return sorted(str(p) for p in folder.rglob("*") if p.name.endswith(".part") or ".svexcel-" in p.name)


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def snapshot(path: Path) -> dict[str, bytes]:
    """A file's bytes, or every file under a folder (hidden ones too) with its bytes."""
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def signal_at(process: subprocess.Popen[bytes], moment: Callable[[], bool], signum: int, timeout: float = 180) -> None:
    """Send ``signum`` to ``process`` at a moment of its run: once ``moment()`` holds, the process is frozen (SIGSTOP),
    and signalled only if the moment still holds (the signal then arrives then, however busy the machine), else
    thawed to wait for the next such moment."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"the run ended before the moment: {process.communicate()}"
        assert time.monotonic() < deadline, "the moment never came"
        if moment():
            process.send_signal(signal.SIGSTOP)
            try:
                if moment():
                    process.send_signal(signum)
                    return
            finally:
                process.send_signal(signal.SIGCONT)
        time.sleep(0.001)
