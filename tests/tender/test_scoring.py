"""The scoring engine: a hand-worked competition and the invariants of SPEC §3."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svexcel.framework.model import Framework, Measure, Outcome, Settings, Theme
from svexcel.tender.scoring import TIE_TOLERANCE, assess, compete

TINY = Framework(
    Settings("Tiny", "1", max_points=20, weight_monetised=0.4, weight_attainment=0.2, weight_quality=0.4),
    themes=(Theme("A", "Alpha", weight=2), Theme("B", "Beta", weight=1)),
    outcomes=(Outcome("A1", "A", "a"), Outcome("B1", "B", "b")),
    measures=(
        Measure("A.m", "A1", "A", "money A", "hours", "monetised", "benefit", proxy_gbp=10, deadweight=0.5),
        Measure("A.t", "A1", "A", "target A", "count", "target", "benefit", target=4),
        Measure("B.h", "B1", "B", "harm B", "tCO2e", "monetised", "harm", proxy_gbp=100),
        Measure("B.y", "B1", "B", "yes/no B", "yes/no", "binary"),
        Measure("B.m", "B1", "B", "money B", "GBP", "monetised", "benefit", proxy_gbp=1),
    ),
    quality_scale=(),
)


def test_hand_worked_competition_of_three() -> None:
    r1 = assess(TINY, {"A.m": 100, "A.t": 2, "B.h": 1, "B.y": 1, "B.m": 500}, 10_000)
    r2 = assess(TINY, {"A.m": 300, "A.t": 8, "B.h": None, "B.y": 0, "B.m": 50}, None)
    r3 = assess(TINY, {"B.h": 2}, 1_000)
    # R1: A.m 100×10×(1−0.5)=500; A.t min(2/4,1)=0.5; B.h −1×100=−100; B.y yes=1; B.m 500×1=500
    assert (r1.sv, r1.attainment) == ({"A": 500, "B": 400}, {"A": 0.5, "B": 1.0})
    # R2: A.m 1500; A.t min(8/4,1)=1; B.h blank → 0; B.y no=0; B.m 50
    assert (r2.sv, r2.attainment) == ({"A": 1500, "B": 50}, {"A": 1.0, "B": 0.0})
    # R3: everything blank (value 0, attainment 0) except B.h 2×100 = −200
    assert (r3.sv, r3.attainment) == ({"A": 0, "B": -200}, {"A": 0.0, "B": 0.0})
    # Totals and ratio: 900/10 000 = 0.09; R2 has no contract value; −200/1 000 = −0.2
    assert (r1.total_sv, r1.sv_ratio, r2.sv_ratio, r3.sv_ratio) == (900, 0.09, None, -0.2)
    assert r1.measures["A.t"].value is None and r1.measures["A.m"].attainment is None

    s1, s2, s3 = compete(TINY, [r1, r2, r3], [{"A": 50}, {"A": 100, "B": 25}, {}])
    # Best offers: A 1500 (R2), B 400 (R1). Monetised parts: R1 A 500/1500=1/3, B 1; R2 A 1, B 50/400=0.125; R3 0, 0
    assert s1.themes["A"].monetised == pytest.approx(1 / 3) and s1.themes["B"].monetised == 1
    assert s2.themes["B"].monetised == pytest.approx(0.125) and s3.themes["B"].monetised == 0
    # R1 A: (0.4·1/3 + 0.2·0.5 + 0.4·0.5)/1.0 = 0.43333…; R1 B: quality unscored → (0.4·1 + 0.2·1)/0.6 = 1
    assert s1.themes["A"].score == pytest.approx(0.4 / 3 + 0.3) and s1.themes["B"].score == pytest.approx(1.0)
    # R2 A: all three components 1 → 1; R2 B: (0.4·0.125 + 0.2·0 + 0.4·0.25)/1.0 = 0.15
    assert s2.themes["A"].score == pytest.approx(1.0) and s2.themes["B"].score == pytest.approx(0.15)
    # Points = 20 × (2·s_A + 1·s_B)/3: R1 20×(0.86667+1)/3 = 12.4444…; R2 20×2.15/3 = 14.3333…; R3 0
    assert s1.points == pytest.approx(20 * (2 * (0.4 / 3 + 0.3) + 1) / 3)
    assert s1.points == pytest.approx(12.444444444444)
    assert s2.points == pytest.approx(14.333333333333)
    assert s3.points == 0
    assert [s1.rank, s2.rank, s3.rank] == [2, 1, 3]
    assert s1.themes["B"].quality is None and s2.themes["B"].quality == 0.25


def test_ties_share_the_better_rank() -> None:
    same = {"A.m": 10, "A.t": 1, "B.y": 1}
    a = [assess(TINY, q, None) for q in (same, {"A.m": 50}, same, {})]
    assert [s.rank for s in compete(TINY, a)] == [2, 1, 2, 4]


def test_nobody_offers_anything_in_a_theme() -> None:
    a = [assess(TINY, {"A.m": 5}, None), assess(TINY, {"A.m": 10}, None)]
    scores = compete(TINY, a)
    assert all(s.themes["B"].monetised == 0 and s.themes["B"].score == 0 for s in scores)


def test_theme_without_attainment_measures_renormalises() -> None:
    fw = Framework(TINY.settings, (Theme("M", "Money only"),), (Outcome("M1", "M", "m"),),
                   (Measure("M.m", "M1", "M", "money", "GBP", "monetised", proxy_gbp=1),), ())
    [best, half] = compete(fw, [assess(fw, {"M.m": 10}, None), assess(fw, {"M.m": 5}, None)])
    assert best.themes["M"].attainment is None and best.themes["M"].score == 1.0
    assert half.themes["M"].score == pytest.approx(0.5) and half.points == pytest.approx(10.0)


def test_lower_is_better_target(framework: Framework) -> None:
    pay_ratio = framework.measure_by_id["EQ1.3"]  # target 10, lower is better
    a = assess(framework, {"EQ1.3": 20}, None)
    assert a.measures["EQ1.3"].attainment == pay_ratio.target / 20
    assert assess(framework, {"EQ1.3": 4}, None).measures["EQ1.3"].attainment == 1.0
    assert assess(framework, {}, None).measures["EQ1.3"].attainment == 0.0


# --- invariants over random competitions on the shipped framework ---------------------------------

def quantities(framework: Framework) -> st.SearchStrategy[dict[str, float | None]]:
    """Random answers: blanks, zeros, small and large numbers; Yes/No for binary."""
    def answer(kind: str) -> st.SearchStrategy[float | None]:
        if kind == "binary":
            return st.sampled_from([None, 0.0, 1.0])
        return st.one_of(st.none(), st.just(0.0), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))
    return st.fixed_dictionaries({m.id: answer(m.kind) for m in framework.measures})


def marks(framework: Framework) -> st.SearchStrategy[dict[str, float | None]]:
    """Random officers' quality scores, some unscored."""
    return st.fixed_dictionaries({t.id: st.one_of(st.none(), st.floats(0, 100)) for t in framework.themes})


def field_of(framework: Framework, n: int = 4) -> st.SearchStrategy[list[tuple[dict, dict]]]:
    """A competition of up to n returns with quality marks."""
    return st.lists(st.tuples(quantities(framework), marks(framework)), min_size=1, max_size=n)


def run(framework: Framework, entries: list[tuple[dict, dict]]):
    """Score entries as one competition."""
    return compete(framework, [assess(framework, q, 1e6) for q, _ in entries], [m for _, m in entries])


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_points_stay_within_bounds_and_ranks_agree(framework: Framework, data: st.DataObject) -> None:
    scores = run(framework, data.draw(field_of(framework)))
    for s in scores:
        assert 0 <= s.points <= framework.settings.max_points + 1e-9
        assert all(0 <= t.score <= 1 + 1e-12 for t in s.themes.values())
    for a in scores:
        for b in scores:
            if a.points > b.points + TIE_TOLERANCE:
                assert a.rank < b.rank
            if a.points == b.points:
                assert a.rank == b.rank


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_best_offer_in_a_theme_gets_full_monetised_marks(framework: Framework, data: st.DataObject) -> None:
    scores = run(framework, data.draw(field_of(framework)))
    for theme in framework.themes:
        best = max(s.themes[theme.id].sv for s in scores)
        for s in scores:
            if best > 0 and s.themes[theme.id].sv == best:
                assert s.themes[theme.id].monetised == 1.0


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_raising_a_benefit_never_lowers_points(framework: Framework, data: st.DataObject) -> None:
    entries = data.draw(field_of(framework))
    benefit = data.draw(st.sampled_from([m for m in framework.measures if m.direction == "benefit" and m.kind != "binary"]))
    extra = data.draw(st.floats(0.001, 1e5))
    before = run(framework, entries)[0].points
    q, m = entries[0]
    entries[0] = ({**q, benefit.id: (q[benefit.id] or 0.0) + extra}, m)
    assert run(framework, entries)[0].points >= before - 1e-9


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_adding_a_harm_never_raises_points(framework: Framework, data: st.DataObject) -> None:
    entries = data.draw(field_of(framework))
    harm = data.draw(st.sampled_from([m for m in framework.measures if m.direction == "harm"]))
    extra = data.draw(st.floats(0.001, 1e5))
    before = run(framework, entries)[0].points
    q, m = entries[0]
    entries[0] = ({**q, harm.id: (q[harm.id] or 0.0) + extra}, m)
    assert run(framework, entries)[0].points <= before + 1e-9


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_order_of_returns_does_not_change_scores(framework: Framework, data: st.DataObject) -> None:
    entries = data.draw(field_of(framework))
    forward = [s.points for s in run(framework, entries)]
    backward = [s.points for s in run(framework, entries[::-1])][::-1]
    assert forward == pytest.approx(backward, abs=1e-12)


def test_best_offer_is_floored_at_zero_when_every_offer_is_a_harm(framework: Framework) -> None:
    from svexcel.tender.results import Competition, ReturnResult
    from svexcel.tender.return_reader import Return
    from svexcel.tender.scoring import best_offers

    harms = [m for m in framework.measures if m.kind == "monetised" and m.direction == "harm"]
    theme = harms[0].theme_id
    assessments = [assess(framework, {m.id: q for m in harms}, 1e6) for q in (10.0, 20.0)]
    assert all(a.sv[theme] < 0 for a in assessments)  # every offer in the theme is a net harm
    scores = compete(framework, assessments)
    results = [ReturnResult(Return(f"r{i}.xlsx"), s) for i, s in enumerate(scores)]
    competition = Competition.of(framework, results, "2026-01-01")
    assert competition.best_sv[theme] == 0.0 == best_offers(framework, [a.sv for a in assessments])[theme]
    assert all(s.themes[theme].monetised == 0.0 for s in scores)


def test_compete_refuses_mismatched_inputs(framework: Framework) -> None:
    assessment = assess(framework, {}, 1e6)
    with pytest.raises(ValueError, match="one quality mapping per assessment"):
        compete(framework, [assessment, assessment], [{}])
