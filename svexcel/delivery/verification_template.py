"""Write the verification workbook (``svexcel delivery verify``): the sampled claims, protected, with the officers'
Status and Note cells unlocked, and the hidden sheet the reader checks it against (svexcel.delivery.verification)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Finding, finding_rows
from ..excel.formats import GBP
from ..excel.protected import protect, save, validation, write, write_meta
from ..excel.styles import WRAP, header_row, heading, mark_input, print_setup, set_widths
from ..framework.model import Framework
from ..xlsx.reader import column_letter
from .claims import STATUSES, Sampled
from .verification import (
    CLAIM_COLUMNS,
    CLAIMS_COLUMN,
    COLUMNS,
    FINDINGS,
    HEADER_ROW,
    INSTRUCTIONS,
    KIND,
    SHEET,
    WHY,
    claim_row,
    locked_text,
    verification_fingerprint,
)


def write_verification_workbook(framework: Framework, sample: Sequence[Sampled], path: str | Path, *, seed: int, size: int,
                                verify_all_above: float, drawn: dt.date, findings: Sequence[Finding] = ()) -> Path:
    """Write the protected verification workbook of ``sample`` to ``path``, with ``findings`` (from reading the delivery
    workbooks: every file not used is named there) on a Findings sheet."""
    rows = [claim_row(n, s.claim) for n, s in enumerate(sample, start=1)]
    meta: dict[str, object] = {"kind": KIND, "framework_name": framework.name, "framework_version": framework.version, "seed": seed,
                               "sample": size, "verify_all_above": verify_all_above, "drawn": drawn.isoformat()}
    meta["fingerprint"] = verification_fingerprint({k: locked_text(v) for k, v in meta.items()}, [[locked_text(v) for v in row] for row in rows])
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    total = sum(s.claim.value for s in sample)
    heading(ws, "Verification of delivery claims",
            f"{framework.name}, version {framework.version}. Drawn {drawn.isoformat()} with seed {seed}: {len(sample)} claims worth "
            f"£{total:,.2f}, every claim above £{verify_all_above:,.2f} and the rest at random, chances in proportion to £.", INSTRUCTIONS)
    ws.cell(3, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(COLUMNS))
    ws.row_dimensions[3].height = 45
    header_row(ws, HEADER_ROW, COLUMNS)
    status_col, note_col = COLUMNS.index("Status") + 1, COLUMNS.index("Note") + 1
    first, last = HEADER_ROW + 1, HEADER_ROW + max(len(sample), 1)
    status = validation(ws, "list", f'"{",".join(STATUSES)}"', error_title="Status", error=f"Choose one of: {', '.join(STATUSES)}.",
                        prompt_title="Status", prompt="Verified, Not verified or Rejected (taken out of the validated figures). Blank: not checked yet.")
    status.add(f"{column_letter(status_col)}{first}:{column_letter(status_col)}{last}")
    for r, (s, row) in enumerate(zip(sample, rows, strict=True), start=first):
        c = s.claim
        shown = {**dict(zip(CLAIM_COLUMNS, row, strict=True)), "Measure": framework.measure_by_id[c.measure].name,
                 "Unit": framework.measure_by_id[c.measure].unit, "Evidence named": c.evidence or "(none named)", "Why sampled": WHY[s.why]}
        for col, name in enumerate(COLUMNS[:-2], start=1):
            write(ws, r, col, shown[name]).alignment = WRAP
        ws.cell(r, COLUMNS.index("£ claimed") + 1).number_format = GBP
        for col in (status_col, note_col):
            mark_input(ws.cell(r, col))
            ws.cell(r, col).alignment = WRAP
    set_widths(ws, {"A": 7, "B": 24, "C": 24, "D": 14, "E": 20, "F": 9, "G": 30, "H": 11, "I": 7, "J": 10, "K": 12, "L": 30, "M": 18,
                    "N": 13, "O": 40})
    ws.freeze_panes = ws.cell(first, 2)
    protect(ws, format_cells=True, sort_and_filter=True)
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    _findings_sheet(wb.create_sheet(FINDINGS), findings)
    hidden = write_meta(wb, meta)
    for r, row in enumerate(rows, start=1):
        for offset, value in enumerate(row):
            write(hidden, r, CLAIMS_COLUMN + offset, value)
    return save(wb, path)


def _findings_sheet(ws: Worksheet, findings: Sequence[Finding]) -> None:
    """What reading the delivery workbooks found, so every file not sampled from is accounted for."""
    heading(ws, "Findings from reading the delivery workbooks (files rejected or superseded are not sampled)")
    header, *rows = finding_rows(findings)
    header_row(ws, 3, header)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            write(ws, r, c, value)
    set_widths(ws, {"A": 30, "B": 10, "C": 22, "D": 10, "E": 8, "F": 100})
    protect(ws, sort_and_filter=True)


