"""Edit a workbook's VBA project (``xl/vbaProject.bin``): list its modules, drop one, write the file back.

A VBA project is a compound file (MS-CFB) holding a ``PROJECT`` text stream, a
``PROJECTwm`` name map and, under ``VBA``, a compressed ``dir`` stream that lists
the modules, one stream per module and ``_VBA_PROJECT``. xlwings ships its project
as source only (``_VBA_PROJECT`` is the 7-byte header without a compiled cache), so
Office compiles the modules from their source when it opens the workbook; removing
a module is removing its ``dir`` record, its lines in ``PROJECT``, its name in
``PROJECTwm`` and its stream (MS-OVBA §2.3). olefile reads the compound file; the
writer below lays out a version-3 compound file (512-byte sectors, small streams in
the mini stream).
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

import olefile

Streams = dict[str, bytes]  # path inside the compound file ("VBA/dir") -> content

PROJECTMODULES = 0x000F
PROJECTVERSION = 0x0009
MODULENAME = 0x0019
MODULESTREAMNAME = 0x001A
MODULE_TERMINATOR = 0x002B
CODEPAGE = "cp1252"  # PROJECTCODEPAGE of xlwings' project; module names are ASCII


class VbaProjectError(Exception):
    """The VBA project is not laid out as MS-OVBA describes, so it was not changed."""


# --- MS-OVBA compression (§2.4.1) -------------------------------------------------------------------------------


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA compressed container."""
    if not data or data[0] != 1:
        raise VbaProjectError("A compressed VBA stream does not start with its signature byte.")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size, compressed = (header & 0x0FFF) + 3, header & 0x8000
        chunk, pos = data[pos + 2:pos + size], pos + size
        if not compressed:
            out += chunk
            continue
        start, i = len(out), 0
        while i < len(chunk):
            flags, i = chunk[i], i + 1
            for bit in range(8):
                if i >= len(chunk):
                    break
                if not flags >> bit & 1:
                    out.append(chunk[i])
                    i += 1
                    continue
                token = struct.unpack_from("<H", chunk, i)[0]
                i += 2
                offset_bits = max(4, (len(out) - start - 1).bit_length())
                length_mask = 0xFFFF >> offset_bits
                offset, length = (token >> (16 - offset_bits)) + 1, (token & length_mask) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def compress(data: bytes) -> bytes:
    """An MS-OVBA compressed container holding ``data`` (the matching of §2.4.1.3.6; plain chunks when that is shorter)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = _compress_chunk(data, start, min(start + 4096, len(data)))
        if len(chunk) > 4096 and start + 4096 <= len(data):
            out += struct.pack("<H", 0x3FFF) + data[start:start + 4096]
        elif len(chunk) > 4096:
            raise VbaProjectError("A VBA stream's last chunk does not compress to 4,096 bytes.")
        else:
            out += struct.pack("<H", 0xB000 | (len(chunk) + 2 - 3)) + chunk
    return bytes(out)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """One chunk's tokens: a flag byte before every eight, copy tokens for the longest earlier match of 3 bytes or more."""
    body = bytearray()
    seen: dict[bytes, list[int]] = {}  # earlier positions in this chunk by the 3 bytes found there

    def remember(upto: int, pos: int) -> int:
        for p in range(upto, pos):
            seen.setdefault(data[p:p + 3], []).append(p)
        return pos

    pos = upto = start
    while pos < end:
        flag_at, flags = len(body), 0
        body.append(0)
        for bit in range(8):
            if pos >= end:
                break
            offset_bits = max(4, (pos - start - 1).bit_length())
            max_length = (0xFFFF >> offset_bits) + 3
            best, best_at = 0, 0
            for candidate in reversed(seen.get(data[pos:pos + 3], []) if pos + 3 <= end else []):
                length = 3
                while pos + length < end and length < max_length and data[candidate + length] == data[pos + length]:
                    length += 1
                if length > best:
                    best, best_at = length, candidate
            step = best if best >= 3 else 1
            if best >= 3:
                body += struct.pack("<H", ((pos - best_at - 1) << (16 - offset_bits)) | (best - 3))
                flags |= 1 << bit
            else:
                body.append(data[pos])
            upto = remember(upto, pos + step)
            pos += step
        body[flag_at] = flags
    return bytes(body)


# --- the dir stream (§2.3.4.2) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One record of the decompressed dir stream, its id and size header included."""

    id: int
    raw: bytes

    @property
    def data(self) -> bytes:
        return self.raw[6:]


def dir_records(data: bytes) -> list[Record]:
    """The records of a decompressed dir stream."""
    records, pos = [], 0
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == PROJECTVERSION:
            size = 6  # its size field says 4 but a 2-byte minor version follows (§2.3.4.2.1.11)
        records.append(Record(rid, data[pos:pos + 6 + size]))
        pos += 6 + size
    return records


def modules(records: list[Record]) -> list[tuple[str, str, list[Record]]]:
    """Each module as (name, stream name, its records from MODULENAME to its terminator)."""
    found: list[tuple[str, str, list[Record]]] = []
    current: list[Record] = []
    for record in records:
        if record.id == MODULENAME:
            current = []
        current.append(record)
        if record.id == MODULE_TERMINATOR and current and current[0].id == MODULENAME:
            stream = next(r.data.decode(CODEPAGE) for r in current if r.id == MODULESTREAMNAME)
            found.append((current[0].data.decode(CODEPAGE), stream, current))
    return found


def remove_module(streams: Streams, name: str) -> Streams:
    """The project's streams without module ``name`` (its dir records, PROJECT lines, PROJECTwm names and stream)."""
    records = dir_records(decompress(streams["VBA/dir"]))
    matches = [m for m in modules(records) if m[0] == name]
    if not matches:
        raise VbaProjectError(f"The VBA project has no module {name}.")
    _, stream, gone = matches[0]
    kept = [r for r in records if not any(r is g for g in gone)]
    kept = [Record(r.id, r.raw[:6] + struct.pack("<H", len(modules(kept)))) if r.id == PROJECTMODULES else r for r in kept]
    project = streams["PROJECT"].decode(CODEPAGE).split("\r\n")
    project = [line for line in project if line != f"Module={name}" and not line.startswith(f"{name}=")]
    out = {path: data for path, data in streams.items() if path != f"VBA/{stream}"}
    out["VBA/dir"] = compress(b"".join(r.raw for r in kept))
    out["PROJECT"] = "\r\n".join(project).encode(CODEPAGE)
    if "PROJECTwm" in streams:
        out["PROJECTwm"] = _without_name_map_entry(streams["PROJECTwm"], name)
    return out


def _without_name_map_entry(data: bytes, name: str) -> bytes:
    """PROJECTwm without ``name``: pairs of a zero-ended MBCS name and a zero-ended UTF-16 name, then 0x0000."""
    entry = name.encode(CODEPAGE) + b"\x00" + name.encode("utf-16-le") + b"\x00\x00"
    pos = 0
    while pos < len(data) - 2:
        end = data.index(b"\x00", pos)
        wide_end = next(i for i in range(end + 1, len(data) - 1, 2) if data[i:i + 2] == b"\x00\x00") + 2
        if data[pos:wide_end] == entry:
            return data[:pos] + data[wide_end:]
        pos = wide_end
    return data


def module_sources(streams: Streams) -> dict[str, str]:
    """Each module's VBA source by module name."""
    records = dir_records(decompress(streams["VBA/dir"]))
    sources = {}
    for name, stream, own in modules(records):
        offset = next((struct.unpack_from("<I", r.data)[0] for r in own if r.id == 0x0031), 0)
        sources[name] = decompress(streams[f"VBA/{stream}"][offset:]).decode(CODEPAGE, errors="replace")
    return sources


# --- the compound file (MS-CFB) ---------------------------------------------------------------------------------


def read_streams(data: bytes) -> Streams:
    """Every stream of a compound file by its path."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir(streams=True, storages=False)}


SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
ENTRY = "<64sHBBIII16sIQQIQ"  # a 128-byte directory entry


def write_streams(streams: Streams) -> bytes:
    """A version-3 compound file holding ``streams`` (paths with at most one storage level, as a VBA project has)."""
    entries = _directory(streams)
    fat: list[int] = []
    big = bytearray()

    def allocate(content: bytes) -> int:
        if not content:
            return END
        first, count = len(fat), math.ceil(len(content) / SECTOR)
        fat.extend(range(first + 1, first + count))
        fat.append(END)
        big.extend(content.ljust(count * SECTOR, b"\x00"))
        return first

    mini_fat: list[int] = []
    mini = bytearray()
    for entry in entries:
        content = entry.content
        if entry.type != 2:
            continue
        if len(content) >= CUTOFF:
            entry.start = allocate(content)
            continue
        count = math.ceil(len(content) / MINI)
        entry.start = len(mini_fat) if content else END
        mini_fat.extend(range(len(mini_fat) + 1, len(mini_fat) + count))
        if count:
            mini_fat.append(END)
        mini.extend(content.ljust(count * MINI, b"\x00"))
    entries[0].start, entries[0].size = allocate(bytes(mini)), len(mini)
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    mini_fat_start = allocate(mini_fat_bytes.ljust(math.ceil(len(mini_fat_bytes) / SECTOR) * SECTOR, b"\xff"))
    directory = b"".join(e.pack() for e in entries)
    directory_start = allocate(directory + _FREE_ENTRY * (-len(entries) % 4))
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    if fat_count > 109:
        raise VbaProjectError("The VBA project is too large to write without a DIFAT.")
    fat_start = len(fat)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREE] * (fat_count * (SECTOR // 4) - len(fat)))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6,
        0, fat_count, directory_start, 0, CUTOFF, mini_fat_start if mini_fat else END, math.ceil(len(mini_fat) / 128), END, 0,
    )
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header += struct.pack("<109I", *difat)
    return header + bytes(big) + struct.pack(f"<{len(fat)}I", *fat)


@dataclass
class _Entry:
    name: str
    type: int  # 1 storage, 2 stream, 5 root
    content: bytes = b""
    children: tuple[int, ...] = ()
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    red: bool = False
    start: int = END
    size: int = 0

    def pack(self) -> bytes:
        name = self.name.encode("utf-16-le") + b"\x00\x00"
        size = self.size if self.type == 5 else len(self.content)
        start = 0 if self.type == 1 else self.start if size or self.type == 5 else END
        return struct.pack(ENTRY, name, len(name), self.type, 0 if self.red else 1, self.left, self.right,
                           self.child, b"\x00" * 16, 0, 0, 0, start, size)


_FREE_ENTRY = struct.pack(ENTRY, b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\x00" * 16, 0, 0, 0, 0, 0)


def _directory(streams: Streams) -> list[_Entry]:
    """Directory entries (root first) with each storage's children in a balanced red-black tree."""
    entries = [_Entry("Root Entry", 5)]
    storages: dict[str, int] = {"": 0}
    members: dict[int, list[int]] = {0: []}
    for path in sorted(streams):
        parent, _, name = path.rpartition("/")
        if "/" in parent:
            raise VbaProjectError(f"{path}: nested storages are not supported.")
        if parent not in storages:
            storages[parent] = len(entries)
            members[0].append(len(entries))
            members[len(entries)] = []
            entries.append(_Entry(parent, 1))
        members[storages[parent]].append(len(entries))
        entries.append(_Entry(name, 2, streams[path]))
    for owner, ids in members.items():
        ordered = sorted(ids, key=lambda i: (len(entries[i].name), entries[i].name.upper()))
        depth = max(1, len(ordered)).bit_length() - 1
        entries[owner].child = _tree(entries, ordered, 0, depth)
    return entries


def _tree(entries: list[_Entry], ordered: list[int], level: int, depth: int) -> int:
    """Link ``ordered`` (sorted ids) into a balanced tree and return its root; the nodes below the full levels are red."""
    if not ordered:
        return NOSTREAM
    mid = len(ordered) // 2
    node = entries[ordered[mid]]
    node.red = 0 < level == depth
    node.left = _tree(entries, ordered[:mid], level + 1, depth)
    node.right = _tree(entries, ordered[mid + 1:], level + 1, depth)
    return ordered[mid]
