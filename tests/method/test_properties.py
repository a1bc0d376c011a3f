"""Invariants of the method, checked on generated cases (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.formats.loader import Case
from scoring.formats.models import CaseFile, Item, Rubric, Source

AS_OF = dt.date(2026, 1, 1)
FACTORS = ["f0", "f1", "f2"]


def make_case(weights: list[float], polarities: list[str], aggregations: list[str],
              items: list[tuple[int, float, float, int, str]], half_life: float | None) -> Case:
    rubric = Rubric.model_validate({
        "id": "gen", "version": "1.0.0", "title": "generated",
        "half_life_days": half_life,
        "reliability": {"A": 1.0, "B": 0.6, "C": 0.2},
        "bands": [{"name": "Low", "min": 0, "max": 30}, {"name": "Mid", "min": 30, "max": 70},
                  {"name": "High", "min": 70, "max": 100}],
        "factors": [{"id": f, "name": f, "weight": w, "polarity": p, "aggregation": a}
                    for f, w, p, a in zip(FACTORS, weights, polarities, aggregations, strict=True)],
    })
    sources = tuple(Source(id=g, title=g, language="en", kind="news", reliability=g)
                    for g in "ABC")
    its = tuple(
        Item(id=f"E{i}", factor=FACTORS[f], value=v, confidence=c,
             observed=AS_OF - dt.timedelta(days=age),
             sources=[{"source": g, "locator": "x"}], claim="c")  # type: ignore[list-item]
        for i, (f, v, c, age, g) in enumerate(items)
    )
    meta = CaseFile(id="gen", entity="Gen", as_of=AS_OF, rubric="r.yaml")
    return Case.from_models(meta, rubric, sources, its)


weights_st = st.lists(st.floats(0.01, 10), min_size=3, max_size=3)
polarity_st = st.lists(st.sampled_from(["risk", "strength"]), min_size=3, max_size=3)
aggregation_st = st.lists(st.sampled_from(["weighted_mean", "max", "min"]), min_size=3,
                          max_size=3)
item_st = st.tuples(st.integers(0, 2), st.floats(0, 100), st.floats(0.05, 1),
                    st.integers(0, 2000), st.sampled_from("ABC"))
items_st = st.lists(item_st, min_size=1, max_size=12)
half_life_st = st.none() | st.floats(1, 3650)


def _case(draw: Any) -> Case:
    return make_case(draw(weights_st), draw(polarity_st), draw(aggregation_st), draw(items_st),
                     draw(half_life_st))


cases = st.composite(_case)()


@settings(max_examples=150, deadline=None)
@given(cases)
def test_composite_within_scale_and_contributions_sum(case: Case) -> None:
    r = scoring.score(case, analyses=False)
    c = r.composite("base")
    assert 0 <= c <= 100
    contributions = [r.trace[f"base/factor/{f}/contribution"].value for f in FACTORS]
    assert sum(contributions) == pytest.approx(c, abs=1e-9)  # type: ignore[arg-type]
    assert 0 < r.coverage("base") <= 1


@settings(max_examples=100, deadline=None)
@given(cases, st.data())
def test_raising_a_risk_value_never_lowers_the_composite(case: Case, data: Any) -> None:
    risky = [i for i, it in enumerate(case.items)
             if case.rubric.factors[FACTORS.index(it.factor)].polarity == "risk"]
    if not risky:
        return
    k = data.draw(st.sampled_from(risky))
    old = case.items[k]
    bump = data.draw(st.floats(0, 100 - float(old.value)))  # type: ignore[arg-type]
    items = list(case.items)
    items[k] = old.model_copy(update={"value": float(old.value) + bump})  # type: ignore[arg-type]
    before = scoring.score(case, analyses=False).composite("base")
    after = scoring.score(Case.from_models(case.meta, case.rubric, case.sources, tuple(items)),
                           analyses=False)
    assert after.composite("base") >= before - 1e-9


@settings(max_examples=100, deadline=None)
@given(cases, st.randoms(use_true_random=False))
def test_item_and_source_order_never_matter(case: Case, rnd: Any) -> None:
    items, sources = list(case.items), list(case.sources)
    rnd.shuffle(items)
    rnd.shuffle(sources)
    shuffled = Case.from_models(case.meta, case.rubric, tuple(sources), tuple(items))
    a, b = scoring.score(case, analyses=False), scoring.score(shuffled, analyses=False)
    assert b.composite("base") == pytest.approx(a.composite("base"), abs=1e-9)
    assert b.band("base") == a.band("base") or abs(a.composite("base") % 10) < 1e-6
    for f in FACTORS:
        fa, fb = a.factor_score("base", f), b.factor_score("base", f)
        assert (fa is None and fb is None) or fb == pytest.approx(fa, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(-1015, 0))
def test_scaling_every_confidence_by_a_power_of_two_changes_nothing(case: Case,
                                                                    power: int) -> None:
    # A weighted mean is the same whatever the common scale of its weights: scaling every
    # confidence by 2**power must give bit for bit the same scores (docs/method.md, "Very
    # small weights"). Confidences are >= 0.05, so down to 2**-1015 the scaled confidence is
    # still an exact float, while its product with reliability and decay underflows.
    scale = 2.0 ** power
    items = tuple(i.model_copy(update={"confidence": float(i.confidence) * scale})
                  for i in case.items)
    a = scoring.score(case, analyses=False)
    b = scoring.score(Case.from_models(case.meta, case.rubric, case.sources, items), analyses=False)
    assert b.composite("base") == a.composite("base")
    for f in FACTORS:
        assert b.factor_score("base", f) == a.factor_score("base", f)
