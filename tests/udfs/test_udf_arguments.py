"""Every Excel function answers in words, whatever its cells hold: text, blanks, errors, dates, or ranges of the wrong
shape get a sentence saying what to type, never a traceback (a property test over every UDF of both editions)."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest
import svexcel_lite
import svexcel_live
import svexcel_monitor
from builders import quality_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from svexcel.core.paths import DELIVERY_SAMPLES, SAMPLE_QUALITY, SAMPLES
from svexcel.delivery.live.workbook import build_monitor_from_folder
from svexcel.tender.live.workbook import build_from_folder

TENDER_TABLES = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ReturnsTable", "QualityTable")
MONITOR_TABLES = ("SettingsTable", "ThemesTable", "OutcomesTable", "MeasuresTable", "ContractsTable", "ActualsTable")
ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!")
CELLS = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**18), 10**18),
    st.text(max_size=30), st.sampled_from([*ERRORS, "", " ", "Yes", "no", "10 %", "1,200", "£5", "75%", "1e400", "\x00"]),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1)),
)


def named(path: Path, names: tuple[str, ...]) -> list[list[list[Any]]]:
    """Named ranges as Excel hands them to a function: rows of cells, None for blanks, floats for numbers."""
    wb = load_workbook(path, keep_vba=True)
    out = []
    for name in names:
        sheet, ref = wb.defined_names[name].attr_text.split("!")
        out.append([[float(c.value) if isinstance(c.value, int) and not isinstance(c.value, bool) else c.value for c in row]
                    for row in wb[sheet][ref.replace("$", "")]])
    return out


@functools.cache
def real_tables() -> dict[str, list[list[list[Any]]]]:
    """The tender and monitoring workbooks' input tables, and their Scores and ContractFigures tables, built once."""
    folder = Path(tempfile.mkdtemp(prefix="udf-arguments-"))
    live = build_from_folder(None, folder / "live.xlsm", SAMPLES, quality_of(SAMPLE_QUALITY)).path
    monitor = build_monitor_from_folder(None, folder / "monitor.xlsm", DELIVERY_SAMPLES).path
    return {"tender": named(live, TENDER_TABLES), "scores": named(live, ("ScoresTable",)),
            "monitor": named(monitor, MONITOR_TABLES), "figures": named(monitor, ("FiguresTable",))}


WRONG_SHAPES = st.one_of(CELLS, st.lists(CELLS, max_size=6), st.lists(st.lists(CELLS, max_size=5), max_size=5),
                        st.sampled_from([[], [[]], [[None]], None, ""]))
SCALAR = st.one_of(CELLS, st.lists(CELLS, max_size=3), st.lists(st.lists(CELLS, min_size=1, max_size=2), max_size=2))


@st.composite
def changed(draw: st.DrawFn, real: list[list[Any]]) -> list[list[Any]]:
    """A real table with up to a few of its cells replaced by anything."""
    table = [list(row) for row in real]
    for _ in range(draw(st.sampled_from((0, 0, 0, 0, 1, 1, 2, 4)))):  # most tables as they are, so the engine gets to work
        r = draw(st.integers(0, len(table) - 1))
        if table[r]:
            table[r][draw(st.integers(0, len(table[r]) - 1))] = draw(CELLS)
    return table


@st.composite
def tables(draw: st.DrawFn, kind: str, count: int = 6) -> list[Any]:
    """A workbook's input tables with cells changed to anything, and now and then one range of the wrong shape."""
    out: list[Any] = [draw(changed(t)) for t in real_tables()[kind][:count]]
    if draw(st.integers(0, 3)) == 0:
        out[draw(st.integers(0, count - 1))] = draw(WRONG_SHAPES)
    return out


def optional_table(kind: str) -> st.SearchStrategy[Any]:
    """The optional formulas' table: left out, the real one with cells changed, or anything."""
    return st.one_of(st.none(), changed(real_tables()[kind][0]), WRONG_SHAPES)


def assert_answers_in_words(result: object) -> None:
    """A table of cell values (never an exception); a single cell answer is a sentence."""
    assert isinstance(result, list) and result and all(isinstance(row, list) for row in result), result
    for row in result:
        assert all(v is None or isinstance(v, (str, float, int, bool)) for v in row), row
    if len(result) == 1 and len(result[0]) == 1:
        assert isinstance(result[0][0], str) and result[0][0].endswith("."), result


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# name -> (the function, its workbook's tables, leading and trailing arguments around the tables)
CASES: dict[str, tuple[Callable[..., list], st.SearchStrategy[Any], list[st.SearchStrategy[Any]], list[st.SearchStrategy[Any]]]] = {
    "sv_scores": (svexcel_live.sv_scores, tables("tender"), [], [optional_table("scores")]),
    "sv_explain": (svexcel_live.sv_explain, tables("tender"), [SCALAR], []),
    "sv_stability": (svexcel_live.sv_stability, tables("tender"), [SCALAR], []),
    "sv_findings": (svexcel_live.sv_findings, tables("tender", 4), [SCALAR], []),
    "SV.SCORES": (svexcel_lite.scores, tables("tender"), [], [optional_table("scores")]),
    "SV.EXPLAIN": (svexcel_lite.explain, tables("tender"), [SCALAR], []),
    "SV.STABILITY": (svexcel_lite.stability, tables("tender"), [SCALAR], []),
    "SV.FINDINGS": (svexcel_lite.findings, tables("tender", 4), [SCALAR], []),
    "dv_explain": (svexcel_monitor.dv_explain, tables("monitor"), [SCALAR], []),
    "dv_figures": (svexcel_monitor.dv_figures, tables("monitor"), [], [optional_table("figures")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_function_answers_any_cells_in_words(name: str) -> None:
    function, inputs, before, after = CASES[name]

    @PROPERTY
    @given(st.tuples(*before), inputs, st.tuples(*after))
    def check(first: tuple[Any, ...], table_args: list[Any], last: tuple[Any, ...]) -> None:
        assert_answers_in_words(function(*first, *table_args, *last))

    check()


@pytest.mark.parametrize(("call", "words"), [
    (lambda t: svexcel_live.sv_stability("10 %", *t), "Type the percentage as a plain number from 0 to 100, e.g. 10 for 10%; '10 %' is not one."),
    (lambda t: svexcel_live.sv_stability(None, *t), "blank is not one."),
    (lambda t: svexcel_live.sv_stability(250.0, *t), "250 is not one."),
    (lambda t: svexcel_live.sv_stability([[10.0, 20.0]], *t), "Give one cell for the percentage, not a range of 2 cells."),
    (lambda t: svexcel_live.sv_scores(*t[:2], 7.0, *t[3:]), "Give the whole table with its header row here: type OutcomesTable."),
    (lambda t: svexcel_live.sv_scores(*t, "#N/A"), "Give the whole table with its header row here: type ScoresTable."),
    (lambda t: svexcel_live.sv_explain([["a.xlsx"], ["b.xlsx"]], *t), "Give one cell for the return's file name, not a range of 2 cells."),
])
def test_what_to_type_is_said(call: Callable[[list[Any]], list], words: str) -> None:
    answer = call(real_tables()["tender"])
    assert len(answer) == 1 and answer[0][0].endswith(words), answer


def test_a_one_cell_range_and_dates_are_read_as_excel_reads_them() -> None:
    tender = real_tables()["tender"]
    assert svexcel_live.sv_stability([[10.0]], *tender) == svexcel_live.sv_stability(10, *tender)
    explained = svexcel_live.sv_explain(dt.date(2026, 1, 2), *tender)
    assert explained == [["No return named '46024' is on Returns. Give the file name exactly as in column A of Scores."]]
