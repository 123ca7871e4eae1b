"""Build return workbooks in tmp_path the way people produce them: filled in, edited, broken."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Callable

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from svexcel.core.findings import Finding
from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.excel.protected import put
from svexcel.framework.model import Framework, load_framework
from svexcel.panel.marks import read_marks
from svexcel.tender.quality import Quality
from svexcel.tender.return_layout import COMMITMENTS, COVER, COVER_FIRST_ROW

Edit = Callable[[Workbook], None]


def default_quantities(framework: Framework) -> dict[str, object]:
    """A complete, valid answer for every measure (Yes for binary, 10 otherwise)."""
    return {m.id: "Yes" if m.kind == "binary" else 10 for m in framework.measures}


def quantity_row(wb: Workbook, measure_id: str) -> int:
    """Row of a measure on the Commitments sheet."""
    for row in wb[COMMITMENTS].iter_rows(min_col=1, max_col=1):
        if row[0].value == measure_id:
            return row[0].row
    raise KeyError(measure_id)


def make_return(
    blank: Path, target: Path, framework: Framework, quantities: dict[str, object] | None = None,
    organisation: str = "Test Co-op", contract_value: object = 1_000_000, edit: Edit | None = None,
) -> Path:
    """Copy the blank template to ``target``, fill it in, apply ``edit`` and save."""
    shutil.copy(blank, target)
    wb = load_workbook(target)
    cover = wb[COVER]
    put(cover.cell(COVER_FIRST_ROW, 2), organisation)  # as typed: '=1+1 stays text
    cover.cell(COVER_FIRST_ROW + 1, 2, "REF-1")
    cover.cell(COVER_FIRST_ROW + 2, 2, contract_value)
    cover.cell(COVER_FIRST_ROW + 3, 2, 3)
    cover.cell(COVER_FIRST_ROW + 4, 2, "someone@example.org")
    for offset, value in enumerate(("1 High Street, Oxford OX1 1AA", "bids@example.org", "PUK-0001"), start=5):
        cover.cell(COVER_FIRST_ROW + offset, 2, value)
    answers = default_quantities(framework) | (quantities or {})
    for measure_id, value in answers.items():
        row = quantity_row(wb, measure_id)
        wb[COMMITMENTS].cell(row, 6, value)
        wb[COMMITMENTS].cell(row, 7, f"Evidence for {measure_id}")
    if edit is not None:
        edit(wb)
    wb.save(target)
    return target


def framework_with_texts(path: Path, texts: dict[tuple[str, int, str], str]) -> Path:
    """A copy of the shipped framework at ``path`` with some cells' text replaced, keyed by (sheet, data row, column name):
    a finance officer may type anything, e.g. a counting rule that starts with '='."""
    wb = load_workbook(DEFAULT_FRAMEWORK)
    for (sheet, row, column), text in texts.items():
        header = [c.value for c in wb[sheet][1]]
        put(wb[sheet].cell(row + 1, header.index(column) + 1), text)
    wb.save(path)
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part name of a worksheet."""
    with zipfile.ZipFile(path) as z:
        sheets = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', z.read("xl/workbook.xml").decode())
        rels_xml = z.read("xl/_rels/workbook.xml.rels").decode()
    rels = {}
    for rel in re.findall(r"<Relationship [^>]*/>", rels_xml):
        rid = re.search(r'Id="([^"]+)"', rel).group(1)
        target = re.search(r'Target="([^"]+)"', rel).group(1)
        rels[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return next(rels[rid] for name, rid in sheets if name == sheet)


def rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML part of the package in place, as a hand-edited or tampered file would be."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    assert part in {info.filename for info, _ in items}, f"{path.name} has no part {part}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)


def set_cached_value(path: Path, sheet: str, ref: str, value: object, cell_type: str = "n") -> None:
    """Give a formula cell written by openpyxl the cached value Excel would have saved (type e for errors)."""
    rewrite_part(path, sheet_part(path, sheet), lambda xml: re.sub(
        rf'<c r="{ref}"([^>]*)>\s*<f>(.*?)</f>\s*<v\s*/?>(</v>)?',
        rf'<c r="{ref}" t="{cell_type}"\1><f>\2</f><v>{value}</v>', xml))


def quality_of(path: Path) -> Quality:
    """The marks in a quality file (any kind), its findings and pins, read with the shipped framework, as build takes them."""
    return read_marks(path, load_framework(DEFAULT_FRAMEWORK))


def located(findings: list[Finding], *severities: str) -> list[tuple[str, str, str]]:
    """Findings as (sheet, cell, type), optionally only some severities."""
    return [(f.sheet, f.cell, f.type) for f in findings if not severities or f.severity in severities]
