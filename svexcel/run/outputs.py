"""A batch's output folder, replaced as a whole: the old complete set or the new one, never a mix.

A run writes into a new hidden folder beside OUT; only when every output is written does it take OUT's
place (old set moved aside, new set renamed in, old set deleted). On any failure or interruption the
hidden folder is removed and OUT is untouched. Renames are os.replace/os.rename in one folder, so on
Windows a file held open (summary.xlsx in Excel) stops the swap before anything changes.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

OUTPUT_NAMES = frozenset({"results.json", "summary.xlsx", "comparison.docx", "reports", "assessment-summaries", "svexcel.log",
                          "live.xlsm", "delivery", "monitor.xlsm"})  # the last three written by svexcel demo
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class OutputError(Exception):
    """An output cannot be written or the output folder cannot be replaced; the message names it."""


def check_replaceable(out: Path, keep: Sequence[str] = ()) -> None:
    """Refuse an OUT that holds anything but svexcel outputs and the entries to ``keep`` (it is replaced as a
    whole), or cannot be replaced."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder; choose another --out folder.")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_NAMES | set(keep) and not p.name.startswith(("~$", ".")))
    if foreign:
        raise OutputError(f"{out} holds files that are not svexcel outputs ({', '.join(foreign[:5])}); it is replaced as a "
                          "whole on every run, so choose a new or empty --out folder, or move them out.")
    _check_deletable(out)


@contextmanager
def staged(out: Path, keep: Sequence[str] = ()) -> Iterator[Path]:
    """A new hidden folder beside ``out`` to write a complete output set in; removed if the block fails.
    ``out`` may hold the entries named in ``keep`` besides svexcel outputs (see carry_over)."""
    check_replaceable(out, keep)
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = parent / f".{out.name}.svexcel-{secrets.token_hex(4)}.new"
        stage.mkdir()
    except OSError as exc:
        raise OutputError(f"Cannot write outputs beside {out}: {_reason(exc)}. Choose an --out folder you can write to.") from exc
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def carry_over(out: Path, stage: Path, keep: Sequence[str]) -> None:
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


def replace_folder(stage: Path, out: Path) -> None:
    """Put the complete set in ``stage`` in ``out``'s place; on failure ``out`` is as it was and ``stage`` is removed."""
    with _signals_held():
        try:
            _swap(stage, out)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise


def _swap(stage: Path, out: Path) -> None:
    """Old set aside, new set in, old set deleted; a failure at any step puts the old set back."""
    if not out.exists():
        _rename(stage, out, out)
        return
    _check_deletable(out)  # again: it may have changed during the run
    old = out.parent / f".{out.name}.svexcel-{secrets.token_hex(4)}.old"
    _rename(out, old, out)
    try:
        _rename(stage, out, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


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


@contextmanager
def _signals_held() -> Iterator[None]:
    """Let Ctrl+C and SIGTERM wait for the few renames of a swap, so it completes or rolls back; a signal that
    came meanwhile is ignored if the swap completed (the run is done). Only the main thread handles signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: came.append(signum)) for signum in HELD_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
