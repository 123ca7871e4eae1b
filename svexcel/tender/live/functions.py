"""The live workbook's Python functions, from the workbook's tables as either xlwings edition passes them.

``udfs/svexcel_live.py`` (classic xlwings) and ``udfs/svexcel_lite.py`` (xlwings Lite) only hand ranges in and
tables out; what the functions answer, and how they refuse cells that cannot be scored, is decided here once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Callable, Sequence

from ...excel.book import answer, named_tables, number, table, text
from ...framework.model import Framework, FrameworkError
from ..return_reader import read_return
from .actions import beside_workbook
from .explain import Table, explain_return, findings_table, ranking_stability, score_table
from .inputs import LiveInputs, framework_from_tables, inputs_from_tables

INPUT_NAMES = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ReturnsTable", "QualityTable")
# The functions' table arguments as xlwings (classic and Lite) reads them: whole ranges, two-dimensional, with their help.
Settings = Annotated[list, {"doc": "The Settings table with its header: type SettingsTable", "ndim": 2}]
Themes = Annotated[list, {"doc": "The Themes table with its header: type ThemesTable", "ndim": 2}]
Outcomes = Annotated[list, {"doc": "The Outcomes table with its header: type OutcomesTable", "ndim": 2}]
Measures = Annotated[list, {"doc": "The Measures table with its header: type MeasuresTable", "ndim": 2}]
Returns = Annotated[list, {"doc": "The Returns table with its header: type ReturnsTable", "ndim": 2}]
Quality = Annotated[list, {"doc": "The Quality table with its header: type QualityTable", "ndim": 2}]
FormulaScores = Annotated[list, {"doc": "Optional: the Scores table (ScoresTable) to check the formulas against", "ndim": 2}]


def _scored(tables: Sequence[Any], respond: Callable[[LiveInputs], Table]) -> Table:
    """The answer computed from the workbook's six input tables, or why they cannot be scored."""
    return answer(inputs_from_tables, dict(zip(INPUT_NAMES, tables, strict=True)), respond, FrameworkError)


def scores(tables: Sequence[Any], formula_scores: Any = None) -> Table:
    """The engine's score table (with the formulas' agreement when ScoresTable is given)."""
    def respond(inputs: LiveInputs) -> Table:
        theirs = None if formula_scores is None or formula_scores == "" else table(formula_scores, "ScoresTable")
        return score_table(inputs, theirs)

    return _scored(tables, respond)


def explain(file: Any, tables: Sequence[Any]) -> Table:
    """How one return earned its points, one line a row."""
    return _scored(tables, lambda inputs: [[line] for line in explain_return(inputs, text(file, "the return's file name"))])


def stability(percent: Any, tables: Sequence[Any]) -> Table:
    """How the ranking changes when each theme weight moves up or down by ``percent``."""
    return _scored(tables, lambda inputs: ranking_stability(inputs, number(percent, "the percentage", 0, 100, "10 for 10%")))


def findings(path: Any, framework_tables: Sequence[Any], anchor: Path | None, where: str) -> Table:
    """What checking one return file against the workbook's framework finds; a relative path starts beside ``anchor``
    (the workbook, or a file in Lite's file area); ``where`` says so when no path is typed."""
    def respond(framework: Framework) -> Table:
        typed = text(path, "the return file's path").strip()
        if not typed or "\x00" in typed:  # no file name holds a NUL character
            return [[f"Type the return file's path (a relative path starts {where})."]]
        ret = read_return(beside_workbook(typed, anchor), framework)
        return findings_table(ret.findings, ret.file)

    return answer(framework_from_tables, dict(zip(INPUT_NAMES[:4], framework_tables, strict=True)), respond, FrameworkError)


def book_inputs(book: Any) -> LiveInputs:
    """An open workbook's current inputs, read through its defined names (unsaved edits included)."""
    return inputs_from_tables(*named_tables(book, INPUT_NAMES))
