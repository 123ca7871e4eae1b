"""Findings: problems found in a file, as data that names where they are."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


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

    def to_dict(self) -> dict[str, str]:
        """Plain dict for JSON output (``question`` only when there is one)."""
        data = asdict(self)
        if not self.question:
            del data["question"]
        return data

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message} [{self.type}]"


def has_errors(findings: Iterable[Finding]) -> bool:
    """True if any finding blocks scoring."""
    return any(f.severity == "error" for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within each severity."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))
