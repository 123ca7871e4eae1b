"""Validate every XML part of a workbook or Word document against the ECMA-376 Transitional schemas.

The schemas are read from ``../shared/ooxml-schemas`` beside the checkout (never copied in); imports that name
the web (Dublin Core, xml.xsd) are resolved to the local copies and nothing is fetched from the network.
Parts are first read as an ECMA-only reader would, which is where the deliberate departures below are made.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree
from project import ROOT

SCHEMAS = ROOT.parent / "shared" / "ooxml-schemas"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
VML_DRAWING = "application/vnd.openxmlformats-officedocument.vmlDrawing"
LOCAL_IMPORTS = {"dc.xsd": "dublincore/dc.xsd", "dcterms.xsd": "dublincore/dcterms.xsd",
                 "dcmitype.xsd": "dublincore/dcmitype.xsd", "xml.xsd": "dublincore/xml.xsd"}

# Deliberate departures, each made in prepare() below, with the reason:
DEPARTURES = {
    "sml-t-space": "xml:space='preserve' on SpreadsheetML <t> is removed: Excel itself writes it and sml.xsd does not "
                   "allow it (shared/ooxml-schemas/README.md); it is not a defect.",
    "mc-ignorable": "Elements and attributes in namespaces a part marks mc:Ignorable, and mc:AlternateContent's Choice, "
                    "are dropped (the Fallback kept), as an ECMA-only reader does; those Office extensions have no "
                    "ECMA-376 schema.",
    "vml-root": "A legacy VML drawing (cell comments) has a bare <xml> root, as Excel writes it; ECMA-376 defines "
                "no such root element, so each child (o:shapelayout, v:shapetype, v:shape) is validated in turn.",
    "web-extensions": "The parts of an Office add-in (xlwings Lite's task pane and the code stored with it: "
                      "xl/webextensions/*.xml, [MS-OWEXML]) are outside ECMA-376: they are parsed, not validated.",
}
OFFICE_EXTENSIONS = {"http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11",
                     "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"}


class _LocalImports(etree.Resolver):
    """Point the schemas' web imports at the local copies; refuse any other web address."""

    def resolve(self, url: str, pubid: str | None, context: object) -> object:
        if not url.startswith(("http://", "https://")):
            return None
        local = LOCAL_IMPORTS.get(url.rsplit("/", 1)[-1])
        if local is None:
            raise OSError(f"a schema imports {url}, which has no local copy in {SCHEMAS}")
        return self.resolve_filename(str(SCHEMAS / local), context)


def schemas_or_skip() -> etree.XMLSchema:
    """One schema that imports every ECMA-376 Transitional and OPC schema; skip where the folder is absent (never in CI)."""
    if not SCHEMAS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the ECMA-376 schemas at {SCHEMAS} (shared/ beside the checkout).")
        pytest.skip(f"the ECMA-376 schemas are not at {SCHEMAS}")
    files = sorted(SCHEMAS.glob("OfficeOpenXML-XMLSchema-Transitional/*.xsd")) + sorted(SCHEMAS.glob("OpenPackagingConventions-XMLSchema/*.xsd"))
    imports = "".join(f'<xs:import namespace="{etree.parse(str(f)).getroot().get("targetNamespace")}" schemaLocation="{f.as_uri()}"/>'
                      for f in files)
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalImports())
    umbrella = etree.fromstring(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'.encode(),
                                parser, base_url=SCHEMAS.as_uri() + "/")
    return etree.XMLSchema(etree.ElementTree(umbrella))


def xml_parts(archive: zipfile.ZipFile) -> list[str]:
    """The package's XML parts, by their content types ([Content_Types].xml included)."""
    types = etree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{{{CONTENT_TYPES}}}Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{{{CONTENT_TYPES}}}Override")}

    def is_xml(name: str) -> bool:
        kind = overrides.get(name) or defaults.get(PurePosixPath(name).suffix.lstrip(".").lower(), "")
        return kind.endswith("xml") or kind == VML_DRAWING

    return ["[Content_Types].xml", *(n for n in archive.namelist() if not n.endswith("/") and n != "[Content_Types].xml" and is_xml(n))]


def prepare(root: etree._Element) -> list[etree._Element]:
    """The part as an ECMA-only reader sees it (the DEPARTURES above): the elements to validate."""
    ignorable = {ns for el in root.iter() if isinstance(el.tag, str) and (names := el.get(f"{{{MC}}}Ignorable"))
                 for ns in (el.nsmap.get(prefix) for prefix in names.split()) if ns}
    for choice in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent = choice.getparent()
        at = parent.index(choice)
        parent.remove(choice)
        fallback = choice.find(f"{{{MC}}}Fallback")
        for offset, child in enumerate(list(fallback) if fallback is not None else []):
            parent.insert(at + offset, child)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace in ignorable and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for attribute in list(el.attrib):
            if etree.QName(attribute).namespace in ignorable | {MC}:
                del el.attrib[attribute]
        if el.tag == f"{{{SML}}}t":
            el.attrib.pop(XML_SPACE, None)
    return list(root) if root.tag == "xml" else [root]


def schema_errors(schema: etree.XMLSchema, path: Path) -> dict[str, str]:
    """Each XML part that fails, with the schema's first error for it."""
    errors = {}
    with zipfile.ZipFile(path) as archive:
        for name in xml_parts(archive):
            root = etree.fromstring(archive.read(name))
            if etree.QName(root).namespace in OFFICE_EXTENSIONS:
                continue
            for element in prepare(root):
                if not schema.validate(element):
                    error = schema.error_log[0]
                    errors[name] = f"line {error.line}: {error.message}"
                    break
    return errors


def part_count(path: Path) -> int:
    """How many XML parts the package holds."""
    with zipfile.ZipFile(path) as archive:
        return len(xml_parts(archive))
