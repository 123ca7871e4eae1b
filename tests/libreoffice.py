"""Drive headless LibreOffice: recalculate workbooks and turn documents into PDF (see TOOLCHAIN notes in the README)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# A fresh profile that recalculates every formula on load: LibreOffice otherwise keeps stale cached values.
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """Path of the soffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# The test being run (set by conftest), so a test that drives LibreOffice without its marker fails at once.
current_test: list[pytest.Item] = []


def require_soffice() -> str:
    """The soffice binary; skip the test without it locally, fail in CI where it must be installed."""
    if current_test and current_test[-1].get_closest_marker("libreoffice") is None:
        pytest.fail(f"{current_test[-1].nodeid} drives LibreOffice: mark it @pytest.mark.libreoffice, so the fast tier "
                    "(pytest -m 'not libreoffice') leaves it out")
    binary = soffice()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI; .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return binary


def convert(files: list[Path], to: str, outdir: Path) -> list[Path]:
    """Convert ``files`` in one soffice call (``to`` is e.g. 'xlsx' or 'pdf'), recalculating on load."""
    binary = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_PROFILE)
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", to, "--outdir", str(outdir), *map(str, files)],
            capture_output=True, text=True, timeout=300,
        )
    outputs = [outdir / f"{Path(f).stem}.{to.split(':')[0]}" for f in files]
    missing = [p for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not produce {missing}: {result.stdout} {result.stderr}")
    return outputs


def pdf_text(pdf: Path) -> str:
    """The text of a PDF, via poppler's pdftotext."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is required in CI; .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# --- editing a workbook as an officer would, in LibreOffice itself ------------------------------------------------
# Debian's LibreOffice has no Python of its own (pyuno is a separate package), but its Basic runs headless: this
# module, installed in the fresh profile, reads a list of steps and does each through the spreadsheet's own API.
# Rows.insertByIndex / removeByIndex are what Insert Rows / Delete Rows do: every reference and defined name moves
# as Calc moves it (a range starting at the inserted row shifts, one spanning it grows, one ending above it stays;
# the profile keeps "expand references" off, Calc's default and Excel's behaviour).
EDIT_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Edit" script:language="StarBasic">
Function Target(doc As Object, name As String) As Object
  Dim sheet As Object
  sheet = doc.Sheets.getByName(name)
  sheet.unprotect("")
  Target = sheet
End Function

Sub Run(steps As String)
  Dim f As Integer, text As String, p As Variant, doc As Object, cell As Object, key As Long
  Dim hidden(0) As New com.sun.star.beans.PropertyValue
  Dim filter(0) As New com.sun.star.beans.PropertyValue
  Dim loc As New com.sun.star.lang.Locale
  hidden(0).Name = "Hidden" : hidden(0).Value = True
  filter(0).Name = "FilterName" : filter(0).Value = "Calc MS Excel 2007 XML"
  f = FreeFile
  Open ConvertToURL(steps) For Input As #f
  Do While Not EOF(f)
    Line Input #f, text
    p = Split(text, Chr(9))
    Select Case p(0)
      Case "open"
        doc = StarDesktop.loadComponentFromURL(ConvertToURL(p(1)), "_blank", 0, hidden())
      Case "insert"
        Target(doc, p(1)).Rows.insertByIndex(CLng(p(2)) - 1, CLng(p(3)))
      Case "delete"
        Target(doc, p(1)).Rows.removeByIndex(CLng(p(2)) - 1, CLng(p(3)))
      Case "number"
        Target(doc, p(1)).getCellRangeByName(p(2)).Value = Val(p(3))
      Case "text"
        Target(doc, p(1)).getCellRangeByName(p(2)).String = p(3)
      Case "clear"
        Target(doc, p(1)).getCellRangeByName(p(2)).clearContents(1 + 2 + 4 + 16)
      Case "format"
        cell = Target(doc, p(1)).getCellRangeByName(p(2))
        key = doc.NumberFormats.queryKey(p(3), loc, False)
        If key = -1 Then key = doc.NumberFormats.addNew(p(3), loc)
        cell.NumberFormat = key
      Case "save"
        doc.calculateAll()
        doc.storeToURL(ConvertToURL(p(1)), filter())
        doc.close(True)
    End Select
  Loop
  Close #f
End Sub
</script:module>
"""
LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
{elements}</library:library>
"""
NO_EXPANDING_REFERENCES = """<item oor:path="/org.openoffice.Office.Calc/Input"><prop oor:name="ExpandRefs" oor:op="fuse"><value>false</value></prop></item>
</oor:items>"""
# One step: ("insert", sheet, row, count) inserts ``count`` rows above ``row`` (1-based) as Insert Rows Above does;
# ("delete", sheet, row, count); ("number", sheet, cell, value); ("text", sheet, cell, text); ("clear", sheet, cell);
# ("format", sheet, cell, number format code), e.g. "0%".
Step = tuple[object, ...]


def edit(jobs: dict[Path, list[Step]], outdir: Path) -> dict[Path, Path]:
    """Make each workbook's steps in LibreOffice (sheets unprotected as an officer would), recalculate and save it as
    ``outdir/<stem>.xlsx``: one soffice call for all. The saved file holds what Calc made of the edits: moved
    references and names, and every formula's value."""
    binary = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    saved = {path: outdir / f"{path.stem}.xlsx" for path in jobs}
    lines = []
    for path, steps in jobs.items():
        lines.append(f"open\t{path.resolve()}")
        lines += ["\t".join(map(str, step)) for step in steps]
        lines.append(f"save\t{saved[path].resolve()}")
    if any(not line.isascii() or line.count("\n") for line in lines):
        raise ValueError("steps must be single lines of ASCII text (Basic reads the file in the system encoding)")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        start = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
        subprocess.run([*start, "--terminate_after_init"], capture_output=True, timeout=120)  # a new profile's first
        user = Path(profile) / "user"  # start lays out its Basic libraries: add the module after it
        library = user / "basic" / "Standard"
        registry = user / "registrymodifications.xcu"
        registry.write_text(registry.read_text().replace("</oor:items>", NO_EXPANDING_REFERENCES))
        (library / "Edit.xba").write_text(EDIT_MODULE)
        (library / "script.xlb").write_text(LIBRARY.format(elements=' <library:element library:name="Edit"/>\n'))
        steps = Path(profile) / "steps.txt"
        steps.write_text("\n".join(lines) + "\n")
        result = subprocess.run([*start, f"macro:///Standard.Edit.Run(\"{steps}\")"], capture_output=True, text=True, timeout=600)
    missing = [p for p in saved.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not save {missing}: {result.stdout} {result.stderr}")
    return saved
