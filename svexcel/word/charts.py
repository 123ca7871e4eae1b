"""Charts for reports, drawn with Pillow in a few milliseconds; values and patterns carry the meaning, not colour."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from PIL import Image, ImageDraw

from ..core.formatting import percent
from .chart_fonts import ChartFont, StackDraw, chart_font

# Charts are drawn in 8-bit grey (fast anti-aliased text) and saved as a palette PNG (fast to encode, small).
# Grey levels map to themselves, except the dark indices below INK, which anti-aliased text on a light
# background never produces, so they can stand for colours.
WHITE, BAND, GRID, MUTED, INK = 255, 244, 217, 89, 38
BAR = 1
BAR_RGB = (31, 78, 121)
PALETTE = [level for i in range(256) for level in ((i, i, i) if i != BAR else BAR_RGB)]
MIN_SIZE = (300, 150)
IMAGE_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "gif": "GIF", "bmp": "BMP", "tif": "TIFF", "tiff": "TIFF"}


@dataclass(frozen=True)
class Canvas:
    """A chart's size in pixels, its resolution, and the image format the document expects."""

    width: int
    height: int
    dpi: int = 150
    format: str = "PNG"

    def __post_init__(self) -> None:
        """Refuse a canvas too small to draw a legible chart on."""
        if self.width < MIN_SIZE[0] or self.height < MIN_SIZE[1]:
            raise ValueError(f"A chart needs at least {MIN_SIZE[0]}×{MIN_SIZE[1]} pixels, not {self.width}×{self.height}.")

    def px(self, points: float) -> int:
        """Typographic points to pixels at this resolution."""
        return max(1, round(points * self.dpi / 72))


@dataclass(frozen=True)
class ThemeBar:
    """One theme on the evaluation chart: its label, this return's score and the best score (0–1)."""

    label: str
    score: float
    best: float


def _font(size: int) -> ChartFont:
    """The bundled font stack (identical on every machine, so charts are byte-for-byte reproducible; every name draws)."""
    return chart_font(size)


@lru_cache(maxsize=4)
def _hatch(spacing: int, width: int, height: int) -> Image.Image:
    """A canvas-sized tile of diagonal lines on white, cropped to fill outlined bars."""
    tile = Image.new("L", (width, height), WHITE)
    draw = ImageDraw.Draw(tile)
    for x in range(-height, width, spacing):
        draw.line([(x, height), (x + height, 0)], fill=MUTED, width=1)
    return tile


def _fit(draw: StackDraw, text: str, font: ChartFont, width: int) -> str:
    """``text`` shortened with an ellipsis so it fits ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(draw: StackDraw, text: str, font: ChartFont, width: int, lines: int) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width`` pixels, the last shortened if needed."""
    out: list[str] = []
    words = re.findall(r"[^\s/]+/?", text)
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(_join(line, words[0]), font=font) <= width:
            line = _join(line, words.pop(0))
        out.append(line)
    if words:
        out[-1] = _fit(draw, " ".join([out[-1], *words]), font, width)
    return [_fit(draw, line, font, width) for line in out]


def _join(line: str, word: str) -> str:
    """Append a word to a line: directly after a slash, else after a space."""
    return f"{line}{word}" if line.endswith("/") else f"{line} {word}"


def _encode(image: Image.Image, canvas: Canvas) -> bytes:
    """The image in the document's format, with its resolution recorded and no timestamps."""
    paletted = Image.frombytes("P", image.size, image.tobytes())
    paletted.putpalette(PALETTE)
    buffer = io.BytesIO()
    if canvas.format == "PNG":
        paletted.save(buffer, "PNG", compress_level=1, dpi=(canvas.dpi, canvas.dpi))
    elif canvas.format == "JPEG":
        paletted.convert("RGB").save(buffer, "JPEG", quality=90, dpi=(canvas.dpi, canvas.dpi))
    else:
        paletted.save(buffer, canvas.format)
    return buffer.getvalue()


def _outlined_bar(image: Image.Image, draw: StackDraw, box: tuple[int, int, int, int], spacing: int) -> None:
    """A hatched, outlined bar: the pattern tells it apart from a solid bar without colour."""
    x0, y0, x1, y1 = box
    if x1 - x0 >= 2 and y1 - y0 >= 2:
        image.paste(_hatch(spacing, *image.size).crop((0, 0, x1 - x0, y1 - y0)), (x0, y0))
    draw.rectangle(box, outline=MUTED, width=2)


def _axis(draw: StackDraw, left: int, right: int, top: int, bottom: int, font: ChartFont, ticks: Sequence[float]) -> None:
    """Vertical grid lines with percentage labels under the plot."""
    for tick in ticks:
        x = left + round(tick * (right - left))
        draw.line([(x, top), (x, bottom)], fill=GRID, width=1)
        draw.text((x, bottom + 4), percent(tick), font=font, fill=MUTED, anchor="mt")


def theme_scores_chart(bars: Sequence[ThemeBar], canvas: Canvas) -> bytes:
    """Horizontal bars of one return's theme scores (solid) against the best offer (hatched), with values."""
    layout = _ThemeLayout(canvas, len(bars))
    image = _theme_background(tuple(b.label for b in bars), tuple(b.best for b in bars), canvas).copy()
    draw = StackDraw(image)
    font = _font(canvas.px(9))
    for i, bar in enumerate(bars):
        y0, y1 = layout.own_bar(i)
        end = layout.x(bar.score)
        if end > layout.left:
            draw.rectangle((layout.left, y0, end, y1), fill=BAR)
        draw.text((end + layout.pad // 2, (y0 + y1) / 2), percent(bar.score), font=font, fill=INK, anchor="lm")
    draw.line([(layout.left, layout.top), (layout.left, layout.bottom)], fill=INK, width=1)
    return _encode(image, canvas)


class _ThemeLayout:
    """Where things go on the evaluation chart."""

    def __init__(self, canvas: Canvas, count: int) -> None:
        self.pad = canvas.px(6)
        self.label_w = round(canvas.width * 0.27)
        self.left = self.label_w + self.pad
        best_label = round(StackDraw(Image.new("L", (1, 1))).textlength("best 100%", font=_font(canvas.px(8))))
        self.right = canvas.width - best_label - 2 * self.pad
        self.top = self.pad + canvas.px(14) + self.pad
        self.bottom = canvas.height - canvas.px(9) - 2 * self.pad
        self.band = (self.bottom - self.top) / max(count, 1)

    def x(self, share: float) -> int:
        """The x position of a 0–1 share."""
        return self.left + round(max(0.0, min(share, 1.0)) * (self.right - self.left))

    def own_bar(self, i: int) -> tuple[int, int]:
        """Top and bottom of theme ``i``'s solid bar."""
        y = round(self.top + i * self.band + self.band * 0.14)
        return y, round(y + self.band * 0.38)

    def best_bar(self, i: int) -> tuple[int, int]:
        """Top and bottom of theme ``i``'s hatched best-offer bar."""
        y = round(self.own_bar(i)[1] + self.band * 0.06)
        return y, round(y + self.band * 0.26)


@lru_cache(maxsize=8)
def _theme_background(labels: tuple[str, ...], bests: tuple[float, ...], canvas: Canvas) -> Image.Image:
    """Everything on the evaluation chart that is the same for every return of a batch: drawn once."""
    layout = _ThemeLayout(canvas, len(labels))
    image = Image.new("L", (canvas.width, canvas.height), WHITE)
    draw = StackDraw(image)
    font, small = _font(canvas.px(9)), _font(canvas.px(8))
    pad, swatch = layout.pad, canvas.px(10)
    x = pad
    draw.rectangle((x, pad, x + 2 * swatch, pad + swatch), fill=BAR)
    draw.text((x + 2 * swatch + pad, pad + swatch // 2), "This return", font=font, fill=INK, anchor="lm")
    x += 2 * swatch + 2 * pad + round(draw.textlength("This return", font=font)) + 3 * pad
    _outlined_bar(image, draw, (x, pad, x + 2 * swatch, pad + swatch), canvas.px(3))
    draw.text((x + 2 * swatch + pad, pad + swatch // 2), "Best offer among all scored returns", font=font, fill=INK, anchor="lm")
    _axis(draw, layout.left, layout.right, layout.top, layout.bottom, small, (0, 0.25, 0.5, 0.75, 1))
    line_h = canvas.px(10.5)
    for i, (label, best) in enumerate(zip(labels, bests, strict=False)):
        middle = layout.top + (i + 0.5) * layout.band
        lines = _wrap(draw, label, font, layout.label_w - pad, 2)
        for j, line in enumerate(lines):
            draw.text((layout.label_w, middle + (j - (len(lines) - 1) / 2) * line_h), line, font=font, fill=INK, anchor="rm")
        y0, y1 = layout.best_bar(i)
        end = layout.x(best)
        _outlined_bar(image, draw, (layout.left, y0, max(end, layout.left + 1), y1), canvas.px(3))
        draw.text((end + pad // 2, (y0 + y1) / 2), f"best {percent(best)}", font=small, fill=MUTED, anchor="lm")
    return image


def comparison_chart(themes: Sequence[str], rows: Sequence[tuple[str, Sequence[float]]], canvas: Canvas) -> bytes:
    """One panel per theme, one labelled bar per return (in rank order), so many returns stay readable."""
    image = Image.new("L", (canvas.width, canvas.height), WHITE)
    draw = StackDraw(image)
    font, small = _font(canvas.px(8.5)), _font(canvas.px(7.5))
    pad = canvas.px(4)
    label_w = round(canvas.width * 0.24)
    panel_w = (canvas.width - label_w) / max(len(themes), 1)
    title_lines = 3
    line_h = canvas.px(9)
    top = pad + title_lines * line_h + pad
    bottom = canvas.height - pad
    band = (bottom - top) / max(len(rows), 1)
    name_h = canvas.px(10)
    for i, (name, _) in enumerate(rows):
        middle = top + (i + 0.5) * band
        lines = _wrap(draw, name, font, label_w - 2 * pad, 2 if band >= 2.2 * name_h else 1)
        for j, line in enumerate(lines):
            draw.text((label_w - pad, middle + (j - (len(lines) - 1) / 2) * name_h), line, font=font, fill=INK, anchor="rm")
    for t, theme in enumerate(themes):
        x0 = round(label_w + t * panel_w)
        x1 = round(label_w + (t + 1) * panel_w) - pad
        draw.rectangle((x0, top, x1, bottom), fill=BAND if t % 2 == 0 else WHITE)
        for j, line in enumerate(_wrap(draw, theme, small, x1 - x0, title_lines)):
            draw.text(((x0 + x1) / 2, pad + j * line_h), line, font=small, fill=INK, anchor="mt")
        value_w = round(draw.textlength("100%", font=small)) + pad
        span = x1 - x0 - value_w - pad
        for i, (_, scores) in enumerate(rows):
            y = top + i * band
            h = max(1, round(band * 0.6))
            y_bar = round(y + (band - h) / 2)
            score = max(0.0, min(scores[t], 1.0))
            end = x0 + pad // 2 + round(score * span)
            if end > x0 + pad // 2:
                draw.rectangle((x0 + pad // 2, y_bar, end, y_bar + h), fill=BAR)
            draw.text((end + pad // 2, y_bar + h / 2), percent(scores[t]), font=small, fill=INK, anchor="lm")
        draw.line([(x0, top), (x0, bottom)], fill=MUTED, width=1)
    return _encode(image, canvas)
