"""The v2 Cover fields an assessment summary needs: postal address, email and unique identifier (SPEC §2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_return

from svexcel.core.paths import SAMPLES
from svexcel.framework.model import Framework
from svexcel.tender.return_layout import COVER, COVER_FIRST_ROW, COVER_LABELS, SUPPLIER_LABELS
from svexcel.tender.return_reader import read_return

FIRST_NEW = COVER_FIRST_ROW + len(COVER_LABELS)


def test_template_asks_for_the_new_fields_in_unlocked_cells(blank_return: Path) -> None:
    from openpyxl import load_workbook

    cover = load_workbook(blank_return)[COVER]
    assert [cover.cell(FIRST_NEW + i, 1).value for i in range(3)] == list(SUPPLIER_LABELS)
    assert all(not cover.cell(FIRST_NEW + i, 2).protection.locked for i in range(3))


def test_reader_reads_the_new_fields(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    ret = read_return(make_return(blank_return, tmp_path / "r.xlsx", framework), framework)
    assert (ret.postal_address, ret.email, ret.unique_identifier) == ("1 High Street, Oxford OX1 1AA", "bids@example.org", "PUK-0001")
    assert not [f for f in ret.findings if f.type.startswith("no-")]


@pytest.mark.parametrize(("offset", "kind"), [(0, "no-postal-address"), (1, "no-email"), (2, "no-unique-identifier")])
def test_a_blank_field_is_a_warning_naming_its_cell(framework: Framework, blank_return: Path, tmp_path: Path, offset: int, kind: str) -> None:
    def blank(wb) -> None:
        wb[COVER].cell(FIRST_NEW + offset, 2).value = None
    ret = read_return(make_return(blank_return, tmp_path / "r.xlsx", framework, edit=blank), framework)
    assert not ret.rejected
    assert [(f.sheet, f.cell, f.type, f.severity) for f in ret.findings] == [(COVER, f"B{FIRST_NEW + offset}", kind, "warning")]


def test_a_return_from_the_v1_template_still_reads(framework: Framework, blank_return: Path, tmp_path: Path) -> None:
    def v1(wb) -> None:  # the v1 template had no such rows: its fingerprint is the same
        wb[COVER].delete_rows(FIRST_NEW, 3)
    ret = read_return(make_return(blank_return, tmp_path / "old.xlsx", framework, edit=v1), framework)
    assert not ret.rejected
    assert [f.type for f in ret.findings] == ["no-postal-address", "no-email", "no-unique-identifier"]
    assert "older template" in ret.findings[0].message


def test_every_sample_has_the_new_fields(framework: Framework) -> None:
    for path in sorted(SAMPLES.glob("*.xlsx")):
        ret = read_return(path, framework)
        assert ret.postal_address and "@" in ret.email and ret.unique_identifier.startswith("PUK-"), path.name
