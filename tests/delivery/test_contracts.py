"""Delivery monitoring v3 through the real commands: a level measure read as a position, a KPI not yet due left unrated,
two lots sharing a reference kept apart, and an unattested contract rated provisionally (SPEC §6 v3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from delivery_builders import complete, docx_text, fill_delivery, measure_row, notices
from openpyxl import load_workbook

from svexcel.cli.main import main
from svexcel.core.paths import DELIVERY_SAMPLES, SAMPLES
from svexcel.delivery.layout import DELIVERY, LEAD_COLUMNS
from svexcel.delivery.live.inputs import explain_rating, figures_table, read_monitor_workbook
from svexcel.framework.model import Framework

RIVERSIDE, HILLSIDE = SAMPLES / "riverside-care-coop.xlsx", SAMPLES / "hillside-community-trust.xlsx"
WHAT_TO_TYPE = LEAD_COLUMNS.index("What to type") + 1


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def template(winner: Path, target: Path, *extra: object) -> Path:
    done = invoke("delivery", "template", winner, "--start", "2026-04-01", *extra, "-o", target)
    assert done.exit_code == 0, done.output
    return target


def contracts(out: Path) -> list[dict]:
    return json.loads((out / "delivery.json").read_text(encoding="utf-8"))["contracts"]


def test_board_seats_are_a_position_at_the_end_of_the_period(framework: Framework, tmp_path: Path) -> None:
    # Riverside commits 5 board seats (PA1.2) and 120 voting members (PA1.1). Holding 1 seat and 30 members each quarter
    # is 1 of 5 and 30 of 120, not 4 and 120 "delivered" by P4.
    blank = template(RIVERSIDE, tmp_path / "blank.xlsx", "--reference", "HC-2026-021")
    wb = load_workbook(blank)
    ws = wb[DELIVERY]
    seats, profit = measure_row(wb, "PA1.2"), measure_row(wb, "EQ1.1")
    assert ws.cell(seats, WHAT_TO_TYPE).value == "Position at the end of the period"
    assert ws.cell(profit, WHAT_TO_TYPE).value == "Delivered in the period"
    ranges: dict[str, list[str]] = {}
    for dv in ws.data_validations.dataValidation:
        ranges.setdefault(dv.promptTitle, []).extend(str(dv.sqref).split())
    first = ws.cell(4, len(LEAD_COLUMNS) + 1).column_letter
    assert any(r.startswith(f"{first}{seats}:") for r in ranges["Position at end of period"])  # the prompt says it too
    assert any(r.startswith(f"{first}{profit}:") for r in ranges["Delivered in the period"])
    (tmp_path / "in").mkdir()
    answers = complete(framework, blank, 4) | {"PA1.2": [1, 1, 1, 1], "PA1.1": [30, 30, 30, 30]}
    fill_delivery(blank, tmp_path / "in" / "riverside.xlsx", 4, answers)
    done = invoke("delivery", "batch", tmp_path / "in", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    measures = contracts(tmp_path / "out")[0]["measures"]
    assert measures["PA1.2"] == {"committed": 5.0, "delivered": 1.0, "expected": 5.0, "progress": 0.2, "rag": "Red", "due": True}
    assert measures["PA1.1"] == {"committed": 120.0, "delivered": 30.0, "expected": 120.0, "progress": 0.25, "rag": "Red", "due": True}
    assert measures["EQ1.1"]["delivered"] == 40.0  # a flow: 10 a quarter, added up


def test_a_kpi_not_yet_due_has_no_rating_in_the_notice_json_report_and_dashboard(tmp_path: Path) -> None:
    # The shipped Riverside sample: apprenticeships (SH1.1, a KPI) start in P5; at P4 nothing is due.
    shutil.copytree(DELIVERY_SAMPLES, tmp_path / "in")
    assert invoke("delivery", "batch", tmp_path / "in", "--out", tmp_path / "out").exit_code == 0
    notice = next(n for n in notices(tmp_path / "out") if n["contract_reference"] == "HC-2026-021")
    kpi = next(k for k in (1, 2, 3) if notice[f"kpi{k}_measure"] == "SH1.1")
    assert (notice[f"kpi{kpi}_rating"], notice[f"kpi{kpi}_progress"]) == ("Not yet due", "")
    record = next(c for c in contracts(tmp_path / "out") if c.get("contract_reference") == "HC-2026-021")
    assert {"measure": "SH1.1", "progress": None, "rating": None, "due": False} in record["kpis"]
    assert record["measures"]["SH1.1"]["rag"] is None and record["measures"]["SH1.1"]["due"] is False
    text = docx_text(tmp_path / "out" / "reports" / "HC-2026-021.docx")
    assert "SH1.1  Apprenticeship weeks on the contract\n—\nNot yet due" in text
    summary = load_workbook(tmp_path / "out" / "delivery-summary.xlsx", read_only=True)
    rows = [r for r in summary["Measures"].iter_rows(values_only=True) if r[0] == "HC-2026-021" and r[2] == "SH1.1"]
    assert rows and rows[0][9] == "Not yet due" and rows[0][8] is None
    built = invoke("delivery", "build", "--returns", tmp_path / "in", "-o", tmp_path / "monitor.xlsm")
    assert built.exit_code == 0, built.output
    dashboard = list(load_workbook(tmp_path / "monitor.xlsm", data_only=True)["Dashboard"].iter_rows(min_row=5, values_only=True))
    header, riverside = dashboard[0], next(r for r in dashboard[1:] if r[1] == "HC-2026-021")
    assert riverside[header.index(f"KPI {kpi} rating")] == "Not yet due" and riverside[header.index("Not yet due")] == 1
    assert "Net social value delivered (benefits less harms)" in header and "Harms delivered" in header


def test_two_lots_sharing_a_reference_are_two_contracts(framework: Framework, tmp_path: Path) -> None:
    # Every bidder's return carries the tender's reference (HC-2026-014); two winners of two lots, each with a delivery
    # workbook made without --reference, and one of them resent.
    (tmp_path / "in" / "lot-1").mkdir(parents=True)
    (tmp_path / "in" / "lot-2").mkdir()
    lot1, lot2 = template(RIVERSIDE, tmp_path / "lot1.xlsx"), template(HILLSIDE, tmp_path / "lot2.xlsx")
    fill_delivery(lot1, tmp_path / "in" / "lot-1" / "delivery-q1.xlsx", 1, complete(framework, lot1, 1, value=5))
    fill_delivery(lot1, tmp_path / "in" / "lot-1" / "delivery-q2.xlsx", 2, complete(framework, lot1, 2, value=6))
    fill_delivery(lot2, tmp_path / "in" / "lot-2" / "delivery-q2.xlsx", 2, complete(framework, lot2, 2, value=9))
    done = invoke("delivery", "batch", tmp_path / "in", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    assert "3 delivery workbooks: 2 monitored, 0 rejected, 1 superseded" in done.output
    records = {c["file"]: c for c in contracts(tmp_path / "out")}
    assert records["lot-1/delivery-q1.xlsx"]["superseded_by"] == "lot-1/delivery-q2.xlsx"  # superseded within its own contract only
    for file, supplier in (("lot-1/delivery-q2.xlsx", "Riverside Care Co-operative"), ("lot-2/delivery-q2.xlsx", "Hillside Community Trust")):
        record = records[file]
        assert record["status"] == "scored" and record["contract_reference"] == "HC-2026-014" and record["supplier"] == supplier
        types = [f["type"] for f in record["findings"]]
        assert types.count("shared-reference") == 1 and (types.count("restated") > 0) == (file.startswith("lot-1"))
        assert record["report"] == f"reports/HC-2026-014-{supplier}.docx"
        restated = [f["message"] for f in record["findings"] if f["type"] == "restated"]
        assert all("lot-1/delivery-q1.xlsx" in m for m in restated)  # compared only with a file of the same contract
    assert sorted(p.name for p in (tmp_path / "out" / "reports").iterdir()) == [
        "HC-2026-014-Hillside Community Trust.docx", "HC-2026-014-Riverside Care Co-operative.docx"]
    assert len(notices(tmp_path / "out")) == 2
    built = invoke("delivery", "build", "--returns", tmp_path / "in", "-o", tmp_path / "monitor.xlsm")
    assert built.exit_code == 0 and "2 contract(s) monitored" in built.output, built.output
    inputs = read_monitor_workbook(tmp_path / "monitor.xlsm")
    saved = [list(r) for r in load_workbook(tmp_path / "monitor.xlsm", data_only=True)["ContractFigures"].iter_rows(values_only=True)]
    assert [row[-1] for row in figures_table(inputs, saved)[1:]] == ["Yes", "Yes"]  # each contract against its own row
    explained = "\n".join(explain_rating(inputs, "hc-2026-014"))
    assert "Riverside Care Co-operative (HC-2026-014)" in explained and "Hillside Community Trust (HC-2026-014)" in explained
    help_text = invoke("delivery", "template", "--help").output
    assert "--reference" in help_text and "its own" in help_text


def test_an_unattested_contract_is_rated_provisionally(framework: Framework, tmp_path: Path) -> None:
    blank = template(HILLSIDE, tmp_path / "blank.xlsx", "--reference", "HC-2026-077")
    (tmp_path / "in").mkdir()
    fill_delivery(blank, tmp_path / "in" / "hillside.xlsx", 2, complete(framework, blank, 2), attestation="No")
    done = invoke("delivery", "batch", tmp_path / "in", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    record = contracts(tmp_path / "out")[0]
    assert (record["attestation"], record["provisional"]) == ("No", True) and "no-attestation" in [f["type"] for f in record["findings"]]
    notice = notices(tmp_path / "out")[0]
    assert (notice["attestation"], notice["provisional"], notice["rating"]) == ("No", "Yes", record["rating"])
    assert "Provisional: the supplier has not attested" in docx_text(tmp_path / "out" / "reports" / "HC-2026-077.docx")
    assert "provisional" in docx_text(tmp_path / "out" / "portfolio.docx")
    fill_delivery(blank, tmp_path / "in" / "hillside.xlsx", 2, complete(framework, blank, 2), attestation="Yes")
    assert invoke("delivery", "batch", tmp_path / "in", "--out", tmp_path / "out").exit_code == 0
    assert (contracts(tmp_path / "out")[0]["attestation"], notices(tmp_path / "out")[0]["provisional"]) == ("Yes", "No")


@pytest.mark.parametrize("accrues", ["level", None])
def test_template_follows_the_framework_accrues(accrues: str | None, framework: Framework, tmp_path: Path) -> None:
    """A framework declaring CC1.1 a level (or, without its accrues cell, the default with a warning naming it)."""
    from svexcel.core.paths import DEFAULT_FRAMEWORK

    wb = load_workbook(DEFAULT_FRAMEWORK)
    measures = wb["Measures"]
    column = [c.value for c in measures[1]].index("accrues") + 1
    row = next(r for r in range(2, measures.max_row + 1) if measures.cell(r, 1).value == "CC1.1")
    measures.cell(row, column).value = accrues
    wb.save(tmp_path / "framework.xlsx")
    done = invoke("delivery", "template", RIVERSIDE, "--start", "2026-04-01", "-f", tmp_path / "framework.xlsx", "-o", tmp_path / "d.xlsx")
    assert done.exit_code == 0, done.output
    delivery = load_workbook(tmp_path / "d.xlsx")
    said = delivery[DELIVERY].cell(measure_row(delivery, "CC1.1"), WHAT_TO_TYPE).value
    assert said == ("Position at the end of the period" if accrues else "Delivered in the period")
    assert ("[accrues-defaulted]" in done.output and "CC1.1" in done.output) == (accrues is None)
