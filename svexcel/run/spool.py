"""Items parked on disk between two phases of a run (reading, then reporting), so memory stays flat however many
there are; each process appends to a file of its own and any process can fetch any item."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import IO, Any


class Spool:
    """Items parked on disk between reading and reporting; each process appends to a file of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pid = os.getpid()
        self.writer: IO[bytes] | None = None
        self.readers: dict[str, IO[bytes]] = {}

    def park(self, item: object) -> tuple[str, int]:
        """Append ``item``; where to fetch it from."""
        self._own()
        if self.writer is None:
            self.writer = (self.folder / f"items-{os.getpid()}.pickle").open("ab")
        offset = self.writer.tell()
        pickle.dump(item, self.writer, pickle.HIGHEST_PROTOCOL)
        self.writer.flush()
        return self.writer.name, offset

    def fetch(self, place: tuple[str, int]) -> Any:
        """The item parked at ``place`` (by any process)."""
        name, offset = place
        self._own()
        handle = self.readers.get(name) or self.readers.setdefault(name, open(name, "rb"))
        handle.seek(offset)
        return pickle.load(handle)

    def _own(self) -> None:
        """In a worker forked with its parent's spool: open files of its own."""
        if self.pid != os.getpid():
            self.pid, self.writer, self.readers = os.getpid(), None, {}

    def close(self) -> None:
        """Close this process's files."""
        for handle in [self.writer, *self.readers.values()]:
            if handle is not None:
                handle.close()
        self.writer, self.readers = None, {}
