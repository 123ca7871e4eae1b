"""Fast, safe reading of cell values and formulas from .xlsx/.xlsm files.

openpyxl needs two full loads to see both a formula and its cached value and
takes ~10 ms per small return; this reader streams only the sheets asked for
through the C expat parser, keeps both, refuses unsafe XML and zip bombs, and
stops at a row limit, so a sheet whose used range claims a million rows costs
nothing. Any DTD is refused (with defusedxml's exception), which rules out
entity-expansion bombs and external entities: no OOXML part needs one.
defusedxml's own ElementTree parser is pure Python and 3-4× slower here.

Whatever the bytes, the only exception that leaves this module for a damaged
file is UnreadableWorkbook, naming the part and, where known, the sheet and cell.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Callable, Iterator
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden

from ..core.cells import Cell, Value
from ..core.number_formats import BUILTIN, Shown, shown_as, to_serial
from ..core.text import cell_string, xml_safe

MAX_ROWS = 5_000
MAX_COLUMNS = 200
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
MAX_PART_BYTES = 50_000_000
MAX_COMPRESSION_RATIO = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REL_IDS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships id",
    "http://purl.oclc.org/ooxml/officeDocument/relationships id",
)

CELL_TYPES = frozenset(("n", "s", "str", "inlineStr", "b", "e", "d"))
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; ``type`` is the finding type to report, ``sheet`` and ``cell`` where."""

    def __init__(self, type: str, message: str, sheet: str = "", cell: str = "") -> None:
        super().__init__(message)
        self.type = type
        self.message = xml_safe(message)
        self.sheet = sheet
        self.cell = cell


class _Damaged(Exception):
    """Raised by a part's handler: what is wrong, and in which cell if known."""

    def __init__(self, problem: str, cell: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.cell = cell




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
    """F14 → (14, 6); also accepts $F$14. ValueError for anything that is not a cell on a sheet (F6x, A0, XFE1)."""
    match = _REF.fullmatch(ref)
    if match is None:
        raise ValueError(f"{ref!r} is not a cell reference")
    col = 0
    for letter in match[1].upper():
        col = col * 26 + ord(letter) - 64
    row = int(match[2])
    if not (1 <= row <= EXCEL_ROWS and col <= EXCEL_COLUMNS):
        raise ValueError(f"{ref!r} is outside a sheet")
    return row, col


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


def _check_not_opendocument(package: zipfile.ZipFile) -> None:
    """An OpenDocument spreadsheet (.ods, whatever its name) is a zip too: say what it is rather than call it damaged."""
    if "mimetype" not in package.NameToInfo:
        return
    try:
        with package.open("mimetype") as entry:
            kind = entry.read(64)
    except Exception:  # a damaged entry: the part checks that follow say so
        return
    if kind.startswith(b"application/vnd.oasis.opendocument"):
        raise UnreadableWorkbook(
            "not-xlsx",
            "This is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx). Open it in Excel or LibreOffice "
            "and save it as an Excel Workbook (.xlsx).",
        )


def _is_encrypted(path: Path) -> bool:
    """True for an OLE container holding an encrypted OOXML package."""
    try:
        import msoffcrypto
    except ImportError:  # the lean install (xlwings Lite): an encrypted package is an OLE file with an EncryptedPackage stream
        import olefile

        try:
            with olefile.OleFileIO(str(path)) as ole:
                return bool(ole.exists("EncryptedPackage"))
        except Exception:
            return False
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
        except Exception as exc:  # zipfile raises many types (BadZipFile, ValueError, EOFError ...) for damaged archives
            raise UnreadableWorkbook(
                "file-corrupt",
                f"The file is damaged or incomplete ({exc}). Save it again from Excel and resend it.",
            ) from exc
        try:
            _check_not_opendocument(self._zip)
            self._parts = self._index_parts()
            self.date1904 = False
            self._sheet_parts = self._read_sheet_index()
            self._strings: list[str] | None = None
            self._styles: tuple[Shown | None, ...] | None = None
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

    def defined_names(self) -> dict[str, str]:
        """Workbook-level defined names and what they refer to (e.g. ``Returns!$A$1:$F$9``)."""
        names = _NamesHandler()
        self._parse("xl/workbook.xml", names)
        return names.names

    def _index_parts(self) -> dict[str, str]:
        """Part names by their case-folded name (OPC names ignore case); refuse duplicates and bombs."""
        parts: dict[str, str] = {}
        for info in self._zip.infolist():
            key = info.filename.casefold()
            if key in parts:
                raise UnreadableWorkbook(
                    "file-corrupt",
                    f"The file holds the part {info.filename} twice, so it is unclear which copy is the return. "
                    "Save it again from Excel and resend it.",
                )
            parts[key] = info.filename
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or (info.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO):
                raise UnreadableWorkbook(
                    "unsafe-file",
                    f"The part {info.filename} unpacks to {info.file_size:,} bytes, far more than a "
                    "return needs; the file was refused. Copy the answers into a fresh template.",
                )
        return parts

    def _has(self, name: str) -> bool:
        return name.casefold() in self._parts

    def _parse(self, name: str, handler: _Handler, sheet: str = "") -> None:
        """Stream one part through expat into ``handler``; unsafe or broken XML becomes UnreadableWorkbook."""
        parser = _parser(handler)
        with self._reading(name, sheet), self._zip.open(self._parts.get(name.casefold(), name)) as fh:
            try:
                parser.ParseFile(fh)
            except _Stop:
                pass

    @contextmanager
    def _reading(self, name: str, sheet: str = "") -> Iterator[None]:
        """Turn whatever reading the part ``name`` raises into UnreadableWorkbook naming it."""
        try:
            yield
        except KeyError as exc:
            raise UnreadableWorkbook(
                "file-corrupt", f"The workbook lacks its part {name}. Save it again from Excel and resend it.", sheet
            ) from exc
        except _Damaged as exc:
            where = f"{sheet}!{exc.cell}" if sheet and exc.cell else sheet or exc.cell
            raise UnreadableWorkbook(
                "file-corrupt",
                f"The part {name}{f' ({where})' if where else ''} is damaged: {exc.problem}. "
                "Save the workbook again from Excel and resend it.",
                sheet, exc.cell,
            ) from exc
        except DefusedXmlException as exc:
            raise UnreadableWorkbook(
                "unsafe-xml",
                f"The part {name} contains a DTD or entity declarations ({type(exc).__name__}); "
                "the file was refused as unsafe. Copy the answers into a fresh template.",
            ) from exc
        except Exception as exc:  # expat, zlib, zipfile and handlers meeting nonsense: the part is damaged
            raise UnreadableWorkbook(
                "file-corrupt",
                f"The part {name} is damaged ({exc}). Save the workbook again from Excel and resend it.",
                sheet,
            ) from exc

    def _read_sheet_index(self) -> dict[str, str]:
        rels = _RelationshipsHandler()
        self._parse("xl/_rels/workbook.xml.rels", rels)
        book = _WorkbookHandler()
        self._parse("xl/workbook.xml", book)
        self.date1904 = book.date1904
        parts: dict[str, str] = {}
        for name, rid in book.sheets:
            if rid not in rels.targets:
                raise UnreadableWorkbook(
                    "file-corrupt",
                    f"The workbook lists the sheet '{name}' but its relationship {rid or '(none)'} is missing "
                    "from xl/_rels/workbook.xml.rels. Save it again from Excel and resend it.",
                    name,
                )
            parts[name] = rels.targets[rid]
        return parts

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self._has("xl/sharedStrings.xml"):
                self._parse("xl/sharedStrings.xml", _StringsHandler(self._strings))
        return self._strings

    def _number_formats(self) -> tuple[Shown | None, ...]:
        """For each cell style index: whether its number format shows a date, time, date and time or percentage."""
        if self._styles is None:
            self._styles = ()
            if self._has("xl/styles.xml"):
                with self._reading("xl/styles.xml"):
                    xml = self._zip.read(self._parts["xl/styles.xml"])
                    self._styles = (_styles_shown if len(xml) < 200_000 else _styles_shown.__wrapped__)(xml)
        return self._styles

    def _parse_sheet(self, name: str, part: str) -> Sheet:
        handler = _SheetHandler(Sheet(name), self._shared_strings, self._number_formats, self.date1904)
        self._parse(part, handler, name)
        return handler.sheet


class _Stop(Exception):
    """Raised by a handler to end parsing early."""


def _parser(handler: _Handler) -> expat.XMLParserType:
    """An expat parser that refuses DTDs and calls back only for what ``handler`` uses."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    if type(handler).end is not _Handler.end:
        parser.EndElementHandler = handler.end
    if type(handler).text is not _Handler.text:
        parser.CharacterDataHandler = handler.text
    return parser


@lru_cache(maxsize=32)
def _styles_shown(xml: bytes) -> tuple[Shown | None, ...]:
    """What each cell style's number format shows; remembered by content, as returns made from one template share it."""
    handler = _StylesHandler()
    try:
        _parser(handler).Parse(xml, True)
    except _Stop:
        pass
    return handler.shown()


def _refuse_dtd(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


@lru_cache(maxsize=1024)
def _local(name: str) -> str:
    return name.rpartition(" ")[2]


class _Handler:
    """expat callbacks for one part; subclasses override what they need."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element opens."""

    def end(self, name: str) -> None:
        """An element closes."""

    def text(self, data: str) -> None:
        """Character data."""


class _RelationshipsHandler(_Handler):
    """The workbook's relationships: target part by id, resolved against xl/."""

    def __init__(self) -> None:
        self.targets: dict[str, str] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name.endswith(" Relationship"):
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            self.targets[attrs.get("Id", "")] = posixpath.normpath(path)


class _WorkbookHandler(_Handler):
    """Sheet names with their relationship ids, and the date system."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheet":
            self.sheets.append((attrs.get("name", ""), next((attrs[k] for k in REL_IDS if k in attrs), "")))
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").strip().casefold() in ("1", "true")


class _NamesHandler(_Handler):
    """Workbook-level defined names (those without a localSheetId) and their text."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._name: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "definedName" and "localSheetId" not in attrs:
            self._name = attrs.get("name", "")
            self.names[self._name] = ""

    def end(self, name: str) -> None:
        self._name = None

    def text(self, data: str) -> None:
        if self._name is not None:
            self.names[self._name] += data


class _StylesHandler(_Handler):
    """Custom number formats and the number format of each cell style (cellXfs)."""

    def __init__(self) -> None:
        self.codes: dict[int, str] = {}
        self.format_ids: list[int] = []
        self.in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt":
            self.codes[_integer(attrs.get("numFmtId", ""), "numFmtId")] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            self.format_ids.append(_integer(attrs.get("numFmtId", "0"), "numFmtId"))
        elif self.in_cell_xfs and local in ("cellStyles", "dxfs", "tableStyles", "colors"):
            raise _Stop  # past cellXfs: nothing more is needed

    def shown(self) -> tuple[Shown | None, ...]:
        """Per style index, what its number format shows."""
        return tuple(shown_as(self.codes[i]) if i in self.codes else BUILTIN.get(i) for i in self.format_ids)


def _integer(text: str, what: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise _Damaged(f"{what} {text!r} is not a whole number")
    return int(text)


class _StringsHandler(_Handler):
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
            text = "".join(self.parts)
            self.strings.append(cell_string(text) if "_x" in text else text)

    def text(self, data: str) -> None:
        if self.in_text:
            self.parts.append(data)


class _SheetHandler(_Handler):
    """Builds a Sheet from a worksheet part, stopping at the row limit or the end of sheetData."""

    def __init__(self, sheet: Sheet, strings: Callable[[], list[str]], formats: Callable[[], tuple[Shown | None, ...]], date1904: bool) -> None:
        self.sheet = sheet
        self.strings = strings
        self.formats = formats
        self.date1904 = date1904
        self.row = 0
        self.col = 0
        self.kind = "n"
        self.style: str | None = None
        self.shown_by_style: dict[str, Shown | None] = {}
        self.value: list[str] | None = None
        self.formula: list[str] | None = None
        self.inline: list[str] | None = None
        self.buffer: list[str] | None = None
        self.in_phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            ref = attrs.get("r")
            if ref is None:
                self.col += 1
            else:
                row, self.col = parse_ref(ref)  # a ValueError names the reference
                if row != self.row:
                    raise _Damaged(f"cell {ref} is inside row {self.row}", ref)
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
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
            self.start_row(attrs.get("r"))
        elif local == "dimension":
            self.sheet.dimension = attrs.get("ref")
            for ref in (self.sheet.dimension or "A1").split(":"):
                parse_ref(ref)  # a ValueError names the reference

    def start_row(self, number: str | None) -> None:
        self.row = self.row + 1 if number is None else _integer(number, "the row number")
        if not 0 < self.row <= EXCEL_ROWS:
            raise _Damaged(f"row number {self.row} is outside a sheet")
        self.col = 0
        if self.row > MAX_ROWS:
            self.sheet.truncated_at_row = MAX_ROWS
            raise _Stop

    def ref(self) -> str:
        return cell_ref(self.row, self.col) if self.row and 0 < self.col <= EXCEL_COLUMNS else ""

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "f", "t"):
            self.buffer = None
        elif local == "rPh":
            self.in_phonetic = False
        elif local == "c":
            if not self.row or self.col > EXCEL_COLUMNS:
                raise _Damaged("a cell lies outside any row or past the last column", self.ref())
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
        if kind not in CELL_TYPES:
            raise _Damaged(f"cell type {kind!r} is not one Excel writes", self.ref())
        if kind == "inlineStr":
            inline = "".join(self.inline or [])
            if "_x" in inline:
                inline = cell_string(inline)
            return Cell(inline, formula) if inline or formula is not None else None
        raw = None if self.value is None else "".join(self.value)
        if not raw:
            return Cell(None, formula) if formula is not None else None
        if kind == "s":
            strings = self.strings()
            index = _integer(raw.strip(), "the shared string index")
            if index >= len(strings):
                raise _Damaged(f"it refers to shared string {index}, but the workbook has {len(strings)}", self.ref())
            return Cell(strings[index], formula)
        if kind == "str":
            return Cell(cell_string(raw) if "_x" in raw else raw, formula)
        if kind == "b":
            if raw.strip() not in ("0", "1", "true", "false"):
                raise _Damaged(f"the true/false value {raw!r} is neither", self.ref())
            return Cell(raw.strip() in ("1", "true"), formula)
        if kind == "e":
            return Cell(None, formula, error=raw)
        return Cell(self.number(raw), formula, shown_as="date" if kind == "d" else self.shown_as())

    def number(self, raw: str) -> float:
        """The stored number (or ISO date of a type d cell as its serial number)."""
        try:
            number = to_serial(raw.strip(), self.date1904) if self.kind == "d" else float(raw)
        except (ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number) or "_" in raw:
            what = "date" if self.kind == "d" else "number"
            raise _Damaged(f"the {what} {raw[:40]!r} stored in it is not one", self.ref())
        return number

    def shown_as(self) -> Shown | None:
        """What the cell's number format shows (remembered per style; a style past the table shows a plain number)."""
        style = self.style
        if style is None:
            return None
        if style not in self.shown_by_style:
            styles, index = self.formats(), _integer(style, "the style index")
            self.shown_by_style[style] = styles[index] if index < len(styles) else None
        return self.shown_by_style[style]

