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
