"""The protected-workbook writer: text stays text, sheets are protected, validation texts fit Excel, the hidden sheet
holds its keys, and a workbook appears only once saved whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from svexcel.excel.protected import append, protect, put, save, validation, write, write_meta
from svexcel.xlsx.meta import META, fingerprint

TEXTS = ("=count each person once", "+44 1865 000000", "-5 if late", "@risk", "#N/A", "=", "plain")


def test_text_is_written_as_text_whatever_it_starts_with(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for row, text in enumerate(TEXTS, start=1):
        write(ws, row, 1, text)
    append(ws, TEXTS)
    put(ws.cell(20, 1), 12.5)
    save(wb, tmp_path / "text.xlsx")
    ws = load_workbook(tmp_path / "text.xlsx").active
    cells = [ws.cell(row, 1) for row in range(1, len(TEXTS) + 1)] + list(ws[len(TEXTS) + 1])
    assert [(c.value, c.data_type) for c in cells] == [(t, "s") for t in TEXTS * 2]
    assert [c.quotePrefix for c in cells[:5]] == [True, True, True, True, False]  # Excel would run the first four once edited
    assert ws.cell(20, 1).value == 12.5 and ws.cell(20, 1).data_type == "n"


def test_openpyxl_alone_would_have_made_a_formula_and_an_error(tmp_path: Path) -> None:
    # why put() exists: the same strings through openpyxl's own assignment are not text
    wb = Workbook()
    wb.active.append(["=count each person once", "#N/A"])
    assert [c.data_type for c in wb.active[1]] == ["f", "e"]


def test_protection_allows_what_each_workbook_needs() -> None:
    ws = Workbook().active
    protect(ws)
    assert ws.protection.sheet and not ws.protection.formatRows and not ws.protection.formatColumns
    assert ws.protection.formatCells and ws.protection.sort and ws.protection.autoFilter  # True = not allowed
    protect(ws, format_cells=True, sort_and_filter=True)
    assert not ws.protection.formatCells and not ws.protection.sort and not ws.protection.autoFilter


def test_validation_texts_are_cut_to_what_excel_opens(tmp_path: Path) -> None:
    wb = Workbook()
    rule = validation(wb.active, "list", '"Yes,No"', error_title="T" * 40, error="e" * 300, prompt_title="P" * 40, prompt="p" * 300)
    rule.add("A1:A3")
    save(wb, tmp_path / "rules.xlsx")
    (read,) = load_workbook(tmp_path / "rules.xlsx").active.data_validations.dataValidation
    assert (len(read.errorTitle), len(read.error), len(read.promptTitle), len(read.prompt)) == (32, 225, 32, 255)
    assert read.showErrorMessage and read.showInputMessage and read.allow_blank and str(read.sqref) == "A1:A3"


def test_the_hidden_sheet_holds_each_key_and_its_value(tmp_path: Path) -> None:
    wb = Workbook()
    write_meta(wb, {"framework_name": "=CCIN", "framework_version": "2026.1", "fingerprint": fingerprint({("S", "r", "c"): "v"})})
    save(wb, tmp_path / "meta.xlsx")
    ws = load_workbook(tmp_path / "meta.xlsx")[META]
    assert ws.sheet_state == "hidden" and ws.protection.sheet
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["framework_name", "=CCIN"], ["framework_version", "2026.1"], ["fingerprint", fingerprint({("S", "r", "c"): "v"})]]
    assert ws["B1"].data_type == "s"


def test_a_fingerprint_ignores_row_order_and_sees_any_change() -> None:
    cells = {("Commitments", "EQ1.1", "Measure"): "Jobs", ("Commitments", "EQ1.2", "Measure"): "Hours"}
    assert fingerprint(cells) == fingerprint(dict(reversed(cells.items())))
    assert fingerprint(cells) != fingerprint(cells | {("Commitments", "EQ1.2", "Measure"): "Hours "})
    assert len(fingerprint(cells)) == 32


def test_a_workbook_appears_only_once_saved_whole(tmp_path: Path) -> None:
    def fail(_: Path) -> None:
        raise RuntimeError("interrupted while finishing")

    with pytest.raises(RuntimeError):
        save(Workbook(), tmp_path / "out.xlsx", fail)
    assert list(tmp_path.iterdir()) == []
    finished: list[Path] = []
    assert save(Workbook(), tmp_path / "out.xlsx", finished.append) == tmp_path / "out.xlsx"
    assert finished[0].name.startswith(".out.xlsx.") and [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
