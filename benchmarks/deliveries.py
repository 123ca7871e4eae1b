"""Make many delivery workbooks quickly for the benchmarks: three filled contracts (on track, behind, a harm over),
copied with a fresh contract reference each (patched in the package, fingerprint recomputed, so every copy is a
valid workbook of its own contract)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from svexcel.core.paths import DEFAULT_FRAMEWORK, SAMPLES
from svexcel.delivery.layout import (
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    DELIVERY,
    DELIVERY_HEADER_ROW,
    LEAD_COLUMNS,
    delivery_fingerprint,
)
from svexcel.delivery.settings import load_delivery_settings
from svexcel.delivery.template import terms_from_return, write_delivery_template
from svexcel.framework.model import Framework
from svexcel.tender.return_reader import read_return

PLACEHOLDER = "BENCH-0000000"
PATTERNS = (("hillside-community-trust", 1.02, {}), ("riverside-care-coop", 0.7, {}), ("openfields-cic", 1.0, {"WB2.1": 1.8}))


def make_deliveries(framework: Framework, folder: Path, count: int, period: int = 12) -> list[Path]:
    """``count`` delivery workbooks of 12 quarterly periods, reported up to ``period``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = load_delivery_settings(DEFAULT_FRAMEWORK)[0]
    patterns = []
    for i, (winner, factor, overrides) in enumerate(PATTERNS):
        ret = read_return(SAMPLES / f"{winner}.xlsx", framework)
        ret.contract_reference = PLACEHOLDER
        terms = terms_from_return(ret, framework, dt.date(2026, 4, 1), 4)
        path = write_delivery_template(framework, terms, folder / f".pattern-{i}.xlsx", settings=settings)
        _fill(framework, path, period, factor, overrides)
        patterns.append((path.read_bytes(), terms))
        path.unlink()
    made = []
    for n in range(count):
        data, terms = patterns[n % len(patterns)]
        reference = f"BENCH-{n:07d}"
        old = delivery_fingerprint(framework, terms)
        new = delivery_fingerprint(framework, dataclasses.replace(terms, contract_reference=reference))
        target = folder / f"contract-{n:05d}.xlsx"
        _copy(data, target, {PLACEHOLDER: reference, old: new})
        made.append(target)
    return made


def _fill(framework: Framework, path: Path, period: int, factor: float, overrides: dict[str, float]) -> None:
    """Figures for every monitored measure up to ``period``: a flow's even share × factor, a level at its commitment."""
    wb = load_workbook(path)
    wb[COVER].cell(COVER_FIRST_ROW + COVER_LABELS.index("Reporting period"), 2, period)
    wb[COVER].cell(COVER_FIRST_ROW + COVER_LABELS.index("Attestation"), 2, "Yes")
    ws = wb[DELIVERY]
    for row in ws.iter_rows(min_row=DELIVERY_HEADER_ROW + 1):
        ident, committed = row[0].value, row[4].value
        if ident not in framework.measure_by_id or committed in (None, ""):
            continue
        f = overrides.get(ident, factor)
        for p in range(period):
            value: object = committed if isinstance(committed, str) else round(float(committed) / 12 * f, 2)
            ws.cell(row[0].row, len(LEAD_COLUMNS) + 1 + p, value)
    wb.save(path)


def _copy(data: bytes, target: Path, replacements: dict[str, str]) -> None:
    """The workbook ``data`` with texts replaced in its shared strings and worksheets (openpyxl may write either)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/sharedStrings.xml" or info.filename.startswith("xl/worksheets/"):
                text = part.decode("utf-8")
                for old, new in replacements.items():
                    text = re.sub(re.escape(old), new, text)
                part = text.encode("utf-8")
            out.writestr(info, part)
