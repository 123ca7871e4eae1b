"""Batch speed and memory against the plain baseline (issue targets, printed, not asserted).

    python benchmarks/bench_batch.py [--returns 500] [--memory 200 2000] [--repeat 3]

Targets: ≥ 5× the baseline's throughput at --jobs 1; ≥ 1.8× speed-up from --jobs 1 to --jobs 2;
peak memory at 2,000 returns within 1.2× of that at 200. Every program runs as a child process of
this one, timed from start to exit (Python start-up and imports included, best of --repeat runs)
and measured for peak RSS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from returns import make_returns

from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.framework.model import load_framework

HERE = Path(__file__).resolve().parent
SVEXCEL = [sys.executable, "-m", "svexcel"]


class Run(NamedTuple):
    """One program run to completion: wall seconds, peak RSS in MiB, and CPU seconds (user + system) it used."""

    seconds: float
    peak: float
    cpu: float


def run(command: list[str]) -> Run:
    """Run a command to completion and measure it (the peak RSS is of the largest process it ran)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return Run(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def batch(returns: Path, out: Path, jobs: int, repeat: int = 1) -> tuple[float, float]:
    """``svexcel batch`` on a folder: best wall time of ``repeat`` runs, and the peak RSS."""
    runs = [run([*SVEXCEL, "batch", str(returns), "--out", str(out), "--jobs", str(jobs)]) for _ in range(repeat)]
    return min(r.seconds for r in runs), max(r.peak for r in runs)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    """Build the returns, run everything, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--returns", type=int, default=500, help="returns for the throughput runs (default 500)")
    parser.add_argument("--memory", type=int, nargs=2, default=(200, 2000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each svexcel timing; the best counts (default 3)")
    args = parser.parse_args()
    framework = load_framework(DEFAULT_FRAMEWORK)
    n = args.returns
    with tempfile.TemporaryDirectory(prefix="svexcel-bench-") as tmp:
        root = Path(tmp)
        folder = root / "returns"
        make_returns(framework, folder, n)
        print(f"{n} returns, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; svexcel timings are the best of {args.repeat} runs")

        base_time, base_rss, _ = run([sys.executable, str(HERE / "baseline.py"), str(folder), str(root / "baseline")])
        one_time, one_rss = batch(folder, root / "jobs1", 1, args.repeat)
        two_time, _ = batch(folder, root / "jobs2", 2, args.repeat)
        ratio, speedup = base_time / one_time, one_time / two_time
        print(f"baseline (pandas + DocxTemplate + matplotlib): {base_time:7.2f} s  {n / base_time:7.1f} returns/s  {1000 * base_time / n:6.1f} ms/return  peak {base_rss:.0f} MiB")
        print(f"svexcel batch --jobs 1:                        {one_time:7.2f} s  {n / one_time:7.1f} returns/s  {1000 * one_time / n:6.1f} ms/return  peak {one_rss:.0f} MiB")
        print(f"svexcel batch --jobs 2:                        {two_time:7.2f} s  {n / two_time:7.1f} returns/s")
        print(f"throughput vs baseline at --jobs 1: {ratio:.1f}x   (target >= 5x: {verdict(ratio >= 5)})")
        print(f"speed-up --jobs 1 -> 2 at {n} returns: {speedup:.2f}x  (target >= 1.8x: {verdict(speedup >= 1.8)})")

        small, large = args.memory
        runs = {}
        for count in (small, large):
            folder = root / f"memory-{count}"
            make_returns(framework, folder, count)
            seconds, peak = runs[count] = batch(folder, root / f"memory-{count}-out", 1)
            print(f"peak memory at {count:5d} returns (--jobs 1): {peak:6.1f} MiB  ({seconds:.1f} s, {count / seconds:.0f} returns/s)")
        growth = runs[large][1] / runs[small][1]
        print(f"memory growth {small} -> {large}: {growth:.2f}x  (target <= 1.2x: {verdict(growth <= 1.2)})")
        two_large, _ = batch(folder, root / f"memory-{large}-jobs2", 2)
        print(f"speed-up --jobs 1 -> 2 at {large} returns: {runs[large][0] / two_large:.2f}x  ({two_large:.1f} s with 2 jobs)")


if __name__ == "__main__":
    main()
