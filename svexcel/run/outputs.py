"""Output folders (SPEC §8), written whole: the old complete set or the new one, never a mix, never a user's file lost.

A run writes into a new hidden folder beside OUT (``.OUT.svexcel-….new``); only when every output is written does it
take OUT's place (old set moved aside, new set renamed in, old set deleted), with a list of every file in it and its
SHA-256 (``.svexcel.json``). A rerun refuses, before anything is done, an OUT holding anything that list does
not name as it was written, at any depth: a user's own file, or an output changed since. On any failure or interrupt
the hidden folder is removed and OUT is untouched. Renames are in one folder, so on Windows a file held open (a
summary in Excel) stops the swap before anything changes. ``adding`` puts a set of new files into a folder instead,
all or none, never over an existing file (the panel's evaluator workbooks).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from .interrupts import interrupts_raised, mark_written, signal_held, signals_deferred

MANIFEST = ".svexcel.json"
SHOWN = 5  # foreign files named in a refusal


class OutputError(Exception):
    """An output cannot be written or the output folder cannot be replaced; the message names it."""


@contextmanager
def replacing(out: Path, keep: Sequence[str] = ()) -> Iterator[Path]:
    """A new hidden folder to write a complete output set in, which takes ``out``'s place when the block succeeds (it is
    removed, and ``out`` untouched, when the block fails). ``out`` may hold, besides svexcel's outputs, the entries
    named in ``keep``: they are copied into the new set (the demo keeps its panel this way)."""
    with interrupts_raised(), _staged(out, keep) as stage:
        yield stage
        _carry_over(out, stage, keep)
        _write_manifest(stage)
        _swap(stage, out, keep)


@contextmanager
def adding(out: Path) -> Iterator[Path]:
    """A new hidden folder to write new files in, which are moved into ``out`` (made if need be) when the block succeeds:
    all or none, and never over a file already there."""
    with interrupts_raised(), _staged(out, refuse=False) as stage:
        yield stage
        if not out.exists():
            _swap(stage, out)
            return
        with signals_deferred():
            _move_in(stage, out)
            shutil.rmtree(stage, ignore_errors=True)


def check_replaceable(out: Path, keep: Sequence[str] = ()) -> None:
    """Refuse an ``out`` that cannot be replaced as a whole: a file, a folder holding anything svexcel did not write
    there (at any depth) besides ``keep``, a read-only folder, or a file held open."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder; choose another --out folder.")
    foreign = _foreign(out, keep)
    if foreign:
        unlisted = not (out / MANIFEST).is_file()
        why = ("svexcel keeps a list of what it writes in an output folder and this folder has none (it was not written by "
               "svexcel, or by an older version)") if unlisted else "they are not outputs as svexcel wrote them"
        shown = ", ".join(foreign[:SHOWN]) + (f" and {len(foreign) - SHOWN} more" if len(foreign) > SHOWN else "")
        raise OutputError(f"{out} holds files that are not svexcel outputs ({shown}): {why}. It is replaced as a whole on "
                          "every run, so move out what you want to keep (or delete the folder), or choose a new --out folder. "
                          "Nothing was changed.")
    _check_deletable(out)


@contextmanager
def _staged(out: Path, keep: Sequence[str] = (), refuse: bool = True) -> Iterator[Path]:
    """A new hidden folder beside ``out``, removed if the block fails; first, refuse an ``out`` that cannot be replaced."""
    if refuse:
        check_replaceable(out, keep)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = out.parent / f".{out.name}.svexcel-{secrets.token_hex(4)}.new"
        stage.mkdir()
    except OSError as exc:
        raise OutputError(f"Cannot write outputs beside {out}: {_reason(exc)}. Choose an --out folder you can write to.") from exc
    try:
        yield stage
    except BaseException:
        with signals_deferred():
            shutil.rmtree(stage, ignore_errors=True)
        raise


def _carry_over(out: Path, stage: Path, keep: Sequence[str]) -> None:
    """Copy the entries of ``out`` named in ``keep`` into the new set (copied, so a failure loses nothing)."""
    for name in keep:
        source, target = out / name, stage / name
        try:
            if source.is_dir():
                shutil.copytree(source, target)
            elif source.exists():
                shutil.copy2(source, target)
        except OSError as exc:
            raise OutputError(f"Cannot keep {source} in the new outputs: {_reason(exc)}.") from exc


def _write_manifest(stage: Path) -> None:
    """List every file of the new set with its SHA-256, so a rerun can tell them from anything put there since."""
    listed = {name: _sha256(stage / name) for name in sorted(_names(stage))}
    (stage / MANIFEST).write_text(json.dumps({"files": listed}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _swap(stage: Path, out: Path, keep: Sequence[str] = ()) -> None:
    """Put the complete set in ``stage`` in ``out``'s place, with signals deferred: unless one came before the new set is
    renamed in, old set aside, new set in, old set deleted; a failure at any step puts the old set back."""
    with signals_deferred():
        if out.exists():
            check_replaceable(out, keep)  # again: it may have changed during the run
        if signal_held():
            return  # the signal is raised as the block ends; the caller removes the stage
        if not out.exists():
            _rename(stage, out, out)
            mark_written(out)
            return
        old = out.parent / f".{out.name}.svexcel-{secrets.token_hex(4)}.old"
        _rename(out, old, out)
        try:
            _rename(stage, out, out)
        except BaseException:
            os.rename(old, out)
            raise
        mark_written(out)
        shutil.rmtree(old, ignore_errors=True)


def _move_in(stage: Path, out: Path) -> None:
    """Move each entry of ``stage`` into ``out``, none over an existing one; on a failure, take back those moved."""
    if signal_held():
        return  # the signal is raised as the deferred block ends; the caller removes the stage
    moved: list[Path] = []
    try:
        for entry in sorted(stage.iterdir()):
            target = out / entry.name
            if target.exists():
                raise OutputError(f"{target} appeared while svexcel was writing; nothing was added to {out}.")
            _rename(entry, target, target)
            moved.append(target)
    except BaseException:
        for target in moved:
            os.rename(target, stage / target.name)
        raise
    for target in moved:
        mark_written(target)


def _foreign(out: Path, keep: Sequence[str]) -> list[str]:
    """Files under ``out`` that svexcel did not write there as they are now (lock, hidden and ``keep`` entries aside)."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        listed = {}
    found = [name + (" (changed since svexcel wrote it)" if name in listed else "")
             for name in _names(out) if name.split("/", 1)[0] not in keep and listed.get(name) != _sha256(out / name)]
    return sorted(found)


def _names(folder: Path) -> Iterator[str]:
    """The path within ``folder`` of every file (and link) under it, lock and hidden files and folders aside."""
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = [d for d in dirs if not d.startswith(("~$", "."))]
        links = [d for d in dirs if (here / d).is_symlink()]
        yield from ((here / name).relative_to(folder).as_posix() for name in [*files, *links] if not name.startswith(("~$", ".")))


def _sha256(path: Path) -> str:
    """A file's SHA-256 (an unreadable file or a link to a folder has none, so it is never taken for an output)."""
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return ""


def _rename(source: Path, target: Path, named: Path) -> None:
    """os.rename, with a message naming what holds ``named`` if it fails."""
    try:
        os.rename(source, target)
    except OSError as exc:
        locked = _locked_files(named) if named.exists() else []
        held = f" {locked[0]} is open in another program; close it and run again." if locked else ""
        raise OutputError(f"Cannot replace {named}: {_reason(exc)}.{held} The previous outputs are unchanged.") from exc


def _check_deletable(out: Path) -> None:
    """The old set must be deletable once moved aside: every folder in it writable, no file held open."""
    for folder in [out, *(p for p in out.rglob("*") if p.is_dir() and not p.is_symlink())]:
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{folder} is read-only, so its old outputs cannot be replaced. Make it writable or choose "
                              "another --out folder. The previous outputs are unchanged.")
    locked = _locked_files(out)
    if locked:
        raise OutputError(f"{locked[0]} is open in another program; close it and run again. The previous outputs are unchanged.")


def _locked_files(out: Path) -> list[Path]:
    """Outputs held open by another program: on Windows (Excel, Word) they cannot be opened for writing.
    Elsewhere an open file never stops a rename, so none counts."""
    if sys.platform != "win32":
        return []
    found: list[Path] = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and not p.is_symlink()):
        try:
            with path.open("r+b"):
                pass
        except PermissionError:
            found.append(path)
    return found


def _reason(exc: OSError) -> str:
    """An OSError as a short reason naming the file."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"
