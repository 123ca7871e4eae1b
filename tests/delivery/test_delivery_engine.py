"""The delivery engine (SPEC §6): a hand-worked contract, and properties that hold for any contract."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svexcel.delivery.engine import RATINGS, Commitment, DeliverySettings, monitor
from svexcel.framework.model import Framework, Measure, Outcome, QualityLevel, Settings, Theme

N = 4  # periods in the hand-worked contract


def small_framework() -> Framework:
    """Seven measures covering every kind, direction and accrual."""
    measures = (
        Measure("M1", "O1", "A", "Paid hours", "hours", "monetised", "benefit", 10.0, deadweight=0.2),
        Measure("M2", "O1", "A", "Training weeks", "weeks", "monetised", "benefit", 100.0),
        Measure("M3", "O2", "B", "Emissions", "tCO2e", "monetised", "harm", 50.0),
        Measure("M5", "O2", "B", "Local spend", "GBP", "monetised", "benefit", 1.0),
        Measure("M6", "O2", "B", "Donations", "GBP", "monetised", "benefit", 1.0),
        Measure("T1", "O1", "A", "Events", "count", "target", "benefit", target=6.0),
        Measure("L1", "O2", "B", "Pay ratio", "ratio", "target", "lower_is_better", target=10.0),
        Measure("B1", "O1", "A", "Report published", "yes/no", "binary"),
    )
    return Framework(
        Settings("Test", "1"), (Theme("A", "Theme A"), Theme("B", "Theme B")),
        (Outcome("O1", "A", "Outcome 1"), Outcome("O2", "B", "Outcome 2")), measures, (QualityLevel(0, "None"),),
    )


FRAMEWORK = small_framework()
COMMITMENTS = {
    "M1": Commitment(1000), "M2": Commitment(40), "M3": Commitment(10), "M5": Commitment(900, starts=3),
    "M6": Commitment(None), "T1": Commitment(8), "L1": Commitment(10), "B1": Commitment(1),
}
ACTUALS: dict[str, list[float | None]] = {
    "M1": [300, 200, None, None], "M2": [5, None, None, None], "M3": [4, 3, None, None], "M5": [None, None, None, None],
    "M6": [50, 50, None, None], "T1": [3, 1, None, None], "L1": [12, 11, None, None], "B1": [None, 1, None, None],
}


def test_hand_worked_contract_at_period_2_of_4() -> None:
    result = monitor(FRAMEWORK, DeliverySettings(), COMMITMENTS, ACTUALS, period=2, periods=N)
    m = result.measures
    # M6 has no commitment: not monitored, whatever was reported.
    assert set(m) == {"M1", "M2", "M3", "M5", "T1", "L1", "B1"}
    # M1 flow: d = 300 + 200 = 500; e = 1000 × 2/4 = 500; progress 1 → Green.
    # £ at 10 × (1 − 0.2) = 8 a unit: committed 8,000, expected 4,000, delivered 4,000.
    assert m["M1"][:5] == (1000, 500, 500, 1.0, "Green")
    assert (m["M1"].sv_committed, m["M1"].sv_expected, m["M1"].sv_delivered) == pytest.approx((8000, 4000, 4000))
    # M2 flow: d = 5; e = 40 × 2/4 = 20; progress 5/20 = 0.25 → Red. £: 4,000 / 2,000 / 500.
    assert m["M2"][:5] == (40, 5, 20, 0.25, "Red")
    assert (m["M2"].sv_committed, m["M2"].sv_expected, m["M2"].sv_delivered) == pytest.approx((4000, 2000, 500))
    # M3 harm flow: d = 4 + 3 = 7 > e = 10 × 2/4 = 5, so progress = 5/7 = 0.714 → Red. £ negative: −500 / −250 / −350.
    assert m["M3"].progress == pytest.approx(5 / 7) and m["M3"].rag == "Red"
    assert (m["M3"].sv_committed, m["M3"].sv_expected, m["M3"].sv_delivered) == pytest.approx((-500, -250, -350))
    # M5 starts in period 3: not yet due at period 2 (e = 0): no progress, no RAG; £ committed 900, expected 0.
    assert m["M5"][:5] == (900, 0, 0, None, None) and not m["M5"].due
    # T1 target-benefit flow: d = 3 + 1 = 4; e = 8 × 2/4 = 4; progress 1 → Green.
    assert m["T1"][:5] == (8, 4, 4, 1.0, "Green") and m["T1"].accrues == "flow"
    # L1 lower-is-better level: d = latest = 11 > c = 10, progress = 10/11 = 0.909 → Amber (0.85 ≤ p < 0.95).
    assert m["L1"].accrues == "level" and m["L1"].delivered == 11 and m["L1"].expected == 10
    assert m["L1"].progress == pytest.approx(10 / 11) and m["L1"].rag == "Amber"
    # B1 binary level: latest = Yes (1) against 1 → progress 1 → Green.
    assert m["B1"][:5] == (1, 1, 1, 1.0, "Green")
    # Money: committed 8,000 + 4,000 − 500 + 900 = 12,400; expected 4,000 + 2,000 − 250 + 0 = 5,750;
    # delivered 4,000 + 500 − 350 + 0 = 4,150; forecast 4,150 × 4/2 = 8,300.
    assert (result.sv_committed, result.sv_expected, result.sv_delivered, result.sv_forecast) == pytest.approx((12400, 5750, 4150, 8300))
    # share_value over benefit £: delivered 4,000 + 500 + 0 = 4,500 of expected 4,000 + 2,000 + 0 = 6,000 → 0.75.
    assert result.share_value == pytest.approx(0.75)
    # share_count: Green M1, T1, B1 = 3 of the 6 measures due (M5, not yet due, is outside numerator and denominator).
    assert result.share_count == pytest.approx(3 / 6) and result.due == 6
    # Rating by value (the default): 0.75 < 0.85 → Inadequate.
    assert (result.method, result.rating) == ("value", "Inadequate")
    # KPIs: the monetised benefits with the most committed £: M1 (8,000), M2 (4,000), M5 (900); M5, not yet due, stays a
    # KPI (fixed at award) with no rating.
    assert [(k.measure, k.progress, k.rating, k.due) for k in result.kpis] == [
        ("M1", 1.0, "Good", True), ("M2", 0.25, "Inadequate", True), ("M5", None, None, False)]
    assert result.rag_counts() == {"Green": 3, "Amber": 1, "Red": 2}
    # Harms: M3's £ expected −250, delivered −350; benefit 4,500 + harms −350 = the net 4,150.
    assert (result.harm_expected, result.harm_delivered) == pytest.approx((-250, -350))
    assert result.benefit_delivered + result.harm_delivered == pytest.approx(result.sv_delivered)
    # By theme (A: M1, M2, T1, B1; B: M3, M5, L1): A 8,000 + 4,000 = 12,000 committed, 4,000 + 2,000 = 6,000
    # expected, 4,000 + 500 = 4,500 delivered; B −500 + 900 = 400, −250 + 0 = −250, −350 + 0 = −350.
    assert result.themes["A"] == pytest.approx((12000, 6000, 4500)) and result.themes["B"] == pytest.approx((400, -250, -350))
    # The chart's benefit £ profile. Expected: P1 M1 250 × 8 + M2 10 × 100 = 3,000; P2 6,000;
    # P3 6,000 + 3,000 + M5 900 × 1/2 = 9,450; P4 8,000 + 4,000 + 900 = 12,900.
    # Delivered: P1 300 × 8 + 5 × 100 = 2,900; P2 4,500.
    assert result.benefit_expected_by_period == pytest.approx((3000, 6000, 9450, 12900))
    assert result.benefit_delivered_by_period == pytest.approx((2900, 4500))


def test_behind_and_over_at_period_2_of_4() -> None:
    """The benefits behind schedule, worst first, and the harms over their commitment: the lists the report words."""
    result = monitor(FRAMEWORK, DeliverySettings(), COMMITMENTS, ACTUALS, period=2, periods=N)
    # Not Green: M2 (0.25, Red), M3 (harm, Red), L1 (lower is better, Amber). Only M2 is a benefit behind schedule;
    # M3 (7 > 5) and L1 (11 > 10) are over their commitments, in framework order.
    assert (result.behind, result.over) == (("M2",), ("M3", "L1"))
    # M2's shortfall: 20 expected − 5 delivered = 15 weeks; on or above schedule there is none.
    assert result.measures["M2"].shortfall == 15 and result.measures["M1"].shortfall == 0
    lenient = monitor(FRAMEWORK, DeliverySettings(rag_green=0.2), COMMITMENTS, ACTUALS, period=2, periods=N)
    assert lenient.behind == ()


def test_settings_change_bands_and_method() -> None:
    # With Amber from 0.7, M3 (0.714) turns Amber; by count: 3 Green of 6 due = 0.5 → still Inadequate,
    # but with every band at 0.5 the count share 0.5 rates Good.
    lenient = DeliverySettings(rag_amber=0.7, rating_method="count", rating_good=0.5, rating_approaching=0.5, rating_requires_improvement=0.5)
    result = monitor(FRAMEWORK, lenient, COMMITMENTS, ACTUALS, period=2, periods=N)
    assert result.measures["M3"].rag == "Amber"
    assert (result.method, result.share, result.rating) == ("count", pytest.approx(3 / 6), "Good")


def test_accrues_overrides_the_default() -> None:
    # T1 as a level: d = latest = 1 against c = 8 → 1/8.
    result = monitor(FRAMEWORK, DeliverySettings(accrues={"T1": "level"}), COMMITMENTS, ACTUALS, period=2, periods=N)
    assert result.measures["T1"][:4] == (8, 1, 8, 0.125)


def test_flow_after_a_late_start() -> None:
    # M5 starts in period 3 of 4: at period 4, e = 900 × (4 − 3 + 1)/(4 − 3 + 1) = 900; at period 3, 450.
    actuals = {**ACTUALS, "M5": [None, None, 300, None]}
    assert monitor(FRAMEWORK, DeliverySettings(), COMMITMENTS, actuals, 3, N).measures["M5"][:4] == (900, 300, 450, 300 / 450)
    assert monitor(FRAMEWORK, DeliverySettings(), COMMITMENTS, actuals, 4, N).measures["M5"][:4] == (900, 300, 900, 300 / 900)


def test_early_delivery_counts_in_the_net_but_not_in_the_value_share() -> None:
    # M5 (starts in P3) reports £100 in P1: at P2 it is not yet due, so its £100 is in the net social value delivered
    # but not in the benefit £ the value share compares; the share and the rating are as without it.
    early = monitor(FRAMEWORK, DeliverySettings(), COMMITMENTS, {**ACTUALS, "M5": [100, None, None, None]}, 2, N)
    plain = monitor(FRAMEWORK, DeliverySettings(), COMMITMENTS, ACTUALS, 2, N)
    assert early.sv_delivered == pytest.approx(plain.sv_delivered + 100)
    assert (early.benefit_delivered, early.share_value, early.rating) == (plain.benefit_delivered, plain.share_value, plain.rating)
    assert early.benefit_delivered_by_period == plain.benefit_delivered_by_period == pytest.approx((2900, 4500))


# ------------------------------------------------------------------ properties

PERIODS = 6
amount = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False))
commitment = st.builds(Commitment, st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)), st.integers(1, PERIODS))
contracts = st.fixed_dictionaries({
    "commitments": st.fixed_dictionaries({m.id: commitment for m in FRAMEWORK.measures}),
    "actuals": st.fixed_dictionaries({m.id: st.lists(amount, min_size=PERIODS, max_size=PERIODS) for m in FRAMEWORK.measures}),
    "period": st.integers(0, PERIODS),
    "method": st.sampled_from(["value", "count"]),
})


def run(contract: dict, actuals: dict | None = None) -> object:
    return monitor(FRAMEWORK, DeliverySettings(rating_method=contract["method"]), contract["commitments"],
                   actuals or contract["actuals"], contract["period"], PERIODS)


def more(contract: dict, ident: str, delta: float, at: int) -> dict:
    """The actuals with ``delta`` more of ``ident``: at period ``at`` for a flow, on the latest figure for a level."""
    series = list(contract["actuals"][ident])
    k = contract["period"]
    if DeliverySettings().accrual(FRAMEWORK.measure_by_id[ident]) == "level":
        at = next((p for p in range(k, 0, -1) if series[p - 1] is not None), k)
    series[at - 1] = (series[at - 1] or 0.0) + delta
    return {**contract["actuals"], ident: series}


@settings(max_examples=150, deadline=None)
@given(contracts)
def test_behind_lists_every_benefit_not_green_worst_first(contract: dict) -> None:
    result = run(contract)
    lower = {m.id for m in FRAMEWORK.measures if m.direction in ("harm", "lower_is_better")}
    assert set(result.behind) == {i for i, d in result.measures.items() if d.due and d.rag != "Green" and i not in lower}  # not yet due: not behind
    assert [result.measures[i].progress for i in result.behind] == sorted(result.measures[i].progress for i in result.behind)
    assert list(result.over) == [i for i, d in result.measures.items() if i in lower and d.due and d.progress < 1]
    assert all(d.shortfall == max(d.expected - d.delivered, 0) for d in result.measures.values())


@settings(max_examples=150, deadline=None)
@given(contracts)
def test_progress_and_shares_stay_between_0_and_1(contract: dict) -> None:
    result = run(contract)
    assert all(0.0 <= d.progress <= 1.0 for d in result.measures.values() if d.due)
    assert all(d.progress is None and d.rag is None for d in result.measures.values() if not d.due)
    assert 0.0 <= result.share_value <= 1.0 and 0.0 <= result.share_count <= 1.0
    assert all(0.0 <= k.progress <= 1.0 for k in result.kpis if k.due)
    assert all(k.progress is None and k.rating is None for k in result.kpis if not k.due)


@settings(max_examples=150, deadline=None)
@given(contracts, st.sampled_from([m.id for m in FRAMEWORK.measures if m.direction == "benefit"]),
       st.floats(min_value=0.001, max_value=1e6), st.integers(1, PERIODS))
def test_delivering_more_benefit_never_lowers_progress_or_rating(contract: dict, ident: str, delta: float, at: int) -> None:
    if contract["period"] == 0:
        return
    at = min(at, contract["period"])
    before, after = run(contract), run(contract, more(contract, ident, delta, at))
    if ident in before.measures and before.measures[ident].due:
        assert after.measures[ident].progress >= before.measures[ident].progress
    assert RATINGS.index(after.rating) <= RATINGS.index(before.rating)
    assert after.share_value >= before.share_value and after.share_count >= before.share_count


@settings(max_examples=150, deadline=None)
@given(contracts, st.sampled_from([m.id for m in FRAMEWORK.measures if m.direction != "benefit"]),
       st.floats(min_value=0.001, max_value=1e6), st.integers(1, PERIODS))
def test_delivering_more_harm_never_raises_progress_or_rating(contract: dict, ident: str, delta: float, at: int) -> None:
    if contract["period"] == 0:
        return
    at = min(at, contract["period"])
    before, after = run(contract), run(contract, more(contract, ident, delta, at))
    if ident in before.measures and before.measures[ident].due:
        assert after.measures[ident].progress <= before.measures[ident].progress
    assert RATINGS.index(after.rating) >= RATINGS.index(before.rating)


@settings(max_examples=200, deadline=None)
@given(contracts)
def test_nothing_due_yet_is_not_rated_down(contract: dict) -> None:
    # Every commitment starts after the reporting period: nothing is due, whatever was (or was not) reported.
    k = contract["period"]
    if k == PERIODS:
        return
    late = {i: Commitment(c.committed, max(c.starts, k + 1)) for i, c in contract["commitments"].items()}
    result = run({**contract, "commitments": late})
    assert all(not d.due and d.progress is None and d.rag is None for d in result.measures.values())
    assert result.rag_counts() == {"Green": 0, "Amber": 0, "Red": 0} and result.due == 0
    assert result.rating == "Good" and all(not kpi.due and kpi.rating is None for kpi in result.kpis)


@settings(max_examples=200, deadline=None)
@given(contracts, st.sampled_from([m.id for m in FRAMEWORK.measures]), st.lists(amount, min_size=PERIODS, max_size=PERIODS))
def test_nothing_not_yet_due_changes_a_share_or_a_rating(contract: dict, ident: str, figures: list) -> None:
    # SPEC §6 v3: a measure not yet due is outside share_count's numerator and denominator, and moves nothing else:
    # whatever it reports, and whether it is monitored at all, the shares and the rating stay as they are.
    k = contract["period"]
    if k == PERIODS:
        return
    commitment = contract["commitments"][ident]
    late = {**contract["commitments"], ident: Commitment(commitment.committed, max(commitment.starts, k + 1))}
    base = run({**contract, "commitments": late})
    other = run({**contract, "commitments": late}, {**contract["actuals"], ident: figures})
    dropped = run({**contract, "commitments": {**late, ident: Commitment(None)}})
    for result in (other, dropped):
        assert (result.share_count, result.share_value, result.rating) == (base.share_count, base.share_value, base.rating)
    assert [(kp.measure, kp.rating, kp.due) for kp in other.kpis] == [(kp.measure, kp.rating, kp.due) for kp in base.kpis]


@settings(max_examples=100, deadline=None)
@given(contracts)
def test_nothing_reported_yet_is_not_rated_down(contract: dict) -> None:
    result = run({**contract, "period": 0})
    assert result.rating == "Good" and result.sv_delivered == 0 and result.sv_forecast is None


# ------------------------------------------------------------------ settings from a framework workbook

def test_settings_are_read_from_the_framework_workbook(tmp_path) -> None:
    from openpyxl import load_workbook

    from svexcel.core.paths import DEFAULT_FRAMEWORK
    from svexcel.delivery.settings import load_delivery_settings

    wb = load_workbook(DEFAULT_FRAMEWORK)
    settings_ws, measures_ws = wb["Settings"], wb["Measures"]
    column = [c.value for c in measures_ws[1]].index("accrues") + 1
    declared = {row[0].value: row[column - 1].value for row in measures_ws.iter_rows(min_row=2)}
    # no delivery keys given: the defaults; every measure's accrual declared (SPEC §6 v3), so no warning
    assert load_delivery_settings(DEFAULT_FRAMEWORK) == (DeliverySettings(accrues=declared), [])
    assert declared["PA1.2"] == declared["PA1.1"] == declared["EQ1.2"] == declared["WB1.1"] == "level"  # seats, members, headcounts held
    assert declared["EQ1.1"] == declared["SH1.1"] == declared["CC1.3"] == "flow"  # money, weeks, events in the period
    first = settings_ws.max_row + 1
    for offset, (key, value) in enumerate([("rag_green", 0.9), ("rating_method", "Count"), ("rating_good", "high"),
                                           ("rating_approaching", 0.8), ("rating_requires_improvement", 0.85)]):
        settings_ws.cell(first + offset, 1, key)
        settings_ws.cell(first + offset, 2, value)
    measures_ws.cell(2, column, "LEVEL")
    measures_ws.cell(3, column, "sometimes")
    measures_ws.cell(4, column).value = None
    path = tmp_path / "framework.xlsx"
    wb.save(path)
    settings, findings = load_delivery_settings(path)
    assert (settings.rag_green, settings.rating_method, settings.rating_good) == (0.9, "count", 0.95)
    ids = [measures_ws.cell(r, 1).value for r in (2, 3, 4)]
    assert settings.accrues[ids[0]] == "level" and ids[1] not in settings.accrues and ids[2] not in settings.accrues
    col = measures_ws.cell(1, column).column_letter
    assert [(f.sheet, f.cell, f.type) for f in findings] == [
        ("Settings", f"B{first + 2}", "bad-setting"),  # not a number
        ("Settings", f"B{first + 4}", "bad-setting"),  # requires-improvement band above approaching
        ("Measures", f"{col}3", "bad-accrues"),
        ("Measures", f"{col}4", "accrues-defaulted"),  # blank: the default, with a warning naming the measure
    ]
    assert ids[2] in findings[-1].message and findings[-1].severity == "warning"
    assert DeliverySettings(accrues=settings.accrues).accrual(next(m for m in FRAMEWORK.measures if m.id == "L1")) == "level"


def test_a_framework_without_accrues_warns_for_each_measure_monitored(tmp_path) -> None:
    from openpyxl import load_workbook

    from svexcel.core.paths import DEFAULT_FRAMEWORK
    from svexcel.delivery.settings import load_delivery_settings

    wb = load_workbook(DEFAULT_FRAMEWORK)
    measures = wb["Measures"]
    measures.delete_cols([c.value for c in measures[1]].index("accrues") + 1)
    path = tmp_path / "framework.xlsx"
    wb.save(path)
    settings, findings = load_delivery_settings(path)
    assert settings.accrues == {} and len(findings) == measures.max_row - 1
    assert {f.type for f in findings} == {"accrues-defaulted"} and findings[0].cell == "A1"
    assert "PA1.2" in next(f.message for f in findings if "PA1.2" in f.message) and "monitored as a flow" in findings[6].message
    _, some = load_delivery_settings(path, monitored={"PA1.2", "EQ1.1"})
    assert sorted(f.message.split()[1] for f in some) == ["EQ1.1", "PA1.2"]
