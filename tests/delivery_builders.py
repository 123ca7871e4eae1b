"""Build delivery workbooks in tmp_path the way suppliers send them: filled in period by period, edited, broken."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from typing import Callable, Mapping, Sequence

from docx import Document
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.delivery.layout import COVER, COVER_FIRST_ROW, COVER_LABELS, DELIVERY, DELIVERY_HEADER_ROW, LEAD_COLUMNS
from svexcel.delivery.settings import load_delivery_settings
from svexcel.delivery.template import terms_from_return, write_delivery_template
from svexcel.framework.model import Framework
from svexcel.tender.return_reader import read_return

Edit = Callable[[Workbook], None]
FIRST_PERIOD_COLUMN = len(LEAD_COLUMNS) + 1
SHIPPED_SETTINGS = load_delivery_settings(DEFAULT_FRAMEWORK)[0]  # how the shipped framework's measures accrue


def blank_delivery(framework: Framework, winning_return: Path, target: Path, start: dt.date = dt.date(2026, 4, 1),
                   periods_per_year: int = 4, reference: str | None = None, starts: Mapping[str, int] | None = None) -> Path:
    """A delivery workbook made from ``winning_return``, as the officer sends it."""
    ret = read_return(winning_return, framework)
    if reference:
        ret.contract_reference = reference
    terms = terms_from_return(ret, framework, start, periods_per_year, starts=starts)
    return write_delivery_template(framework, terms, target, settings=SHIPPED_SETTINGS)


def measure_row(wb: Workbook, ident: str) -> int:
    """Row of a measure on the Delivery sheet."""
    for row in wb[DELIVERY].iter_rows(min_row=DELIVERY_HEADER_ROW + 1, min_col=1, max_col=1):
        if row[0].value == ident:
            return row[0].row
    raise KeyError(ident)


def cover_row(label: str) -> int:
    """Row of a Cover label."""
    return COVER_FIRST_ROW + COVER_LABELS.index(label)


def fill_delivery(blank: Path, target: Path, period: object, actuals: Mapping[str, Sequence[object]],
                  attestation: object = "Yes", edit: Edit | None = None) -> Path:
    """Copy ``blank`` to ``target`` and type the reporting period, attestation and each measure's figures from P1."""
    if blank != target:
        shutil.copy(blank, target)
    wb = load_workbook(target)
    wb[COVER].cell(cover_row("Reporting period"), 2, period)
    wb[COVER].cell(cover_row("Attestation"), 2, attestation)
    for ident, series in actuals.items():
        row = measure_row(wb, ident)
        for offset, value in enumerate(series):
            wb[DELIVERY].cell(row, FIRST_PERIOD_COLUMN + offset, value)
    if edit is not None:
        edit(wb)
    wb.save(target)
    return target


def complete(framework: Framework, blank: Path, upto: int, value: object = 10) -> dict[str, list[object]]:
    """Figures for every monitored measure up to period ``upto`` (Yes for yes/no measures)."""
    wb = load_workbook(blank, read_only=True)
    ws = wb[DELIVERY]
    answers: dict[str, list[object]] = {}
    for row in ws.iter_rows(min_row=DELIVERY_HEADER_ROW + 1, max_col=5, values_only=True):
        ident, committed = row[0], row[4]
        if ident in framework.measure_by_id and committed not in (None, ""):
            answers[ident] = ["Yes" if framework.measure_by_id[ident].kind == "binary" else value] * upto
    wb.close()
    return answers


def docx_text(path: Path) -> str:
    """A Word document's text: its paragraphs, then every table cell, one a line."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def notices(out: Path) -> list[dict[str, str]]:
    """The rows of a delivery batch's performance-notices.csv."""
    with (out / "performance-notices.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))
