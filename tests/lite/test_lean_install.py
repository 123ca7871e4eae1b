"""The lean core install, as xlwings Lite has it: the engine, the readers and the Lite code load without the command
line's, the Word stack's or any compiled package, and still tell an encrypted workbook from an old .xls."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from svexcel.framework.model import Framework
from svexcel.tender.return_reader import read_return

BLOCKED = ("click", "tqdm", "msoffcrypto", "xlsxwriter_never", "lxml", "PIL", "docx", "docxtpl", "jinja2", "markupsafe",
           "numpy", "pandas", "cryptography")
PROBE = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError("blocked " + name, name=name)
sys.meta_path.insert(0, Block())
import os; os.environ.pop("XLWINGS_ON_SERVER", None)
import svexcel_lite, svexcel.tender.live.macros, svexcel.tender.live.workbook, svexcel.tender.return_reader, svexcel.tender.scoring
print(sorted(m for m in sys.modules if m.split(".")[0] in {BLOCKED!r}))
"""


def test_the_lite_path_imports_without_the_cli_word_or_compiled_packages() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_an_encrypted_workbook_is_told_apart_without_msoffcrypto(blank_return: Path, framework: Framework, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import msoffcrypto.format.ooxml

    encrypted = tmp_path / "locked.xlsx"
    with blank_return.open("rb") as src, encrypted.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("secret", out)
    old_xls = tmp_path / "old.xlsx"
    old_xls.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    monkeypatch.setitem(sys.modules, "msoffcrypto", None)  # as in the lean install: importing it fails
    assert [f.type for f in read_return(encrypted, framework).findings] == ["password-protected"]
    assert [f.type for f in read_return(old_xls, framework).findings] == ["not-xlsx"]


def test_the_command_says_which_extra_it_needs() -> None:
    """Without the cli extra, svexcel says how to get the command instead of a traceback."""
    probe = PROBE.split("import os")[0] + "import runpy; runpy.run_module('svexcel', run_name='__main__')"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 1 and run.stderr.strip() == "The svexcel command needs the cli extra: pip install 'svexcel[cli]'."
