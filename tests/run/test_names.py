"""SPEC §8: file names made from data are safe on Windows, macOS and Linux; the full text stays inside the document."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from delivery_builders import blank_delivery, complete, fill_delivery
from docx import Document
from openpyxl import load_workbook
from panel_builders import fill_scores

from svexcel.core.paths import DELIVERY_SAMPLES, SAMPLES
from svexcel.framework.model import Framework
from svexcel.run.names import report_names, safe_path, safe_stem
from svexcel.run.outputs import MANIFEST

LONG = ("The Very Long Name of a Consortium of Community Interest Companies and Co-operatives " * 3)[:240]
DEVICE = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\..*)?$", re.IGNORECASE)


def refused_by_some_system(name: str) -> str | None:
    """Why Windows, macOS or Linux would refuse (or mangle) a file name, checked independently of svexcel."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    if DEVICE.match(name.rstrip(" ")) or DEVICE.match(stem.rstrip(" ")):
        return "device name"
    if re.search(r'[<>:"/\\|?*\x00-\x1f]', name):
        return "forbidden character"
    if name.endswith((".", " ")) or name.startswith("."):
        return "trailing dot or space, or hidden"
    if len(stem) > 100 or len(name.encode()) > 255:
        return "too long"
    return None


def all_names(folder: Path) -> list[str]:
    """Every file and folder name under ``folder`` but svexcel's list of its outputs."""
    return [p.name for p in folder.rglob("*") if p.name != MANIFEST]


def svexcel(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "svexcel", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("text", ["CON", "con", "Con.xlsx", "nul.tar.gz", "COM1", "lpt9 ", "AUX.", "Prn  .docx", "COM²", "CONIN$"])
def test_device_names_are_never_given(text: str) -> None:
    assert refused_by_some_system(safe_stem(text) + ".docx") is None
    assert safe_stem(text).casefold().startswith(text.split(".")[0].strip().casefold())  # still recognisable


@pytest.mark.parametrize("text", [LONG, "ä" * 240, "😀" * 240, " .Leading dots and spaces. ", "a/b\\c:d*e?f\"g<h>i|j\x07k", "Ends in a dot."])
def test_names_are_short_and_hold_no_forbidden_character(text: str) -> None:
    stem = safe_stem(text)
    assert stem and refused_by_some_system(stem + ".docx") is None, stem
    assert len(stem) <= 100 and len(stem.encode()) <= 200


def test_names_with_nothing_to_make_a_name_of_are_empty() -> None:
    assert safe_stem("...") == safe_stem(" ") == safe_stem("///") == ""
    assert safe_path("../CON/./a:b") == "CON_/a-b"


def test_report_names_are_unique_ignoring_case() -> None:
    names = report_names(["a.xlsx", "a.xlsm", "a-xlsx.xlsx", "Acme.xlsx", "ACME.xlsm", "sub/b.xlsx", "b.xlsx"])
    assert len({n.casefold() for n in names.values()}) == 7
    assert names["a-xlsx.xlsx"] == "reports/a-xlsx.docx" and names["a.xlsm"] == "reports/a-xlsm.docx"
    assert names["sub/b.xlsx"] == "reports/sub/b.docx" and names["b.xlsx"] == "reports/b.docx"


def test_report_names_are_unique_after_shortening_and_normalising() -> None:
    composed, decomposed = "caf\u00e9.xlsx", unicodedata.normalize("NFD", "caf\u00e9.xlsx")  # one name on macOS
    files = [LONG + "1.xlsx", LONG + "2.xlsx", "con.xlsx", "CON.xlsm", composed, decomposed, "Lot 1/CON/return.xlsx"]
    names = report_names(files)
    keys = {unicodedata.normalize("NFC", n).casefold() for n in names.values()}
    assert len(keys) == len(files)
    for name in names.values():
        for part in name.split("/"):
            assert refused_by_some_system(part) is None, name
    assert names["Lot 1/CON/return.xlsx"] == "reports/Lot 1/CON_/return.docx"


@pytest.fixture
def odd_returns(tmp_path: Path) -> Path:
    """The sample returns with two renamed: a device name and a 240-character name."""
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    first, second = sorted(returns.glob("*.xlsx"))[:2]
    first.rename(returns / "Con.xlsx")
    second.rename(returns / (LONG + ".xlsx"))
    return returns


def test_batch_names_reports_and_summaries_safely(odd_returns: Path, tmp_path: Path) -> None:
    done = svexcel("batch", str(odd_returns), "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Con_.docx" in all_names(tmp_path / "out" / "reports")
    assert [n for n in all_names(tmp_path / "out") if refused_by_some_system(n)] == []


def test_panel_names_evaluator_workbooks_safely_and_keeps_the_names_inside(tmp_path: Path, framework: Framework) -> None:
    done = svexcel("panel", str(SAMPLES), "--evaluators", f"Con;{LONG};lpt1.x", "--out", "panel", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = sorted(all_names(tmp_path / "panel"))
    assert len(names) == 3 and [n for n in names if refused_by_some_system(n)] == []
    assert "Con_.xlsx" in names
    for name in names:
        fill_scores(tmp_path / "panel" / name, {})  # each evaluator declares, as they must before their marks count
    moderated = svexcel("moderate", "panel", "-o", "moderation.xlsx", cwd=tmp_path)
    assert moderated.returncode == 0, moderated.stderr
    assert f"evaluators Con; {LONG}; lpt1.x;" in moderated.stdout  # the full names, read back from inside the workbooks


def test_delivery_batch_names_reports_safely_and_keeps_the_reference_inside(tmp_path: Path, framework: Framework) -> None:
    deliveries = tmp_path / "deliveries"
    shutil.copytree(DELIVERY_SAMPLES, deliveries)
    winner = SAMPLES / "riverside-care-coop.xlsx"
    for reference in ("CON", LONG, "aux"):
        blank = blank_delivery(framework, winner, tmp_path / "blank.xlsx", reference=reference)
        fill_delivery(blank, deliveries / f"{reference[:10]}.xlsx", 2, complete(framework, blank, 2))
    done = svexcel("delivery", "batch", str(deliveries), "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    reports = sorted(all_names(tmp_path / "out" / "reports"))
    assert len(reports) == 6 and [n for n in reports if refused_by_some_system(n)] == []
    assert {"CON_.docx", "aux_.docx"} <= set(reports)
    long_report = next(p for p in (tmp_path / "out" / "reports").iterdir() if p.name.startswith("The Very"))
    assert LONG in "\n".join(p.text for p in Document(str(long_report)).paragraphs) + "".join(
        c.text for t in Document(str(long_report)).tables for row in t.rows for c in row.cells)
    summary = load_workbook(tmp_path / "out" / "delivery-summary.xlsx", read_only=True)
    assert LONG in {row[3] for row in summary["Contracts"].iter_rows(min_row=2, values_only=True)}
