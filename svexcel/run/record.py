"""The record of an evaluation (Procurement Act 2023 s.98): every input and output kept with its SHA-256.

A record proves itself (SPEC §7 v3). Its inputs (framework, returns, quality or moderation workbook, evaluator
workbooks, other inputs) and what the panel declared are listed in ``manifest.json``, made *before* the run that uses
them: the manifest's own SHA-256 goes into that run's ``results.json`` and into the footer of every assessment summary
sent to bidders, so a manifest rewritten later no longer matches what they hold. The outputs, which carry that
SHA-256, are listed with theirs in ``outputs-manifest.json``. ``verify_record`` checks both lists, that the manifest
is still the one the outputs name, and that every input the recorded results name is in the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..core.version import __version__

MANIFEST = "manifest.json"
OUTPUTS_MANIFEST = "outputs-manifest.json"
OUTPUTS = "outputs"
RESULTS = "results.json"
CHUNK = 1 << 20
# Inputs a batch lists that were never files to keep (a broken link, a folder link, a folder it could not open).
NOT_FILES = frozenset({"broken-link", "folder-link", "unreadable-folder", "bad-file-name"})


class RecordError(Exception):
    """The record cannot be written where asked, or an input changed while the run used it."""


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
    if not source.is_dir():
        raise FileNotFoundError(f"{source} does not exist")
    return sorted(p for p in source.rglob("*") if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(source).parts))


def _entries(part: str, sources: Iterable[Path], base: Path | None) -> list[tuple[Path, str]]:
    """Each file of a part's sources with its path in the record: under ``base`` as it lies there, else a folder's files
    relative to the folder and a single file by its name."""
    found = []
    for source in sources:
        for file in _files(source):
            inner = file.relative_to(base) if base is not None else file.relative_to(source) if source.is_dir() else Path(file.name)
            found.append((file, f"{part}/{inner.as_posix()}"))
    return found


def _entry(path: str, part: str, file: Path) -> dict[str, Any]:
    return {"path": path, "part": part, "sha256": sha256(file), "bytes": file.stat().st_size}


@dataclass(frozen=True)
class RecordPlan:
    """A record's inputs hashed before the run that uses them: each file with its path in the record, and the exact bytes
    of ``manifest.json``, whose SHA-256 the run writes into its outputs."""

    files: list[tuple[Path, dict[str, Any]]]  # (the input file, its manifest entry)
    manifest: bytes

    @property
    def sha256(self) -> str:
        """The SHA-256 of manifest.json: what results.json and the assessment summaries carry."""
        return hashlib.sha256(self.manifest).hexdigest()

    def check_unchanged(self) -> None:
        """Raise RecordError when an input no longer holds the bytes it was hashed with: the run may have used others, so
        its outputs, which carry this manifest's SHA-256, must not take the previous outputs' place."""
        for source, entry in self.files:
            if not source.is_file() or sha256(source) != entry["sha256"]:
                raise RecordError(_changed(source))


def _changed(source: Path) -> str:
    return (f"{source} changed while the run used it, so the record would not hold what was scored. Nothing was written or "
            "replaced; run again.")


def plan_record(parts: Mapping[str, Iterable[Path]], *, framework: Mapping[str, str], notes: Iterable[str] = (),
                declarations: Sequence[Mapping[str, str]] = (), bases: Mapping[str, Path] | None = None,
                now: dt.datetime | None = None) -> RecordPlan:
    """Hash every input file (each part's files and folders; a part in ``bases`` keeps its paths relative to that folder)
    and make manifest.json: the svexcel version, run date, framework, files, notes and the panel's declarations."""
    files = [(file, _entry(path, part, file)) for part, sources in parts.items() for file, path in _entries(part, sources, (bases or {}).get(part))]
    manifest = {
        "svexcel_version": __version__,
        "run_date": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "framework": dict(framework),
        "files": [entry for _, entry in files],
        "notes": list(notes),
        "declarations": [dict(d) for d in declarations],
    }
    return RecordPlan(files, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def write_record(record: Path, plan: RecordPlan, outputs: Iterable[Path] = (), outputs_base: Path | None = None) -> Path:
    """Copy the planned inputs (refusing any that changed since they were hashed) and ``outputs`` into ``record``, with
    manifest.json and outputs-manifest.json; the folder appears complete or not at all."""
    if record.exists() and (not record.is_dir() or any(record.iterdir())):
        raise RecordError(f"{record} already exists and is not empty; a record is never mixed with another. Choose a new folder.")
    record.parent.mkdir(parents=True, exist_ok=True)
    staging = record.with_name(f".{record.name}.{secrets.token_hex(4)}.part")
    try:
        for source, entry in plan.files:
            target = _copy(source, staging / entry["path"])
            if sha256(target) != entry["sha256"]:
                raise RecordError(_changed(source))
        (staging / MANIFEST).write_bytes(plan.manifest)
        copied = [_entry(path, OUTPUTS, _copy(file, staging / path)) for file, path in _entries(OUTPUTS, outputs, outputs_base)]
        listing = {"manifest_sha256": plan.sha256, "files": copied}
        (staging / OUTPUTS_MANIFEST).write_text(json.dumps(listing, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if record.exists():
            record.rmdir()
        os.replace(staging, record)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return record


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return target


@dataclass(frozen=True)
class Problem:
    """One file of a record that does not match its manifests."""

    path: str
    problem: str  # changed | missing | not-in-manifest | manifest-unreadable | manifest-changed | input-not-recorded
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.problem}: {self.path}" + (f" ({self.detail})" if self.detail else "")


def verify_record(record: Path) -> tuple[int, list[Problem]]:
    """Check a record against its manifests: (files checked, problems); no problems means the record is intact."""
    try:
        manifest_bytes = (record / MANIFEST).read_bytes()
        inputs = _hashes(json.loads(manifest_bytes))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return 0, [Problem(MANIFEST, "manifest-unreadable", str(exc))]
    problems = []
    listing = _json(record / OUTPUTS_MANIFEST)
    try:
        outputs = _hashes(listing)
    except (KeyError, TypeError) as exc:  # every record has one (batch --record writes it): gone, it anchors nothing
        problems.append(Problem(OUTPUTS_MANIFEST, "missing") if not (record / OUTPUTS_MANIFEST).is_file()
                        else Problem(OUTPUTS_MANIFEST, "manifest-unreadable", str(exc)))
        outputs, listing = {}, None
    entries = inputs | outputs
    for path, digest in entries.items():
        file = record / path
        if _outside(path):
            problems.append(Problem(path, "outside-record", "a manifest names only files inside the record; this one was not read"))
        elif not file.is_file():
            problems.append(Problem(path, "missing"))
        elif sha256(file) != digest:
            problems.append(Problem(path, "changed"))
    for file in sorted(p for p in record.rglob("*") if p.is_file()):
        path = file.relative_to(record).as_posix()
        if path not in (MANIFEST, OUTPUTS_MANIFEST) and path not in entries:
            problems.append(Problem(path, "not-in-manifest"))
    problems += _anchored(record, hashlib.sha256(manifest_bytes).hexdigest(), listing, inputs)
    return len(entries), problems


def _outside(path: str) -> bool:
    """A manifest path that would leave the record folder on Linux, macOS or Windows (absolute, a drive, or a '..')."""
    posix, windows = PurePosixPath(path), PureWindowsPath(path)
    return posix.is_absolute() or bool(windows.drive) or windows.is_absolute() or ".." in windows.parts


def _hashes(manifest: Any) -> dict[str, str]:
    """A manifest's files as {path: SHA-256}; KeyError or TypeError when it is not a manifest."""
    hashes = {e["path"]: e["sha256"] for e in manifest["files"]}
    if not all(isinstance(v, str) for item in hashes.items() for v in item):
        raise TypeError("a file's path or SHA-256 is not text")
    return hashes


def _json(path: Path) -> Any:
    """A JSON file's content, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _anchored(record: Path, digest: str, listing: Any, inputs: Mapping[str, str]) -> list[Problem]:
    """The manifest is the one the outputs name, and every input the recorded results name is in it."""
    problems = []
    if isinstance(listing, dict) and listing.get("manifest_sha256") not in (None, digest):
        problems.append(Problem(MANIFEST, "manifest-changed", f"its SHA-256 is {digest}, but {OUTPUTS_MANIFEST} was made with "
                                                              f"{listing['manifest_sha256']}"))
    results = _json(record / OUTPUTS / RESULTS)
    if not isinstance(results, dict):
        return problems
    if results.get("manifest_sha256") not in (None, digest):
        problems.append(Problem(MANIFEST, "manifest-changed", f"its SHA-256 is {digest}, but {OUTPUTS}/{RESULTS} and the assessment "
                                                              f"summaries carry {results['manifest_sha256']}"))
    for path in named_inputs(results):
        if path not in inputs:
            problems.append(Problem(path, "input-not-recorded", f"named in {OUTPUTS}/{RESULTS}, not in {MANIFEST}"))
    return problems


def named_inputs(results: Mapping[str, Any]) -> list[str]:
    """The record paths of the inputs a results.json names: its returns, quality file and evaluator workbooks."""
    named = [f"returns/{r['file']}" for r in _list(results.get("returns"))
             if isinstance(r, dict) and "file" in r and not NOT_FILES & {f.get("type") for f in _list(r.get("findings")) if isinstance(f, dict)}]
    quality = results.get("quality")
    if isinstance(quality, dict) and quality.get("file"):
        named.append(f"quality/{quality['file']}")
        named += [f"panel/{name}" for name in _list(quality.get("evaluator_files"))]
    return named


def _list(value: Any) -> list[Any]:
    """A list from a results.json field, or nothing when it is not one (an edited results.json is reported as changed)."""
    return value if isinstance(value, list) else []
