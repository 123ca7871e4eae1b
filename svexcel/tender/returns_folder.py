"""A folder of returns: every file in it and its subfolders, each read into a Return that never raises.

Every file counts (SPEC §4: every input accounted for): a workbook that cannot be a return (.ods, .xls,
.csv, anything else), a broken link, a subfolder that cannot be opened or a file whose name Excel and Word
cannot hold becomes a rejected Return whose finding says how to fix it.
Only Excel's lock files (``~$…``) and hidden files and folders are skipped, and named in a note.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import replace
from pathlib import Path

from ..core.findings import Finding
from ..core.text import shown_safe
from ..framework.model import Framework
from .return_reader import Return, read_return

RETURN_SUFFIXES = (".xlsx", ".xlsm")
RESAVE_SUFFIXES = (".xls", ".xlsb", ".ods", ".fods", ".numbers", ".csv", ".tsv", ".xltx", ".xltm")
BAD_NAME = ("bad-file-name", "was not read: its name has characters Excel and Word cannot hold (shown as \ufffd). "
            "Rename the file (or its folder) and run again.")
BUG_REPORT = "This is a bug in svexcel, not a problem with the return: please report it with svexcel.log from the output folder."


def _skipped(name: str) -> bool:
    """Excel lock files and hidden files are not inputs."""
    return name.startswith(("~$", "."))


def find_returns(folder: Path) -> list[Path]:
    """Every file under ``folder`` (subfolders too, broken links included) in order of its name, without
    Excel lock files and hidden files or folders. Links to folders and subfolders that cannot be opened are
    listed, not followed."""
    found: list[Path] = []

    def unopened(error: OSError) -> None:
        if error.filename is not None and Path(error.filename) != folder:
            found.append(Path(error.filename))

    for root, dirs, files in os.walk(folder, onerror=unopened):
        here = Path(root)
        dirs[:] = [d for d in dirs if not _skipped(d) and not (here / d).is_symlink()]
        found += [here / d for d in os.listdir(here) if (here / d).is_symlink() and (here / d).is_dir() and not _skipped(d)]
        found += [here / f for f in files if not _skipped(f)]
    return sorted(found, key=lambda p: return_name(p, folder))


def skipped_files(folder: Path) -> list[str]:
    """The names of lock files and hidden files and folders under ``folder`` that were left out."""
    skipped: list[str] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        skipped += [return_name(here / d, folder) + "/" for d in dirs if _skipped(d)]
        skipped += [return_name(here / f, folder) for f in files if _skipped(f)]
        dirs[:] = [d for d in dirs if not _skipped(d)]
    return sorted(skipped)


def return_name(path: Path, folder: Path) -> str:
    """A return's name in every output: its path relative to the returns folder, with forward slashes; a character
    no output can hold (a control character, a byte that is not UTF-8) is shown as U+FFFD."""
    return shown_safe(path.relative_to(folder).as_posix())


def read_file(path: Path, folder: Path, framework: Framework) -> tuple[Return, str | None]:
    """One file of the folder as a Return, never raising: a file that cannot be a return, a broken link or a
    bug while reading gives a rejected Return. Also the traceback of a bug, for svexcel.log."""
    name = return_name(path, folder)
    problem = _not_a_return(path) if name == path.relative_to(folder).as_posix() else BAD_NAME
    if problem is not None:
        return Return(name, findings=[Finding(problem[0], "error", f"{name} {problem[1]}", name)]), None
    try:
        ret = read_return(path, framework)
    except Exception as exc:  # defence in depth: the reader reports bad content as findings
        message = f"svexcel failed while reading {name} ({type(exc).__name__}). {BUG_REPORT}"
        return Return(name, findings=[Finding("internal-error", "error", message, name)]), traceback.format_exc()
    return (renamed(ret, name) if ret.file != name else ret), None


def renamed(ret: Return, name: str) -> Return:
    """``ret`` known by ``name`` (its path within the returns folder), its findings too."""
    ret.findings = [replace(f, file=name) if f.file == ret.file else f for f in ret.findings]
    ret.file = name
    return ret


def _not_a_return(path: Path) -> tuple[str, str] | None:
    """Why a file cannot be read as a return (finding type, message), or None if it might be one."""
    suffix = path.suffix.lower()
    if path.is_dir() and not path.is_symlink():
        return "unreadable-folder", ("is a folder svexcel cannot open, so the returns in it were not read. Give yourself "
                                     "permission to open it (or move its returns out of it) and run again.")
    if path.is_symlink() and not path.exists():
        return "broken-link", ("is a link to a file that no longer exists. Put the return itself in the folder "
                               "(or remove the link) and run again.")
    if path.is_dir():
        return "folder-link", ("is a link to a folder, which svexcel does not follow. Copy the returns into the "
                               "returns folder itself and run again.")
    if suffix in RETURN_SUFFIXES:
        return None
    if suffix in RESAVE_SUFFIXES:
        return "not-xlsx", (f"is a {suffix} file, not an Excel workbook (.xlsx). If it is a return, open it in Excel "
                            "or LibreOffice, save it as an Excel Workbook (.xlsx) and run again; otherwise move it out of the returns folder.")
    return "not-a-return", ("is not a return: returns are Excel workbooks (.xlsx or .xlsm) made from the svexcel template. "
                            "If it is a return saved in another format, save it as .xlsx; otherwise move it out of the returns folder.")
