"""This checkout against another release, run in turn on the same machine (figures printed, not asserted).

    python benchmarks/bench_releases.py --against ../svexcel-0.1.0 [--returns 500] [--contracts 500]
                                        [--build 2000] [--repeat 3]

The other checkout needs its own ``.venv`` (``python3 run.py test`` there makes it). Each side makes its own
inputs with its own generators (returns for ``batch`` and ``build``, delivery workbooks for ``delivery batch``),
so a change to a workbook's layout never makes one side refuse the other's files. The runs alternate between
the two sides, best of --repeat each, so drift in the machine's speed falls on both alike. Timed: ``batch
--jobs 1``, ``delivery batch --jobs 1``, ``build`` (its default jobs) and the UDF modules' import after xlwings.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE_INPUTS = """
import sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
try:
    from svexcel.core.paths import DEFAULT_FRAMEWORK
    from svexcel.framework.model import load_framework
except ImportError:  # releases before the banded tree
    from svexcel.paths import DEFAULT_FRAMEWORK
    from svexcel.framework import load_framework
from deliveries import make_deliveries
from returns import make_returns
framework = load_framework(DEFAULT_FRAMEWORK)
out, returns, contracts, build = Path(sys.argv[1]), *map(int, sys.argv[2:])
make_returns(framework, out / "returns", returns)
make_returns(framework, out / "build-returns", build)
make_deliveries(framework, out / "contracts", contracts)
"""
IMPORT_PROBE = """
import sys, time
import xlwings
start = time.perf_counter()
import {module}
print(time.perf_counter() - start)
"""
UDF_MODULES = ("svexcel_live", "svexcel_monitor")
RUNS = {  # the commands timed, by label; run in each side's input folder
    "batch --jobs 1": ["batch", "returns", "--out", "out-batch", "--jobs", "1"],
    "delivery batch --jobs 1": ["delivery", "batch", "contracts", "--out", "out-delivery", "--jobs", "1"],
    "build (default jobs)": ["build", "--returns", "build-returns", "-o", "live.xlsm", "--force"],
}


class Side:
    """One checkout: its Python, and the inputs it made for itself."""

    def __init__(self, name: str, root: Path, work: Path) -> None:
        self.name, self.root, self.work = name, root, work
        self.python = root / ".venv" / "bin" / "python"
        if not self.python.exists():
            raise SystemExit(f"{root} has no .venv: run `python3 run.py test` there first.")

    def make_inputs(self, returns: int, contracts: int, build: int) -> None:
        """Write this side's inputs with its own generators."""
        subprocess.run([str(self.python), "-c", MAKE_INPUTS, str(self.work), str(returns), str(contracts), str(build)],
                       cwd=self.root, check=True)

    def timed(self, *args: str) -> float:
        """Wall seconds of ``svexcel ARGS`` run to completion (exit 0 or 1: rejected inputs are still a full run)."""
        start = time.perf_counter()
        result = subprocess.run([str(self.python), "-m", "svexcel", *args], cwd=self.work, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1):
            raise SystemExit(f"{self.name}: svexcel {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
        return elapsed

    def import_time(self, module: str) -> float | None:
        """Median seconds to import a UDF module after xlwings (None where this side has no such module)."""
        runs = []
        for _ in range(7):
            result = subprocess.run([str(self.python), "-c", IMPORT_PROBE.format(module=module)], cwd=self.root,
                                    capture_output=True, text=True)
            if result.returncode:
                return None
            runs.append(float(result.stdout.split()[-1]))
        return statistics.median(runs)


def main() -> None:
    """Make both sides' inputs, time every command alternately, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, required=True, help="the other checkout (with its own .venv)")
    parser.add_argument("--returns", type=int, default=500, help="returns for batch (default 500)")
    parser.add_argument("--contracts", type=int, default=500, help="delivery workbooks for delivery batch (default 500)")
    parser.add_argument("--build", type=int, default=2000, help="returns for build (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command per side; the best counts (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="svexcel-releases-") as tmp:
        sides = [Side("this", HERE.parent, Path(tmp) / "this"), Side("other", args.against.resolve(), Path(tmp) / "other")]
        for side in sides:
            print(f"Making inputs for {side.root} ...", flush=True)
            side.make_inputs(args.returns, args.contracts, args.build)
        best: dict[tuple[str, str], float] = {}
        for round_ in range(args.repeat):
            for label, command in RUNS.items():
                for side in sides if round_ % 2 == 0 else reversed(sides):
                    elapsed = side.timed(*command)
                    best[side.name, label] = min(elapsed, best.get((side.name, label), elapsed))
        print(f"\n{'':30} {'this':>10} {'other':>10} {'change':>8}")
        for label in RUNS:
            this, other = best["this", label], best["other", label]
            print(f"{label:30} {this:9.2f}s {other:9.2f}s {100 * (this / other - 1):+7.1f}%")
        for module in UDF_MODULES:
            this_t, other_t = sides[0].import_time(module), sides[1].import_time(module)
            shown = [f"{t * 1000:8.0f}ms" if t is not None else f"{'-':>10}" for t in (this_t, other_t)]
            change = f"{100 * (this_t / other_t - 1):+7.1f}%" if this_t and other_t else ""
            print(f"{'import ' + module:30} {shown[0]} {shown[1]} {change:>8}")
        print(f"\nBest of {args.repeat} runs each, alternating sides; {args.returns} returns, {args.contracts} contracts, "
              f"{args.build} returns for build. UDF imports: median of 7 fresh interpreters, after xlwings.")


if __name__ == "__main__":
    main()
