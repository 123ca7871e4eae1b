"""The live workbook's ``Checks`` sheet: native formulas that test every editable input (SPEC §5 v2).

Each input cell (or row) has one formula in the problem list that gives ``""`` or ``"type|where"``; the check
table counts each type and names the first cell to fix. While any problem is listed, Points, Rank and theme
scores show ``CHECK``. The types are the engine's finding types (``svexcel.live.inputs``), so the workbook and
the engine reach the same verdict. Text comparisons use ``EXACT`` and ``=``, never wildcard lookups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...excel.formulas import Step, cascade, number_steps, quote
from ...excel.lookups import exact_count, repeated
from ...framework.model import SETTING_NOTES, SHEET_COLUMNS
from ...xlsx.reader import column_letter

if TYPE_CHECKING:
    from .layout import LiveLayout

CHECKS = "Checks"
CHECK_HEADER_ROW = 4
CHECK_COLUMNS = ("Check", "Result", "Problems", "First cell to fix", "What to do")
PROBLEM_COL = 7  # G: the problem list
BUILT_COLUMNS = ("Built themes", "Built outcomes", "Built measures", "Built returns")
BUILT_COL = 9  # I: what the workbook was built for, read back by the engine
# Optional numeric settings the engine checks: key -> (failing test on the cell, finding type).
OPTIONAL_SETTINGS = {"plausible_sv_ratio": ("{}<=0", "bad-setting"), "moderation_spread": ("{}<0", "bad-setting")}
REBUILD = ("The framework changed after these returns were collected: rebuild with `svexcel build` and issue new "
           "templates. To score these returns, undo the added, deleted or renamed row.")

# Finding type -> what an officer should do (the engine uses the same types).
CHECK_ADVICE = {
    "framework-changed": REBUILD,
    "missing-setting": "A key in column A of Settings was changed or cleared. Restore it (e.g. max_points).",
    "not-a-number": "Type a plain number in this cell (text, even \"2\", counts as nothing in formulas).",
    "bad-setting": "max_points (the points available, e.g. 20) and plausible_sv_ratio must be above 0; moderation_spread 0 or more.",
    "bad-weight": "Weights cannot be negative. Type 0 or more.",
    "weights-not-positive": "The weights add up to 0. Give at least one a weight above 0.",
    "missing-id": "This row has no id. Undo the edit (ids are fixed when the workbook is built).",
    "duplicate-id": "This id is used twice. Undo the edit so each row keeps its own id.",
    "orphan-outcome": "This outcome's theme_id is not on Themes. Restore it.",
    "orphan-measure": "This measure's outcome_id is not on Outcomes. Restore it.",
    "unknown-kind": "kind must be monetised, target or binary. Restore it.",
    "unknown-direction": "direction must be benefit or harm (monetised), benefit or lower_is_better (target), benefit (binary).",
    "missing-proxy": "A monetised measure needs its proxy: the £ value of one unit. Type it in this cell.",
    "bad-proxy": "A proxy value cannot be negative; record harms with direction harm and a positive proxy.",
    "bad-deadweight": "Deadweight is a share between 0 and 1 (e.g. 0.25 for 25%).",
    "missing-target": "A target measure needs a target above 0. Type it in this cell.",
    "missing-header": "A header on Returns or Quality was changed. Restore it (File in column A).",
    "missing-file": "This Returns row has figures but no file name. Type the file name or clear the row.",
    "negative-quantity": "A quantity cannot be negative. Type 0 or more, or leave it blank.",
    "not-yes-no": "A yes/no measure takes Yes, No, 1, 0 or a blank.",
    "cell-error": "A cell in this row shows an error (#REF!, #VALUE! …). Type a plain value.",
    "bad-quality-score": "A quality mark is a number from 0 to 100 (not text), or blank when not yet scored.",
    "missing-quality-row": "This return has no row on Quality. Add a row with its file name exactly as on Returns.",
    "returns-changed": ("A row of Returns was deleted. Undo it: Returns holds the return files' figures, laid out again by "
                        "import_returns (Tools) or svexcel build."),
    "return-not-scored": "A return was typed below the scored rows of Returns. Use import_returns (Tools) or svexcel build.",
    "duplicate-file": ("This file name is also on another row of Quality; the formulas read only the first. Keep one row "
                       "per return: correct the file name or clear the wrong row."),
    "quality-row-not-read": ("A row was typed below the rows of Quality that the formulas read, so its marks count for nothing. "
                             "Type marks on the return's own row (its file name as on Returns) and clear the row below; "
                             "add a new return with import_returns (Tools) or svexcel build."),
}


def settings_problems() -> list[str]:
    """One formula per required setting, and one for the component weights' sum."""
    rows = {key: i + 2 for i, key in enumerate(SETTING_NOTES)}
    out = []
    for key in ("framework_name", "framework_version"):
        r = rows[key]
        out.append(cascade([(f"NOT(EXACT(Settings!$A${r},{quote(key)}))", "missing-setting", f"Settings!A{r}"),
                            (f'Settings!$B${r}=""', "missing-setting", f"Settings!B{r}")]))
    for key in ("max_points", "weight_monetised", "weight_attainment", "weight_quality"):
        r, b = rows[key], f"Settings!$B${rows[key]}"
        rule = (f"{b}<=0", "bad-setting") if key == "max_points" else (f"{b}<0", "bad-weight")
        out.append(cascade([(f"NOT(EXACT(Settings!$A${r},{quote(key)}))", "missing-setting", f"Settings!A{r}"),
                            *number_steps(b, f"Settings!B{r}", False, rule)]))
    for key, (test, kind) in OPTIONAL_SETTINGS.items():  # blank keeps the default
        if key in rows:
            r, b = rows[key], f"Settings!$B${rows[key]}"
            out.append(cascade(number_steps(b, f"Settings!B{r}", True, (test.format(b), kind))))
    weights = [f"Settings!$B${rows[f'weight_{c}']}" for c in ("monetised", "attainment", "quality")]
    out.append(cascade([(f"AND({','.join(f'ISNUMBER({w})' for w in weights)},{'+'.join(weights)}<=0)",
                         "weights-not-positive", f"Settings!B{rows['weight_monetised']}")]))
    return out


def _id_steps(sheet: str, r: int, last_col: str) -> list[Step]:
    """A built row's id: present (a cleared row means a deleted theme, outcome or measure) and unique."""
    a = f"{sheet}!$A${r}"
    name = {"Themes": "ThemeID", "Outcomes": "OutcomeID", "Measures": "MeasureID"}[sheet]
    return [(f'AND({a}="",COUNTA({sheet}!$B${r}:${last_col}${r})>0)', "missing-id", f"{sheet}!A{r}"),
            (f'{a}=""', "framework-changed", f"{sheet}!A{r}"),
            (f"{exact_count(name, a)}>1", "duplicate-id", f"{sheet}!A{r}")]


def theme_problems(count: int) -> list[str]:
    """Each built Themes row: id and weight (blank weight counts as 1), and the weights' sum."""
    out = []
    for r in range(2, count + 2):
        d = f"Themes!$D${r}"
        out.append(cascade([*_id_steps("Themes", r, column_letter(len(SHEET_COLUMNS["Themes"]))), *number_steps(d, f"Themes!D{r}", True, (f"{d}<0", "bad-weight"))]))
    out.append(cascade([("AND(SUMPRODUCT(--ISTEXT(ThemeWeight))=0,SUM(ThemeWeight)+COUNTBLANK(ThemeWeight)<=0)",
                         "weights-not-positive", "Themes!D2")]))
    return out


def outcome_problems(count: int) -> list[str]:
    """Each built Outcomes row: id, and a theme_id found on Themes."""
    return [cascade([*_id_steps("Outcomes", r, column_letter(len(SHEET_COLUMNS["Outcomes"]))),
                     (f"{exact_count('ThemeID', f'Outcomes!$B${r}')}=0", "orphan-outcome", f"Outcomes!B{r}")])
            for r in range(2, count + 2)]


def measure_problems(count: int) -> list[str]:
    """Each built Measures row, in the engine's order of checks: outcome, kind, direction, proxy, deadweight, target."""
    out = []
    for r in range(2, count + 2):
        c = {col: f"Measures!${column_letter(i + 1)}${r}" for i, col in enumerate(SHEET_COLUMNS["Measures"])}
        w = {col: f"Measures!{column_letter(i + 1)}{r}" for i, col in enumerate(SHEET_COLUMNS["Measures"])}
        kind = f"LOWER({c['kind']})"
        direction = f"IF({c['direction']}=\"\",\"benefit\",LOWER({c['direction']}))"
        allowed = (f'IF({kind}="monetised",OR({direction}="benefit",{direction}="harm"),'
                   f'IF({kind}="target",OR({direction}="benefit",{direction}="lower_is_better"),{direction}="benefit"))')
        proxy, dw, target = c["proxy_gbp"], c["deadweight"], c["target"]
        out.append(cascade([
            *_id_steps("Measures", r, column_letter(len(SHEET_COLUMNS["Measures"]))),
            (f"{exact_count('OutcomeID', c['outcome_id'])}=0", "orphan-measure", w["outcome_id"]),
            (f'NOT(OR(EXACT({kind},"monetised"),EXACT({kind},"target"),EXACT({kind},"binary")))', "unknown-kind", w["kind"]),
            (f"NOT({allowed})", "unknown-direction", w["direction"]),
            (f'AND({kind}="monetised",{proxy}="")', "missing-proxy", w["proxy_gbp"]),
            *number_steps(proxy, w["proxy_gbp"], True, (f"{proxy}<0", "bad-proxy")),
            *number_steps(dw, w["deadweight"], True, (f"OR({dw}<0,{dw}>1)", "bad-deadweight")),
            (f'AND({target}<>"",NOT(ISNUMBER({target})))', "not-a-number", w["target"]),
            (f'AND({kind}="target",OR({target}="",NOT(ISNUMBER({target}))))', "missing-target", w["target"]),
            (f'AND({kind}="target",ISNUMBER({target}),{target}<=0)', "missing-target", w["target"]),
        ]))
    return out


def structure_problems(layout: LiveLayout, built_row: int) -> list[str]:
    """Themes, outcomes and measures as built (each built id once, nothing added); headers of Returns and Quality; nothing below their rows."""
    fw = layout.framework
    out = []
    tables = (("Themes", "ThemeID", len(fw.themes), 0), ("Outcomes", "OutcomeID", len(fw.outcomes), 1),
              ("Measures", "MeasureID", len(fw.measures), 2))
    for sheet, name, count, k in tables:
        last = column_letter(len(SHEET_COLUMNS[sheet]))
        unchanged = f"AND(ROWS({name})={max(count, 1)},COUNTA({sheet}!$A:${last})=COUNTA({sheet}!$A$1:${last}${count + 1}))"
        out.append(cascade([(f"NOT({unchanged})", "framework-changed", sheet)]))
        for i in range(count):
            cell = f"${column_letter(BUILT_COL + k)}${built_row + i}"
            out.append(cascade([(f"{exact_count(name, cell)}<>1", "framework-changed", sheet)]))
    headers = [("Returns", ["File", "Organisation", "Contract value (GBP)", *layout.measure_ids]),
               ("Quality", ["File", "Organisation", *layout.theme_ids])]
    for sheet, cells in headers:
        steps = [(f"NOT(EXACT({sheet}!${column_letter(j)}$1,{quote(text)}))",
                  "missing-header" if j == 1 else "framework-changed", f"{sheet}!{column_letter(j)}1")
                 for j, text in enumerate(cells, start=1)]
        steps.append((f"COUNTA({sheet}!$1:$1)<>{len(cells)}", "framework-changed", f"{sheet}!1:1"))
        out.append(cascade(steps))
    end = layout.rows + 1
    out.append(cascade([(f"COUNTA(Returns!$A:$A)-1>COUNTA(Returns!$A$2:$A${end})", "return-not-scored", f"Returns!A{end + 1}")]))
    q_last = column_letter(len(layout.theme_ids) + 2)
    out.append(cascade([(f"COUNTA(Quality!$A:${q_last})>COUNTA(Quality!$A$1:${q_last}${end})", "quality-row-not-read",
                         f"Quality!A{end + 1}")]))
    return out


def returns_row_problems(layout: LiveLayout, r: int, ts_row: int, quality_row_col: str) -> str:
    """One Returns row: a file name, a number for contract value, quantities as the formulas count them, a Quality row."""
    last = column_letter(len(layout.measure_ids) + 3)
    a = f"Returns!$A${r}"
    steps = [(f'COUNTA(Returns!$B${r}:${last}${r})>0', "missing-file", f"Returns!A{r}")]
    body = [*number_steps(f"Returns!$C${r}", f"Returns!C{r}", True, None)]
    for j, measure in enumerate(layout.framework.measures):
        col = column_letter(layout.returns_col(j))
        q, where = f"Returns!${col}${r}", f"Returns!{col}{r}"
        if measure.kind == "binary":
            body.append((f'NOT(OR({q}="",{q}="Yes",{q}="No",{q}=0,{q}=1))', "not-yes-no", where))
        else:
            body.append((f"ISTEXT({q})", "not-a-number", where))
            body.append((f"AND(ISNUMBER({q}),{q}<0)", "negative-quantity", where))
    body.append((f"ThemeScores!${quality_row_col}${ts_row}=0", "missing-quality-row", f"Quality (no row for Returns!A{r})"))
    blank_row = cascade(steps)[1:]
    return f'=IFERROR(IF({a}="",{blank_row},{cascade(body)[1:]}),"returns-changed|Returns!A{r}")'  # a row deleted: #REF!


def quality_row_problems(layout: LiveLayout, r: int) -> str:
    """One Quality row: its file name on no other row (the formulas read only the first), every mark blank or 0–100."""
    a = f"Quality!$A${r}"
    steps = [(f'IF({a}="",FALSE,{repeated(a, "QualityFile")})', "duplicate-file", f"Quality!A{r}")]
    for j in range(len(layout.theme_ids)):
        cell = f"Quality!${column_letter(3 + j)}${r}"
        steps.append((f"OR(ISTEXT({cell}),AND(ISNUMBER({cell}),OR({cell}<0,{cell}>100)))", "bad-quality-score",
                      f"Quality!{column_letter(3 + j)}{r}"))
    return cascade(steps)
