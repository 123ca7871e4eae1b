"""Ctrl+C and SIGTERM at random moments (SPEC §8), repeated: every run must end within 5 s with exit 130 or 143, the
output exactly as before, no worker left running, nothing left beside the output or in the temporary directory, and
no traceback. Figures printed; a run that breaks a rule is listed and makes the exit code 1.

    python benchmarks/bench_interrupts.py [--runs 20] [--seed 1]

Each command is first run once uninterrupted (its outputs are the "before" of every interrupted rerun, and its time
sets the range of moments); then each run sends SIGINT or SIGTERM (alternately) at a moment drawn uniformly from
0.1 s after the process starts to the end of that time, so worker start, reading, writing and the swap are all hit.
(The first few hundredths of a second are Python's own start-up, before any svexcel code runs: a signal then gets
Python's default handling.) A signal that arrives once the new outputs are in place (the last instant) must say so
and still exit 130 or 143; one that arrives as Python shuts down after the run (exit 0 within 0.1 s of the signal)
is counted apart: the run had finished. A run that carries on after the signal is a failure.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from deliveries import make_deliveries
from returns import make_returns

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from commands import alive, children, snapshot  # noqa: E402  (the tests' own helpers)

from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.framework.model import load_framework

SVEXCEL = [sys.executable, "-m", "svexcel"]
ENDS_WITHIN = 5.0
STARTED = 0.1  # seconds after which svexcel's own code handles signals
FINISHING = 0.1  # a run that exits 0 this soon after the signal had finished its work before it came


def start(args: list[str], work: Path) -> subprocess.Popen[bytes]:
    """svexcel ARGS in ``work`` with its own temporary directory; SIGINT as a terminal delivers it."""
    env = os.environ | {"TMPDIR": str(work / "tmp"), "HOME": str(work)}
    return subprocess.Popen([*SVEXCEL, *args], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def interrupted_run(args: list[str], work: Path, out: Path, after: float, signum: int) -> tuple[str, float, str]:
    """One rerun signalled ``after`` seconds in: (outcome, seconds from signal to exit, what was wrong)."""
    before = snapshot(out)
    process = start(args, work)
    workers: set[int] = set()
    deadline = time.monotonic() + after
    while time.monotonic() < deadline and process.poll() is None:
        workers |= children(process.pid)
        time.sleep(0.005)
    if process.poll() is not None:
        process.communicate()
        return "finished first", 0.0, ""
    process.send_signal(signum)
    sent = time.monotonic()
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return "FAILED", 60.0, "hung"
    took = time.monotonic() - sent
    said = stderr.decode(errors="replace")
    if process.returncode == 0 and took < FINISHING:
        return "finished as the signal came", took, ""  # Python was already shutting down: the run had ended
    left = [str(p) for p in work.rglob("*") if p.name.endswith(".part") or ".svexcel-" in p.name] + os.listdir(work / "tmp")
    wrong = [what for what, bad in (
        (f"exit {process.returncode}", process.returncode != 128 + signum),
        (f"{took:.1f} s to exit", took >= ENDS_WITHIN),
        ("a traceback", "Traceback" in said),
        (f"left {left}", bool(left)),
        ("a worker still running", any(alive(pid) for pid in workers)),
    ) if bad]
    if snapshot(out) == before:
        outcome = "stopped, unchanged"
    elif "had been written in full" in said:
        outcome = "stopped once in place"
    else:
        wrong.append("the output changed")
    return ("FAILED" if wrong else outcome), took, "; ".join(wrong)


def main() -> None:
    """Make the inputs, time each command once, then interrupt it --runs times; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="interrupted runs per command (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    framework = load_framework(DEFAULT_FRAMEWORK)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="svexcel-bench-") as tmp:
        root = Path(tmp)
        make_returns(framework, root / "returns", 100)
        make_deliveries(framework, root / "deliveries", 40)
        commands = {
            "batch --jobs 2 (100 returns)": (["batch", str(root / "returns"), "--out", "out", "--jobs", "2"], "out"),
            "build (100 returns, --jobs = CPUs)": (["build", "--returns", str(root / "returns"), "-o", "live.xlsm", "--force"], "live.xlsm"),
            "delivery batch --jobs 2 (40 contracts)": (["delivery", "batch", str(root / "deliveries"), "--out", "out", "--jobs", "2"], "out"),
        }
        print(f"{args.runs} interrupted runs per command, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; SIGINT and SIGTERM alternate")
        for name, (command, output) in commands.items():
            work = root / "work"
            shutil.rmtree(work, ignore_errors=True)
            (work / "tmp").mkdir(parents=True)
            first = time.monotonic()
            done = start(command, work)
            done.communicate()
            whole = time.monotonic() - first
            outcomes: Counter[str] = Counter()
            codes: Counter[int] = Counter()
            slowest = 0.0
            for run in range(args.runs):
                signum = (signal.SIGINT, signal.SIGTERM)[run % 2]
                outcome, took, wrong = interrupted_run(command, work, work / output, rng.uniform(STARTED, max(whole, STARTED)), signum)
                outcomes[outcome] += 1
                slowest = max(slowest, took)
                if outcome not in ("finished first", "finished as the signal came"):
                    codes[128 + signum if not wrong.startswith("exit") else -1] += 1
                if wrong:
                    failed += 1
                    print(f"  run {run + 1}: {outcome}: {wrong}")
            shown = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
            print(f"{name}: whole run {whole:.1f} s; {shown}; exit codes {dict(sorted(codes.items()))}; slowest exit {slowest:.2f} s")
    print("every run kept the rules" if not failed else f"{failed} run(s) broke a rule")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
