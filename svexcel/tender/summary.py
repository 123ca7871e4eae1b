"""``summary.xlsx``: one row per input file, every finding, and the method in force, streamed row by row
(svexcel.excel.stream) so memory stays flat for big batches."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ..core.findings import FINDING_COLUMNS
from ..excel.formats import GBP, POINTS, RATIO, SHARE
from ..excel.stream import FINDING_WIDTHS, METHOD_COLUMNS, METHOD_WIDTHS, XlsxStream, xlsx_stream
from ..framework.model import Framework
from .results import Competition, ReturnResult, summary_values

SUMMARY_COLUMNS = ("File", "Status", "Organisation", "Contract value", "Social value", "Ratio to contract value",
                   "Points", "Rank", "Errors", "Warnings", "Report")


class SummaryWriter:
    """Streams ``summary.xlsx``: Summary and Findings row by row, then the Method in force."""

    def __init__(self, stream: XlsxStream, framework: Framework, competition: Competition) -> None:
        self.stream, self.framework, self.competition = stream, framework, competition
        self.themes = [t.id for t in framework.themes]
        scores = len(self.themes)
        stream.table("Summary", [*SUMMARY_COLUMNS[:8], *(f"{t} score" for t in self.themes), *SUMMARY_COLUMNS[8:]],
                     [30, 10, 32, 16, 16, 12, 9, 7, *[10] * scores, 8, 10, 40], [None, None, None, GBP, GBP, RATIO, POINTS, None, *[SHARE] * scores])
        stream.table("Findings", FINDING_COLUMNS, FINDING_WIDTHS)
        stream.table("Method", METHOD_COLUMNS, METHOD_WIDTHS, filter=False)

    def add(self, result: ReturnResult) -> None:
        """One input file's row, and a row per finding."""
        self.append(*summary_values(result, self.themes))

    def append(self, row: list[object], finding_rows: list[list[object]]) -> None:
        """Append rows made by ``summary_values`` (possibly in a worker process)."""
        self.stream.add_row("Summary", row)
        for values in finding_rows:
            self.stream.add_row("Findings", values)

    def finish(self) -> None:
        """The Method sheet: the framework, its settings and weights, and the batch's counts."""
        s, competition = self.framework.settings, self.competition
        for values in (
            ("Framework", self.framework.name), ("Version", self.framework.version), ("Date", competition.date),
            ("Quality scores", competition.quality_file or "none given"), ("Max points", s.max_points),
            ("Weight: monetised", s.weight_monetised), ("Weight: attainment", s.weight_attainment),
            ("Weight: quality", s.weight_quality),
            *((f"Theme weight: {t.id} {t.name}", t.weight) for t in self.framework.themes),
            ("Returns scored", competition.scored), ("Returns in the batch", competition.total),
        ):
            self.stream.add_row("Method", values)


@contextmanager
def summary_writer(path: Path, framework: Framework, competition: Competition, tmpdir: Path | None = None) -> Iterator[SummaryWriter]:
    """A SummaryWriter whose file appears at ``path`` only once it is complete; ``tmpdir`` holds its row files."""
    with xlsx_stream(path, tmpdir) as stream:
        writer = SummaryWriter(stream, framework, competition)
        yield writer
        writer.finish()


def write_summary(path: Path, framework: Framework, results: Sequence[ReturnResult], competition: Competition) -> Path:
    """Write the batch summary workbook for ``results`` in one go."""
    with summary_writer(path, framework, competition) as writer:
        for result in results:
            writer.add(result)
    return path
