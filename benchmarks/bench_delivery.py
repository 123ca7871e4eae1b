"""Delivery batch speed and memory against the plain baseline (issue 9 targets, printed, not asserted).

    python benchmarks/bench_delivery.py [--contracts 500] [--memory 200 2000] [--repeat 3]

Targets: ``svexcel delivery batch --jobs 1`` ≥ 12× the throughput of a plain loop (pandas + a fresh DocxTemplate +
matplotlib, same report) on 500 contracts of 12 periods; peak memory at 2,000 contracts within 1.2× of that at 200.
Each program runs as a child process, timed from start to exit (best of --repeat runs) and measured for peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench_batch import SVEXCEL, Run, run, verdict
from deliveries import make_deliveries

from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.framework.model import load_framework

HERE = Path(__file__).resolve().parent


def delivery_batch(folder: Path, out: Path, jobs: int, repeat: int = 1) -> tuple[float, float]:
    """``svexcel delivery batch`` on a folder: best wall time of ``repeat`` runs, and the peak RSS."""
    runs = [delivery_run(folder, out, jobs) for _ in range(repeat)]
    return min(r.seconds for r in runs), max(r.peak for r in runs)


def delivery_run(folder: Path, out: Path, jobs: int) -> Run:
    """One ``svexcel delivery batch`` run, measured."""
    return run([*SVEXCEL, "delivery", "batch", str(folder), "--out", str(out), "--jobs", str(jobs)])


def main() -> None:
    """Build the delivery workbooks, run everything, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=500, help="contracts for the throughput runs (default 500)")
    parser.add_argument("--memory", type=int, nargs=2, default=(200, 2000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the baseline and svexcel, run in turn; the best of each counts (default 2)")
    args = parser.parse_args()
    framework = load_framework(DEFAULT_FRAMEWORK)
    n = args.contracts
    with tempfile.TemporaryDirectory(prefix="svexcel-bench-delivery-") as tmp:
        root = Path(tmp)
        folder = root / "deliveries"
        make_deliveries(framework, folder, n)
        print(f"{n} contracts of 12 periods, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; baseline and svexcel run in turn, "
              f"best of {args.repeat} each (a busy machine slows both alike)")
        bases, ones = [], []
        for _ in range(args.repeat):
            shutil.rmtree(root / "baseline", ignore_errors=True)
            bases.append(run([sys.executable, str(HERE / "delivery_baseline.py"), str(folder), str(root / "baseline")]))
            made = len(list((root / "baseline").glob("*.docx")))
            if made != n:
                sys.exit(f"the baseline wrote {made} of {n} reports: is the bench extra installed (pip install -e .[bench])?")
            ones.append(delivery_run(folder, root / "jobs1", 1))
        base_time, base_rss, base_cpu = min(r.seconds for r in bases), max(r.peak for r in bases), min(r.cpu for r in bases)
        one_time, one_rss, one_cpu = min(r.seconds for r in ones), max(r.peak for r in ones), min(r.cpu for r in ones)
        ratio = base_time / one_time
        print(f"baseline (pandas + DocxTemplate + matplotlib): {base_time:7.2f} s  {n / base_time:7.1f} contracts/s  {1000 * base_time / n:6.1f} ms/contract  peak {base_rss:.0f} MiB")
        print(f"svexcel delivery batch --jobs 1:               {one_time:7.2f} s  {n / one_time:7.1f} contracts/s  {1000 * one_time / n:6.1f} ms/contract  peak {one_rss:.0f} MiB")
        print(f"throughput vs baseline at --jobs 1: {ratio:.1f}x   (target >= 12x: {verdict(ratio >= 12)})")
        print(f"CPU time (user + system, which other programs on a busy machine move least): baseline {1000 * base_cpu / n:.1f} ms/contract, "
              f"svexcel {1000 * one_cpu / n:.1f} ms/contract: {base_cpu / one_cpu:.1f}x")
        small, large = args.memory
        runs = {}
        for count in (small, large):
            folder = root / f"memory-{count}"
            make_deliveries(framework, folder, count)
            seconds, peak = runs[count] = delivery_batch(folder, root / f"memory-{count}-out", 1)
            print(f"peak memory at {count:5d} contracts (--jobs 1): {peak:6.1f} MiB  ({seconds:.1f} s, {count / seconds:.0f} contracts/s)")
        growth = runs[large][1] / runs[small][1]
        print(f"memory growth {small} -> {large}: {growth:.2f}x  (target <= 1.2x: {verdict(growth <= 1.2)})")


if __name__ == "__main__":
    main()
