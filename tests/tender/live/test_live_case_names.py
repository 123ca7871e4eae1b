"""Return files whose names differ only in case (``Acme.xlsx`` and ``acme.xlsx``) are two returns on every surface,
and a name with leading or trailing spaces keeps them (its quality marks are its own everywhere).

The live workbook (recalculated by LibreOffice, also with Quality re-ordered so the fast case-blind MATCH finds the
other row first), the engine reading that workbook, ``svexcel batch`` and the explain functions all score both,
each with its own quality marks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builders import quality_of
from click.testing import CliRunner
from libreoffice import convert
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook
from test_live_checks import failing_checks
from test_live_workbook import assert_matches_engine, close, data_rows

from svexcel.cli.main import main
from svexcel.core.paths import SAMPLES
from svexcel.framework.model import Framework
from svexcel.tender.live.explain import explain_return, score_table
from svexcel.tender.live.inputs import read_live_workbook
from svexcel.tender.live.workbook import build_from_folder

NAMES = {" spaced .xlsx": "openfields-cic.xlsx", "Acme.xlsx": "hillside-community-trust.xlsx",
         "acme.xlsx": "riverside-care-coop.xlsx", "other.xlsx": "greenway-facilities.xlsx"}
MARKS = {" spaced .xlsx": 75.0, "Acme.xlsx": 100.0, "acme.xlsx": 25.0, "other.xlsx": 50.0}  # on the scale; spaces are part of a name too


@pytest.fixture(scope="module")
def folder(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three returns, two named alike but for case, and a quality workbook giving each its own marks."""
    tmp = tmp_path_factory.mktemp("case")
    returns = tmp / "returns"
    returns.mkdir()
    for name, sample in NAMES.items():
        shutil.copy(SAMPLES / sample, returns / name)
    if len(list(returns.iterdir())) < len(NAMES):
        pytest.skip("this filesystem ignores case in file names")
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "Quality"
    ws.append(["File", "Organisation", *(t.id for t in framework.themes)])
    for name, mark in reversed(MARKS.items()):  # acme.xlsx above Acme.xlsx
        ws.append([name, "", *([mark] * len(framework.themes))])
    wb.save(tmp / "quality.xlsx")
    return tmp


@pytest.fixture(scope="module")
def workbooks(folder: Path) -> dict[str, tuple[Path, Path]]:
    """The built workbook and a copy with Quality's Acme rows swapped, each recalculated by LibreOffice."""
    built = build_from_folder(None, folder / "live.xlsm", folder / "returns", quality_of(folder / "quality.xlsx")).path
    swapped = folder / "swapped.xlsm"
    shutil.copy(built, swapped)
    wb = load_workbook(swapped, keep_vba=True)
    ws = wb["Quality"]
    for a, b in zip(ws[3], ws[4], strict=True):
        a.value, b.value = b.value, a.value
    wb.save(swapped)
    outputs = convert([built, swapped], "xlsx", folder / "recalculated")
    return {"built": (built, outputs[0]), "swapped": (swapped, outputs[1])}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["built", "swapped"])
def test_workbook_scores_both_like_the_engine(name: str, workbooks: dict[str, tuple[Path, Path]]) -> None:
    path, recalculated = workbooks[name]
    assert failing_checks(recalculated) == {}
    inputs = read_live_workbook(path)
    assert [f for f in inputs.findings if f.severity == "error"] == []
    assert [r.file for r in inputs.returns] == list(MARKS)
    assert_matches_engine(recalculated, inputs.framework, inputs.returns, inputs.scores())
    marks = {row["File"]: row["EQ quality mark"] for row in data_rows(recalculated, "ThemeScores")}
    assert marks == MARKS
    rows = data_rows(recalculated, "Scores")
    table = score_table(inputs, [list(rows[0]), *(list(row.values()) for row in rows)])
    assert [row[-1] for row in table[1:]] == ["Yes"] * len(MARKS)  # Acme.xlsx compared with its own row, not acme.xlsx's


@pytest.mark.libreoffice
def test_batch_scores_both_as_the_workbook_shows(folder: Path, workbooks: dict[str, tuple[Path, Path]]) -> None:
    """`svexcel batch` with the re-ordered workbook as framework and quality gives the figures it shows."""
    path, recalculated = workbooks["swapped"]
    out = folder / "out"
    result = CliRunner().invoke(main, ["batch", str(folder / "returns"), "--framework", str(path), "--quality", str(path),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    batch = {r["file"]: r for r in json.loads((out / "results.json").read_text())["returns"]}
    shown = {row["File"]: row for row in data_rows(recalculated, "Scores")}
    assert set(batch) == set(shown) == set(MARKS)
    for file, row in shown.items():
        assert batch[file]["status"] == "scored"
        assert close(batch[file]["points"], row["Points"]) and batch[file]["rank"] == row["Rank"], file
    reports = [batch[f]["report"] for f in ("Acme.xlsx", "acme.xlsx")]
    assert len({r.casefold() for r in reports}) == 2  # no report overwrites the other on Windows or macOS
    assert all((out / r).is_file() for r in reports)


@pytest.mark.libreoffice
def test_explain_finds_the_exact_name(workbooks: dict[str, tuple[Path, Path]]) -> None:
    inputs = read_live_workbook(workbooks["built"][0])
    assert "(Acme.xlsx)" in explain_return(inputs, "Acme.xlsx")[0]
    assert "(acme.xlsx)" in explain_return(inputs, "acme.xlsx")[0]
    assert "More than one return" in explain_return(inputs, "ACME.XLSX")[0]
    assert "(other.xlsx)" in explain_return(inputs, "OTHER.xlsx")[0]
    assert "( spaced .xlsx)" in explain_return(inputs, " spaced .xlsx")[0]
    assert "( spaced .xlsx)" in explain_return(inputs, "spaced .xlsx")[0]  # typed without its spaces, still one return
