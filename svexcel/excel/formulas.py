"""Formula pieces both live workbooks build their Checks sheet and figures from (SPEC §5 v2 rule).

Each check is one formula giving ``""`` or ``"type|where"``: a cascade of steps, the first failing one naming
its finding type and the cell to fix. While any check fails, every figure shows ``CHECK`` instead of a number.
Where a step names its cell is itself a formula (SPEC §5 v3): the cell as it is now, after rows moved (see
``excel/rows.py``), never text fixed when the workbook was built.
"""

from __future__ import annotations

CHECK_TEXT = "CHECK"
ALL_PASS = "All checks pass: every figure is the engine's for these cells."
Step = tuple[str, str, str]  # (failing condition, finding type, a formula naming the cell to fix)


def quote(text: str) -> str:
    """A string literal for a formula."""
    return '"' + text.replace('"', '""') + '"'


def checked(expr: str) -> str:
    """A figure cell's formula: ``CHECK`` while a check fails (the ``ChecksFailed`` name), else ``expr``."""
    return f'=IF(ChecksFailed>0,"{CHECK_TEXT}",{expr})'


def cascade(steps: list[Step]) -> str:
    """The first failing step's ``"type|where"`` (``""`` when all pass); a formula error becomes ``cell-error`` at the
    first step's cell, or nothing when that cell's row was deleted (the table's own check names the deletion)."""
    text = '""'
    for condition, kind, where in reversed(steps):
        text = f'IF({condition},"{kind}|"&{where},{text})'
    return f'=IFERROR({text},IFERROR("cell-error|"&{steps[0][2]},""))'


def number_steps(cell: str, where: str, blank_ok: bool, rule: tuple[str, str] | None) -> list[Step]:
    """Steps testing a numeric input: blank (unless allowed), not a number, then the range ``rule`` (failing test, type)."""
    steps = [] if blank_ok else [(f'{cell}=""', "not-a-number", where)]
    steps.append((f'AND({cell}<>"",NOT(ISNUMBER({cell})))', "not-a-number", where))
    if rule is not None:
        steps.append((f"AND(ISNUMBER({cell}),{rule[0]})", rule[1], where))
    return steps


def problem_type(cell: str) -> str:
    """The finding type of a ``"type|where"`` problem in ``cell``."""
    return f'LEFT({cell},FIND("|",{cell})-1)'
