"""The code checks CI relies on: ruff (including B905, import order, complexity), mypy on the package, the bands and
cycles import-linter enforces, and no private name imported from another package."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from project import ROOT


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


def test_the_bands_hold_and_no_import_runs_in_a_cycle() -> None:
    # pyproject.toml [tool.importlinter]: core < xlsx < run < word|excel < framework < tender < panel|delivery < cli
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def private_imports(root: Path) -> list[str]:
    """Each ``from M import _name`` in a package module where M is another package's module (or the package above)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if not source.startswith("svexcel"):
                continue
            source_package = source.rsplit(".", 1)[0] if source not in {package} else source
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and source_package != package:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} imports {alias.name} from {source}")
    return found


def test_no_module_imports_a_private_name_of_another_package() -> None:
    assert private_imports(ROOT / "svexcel") == []
