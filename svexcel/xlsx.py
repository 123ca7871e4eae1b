"""Fast, safe reading of cell values and formulas from .xlsx/.xlsm files.

openpyxl needs two full loads to see both a formula and its cached value and
takes ~10 ms per small return; this reader streams only the sheets asked for
through the C expat parser, keeps both, refuses unsafe XML and zip bombs, and
stops at a row limit, so a sheet whose used range claims a million rows costs
nothing. Any DTD is refused (with defusedxml's exception), which rules out
entity-expansion bombs and external entities: no OOXML part needs one.
defusedxml's own ElementTree parser is pure Python and 3-4× slower here.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Callable
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden

from .text import cell_string

MAX_ROWS = 5_000
MAX_COLUMNS = 200
MAX_PART_BYTES = 50_000_000
MAX_COMPRESSION_RATIO = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REL_IDS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships id",
    "http://purl.oclc.org/ooxml/officeDocument/relationships id",
)

Value = float | str | bool | None


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; ``type`` is the finding type to report."""

    def __init__(self, type: str, message: str) -> None:
        super().__init__(message)
        self.type = type
        self.message = message


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's cached value, its formula (without ``=``) if any, and its error code if any."""

    value: Value
    formula: str | None = None
    error: str | None = None


@dataclass
class Sheet:
    """The non-empty cells of one worksheet, keyed by (row, column), both 1-based."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    dimension: str | None = None
    truncated_at_row: int | None = None

    @classmethod
    def from_rows(cls, name: str, rows: list[list[Value]], first_row: int = 1, first_col: int = 1) -> Sheet:
        """A sheet holding a block of values, e.g. a range passed to a UDF (blanks as None or "")."""
        cells = {
            (first_row + r, first_col + c): Cell(value)
            for r, row in enumerate(rows)
            for c, value in enumerate(row)
            if value is not None and value != ""
        }
        return cls(name, cells)

    def get(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col), or None when it is empty."""
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> Value:
        """The cached value at (row, col), or None."""
        cell = self.cells.get((row, col))
        return None if cell is None else cell.value

    def rows(self) -> dict[int, dict[int, Cell]]:
        """Cells grouped by row number, rows and columns in order."""
        grouped: dict[int, dict[int, Cell]] = {}
        for (row, col), cell in sorted(self.cells.items()):
            grouped.setdefault(row, {})[col] = cell
        return grouped


def column_letter(col: int) -> str:
    """1 → A, 28 → AB."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """(14, 6) → F14."""
    return f"{column_letter(col)}{row}"


@lru_cache(maxsize=65_536)
def parse_ref(ref: str) -> tuple[int, int]:
    """F14 → (14, 6); also accepts $F$14."""
    col = 0
    i = 0
    ref = ref.replace("$", "")
    while i < len(ref) and ref[i].isalpha():
        col = col * 26 + ord(ref[i].upper()) - 64
        i += 1
    return int(ref[i:]), col


def _check_magic(path: Path) -> None:
    """Classify files that are not zip packages before zipfile sees them."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise UnreadableWorkbook("file-empty", "The file is empty (0 bytes). Save the return again from Excel and resend it.")
    if head.startswith(OLE_MAGIC):
        if _is_encrypted(path):
            raise UnreadableWorkbook(
                "password-protected",
                "The workbook is protected with a password to open. Remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password) and resend it.",
            )
        raise UnreadableWorkbook(
            "not-xlsx",
            "This is an old-style .xls workbook. Open it in Excel and save it as an "
            "Excel Workbook (.xlsx).",
        )
    if not head.startswith(ZIP_MAGIC):
        raise UnreadableWorkbook(
            "not-xlsx",
            "The file is not an Excel workbook (.xlsx). Open the return template in "
            "Excel, fill it in and save it as .xlsx.",
        )


def _is_encrypted(path: Path) -> bool:
    """True for an OLE container holding an encrypted OOXML package."""
    import msoffcrypto

    try:
        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:
        return False


class Workbook:
    """An open workbook; sheets are parsed on first request. Use as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _check_magic(self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnreadableWorkbook(
                "file-corrupt",
                f"The file is damaged or incomplete ({exc}). Save it again from Excel and resend it.",
            ) from exc
        try:
            self._check_sizes()
            self._sheet_parts = self._read_sheet_index()
            self._strings: list[str] | None = None
            self._sheets: dict[str, Sheet] = {}
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        self._zip.close()

    @property
    def sheetnames(self) -> list[str]:
        """Worksheet names in workbook order."""
        return list(self._sheet_parts)

    def sheet(self, name: str) -> Sheet | None:
        """The named sheet (exact name first, then ignoring case), or None if absent."""
        if name not in self._sheet_parts:
            name = next((n for n in self._sheet_parts if n.casefold() == name.casefold()), name)
        if name not in self._sheet_parts:
            return None
        if name not in self._sheets:
            self._sheets[name] = self._parse_sheet(name, self._sheet_parts[name])
        return self._sheets[name]

    def _check_sizes(self) -> None:
        for info in self._zip.infolist():
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or (info.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO):
                raise UnreadableWorkbook(
                    "unsafe-file",
                    f"The part {info.filename} unpacks to {info.file_size:,} bytes, far more than a "
                    "return needs; the file was refused. Copy the answers into a fresh template.",
                )

    def _open_part(self, name: str) -> IO[bytes]:
        try:
            return self._zip.open(name)
        except KeyError as exc:
            raise UnreadableWorkbook(
                "file-corrupt", f"The workbook lacks its part {name}. Save it again from Excel and resend it."
            ) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise UnreadableWorkbook(
                "file-corrupt", f"The workbook is damaged ({exc}). Save it again from Excel and resend it."
            ) from exc

    def _parse(self, name: str, start: Callable | None = None, end: Callable | None = None, text: Callable | None = None) -> None:
        """Stream one part through expat with the given handlers; unsafe or broken XML becomes UnreadableWorkbook."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.buffer_text = True
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        with self._open_part(name) as fh:
            try:
                parser.ParseFile(fh)
            except _Stop:
                pass
            except DefusedXmlException as exc:
                raise UnreadableWorkbook(
                    "unsafe-xml",
                    f"The part {name} contains a DTD or entity declarations ({type(exc).__name__}); "
                    "the file was refused as unsafe. Copy the answers into a fresh template.",
                ) from exc
            except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise UnreadableWorkbook(
                    "file-corrupt",
                    f"The part {name} is damaged ({exc}). Save the workbook again from Excel and resend it.",
                ) from exc

    def _read_sheet_index(self) -> dict[str, str]:
        targets: dict[str, str] = {}
        sheets: list[tuple[str, str]] = []

        def relationship(name: str, attrs: dict[str, str]) -> None:
            if name.endswith(" Relationship"):
                target = attrs.get("Target", "")
                targets[attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)

        def sheet(name: str, attrs: dict[str, str]) -> None:
            if name.endswith(" sheet"):
                sheets.append((attrs.get("name", ""), next((attrs[k] for k in REL_IDS if k in attrs), "")))

        self._parse("xl/_rels/workbook.xml.rels", relationship)
        self._parse("xl/workbook.xml", sheet)
        return {name: targets[rid] for name, rid in sheets if rid in targets}

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if "xl/sharedStrings.xml" in self._zip.namelist():
                handler = _StringsHandler(self._strings)
                self._parse("xl/sharedStrings.xml", handler.start, handler.end, handler.text)
        return self._strings

    def _parse_sheet(self, name: str, part: str) -> Sheet:
        handler = _SheetHandler(Sheet(name), self._shared_strings)
        self._parse(part, handler.start, handler.end, handler.text)
        return handler.sheet


class _Stop(Exception):
    """Raised by a handler to end parsing early."""


def _refuse_dtd(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


@lru_cache(maxsize=1024)
def _local(name: str) -> str:
    return name.rpartition(" ")[2]


class _StringsHandler:
    """Collects the shared strings table: plain and rich text, without phonetic hints."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.parts: list[str] = []
        self.in_text = False
        self.in_phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "t":
            self.in_text = not self.in_phonetic
        elif local == "rPh":
            self.in_phonetic = True
        elif local == "si":
            self.parts = []

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "t":
            self.in_text = False
        elif local == "rPh":
            self.in_phonetic = False
        elif local == "si":
            self.strings.append(cell_string("".join(self.parts)))

    def text(self, data: str) -> None:
        if self.in_text:
            self.parts.append(data)


class _SheetHandler:
    """Builds a Sheet from a worksheet part, stopping at the row limit or the end of sheetData."""

    def __init__(self, sheet: Sheet, strings: Callable[[], list[str]]) -> None:
        self.sheet = sheet
        self.strings = strings
        self.row = 0
        self.col = 0
        self.kind = "n"
        self.value: list[str] | None = None
        self.formula: list[str] | None = None
        self.inline: list[str] | None = None
        self.buffer: list[str] | None = None
        self.in_phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            ref = attrs.get("r")
            self.col = parse_ref(ref)[1] if ref else self.col + 1
            self.kind = attrs.get("t", "n")
            self.value = self.formula = self.inline = None
        elif local == "v":
            self.value = self.buffer = []
        elif local == "f":
            self.formula = self.buffer = []
        elif local == "is":
            self.inline = []
        elif local == "t" and self.inline is not None and not self.in_phonetic:
            self.buffer = self.inline
        elif local == "rPh":
            self.in_phonetic = True
        elif local == "row":
            self.row = int(attrs.get("r") or self.row + 1)
            self.col = 0
            if self.row > MAX_ROWS:
                self.sheet.truncated_at_row = MAX_ROWS
                raise _Stop
        elif local == "dimension":
            self.sheet.dimension = attrs.get("ref")

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "f", "t"):
            self.buffer = None
        elif local == "rPh":
            self.in_phonetic = False
        elif local == "c":
            if self.col <= MAX_COLUMNS:
                cell = self.cell()
                if cell is not None:
                    self.sheet.cells[(self.row, self.col)] = cell
        elif local == "sheetData":
            raise _Stop

    def text(self, data: str) -> None:
        if self.buffer is not None:
            self.buffer.append(data)

    def cell(self) -> Cell | None:
        """Decode the cell just read; None when it holds neither a value nor a formula."""
        formula = None if self.formula is None else "".join(self.formula)
        kind = self.kind
        if kind == "inlineStr":
            inline = cell_string("".join(self.inline or []))
            return Cell(inline, formula) if inline or formula is not None else None
        raw = None if self.value is None else "".join(self.value)
        if not raw:
            return Cell(None, formula) if formula is not None else None
        if kind == "s":
            strings = self.strings()
            index = int(raw)
            return Cell(strings[index] if 0 <= index < len(strings) else "", formula)
        if kind in ("str", "d"):
            return Cell(cell_string(raw), formula)
        if kind == "b":
            return Cell(raw.strip() in ("1", "true"), formula)
        if kind == "e":
            return Cell(None, formula, error=raw)
        try:
            return Cell(float(raw), formula)
        except ValueError:
            return Cell(raw, formula)
