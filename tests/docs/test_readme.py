"""The README is short, starts with the two quick-start commands, and every link and picture in it resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from project import README, ROOT

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub and MyST make it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a Markdown page, outside code blocks."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m[1]) for m in re.finditer(r"^#{1,6} +(.+)$", text, flags=re.M)}


def local_links(text: str) -> list[str]:
    """Every link or picture target that is a file of this repository (not a web address)."""
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def test_the_readme_is_at_most_15_kb() -> None:
    assert README.stat().st_size <= 15 * 1024


def test_the_quick_start_is_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "$ python3 run.py demo" in text and "$ python3 run.py test" in text


@pytest.mark.parametrize("target", local_links(README.read_text(encoding="utf-8")))
def test_every_link_in_the_readme_resolves(target: str) -> None:
    path, _, anchor = target.partition("#")
    page = (ROOT / path) if path else README
    assert page.is_file(), f"README links to {path}, which does not exist"
    if anchor:
        assert anchor in anchors(page), f"README links to #{anchor}, which is not a heading of {path or 'README.md'}"


def test_the_link_check_catches_a_missing_page_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# Score a folder of returns\n\n```console\n# not a heading\n```\n")
    assert anchors(tmp_path / "page.md") == {"score-a-folder-of-returns"}
    assert local_links("[a](docs/x.md#y) ![p](a.png) [web](https://example.org)") == ["docs/x.md#y", "a.png"]
