"""The delivery chart: cumulative £ delivered against the expected profile, drawn with Pillow like the scoring charts."""

from __future__ import annotations

from typing import Callable, Sequence

from PIL import Image

from ..word.chart_fonts import StackDraw, chart_font
from ..word.charts import BAR, GRID, INK, MUTED, WHITE, Canvas, encode


def money_tick(value: float) -> str:
    """An axis label in pounds (the chart font has no £ sign; the key says GBP): 0, 500, 12k, 1.5m."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}m"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.0f}"


def _ticks(top: float) -> list[float]:
    """Round steps from 0 to at least ``top``: 1, 2 or 5 × a power of ten, 4 to 6 of them."""
    step = 1.0
    while top / step > 6:
        for factor in (2, 2.5, 2):
            step *= factor
            if top / step <= 6:
                break
    return [step * i for i in range(int(top / step) + 2) if step * (i - 1) < top]


def delivery_chart(expected: Sequence[float], delivered: Sequence[float], canvas: Canvas) -> bytes:
    """Cumulative £ expected over every period (dashed, hollow markers) and delivered so far (solid, filled markers)."""
    image = Image.new("L", (canvas.width, canvas.height), WHITE)
    draw = StackDraw(image)
    font, small = chart_font(canvas.px(9)), chart_font(canvas.px(8))
    pad = canvas.px(6)
    periods = max(len(expected), 1)
    high = max([*expected, *delivered, 1.0])
    scale = 1.0
    while high / scale > 1e6:
        scale *= 1e3
    ticks = [t * scale for t in _ticks(high / scale)]
    label_w = max(round(draw.textlength(money_tick(t), font=small)) for t in ticks) + pad
    left, right = label_w + pad, canvas.width - pad * 3
    top, bottom = pad * 2 + canvas.px(10), canvas.height - canvas.px(9) - pad * 2
    _legend(draw, pad, canvas, font)

    def x(p: int) -> float:
        return left + (p - 0.5) * (right - left) / periods

    def y(value: float) -> float:
        return bottom - max(value, 0.0) / ticks[-1] * (bottom - top)

    _axes(draw, ticks, periods, (left, top, right, bottom), x, y, canvas)
    dot = canvas.px(2.5)
    points = [(x(p), y(v)) for p, v in enumerate(expected, start=1)]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        _dashed(draw, (x0, y0), (x1, y1), canvas.px(4), MUTED, canvas.px(1.2))
    for px, py in points:
        draw.ellipse((px - dot, py - dot, px + dot, py + dot), outline=MUTED, fill=WHITE, width=canvas.px(1))
    line = [(x(p), y(v)) for p, v in enumerate(delivered, start=1)]
    if len(line) > 1:
        draw.line(line, fill=BAR, width=canvas.px(2.2), joint="curve")
    for px, py in line:
        draw.rectangle((px - dot, py - dot, px + dot, py + dot), fill=BAR)
    if delivered:
        k = len(delivered)
        draw.text((x(k) + pad, y(delivered[-1]) + pad // 2), money_tick(delivered[-1]), font=font, fill=INK, anchor="lt")
        if k <= len(expected):
            draw.text((x(k) - pad, y(expected[k - 1]) - pad // 2), money_tick(expected[k - 1]), font=small, fill=MUTED, anchor="rb")
    return encode(image, canvas)


def _axes(draw: StackDraw, ticks: Sequence[float], periods: int, box: tuple[int, int, int, int],
          x: Callable[[int], float], y: Callable[[float], float], canvas: Canvas) -> None:
    """Grid lines with £ labels, period labels (at most about twelve) and the axis lines."""
    left, top, right, bottom = box
    small, pad = chart_font(canvas.px(8)), canvas.px(6)
    for tick in ticks:
        draw.line([(left, y(tick)), (right, y(tick))], fill=GRID, width=1)
        draw.text((left - pad // 2, y(tick)), money_tick(tick), font=small, fill=MUTED, anchor="rm")
    every = max(1, round(periods / 12))
    for p in range(1, periods + 1):
        if p % every == 0 or p == 1:
            draw.text((x(p), bottom + pad // 2), f"P{p}", font=small, fill=MUTED, anchor="mt")
    draw.line([(left, top), (left, bottom), (right, bottom)], fill=INK, width=1)


def _legend(draw: StackDraw, pad: int, canvas: Canvas, font: object) -> None:
    """Key: the solid line is delivered, the dashed line with hollow markers is expected."""
    swatch, mid = canvas.px(18), pad + canvas.px(5)
    xpos = pad
    draw.line([(xpos, mid), (xpos + swatch, mid)], fill=BAR, width=canvas.px(2.2))
    draw.text((xpos + swatch + pad, mid), "Delivered so far (cumulative, GBP)", font=font, fill=INK, anchor="lm")
    xpos += swatch + 2 * pad + round(draw.textlength("Delivered so far (cumulative, GBP)", font=font)) + 3 * pad
    _dashed(draw, (xpos, mid), (xpos + swatch, mid), canvas.px(4), MUTED, canvas.px(1.2))
    draw.text((xpos + swatch + pad, mid), "Expected by the commitments (cumulative, GBP)", font=font, fill=INK, anchor="lm")


def _dashed(draw: StackDraw, start: tuple[float, float], end: tuple[float, float], dash: int, fill: int, width: int) -> None:
    """A dashed straight line."""
    (x0, y0), (x1, y1) = start, end
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    steps = max(1, int(length // dash))
    for i in range(0, steps, 2):
        a, b = i / steps, min((i + 1) / steps, 1.0)
        draw.line([(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)], fill=fill, width=width)
