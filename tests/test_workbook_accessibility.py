"""Every workbook svexcel writes is readable without seeing it (SPEC §10): sheets named for what they hold, each
visible sheet starting in A1 with its title (or, holding one table, that table's header row), and every chart with a
title and alternative text. The workbooks come from the commands themselves (tests/written.py)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from written import KINDS

from svexcel.xlsx.reader import Workbook

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
DEFAULT_NAME = re.compile(r"^(Sheet|Feuil|Tabelle|Hoja)\d*$", re.IGNORECASE)
WORKBOOK_KINDS = [kind for kind, where in KINDS.items() if where.endswith((".xlsx", ".xlsm"))]


def sheet_states(path: Path) -> dict[str, str]:
    """Each sheet's name and state (visible, hidden or veryHidden), in workbook order."""
    with zipfile.ZipFile(path) as package:
        root = ElementTree.fromstring(package.read("xl/workbook.xml"))
    return {s.get("name", ""): s.get("state", "visible") for s in root.iterfind("main:sheets/main:sheet", NS)}


def chart_problems(path: Path) -> list[str]:
    """Each chart without a title, and each drawn object (chart or picture) without alternative text."""
    problems = []
    with zipfile.ZipFile(path) as package:
        for name in sorted(n for n in package.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)):
            root = ElementTree.fromstring(package.read(name))
            for props in root.iterfind(".//xdr:cNvPr", NS):
                if not (props.get("descr") or "").strip():
                    problems.append(f"{name}: '{props.get('name')}' has no alternative text")
        for name in sorted(n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            chart = ElementTree.fromstring(package.read(name)).find("c:chart", NS)
            deleted = chart.find("c:autoTitleDeleted", NS) if chart is not None else None
            title = chart.find("c:title", NS) if chart is not None else None
            text = "".join(t.text or "" for t in title.iterfind(".//a:t", NS)) if title is not None else ""
            if not text.strip() or (deleted is not None and deleted.get("val") in ("1", "true")):
                problems.append(f"{name}: the chart has no title")
    return problems


@pytest.mark.parametrize("kind", WORKBOOK_KINDS)
def test_every_workbook_names_its_sheets_titles_them_in_a1_and_describes_its_charts(written: Path, kind: str) -> None:
    files = sorted(written.glob(KINDS[kind]))
    assert files, f"no {kind} at {KINDS[kind]}"
    problems = []
    for path in files:
        where = path.relative_to(written)
        states = sheet_states(path)
        problems += [f"{where}: sheet '{name}' has a default name" for name in states if DEFAULT_NAME.match(name)]
        with Workbook(path) as book:
            for name in (n for n, state in states.items() if state == "visible"):
                sheet = book.sheet(name)
                first = sheet.cells.get((1, 1)) if sheet is not None else None
                if first is None or first.value in (None, ""):
                    problems.append(f"{where}: sheet '{name}' does not start in A1 with a title or its table's header row")
        problems += [f"{where}: {p}" for p in chart_problems(path)]
    assert not problems, "\n".join(problems)


def test_the_checks_see_a_missing_title_and_missing_alternative_text(written: Path, tmp_path: Path) -> None:
    """Not blind: a chart's title and alternative text removed, and A1 cleared, are each reported."""
    source = next(p for p in sorted(written.glob(KINDS["live workbook (build)"])))
    spoilt = tmp_path / "spoilt.xlsm"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(spoilt, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if re.fullmatch(r"xl/drawings/drawing\d+\.xml", item):
                data = re.sub(rb' descr="[^"]*"', b"", data)
            if re.fullmatch(r"xl/charts/chart\d+\.xml", item):
                data = re.sub(rb"<(c:)?title>.*?</(c:)?title>", b"", data, flags=re.S)
            zout.writestr(item, data)
    problems = chart_problems(spoilt)
    assert any("no alternative text" in p for p in problems) and any("no title" in p for p in problems)
