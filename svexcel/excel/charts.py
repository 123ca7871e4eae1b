"""Alternative text for a saved workbook's charts (SPEC §10): openpyxl writes charts without it, so each drawing's
chart frames get the description of their chart, found by the chart's title."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from xml.sax.saxutils import quoteattr, unescape

_FRAME = re.compile(r"<((?:\w+:)?graphicFrame)\b.*?</\1>", re.S)
_PROPS = re.compile(r"<((?:\w+:)?cNvPr)\b([^>]*?)(/?)>")
_DESCR = re.compile(r'\sdescr="[^"]*"')
_CHART_REF = re.compile(r'<(?:\w+:)?chart\b[^>]*?\br:id="([^"]+)"')
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*/>")
_TITLE = re.compile(r"<((?:\w+:)?title)>(.*?)</\1>", re.S)
_TEXT = re.compile(r"<(?:\w+:)?t>([^<]*)</(?:\w+:)?t>")


def chart_title(chart_xml: str) -> str:
    """The text of a chart part's title ("" when it has none)."""
    match = _TITLE.search(chart_xml)
    return unescape("".join(_TEXT.findall(match.group(2)))) if match else ""


def drawing_charts(drawing_part: str, rels_xml: str) -> dict[str, str]:
    """A drawing's relationship ids to the chart parts they name, as zip paths."""
    folder = posixpath.dirname(drawing_part)
    charts = {}
    for rel in _RELATIONSHIP.findall(rels_xml):
        rid, target = re.search(r'\bId="([^"]+)"', rel), re.search(r'\bTarget="([^"]+)"', rel)
        if rid and target and re.search(r'\bType="[^"]*/chart"', rel):
            path = target.group(1)
            charts[rid.group(1)] = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(folder, path))
    return charts


def describe_charts(drawing_xml: str, titles: Mapping[str, str], descriptions: Mapping[str, str]) -> str:
    """``drawing_xml`` with each chart frame's ``descr`` set to the description of its chart's title; ``titles`` maps
    the drawing's relationship ids to chart titles. A chart whose title has no description is left as it is."""

    def frame(match: re.Match[str]) -> str:
        ref = _CHART_REF.search(match.group(0))
        text = descriptions.get(titles.get(ref.group(1), "")) if ref else None
        if text is None:
            return match.group(0)
        return _PROPS.sub(lambda p: f"<{p.group(1)}{_DESCR.sub('', p.group(2))} descr={quoteattr(text)}{p.group(3)}>",
                          match.group(0), count=1)

    return _FRAME.sub(frame, drawing_xml)
