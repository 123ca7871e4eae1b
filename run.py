"""One-command entry points for a fresh checkout: each sets up its own virtual environment first.

    python3 run.py demo     score the shipped sample returns and write every output
    python3 run.py test     run the test suite
    python3 run.py bench    run the speed benchmarks and print their figures
    python3 run.py pyodide  fetch what the Pyodide tests need (npm pyodide, pure wheels); the tests fetch it when missing

Needs only Python 3.11+. The environment lives in .venv/ and is reinstalled when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".svexcel-installed"
COMMANDS = {
    "demo": ([str(BIN / "svexcel"), "demo"], "cli"),
    "test": ([str(PYTHON), "-m", "pytest"], "cli,test"),
    "bench": ([str(PYTHON), "benchmarks/run_all.py"], "cli,test,bench"),
    "pyodide": ([str(PYTHON), "scripts/pyodide_setup.py"], "cli,test"),
}


def ensure_environment(extras: str) -> None:
    """Create .venv and install svexcel (editable) with ``extras``, unless this pyproject already has them installed."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed: set[str] = set()
    if STAMP.exists():
        stamp_digest, _, stamp_extras = STAMP.read_text().partition("\n")
        installed = set(filter(None, stamp_extras.split(","))) if stamp_digest == digest else set()
        if stamp_digest == digest and set(filter(None, extras.split(","))) <= installed:
            return
    if sys.version_info < (3, 11):
        sys.exit(f"svexcel needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = sorted(installed | set(filter(None, extras.split(","))))
    target = f".[{','.join(wanted)}]" if wanted else "."
    print(f"Installing svexcel{target[1:]} into .venv (first run only) ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target], cwd=ROOT, check=True)
    STAMP.write_text(f"{digest}\n{','.join(wanted)}")


def main() -> None:
    """Set up, then run the named command with any further arguments."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    command, extras = COMMANDS[sys.argv[1]]
    ensure_environment(extras)
    sys.exit(subprocess.run([*command, *sys.argv[2:]], cwd=ROOT).returncode)


if __name__ == "__main__":
    main()
