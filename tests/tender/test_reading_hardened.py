"""Issue 7, reading half: damaged files become findings, typed input is read as typed, findings say the right thing."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from builders import located, make_return, quantity_row, rewrite_part, sheet_part
from libreoffice import convert
from openpyxl import Workbook, load_workbook

from svexcel.core.number_formats import shown_as
from svexcel.framework.model import Framework
from svexcel.panel.marks import read_quality
from svexcel.tender.batch import run_batch
from svexcel.tender.return_layout import COMMITMENTS, COVER, COVER_FIRST_ROW
from svexcel.tender.return_reader import read_return
from svexcel.tender.return_template import write_return_template
from svexcel.xlsx.reader import column_letter, parse_ref

FEB_3_2026 = 46056  # the serial number Excel stores when 2/3 is typed in 2026 (US order) or 3/2 (UK order)




def typed(measure: str, value: object, number_format: str):
    """An edit that leaves a quantity as Excel stores what was typed: a number in a date, time or percent format."""
    def edit(wb: Workbook) -> None:
        cell = wb[COMMITMENTS].cell(quantity_row(wb, measure), 6, value)
        cell.number_format = number_format
    return edit


def the_row(path: Path, measure: str) -> int:
    return quantity_row(load_workbook(path), measure)


# 1. No exception escapes reading: damaged XML names the part, sheet and cell.

@pytest.mark.parametrize("damage, cell", [
    (lambda xml: xml.replace('<row r="6"', '<row r="6x"', 1), ""),
    (lambda xml: xml.replace('r="F6"', 'r="F6x"', 1), ""),
    (lambda xml: xml.replace('r="F6"', 'r="F7"', 1), "F7"),
    (lambda xml: re.sub(r'<c r="A6"([^>]*) t="\w+"', r'<c r="A6"\1 t="zz"', xml, count=1), "A6"),
    (lambda xml: xml.replace('<dimension ref="A1:I', '<dimension ref="A1:I9x', 1), ""),
    (lambda xml: xml.replace('<row r="6"', '<row r="0"', 1), ""),
])
def test_damaged_sheet_xml_is_file_corrupt(build, framework: Framework, damage, cell: str) -> None:
    path = build(quantities={"EQ1.1": 5})
    rewrite_part(path, sheet_part(path, COMMITMENTS), damage)
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COMMITMENTS, cell, "file-corrupt")]
    assert sheet_part(path, COMMITMENTS) in ret.findings[0].message and ret.rejected


def test_a_number_cell_holding_text_is_file_corrupt(build, framework: Framework) -> None:
    path = build()
    row = the_row(path, "EQ1.1")
    rewrite_part(path, sheet_part(path, COMMITMENTS), lambda xml: re.sub(rf'(<c r="F{row}"[^>]*>)<v>[^<]*</v>', r"\1<v>1_0</v>", xml))
    assert located(read_return(path, framework).findings) == [(COMMITMENTS, f"F{row}", "file-corrupt")]


def test_shared_string_index_out_of_range_is_file_corrupt(build, framework: Framework) -> None:
    path = build()
    row = the_row(path, "EQ1.1")
    rewrite_part(path, sheet_part(path, COMMITMENTS), lambda xml: re.sub(
        rf'<c r="G{row}"([^>]*?)( t="\w+")?>.*?</c>', rf'<c r="G{row}"\1 t="s"><v>99999</v></c>', xml, count=1))
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COMMITMENTS, f"G{row}", "file-corrupt")]
    assert "shared string 99999" in ret.findings[0].message


def test_duplicate_zip_entry_is_file_corrupt(build, framework: Framework) -> None:
    path = build()
    part = sheet_part(path, COVER)
    with zipfile.ZipFile(path) as z:
        honest = z.read(part)
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "a") as z:
        z.writestr(part, honest.replace(b"Test Co-op", b"Other Ltd"))
    ret = read_return(path, framework)
    assert located(ret.findings) == [("", "", "file-corrupt")] and "twice" in ret.findings[0].message


@pytest.mark.parametrize("target", ["worksheets/missing.xml", "", "../../../etc/passwd"])
def test_broken_relationship_target_is_file_corrupt(build, framework: Framework, target: str) -> None:
    path = build()
    part = sheet_part(path, COVER).removeprefix("xl/")
    rewrite_part(path, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(f'Target="/xl/{part}"', f'Target="{target}"').replace(f'Target="{part}"', f'Target="{target}"'))
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COVER, "", "file-corrupt")]


def test_sheet_without_relationship_is_file_corrupt(build, framework: Framework) -> None:
    path = build()
    rewrite_part(path, "xl/workbook.xml", lambda xml: re.sub(r'(<sheet [^>]*name="Cover"[^>]*r:id=")[^"]+"', r'\1rId99"', xml))
    assert located(read_return(path, framework).findings) == [(COVER, "", "file-corrupt")]


def test_truncated_part_is_file_corrupt(build, framework: Framework) -> None:
    path = build()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.9)] + data[-22:])  # central directory intact, a part cut short
    ret = read_return(path, framework)
    assert ret.rejected and {f.type for f in ret.findings} == {"file-corrupt"}


# 2. Read what the user typed.

@pytest.mark.parametrize("number_format", ["mm-dd-yy", "d-mmm", "d/m/yyyy", "[$-809]dd mmmm yyyy", "yyyy\\-mm\\-dd"])
def test_a_date_typed_in_a_quantity_is_an_error_showing_the_date(build, framework: Framework, number_format: str) -> None:
    path = build(edit=typed("EQ1.1", FEB_3_2026, number_format))
    ret = read_return(path, framework)
    row = the_row(path, "EQ1.1")
    assert located(ret.findings) == [(COMMITMENTS, f"F{row}", "stored-as-date")] and ret.rejected
    message = ret.findings[0].message
    assert "3 Feb 2026" in message and "2/3" in message and "0.67" in message and "46056" not in message
    assert ret.quantities["EQ1.1"] is None


def test_a_time_typed_in_a_quantity_is_an_error_showing_the_time(build, framework: Framework) -> None:
    path = build(edit=typed("EQ1.1", 12.5 / 24, "h:mm"))
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COMMITMENTS, f"F{the_row(path, 'EQ1.1')}", "stored-as-time")] and ret.rejected
    assert "12:30" in ret.findings[0].message and "12.5" in ret.findings[0].message


def test_a_date_stored_as_an_iso_date_cell_is_an_error(build, framework: Framework) -> None:
    path = build(quantities={"EQ1.1": 5})
    row = the_row(path, "EQ1.1")
    rewrite_part(path, sheet_part(path, COMMITMENTS), lambda xml: re.sub(
        rf'<c r="F{row}"([^>]*?)( t="\w+")?><v>5</v></c>', rf'<c r="F{row}"\1 t="d"><v>2026-02-03T00:00:00</v></c>', xml))
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COMMITMENTS, f"F{row}", "stored-as-date")] and "3 Feb 2026" in ret.findings[0].message


def test_a_percentage_is_read_with_a_warning_showing_the_value(build, framework: Framework) -> None:
    path = build(edit=typed("EQ1.1", 0.5, "0%"))
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COMMITMENTS, f"F{the_row(path, 'EQ1.1')}", "stored-as-percent")]
    assert ret.findings[0].severity == "warning" and "50%" in ret.findings[0].message and "0.5" in ret.findings[0].message
    assert ret.quantities["EQ1.1"] == 0.5 and not ret.rejected


def test_dates_on_the_cover_are_caught_too(build, framework: Framework) -> None:
    def edit(wb: Workbook) -> None:
        wb[COVER].cell(COVER_FIRST_ROW + 2, 2).number_format = "d-mmm-yy"
        wb[COVER].cell(COVER_FIRST_ROW + 3, 2, 3 / 24).number_format = "h:mm"
    ret = read_return(build(contract_value=FEB_3_2026, edit=edit), framework)
    value, years = f"B{COVER_FIRST_ROW + 2}", f"B{COVER_FIRST_ROW + 3}"
    assert sorted((f.cell, f.type, f.severity) for f in ret.findings) == [(value, "stored-as-date", "error"), (years, "stored-as-time", "warning")]
    assert ret.contract_value is None and ret.contract_years is None


@pytest.mark.libreoffice
def test_a_date_typed_in_libreoffice_is_caught(build, framework: Framework, tmp_path: Path) -> None:
    """LibreOffice writes its own custom date format codes; they are recognised too."""
    path = build(edit=typed("EQ1.1", FEB_3_2026, "mm/dd/yy"))
    saved, = convert([path], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    ret = read_return(saved, framework)
    assert ("Commitments", f"F{the_row(path, 'EQ1.1')}", "stored-as-date") in located(ret.findings, "error")


def test_escapes_are_decoded_and_forbidden_characters_removed(build, framework: Framework) -> None:
    path = build(organisation="Tab Co_x000b_VT Ltd", quantities={"EQ1.1": 5}, edit=lambda wb: wb[COMMITMENTS].cell(
        quantity_row(wb, "EQ1.1"), 7, "_x005F_x0041_ stays as typed_x000A_next line"))
    ret = read_return(path, framework)
    assert ret.organisation == "Tab CoVT Ltd"
    assert ret.evidence["EQ1.1"] == "_x0041_ stays as typed\nnext line"


def test_shared_strings_are_decoded_too(build, framework: Framework) -> None:
    path = build(quantities={"EQ1.1": 5})
    row = the_row(path, "EQ1.1")
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   "<si><t>Bell_x0007_ Ltd</t></si><si><r><t>rich _x005F_x0041_</t></r><r><t> text</t></r></si></sst>")
    rewrite_part(path, sheet_part(path, COMMITMENTS), lambda xml: re.sub(
        rf'<c r="G{row}"([^>]*?)( t="\w+")?>.*?</c>', rf'<c r="G{row}"\1 t="s"><v>1</v></c>', xml, count=1))
    rewrite_part(path, sheet_part(path, COVER), lambda xml: re.sub(
        rf'<c r="B{COVER_FIRST_ROW}"([^>]*?)( t="\w+")?>.*?</c>', rf'<c r="B{COVER_FIRST_ROW}"\1 t="s"><v>0</v></c>', xml, count=1))
    ret = read_return(path, framework)
    assert (ret.organisation, ret.evidence["EQ1.1"]) == ("Bell Ltd", "rich _x0041_ text")


def test_no_forbidden_character_reaches_results_or_reports(blank_return: Path, framework: Framework, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    make_return(blank_return, folder / "tab.xlsx", framework, organisation="Tab Co_x000b_VT Ltd_x0000_",
                edit=lambda wb: wb["Narrative"].cell(4, 3, "We will_x001f_ deliver_x0008_"))
    result = run_batch(folder, tmp_path / "out", framework=framework)
    assert result.exit_code == 0
    outputs = [tmp_path / "out" / "results.json", *(tmp_path / "out").rglob("*.docx"), tmp_path / "out" / "summary.xlsx"]
    for output in outputs:
        texts = [output.read_text()] if output.suffix == ".json" else [zipfile.ZipFile(output).read(n).decode() for n in zipfile.ZipFile(output).namelist() if n.endswith(".xml")]
        for text in texts:
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]|\\\\u00(0[0-8bcef]|1)", text), output.name
    assert json.loads((tmp_path / "out" / "results.json").read_text())["returns"][0]["organisation"] == "Tab CoVT Ltd"


@pytest.mark.parametrize("code, shown", [
    ("General", None), ("0.00", None), ('"£"#,##0.00;[Red]-"£"#,##0.00', None), ('0 "days"', None), ("0.0%", "percent"),
    ("d-mmm-yy", "date"), ("mmm yyyy", "date"), ("[$-F800]dddd, mmmm dd, yyyy", "date"), ("h:mm AM/PM", "time"),
    ("[h]:mm:ss", "time"), ("mm:ss.0", "time"), ("m/d/yy h:mm", "datetime"), ('0 "h"', None), ("#,##0\\h", None), ("[Red]0", None),
])
def test_number_format_codes_are_classified(code: str, shown: str | None) -> None:
    assert shown_as(code) == shown


# 3. Findings that say the right thing.

def test_negative_contract_value_has_its_own_finding(build, framework: Framework) -> None:
    ret = read_return(build(contract_value=-5000), framework)
    assert located(ret.findings) == [(COVER, f"B{COVER_FIRST_ROW + 2}", "negative-contract-value")]
    assert "harms" not in ret.findings[0].message and "pounds" in ret.findings[0].message and ret.rejected


@pytest.mark.parametrize("answer, value, finding", [(1, 1.0, "number-as-yes-no"), (0, 0.0, "number-as-yes-no"), (2, None, "not-yes-no")])
def test_yes_no_answered_with_a_number(build, framework: Framework, answer: int, value: float | None, finding: str) -> None:
    binary = next(m.id for m in framework.measures if m.kind == "binary")
    path = build(quantities={binary: answer})
    ret = read_return(path, framework)
    assert located(ret.findings) == [(COMMITMENTS, f"F{the_row(path, binary)}", finding)]
    assert ret.quantities[binary] == value and ret.findings[0].severity == ("info" if value is not None else "error")


def test_contract_years_validation_speaks_of_years(framework: Framework, tmp_path: Path) -> None:
    cover = load_workbook(write_return_template(framework, tmp_path / "t.xlsx"))[COVER]
    by_cell = {str(ref): dv for dv in cover.data_validations.dataValidation for ref in dv.sqref.ranges}
    assert "years" in by_cell[f"B{COVER_FIRST_ROW + 3}"].error and "pounds" in by_cell[f"B{COVER_FIRST_ROW + 2}"].error


def test_quality_unscored_points_at_the_quality_workbook(framework: Framework, samples_dir: Path, sample_quality: Path, tmp_path: Path) -> None:
    marks, _ = read_quality(sample_quality, framework)
    first = sorted(marks)[0]
    marks[first] = {t: None for t in marks[first]}
    run_batch(samples_dir, tmp_path / "with", framework=framework, quality=marks, quality_name=sample_quality.name)
    run_batch(samples_dir, tmp_path / "without", framework=framework)
    for out, sheet, names in (("with", "Quality", (first, sample_quality.name)), ("without", "", ("--quality",))):
        record = next(r for r in json.loads((tmp_path / out / "results.json").read_text())["returns"] if r["file"] == first)
        unscored = [f for f in record["findings"] if f["type"] == "quality-unscored"]
        assert [f["sheet"] for f in unscored] == [sheet]
        assert all(name in unscored[0]["message"] for name in names)


@pytest.mark.parametrize("col, letters", [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA"), (16_384, "XFD")])
def test_column_letters_past_z(col: int, letters: str) -> None:
    assert column_letter(col) == letters and parse_ref(f"{letters}7") == (7, col)


@pytest.mark.parametrize("ref", ["F6x", "6", "F", "F0", "XFE1", "F1048577", ""])
def test_parse_ref_refuses_what_is_not_a_cell(ref: str) -> None:
    with pytest.raises(ValueError):
        parse_ref(ref)
