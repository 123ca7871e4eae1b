"""Charts draw every name: each character is drawn by a bundled font that has it, never as a missing-glyph box."""

from __future__ import annotations

import json

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from svexcel.tender.reports.charts import ThemeBar, comparison_chart, theme_scores_chart
from svexcel.word.chart_fonts import COVERAGE, FONTS, STACK, StackDraw, chart_font, runs
from svexcel.word.charts import Canvas

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
