"""How long Excel waits for each UDF module (``svexcel_live``, ``svexcel_monitor``) to import, and what it loads (prints figures).

Run from the repository root:  .venv/bin/python benchmarks/bench_udf_import.py
Target: importing each module after xlwings under 0.3 s. xlwings is imported first and timed apart: in Excel
the xlwings UDF server has already loaded it (with pandas, numpy and Pillow) before it imports our module.
The modules are imported from this checkout's ``udfs/`` (a wheel installs them at the top level too).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

UDFS = Path(__file__).resolve().parent.parent / "udfs"
MODULES = ("svexcel_live", "svexcel_monitor")
PROBE = """
import sys, time
start = time.perf_counter()
import xlwings
middle = time.perf_counter()
before = set(sys.modules)
import {module}
end = time.perf_counter()
added = sorted({{m.split('.')[0] for m in set(sys.modules) - before}})
print(middle - start, end - middle, ",".join(added))
"""
RUNS = 7


def main() -> None:
    """Import each module in fresh interpreters and print the median times."""
    for module in MODULES:
        xlwings_times, module_times = [], []
        added = ""
        for _ in range(RUNS):
            out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], capture_output=True, text=True, check=True,
                                 cwd=UDFS).stdout.split()
            xlwings_times.append(float(out[0]))
            module_times.append(float(out[1]))
            added = out[2] if len(out) > 2 else ""
        if module == MODULES[0]:
            print(f"import xlwings (loaded by Excel's UDF server first): {statistics.median(xlwings_times) * 1000:6.0f} ms (median of {RUNS})")
        print(f"import {module} after xlwings: {' ' * (21 - len(module))}{statistics.median(module_times) * 1000:6.0f} ms   (target < 300 ms)")
        print(f"  top-level packages it adds: {added}")


if __name__ == "__main__":
    main()
