"""Plausibility warnings (SPEC §7): each type with its fixture, where they appear, and that they never change a figure."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from svexcel.cli.main import main
from svexcel.framework.model import Framework, FrameworkError, exclusive_pairs, load_framework
from svexcel.framework.sheets import write_framework_workbook
from svexcel.tender.batch import run_batch
from svexcel.tender.live.workbook import build_from_folder
from svexcel.tender.plausibility import add_warnings, outliers, return_warnings
from svexcel.tender.return_reader import Return, read_return
from svexcel.tender.scoring import assess, compete

NO_PAIRS = {"EQ1.1": 0, "CC2.3": 0}  # the shipped framework excludes EQ1.1 with CC2.3


def kinds(findings) -> list[tuple[str, str, str]]:
    """(sheet, cell, type) of the plausibility warnings among ``findings``."""
    return [(f.sheet, f.cell, f.type) for f in findings if f.question]


def warnings_of(path: Path, framework: Framework) -> list:
    ret = read_return(path, framework)
    assert not ret.rejected
    return return_warnings(framework, ret, assess(framework, ret.quantities, ret.contract_value))


def test_sv_ratio_high_names_the_contract_value_and_asks_a_question(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    # EQ1.1 is £1 a pound: £400,000 of profit shared against a £1,000,000 contract is 40% > 30%
    path = make_return(blank_return, tmp_path / "high.xlsx", framework, NO_PAIRS | {"EQ1.1": 400_000}, contract_value=1_000_000)
    found = [f for f in warnings_of(path, framework) if f.type == "sv-ratio-high"]
    assert [(f.sheet, f.cell, f.severity) for f in found] == [("Cover", "B6", "warning")]
    assert "above the 30.0% that is plausible" in found[0].message and "?" not in found[0].message[-1:]
    assert found[0].question.startswith("Your commitments are worth 4") and found[0].question in found[0].message


def test_sv_ratio_follows_the_setting(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    path = make_return(blank_return, tmp_path / "high.xlsx", framework, NO_PAIRS | {"EQ1.1": 400_000}, contract_value=1_000_000)
    lenient = replace(framework, settings=replace(framework.settings, plausible_sv_ratio=0.5))
    assert not [f for f in warnings_of(path, lenient) if f.type == "sv-ratio-high"]
    assert framework.settings.plausible_sv_ratio == 0.30


def test_no_contract_value_means_no_ratio_warning(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    path = make_return(blank_return, tmp_path / "none.xlsx", framework, NO_PAIRS | {"EQ1.1": 400_000}, contract_value=None)
    assert kinds(warnings_of(path, framework)) == []


def test_same_evidence_on_three_commitments(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    def same(wb) -> None:
        for row in range(6, 9):  # the evidence cells of EQ1.1, EQ1.2, EQ1.3
            wb["Commitments"].cell(row, 7, "  Annual report ")
        wb["Commitments"].cell(9, 7, "annual REPORT")
    path = make_return(blank_return, tmp_path / "same.xlsx", framework, NO_PAIRS | {"EQ1.1": 5}, edit=same)
    found = [f for f in warnings_of(path, framework) if f.type == "same-evidence"]
    assert [(f.sheet, f.cell) for f in found] == [("Commitments", "G6")]
    assert "for 4 commitments (EQ1.1, EQ1.2, EQ1.3, EQ2.1)" in found[0].message


def test_same_evidence_quotes_a_long_text_shortened(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    """A page pasted as the evidence of every commitment is quoted by its start, not whole twice over (a 65,000-character
    message on the terminal, in the report's clarification question and in every workbook)."""
    page = "We will publish an annual social value report with audited figures. " * 400
    def same(wb) -> None:
        for row in range(6, 9):
            wb["Commitments"].cell(row, 7, page)
    path = make_return(blank_return, tmp_path / "page.xlsx", framework, NO_PAIRS | {"EQ1.1": 5}, edit=same)
    [found] = [f for f in warnings_of(path, framework) if f.type == "same-evidence"]
    assert len(found.message) < 1_000 and "'We will publish an annual social value report" in found.message
    assert "…'" in found.question and len(found.question) < 500


def test_same_evidence_on_two_or_on_uncommitted_measures_is_fine(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    def same(wb) -> None:
        for row in range(6, 10):
            wb["Commitments"].cell(row, 7, "Annual report")
    path = make_return(blank_return, tmp_path / "same.xlsx", framework, NO_PAIRS | {"EQ1.2": 0, "EQ1.3": None}, edit=same)
    assert kinds(warnings_of(path, framework)) == []  # EQ1.1, EQ1.2 (0) and EQ1.3 (blank) commit nothing


def test_double_count_for_a_pair_the_framework_excludes(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    assert exclusive_pairs(framework) == [("EQ1.1", "CC2.3")]
    path = make_return(blank_return, tmp_path / "both.xlsx", framework, {"EQ1.1": 100, "CC2.3": 50})
    found = [f for f in warnings_of(path, framework) if f.type == "double-count"]
    assert [(f.sheet, f.cell) for f in found] == [("Commitments", "F23")]
    assert "EQ1.1" in found[0].question and "CC2.3" in found[0].question
    one = make_return(blank_return, tmp_path / "one.xlsx", framework, {"EQ1.1": 100, "CC2.3": 0})
    assert kinds(warnings_of(one, framework)) == []


def _framework_with_excludes(framework: Framework, tmp_path: Path, excludes: dict[str, tuple[str, ...]]) -> Path:
    measures = tuple(replace(m, excludes=excludes.get(m.id, ())) for m in framework.measures)
    return write_framework_workbook(replace(framework, measures=measures), tmp_path / "framework.xlsx")


def test_excludes_round_trips_through_the_framework_workbook(framework: Framework, tmp_path: Path) -> None:
    path = _framework_with_excludes(framework, tmp_path, {"SH1.1": ("SH1.2", "SH2.1")})
    loaded = load_framework(path)
    assert loaded.measure_by_id["SH1.1"].excludes == ("SH1.2", "SH2.1")
    assert exclusive_pairs(loaded) == [("SH1.1", "SH1.2"), ("SH1.1", "SH2.1")]


@pytest.mark.parametrize(("excludes", "says"), [(("XX9.9",), "'XX9.9', which is not a measure id"), (("SH1.1",), "excludes itself")])
def test_unknown_or_self_exclusion_is_a_framework_error(framework: Framework, tmp_path: Path, excludes, says: str) -> None:
    path = _framework_with_excludes(framework, tmp_path, {"SH1.1": excludes})
    with pytest.raises(FrameworkError) as err:
        load_framework(path)
    found = [(f.sheet, f.cell, f.type) for f in err.value.findings]
    assert found == [("Measures", "M18", "unknown-exclude")]
    assert says in err.value.findings[0].message


def test_plausible_sv_ratio_setting_must_be_positive(framework: Framework, tmp_path: Path) -> None:
    path = write_framework_workbook(framework, tmp_path / "framework.xlsx")
    wb = load_workbook(path)
    row = next(r for r in wb["Settings"].iter_rows() if r[0].value == "plausible_sv_ratio")
    row[1].value = -1
    wb.save(path)
    with pytest.raises(FrameworkError) as err:
        load_framework(path)
    assert [(f.sheet, f.cell, f.type) for f in err.value.findings] == [("Settings", f"B{row[0].row}", "bad-setting")]


def test_old_framework_without_the_setting_or_column_uses_defaults(framework: Framework, tmp_path: Path) -> None:
    path = write_framework_workbook(framework, tmp_path / "framework.xlsx")
    wb = load_workbook(path)
    settings = wb["Settings"]
    settings.delete_rows(next(r[0].row for r in settings.iter_rows() if r[0].value == "plausible_sv_ratio"))
    wb["Measures"].delete_cols(13)
    wb.save(path)
    old = load_framework(path)
    assert old.settings.plausible_sv_ratio == 0.30 and exclusive_pairs(old) == []


def test_outlier_needs_three_others_and_ten_times_their_median(framework: Framework) -> None:
    n = len(framework.measures)
    column = [m.id for m in framework.measures].index("CC1.1")

    def rows(values: list[float | None]) -> list[list[float | None]]:
        return [[v if i == column else None for i in range(n)] for v in values]

    assert outliers(framework, rows([10, 12, 14, 121]))[3][0][:3] == ("CC1.1", 121, 12)
    assert outliers(framework, rows([10, 12, 14, 120])) == [[], [], [], []]  # exactly 10 × the median is not more
    assert outliers(framework, rows([10, 12, 1000]))[2] == []  # only two others
    assert outliers(framework, rows([10, 0, None, 12, 14, 1000]))[5][0].others == 3  # zeros and blanks are not offers


def test_outlier_in_a_batch_names_the_cell_in_every_output(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    for i, hours in enumerate((100, 120, 150, 20_000)):
        make_return(blank_return, returns / f"r{i}.xlsx", framework, NO_PAIRS | {"CC1.1": hours}, organisation=f"Org {i}")
    out = tmp_path / "out"
    result = run_batch(returns, out, framework=framework)
    records = {r["file"]: r for r in json.loads((out / "results.json").read_text())["returns"]}
    assert {file: [(f["sheet"], f["cell"], f["type"]) for f in r["findings"] if f.get("question")] for file, r in records.items()} == {
        "r0.xlsx": [], "r1.xlsx": [], "r2.xlsx": [], "r3.xlsx": [("Commitments", "F18", "outlier")]}
    assert result.exit_code == 0
    summary = load_workbook(out / "summary.xlsx")["Findings"]
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=2)]
    assert [r[:5] for r in rows if r[2] == "outlier"] == [["r3.xlsx", "warning", "outlier", "Commitments", "F18"]]
    assert "Suggested clarification question" in next(r[5] for r in rows if r[2] == "outlier")
    from docx import Document

    text = "\n".join(p.text for p in Document(out / "reports" / "r3.docx").paragraphs)
    cells = [c.text for t in Document(out / "reports" / "r3.docx").tables for row in t.rows for c in row.cells]
    assert "Clarification questions" in text
    assert any("far more than other bidders" in c for c in cells)
    assert "raised no question" in "\n".join(p.text for p in Document(out / "reports" / "r0.docx").paragraphs)


def test_live_workbook_lists_plausibility_warnings(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(blank_return, returns / "both.xlsx", framework, {"EQ1.1": 100, "CC2.3": 50})
    build_from_folder(None, tmp_path / "live.xlsm", returns)
    rows = [[c.value for c in row] for row in load_workbook(tmp_path / "live.xlsm")["Findings"].iter_rows(min_row=2)]
    assert any("double-count" in [str(v) for v in row] for row in rows)


def test_validate_prints_the_warning_with_its_question(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    path = make_return(blank_return, tmp_path / "both.xlsx", framework, {"EQ1.1": 100, "CC2.3": 50})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "[double-count]" in result.output and "Suggested clarification question" in result.output
    as_json = json.loads(CliRunner().invoke(main, ["validate", str(path), "--json"]).output)
    assert [f["type"] for f in as_json[0]["findings"] if "question" in f] == ["double-count"]


# ---------------------------------------------------------------- never a penalty

quantity = st.one_of(st.none(), st.floats(min_value=0, max_value=1e7, allow_nan=False), st.sampled_from([0.0, 1.0, 10.0]))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_plausibility_warnings_never_change_any_figure(framework: Framework, data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=6))
    returns = []
    for i in range(n):
        quantities = {m.id: data.draw(quantity) for m in framework.measures}
        evidence = {m.id: data.draw(st.sampled_from(["", "Annual report", f"own {m.id}"])) for m in framework.measures}
        value = data.draw(st.one_of(st.none(), st.floats(min_value=1, max_value=1e7)))
        returns.append(Return(f"r{i}.xlsx", quantities=quantities, evidence=evidence, contract_value=value))
    marks = [{t.id: data.draw(st.one_of(st.none(), st.sampled_from([0.0, 25.0, 50.0, 75.0, 100.0]))) for t in framework.themes} for _ in returns]

    def figures() -> list:
        assessments = [assess(framework, r.quantities, r.contract_value) for r in returns]
        return [(s.points, s.rank, s.themes, s.assessment) for s in compete(framework, assessments, marks)]

    before = figures()
    add_warnings(framework, returns, [assess(framework, r.quantities, r.contract_value) for r in returns])
    assert figures() == before
    assert all(f.severity == "warning" and f.question for r in returns for f in r.findings)
    assert not any(r.rejected for r in returns)
