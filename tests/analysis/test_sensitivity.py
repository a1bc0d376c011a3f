"""Break-evens, item stakes, tornado and Monte Carlo on hand-checkable cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.analysis.sensitivity import analyse
from scoring.analysis.uncertainty import simulate

from ..conftest import TinyCase, item


def sens(tiny: TinyCase, scenario: str = "base"):  # type: ignore[no-untyped-def]
    r = tiny.score()
    return r, analyse(r.case.rubric, r.frames.items, r.frames.factors, scenario)


def test_break_even_lands_on_the_boundary(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    r, s = sens(tiny)
    # C = 0.75 x 80 + 0.25 x 20 = 65, band High [50, 100]; only a way down exists
    assert (s.composite, s.band, s.band_low, s.band_high) == pytest.approx((65, "High", 50, 100))
    be = {(b.factor, b.direction): b for b in s.break_evens}
    # a: ΔF = (50 - 65) / 0.75 = -20 -> 60; weight: (50 x 1 - 20) / (80 - 50) = 1
    assert be[("a", "down")].score_change == pytest.approx(-20.0)
    assert be[("a", "down")].weight_needed == pytest.approx(1.0)
    # b: ΔF = -15 / 0.25 = -60 -> -40 is off the scale
    assert be[("b", "down")].score_change is None
    # re-scoring at the break-even lands exactly on the boundary
    tiny.items[0]["value"] = 60
    assert tiny.score().composite("base") == pytest.approx(50.0, abs=1e-12)
    tiny.items[0]["value"] = 80
    tiny.rubric["factors"][0]["weight"] = 1
    assert tiny.score().composite("base") == pytest.approx(50.0, abs=1e-12)


def test_item_stakes(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "a", 40, 0.5, "S2"), item("E3", "b", 20)]
    _, s = sens(tiny)
    stakes = {x.item: x for x in s.stakes}
    # C = 0.75 x 72 + 0.25 x 20 = 59; without E2: F_a = 80, C = 65 -> stake -6
    assert stakes["E2"].composite_without == pytest.approx(65.0)
    assert stakes["E2"].at_stake == pytest.approx(-6.0)
    # without E3, b drops out: C = F_a = 72 -> stake 59 - 72 = -13
    assert stakes["E3"].at_stake == pytest.approx(-13.0)
    # without E1: F_a = 40, C = 0.75 x 40 + 5 = 35 -> stake +24
    assert stakes["E1"].at_stake == pytest.approx(24.0)
    assert [x.item for x in s.stakes] == ["E1", "E3", "E2"]  # by size of the stake


def test_tornado(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    _, s = sens(tiny)
    bars = {(b.factor, b.kind): b for b in s.tornado}
    # weight of a x 0.8 = 2.4: C = (2.4 x 80 + 20) / 3.4 = 212 / 3.4
    assert bars[("a", "weight")].low == pytest.approx(212 / 3.4)
    # score of a ± band width 50 -> 30 and 100 (clamped): C = 0.75 x 30 + 5 = 27.5, 80
    assert (bars[("a", "score")].low, bars[("a", "score")].high) == pytest.approx((27.5, 80.0))
    assert s.tornado[0].factor == "a" and s.tornado[0].kind == "score"


def test_monte_carlo_is_seeded_and_collapses_without_doubt(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    r = tiny.score()
    point = simulate(r.case.rubric, r.frames.items, r.frames.factors, "base", draws=500)
    assert (point.p05, point.p50, point.p95) == pytest.approx((65.0, 65.0, 65.0))
    assert point.probability("High") == 1.0
    tiny.items = [item("E1", "a", 52, 0.3), item("E2", "b", 20, 0.5)]
    r = tiny.score()
    a = simulate(r.case.rubric, r.frames.items, r.frames.factors, "base", draws=2000, seed=7)
    b = simulate(r.case.rubric, r.frames.items, r.frames.factors, "base", draws=2000, seed=7)
    assert a == b
    assert a.p05 <= a.p50 <= a.p95
    assert sum(p for _, p in a.band_probability) == pytest.approx(1.0)
    assert 0 < a.probability("Low") < 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.floats(0, 100), st.floats(0.05, 1)),
                min_size=2, max_size=6), st.integers(0, 2**31))
def test_monte_carlo_properties(tmp_path_factory: pytest.TempPathFactory,
                                rows: list[tuple[str, float, float]], seed: int) -> None:
    tiny = TinyCase(tmp_path_factory.mktemp("mc") / "case")
    tiny.items = [item(f"E{i}", f, v, c) for i, (f, v, c) in enumerate(rows)]
    r = tiny.score()
    sim = simulate(r.case.rubric, r.frames.items, r.frames.factors, "base", draws=200, seed=seed)
    assert 0 <= sim.p05 <= sim.p50 <= sim.p95 <= 100
    assert sum(p for _, p in sim.band_probability) == pytest.approx(1.0)


def test_weight_ranges_from_the_rubric(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.rubric["weight_ranges"] = {"b": [1, 9]}
    r = tiny.score()
    sim = r.simulations["base"]
    # confidences are 1, so only weights vary: C = (3 x 80 + W_b x 20) / (3 + W_b) for W_b in
    # [1, 9]: from 65 (W_b = 1) down to (240 + 180) / 12 = 35 (W_b = 9)
    assert 35.0 <= sim.p05 < sim.p95 <= 65.0
    assert 0 < sim.probability("Low") < 1
    tiny.rubric["weight_ranges"] = {"zz": [1, 2]}
    from ..formats.test_errors import problems

    assert problems(tiny) == ["rubric.yaml:26:3: weight_ranges.zz: unknown factor 'zz'"]


def test_simulation_in_blocks_draws_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Large cases are simulated in blocks of draws (memory stays proportional to the case);
    # the blocks must see exactly the numbers one big draw would.
    import scoring
    from scoring.analysis import uncertainty

    from ..conftest import META

    case = scoring.load_case(META)
    whole = scoring.score(case).simulations
    monkeypatch.setattr(uncertainty, "BLOCK_VALUES", 31 * 7 + 5)  # 7 draws a block, 1429 blocks
    monkeypatch.setattr(uncertainty, "MIN_BLOCK_DRAWS", 1)
    assert uncertainty.block_draws(10_000, 31) == 7
    blocked = scoring.score(case).simulations
    assert blocked == whole and len(whole) == 3
    # and each factor's items a few at a time (the sums going on from slice to slice)
    monkeypatch.setattr(uncertainty, "CHUNK_VALUES", 7 * 3)  # 3 items of 7 draws a slice
    assert scoring.score(case).simulations == whole


def test_scenarios_simulated_together_are_each_simulated_alone(
        tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    # Scenarios of as many items are simulated together, each block of normals drawn once
    # for all of them, then the drawn factor weights shared: each is what it is alone.
    from scoring.analysis import uncertainty
    from scoring.analysis.uncertainty import simulate_scenarios

    tiny.items = [item("E1", "a", 80, 0.5), item("E2", "b", 20, 0.7), item("E3", "b", 50)]
    tiny.rubric["weight_ranges"] = {"b": [1, 9]}
    tiny.scenarios = [
        {"id": "bear", "name": "Bear", "narrative": "n", "changes": [
            {"op": "shift_value", "item": "E2", "by": 30, "rationale": "r"}]},
        {"id": "thin", "name": "Thin", "narrative": "n", "changes": [
            {"op": "drop_item", "item": "E3", "rationale": "r"}]}]
    r = tiny.score()
    rubric, items, factors = r.case.rubric, r.frames.items, r.frames.factors
    ranges = {"b": (1.0, 9.0)}
    monkeypatch.setattr(uncertainty, "BLOCK_VALUES", 3 * 40)  # blocks of 40 draws of 3 items
    monkeypatch.setattr(uncertainty, "MIN_BLOCK_DRAWS", 1)
    together = simulate_scenarios(rubric, items, factors, ["base", "bear", "thin"], draws=300,
                                  weight_ranges=ranges)
    for sc in ("base", "bear", "thin"):  # thin has 2 items: a group of its own
        alone = simulate(rubric, items, factors, sc, draws=300, weight_ranges=ranges)
        assert together[sc] == alone, sc
    assert together["base"] != together["bear"]


def test_blocks_never_shrink_below_the_minimum_of_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    # A block holds every draw while draws x items fit in BLOCK_VALUES, else as many draws as
    # fit, but never fewer than MIN_BLOCK_DRAWS: blocks that shrank with the items would make
    # the item-by-item sums (draws / block) x items steps, quadratic in the items.
    from scoring.analysis import uncertainty

    monkeypatch.setattr(uncertainty, "BLOCK_VALUES", 1000)
    monkeypatch.setattr(uncertainty, "MIN_BLOCK_DRAWS", 4)
    assert uncertainty.block_draws(100, 10) == 100  # 100 x 10 = 1000 values: all at once
    assert uncertainty.block_draws(101, 10) == 100  # one more draw: 1000 // 10 a block
    assert uncertainty.block_draws(100, 250) == 4  # 1000 // 250 = 4 = the minimum
    assert uncertainty.block_draws(100, 251) == 4  # 1000 // 251 = 3: the minimum, 4
    assert uncertainty.block_draws(3, 251) == 3  # never more than the draws


def test_scenarios_of_as_many_items_share_their_draws() -> None:
    """The scenarios of a case draw from the same seed: where two have as many items the
    normals are the same numbers, drawn once (DrawBuffer.first_normals). Each scenario
    simulated alone, with memory of its own, gives what the shared run gave; a buffer
    overwritten in between (take) draws again."""
    import numpy as np

    import scoring
    from scoring.analysis.uncertainty import DEFAULT_SEED, DrawBuffer, simulate

    from ..conftest import META

    r = scoring.score(scoring.load_case(META))
    items, factors = r.frames.items, r.frames.factors
    counts = {sc: int((items["scenario"] == sc).sum()) for sc in r.scenario_ids}
    assert len(set(counts.values())) < len(counts)  # two scenarios of as many items share
    for sc in r.scenario_ids:
        alone = simulate(r.case.rubric, items, factors, sc, buffer=DrawBuffer())
        assert alone == r.simulations[sc], sc
    b = DrawBuffer()
    first = b.first_normals(DEFAULT_SEED, 4, 3).copy()
    assert np.array_equal(first, np.random.default_rng(DEFAULT_SEED).standard_normal((4, 3)))
    b.take(4, 3)[:] = 0.0
    assert np.array_equal(b.first_normals(DEFAULT_SEED, 4, 3), first)


@pytest.mark.parametrize(("aggregation", "expected"), [
    # risk values 70, 90, 90, 40 and a weightless 99: leaving out one 90 leaves the other
    ("max", [90.0, 90.0, 90.0, 90.0, 90.0]),
    # min 40 is unique: leaving it out leaves 70; a weightless 10 never counts
    ("min", [40.0, 40.0, 40.0, 70.0, 40.0]),
])
def test_factor_without_each_item(aggregation: str, expected: list[float]) -> None:
    import pandas as pd

    from scoring.analysis.sensitivity import _factor_without

    low = 99.0 if aggregation == "max" else 10.0
    rows = pd.DataFrame({"relative_weight": [0.5, 1.0, 0.25, 0.5, 0.0],
                         "risk_value": [70.0, 90.0, 90.0, 40.0, low]})
    assert _factor_without(rows["relative_weight"].to_numpy(), rows["risk_value"].to_numpy(),
                           aggregation).tolist() == expected


def test_factor_without_the_only_item_is_nothing() -> None:
    import math

    import pandas as pd

    from scoring.analysis.sensitivity import _factor_without

    rows = pd.DataFrame({"relative_weight": [1.0], "risk_value": [70.0]})
    assert math.isnan(_factor_without(rows["relative_weight"].to_numpy(),
                                      rows["risk_value"].to_numpy(), "max")[0])
    # weighted mean of 80 (w 1) and 40 (w 0.25): without 80 -> 40; without 40 -> 80
    rows = pd.DataFrame({"relative_weight": [1.0, 0.25], "risk_value": [80.0, 40.0]})
    assert _factor_without(rows["relative_weight"].to_numpy(), rows["risk_value"].to_numpy(),
                           "weighted_mean").tolist() == [40.0, 80.0]


def test_simulation_without_doubt_is_the_method_bit_for_bit() -> None:
    # Every confidence 1 and no weight ranges: each draw is the case itself, so the
    # simulated composite must be exactly the method's indicated composite (the simulation
    # calls the method's steps; it does not re-implement them).
    import scoring

    from ..conftest import META

    case = scoring.load_case(META)
    sure = tuple(i.model_copy(update={"confidence": 1.0}) for i in case.items)
    rubric = case.rubric.model_copy(update={"weight_ranges": {}})
    case = scoring.Case.from_models(case.meta, rubric, case.sources, sure)
    r = scoring.score(case, analyses=False)
    sim = simulate(rubric, r.frames.items, r.frames.factors, "base", draws=50)
    indicated = r.indicated("base")
    assert (sim.p05, sim.p50, sim.p95) == (indicated,) * 3
    assert sim.mean == pytest.approx(indicated, abs=1e-12)  # a mean of 50 equal numbers


def test_simulation_into_a_reused_buffer_is_the_same() -> None:
    # The draws go into memory reused from the previous simulation (whatever it holds).
    import scoring
    from scoring.analysis.uncertainty import DrawBuffer

    from ..conftest import META

    r = scoring.score(scoring.load_case(META), analyses=False)
    rubric, items, factors = r.case.rubric, r.frames.items, r.frames.factors
    buffer = DrawBuffer()
    buffer.take(4000, 64)[:] = float("nan")
    for sc in r.scenario_ids:
        alone = simulate(rubric, items, factors, sc, draws=3000)
        assert simulate(rubric, items, factors, sc, draws=3000, buffer=buffer) == alone


def test_a_weight_whose_share_is_zero_has_no_break_even(tiny: TinyCase) -> None:
    """5e-324 / 3 is 0 as a float: the factor's normalised weight is 0, so no change of its
    score moves the composite (found by the fuzz test: it divided by that 0)."""
    tiny.rubric["factors"][1]["weight"] = 5e-324
    tiny.items = [item("E1", "a", 40), item("E2", "b", 90)]
    r = tiny.score()
    b = [x for x in r.sensitivity["base"].break_evens if x.factor == "b"]
    assert b and all(x.score_change is None for x in b)
