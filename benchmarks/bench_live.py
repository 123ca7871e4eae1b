"""Speed of the live workbook: the UDFs' Python side, ``svexcel build`` and a LibreOffice recalculation (prints figures).

Run from the repository root:  .venv/bin/python benchmarks/bench_live.py [--sizes 500,2000]
Targets: sv_scores on 50 returns × 24 measures under 50 ms; build of 2,000 returns under 20 s; LibreOffice
recalculation of 2,000 returns under 15 s (one soffice call: start-up, load, recalculate every formula). Saving the
recalculated workbook as .xlsx is timed as well, in its own call.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Callable

import openpyxl
import svexcel_live
from openpyxl import load_workbook

from svexcel.core.paths import DEFAULT_FRAMEWORK, SAMPLES
from svexcel.framework.model import SHEET_COLUMNS, Framework, load_framework
from svexcel.framework.sheets import framework_rows
from svexcel.tender.live.layout import LiveLayout
from svexcel.tender.live.workbook import build_from_folder, read_folder
from svexcel.tender.return_layout import COMMITMENT_HEADER_ROW, COMMITMENTS
from svexcel.tender.return_reader import Return

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from libreoffice import convert  # noqa: E402  (the tests' LibreOffice driver: a fresh profile that recalculates on load)

from svexcel.xlsx.reader import Workbook  # noqa: E402

UDF_RETURNS = 50
JOBS = os.cpu_count() or 1  # svexcel build's default
SIZES = (500, 2000)


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``fn`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def varied_returns(framework: Framework, count: int, rng: random.Random) -> list[Return]:
    """``count`` returns with the samples' quantities scaled at random (blanks stay blank)."""
    samples = [r for r in read_folder(framework, SAMPLES) if not r.rejected]
    out = []
    for i in range(count):
        base = samples[i % len(samples)]
        quantities = {m: (None if q is None else q if m.startswith("PA2") else round(q * rng.uniform(0.5, 1.5), 2))
                      for m, q in base.quantities.items()}
        out.append(Return(f"return-{i:03d}.xlsx", f"{base.organisation} {i}", contract_value=base.contract_value, quantities=quantities))
    return out


def udf_tables(framework: Framework, returns: list[Return], rng: random.Random) -> list[list[list[Any]]]:
    """The six tables as Excel passes them to =sv_scores(…): header row first, None for blanks, floats for numbers."""
    scale = [q.score for q in framework.quality_scale]
    marks = {r.file: {t.id: rng.choice(scale + [None]) for t in framework.themes} for r in returns}
    layout = LiveLayout(framework, returns, marks)
    rows = framework_rows(framework)
    tables: list[list[list[Any]]] = [[list(SHEET_COLUMNS[name]) + (["note"] if name == "Settings" else []), *rows[name]]
                                     for name in ("Settings", "Themes", "Outcomes", "Measures")]
    return [[[float(v) if isinstance(v, int) else v for v in row] for row in table]
            for table in (*tables, layout.returns_grid().rows, layout.quality_grid().rows)]


def write_return_files(folder: Path, count: int, rng: random.Random) -> None:
    """``count`` return workbooks made from the samples with their quantities scaled at random."""
    sources = sorted(SAMPLES.glob("*.xlsx"))
    for i in range(count):
        wb = load_workbook(sources[i % len(sources)])
        for row in wb[COMMITMENTS].iter_rows(min_row=COMMITMENT_HEADER_ROW + 1):
            if isinstance(row[5].value, (int, float)):
                row[5].value = round(row[5].value * rng.uniform(0.5, 1.5), 2)
        wb.save(folder / f"return-{i:03d}.xlsx")


def formula_count(path: Path) -> int:
    """Number of formula cells in a saved workbook."""
    with zipfile.ZipFile(path) as z:
        return sum(z.read(n).count(b"<f>") for n in z.namelist() if n.startswith("xl/worksheets/"))


def startup_seconds() -> float:
    """One soffice call converting a one-cell workbook: the start-up part of every recalculation figure."""
    with tempfile.TemporaryDirectory() as tmp:
        wb = openpyxl.Workbook()
        wb.active["A1"] = 1
        wb.save(Path(tmp) / "empty.xlsx")
        start = time.perf_counter()
        convert([Path(tmp) / "empty.xlsx"], "xlsx", Path(tmp) / "out")
        return time.perf_counter() - start


def bench_size(count: int, rng: random.Random, startup: float) -> None:
    """Build a live workbook from ``count`` return files, then have LibreOffice recalculate it; print the times.

    The build is timed as ``svexcel build`` runs it (one reading process per CPU) and with one process. Two soffice calls: one opens the workbook, recalculates every formula and writes the Dashboard as CSV (what an
    officer waits for when opening it); the other also saves the whole workbook as .xlsx, writing every formula back.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "returns"
        folder.mkdir()
        write_return_files(folder, count, rng)
        start = time.perf_counter()
        build_from_folder(None, Path(tmp) / "serial.xlsm", folder, jobs=1)
        serial = time.perf_counter() - start
        start = time.perf_counter()
        summary = build_from_folder(None, Path(tmp) / "live.xlsm", folder, jobs=JOBS)
        build = time.perf_counter() - start
        size = summary.path.stat().st_size / 1e6
        formulas = formula_count(summary.path)
        start = time.perf_counter()
        convert([summary.path], "csv", Path(tmp) / "opened")
        recalc = time.perf_counter() - start
        start = time.perf_counter()
        recalculated = convert([summary.path], "xlsx", Path(tmp) / "recalculated")[0]
        saved = time.perf_counter() - start
        with Workbook(recalculated) as book:
            checks = book.sheet("Checks")
            failed = checks.value(3, 2) if checks is not None else "?"
    print(f"{len(summary.scored):>5} returns: svexcel build {build:6.2f} s with {JOBS} jobs, {serial:6.2f} s with 1 "
          f"({size:.1f} MB, {formulas:,} formulas); LibreOffice "
          f"open and recalculate {recalc:6.2f} s ({recalc - startup:.2f} s after start-up); open, recalculate and save as "
          f".xlsx {saved:6.2f} s; checks failing: {failed}")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of returns, e.g. 20,50")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    rng = random.Random(2026)
    framework = load_framework(DEFAULT_FRAMEWORK)
    tables = udf_tables(framework, varied_returns(framework, UDF_RETURNS, rng), rng)
    print(f"UDFs on {UDF_RETURNS} returns × {len(framework.measures)} measures (median of 30):")
    for name, call in (
        ("sv_scores", lambda: svexcel_live.sv_scores(*tables)),
        ("sv_explain", lambda: svexcel_live.sv_explain("return-007.xlsx", *tables)),
        ("sv_stability", lambda: svexcel_live.sv_stability(10.0, *tables)),
    ):
        print(f"  {name:<13} {timed(call, 30) * 1000:7.1f} ms" + ("   (target < 50 ms)" if name == "sv_scores" else ""))
    startup = startup_seconds()
    print("Build and recalculation (targets at 2,000 returns: build < 20 s, recalculation < 15 s); "
          f"LibreOffice start-up (a one-cell workbook) {startup:.2f} s:")
    for count in sizes:
        bench_size(count, rng, startup)


if __name__ == "__main__":
    main()
