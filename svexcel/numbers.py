"""Reading numbers the way people type them: ``1,200``, ``£5,000``, `` 12 ``."""

from __future__ import annotations

import math
import re

_NUMBER_TEXT = re.compile(
    r"""^\s*
    (?P<sign>[-+]?)\s*
    [£$€]?\s*
    (?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?
    \s*$""",
    re.VERBOSE,
)


def number_from_text(text: str) -> float | None:
    """The number in ``text`` if it is a plain number with optional separators and currency sign, else None."""
    match = _NUMBER_TEXT.match(text.replace("\u00a0", " "))
    if match is None:
        return None
    number = float(match["digits"].replace(",", "") + (match["fraction"] or ""))
    return -number if match["sign"] == "-" else number


def is_number(value: object) -> bool:
    """True for a finite int or float (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
