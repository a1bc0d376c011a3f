"""The scenario shift rule (formats/shift.py): one function makes a scenario's rows and the
values its shifts are checked with."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.errors import InputError
from scoring.formats.shift import is_number, shift
from scoring.formats.tables import build_tables

from ..conftest import TinyCase, item

_NUMBER = st.integers(0, 100) | st.floats(0, 100).map(lambda x: round(x, 3))
_BY = st.integers(-60, 60) | st.floats(-60, 60).map(lambda x: round(x, 3))
_SHIFT = st.tuples(st.just("shift_value"), _BY)
_CHANGE = st.one_of(_SHIFT, _SHIFT, _SHIFT, st.tuples(st.just("set_value"), _NUMBER))


def _objects(*values: Any) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def test_only_numbers_are_shifted_with_python_arithmetic() -> None:
    got = shift(_objects(40, 2.5, "high", None, True, -1), 70)
    assert got.tolist() == [110, 72.5, "high", None, True, 69]
    assert [type(v) for v in got.tolist()] == [int, float, str, type(None), bool, int]
    assert is_number(_objects(0, 0.0, False, "0", None)).tolist() == [True, True, False,
                                                                      False, False]
    assert is_number(_objects()).tolist() == []


def test_a_float_shift_makes_a_float_and_each_value_takes_its_own_shift() -> None:
    got = shift(_objects(40, 1, "x"), _objects(0.5, -3, 9))
    assert got.tolist() == [40.5, -2, "x"]
    assert type(got[0]) is float and type(got[1]) is int


def _rows(tiny: TinyCase, scenario: str) -> dict[str, Any]:
    tables = build_tables(scoring.load_case(tiny.write()))
    rows = tables.items[tables.items["scenario"] == scenario]
    return dict(zip(rows["item"], rows["value"], strict=True))


def test_shifts_after_a_set_value_are_scored_as_checked(tiny: TinyCase) -> None:
    """set_value 10, then +5, then +2.5: the row's value is 10 + 5 + 2.5 = 17.5 (a float)."""
    tiny.items = [item("E1", "a", 50), item("E2", "b", 20)]
    tiny.scenarios = [{"id": "bull", "name": "Bull", "narrative": "n", "changes": [
        {"op": "set_value", "item": "E1", "value": 10, "rationale": "r"},
        {"op": "shift_value", "item": "E1", "by": 5, "rationale": "r"},
        {"op": "shift_value", "item": "E1", "by": 2.5, "rationale": "r"},
        {"op": "shift_value", "item": "E2", "by": -20, "rationale": "r"}]}]
    values = _rows(tiny, "bull")
    assert values == {"E1": 17.5, "E2": 0.0}
    assert type(values["E2"]) is float  # 20 - 20 as a float, as every shifted row value


@pytest.mark.parametrize(("by", "ok"), [(30, True), (31, False)])
def test_the_checked_value_is_the_shifted_one(tiny: TinyCase, by: int, ok: bool) -> None:
    """E1 is 40, shifted by 30 then by ``by``: 100 is the scale's top (kept), 101 is off it,
    and the message names the value before the last shift (70) and the shift."""
    tiny.items = [item("E1", "a", 40)]
    tiny.scenarios = [{"id": "bull", "name": "Bull", "narrative": "n", "changes": [
        {"op": "shift_value", "item": "E1", "by": 30, "rationale": "r"},
        {"op": "shift_value", "item": "E1", "by": by, "rationale": "r"}]}]
    if ok:
        assert _rows(tiny, "bull") == {"E1": 100.0}
        return
    with pytest.raises(InputError) as exc:
        scoring.load_case(tiny.write())
    assert [(Path(p.path).name, p.field, p.message) for p in exc.value.problems] == [
        ("scenarios.yaml", "scenarios[0].changes[1].by",
         "value 101 is outside the scale [0, 100] after shifting 70 by 31")]


def test_shifts_of_many_cases_are_walked_together() -> None:
    """Two cases share a list of shifts (E1 by +5, then by -2.5); each starts from its own
    value: 10 -> 15 -> 12.5 and 'x' (a label: not checked). A shift from a value a change
    set (start 3) ignores the case's value: 3 + 1 = 4."""
    from scoring.formats.checks import shifted_values_of

    doc: Any = object()
    shifts: list[Any] = [(doc, ("c", 0), "a", "E1", None, (), 5),
                         (doc, ("c", 1), "a", "E1", None, (5,), -2.5)]
    own: list[Any] = [(doc, ("c", 2), "b", "E2", 3, (), 1)]
    got = shifted_values_of([(shifts, {"E1": 10}), (shifts, {"E1": "x"}),
                             (own, {"E2": 99})])
    assert [(c[1], c[2], c[4], c[5]) for c in got] == [
        (("c", 0), "a", 15, " after shifting 10 by 5"),
        (("c", 1), "a", 12.5, " after shifting 15 by -2.5"),
        (("c", 2), "b", 4, " after shifting 3 by 1")]


@settings(max_examples=25, deadline=None)
@given(start=_NUMBER, changes=st.lists(_CHANGE, min_size=1, max_size=5))
def test_any_chain_of_changes_is_scored_as_it_is_checked(start: float,
                                                         changes: list[tuple[str, float]]
                                                         ) -> None:
    """The rule by hand: set_value makes the item's value, shift_value adds ``by`` to the
    value before it, in order. Every shifted value on the scale [0, 100] (both ends on it):
    the case loads and the scenario's row holds the last value; a shift that leaves it is
    named at its own ``by``, and only those."""
    values, v = [], start
    for op, x in changes:
        v = x if op == "set_value" else v + x
        values.append(v)
    off = [f"scenarios[0].changes[{k}].by" for k, ((op, _), w) in
           enumerate(zip(changes, values, strict=True)) if op == "shift_value"
           and not 0 <= w <= 100]
    with tempfile.TemporaryDirectory() as tmp:
        tiny = TinyCase(Path(tmp) / "case")
        tiny.items = [item("E1", "a", start), item("E2", "b", 20)]
        tiny.scenarios = [{"id": "bull", "name": "Bull", "narrative": "n", "changes": [
            {"op": op, "item": "E1", ("by" if op == "shift_value" else "value"): x,
             "rationale": "r"} for op, x in changes]}]
        if off:
            with pytest.raises(InputError) as exc:
                scoring.load_case(tiny.write())
            assert [p.field for p in exc.value.problems] == off
        else:
            assert _rows(tiny, "bull")["E1"] == values[-1]
