"""Run every benchmark in turn and print its figures:  python3 run.py bench"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("bench_reports.py", "bench_live.py", "bench_udf_import.py", "bench_batch.py", "bench_delivery.py")


def main() -> None:
    """Each benchmark in a fresh process, so none warms another's caches."""
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent)
        if result.returncode:
            sys.exit(result.returncode)


if __name__ == "__main__":
    main()
