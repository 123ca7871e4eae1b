"""Write svexcel/reports/fonts/coverage.json: the code point ranges each bundled chart font has glyphs for.

Run after changing a font in svexcel/reports/fonts/ (needs fontTools, in the test extra):
    .venv/bin/python scripts/font_coverage.py
tests/test_charts_fonts.py checks the file matches the fonts.
"""

from __future__ import annotations

import json

from fontTools.ttLib import TTFont

from svexcel.word.chart_fonts import COVERAGE, FONTS, STACK


def code_point_ranges(name: str) -> list[list[int]]:
    """[start, end] ranges of the code points in a font's character map."""
    ranges: list[list[int]] = []
    for point in sorted(TTFont(FONTS / name, lazy=True)["cmap"].getBestCmap()):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return ranges


def coverage_json() -> str:
    """The coverage file's text."""
    return json.dumps({name: code_point_ranges(name) for name in STACK}, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    COVERAGE.write_text(coverage_json(), encoding="utf-8")
    print(f"Wrote {COVERAGE}")
