"""Workbooks of results written row by row (``summary.xlsx``, ``delivery-summary.xlsx``): XlsxWriter in constant-memory
mode, so rows go to disk as they come (memory stays flat for big batches) at a few microseconds a cell, several times
faster than openpyxl's write-only mode. Every text is written as text, never as a formula, a number or a link.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format

from ..run.atomic import atomic_path
from .formats import FORMULA_STARTS

HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "text_wrap": True, "valign": "vcenter"}
FINDING_WIDTHS = (30, 9, 22, 13, 8, 110)  # a Findings sheet under FINDING_COLUMNS
METHOD_COLUMNS, METHOD_WIDTHS = ("Setting", "Value"), (34, 60)  # a Method sheet: the settings in force


class XlsxStream:
    """A workbook of tables, each a sheet with a header row, filled row by row in any order of sheets."""

    def __init__(self, path: Path, tmpdir: Path | None = None) -> None:
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        # constant-memory rows go to temporary files: in ``tmpdir`` (a run's own, removed with it) if given
        self.book = xlsxwriter.Workbook(str(path), options | ({"tmpdir": str(tmpdir)} if tmpdir else {}))
        self.header = self.book.add_format(HEADER)
        self.text_kept = self.book.add_format({"quote_prefix": True})  # shown and kept as typed, e.g. =1+1
        self.number_formats: dict[str, Format] = {}
        self.tables: dict[str, tuple[int, list[Format | None], bool]] = {}  # sheet -> (width, column formats, filter)
        self.rows: dict[str, int] = {}

    def number_format(self, num_format: str) -> Format:
        """A cell format showing numbers as ``num_format`` (one per format string)."""
        if num_format not in self.number_formats:
            self.number_formats[num_format] = self.book.add_format({"num_format": num_format})
        return self.number_formats[num_format]

    def table(self, name: str, columns: Sequence[str], widths: Sequence[float], formats: Sequence[str | None] = (),
              filter: bool = True) -> None:
        """Add a sheet with a frozen header row of ``columns``; ``formats`` gives number formats by column."""
        ws = self.book.add_worksheet(name)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        for col, title in enumerate(columns):
            ws.write_string(0, col, title, self.header)
        self.tables[name] = (len(columns), [None if f is None else self.number_format(f) for f in formats], filter)
        self.rows[name] = 0

    def add_row(self, name: str, values: Sequence[object]) -> None:
        """Append a row to a table: text as text (kept as typed when a spreadsheet would run it), numbers as numbers."""
        self.rows[name] += 1
        ws, row, formats = self.book.get_worksheet_by_name(name), self.rows[name], self.tables[name][1]
        write_string, write_number, kept, known = ws.write_string, ws.write_number, self.text_kept, len(formats)
        for col, value in enumerate(values):
            fmt = formats[col] if col < known else None
            if isinstance(value, str):
                if value:
                    write_string(row, col, value, kept if value.startswith(FORMULA_STARTS) else fmt)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                write_number(row, col, value, fmt)

    def close(self) -> None:
        """Add each table's filter and write the file."""
        for name, (width, _, filter) in self.tables.items():
            if filter:
                self.book.get_worksheet_by_name(name).autofilter(0, 0, self.rows[name], width - 1)
        self.book.close()

    def abandon(self) -> None:
        """Close and remove the row files of a workbook that will not be finished (none is left in the temporary folder)."""
        for ws in self.book.worksheets():
            handle, name = getattr(ws, "row_data_fh", None), getattr(ws, "row_data_filename", None)
            if handle is not None and not handle.closed:
                handle.close()
            if name:
                Path(name).unlink(missing_ok=True)


@contextmanager
def xlsx_stream(path: Path, tmpdir: Path | None = None) -> Iterator[XlsxStream]:
    """An XlsxStream whose file appears at ``path`` only once the block ends and it is complete."""
    with atomic_path(path) as tmp:
        stream = XlsxStream(tmp, tmpdir)
        try:
            yield stream
        except BaseException:
            stream.abandon()
            raise
        stream.close()
