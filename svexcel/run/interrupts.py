"""Ctrl+C (SIGINT) and SIGTERM at any moment end a run cleanly (SPEC §8).

Within ``interrupts_raised`` a signal raises Interrupted in the main thread, once: the run's clean-up (removing a
half-written output, stopping workers) then proceeds undisturbed by further signals, and the command exits 130
(SIGINT) or 143 (SIGTERM). Inside ``signals_deferred`` a signal waits until the block ends, so what the block does
(starting worker processes, renaming outputs into place) is done whole or not at all. Worker processes ignore
Ctrl+C (the terminal sends it to them too; their parent stops them) and die on SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by a signal; what it was writing is removed and what it would replace is unchanged."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process ended by it: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


@dataclass
class _State:
    """This process's signal handling: whether it is on, deferred, a signal held, the run stopping, what was written."""

    previous: dict[int, Any] = field(default_factory=dict)
    deferring: int = 0
    held: int | None = None
    stopping: bool = False
    written: list[Path] = field(default_factory=list)


_state = _State()


def _on_signal(signum: int, frame: object) -> None:
    """Raise Interrupted, hold the signal while deferred, or ignore it while the run is already stopping."""
    if _state.stopping:
        return
    if _state.deferring:
        _state.held = _state.held or signum
        return
    _state.stopping = True
    raise Interrupted(signum)


@contextmanager
def interrupts_raised() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into Interrupted in the main thread for the block (nested uses share the outermost)."""
    if threading.current_thread() is not threading.main_thread() or _state.previous:
        yield
        return
    try:
        _state.previous = {signum: signal.signal(signum, _on_signal) for signum in SIGNALS}
    except (ValueError, OSError):  # where signals cannot be handled (Pyodide in xlwings Lite), there are none to handle
        yield
        return
    try:
        yield
    finally:
        for signum, handler in _state.previous.items():
            signal.signal(signum, handler)
        _state.previous, _state.held, _state.stopping, _state.written = {}, None, False, []


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold a signal that comes during the block and raise it as the block ends, so the block is never cut short."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
        if not _state.deferring and _state.held is not None and not _state.stopping:
            signum, _state.held, _state.stopping = _state.held, None, True
            raise Interrupted(signum)


def signal_held() -> bool:
    """True when a signal came during the current deferred block: the block should give up what it is about to do."""
    return _state.held is not None or _state.stopping


def ignore_interrupts_in_worker() -> None:
    """In a worker process: Ctrl+C is for the parent to handle, SIGTERM (from the parent stopping it) ends it at once."""
    _state.previous, _state.deferring, _state.held, _state.stopping, _state.written = {}, 0, None, False, []
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def mark_written(path: Path) -> None:
    """Note an output put in its place, so an interrupt after it says so instead of claiming nothing changed."""
    if _state.previous:
        _state.written.append(path)


def written() -> list[Path]:
    """The outputs put in place in this run that are still there (files written into a removed staging folder are not)."""
    return [p for p in dict.fromkeys(_state.written) if p.exists()]
