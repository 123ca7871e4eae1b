"""Text on charts in a stack of bundled fonts, so every name draws: each character in the first font that has it.

DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew, punctuation such as – and …) comes first, then Droid Sans
Fallback (Chinese and Japanese). Which characters each font has is read from ``fonts/coverage.json``, made
from the fonts' character maps by ``scripts/font_coverage.py``, so no font file is parsed to choose one and
the large fallback font is only opened when a label needs it.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent / "fonts"
STACK = ("DejaVuSans.ttf", "DroidSansFallbackFull.ttf")
COVERAGE = FONTS / "coverage.json"
ALIGN = {"l": 0.0, "m": 0.5, "r": 1.0}


@lru_cache(maxsize=1)
def _coverage() -> tuple[tuple[list[int], list[int]], ...]:
    """For each font of the stack, the starts and ends of the code point ranges it has glyphs for."""
    ranges = json.loads(COVERAGE.read_text(encoding="utf-8"))
    return tuple(([start for start, _ in ranges[name]], [end for _, end in ranges[name]]) for name in STACK)


def has_glyph(index: int, char: str) -> bool:
    """True if font ``index`` of the stack draws ``char``."""
    starts, ends = _coverage()[index]
    at = bisect_right(starts, ord(char)) - 1
    return at >= 0 and ord(char) <= ends[at]


def font_index(char: str) -> int:
    """The first font of the stack that has ``char`` (the first font if none has it)."""
    return next((i for i in range(len(STACK)) if has_glyph(i, char)), 0)


@lru_cache(maxsize=4096)
def runs(text: str) -> tuple[tuple[int, str], ...]:
    """``text`` cut into runs that each draw in one font of the stack; spaces stay in the run they are in."""
    if text.isascii():
        return ((0, text),)
    pieces: list[tuple[int, str]] = []
    for char in text:
        index = pieces[-1][0] if pieces and char.isspace() else font_index(char)
        if pieces and pieces[-1][0] == index:
            pieces[-1] = (index, pieces[-1][1] + char)
        else:
            pieces.append((index, char))
    return tuple(pieces)


class ChartFont:
    """One size of the font stack: measures and draws text run by run."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def font(self, index: int) -> ImageFont.FreeTypeFont:
        """Font ``index`` of the stack at this size, opened on first use."""
        if index not in self._fonts:
            self._fonts[index] = ImageFont.truetype(str(FONTS / STACK[index]), self.size)
        return self._fonts[index]

    def length(self, draw: ImageDraw.ImageDraw, text: str) -> float:
        """The width of ``text`` in pixels."""
        return sum(draw.textlength(part, font=self.font(index)) for index, part in runs(text))

    def text(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fill: Any, anchor: str = "la") -> None:
        """Draw ``text`` at ``xy`` (to the nearest pixel) with Pillow's two-letter ``anchor`` (horizontal l/m/r, then
        vertical); each run's glyphs are rendered once per process and stamped (a batch draws the same labels on every chart)."""
        parts = runs(text)
        if len(parts) == 1:
            self._stamp(draw, xy, parts[0][0], text, fill, anchor)
            return
        x = xy[0] - ALIGN[anchor[0]] * self.length(draw, text)
        for index, part in parts:
            self._stamp(draw, (x, xy[1]), index, part, fill, "l" + anchor[1])
            x += draw.textlength(part, font=self.font(index))

    def _stamp(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], index: int, text: str, fill: Any, anchor: str) -> None:
        mask, (left, top) = self._mask(index, text, anchor)
        draw.bitmap((round(xy[0]) + left, round(xy[1]) + top), mask, fill=fill)

    @lru_cache(maxsize=1024)  # noqa: B019 (one ChartFont per size per process: the cache lives as long as the fonts)
    def _mask(self, index: int, text: str, anchor: str) -> tuple[Image.Image, tuple[int, int]]:
        """``text`` in font ``index`` as an antialiased mask, and where its top left lies from the anchor point."""
        font = self.font(index)
        left, top, right, bottom = (math.floor(v) if i < 2 else math.ceil(v) for i, v in enumerate(font.getbbox(text, anchor=anchor)))
        mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
        ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor=anchor)
        return mask, (left, top)


class StackDraw(ImageDraw.ImageDraw):
    """An ``ImageDraw`` whose ``text`` and ``textlength`` also take a ``ChartFont`` and draw each run in its own font."""

    def textlength(self, text: str, font: Any = None, *args: Any, **kwargs: Any) -> float:  # type: ignore[override]
        if isinstance(font, ChartFont):
            return font.length(self, text)
        return super().textlength(text, font, *args, **kwargs)

    def text(self, xy: Any, text: Any, fill: Any = None, font: Any = None, anchor: str | None = None,
             *args: Any, **kwargs: Any) -> None:
        if isinstance(font, ChartFont):
            font.text(self, xy, text, fill, anchor or "la")
        else:
            super().text(xy, text, fill, font, anchor, *args, **kwargs)


@lru_cache(maxsize=16)
def chart_font(size: int) -> ChartFont:
    """The font stack at ``size`` pixels, one per size per process."""
    return ChartFont(size)
