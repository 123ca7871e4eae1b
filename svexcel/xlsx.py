"""Fast, safe reading of cell values and formulas from .xlsx/.xlsm files.

openpyxl needs two full loads to see both a formula and its cached value and
takes ~10 ms per small return; this reader streams only the sheets asked for,
keeps both, refuses unsafe XML (defusedxml) and zip bombs, and stops at a row
limit, so a sheet whose used range claims a million rows costs nothing.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Iterator

import defusedxml
import defusedxml.ElementTree as SafeET

MAX_ROWS = 5_000
MAX_COLUMNS = 200
MAX_PART_BYTES = 50_000_000
MAX_COMPRESSION_RATIO = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"

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


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


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

    def _parse(self, name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, object]]:
        """Stream-parse one part, turning unsafe or broken XML into UnreadableWorkbook."""
        with self._open_part(name) as fh:
            try:
                yield from SafeET.iterparse(fh, events=events)
            except defusedxml.DefusedXmlException as exc:
                raise UnreadableWorkbook(
                    "unsafe-xml",
                    f"The part {name} contains XML entity or DTD declarations ({type(exc).__name__}); "
                    "the file was refused as unsafe. Copy the answers into a fresh template.",
                ) from exc
            except (SafeET.ParseError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise UnreadableWorkbook(
                    "file-corrupt",
                    f"The part {name} is damaged ({exc}). Save the workbook again from Excel and resend it.",
                ) from exc

    def _read_sheet_index(self) -> dict[str, str]:
        targets: dict[str, str] = {}
        for _, elem in self._parse("xl/_rels/workbook.xml.rels"):
            if _local(elem.tag) == "Relationship":
                target = elem.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                targets[elem.get("Id", "")] = path
        sheets: dict[str, str] = {}
        for _, elem in self._parse("xl/workbook.xml"):
            if _local(elem.tag) == "sheet":
                rid = elem.get(f"{{{REL_NS}}}id") or elem.get(f"{{{STRICT_REL_NS}}}id") or ""
                if rid in targets:
                    sheets[elem.get("name", "")] = targets[rid]
        return sheets

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if "xl/sharedStrings.xml" in self._zip.namelist():
                for _, elem in self._parse("xl/sharedStrings.xml"):
                    if _local(elem.tag) == "si":
                        self._strings.append(_text_of(elem))
                        elem.clear()
        return self._strings

    def _parse_sheet(self, name: str, part: str) -> Sheet:
        sheet = Sheet(name)
        strings: list[str] | None = None
        row = 0
        col = 0
        for event, elem in self._parse(part, ("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "row":
                    row = int(elem.get("r") or row + 1)
                    col = 0
                    if row > MAX_ROWS:
                        sheet.truncated_at_row = MAX_ROWS
                        break
                elif tag == "dimension":
                    sheet.dimension = elem.get("ref")
                continue
            if tag == "c":
                ref = elem.get("r")
                col = parse_ref(ref)[1] if ref else col + 1
                if col <= MAX_COLUMNS:
                    kind = elem.get("t", "n")
                    if kind == "s" and strings is None:
                        strings = self._shared_strings()
                    cell = _cell(elem, kind, strings)
                    if cell is not None:
                        sheet.cells[(row, col)] = cell
                elem.clear()
            elif tag == "row":
                elem.clear()
            elif tag == "sheetData":
                break
        return sheet


def _text_of(elem: object) -> str:
    """Text of an <si> or <is> element: plain <t> or rich-text runs, without phonetic hints."""
    parts: list[str] = []
    for child in elem:  # type: ignore[attr-defined]
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _cell(elem: object, kind: str, strings: list[str] | None) -> Cell | None:
    """Decode one <c> element; None when it holds neither a value nor a formula."""
    raw: str | None = None
    formula: str | None = None
    inline: str | None = None
    for child in elem:  # type: ignore[attr-defined]
        tag = _local(child.tag)
        if tag == "v":
            raw = child.text
        elif tag == "f":
            formula = child.text or ""
        elif tag == "is":
            inline = _text_of(child)
    if kind == "inlineStr":
        return Cell(inline or "", formula) if inline or formula is not None else None
    if raw is None:
        return Cell(None, formula) if formula is not None else None
    if kind == "s":
        index = int(raw)
        return Cell(strings[index] if strings and 0 <= index < len(strings) else "", formula)
    if kind in ("str", "d"):
        return Cell(raw, formula)
    if kind == "b":
        return Cell(raw.strip() in ("1", "true"), formula)
    if kind == "e":
        return Cell(None, formula, error=raw)
    try:
        return Cell(float(raw), formula)
    except ValueError:
        return Cell(raw, formula)
