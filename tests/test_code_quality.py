"""The code checks CI relies on: ruff (including B905, import order, complexity) and mypy on the package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    """Run a checker from this environment in the repository root."""
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_package() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_names_every_package_ci_installs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    packages = re.search(r"apt_packages=\(([^)]*)\)", ci)
    assert packages is not None
    line = next(line for line in (ROOT / "README.md").read_text().splitlines() if "sudo apt-get install" in line)
    assert set(packages[1].split()) <= set(line.strip("`").split())
