"""Check a Word document against the rules for published documents (SPEC §10; WCAG 2.2 AA as councils apply it).

``check_docx`` reads the package's XML and returns each problem with its rule, where it is (in Word's words) and
how to fix it. Text size and contrast problems that share one cause (a style, a size, a pair of colours) are
reported once, at their first place, with how many places they affect.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from lxml import etree

from ..core.catalogue import CATALOGUE
from ..core.findings import Finding, finding
from .look import Look, Styles, W, ancestors, contrast, w

LANGUAGE = "en-GB"
MIN_SIZE = 10.0  # points, for body text, tables, captions and notes
LARGE, LARGE_BOLD = 18.0, 14.0  # text this size (or bold and this size) needs less contrast
CONTRAST, LARGE_CONTRAST = 4.5, 3.0
QUOTED = 40  # characters of a paragraph quoted to say where it is
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)  # an officer's file: no entities, no fetching

RULES = ("accessibility-title", "accessibility-language", "accessibility-headings", "accessibility-alt-text",
         "accessibility-table-header", "accessibility-merged-cells", "accessibility-colour-only", "accessibility-text-size",
         "accessibility-contrast")  # finding types, each in the catalogue with its advice
CORE = {"dc": "http://purl.org/dc/elements/1.1/", "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
PART_KINDS = {"styles", "theme", "settings", "header", "footer", "footnotes", "endnotes"}
PLACEHOLDER = re.compile(r"^\s*$|\{\{|\{%|^(picture|image|chart|graphic)\s*\d*$|\.(png|jpe?g|gif|bmp|emf|wmf|svg)$", re.IGNORECASE)
WORDS = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True)
class Problem:
    """One way a document fails a rule: the rule, where (in Word's words) and what is wrong."""

    rule: str
    place: str
    message: str

    def as_finding(self, file: str) -> Finding:
        """As a warning about ``file`` (an officer's template), with the rule's advice from the catalogue."""
        return finding(self.rule, f"{self.place}: {self.message} {CATALOGUE[self.rule].advice}", file)


def check_docx(document: bytes | Path) -> list[Problem]:
    """Every problem the document has with the published-documents rules, rule by rule."""
    source = io.BytesIO(document) if isinstance(document, bytes) else document
    with zipfile.ZipFile(source) as archive:
        package = _Package(archive)
    return [*package.properties(), *package.headings(), *package.pictures(), *package.tables(), *package.text()]


class _Package:
    """The parts of a Word package the rules read."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        names = set(archive.namelist())

        def part(name: str | None) -> etree._Element | None:
            return etree.fromstring(archive.read(name), PARSER) if name and name in names else None

        main = _target(part("_rels/.rels"), OFFICE_DOCUMENT, "") or "word/document.xml"
        folder = str(PurePosixPath(main).parent)
        rels = part(f"{folder}/_rels/{PurePosixPath(main).name}.rels")
        self.parts: dict[str, list[etree._Element]] = {kind: [] for kind in PART_KINDS}
        for rel in rels.iter(f"{{{REL}}}Relationship") if rels is not None else ():
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if kind in PART_KINDS and rel.get("TargetMode") != "External":
                found = part(str(PurePosixPath(folder, rel.get("Target", ""))))
                if found is not None:
                    self.parts[kind].append(found)
        self.core = part("docProps/core.xml")
        self.document = part(main)
        if self.document is None:
            raise ValueError("not a Word document: it has no main document part")
        self.body = self.document.find(w("body"))
        background = self.document.find(w("background"))
        styles = self.parts["styles"][0] if self.parts["styles"] else None
        self.styles = Styles(styles, (self.parts["theme"] or [None])[0], (self.parts["settings"] or [None])[0],
                             background.get(w("color")) if background is not None else None)

    def properties(self) -> list[Problem]:
        """A title and the language in the document's properties, and the language of its text."""
        title = self.core.findtext("dc:title", namespaces=CORE) if self.core is not None else None
        language = self.core.findtext("dc:language", namespaces=CORE) if self.core is not None else None
        problems = []
        if not (title or "").strip() or PLACEHOLDER.search(title or ""):
            problems.append(Problem("accessibility-title", "the document's properties", f"The title is {_shown(title)}."))
        if (language or "").strip() != LANGUAGE:
            problems.append(Problem("accessibility-language", "the document's properties", f"The language is {_shown(language)}, not {LANGUAGE}."))
        lang = self.styles.default_rpr.find(w("lang")) if self.styles.default_rpr is not None else None
        text_language = lang.get(w("val")) if lang is not None else None
        if text_language != LANGUAGE:
            problems.append(Problem("accessibility-language", "the document's default text style", f"The text's language is {_shown(text_language)}, not {LANGUAGE}."))
        return problems

    def headings(self) -> list[Problem]:
        """One Heading 1, levels in order, no empty heading."""
        problems = []
        previous = 0
        firsts: list[str] = []
        for paragraph in self.body.iter(w("p")):
            level = self.styles.outline_level(paragraph)
            if level is None:
                continue
            place = self._paragraph_place(paragraph)
            if not _text(paragraph).strip():
                problems.append(Problem("accessibility-headings", place, f"A Heading {level} has no text."))
            if level == 1:
                firsts.append(place)
            elif level > previous + 1:
                problems.append(Problem("accessibility-headings", place, f"A Heading {level} follows "
                                        + (f"a Heading {previous}" if previous else "no heading") + f": Heading {previous + 1} is skipped."))
            previous = level
        if len(firsts) != 1:
            problems.append(Problem("accessibility-headings", firsts[1] if len(firsts) > 1 else "the document",
                                    f"The document has {len(firsts)} Heading 1 paragraphs; it needs exactly one."))
        return problems

    def pictures(self) -> list[Problem]:
        """Alternative text on every picture."""
        problems = []
        for parent in (self.document, *self.parts["header"], *self.parts["footer"]):
            for number, picture in enumerate(parent.iter(DOC_PR), 1):
                alt = picture.get("descr", "")
                if PLACEHOLDER.search(alt) or len(WORDS.findall(alt)) < 3:
                    where = self._paragraph_place(next((a for a in ancestors(picture) if a.tag == w("p")), picture))
                    problems.append(Problem("accessibility-alt-text", f"picture {number} ({picture.get('name', '')}) in {where}",
                                            f"Its alternative text is {_shown(alt)}."))
        return problems

    def tables(self) -> list[Problem]:
        """A repeating header row with named columns, and no merged cells in data rows, in every data table."""
        problems = []
        for number, table in enumerate(self.body.iter(w("tbl")), 1):
            rows = table.findall(w("tr"))
            if len(rows) < 2:
                continue  # one row holds no data under headers: a layout table
            name = _table_name(table, number)
            header = [r for r in rows if _is_header(r)]
            if not _is_header(rows[0]):
                problems.append(Problem("accessibility-table-header", name, "Its first row is not marked as a header row that repeats on each page."))
            for cell in rows[0].findall(w("tc")):
                if not _text(cell).strip():
                    problems.append(Problem("accessibility-table-header", f"{name}, header row", "A header cell is empty."))
                    break
            merged = [(index, cell) for index, row in enumerate(rows, 1) if row not in header
                      for cell in row.findall(w("tc")) if _is_merged(cell)]
            if merged:
                numbers = sorted({index for index, _ in merged})
                problems.append(Problem("accessibility-merged-cells", f"{name}, row{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}",
                                        f"Data rows hold merged cells, e.g. {_shown(_text(merged[0][1]))}."))
        return problems

    def text(self) -> list[Problem]:
        """Text size (not in page headers or footers), contrast everywhere, and no meaning carried by colour alone."""
        found: dict[tuple[str, ...], tuple[Problem, list[int]]] = {}

        def add(key: tuple[str, ...], place: Callable[[], str], message: str) -> None:
            if key not in found:  # the place is worked out only once per cause
                found[key] = (Problem(key[0], place(), message), [0])
            found[key][1][0] += 1

        for body, part in [*((True, p) for p in (self.document, *self.parts["footnotes"], *self.parts["endnotes"])),
                           *((False, p) for p in (*self.parts["header"], *self.parts["footer"]))]:
            for run, look, paragraph in self._runs(part):
                text = "".join(t.text or "" for t in run.iter(w("t")))
                style = self.styles.name(self.styles.paragraph_style(paragraph))
                place = partial(self._run_place, paragraph, body)
                if body and look.size < MIN_SIZE:
                    add(("accessibility-text-size", style, str(look.size)), place, f"Text in style {style} is {look.size:g} pt")
                needed = LARGE_CONTRAST if look.size >= LARGE or (look.bold and look.size >= LARGE_BOLD) else CONTRAST
                ratio = contrast(look.colour, look.fill) if look.colour is not None else CONTRAST
                if ratio < needed:
                    add(("accessibility-contrast", style, str(look.colour), look.fill), place,
                        f"Text in style {style} (#{look.colour} on #{look.fill}) has a contrast of {ratio:.1f}:1")
                if not WORDS.search(text) and _marked(run):
                    add(("accessibility-colour-only", style, text), place, f"{_shown(text)} is marked by colour alone")
            for cell in part.iter(w("tc")) if body else ():
                fill = self.styles.shading(_shd(cell))
                if not WORDS.search(_text(cell)) and fill not in (None, self.styles.background):
                    add(("accessibility-colour-only", "cell", str(fill)), partial(self._cell_place, cell), f"A cell shaded #{fill} holds no words")
        return [Problem(p.rule, p.place, p.message + (f" (and {n[0] - 1} more place(s))." if n[0] > 1 else "."))
                for p, n in found.values()]

    def _runs(self, part: etree._Element) -> Iterator[tuple[etree._Element, Look, etree._Element]]:
        """Each visible run with text: the run, how it looks and its paragraph."""
        for run in part.iter(w("r")):
            if not any((t.text or "").strip() for t in run.iter(w("t"))):
                continue
            rpr = run.find(w("rPr"))
            if rpr is not None and rpr.find(w("vanish")) is not None:
                continue
            paragraph = next((a for a in ancestors(run) if a.tag == w("p")), None)
            if paragraph is None:
                continue
            cell = next((a for a in ancestors(run) if a.tag == w("tc")), None)
            table = next((a for a in ancestors(run) if a.tag == w("tbl")), None)
            yield run, self.styles.look(run, paragraph, cell, table), paragraph

    def _run_place(self, paragraph: etree._Element, body: bool) -> str:
        """Where a run's paragraph is; in a page header or footer, which."""
        if body:
            return self._paragraph_place(paragraph)
        return f"the page {'header' if any(a.tag == w('hdr') for a in ancestors(paragraph)) else 'footer'}"

    def _paragraph_place(self, paragraph: etree._Element) -> str:
        """Where a paragraph is: its cell, or its words and style."""
        cell = next((a for a in ancestors(paragraph) if a.tag == w("tc")), None)
        if cell is not None:
            return self._cell_place(cell)
        return f"the paragraph {_shown(_text(paragraph))} (style {self.styles.name(self.styles.paragraph_style(paragraph))})"

    def _cell_place(self, cell: etree._Element) -> str:
        """Where a cell is: its table, row and column."""
        row = cell.getparent()
        table = row.getparent()
        tables = list(self.body.iter(w("tbl")))
        number = tables.index(table) + 1 if table in tables else 0
        return f"{_table_name(table, number)}, row {table.findall(w('tr')).index(row) + 1}, column {row.findall(w('tc')).index(cell) + 1}"


def template_findings(template: Path, document: bytes) -> list[Finding]:
    """An officer's template filled in with sample data, checked: a warning per problem, naming the template."""
    return [problem.as_finding(template.name) for problem in check_docx(document)]


def _target(rels: etree._Element | None, kind: str, folder: str) -> str | None:
    """The part a package relationship of ``kind`` points at."""
    for rel in rels.iter(f"{{{REL}}}Relationship") if rels is not None else ():
        if rel.get("Type") == kind:
            return str(PurePosixPath(folder, rel.get("Target", "").lstrip("/")))
    return None


def _table_name(table: etree._Element, number: int) -> str:
    caption = table.find(f"{w('tblPr')}/{w('tblCaption')}")
    return f"table {number}" + (f" ({caption.get(w('val'))})" if caption is not None else "")


def _is_header(row: etree._Element) -> bool:
    header = row.find(f"{w('trPr')}/{w('tblHeader')}")
    return header is not None and header.get(w("val"), "1") not in ("0", "false", "off")


def _is_merged(cell: etree._Element) -> bool:
    props = cell.find(w("tcPr"))
    if props is None:
        return False
    span = props.find(w("gridSpan"))
    return (span is not None and int(span.get(w("val"), "1")) > 1) or props.find(w("vMerge")) is not None or props.find(w("hMerge")) is not None


def _marked(run: etree._Element) -> bool:
    """A run given a colour, highlight or shading of its own (not by its paragraph's style)."""
    rpr = run.find(w("rPr"))
    if rpr is None:
        return False
    colour, highlight, shading = rpr.find(w("color")), rpr.find(w("highlight")), rpr.find(w("shd"))
    return ((colour is not None and (colour.get(w("val"), "auto") != "auto" or colour.get(w("themeColor")) is not None))
            or (highlight is not None and highlight.get(w("val")) != "none")
            or (shading is not None and shading.get(w("fill"), "auto") != "auto"))


def _shd(cell: etree._Element) -> etree._Element | None:
    props = cell.find(w("tcPr"))
    return props.find(w("shd")) if props is not None else None


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


def _shown(text: str | None) -> str:
    """Text quoted for a message (shortened), or 'empty'."""
    if not (text or "").strip():
        return "empty"
    text = " ".join((text or "").split())
    return f"'{text[:QUOTED]}…'" if len(text) > QUOTED else f"'{text}'"


__all__ = ["RULES", "Problem", "W", "check_docx", "template_findings"]
