"""Reading returns: every bad input of SPEC §2 gets its own finding with sheet and cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from builders import located, quantity_row, rewrite_part, set_cached_value, sheet_part
from openpyxl import load_workbook

from svexcel.framework.model import Framework
from svexcel.tender.return_reader import read_return
from svexcel.xlsx.reader import MAX_ROWS


def test_complete_return_reads_clean(build, framework: Framework) -> None:
    ret = read_return(build(), framework)
    assert ret.findings == []
    assert ret.organisation == "Test Co-op"
    assert ret.contract_value == 1_000_000
    assert ret.quantities["EQ1.1"] == 10 and ret.quantities["PA2.1"] == 1.0
    assert set(ret.quantities) == {m.id for m in framework.measures}
    assert ret.evidence["EQ1.1"] == "Evidence for EQ1.1"


def test_blank_template_is_valid_but_every_measure_unanswered(blank_return: Path, framework: Framework) -> None:
    ret = read_return(blank_return, framework)
    assert not ret.rejected
    assert sum(f.type == "unanswered" for f in ret.findings) == len(framework.measures)
    assert {f.type for f in ret.findings} == {"unanswered", "no-organisation", "no-contract-value", "no-postal-address",
                                              "no-email", "no-unique-identifier"}
    assert all(q is None for q in ret.quantities.values())


@pytest.mark.parametrize("typed, number", [("1,200", 1200.0), ("£5,000", 5000.0), (" 12 ", 12.0), ("£ 1,234.50", 1234.5)])
def test_numbers_typed_as_text_are_read_with_info(build, framework: Framework, typed: str, number: float) -> None:
    path = build(quantities={"EQ1.1": typed})
    ret = read_return(path, framework)
    row = quantity_row_of(path, "EQ1.1")
    assert located(ret.findings) == [("Commitments", f"F{row}", "number-as-text")]
    assert ret.findings[0].severity == "info"
    assert ret.quantities["EQ1.1"] == number


@pytest.mark.parametrize("typed", ["5k", "about 10", "n/a", "10-20", "1.2.3", "12,00"])
def test_anything_else_is_not_a_number(build, framework: Framework, typed: str) -> None:
    path = build(quantities={"CC1.1": typed})
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"F{quantity_row_of(path, 'CC1.1')}", "not-a-number")]
    assert ret.rejected and typed in ret.findings[0].message


@pytest.mark.parametrize("typed", [-5, "-5", "-£1,000"])
def test_negative_quantity(build, framework: Framework, typed: object) -> None:
    path = build(quantities={"SH1.1": typed})
    ret = read_return(path, framework)
    assert ("Commitments", f"F{quantity_row_of(path, 'SH1.1')}", "negative-quantity") in located(ret.findings, "error")


@pytest.mark.parametrize("typed, value", [("yes", 1.0), ("YES", 1.0), ("No", 0.0), ("nO", 0.0)])
def test_yes_no_in_any_case(build, framework: Framework, typed: str, value: float) -> None:
    ret = read_return(build(quantities={"PA2.1": typed}), framework)
    assert ret.findings == [] and ret.quantities["PA2.1"] == value


def test_binary_measure_rejects_other_answers(build, framework: Framework) -> None:
    path = build(quantities={"PA2.2": "maybe"})
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"F{quantity_row_of(path, 'PA2.2')}", "not-yes-no")]


def test_blank_cell_is_unanswered_warning(build, framework: Framework) -> None:
    path = build(quantities={"WB1.1": None})
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"F{quantity_row_of(path, 'WB1.1')}", "unanswered")]
    assert not ret.rejected and ret.quantities["WB1.1"] is None


def test_formula_with_cached_value_uses_it(build, framework: Framework) -> None:
    path = build(quantities={"EQ2.1": "=6*7"})
    row = quantity_row_of(path, "EQ2.1")
    set_cached_value(path, "Commitments", f"F{row}", 42)
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"F{row}", "formula-value-used")]
    assert ret.quantities["EQ2.1"] == 42 and not ret.rejected


def test_formula_without_cached_value_is_error(build, framework: Framework) -> None:
    path = build(quantities={"EQ2.1": "=6*7"})
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"F{quantity_row_of(path, 'EQ2.1')}", "formula-without-value")]
    assert ret.rejected


def test_extra_rows_columns_and_reordered_rows_are_accepted(build, framework: Framework) -> None:
    def edit(wb) -> None:
        ws = wb["Commitments"]
        ws.insert_cols(7)  # a new column between Quantity and Evidence
        ws.cell(4, 7, "Our notes")
        ws.cell(6, 7, "checked by finance")
        first, last = quantity_row(wb, "EQ1.1"), quantity_row(wb, "EQ1.2")
        for col in range(1, 11):  # swap two measure rows
            a, b = ws.cell(first, col), ws.cell(last, col)
            a.value, b.value = b.value, a.value
        ws.append(["", "A note below the table"])
    path = build(quantities={"EQ1.1": 111, "EQ1.2": 7}, edit=edit)
    ret = read_return(path, framework)
    assert ret.findings == []
    assert ret.quantities["EQ1.1"] == 111 and ret.quantities["EQ1.2"] == 7
    assert ret.evidence["EQ1.1"] == "Evidence for EQ1.1"


@pytest.mark.parametrize("sheet", ["Cover", "Commitments", "Narrative", "_svexcel"])
def test_missing_sheet(build, framework: Framework, sheet: str) -> None:
    ret = read_return(build(edit=lambda wb: wb.remove(wb[sheet])), framework)
    assert (sheet, "", "missing-sheet") in located(ret.findings, "error")


def test_renamed_sheet_is_missing(build, framework: Framework) -> None:
    def edit(wb) -> None:
        wb["Commitments"].title = "Our commitments"
    assert ("Commitments", "", "missing-sheet") in located(read_return(build(edit=edit), framework).findings)


def test_renamed_header(build, framework: Framework) -> None:
    ret = read_return(build(edit=lambda wb: wb["Commitments"].cell(4, 6, "Qty")), framework)
    assert located(ret.findings, "error") == [("Commitments", "A4", "missing-header")]
    assert "'Quantity'" in ret.findings[0].message


def test_unknown_measure_id(build, framework: Framework) -> None:
    def edit(wb) -> None:
        wb["Commitments"].append(["XX9.9", "Equity and Equality", "", "Invented measure", "hours", 5])
    path = build(edit=edit)
    ret = read_return(path, framework)
    row = max(int(f.cell[1:]) for f in ret.findings)
    assert located(ret.findings) == [("Commitments", f"A{row}", "unknown-measure")]


def test_duplicated_measure_id(build, framework: Framework) -> None:
    def edit(wb) -> None:
        ws = wb["Commitments"]
        source = quantity_row(wb, "CC1.1")
        ws.append([ws.cell(source, c).value for c in range(1, 10)])
    path = build(edit=edit)
    ret = read_return(path, framework)
    assert [t for (_, _, t) in located(ret.findings)] == ["duplicate-measure"]
    assert ret.findings[0].cell.startswith("A") and "CC1.1" in ret.findings[0].message


def test_stale_framework_version(build, framework: Framework) -> None:
    ret = read_return(build(edit=lambda wb: wb["_svexcel"].cell(2, 2, "2025.9")), framework)
    assert located(ret.findings) == [("_svexcel", "B2", "wrong-framework-version")]
    assert "2025.9" in ret.findings[0].message


def test_other_framework(build, framework: Framework) -> None:
    ret = read_return(build(edit=lambda wb: wb["_svexcel"].cell(1, 2, "National TOMs 2024")), framework)
    assert located(ret.findings) == [("_svexcel", "B1", "wrong-framework")]


def test_edited_locked_cell(build, framework: Framework) -> None:
    def edit(wb) -> None:
        wb["Commitments"].cell(quantity_row(wb, "EQ2.2"), 4, "Anyone employed on the contract")
    path = build(edit=edit)
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"D{quantity_row_of(path, 'EQ2.2')}", "locked-cell-edited")]


def narrative_row(wb, theme_id: str) -> int:
    return next(row for row in range(1, wb["Narrative"].max_row + 1) if wb["Narrative"].cell(row, 1).value == theme_id)


@pytest.mark.parametrize("edit, expected", [
    (lambda wb: wb["Narrative"].delete_rows(narrative_row(wb, "PA")), [("Narrative", "A3", "locked-cell-edited")]),
    (lambda wb: wb["Narrative"].cell(narrative_row(wb, "PA"), 1, "ZZ"),
     [("Narrative", "A5", "locked-cell-edited"), ("Narrative", "A3", "locked-cell-edited")]),
    (lambda wb: [wb["Narrative"].cell(9, c, v) for c, v in enumerate(("EQ", "Equity and Equality", "Ours"), start=1)],
     [("Narrative", "A9", "locked-cell-edited")]),
], ids=["row-deleted", "id-changed", "theme-twice"])
def test_narrative_rows_are_locked_like_measure_rows(build, framework: Framework, edit, expected) -> None:
    """A theme's Narrative row deleted, its locked id changed, or a second row for it is an edited locked cell: the
    panel would otherwise score a response that is not there, or not the one the bidder meant (SPEC §2)."""
    ret = read_return(build(edit=edit), framework)
    assert located(ret.findings) == expected
    assert ret.rejected


def test_edited_hidden_fingerprint(build, framework: Framework) -> None:
    ret = read_return(build(edit=lambda wb: wb["_svexcel"].cell(3, 2, "0" * 32)), framework)
    assert located(ret.findings) == [("_svexcel", "B3", "fingerprint-mismatch")]


def test_no_organisation_and_no_contract_value_are_warnings(build, framework: Framework) -> None:
    ret = read_return(build(organisation=None, contract_value=None), framework)
    assert located(ret.findings) == [("Cover", "B4", "no-organisation"), ("Cover", "B6", "no-contract-value")]
    assert not ret.rejected and ret.contract_value is None


def test_contract_value_not_a_number(build, framework: Framework) -> None:
    ret = read_return(build(contract_value="about a million"), framework)
    assert located(ret.findings) == [("Cover", "B6", "not-a-number")]


def test_cell_error_value(build, framework: Framework) -> None:
    path = build(quantities={"EQ2.1": "=1/0"})
    row = quantity_row_of(path, "EQ2.1")
    set_cached_value(path, "Commitments", f"F{row}", "#DIV/0!", cell_type="e")
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", f"F{row}", "cell-error")]


@pytest.mark.parametrize("content, kind", [
    (b"", "file-empty"),
    (b"Organisation,Quantity\nAcme,5\n", "not-xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "not-xlsx"),
])
def test_files_that_are_not_workbooks(tmp_path: Path, framework: Framework, content: bytes, kind: str) -> None:
    path = tmp_path / "odd.xlsx"
    path.write_bytes(content)
    ret = read_return(path, framework)
    assert located(ret.findings) == [("", "", kind)] and ret.file == "odd.xlsx"


def test_truncated_file(build, framework: Framework) -> None:
    path = build()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert located(read_return(path, framework).findings) == [("", "", "file-corrupt")]


def test_corrupt_part(build, framework: Framework) -> None:
    path = build()
    rewrite_part(path, sheet_part(path, "Commitments"), lambda xml: xml[: len(xml) // 2])
    assert located(read_return(path, framework).findings) == [("Commitments", "", "file-corrupt")]


def test_password_protected(build, framework: Framework, tmp_path: Path) -> None:
    import msoffcrypto.format.ooxml  # the cli extra's; the lean install (xlwings Lite) tells encryption by olefile

    plain = build()
    encrypted = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, encrypted.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("secret", out)
    assert located(read_return(encrypted, framework).findings) == [("", "", "password-protected")]


def test_xml_bomb_is_refused(build, framework: Framework) -> None:
    path = build()
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
            + "]>")
    rewrite_part(path, sheet_part(path, "Cover"), lambda xml: bomb + xml.replace("Organisation", "&lol9;", 1))
    ret = read_return(path, framework)
    assert located(ret.findings) == [("", "", "unsafe-xml")]


def test_absurd_claimed_dimensions_are_read_fast(build, framework: Framework) -> None:
    path = build()
    rewrite_part(path, sheet_part(path, "Commitments"), lambda xml: xml.replace('<dimension ref="', '<dimension ref="A1:XFD1048576" old="', 1))
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Commitments", "A1:XFD1048576", "absurd-dimensions")]
    assert not ret.rejected


def test_data_far_below_the_table_is_refused(build, framework: Framework) -> None:
    path = build(edit=lambda wb: wb["Narrative"].cell(1_048_576, 1, "x"))
    ret = read_return(path, framework)
    assert located(ret.findings) == [("Narrative", "", "sheet-too-large")]
    assert str(f"{MAX_ROWS:,}") in ret.findings[0].message


def test_zip_bomb_is_refused(build, framework: Framework) -> None:
    path = build()
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/huge.bin", b"\0" * 60_000_000)
    assert located(read_return(path, framework).findings) == [("", "", "unsafe-file")]


def test_missing_file_is_reported_not_raised(tmp_path: Path, framework: Framework) -> None:
    ret = read_return(tmp_path / "gone.xlsx", framework)
    assert located(ret.findings) == [("", "", "file-unreadable")]


def test_bidder_text_is_kept_as_data(build, framework: Framework) -> None:
    text = "A&B <ltd> {{ 7*7 }} {% if x %}"
    path = build(organisation=text)
    assert read_return(path, framework).organisation == text


def quantity_row_of(path: Path, measure_id: str) -> int:
    """Row of a measure in a saved return."""
    return quantity_row(load_workbook(path), measure_id)


def test_numbers_typed_as_excel_reads_them_and_what_is_not_one_said_as_people_see_it(build, framework: Framework) -> None:
    path = build(quantities={"EQ1.1": ".5", "EQ2.1": "12.", "CC1.1": "1\u00a0200", "SH1.1": True})
    read = read_return(path, framework)
    assert (read.quantities["EQ1.1"], read.quantities["EQ2.1"]) == (0.5, 12.0)
    messages = {f.cell: f.message for f in read.findings if f.type == "not-a-number"}
    assert len(messages) == 2 and all("\\x" not in m and "True" not in m for m in messages.values()), messages
    assert any("'1 200' (with a non-breaking space), which is not a number" in m for m in messages.values()), messages
    assert any("is TRUE, which is not a number" in m for m in messages.values()), messages
