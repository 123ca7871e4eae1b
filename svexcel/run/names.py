"""File names made from data (an organisation, an evaluator, a contract reference, a return's file name) that
Windows, macOS and Linux all accept (SPEC §8); the full text stays inside the document.

A safe name has no character Windows forbids, is no device name (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``–``9``,
``LPT1``–``9``, in any case and with any extension: ``Con.xlsx``), does not end in a dot or space, and is at most
100 characters (and 200 bytes of UTF-8, for Linux's 255-byte limit) before its extension. Names are told apart as
Windows and macOS do: ignoring case and Unicode normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_CHARS = 100
MAX_BYTES = 200
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                      *(f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "\u00b9", "\u00b2", "\u00b3"))})
_ENDS = " .-"


def safe_stem(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` as a file name without its extension: forbidden characters become '-', no dot, space or '-' at either
    end (a leading dot would hide the file), a device name gets '_' (``Con.x`` → ``Con_.x``), at most ``limit`` characters.
    Empty when ``text`` holds nothing a name can be made of."""
    stem = _FORBIDDEN.sub("-", unicodedata.normalize("NFC", text)).strip(_ENDS)
    head, dot, rest = stem.partition(".")
    if head.rstrip(" ").upper() in _DEVICES:
        stem = head.rstrip(" ") + "_" + dot + rest
    return _shortened(stem, limit).rstrip(_ENDS)


def safe_path(path: str, limit: int = MAX_CHARS) -> str:
    """A relative path (``Bidder 1/return``) with each of its folders and its last part made a safe stem."""
    parts = [safe_stem(part, limit) or "_" for part in path.split("/") if part not in ("", ".", "..")]
    return "/".join(parts) or "_"


def name_key(name: str) -> str:
    """What two names share when Windows or macOS would take them for one file."""
    return unicodedata.normalize("NFC", name).casefold()


def free_stem(base: str, taken: set[str]) -> str:
    """``base``, else ``base-2``, ``base-3`` …: the first not in ``taken`` (compared by name_key), which it joins;
    the number is kept within the length limit."""
    stem, n = base, 1
    while name_key(stem) in taken:
        n += 1
        suffix = f"-{n}"
        head, _, last = base.rpartition("/")
        stem = (head + "/" if head else "") + _shortened(last, MAX_CHARS - len(suffix)).rstrip(_ENDS) + suffix
    taken.add(name_key(stem))
    return stem


def report_names(files: Sequence[str], folder: str = "reports") -> dict[str, str]:
    """``<folder>/<path without extension>.docx`` per input file, each part a safe stem, unique by name_key: files
    sharing a name keep their extension in it (``a-xlsx.docx``), then a number if still taken."""
    stems = [safe_path(_without_extension(f)) for f in files]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[name_key(stem)] = counts.get(name_key(stem), 0) + 1
    taken = {name_key(stem) for stem in stems if counts[name_key(stem)] == 1}
    names: dict[str, str] = {}
    for file, stem in zip(files, stems, strict=True):
        if counts[name_key(stem)] > 1:
            extension = file[len(_without_extension(file)) + 1:].lower()
            stem = free_stem(safe_path(f"{stem}-{extension}") if extension else stem, taken)
        names[file] = f"{folder}/{stem}.docx"
    return names


def _without_extension(file: str) -> str:
    """A file's path without the extension of its last part (``sub/a.xlsx`` → ``sub/a``)."""
    head, _, last = file.rpartition("/")
    return (head + "/" if head else "") + (last.rsplit(".", 1)[0] if "." in last.lstrip(".") else last)


def _shortened(text: str, limit: int) -> str:
    """At most ``limit`` characters and MAX_BYTES bytes of UTF-8."""
    text = text[:limit]
    while len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        text = text[:-1]
    return text
