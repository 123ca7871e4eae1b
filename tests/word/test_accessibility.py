"""Every Word output of the demo meets the published-documents rules (SPEC §10), and the checker sees each failure.

Rules (svexcel/word/accessibility.py): a title and the en-GB language in the properties; one Heading 1 and
heading levels in order; alternative text on every picture, a chart's stating its figures; data tables with a
repeating, named header row and no merged cells in data rows; no meaning by colour alone; text at least 10 pt
outside page headers and footers; contrast at least 4.5:1 (3:1 for large text) from the template's colours.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.dml import MSO_THEME_COLOR
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from project import ROOT

from svexcel.cli.main import main
from svexcel.core.formatting import money, percent
from svexcel.core.paths import DEFAULT_FRAMEWORK
from svexcel.delivery.engine import monitor
from svexcel.delivery.reader import read_delivery
from svexcel.delivery.settings import load_delivery_settings
from svexcel.framework.model import Framework
from svexcel.word.accessibility import RULES, check_docx

OUTPUTS = {
    "evaluation reports": "reports/*.docx",
    "comparison report": "comparison.docx",
    "assessment summaries": "assessment-summaries/*.docx",
    "delivery reports": "delivery/reports/*.docx",
    "portfolio report": "delivery/portfolio.docx",
}
TITLES = {"evaluation reports": "Social value evaluation: ", "comparison report": "Social value comparison: ",
          "assessment summaries": "Assessment summary: ", "delivery reports": "Social value delivery: ",
          "portfolio report": "Social value delivery: portfolio"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y") / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("kind", OUTPUTS)
def test_every_word_output_of_the_demo_meets_every_rule(demo: Path, kind: str) -> None:
    files = sorted(demo.glob(OUTPUTS[kind]))
    assert files
    for path in files:
        assert [(p.rule, p.place, p.message) for p in check_docx(path)] == [], path.name
        doc = Document(str(path))
        assert doc.core_properties.title.startswith(TITLES[kind]) and doc.core_properties.language == "en-GB"
        levels = [p.style.name for p in doc.paragraphs if p.style.name.startswith("Heading")]
        assert levels[0] == "Heading 1" and levels.count("Heading 1") == 1 and "Heading 2" in levels


def test_charts_state_their_figures(demo: Path, framework: Framework) -> None:
    """Each chart's alternative text holds every figure it draws, in the order drawn."""
    results = {r["file"]: r for r in json.loads((demo / "results.json").read_text())["returns"]}
    for path in (demo / "reports").glob("*.docx"):
        record = next(r for r in results.values() if r.get("report") == f"reports/{path.name}")
        best = {t.id: max(r["themes"][t.id]["score"] for r in results.values() if r["status"] == "scored") for t in framework.themes}
        expected = "; ".join(f"{t.name} {percent(record['themes'][t.id]['score'])} (best offer {percent(best[t.id])})" for t in framework.themes)
        assert expected in _alts(path)[0]
    comparison = _alts(demo / "comparison.docx")[0]
    ranked = sorted((r for r in results.values() if r["status"] == "scored"), key=lambda r: r["rank"])
    for t in framework.themes:
        assert f"{t.name}: " + ", ".join(f"{r['rank']}. {r['organisation']} {percent(r['themes'][t.id]['score'])}" for r in ranked) in comparison
    settings = load_delivery_settings(DEFAULT_FRAMEWORK)[0]
    for file, reference in (("hillside-delivery.xlsx", "HC-2026-014"), ("riverside-delivery.xlsx", "HC-2026-021")):
        read = read_delivery(ROOT / "workbooks" / "delivery-samples" / file, framework)
        figures = monitor(framework, settings, read.commitments, read.actuals, read.period, read.periods)
        alt = _alts(demo / "delivery" / "reports" / f"{reference}.docx")[0]
        delivered = "; ".join(f"P{p} {money(v)}" for p, v in enumerate(figures.benefit_delivered_by_period, 1))
        expected = "; ".join(f"P{p} {money(v)}" for p, v in enumerate(figures.benefit_expected_by_period, 1))
        assert f"Delivered to date: {delivered}. Expected: {expected}." in alt and len(figures.benefit_expected_by_period) == 12


def _alts(path: Path) -> list[str]:
    """The alternative text of every picture in a document, in order."""
    return [shape._inline.docPr.get("descr") for shape in Document(str(path)).inline_shapes]


def test_rag_and_ratings_are_words(demo: Path) -> None:
    for path in (demo / "delivery" / "reports").glob("*.docx"):
        for table in Document(str(path)).tables:
            headers = [c.text for c in table.rows[0].cells]
            if "RAG" in headers:
                column = headers.index("RAG")
                assert {row.cells[column].text for row in table.rows[1:]} <= {"Green", "Amber", "Red", "Not yet due"}  # a measure before its first period
    ratings = {"Good", "Approaching target", "Requires improvement", "Inadequate"}
    portfolio = Document(str(demo / "delivery" / "portfolio.docx"))
    table = next(t for t in portfolio.tables if [c.text for c in t.rows[0].cells][:2] == ["Rating", "Contract"])
    assert {row.cells[0].text for row in table.rows[1:]} <= ratings and len(table.rows) == 4


# ------------------------------------------------------------------ the checker is not blind


def _spoil_part(part: str, pattern: str, replacement: str) -> Callable[[bytes], bytes]:
    def spoil(data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
            for name in zin.namelist():
                text = zin.read(name)
                if name == part:
                    changed = re.sub(pattern.encode(), replacement.encode(), text, count=1)
                    assert changed != text, f"{pattern} not in {part}"
                    text = changed
                zout.writestr(name, text)
        return out.getvalue()
    return spoil


def _spoil_doc(change: Callable[..., object]) -> Callable[[bytes], bytes]:
    def spoil(data: bytes) -> bytes:
        doc = Document(io.BytesIO(data))
        change(doc)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    return spoil


def _shade(cell: object, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)  # type: ignore[attr-defined]


def _blank_shaded(doc: object) -> None:
    cell = doc.tables[0].rows[1].cells[1]  # type: ignore[attr-defined]
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.text = ""
    _shade(cell, "C00000")


def _red_dot(doc: object) -> None:
    run = doc.paragraphs[3].add_run(" ●")  # type: ignore[attr-defined]
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _themed(doc: object) -> None:
    run = doc.paragraphs[3].runs[0]  # type: ignore[attr-defined]
    run.font.color.theme_color = MSO_THEME_COLOR.ACCENT_1  # 4F81BD in the theme: 3.9:1 on white


SPOILERS = {
    "title": _spoil_part("docProps/core.xml", r"<dc:title>[^<]*</dc:title>", "<dc:title></dc:title>"),
    "language": _spoil_part("docProps/core.xml", r"<dc:language>en-GB</dc:language>", "<dc:language>en-US</dc:language>"),
    "headings": _spoil_part("word/document.xml", r'w:val="Heading2"', 'w:val="Heading1"'),
    "headings skipped": _spoil_part("word/document.xml", r'w:val="Heading2"', 'w:val="Heading3"'),
    "alt-text": _spoil_part("word/document.xml", r'descr="[^"]*"', 'descr=""'),
    "table-header": _spoil_part("word/document.xml", r"<w:tblHeader/>", ""),
    "merged-cells": _spoil_doc(lambda doc: doc.tables[0].rows[2].cells[0].merge(doc.tables[0].rows[2].cells[1])),
    "colour-only": _spoil_doc(_blank_shaded),
    "colour-only mark": _spoil_doc(_red_dot),
    "text-size": _spoil_doc(lambda doc: setattr(doc.styles["Note"].font, "size", Pt(9))),
    "contrast": _spoil_doc(lambda doc: setattr(doc.styles["Normal"].font.color, "rgb", RGBColor(0x99, 0x99, 0x99))),
    "contrast of a theme colour": _spoil_doc(_themed),
    "contrast on a cell's fill": _spoil_doc(lambda doc: _shade(doc.tables[0].rows[1].cells[1], "1F4E79")),
}


@pytest.mark.parametrize("spoiler", SPOILERS)
def test_the_checker_finds_each_rule_broken(demo: Path, spoiler: str) -> None:
    problems = check_docx(SPOILERS[spoiler]((demo / "comparison.docx").read_bytes()))
    rule = "accessibility-" + spoiler.split()[0]
    assert rule in RULES and {p.rule for p in problems} == {rule}
    assert all(p.place and p.message for p in problems)
