"""The award: social value points plus the tender's other criteria (price, quality …), totals and ranking.

Other criteria are scored outside svexcel and read from a workbook (sheet ``Criteria``: ``File``, one column
per criterion with its points, and a row whose File is ``max`` with the points available).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from ..core.findings import Finding, Findings, finding, has_errors
from ..core.numbers import cell_number
from ..xlsx.reader import Sheet, UnreadableWorkbook, Workbook
from ..xlsx.tables import Table, find_table
from .scoring import ranks

SHEET = "Criteria"
MAX_ROW = "max"


@dataclass(frozen=True)
class OtherCriteria:
    """Points for criteria other than social value: the points available and each return's points (None = missing)."""

    available: dict[str, float]
    points: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The criteria, in the workbook's column order."""
        return tuple(self.available)


@dataclass(frozen=True)
class Standing:
    """One scored return's place in the award: its points per criterion, total and rank."""

    sv_points: float
    other: dict[str, float | None]
    total: float
    rank: int

    @property
    def complete(self) -> bool:
        """True when every other criterion has points."""
        return all(p is not None for p in self.other.values())


def read_other_criteria(path: str | Path) -> tuple[OtherCriteria | None, list[Finding]]:
    """Read the Criteria sheet; findings name the cell of every problem (errors mean it cannot be used)."""
    path = Path(path)
    try:
        with Workbook(path) as book:
            sheet = book.sheet(SHEET)
    except UnreadableWorkbook as exc:
        return None, [finding(exc.type, exc.message, path.name)]
    except OSError as exc:
        return None, [finding("file-unreadable", f"Cannot open the other criteria workbook: {exc.strerror or exc}.", path.name)]
    reader = _CriteriaReader(path.name)
    criteria = reader.read(sheet)
    return (None if has_errors(reader.findings) else criteria), reader.findings.items


class _CriteriaReader:
    """Collects every finding while reading a Criteria sheet."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings = Findings(file, SHEET)

    def read(self, sheet: Sheet | None) -> OtherCriteria | None:
        if sheet is None:
            self.findings.add("missing-sheet", f"The workbook has no '{SHEET}' sheet. Add one with a File column and a column per criterion.")
            return None
        table, _, row = find_table(sheet, ("File",))
        if table is None:
            self.findings.add("missing-header", "The Criteria sheet has no 'File' column. Head column A 'File'.", f"A{row}")
            return None
        header = {c: str(cell.value).strip() for (r, c), cell in sheet.cells.items() if r == table.header_row and cell.value is not None}
        names = [name for c, name in sorted(header.items()) if c != table.columns["File"] and name]
        table.columns.update({name: c for c, name in header.items() if name in names})
        if not names:
            self.findings.add("missing-header", "The Criteria sheet has no criterion columns beside File. Add one column per criterion (e.g. Price).", table.header_ref)
        rows = {table.name(r): r for r in table.rows() if table.name(r)}
        top = next((r for file, r in rows.items() if file.casefold() == MAX_ROW), None)
        if top is None:
            self.findings.add("missing-max", f"The Criteria sheet has no row whose File is '{MAX_ROW}' giving the points available for each criterion.", table.header_ref)
            return None
        available = {name: value for name in names if (value := self.points(table, top, name, None)) is not None}
        points = {file: {name: self.points(table, r, name, available.get(name), file) for name in names}
                  for file, r in rows.items() if r != top}
        return OtherCriteria(available, points)

    def points(self, table: Table, row: int, name: str, most: float | None, file: str = "") -> float | None:
        """Points in one cell: a number from 0 (above 0 on the max row) up to ``most``; blank is None."""
        ref = table.ref(row, name)
        read = cell_number(table.cell(row, name))
        value = read.value
        if not file and (value is None or value <= 0):
            self.findings.add("bad-points", f"The points available for {name} in {ref} must be a number above 0.", ref)
            return None
        if read.problem is not None or (value is not None and value < 0):
            self.findings.add("bad-points", f"{name} for {file} in {ref} is not a number of points (0 or more). Type a plain number.", ref)
            return None
        if value is not None and most is not None and value > most:
            self.findings.add("bad-points", f"{file} has {value:g} points for {name} in {ref}, more than the {most:g} available.", ref)
            return None
        return value


def standings(sv_points: Mapping[str, float], criteria: OtherCriteria | None) -> dict[str, Standing]:
    """Each scored return's total (social value points plus its other criteria) and rank by total, highest first."""
    files = list(sv_points)
    other = {f: dict(criteria.points.get(f, dict.fromkeys(criteria.names))) if criteria else {} for f in files}
    totals = [sv_points[f] + sum(p or 0.0 for p in other[f].values()) for f in files]
    return {f: Standing(sv_points[f], other[f], total, rank)
            for f, total, rank in zip(files, totals, ranks(totals), strict=True)}


def winner(standing: Mapping[str, Standing]) -> str | None:
    """The file ranked first (on a shared first place, the first by file name); None when nothing was scored."""
    return min(standing, key=lambda f: (standing[f].rank, f), default=None)


def available_total(max_points: float, available: Mapping[str, float]) -> float:
    """All the points the award has to give: social value's and every other criterion's."""
    return max_points + sum(available.values())


def importance(available: Mapping[str, float], total: float) -> dict[str, float]:
    """Each criterion's relative importance: its points available over ``total``, all the points the award has to give."""
    return {name: points / total for name, points in available.items()}


def unmatched(criteria: OtherCriteria, files: Sequence[str]) -> list[str]:
    """Rows of the Criteria sheet that match no return (a likely typo)."""
    return sorted(set(criteria.points) - set(files))
