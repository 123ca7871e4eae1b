"""The delivery workbook: the template officers send, and reading what suppliers send back (SPEC §2, §6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import rewrite_part, set_cached_value, sheet_part
from delivery_builders import FIRST_PERIOD_COLUMN, blank_delivery, complete, cover_row, fill_delivery, measure_row
from openpyxl import load_workbook

from svexcel.core.paths import SAMPLES
from svexcel.delivery.layout import ACTIONS, COVER, DELIVERY, META_KEYS
from svexcel.delivery.reader import read_deliveries, read_delivery
from svexcel.framework.model import Framework
from svexcel.tender.return_layout import META

WINNER = SAMPLES / "riverside-care-coop.xlsx"


@pytest.fixture(scope="module")
def blank(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Riverside's delivery workbook: 3 years of quarters from April 2026, apprenticeships (SH1.1) from P5."""
    return blank_delivery(framework, WINNER, tmp_path_factory.mktemp("delivery") / "blank.xlsx", starts={"SH1.1": 5})


def where(findings: list) -> list[tuple[str, str, str]]:
    return [(f.sheet, f.cell, f.type) for f in findings]


def letter(period: int) -> str:
    return chr(64 + FIRST_PERIOD_COLUMN + period - 1)


# ------------------------------------------------------------------ the template

def test_template_locks_commitments_and_unlocks_one_column_per_period(framework: Framework, blank: Path) -> None:
    wb = load_workbook(blank)
    assert wb.sheetnames == [COVER, DELIVERY, ACTIONS, META]
    assert wb[META].sheet_state == "hidden"
    meta = {wb[META].cell(r, 1).value: wb[META].cell(r, 2).value for r in range(1, len(META_KEYS) + 1)}
    assert (meta["kind"], meta["framework_version"], meta["winning_return"], meta["contract_reference"]) == ("delivery", framework.version, WINNER.name, "HC-2026-014")
    ws = wb[DELIVERY]
    header = [c.value for c in ws[4]]
    assert header[:7] == ["Measure ID", "Theme", "Measure", "Unit", "Committed", "From period", "What to type"]
    assert header[7:19] == [f"P{p} {y}-{m:02d}" for p, (y, m) in enumerate(
        [(2026, 4), (2026, 7), (2026, 10), (2027, 1), (2027, 4), (2027, 7), (2027, 10), (2028, 1), (2028, 4), (2028, 7), (2028, 10), (2029, 1)], start=1)]
    assert header[19] == "Evidence"
    row = measure_row(wb, "EQ1.1")
    assert ws.cell(row, 5).value == 18000 and ws.cell(row, 5).protection.locked
    assert ws.cell(row, 7).protection.locked
    assert all(not ws.cell(row, c).protection.locked for c in range(8, 21))  # periods and evidence
    assert ws.cell(measure_row(wb, "SH1.1"), 6).value == 5
    assert ws.cell(measure_row(wb, "PA2.1"), 5).value == "Yes"
    assert all(wb[name].protection.sheet for name in wb.sheetnames)
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation for _ in [0]}
    assert any(dv.type == "decimal" and f"{letter(1)}{row}:{letter(12)}{row}" in str(dv.sqref) for dv in validations.values())
    assert any(dv.type == "list" and f"{letter(1)}{measure_row(wb, 'PA2.1')}:{letter(12)}{measure_row(wb, 'PA2.1')}" in str(dv.sqref)
               for dv in validations.values())
    cover = wb[COVER]
    assert not cover.cell(cover_row("Reporting period"), 2).protection.locked
    assert cover.cell(cover_row("Supplier"), 2).protection.locked and cover.cell(cover_row("Supplier"), 2).value == "Riverside Care Co-operative"
    cues = [rule.formula[0] for rules in ws.conditional_formatting for rule in rules.rules]
    first, before = f"{letter(1)}5", FIRST_PERIOD_COLUMN - 1
    assert cues == [f'AND(ISNUMBER(Cover!$B$10),$E5<>"",(COLUMN({first})-{before})>Cover!$B$10)',
                    f'AND(ISNUMBER(Cover!$B$10),$E5<>"",(COLUMN({first})-{before})<=Cover!$B$10,(COLUMN({first})-{before})>=$F5,ISBLANK({first}))']
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"
    assert [c.value for c in wb[ACTIONS][4]] == ["Measure ID", "Issue", "Recovery action", "Owner", "Due", "Status"]


def test_blank_template_reads_as_not_yet_reported(framework: Framework, blank: Path) -> None:
    result = read_delivery(blank, framework)
    assert where(result.findings) == [("Cover", "B10", "no-reporting-period"), ("Cover", "B11", "no-attestation")]


def test_complete_workbook_reads_cleanly(framework: Framework, blank: Path, tmp_path: Path) -> None:
    answers = complete(framework, blank, 2) | {"SH1.1": []}  # apprenticeships start in P5: nothing due yet
    result = read_delivery(fill_delivery(blank, tmp_path / "d.xlsx", 2, answers), framework)
    assert result.findings == []
    assert (result.period, result.periods, result.attestation, result.supplier) == (2, 12, True, "Riverside Care Co-operative")
    assert result.actuals["EQ1.1"][:3] == [10, 10, None] and result.actuals["PA2.1"][:2] == [1.0, 1.0]
    assert result.commitments["SH1.1"].starts == 5 and result.commitments["EQ1.1"].committed == 18000


# ------------------------------------------------------------------ every bad input: (sheet, cell, type)

def bad(framework: Framework, blank: Path, tmp_path: Path, period: object = 2, attestation: object = "Yes", edit=None, **figures) -> list:
    answers = complete(framework, blank, 2) | {"SH1.1": []} | figures
    return where(read_delivery(fill_delivery(blank, tmp_path / "d.xlsx", period, answers, attestation, edit), framework).findings)


def test_figures_people_type(framework: Framework, blank: Path, tmp_path: Path) -> None:
    row = measure_row(load_workbook(blank), "EQ1.1")
    found = bad(framework, blank, tmp_path, **{"EQ1.1": ["5k", -3], "EQ1.2": ["1,200", 4], "PA2.1": ["maybe", "YES"], "EQ2.1": [None, 2]})
    eq12, pa21, eq21 = (measure_row(load_workbook(blank), i) for i in ("EQ1.2", "PA2.1", "EQ2.1"))
    assert sorted(found) == sorted([
        ("Delivery", f"{letter(1)}{row}", "not-a-number"), ("Delivery", f"{letter(2)}{row}", "negative-quantity"),
        ("Delivery", f"{letter(1)}{eq12}", "number-as-text"), ("Delivery", f"{letter(1)}{pa21}", "not-yes-no"),
        ("Delivery", f"{letter(1)}{eq21}", "period-not-reported"),
    ])


def test_future_period_is_an_error(framework: Framework, blank: Path, tmp_path: Path) -> None:
    row = measure_row(load_workbook(blank), "CC1.1")
    assert bad(framework, blank, tmp_path, **{"CC1.1": [1, 2, 3]}) == [("Delivery", f"{letter(3)}{row}", "future-period")]


def test_no_attestation_is_a_warning(framework: Framework, blank: Path, tmp_path: Path) -> None:
    assert bad(framework, blank, tmp_path, attestation="No") == [("Cover", "B11", "no-attestation")]


@pytest.mark.parametrize(("period", "kind"), [(13, "bad-reporting-period"), (1.5, "bad-reporting-period"), ("two", "no-reporting-period")])
def test_reporting_period_must_be_a_period(framework: Framework, blank: Path, tmp_path: Path, period: object, kind: str) -> None:
    assert ("Cover", "B10", kind) in bad(framework, blank, tmp_path, period=period)


def test_formula_without_value_and_cell_error(framework: Framework, blank: Path, tmp_path: Path) -> None:
    row = measure_row(load_workbook(blank), "CC1.1")
    path = fill_delivery(blank, tmp_path / "d.xlsx", 2, complete(framework, blank, 2) | {"SH1.1": [], "CC1.1": ["=1/0", "=2+2"]})
    set_cached_value(path, DELIVERY, f"{letter(1)}{row}", "#DIV/0!", "e")
    assert where(read_delivery(path, framework).findings) == [("Delivery", f"{letter(1)}{row}", "cell-error"),
                                                              ("Delivery", f"{letter(2)}{row}", "formula-without-value")]


def test_locked_cells_edited(framework: Framework, blank: Path, tmp_path: Path) -> None:
    row = measure_row(load_workbook(blank), "EQ2.1")

    def edit(wb) -> None:
        wb[DELIVERY].cell(row, 5, 99)  # the commitment
        wb[DELIVERY].cell(4, FIRST_PERIOD_COLUMN, "P1 2025-01")
        wb[COVER].cell(cover_row("Supplier"), 2, "Someone Else Ltd")
    assert sorted(bad(framework, blank, tmp_path, edit=edit)) == sorted([
        ("Delivery", f"E{row}", "locked-cell-edited"), ("Delivery", f"{letter(1)}4", "locked-cell-edited"), ("Cover", "B4", "locked-cell-edited")])


def test_hidden_sheet_edited(framework: Framework, blank: Path, tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb[META].cell(1 + META_KEYS.index("contract_value"), 2, 5)
    assert bad(framework, blank, tmp_path, edit=edit) == [(META, f"B{1 + META_KEYS.index('fingerprint')}", "fingerprint-mismatch")]


def test_structure_damaged(framework: Framework, blank: Path, tmp_path: Path) -> None:
    row = measure_row(load_workbook(blank), "CC2.3")

    def edit(wb) -> None:
        del wb[ACTIONS]
        wb[DELIVERY].delete_rows(row)
        wb[DELIVERY].cell(row + 1, 1, "ZZ9.9")
    found = bad(framework, blank, tmp_path, edit=edit)
    assert ("Actions", "", "missing-sheet") in found and ("Delivery", f"A{row + 1}", "unknown-measure") in found
    assert ("Delivery", "A4", "missing-measure") in found


def test_renamed_header(framework: Framework, blank: Path, tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb[DELIVERY].cell(4, 19, "Proof")
    assert ("Delivery", "A4", "missing-header") in bad(framework, blank, tmp_path, edit=edit)


def test_a_tender_return_is_not_a_delivery_workbook(framework: Framework) -> None:
    assert where(read_delivery(WINNER, framework).findings) == [(META, "B1", "not-a-delivery-workbook")]


def test_another_framework_version(framework: Framework, blank: Path, tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb[META].cell(3, 2, "2025.9")
    assert bad(framework, blank, tmp_path, edit=edit) == [(META, "B3", "wrong-framework-version")]


@pytest.mark.parametrize(("content", "kind"), [(b"", "file-empty"), (b"hello", "not-xlsx"), (b"PK\x03\x04broken", "file-corrupt")])
def test_unreadable_files(framework: Framework, tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "d.xlsx"
    path.write_bytes(content)
    assert where(read_delivery(path, framework).findings) == [("", "", kind)]


def test_actions_log_is_read(framework: Framework, blank: Path, tmp_path: Path) -> None:
    def edit(wb) -> None:
        for col, value in enumerate(["EQ2.1", "Two leavers", "Recruit locally", "HR lead", dt.date(2026, 12, 31), "Open"], start=1):
            wb[ACTIONS].cell(5, col, value)
        wb[ACTIONS].cell(6, 1, "XX1")
        wb[ACTIONS].cell(6, 2, "Typo")
    path = fill_delivery(blank, tmp_path / "d.xlsx", 2, complete(framework, blank, 2) | {"SH1.1": []}, edit=edit)
    result = read_delivery(path, framework)
    assert where(result.findings) == [("Actions", "A6", "unknown-measure")]
    assert (result.actions[0].measure, result.actions[0].action, result.actions[0].due, result.actions[0].status) == ("EQ2.1", "Recruit locally", "2026-12-31", "Open")


# ------------------------------------------------------------------ a folder with a contract resent

def test_resent_contract_latest_period_wins_and_restatements_are_flagged(framework: Framework, blank: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    answers = complete(framework, blank, 2) | {"SH1.1": []}
    fill_delivery(blank, folder / "riverside-q2.xlsx", 2, answers)
    row = measure_row(load_workbook(blank), "WB2.1")
    later = complete(framework, blank, 3) | {"SH1.1": [], "WB2.1": [10, 14, 10]}  # P2 restated 10 → 14
    fill_delivery(blank, folder / "riverside-q3.xlsx", 3, later)
    older, latest = read_deliveries(sorted(folder.iterdir()), framework)
    assert (older.status, older.superseded_by, latest.status) == ("superseded", "riverside-q3.xlsx", "scored")
    assert where(latest.findings) == [("Delivery", f"{letter(2)}{row}", "restated")]
    assert "riverside-q2.xlsx" in latest.findings[0].message and "14" in latest.findings[0].message


def test_two_files_claiming_the_same_latest_period_differently_are_both_refused(framework: Framework, blank: Path, tmp_path: Path) -> None:
    # Neither is later: picking one by file name would let a rename change the figures.
    answers = complete(framework, blank, 2) | {"SH1.1": []}
    a = fill_delivery(blank, tmp_path / "a-q2.xlsx", 2, answers)
    b = fill_delivery(blank, tmp_path / "z-q2.xlsx", 2, answers | {"WB2.1": [10, 99]})
    same = fill_delivery(blank, tmp_path / "m-q2.xlsx", 2, answers)
    reads = read_deliveries([a, b, same], framework)
    assert [r.status for r in reads] == ["rejected", "rejected", "rejected"]
    cover_row = 4 + ["Supplier", "Contract reference", "Contract value (GBP)", "Contract start", "Contract years",
                     "Periods per year", "Reporting period"].index("Reporting period")
    for r in reads:
        assert ("Cover", f"B{cover_row}", "conflicting-files") in where(r.findings)
        assert "z-q2.xlsx" in next(f.message for f in r.findings if f.type == "conflicting-files")


def test_an_identical_resend_of_the_same_period_is_superseded_quietly(framework: Framework, blank: Path, tmp_path: Path) -> None:
    answers = complete(framework, blank, 2) | {"SH1.1": []}
    a = fill_delivery(blank, tmp_path / "a.xlsx", 2, answers)
    b = fill_delivery(blank, tmp_path / "b.xlsx", 2, answers)
    first, second = read_deliveries([a, b], framework)
    assert (first.status, second.status) == ("superseded", "scored")
    assert "conflicting-files" not in [f.type for f in second.findings]


def test_different_contracts_in_one_folder_are_kept_apart(framework: Framework, blank: Path, tmp_path: Path) -> None:
    other = blank_delivery(framework, WINNER, tmp_path / "other-blank.xlsx", reference="HC-2026-099")
    answers = complete(framework, blank, 2) | {"SH1.1": []}
    a = fill_delivery(blank, tmp_path / "a.xlsx", 2, answers)
    b = fill_delivery(other, tmp_path / "b.xlsx", 1, complete(framework, other, 1))
    reads = read_deliveries([a, b], framework)
    assert [r.status for r in reads] == ["scored", "scored"]


def test_what_excel_did_to_typed_figures(framework: Framework, blank: Path, tmp_path: Path) -> None:
    # 2/3 typed into a period cell becomes a date; 50% a percentage: both are caught, named by cell.
    row = measure_row(load_workbook(blank), "CC1.1")

    def edit(wb) -> None:
        wb[DELIVERY].cell(row, FIRST_PERIOD_COLUMN, dt.datetime(2026, 2, 3))
        wb[DELIVERY].cell(row, FIRST_PERIOD_COLUMN + 1).number_format = "0%"
    found = read_delivery(fill_delivery(blank, tmp_path / "d.xlsx", 2, complete(framework, blank, 2) | {"SH1.1": [], "CC1.1": [None, 0.5]},
                                        edit=edit), framework).findings
    assert where(found) == [("Delivery", f"{letter(1)}{row}", "stored-as-date"), ("Delivery", f"{letter(2)}{row}", "stored-as-percent")]
    assert "2/3" in found[0].message


def test_duplicated_measure_and_a_sheet_far_too_long(framework: Framework, blank: Path, tmp_path: Path) -> None:
    row = measure_row(load_workbook(blank), "CC1.1")

    def edit(wb) -> None:
        ws = wb[DELIVERY]
        for col in range(1, 7):
            ws.cell(200, col, ws.cell(row, col).value)
        wb[ACTIONS].cell(6000, 2, "stray")
    found = bad(framework, blank, tmp_path, edit=edit)
    assert ("Delivery", "A200", "duplicate-measure") in found and ("Actions", "", "sheet-too-large") in found


def test_unsafe_xml_is_refused(framework: Framework, blank: Path, tmp_path: Path) -> None:
    path = fill_delivery(blank, tmp_path / "d.xlsx", 2, complete(framework, blank, 2) | {"SH1.1": []})
    rewrite_part(path, sheet_part(path, DELIVERY), lambda xml: xml.replace("<worksheet", '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1))
    assert [f.type for f in read_delivery(path, framework).findings] == ["unsafe-xml"]
