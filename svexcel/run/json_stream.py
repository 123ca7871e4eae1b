"""JSON documents written record by record (``results.json``, ``delivery.json``): a head, then a list of records, one
line each, so memory stays flat for big batches; the file appears only once complete."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from .atomic import atomic_path


def json_line(record: Mapping[str, Any]) -> str:
    """A record as one line of strict JSON, in full precision (NaN and infinity are refused, as JSON has neither)."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False)


class JsonStream:
    """A JSON object whose last member is a list, written one record at a time."""

    def __init__(self, file: TextIO, head: Mapping[str, Any], key: str) -> None:
        self.file = file
        members = "".join(f"  {json.dumps(name)}: {json_line(value)},\n" for name, value in head.items())
        file.write(f"{{\n{members}  {json.dumps(key)}: [")
        self.separator = "\n"

    def add(self, record: str) -> None:
        """Append a record made by ``json_line`` (possibly in a worker process)."""
        self.file.write(self.separator + "    " + record)
        self.separator = ",\n"

    def finish(self) -> None:
        """Close the list and the object."""
        self.file.write("\n  ]\n}\n")


@contextmanager
def json_stream(path: Path, head: Mapping[str, Any], key: str) -> Iterator[JsonStream]:
    """A JsonStream of ``head``'s members then the list ``key``, appearing at ``path`` only once the block ends."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as file:
        stream = JsonStream(file, head, key)
        yield stream
        stream.finish()
