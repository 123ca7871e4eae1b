"""Run inside Pyodide by tests/lite/test_pyodide.py (through pyodide_run.mjs): check what got installed, run svexcel's
Lite functions and scripts on workbooks built by CPython, and run the engine and reading tests; write
/host/result.json for the CPython side to compare with the engine."""

import importlib.metadata
import json
import shutil
import sys
import time
from pathlib import Path

from packaging.requirements import Requirement

HOST = Path("/host")
config = json.loads((HOST / "config.json").read_text())
result: dict = {"python": sys.version.split()[0]}

# 1. What micropip installed is what was listed (it can report success having loaded nothing).
installed = {name: importlib.metadata.version(name) for name in config["versions"]}
assert installed == config["versions"], installed
requires = [Requirement(r) for r in importlib.metadata.requires("svexcel") or []]
core = [r for r in requires if r.marker is None]
result["core_requirements"] = sorted(str(r) for r in core)
for req in core:
    assert req.specifier.contains(importlib.metadata.version(req.name), prereleases=True), req

# 2. The Lite code imports with no compiled package.
sys.path.insert(0, str(HOST / "udfs")) if config.get("udfs_from_host") else None
started = time.perf_counter()
import svexcel_lite  # noqa: E402

result["import_seconds"] = time.perf_counter() - started
heavy = {"lxml", "PIL", "numpy", "pandas", "jinja2", "markupsafe", "cryptography", "docx", "docxtpl", "tqdm", "click", "msoffcrypto"}
result["heavy_loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in heavy)

sys.path.insert(0, str(HOST / "tests"))
from excel_book import Book  # noqa: E402

INPUTS = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ReturnsTable", "QualityTable")


def tables(book: Book, names: tuple = INPUTS) -> list:
    return [book.names[n].refers_to_range.options(ndim=2).value for n in names]


# 3. The functions on the workbook built from the samples (returns in Lite's file area, /data/returns).
shutil.copytree(HOST / "returns", "/data/returns")
live = Book(HOST / "live.xlsx")
inputs = tables(live)
started = time.perf_counter()
scores = svexcel_lite.scores(*inputs)
result["scores_seconds"] = time.perf_counter() - started
result["scores"] = scores
result["scores_checked"] = svexcel_lite.scores(*inputs, tables(live, ("ScoresTable",))[0])
result["explain"] = {row[0]: svexcel_lite.explain(row[0], *inputs) for row in scores[1:]}
result["stability"] = svexcel_lite.stability(10, *inputs)
result["findings"] = {p.name: svexcel_lite.findings(f"returns/{p.name}", *inputs[:4]) for p in sorted(Path("/data/returns").iterdir())}
themes = [list(row) for row in inputs[1]]
themes[1][3] = "ten"
result["refused"] = svexcel_lite.scores(inputs[0], themes, *inputs[2:])

# 4. The scripts on a workbook built with no returns: import, refresh, then reports (refused while a check fails).
book = Book(HOST / "empty.xlsx")
started = time.perf_counter()
svexcel_lite.import_returns(book)
result["import_status"] = book.names["MacroStatus"].refers_to_range.value
svexcel_lite.refresh_findings(book)
result["script_seconds"] = time.perf_counter() - started
result["refresh_status"] = book.names["MacroStatus"].refers_to_range.value
result["imported_scores"] = svexcel_lite.scores(*tables(book))
result["imported_findings"] = tables(book, ("FindingsTable",))[0]
book.save(HOST / "imported.xlsx")
svexcel_lite.make_reports(book)
result["reports_status"] = book.names["MacroStatus"].refers_to_range.value
result["reports_written"] = sorted(str(p.relative_to("/data")) for p in Path("/data").rglob("*") if "reports" in p.parts)
book.sheets["Quality"].ws["C2"] = 150  # above the quality scale (0 to 100)
svexcel_lite.make_reports(book)
result["off_scale_status"] = book.names["MacroStatus"].refers_to_range.value
book.sheets["Themes"].ws["D2"] = "ten"
svexcel_lite.make_reports(book)
result["refused_status"] = book.names["MacroStatus"].refers_to_range.value

# 5. The engine and reading tests, as in CI.
if config["tests"]:
    import pytest

    started = time.perf_counter()
    code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:faulthandler", "--rootdir", str(HOST / "tests"),
                        *[str(HOST / "tests" / t) for t in config["tests"]],
                        "-k", " and ".join(f"not {t.split('::')[1]}" for t in config["deselect"]) or "True"])
    result["pytest_exit"] = int(code)
    result["pytest_seconds"] = time.perf_counter() - started

(HOST / "result.json").write_text(json.dumps(result, default=str))
print("in_pyodide: done")
