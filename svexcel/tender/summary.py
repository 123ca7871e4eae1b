"""``summary.xlsx``: one row per input file, every finding, and the method in force.

Written with XlsxWriter in constant-memory mode: rows stream to disk as they come (memory stays flat
for big batches) at a few microseconds a cell, several times faster than openpyxl's write-only mode.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..core.findings import FINDING_COLUMNS
from ..excel.formats import FORMULA_STARTS, GBP, POINTS, RATIO, SHARE
from ..framework.model import Framework
from ..run.atomic import atomic_path
from .results import Competition, ReturnResult, summary_values

SUMMARY_COLUMNS = ("File", "Status", "Organisation", "Contract value", "Social value", "Ratio to contract value",
                   "Points", "Rank", "Errors", "Warnings", "Report")
HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "text_wrap": True, "valign": "vcenter"}


class SummaryWriter:
    """Streams ``summary.xlsx`` row by row; every text is written as text, never as a formula."""

    def __init__(self, path: Path, framework: Framework, tmpdir: Path | None = None) -> None:
        self.framework = framework
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        # constant-memory rows go to temporary files: in ``tmpdir`` (the batch's own, removed with it) if given
        self.book = xlsxwriter.Workbook(str(path), options | ({"tmpdir": str(tmpdir)} if tmpdir else {}))
        self.header = self.book.add_format(HEADER)
        self.text_kept = self.book.add_format({"quote_prefix": True})  # shown and kept as typed, e.g. =1+1
        self.summary = self.book.add_worksheet("Summary")
        self.findings = self.book.add_worksheet("Findings")
        self.method = self.book.add_worksheet("Method")
        self.themes = [t.id for t in framework.themes]
        self.columns = [*SUMMARY_COLUMNS[:8], *(f"{t} score" for t in self.themes), *SUMMARY_COLUMNS[8:]]
        self._start(self.summary, self.columns, [30, 10, 32, 16, 16, 12, 9, 7, *[10] * len(self.themes), 8, 10, 40])
        self._start(self.findings, FINDING_COLUMNS, [30, 9, 22, 13, 8, 110])
        number = {fmt: self.book.add_format({"num_format": fmt}) for fmt in (GBP, RATIO, POINTS, SHARE)}
        self.formats = [None, None, None, number[GBP], number[GBP], number[RATIO], number[POINTS], None,
                        *[number[SHARE]] * len(self.themes), None, None, None]
        self.rows = self.finding_rows = 0

    def add(self, result: ReturnResult) -> None:
        """One input file's row, and a row per finding."""
        self.append(*summary_values(result, self.themes))

    def append(self, row: list[object], finding_rows: list[list[object]]) -> None:
        """Append rows made by ``summary_values`` (possibly in a worker process)."""
        self.rows += 1
        self._row(self.summary, self.rows, row, self.formats)
        for values in finding_rows:
            self.finding_rows += 1
            self._row(self.findings, self.finding_rows, values)

    def close(self, competition: Competition) -> None:
        """Add filters and the Method sheet, then write the file."""
        self.summary.autofilter(0, 0, self.rows, len(self.columns) - 1)
        self.findings.autofilter(0, 0, self.finding_rows, len(FINDING_COLUMNS) - 1)
        s = self.framework.settings
        self._start(self.method, ["Setting", "Value"], [34, 60])
        rows: list[tuple[str, object]] = [
            ("Framework", self.framework.name), ("Version", self.framework.version), ("Date", competition.date),
            ("Quality scores", competition.quality_file or "none given"), ("Max points", s.max_points),
            ("Weight: monetised", s.weight_monetised), ("Weight: attainment", s.weight_attainment),
            ("Weight: quality", s.weight_quality),
            *((f"Theme weight: {t.id} {t.name}", t.weight) for t in self.framework.themes),
            ("Returns scored", competition.scored), ("Returns in the batch", competition.total),
        ]
        for index, values in enumerate(rows, start=1):
            self._row(self.method, index, values)
        self.book.close()

    def _start(self, ws: Worksheet, names: Sequence[str], widths: Sequence[float]) -> None:
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        for col, name in enumerate(names):
            ws.write_string(0, col, name, self.header)

    def _row(self, ws: Worksheet, row: int, values: Sequence[object], formats: Sequence[Format | None] = ()) -> None:
        for col, value in enumerate(values):
            fmt = formats[col] if col < len(formats) else None
            if isinstance(value, str) and value:
                ws.write_string(row, col, value, self.text_kept if value.startswith(FORMULA_STARTS) else fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(row, col, value, fmt)


    def abandon(self) -> None:
        """Close the row files of a summary that will not be finished (so its folder can be removed, on Windows too)."""
        for ws in (self.summary, self.findings, self.method):
            handle = getattr(ws, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()


@contextmanager
def summary_writer(path: Path, framework: Framework, competition: Competition, tmpdir: Path | None = None) -> Iterator[SummaryWriter]:
    """A SummaryWriter whose file appears at ``path`` only once it is complete; ``tmpdir`` holds its row files."""
    with atomic_path(path) as tmp:
        writer = SummaryWriter(tmp, framework, tmpdir)
        try:
            yield writer
        except BaseException:
            writer.abandon()
            raise
        writer.close(competition)


def write_summary(path: Path, framework: Framework, results: Sequence[ReturnResult], competition: Competition) -> Path:
    """Write the batch summary workbook for ``results`` in one go."""
    with summary_writer(path, framework, competition) as writer:
        for result in results:
            writer.add(result)
    return path
