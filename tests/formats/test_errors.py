"""Bad input: every problem of a run reported at once as path:line:col: field: message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import scoring
from scoring.errors import InputError

from ..conftest import TinyCase, item

EVIDENCE_HEAD = "items:\n"


def ev(*lines: str) -> str:
    return EVIDENCE_HEAD + "".join(line + "\n" for line in lines)


GOOD_ITEM = [
    "  - id: E1",                    # line 2
    "    factor: a",                 # line 3
    "    value: 50",                 # line 4
    "    confidence: 0.5",           # line 5
    "    observed: 2025-12-01",      # line 6
    "    sources: [{source: S1, locator: p. 1}]",  # line 7
    "    claim: fine",               # line 8
]


def problems(tiny: TinyCase, **files: str) -> list[str]:
    """Write the tiny case, overwrite the given files with raw text, load, return error lines
    with the case folder prefix removed."""
    tiny.items = tiny.items or [item("E1", "a", 50)]
    root = tiny.write()
    for name, text in files.items():
        (root / f"{name}.yaml").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with pytest.raises(InputError) as exc:
        scoring.load_case(root)
    prefix = os.path.relpath(root) + os.sep
    return [str(p).replace(prefix, "") for p in exc.value.problems]


def replace(lines: list[str], index: int, new: str) -> list[str]:
    out = list(lines)
    out[index] = new
    return out


@pytest.mark.parametrize(("lines", "expected"), [
    (replace(GOOD_ITEM, 1, "    factor: zz"),
     "evidence.yaml:3:13: items[0].factor: unknown factor 'zz' (known: a, b)"),
    (replace(GOOD_ITEM, 3, "    confidence: 1.5"),
     "evidence.yaml:5:17: items[0].confidence: input should be less than or equal to 1"),
    (replace(GOOD_ITEM, 3, "    confidence: .nan"),
     "evidence.yaml:5:17: items[0].confidence: must be a finite number (NaN and infinity are "
     "not allowed)"),
    (replace(GOOD_ITEM, 2, "    value: .inf"),
     "evidence.yaml:4:12: items[0].value: must be a finite number (NaN and infinity are not "
     "allowed)"),
    (replace(GOOD_ITEM, 2, "    value: '50'"),
     "evidence.yaml:4:12: items[0].value: must be a number, not the string '50'"),
    (replace(GOOD_ITEM, 2, "    value: 150"),
     "evidence.yaml:4:12: items[0].value: value 150 is outside the scale [0, 100]"),
    (replace(GOOD_ITEM, 4, "    observed: 2026-02-01"),
     "evidence.yaml:6:15: items[0].observed: observed 2026-02-01 is after the case's as_of "
     "2026-01-01"),
    (replace(GOOD_ITEM, 5, "    sources: [{source: S9, locator: p. 1}]"),
     "evidence.yaml:7:24: items[0].sources[0].source: unknown source 'S9'"),
    (replace(GOOD_ITEM, 5, "    sources: []"),
     "evidence.yaml:7:14: items[0].sources: list should have at least 1 item after "
     "validation, not 0"),
    (GOOD_ITEM[:-1],
     "evidence.yaml:2:5: items[0].claim: required field is missing"),
    ([*GOOD_ITEM, "    colour: red"],
     "evidence.yaml:9:13: items[0].colour: unknown field"),
    ([*GOOD_ITEM, "    claim: twice"],
     "evidence.yaml:9:5: items[0].claim: duplicate key (first defined at line 8)"),
    (replace(GOOD_ITEM, 3, "    confidence: [0.5"),
     "evidence.yaml:6:13: (file): malformed YAML: expected ',' or ']', but got ':'"),
], ids=["unknown-factor", "confidence>1", "nan", "inf", "string-number", "off-scale",
        "future-date", "unknown-source", "no-sources", "missing-field", "unknown-field",
        "duplicate-key", "malformed"])
def test_evidence_errors(tiny: TinyCase, lines: list[str], expected: str) -> None:
    assert problems(tiny, evidence=ev(*lines)) == [expected]


def test_duplicate_item_ids(tiny: TinyCase) -> None:
    text = ev(*GOOD_ITEM, *GOOD_ITEM)
    assert problems(tiny, evidence=text) == [
        "evidence.yaml:9:9: items[1].id: duplicate item id 'E1' (first at items[0])"]


def test_rubric_errors_all_at_once(tiny: TinyCase) -> None:
    tiny.rubric["factors"][1]["id"] = "a"
    tiny.rubric["bands"] = [{"name": "Low", "min": 0, "max": 40},
                            {"name": "High", "min": 50, "max": 100}]
    got = problems(tiny)
    assert got == [
        "rubric.yaml:13:8: bands[1].min: gap between bands: 'Low' ends at 40, 'High' starts at 50",
        "rubric.yaml:20:7: factors[1].id: duplicate factor id 'a' (first at factors[0])",
    ]


def test_weight_must_be_positive(tiny: TinyCase) -> None:
    # Type and range errors of a file are reported first; its cross-field rules run once
    # its structure is valid (docs/errors.md).
    tiny.rubric["factors"][0]["weight"] = 0
    assert problems(tiny) == [
        "rubric.yaml:18:11: factors[0].weight: input should be greater than 0"]


def test_overlapping_bands(tiny: TinyCase) -> None:
    tiny.rubric["bands"][1]["min"] = 45
    assert problems(tiny) == [
        "rubric.yaml:13:8: bands[1].min: bands overlap: 'Low' ends at 50, 'High' starts at 45"]


def test_scenario_change_naming_unknown_item(tiny: TinyCase) -> None:
    text = ("scenarios:\n"
            "  - id: alt\n"
            "    name: Alt\n"
            "    narrative: n\n"
            "    changes:\n"
            "      - {op: drop_item, item: E404, rationale: gone}\n"
            "      - {op: set_weight, factor: nope, weight: 2, rationale: r}\n"
            "      - {op: shift_value, item: E1, by: 60, rationale: r}\n"
            "      - {op: drop_item, item: E1, rationale: r}\n"
            "      - {op: set_value, item: E1, value: 1, rationale: r}\n")
    assert problems(tiny, scenarios=text) == [
        "scenarios.yaml:6:31: scenarios[0].changes[0].item: unknown item 'E404'",
        "scenarios.yaml:7:34: scenarios[0].changes[1].factor: unknown factor 'nope'",
        "scenarios.yaml:8:41: scenarios[0].changes[2].by: value 110 is outside the scale [0, 100] "
        "after shifting 50 by 60",
        "scenarios.yaml:10:31: scenarios[0].changes[4].item: item 'E1' was dropped earlier in "
        "this scenario",
    ]


def test_unknown_scenario_op(tiny: TinyCase) -> None:
    text = ("scenarios:\n"
            "  - id: alt\n"
            "    name: Alt\n"
            "    narrative: n\n"
            "    changes:\n"
            "      - {op: teleport, item: E1, rationale: r}\n")
    assert problems(tiny, scenarios=text) == [
        "scenarios.yaml:6:9: scenarios[0].changes[0]: unknown op 'teleport' (expected one of: "
        "'set_weight', 'drop_item', 'set_value', 'shift_value', 'set_confidence', 'assume')"]


def test_problems_in_several_files_are_all_reported(tiny: TinyCase) -> None:
    tiny.sources[0]["reliability"] = "Z"
    tiny.items = [item("E1", "a", 50), item("E2", "q", 50)]
    got = problems(tiny)
    assert got == [
        "evidence.yaml:12:11: items[1].factor: unknown factor 'q' (known: a, b)",
        "sources.yaml:6:16: sources[0].reliability: unknown reliability grade 'Z' "
        "(the rubric has A, B)",
    ]


def test_not_utf8(tiny: TinyCase) -> None:
    bad = b"items:\n  - id: E\xff1\n"
    assert problems(tiny, evidence=bad) == [  # type: ignore[arg-type]
        "evidence.yaml:2:10: (file): not valid UTF-8 (byte offset 16)"]


def test_alias_bomb_is_refused(tiny: TinyCase) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    got = problems(tiny, evidence="\n".join(lines) + "\n")
    # reported where the expansion went over the limit
    assert got == ["evidence.yaml:1:34: (file): document expands to more than 200000 values "
                   "(alias/anchor expansion refused)"]


def test_python_tags_are_refused(tiny: TinyCase) -> None:
    got = problems(tiny, evidence="items: !!python/object/apply:os.system ['echo hi']\n")
    assert got == ["evidence.yaml:1:8: items: YAML tag "
                   "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"]


def test_missing_case_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        scoring.load_case(tmp_path)
    assert exc.value.problems[0].message == "no case file here: a case folder needs case.yaml"


def test_missing_rubric_file(tiny: TinyCase) -> None:
    tiny.case["rubric"] = "nowhere.yaml"
    assert problems(tiny) == ["case.yaml:4:9: rubric: rubric file not found: nowhere.yaml"]


def test_reserved_scenario_id(tiny: TinyCase) -> None:
    tiny.scenarios = [{"id": "rubric", "name": "R", "narrative": "n", "changes": []}]
    assert problems(tiny) == [
        "scenarios.yaml:2:7: scenarios[0].id: 'rubric' is reserved (trace ids start with it); "
        "choose another scenario id"]


def test_weighted_sum_weights_rechecked_after_set_weight(tiny: TinyCase) -> None:
    tiny.rubric["composite"] = "weighted_sum"
    tiny.rubric["factors"][0]["weight"] = 0.5
    tiny.rubric["factors"][1]["weight"] = 0.5
    tiny.scenarios = [{"id": "alt", "name": "A", "narrative": "n", "changes": [
        {"op": "set_weight", "factor": "a", "weight": 0.9, "rationale": "r"}]}]
    assert problems(tiny) == [
        "scenarios.yaml:8:13: scenarios[0].changes[0].weight: weighted_sum needs factor weights "
        "that add up to at most 1; with this change they add up to 1.4"]


def test_union_member_names_do_not_leak_into_fields(tiny: TinyCase) -> None:
    tiny.rubric["factors"][0]["missing"] = {"impute": "fifty"}
    got = problems(tiny)
    assert len(got) == 1
    assert got[0].startswith("rubric.yaml:21:13: factors[0].missing.impute: ")


def test_empty_categories_named_once(tiny: TinyCase) -> None:
    tiny.rubric["factors"][0]["indicators"] = [
        {"id": "x", "name": "X", "mapping": {"type": "categories", "categories": {}}}]
    got = problems(tiny)
    assert got == ["rubric.yaml:25:19: factors[0].indicators[0].mapping.categories: dictionary "
                   "should have at least 1 item after validation, not 0"]
