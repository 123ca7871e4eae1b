"""Text is data, never code (SPEC §8): text that starts with = + - or @, or holds a template expression, typed into a
framework, a return, an evaluator's workbook or a supplier's delivery workbook, comes out of every workbook and
document the real commands write exactly as typed: a string cell (never a formula), a CSV cell Excel will not run,
the literal words in Word.

One run of the whole job (template, validate, batch, panel, moderate, batch with the consensus, build, delivery
template, delivery batch, delivery build) as subprocesses; each test checks what one kind of output holds.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from builders import framework_with_texts, make_return, quantity_row
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from panel_builders import declare

from svexcel.delivery.layout import (
    ACTIONS,
    ACTIONS_HEADER_ROW,
    COVER_FIRST_ROW,
    COVER_LABELS,
    DELIVERY,
    DELIVERY_HEADER_ROW,
    LEAD_COLUMNS,
)
from svexcel.excel.protected import put
from svexcel.framework.model import load_framework
from svexcel.panel.layout import MODERATION, MODERATION_HEADER_ROW, SCORES, SCORES_HEADER_ROW
from svexcel.tender.return_layout import COMMITMENTS, NARRATIVE, NARRATIVE_HEADER_ROW

EXPRESSION = "{{ 7*7 }}"  # a template expression: reports must show it, never 49
MEASURE = f"=SUM(1,1) local jobs {EXPRESSION}"
COUNTING_RULE = "=count each person once"
PROXY_BASIS = f"+illustrative, per hour {EXPRESSION}"
ORGANISATION = f"@Acme {EXPRESSION} Co-op"
EVIDENCE = f"-10% of payroll, evidenced {EXPRESSION}"
NARRATIVE_TEXT = f"=HYPERLINK(\"http://example.org\",\"click\") we will hire locally {EXPRESSION}"
EVALUATOR = "=Jones"
RATIONALE = (f"+The response names the people, the budget and the dates it will use, and points to last year's "
             f"delivery figures as proof {EXPRESSION}")
CONSENSUS = f"-Agreed: the plan names people, budget and dates and shows last year's delivery as evidence {EXPRESSION}"
DELIVERY_EVIDENCE = f"=payroll extract for the quarter {EXPRESSION}"
ISSUE = f"@two apprentices left {EXPRESSION}"
RECOVERY = f"+recruit two more by June {EXPRESSION}"
TYPED = (MEASURE, COUNTING_RULE, PROXY_BASIS, ORGANISATION, EVIDENCE, NARRATIVE_TEXT, EVALUATOR, RATIONALE, CONSENSUS,
         DELIVERY_EVIDENCE, ISSUE, RECOVERY)


def svexcel(*args: object) -> subprocess.CompletedProcess[str]:
    """Run an svexcel command as a user would; fail with its output if it fails."""
    done = subprocess.run([sys.executable, "-m", "svexcel", *map(str, args)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def typed(wb: Workbook, sheet: str, row: int, col: int, text: str) -> None:
    """Type text into a cell as Excel keeps typed text (a string, whatever it starts with)."""
    put(wb[sheet].cell(row, col), text)


def cells_holding(path: Path, texts: tuple[str, ...] = TYPED) -> list[tuple[str, Cell]]:
    """Every cell of a workbook whose value is one of ``texts`` or contains one, with its sheet."""
    wb = load_workbook(path)
    return [(ws.title, c) for ws in wb for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and any(t in c.value for t in texts)]


def assert_text_cells(path: Path, *expected: str) -> None:
    """Each expected text is in the workbook, and every cell holding typed text is a string, never a formula."""
    found = cells_holding(path)
    values = {c.value for _, c in found}
    assert all(any(text in v for v in values) for text in expected), (path.name, sorted(values))
    assert [(sheet, c.coordinate, c.data_type) for sheet, c in found if c.data_type != "s"] == [], path.name


def word_text(path: Path) -> str:
    """All text of a Word document, paragraph by paragraph (tables, nested tables, headers and footers too)."""
    doc = Document(str(path))
    parts = [doc.element.body, *(s.header._element for s in doc.sections), *(s.footer._element for s in doc.sections)]
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for part in parts for p in part.iter(qn("w:p")))


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The whole job run once on inputs full of formula-like text; the folder holds every output."""
    root = tmp_path_factory.mktemp("text-as-text")
    fw_path = framework_with_texts(root / "framework.xlsx", {("Measures", 1, "measure"): MEASURE, ("Measures", 1, "counting_rule"): COUNTING_RULE,
                                                             ("Measures", 1, "proxy_basis"): PROXY_BASIS})
    framework = load_framework(fw_path)
    first = framework.measures[0].id
    svexcel("template", "-f", fw_path, "-o", root / "blank.xlsx")

    def evil(wb: Workbook) -> None:
        typed(wb, COMMITMENTS, quantity_row(wb, first), 7, EVIDENCE)
        for offset in range(len(framework.themes)):
            typed(wb, NARRATIVE, NARRATIVE_HEADER_ROW + 1 + offset, 3, NARRATIVE_TEXT)

    returns = root / "returns"
    returns.mkdir()
    make_return(root / "blank.xlsx", returns / "acme.xlsx", framework, organisation=ORGANISATION, edit=evil)
    for name, quantity in (("beta", 5), ("gamma", 20)):
        make_return(root / "blank.xlsx", returns / f"{name}.xlsx", framework, {m.id: quantity for m in framework.measures if m.kind != "binary"},
                    organisation=f"{name.title()} Ltd")
    (root / "validate.json").write_text(svexcel("validate", "-f", fw_path, "--json", returns / "acme.xlsx").stdout)
    svexcel("batch", returns, "-f", fw_path, "--out", root / "batch")

    svexcel("panel", returns, "-f", fw_path, "--evaluators", f"{EVALUATOR};B. Smith", "--out", root / "panel")
    for workbook, rationale in ((f"{EVALUATOR}.xlsx", RATIONALE), ("B. Smith.xlsx", RATIONALE[1:])):
        wb = load_workbook(root / "panel" / workbook)
        declare(wb)
        for row in range(SCORES_HEADER_ROW + 1, wb[SCORES].max_row + 1):
            wb[SCORES].cell(row, 6).value = 50
            typed(wb, SCORES, row, 7, rationale)
        wb.save(root / "panel" / workbook)
    svexcel("moderate", root / "panel", "-f", fw_path, "-o", root / "moderation.xlsx")
    wb = load_workbook(root / "moderation.xlsx")
    ws = wb[MODERATION]
    header = {ws.cell(MODERATION_HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    for row in range(MODERATION_HEADER_ROW + 1, ws.max_row + 1):
        ws.cell(row, header["Consensus"]).value = 50
        typed(wb, MODERATION, row, header["Consensus rationale"], CONSENSUS)
    wb.save(root / "moderation.xlsx")
    svexcel("moderate", root / "panel", "-f", fw_path, "-o", root / "moderation.xlsx")  # records the consensus typed
    svexcel("batch", returns, "-f", fw_path, "-q", root / "moderation.xlsx", "--assessment-summaries", "--out", root / "awarded")
    svexcel("build", "-f", fw_path, "--returns", returns, "-q", root / "moderation.xlsx", "-j", "1", "-o", root / "live.xlsm")

    deliveries = root / "deliveries"
    svexcel("delivery", "template", returns / "acme.xlsx", "-f", fw_path, "--start", "2026-04-01", "-o", deliveries / "acme-delivery.xlsx")
    wb = load_workbook(deliveries / "acme-delivery.xlsx")
    wb["Cover"].cell(COVER_FIRST_ROW + COVER_LABELS.index("Reporting period"), 2).value = 1
    wb["Cover"].cell(COVER_FIRST_ROW + COVER_LABELS.index("Attestation"), 2).value = "Yes"
    ws = wb[DELIVERY]
    evidence_col = next(c for c in range(1, ws.max_column + 1) if ws.cell(DELIVERY_HEADER_ROW, c).value == "Evidence")
    for row in range(DELIVERY_HEADER_ROW + 1, ws.max_row + 1):
        measure = framework.measure_by_id.get(ws.cell(row, 1).value)
        if measure is not None and ws.cell(row, 5).value not in (None, ""):
            ws.cell(row, len(LEAD_COLUMNS) + 1).value = "Yes" if measure.kind == "binary" else 1
    typed(wb, DELIVERY, next(r for r in range(DELIVERY_HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == first), evidence_col,
          DELIVERY_EVIDENCE)
    wb[ACTIONS].cell(ACTIONS_HEADER_ROW + 1, 1).value = first
    typed(wb, ACTIONS, ACTIONS_HEADER_ROW + 1, 2, ISSUE)
    typed(wb, ACTIONS, ACTIONS_HEADER_ROW + 1, 3, RECOVERY)
    wb.save(deliveries / "acme-delivery.xlsx")
    svexcel("delivery", "batch", deliveries, "-f", fw_path, "--out", root / "monitoring")
    svexcel("delivery", "build", "-f", fw_path, "--returns", deliveries, "-o", root / "monitor.xlsm")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_the_framework_text_stays_text_in_the_blank_return_and_the_return_is_valid(job: Path) -> None:
    assert_text_cells(job / "blank.xlsx", MEASURE, COUNTING_RULE)
    (acme,) = json.loads((job / "validate.json").read_text())
    assert acme["status"] == "valid" and [f for f in acme["findings"] if f["severity"] == "error"] == []


def test_the_batch_keeps_a_bidders_text_as_text_in_summary_results_and_reports(job: Path) -> None:
    assert_text_cells(job / "batch" / "summary.xlsx", ORGANISATION)
    results = json.loads((job / "batch" / "results.json").read_text())
    assert {r["file"]: r["status"] for r in results["returns"]} == dict.fromkeys(("acme.xlsx", "beta.xlsx", "gamma.xlsx"), "scored")
    assert next(r for r in results["returns"] if r["file"] == "acme.xlsx")["organisation"] == ORGANISATION
    report = word_text(next((job / "batch" / "reports").glob("acme*.docx")))
    assert ORGANISATION in report and MEASURE in report
    assert ORGANISATION in word_text(job / "batch" / "comparison.docx")


def test_evaluator_and_moderation_workbooks_keep_names_responses_and_rationales_as_text(job: Path) -> None:
    assert_text_cells(job / "panel" / f"{EVALUATOR}.xlsx", ORGANISATION, NARRATIVE_TEXT, EVALUATOR, RATIONALE)
    assert_text_cells(job / "moderation.xlsx", ORGANISATION, f"{EVALUATOR} score", RATIONALE, CONSENSUS)


def test_the_assessment_summary_quotes_the_consensus_rationale_as_written(job: Path) -> None:
    summary = word_text(next((job / "awarded" / "assessment-summaries").glob("acme*.docx")))
    assert ORGANISATION in summary and CONSENSUS in summary


def test_the_live_scoring_workbook_holds_framework_and_bidder_text_as_text(job: Path) -> None:
    assert_text_cells(job / "live.xlsm", MEASURE, COUNTING_RULE, PROXY_BASIS, ORGANISATION)


def test_the_delivery_workbook_and_monitoring_outputs_keep_supplier_text_as_text(job: Path) -> None:
    assert_text_cells(job / "deliveries" / "acme-delivery.xlsx", ORGANISATION, MEASURE, COUNTING_RULE, DELIVERY_EVIDENCE, ISSUE, RECOVERY)
    assert_text_cells(job / "monitoring" / "delivery-summary.xlsx", ORGANISATION, MEASURE)
    assert_text_cells(job / "monitor.xlsm", ORGANISATION, MEASURE, COUNTING_RULE)
    with (job / "monitoring" / "performance-notices.csv").open(encoding="utf-8-sig", newline="") as file:
        (notice,) = csv.DictReader(file)
    assert notice["supplier"] == "'" + ORGANISATION  # kept from running as a formula when the CSV is opened in Excel
    report = word_text(next((job / "monitoring" / "reports").glob("*.docx")))
    assert ORGANISATION in report and RECOVERY in report and ISSUE in report
    assert ORGANISATION in word_text(job / "monitoring" / "portfolio.docx")
    delivery = json.loads((job / "monitoring" / "delivery.json").read_text())
    assert [c["supplier"] for c in delivery["contracts"]] == [ORGANISATION]


def test_no_document_runs_a_template_expression(job: Path) -> None:
    documents = [*job.rglob("*.docx")]
    assert len(documents) >= 10
    for path in documents:
        text = word_text(path)
        assert EXPRESSION in text, path.name  # each names the organisation or the measure, as typed
        assert [t for t in TYPED if t.replace(EXPRESSION, "49") in text] == [], path.name
