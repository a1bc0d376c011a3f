"""Item weights never vanish (scoring/method/weights.py): a weighted mean is the same whatever the
common scale of its weights, however small; decay on old evidence never turns a covered
factor into "no evidence"."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.method.weights import item_weights, relative_weights

from ..conftest import TinyCase, item


def _weights(conf: list[float], rel: list[float], age: list[float],
             half_life: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    w = item_weights(np.array(conf), np.array(rel), np.array(age), half_life, None, False)
    return w.mantissa, w.exponent


def test_mantissa_and_exponent_are_the_product_where_it_is_normal() -> None:
    w = item_weights(np.array([1.0, 0.5, 0.3]), np.array([0.85, 1.0, 0.7]),
                     np.array([0.0, 100.0, 365.0]), 365.0, None, False)
    # 1 x 0.85 x 1; 0.5 x 1 x 0.5**(100/365); 0.3 x 0.7 x 0.5
    want = [0.85, 0.5 * 0.5 ** (100 / 365), 0.3 * 0.7 * 0.5]
    assert w.effective_weight.tolist() == pytest.approx(want, rel=1e-15)
    assert np.ldexp(w.mantissa, w.exponent.astype(np.int32)).tolist() == \
        w.effective_weight.tolist()


def test_weights_that_underflow_keep_their_exponent() -> None:
    # 5e-324 x 0.5 is below the smallest float; as mantissa and exponent it is 2**-1075.
    mantissa, exponent = _weights([5e-324], [0.5], [0.0])
    assert (mantissa[0], exponent[0]) == (0.5, -1074)
    # decay 0.5 ** (4000 / 1) = 2**-4000: far below any float
    mantissa, exponent = _weights([1.0], [1.0], [4000.0], half_life=1.0)
    assert (mantissa[0], exponent[0]) == (0.5, -3999)


def test_relative_weights_are_exact_ratios_to_the_group_top() -> None:
    w = item_weights(np.array([1.0, 0.25, 5e-324, 5e-324 / 2 ** 0]), np.array([1, 1, 1, 0.5]),
                     np.zeros(4), None, None, False)
    groups = np.array([0, 0, 1, 1])
    rw = relative_weights(w, groups, 2)
    # group 0: 1 and 0.25 relative to 2**1 (frexp(1) = 0.5 x 2**1): 0.5 and 0.125
    # group 1: 2**-1074 and 2**-1075 relative to 2**-1073: 0.5 and 0.25
    assert rw.tolist() == [0.5, 0.125, 0.5, 0.25]


def test_zero_weight_stays_zero() -> None:
    w = item_weights(np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.zeros(2), None, None, False)
    assert relative_weights(w, np.array([0, 0]), 1).tolist() == [0.0, 0.5]


def _same_scale_items(confidence: float) -> list[dict[str, object]]:
    return [item("E1", "a", 80, confidence, "S1"), item("E2", "a", 40, confidence, "S2"),
            item("E3", "b", 20, confidence)]


@pytest.mark.parametrize("tiny_confidence", [5e-324, 1e-310, 1e-200])
def test_a_uniform_scale_of_confidence_changes_nothing(tiny: TinyCase,
                                                       tiny_confidence: float) -> None:
    tiny.items = _same_scale_items(1.0)
    plain = tiny.score()
    tiny.items = _same_scale_items(tiny_confidence)
    scaled = tiny.score()
    # w1 = 1 x 1 = 1, w2 = 1 x 0.5 = 0.5 (times the common confidence, which cancels):
    # F_a = (80 + 0.5 x 40) / 1.5 = 100 / 1.5 = 66.666...; C = 3/4 x 66.67 + 1/4 x 20 = 55
    assert plain.composite("base") == pytest.approx(55.0, abs=1e-12)
    # Within rounding: a scale that is not a power of two rounds each product once.
    assert scaled.composite("base") == pytest.approx(55.0, abs=1e-12)
    assert scaled.trace["base/item/E2/share"].value == pytest.approx(1 / 3, abs=1e-15)
    if math.frexp(tiny_confidence)[0] == 0.5:  # a power of two: bit for bit the same
        assert scaled.composite("base") == plain.composite("base")


def test_decay_that_underflows_keeps_the_evidence(tiny: TinyCase) -> None:
    # Both items of factor a are 3 650 days old with a 1-day half-life: 0.5**3650 is 0 as a
    # float, but equal ages cancel: F_a = (1 x 80 + 0.5 x 40) / 1.5 = 66.67 as without decay.
    tiny.rubric["half_life_days"] = 1
    tiny.case["as_of"] = "2036-01-01"
    old = "2026-01-03"  # 3 650 days before as_of
    tiny.items = [item("E1", "a", 80, 1.0, "S1", observed=old),
                  item("E2", "a", 40, 1.0, "S2", observed=old),
                  item("E3", "b", 20, 1.0, observed="2036-01-01")]
    r = tiny.score()
    assert r.trace["base/item/E1/age_days"].value == 3650
    assert r.trace["base/item/E1/effective_weight"].value == 0.0  # shown as the float gives it
    assert r.factor_score("base", "a") == pytest.approx(200 / 3, abs=1e-12)
    assert r.coverage("base") == 1.0
    # C = 3/4 x 66.67 + 1/4 x 20 = 55
    assert r.composite("base") == pytest.approx(55.0, abs=1e-12)


def test_newer_evidence_still_outweighs_older_after_underflow(tiny: TinyCase) -> None:
    # Ages 3650 and 3649 days, half-life 1 day: weights 2**-3650 and 2**-3649, ratio 1 : 2.
    # F_a = (1 x 80 + 2 x 40) / 3 = 53.33...
    tiny.rubric["half_life_days"] = 1
    tiny.case["as_of"] = "2036-01-01"
    tiny.items = [item("E1", "a", 80, observed="2026-01-03"),
                  item("E2", "a", 40, observed="2026-01-04"),
                  item("E3", "b", 20, observed="2036-01-01")]
    r = tiny.score()
    assert r.factor_score("base", "a") == pytest.approx(160 / 3, abs=1e-12)
    assert r.trace["base/item/E2/share"].value == pytest.approx(2 / 3, abs=1e-15)


def test_derivations_show_relative_weights_when_plain_ones_underflow(tiny: TinyCase) -> None:
    tiny.items = _same_scale_items(5e-324)
    r = tiny.score()
    score = r.trace["base/factor/a/score"]
    # relative weights: E1 5e-324 x 1 = 2**-1074 -> 0.5 of its top 2**-1073; E2 -> 0.25
    assert score.expression == "(0.5 x 80 + 0.25 x 40) / 0.75 = 66.66666667"
    assert "relative to the factor's largest weight" in score.formula
    share = r.trace["base/item/E2/share"]
    assert share.expression == ("0.25 / sum(w) = 0.3333333333 (w relative to the factor's "
                                "largest weight)")
    # a plain case keeps the plain weights in its derivation
    tiny.items = _same_scale_items(1.0)
    assert tiny.score().trace["base/factor/a/score"].expression == \
        "(1 x 80 + 0.5 x 40) / 1.5 = 66.66666667"
