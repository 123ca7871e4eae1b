"""The shipped workbooks were written before the one protected-workbook writer: their hidden sheets and fingerprints
still read clean, and a copy with one locked cell changed is still refused, for every kind of protected workbook."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svexcel.core.findings import Finding
from svexcel.core.paths import DELIVERY_SAMPLES, SAMPLE_MODERATION, SAMPLE_PANEL, SAMPLES
from svexcel.delivery.reader import read_delivery
from svexcel.excel.protected import put
from svexcel.framework.model import Framework
from svexcel.panel.evaluator import read_evaluator_workbook
from svexcel.panel.moderation import open_moderation
from svexcel.tender.return_reader import read_return

Read = Callable[[Path, Framework], list[Finding]]
KINDS: dict[str, tuple[list[Path], Read, tuple[str, str], str]] = {
    # kind: (shipped files, read, a locked cell, the finding its edit raises)
    "return": (sorted(SAMPLES.glob("*.xlsx")), lambda p, f: read_return(p, f).findings, ("Commitments", "H6"), "locked-cell-edited"),
    "delivery": (sorted(DELIVERY_SAMPLES.glob("*.xlsx")), lambda p, f: read_delivery(p, f).findings, ("Cover", "B4"), "locked-cell-edited"),
    "evaluator": (sorted(SAMPLE_PANEL.glob("*.xlsx")), lambda p, f: read_evaluator_workbook(p, f).findings, ("Scores", "E5"),
                  "evaluator-file-edited"),
    "moderation": ([SAMPLE_MODERATION], lambda p, f: open_moderation(p, f).findings, ("Moderation", "B5"), "moderation-file-edited"),
}
CASES = [pytest.param(kind, path, id=f"{kind}-{path.stem}") for kind, (paths, *_) in KINDS.items() for path in paths]


@pytest.mark.parametrize(("kind", "path"), CASES)
def test_a_shipped_workbook_reads_clean_and_an_edited_copy_is_refused(kind: str, path: Path, framework: Framework, tmp_path: Path) -> None:
    _, read, (sheet, cell), refused = KINDS[kind]
    assert [f for f in read(path, framework) if f.severity == "error"] == []
    edited = shutil.copy(path, tmp_path / path.name)
    wb = load_workbook(edited)
    put(wb[sheet][cell], f"{wb[sheet][cell].value} (edited)")
    wb.save(edited)
    assert refused in {f.type for f in read(Path(edited), framework) if f.severity == "error"}
