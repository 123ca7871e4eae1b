"""Speed of the live workbook: the score-table UDF's Python side and ``svexcel build`` (prints figures).

Run from the repository root:  .venv/bin/python benchmarks/bench_live.py
Targets: sv_scores on 50 returns × 24 measures under 50 ms; build_from_folder with 200 returns under 5 s.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import svexcel_live
from openpyxl import load_workbook

from svexcel.framework import SHEET_COLUMNS, Framework, load_framework
from svexcel.framework_sheets import framework_rows
from svexcel.live.layout import LiveLayout
from svexcel.live.workbook import build_from_folder, read_folder
from svexcel.paths import DEFAULT_FRAMEWORK, SAMPLES
from svexcel.return_layout import COMMITMENT_HEADER_ROW, COMMITMENTS
from svexcel.return_reader import Return

UDF_RETURNS = 50
BUILD_RETURNS = 200


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


def main() -> None:
    """Print the figures."""
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
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "returns"
        folder.mkdir()
        write_return_files(folder, BUILD_RETURNS, rng)
        start = time.perf_counter()
        summary = build_from_folder(None, Path(tmp) / "live.xlsm", folder)
        elapsed = time.perf_counter() - start
        size = summary.path.stat().st_size / 1e6
    print(f"build_from_folder with {len(summary.scored)} returns: {elapsed:.2f} s, {size:.1f} MB   (target < 5 s)")


if __name__ == "__main__":
    main()
