"""Returns collected before the framework changed: a framework-changed finding, never blame on the supplier."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from builders import make_return, quality_of
from openpyxl import load_workbook

from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.framework.model import Framework, Measure, Theme, load_framework
from svexcel.tender.live.workbook import build_from_folder
from svexcel.tender.return_reader import read_return

Change = Callable[[Framework], Framework]
CHANGES: dict[str, Change] = {
    "measure-added": lambda fw: replace(fw, measures=fw.measures + (Measure("EQ9.9", "EQ1", "EQ", "New measure", "people", "target", target=5.0),)),
    "measure-deleted": lambda fw: replace(fw, measures=tuple(m for m in fw.measures if m.id != "CC1.2")),
    "theme-added": lambda fw: replace(fw, themes=fw.themes + (Theme("NEW", "New theme"),)),
    "theme-renamed": lambda fw: replace(fw, themes=(replace(fw.themes[0], name="Renamed"), *fw.themes[1:])),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_untouched_return_read_with_a_changed_framework(change: str, blank_return: Path, framework: Framework, tmp_path: Path) -> None:
    path = make_return(blank_return, tmp_path / "acme.xlsx", framework)
    findings = read_return(path, CHANGES[change](framework)).findings
    assert [(f.type, f.severity, f.sheet) for f in findings if f.severity == "error"] == [("framework-changed", "error", "_svexcel")]
    assert "rebuild with `svexcel build` and issue new templates" in findings[-1].message


def test_edited_return_is_still_blamed(blank_return: Path, framework: Framework, tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb["Commitments"]["D6"] = "Something else"  # the locked Measure text of EQ1.1
    path = make_return(blank_return, tmp_path / "acme.xlsx", framework, edit=edit)
    types = {f.type for f in read_return(path, CHANGES["measure-added"](framework)).findings}
    assert "framework-changed" not in types and "locked-cell-edited" in types


def test_batch_with_a_live_workbook_that_gained_a_measure(tmp_path: Path) -> None:
    live = build_from_folder(None, tmp_path / "live.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path
    wb = load_workbook(live, keep_vba=True)
    ws = wb["Measures"]
    ws.append(["EQ9.9", *[c.value for c in ws[2]][1:]])
    wb.save(live)
    framework = load_framework(live)
    ret = read_return(SAMPLES / "hillside-community-trust.xlsx", framework)
    assert [f.type for f in ret.findings if f.severity == "error"] == ["framework-changed"]
