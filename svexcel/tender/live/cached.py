"""The engine's figures as every formula cell's cached value, so Protected View and file previews show real scores.

``cached_values`` gives each formula cell of a layout the value its formula computes (from the engine, or from
the layout for lookups and checks, which pass in a built workbook); ``sheet_xml.write_grids`` writes them beside
the formulas.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping

from ...excel.formulas import ALL_PASS
from ...excel.sheet_xml import Cached, Values
from ..scoring import Score, ranks
from .checks import CHECK_ADVICE, CHECK_HEADER_ROW, CHECKS
from .layout import (
    COMPONENTS,
    DASHBOARD,
    DASHBOARD_HEADER_ROW,
    MEASURE_SCORES,
    SCORES,
    SCORES_HEADER_ROW,
    THEME_SCORES,
    LiveLayout,
)


def excel_text(value: float | str) -> str:
    """A number joined to text the way Excel's ``&`` shows it (20 → "20", 0.5 → "0.5")."""
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def cached_values(layout: LiveLayout, scores: list[Score]) -> Values:
    """Sheet -> (row, column) -> the value each formula computes for the layout's own inputs."""
    values: Values = {}
    values[MEASURE_SCORES] = _measure_scores(layout, scores)
    values[THEME_SCORES] = _theme_scores(layout, scores)
    values[SCORES] = _scores(layout, scores)
    values[DASHBOARD] = _dashboard(layout, values[SCORES])
    values[CHECKS] = _checks(layout)
    return values


def _measure_scores(layout: LiveLayout, scores: list[Score]) -> dict[tuple[int, int], Cached]:
    out: dict[tuple[int, int], Cached] = {}
    for j, m in enumerate(layout.framework.measures):
        col = j + 2
        monetised = m.kind == "monetised"
        props: list[Cached] = [float(j + 1), m.theme_id, m.kind, m.direction, m.proxy_gbp if monetised else "n/a",
                 m.deadweight if monetised else "n/a", m.target if m.kind == "target" else "n/a"]
        for row, value in enumerate(props, start=2):
            out[(row, col)] = value
        for i, (ret, score) in enumerate(zip(layout.returns, scores, strict=True)):
            result = score.assessment.measures[m.id]
            out[(layout.ms_data_row + i, 1)] = ret.file
            out[(layout.ms_data_row + i, col)] = (result.value if monetised else result.attainment) or 0.0
    return out


def _theme_scores(layout: LiveLayout, scores: list[Score]) -> dict[tuple[int, int], Cached]:
    out: dict[tuple[int, int], Cached] = {}
    fw = layout.framework
    first_row: dict[str, int] = {}
    for i, ret in enumerate(layout.returns):
        first_row.setdefault(ret.file, i + 1)
    for j, theme in enumerate(fw.themes):
        measures = fw.theme_measures(theme.id)
        sv_col, att_col = layout.theme_col("£ value", j), layout.theme_col("attainment", j)
        out[(2, layout.theme_col("score", j))] = theme.weight
        out[(3, sv_col)] = float(sum(m.kind == "monetised" for m in measures))
        out[(3, att_col)] = float(sum(m.kind != "monetised" for m in measures))
        out[(4, sv_col)] = max([0.0, *(s.themes[theme.id].sv for s in scores)])
        out[(5, layout.theme_col("quality mark", j))] = float(j + 3)
        for i, (ret, score) in enumerate(zip(layout.returns, scores, strict=True)):
            r = layout.ts_data_row + i
            result = score.themes[theme.id]
            mark = layout.quality.get(ret.file, {}).get(theme.id)
            parts = {"£ value": result.sv, "attainment": result.attainment, "monetised": result.monetised,
                     "quality mark": mark, "quality": result.quality, "score": result.score}
            for component in COMPONENTS:
                value = parts[component]
                out[(r, layout.theme_col(component, j))] = "" if value is None else value
    for i, ret in enumerate(layout.returns):
        out[(layout.ts_data_row + i, 1)] = ret.file
        out[(layout.ts_data_row + i, layout.quality_row_col)] = float(first_row[ret.file])
    return out


def _scores(layout: LiveLayout, scores: list[Score]) -> dict[tuple[int, int], Cached]:
    out: dict[tuple[int, int], Cached] = {(1, 1): ALL_PASS}
    places = ranks([s.points for s in scores])
    seen: Counter[int] = Counter()
    col = layout.score_col
    for i, (ret, score) in enumerate(zip(layout.returns, scores, strict=True)):
        r = SCORES_HEADER_ROW + 1 + i
        p = score.points
        rank = places[i]
        seen[rank] += 1
        cv = ret.contract_value
        row: dict[str, Cached] = {
            "File": ret.file, "Organisation": ret.organisation, "Points": p,
            "Rank": float(rank),
            "Social value (£)": score.assessment.total_sv, "Contract value (£)": "" if cv is None else cv,
            "Social value per £": score.assessment.total_sv / cv if cv else "",
            "Themes unscored": float(sum(score.themes[t].quality is None for t in layout.theme_ids)),
            "Order": float(rank + seen[rank] - 1),
        }
        row.update({t: score.themes[t].score for t in layout.theme_ids})
        for header, value in row.items():
            out[(r, col(header))] = value
    return out


def _dashboard(layout: LiveLayout, scores: Mapping[tuple[int, int], Cached]) -> dict[tuple[int, int], Cached]:
    fw = layout.framework
    col = layout.score_col
    top = SCORES_HEADER_ROW + 1
    rows = {int(float(scores[(top + i, col("Order"))] or 0)): top + i for i in range(layout.n)}
    unscored = [scores[(top + i, col("Themes unscored"))] for i in range(layout.n)]
    out: dict[tuple[int, int], Cached] = {
        (1, 1): f"Social value scores: {fw.name} (version {fw.version})",
        (2, 1): (f"Points out of {excel_text(fw.settings.max_points)}. Theme scores run from 0 to 1. Every figure recalculates "
                 "when the yellow cells on Settings, Themes, Measures or Quality change."),
        (3, 1): ALL_PASS,
        (4, 1): (f"Returns scored: {sum(bool(r.file) for r in layout.returns)}. Rejected returns: {len(layout.rejected)}. "
                 f"Findings listed: {len(layout.findings)} (see Findings). Provisional: quality not yet scored for "
                 f"{sum(1 for u in unscored if isinstance(u, float) and u > 0)} return(s)."),
    }
    for k in range(1, layout.n + 1):
        r, at = DASHBOARD_HEADER_ROW + k, rows[k]
        name = scores[(at, col("Organisation"))] or scores[(at, col("File"))]
        missing = scores[(at, col("Themes unscored"))]
        status = f"Provisional: quality not scored for {excel_text(missing)} theme(s)" if isinstance(missing, float) and missing > 0 else ""
        values = [scores[(at, col("Rank"))], name, scores[(at, col("Points"))],
                  *(scores[(at, col(t))] for t in layout.theme_ids), scores[(at, col("Social value (£)"))], status]
        for c, value in enumerate(values, start=1):
            out[(r, c)] = value
    return out


def _checks(layout: LiveLayout) -> dict[tuple[int, int], Cached]:
    first = CHECK_HEADER_ROW + 1
    out: dict[tuple[int, int], Cached] = {(2, 1): ALL_PASS, (3, 2): 0.0}
    for k in range(len(CHECK_ADVICE)):
        out |= {(first + k, 2): "OK", (first + k, 3): 0.0, (first + k, 4): ""}
    for k in range(len(layout.problem_formulas)):
        out[(first + k, 7)] = ""
        out[(first + k, 8)] = ""
    a = layout.anchors
    for t in a.tables:
        out |= {(a.top + k, a.column(t.sheet)): float(k + 1) for k in range(t.rows + 1)}
    return out
