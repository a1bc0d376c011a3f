"""Gates and bounded overrides, computed by hand on the tiny rubric.

Tiny rubric (conftest): a weight 3, b weight 1; bands Low [0, 50), High [50, 100].
Items: a = 80, b = 20, so the indicated composite is 0.75 x 80 + 0.25 x 20 = 65 (High).
"""

from __future__ import annotations

import pytest

from ..conftest import TinyCase, item
from ..formats.test_errors import problems


@pytest.fixture
def gated(tiny: TinyCase) -> TinyCase:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.rubric["overrides"] = {"max_points": 10, "max_bands": 1,
                                "reason_codes": {"late_event": "after the cut-off"}}
    return tiny


def test_cap_fires_and_is_traced(gated: TinyCase) -> None:
    gated.rubric["gates"] = [{"id": "cap", "when": {"factor": "b", "at_most": 30},
                              "then": {"composite_at_most": 55}}]
    r = gated.score()
    # b = 20 <= 30 fires: min(65, 55) = 55; 55 is still High
    assert r.indicated("base") == pytest.approx(65.0)
    assert r.composite("base") == pytest.approx(55.0)
    assert r.band("base") == "High"
    rec = r.trace["base/gate/cap"]
    assert rec.inputs == ("base/indicated_composite", "rubric/gate/cap", "base/factor/b/score")
    assert r.trace["base/composite"].inputs == ("base/gate/cap",)


def test_gate_that_does_not_fire_changes_nothing(gated: TinyCase) -> None:
    gated.rubric["gates"] = [{"id": "floor", "when": {"factor": "a", "at_least": 90},
                              "then": {"composite_at_least": 95}}]
    r = gated.score()
    assert r.composite("base") == pytest.approx(65.0)
    assert "base/gate/floor" not in r.trace
    assert r.trace["base/composite"].op == "same"


def test_band_rules(gated: TinyCase) -> None:
    gated.rubric["gates"] = [{"id": "low", "when": {"factor": "a", "at_least": 70},
                              "then": {"band_at_most": "Low"}}]
    r = gated.score()
    # composite stays 65, but the band is capped at Low
    assert (r.composite("base"), r.band("base")) == (pytest.approx(65.0), "Low")
    assert "base/gate/low" in r.trace["base/band"].inputs
    gated.rubric["gates"] = [{"id": "ko", "when": {"factor": "b", "at_least": 10},
                              "then": {"band": "Low"}}]
    assert gated.score().band("base") == "Low"


def test_override_points_and_bands(gated: TinyCase) -> None:
    gated.scenarios = [{"id": "alt", "name": "Alt", "narrative": "n", "changes": [],
                        "overrides": [{"points": -8, "bands": -1, "reason_code": "late_event",
                                       "author": "A. Analyst", "rationale": "profit warning"}]}]
    r = gated.score()
    # 65 - 8 = 57 (High), then one band down: Low
    assert r.composite("alt") == pytest.approx(57.0)
    assert r.band("alt") == "Low"
    assert r.composite("base") == pytest.approx(65.0)
    entry = r.trace["alt/override/1/entry"]
    assert entry.detail["author"] == "A. Analyst"
    assert "alt/override/1/entry" in r.trace["alt/composite"].assumptions


def test_override_beyond_the_bound_is_an_error(gated: TinyCase) -> None:
    gated.case["overrides"] = [{"points": 12, "reason_code": "late_event", "author": "A",
                                "rationale": "r"},
                               {"points": 1, "reason_code": "whim", "author": "B",
                                "rationale": "r"}]
    assert problems(gated) == [
        "case.yaml:6:1: overrides: together these overrides move 13 points and 0 bands, "
        "beyond the rubric's bounds (±10 points, ±1 bands)",
        "case.yaml:6:11: overrides[0].points: override of +12 points is beyond the rubric's "
        "bound of ±10",
        "case.yaml:11:16: overrides[1].reason_code: unknown reason code 'whim' (known: "
        "late_event)",
    ]


def test_gate_errors(gated: TinyCase) -> None:
    gated.rubric["gates"] = [{"id": "g", "when": {"factor": "zz", "at_least": 1},
                              "then": {"band_at_least": "Huge"}},
                             {"id": "g", "when": {"factor": "a"}, "then": {}}]
    got = problems(gated)
    assert [g.split(": ", 1)[1] for g in got] == [
        "gates[0].when.factor: unknown factor 'zz'",
        "gates[0].then.band_at_least: unknown band 'Huge' (bands: Low, High)",
        "gates[1].id: duplicate gate id 'g' (first at gates[0])",
        "gates[1].when: a gate needs at_least and/or at_most",
        "gates[1].then: a gate must do something: set composite_at_least, composite_at_most, "
        "band_at_least, band_at_most or band",
    ]


def test_diff_names_the_gate_effect(gated: TinyCase, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.analysis.diff import case_diff

    from ..analysis.test_diff import two

    old, new = two(gated, tmp_path)
    new.rubric["gates"] = [{"id": "cap", "when": {"factor": "b", "at_most": 30},
                            "then": {"composite_at_most": 55}}]
    sd = case_diff(old.score(), new.score()).scenarios[0]
    # nothing moved but the gate: -10
    assert (sd.score_effect, sd.judgement_effect, sd.total) == pytest.approx((0.0, -10.0, -10.0))


@pytest.mark.parametrize(("when", "b", "words"), [
    ({"at_least": 60}, 59.99, "factor b 59.99 is below 60"),
    ({"at_least": 60}, 60.0, "factor b 60.00 is at least 60"),
    # 59.996 would show as 60.00, "below 60" would read false: more digits are shown
    ({"at_least": 60}, 59.996, "factor b 59.996 is below 60"),
    ({"at_most": 30}, 30.01, "factor b 30.01 is above 30"),
    ({"at_least": 20, "at_most": 30}, 35.0, "factor b 35.00 is above 30"),
    ({"at_least": 20, "at_most": 30}, 25.0, "factor b 25.00 is at least 20 and at most 30"),
])
def test_a_gate_condition_is_a_true_statement(tiny: TinyCase, when: dict[str, float],
                                              b: float, words: str) -> None:
    tiny.rubric["gates"] = [{"id": "g", "when": {"factor": "b", **when},
                             "then": {"composite_at_least": 90}}]
    tiny.items = [item("E1", "a", 40), item("E2", "b", b)]
    step = tiny.score().judgements["base"].steps[0]
    assert step.detail == words
