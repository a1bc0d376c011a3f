"""One tiny, hand-checkable case per feature of the method (docs/method.md).

Rubric in conftest: factor a (weight 3, risk), factor b (weight 1, risk); reliability A = 1,
B = 0.5; bands Low [0, 50), High [50, 100]; no half-life unless a test sets one.
"""

from __future__ import annotations

import pytest

from scoring.method.kernel import NoEvidence

from ..conftest import TinyCase, item


def test_weighted_mean_with_confidence_and_reliability(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80, 1.0, "S1"), item("E2", "a", 40, 0.5, "S2"),
                  item("E3", "b", 20)]
    r = tiny.score()
    # w1 = 1 x 1 x 1 = 1; w2 = 0.5 x 0.5 x 1 = 0.25
    assert r.trace["base/item/E2/effective_weight"].value == pytest.approx(0.25)
    # F_a = (1 x 80 + 0.25 x 40) / (1 + 0.25) = 90 / 1.25 = 72
    assert r.factor_score("base", "a") == pytest.approx(72.0)
    # C = 3/4 x 72 + 1/4 x 20 = 54 + 5 = 59
    assert r.composite("base") == pytest.approx(59.0)
    assert r.band("base") == "High"
    assert r.coverage("base") == pytest.approx(1.0)
    # shares: 1 / 1.25 = 0.8 and 0.25 / 1.25 = 0.2
    assert r.trace["base/item/E1/share"].value == pytest.approx(0.8)
    assert r.trace["base/item/E2/share"].value == pytest.approx(0.2)


def test_strength_polarity_flips(tiny: TinyCase) -> None:
    tiny.rubric["factors"][1]["polarity"] = "strength"
    tiny.items = [item("E1", "a", 60), item("E2", "b", 70)]
    r = tiny.score()
    # r = 0 + 100 - 70 = 30
    assert r.trace["base/item/E2/risk_value"].value == pytest.approx(30.0)
    # C = 0.75 x 60 + 0.25 x 30 = 45 + 7.5 = 52.5
    assert r.composite("base") == pytest.approx(52.5)


@pytest.mark.parametrize(("aggregation", "expected"), [("max", 90.0), ("min", 10.0)],
                         ids=["max", "min"])
def test_max_and_min_aggregation(tiny: TinyCase, aggregation: str, expected: float) -> None:
    tiny.rubric["factors"][0]["aggregation"] = aggregation
    tiny.items = [item("E1", "a", 90, 0.1), item("E2", "a", 10, 1.0), item("E3", "a", 50)]
    r = tiny.score()
    # worst/best case ignores the weights: max(90, 10, 50) = 90, min = 10
    assert r.factor_score("base", "a") == pytest.approx(expected)
    # b has no evidence, so C = F_a
    assert r.composite("base") == pytest.approx(expected)


def test_missing_exclude_renormalises(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 30)]
    r = tiny.score()
    assert r.factor_score("base", "b") is None
    # only a is included: normalised weight 3 / 3 = 1, C = 30
    assert r.trace["base/factor/a/normalised_weight"].value == pytest.approx(1.0)
    assert r.composite("base") == pytest.approx(30.0)
    # coverage = 3 / (3 + 1) = 0.75
    assert r.coverage("base") == pytest.approx(0.75)
    assert r.trace["base/factor/b/score"].value is None


def test_missing_impute_scores_but_does_not_count_as_coverage(tiny: TinyCase) -> None:
    tiny.rubric["factors"][1]["missing"] = {"impute": 40}
    tiny.items = [item("E1", "a", 80)]
    r = tiny.score()
    assert r.factor_score("base", "b") == pytest.approx(40.0)
    # C = 0.75 x 80 + 0.25 x 40 = 60 + 10 = 70
    assert r.composite("base") == pytest.approx(70.0)
    assert r.coverage("base") == pytest.approx(0.75)
    assert r.trace["base/factor/b/score"].inputs == ("rubric/factor/b/impute",)


@pytest.mark.parametrize(("raw", "expected"), [(-5, 20.0), (0, 20.0), (5, 50.0), (10, 80.0),
                                               (99, 80.0)],
                         ids=["below-clamped", "lo", "mid", "hi", "above-clamped"])
def test_linear_indicator(tiny: TinyCase, raw: float, expected: float) -> None:
    tiny.rubric["factors"][0]["indicators"] = [{
        "id": "lev", "name": "Leverage",
        "mapping": {"type": "linear", "input": [0, 10], "output": [20, 80]}}]
    tiny.items = [item("E1", "a", raw, indicator="lev")]
    r = tiny.score()
    # 20 + clamp((raw - 0) / 10, 0, 1) x (80 - 20); raw 5 -> 20 + 0.5 x 60 = 50
    assert r.trace["base/item/E1/score"].value == pytest.approx(expected)
    assert r.composite("base") == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "expected"), [(0.5, 10.0), (1, 40.0), (2.9, 40.0), (3, 90.0),
                                               (100, 90.0)],
                         ids=["first", "edge-1", "second", "edge-3", "rest"])
def test_bands_indicator(tiny: TinyCase, raw: float, expected: float) -> None:
    tiny.rubric["factors"][0]["indicators"] = [{
        "id": "x", "name": "X",
        "mapping": {"type": "bands", "steps": [{"below": 1, "score": 10},
                                               {"below": 3, "score": 40}, {"score": 90}]}}]
    tiny.items = [item("E1", "a", raw, indicator="x")]
    # below 1 -> 10; 1 <= x < 3 -> 40; otherwise 90
    assert tiny.score().composite("base") == pytest.approx(expected)


def test_categories_indicator(tiny: TinyCase) -> None:
    tiny.rubric["factors"][0]["indicators"] = [{
        "id": "stage", "name": "Stage",
        "mapping": {"type": "categories", "categories": {"pilot": 80, "ga": 20}}}]
    tiny.items = [item("E1", "a", "pilot", indicator="stage"),
                  item("E2", "a", "ga", indicator="stage")]
    # (80 + 20) / 2 = 50
    assert tiny.score().composite("base") == pytest.approx(50.0)


def test_recency_decay(tiny: TinyCase) -> None:
    tiny.rubric["half_life_days"] = 100
    tiny.case["as_of"] = "2026-04-11"  # 2026-01-01 + 100 days
    tiny.items = [item("E1", "a", 80, observed="2026-01-01"),   # 100 days: decay 0.5
                  item("E2", "a", 20, observed="2026-04-11")]   # 0 days: decay 1
    r = tiny.score()
    assert r.trace["base/item/E1/age_days"].value == 100
    assert r.trace["base/item/E1/decay"].value == pytest.approx(0.5)
    # F = (0.5 x 80 + 1 x 20) / 1.5 = 60 / 1.5 = 40
    assert r.composite("base") == pytest.approx(40.0)


def test_reliability_is_best_grade_among_sources(tiny: TinyCase) -> None:
    both = item("E1", "a", 80, source="S2")
    both["sources"].append({"source": "S1", "locator": "p. 9"})
    tiny.items = [both, item("E2", "a", 20, source="S2")]
    r = tiny.score()
    assert r.trace["base/item/E1/reliability"].value == pytest.approx(1.0)
    assert "source/S1" in r.trace["base/item/E1/reliability"].inputs
    # F = (1 x 80 + 0.5 x 20) / 1.5 = 90 / 1.5 = 60
    assert r.composite("base") == pytest.approx(60.0)


def test_weighted_sum(tiny: TinyCase) -> None:
    tiny.rubric["composite"] = "weighted_sum"
    tiny.rubric["factors"][0]["weight"] = 0.6
    tiny.rubric["factors"][1]["weight"] = 0.3
    tiny.items = [item("E1", "a", 50), item("E2", "b", 100)]
    r = tiny.score()
    # C = 0.6 x 50 + 0.3 x 100 = 30 + 30 = 60 (raw weights, not renormalised)
    assert r.composite("base") == pytest.approx(60.0)
    assert r.trace["base/factor/b/contribution"].value == pytest.approx(30.0)


def test_band_boundary_belongs_to_upper_band(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 50), item("E2", "b", 100)]
    tiny.rubric["factors"][1]["weight"] = 3
    # C = 0.5 x 50 + 0.5 x 100 = 75 -> High; and a lone 50 sits on the boundary -> High
    assert tiny.score().band("base") == "High"
    tiny.items = [item("E1", "a", 50)]
    assert tiny.score().band("base") == "High"
    tiny.items = [item("E1", "a", 100)]
    assert tiny.score().band("base") == "High"  # the last band holds its max


def test_zero_confidence_counts_as_no_evidence(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 90), item("E2", "b", 10, 0.0)]
    r = tiny.score()
    assert r.factor_score("base", "b") is None
    assert r.composite("base") == pytest.approx(90.0)
    assert r.coverage("base") == pytest.approx(0.75)


def test_no_evidence_at_all_is_an_error(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 90, 0.0)]
    with pytest.raises(NoEvidence, match="scenario base: no factor has evidence"):
        tiny.score()


def _scenario(*changes: dict[str, object]) -> dict[str, object]:
    return {"id": "alt", "name": "Alternative", "narrative": "What if.", "changes": list(changes)}


def test_scenario_set_weight(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.scenarios = [_scenario({"op": "set_weight", "factor": "b", "weight": 3,
                                 "rationale": "b matters more"})]
    r = tiny.score()
    # base: 0.75 x 80 + 0.25 x 20 = 65; alt: 0.5 x 80 + 0.5 x 20 = 50
    assert r.composite("base") == pytest.approx(65.0)
    assert r.composite("alt") == pytest.approx(50.0)
    assert r.trace["alt/factor/b/weight"].inputs == ("alt/change/1",)
    assert r.trace["alt/composite"].assumptions == ("alt/change/1",)
    assert r.trace["base/composite"].assumptions == ()


def test_scenario_drop_item(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "a", 40), item("E3", "b", 40)]
    tiny.scenarios = [_scenario({"op": "drop_item", "item": "E1", "rationale": "stale"})]
    r = tiny.score()
    # base F_a = 60, C = 0.75 x 60 + 0.25 x 40 = 55; alt F_a = 40, C = 40
    assert r.composite("base") == pytest.approx(55.0)
    assert r.composite("alt") == pytest.approx(40.0)
    assert "alt/item/E1/value" not in r.trace


def test_scenario_set_and_shift_value_in_order(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80)]
    tiny.scenarios = [_scenario({"op": "set_value", "item": "E1", "value": 50, "rationale": "r"},
                                {"op": "shift_value", "item": "E1", "by": -15, "rationale": "r"})]
    r = tiny.score()
    # 80 -> set 50 -> 50 - 15 = 35
    assert r.composite("alt") == pytest.approx(35.0)
    assert r.trace["alt/item/E1/value"].inputs == ("item/E1", "alt/change/1", "alt/change/2")


def test_scenario_set_confidence(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "a", 20)]
    tiny.scenarios = [_scenario({"op": "set_confidence", "item": "E1", "confidence": 0.25,
                                 "rationale": "doubtful"})]
    r = tiny.score()
    # base (80 + 20) / 2 = 50; alt (0.25 x 80 + 1 x 20) / 1.25 = 40 / 1.25 = 32
    assert r.composite("alt") == pytest.approx(32.0)


def test_scenario_assumption_is_weighted_by_assumption_grade(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 20)]
    tiny.scenarios = [_scenario({"op": "assume", "rationale": "management guidance",
                                 "item": {"id": "A1", "factor": "a", "value": 80,
                                          "confidence": 1, "claim": "it gets worse"}})]
    r = tiny.score()
    # assumption grade B = 0.5: F_a = (1 x 20 + 0.5 x 80) / 1.5 = 60 / 1.5 = 40
    assert r.composite("alt") == pytest.approx(40.0)
    rec = r.trace["alt/item/A1/value"]
    assert rec.inputs == ("alt/assumption/A1",)
    assert rec.assumptions == ("alt/assumption/A1", "alt/change/1")
    assert r.trace["alt/assumption/A1"].detail["rationale"] == "management guidance"


def test_contributions_sum_to_composite(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 73.3), item("E2", "b", 12.1, 0.3)]
    r = tiny.score()
    parts = [r.trace[f"base/factor/{f}/contribution"].value for f in ("a", "b")]
    # 0.75 x 73.3 + 0.25 x 12.1 = 54.975 + 3.025 = 58.0
    assert sum(parts) == pytest.approx(58.0)
    assert r.composite("base") == pytest.approx(58.0)


def test_dropped_item_is_named_by_the_factor_score(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "a", 40)]
    tiny.scenarios = [_scenario({"op": "drop_item", "item": "E1", "rationale": "stale"})]
    rec = tiny.score().trace["alt/factor/a/score"]
    assert "alt/change/1" in rec.inputs
    assert rec.expression.endswith("; items dropped by alt/change/1")


def test_max_ignores_items_without_weight(tiny: TinyCase) -> None:
    tiny.rubric["factors"][0]["aggregation"] = "max"
    tiny.items = [item("E1", "a", 99, 0.0), item("E2", "a", 40)]
    # E1 has effective weight 0 x 1 x 1 = 0, so max is over E2 alone: 40
    assert tiny.score().factor_score("base", "a") == pytest.approx(40.0)


def test_coverage_counts_sourced_evidence_only(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 40)]
    tiny.scenarios = [_scenario({"op": "assume", "rationale": "guess",
                                 "item": {"id": "A1", "factor": "b", "value": 80,
                                          "confidence": 1, "claim": "b is bad"}})]
    r = tiny.score()
    # b is scored from the assumption alone: C = 0.75 x 40 + 0.25 x 80 = 30 + 20 = 50 ...
    assert r.composite("alt") == pytest.approx(50.0)
    # ... but only a holds sourced evidence: coverage = 3 / 4
    assert r.coverage("alt") == pytest.approx(0.75)


def test_value_of_a_direct_item_is_shown_in_points(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 70)]
    assert tiny.score().trace["base/item/E1/value"].display == "70.00"


def test_stale_items_flagged_or_excluded(tiny: TinyCase) -> None:
    tiny.rubric["max_age_days"] = 30
    tiny.case["as_of"] = "2026-03-01"
    tiny.items = [item("E1", "a", 80, observed="2026-01-01"),   # 59 days: stale
                  item("E2", "a", 20, observed="2026-02-20")]   # 9 days
    r = tiny.score()
    # flag (default): kept, F = (80 + 20) / 2 = 50
    assert r.factor_score("base", "a") == pytest.approx(50.0)
    assert bool(r.frames.items.set_index("item").loc["E1", "stale"]) is True
    tiny.rubric["stale"] = "exclude"
    r = tiny.score()
    # exclude: E1 weighs 0, F = 20
    assert r.factor_score("base", "a") == pytest.approx(20.0)
    assert "stale: older than max_age_days, excluded" in r.trace["base/item/E1/effective_weight"].expression


def test_contested_factor(tiny: TinyCase) -> None:
    tiny.rubric["contested_spread"] = 40
    tiny.items = [item("E1", "a", 90), item("E2", "a", 30), item("E3", "b", 50)]
    r = tiny.score()
    rec = r.trace["base/factor/a/spread"]
    # 90 - 30 = 60 > 40; F_a = 60: E1 above it, E2 at or below
    assert rec.value == pytest.approx(60.0)
    assert rec.detail == {"contested": True, "higher_risk_items": ["E1"],
                          "lower_risk_items": ["E2"]}
    assert r.trace["base/factor/b/spread"].detail["contested"] is False


def test_min_coverage_gives_insufficient_evidence(tiny: TinyCase) -> None:
    tiny.rubric["min_coverage"] = 0.8
    tiny.items = [item("E1", "a", 90)]
    r = tiny.score()
    # coverage 3 / 4 = 0.75 < 0.8
    assert r.band("base") == "Insufficient evidence"
    assert r.composite("base") == pytest.approx(90.0)
    assert "base/coverage" in r.trace["base/band"].inputs
