"""Every inclusive/exclusive rule of the method at its exact boundary, on both sides.

Rubric in conftest: factor a (weight 3, risk), factor b (weight 1, risk); reliability A = 1,
B = 0.5; bands Low [0, 50), High [50, 100]. Each test puts a number exactly on a boundary,
so that turning a ``<`` into ``<=`` (or ``>=`` into ``>``) anywhere in the method fails here
(``.ci/mutants.py`` checks that it does).
"""

from __future__ import annotations

import pytest

from ..conftest import TinyCase, item


@pytest.mark.parametrize(("observed", "stale"), [
    ("2026-01-31", False),  # 30 days before as_of = max_age_days: not stale
    ("2026-01-30", True),   # 31 days: stale
])
def test_stale_is_strictly_older_than_max_age(tiny: TinyCase, observed: str,
                                              stale: bool) -> None:
    tiny.rubric |= {"max_age_days": 30, "stale": "exclude"}
    tiny.case["as_of"] = "2026-03-02"  # 2026-01-31 + 30 days
    tiny.items = [item("E1", "a", 80, observed=observed), item("E2", "a", 20,
                  observed="2026-03-02"), item("E3", "b", 20, observed="2026-03-02")]
    r = tiny.score()
    assert bool(r.frames.items.set_index("item").loc["E1", "stale"]) is stale
    # kept: F_a = (80 + 20) / 2 = 50; excluded: F_a = 20
    assert r.factor_score("base", "a") == (20.0 if stale else 50.0)


@pytest.mark.parametrize(("low", "contested"), [
    (40.0, False),  # spread 80 - 40 = 40 = contested_spread: not contested
    (39.0, True),   # spread 41: contested
])
def test_contested_is_strictly_above_the_spread(tiny: TinyCase, low: float,
                                                contested: bool) -> None:
    tiny.rubric["contested_spread"] = 40
    tiny.items = [item("E1", "a", 80), item("E2", "a", low), item("E3", "b", 20)]
    assert tiny.score().trace["base/factor/a/spread"].detail["contested"] is contested


@pytest.mark.parametrize(("a", "band"), [
    (50.0, "High"),    # C = 0.75 x 50 + 0.25 x 50 = 50: a band's min belongs to it
    (49.99, "Low"),    # C = 0.75 x 49.99 + 12.5 = 49.9925
])
def test_a_band_holds_its_min(tiny: TinyCase, a: float, band: str) -> None:
    tiny.items = [item("E1", "a", a), item("E2", "b", 50)]
    assert tiny.score().band("base") == band


def test_the_last_band_holds_its_max(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 100), item("E2", "b", 100)]
    r = tiny.score()
    assert (r.composite("base"), r.band("base")) == (100.0, "High")


@pytest.mark.parametrize(("when", "b", "fires"), [
    ({"at_least": 60}, 60.0, True),    # at the threshold: fires (inclusive)
    ({"at_least": 60}, 59.99, False),
    ({"at_most": 30}, 30.0, True),     # at the threshold: fires (inclusive)
    ({"at_most": 30}, 30.01, False),
])
def test_gate_thresholds_are_inclusive(tiny: TinyCase, when: dict[str, float], b: float,
                                       fires: bool) -> None:
    tiny.rubric["gates"] = [{"id": "g", "when": {"factor": "b", **when},
                             "then": {"composite_at_least": 90}}]
    tiny.items = [item("E1", "a", 40), item("E2", "b", b)]
    r = tiny.score()
    # indicated C = 0.75 x 40 + 0.25 x b; a firing gate floors it at 90
    assert r.judgements["base"].steps[0].fired is fires
    assert r.composite("base") == (90.0 if fires else 30.0 + 0.25 * b)


@pytest.mark.parametrize(("min_coverage", "band"), [
    (0.75, "High"),                   # coverage 3 / 4 = 0.75 = min_coverage: enough
    (0.7500001, "Insufficient evidence"),
])
def test_coverage_at_the_minimum_is_enough(tiny: TinyCase, min_coverage: float,
                                           band: str) -> None:
    tiny.rubric["min_coverage"] = min_coverage
    tiny.items = [item("E1", "a", 90)]  # b has no evidence: coverage = 3 / (3 + 1)
    r = tiny.score()
    assert r.coverage("base") == 0.75
    assert r.band("base") == band


def test_a_weightless_item_is_no_evidence(tiny: TinyCase) -> None:
    # confidence 0: weight 0, so factor b has no evidence and drops out (weights renormalise)
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20, confidence=0.0)]
    r = tiny.score()
    assert r.factor_score("base", "b") is None
    assert r.composite("base") == 80.0
    assert r.coverage("base") == 0.75


def test_an_assumption_alone_is_not_coverage(tiny: TinyCase) -> None:
    # b rests only on an assumption: scored (its weight is above 0) but not covered
    tiny.rubric["assumption_grade"] = "B"
    tiny.items = [item("E1", "a", 80)]
    tiny.scenarios = [{"id": "bear", "name": "Bear", "narrative": "n", "changes": [
        {"op": "assume", "item": {"id": "A1", "factor": "b", "value": 40, "confidence": 1,
                                  "claim": "c"}, "rationale": "r"}]}]
    r = tiny.score()
    # C = 0.75 x 80 + 0.25 x 40 = 70; coverage = 3 / 4
    assert (r.composite("bear"), r.coverage("bear")) == (70.0, 0.75)


def test_max_counts_only_items_with_weight(tiny: TinyCase) -> None:
    tiny.rubric["factors"][0]["aggregation"] = "max"
    tiny.items = [item("E1", "a", 90, confidence=0.0), item("E2", "a", 60),
                  item("E3", "b", 20)]
    assert tiny.score().factor_score("base", "a") == 60.0
