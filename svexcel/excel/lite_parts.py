"""The xlwings Lite parts of a workbook: code stored as Office add-in settings in a web-extension part (MS-OWEXML).

xlwings Lite keeps a workbook's ``main.py`` and ``requirements.txt`` as Office document settings: each a
``we:property`` of ``xl/webextensions/webextension1.xml`` whose value is the text JSON-encoded (``/`` written
``\\/`` as Office writes it). A task pane part names that web extension, and the package's root relationships
name the task pane. openpyxl and LibreOffice drop these parts when they save a workbook, so they are added
last, to the finished file, as the VBA project of the classic workbook is.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Mapping
from xml.sax.saxutils import escape

from defusedxml import ElementTree

ADDIN_ID = "WA200008175"  # xlwings Lite in Microsoft's add-in store (AppSource)
ADDIN_VERSION = "1.0.0.0"
EXTENSION_ID = "{6A2C3E5B-8D1F-4C2A-9B7E-5F3D1A0C4E21}"  # this add-in's instance in the workbook (any fixed GUID)
WEBEXTENSION = "xl/webextensions/webextension1.xml"
TASKPANES = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
ROOT_RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
NS_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def setting_value(text: str) -> str:
    """A document setting as Office stores it: the text JSON-encoded, ``/`` escaped, other characters kept as they are."""
    return json.dumps(text, ensure_ascii=False).replace("/", "\\/")


def webextension_xml(properties: Mapping[str, str], store: str = "en-GB") -> str:
    """The web-extension part: the add-in's store reference and ``properties`` as its document settings."""
    settings = "".join(f'<we:property name={_attr(name)} value={_attr(setting_value(text))}/>' for name, text in properties.items())
    return (f'{XML_HEAD}<we:webextension xmlns:we="{NS_WE}" id="{EXTENSION_ID}">'
            f'<we:reference id="{ADDIN_ID.lower()}" version="{ADDIN_VERSION}" store={_attr(store)} storeType="OMEX"/>'
            f'<we:alternateReferences><we:reference id="{ADDIN_ID}" version="{ADDIN_VERSION}" store="{ADDIN_ID}" '
            f'storeType="OMEX"/></we:alternateReferences><we:properties>{settings}</we:properties><we:bindings/>'
            f'</we:webextension>')


def taskpanes_xml(visible: bool = True) -> str:
    """The task-pane part: one pane on the right, open when the workbook opens if ``visible``."""
    return (f'{XML_HEAD}<wetp:taskpanes xmlns:wetp="{NS_WETP}"><wetp:taskpane dockstate="right" visibility="{int(visible)}" '
            f'width="350" row="2"><wetp:webextensionref xmlns:r="{NS_R}" r:id="rId1"/></wetp:taskpane></wetp:taskpanes>')


def add_lite_parts(path: Path, properties: Mapping[str, str], store: str = "en-GB", visible: bool = True) -> Path:
    """Add the web-extension parts holding ``properties`` to the finished .xlsx at ``path``, rewritten in place
    (so give the temporary file a build writes before moving it into place)."""
    path = Path(path)
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    if WEBEXTENSION in parts or TASKPANES in parts:
        raise ValueError(f"{path.name} already holds web-extension parts.")
    parts[CONTENT_TYPES] = _add_before_end(parts[CONTENT_TYPES], "Types", (
        f'<Override PartName="/{TASKPANES}" ContentType="{CT_TASKPANES}"/>'
        f'<Override PartName="/{WEBEXTENSION}" ContentType="{CT_WEBEXTENSION}"/>'))
    parts[ROOT_RELS] = _add_before_end(parts[ROOT_RELS], "Relationships",
                                       f'<Relationship Id="{_free_id(parts[ROOT_RELS])}" Type="{REL_TASKPANES}" Target="{TASKPANES}"/>')
    parts[TASKPANES] = taskpanes_xml(visible).encode()
    parts[TASKPANES_RELS] = (f'{XML_HEAD}<Relationships xmlns="{NS_PR}"><Relationship Id="rId1" Type="{REL_WEBEXTENSION}" '
                             f'Target="webextension1.xml"/></Relationships>').encode()
    parts[WEBEXTENSION] = webextension_xml(properties, store).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


def read_lite_parts(path: Path) -> dict[str, str]:
    """The document settings a workbook's web extension holds (name to text), found through the package relationships."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if ROOT_RELS not in names:
            return {}
        panes = [rel.get("Target", "").lstrip("/") for rel in _relationships(z.read(ROOT_RELS)) if rel.get("Type") == REL_TASKPANES]
        if not panes or panes[0] not in names:
            return {}
        folder, _, base = panes[0].rpartition("/")
        rels = f"{folder}/_rels/{base}.rels"
        targets = [rel.get("Target", "") for rel in _relationships(z.read(rels))] if rels in names else []
        parts = [f"{folder}/{target}" for target in targets if f"{folder}/{target}" in names]
        if not parts:
            return {}
        root = ElementTree.fromstring(z.read(parts[0]))
    return {prop.get("name", ""): json.loads(prop.get("value", '""')) for prop in root.iter(f"{{{NS_WE}}}property")}


def _relationships(xml: bytes) -> list:
    return list(ElementTree.fromstring(xml).iter(f"{{{NS_PR}}}Relationship"))


def _free_id(rels: bytes) -> str:
    """A relationship id not yet used in ``rels``."""
    used = {rel.get("Id") for rel in _relationships(rels)}
    return next(f"rId{n}" for n in range(1, len(used) + 2) if f"rId{n}" not in used)


def _add_before_end(xml: bytes, root: str, fragment: str) -> bytes:
    """``fragment`` appended inside the document element ``root`` (its closing tag, with or without a prefix)."""
    text = xml.decode("utf-8")
    match = list(re.finditer(rf"</(?:\w+:)?{root}>", text))
    if not match:
        raise ValueError(f"No closing {root} element in the package part.")
    end = match[-1].start()
    return (text[:end] + fragment + text[end:]).encode("utf-8")


def _attr(text: str) -> str:
    """``text`` as a quoted XML attribute value (line breaks kept as character references)."""
    return '"' + escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}) + '"'
