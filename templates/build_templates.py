"""Rebuild the shipped Word templates (docxtpl) that svexcel fills in: one evaluation per return, one comparison,
and one assessment summary per scored return (Procurement Act 2023 s.50).

Run from the repository root:  python templates/build_templates.py
The output is reproducible: the same script gives byte-identical .docx files. Officers may open the
templates in Word and restyle them (styles, colours, wording); docs/template-variables.md lists the
variables they can use.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from lxml import etree

from svexcel.tender.reports.charts import ThemeBar, comparison_chart, theme_scores_chart
from svexcel.word.charts import Canvas

HERE = Path(__file__).resolve().parent
EVALUATION = HERE / "evaluation-report_tpl.docx"
COMPARISON = HERE / "comparison-report_tpl.docx"
ASSESSMENT = HERE / "assessment-summary_tpl.docx"

FONT = "Calibri"
BLUE = RGBColor(0x1F, 0x4E, 0x79)
INK = RGBColor(0x26, 0x26, 0x26)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "1F4E79"
RULE = "BFBFBF"
TEXT_WIDTH_CM = 17.0
FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
EXAMPLE_THEMES = ("Equity and Equality", "Participation and Accountability", "Conviviality/Community",
                  "Self-help/empowerment", "Wellbeing")


# ---------------------------------------------------------------- document and styles

def new_document(title: str) -> DocumentObject:
    """An A4 document with the house styles: Calibri, blue headings, table paragraph styles."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    section.header_distance = section.footer_distance = Cm(0.9)
    _language(doc, "en-GB")
    doc.settings.element.find(qn("w:zoom")).set(qn("w:percent"), "100")  # required by ECMA-376; python-docx's template omits it
    styles = doc.styles
    _font(styles["Normal"], 10.5, INK)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.1
    _font(styles["Subtitle"], 15, GREY)
    styles["Subtitle"].font.italic = False
    styles["Subtitle"].paragraph_format.space_after = Pt(10)
    # One Heading 1, the document's title, as screen readers and Word's navigation pane expect; sections below it.
    for name, size, before, after in (("Heading 1", 24, 0, 2), ("Heading 2", 15, 18, 6), ("Heading 3", 12, 12, 6)):
        _font(styles[name], size, BLUE, bold=True)
        styles[name].paragraph_format.space_before = Pt(before)
        styles[name].paragraph_format.space_after = Pt(after)
    _font(styles["Caption"], 10, GREY)
    styles["Caption"].font.bold = False
    styles["Caption"].font.italic = True
    for name in ("Header", "Footer"):
        _font(styles[name], 8.5, GREY)
    table_text = _paragraph_style(doc, "Table Text", 10, INK)
    table_text.paragraph_format.space_before = Pt(1)
    table_text.paragraph_format.space_after = Pt(1)
    table_text.paragraph_format.line_spacing = 1.0
    figure = _paragraph_style(doc, "Table Figure", 10, INK, base="Table Text")
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph_style(doc, "Table Heading", 10, RGBColor(0xFF, 0xFF, 0xFF), bold=True, base="Table Text")
    _paragraph_style(doc, "Table Band", 10, BLUE, bold=True, base="Table Text")
    key = _paragraph_style(doc, "Key Figure", 15, BLUE, bold=True, base="Table Text")
    key.paragraph_format.space_before = Pt(3)
    key.paragraph_format.space_after = Pt(3)
    note = _paragraph_style(doc, "Note", 10, GREY)
    note.font.italic = True
    package_rels = doc.part.package.rels
    for rel_id in [k for k, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        package_rels.pop(rel_id)  # python-docx's stock thumbnail shows some other document
    doc.core_properties.title = title
    doc.core_properties.language = "en-GB"
    doc.core_properties.comments = "svexcel report template; docs/template-variables.md lists its variables."
    doc.core_properties.author = "svexcel"
    doc.core_properties.last_modified_by = "svexcel"
    doc.core_properties.created = doc.core_properties.modified = FIXED_TIME.replace(tzinfo=None)
    doc.core_properties.revision = 1
    return doc


def _font(style: object, size: float, colour: RGBColor, bold: bool | None = None) -> None:
    """Set a style's font, replacing theme fonts so the choice shows in Word's style pane."""
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    font.size = Pt(size)
    font.color.rgb = colour
    if bold is not None:
        font.bold = bold
    rfonts = style.element.rPr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    colour_el = style.element.rPr.find(qn("w:color"))  # type: ignore[attr-defined]
    for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
        colour_el.attrib.pop(qn(attr), None)


def _paragraph_style(doc: DocumentObject, name: str, size: float, colour: RGBColor, bold: bool = False, base: str = "Normal") -> object:
    """A custom paragraph style that officers can restyle in Word."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    _font(style, size, colour, bold)
    return style


def _language(doc: DocumentObject, lang: str) -> None:
    """Set the document's default language (screen readers and spelling use it)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)


# ---------------------------------------------------------------- paragraphs

def para(doc: DocumentObject, text: str = "", style: str | None = None) -> object:
    """A paragraph; ``**bold**`` segments become bold runs."""
    p = doc.add_paragraph(style=style)
    for i, part in enumerate(text.split("**")):
        if part:
            p.add_run(part).bold = i % 2 == 1
    return p


def tag(doc: DocumentObject, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag such as ``{%p if x %}`` (removed on render)."""
    doc.add_paragraph(text)


def field(paragraph: object, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph."""
    def run_with(element: OxmlElement) -> None:
        run = paragraph.add_run()  # type: ignore[attr-defined]
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)  # type: ignore[attr-defined]
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def header_footer(doc: DocumentObject, header: str, footer: str, second_footer: str = "") -> None:
    """Running header text and a footer with 'Page N of M' (and a second footer line, when given)."""
    section = doc.sections[0]
    hp = section.header.paragraphs[0]
    hp.text = header
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fp = section.footer.paragraphs[0]
    fp.add_run(f"{footer}\t\tPage ")
    field(fp, "PAGE", "1")
    fp.add_run(" of ")
    field(fp, "NUMPAGES", "1")
    tabs = fp.paragraph_format.tab_stops
    tabs.clear_all()
    tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), alignment=2)  # right
    if second_footer:
        section.footer.add_paragraph(second_footer, style=fp.style)


def chart(doc: DocumentObject, image: bytes, width_cm: float, height_cm: float, alt_variable: str, title: str) -> None:
    """A picture whose alt text is rendered from ``alt_variable``; svexcel redraws the image for each report."""
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = True
    shape = p.add_run().add_picture(io.BytesIO(image), width=Cm(width_cm), height=Cm(height_cm))
    alt = "{{ %s }}" % alt_variable
    inline = shape._inline
    inline.docPr.set("descr", alt)
    inline.docPr.set("title", title)
    c_nv_pr = inline.graphic.graphicData.pic.nvPicPr.cNvPr
    c_nv_pr.set("descr", alt)
    c_nv_pr.set("title", title)


# ---------------------------------------------------------------- tables

# Schema order of the children of w:tblPr and w:tcPr: Word rejects files whose elements are out of order.
TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
                "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription")
TC_PR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark")


def _place(parent: OxmlElement, child: OxmlElement, order: Sequence[str]) -> None:
    """Insert ``child`` into ``parent`` at its schema position (replacing an existing element of its kind)."""
    name = etree.QName(child).localname
    for old in parent.findall(qn(f"w:{name}")):
        parent.remove(old)
    later = set(order[order.index(name) + 1:])
    for i, sibling in enumerate(parent):
        if etree.QName(sibling).localname in later:
            parent.insert(i, child)
            return
    parent.append(child)


class ReportTable:
    """A table with a repeating, shaded header row, plus helpers for docxtpl row tags and data rows."""

    def __init__(self, doc: DocumentObject, caption: str, headers: Sequence[str], widths: Sequence[float],
                 figures: Sequence[int] = (), grid_only: bool = False, keep_together: bool = False) -> None:
        self.doc = doc
        self.grid_only = grid_only  # widths in the grid alone, so cells a {%tc %} loop repeats follow the grid
        self.keep_together = keep_together  # a short table that should not break across pages
        self.widths = [Cm(w) for w in widths]
        self.figures = set(figures)  # right-aligned columns
        self.table = doc.add_table(rows=1, cols=len(headers))
        self.table.style = doc.styles["Table Grid"]
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.table.autofit = False
        _borders(self.table)
        title = OxmlElement("w:tblCaption")  # the table's title for screen readers (Word: Table Properties › Alt Text)
        title.set(qn("w:val"), caption)
        _place(self.table._tbl.tblPr, title, TBL_PR_ORDER)
        if grid_only:
            _full_width(self.table)
        for column, width in zip(self.table.columns, self.widths, strict=False):
            column.width = width
        row = self.table.rows[0]
        _repeat_header(row)
        for i, text in enumerate(headers):
            self._set(row.cells[i], text, "Table Heading", HEADER_FILL)
            _side_borders(row.cells[i], HEADER_FILL)
            if i in self.figures:
                row.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._size(row)

    def tag(self, text: str) -> None:
        """A row holding a docxtpl row tag such as ``{%tr for m in measures %}`` (removed on render)."""
        row = self.table.add_row()
        row.cells[0].merge(row.cells[-1]).paragraphs[0].text = text  # full width, so the tag reads easily in Word

    def row(self, cells: Sequence[str], style: str | None = None, fill: str | None = None) -> None:
        """A row of cell texts (usually Jinja expressions); figure columns are right-aligned."""
        row = self.table.add_row()
        _no_split(row)
        for i, text in enumerate(cells):
            self._set(row.cells[i], text, style or ("Table Figure" if i in self.figures else "Table Text"), fill)
            if style and i in self.figures:
                row.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._size(row)

    def loop_columns(self, widths: Sequence[float]) -> None:
        """Grid columns for the cells a ``{%tc %}`` loop adds (call after the last row)."""
        for width in widths:
            self.table._tbl.tblGrid.add_gridCol().w = Cm(width)

    def _size(self, row: object) -> None:
        """Column widths on every cell, or on none for a grid-only table."""
        for cell, width in zip(row.cells, self.widths, strict=False):  # type: ignore[attr-defined]
            if self.grid_only:
                tc_pr = cell._tc.get_or_add_tcPr()
                for tc_w in tc_pr.findall(qn("w:tcW")):
                    tc_pr.remove(tc_w)
            else:
                cell.width = width

    def _set(self, cell: _Cell, text: str, style: str, fill: str | None) -> None:
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = self.doc.styles[style]
        cell.paragraphs[0].paragraph_format.keep_with_next = self.keep_together or None
        if fill:
            _fill(cell, fill)


def _repeat_header(row: object) -> None:
    """Mark a row as a header row that Word repeats at the top of each page (w:tblHeader)."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    for name in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(name)
        tr_pr.append(el)


def _no_split(row: object) -> None:
    """Keep a row on one page."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # type: ignore[attr-defined]


def _side_borders(cell: _Cell, colour: str) -> None:
    """Left and right borders in the cell's own fill colour, so shaded header cells join without a seam."""
    borders = OxmlElement("w:tcBorders")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), colour)
        borders.append(el)
    _place(cell._tc.get_or_add_tcPr(), borders, TC_PR_ORDER)


def _full_width(t: Table) -> None:
    """Make a table span the text width."""
    width = OxmlElement("w:tblW")
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    _place(t._tbl.tblPr, width, TBL_PR_ORDER)


def _fill(cell: _Cell, colour: str) -> None:
    """Shade a cell."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    _place(tc_pr, shd, TC_PR_ORDER)


def _borders(t: Table) -> None:
    """Thin grey horizontal rules, no vertical lines: easy to read, prints well."""
    tbl_pr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        visible = edge in ("top", "bottom", "insideH")
        el.set(qn("w:val"), "single" if visible else "nil")
        if visible:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), RULE)
        borders.append(el)
    _place(tbl_pr, borders, TBL_PR_ORDER)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("left", 85), ("right", 85)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _place(tbl_pr, margins, TBL_PR_ORDER)


def space(doc: DocumentObject) -> None:
    """A small gap after a table."""
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(0)


# ---------------------------------------------------------------- shared sections

def weights_section(doc: DocumentObject, heading_style: str) -> None:
    """The weights in force: theme weights, component weights and points available."""
    doc.add_heading("Weights in force", level=int(heading_style[-1]))
    para(doc, "The social value share of the tender is **{{ max_points }} points**. Theme weights set how "
              "much each theme contributes to the points:")
    t = ReportTable(doc, "Theme weights", ["Theme", "Weight", "Share of points", "Points available"], [8.6, 2.6, 3.0, 2.8], figures=(1, 2, 3))
    t.tag("{%tr for t in themes %}")
    t.row(["{{ t.name }}", "{{ t.weight }}", "{{ t.weight_share }}", "{{ t.points_available }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    para(doc, "Within each theme, component weights combine the value score, attainment and the officers' quality "
              "score:")
    t = ReportTable(doc, "Component weights", ["Component", "Weight"], [8.6, 2.6], figures=(1,))
    t.tag("{%tr for c in components %}")
    t.row(["{{ c.name }}", "{{ c.weight }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    para(doc, "A theme without one of these components shares its weight among the others, so each theme's score "
              "is made up as follows (a dash: the theme has no such component):")
    t = ReportTable(doc, "Parts of each theme score", ["Theme", "Value score", "Attainment", "Quality"], [8.6, 2.8, 2.8, 2.8],
                    figures=(1, 2, 3))
    t.tag("{%tr for t in themes %}")
    t.row(["{{ t.name }}", "{{ t.value_share }}", "{{ t.attainment_share }}", "{{ t.quality_share }}"])
    t.tag("{%tr endfor %}")
    space(doc)


# ---------------------------------------------------------------- the evaluation report

def evaluation() -> DocumentObject:
    """The per-return evaluation report template."""
    doc = new_document("Social value evaluation: {{ organisation }}")
    header_footer(doc, "Social value evaluation: {{ organisation }}", "{{ framework_name }}, version {{ framework_version }}")
    doc.add_heading("Social value evaluation", level=1)
    doc.add_paragraph("{{ organisation }}", style="Subtitle")
    para(doc, "**Contract reference:** {{ contract_reference }}      **Contract value:** {{ contract_value }}")
    para(doc, "**Framework:** {{ framework_name }}, version {{ framework_version }}")
    para(doc, "**Return file:** {{ file }}      **Report date:** {{ date }}")

    t = ReportTable(doc, "Points, rank and social value", ["Points (out of {{ max_points }})", "Rank", "Social value", "Social value ÷ contract value"], [4.25] * 4)
    t.row(["{{ points }}", "{{ rank_text }}", "{{ sv }}", "{{ sv_ratio }}"], style="Key Figure")
    space(doc)

    doc.add_heading("Summary", level=2)
    para(doc, "{{ summary }}")

    doc.add_heading("Theme scores", level=2)
    para(doc, "Each theme is scored from 0% to 100% and the theme scores, weighted, give the points. The chart "
              "compares this return with the best offer in each theme among the {{ scored_count }} scored returns.")
    example = [ThemeBar(name, s, b) for name, s, b in zip(EXAMPLE_THEMES, (0.62, 0.30, 0.55, 0.8, 0.45), (0.9, 1, 1, 1, 0.77), strict=False)]
    chart(doc, theme_scores_chart(example, Canvas(1004, 443)), TEXT_WIDTH_CM, 7.5, "chart_alt", "Theme scores chart")
    doc.add_paragraph("Figure 1. Theme scores of this return (solid bars) and of the best offer (hatched bars).", style="Caption")
    t = ReportTable(doc, "Theme scores", ["Theme", "Social value", "Value score", "Attainment", "Quality", "Theme score", "Best offer", "Points"],
              [3.6, 2.55, 1.75, 2.15, 1.65, 1.75, 1.75, 1.8], figures=(1, 2, 3, 4, 5, 6, 7), keep_together=True)
    t.tag("{%tr for t in themes %}")
    t.row(["{{ t.name }}", "{{ t.sv }}", "{{ t.value_score }}", "{{ t.attainment }}", "{{ t.quality }}",
                 "{{ t.score }}", "{{ t.best_score }}", "{{ t.points }}"])
    t.tag("{%tr endfor %}")
    t.row(["Total", "{{ sv }}", "", "", "", "", "", "{{ points }}"], style="Table Band")
    space(doc)
    para(doc, "Social value is in pounds after deadweight, harms subtracted. The value score is the theme's social "
              "value as a share of the best offer's. Attainment is the average achievement against targets and "
              "yes/no commitments. Quality is the officers' score of the written response. A dash means the "
              "component does not apply to the theme or has not been scored.", style="Note")

    doc.add_heading("Commitments by measure", level=2)
    para(doc, "Every measure in the framework, with the organisation's commitment, what it is worth and the "
              "evidence the organisation offers, in its own words.")
    tag(doc, "{%p for t in themes %}")  # a table per theme under its own heading: no merged band rows in the data
    doc.add_heading("{{ t.name }}", level=3)
    t = ReportTable(doc, "Commitments: {{ t.name }}", ["Measure", "Quantity", "Unit", "Value or attainment", "Evidence offered"],
              [5.6, 2.3, 1.9, 2.4, 4.8], figures=(1, 3))
    t.tag("{%tr for m in t.measures %}")
    t.row(["{{ m.id }}  {{ m.name }}", "{{ m.quantity }}", "{{ m.unit }}", "{{ m.result }}", "{{ m.evidence }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p endfor %}")

    doc.add_heading("Responses by theme", level=2)
    para(doc, "The organisation's own description of how it will deliver each theme, and the officers' quality score.")
    tag(doc, "{%p for t in themes %}")
    doc.add_heading("{{ t.name }}", level=3)
    para(doc, "{{ t.narrative }}")
    para(doc, "**Quality score:** {{ t.quality_text }}", style="Note")
    tag(doc, "{%p endfor %}")

    doc.add_heading("Findings", level=2)
    tag(doc, "{%p if findings %}")
    para(doc, "Points raised when the return was read. None of them blocked scoring; warnings may deserve a "
              "clarification question.")
    t = ReportTable(doc, "Findings", ["Severity", "Where", "Finding"], [1.9, 3.2, 11.9])
    t.tag("{%tr for f in findings %}")
    t.row(["{{ f.severity }}", "{{ f.where }}", "{{ f.message }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p else %}")
    para(doc, "The return was read without warnings or notes.")
    tag(doc, "{%p endif %}")

    doc.add_heading("Clarification questions", level=2)
    tag(doc, "{%p if questions %}")
    para(doc, "Plausibility checks found claims that deserve a question to the bidder before award. They never "
              "change a score. Suggested questions:")
    t = ReportTable(doc, "Clarification questions", ["Check", "Where", "Suggested question"], [2.6, 3.2, 11.2])
    t.tag("{%tr for q in questions %}")
    t.row(["{{ q.type }}", "{{ q.where }}", "{{ q.question }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p else %}")
    para(doc, "The plausibility checks (social value against contract value, outlying quantities, repeated "
              "evidence, double counting) raised no question.")
    tag(doc, "{%p endif %}")

    doc.add_heading("Appendix: method and weights", level=2)
    doc.add_heading("How the points are calculated", level=3)
    for line in (
        "**Measures.** A monetised measure is worth quantity × proxy value × (1 − deadweight); harms count as negative "
        "value. A target measure's attainment is quantity ÷ target, capped at 100% (for 'lower is better' targets: "
        "100% at or below the target, else target ÷ quantity). A yes/no measure attains 100% for Yes. An unanswered "
        "measure counts as no commitment.",
        "**Themes.** A theme's social value is the sum of its monetised measures; its attainment is the average of "
        "its target and yes/no measures. Its value score is its social value as a share of the best offer's in that "
        "theme. Its theme score is the weighted average of value score, attainment and quality, using the "
        "component weights below.",
        "**Points and rank.** Points are {{ max_points }} × the weighted average of the theme scores, using the "
        "theme weights below. Returns are ranked by points, highest first; equal points share a rank.",
    ):
        para(doc, line)
    weights_section(doc, "Heading 3")
    doc.add_heading("Proxy values", level=3)
    para(doc, "The pound value of one unit of each monetised measure, and where it comes from. {{ illustrative_note }}")
    t = ReportTable(doc, "Proxy values", ["Measure", "Unit", "£ per unit", "Deadweight", "Illustrative?", "Basis"],
              [4.8, 1.9, 1.9, 2.1, 2.0, 4.3], figures=(2, 3))
    t.tag("{%tr for p in proxies %}")
    t.row(["{{ p.id }}  {{ p.name }}", "{{ p.unit }}", "{{ p.proxy }}", "{{ p.deadweight }}", "{{ p.illustrative }}", "{{ p.basis }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    doc.add_heading("Targets", level=3)
    t = ReportTable(doc, "Targets", ["Measure", "Unit", "Target", "How attainment is scored"], [6.5, 2.2, 2.0, 6.3], figures=(2,))
    t.tag("{%tr for g in targets %}")
    t.row(["{{ g.id }}  {{ g.name }}", "{{ g.unit }}", "{{ g.target }}", "{{ g.rule }}"])
    t.tag("{%tr endfor %}")
    space(doc)
    return doc


# ---------------------------------------------------------------- the comparison report

def comparison() -> DocumentObject:
    """The comparison report template: every return in one document."""
    doc = new_document("Social value comparison: {{ framework_name }}")
    header_footer(doc, "Social value comparison, {{ date }}", "{{ framework_name }}, version {{ framework_version }}")
    doc.add_heading("Social value comparison", level=1)
    doc.add_paragraph("{{ framework_name }}, version {{ framework_version }}", style="Subtitle")
    para(doc, "**Report date:** {{ date }}      **Officers' quality scores:** {{ quality_file }}")
    para(doc, "{{ counts_text }}")

    doc.add_heading("Ranking", level=2)
    para(doc, "Every scored return, highest points first. Points are out of {{ max_points }}.")
    t = ReportTable(doc, "Ranking", ["Rank", "Organisation", "File", "Points", "Social value", "Social value ÷ contract value"],
              [1.3, 4.3, 4.9, 1.6, 2.7, 2.2], figures=(0, 3, 4, 5))  # a file name such as hillside-community-trust.xlsx on one line at 10 pt
    t.tag("{%tr for r in ranking %}")
    t.row(["{{ r.rank }}", "{{ r.organisation }}", "{{ r.file }}", "{{ r.points }}", "{{ r.sv }}", "{{ r.sv_ratio }}"])
    t.tag("{%tr endfor %}")
    space(doc)

    doc.add_heading("Theme by theme", level=2)
    para(doc, "{{ comparison_chart_note }}")
    rows = [(f"{i + 1}. Example organisation {chr(65 + i)}", [max(0.0, 0.95 - 0.08 * i - 0.03 * t) for t in range(5)]) for i in range(10)]
    chart(doc, comparison_chart(EXAMPLE_THEMES, rows, Canvas(1004, 650)), TEXT_WIDTH_CM, 11.0, "comparison_chart_alt", "Theme by theme chart")
    doc.add_paragraph("Figure 1. Theme scores by return, one panel per theme, highest-ranked first.", style="Caption")

    doc.add_heading("Balance across themes", level=2)
    para(doc, "How evenly each offer spreads across the themes: every return's theme scores (0% to 100%), in rank order.")
    # Sized for five themes; docxtpl rescales the grid when a framework has another number.
    theme_width = (TEXT_WIDTH_CM - 6.3) / 5
    t = ReportTable(doc, "Theme scores of every return", ["Rank", "Organisation", "{%tc for t in themes %}", "{{ t.id }}", "{%tc endfor %}"],
                    [1.3, 5.0, theme_width, theme_width, theme_width], figures=(0, 3), grid_only=True)
    t.tag("{%tr for r in ranking %}")
    t.row(["{{ r.rank }}", "{{ r.organisation }}", "{%tc for s in r.theme_scores %}", "{{ s }}", "{%tc endfor %}"])
    t.tag("{%tr endfor %}")
    t.loop_columns([theme_width] * 2)
    para(doc, "Themes: {% for t in themes %}{{ t.id }} = {{ t.name }}{% if not loop.last %}; {% endif %}{% endfor %}.", style="Note")

    doc.add_heading("Rejected returns", level=2)
    tag(doc, "{%p if rejected %}")
    para(doc, "These returns had errors that block scoring, so they take no part in the comparison. Each error "
              "names the sheet and cell to correct.")
    t = ReportTable(doc, "Rejected returns", ["File", "Where", "Why it was rejected"], [4.4, 3.0, 9.6])
    t.tag("{%tr for r in rejected %}")
    t.tag("{%tr for f in r.errors %}")
    t.row(["{{ r.file }}", "{{ f.where }}", "{{ f.message }}"])
    t.tag("{%tr endfor %}")
    t.tag("{%tr endfor %}")
    space(doc)
    tag(doc, "{%p else %}")
    para(doc, "No return was rejected.")
    tag(doc, "{%p endif %}")

    doc.add_heading("Method and weights", level=2)
    para(doc, "Each theme score combines the value score (social value as a share of the best offer's in that "
              "theme), attainment against targets and yes/no commitments, and the officers' quality score. Points "
              "are {{ max_points }} × the weighted average of the theme scores.")
    weights_section(doc, "Heading 3")
    return doc


# ---------------------------------------------------------------- the assessment summary

def assessment_summary() -> DocumentObject:
    """The assessment summary template (Procurement Act 2023 s.50, Procurement Regulations 2024 reg. 31)."""
    doc = new_document("Assessment summary: {{ supplier.name }}")
    header_footer(doc, "Assessment summary: {{ supplier.name }}", "Contract {{ contract_reference }}: assessment summary, {{ date }}",
                  "{% if manifest_hash %}Evaluation record: manifest SHA-256 {{ manifest_hash }}{% endif %}")
    doc.add_heading("Assessment summary", level=1)
    doc.add_paragraph("{{ supplier.name }}", style="Subtitle")
    para(doc, "This summary explains how your tender for contract **{{ contract_reference }}** was assessed against "
              "each award criterion, as the Procurement Act 2023 (section 50) and the Procurement Regulations 2024 "
              "(regulation 31) require.")
    t = ReportTable(doc, "Supplier", ["Supplier", "Details"], [4.5, 12.5], keep_together=True)
    for label, value in (("Name", "{{ supplier.name }}"), ("Postal address", "{{ supplier.postal_address }}"),
                         ("Email", "{{ supplier.email }}"), ("Unique identifier", "{{ supplier.unique_identifier }}"),
                         ("Tender file", "{{ file }}"), ("Date", "{{ date }}")):
        t.row([label, value])
    space(doc)

    doc.add_heading("Result", level=2)
    tag(doc, "{%p if is_winner %}")
    para(doc, "Your tender scored **{{ total_points }} of {{ total_available }} points** and ranked **{{ rank_text }}**: "
              "it is the most advantageous tender.")
    tag(doc, "{%p else %}")
    para(doc, "Your tender scored **{{ total_points }} of {{ total_available }} points** and ranked **{{ rank_text }}**. "
              "The most advantageous tender, from {{ winner_name }}, scored **{{ winner_total }} points**.")
    tag(doc, "{%p endif %}")

    doc.add_heading("Award criteria", level=2)
    para(doc, "Each award criterion, its relative importance (its share of the points), how it was assessed and the "
              "points available.")
    t = ReportTable(doc, "Award criteria", ["Criterion", "Relative importance", "Points available", "How it was assessed"],
                    [3.6, 3.4, 1.9, 8.1], figures=(2,))
    t.tag("{%tr for c in criteria %}")
    t.row(["{{ c.title }}", "{{ c.importance }}", "{{ c.available }}", "{{ c.assessed }}"])
    t.tag("{%tr endfor %}")
    space(doc)

    doc.add_heading("Your scores", level=2)
    tag(doc, "{%p if is_winner %}")
    t = ReportTable(doc, "Your scores", ["Criterion", "Your points", "Points available"], [9.0, 4.0, 4.0], figures=(1, 2))
    t.tag("{%tr for c in criteria %}")
    t.row(["{{ c.title }}", "{{ c.points }}", "{{ c.available }}"])
    t.tag("{%tr endfor %}")
    t.row(["Total", "{{ total_points }}", "{{ total_available }}"], style="Table Band")
    space(doc)
    tag(doc, "{%p else %}")
    t = ReportTable(doc, "Your scores and the winning tender's", ["Criterion", "Your points", "Winning tender's points", "Points available"],
                    [7.0, 3.3, 3.4, 3.3], figures=(1, 2, 3))
    t.tag("{%tr for c in criteria %}")
    t.row(["{{ c.title }}", "{{ c.points }}", "{{ c.winner_points }}", "{{ c.available }}"])
    t.tag("{%tr endfor %}")
    t.row(["Total", "{{ total_points }}", "{{ winner_total }}", "{{ total_available }}"], style="Table Band")
    space(doc)
    tag(doc, "{%p endif %}")

    doc.add_heading("How your tender was scored", level=2)
    para(doc, "For each criterion: your points explained by reference to your tender — your own commitments and the "
              "evaluation panel's agreed (consensus) reasons{% if not is_winner %}, and where the winning tender "
              "scored more, the panel's reasons for its mark{% endif %}.")
    tag(doc, "{%p for c in criteria %}")
    doc.add_heading("{{ c.title }}: {{ c.points }} of {{ c.available }} points", level=3)
    para(doc, "**Relative importance:** {{ c.importance }}. **How it was assessed:** {{ c.assessed }}", style="Note")
    tag(doc, "{%p for line in c.explanation %}")
    para(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not c.explanation %}")
    para(doc, "[Explain these points by reference to the tender: the contracting authority completes this paragraph.]")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if c.winner_reason %}")
    para(doc, "**Compared with the winning tender.** {{ c.winner_reason }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    doc.add_heading("Totals", level=2)
    para(doc, "Social value: **{{ sv_points }} of {{ max_points }} points**.{% if has_other_criteria %} With the other "
              "criteria your total is **{{ total_points }} of {{ total_available }} points**.{% endif %} Rank: "
              "{{ rank_text }}.{% if not is_winner %} The winning tender's total: {{ winner_total }} points.{% endif %}")
    para(doc, "Social value was scored with {{ framework_name }}, version {{ framework_version }}. Figures are "
              "rounded for display; the ranking uses them in full precision.", style="Note")
    return doc

# ---------------------------------------------------------------- reproducible output

def save_reproducibly(doc: DocumentObject, path: Path) -> None:
    """Save with fixed zip timestamps so the same script gives byte-identical files."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(item.filename))
    path.write_bytes(out.getvalue())


def main() -> None:
    """Write the templates next to this script."""
    save_reproducibly(evaluation(), EVALUATION)
    save_reproducibly(comparison(), COMPARISON)
    save_reproducibly(assessment_summary(), ASSESSMENT)
    print(f"wrote {EVALUATION.name}, {COMPARISON.name} and {ASSESSMENT.name}")


if __name__ == "__main__":
    main()
