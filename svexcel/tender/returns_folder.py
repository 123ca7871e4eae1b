"""A folder of returns: every input of it (svexcel.run.inputs) read into a Return that never raises.

Every file counts (SPEC §4 and §8: every input accounted for): a file that cannot be a return (.ods, .xls, .csv,
anything else), a broken link, a subfolder that cannot be opened or a file whose name Excel and Word cannot hold
becomes a rejected Return whose finding says how to fix it.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from ..core.findings import Finding
from ..framework.model import Framework
from ..run.inputs import Input, InputFolder, Kind, input_folder, renamed
from .return_reader import Return, read_return

RETURNS = Kind("return", "returns", "not-a-return", "returns are Excel workbooks (.xlsx or .xlsm) made from the svexcel template")
BUG_REPORT = "This is a bug in svexcel, not a problem with the return: please report it with svexcel.log from the output folder."


def returns_in(folder: Path, exclude: Path | None = None) -> InputFolder:
    """Every input of a returns folder (``exclude``, a workbook kept there, left out)."""
    return input_folder(folder, RETURNS, exclude)


def read_file(item: Input, framework: Framework) -> tuple[Return, str | None]:
    """One input as a Return, never raising: a file that cannot be a return, a broken link or a bug while reading
    gives a rejected Return. Also the traceback of a bug, for svexcel.log."""
    if item.problem is not None:
        return Return(item.name, findings=[item.problem]), None
    try:
        ret = read_return(item.path, framework)
    except Exception as exc:  # defence in depth: the reader reports bad content as findings
        message = f"svexcel failed while reading {item.name} ({type(exc).__name__}). {BUG_REPORT}"
        return Return(item.name, findings=[Finding("internal-error", "error", message, item.name)]), traceback.format_exc()
    return renamed(ret, item.name), None
