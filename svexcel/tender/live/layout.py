"""The live scoring workbook's data and formula sheets as cell grids (SPEC §3, §5).

Every figure of the engine is rebuilt here as a native formula that Excel 2016+
and LibreOffice compute alike (no XLOOKUP, XMATCH, LET or spilled arrays). The
builder writes these grids with openpyxl; the import macro writes the same grids
into an open workbook, so both agree cell for cell.

Sheets: ``Returns`` (quantities), ``Quality`` (officers' marks),
``MeasureScores`` (each measure's £ value or attainment), ``ThemeScores`` (each
theme's components and score), ``Scores`` (points and rank), ``Dashboard``
(ranking table) and ``Findings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping, Sequence

from ...core.findings import FINDING_COLUMNS, Finding, finding_rows
from ...excel.formulas import ALL_PASS, CHECK_TEXT, checked, problem_type
from ...excel.grid import CellValue, Formula, Grid, ref
from ...excel.lookups import exact_match, first_exact
from ...excel.rows import Anchors
from ...framework.model import SETTING_NOTES, SHEET_COLUMNS, Framework
from ...xlsx.reader import column_letter
from ..return_reader import Return
from . import checks
from .checks import BUILT_COL, BUILT_COLUMNS, CHECK_ADVICE, CHECK_COLUMNS, CHECK_HEADER_ROW, CHECKS, PROBLEM_COL

RETURNS = "Returns"
QUALITY = "Quality"
MEASURE_SCORES = "MeasureScores"
THEME_SCORES = "ThemeScores"
SCORES = "Scores"
DASHBOARD = "Dashboard"
FINDINGS = "Findings"

RETURN_COLUMNS = ("File", "Organisation", "Contract value (GBP)")
MEASURE_PROPERTIES = ("Measure ID", "Row in Measures", "Theme", "Kind", "Direction", "Proxy (£)", "Deadweight", "Target")
THEME_PROPERTIES = ("Theme", "Theme weight", "Measures", "Best £ value", "Column on Quality")
COMPONENTS = ("£ value", "attainment", "monetised", "quality mark", "quality", "score")
SCORE_TOTALS = ("Social value (£)", "Contract value (£)", "Social value per £", "Themes unscored", "Order")
DASHBOARD_HEADER_ROW = 6
SCORES_HEADER_ROW = 3
SCORES_NOTE = ("While a check fails (see the Checks sheet), Points, Rank and theme scores show CHECK instead of numbers; "
               "the check names the cell to fix.")

# Settings rows (as write_framework_sheets lays them out) and the names formulas use for them.
SETTING_NAMES = {
    "framework_name": "FrameworkName",
    "framework_version": "FrameworkVersion",
    "max_points": "MaxPoints",
    "weight_monetised": "WeightMonetised",
    "weight_attainment": "WeightAttainment",
    "weight_quality": "WeightQuality",
}
# Framework columns named for formulas: name -> (sheet, column).
COLUMN_NAMES = {
    "ThemeID": ("Themes", "theme_id"),
    "ThemeWeight": ("Themes", "weight"),
    "OutcomeID": ("Outcomes", "outcome_id"),
    "OutcomeTheme": ("Outcomes", "theme_id"),
    "MeasureID": ("Measures", "measure_id"),
    "MeasureOutcome": ("Measures", "outcome_id"),
    "MeasureKind": ("Measures", "kind"),
    "MeasureDirection": ("Measures", "direction"),
    "ProxyGBP": ("Measures", "proxy_gbp"),
    "Deadweight": ("Measures", "deadweight"),
    "Target": ("Measures", "target"),
    "QualityScaleScore": ("QualityScale", "score"),
}
# Whole framework tables (header included), for the Python functions.
TABLE_NAMES = {
    "Settings": "SettingsTable",
    "Themes": "ThemesTable",
    "Outcomes": "OutcomesTable",
    "Measures": "MeasuresTable",
    "QualityScale": "QualityScaleTable",
}


@dataclass(frozen=True)
class LiveLayout:
    """Cell positions of every figure for one framework and a list of returns, and the grids that fill them."""

    framework: Framework
    returns: Sequence[Return]
    quality: Mapping[str, Mapping[str, float | None]]
    findings: Sequence[Finding] = ()
    rejected: Sequence[str] = ()

    # --- geometry -------------------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of returns in the competition."""
        return len(self.returns)

    @property
    def rows(self) -> int:
        """Rows the named data ranges span: at least one, so names stay valid with no returns."""
        return max(self.n, 1)

    @property
    def theme_ids(self) -> list[str]:
        """Theme ids in framework order."""
        return [t.id for t in self.framework.themes]

    @property
    def measure_ids(self) -> list[str]:
        """Measure ids in framework order: the Returns and MeasureScores columns."""
        return [m.id for m in self.framework.measures]

    def returns_col(self, measure_index: int) -> int:
        """Column of a measure's quantity on Returns."""
        return len(RETURN_COLUMNS) + 1 + measure_index

    def theme_col(self, component: str, theme_index: int) -> int:
        """Column of a theme's component on ThemeScores (blocks of one column per theme)."""
        return 2 + COMPONENTS.index(component) * len(self.framework.themes) + theme_index

    @property
    def ms_data_row(self) -> int:
        """First data row of MeasureScores."""
        return len(MEASURE_PROPERTIES) + 2

    @property
    def ts_data_row(self) -> int:
        """First data row of ThemeScores."""
        return len(THEME_PROPERTIES) + 2

    def score_col(self, header: str) -> int:
        """Column of a Scores header (File, Points, a theme id, Social value (£) …)."""
        return self.scores_header.index(header) + 1

    @property
    def scores_header(self) -> list[str]:
        """The Scores header row."""
        return ["File", "Organisation", "Points", "Rank", *self.theme_ids, *SCORE_TOTALS]

    @property
    def dashboard_header(self) -> list[str]:
        """The Dashboard ranking table's header."""
        return ["Rank", "Return", "Points", *(t.name or t.id for t in self.framework.themes), "Social value (£)", "Status"]

    # --- names ----------------------------------------------------------------------------------------------
    def names(self) -> dict[str, str]:
        """Every defined name and what it refers to."""
        return self.framework_names() | self.data_names()

    def framework_names(self) -> dict[str, str]:
        """Names of the framework's input cells and tables (independent of the returns)."""
        fw = self.framework
        counts = {"Settings": len(SETTING_NOTES), "Themes": len(fw.themes), "Outcomes": len(fw.outcomes),
                  "Measures": len(fw.measures), "QualityScale": len(fw.quality_scale)}
        names = {name: ref("Settings", 2, list(SETTING_NOTES).index(key) + 2) for key, name in SETTING_NAMES.items()}
        for name, (sheet, column) in COLUMN_NAMES.items():
            col = SHEET_COLUMNS[sheet].index(column) + 1
            names[name] = ref(sheet, col, 2, col, max(counts[sheet], 1) + 1)
        for sheet, name in TABLE_NAMES.items():
            width = len(SHEET_COLUMNS[sheet]) + (1 if sheet == "Settings" else 0)
            names[name] = ref(sheet, 1, 1, width, max(counts[sheet], 1) + 1)
        m_last = len(self.measure_ids) + 1
        names["MeasureScoreTheme"] = ref(MEASURE_SCORES, 2, 3, m_last, 3)
        names["MeasureScoreKind"] = ref(MEASURE_SCORES, 2, 4, m_last, 4)
        t = len(self.theme_ids)
        names["ThemeWeightUsed"] = ref(THEME_SCORES, self.theme_col("score", 0), 2, self.theme_col("score", t - 1), 2)
        return names

    def data_names(self) -> dict[str, str]:
        """Names whose extent follows the number of returns."""
        last = self.rows + 1
        q_last = len(self.theme_ids) + 2
        s_last = len(self.scores_header)
        top, bottom = SCORES_HEADER_ROW, SCORES_HEADER_ROW + self.rows
        first_check = CHECK_HEADER_ROW + 1
        names = {
            "ReturnsTable": ref(RETURNS, 1, 1, len(RETURN_COLUMNS) + len(self.measure_ids), last),
            "QualityTable": ref(QUALITY, 1, 1, q_last, last),
            "QualityHeader": ref(QUALITY, 1, 1, q_last, 1),
            "QualityMarks": ref(QUALITY, 1, 2, q_last, last),
            "QualityFile": ref(QUALITY, 1, 2, 1, last),
            "ScoresTable": ref(SCORES, 1, top, s_last, bottom),
            "ScoresHeader": ref(SCORES, 1, top, s_last, top),
            "ScoresData": ref(SCORES, 1, top + 1, s_last, bottom),
            "FindingsTable": ref(FINDINGS, 1, 1, len(FINDING_COLUMNS), max(len(self.findings), 1) + 1),
            "CheckProblems": ref(CHECKS, PROBLEM_COL, first_check, PROBLEM_COL, first_check + len(self.problem_formulas) - 1),
            "CheckTypes": ref(CHECKS, PROBLEM_COL + 1, first_check, PROBLEM_COL + 1, first_check + len(self.problem_formulas) - 1),
            "ChecksFailed": ref(CHECKS, 2, 3),
            "CheckStatus": ref(CHECKS, 1, 2),
        }
        for name, header in (("ScoreFile", "File"), ("ScoreOrganisation", "Organisation"), ("Points", "Points"),
                             ("ScoreRank", "Rank"), ("ScoreSocialValue", "Social value (£)"), ("ScoreOrder", "Order"),
                             ("ScoreUnscored", "Themes unscored")):
            col = self.score_col(header)
            names[name] = ref(SCORES, col, top + 1, col, bottom)
        return names

    # --- grids ----------------------------------------------------------------------------------------------
    def grids(self) -> list[Grid]:
        """Every sheet whose content follows the returns, in writing order."""
        return [self.returns_grid(), self.quality_grid(), self.measure_scores_grid(), self.theme_scores_grid(),
                self.scores_grid(), self.dashboard_grid(), self.findings_grid(), self.checks_grid()]

    def returns_grid(self) -> Grid:
        """File, organisation, contract value and one quantity per measure (binary as Yes/No)."""
        rows: list[list[CellValue]] = [[*RETURN_COLUMNS, *self.measure_ids]]
        binary = {m.id for m in self.framework.measures if m.kind == "binary"}
        for ret in self.returns:
            row: list[CellValue] = [ret.file, ret.organisation, ret.contract_value]
            for mid in self.measure_ids:
                q = ret.quantities.get(mid)
                row.append(None if q is None else ("Yes" if q else "No") if mid in binary else q)
            rows.append(row)
        return Grid(RETURNS, rows, 2)

    def quality_grid(self) -> Grid:
        """One row per return with its marks per theme (the layout of ``write_quality_sheet``)."""
        rows: list[list[CellValue]] = [["File", "Organisation", *self.theme_ids]]
        for ret in self.returns:
            marks = self.quality.get(ret.file, {})
            rows.append([ret.file, ret.organisation, *(marks.get(t) for t in self.theme_ids)])
        return Grid(QUALITY, rows, 2)

    def measure_scores_grid(self) -> Grid:
        """Each measure's properties looked up by exact id, then its £ value or attainment for every return.

        A proxy and deadweight show "n/a" for measures that are not monetised, a target for those that are not targets.
        """
        ids = self.measure_ids
        rows: list[list[CellValue]] = [[label] for label in MEASURE_PROPERTIES]
        rows.append(["File", *ids])
        rows[0].extend(ids)
        for j in range(len(ids)):
            c = column_letter(j + 2)
            k = f"{c}$2"
            rows[1].append(Formula(f"=IFERROR({exact_match(f'{c}$1', 'MeasureID')},\"\")"))
            rows[2].append(Formula(f"=IFERROR(INDEX(OutcomeTheme,{exact_match(f'INDEX(MeasureOutcome,{k})', 'OutcomeID')}),\"\")"))
            rows[3].append(Formula(f"=IFERROR(LOWER(INDEX(MeasureKind,{k})),\"\")"))
            rows[4].append(Formula(f"=IFERROR(IF(INDEX(MeasureDirection,{k})=\"\",\"benefit\",LOWER(INDEX(MeasureDirection,{k}))),\"\")"))
            rows[5].append(Formula(f"=IFERROR(IF({c}$4=\"monetised\",INDEX(ProxyGBP,{k}),\"n/a\"),\"\")"))
            rows[6].append(Formula(f"=IFERROR(IF({c}$4=\"monetised\",IF(INDEX(Deadweight,{k})=\"\",0,INDEX(Deadweight,{k})),\"n/a\"),\"\")"))
            rows[7].append(Formula(f"=IFERROR(IF({c}$4=\"target\",INDEX(Target,{k}),\"n/a\"),\"\")"))
        for i in range(self.n):
            r = i + 2
            row: list[CellValue] = [Formula(f"={RETURNS}!$A{r}&\"\"")]
            for j in range(len(ids)):
                row.append(Formula(_measure_formula(column_letter(j + 2), f"{RETURNS}!{column_letter(self.returns_col(j))}{r}")))
            rows.append(row)
        return Grid(MEASURE_SCORES, rows, self.ms_data_row)

    @property
    def quality_row_col(self) -> int:
        """ThemeScores column holding each return's row on Quality (0 when it has none)."""
        return 2 + len(COMPONENTS) * len(self.theme_ids)

    def theme_scores_grid(self) -> Grid:
        """Per theme: £ value, attainment, relative monetised score, quality and the weighted theme score."""
        t = len(self.theme_ids)
        first, last = self.ts_data_row, self.ts_data_row + self.rows - 1
        rows: list[list[CellValue]] = [[label] for label in THEME_PROPERTIES]
        header: list[CellValue] = ["File"]
        for component in COMPONENTS:
            for j, tid in enumerate(self.theme_ids):
                c = column_letter(self.theme_col(component, j))
                rows[0].append(tid)
                header.append(f"{tid} {component}")
                rows[1].append(Formula(
                    f"=IFERROR(IF(INDEX(ThemeWeight,{exact_match(f'{c}$1', 'ThemeID')})=\"\",1,"
                    f"INDEX(ThemeWeight,{exact_match(f'{c}$1', 'ThemeID')})),0)"
                ) if component == "score" else None)
                theme = f"EXACT(MeasureScoreTheme,{c}$1)"
                if component == "£ value":
                    rows[2].append(Formula(f"=SUMPRODUCT({theme}*(MeasureScoreKind=\"monetised\"))"))
                    rows[3].append(Formula(f"=MAX(0,MAX({c}{first}:{c}{last}))"))
                elif component == "attainment":
                    rows[2].append(Formula(f"=SUMPRODUCT({theme}*(MeasureScoreKind<>\"monetised\"))"))
                    rows[3].append(None)
                else:
                    rows[2].append(None)
                    rows[3].append(None)
                rows[4].append(Formula(f"=IFERROR({exact_match(f'{c}$1', 'QualityHeader')},0)") if component == "quality mark" else None)
        header.append("Row on Quality")
        rows.append(header)
        ms_last = column_letter(len(self.measure_ids) + 1)
        cols = [{comp: column_letter(self.theme_col(comp, j)) for comp in COMPONENTS} for j in range(t)]
        qrow = column_letter(self.quality_row_col)
        for i in range(self.n):
            r = first + i
            m = self.ms_data_row + i
            measures = f"{MEASURE_SCORES}!$B{m}:${ms_last}{m}"
            row: list[CellValue] = [Formula(f"={RETURNS}!$A{i + 2}&\"\"")]
            for component in COMPONENTS:
                for j in range(t):
                    row.append(Formula(_component_formula(component, cols[j], r, measures, f"${qrow}{r}")))
            found = first_exact(f"$A{r}", "QualityFile")
            same_row = f"IFERROR(EXACT(INDEX(QualityFile,{i + 1}),$A{r}),FALSE)"  # as built; a sorted Quality takes the MATCH
            row.append(Formula(f"=IF($A{r}=\"\",0,IF({same_row},{i + 1},{found}))"))
            rows.append(row)
        return Grid(THEME_SCORES, rows, first)

    def scores_grid(self) -> Grid:
        """The checks' verdict, then file, organisation, points, rank, theme scores, social value, ratio and order.

        While a check fails, every figure shows CHECK; a cleared Returns row shows blanks and takes no part.
        """
        t = len(self.theme_ids)
        rows: list[list[CellValue]] = [[Formula("=CheckStatus")], [SCORES_NOTE], list(self.scores_header)]
        score0, score1 = (column_letter(self.theme_col("score", j)) for j in (0, t - 1))
        sv0, sv1 = (column_letter(self.theme_col("£ value", j)) for j in (0, t - 1))
        q0, q1 = (column_letter(self.theme_col("quality", j)) for j in (0, t - 1))
        points, rank, total = (column_letter(self.score_col(h)) for h in ("Points", "Rank", "Social value (£)"))
        top = SCORES_HEADER_ROW + 1
        for i in range(self.n):
            r, ts = top + i, self.ts_data_row + i
            cv = f"{RETURNS}!C{i + 2}"

            def figure(expr: str, r: int = r) -> Formula:
                return Formula(checked(f'IF($A{r}="","",{expr})'))

            order = f"{rank}{r}+COUNTIF({rank}${top}:{rank}{r},{rank}{r})-1"  # rank, then earlier rows of the same rank
            rows.append([
                Formula(f"={RETURNS}!A{i + 2}&\"\""),
                Formula(f"={RETURNS}!B{i + 2}&\"\""),
                figure(f"IF(SUM(ThemeWeightUsed)>0,MaxPoints*SUMPRODUCT(ThemeWeightUsed,{THEME_SCORES}!${score0}{ts}:${score1}{ts})"
                       "/SUM(ThemeWeightUsed),0)"),
                figure(f"1+COUNTIF(Points,\">\"&({points}{r}+1E-9))"),
                *(figure(f"{THEME_SCORES}!{column_letter(self.theme_col('score', j))}{ts}") for j in range(t)),
                figure(f"SUM({THEME_SCORES}!${sv0}{ts}:${sv1}{ts})"),
                Formula(f"=IF(ISNUMBER({cv}),{cv},\"\")"),
                figure(f"IF(ISNUMBER({cv}),IF({cv}<>0,{total}{r}/{cv},\"\"),\"\")"),
                Formula(f"=IF($A{r}=\"\",\"\",{t}-COUNT({THEME_SCORES}!${q0}{ts}:${q1}{ts}))"),
                Formula(f"=IF(ChecksFailed>0,{i + 1},IF($A{r}=\"\",COUNT(Points)+SUMPRODUCT(--($A${top}:$A{r}=\"\")),{order}))"),
            ])
        return Grid(SCORES, rows, top)

    def dashboard_grid(self) -> Grid:
        """A title, the checks' verdict, counts of returns and findings, and the ranking table, best first."""
        rejected = len(self.rejected)
        rows: list[list[CellValue]] = [
            [Formula("=\"Social value scores: \"&FrameworkName&\" (version \"&FrameworkVersion&\")\"")],
            [Formula("=\"Points out of \"&MaxPoints&\". Theme scores run from 0 to 1. Every figure recalculates when "
                     "the yellow cells on Settings, Themes, Measures or Quality change.\"")],
            [Formula("=CheckStatus")],
            [Formula(f"=\"Returns scored: \"&COUNTIF(ScoreFile,\"?*\")&\". Rejected returns: {rejected}. Findings listed: \""
                     "&MAX(0,COUNTA(Findings!$A:$A)-1)&\" (see Findings). Provisional: quality not yet scored for \""
                     "&COUNTIF(ScoreUnscored,\">0\")&\" return(s).\"")],
            [],
            list(self.dashboard_header),
        ]
        for k in range(1, self.n + 1):
            at = f"MATCH({k},ScoreOrder,0)"
            row: list[CellValue] = [
                Formula(f"=INDEX(ScoreRank,{at})"),
                Formula(f"=IF(INDEX(ScoreOrganisation,{at})=\"\",INDEX(ScoreFile,{at}),INDEX(ScoreOrganisation,{at}))"),
                Formula(f"=INDEX(Points,{at})"),
            ]
            for tid in self.theme_ids:
                row.append(Formula(f"=INDEX(ScoresData,{at},{self.score_col(tid)})"))
            row.append(Formula(f"=INDEX(ScoreSocialValue,{at})"))
            row.append(Formula(f"=IF(INDEX(ScoreUnscored,{at})>0,\"Provisional: quality not scored for \"&INDEX(ScoreUnscored,{at})&\" theme(s)\",\"\")"))
            rows.append(row)
        return Grid(DASHBOARD, rows, DASHBOARD_HEADER_ROW + 1)

    def findings_grid(self) -> Grid:
        """Every finding: file, severity, type, sheet, cell and message (all text)."""
        return Grid(FINDINGS, finding_rows(self.findings), 2)

    @cached_property
    def anchors(self) -> Anchors:
        """Where every input row is now: the anchor columns on Checks (svexcel.excel.rows)."""
        fw = self.framework
        return checks.anchors(checks.input_tables(len(fw.themes), len(fw.outcomes), len(fw.measures), len(fw.quality_scale), self.n))

    @cached_property
    def problem_formulas(self) -> list[str]:
        """The Checks sheet's problem list: every input table's rows as built, every input cell or row, each giving ""
        or "type|where"."""
        fw, a = self.framework, self.anchors
        built_row = CHECK_HEADER_ROW + 1
        out = [*a.problems(), *checks.settings_problems(a), *checks.theme_problems(a, len(fw.themes)),
               *checks.outcome_problems(a, len(fw.outcomes)), *checks.measure_problems(a, len(fw.measures)),
               *checks.scale_problems(a, len(fw.quality_scale)), *checks.structure_problems(self, a, built_row)]
        qrow = column_letter(self.quality_row_col)
        out += [checks.returns_row_problems(self, a, i + 1, self.ts_data_row + i, qrow) for i in range(self.n)]
        out += [checks.quality_row_problems(self, a, i + 1) for i in range(self.n)]
        return out

    def checks_grid(self) -> Grid:
        """The verdict, one row per check (count and first cell to fix), the problem list and what was built."""
        problems = self.problem_formulas
        first = CHECK_HEADER_ROW + 1
        rows: list[list[CellValue]] = [
            ["Checks"],
            [Formula(f"=IF(ChecksFailed=0,\"{ALL_PASS}\",\"{CHECK_TEXT}: \"&ChecksFailed&\" problem(s). Fix \""
                     f"&INDEX($D${first}:$D${first + len(CHECK_ADVICE) - 1},MATCH(\"FIX\",$B${first}:$B${first + len(CHECK_ADVICE) - 1},0))"
                     f"&\": \"&INDEX($E${first}:$E${first + len(CHECK_ADVICE) - 1},MATCH(\"FIX\",$B${first}:$B${first + len(CHECK_ADVICE) - 1},0)))")],
            ["Problems found", Formula("=ROWS(CheckTypes)-COUNTBLANK(CheckTypes)")],
        ]
        a = self.anchors
        header: list[CellValue] = [*CHECK_COLUMNS, None, "Problem list (type|cell)", "Type", *BUILT_COLUMNS, None, *a.titles()]
        rows.append(header)
        built: list[list[CellValue]] = [list(self.theme_ids), [o.id for o in self.framework.outcomes], list(self.measure_ids), [float(self.n)]]
        anchored = a.columns()
        height = max(len(problems), len(CHECK_ADVICE), *(len(b) for b in built), a.height())
        for k in range(height):
            r = first + k
            row: list[CellValue] = [None] * (a.col + len(anchored) - 1)
            if k < len(CHECK_ADVICE):
                kind, advice = list(CHECK_ADVICE.items())[k]
                row[0:5] = [kind, Formula(f"=IF(C{r}=0,\"OK\",\"FIX\")"), Formula(f"=COUNTIF(CheckTypes,\"{kind}\")"),
                            Formula(f"=IF(C{r}=0,\"\",MID(INDEX(CheckProblems,MATCH(\"{kind}\",CheckTypes,0)),{len(kind) + 2},255))"),
                            advice]
            if k < len(problems):
                g = f"{column_letter(PROBLEM_COL)}{r}"
                row[PROBLEM_COL - 1] = Formula(problems[k])
                row[PROBLEM_COL] = Formula(f'=IF({g}="","",{problem_type(g)})')
            for j, ids in enumerate(built):
                if k < len(ids):
                    row[BUILT_COL - 1 + j] = ids[k]
            for j, column in enumerate(anchored):
                if k < len(column):
                    row[a.col - 1 + j] = column[k]
            rows.append(row)
        return Grid(CHECKS, rows, first)


def _measure_formula(c: str, q: str) -> str:
    """£ value (monetised) or attainment (target, binary) of the quantity in ``q`` for the measure in column ``c``.

    Property rows above: 4 kind, 5 direction, 6 proxy, 7 deadweight, 8 target. Blank counts as no commitment;
    a binary measure counts Yes or 1 as yes (anything else but No, 0 or blank fails a check).
    """
    monetised = f"{q}*{c}$6*(1-{c}$7)*IF({c}$5=\"harm\",-1,1)"
    target = f"IF({c}$5=\"lower_is_better\",IF({q}<={c}$8,1,{c}$8/{q}),MIN({q}/{c}$8,1))"
    numeric = f"IF({c}$4=\"monetised\",{monetised},IF({c}$4=\"binary\",IF({q}=1,1,0),{target}))"
    return f"=IF(ISNUMBER({q}),{numeric},IF(AND({c}$4=\"binary\",{q}=\"Yes\"),1,0))"


def _component_formula(component: str, col: dict[str, str], r: int, measures: str, quality_row: str) -> str:
    """One theme component in row ``r``; ``col`` gives the theme's column per component (property rows 1–5 above).

    Row 1 holds the theme id, row 3 how many measures feed the £ value / attainment, row 4 the best £ value,
    row 5 the theme's column on Quality; ``quality_row`` is the return's row on Quality.
    """
    c = col[component]
    theme = f"EXACT(MeasureScoreTheme,{c}$1)"
    if component == "£ value":
        return f"=SUMPRODUCT({measures}*{theme}*(MeasureScoreKind=\"monetised\"))"
    if component == "attainment":
        return f"=IF({c}$3=0,\"\",SUMPRODUCT({measures}*{theme}*(MeasureScoreKind<>\"monetised\"))/{c}$3)"
    if component == "monetised":
        sv = col["£ value"]
        return f"=IF({sv}$3=0,\"\",IF({sv}$4>0,MAX({sv}{r},0)/{sv}$4,0))"
    if component == "quality mark":
        mark = f"INDEX(QualityMarks,{quality_row},{c}$5)"
        return f"=IF(OR({quality_row}=0,{c}$5=0),\"\",IF({mark}=\"\",\"\",{mark}))"
    mark = f"{col['quality mark']}{r}"
    if component == "quality":
        return f"=IF(ISNUMBER({mark}),IF(AND({mark}>=0,{mark}<=100),{mark}/100,\"\"),\"\")"
    return _theme_score_formula(f"{col['monetised']}{r}", f"{col['attainment']}{r}", f"{col['quality']}{r}")


def _theme_score_formula(mon: str, att: str, qual: str) -> str:
    """Weighted mean of the components present, renormalised over their weights; 0 when no weight remains."""
    parts = ((mon, "WeightMonetised"), (att, "WeightAttainment"), (qual, "WeightQuality"))
    num = "+".join(f"IF(ISNUMBER({cell}),{weight}*{cell},0)" for cell, weight in parts)
    den = "+".join(f"IF(ISNUMBER({cell}),{weight},0)" for cell, weight in parts)
    return f"=IF(({den})>0,({num})/({den}),0)"
