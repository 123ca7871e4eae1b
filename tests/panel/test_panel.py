"""The evaluation panel: evaluator workbooks written, read back with rigour, and every finding moderation reports."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from builders import make_return
from click.testing import CliRunner
from libreoffice import convert
from openpyxl import load_workbook
from panel_builders import GOOD, fill_scores, moderation_cells

from svexcel.cli.main import main
from svexcel.core.paths import SAMPLES
from svexcel.framework.model import Framework
from svexcel.panel.declaration import DECLARATION, FIRST_ROW
from svexcel.panel.evaluator import read_evaluator_workbook
from svexcel.panel.layout import META, SCALE, SCORES, SCORES_COLUMNS, SCORES_HEADER_ROW
from svexcel.panel.make_panel import PanelError, evaluator_names, make_panel
from svexcel.panel.moderate import gather, moderate
from svexcel.panel.moderation import read_moderation
from svexcel.tender.return_layout import NARRATIVE
from svexcel.tender.return_reader import read_return

FILES = sorted(p.name for p in SAMPLES.glob("*.xlsx"))


@pytest.fixture
def panel(tmp_path: Path, framework: Framework) -> Path:
    """Evaluator workbooks for A, B and C on the six sample returns, unfilled."""
    make_panel(SAMPLES, framework, ["A", "B", "C"], tmp_path / "panel")
    return tmp_path / "panel"


def found(panel: Path, framework: Framework) -> list[tuple[str, str, str, str]]:
    """(file, sheet, cell, type) of every moderation finding, as data."""
    reads = [read_evaluator_workbook(p, framework) for p in sorted(panel.glob("*.xlsx"))]
    return [(f.file, f.sheet, f.cell, f.type) for f in gather(reads, framework).findings]


def test_one_protected_workbook_per_evaluator(panel: Path, framework: Framework) -> None:
    assert sorted(p.name for p in panel.iterdir()) == ["A.xlsx", "B.xlsx", "C.xlsx"]
    wb = load_workbook(panel / "B.xlsx")
    ws = wb[SCORES]
    assert [c.value for c in ws[SCORES_HEADER_ROW]] == list(SCORES_COLUMNS)
    rows = list(ws.iter_rows(min_row=SCORES_HEADER_ROW + 1))
    assert len(rows) == len(FILES) * len(framework.themes)
    riverside = read_return(SAMPLES / "riverside-care-coop.xlsx", framework)
    row = next(r for r in rows if r[0].value == "riverside-care-coop.xlsx" and r[2].value == "EQ")
    assert row[1].value == "Riverside Care Co-operative" and row[4].value == riverside.narrative["EQ"]
    assert row[4].alignment.wrap_text and ws.row_dimensions[row[4].row].height >= 45
    assert ws.protection.sheet and all(c.protection.locked for c in row[:5]) and not any(c.protection.locked for c in row[5:])
    score_rule = next(v for v in ws.data_validations.dataValidation if v.type == "list")
    assert score_rule.formula1 == f"{SCALE}!$A$2:$A$6" and f"F{row[0].row}" in score_rule.sqref
    assert [r[0].value for r in wb[SCALE].iter_rows(min_row=2)] == [q.score for q in framework.quality_scale]
    assert wb[SCALE]["C2"].value == framework.quality_scale[0].descriptor
    meta = {r[0].value: r[1].value for r in wb[META].iter_rows()}
    assert wb[META].sheet_state == "hidden"
    assert meta["kind"] == "evaluation" and meta["evaluator"] == "B" and meta["framework_version"] == framework.version
    assert len(meta["fingerprint"]) == 32


def test_an_unfilled_panel_reads_back_clean_apart_from_declarations_and_missing_scores(panel: Path, framework: Framework) -> None:
    read = read_evaluator_workbook(panel / "A.xlsx", framework)
    assert read.evaluator == "A" and read.returns == FILES and not read.rejected and not read.declared
    assert all(score is None for score in read.scores.values()) and len(read.scores) == 30
    assert found(panel, framework) == [(f"{n}.xlsx", DECLARATION, f"B{FIRST_ROW}", "no-declaration") for n in "ABC"]
    for name in "ABC":
        fill_scores(panel / f"{name}.xlsx", {})  # declared, nothing scored yet
    assert {t for (_, _, _, t) in found(panel, framework)} == {"missing-score"}


def test_narrative_text_stays_text(tmp_path: Path, framework: Framework, blank_return: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    formula_like = '=HYPERLINK("http://example.com","click")'

    def narrate(wb) -> None:
        wb[NARRATIVE]["C4"].value = formula_like
        wb[NARRATIVE]["C4"].data_type = "s"

    make_return(blank_return, returns / "x.xlsx", framework, edit=narrate)
    make_panel(returns, framework, ["A"], tmp_path / "panel")
    path = tmp_path / "panel" / "A.xlsx"
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    assert load_workbook(path)[SCORES]["E5"].value == formula_like
    read = read_evaluator_workbook(path, framework)
    assert not read.rejected and read.organisations == {"x.xlsx": "Test Co-op"}


def test_rejected_returns_are_left_out_and_named(tmp_path: Path, framework: Framework) -> None:
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    (returns / "broken.xlsx").write_bytes(b"not a workbook")
    result = CliRunner().invoke(main, ["panel", str(returns), "--evaluators", "A; B", "--out", str(tmp_path / "panel")])
    assert result.exit_code == 0, result.output
    assert "Left out broken.xlsx (rejected when validated)" in result.output
    wb = load_workbook(tmp_path / "panel" / "A.xlsx")
    assert wb["Not evaluated"]["A3"].value == "broken.xlsx"
    assert "broken.xlsx" not in {c.value for c in wb[SCORES]["A"]}


@pytest.mark.parametrize("inside", ["", "panel"])
def test_panel_refuses_an_out_folder_in_the_returns_folder(tmp_path: Path, inside: str) -> None:
    """Evaluator workbooks written among the returns would be read as returns by the next batch, panel or record."""
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    before = sorted(p.relative_to(returns) for p in returns.rglob("*"))
    result = CliRunner().invoke(main, ["panel", str(returns), "--evaluators", "A;B", "--out", str(returns / inside)])
    assert result.exit_code == 2 and "outside the returns folder" in result.output, result.output
    assert sorted(p.relative_to(returns) for p in returns.rglob("*")) == before


def test_panel_refuses_clashing_names_and_never_overwrites(panel: Path, framework: Framework) -> None:
    assert evaluator_names(" A. Jones ; ;B/Smith") == ["A. Jones", "B/Smith"]
    with pytest.raises(PanelError, match="share the file"):
        evaluator_names("A;a")
    with pytest.raises(PanelError, match="B.xlsx already exist"):
        make_panel(SAMPLES, framework, ["B", "D"], panel)
    assert not (panel / "D.xlsx").exists()
    result = CliRunner().invoke(main, ["panel", str(SAMPLES), "--evaluators", ";", "--out", str(panel)])
    assert result.exit_code == 2 and "at least one evaluator" in result.output


def test_missing_score_and_missing_rationale(panel: Path, framework: Framework) -> None:
    unscored, unexplained = ("openfields-cic.xlsx", "PA"), ("openfields-cic.xlsx", "CC")
    fill_scores(panel / "A.xlsx", {unscored: (None, GOOD), unexplained: (50, None)}, default=(50, GOOD))
    fill_scores(panel / "B.xlsx", {}, default=(75, GOOD))
    fill_scores(panel / "C.xlsx", {}, default=(75, GOOD))
    assert found(panel, framework) == [
        ("A.xlsx", SCORES, f"F{_row(panel / 'A.xlsx', unscored)}", "missing-score"),
        ("A.xlsx", SCORES, f"G{_row(panel / 'A.xlsx', unexplained)}", "missing-rationale"),
    ]


def _row(path: Path, key: tuple[str, str]) -> int:
    """The row of (file, theme) in an evaluator workbook."""
    ws = load_workbook(path)[SCORES]
    return next(r[0].row for r in ws.iter_rows(min_row=SCORES_HEADER_ROW + 1) if (r[0].value, r[2].value) == key)


@pytest.mark.parametrize("rationale", [
    "Good plan, well evidenced.",  # under 12 words
    "A clear, specific plan with named resources, milestones and evidence from past delivery; a good plan overall.",  # the descriptor's words
])
def test_thin_rationale(panel: Path, framework: Framework, rationale: str) -> None:
    key = ("hillside-community-trust.xlsx", "SH")
    fill_scores(panel / "A.xlsx", {key: (75, rationale)}, default=(50, GOOD))
    for name in ("B", "C"):
        fill_scores(panel / f"{name}.xlsx", {}, default=(50, GOOD))
    [(file, sheet, cell, kind)] = found(panel, framework)
    assert (file, sheet, kind) == ("A.xlsx", SCORES, "thin-rationale") and re.fullmatch(r"G\d+", cell)


def test_a_rationale_in_the_evaluators_own_words_is_not_thin(panel: Path, framework: Framework) -> None:
    rationale = ("Two apprentices a year and mentoring for new home-care co-operatives, but no numbers for mentoring "
                 "and nothing on how apprentices are recruited locally.")
    fill_scores(panel / "A.xlsx", {("riverside-care-coop.xlsx", "SH"): (50, rationale)}, default=(50, GOOD))
    for name in ("B", "C"):
        fill_scores(panel / f"{name}.xlsx", {}, default=(50, GOOD))
    assert found(panel, framework) == []


def test_edited_response_is_an_edited_file(panel: Path, framework: Framework) -> None:
    fill_scores(panel / "A.xlsx", {}, default=(50, GOOD), edit=lambda wb: setattr(wb[SCORES]["E5"], "value", "A better response."))
    fill_scores(panel / "B.xlsx", {}, default=(50, GOOD))
    assert found(panel, framework)[0] == ("A.xlsx", META, "B6", "evaluator-file-edited")
    assert read_evaluator_workbook(panel / "A.xlsx", framework).rejected


def test_deleted_row_is_an_edited_file(panel: Path, framework: Framework) -> None:
    fill_scores(panel / "A.xlsx", {}, default=(50, GOOD), edit=lambda wb: wb[SCORES].delete_rows(SCORES_HEADER_ROW + 3))
    assert [f.type for f in read_evaluator_workbook(panel / "A.xlsx", framework).findings] == ["evaluator-file-edited"]


@pytest.mark.parametrize("foreign", ["return", "other-version", "edited-evaluator"])
def test_foreign_files_are_edited_files(panel: Path, framework: Framework, foreign: str) -> None:
    path = panel / "A.xlsx"
    if foreign == "return":
        shutil.copy(SAMPLES / "openfields-cic.xlsx", path)
    else:
        row = 4 if foreign == "other-version" else 2
        fill_scores(path, {}, default=(50, GOOD), edit=lambda wb: setattr(wb[META].cell(row, 2), "value", "2025.9" if row == 4 else "Z"))
    read = read_evaluator_workbook(path, framework)
    assert [f.type for f in read.findings] == ["evaluator-file-edited"] and read.rejected
    fill_scores(panel / "B.xlsx", {}, default=(50, GOOD))
    fill_scores(panel / "C.xlsx", {}, default=(50, GOOD))
    reads = [read_evaluator_workbook(p, framework) for p in sorted(panel.glob("*.xlsx"))]
    assert gather(reads, framework).evaluators == ["B", "C"]  # an untrusted file takes no part


def test_a_return_outside_the_panel_is_unknown(tmp_path: Path, framework: Framework, blank_return: Path) -> None:
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    make_panel(returns, framework, ["A", "B"], tmp_path / "panel")
    make_return(blank_return, returns / "late.xlsx", framework)
    make_panel(returns, framework, ["C"], tmp_path / "panel")  # C's workbook was made after a late return arrived
    for name in "ABC":
        fill_scores(tmp_path / "panel" / f"{name}.xlsx", {}, default=(50, GOOD))
    reads = [read_evaluator_workbook(p, framework) for p in sorted((tmp_path / "panel").glob("*.xlsx"))]
    moderation = gather(reads, framework)
    assert [(f.file, f.type) for f in moderation.findings] == [("C.xlsx", "unknown-return")]
    assert "late.xlsx" in moderation.findings[0].message
    assert {r.file for r in moderation.rows} == set(FILES)


def test_a_row_added_for_another_return_is_unknown(panel: Path, framework: Framework) -> None:
    def add_row(wb) -> None:
        wb[SCORES].append(["stranger.xlsx", "Stranger Ltd", "EQ", "Equity", "words", 50, GOOD])

    fill_scores(panel / "A.xlsx", {}, default=(50, GOOD), edit=add_row)
    read = read_evaluator_workbook(panel / "A.xlsx", framework)
    assert [(f.sheet, f.type) for f in read.findings] == [(SCORES, "unknown-return")] and not read.rejected


def test_a_score_off_the_scale_is_refused(panel: Path, framework: Framework) -> None:
    fill_scores(panel / "A.xlsx", {("swift-logistics.xlsx", "WB"): (60, GOOD), ("swift-logistics.xlsx", "EQ"): ("good", GOOD)}, default=(50, GOOD))
    read = read_evaluator_workbook(panel / "A.xlsx", framework)
    # the same finding types as every reader of marks; the file stays usable, only those marks are refused
    assert [(f.sheet, f.type) for f in read.findings] == [(SCORES, "not-a-number"), (SCORES, "off-scale")] and not read.rejected
    assert read.scores[("swift-logistics.xlsx", "WB")] is None and read.scores[("swift-logistics.xlsx", "CC")] == 50


def test_two_files_for_one_evaluator(panel: Path, framework: Framework) -> None:
    for name in "ABC":
        fill_scores(panel / f"{name}.xlsx", {}, default=(50, GOOD))
    shutil.copy(panel / "A.xlsx", panel / "A (2).xlsx")
    assert found(panel, framework) == [("A.xlsx", "", "", "duplicate-evaluator")]


@pytest.mark.libreoffice
def test_workbooks_saved_by_a_spreadsheet_program_still_read_clean(panel: Path, framework: Framework, tmp_path: Path) -> None:
    fill_scores(panel / "A.xlsx", {("openfields-cic.xlsx", "EQ"): (25, GOOD)}, default=(50, GOOD))
    fill_scores(panel / "B.xlsx", {}, default=(75, GOOD))
    fill_scores(panel / "C.xlsx", {}, default=(100, GOOD))
    moderation = tmp_path / "moderation.xlsx"
    moderate(panel, framework, moderation)
    saved = tmp_path / "saved"
    [evaluator, moderated] = convert([panel / "A.xlsx", moderation], "xlsx", saved)  # opened and saved by LibreOffice
    read = read_evaluator_workbook(evaluator, framework)
    assert read.findings == [] and read.scores[("openfields-cic.xlsx", "EQ")] == 25 and read.rationales[("openfields-cic.xlsx", "EQ")] == GOOD
    marks, _, findings = read_moderation(moderated, framework)
    assert findings == [] and len(marks) == len(FILES)  # means such as 58.33… survive the save
    assert moderation_cells(moderated)[("openfields-cic.xlsx", "EQ")]["Mean"] == pytest.approx(200 / 3)
