"""Write files so that a reader never sees a half-written one."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .interrupts import mark_written, signal_held, signals_deferred


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a hidden temporary path beside ``path``; rename it into place only if the block succeeds and no signal
    came meanwhile (SPEC §8: an interrupted command leaves the file as it was and no part file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        tmp.touch(exist_ok=False)
        yield tmp
        with signals_deferred():
            if not signal_held():
                os.replace(tmp, path)
                mark_written(path)
    except BaseException:
        with signals_deferred():
            tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
