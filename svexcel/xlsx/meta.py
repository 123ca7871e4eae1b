"""The hidden ``_svexcel`` sheet of a workbook svexcel made: its name, its keys as read, and the fingerprint of the
locked cells it records, so a workbook made for another framework, or with an edited locked cell, is detected."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from ..core.cells import Value
from .reader import Sheet
from .tables import normalise

META = "_svexcel"  # a key in column A, its value in column B, from row 1


def key_values(sheet: Sheet) -> dict[str, tuple[Value, int]]:
    """The keys of a sheet laid out as the hidden sheet is: normalised key → (value, row)."""
    return {normalise(sheet.value(r, 1)): (sheet.value(r, 2), r) for (r, c) in sorted(sheet.cells) if c == 1}


def fingerprint(locked: Mapping[tuple[str, str, str], str]) -> str:
    """A short SHA-256 of locked cells' contents keyed by (sheet, row key, column), independent of row order."""
    canonical = json.dumps(sorted([*k, v] for k, v in locked.items()), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
