"""The tender's charts: one return's theme scores against the best offer, and every return's theme scores side by side."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from PIL import Image

from ...core.formatting import percent
from ...word.chart_fonts import StackDraw, chart_font
from ...word.charts import BAND, BAR, INK, MUTED, WHITE, Canvas, axis, encode, outlined_bar, wrap


@dataclass(frozen=True)
class ThemeBar:
    """One theme on the evaluation chart: its label, this return's score and the best score (0–1)."""

    label: str
    score: float
    best: float



def theme_scores_chart(bars: Sequence[ThemeBar], canvas: Canvas) -> bytes:
    """Horizontal bars of one return's theme scores (solid) against the best offer (hatched), with values."""
    layout = _ThemeLayout(canvas, len(bars))
    image = _theme_background(tuple(b.label for b in bars), tuple(b.best for b in bars), canvas).copy()
    draw = StackDraw(image)
    font = chart_font(canvas.px(9))
    for i, bar in enumerate(bars):
        y0, y1 = layout.own_bar(i)
        end = layout.x(bar.score)
        if end > layout.left:
            draw.rectangle((layout.left, y0, end, y1), fill=BAR)
        draw.text((end + layout.pad // 2, (y0 + y1) / 2), percent(bar.score), font=font, fill=INK, anchor="lm")
    draw.line([(layout.left, layout.top), (layout.left, layout.bottom)], fill=INK, width=1)
    return encode(image, canvas)


class _ThemeLayout:
    """Where things go on the evaluation chart."""

    def __init__(self, canvas: Canvas, count: int) -> None:
        self.pad = canvas.px(6)
        self.label_w = round(canvas.width * 0.27)
        self.left = self.label_w + self.pad
        best_label = round(StackDraw(Image.new("L", (1, 1))).textlength("best 100%", font=chart_font(canvas.px(8))))
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
    font, small = chart_font(canvas.px(9)), chart_font(canvas.px(8))
    pad, swatch = layout.pad, canvas.px(10)
    x = pad
    draw.rectangle((x, pad, x + 2 * swatch, pad + swatch), fill=BAR)
    draw.text((x + 2 * swatch + pad, pad + swatch // 2), "This return", font=font, fill=INK, anchor="lm")
    x += 2 * swatch + 2 * pad + round(draw.textlength("This return", font=font)) + 3 * pad
    outlined_bar(image, draw, (x, pad, x + 2 * swatch, pad + swatch), canvas.px(3))
    draw.text((x + 2 * swatch + pad, pad + swatch // 2), "Best offer among all scored returns", font=font, fill=INK, anchor="lm")
    axis(draw, layout.left, layout.right, layout.top, layout.bottom, small, (0, 0.25, 0.5, 0.75, 1))
    line_h = canvas.px(10.5)
    for i, (label, best) in enumerate(zip(labels, bests, strict=False)):
        middle = layout.top + (i + 0.5) * layout.band
        lines = wrap(draw, label, font, layout.label_w - pad, 2)
        for j, line in enumerate(lines):
            draw.text((layout.label_w, middle + (j - (len(lines) - 1) / 2) * line_h), line, font=font, fill=INK, anchor="rm")
        y0, y1 = layout.best_bar(i)
        end = layout.x(best)
        outlined_bar(image, draw, (layout.left, y0, max(end, layout.left + 1), y1), canvas.px(3))
        draw.text((end + pad // 2, (y0 + y1) / 2), f"best {percent(best)}", font=small, fill=MUTED, anchor="lm")
    return image


def comparison_chart(themes: Sequence[str], rows: Sequence[tuple[str, Sequence[float]]], canvas: Canvas) -> bytes:
    """One panel per theme, one labelled bar per return (in rank order), so many returns stay readable."""
    image = Image.new("L", (canvas.width, canvas.height), WHITE)
    draw = StackDraw(image)
    font, small = chart_font(canvas.px(8.5)), chart_font(canvas.px(7.5))
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
        lines = wrap(draw, name, font, label_w - 2 * pad, 2 if band >= 2.2 * name_h else 1)
        for j, line in enumerate(lines):
            draw.text((label_w - pad, middle + (j - (len(lines) - 1) / 2) * name_h), line, font=font, fill=INK, anchor="rm")
    for t, theme in enumerate(themes):
        x0 = round(label_w + t * panel_w)
        x1 = round(label_w + (t + 1) * panel_w) - pad
        draw.rectangle((x0, top, x1, bottom), fill=BAND if t % 2 == 0 else WHITE)
        for j, line in enumerate(wrap(draw, theme, small, x1 - x0, title_lines)):
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
    return encode(image, canvas)
