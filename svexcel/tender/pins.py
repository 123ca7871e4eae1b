"""Marks belong to what was read (SPEC §7 v3): the SHA-256 of each response as the panel scored it, kept in a hidden
sheet of every workbook that carries marks (evaluator, moderation, live), and ``narrative-changed`` when a return no
longer says what was scored.

A mark for a return's theme comes with the digest of that response's text as the return reader gives it. Every
surface that takes marks (``batch``, ``build``, ``make_reports``, the assessment summaries) compares the returns it
reads with the digests and refuses, naming the return and theme, when one differs: the mark was given to other words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..core.cells import Value
from ..core.findings import Finding, finding
from ..xlsx.reader import Sheet
from ..xlsx.tables import cell_text
from .return_reader import Return

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

RESPONSES = "_responses"  # hidden: File | Theme ID | Response SHA-256, a row per return × theme
RESPONSES_NAME = "ResponsesTable"  # the live workbook's name for it, read by make_reports
RESPONSE_COLUMNS = ("File", "Theme ID", "Response SHA-256")
Pins = dict[tuple[str, str], str]  # (return file, theme id) -> SHA-256 of the response the mark was given for


class NarrativeChanged(Exception):
    """Marks would be used for responses other than the ones scored; ``findings`` name each return and theme."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__(f"{len(self.findings)} response(s) differ from the ones the panel scored: {self.findings[0].message}")


def response_digest(text: str) -> str:
    """The SHA-256 of a response's text as the return reader gives it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def return_pins(ret: Return, theme_ids: Iterable[str]) -> Pins:
    """The digest of each of a return's responses, by (file, theme)."""
    return {(ret.file, t): response_digest(ret.narrative.get(t, "")) for t in theme_ids}


def changed(pins: Mapping[tuple[str, str], str], read: Mapping[tuple[str, str], str]) -> list[tuple[str, str]]:
    """The (file, theme) of every response as ``read`` that differs from the one pinned; returns not read (absent, or
    rejected) are not compared."""
    return [key for key, digest in sorted(pins.items()) if key in read and read[key] != digest]


def narrative_changes(pins: Mapping[tuple[str, str], str], read: Mapping[tuple[str, str], str], source: str) -> list[Finding]:
    """``narrative-changed`` for every (file, theme) whose response as ``read`` now differs from the one ``source`` (the
    quality file) pinned."""
    return [
        finding("narrative-changed", f"The {theme} response of {file} is not the one the panel scored: the return was replaced or "
                f"edited after {source} was made, so its {theme} mark is for other words and is not used. Have the panel score "
                f"the response as it is now (svexcel panel, then moderate), or restore the return the panel read.", source)
        for file, theme in changed(pins, read)
    ]


def by_return(keys: Iterable[tuple[str, str]]) -> str:
    """Changed responses in a few words: ``a.xlsx (EQ, PA); b.xlsx (WB)``."""
    themes: dict[str, list[str]] = {}
    for file, theme in keys:
        themes.setdefault(file, []).append(theme)
    return "; ".join(f"{file} ({', '.join(found)})" for file, found in themes.items())


def valid_pins(returns: Iterable[Return], theme_ids: Sequence[str]) -> Pins:
    """The digest of every response of the valid returns among ``returns``."""
    read: Pins = {}
    for ret in returns:
        if not ret.rejected:
            read |= return_pins(ret, theme_ids)
    return read


def check_returns(pins: Mapping[tuple[str, str], str], returns: Iterable[Return], theme_ids: Sequence[str], source: str) -> None:
    """Raise NarrativeChanged when a valid return's response differs from the one pinned."""
    changed = narrative_changes(pins, valid_pins(returns, theme_ids), source)
    if changed:
        raise NarrativeChanged(changed)


def marked(pins: Mapping[tuple[str, str], str], marks: Mapping[str, Mapping[str, float | None]]) -> Pins:
    """The digests of the responses that carry a mark (a theme left unscored takes no mark to pin)."""
    return {key: digest for key, digest in pins.items() if marks.get(key[0], {}).get(key[1]) is not None}


def write_pins_sheet(wb: Workbook, pins: Mapping[tuple[str, str], str]) -> None:
    """The hidden, protected sheet of response digests."""
    from ..excel.protected import append, protect  # openpyxl: loaded only by what writes workbooks

    ws = wb.create_sheet(RESPONSES)
    append(ws, RESPONSE_COLUMNS)
    for (file, theme), digest in pins.items():
        append(ws, [file, theme, digest])
    ws.sheet_state = "hidden"
    protect(ws)


def read_pins(sheet: Sheet | None) -> Pins | None:
    """The digests a hidden responses sheet holds; None when the sheet is missing."""
    if sheet is None:
        return None
    return rows_pins([[sheet.value(r, c) for c in (1, 2, 3)] for r in sorted({r for (r, _) in sheet.cells})])


def rows_pins(rows: Sequence[Sequence[Value]]) -> Pins:
    """The digests from a responses sheet's cell values (its header first), as a reader or an open workbook gives them."""
    return {(file, cell_text(r[1])): cell_text(r[2]) for r in rows[1:] if len(r) >= 3 and (file := cell_text(r[0])) and cell_text(r[1])}
