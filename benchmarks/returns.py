"""Make N realistic, varied returns for benchmarks: filled from the template with seeded random answers."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from svexcel.framework.model import Framework
from svexcel.tender.return_layout import COMMITMENTS, COVER, COVER_FIRST_ROW, NARRATIVE
from svexcel.tender.return_template import write_return_template

DISTINCT = 40  # distinct returns; the rest are copies under other names


def _answer(rng: random.Random, kind: str, unit: str) -> object:
    if rng.random() < 0.1:
        return None
    if kind == "binary":
        return rng.choice(["Yes", "No"])
    scale = {"GBP": 50_000, "FTE-years": 20, "hours": 1_000, "person-hours": 2_000, "headcount": 80}.get(unit, 10)
    return round(rng.uniform(0, scale), 1)


def make_returns(framework: Framework, folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write ``n`` returns into ``folder`` (``return-0001.xlsx`` …) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        template = write_return_template(framework, Path(tmp) / "template.xlsx")
        distinct = []
        for i in range(min(n, DISTINCT)):
            wb = load_workbook(template)
            for offset, value in enumerate((f"Bidder {i + 1} Ltd", f"REF-{i}", rng.randint(2, 50) * 100_000, 3, "bids@example.org")):
                wb[COVER].cell(COVER_FIRST_ROW + offset, 2, value)
            for row in wb[COMMITMENTS].iter_rows(min_row=5):
                measure = framework.measure_by_id.get(row[0].value)
                if measure is not None:
                    row[5].value = _answer(rng, measure.kind, measure.unit)
                    row[6].value = f"Evidence of {measure.id} from bidder {i + 1}"
            for row in wb[NARRATIVE].iter_rows(min_row=4):
                row[2].value = f"How bidder {i + 1} will deliver {row[1].value}: a plan with named staff and milestones."
            path = folder / f"return-{i + 1:04d}.xlsx"
            wb.save(path)
            distinct.append(path)
    paths = list(distinct)
    for i in range(len(distinct), n):
        path = folder / f"return-{i + 1:04d}.xlsx"
        shutil.copyfile(distinct[i % len(distinct)], path)
        paths.append(path)
    return paths
