"""The Lite edition's code run in Pyodide, the Python of xlwings Lite, under Node: offline, from local wheels.

CI installs the npm package and downloads the wheels (scripts/pyodide_setup.py); these tests do it themselves when
something is missing, and skip only where Node is absent, never in CI. xlwings' own Lite runtime needs a licence key,
so the adapter's functions and scripts are called directly, as the runtime would call them.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from builders import quality_of
from project import ROOT

from svexcel.core.paths import SAMPLE_QUALITY, SAMPLES
from svexcel.core.version import __version__
from svexcel.tender.live.actions import checks_refusal
from svexcel.tender.live.inputs import read_live_workbook
from svexcel.tender.live.lite import LITE_XLWINGS, PYODIDE_VERSION
from svexcel.tender.live.macros import WORD_STACK_MISSING
from svexcel.tender.live.workbook import build_from_folder

sys.path.insert(0, str(ROOT / "scripts"))
import pyodide_setup  # noqa: E402

# The engine and reading tests that run in Pyodide as they do here (none drives LibreOffice, Word or a subprocess).
PYODIDE_TESTS = ["core/test_text.py", "framework/test_framework.py", "framework/test_framework_changed.py",
                 "tender/test_scoring.py", "tender/test_quality.py", "tender/test_return_reader.py", "tender/test_cover_fields.py",
                 "tender/test_template.py"]  # test_fuzz_reading runs the batch, which loads the Word stack
NOT_IN_PYODIDE = ["tender/test_return_reader.py::test_password_protected"]  # encrypts its file with msoffcrypto (cli extra)
COMPILED = {"lxml", "PIL", "numpy", "pandas", "jinja2", "markupsafe", "cryptography"}


def node() -> str:
    """The node command; skips where there is none (never in CI)."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is not installed: CI must install it for the Pyodide tests")
        pytest.skip("node is not installed")
    return found


@pytest.fixture(scope="module")
def pyodide(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Everything run once in Pyodide: its result.json, with what the runner printed and how long it took."""
    runner = node()
    pyodide_setup.setup()
    host = tmp_path_factory.mktemp("pyodide")
    wheels = host / "wheels"
    shutil.copytree(pyodide_setup.WHEELS, wheels)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    shutil.copytree(ROOT / "tests", host / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SAMPLES, host / "returns")
    build_from_folder(None, host / "live.xlsx", SAMPLES, quality_of(SAMPLE_QUALITY), edition="lite")
    build_from_folder(None, host / "empty.xlsx", None, edition="lite")
    versions = {pin.split("==")[0]: pin.split("==")[1] for pin in pyodide_setup.pins() if not pin.startswith("micropip")}
    (host / "config.json").write_text(json.dumps({"versions": versions | {"svexcel": __version__}, "tests": PYODIDE_TESTS,
                                                     "deselect": NOT_IN_PYODIDE}))
    started = time.perf_counter()
    run = subprocess.run([runner, str(ROOT / "tests" / "lite" / "pyodide_run.mjs"), str(host), "/host/tests/lite/in_pyodide.py",
                          *map(str, sorted(wheels.glob("*.whl")))], cwd=ROOT, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    print(run.stdout[-3000:], run.stderr[-3000:], f"Pyodide run: {seconds:.1f} s", sep="\n")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {**json.loads((host / "result.json").read_text()), "stdout": run.stdout, "stderr": run.stderr, "seconds": seconds,
            "host": host}


def test_the_wheels_listed_are_the_wheels_installed(pyodide: dict[str, Any]) -> None:
    """(The runner asserts every installed version; here: the lean core asks for nothing Lite cannot have.)"""
    names = {req.split(">")[0].split("=")[0].split("<")[0].strip().lower() for req in pyodide["core_requirements"]}
    assert names == {"defusedxml", "olefile", "openpyxl", "xlsxwriter"}
    assert not names & {"xlwings", "click", "tqdm", "msoffcrypto-tool", "lxml", "pillow"}
    assert pyodide["python"].startswith("3.1") and pyodide["python"] >= "3.12"
    assert "installed 14 wheels" in pyodide["stderr"] or "installed 15 wheels" in pyodide["stderr"]


def test_the_lite_code_imports_without_compiled_packages(pyodide: dict[str, Any]) -> None:
    assert [m for m in pyodide["heavy_loaded"] if m.split(".")[0] in COMPILED | {"docx", "docxtpl", "tqdm", "click"}] == []


def test_sv_scores_in_pyodide_equals_the_engine(pyodide: dict[str, Any]) -> None:
    """Every sample return's points and theme scores to 1e-9; ranks exactly (see test_last_bits for why not exactly)."""
    inputs = read_live_workbook(pyodide["host"] / "live.xlsx")
    table = pyodide["scores"]
    header = table[0]
    assert header[:4] == ["File", "Organisation", "Points", "Rank"]
    assert len(table) - 1 == len(inputs.returns) == len(list(SAMPLES.glob("*.xlsx")))
    for row, ret, score in zip(table[1:], inputs.returns, inputs.scores(), strict=True):
        record = dict(zip(header, row, strict=True))
        assert record["File"] == ret.file and record["Rank"] == score.rank
        assert math.isclose(record["Points"], score.points, rel_tol=0, abs_tol=1e-9)
        for theme in inputs.framework.themes:
            assert math.isclose(record[theme.id], score.themes[theme.id].score, rel_tol=0, abs_tol=1e-9)
        assert math.isclose(record["Social value (£)"], score.assessment.total_sv, rel_tol=1e-12)
    assert [row[-1] for row in pyodide["scores_checked"][1:]] == ["Yes"] * len(inputs.returns)  # the cached formulas agree


def test_last_bits(pyodide: dict[str, Any]) -> None:
    """Where Pyodide (Python 3.12+) and this CPython differ, it is in the last bits only: sum() of floats is compensated
    (Neumaier) since 3.12, so a sum of theme contributions may round differently."""
    inputs = read_live_workbook(pyodide["host"] / "live.xlsx")
    engine = [[s.points, *(s.themes[t.id].score for t in inputs.framework.themes)] for s in inputs.scores()]
    theirs = [[row[2], *row[4:4 + len(inputs.framework.themes)]] for row in pyodide["scores"][1:]]
    differing = [(a, b) for r1, r2 in zip(engine, theirs, strict=True) for a, b in zip(r1, r2, strict=True) if a != b]
    print(f"{len(differing)} of {sum(map(len, engine))} figures differ in the last bits between CPython "
          f"{sys.version.split()[0]} and Pyodide's Python {pyodide['python']}")
    assert all(abs(a - b) <= 4 * math.ulp(max(abs(a), abs(b))) for a, b in differing)
    if sys.version_info >= (3, 12):
        assert differing == []


def test_explain_stability_and_findings_equal_the_classic_functions(pyodide: dict[str, Any]) -> None:
    import svexcel_live
    from excel_book import Book

    book = Book(pyodide["host"] / "live.xlsx")
    tables = [book.names[n].refers_to_range.options(ndim=2).value for n in
              ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ReturnsTable", "QualityTable")]
    for file, lines in pyodide["explain"].items():
        assert lines == svexcel_live.sv_explain(file, *tables)
    assert len(pyodide["explain"]) == 6
    assert pyodide["stability"] == svexcel_live.sv_stability(10, *tables)
    for name, table in pyodide["findings"].items():
        classic = svexcel_live.sv_findings(str(pyodide["host"] / "returns" / name), *tables[:4])
        assert table == classic, name
    assert pyodide["refused"] == svexcel_live.sv_scores(tables[0], [*tables[1][:1], [*tables[1][1][:3], "ten", *tables[1][1][4:]],
                                                                   *tables[1][2:]], *tables[2:])
    assert pyodide["refused"][0] == ["Cannot score: correct these cells first."]


def test_scripts_give_the_findings_and_points_of_batch(pyodide: dict[str, Any], tmp_path: Path) -> None:
    """import_returns then refresh_findings in Pyodide, against svexcel batch on the same files here."""
    out = tmp_path / "batch"
    subprocess.run([sys.executable, "-m", "svexcel", "batch", str(SAMPLES), "--out", str(out)], check=True, capture_output=True)
    results = json.loads((out / "results.json").read_text())["returns"]
    assert pyodide["import_status"].startswith(f"Imported {len(results)} return(s) from /data/returns")
    points = {row[0]: row[2] for row in pyodide["imported_scores"][1:]}
    assert points.keys() == {r["file"] for r in results if r["status"] == "scored"}
    for record in results:
        assert math.isclose(points[record["file"]], record["points"], rel_tol=0, abs_tol=1e-9), record["file"]
    batch_findings = sorted((r["file"], f["severity"], f["type"], f["sheet"] or None, f["cell"] or None, f["message"])
                            for r in results for f in r["findings"])
    listed = sorted(tuple(row) for row in pyodide["imported_findings"][1:] if row[0])
    unscored = [f for f in batch_findings if f[2] == "quality-unscored"]  # batch's note; the workbook shows Provisional
    assert len(unscored) == len(results)
    assert listed == [f for f in batch_findings if f[2] != "quality-unscored"]
    assert pyodide["refresh_status"] == f"Checked the returns in /data/returns: {len(pyodide['imported_findings']) - 1} finding(s) listed on Findings."


def test_make_reports_says_what_stands_in_without_the_word_stack(pyodide: dict[str, Any]) -> None:
    """Pyodide here has no lxml or Pillow (Pyodide's own repository is out of reach): nothing is written, and it says so."""
    status = pyodide["reports_status"]
    assert status.startswith("No reports written: the Word reports need ") and "svexcel batch" in status
    assert status == WORD_STACK_MISSING.format(module=status.split("need ")[1].split(",")[0])
    assert pyodide["reports_written"] == []


def test_make_reports_refuses_while_a_check_fails(pyodide: dict[str, Any]) -> None:
    """As the classic make_reports: a mark off the scale fails a check; a text weight cannot even be read."""
    from excel_book import Book

    from svexcel.framework.model import FrameworkError
    from svexcel.tender.live.functions import book_inputs

    book = Book(pyodide["host"] / "imported.xlsx")
    book.sheets["Quality"].ws["C2"] = 150
    assert pyodide["off_scale_status"] == checks_refusal(book_inputs(book).findings)
    assert pyodide["off_scale_status"].startswith("No reports written: the checks fail") and "Quality!C2" in pyodide["off_scale_status"]
    book.sheets["Themes"].ws["D2"] = "ten"
    with pytest.raises(FrameworkError) as refused:
        book_inputs(book)
    assert pyodide["refused_status"] == str(refused.value) and "Themes!D2" in pyodide["refused_status"]


def test_engine_and_reading_tests_pass_in_pyodide(pyodide: dict[str, Any]) -> None:
    passed = [line for line in pyodide["stdout"].splitlines() if " passed" in line and " in " in line]
    print(passed, f"pytest in Pyodide: {pyodide['pytest_seconds']:.1f} s")
    assert pyodide["pytest_exit"] == 0 and passed and "failed" not in passed[-1] and "error" not in passed[-1]


def test_the_pins_agree() -> None:
    """package.json pins the Pyodide the workbook names; the wheels list the xlwings its requirements.txt pins."""
    assert json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"] == PYODIDE_VERSION
    assert f"xlwings=={LITE_XLWINGS}" in pyodide_setup.pins()
