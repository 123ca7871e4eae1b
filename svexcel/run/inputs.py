"""Input folders and input files (SPEC §8), listed the same way by every command.

Every file in a folder and its subfolders is an input, named by its path relative to the folder with forward
slashes (``lot-2/delivery.xlsx``) exactly as written, case included (``A.xlsx`` and ``a.xlsx`` are two inputs).
Only Excel's lock files (``~$…``) and hidden files and folders are skipped, and they are named in a note. An input
that cannot be read as its kind (an ``.ods``, ``.xls`` or ``.csv`` file, any other file, a broken link, a link to
a folder, a subfolder that cannot be opened, a name no output can hold) carries the finding that says how to fix
it; a phase's reader reads the others. A single file given as an option is checked by the same rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar

from ..core.findings import Finding
from ..core.text import shown_safe

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
RESAVE_SUFFIXES = (".xls", ".xlsb", ".ods", ".fods", ".numbers", ".csv", ".tsv", ".xltx", ".xltm")


@dataclass(frozen=True)
class Kind:
    """What a folder (or an option) holds, in the user's words, and the finding for a file that cannot be one."""

    noun: str  # "return"
    plural: str  # "returns"
    not_one: str  # the finding type for a file of another kind: "not-a-return"
    what: str  # what one is: "returns are Excel workbooks (.xlsx or .xlsm) made from the svexcel template"


WORKBOOK = Kind("workbook", "workbooks", "not-xlsx", "svexcel reads Excel workbooks (.xlsx or .xlsm)")


@dataclass(frozen=True)
class Input:
    """One input: where it is, its name in every output, and why it cannot be read as its kind (None: read it)."""

    path: Path
    name: str
    problem: Finding | None = None


@dataclass(frozen=True)
class InputFolder:
    """Every input of a folder in order of name, and the lock and hidden files left out."""

    folder: Path
    inputs: tuple[Input, ...]
    skipped: tuple[str, ...]

    def notes(self) -> list[str]:
        """A note naming the lock and hidden files left out, so none goes unnoticed."""
        if not self.skipped:
            return []
        return [f"skipped {len(self.skipped)} Excel lock or hidden file(s): {', '.join(self.skipped)}"]


class Named(Protocol):
    """Anything read from an input: known by its file name, with findings that name it."""

    file: str
    findings: list[Finding]


N = TypeVar("N", bound=Named)


def input_folder(folder: Path, kind: Kind, exclude: Path | None = None) -> InputFolder:
    """Every file under ``folder`` (subfolders too; broken links, links to folders and subfolders that cannot be opened
    included, as inputs with a problem) but ``exclude`` (a command's own output kept there), lock and hidden files."""
    found: list[Path] = []
    skipped: list[str] = []

    def unopened(error: OSError) -> None:
        if error.filename is not None and Path(error.filename) != folder:
            found.append(Path(error.filename))

    for root, dirs, files in os.walk(folder, onerror=unopened):
        here = Path(root)
        skipped += [_name(here / d, folder) + "/" for d in dirs if _skipped(d)]
        skipped += [_name(here / f, folder) for f in files if _skipped(f)]
        links = [d for d in dirs if not _skipped(d) and (here / d).is_symlink()]
        dirs[:] = [d for d in dirs if not _skipped(d) and d not in links]
        found += [here / d for d in links]
        found += [here / f for f in files if not _skipped(f)]
    skip = exclude.resolve() if exclude is not None else None
    inputs = (input_file(path, kind, _name(path, folder), folder) for path in found if skip is None or path.resolve() != skip)
    return InputFolder(folder, tuple(sorted(inputs, key=lambda i: i.name)), tuple(sorted(skipped)))


def input_file(path: Path, kind: Kind = WORKBOOK, name: str | None = None, folder: Path | None = None) -> Input:
    """One file as an input named ``name`` (default: its file name); ``folder`` is the input folder it is in, if any."""
    name = name if name is not None else shown_safe(path.name)
    raw = path.relative_to(folder).as_posix() if folder is not None else path.name
    problem = _problem(path, kind, folder is not None) if name == raw else _BAD_NAME
    return Input(path, name, None if problem is None else Finding(problem[0], "error", f"{name} {problem[1]}", name))


def renamed(item: N, name: str) -> N:
    """``item`` known by ``name`` (its path within the input folder), its findings too."""
    if item.file != name:
        item.findings = [replace(f, file=name) if f.file == item.file else f for f in item.findings]
        item.file = name
    return item


def _skipped(name: str) -> bool:
    """Excel lock files and hidden files are not inputs."""
    return name.startswith(("~$", "."))


def _name(path: Path, folder: Path) -> str:
    """An input's name in every output: its path relative to the folder, with forward slashes; a character no output
    can hold (a control character, a byte that is not UTF-8) is shown as U+FFFD."""
    return shown_safe(path.relative_to(folder).as_posix())


_BAD_NAME = ("bad-file-name", "was not read: its name has characters Excel and Word cannot hold (shown as \ufffd). "
             "Rename the file (or its folder) and run again.")


def _problem(path: Path, kind: Kind, in_folder: bool) -> tuple[str, str] | None:
    """Why a file cannot be read as ``kind`` (finding type, message after its name), or None if it might be one."""
    otherwise = f"; otherwise move it out of the {kind.plural} folder" if in_folder else ""
    if path.is_dir() and not path.is_symlink():
        return "unreadable-folder", (f"is a folder svexcel cannot open, so the {kind.plural} in it were not read. Give yourself "
                                     f"permission to open it (or move its {kind.plural} out of it) and run again.")
    if path.is_symlink() and not path.exists():
        return "broken-link", (f"is a link to a file that no longer exists. Put the {kind.noun} itself in the folder "
                               "(or remove the link) and run again.")
    if path.is_dir():
        return "folder-link", (f"is a link to a folder, which svexcel does not follow. Copy the {kind.plural} into the "
                               f"{kind.plural} folder itself and run again.")
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return None
    if suffix in RESAVE_SUFFIXES:
        return "not-xlsx", (f"is a {suffix} file, not an Excel workbook (.xlsx). If it is {_a(kind.noun)}, open it in Excel "
                            f"or LibreOffice, save it as an Excel Workbook (.xlsx) and run again{otherwise}.")
    return kind.not_one, (f"is not {_a(kind.noun)}: {kind.what}. If it is {_a(kind.noun)} saved in another format, save it "
                          f"as .xlsx{otherwise}.")


def _a(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
