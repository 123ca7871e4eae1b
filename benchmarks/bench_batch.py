"""Batch speed and memory against the plain baseline (issue targets, printed, not asserted).

    python benchmarks/bench_batch.py [--returns 500] [--memory 200 2000]

Targets: ≥ 5× the baseline's throughput at --jobs 1; ≥ 1.8× speed-up from --jobs 1 to --jobs 2;
peak memory at 2,000 returns within 1.2× of that at 200. Both programs run as child processes of
this one, timed from start to exit (Python start-up and imports included) and measured for peak RSS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from returns import make_returns

from svexcel.framework import load_framework
from svexcel.paths import DEFAULT_FRAMEWORK

HERE = Path(__file__).resolve().parent
SVEXCEL = [sys.executable, "-m", "svexcel"]


def run(command: list[str]) -> tuple[float, float]:
    """Run a command to completion; (wall seconds, peak RSS in MiB of the largest process it ran)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def batch(returns: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Time ``svexcel batch`` on a folder."""
    return run([*SVEXCEL, "batch", str(returns), "--out", str(out), "--jobs", str(jobs)])


def main() -> None:
    """Build the returns, run everything, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--returns", type=int, default=500, help="returns for the throughput runs (default 500)")
    parser.add_argument("--memory", type=int, nargs=2, default=(200, 2000), metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    framework = load_framework(DEFAULT_FRAMEWORK)
    with tempfile.TemporaryDirectory(prefix="svexcel-bench-") as tmp:
        root = Path(tmp)
        folder = root / "returns"
        make_returns(framework, folder, args.returns)
        print(f"{args.returns} returns, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

        base_time, base_rss = run([sys.executable, str(HERE / "baseline.py"), str(folder), str(root / "baseline")])
        one_time, one_rss = batch(folder, root / "jobs1", 1)
        two_time, _ = batch(folder, root / "jobs2", 2)
        n = args.returns
        ratio = base_time / one_time
        speedup = one_time / two_time
        print(f"baseline (pandas + DocxTemplate + matplotlib): {base_time:7.2f} s  {n / base_time:7.1f} returns/s  {1000 * base_time / n:6.1f} ms/return  peak {base_rss:.0f} MiB")
        print(f"svexcel batch --jobs 1:                        {one_time:7.2f} s  {n / one_time:7.1f} returns/s  {1000 * one_time / n:6.1f} ms/return  peak {one_rss:.0f} MiB")
        print(f"svexcel batch --jobs 2:                        {two_time:7.2f} s  {n / two_time:7.1f} returns/s")
        print(f"throughput vs baseline at --jobs 1: {ratio:.1f}x   (target >= 5x: {'met' if ratio >= 5 else 'MISSED'})")
        print(f"speed-up --jobs 1 -> 2:             {speedup:.2f}x  (target >= 1.8x: {'met' if speedup >= 1.8 else 'MISSED'})")

        small, large = args.memory
        peaks = []
        for count in (small, large):
            folder = root / f"memory-{count}"
            make_returns(framework, folder, count)
            seconds, peak = batch(folder, root / f"memory-{count}-out", 1)
            peaks.append(peak)
            print(f"peak memory at {count:5d} returns (--jobs 1): {peak:6.1f} MiB  ({seconds:.1f} s, {count / seconds:.0f} returns/s)")
        growth = peaks[1] / peaks[0]
        print(f"memory growth {small} -> {large}: {growth:.2f}x  (target <= 1.2x: {'met' if growth <= 1.2 else 'MISSED'})")


if __name__ == "__main__":
    main()
