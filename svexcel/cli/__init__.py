"""The ``svexcel`` command line: one click group over the library, with shared options and finding printing."""

from __future__ import annotations

try:
    import click  # noqa: F401
except ImportError:  # the core install (as xlwings Lite uses it) has the engine but not the command line
    raise SystemExit("The svexcel command needs the cli extra: pip install 'svexcel[cli]'.") from None

import os
import signal
import sys

EXIT_CODES_OF_SIGNALS = (128 + signal.SIGINT, 128 + signal.SIGTERM)


def run() -> None:
    """The ``svexcel`` program (console script and ``python -m svexcel``): the command line, which a signal ends at once.

    Until a command runs (while Python loads), and after it is done, Ctrl+C or SIGTERM ends the process quietly; while
    it runs, the command cleans up and says what happened (svexcel.run.interrupts). Once it has, the process leaves
    without waiting for threads of stopped worker pools."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _leave)
    from .main import main

    try:
        main(prog_name="svexcel")
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code in EXIT_CODES_OF_SIGNALS:
            _flush()
            os._exit(exc.code)
        raise


def _leave(signum: int, frame: object) -> None:
    """A signal outside a command's run: nothing is being written, so leave now."""
    print("\nInterrupted.", file=sys.stderr)
    _flush()
    os._exit(128 + signum)


def _flush() -> None:
    """Flush standard output and error before leaving without Python's own shutdown."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
