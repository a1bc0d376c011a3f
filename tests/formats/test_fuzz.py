"""Fuzzing the loaders: whatever the input, only ScoringError (or success) may come out.

(a) Arbitrary text and bytes go to the YAML reader and into a case folder's files.
(b) The valid base case of tests/bad_inputs/_base is loaded as Python data, random values are
    put at random places (None, strings, huge and tiny floats, NaN, nested lists and mappings,
    negative numbers, dates...), the files are written back and the case is loaded and scored.

A problem is always one line, and a case that loads always scores to a finite composite on its
scale (or fails with a ScoringError such as no-evidence). The whole file runs in well under
20 seconds; to fuzz harder, set SCORING_FUZZ_EXAMPLES (e.g. 5000: a few minutes).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.errors import InputError, ScoringError
from scoring.formats.yamlio import load_yaml, parse_yaml

BASE = Path(__file__).resolve().parent.parent / "bad_inputs" / "_base"
FILES = ("case.yaml", "rubric.yaml", "sources.yaml", "evidence.yaml", "scenarios.yaml")
EXAMPLES = int(os.environ.get("SCORING_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Characters that matter to YAML, so that random text reaches deep into the parser.
YAML_ALPHABET = list("[]{}:,-?&*!|>'\"#%@`~<=\\/ \t\n\r0123456789abeEnul.+_xyzTF") + [
    "\ufeff", "\x00", "\x85", "\u2028", "é", "日", "\U0001f600", "<<", "!!", "---", "...",
    "!!python/object:os.system", "&a ", "*a", "true", "null", ".nan", ".inf", "1e999",
    "2026-13-45", "0x1F", "010", "1:30",
]
yaml_text = st.lists(st.sampled_from(YAML_ALPHABET), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=200), yaml_text)


def check_problems(err: ScoringError) -> None:
    if isinstance(err, InputError):
        assert err.problems
        for problem in err.problems:
            text = str(problem)
            assert "\n" not in text and "\r" not in text, text
            assert problem.line >= 0 and problem.col >= 0


def only_scoring_errors(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ScoringError as err:
        check_problems(err)
        return None


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("fuzz") / "case"
    shutil.copytree(BASE, root)
    yield root


def restore(root: Path) -> None:
    for name in FILES:
        (root / name).write_bytes((BASE / name).read_bytes())


def load_and_score(root: Path) -> None:
    case = only_scoring_errors(scoring.load_case, root)
    if case is None:
        return
    result = only_scoring_errors(scoring.score, case)
    if result is None:
        return
    lo, hi = float(case.rubric.scale.min), float(case.rubric.scale.max)
    slack = 1e-9 * max(1.0, abs(lo), abs(hi))
    for sc in result.scenario_ids:
        c = result.composite(sc)
        assert math.isfinite(c) and lo - slack <= c <= hi + slack, (sc, c)


# --------------------------------------------------------------------------- (a) raw input


@FUZZ
@given(any_text)
def test_parse_yaml_text(text: str) -> None:
    only_scoring_errors(parse_yaml, text, "fuzz.yaml")


@FUZZ
@given(st.binary(max_size=300) | yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_load_yaml_bytes(case_dir: Path, data: bytes) -> None:
    path = case_dir.parent / "bytes.yaml"
    path.write_bytes(data)
    only_scoring_errors(load_yaml, path)


@FUZZ
@given(st.sampled_from(["evidence.yaml", "rubric.yaml", "scenarios.yaml", "case.yaml"]),
       st.one_of(any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.binary(max_size=200)),
       st.booleans())
def test_case_file_with_random_content(case_dir: Path, name: str, data: bytes,
                                       append: bool) -> None:
    """Random bytes as one file of the case, alone or after the file's valid content."""
    restore(case_dir)
    target = case_dir / name
    target.write_bytes((target.read_bytes() if append else b"") + data)
    load_and_score(case_dir)


# --------------------------------------------------------------------------- (b) structured

SPECIAL = [0, -0.0, 1, -1, 0.5, 100, 101, -50, 1e15, 1e16, -1e300, 1e308, 1e-15, 1e-16, 1e-320,
           5e-324, 2**53 + 1, 10**400, math.nan, math.inf, -math.inf, True, False, "", " ",
           "a", "b", "stage", "early", "late", "E1", "E2", "S1", "A", "B", "bear", "base", "item",
           "1.0.0", "2025-12-01", "2026-13-45", "rubric.yaml", "../rubric.yaml", "case.yaml",
           "evidence.yaml", ".", "..", "/etc/passwd", "a" * 300, "x\x00y", "日本語", "\u202e",
           "weighted_sum", "weighted_mean", "max", "min", "strength", "risk", "exclude",
           "set_weight", "drop_item", "set_value", "shift_value", "set_confidence", "assume",
           "linear", "bands", "categories", dt.date(1, 1, 1), dt.date(9999, 12, 31)]
leaf = st.one_of(
    st.sampled_from(SPECIAL),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(),
)
values = st.recursive(
    leaf,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["id", "op", "type", "min", "max", "value", "x"])
                      | st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def base_data() -> dict[str, Any]:
    return {name: yaml.safe_load((BASE / name).read_text(encoding="utf-8")) for name in FILES}


BASE_DATA = base_data()


def places(data: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in the data (containers and leaves), as a path of keys and indexes."""
    yield here
    if isinstance(data, dict):
        for k, v in data.items():
            yield from places(v, (*here, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from places(v, (*here, i))


PLACES = [(name, path) for name in FILES for path in places(BASE_DATA[name]) if path]


def leaf_at(data: dict[str, Any], name: str, path: tuple[Any, ...]) -> Any:
    node = data[name]
    for part in path:
        node = node[part]
    return node


STRINGS = sorted({v for name in FILES for path in places(BASE_DATA[name]) if path
                  for v in [leaf_at(BASE_DATA, name, path)] if isinstance(v, str)})
# Values of the same kind as the one replaced, so that many mutated cases still load and reach
# the engine with odd but valid numbers, dates and references.
unit, percent = st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=100)
numbers = st.one_of(
    st.sampled_from([0, -0.0, 1e-15, -1e-15, 1e15, -1e15, 0.5, 1, 100, 99.99999999, 50, 1e-9]),
    unit, unit, unit, percent, percent, percent, st.floats(min_value=-1e15, max_value=1e15),
    st.integers(min_value=-10**6, max_value=10**6),
)
plausible = {
    "number": numbers,
    "string": st.sampled_from(STRINGS) | st.text(max_size=8),
    "date": st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(2026, 1, 1)),
}


LEAVES = [(n, p) for n, p in PLACES if not isinstance(leaf_at(BASE_DATA, n, p), (dict, list))]


# Mostly a value of the same kind ("like"); sometimes anything, a deletion or an extra key.
ACTIONS = ["like"] * 8 + ["set", "delete", "add", "append"]


def kind_of(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    if isinstance(value, str):
        return "string"
    return "date" if isinstance(value, dt.date) else None


def mutate(data: dict[str, Any], name: str, path: tuple[Any, ...], action: str,
           value: Any) -> None:
    parent = data[name]
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{key}_extra"] = value
    elif action == "append" and isinstance(parent[key], list):
        parent[key].append(value)
    else:
        parent[key] = value


@settings(FUZZ, max_examples=EXAMPLES * 4 // 3)
@given(st.data())
def test_mutated_case(case_dir: Path, draw: st.DataObject) -> None:
    data = copy.deepcopy(BASE_DATA)
    for _ in range(draw.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        name, path = draw.draw(st.sampled_from(LEAVES) | st.sampled_from(PLACES), label="place")
        try:
            kind = kind_of(leaf_at(data, name, path))
            action = draw.draw(st.sampled_from(ACTIONS), label="action")
            if action == "like" and kind is not None:
                mutate(data, name, path, "set", draw.draw(plausible[kind], label="value"))
            else:
                mutate(data, name, path, action, draw.draw(values, label="value"))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this place
    for name in FILES:
        text = yaml.safe_dump(data[name], sort_keys=False, allow_unicode=True)
        (case_dir / name).write_text(text, encoding="utf-8")
    load_and_score(case_dir)


def test_base_case_is_valid(case_dir: Path) -> None:
    restore(case_dir)
    result = scoring.score(scoring.load_case(case_dir))
    assert result.composite("base") == pytest.approx(70.0)
