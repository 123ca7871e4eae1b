"""Text from workbooks made safe to show: ``_xHHHH_`` escapes decoded, characters XML forbids removed."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Everything outside XML 1.0's Char production: C0 controls but tab, LF and CR; surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def decode_escapes(text: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes (``_x000B_`` → VT, ``_x005F_x0041_`` → ``_x0041_``); pairs of surrogates join."""
    if "_x" not in text:
        return text
    decoded = _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    if _SURROGATE.search(decoded):
        decoded = decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return decoded


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (they cannot be written to Word, Excel or strict parsers)."""
    return _NOT_XML.sub("", text)


def shown_safe(text: str) -> str:
    """``text`` with each character XML 1.0 forbids (lone surrogates from undecodable file names too) shown as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def cell_string(text: str) -> str:
    """A string as parsed from a workbook part, as the user typed it and safe for every output.

    expat already refuses forbidden characters in the XML itself, so only decoded escapes can bring them in.
    """
    return xml_safe(decode_escapes(text)) if "_x" in text else text
