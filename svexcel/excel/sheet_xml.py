"""Grids written straight into a saved package's sheet XML, every formula with its cached value.

openpyxl builds an object per cell, about 20 µs to create and save; a workbook of 2,000 returns holds some
300,000 grid cells. So openpyxl saves each grid sheet with only its look (styled cells, column formats, merges,
validation, charts) and ``write_grids`` then puts the grid into the sheet's XML in one pass: formulas with the
value the engine computed cached, text as inline strings (never a formula), numbers as numbers. A cell takes
the style openpyxl gave it, else its column's style, as Excel gives a typed cell its column's format.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from ..core.formatting import clipped
from ..core.text import xml_safe
from ..xlsx.reader import column_letter, parse_ref
from .charts import chart_title, describe_charts, drawing_charts
from .grid import Formula, Grid

Cached = float | str | None
Values = dict[str, dict[tuple[int, int], Cached]]
_Written = tuple[str, str, bool]  # a cell's style attribute, its XML, and whether it holds a value

_SHEET_DATA = re.compile(r"<sheetData>(.*)</sheetData>|<sheetData\s*/>", re.S)
_ROW = re.compile(r'<row r="(\d+)"([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_STYLE = re.compile(r'\ss="(\d+)"')
_COL = re.compile(r"<col\s([^>]*?)/?>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
MAX_CELL_TEXT = 32_767  # characters in one cell, as Excel allows
_DRAWING = re.compile(r"xl/drawings/drawing\d+\.xml")


def write_grids(path: Path, grids: Sequence[Grid], values: Mapping[str, Mapping[tuple[int, int], Cached]],
                chart_descriptions: Mapping[str, str] = {}) -> None:
    """Rewrite the saved package at ``path`` with each grid in its sheet (``values`` caches formula results by (row, col))
    and each chart described for those who cannot see it (``chart_descriptions`` by chart title), in one pass."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
        parts = package_sheets(z)
    by_part = {parts[grid.sheet]: grid for grid in grids}
    contents = {info.filename: data for info, data in items}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            grid = by_part.get(info.filename)
            if grid is not None:
                data = sheet_with_grid(data.decode("utf-8"), grid, values.get(grid.sheet, {})).encode("utf-8")
            elif chart_descriptions and _DRAWING.fullmatch(info.filename):
                data = _described(info.filename, data, contents, chart_descriptions)
            z.writestr(info, data)


def _described(part: str, data: bytes, contents: Mapping[str, bytes], descriptions: Mapping[str, str]) -> bytes:
    """A drawing part with its charts' alternative text, each found by its chart's title."""
    rels = contents.get(posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"), b"")
    charts = drawing_charts(part, rels.decode("utf-8"))
    titles = {rid: chart_title(contents[chart].decode("utf-8")) for rid, chart in charts.items() if chart in contents}
    return describe_charts(data.decode("utf-8"), titles, descriptions).encode("utf-8")


def sheet_with_grid(xml: str, grid: Grid, values: Mapping[tuple[int, int], Cached]) -> str:
    """A worksheet part's XML with the grid's cells merged into what openpyxl wrote there (styles kept)."""
    match = _SHEET_DATA.search(xml)
    if match is None:
        raise ValueError(f"sheet {grid.sheet!r} has no sheetData")
    written = _written_rows(match.group(1) or "")
    column_styles = _column_styles(xml)
    rows: list[str] = []
    last_row = width = 0
    grid_rows = {r: row for r, row in enumerate(grid.rows, start=1) if any(v is not None for v in row)}
    for r in sorted(grid_rows.keys() | written.keys()):
        attrs, cells = written.get(r, ("", {}))
        for c, value in enumerate(grid_rows.get(r, ()), start=1):
            if value is None:
                continue
            style, _, has_value = cells.get(c, (column_styles.get(c, ""), "", False))
            if has_value:
                raise ValueError(f"{grid.sheet}!{column_letter(c)}{r} holds a value from openpyxl and from the grid")
            cells[c] = (style, _cell_xml(f"{column_letter(c)}{r}", style, value, values.get((r, c))), True)
        if cells:
            width = max(width, max(cells))
        last_row = r
        rows.append(f'<row r="{r}"{attrs}>' + "".join(cells[c][1] for c in sorted(cells)) + "</row>")
    data = "<sheetData>" + "".join(rows) + "</sheetData>"
    xml = xml[:match.start()] + data + xml[match.end():]
    extent = f"A1:{column_letter(max(width, 1))}{max(last_row, 1)}"
    return _DIMENSION.sub(f'<dimension ref="{extent}"/>', xml, count=1)


def _written_rows(sheet_data: str) -> dict[int, tuple[str, dict[int, _Written]]]:
    """Row -> (its attributes, column -> the cell) as openpyxl wrote them."""
    rows: dict[int, tuple[str, dict[int, _Written]]] = {}
    for row in _ROW.finditer(sheet_data):
        cells: dict[int, _Written] = {}
        for cell in _CELL.finditer(row.group(3) or ""):
            style = _STYLE.search(cell.group(2))
            cells[parse_ref(cell.group(1))[1]] = (f' s="{style.group(1)}"' if style else "", cell.group(0), bool(cell.group(3)))
        rows[int(row.group(1))] = (row.group(2), cells)
    return rows


def _column_styles(xml: str) -> dict[int, str]:
    """Column -> the ``s`` attribute its ``<col style>`` gives to cells written without a style of their own."""
    styles: dict[int, str] = {}
    for col in _COL.finditer(xml):
        attrs = dict(_ATTR.findall(col.group(1)))
        if "style" in attrs:
            for c in range(int(attrs["min"]), int(attrs["max"]) + 1):
                styles[c] = f' s="{attrs["style"]}"'
    return styles


def _cell_xml(ref: str, style: str, value: Formula | str | float, cached: Cached) -> str:
    """One cell: a formula with its cached value, text as an inline string, or a number."""
    if isinstance(value, Formula):
        formula = f"<f>{escape(value[1:])}</f>"
        if cached is None:
            return f'<c r="{ref}"{style}>{formula}</c>'
        if isinstance(cached, str):
            return f'<c r="{ref}"{style} t="str">{formula}<v>{_text(cached)}</v></c>'
        return f'<c r="{ref}"{style}>{formula}<v>{_number(cached)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    return f'<c r="{ref}"{style}><v>{_number(value)}</v></c>'


def _text(text: str) -> str:
    """Text as element content: XML-escaped, forbidden characters removed, ``_xHHHH_`` kept literal for Excel, at most the
    characters a cell holds (Excel repairs away a longer one)."""
    text = escape(clipped(xml_safe(text), MAX_CELL_TEXT))
    return _EXCEL_ESCAPE.sub(r"_x005F_\1", text) if "_x" in text else text


def _number(value: float) -> str:
    """A finite number as a cell value."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} cannot be written to a cell")
    return repr(number)


def package_sheets(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip part of a saved workbook package."""
    book = z.read("xl/workbook.xml").decode("utf-8")
    rels_xml = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    names = {unescape(n): rid for n, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book)}
    rels = {}
    for rel in re.findall(r"<Relationship [^>]*/>", rels_xml):
        rid, target = re.search(r'Id="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
        if rid and target:
            rels[rid.group(1)] = target.group(1)
    return {name: rels[rid].lstrip("/") if rels[rid].startswith("/") else "xl/" + rels[rid] for name, rid in names.items()}
