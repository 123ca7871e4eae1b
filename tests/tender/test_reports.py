"""Word reports: content, accessibility, safety of text from returns, custom templates, determinism, PDF output."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Cm
from libreoffice import convert, pdf_text
from openpyxl import load_workbook
from PIL import Image
from project import ROOT

from svexcel.core import paths
from svexcel.core.formatting import clean_text, money, number, ordinal
from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.reports.reporter import Reporter
from svexcel.tender.results import Competition, ReturnResult
from svexcel.tender.return_layout import COMMITMENT_HEADER_ROW, COMMITMENTS, COVER, NARRATIVE, NARRATIVE_HEADER_ROW
from svexcel.tender.return_reader import Return, read_return
from svexcel.tender.scoring import assess, compete
from svexcel.word.errors import ReportTemplateError

INJECTION = "A&B <ltd> {{ 7*7 }} {% if x %}"
DATE = "2026-11-28"


# ---------------------------------------------------------------- building results through the real pipeline

def score_returns(framework: Framework, returns: list[Return]) -> tuple[list[ReturnResult], Competition]:
    """Score returns against each other with the officers' sample quality scores, as a batch does."""
    marks, findings = read_quality(paths.SAMPLE_QUALITY, framework)
    assert findings == []
    valid = [r for r in returns if not r.rejected]
    assessments = [assess(framework, r.quantities, r.contract_value) for r in valid]
    scores = iter(compete(framework, assessments, [marks.get(r.file, {}) for r in valid]))
    results = [ReturnResult(r, None if r.rejected else next(scores)) for r in returns]
    return results, Competition.of(framework, results, DATE, paths.SAMPLE_QUALITY.name)


def sample_returns(framework: Framework) -> list[Return]:
    """The shipped sample returns, read and validated."""
    return [read_return(p, framework) for p in sorted(paths.SAMPLES.glob("*.xlsx"))]


def injection_return(framework: Framework, blank: Path, target: Path) -> Return:
    """A return whose organisation, evidence and responses are text that looks like markup and template tags."""
    shutil.copy(blank, target)
    book = load_workbook(target)
    cover = book[COVER]
    row = next(r for r in range(1, cover.max_row + 1) if cover.cell(r, 1).value == "Organisation")
    cover.cell(row, 2).value = INJECTION
    cover.cell(row + 2, 2).value = 500000
    commitments = book[COMMITMENTS]
    header = [c.value for c in commitments[COMMITMENT_HEADER_ROW]]
    id_col, qty_col, ev_col = (header.index(h) + 1 for h in ("Measure ID", "Quantity", "Evidence"))
    for r in range(COMMITMENT_HEADER_ROW + 1, commitments.max_row + 1):
        measure = framework.measure_by_id.get(str(commitments.cell(r, id_col).value))
        if measure is not None:
            commitments.cell(r, qty_col).value = "Yes" if measure.kind == "binary" else 3
            commitments.cell(r, ev_col).value = INJECTION
    narrative = book[NARRATIVE]
    for r in range(NARRATIVE_HEADER_ROW + 1, NARRATIVE_HEADER_ROW + 1 + len(framework.themes)):
        narrative.cell(r, 3).value = INJECTION
    book.save(target)
    ret = read_return(target, framework)
    assert not ret.rejected, [str(f) for f in ret.findings]
    return ret


@pytest.fixture(scope="module")
def field(framework: Framework, blank_return: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[ReturnResult], Competition]:
    """The six samples plus the injection return, scored together."""
    injected = injection_return(framework, blank_return, tmp_path_factory.mktemp("injection") / "injection.xlsx")
    return score_returns(framework, [*sample_returns(framework), injected])


@pytest.fixture(scope="module")
def reporter(framework: Framework) -> Reporter:
    """A Reporter with the shipped templates."""
    return Reporter(framework)


@pytest.fixture(scope="module")
def rendered(reporter: Reporter, field: tuple[list[ReturnResult], Competition], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every evaluation report and the comparison report, written to files keyed by return file (and 'comparison')."""
    results, competition = field
    out = tmp_path_factory.mktemp("reports")
    files = {}
    for result in results:
        files[result.file] = out / f"{Path(result.file).stem}.docx"
        files[result.file].write_bytes(reporter.evaluation(result, competition))
    files["comparison"] = out / "comparison.docx"
    files["comparison"].write_bytes(reporter.comparison(results, competition))
    return files


@pytest.fixture(scope="module")
def pdf_texts(rendered: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """All reports converted to PDF in one LibreOffice call, as text."""
    keys = list(rendered)
    pdfs = convert([rendered[k] for k in keys], "pdf", tmp_path_factory.mktemp("pdf"))
    return {key: " ".join(pdf_text(pdf).split()) for key, pdf in zip(keys, pdfs, strict=False)}  # not tied to line layout


# ---------------------------------------------------------------- reading documents

def document_text(doc: DocumentObject) -> str:
    """All paragraph and table-cell text of a document."""
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def table_with(doc: DocumentObject, *headers: str):
    """The first table whose header row starts with ``headers``."""
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells[: len(headers)]] == list(headers):
            return table
    raise AssertionError(f"no table with headers {headers}")


def tables_with(doc: DocumentObject, *headers: str) -> list:
    """Every table whose header row starts with ``headers``, in order."""
    return [table for table in doc.tables if [c.text for c in table.rows[0].cells[: len(headers)]] == list(headers)]


def rows_of(table) -> list[list[str]]:
    """Cell texts of every row after the header."""
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def pounds(value: float) -> str:
    """Money to the penny as the product contract shows it."""
    return f"{'-' if round(value, 2) < 0 else ''}£{abs(value):,.2f}"


def pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def scored(results: list[ReturnResult]) -> list[ReturnResult]:
    return [r for r in results if r.score is not None]


# ---------------------------------------------------------------- evaluation report content

def test_evaluation_reports_show_the_engines_figures(framework: Framework, field, rendered) -> None:
    results, competition = field
    for result in scored(results):
        doc = Document(rendered[result.file])
        score = result.score
        assert [p.text for p in doc.paragraphs if p.style.name == "Subtitle"] == [result.ret.organisation]
        scorecard = table_with(doc, f"Points (out of {framework.settings.max_points:.2f})", "Rank")
        assert rows_of(scorecard) == [[
            f"{score.points:.2f}", f"{ordinal(score.rank)} of {competition.scored}", pounds(score.assessment.total_sv),
            f"{score.assessment.sv_ratio * 100:.1f}%" if score.assessment.sv_ratio is not None else "no contract value",
        ]]
        themes = table_with(doc, "Theme", "Social value", "Value score")
        body = {row[0]: row for row in rows_of(themes)}
        for theme in framework.themes:
            figures = score.themes[theme.id]
            row = body[theme.name]
            assert row[1] == (pounds(figures.sv) if "monetised" in framework.theme_components(theme.id) else "—")
            assert row[5] == pct(figures.score)
            assert row[6] == pct(competition.best_theme_scores[theme.id])
        assert body["Total"][-1] == f"{score.points:.2f}"


def test_evaluation_has_one_measure_row_per_framework_measure(framework: Framework, field, rendered) -> None:
    results, _ = field
    for result in scored(results):
        tables = tables_with(Document(rendered[result.file]), "Measure", "Quantity", "Unit")
        assert len(tables) == len(framework.themes)  # a table per theme, under the theme's heading
        rows = [row for table in tables for row in rows_of(table) if row[0].split("  ")[0] in framework.measure_by_id]
        assert [row[0].split("  ")[0] for row in rows] == [m.id for m in framework.measures]
        for row, measure in zip(rows, framework.measures, strict=False):
            figures = result.score.assessment.measures[measure.id]
            expected = pounds(figures.value) if measure.kind == "monetised" else pct(figures.attainment)
            assert row[3] == expected, measure.id
            quantity = result.ret.quantities[measure.id]
            if quantity is None:
                assert row[1] == "Not answered"
            elif measure.kind != "binary":
                assert row[1] == number(quantity)


def test_evaluation_summary_names_strongest_theme_value_and_harms(framework: Framework, field, rendered) -> None:
    results, _ = field
    for result in scored(results):
        doc = Document(rendered[result.file])
        heading = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Summary")
        summary = doc.paragraphs[heading + 1].text
        strongest = max(framework.themes, key=lambda t: result.score.themes[t.id].score)
        assert strongest.name in summary
        assert pounds(result.score.assessment.total_sv) in summary
        for measure in framework.measures:
            if measure.direction == "harm" and (result.ret.quantities.get(measure.id) or 0) > 0:
                assert measure.name in summary


def test_evaluation_lists_only_non_blocking_findings_with_their_cells(field, rendered) -> None:
    results, _ = field
    with_findings = [r for r in scored(results) if r.ret.findings]
    assert with_findings, "the samples include returns with warnings"
    for result in with_findings:
        rows = rows_of(table_with(Document(rendered[result.file]), "Severity", "Where", "Finding"))
        expected = {(f.severity.capitalize(), f"{f.sheet}!{f.cell}", f.message) for f in result.ret.findings}
        assert {tuple(row) for row in rows} == expected
    clean = next(r for r in scored(results) if not r.ret.findings)
    assert "The return was read without warnings or notes." in document_text(Document(rendered[clean.file]))


def test_evaluation_is_accessible(framework: Framework, field, rendered) -> None:
    results, _ = field
    result = scored(results)[0]
    doc = Document(rendered[result.file])
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["Social value evaluation"] == "Heading 1"  # the title: the one Heading 1
    for heading in ("Summary", "Theme scores", "Commitments by measure", "Responses by theme", "Findings"):
        assert styles[heading] == "Heading 2"
    for theme in framework.themes:  # its commitments table and its response, each under the theme's heading
        assert [p.style.name for p in doc.paragraphs if p.text == theme.name] == ["Heading 3", "Heading 3"]
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    pictures = doc.inline_shapes
    assert len(pictures) == 1
    alt = pictures[0]._inline.docPr.get("descr")
    assert result.ret.organisation in alt and "{{" not in alt
    for theme in framework.themes:
        assert f"{theme.name} {pct(result.score.themes[theme.id].score)}" in alt
    assert doc.core_properties.title == f"Social value evaluation: {result.ret.organisation}"


def test_evaluation_chart_is_redrawn_to_the_pictures_size(field, reporter: Reporter) -> None:
    results, competition = field
    template_media = _media(paths.EVALUATION_TEMPLATE.read_bytes())
    first, second = scored(results)[:2]
    charts = [_media(reporter.evaluation(r, competition)) for r in (first, second)]
    doc = Document(paths.EVALUATION_TEMPLATE)
    extent = doc.inline_shapes[0]
    expected_size = (round(extent.width / 914400 * 150), round(extent.height / 914400 * 150))
    for chart in charts:
        assert chart != template_media
        assert Image.open(io.BytesIO(chart)).size == expected_size
    assert charts[0] != charts[1]


def _media(docx: bytes) -> bytes:
    """The one picture in a report."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("word/media/")]
        return archive.read(name)


def test_rejected_return_has_no_evaluation_report(framework: Framework, reporter: Reporter, field, tmp_path: Path) -> None:
    _, competition = field
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    result = ReturnResult(read_return(broken, framework))
    assert result.status == "rejected"
    with pytest.raises(ValueError, match="broken.xlsx was rejected"):
        reporter.evaluation(result, competition)


# ---------------------------------------------------------------- comparison report content

def test_comparison_ranks_every_scored_return(framework: Framework, field, rendered) -> None:
    results, _ = field
    doc = Document(rendered["comparison"])
    ranking = rows_of(table_with(doc, "Rank", "Organisation", "File"))
    expected = sorted(scored(results), key=lambda r: (r.score.rank, r.file))
    assert [row[2] for row in ranking] == [r.file for r in expected]
    assert [row[3] for row in ranking] == [f"{r.score.points:.2f}" for r in expected]
    assert [row[4] for row in ranking] == [pounds(r.score.assessment.total_sv) for r in expected]
    balance = table_with(doc, "Rank", "Organisation", framework.themes[0].id)
    assert [c.text for c in balance.rows[0].cells] == ["Rank", "Organisation", *(t.id for t in framework.themes)]
    assert [row[2:] for row in rows_of(balance)] == [[pct(r.score.themes[t.id].score) for t in framework.themes] for r in expected]
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    (chart,) = doc.inline_shapes
    assert expected[0].ret.organisation in chart._inline.docPr.get("descr")
    assert "No return was rejected." in document_text(doc)


def test_comparison_lists_rejected_returns_and_why(framework: Framework, reporter: Reporter, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    rejected = read_return(broken, framework)
    results, competition = score_returns(framework, [*sample_returns(framework), rejected])
    doc = Document(io.BytesIO(reporter.comparison(results, competition)))
    rows = rows_of(table_with(doc, "File", "Where", "Why it was rejected"))
    errors = [f for f in rejected.findings if f.severity == "error"]
    assert errors and [row[0] for row in rows] == ["broken.xlsx"] * len(errors)
    assert [row[2] for row in rows] == [f.message for f in errors]
    assert len(rows_of(table_with(doc, "Rank", "Organisation", "File"))) == len(results) - 1


def test_comparison_when_every_return_is_rejected(framework: Framework, reporter: Reporter, tmp_path: Path) -> None:
    files = [tmp_path / name for name in ("a.xlsx", "b.xlsx")]
    for file in files:
        file.write_bytes(b"")
    results, competition = score_returns(framework, [read_return(f, framework) for f in files])
    doc = Document(io.BytesIO(reporter.comparison(results, competition)))
    assert rows_of(table_with(doc, "Rank", "Organisation", "File")) == []
    assert [row[0] for row in rows_of(table_with(doc, "File", "Where", "Why it was rejected"))] == ["a.xlsx", "b.xlsx"]
    assert "No return was scored, so there is nothing to compare." in document_text(doc)


def test_comparison_of_many_returns_charts_the_top_ten(framework: Framework, reporter: Reporter) -> None:
    samples = [r for r in sample_returns(framework) if not r.rejected]
    many = [dataclasses.replace(samples[i % len(samples)], file=f"r{i:03d}.xlsx",
                                quantities={k: None if v is None else v * (1 + i / 10) for k, v in samples[i % len(samples)].quantities.items()})
            for i in range(60)]
    results, competition = score_returns(framework, many)
    doc = Document(io.BytesIO(reporter.comparison(results, competition)))
    assert len(rows_of(table_with(doc, "Rank", "Organisation", "File"))) == 60
    assert "The chart shows the 10 highest-ranked of the 60 scored returns" in document_text(doc)
    alt = doc.inline_shapes[0]._inline.docPr.get("descr")
    first_theme = alt.split(f"{framework.themes[0].name}: ")[1].split(";")[0]
    assert len(first_theme.split(", ")) == 10


def test_comparison_marks_shared_ranks(framework: Framework, reporter: Reporter) -> None:
    sample = next(r for r in sample_returns(framework) if not r.rejected)
    twins = [dataclasses.replace(sample, file=name) for name in ("a.xlsx", "b.xlsx")]
    results, competition = score_returns(framework, twins)
    assert [r.score.rank for r in results] == [1, 1]
    rows = rows_of(table_with(Document(io.BytesIO(reporter.comparison(results, competition))), "Rank", "Organisation", "File"))
    assert [row[0] for row in rows] == ["1=", "1="]
    evaluation = document_text(Document(io.BytesIO(reporter.evaluation(results[0], competition))))
    assert "joint 1st of 2" in evaluation


# ---------------------------------------------------------------- text from returns is data

def test_text_from_returns_appears_verbatim_and_is_never_evaluated(framework: Framework, field, rendered) -> None:
    results, _ = field
    injected = next(r for r in results if r.file == "injection.xlsx")
    doc = Document(rendered[injected.file])
    assert [p.text for p in doc.paragraphs if p.style.name == "Subtitle"] == [INJECTION]
    assert doc.core_properties.title == f"Social value evaluation: {INJECTION}"
    evidence = [row[4] for table in tables_with(doc, "Measure", "Quantity", "Unit") for row in rows_of(table)
                if row[0].split("  ")[0] in framework.measure_by_id]
    assert evidence == [INJECTION] * len(framework.measures)
    narratives = [p.text for p in doc.paragraphs if p.style.name == "Normal" and p.text == INJECTION]
    assert len(narratives) == len(framework.themes)
    text = document_text(doc)
    assert "A&B <ltd> 49" not in text and "{{ 7*7 }}" in text
    xml = zipfile.ZipFile(rendered[injected.file]).read("word/document.xml").decode()
    assert "A&amp;B &lt;ltd&gt; {{ 7*7 }} {% if x %}" in xml
    comparison = Document(rendered["comparison"])
    assert INJECTION in [row[1] for row in rows_of(table_with(comparison, "Rank", "Organisation", "File"))]


@pytest.mark.libreoffice
def test_text_from_returns_survives_into_pdf(framework: Framework, pdf_texts) -> None:
    text = pdf_texts["injection.xlsx"]
    assert text.count(INJECTION) >= 1 + len(framework.themes)  # the subtitle and each theme's response
    assert "A&B <ltd> 49" not in text
    assert INJECTION in pdf_texts["comparison"]


def test_newlines_become_line_breaks_and_control_characters_are_dropped(framework: Framework, reporter: Reporter, field) -> None:
    results, competition = field
    result = scored(results)[0]
    theme = framework.themes[0]
    ret = dataclasses.replace(result.ret, narrative={**result.ret.narrative, theme.id: "line one\r\nline two\x0b"})
    doc = Document(io.BytesIO(reporter.evaluation(ReturnResult(ret, result.score), competition)))
    assert "line one\nline two" in [p.text for p in doc.paragraphs]


# ---------------------------------------------------------------- PDF (LibreOffice)

@pytest.mark.libreoffice
def test_reports_render_in_libreoffice_with_the_expected_figures(framework: Framework, field, pdf_texts) -> None:
    results, competition = field
    for result in scored(results):
        text = pdf_texts[result.file]
        score = result.score
        assert result.ret.organisation in text
        assert f"{score.points:.2f}" in text
        assert f"{ordinal(score.rank)} of {competition.scored}" in text
        assert pounds(score.assessment.total_sv) in text
        for theme in framework.themes:
            assert theme.name in text
    comparison = pdf_texts["comparison"]
    for result in scored(results):
        assert result.file in comparison
        assert f"{result.score.points:.2f}" in comparison


# ---------------------------------------------------------------- custom templates

def _custom_template(path: Path, *lines: str, chart_alt: str | None = None, chart_cm: tuple[float, float] = (10, 5)) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    if chart_alt is not None:
        png = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(png, "PNG")
        shape = doc.add_paragraph().add_run().add_picture(png, width=Cm(chart_cm[0]), height=Cm(chart_cm[1]))
        shape._inline.docPr.set("descr", chart_alt)
    doc.save(path)
    return path


def test_custom_template_with_unknown_variable_is_refused(framework: Framework, tmp_path: Path) -> None:
    officer = _custom_template(tmp_path / "officer.docx", "Report for {{ organisation }}", "{{ unknown_thing }}")
    with pytest.raises(ReportTemplateError) as caught:
        Reporter(framework, evaluation_template=officer)
    assert caught.value.template == officer
    assert caught.value.missing == ["unknown_thing"]
    assert "officer.docx" in str(caught.value) and "unknown_thing" in str(caught.value)


def test_custom_comparison_template_with_unknown_field_is_refused(framework: Framework, tmp_path: Path) -> None:
    officer = _custom_template(tmp_path / "league.docx", "{% for r in ranking %}{{ r.pionts }}{% endfor %}")
    with pytest.raises(ReportTemplateError) as caught:
        Reporter(framework, comparison_template=officer)
    assert caught.value.missing == ["pionts"]
    assert "league.docx" in str(caught.value)


def test_custom_template_with_broken_tag_is_refused(framework: Framework, tmp_path: Path) -> None:
    officer = _custom_template(tmp_path / "typo.docx", "{{ organisation }")
    with pytest.raises(ReportTemplateError, match="typo.docx"):
        Reporter(framework, evaluation_template=officer)


def test_template_that_is_not_a_word_document_is_refused(framework: Framework, tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_text("not a document")
    for path in (fake, tmp_path / "missing.docx"):
        with pytest.raises(ReportTemplateError, match=f"{path.name} cannot be opened as a Word document"):
            Reporter(framework, comparison_template=path)


def test_custom_template_may_use_jinja_builtins(framework: Framework, field, tmp_path: Path) -> None:
    results, competition = field
    counted = _custom_template(tmp_path / "counted.docx", "{% for i in range(2) %}{{ organisation }};{% endfor %}")
    doc = Document(io.BytesIO(Reporter(framework, evaluation_template=counted).evaluation(scored(results)[0], competition)))
    assert doc.paragraphs[0].text == f"{scored(results)[0].ret.organisation};" * 2


def test_custom_template_without_chart_and_with_its_own_chart_place(framework: Framework, field, tmp_path: Path) -> None:
    results, competition = field
    result = scored(results)[0]
    plain = _custom_template(tmp_path / "plain.docx", "{{ organisation }} scored {{ points }} points ({{ rank_text }}).")
    doc = Document(io.BytesIO(Reporter(framework, evaluation_template=plain).evaluation(result, competition)))
    assert doc.paragraphs[0].text == f"{result.ret.organisation} scored {result.score.points:.2f} points ({ordinal(result.score.rank)} of {competition.scored})."
    charted = _custom_template(tmp_path / "charted.docx", "{{ organisation }}", chart_alt="Chart: {{ chart_alt }}")
    out = Reporter(framework, evaluation_template=charted).evaluation(result, competition)
    assert Image.open(io.BytesIO(_media(out))).size == (round(10 / 2.54 * 150), round(5 / 2.54 * 150))
    alt = Document(io.BytesIO(out)).inline_shapes[0]._inline.docPr.get("descr")
    assert alt.startswith(f"Chart: Bar chart of theme scores for {result.ret.organisation}")
    tiny = _custom_template(tmp_path / "tiny.docx", chart_alt="{{ chart_alt }}", chart_cm=(1, 1))
    assert Image.open(io.BytesIO(_media(Reporter(framework, evaluation_template=tiny).evaluation(result, competition)))).size == (300, 150)


def test_reports_follow_the_frameworks_themes(framework: Framework) -> None:
    kept = framework.themes[:3]
    smaller = dataclasses.replace(
        framework, themes=kept, outcomes=tuple(o for o in framework.outcomes if o.theme_id in {t.id for t in kept}),
        measures=tuple(m for m in framework.measures if m.theme_id in {t.id for t in kept}),
    )
    results, competition = score_returns(smaller, sample_returns(framework))
    three = Reporter(smaller)
    evaluation = Document(io.BytesIO(three.evaluation(scored(results)[0], competition)))
    assert [row[0] for row in rows_of(table_with(evaluation, "Theme", "Social value", "Value score"))] == [t.name for t in kept] + ["Total"]
    comparison = Document(io.BytesIO(three.comparison(results, competition)))
    balance = table_with(comparison, "Rank", "Organisation", kept[0].id)
    assert [c.text for c in balance.rows[0].cells] == ["Rank", "Organisation", *(t.id for t in kept)]
    assert len(balance._tbl.tblGrid.gridCol_lst) == 2 + len(kept)


# ---------------------------------------------------------------- determinism and the shipped templates

def test_same_input_gives_identical_bytes(framework: Framework, reporter: Reporter, field) -> None:
    results, competition = field
    result = scored(results)[0]
    first = reporter.evaluation(result, competition)
    assert reporter.evaluation(result, competition) == first
    assert Reporter(framework).evaluation(result, competition) == first
    assert reporter.comparison(results, competition) == reporter.comparison(results, competition)
    assert reporter.evaluation(scored(results)[1], competition) != first


def test_shipped_templates_match_their_build_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build_templates.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for make, shipped in ((build.evaluation, paths.EVALUATION_TEMPLATE), (build.comparison, paths.COMPARISON_TEMPLATE),
                          (build.assessment_summary, paths.ASSESSMENT_TEMPLATE)):
        fresh = tmp_path / shipped.name
        build.save_reproducibly(make(), fresh)
        with zipfile.ZipFile(fresh) as new, zipfile.ZipFile(shipped) as old:
            assert new.namelist() == old.namelist()
            for name in new.namelist():
                if not name.startswith("word/media/"):  # example chart pixels depend on the Pillow version
                    assert new.read(name) == old.read(name), f"{shipped.name}:{name} is stale; run templates/build_templates.py"


def test_every_variable_is_documented(framework: Framework, field) -> None:
    from svexcel.tender.reports.context import FrameworkFacts, comparison_context, evaluation_context

    results, competition = field
    facts = FrameworkFacts(framework)
    docs = (ROOT / "docs" / "template-variables.md").read_text()
    documented = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", docs))
    for context in (evaluation_context(facts, scored(results)[0], competition), comparison_context(facts, results, competition)):
        for name, value in context.items():
            assert name in documented, name
            rows = value if isinstance(value, (list, tuple)) else []
            for row in rows[:1]:
                prefix = {"themes": "t", "measures": "m", "findings": "f", "components": "c", "proxies": "p",
                          "targets": "g", "ranking": "r", "rejected": "r", "questions": "q"}[name]
                for field_ in dataclasses.fields(row):
                    assert f"{prefix}.{field_.name}" in documented, f"{name}: {prefix}.{field_.name}"


# ---------------------------------------------------------------- display formats

def test_display_formats() -> None:
    assert money(1234.5) == "£1,234.50"
    assert money(-0.004) == "£0.00"
    assert money(-1234567.891) == "-£1,234,567.89"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert (number(1200.0), number(12.5), number(0.125)) == ("1,200", "12.5", "0.125")
    assert clean_text(" a\r\nb\x0b\x00c ") == "a\nbc"
