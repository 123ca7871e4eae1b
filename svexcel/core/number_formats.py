"""What a cell's number format says its number is: a date, a time, a percentage, or just a number."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Literal

Shown = Literal["date", "time", "datetime", "percent"]

# Built-in formats (ECMA-376 §18.8.30): 14-17 dates, 18-21 and 45-47 times, 22 date and time;
# 27-36 and 50-58 are the East Asian locales' built-in dates. 9 and 10 are percentages.
_BUILTIN_IDS: dict[Shown, tuple[int, ...]] = {
    "date": (14, 15, 16, 17, *range(27, 37), *range(50, 59)),
    "time": (18, 19, 20, 21, 45, 46, 47),
    "datetime": (22,),
    "percent": (9, 10),
}
BUILTIN: dict[int, Shown] = {i: shown for shown, ids in _BUILTIN_IDS.items() for i in ids}
# Quoted text, backslash-escaped characters, _x (space as wide as x), *x (fill) and [colour], [$-409], [>100].
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)
MAX_SERIAL = 2_958_465  # 31 Dec 9999


def shown_as(code: str) -> Shown | None:
    """How a custom format code shows a number: ``d-mmm-yy`` → date, ``[h]:mm`` → time, ``0.0%`` → percent."""
    tokens = _LITERALS.sub("", code).casefold()
    date = "d" in tokens or "y" in tokens
    time = "h" in tokens or "s" in tokens
    if "m" in tokens and not (date or time):
        date = True  # mmm-only formats are months
    if date and time:
        return "datetime"
    if date or time:
        return "date" if date else "time"
    return "percent" if "%" in tokens else None


def serial_datetime(serial: float, date1904: bool = False) -> datetime | None:
    """The date and time a serial number stands for, in the workbook's date system; None when out of range."""
    if not 0 <= serial <= MAX_SERIAL or not math.isfinite(serial):
        return None
    if date1904:
        base = datetime(1904, 1, 1)
    else:
        base = datetime(1899, 12, 31) if serial < 60 else datetime(1899, 12, 30)  # Excel's 29 Feb 1900
    return base + timedelta(days=round(serial * 86_400) / 86_400)


def describe(serial: float, shown: Shown, date1904: bool = False) -> str:
    """How a spreadsheet shows ``serial`` in a format of kind ``shown``: '3 Feb 2026', '12:30', '50%'."""
    if shown == "percent":
        return f"{serial * 100:,.10g}%"
    if shown == "time" and 0 <= serial <= MAX_SERIAL:
        seconds = round(serial * 86_400)
        hours, rest = divmod(seconds, 3_600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    when = serial_datetime(serial, date1904)
    if when is None or shown == "time":
        return f"{serial:,.10g}"
    day = f"{when.day} {when:%b} {when.year}"
    return day if shown == "date" else f"{day} {when:%H:%M}"


def to_serial(iso: str, date1904: bool = False) -> float:
    """The serial number of an ISO 8601 date stored in a cell of type d; ValueError if it is not one."""
    when = datetime.fromisoformat(iso)
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    serial = (when.replace(tzinfo=None) - base) / timedelta(days=1)
    return serial - 1 if not date1904 and serial < 61 else serial
