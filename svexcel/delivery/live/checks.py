"""The monitoring workbook's ``Checks`` sheet: native formulas that test every editable input (SPEC §5 v2 rule).

Each check is one formula giving ``""`` or ``"type|Sheet!Cell"``; the verdict counts them and names the first
cell to fix with what to do. While any check fails, every figure shows CHECK. The types are the finding types
the Python reader of the workbook (``monitor_inputs``) gives for the same cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...excel.formulas import ALL_PASS, cascade, number_steps, problem_type, quote
from ...excel.grid import CellValue, Formula, Grid
from ...xlsx.reader import column_letter
from ..settings import ACCRUES_HEADER, ORDER, SHARE_KEYS

if TYPE_CHECKING:
    from ..reader import DeliveryReturn

CHECKS = "Checks"
CHECK_HEADER_ROW = 4
ADVICE_COL = 6  # F:G, the advice for each type

ADVICE = {
    "missing-setting": "A key in column A of Settings was changed. Restore it (e.g. rag_green).",
    "bad-setting": "Type a share between 0 and 1 (e.g. 0.95), keep each band at or above the next, and rating_method value or count.",
    "framework-changed": "A measure row on Measures was added, deleted or its id changed. Undo it, or rebuild with svexcel delivery build.",
    "missing-header": "The accrues header on Measures was changed. Restore it.",
    "unknown-kind": "kind must be monetised, target or binary. Restore it.",
    "missing-proxy": "A monetised measure needs its proxy: the £ value of one unit. Type it.",
    "not-a-number": "Type a plain number in this cell (text, even \"2\", counts as nothing in formulas).",
    "bad-proxy": "A proxy value cannot be negative.",
    "bad-deadweight": "Deadweight is a share between 0 and 1 (e.g. 0.25 for 25%).",
    "bad-accrues": "accrues is flow (adds up period by period), level (the latest figure stands) or blank for the default.",
    "bad-reporting-period": "The reporting period is a whole number from 0 to the contract's periods.",
    "negative-quantity": "A delivered figure cannot be negative. Type 0 or more, or leave it blank.",
    "not-yes-no": "A yes/no measure takes Yes, No, 1, 0 or a blank.",
    "measure-not-found": "This measure is not on Measures. Restore its row there, or rebuild the workbook.",
    "cell-error": "A cell here shows an error (#REF!, #VALUE! …). Type a plain value.",
}


def settings_checks(rows: dict[str, int]) -> list[tuple[str, str]]:
    """Each delivery key in its row, each share in 0–1, the bands in order and rating_method value or count."""
    out = []
    for key in SHARE_KEYS:
        r, b = rows[key], f"Settings!$B${rows[key]}"
        out.append((f"Settings {key}", cascade([
            (f"NOT(EXACT(Settings!$A${r},{quote(key)}))", "missing-setting", quote(f"Settings!A{r}")),
            *number_steps(b, quote(f"Settings!B{r}"), False, (f"OR({b}<0,{b}>1)", "bad-setting")),
        ])))
    for high, low in ORDER:
        h, lo = f"Settings!$B${rows[high]}", f"Settings!$B${rows[low]}"
        out.append((f"Settings {low} not above {high}", cascade([
            (f"AND(ISNUMBER({h}),ISNUMBER({lo}),{lo}>{h})", "bad-setting", quote(f"Settings!B{rows[low]}"))])))
    r = rows["rating_method"]
    method = f"LOWER(TRIM(Settings!$B${r}))"
    out.append(("Settings rating_method", cascade([
        (f'NOT(EXACT(Settings!$A${r},"rating_method"))', "missing-setting", quote(f"Settings!A{r}")),
        (f'NOT(OR({method}="value",{method}="count"))', "bad-setting", quote(f"Settings!B{r}")),
    ])))
    return out


def measure_checks(ids: list[str], accrues_col: int) -> list[tuple[str, str]]:
    """Each built Measures row: id as built, kind, proxy, deadweight and accrues; the accrues header; no rows added."""
    acc = column_letter(accrues_col)
    out = [("Measures accrues header", cascade([(f'NOT(EXACT(Measures!${acc}$1,"{ACCRUES_HEADER}"))', "missing-header", quote(f"Measures!{acc}1"))])),
           ("Measures rows as built", cascade([(f"COUNTA(Measures!$A:$A)<>{len(ids) + 1}", "framework-changed", quote(f"Measures!A{len(ids) + 2}"))]))]
    for r, ident in enumerate(ids, start=2):
        kind, proxy, dw, accrues = f"LOWER(Measures!$E${r})", f"Measures!$G${r}", f"Measures!$I${r}", f"LOWER(TRIM(Measures!${acc}${r}))"
        out.append((f"Measures {ident}", cascade([
            (f"NOT(EXACT(Measures!$A${r},{quote(ident)}))", "framework-changed", quote(f"Measures!A{r}")),
            (f'NOT(OR({kind}="monetised",{kind}="target",{kind}="binary"))', "unknown-kind", quote(f"Measures!E{r}")),
            (f'AND({kind}="monetised",{proxy}="")', "missing-proxy", quote(f"Measures!G{r}")),
            *number_steps(proxy, quote(f"Measures!G{r}"), True, (f"{proxy}<0", "bad-proxy")),
            *number_steps(dw, quote(f"Measures!I{r}"), True, (f"OR({dw}<0,{dw}>1)", "bad-deadweight")),
            (f'NOT(OR({accrues}="",{accrues}="flow",{accrues}="level"))', "bad-accrues", quote(f"Measures!{acc}{r}")),
        ])))
    return out


def contract_check(r: int, contract: DeliveryReturn) -> tuple[str, str]:
    """A contract's reporting period: a whole number from 0 to its periods."""
    k, n = f"Contracts!$G${r}", f"Contracts!$F${r}"
    return (f"Contracts {contract.contract_reference or contract.file} reporting period", cascade([
        (f"NOT(ISNUMBER({k}))", "bad-reporting-period", quote(f"Contracts!G{r}")),
        (f"OR({k}<0,{k}>{n},{k}<>INT({k}))", "bad-reporting-period", quote(f"Contracts!G{r}")),
    ]))


def actuals_check(r: int, ident: str, periods: int, binary: bool, first: int, found_col: str) -> tuple[str, str]:
    """One Actuals row (periods from column ``first``): its measure found on Measures, every figure a number ≥ 0 (or Yes/No) or blank."""
    cells = f"Actuals!${column_letter(first)}${r}:${column_letter(first + max(periods, 1) - 1)}${r}"

    def at(bad: str) -> str:
        return f'"Actuals!"&ADDRESS({r},{first - 1}+MATCH(TRUE,INDEX({bad},0),0),4)'

    if binary:
        word = f"LOWER(TRIM({cells}))"
        bad = f'({cells}<>"")*({word}<>"yes")*({word}<>"no")*({cells}<>0)*({cells}<>1)>0'
        tests = [(bad, "not-yes-no")]
    else:
        tests = [(f"ISTEXT({cells})", "not-a-number"), (f"ISNUMBER({cells})*({cells}<0)>0", "negative-quantity")]
    text = '""'
    for bad, kind in reversed(tests):
        text = f'IF(SUMPRODUCT(--({bad}))>0,"{kind}|"&{at(bad)},{text})'
    found = f'IF(MeasureFigures!${found_col}${r}="","measure-not-found|Actuals!C{r}",{text})'
    return (f"Actuals {ident} row {r}", f'=IFERROR({found},"cell-error|Actuals!A{r}")')


def checks_grid(problems: list[tuple[str, str]]) -> Grid:
    """Title, verdict (CheckStatus), count (ChecksFailed), then one row per check and the advice per type."""
    first, last = CHECK_HEADER_ROW + 1, CHECK_HEADER_ROW + max(len(problems), 1)
    problem = f"INDEX($B${first}:$B${last},MIN($C${first}:$C${last})-{first - 1})"
    kind, where = problem_type(problem), f'MID({problem},FIND("|",{problem})+1,200)'
    advice_range = f"${column_letter(ADVICE_COL)}${first}:${column_letter(ADVICE_COL)}${first + len(ADVICE) - 1}"
    text_range = f"${column_letter(ADVICE_COL + 1)}${first}:${column_letter(ADVICE_COL + 1)}${first + len(ADVICE) - 1}"
    rows: list[list[CellValue]] = [
        ["Checks"],
        [Formula(f'=IF(ChecksFailed=0,"{ALL_PASS}","CHECK: "&ChecksFailed&" problem(s); figures show CHECK until fixed. Fix "'
                 f'&{where}&" ("&{kind}&"): "&IFERROR(INDEX({text_range},MATCH({kind},{advice_range},0)),""))')],
        ["Problems found", Formula(f'=SUMPRODUCT(--(LEN($B${first}:$B${last})>0))')],
        ["Check", "Problem (type|cell to fix)", "Row", None, None, "Type", "What to do"],
    ]
    advice = list(ADVICE.items())
    for k in range(max(len(problems), len(advice))):
        r = first + k
        row: list[CellValue] = [None] * (ADVICE_COL + 1)
        if k < len(problems):
            row[0], row[1], row[2] = problems[k][0], Formula(problems[k][1]), Formula(f'=IF(LEN($B{r})>0,ROW(),"")')
        if k < len(advice):
            row[ADVICE_COL - 1], row[ADVICE_COL] = advice[k]
        rows.append(row)
    return Grid(CHECKS, rows, first)
