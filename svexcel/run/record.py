"""The record of an evaluation (Procurement Act 2023 s.98): every input and output kept with its SHA-256 in ``manifest.json``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.version import __version__

MANIFEST = "manifest.json"
CHUNK = 1 << 20


class RecordError(Exception):
    """The record cannot be written where asked."""


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(source: Path) -> list[Path]:
    """A file, or every file under a folder (hidden files and Excel lock files left out), in name order."""
    if source.is_file():
        return [source]
    return sorted(p for p in source.rglob("*") if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(source).parts))


def write_record(
    record: Path, parts: Mapping[str, Iterable[Path]], *, framework: Mapping[str, str], notes: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> Path:
    """Copy each part's files and folders into ``record/<part>/`` and write ``manifest.json``; the folder appears complete or not at all."""
    if record.exists() and (not record.is_dir() or any(record.iterdir())):
        raise RecordError(f"{record} already exists and is not empty; a record is never mixed with another. Choose a new folder.")
    record.parent.mkdir(parents=True, exist_ok=True)
    staging = record.with_name(f".{record.name}.{secrets.token_hex(4)}.part")
    try:
        entries = []
        for part, sources in parts.items():
            for source in sources:
                base = source if source.is_dir() else source.parent
                for file in _files(source):
                    target = staging / part / (file.relative_to(base) if source.is_dir() else Path(file.name))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(file, target)
                    entries.append({"path": target.relative_to(staging).as_posix(), "part": part, "sha256": sha256(target), "bytes": target.stat().st_size})
        manifest = {
            "svexcel_version": __version__,
            "run_date": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
            "framework": dict(framework),
            "files": entries,
            "notes": list(notes),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if record.exists():
            record.rmdir()
        os.replace(staging, record)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return record


@dataclass(frozen=True)
class Problem:
    """One file of a record that does not match its manifest."""

    path: str
    problem: str  # changed | missing | not-in-manifest | manifest-unreadable

    def __str__(self) -> str:
        return f"{self.problem}: {self.path}"


def verify_record(record: Path) -> tuple[int, list[Problem]]:
    """Check every file against ``manifest.json``: (files checked, problems); no problems means the record is intact."""
    try:
        manifest = json.loads((record / MANIFEST).read_text(encoding="utf-8"))
        entries = {e["path"]: e["sha256"] for e in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return 0, [Problem(MANIFEST, f"manifest-unreadable ({exc})")]
    problems = []
    for path, digest in entries.items():
        file = record / path
        if not file.is_file():
            problems.append(Problem(path, "missing"))
        elif sha256(file) != digest:
            problems.append(Problem(path, "changed"))
    for file in sorted(p for p in record.rglob("*") if p.is_file()):
        path = file.relative_to(record).as_posix()
        if path != MANIFEST and path not in entries:
            problems.append(Problem(path, "not-in-manifest"))
    return len(entries), problems
