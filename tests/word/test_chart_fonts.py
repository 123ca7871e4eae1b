"""Charts draw every name: each character is drawn by a bundled font that has it, never as a missing-glyph box."""

from __future__ import annotations

import json

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from svexcel.tender.reports.charts import ThemeBar, comparison_chart, theme_scores_chart
from svexcel.word.chart_fonts import COVERAGE, FONTS, STACK, StackDraw, chart_font, runs
from svexcel.word.charts import Canvas, fit, wrap

NAMES = ["Ärzte & Søn Ltd", "Café Cymru – Gŵyl", "شركة الخير", "社会価値 株式会社", "绿色社区", "Équité – Ωmega"]
MISSING = "\U0010fffd"  # a private-use code point no bundled font draws


def bitmap(text: str, size: int = 24) -> bytes:
    """The pixels of ``text`` drawn with the chart font stack."""
    image = Image.new("L", (40 * len(text) + 40, 3 * size), 255)
    StackDraw(image).text((10, size), text, fill=0, font=chart_font(size))
    return image.tobytes()


def test_coverage_file_matches_the_fonts() -> None:
    coverage = json.loads(COVERAGE.read_text(encoding="utf-8"))
    for name in STACK:
        cmap = TTFont(FONTS / name, lazy=True)["cmap"].getBestCmap()
        assert sum(end - start + 1 for start, end in coverage[name]) == len(cmap), name


@pytest.mark.parametrize("name", NAMES)
def test_every_character_is_drawn_by_a_font_that_has_it(name: str) -> None:
    cmaps = [TTFont(FONTS / font, lazy=True)["cmap"].getBestCmap() for font in STACK]
    for index, run in runs(name):
        for char in run:
            assert char.isspace() or ord(char) in cmaps[index], f"{char!r} of {name!r} is not in {STACK[index]}"
    for char in set(name) - {" "}:
        assert bitmap(char) != bitmap(MISSING), f"{char!r} draws as the missing-glyph box"


def test_charts_with_these_names_render() -> None:
    canvas = Canvas(1200, 700)
    assert theme_scores_chart([ThemeBar(name, 0.5, 0.8) for name in NAMES], canvas)[:4] == b"\x89PNG"
    assert comparison_chart(NAMES[:3], [(name, [0.2, 0.5, 0.9]) for name in NAMES], canvas)[:4] == b"\x89PNG"


class CountingDraw(StackDraw):
    """A StackDraw that counts how often text is measured."""

    measured = 0

    def textlength(self, text, font=None, *args, **kwargs):  # type: ignore[override]
        CountingDraw.measured += 1
        assert CountingDraw.measured < 200, "measured 200 times for one label"
        return super().textlength(text, font, *args, **kwargs)


@pytest.mark.parametrize("name", ["Riverside Care Co-operative Limited of the Vale", "Org " * 9000, "社会価値 " * 5000 + "Ltd"])
def test_a_label_is_shortened_in_few_measurements_however_long(name: str) -> None:
    """A bidder's name pasted as a page of text (36,000 characters) was shortened one character at a time, measuring the
    whole rest each time: hours for one chart, so one return stalled the batch. Its chart label is the longest start that
    fits, found in a few dozen measurements."""
    font, width = chart_font(24), 300
    draw = CountingDraw(Image.new("L", (400, 60), 255))
    CountingDraw.measured = 0
    lines = wrap(draw, name, font, width, 2)
    CountingDraw.measured = -10_000  # measuring the result below is not counted
    assert len(lines) == 2 and all(draw.textlength(line, font=font) <= width for line in lines)
    shown = fit(draw, name, font, width)
    kept = len(shown) - 1  # the longest start that fits with its ellipsis, spaces at its end dropped
    assert shown.endswith("…") and draw.textlength(shown, font=font) <= width
    assert draw.textlength(name[:kept + 1] + "…", font=font) > width or name[kept].isspace()
