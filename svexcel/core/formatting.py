"""Display formats for reports: money to the penny, points to 2 dp, percentages, ranks, quantities."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids (everything below U+0020 except tab, newline and carriage return, plus U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DASH = "—"


def clean_text(text: str | None) -> str:
    """Text from a return made safe to place in a document: no XML-illegal characters, newlines as ``\\n``."""
    if not text:
        return ""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clipped(text: str, limit: int) -> str:
    """``text``, or its first ``limit - 1`` characters and an ellipsis when it is longer than ``limit``."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


_SPACES = {"\u00a0": "a non-breaking space", "\u202f": "a narrow non-breaking space", "\u2009": "a thin space", "\t": "a tab"}


def as_typed(value: object) -> str:
    """A cell's value as a person sees it in a message: TRUE/FALSE, a number plainly, text quoted and clipped, with any
    look-alike space named (never a Python repr such as '1\\xa0200')."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return f"{value:,.10g}"
    if value is None:
        return "blank"
    text = clipped(str(value), 60)
    odd = [name for char, name in _SPACES.items() if char in text]
    shown = "".join(" " if char in _SPACES else char for char in text)
    return f"'{shown}'" + (f" (with {' and '.join(odd)})" if odd else "")


def money(value: float | None) -> str:
    """Pounds to the penny with thousands separators: ``£1,234.56``, ``-£12.00``; a dash when absent."""
    if value is None:
        return DASH
    pennies = round(value, 2)
    sign = "-" if pennies < 0 else ""
    return f"{sign}£{abs(pennies):,.2f}"


def points(value: float) -> str:
    """Points to two decimals."""
    return f"{value:.2f}"


def percent(share: float | None, places: int = 0) -> str:
    """A 0–1 share as a percentage (``0.625`` → ``63%``); a dash when absent."""
    if share is None:
        return DASH
    return f"{share * 100:.{places}f}%"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(rank: int, of: int, shared: bool = False) -> str:
    """A rank in words, e.g. ``3rd of 6``, or ``joint 2nd of 6`` when others have the same points."""
    return f"{'joint ' if shared else ''}{ordinal(rank)} of {of}"


def number(value: float) -> str:
    """A quantity as typed, with thousands separators and no spurious decimals: ``1,200``, ``12.5``."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6f}".rstrip("0")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 return``, ``3 returns``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
