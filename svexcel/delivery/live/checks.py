"""The monitoring workbook's ``Checks`` sheet: native formulas that test every editable input (SPEC §5 v2, v3 rules).

Each check is one formula giving ``""`` or ``"type|Sheet!Cell"``; the verdict counts them and names the first
cell to fix with what to do. While any check fails, every figure shows CHECK. The types are the finding types
the Python reader of the workbook (``monitor_inputs``) gives for the same cells. Every input table keeps the rows it
was built with, and each check names its cell through its row's anchor (``svexcel.excel.rows``): as it is now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...excel.formulas import ALL_PASS, cascade, number_steps, problem_type, quote
from ...excel.grid import CellValue, Formula, Grid
from ...excel.rows import INSERTED, Anchors
from ...xlsx.reader import column_letter
from ..settings import ACCRUES_HEADER, ORDER, SHARE_KEYS

if TYPE_CHECKING:
    from ..reader import DeliveryReturn

CHECKS = "Checks"
CHECK_HEADER_ROW = 4
ADVICE_COL = 6  # F:G, the advice for each type
ANCHOR_COL, ANCHOR_TOP = ADVICE_COL + 3, CHECK_HEADER_ROW + 1  # I5: where every input row is now (svexcel.excel.rows)
# Each input table's finding types for a row deleted and for anything typed below its last row.
ROW_TYPES = {"Settings": ("framework-changed", "framework-changed"), "Themes": ("framework-changed", "framework-changed"),
             "Outcomes": ("framework-changed", "framework-changed"), "Measures": ("framework-changed", "framework-changed"),
             "QualityScale": ("framework-changed", "framework-changed"), "Contracts": ("deliveries-changed", "delivery-not-monitored"),
             "Actuals": ("deliveries-changed", "delivery-not-monitored")}

ADVICE = {
    "missing-setting": "A key in column A of Settings was changed. Restore it (e.g. rag_green).",
    "bad-setting": "Type a share between 0 and 1 (e.g. 0.95), keep each band at or above the next, and rating_method value or count.",
    "framework-changed": ("A row of a framework sheet (Settings, Themes, Outcomes, Measures, QualityScale) was added, deleted or its "
                          "id changed. Undo it, or rebuild with svexcel delivery build."),
    INSERTED: ("A row was inserted here, among the rows the formulas read as the workbook was built, so they would leave it "
               "out. Delete the inserted row; add contracts with import_deliveries (Tools), or rebuild with svexcel delivery build."),
    "deliveries-changed": ("A row of Contracts or Actuals was deleted. Undo it: import_deliveries (Tools) or svexcel delivery build "
                           "lays them out again."),
    "delivery-not-monitored": ("Something was typed below the rows of Contracts or Actuals that the formulas read, so it counts "
                               "for nothing. Clear it; add contracts with import_deliveries (Tools) or svexcel delivery build."),
    "bad-periods": ("A contract's number of periods comes from its delivery workbook: a whole number from 1 to the period "
                    "columns on Actuals. Restore it."),
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


def settings_checks(a: Anchors, rows: dict[str, int]) -> list[tuple[str, str]]:
    """Each delivery key in its row, each share in 0–1, the bands in order and rating_method value or count."""
    def at(col: str, key: str) -> str:
        return a.cell("Settings", col, rows[key] - 1)

    out = []
    for key in SHARE_KEYS:
        r, b = rows[key], f"Settings!$B${rows[key]}"
        out.append((f"Settings {key}", cascade([
            (f"NOT(EXACT(Settings!$A${r},{quote(key)}))", "missing-setting", at("A", key)),
            *number_steps(b, at("B", key), False, (f"OR({b}<0,{b}>1)", "bad-setting")),
        ])))
    for high, low in ORDER:
        h, lo = f"Settings!$B${rows[high]}", f"Settings!$B${rows[low]}"
        out.append((f"Settings {low} not above {high}", cascade([
            (f"AND(ISNUMBER({h}),ISNUMBER({lo}),{lo}>{h})", "bad-setting", at("B", low))])))
    r = rows["rating_method"]
    method = f"LOWER(TRIM(Settings!$B${r}))"
    out.append(("Settings rating_method", cascade([
        (f'NOT(EXACT(Settings!$A${r},"rating_method"))', "missing-setting", at("A", "rating_method")),
        (f'NOT(OR({method}="value",{method}="count"))', "bad-setting", at("B", "rating_method")),
    ])))
    return out


def measure_checks(a: Anchors, ids: list[str], accrues_col: int) -> list[tuple[str, str]]:
    """Each built Measures row: id as built, kind, proxy, deadweight and accrues; the accrues header."""
    acc = column_letter(accrues_col)
    out = [("Measures accrues header", cascade([(f'NOT(EXACT(Measures!${acc}$1,"{ACCRUES_HEADER}"))', "missing-header",
                                                 a.cell("Measures", acc, 0))]))]
    for k, ident in enumerate(ids, start=1):
        r = k + 1
        kind, proxy, dw, accrues = f"LOWER(Measures!$E${r})", f"Measures!$G${r}", f"Measures!$I${r}", f"LOWER(TRIM(Measures!${acc}${r}))"
        out.append((f"Measures {ident}", cascade([
            (f"NOT(EXACT(Measures!$A${r},{quote(ident)}))", "framework-changed", a.cell("Measures", "A", k)),
            (f'NOT(OR({kind}="monetised",{kind}="target",{kind}="binary"))', "unknown-kind", a.cell("Measures", "E", k)),
            (f'AND({kind}="monetised",{proxy}="")', "missing-proxy", a.cell("Measures", "G", k)),
            *number_steps(proxy, a.cell("Measures", "G", k), True, (f"{proxy}<0", "bad-proxy")),
            *number_steps(dw, a.cell("Measures", "I", k), True, (f"OR({dw}<0,{dw}>1)", "bad-deadweight")),
            (f'NOT(OR({accrues}="",{accrues}="flow",{accrues}="level"))', "bad-accrues", a.cell("Measures", acc, k)),
        ])))
    return out


def contract_check(a: Anchors, k: int, contract: DeliveryReturn, max_periods: int) -> tuple[str, str]:
    """A contract's periods (a whole number up to the period columns on Actuals) and reporting period (0 to its periods)."""
    r = k + 1
    period, n = f"Contracts!$G${r}", f"Contracts!$F${r}"
    return (f"Contracts {contract.contract_reference or contract.file} periods", cascade([
        (f"NOT(ISNUMBER({n}))", "bad-periods", a.cell("Contracts", "F", k)),
        (f"OR({n}<1,{n}>{max_periods},{n}<>INT({n}))", "bad-periods", a.cell("Contracts", "F", k)),
        (f"NOT(ISNUMBER({period}))", "bad-reporting-period", a.cell("Contracts", "G", k)),
        (f"OR({period}<0,{period}>{n},{period}<>INT({period}))", "bad-reporting-period", a.cell("Contracts", "G", k)),
    ]))


def actuals_check(a: Anchors, k: int, ident: str, periods: int, binary: bool, first: int, found_col: str) -> tuple[str, str]:
    """One Actuals row (periods from column ``first``): its measure found on Measures, every figure a number ≥ 0 (or Yes/No) or blank."""
    r = k + 1
    cells = f"Actuals!${column_letter(first)}${r}:${column_letter(first + max(periods, 1) - 1)}${r}"

    def at(bad: str) -> str:
        return f'"Actuals!"&ADDRESS({a.row("Actuals", k)},{first - 1}+MATCH(TRUE,INDEX({bad},0),0),4)'

    if binary:
        word = f"LOWER(TRIM({cells}))"
        bad = f'({cells}<>"")*({word}<>"yes")*({word}<>"no")*({cells}<>0)*({cells}<>1)>0'
        tests = [(bad, "not-yes-no")]
    else:
        tests = [(f"ISTEXT({cells})", "not-a-number"), (f"ISNUMBER({cells})*({cells}<0)>0", "negative-quantity")]
    text = '""'
    for bad, kind in reversed(tests):
        text = f'IF(SUMPRODUCT(--({bad}))>0,"{kind}|"&{at(bad)},{text})'
    found = f'IF(MeasureFigures!${found_col}${r}="","measure-not-found|"&{a.cell("Actuals", "C", k)},{text})'
    return (f"Actuals {ident} row {r}", f'=IFERROR({found},IFERROR("cell-error|"&{a.cell("Actuals", "A", k)},""))')


def checks_grid(problems: list[tuple[str, str]], a: Anchors) -> Grid:
    """Title, verdict (CheckStatus), count (ChecksFailed), then one row per check, the advice per type and the anchors."""
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
        ["Check", "Problem (type|cell to fix)", "Row", None, None, "Type", "What to do", None, *a.titles()],
    ]
    advice = list(ADVICE.items())
    anchored = a.columns()
    for k in range(max(len(problems), len(advice), a.height())):
        r = first + k
        row: list[CellValue] = [None] * (a.col + len(anchored) - 1)
        if k < len(problems):
            row[0], row[1], row[2] = problems[k][0], Formula(problems[k][1]), Formula(f'=IF(LEN($B{r})>0,ROW(),"")')
        if k < len(advice):
            row[ADVICE_COL - 1], row[ADVICE_COL] = advice[k]
        for j, column in enumerate(anchored):
            if k < len(column):
                row[a.col - 1 + j] = column[k]
        rows.append(row)
    return Grid(CHECKS, rows, first)
