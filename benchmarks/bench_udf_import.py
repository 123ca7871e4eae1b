"""How long Excel waits for the UDF module ``svexcel_live`` to import, and what it loads (prints figures).

Run from the repository root:  .venv/bin/python benchmarks/bench_udf_import.py
Target: importing svexcel_live after xlwings under 0.3 s. xlwings is imported first and timed apart: in Excel
the xlwings UDF server has already loaded it (with pandas, numpy and Pillow) before it imports our module.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

PROBE = """
import sys, time
start = time.perf_counter()
import xlwings
middle = time.perf_counter()
before = set(sys.modules)
import svexcel_live
end = time.perf_counter()
added = sorted({m.split('.')[0] for m in set(sys.modules) - before})
print(middle - start, end - middle, ",".join(added))
"""
RUNS = 7


def main() -> None:
    """Import in fresh interpreters and print the median times."""
    xlwings_times, module_times = [], []
    added = ""
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
        xlwings_times.append(float(out[0]))
        module_times.append(float(out[1]))
        added = out[2] if len(out) > 2 else ""
    print(f"import xlwings (loaded by Excel's UDF server first): {statistics.median(xlwings_times) * 1000:6.0f} ms (median of {RUNS})")
    print(f"import svexcel_live after xlwings:                    {statistics.median(module_times) * 1000:6.0f} ms   (target < 300 ms)")
    print(f"top-level packages it adds: {added}")


if __name__ == "__main__":
    main()
