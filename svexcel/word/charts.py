"""Drawing charts for reports with Pillow in a few milliseconds: the canvas, palette, fonts, bars, axes and encoding.
Values and patterns carry the meaning, not colour."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from PIL import Image, ImageDraw

from ..core.formatting import percent
from .chart_fonts import ChartFont, StackDraw

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


@lru_cache(maxsize=4)
def hatch(spacing: int, width: int, height: int) -> Image.Image:
    """A canvas-sized tile of diagonal lines on white, cropped to fill outlined bars."""
    tile = Image.new("L", (width, height), WHITE)
    draw = ImageDraw.Draw(tile)
    for x in range(-height, width, spacing):
        draw.line([(x, height), (x + height, 0)], fill=MUTED, width=1)
    return tile


def fit(draw: StackDraw, text: str, font: ChartFont, width: int) -> str:
    """``text`` shortened with an ellipsis so it fits ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    fits, too_long = 0, len(text)  # the longest start that fits with the ellipsis, by halving (a name may be a page long)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if draw.textlength(text[:middle] + "…", font=font) <= width:
            fits = middle
        else:
            too_long = middle
    return text[:fits].rstrip() + "…"


def wrap(draw: StackDraw, text: str, font: ChartFont, width: int, lines: int) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width`` pixels, the last shortened if needed."""
    out: list[str] = []
    words = re.findall(r"[^\s/]+/?", text)
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(join(line, words[0]), font=font) <= width:
            line = join(line, words.pop(0))
        out.append(line)
    if words:
        out[-1] = fit(draw, " ".join([out[-1], *words]), font, width)
    return [fit(draw, line, font, width) for line in out]


def join(line: str, word: str) -> str:
    """Append a word to a line: directly after a slash, else after a space."""
    return f"{line}{word}" if line.endswith("/") else f"{line} {word}"


def encode(image: Image.Image, canvas: Canvas) -> bytes:
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


def outlined_bar(image: Image.Image, draw: StackDraw, box: tuple[int, int, int, int], spacing: int) -> None:
    """A hatched, outlined bar: the pattern tells it apart from a solid bar without colour."""
    x0, y0, x1, y1 = box
    if x1 - x0 >= 2 and y1 - y0 >= 2:
        image.paste(hatch(spacing, *image.size).crop((0, 0, x1 - x0, y1 - y0)), (x0, y0))
    draw.rectangle(box, outline=MUTED, width=2)


def axis(draw: StackDraw, left: int, right: int, top: int, bottom: int, font: ChartFont, ticks: Sequence[float]) -> None:
    """Vertical grid lines with percentage labels under the plot."""
    for tick in ticks:
        x = left + round(tick * (right - left))
        draw.line([(x, top), (x, bottom)], fill=GRID, width=1)
        draw.text((x, bottom + 4), percent(tick), font=font, fill=MUTED, anchor="mt")
