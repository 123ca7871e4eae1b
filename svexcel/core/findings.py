"""Findings: problems found in a file, as data that names where they are, collected and serialised in one way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from .catalogue import CATALOGUE, Severity

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
FINDING_COLUMNS = ("File", "Severity", "Type", "Sheet", "Cell", "Message")  # a finding as a row of a table (Finding.row)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, located by file, sheet and cell, with a message that says how to fix it."""

    type: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    question: str = ""  # a suggested clarification question to put to the bidder (plausibility warnings)

    @property
    def where(self) -> str:
        """Location in Excel's own notation, e.g. ``acme.xlsx!Commitments!F14``."""
        return "!".join(part for part in (self.file, self.sheet, self.cell) if part)

    def to_dict(self, file: bool = True) -> dict[str, str]:
        """The finding as JSON data (SPEC §4): ``file`` only when asked (records name their file), ``question`` only when there is one."""
        data = {"file": self.file} if file else {}
        data |= {"sheet": self.sheet, "cell": self.cell, "type": self.type, "severity": self.severity, "message": self.message}
        if self.question:
            data["question"] = self.question
        return data

    def row(self) -> list[Any]:
        """The finding as a table row under FINDING_COLUMNS."""
        return [self.file, self.severity, self.type, self.sheet, self.cell, self.message]

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message} [{self.type}]"


def finding(type: str, message: str, file: str = "", sheet: str = "", cell: str = "", *, severity: Severity | None = None,
            question: str = "") -> Finding:
    """A finding of a catalogued ``type``; its severity is the catalogue's unless ``severity`` is given."""
    entry = CATALOGUE.get(type)
    if entry is None:
        raise KeyError(f"Finding type {type!r} is not in svexcel/core/catalogue.py: add it there with its severity and advice.")
    return Finding(type, severity or entry.severity, message, file, sheet, cell, question)


class Findings:
    """Collects the findings about one file (and a sheet, unless one is named), severity from the catalogue.

    ``add(type, message, cell)`` appends to ``items``: a list of the caller's (e.g. a result's ``findings``) or a new one.
    """

    __slots__ = ("file", "sheet", "items")

    def __init__(self, file: str = "", sheet: str = "", items: list[Finding] | None = None) -> None:
        self.file = file
        self.sheet = sheet
        self.items: list[Finding] = [] if items is None else items

    def add(self, type: str, message: str, cell: str = "", *, sheet: str | None = None, severity: Severity | None = None,
            question: str = "") -> Finding:
        """Append a finding about this file (see ``finding``); ``sheet`` overrides the collector's."""
        item = finding(type, message, self.file, self.sheet if sheet is None else sheet, cell, severity=severity, question=question)
        self.items.append(item)
        return item

    def on(self, sheet: str) -> Findings:
        """A collector for another sheet of the same file, adding to the same list."""
        return Findings(self.file, sheet, self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def finding_rows(findings: Iterable[Finding]) -> list[list[Any]]:
    """A table of findings: FINDING_COLUMNS, then a row each, by file and, within a file, errors first."""
    return [list(FINDING_COLUMNS), *(f.row() for f in sorted(sort_findings(findings), key=lambda f: f.file))]


def has_errors(findings: Iterable[Finding]) -> bool:
    """True if any finding blocks scoring."""
    return any(f.severity == "error" for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within each severity."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))
