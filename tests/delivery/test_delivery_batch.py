"""``svexcel delivery batch``: delivery.json against an independent calculation, the Word reports' text, the other
outputs, exit codes and all-or-nothing output folders."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner
from delivery_builders import blank_delivery, complete, docx_text, fill_delivery
from docx import Document
from libreoffice import convert, pdf_text
from openpyxl import load_workbook
from terminal import run_on_a_terminal

from svexcel.cli.main import main
from svexcel.core.paths import DEFAULT_FRAMEWORK, DELIVERY_SAMPLES
from svexcel.delivery.layout import COVER, DELIVERY, DELIVERY_HEADER_ROW
from svexcel.framework.model import Framework

RATING_BANDS = ((0.95, "Good"), (0.90, "Approaching target"), (0.85, "Requires improvement"))


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped delivery samples run through the batch once."""
    root = tmp_path_factory.mktemp("monitoring")
    shutil.copytree(DELIVERY_SAMPLES, root / "in")
    result = CliRunner().invoke(main, ["delivery", "batch", str(root / "in"), "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    assert "4 delivery workbooks: 3 monitored, 0 rejected, 1 superseded, 0 reports failed" in result.output
    return root / "out"


# ------------------------------------------------------------------ delivery.json, recomputed independently

def workbook_facts(path: Path) -> dict:
    """What a delivery workbook says, read cell by cell with openpyxl (not svexcel's reader)."""
    wb = load_workbook(path, data_only=True)
    cover = {wb[COVER].cell(r, 1).value: wb[COVER].cell(r, 2).value for r in range(1, 30)}
    ws = wb[DELIVERY]
    header = [c.value for c in ws[DELIVERY_HEADER_ROW]]
    first = header.index("P1 2026-04")
    periods = sum(1 for h in header if isinstance(h, str) and h.startswith("P") and h[1].isdigit())
    rows = {}
    for row in ws.iter_rows(min_row=DELIVERY_HEADER_ROW + 1, values_only=True):
        if row[4] not in (None, ""):
            yes = {"Yes": 1.0, "No": 0.0}
            rows[row[0]] = (yes.get(row[4], row[4]), row[5], [yes.get(v, v) for v in row[first:first + periods]])
    return {"supplier": cover["Supplier"], "reference": cover["Contract reference"], "period": cover["Reporting period"],
            "periods": periods, "rows": rows, "attestation": cover["Attestation"]}


def declared_accrues(path: Path) -> dict[str, str]:
    """Each measure's Measures!accrues in a framework workbook, read with openpyxl (not svexcel's reader)."""
    rows = list(load_workbook(path, read_only=True)["Measures"].iter_rows(values_only=True))
    at = rows[0].index("accrues")
    return {row[0]: row[at] for row in rows[1:] if row[0]}


def expected_record(framework: Framework, file: str, facts: dict, accrues: dict[str, str]) -> dict:
    """SPEC §6, worked through again for one contract, in the spec's own terms: each measure accrues as the framework
    declares; a measure before its first period is not yet due (no progress, no RAG, out of the count share)."""
    k, n = facts["period"], facts["periods"]
    measures, money = {}, {"c": 0.0, "e": 0.0, "d": 0.0}
    benefit_e = benefit_d = 0.0
    kpi_candidates = []
    for m in framework.measures:
        if m.id not in facts["rows"]:
            continue
        c, s, actuals = facts["rows"][m.id]
        s = s or 1
        lower = m.direction in ("harm", "lower_is_better")
        if accrues[m.id] == "flow":
            d = sum(a for a in actuals[:k] if a is not None)
            e = c * (k - s + 1) / (n - s + 1) if k >= s else 0.0
        else:
            d = next((a for a in reversed(actuals[:k]) if a is not None), 0.0)
            e = c if k >= s else 0.0
        if k < s:
            p = None
        elif lower:
            p = 1.0 if d <= e else e / d
        else:
            p = min(d / e, 1.0) if e > 0 else 1.0
        rag = None if p is None else "Green" if p >= 0.95 else "Amber" if p >= 0.85 else "Red"
        measures[m.id] = {"committed": c, "delivered": d, "expected": e, "progress": p, "rag": rag, "due": p is not None}
        if m.kind == "monetised":
            sign = -1 if m.direction == "harm" else 1
            values = {key: sign * (q * m.proxy_gbp * (1 - m.deadweight)) for key, q in (("c", c), ("e", e), ("d", d))}
            for key in money:
                money[key] += values[key]
            if m.direction == "benefit":
                benefit_e += values["e"]
                benefit_d += values["d"]
                if values["c"] > 0:
                    kpi_candidates.append((values["c"], m.id, p))
    share_value = min(benefit_d / benefit_e, 1.0) if benefit_e > 0 else 1.0
    due = [x for x in measures.values() if x["due"]]
    share_count = sum(x["rag"] == "Green" for x in due) / len(due)

    def rate(share: float | None) -> str | None:
        return None if share is None else next((name for band, name in RATING_BANDS if share >= band), "Inadequate")

    kpis = sorted(kpi_candidates, key=lambda x: -x[0])[:3]
    stem = facts["reference"]
    attested = facts["attestation"] == "Yes"
    return {"file": file, "status": "scored", "supplier": facts["supplier"], "contract_reference": facts["reference"],
            "period": k, "periods": n, "attestation": "Yes" if attested else "No", "provisional": not attested,
            "measures": measures, "sv_committed": money["c"], "sv_expected": money["e"],
            "sv_delivered": money["d"], "sv_forecast": money["d"] * n / k, "share_count": share_count, "share_value": share_value,
            "rating": rate(share_value), "rating_basis": "claimed",
            # no verification round given: nothing rejected, so validated = claimed, and nothing verified
            "sv_validated": money["d"], "share_count_validated": share_count, "share_value_validated": share_value, "verified_share": 0.0,
            "kpis": [{"measure": i, "progress": p, "rating": rate(p), "due": p is not None} for _, i, p in kpis],
            "report": f"reports/{stem}.docx"}


def test_delivery_json_matches_an_independent_calculation(monitored: Path, framework: Framework) -> None:
    document = json.loads((monitored / "delivery.json").read_text(encoding="utf-8"))
    assert document["framework"] == {"name": framework.name, "version": framework.version}
    by_file = {c["file"]: c for c in document["contracts"]}
    assert sorted(by_file) == ["hillside-delivery.xlsx", "openfields-q2.xlsx", "openfields-q3.xlsx", "riverside-delivery.xlsx"]
    for file in ("hillside-delivery.xlsx", "riverside-delivery.xlsx", "openfields-q3.xlsx"):
        record = dict(by_file[file])
        findings = record.pop("findings")
        assert record == expected_record(framework, file, workbook_facts(DELIVERY_SAMPLES / file), declared_accrues(DEFAULT_FRAMEWORK)), file
        assert [f["type"] for f in findings] == (["restated"] if file == "openfields-q3.xlsx" else [])
    assert by_file["openfields-q2.xlsx"] == {"file": "openfields-q2.xlsx", "status": "superseded", "superseded_by": "openfields-q3.xlsx",
                                             "findings": [], "report": None}
    ratings = {c["contract_reference"]: c["rating"] for c in document["contracts"] if c["status"] == "scored"}
    assert ratings == {"HC-2026-014": "Good", "HC-2026-021": "Inadequate", "HC-2026-033": "Good"}


# ------------------------------------------------------------------ the Word reports

def test_delivery_report_text(monitored: Path) -> None:
    doc = Document(str(monitored / "reports" / "HC-2026-021.docx"))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    themes = [("Heading 3", name) for name in ("Equity and Equality", "Participation and Accountability", "Conviviality/Community",
                                               "Self-help/empowerment", "Wellbeing")]  # a table of measures under each
    assert headings == [("Heading 1", "Social value delivery report"),
                        *(("Heading 2", h) for h in ("Rating", "Verification", "Delivery against the profile", "Key performance indicators",
                                                     "Delivery by measure")), *themes,
                        *(("Heading 2", h) for h in ("Shortfalls and recovery actions", "Harms", "Forecast", "Actions log", "Findings", "Method"))]
    text = docx_text(monitored / "reports" / "HC-2026-021.docx")
    assert "Riverside Care Co-operative" in text and "P4 of 12, covering 1 April 2026 to 31 March 2027" in text
    assert "The contract's performance rating is Inadequate" in text
    assert "Re-tender catering supplies with a local lot for small businesses. (Finance lead, due 2027-06-30, Open)" in text
    assert "No recovery action recorded on the Actions log." in text  # a shortfall nobody has acted on yet
    assert "WB2.1  Greenhouse gas emissions from delivering the contract" in text
    assert "By count, 6 of 23 measures due are Green (11 Amber, 6 Red; 1 not yet due, left out)" in text  # SH1.1 starts in P5
    # the first page says which figure is which (issue 15): net, benefit against expected (the value rating's), harms
    assert "Net social value delivered (benefits less harms)\n£48,028.79" in text
    assert "Benefit delivered against benefit expected (what the value rating uses)\n£50,153.79 of £66,355.00 expected (75.6%)" in text
    assert "Harms delivered\n£2,125.00" in text
    for table in doc.tables:  # accessible: every table has a repeating header row and a caption
        assert table.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
        assert table._tbl.tblPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblCaption") is not None
    alt = doc.inline_shapes[0]._inline.docPr.get("descr")
    assert alt.startswith("Line chart of cumulative social value from monetised benefits, delivered against the expected profile over 12 periods")


def test_harm_report_names_the_restatement_and_the_overrun(monitored: Path) -> None:
    text = docx_text(monitored / "reports" / "HC-2026-033.docx")
    assert "Harms over the commitment: WB2.1 Greenhouse gas emissions from delivering the contract" in text
    assert "P1 of WB2.1 is 2.5 here but was 1.5 in openfields-q2.xlsx" in text


def test_portfolio_text(monitored: Path) -> None:
    text = docx_text(monitored / "portfolio.docx")
    assert "4 delivery workbooks: 3 monitored, 0 rejected, 1 superseded by a later file for the same contract." in text
    for supplier in ("Hillside Community Trust", "Riverside Care Co-operative", "OpenFields Social Enterprise CIC"):
        assert supplier in text
    assert "openfields-q2.xlsx" in text and "Equity and Equality" in text


def test_each_headline_figure_has_one_label_in_report_portfolio_and_summary(monitored: Path) -> None:
    # issue 15: net (benefits less harms), benefit against expected (the value rating's) and harms are told apart, in the
    # same words everywhere; the portfolio's figures are the contracts' own, added up from the summary workbook
    net, benefit, harms = ("Net social value delivered (benefits less harms)",
                           "Benefit delivered against benefit expected (what the value rating uses)", "Harms delivered")
    rows = list(load_workbook(monitored / "delivery-summary.xlsx", read_only=True)["Contracts"].iter_rows(values_only=True))
    header, scored = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[1] == "scored"]
    assert {f"{net} (£)", "Benefit delivered (£)", "Benefit expected to date (£)", f"{harms} (£)"} <= set(header)
    portfolio = Document(str(monitored / "portfolio.docx"))
    table = next(t for t in portfolio.tables if t.rows[0].cells[0].text == "Figure")
    shown = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    pounds = lambda v: f"{'-' if round(v, 2) < 0 else ''}£{abs(round(v, 2)):,.2f}"  # noqa: E731
    assert shown[net] == pounds(sum(r[f"{net} (£)"] for r in scored))
    assert shown[harms] == pounds(sum(r[f"{harms} (£)"] for r in scored))
    assert shown[benefit].startswith(f"{pounds(sum(r['Benefit delivered (£)'] for r in scored))} of "
                                     f"{pounds(sum(r['Benefit expected to date (£)'] for r in scored))} expected")
    report = docx_text(monitored / "reports" / "HC-2026-021.docx")
    assert all(f"{label}\n" in report for label in (net, benefit, harms))


@pytest.mark.libreoffice
def test_report_page_one_as_pdf(monitored: Path, tmp_path: Path) -> None:
    pdf = convert([monitored / "reports" / "HC-2026-021.docx"], "pdf", tmp_path)[0]
    page = " ".join(pdf_text(pdf).split("\f")[0].split())  # whitespace normalised: not tied to line layout
    for expected in ("Social value delivery report", "Riverside Care Co-operative", "Inadequate", "P4 of 12", "Delivery against the profile"):
        assert expected in page


# ------------------------------------------------------------------ the other outputs

def test_summary_and_performance_notices(monitored: Path) -> None:
    wb = load_workbook(monitored / "delivery-summary.xlsx", read_only=True)
    rows = list(wb["Contracts"].iter_rows(values_only=True))
    assert rows[0][:4] == ("File", "Status", "Supplier", "Contract reference")
    assert [(r[0], r[1], r[12]) for r in rows[1:]] == [
        ("hillside-delivery.xlsx", "scored", "Good"), ("openfields-q2.xlsx", "superseded", None),
        ("openfields-q3.xlsx", "scored", "Good"), ("riverside-delivery.xlsx", "scored", "Inadequate")]
    assert sum(1 for _ in wb["Measures"].iter_rows()) == 1 + 24 * 3
    with (monitored / "performance-notices.csv").open(encoding="utf-8-sig", newline="") as fh:
        notices = list(csv.DictReader(fh))
    assert [(n["contract_reference"], n["period_from"], n["period_to"], n["rating"], n["method"]) for n in notices] == [
        ("HC-2026-014", "2026-04-01", "2027-03-31", "Good", "value"),
        ("HC-2026-033", "2026-04-01", "2026-12-31", "Good", "value"),
        ("HC-2026-021", "2026-04-01", "2027-03-31", "Inadequate", "value")]
    assert notices[2]["kpi2_measure"] == "EQ2.1" and notices[2]["kpi2_rating"] == "Inadequate"


def test_text_from_a_return_stays_text(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    winner = make_return(blank_return, tmp_path / "winner.xlsx", framework, organisation="=HYPERLINK(\"http://x\")")
    (tmp_path / "in").mkdir()
    blank = blank_delivery(framework, winner, tmp_path / "blank.xlsx")
    fill_delivery(blank, tmp_path / "in" / "d.xlsx", 1, complete(framework, blank, 1))
    result = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    row = (tmp_path / "out" / "performance-notices.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert row.startswith("'=HYPERLINK") or row.startswith("\"'=HYPERLINK")
    assert load_workbook(tmp_path / "out" / "delivery-summary.xlsx")["Contracts"]["C2"].value == '=HYPERLINK("http://x")'


# ------------------------------------------------------------------ exit codes, jobs, all-or-nothing outputs

def test_jobs_give_identical_outputs_and_a_rejected_file_exits_1(tmp_path: Path) -> None:
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    one = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "one")])
    two = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "two"), "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1
    assert "Rejected broken.xlsx" in one.output and "5 delivery workbooks: 3 monitored, 1 rejected, 1 superseded" in one.output
    assert (tmp_path / "one" / "delivery.json").read_bytes() == (tmp_path / "two" / "delivery.json").read_bytes()
    assert sorted(p.name for p in (tmp_path / "two" / "reports").iterdir()) == ["HC-2026-014.docx", "HC-2026-021.docx", "HC-2026-033.docx"]


def test_outputs_are_replaced_as_a_whole(tmp_path: Path) -> None:
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(out)]).exit_code == 0
    (tmp_path / "in" / "riverside-delivery.xlsx").unlink()
    assert CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(out)]).exit_code == 0
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["HC-2026-014.docx", "HC-2026-033.docx"]  # no stale report
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_a_bad_custom_template_stops_before_anything_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    doc = Document()
    doc.add_paragraph("{{ supplier }} {{ no_such_variable }}")
    doc.save(str(bad))
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    result = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--template", str(bad)])
    assert result.exit_code == 2 and "no_such_variable" in result.output
    assert not (tmp_path / "out").exists()


def test_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "empty"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "No delivery workbooks" in result.output
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    result = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "in" / "out")])
    assert result.exit_code == 2 and "outside" in result.output


def test_an_out_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "my-notes.docx").write_bytes(b"precious")
    result = CliRunner().invoke(main, ["delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "my-notes.docx" in result.output
    assert (tmp_path / "out" / "my-notes.docx").read_bytes() == b"precious"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    process, terminal = run_on_a_terminal("delivery", "batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert process.returncode == 0 and b"3 monitored" in process.stdout
    assert b"Reading delivery workbooks:" in terminal and b"Writing reports:" in terminal and b"/4 [" in terminal
