"""The documentation site builds with Sphinx with warnings as errors: every page in a table of contents, every internal
link and anchor found, every picture of a real output shown, and the reference pages generated from the code."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from project import ROOT

from svexcel.cli.main import main
from svexcel.delivery.settings import SETTING_NOTES as DELIVERY_SETTINGS
from svexcel.framework.model import SETTING_NOTES

DOCS = ROOT / "docs"


def sphinx(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Build ``source`` with docs/conf.py: a fresh environment, every warning an error, no network."""
    return subprocess.run([sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html", "-c", str(DOCS),
                           str(source), str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = sphinx(DOCS, out)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    return out


def page_text(site: Path, page: str) -> str:
    """A built page's text, without tags."""
    html = (site / page).read_text(encoding="utf-8")
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_page_is_built(site: Path) -> None:
    pages = {p.relative_to(DOCS).with_suffix(".html").as_posix() for p in DOCS.rglob("*.md") if "_build" not in p.parts}
    assert pages and all((site / page).exists() for page in pages)


def test_every_picture_of_a_real_output_is_shown(site: Path) -> None:
    shown = {p.name for p in (site / "_images").iterdir()}
    assert {p.name for p in DOCS.glob("*.png")} <= shown


def test_the_reference_is_generated_from_the_code(site: Path) -> None:
    cli = page_text(site, "reference/cli.html")
    commands = [name for name in main.commands if name != "delivery"] + [f"delivery {n}" for n in main.commands["delivery"].commands]  # type: ignore[attr-defined]
    for command in commands:
        assert f"svexcel {command}" in cli, command
    settings = page_text(site, "reference/settings.html")
    assert all(key in settings for key in [*SETTING_NOTES, *DELIVERY_SETTINGS])
    formats = page_text(site, "reference/file-formats.html")
    assert "Dashboard" in formats and "_svexcel" in formats and '"points"' in formats and '"rating"' in formats
    architecture = page_text(site, "guides/developers.html")
    assert "svexcel.word.accessibility" in architecture and "Bands: each imports only from the bands below it" in architecture
    assert "accessibility-contrast" in page_text(site, "findings.html")


def test_a_broken_link_or_anchor_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.md").write_text("# Home\n\n```{toctree}\nother\n```\n\n[a page](missing.md), [an anchor](other.md#no-such-heading)\n")
    (tmp_path / "src" / "other.md").write_text("# Other\n\n## A heading\n\n[fine](#a-heading)\n")
    result = sphinx(tmp_path / "src", tmp_path / "out")
    assert result.returncode != 0
    assert "'missing.md'" in result.stderr and "'no-such-heading'" in result.stderr and "'a-heading'" not in result.stderr
