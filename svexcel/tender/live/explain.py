"""What the live workbook's Python functions return: the engine's score table, explanations, ranking stability, findings.

Pure functions over LiveInputs; ``udfs/svexcel_live.py`` only passes Excel ranges in and tables out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ...core.cells import Value
from ...core.findings import Finding, finding_rows
from ...excel.agreement import AGREES, agreement, rows_by
from ...framework.model import Framework
from ...xlsx.tables import cell_text
from ..scoring import assess, best_offers, compete, component_shares, points_available, theme_points, theme_weight_total
from .inputs import LiveInputs
from .layout import SCORE_TOTALS

TOLERANCE = 1e-9
PART_NAMES = {"monetised": "£ value", "attainment": "targets", "quality": "quality"}
Table = list[list[Value]]


def score_table(inputs: LiveInputs, formula_scores: Sequence[Sequence[Value]] | None = None) -> Table:
    """The engine's Scores table for the inputs; with the formulas' table, a last column saying whether they agree."""
    theme_ids = [t.id for t in inputs.framework.themes]
    header: list[Value] = ["File", "Organisation", "Points", "Rank", *theme_ids, *SCORE_TOTALS[:3]]
    rows: Table = [header + ([AGREES] if formula_scores is not None else [])]
    formulas = rows_by(formula_scores, "File", 0, _name) if formula_scores is not None else {}
    for ret, score in zip(inputs.returns, inputs.scores(), strict=False):
        row: list[Value] = [ret.file, ret.organisation, score.points, float(score.rank),
                            *(score.themes[t].score for t in theme_ids),
                            score.assessment.total_sv, ret.contract_value, score.assessment.sv_ratio]
        if formula_scores is not None:
            row.append(agreement(header[2:], row[2:], formulas.get(ret.file), "No: not on Scores"))
        rows.append(row)
    return rows


def _name(value: Value) -> str:
    """A file name from a cell, spaces kept (they are part of the name)."""
    return value if isinstance(value, str) else cell_text(value)


def explain_return(inputs: LiveInputs, file: str) -> list[str]:
    """A plain-English account of one return's points, theme by theme."""
    fw = inputs.framework
    scores = inputs.scores()
    pairs = list(zip(inputs.returns, scores, strict=False))
    found = [(r, s) for r, s in pairs if r.file == file] or [(r, s) for r, s in pairs if r.file == file.strip()]
    found = found or [(r, s) for r, s in pairs if r.file.strip().casefold() == file.strip().casefold()]
    if len(found) > 1:
        return [f"More than one return is named '{file}' when case is ignored ({', '.join(r.file for r, _ in found)}). "
                "Give the file name exactly as in column A of Scores."]
    if not found:
        return [f"No return named '{file}' is on Returns. Give the file name exactly as in column A of Scores."]
    ret, score = found[0]
    settings = fw.settings
    best = best_offers(fw, [s.assessment.sv for s in scores])
    available, earned = points_available(fw), theme_points(fw, score)
    name = ret.organisation or ret.file
    lines = [
        f"{name} ({ret.file}) scores {score.points:.2f} of {settings.max_points:g} points and ranks {score.rank} of {len(scores)}.",
        f"Points = {settings.max_points:g} × (sum of theme weight × theme score) ÷ {theme_weight_total(fw):g}, the total theme weight.",
        f"Each theme score is the weighted mean of its parts: £ value against the best offer ({settings.weight_monetised:g}), "
        f"targets and yes/no measures met ({settings.weight_attainment:g}) and officers' quality ({settings.weight_quality:g}); "
        "parts a theme does not have, and quality not yet scored, are left out.",
    ]
    missed = []
    for theme in fw.themes:
        result = score.themes[theme.id]
        parts = []
        if result.monetised is not None:
            parts.append(f"£ value {_gbp(result.sv)} against the best offer of {_gbp(best[theme.id])} gives {result.monetised:.3f}")
        if result.attainment is not None:
            parts.append(f"targets and yes/no measures met {result.attainment:.0%} on average")
        parts.append("quality not yet scored" if result.quality is None else f"officers' quality {result.quality * 100:g}/100")
        weighed = ", ".join(f"{PART_NAMES[c]} {share:.0%}" for c, share in component_shares(fw, result.parts).items())
        lines.append(f"{theme.id} {theme.name} (weight {theme.weight:g}): score {result.score:.3f}, "
                     f"{earned[theme.id]:.2f} of {available[theme.id]:.2f} points. " + "; ".join(parts) + "."
                     + (f" The score weighs {weighed}." if weighed else ""))
        missed.append((available[theme.id] - earned[theme.id], theme))
    gap, theme = max(missed, key=lambda m: m[0])
    if gap > TOLERANCE:
        lines.append(f"Most points were missed on {theme.id} {theme.name}: {gap:.2f} points below full marks.")
    return lines


def _gbp(value: float) -> str:
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


def ranking_stability(inputs: LiveInputs, percent: float) -> Table:
    """For each theme weight moved up and down by ``percent``: the new top return and every rank that changes."""
    fw = inputs.framework
    assessments = [assess(fw, r.quantities, r.contract_value) for r in inputs.returns]
    marks = [inputs.quality.get(r.file, {}) for r in inputs.returns]
    names = [r.organisation or r.file for r in inputs.returns]
    base = [s.rank for s in compete(fw, assessments, marks)]
    rows: Table = [["Theme", "Weight change", "New weight", "Top return", "Ranks that change", "Returns moving"]]
    for index, theme in enumerate(fw.themes):
        for sign in (1, -1):
            weight = theme.weight * (1 + sign * percent / 100)
            moved = _with_theme_weight(fw, index, max(weight, 0.0))
            ranks = [s.rank for s in compete(moved, assessments, marks)]
            changes = [f"{n} {a}→{b}" for n, a, b in zip(names, base, ranks, strict=False) if a != b]
            top = "; ".join(n for n, r in zip(names, ranks, strict=False) if r == 1)
            rows.append([theme.id, f"{sign * percent:+g}%", max(weight, 0.0), top,
                         "; ".join(changes) if changes else "none", float(len(changes))])
    return rows


def _with_theme_weight(framework: Framework, index: int, weight: float) -> Framework:
    """The framework with one theme's weight replaced."""
    themes = list(framework.themes)
    themes[index] = replace(themes[index], weight=weight)
    return replace(framework, themes=tuple(themes))


def findings_table(findings: Sequence[Finding], file: str = "") -> Table:
    """Findings as a table under the Findings sheet's header; one row saying so when there are none."""
    rows: Table = finding_rows(findings)
    if len(rows) == 1:
        rows.append([file, "", "", "", "", "No findings: the return can be scored as it is."])
    return rows

