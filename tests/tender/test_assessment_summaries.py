"""Assessment summaries (Procurement Act 2023 s.50, reg. 31): every element in the text LibreOffice prints,
and an incomplete summary is never written."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner
from libreoffice import convert, pdf_text
from openpyxl import Workbook, load_workbook
from project import ROOT

from svexcel.cli.main import main
from svexcel.core.formatting import number
from svexcel.core.paths import SAMPLE_OTHER_CRITERIA, SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.award import OtherCriteria, read_other_criteria, standings, winner
from svexcel.tender.batch import BatchResult, run_batch
from svexcel.tender.reports.reporter import Reporter
from svexcel.tender.return_reader import read_return
from svexcel.tender.scoring import theme_points, weight_shares
from svexcel.word.errors import ReportTemplateError

DATE = dt.date(2026, 3, 1)


def reason(file: str, theme: str) -> str:
    """A distinct consensus rationale per return and theme, as a moderation meeting would record it."""
    return f"Consensus for {file} on {theme}: the response names who delivers it, when, and how it is measured."


def rationales(framework: Framework, files: list[str]) -> dict[str, dict[str, str]]:
    return {f: {t.id: reason(f, t.id) for t in framework.themes} for f in files}


def flat(text: str) -> str:
    """PDF text with whitespace normalised and words hyphenated across lines rejoined."""
    return " ".join(re.sub(r"-\n\s*", "-", text).split())


def run(framework: Framework, returns: Path, out: Path, **kwargs) -> BatchResult:
    marks, _ = read_quality(SAMPLE_QUALITY, framework)
    kwargs.setdefault("rationales", rationales(framework, [p.name for p in returns.glob("*.xlsx")]))
    return run_batch(returns, out, framework=framework, quality=marks, quality_name=SAMPLE_QUALITY.name, date=DATE,
                     assessment_summaries=True, **kwargs)


@pytest.fixture(scope="module")
def sample_run(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchResult, dict[str, str]]:
    """The five complete samples (City Digital has an unscored theme, so no summary), with price and quality."""
    tmp = tmp_path_factory.mktemp("summaries")
    returns = tmp / "returns"
    shutil.copytree(SAMPLES, returns)
    criteria, findings = read_other_criteria(SAMPLE_OTHER_CRITERIA)
    assert findings == [] and criteria is not None
    result = run(framework, returns, tmp / "out", other_criteria=criteria)
    docs = sorted((tmp / "out" / "assessment-summaries").glob("*.docx"))
    pdfs = convert(docs, "pdf", tmp / "pdf")
    return tmp / "out", result, {doc.stem + ".xlsx": flat(pdf_text(pdf)) for doc, pdf in zip(docs, pdfs, strict=True)}


@pytest.mark.libreoffice
def test_every_complete_scored_return_gets_a_summary(sample_run) -> None:
    out, result, texts = sample_run
    assert sorted(texts) == sorted(r.file for r in result.results if r.file != "city-digital-partners.xlsx")
    assert result.summaries_missing == ["city-digital-partners.xlsx"] and result.exit_code == 0  # a warning, not a failure
    records = {r["file"]: r for r in json.loads((out / "results.json").read_text())["returns"]}
    assert records["riverside-care-coop.xlsx"]["assessment_summary"] == "assessment-summaries/riverside-care-coop.docx"
    incomplete = [f for f in records["city-digital-partners.xlsx"]["findings"] if f["type"] == "assessment-summary-incomplete"]
    assert len(incomplete) == 1 and "the consensus quality mark for Participation and Accountability" in incomplete[0]["message"]


@pytest.mark.libreoffice
def test_summaries_hold_every_reg_31_element(framework: Framework, sample_run) -> None:
    out, _, texts = sample_run
    records = {r["file"]: r for r in json.loads((out / "results.json").read_text())["returns"]}
    criteria, _ = read_other_criteria(SAMPLE_OTHER_CRITERIA)
    assert criteria is not None
    totals = {f: records[f]["points"] + sum(criteria.points[f].values()) for f in texts}
    top = max(totals, key=totals.__getitem__)
    assert top == "riverside-care-coop.xlsx"  # price and quality overturn the social value ranking
    shares = weight_shares(framework)
    for file, text in texts.items():
        ret = read_return(SAMPLES / file, framework)
        record = records[file]
        # the supplier's identifiers
        for value in (ret.organisation, ret.postal_address, ret.email, ret.unique_identifier):
            assert value in text, (file, value)
        # each criterion: title, points available, relative importance, how it was assessed; the points per theme
        # explained by the tender's own figures and the panel's consensus rationale
        for theme in framework.themes:
            mine = record["themes"][theme.id]["score"] * shares[theme.id] * 20
            available = shares[theme.id] * 20
            assert (f"Social value: {theme.name}: {mine:.2f} of {available:.2f} points Relative importance: "
                    f"{shares[theme.id] * 100:.1f}% of the social value points; {available / 100 * 100:.1f}% of all points. "
                    "How it was assessed: The £ social value of the commitments") in text
            assert reason(file, theme.id) in text
            assert f"Theme score {record['themes'][theme.id]['score'] * 100:.0f}% of the {available:.2f} points available gives {mine:.2f} points" in text
        for name, available in criteria.available.items():
            assert f"{name}: {criteria.points[file][name]:.2f} of {available:.2f} points Relative importance: {available / 100 * 100:.1f}% of all points" in text
        for measure in framework.measures:
            quantity = ret.quantities[measure.id]
            shown = "no commitment" if quantity is None else ("Yes" if quantity else "No") if measure.kind == "binary" else number(quantity)
            assert f"{measure.id} {measure.name}: {shown}" in text, (file, measure.id)
        # totals and rank
        assert f"Your tender scored {totals[file]:.2f} of 100.00 points" in text
        assert f"Social value: {record['points']:.2f} of 20.00 points" in text
        # the winner's comparison for every other supplier
        if file == top:
            assert "it is the most advantageous tender" in text and "winning tender scored" not in text
            continue
        assert f"The most advantageous tender, from Riverside Care Co-operative, scored {totals[top]:.2f} points" in text
        winner_points = {t.id: records[top]["themes"][t.id]["score"] * shares[t.id] * 20 for t in framework.themes}
        for theme in framework.themes:
            mine = record["themes"][theme.id]["score"] * shares[theme.id] * 20
            if mine < winner_points[theme.id] - 1e-9:
                assert (f"The winning tender scored {winner_points[theme.id]:.2f} points here. The panel's reasons for its "
                        f"quality mark: {reason(top, theme.id)}") in text
            else:
                assert reason(top, theme.id) not in text


def test_a_missing_element_means_no_summary_and_a_finding_naming_it(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(blank_return, returns / "complete.xlsx", framework, organisation="Complete Co-op")

    def no_email(wb) -> None:
        wb["Cover"]["B10"] = None
    make_return(blank_return, returns / "no-email.xlsx", framework, organisation="No Email Ltd", edit=no_email)
    make_return(blank_return, returns / "no-reason.xlsx", framework, organisation="No Reason Ltd")
    make_return(blank_return, returns / "no-price.xlsx", framework, organisation="No Price Ltd")
    files = ["complete.xlsx", "no-email.xlsx", "no-reason.xlsx", "no-price.xlsx"]
    reasons = rationales(framework, files)
    reasons["no-reason.xlsx"]["WB"] = "  "
    criteria = OtherCriteria({"Price": 40.0}, {f: {"Price": 20.0} for f in files if f != "no-price.xlsx"})
    marks = {f: {t.id: 50.0 for t in framework.themes} for f in files}
    out = tmp_path / "out"
    result = run_batch(returns, out, framework=framework, quality=marks, date=DATE, assessment_summaries=True,
                       rationales=reasons, other_criteria=criteria)
    written = sorted(p.name for p in (out / "assessment-summaries").iterdir())
    assert written == ["complete.docx"]
    assert result.summaries_missing == ["no-email.xlsx", "no-price.xlsx", "no-reason.xlsx"]
    records = {r["file"]: r for r in json.loads((out / "results.json").read_text())["returns"]}
    said = {f: [x["message"] for x in r["findings"] if x["type"] == "assessment-summary-incomplete"] for f, r in records.items()}
    assert said["complete.xlsx"] == []
    assert "the supplier's email (Cover sheet of no-email.xlsx)" in said["no-email.xlsx"][0]
    assert "the consensus rationale for Wellbeing" in said["no-reason.xlsx"][0]
    assert "the points for Price (other criteria workbook)" in said["no-price.xlsx"][0]
    summary = load_workbook(out / "summary.xlsx")["Findings"]
    assert sorted(r[0].value for r in summary.iter_rows(min_row=2) if r[2].value == "assessment-summary-incomplete") == [
        "no-email.xlsx", "no-price.xlsx", "no-reason.xlsx"]


def test_loser_needs_the_winners_rationale_where_it_scored_less(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(blank_return, returns / "a-winner.xlsx", framework, organisation="Winner")
    make_return(blank_return, returns / "b-loser.xlsx", framework, organisation="Loser")
    marks = {"a-winner.xlsx": {t.id: 100.0 for t in framework.themes}, "b-loser.xlsx": {t.id: 25.0 for t in framework.themes}}
    reasons = rationales(framework, ["a-winner.xlsx", "b-loser.xlsx"])
    reasons["a-winner.xlsx"]["EQ"] = ""
    out = tmp_path / "out"
    result = run_batch(returns, out, framework=framework, quality=marks, date=DATE, assessment_summaries=True, rationales=reasons)
    assert result.summaries_missing == ["a-winner.xlsx", "b-loser.xlsx"]
    records = {r["file"]: r for r in json.loads((out / "results.json").read_text())["returns"]}
    loser = next(f["message"] for f in records["b-loser.xlsx"]["findings"] if f["type"] == "assessment-summary-incomplete")
    assert "the winning tender's consensus rationale for Equity and Equality" in loser


def test_standings_add_other_criteria_and_rank_by_total() -> None:
    criteria = OtherCriteria({"Price": 40.0}, {"a.xlsx": {"Price": 10.0}, "b.xlsx": {"Price": 30.0}, "c.xlsx": {"Price": 30.0}})
    result = standings({"a.xlsx": 20.0, "b.xlsx": 5.0, "c.xlsx": 5.0}, criteria)
    assert [(f, s.total, s.rank) for f, s in result.items()] == [("a.xlsx", 30.0, 3), ("b.xlsx", 35.0, 1), ("c.xlsx", 35.0, 1)]
    assert winner(result) == "b.xlsx"  # a shared first place goes to the first by file name
    assert [s.rank for s in standings({"a.xlsx": 20.0, "b.xlsx": 5.0}, None).values()] == [1, 2]


def _criteria_book(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    wb.active.title = "Criteria"
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(("rows", "expected"), [
    ([["File", "Price"], ["a.xlsx", 10]], [("Criteria", "A1", "missing-max")]),
    ([["File", "Price"], ["max", 0], ["a.xlsx", 10]], [("Criteria", "B2", "bad-points")]),
    ([["File", "Price"], ["max", 40], ["a.xlsx", "lots"]], [("Criteria", "B3", "bad-points")]),
    ([["File", "Price"], ["max", 40], ["a.xlsx", 41]], [("Criteria", "B3", "bad-points")]),
    ([["Name", "Price"], ["max", 40]], [("Criteria", "A1", "missing-header")]),
])
def test_other_criteria_workbook_problems_name_the_cell(tmp_path: Path, rows, expected) -> None:
    criteria, findings = read_other_criteria(_criteria_book(tmp_path / "criteria.xlsx", rows))
    assert criteria is None
    assert [(f.sheet, f.cell, f.type) for f in findings] == expected


def test_assessment_template_is_checked_before_anything_is_written(framework: Framework, tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ supplier.name }} {{ no_such_thing }}")
    doc.save(tmp_path / "ours.docx")
    with pytest.raises(ReportTemplateError, match="no_such_thing"):
        Reporter(framework, assessment_template=tmp_path / "ours.docx")
    doc = Document()
    doc.add_paragraph("{{ supplier.nmae }}")
    doc.save(tmp_path / "typo.docx")
    with pytest.raises(ReportTemplateError, match="nmae"):
        Reporter(framework, assessment_template=tmp_path / "typo.docx")


@pytest.mark.libreoffice
def test_theme_points_add_up_to_the_points(framework: Framework, sample_run) -> None:
    _, result, _ = sample_run
    for r in result.results:
        assert r.score is not None
        assert sum(theme_points(framework, r.score).values()) == pytest.approx(r.score.points, abs=1e-12)


def test_every_assessment_variable_is_documented(framework: Framework) -> None:
    import dataclasses

    from svexcel.tender.reports.assessment import assessment_context
    from svexcel.tender.reports.context import FrameworkFacts
    from svexcel.tender.reports.examples import example_award

    docs = (ROOT / "docs" / "template-variables.md").read_text()
    documented = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", docs))
    context, missing = assessment_context(FrameworkFacts(framework), *example_award(framework), "2026-01-01")
    assert missing == []
    assert set(context) <= documented, set(context) - documented
    assert {f"supplier.{key}" for key in context["supplier"]} <= documented
    assert {f"c.{f.name}" for f in dataclasses.fields(context["criteria"][0])} <= documented


# ---------------------------------------------------------------- command line, from a moderation workbook

def _moderation(framework: Framework, returns: Path, tmp_path: Path, consensus: dict[tuple[str, str], tuple[object, object]]) -> Path:
    """A moderation workbook made the panel's way (svexcel panel, evaluators' scores, svexcel moderate), with consensus typed
    and recorded by svexcel moderate."""
    from panel_builders import GOOD, fill_scores, type_consensus

    runner = CliRunner()
    panel = tmp_path / "panel"
    assert runner.invoke(main, ["panel", str(returns), "--evaluators", "Ann;Bo;Cy", "--out", str(panel)]).exit_code == 0
    for path in panel.glob("*.xlsx"):
        fill_scores(path, {}, default=(75, GOOD))
    moderation = tmp_path / "moderation.xlsx"
    result = runner.invoke(main, ["moderate", str(panel), "-o", str(moderation)])
    assert result.exit_code == 0, result.output
    type_consensus(moderation, consensus)
    recorded = runner.invoke(main, ["moderate", str(panel), "-o", str(moderation), "--note", "Agreed at the moderation meeting"])
    assert recorded.exit_code == 0, recorded.output  # the consensus is recorded in the Audit log before batch uses it
    return moderation


def test_cli_writes_summaries_from_the_moderation_workbook(framework: Framework, samples_dir: Path, tmp_path: Path) -> None:
    files = sorted(p.name for p in samples_dir.glob("*.xlsx"))
    marks, _ = read_quality(SAMPLE_QUALITY, framework)
    consensus = {(f, t.id): (marks[f][t.id], reason(f, t.id)) for f in files for t in framework.themes if marks[f][t.id] is not None}
    moderation = _moderation(framework, samples_dir, tmp_path, consensus)
    out = tmp_path / "out"
    sample = load_workbook(SAMPLE_OTHER_CRITERIA)["Criteria"]
    criteria = _criteria_book(tmp_path / "criteria.xlsx", [[c.value for c in row] for row in sample.iter_rows()] + [["typo.xlsx", 1, 1]])
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--quality", str(moderation), "--out", str(out),
                                       "--assessment-summaries", "--other-criteria", str(criteria)])
    assert result.exit_code == 0, result.output  # City Digital's PA has no consensus: its summary is not written
    assert "Note: other criteria for 'typo.xlsx' match no return in the folder" in result.output
    assert "Assessment summaries: 5 written, 1 not written" in result.output
    assert "No assessment summary for city-digital-partners.xlsx: The assessment summary was not written because it lacks the consensus quality mark for Participation and Accountability" in result.output
    assert sorted(p.name for p in (out / "assessment-summaries").iterdir()) == [f.replace(".xlsx", ".docx") for f in files if f != "city-digital-partners.xlsx"]
    from docx import Document

    text = "\n".join(p.text for p in Document(out / "assessment-summaries" / "hillside-community-trust.docx").paragraphs)
    assert reason("hillside-community-trust.xlsx", "WB") in text and reason("riverside-care-coop.xlsx", "EQ") in text


def test_cli_summaries_need_a_moderation_workbook(samples_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(samples_dir), "--quality", str(SAMPLE_QUALITY), "--out", str(tmp_path / "out"), "--assessment-summaries"])
    assert result.exit_code == 2 and "give the moderation workbook as --quality" in result.output
    result = runner.invoke(main, ["batch", str(samples_dir), "--out", str(tmp_path / "out"), "--other-criteria", str(SAMPLE_OTHER_CRITERIA)])
    assert result.exit_code == 2 and "add --assessment-summaries" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_broken_other_criteria_workbook(framework: Framework, samples_dir: Path, tmp_path: Path) -> None:
    moderation = _moderation(framework, samples_dir, tmp_path, {})
    bad = _criteria_book(tmp_path / "criteria.xlsx", [["File", "Price"], ["a.xlsx", 10]])
    result = CliRunner().invoke(main, ["batch", str(samples_dir), "--quality", str(moderation), "--out", str(tmp_path / "out"),
                                       "--assessment-summaries", "--other-criteria", str(bad)])
    assert result.exit_code == 2 and "criteria.xlsx!Criteria!A1" in result.output and "[missing-max]" in result.output
    assert not (tmp_path / "out").exists()
