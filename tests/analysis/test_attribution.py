"""A scenario's change against base split among its changes (Shapley values), worked out by
hand on the tiny rubric: factor a (weight 3), factor b (weight 1), weighted mean on 0-100."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
from scoring.analysis import attribution

from ..conftest import META, TinyCase, item


def _change(op: str, **kw: object) -> dict[str, object]:
    return {"op": op, "rationale": "because", **kw}


def test_two_interacting_changes_split_exactly(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.scenarios = [{"id": "bear", "name": "Bear", "narrative": "n", "changes": [
        _change("set_value", item="E1", value=40), _change("set_weight", factor="b", weight=3)]}]
    r = tiny.score()
    # C(none) = (3 x 80 + 1 x 20) / 4 = 65      C(1)   = (3 x 40 + 1 x 20) / 4 = 35
    # C(2)    = (3 x 80 + 3 x 20) / 6 = 50      C(1,2) = (3 x 40 + 3 x 20) / 6 = 30
    # phi_1 = ((35 - 65) + (30 - 50)) / 2 = -25; phi_2 = ((50 - 65) + (30 - 35)) / 2 = -10
    assert r.trace["bear/attribution/1"].value == pytest.approx(-25.0, abs=1e-12)
    assert r.trace["bear/attribution/2"].value == pytest.approx(-10.0, abs=1e-12)
    assert r.trace["bear/change_vs_base"].value == pytest.approx(-35.0, abs=1e-12)
    detail = r.trace["bear/attribution/1"].detail
    # bit 0: change 1, bit 1: change 2 -> masks 0, 1, 2, 3 = none, {1}, {2}, {1, 2}
    assert detail["composite_of_subset"] == pytest.approx([65, 35, 50, 30])


def test_the_split_does_not_depend_on_the_order(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    first, second = (_change("set_value", item="E1", value=40),
                     _change("set_weight", factor="b", weight=3))
    tiny.scenarios = [{"id": "bear", "name": "Bear", "narrative": "n",
                       "changes": [second, first]}]
    r = tiny.score()
    assert r.trace["bear/attribution/2"].value == pytest.approx(-25.0, abs=1e-12)
    assert r.trace["bear/attribution/1"].value == pytest.approx(-10.0, abs=1e-12)


def test_a_change_that_moves_nothing_gets_nothing(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.scenarios = [{"id": "bull", "name": "Bull", "narrative": "n", "changes": [
        _change("set_confidence", item="E1", confidence=1.0),  # its own confidence already
        _change("set_value", item="E2", value=60)]}]
    r = tiny.score()
    assert r.trace["bull/attribution/1"].value == 0.0
    # C = (3 x 80 + 60) / 4 = 75 against 65: all of +10 is change 2's
    assert r.trace["bull/attribution/2"].value == pytest.approx(10.0, abs=1e-12)


@pytest.mark.parametrize("scenario", ["bull", "bear"])
def test_meta_shares_add_up_to_the_change_against_base(scenario: str) -> None:
    r = scoring.score(scoring.load_case(META))
    n = len(next(s for s in r.case.scenarios if s.id == scenario).changes)
    shares = [r.trace[f"{scenario}/attribution/{i}"].value for i in range(1, n + 1)]
    assert sum(shares) == pytest.approx(r.trace[f"{scenario}/change_vs_base"].value,
                                        abs=1e-9)


def test_too_many_changes_are_not_attributed(tiny: TinyCase, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attribution, "MAX_CHANGES", 1)
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.scenarios = [{"id": "bear", "name": "Bear", "narrative": "n", "changes": [
        _change("set_value", item="E1", value=40), _change("set_weight", factor="b", weight=3)]}]
    r = tiny.score()
    assert r.attributions["bear"] is None
    assert "bear/attribution/1" not in r.trace


def test_subsets_built_from_their_prefixes_are_the_subsets_built_whole() -> None:
    """``share_prefixes``: each subset of bear's 11 changes (drops, an assumption, weights,
    values, confidences) built from the subset without its last change gives the very rows,
    weights, drops and scores of the subset built from base with all its changes."""
    from dataclasses import replace

    import pandas as pd

    from scoring.formats.models import Scenario
    from scoring.formats.tables import build_tables, score_tables

    case = scoring.load_case(META)
    bear = next(s for s in case.scenarios if s.id == "bear")
    k = len(bear.changes)
    pseudo = tuple(Scenario.model_construct(
        id=f"bear~{m}", name=bear.name, narrative=bear.narrative,
        changes=[ch for i, ch in enumerate(bear.changes) if m >> i & 1], overrides=[])
        for m in range(2 ** k))
    many = replace(case, scenarios=pseudo)
    whole = build_tables(many, lean=True)
    shared = build_tables(many, lean=True, share_prefixes=True)
    pd.testing.assert_frame_equal(whole.items, shared.items)
    pd.testing.assert_frame_equal(whole.weights, shared.weights)
    pd.testing.assert_frame_equal(whole.drops, shared.drops)
    assert len(shared.drops) > 0 and shared.weights["weight_change"].notna().any()
    pd.testing.assert_frame_equal(score_tables(whole).scenarios, score_tables(shared).scenarios)
