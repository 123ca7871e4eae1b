"""The plain-English summary paragraph of an evaluation report, written from the figures."""

from __future__ import annotations

from ...core.formatting import join_words, money, number, percent, plural, points, rank_text
from ...framework.model import Framework
from ..results import Competition
from ..return_reader import Return
from ..scoring import Score, harms_value


def summary_text(framework: Framework, ret: Return, score: Score, competition: Competition) -> str:
    """A few sentences: points and rank, strongest and weakest themes, social value and ratio, harms, open issues."""
    who = ret.organisation.strip() or "This organisation"
    sentences = [
        f"{who} scores {points(score.points)} of {points(framework.settings.max_points)} points, "
        f"ranking {rank_text(score.rank, competition.scored, score.rank in competition.shared_ranks)} among the scored returns.",
        _themes_sentence(framework, score),
        _value_sentence(ret, score),
        _harms_sentence(framework, ret, score),
    ]
    unscored = [t.name for t in framework.themes if score.themes[t.id].quality is None]
    if unscored:
        sentences.append(f"Officers have not scored the quality of the response on {join_words(unscored)}.")
    warnings = sum(1 for f in ret.findings if f.severity == "warning")
    if warnings:
        sentences.append(f"Reading the return raised {plural(warnings, 'warning')}, listed under Findings.")
    return " ".join(s for s in sentences if s)


def _themes_sentence(framework: Framework, score: Score) -> str:
    """Strongest and weakest themes with their scores (ties named together)."""
    scores = {t.name: score.themes[t.id].score for t in framework.themes}
    high, low = max(scores.values()), min(scores.values())
    if percent(high) == percent(low):
        return f"It scores {percent(high)} on every theme."
    strongest = [name for name, s in scores.items() if percent(s) == percent(high)]
    weakest = [name for name, s in scores.items() if percent(s) == percent(low)]
    return (f"Its strongest {_theme_word(strongest)} {join_words(strongest)} ({percent(high)}) and its weakest "
            f"{_theme_word(weakest)} {join_words(weakest)} ({percent(low)}).")


def _theme_word(names: list[str]) -> str:
    return "theme is" if len(names) == 1 else "themes are"


def _value_sentence(ret: Return, score: Score) -> str:
    """Total social value and its ratio to the contract value."""
    sv = score.assessment.total_sv
    ratio = score.assessment.sv_ratio
    text = f"It commits {money(sv)} of social value"
    if sv < 0:
        text = f"Its declared harms outweigh its benefits, giving a net social value of {money(sv)}"
    if ratio is None:
        return text + "; no contract value was given, so there is no ratio to contract value."
    return text + f", equal to {percent(ratio, 1)} of the {money(ret.contract_value)} contract value."


def _harms_sentence(framework: Framework, ret: Return, score: Score) -> str:
    """Harms declared (valued and subtracted), or none, or unanswered."""
    harms = [m for m in framework.measures if m.direction == "harm"]
    if not harms:
        return ""
    declared = [m for m in harms if (ret.quantities.get(m.id) or 0) > 0]
    unanswered = [m.id for m in harms if ret.quantities.get(m.id) is None]
    if declared:
        value = harms_value(framework, score.assessment)
        items = "; ".join(f"{m.name}: {number(ret.quantities[m.id] or 0)} {m.unit}" for m in declared)
        text = f"It declares harms worth {money(value)} ({items}), subtracted from its social value."
    else:
        text = "It declares no harms."
    if unanswered:
        measures = "measure" if len(unanswered) == 1 else "measures"
        text += f" It leaves harm {measures} {join_words(unanswered)} unanswered."
    return text
