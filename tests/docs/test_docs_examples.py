"""Every console example in the docs runs: each ``$ svexcel …`` line of a ``console`` block is run as a real command, in a
folder holding the shipped samples (tests/docs/sandbox.py), and what it prints must be the lines shown under it.

A page's examples run in order in one folder, so a later example may use what an earlier one wrote. In the lines
shown, ``…`` stands for any text within a line, and a line holding only ``…`` for any number of lines. Other ``$``
lines (``python3 run.py demo``) are shown to the reader but not run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from project import ROOT
from sandbox import make_sandbox

from svexcel.framework.model import Framework

DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "_build" not in p.parts)
FENCE = re.compile(r"^```console[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
ELLIPSIS = "…"


@dataclass
class Example:
    """One command of a console block, with the line it is on and the output shown under it."""

    line: int
    command: str
    shown: list[str]


def examples(text: str) -> list[Example]:
    """The ``$ svexcel …`` commands of every console block, in order."""
    found: list[Example] = []
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        current: Example | None = None
        lines = iter(enumerate(block.group(1).splitlines(), first))
        for number, line in lines:
            if line.startswith("$ "):
                command = line[2:]
                while command.endswith("\\"):
                    command = command[:-1] + next(lines)[1].strip()
                current = Example(number, command, []) if shlex.split(command, comments=True)[:1] == ["svexcel"] else None
                if current is not None:
                    found.append(current)
            elif current is not None:
                current.shown.append(line.rstrip())
    return found


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are the lines shown, ``…`` standing for any text (a line of ``…`` for any lines)."""
    patterns = [None if line.strip() == ELLIPSIS else re.compile(".*?".join(map(re.escape, line.split(ELLIPSIS))) + r"\Z")
                for line in shown]
    reach = {0}  # how many printed lines the patterns so far can have matched
    for pattern in patterns:
        if pattern is None:
            reach = set(range(min(reach), len(printed) + 1)) if reach else reach
        else:
            reach = {i + 1 for i in reach if i < len(printed) and pattern.match(printed[i])}
    return len(printed) in reach


def test_the_matching_follows_the_rules() -> None:
    assert matches(["a … c", "…", "z"], ["a b c", "x", "y", "z"]) and matches(["…"], [])
    assert not matches(["a … c"], ["a b d"]) and not matches(["a"], ["a", "b"]) and not matches(["a", "b"], ["a"])


def test_every_page_with_console_blocks_has_examples_that_run() -> None:
    pages = {page for page in PAGES if "```console" in (DOCS / page).read_text(encoding="utf-8")}
    assert pages and all(examples((DOCS / page).read_text(encoding="utf-8")) for page in pages)


@pytest.mark.parametrize("page", [p for p in PAGES if examples((DOCS / p).read_text(encoding="utf-8"))])
def test_console_examples_print_what_the_page_shows(page: str, tmp_path: Path, blank_return: Path, framework: Framework) -> None:
    folder = make_sandbox(tmp_path / "sandbox", blank_return, framework)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}  # standard error and output keep their order
    failures = []
    for example in examples((DOCS / page).read_text(encoding="utf-8")):
        args = shlex.split(example.command, comments=True)[1:]
        run = subprocess.run([sys.executable, "-m", "svexcel", *args], cwd=folder, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=600)
        printed = run.stdout.rstrip("\n").splitlines() if run.stdout.strip() else []
        shown = list(example.shown)
        while shown and not shown[-1]:
            shown.pop()
        if "Traceback" in run.stdout or (shown and not matches(shown, [line.rstrip() for line in printed])):
            failures.append(f"docs/{page}:{example.line}: $ {example.command}\n--- shown\n" + "\n".join(shown)
                            + "\n--- printed (exit code {})\n".format(run.returncode) + run.stdout)
    assert not failures, "\n\n".join(failures)
