"""Every XML part of every workbook and Word document svexcel writes validates against ECMA-376 (SPEC §10).

The files come from the commands themselves (demo, template, build, panel, moderate, the delivery commands)
and from the shipped templates and sample workbooks (tests/written.py); tests/ooxml.py says how parts are read and which
deliberate departures are made. A kind of file that fails for a known reason is marked below, naming the part
and the schema's error, with ``xfail(strict=True)``: it must fail until fixed, then the mark must go.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ooxml import part_count, schema_errors, schemas_or_skip
from written import KINDS

# Kinds known to fail, with the part and the schema's error: {kind: reason}. Empty: every kind validates.
KNOWN_FAILURES: dict[str, str] = {}


@pytest.fixture(scope="module")
def schema():
    return schemas_or_skip()


@pytest.mark.parametrize("kind", [pytest.param(k, marks=pytest.mark.xfail(reason=KNOWN_FAILURES[k], strict=True))
                                  if k in KNOWN_FAILURES else k for k in KINDS])
def test_every_xml_part_is_schema_valid(schema, written: Path, kind: str) -> None:
    files = sorted(written.glob(KINDS[kind]))
    assert files, f"no {kind} at {KINDS[kind]}"
    failures = {f"{f.relative_to(written)}:{part}": error for f in files for part, error in schema_errors(schema, f).items()}
    assert not failures, "\n".join(f"{where}: {error}" for where, error in failures.items())
    assert all(part_count(f) >= 6 for f in files)  # content types, relationships, properties and the parts themselves


def test_the_schemas_reject_what_they_should(schema, written: Path, tmp_path: Path) -> None:
    """The harness is not blind: an unknown element in a document and an unknown attribute in a sheet both fail."""
    import re
    import zipfile

    def spoil(source: Path, part: str, pattern: bytes, replacement: bytes) -> Path:
        target = tmp_path / f"spoilt{source.suffix}"
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
            for name in zin.namelist():
                data = zin.read(name)
                zout.writestr(name, re.sub(pattern, replacement, data, count=1) if name == part else data)
        return target

    document = spoil(written / "demo" / "comparison.docx", "word/document.xml", rb"(<w:body[^>]*>)", rb"\1<w:bogus/>")
    assert "bogus" in schema_errors(schema, document)["word/document.xml"]
    sheet = spoil(written / "return.xlsx", "xl/worksheets/sheet1.xml", rb"<c ", rb'<c bogus="1" ')
    assert "bogus" in schema_errors(schema, sheet)["xl/worksheets/sheet1.xml"]
