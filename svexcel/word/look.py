"""How a run of text in a Word document looks once Word has resolved it: size, bold, colour and the fill behind it.

Properties are layered as Word layers them: document defaults, then the table style, the paragraph style (and the
styles it is based on), the character style, and the run's own formatting; theme colours come from the document's
theme with their tint or shade, and the fill behind the text from the run's shading or highlight, the paragraph's
shading, the cell's, the table's, and last the page colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
DEFAULT_SIZE = 20  # half-points: Word's size when nothing sets one
WHITE = "FFFFFF"
HIGHLIGHTS = {
    "black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF", "red": "FF0000",
    "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
    "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080", "lightGray": "C0C0C0",
}
THEME_SLOTS = {"dark1": "dk1", "light1": "lt1", "dark2": "dk2", "light2": "lt2", "hyperlink": "hlink",
               "followedHyperlink": "folHlink", **{f"accent{i}": f"accent{i}" for i in range(1, 7)}}
DEFAULT_MAPPING = {"text1": "dark1", "background1": "light1", "text2": "dark2", "background2": "light2"}
OFF = {"0", "false", "off"}


def w(name: str) -> str:
    """A WordprocessingML name in Clark notation."""
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class Look:
    """What one run of text looks like: size in points, bold, its colour (None: automatic) and the fill behind it."""

    size: float
    bold: bool
    colour: str | None
    fill: str


class Styles:
    """A document's styles, theme and colour mapping, to resolve how its text looks."""

    def __init__(self, styles: etree._Element | None, theme: etree._Element | None, settings: etree._Element | None,
                 background: str | None = None) -> None:
        self._styles = {s.get(w("styleId")): s for s in (styles.iter(w("style")) if styles is not None else ())}
        self._defaults = {kind: next((sid for sid, s in self._styles.items() if s.get(w("type")) == kind and s.get(w("default")) in ("1", "true")), None)
                          for kind in ("paragraph", "table", "character")}
        rpr = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}") if styles is not None else None
        self.default_rpr = rpr
        self._theme = _theme_colours(theme)
        mapping = settings.find(w("clrSchemeMapping")) if settings is not None else None
        self._mapping = dict(DEFAULT_MAPPING)
        if mapping is not None:
            self._mapping.update({_mapping_name(etree.QName(k).localname): v for k, v in mapping.attrib.items()})
        self.background = background or WHITE

    def name(self, style_id: str | None) -> str:
        """A style's name as Word shows it (its id when it has none): built-in names such as 'heading 1' capitalised."""
        style = self._styles.get(style_id or "")
        name = style.find(w("name")) if style is not None else None
        text = name.get(w("val"), "") if name is not None else (style_id or "")
        return text[:1].upper() + text[1:]

    def paragraph_style(self, paragraph: etree._Element) -> str | None:
        """The id of a paragraph's style (the default paragraph style when it names none)."""
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        return style.get(w("val")) if style is not None else self._defaults["paragraph"]

    def outline_level(self, paragraph: etree._Element) -> int | None:
        """A paragraph's heading level (1 for Heading 1), or None for body text."""
        for ppr in reversed([paragraph.find(w("pPr")), *self._chain(self.paragraph_style(paragraph), "pPr")]):
            level = ppr.find(w("outlineLvl")) if ppr is not None else None
            if level is not None:
                value = int(level.get(w("val"), "9"))
                return value + 1 if value < 9 else None
        return None

    def look(self, run: etree._Element, paragraph: etree._Element, cell: etree._Element | None,
             table: etree._Element | None) -> Look:
        """How ``run`` (in ``paragraph``, in ``cell`` of ``table`` if any) looks."""
        layers = [self.default_rpr]
        if table is not None:
            layers += self._chain(_val(table.find(f"{w('tblPr')}/{w('tblStyle')}")) or self._defaults["table"], "rPr")
        layers += self._chain(self.paragraph_style(paragraph), "rPr")
        rpr = run.find(w("rPr"))
        if rpr is not None:
            layers += self._chain(_val(rpr.find(w("rStyle"))) or self._defaults["character"], "rPr")
        layers.append(rpr)
        size = _last(layers, "sz")
        bold = _last(layers, "b")
        colour = _last(layers, "color")
        return Look(int(size.get(w("val"), DEFAULT_SIZE)) / 2 if size is not None else DEFAULT_SIZE / 2,
                    bold is not None and bold.get(w("val"), "1") not in OFF,
                    self._colour(colour) if colour is not None else None,
                    self._fill(rpr, paragraph, cell, table))

    def _fill(self, rpr: etree._Element | None, paragraph: etree._Element, cell: etree._Element | None,
              table: etree._Element | None) -> str:
        """The colour behind a run: its highlight or shading, else the paragraph's, the cell's, the table's, the page's."""
        if rpr is not None:
            highlight = _val(rpr.find(w("highlight")))
            if highlight in HIGHLIGHTS:
                return HIGHLIGHTS[highlight]
        ppr_layers = [*self._chain(self.paragraph_style(paragraph), "pPr"), paragraph.find(w("pPr"))]
        for shd in (rpr.find(w("shd")) if rpr is not None else None, _last(ppr_layers, "shd"),
                    _cell_part(cell, "tcPr"), _cell_part(table, "tblPr")):
            colour = self.shading(shd)
            if colour is not None:
                return colour
        return self.background

    def shading(self, shd: etree._Element | None) -> str | None:
        """The colour a w:shd paints, or None when it paints nothing."""
        if shd is None:
            return None
        fill = self._theme_or_rgb(shd.get(w("themeFill")), shd.get(w("themeFillTint")), shd.get(w("themeFillShade")), shd.get(w("fill")))
        pattern = self._theme_or_rgb(shd.get(w("themeColor")), shd.get(w("themeTint")), shd.get(w("themeShade")), shd.get(w("color")))
        kind = shd.get(w("val"), "clear")
        if kind == "solid":
            return pattern or fill
        if kind.startswith("pct") and kind[3:].isdigit() and pattern is not None:
            return _mix(pattern, fill or WHITE, int(kind[3:]) / 100)
        return fill

    def _colour(self, colour: etree._Element) -> str | None:
        """A w:color as RRGGBB, or None for automatic."""
        return self._theme_or_rgb(colour.get(w("themeColor")), colour.get(w("themeTint")), colour.get(w("themeShade")), colour.get(w("val")))

    def _theme_or_rgb(self, theme: str | None, tint: str | None, shade: str | None, rgb: str | None) -> str | None:
        """A theme colour with its tint or shade when the theme has it, else the RGB value; None for 'auto' or nothing."""
        base = self._theme.get(THEME_SLOTS.get(self._mapping.get(theme, theme) or "", "")) if theme else None
        if base is None:
            return rgb.upper() if rgb and rgb.lower() != "auto" and len(rgb) == 6 else None
        if tint:
            return _mix(base, WHITE, int(tint, 16) / 255)
        if shade:
            return _mix(base, "000000", int(shade, 16) / 255)
        return base

    def _chain(self, style_id: str | None, part: str) -> list[etree._Element]:
        """A style's ``part`` (rPr or pPr) and those of the styles it is based on, the base first."""
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            found = style.find(w(part))
            if found is not None:
                chain.insert(0, found)
            style_id = _val(style.find(w("basedOn")))
        return chain


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two RRGGBB colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ancestors(element: etree._Element) -> Iterator[etree._Element]:
    """The element's ancestors, nearest first."""
    parent = element.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def _luminance(colour: str) -> float:
    """WCAG relative luminance of an RRGGBB colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _mix(colour: str, other: str, share: float) -> str:
    """``share`` of ``colour`` over ``other``."""
    return "".join(f"{round(int(colour[i:i + 2], 16) * share + int(other[i:i + 2], 16) * (1 - share)):02X}" for i in (0, 2, 4))


def _theme_colours(theme: etree._Element | None) -> dict[str, str]:
    """The theme's colour scheme: slot (dk1, accent1 …) to RRGGBB."""
    scheme = theme.find(f".//{{{A}}}clrScheme") if theme is not None else None
    colours = {}
    for slot in scheme if scheme is not None else ():
        if not isinstance(slot.tag, str) or not len(slot):
            continue
        value = slot[0].get("lastClr") or slot[0].get("val")
        if value and len(value) == 6:
            colours[etree.QName(slot).localname] = value.upper()
    return colours


def _mapping_name(attribute: str) -> str:
    """clrSchemeMapping's attribute names (bg1, t1 …) as w:themeColor values (background1, text1 …)."""
    return {"bg1": "background1", "t1": "text1", "bg2": "background2", "t2": "text2"}.get(attribute, attribute)


def _last(layers: list[etree._Element | None], name: str) -> etree._Element | None:
    """The highest layer's ``name`` property."""
    for layer in reversed(layers):
        found = layer.find(w(name)) if layer is not None else None
        if found is not None:
            return found
    return None


def _cell_part(element: etree._Element | None, part: str) -> etree._Element | None:
    """A cell's or table's own shading."""
    props = element.find(w(part)) if element is not None else None
    return props.find(w("shd")) if props is not None else None


def _val(element: etree._Element | None) -> str | None:
    return element.get(w("val")) if element is not None else None
