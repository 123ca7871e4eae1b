"""Fetch what the Pyodide tests (tests/lite) need, from the registries only: the npm pyodide package named in
package.json, and the pure-Python wheels listed in tests/lite/pyodide-wheels.txt (into .pyodide/wheels/).

    python scripts/pyodide_setup.py      # idempotent; .ci/run calls it, and the tests do when something is missing
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHEELS = ROOT / ".pyodide" / "wheels"
PINS = ROOT / "tests" / "lite" / "pyodide-wheels.txt"


def pins() -> list[str]:
    """The wheels Pyodide gets, as name==version lines."""
    return [line.split("#")[0].strip() for line in PINS.read_text().splitlines() if line.split("#")[0].strip()]


def setup() -> None:
    """Install the npm package and download the wheels, unless they are already there."""
    if not (ROOT / "node_modules" / "pyodide" / "pyodide.asm.wasm").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    wanted = pins()
    have = {p.name.split("-")[0].lower().replace("_", "-") for p in WHEELS.glob("*.whl")}
    if any(pin.split("==")[0].lower().replace("_", "-") not in have for pin in wanted):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                        "--only-binary=:all:", "--platform", "any", "--python-version", "3.14", "--implementation", "py",
                        "-d", str(WHEELS), *wanted], check=True)


if __name__ == "__main__":
    setup()
