"""A docxtpl Word template prepared once and rendered many times: compiled Jinja, pre-compressed static parts."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from docx.opc.constants import RELATIONSHIP_TYPE as REL
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, TemplateSyntaxError, UndefinedError, meta
from lxml import etree

from .charts import IMAGE_FORMATS, MIN_SIZE, Canvas
from .errors import ReportTemplateError

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
CHART_DPI = 150
EMU_PER_INCH = 914400
NS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
DOC_PR = f"{{{NS['wp']}}}docPr"
TAG = re.compile(r"\{[{%#]")
EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# Tags that change a table's column count, which docxtpl's table fix-up then repairs.
RENDER_BLOCK = 4096  # rendered pieces joined at a time
DEFLATE_LEVEL = 1  # zlib level of the XML parts written for each document
TABLE = re.compile(rb"<w:tbl>.*?</w:tbl>", re.DOTALL)
ROW = re.compile(rb"<w:tr[ >].*?</w:tr>", re.DOTALL)
GRID_COL = re.compile(rb"<w:gridCol[ />]")
CELL = re.compile(rb"<w:tc[ >]")
GRID_SPAN = re.compile(rb'<w:gridSpan w:val="(\d+)"')
COLUMN_TAGS = re.compile(r"\{[{%]-?\s*(?:tc|hm|colspan)\s")
DOC_PR_ID = re.compile(rb'(<(?:\w+:)?docPr\b[^>]*?\sid=")\d+(")')
# docxtpl's escapes for literal braces in a template, made literal at compile time so data is never rewritten.
LITERAL_BRACES = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}


def template_environment() -> Environment:
    """The Jinja environment for Word templates: values are XML-escaped and undefined names are errors."""
    return Environment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class ChartSlot:
    """Where a chart goes: the media part that holds its picture, and the pixel canvas matching its size on the page."""

    part: str
    canvas: Canvas


@dataclass(frozen=True)
class _Part:
    """A header, footer, footnotes or properties part with template tags: its zip entry and compiled template."""

    name: str
    template: Template


class PreparedTemplate:
    """A Word template loaded, patched and compiled once; ``render`` fills it in a few milliseconds."""

    def __init__(self, path: Path, env: Environment, chart_variables: Iterable[str] = ()) -> None:
        self.path = Path(path)
        self.variables: set[str] = set()
        self._builtins = set(env.globals)  # range, loop helpers …: never missing
        self._env = env
        self._sources: list[str] = []  # every compiled part's source, to name an expression that fails
        try:
            self._docx = DocxTemplate(self.path)
            document = self._docx.get_docx()
            with zipfile.ZipFile(self.path) as archive:
                raw = {info.filename: archive.read(info) for info in archive.infolist()}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError) as exc:
            raise ReportTemplateError(self.path, [], f"cannot be opened as a Word document ({exc}).") from exc
        main = document.part
        self._main = main.partname.lstrip("/")
        self._prefix, self._suffix = (text.encode("utf-8") for text in _skeleton(main.element))
        body = self._docx.get_xml()
        self._fix_tables = bool(COLUMN_TAGS.search(re.sub(r"<[^>]+>", "", body)))
        self._body = self._compile(env, self._docx.patch_xml(body))
        self._parts: list[_Part] = []
        for rel in main.rels.values():
            if rel.reltype in (REL.HEADER, REL.FOOTER, REL.FOOTNOTES) and not rel.is_external:
                self._add_part(env, rel.target_part.partname.lstrip("/"), self._docx.patch_xml(self._docx.xml_to_string(parse_xml(rel.target_part.blob))))
        core = "docProps/core.xml"
        if core in raw and TAG.search(raw[core].decode("utf-8")):
            self._add_part(env, core, re.sub(r"^<\?xml[^>]*\?>\s*", "", raw[core].decode("utf-8")))
        self.charts = self._find_charts(main, set(chart_variables), env)
        dynamic = {self._main, *(p.name for p in self._parts), *(slot.part for slot in self.charts.values())}
        self._static = _archive((name, data) for name, data in raw.items() if name not in dynamic)

    def _compile(self, env: Environment, source: str) -> Template:
        """Parse once (collecting the variables used) and compile."""
        for escaped, literal in LITERAL_BRACES.items():
            source = source.replace(escaped, "{% raw %}" + literal + "{% endraw %}")
        self._sources.append(source)
        try:
            ast = env.parse(source)
            self.variables |= meta.find_undeclared_variables(ast)
            return env.from_string(ast)
        except TemplateSyntaxError as exc:  # also an unknown filter or test (TemplateAssertionError)
            where = _failing_tag(env, source, exc, None)
            raise ReportTemplateError(self.path, [], f"has a template error{where}: {(exc.message or '').rstrip('.')}. "
                                      "Check its {{ }} and {% %} tags.") from exc

    def _add_part(self, env: Environment, name: str, source: str) -> None:
        """Compile a header, footer, footnotes or properties part if it holds template tags."""
        if TAG.search(source):
            self._parts.append(_Part(name, self._compile(env, source)))

    def _find_charts(self, main: Any, names: set[str], env: Environment) -> dict[str, ChartSlot]:
        """Pictures whose alt text uses a chart variable, e.g. ``{{ chart_alt }}``, with the size they fill."""
        slots: dict[str, ChartSlot] = {}
        for doc_pr in main.element.body.iter(DOC_PR):
            used = meta.find_undeclared_variables(env.parse(doc_pr.get("descr", ""))) & names
            drawing = doc_pr.getparent()
            extent = drawing.find("wp:extent", NS)
            blip = drawing.find(".//a:blip", NS)
            if not used or extent is None or blip is None:
                continue
            target = main.rels[blip.get(f"{{{NS['r']}}}embed")].target_part.partname.lstrip("/")
            fmt = IMAGE_FORMATS.get(target.rsplit(".", 1)[-1].lower())
            if fmt is None:
                raise ReportTemplateError(self.path, [], f"has a chart picture ({target}) in a format svexcel cannot draw; use a PNG picture.")
            # A tiny placeholder still gets a legible chart, which Word scales down into its box.
            width, height = max(_pixels(extent.get("cx")), MIN_SIZE[0]), max(_pixels(extent.get("cy")), MIN_SIZE[1])
            canvas = Canvas(width, height, CHART_DPI, fmt)
            slots.update({name: ChartSlot(target, canvas) for name in used})
        return slots

    def check(self, context: Mapping[str, Any]) -> None:
        """Fill the template with example ``context``: stop on unknown names, fields or XML it cannot make."""
        missing = sorted(self.variables - context.keys() - self._builtins)
        if missing:
            raise ReportTemplateError(self.path, missing)
        try:
            parts = self.render_parts(context)
        except UndefinedError as exc:
            quoted = re.findall(r"'([^']*)'", exc.message or "")
            raise ReportTemplateError(self.path, quoted[-1:], f"uses a field svexcel does not provide ({exc.message}). "
                                      "docs/template-variables.md lists the fields of each variable.") from exc
        except Exception as exc:  # any error a template can raise: arithmetic on text, division by zero …
            where = "".join(_failing_tag(self._env, source, exc, context) for source in self._sources)[:1000]
            raise ReportTemplateError(self.path, [], f"fails when filled in with sample data{where}: "
                                      f"{type(exc).__name__}: {exc}. Every value is display text (see "
                                      "docs/template-variables.md): correct or remove that expression.") from exc
        for name, pieces in parts.items():
            try:
                etree.fromstring(b"".join(pieces))
            except etree.XMLSyntaxError as exc:
                raise ReportTemplateError(self.path, [], f"makes broken XML in {name} when filled in ({exc}); "
                                          "check that each {%p %}, {%tr %} or {%tc %} tag has its closing tag.") from exc

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, tuple[bytes | bytearray, ...]]:
        """The rendered XML parts (UTF-8) by zip entry name, each as pieces to write in turn.

        The body goes straight from Jinja to UTF-8 bytes and is checked with byte scans, so a 2,000-row
        comparison is held once (~4 MB), never as ~200,000 rendered pieces, a string and its encoding."""
        body = _line_breaks(self._docx, _render_utf8(self._body, context))
        if self._fix_tables and not _grids_fit(body):
            body = etree.tostring(self._docx.fix_tables(body.decode("utf-8")), encoding="utf-8")
        parts: dict[str, tuple[bytes | bytearray, ...]] = {str(self._main): (self._prefix, _number_pictures(body), self._suffix)}
        for part in self._parts:
            parts[part.name] = (XML_DECLARATION.encode("utf-8"), _line_breaks(self._docx, _render_utf8(part.template, context)))
        return parts

    def render(self, context: Mapping[str, Any], images: Mapping[str, bytes]) -> bytes:
        """The filled-in document as .docx bytes; ``images`` holds each chart's picture by chart variable."""
        parts = self.render_parts(context)
        for name, slot in self.charts.items():
            parts[slot.part] = (images[name],)
        buffer = io.BytesIO(self._static)
        with zipfile.ZipFile(buffer, "a") as archive:
            for name, data in parts.items():
                _write(archive, name, data)
        return buffer.getvalue()


def _failing_tag(env: Environment, source: str, error: Exception, context: Mapping[str, Any] | None) -> str:
    """" in {{ … }}" naming the first expression of ``source`` that fails alone as ``error`` did (compiling it,
    or rendering it with ``context``); "" if none does (e.g. it uses a loop variable)."""
    for tag in EXPRESSION.findall(source):
        try:
            template = env.from_string(tag)
            if context is not None:
                template.render(context)
        except Exception as exc:
            if type(exc) is type(error):
                return f" in {tag}"
    return ""


def _render_utf8(template: Template, context: Mapping[str, Any]) -> bytearray:
    """``template.render(context)`` as UTF-8, encoded a block of pieces at a time."""
    rendered = bytearray()
    pieces: list[str] = []
    for piece in template.generate(context):
        pieces.append(piece)
        if len(pieces) == RENDER_BLOCK:
            rendered += "".join(pieces).encode("utf-8")
            pieces.clear()
    rendered += "".join(pieces).encode("utf-8")
    return rendered


def _grids_fit(xml: bytes | bytearray) -> bool:
    """True when every table's grid already matches its widest row, so docxtpl's fix_tables would change
    nothing; checked with a scan instead of parsing the whole body (a 2,000-row comparison costs ~60 MB in lxml)."""
    for table in TABLE.finditer(xml):
        start, end = table.span()
        if xml.find(b"<w:tbl>", start + 7, end) != -1:
            return False  # nested tables: leave them to fix_tables
        grid = len(GRID_COL.findall(xml, start, xml.find(b"</w:tblGrid>", start, end)))
        for row in ROW.finditer(xml, start, end):
            cells = len(CELL.findall(xml, *row.span()))
            width = cells + sum(int(span) - 1 for span in GRID_SPAN.findall(xml, *row.span()))
            if cells > grid or width != grid:
                return False
    return True


def _skeleton(root: etree._Element) -> tuple[str, str]:
    """The main document's XML before and after its body, so a rendered body can be slotted in between."""
    shell = etree.Element(root.tag, nsmap=root.nsmap)
    shell.attrib.update(root.attrib)
    for child in root:
        shell.append(etree.Element(child.tag) if child is root.body else copy.deepcopy(child))
    text = etree.tostring(shell, encoding="unicode")
    marker = f"<{root.body.prefix}:body/>"
    prefix, suffix = text.split(marker)
    return XML_DECLARATION + prefix, suffix


def _line_breaks(docx: DocxTemplate, xml: bytearray) -> bytes | bytearray:
    """Turn newlines and tabs that came from the data into Word line breaks and tabs (docxtpl's listing rules)."""
    if b"\n" not in xml and b"\t" not in xml:
        return xml
    return docx.resolve_listing(xml.decode("utf-8")).encode("utf-8")


def _number_pictures(xml: bytes | bytearray) -> bytes | bytearray:
    """Give every picture a unique id, as docxtpl does (pictures repeated by a loop would share one)."""
    if xml.count(b"docPr") < 2 or len(DOC_PR_ID.findall(xml)) < 2:
        return xml  # one picture keeps the template's unique id; no copy of a large body (a byte count first: no regex scan)
    numbers = iter(range(1001, 1_000_000))
    return DOC_PR_ID.sub(lambda m: m[1] + str(next(numbers)).encode() + m[2], xml)


def _pixels(emu: str | None) -> int:
    """A picture dimension in EMU as pixels at the chart resolution."""
    return max(1, round(int(emu or 0) / EMU_PER_INCH * CHART_DPI))


def _write(archive: zipfile.ZipFile, name: str, pieces: Iterable[bytes | bytearray]) -> None:
    """Add one entry, written piece by piece, with a fixed timestamp (so output is reproducible);
    pictures are stored, XML deflated at level 1 (a report's XML deflates 3-4x faster than at the default, ~20% larger)."""
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED if name.startswith("word/media/") else zipfile.ZIP_DEFLATED
    info._compresslevel = DEFLATE_LEVEL  # type: ignore[attr-defined]  # ZipFile.open(ZipInfo, "w") takes no level (3.11-3.13)
    with archive.open(info, "w") as entry:
        for piece in pieces:
            entry.write(piece)


def _archive(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of the parts that never change, compressed once and reused for every report."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            _write(archive, name, (data,))
    return buffer.getvalue()
