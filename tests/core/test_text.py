"""Text from workbooks: Excel's _xHHHH_ escapes decoded, characters XML forbids removed."""

from __future__ import annotations

import pytest

from svexcel.core.text import cell_string, decode_escapes, xml_safe


@pytest.mark.parametrize("stored, typed", [
    ("Tab Co_x0009_Ltd", "Tab Co\tLtd"),
    ("Tab Co_x000b_VT Ltd", "Tab Co\x0bVT Ltd"),
    ("_x005F_x0041_", "_x0041_"),
    ("_x0041_", "A"),
    ("_xD83D__xDE00_", "\U0001f600"),
    ("a_x12_b _xZZZZ_", "a_x12_b _xZZZZ_"),
])
def test_escapes_decode_to_what_was_typed(stored: str, typed: str) -> None:
    assert decode_escapes(stored) == typed


@pytest.mark.parametrize("text, safe", [
    ("Tab Co\x0bVT\x00 Ltd\x1f", "Tab CoVT Ltd"),
    ("line\nbreak\ttab\r", "line\nbreak\ttab\r"),
    ("\ufffe\uffff\ud800Ärzte – Søn 😀", "Ärzte – Søn 😀"),
])
def test_xml_safe_removes_only_forbidden_characters(text: str, safe: str) -> None:
    assert xml_safe(text) == safe


def test_cell_string_decodes_then_strips() -> None:
    assert cell_string("Tab Co_x000b_VT Ltd") == "Tab CoVT Ltd"
    assert cell_string("lone _xD800_ surrogate") == "lone \ufffd surrogate"
