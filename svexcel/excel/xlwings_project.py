"""The xlwings parts of the live workbook: its VBA project and the Python interpreter it names (xlwings.conf).

The workbook starts from xlwings' own standalone quickstart workbook, so the VBA
module it carries is the one of the installed xlwings, which loads
``xlwings64-<version>.dll`` from the Python environment named in
``Interpreter_Win``. pyproject pins xlwings to one version so that the building
environment and the officer's environment carry the same DLL. The quickstart's
sample macro (``Module1.SampleCall``) is removed: the project holds the xlwings
module, its Dictionary class and the document modules only.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import zipfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .vba import Streams, module_sources, read_streams, remove_module, write_streams

VBA_PART = "xl/vbaProject.bin"
QUICKSTART_MODULES = ("Module1",)  # the sample macro SampleCall, which fails outside the quickstart


def xlwings_folder() -> Path:
    """The installed xlwings package's folder (found without importing xlwings, which loads pandas)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("xlwings is not installed; install svexcel with pip to build the live workbook.")
    return Path(spec.origin).parent


def quickstart_workbook() -> Path:
    """The workbook ``xlwings quickstart --standalone`` copies: xlwings' VBA module and a config sheet."""
    return xlwings_folder() / "quickstart_standalone.xlsm"


@lru_cache(maxsize=1)
def vba_project() -> bytes:
    """The live workbook's ``vbaProject.bin``: the installed xlwings' project without the quickstart's sample macro."""
    with zipfile.ZipFile(quickstart_workbook()) as z:
        streams = read_streams(z.read(VBA_PART))
    for name in QUICKSTART_MODULES:
        streams = remove_module(streams, name)
    check_xlwings_version(streams)
    return write_streams(streams)


def declared_xlwings_version(streams: Streams) -> str:
    """The xlwings version whose DLL the project's xlwings module loads (``xlwings64-<version>.dll``)."""
    found = set(re.findall(r"xlwings(?:32|64)-([0-9][^\"]*)\.dll", module_sources(streams).get("xlwings", "")))
    if len(found) != 1:
        raise ValueError(f"The xlwings VBA module names {len(found)} DLL versions ({', '.join(sorted(found))}); expected one.")
    return found.pop()


def check_xlwings_version(streams: Streams) -> None:
    """Refuse a VBA project whose DLL version is not the installed xlwings' (Excel would fail to load the DLL)."""
    declared, installed = declared_xlwings_version(streams), version("xlwings")
    if declared != installed:
        raise ValueError(f"The xlwings VBA loads xlwings64-{declared}.dll but xlwings {installed} is installed: "
                         "reinstall xlwings at the version pinned in pyproject.toml.")


def use_vba_project(wb: Workbook, project: bytes) -> None:
    """Make ``wb`` (loaded with keep_vba) save ``project`` as its VBA project."""
    archive = zipfile.ZipFile(io.BytesIO(), "a", zipfile.ZIP_DEFLATED)
    old = wb.vba_archive
    for name in old.namelist():
        archive.writestr(name, project if name == VBA_PART else old.read(name))
    wb.vba_archive = archive


def interpreter_win() -> str:
    """What ``Interpreter_Win`` should say: this Python when built on Windows, else xlwings' default ``python``."""
    return sys.executable if sys.platform == "win32" and sys.executable else "python"


def set_interpreter(conf: Worksheet) -> str:
    """Fill ``Interpreter_Win`` on the xlwings.conf sheet (see ``interpreter_win``); returns what it wrote."""
    for row in conf.iter_rows(min_col=1, max_col=2):
        if row[0].value == "Interpreter_Win":
            row[1].value = interpreter_win()
            return str(row[1].value)
    raise ValueError(f"The {conf.title} sheet has no Interpreter_Win row.")
