"""The live workbook's ``Checks`` sheet: native formulas that test every editable input (SPEC §5 v2, v3).

Each input cell (or row) has one formula in the problem list that gives ``""`` or ``"type|where"``; the check
table counts each type and names the first cell to fix. While any problem is listed, Points, Rank and theme
scores show ``CHECK``. The types are the engine's finding types (``svexcel.live.inputs``), so the workbook and
the engine reach the same verdict. Text comparisons use ``EXACT`` and ``=``, never wildcard lookups. Every input
table keeps the rows it was built with, and each check names its cell through its row's anchor
(``svexcel.excel.rows``): as it is now, after rows moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...excel.formulas import Step, cascade, number_steps, quote
from ...excel.lookups import exact_count, repeated
from ...excel.rows import Anchors, InputTable
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
ANCHOR_COL, ANCHOR_TOP = BUILT_COL + len(BUILT_COLUMNS) + 1, CHECK_HEADER_ROW + 1  # N5: where every input row is now
# Each input table's finding types for a row deleted and for anything typed below its last row (svexcel.excel.rows).
ROW_TYPES = {"Settings": ("framework-changed", "framework-changed"), "Themes": ("framework-changed", "framework-changed"),
             "Outcomes": ("framework-changed", "framework-changed"), "Measures": ("framework-changed", "framework-changed"),
             "QualityScale": ("framework-changed", "framework-changed"), "Returns": ("returns-changed", "return-not-scored"),
             "Quality": ("returns-changed", "quality-row-not-read")}
# Optional numeric settings the engine checks: key -> (failing test on the cell, finding type).
OPTIONAL_SETTINGS = {"plausible_sv_ratio": ("{}<=0", "bad-setting"), "moderation_spread": ("{}<0", "bad-setting")}
REBUILD = ("The framework changed after these returns were collected: rebuild with `svexcel build` and issue new "
           "templates. To score these returns, undo the added, deleted or renamed row.")

# Finding type -> what an officer should do (the engine uses the same types).
CHECK_ADVICE = {
    "framework-changed": REBUILD,
    "row-inserted": ("A row was inserted here, among the rows the formulas read as the workbook was built, so they would leave "
                     "it out. Delete the inserted row; add returns with import_returns (Tools), or rebuild with svexcel build."),
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
    "bad-quality-scale": "A score on QualityScale is a number from 0 to 100. Type one.",
    "stored-as-percent": ("This mark's cell is formatted as a percentage, so 75% is stored as 0.75. Format the cell as Number "
                          "and type the mark itself (e.g. 75)."),
    "off-scale": "A quality mark is one of the scores on QualityScale (e.g. 0, 25, 50, 75 or 100). Choose one of them.",
    "missing-quality-row": "This return has no row on Quality. Add a row with its file name exactly as on Returns.",
    "returns-changed": ("A row of Returns or Quality was deleted. Undo it: Returns holds the return files' figures, laid out "
                        "again (with Quality) by import_returns (Tools) or svexcel build."),
    "return-not-scored": "Something was typed below the scored rows of Returns. Clear it; add returns with import_returns (Tools) or svexcel build.",
    "duplicate-file": ("This file name is also on another row of Quality; the formulas read only the first. Keep one row "
                       "per return: correct the file name or clear the wrong row."),
    "quality-row-not-read": ("A row was typed below the rows of Quality that the formulas read, so its marks count for nothing. "
                             "Type marks on the return's own row (its file name as on Returns) and clear the row below; "
                             "add a new return with import_returns (Tools) or svexcel build."),
}


def input_tables(themes: int, outcomes: int, measures: int, scale: int, returns: int) -> tuple[InputTable, ...]:
    """The workbook's input tables as built, for so many themes, outcomes, measures, scale scores and returns."""
    sizes = {"Settings": (len(SETTING_NOTES), len(SHEET_COLUMNS["Settings"]) + 1), "Themes": (themes, len(SHEET_COLUMNS["Themes"])),
             "Outcomes": (outcomes, len(SHEET_COLUMNS["Outcomes"])), "Measures": (measures, len(SHEET_COLUMNS["Measures"])),
             "QualityScale": (scale, len(SHEET_COLUMNS["QualityScale"])), "Returns": (returns, 3 + measures), "Quality": (returns, 2 + themes)}
    return tuple(InputTable(sheet, rows, width, *ROW_TYPES[sheet]) for sheet, (rows, width) in sizes.items())


def anchors(tables: tuple[InputTable, ...]) -> Anchors:
    """Where the Checks sheet keeps every input row's anchor: a column per table from ``ANCHOR_COL``, under the header row."""
    return Anchors(tables, ANCHOR_COL, ANCHOR_TOP)


def settings_problems(a: Anchors) -> list[str]:
    """One formula per required setting, and one for the component weights' sum."""
    rows = {key: i + 2 for i, key in enumerate(SETTING_NOTES)}

    def at(col: str, key: str) -> str:
        return a.cell("Settings", col, rows[key] - 1)

    out = []
    for key in ("framework_name", "framework_version"):
        r = rows[key]
        out.append(cascade([(f"NOT(EXACT(Settings!$A${r},{quote(key)}))", "missing-setting", at("A", key)),
                            (f'Settings!$B${r}=""', "missing-setting", at("B", key))]))
    for key in ("max_points", "weight_monetised", "weight_attainment", "weight_quality"):
        r, b = rows[key], f"Settings!$B${rows[key]}"
        rule = (f"{b}<=0", "bad-setting") if key == "max_points" else (f"{b}<0", "bad-weight")
        out.append(cascade([(f"NOT(EXACT(Settings!$A${r},{quote(key)}))", "missing-setting", at("A", key)),
                            *number_steps(b, at("B", key), False, rule)]))
    for key, (test, kind) in OPTIONAL_SETTINGS.items():  # blank keeps the default
        if key in rows:
            b = f"Settings!$B${rows[key]}"
            out.append(cascade(number_steps(b, at("B", key), True, (test.format(b), kind))))
    weights = [f"Settings!$B${rows[f'weight_{c}']}" for c in ("monetised", "attainment", "quality")]
    out.append(cascade([(f"AND({','.join(f'ISNUMBER({w})' for w in weights)},{'+'.join(weights)}<=0)",
                         "weights-not-positive", at("B", "weight_monetised"))]))
    return out


def _id_steps(a: Anchors, sheet: str, k: int) -> list[Step]:
    """A built row's id: present (a cleared row means a deleted theme, outcome or measure) and unique."""
    r = k + 1
    last_col = column_letter(len(SHEET_COLUMNS[sheet]))
    cell = f"{sheet}!$A${r}"
    name = {"Themes": "ThemeID", "Outcomes": "OutcomeID", "Measures": "MeasureID"}[sheet]
    where = a.cell(sheet, "A", k)
    return [(f'AND({cell}="",COUNTA({sheet}!$B${r}:${last_col}${r})>0)', "missing-id", where),
            (f'{cell}=""', "framework-changed", where),
            (f"{exact_count(name, cell)}>1", "duplicate-id", where)]


def theme_problems(a: Anchors, count: int) -> list[str]:
    """Each built Themes row: id and weight (blank weight counts as 1), and the weights' sum."""
    out = []
    for k in range(1, count + 1):
        d = f"Themes!$D${k + 1}"
        out.append(cascade([*_id_steps(a, "Themes", k), *number_steps(d, a.cell("Themes", "D", k), True, (f"{d}<0", "bad-weight"))]))
    out.append(cascade([("AND(SUMPRODUCT(--ISTEXT(ThemeWeight))=0,SUM(ThemeWeight)+COUNTBLANK(ThemeWeight)<=0)",
                         "weights-not-positive", a.cell("Themes", "D", 1))]))
    return out


def outcome_problems(a: Anchors, count: int) -> list[str]:
    """Each built Outcomes row: id, and a theme_id found on Themes."""
    return [cascade([*_id_steps(a, "Outcomes", k),
                     (f"{exact_count('ThemeID', f'Outcomes!$B${k + 1}')}=0", "orphan-outcome", a.cell("Outcomes", "B", k))])
            for k in range(1, count + 1)]


def measure_problems(a: Anchors, count: int) -> list[str]:
    """Each built Measures row, in the engine's order of checks: outcome, kind, direction, proxy, deadweight, target."""
    out = []
    for k in range(1, count + 1):
        c = {col: f"Measures!${column_letter(i + 1)}${k + 1}" for i, col in enumerate(SHEET_COLUMNS["Measures"])}
        w = {col: a.cell("Measures", i + 1, k) for i, col in enumerate(SHEET_COLUMNS["Measures"])}
        kind = f"LOWER({c['kind']})"
        direction = f"IF({c['direction']}=\"\",\"benefit\",LOWER({c['direction']}))"
        allowed = (f'IF({kind}="monetised",OR({direction}="benefit",{direction}="harm"),'
                   f'IF({kind}="target",OR({direction}="benefit",{direction}="lower_is_better"),{direction}="benefit"))')
        proxy, dw, target = c["proxy_gbp"], c["deadweight"], c["target"]
        out.append(cascade([
            *_id_steps(a, "Measures", k),
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


def scale_problems(a: Anchors, count: int) -> list[str]:
    """Each built QualityScale row: its score blank or a number from 0 to 100, as the engine reads the scale."""
    return [cascade(number_steps(f"QualityScale!$A${k + 1}", a.cell("QualityScale", "A", k), True,
                                 (f"OR(QualityScale!$A${k + 1}<0,QualityScale!$A${k + 1}>100)", "bad-quality-scale")))
            for k in range(1, count + 1)]


def structure_problems(layout: LiveLayout, a: Anchors, built_row: int) -> list[str]:
    """Each built theme, outcome and measure id once on its sheet; the headers of Returns and Quality as built."""
    fw = layout.framework
    out = []
    for sheet, name, count, k in (("Themes", "ThemeID", len(fw.themes), 0), ("Outcomes", "OutcomeID", len(fw.outcomes), 1),
                                  ("Measures", "MeasureID", len(fw.measures), 2)):
        for i in range(count):
            cell = f"${column_letter(BUILT_COL + k)}${built_row + i}"
            out.append(cascade([(f"{exact_count(name, cell)}<>1", "framework-changed", quote(sheet))]))
    headers = [("Returns", ["File", "Organisation", "Contract value (GBP)", *layout.measure_ids]),
               ("Quality", ["File", "Organisation", *layout.theme_ids])]
    for sheet, cells in headers:
        steps = [(f"NOT(EXACT({sheet}!${column_letter(j)}$1,{quote(text)}))",
                  "missing-header" if j == 1 else "framework-changed", a.cell(sheet, j, 0))
                 for j, text in enumerate(cells, start=1)]
        steps.append((f"COUNTA({sheet}!$1:$1)<>{len(cells)}", "framework-changed", a.cell(sheet, len(cells) + 1, 0)))
        out.append(cascade(steps))
    return out


def returns_row_problems(layout: LiveLayout, a: Anchors, k: int, ts_row: int, quality_row_col: str) -> str:
    """One Returns row: a file name, a number for contract value, quantities as the formulas count them, a Quality row."""
    r = k + 1
    last = column_letter(len(layout.measure_ids) + 3)
    a_cell, figures = f"Returns!$A${r}", f"Returns!$C${r}:${last}${r}"
    blank_row = cascade([(f'COUNTA(Returns!$B${r}:${last}${r})>0', "missing-file", a.cell("Returns", "A", k))])[1:]
    first_error = f'ADDRESS({a.row("Returns", k)},2+MATCH(TRUE,INDEX(ISERROR({figures}),0),0),4)'
    body = [(f"SUMPRODUCT(--ISERROR({figures}))>0", "cell-error", f'"Returns!"&{first_error}'),
            *number_steps(f"Returns!$C${r}", a.cell("Returns", "C", k), True, None)]
    for j, measure in enumerate(layout.framework.measures):
        col = column_letter(layout.returns_col(j))
        q, where = f"Returns!${col}${r}", a.cell("Returns", col, k)
        if measure.kind == "binary":
            body.append((f'NOT(OR({q}="",{q}="Yes",{q}="No",{q}=0,{q}=1))', "not-yes-no", where))
        else:
            body.append((f"ISTEXT({q})", "not-a-number", where))
            body.append((f"AND(ISNUMBER({q}),{q}<0)", "negative-quantity", where))
    body.append((f"ThemeScores!${quality_row_col}${ts_row}=0", "missing-quality-row",
                 f'"Quality (no row for Returns!A"&{a.row("Returns", k)}&")"'))
    row = f'IF({a_cell}="",{blank_row},{cascade(body)[1:]})'
    return f'=IFERROR({row},IFERROR("cell-error|"&{a.cell("Returns", "A", k)},""))'  # "" for a deleted row


def quality_row_problems(layout: LiveLayout, a: Anchors, k: int) -> str:
    """One Quality row: its file name on no other row (the formulas read only the first), every mark blank or one of the
    scale's scores typed as a number (not text, not in a cell formatted as a percentage, 0 to 100, on the scale)."""
    r = k + 1
    a_cell = f"Quality!$A${r}"
    steps = [(f'IF({a_cell}="",FALSE,{repeated(a_cell, "QualityFile")})', "duplicate-file", a.cell("Quality", "A", k))]
    for j in range(len(layout.theme_ids)):
        col = column_letter(3 + j)
        mark, where = f"Quality!${col}${r}", a.cell("Quality", col, k)
        steps += [(f"ISERROR({mark})", "cell-error", where),
                  (f"ISTEXT({mark})", "bad-quality-score", where),
                  (f'AND(ISNUMBER({mark}),LEFT(CELL("format",{mark}))="P")', "stored-as-percent", where),
                  (f"AND(ISNUMBER({mark}),OR({mark}<0,{mark}>100))", "bad-quality-score", where),
                  (f"AND(ISNUMBER({mark}),COUNT(QualityScaleScore)>0,COUNTIF(QualityScaleScore,{mark})=0)", "off-scale", where)]
    return cascade(steps)
