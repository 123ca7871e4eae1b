"""Whether a table the engine computes agrees with the table the workbook's formulas computed: the last column the
live workbooks' table functions add when given the formulas' table (``sv_scores``, ``dv_figures``)."""

from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

from ..core.cells import Value
from ..core.numbers import is_number
from ..xlsx.tables import cell_text

AGREES = "Agrees with formulas"
TOLERANCE = 1e-9


def same(a: Value, b: Value) -> bool:
    """Equal to 1e-9 (relative for large figures); blank, None and '' are the same."""
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    if is_number(a) and is_number(b):
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)  # type: ignore[arg-type]
    return a == b


def shown(value: Value) -> str:
    """A cell value in a disagreement message: 'blank', a number to 10 significant figures, or the text."""
    return "blank" if value in (None, "") else f"{value:.10g}" if is_number(value) else str(value)


def rows_by(table: Sequence[Sequence[Value]], column: str, default: int, key: Callable[[Value], str]) -> dict[str, dict[str, Value]]:
    """The rows of a table with a header row as {header: value}, keyed by ``key`` of their ``column`` (at ``default``
    when the header lacks it); rows with an empty key are left out."""
    if not table:
        return {}
    header = [cell_text(h) for h in table[0]]
    at = header.index(column) if column in header else default
    return {key(row[at]): dict(zip(header, row, strict=False)) for row in table[1:] if len(row) > at and key(row[at])}


def agreement(names: Sequence[Value], engine: Sequence[Value], formulas: Mapping[str, Value] | None, absent: str) -> str:
    """'Yes', or which of the ``names`` columns differ ('No: Points 12.3 (engine 12.4)'); ``absent`` when the formulas
    have no such row."""
    if formulas is None:
        return absent
    differ = [f"{name} {shown(formulas.get(str(name)))} (engine {shown(value)})" for name, value in zip(names, engine, strict=True)
              if not same(value, formulas.get(str(name)))]
    return "Yes" if not differ else "No: " + "; ".join(differ)
