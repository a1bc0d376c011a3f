"""The JSON export written record by record is the text ``json.dumps`` writes, exactly."""

from __future__ import annotations

import json

import pytest

import scoring
from scoring.output import dumps_json
from scoring.trace.core import TraceRecord, records_json

from ..conftest import META, TinyCase, item


def test_meta_json_text_is_dumps_of_to_json() -> None:
    result = scoring.score(scoring.load_case(META))
    assert result.json_text() == dumps_json(result.to_json())


ODD = TraceRecord(
    "x/\u202e\"q\"", "number", "tab\there, new\nline, \x7f\x9b, é 日本", 0.1 + 0.2,
    unit="points", op="sum", formula="a \\ b", expression="",
    inputs=("a", "b\u2028"), assumptions=("c",),
    detail={"nested": {"list": [1, 2.5, None, True, "é"], "empty": {}}, "n": 3})


@pytest.mark.parametrize("rec", [
    ODD,
    TraceRecord("band", "band", "Band", "High", op="lookup"),
    TraceRecord("none", "number", "No value", None, unit="delta"),
    TraceRecord("int", "rubric", "An integer", 3),  # type: ignore[arg-type]
], ids=["odd-strings", "string-value", "null-value", "int-value"])
def test_one_record_as_dumps_writes_it(rec: TraceRecord) -> None:
    expected = json.dumps([rec.to_json()], indent=2, ensure_ascii=False, allow_nan=False)
    assert "[\n" + "".join(records_json([rec], "  ")) + "\n]" == expected


def test_a_value_json_refuses_is_refused_alike() -> None:
    rec = TraceRecord("nan", "number", "Not a number", float("nan"))
    with pytest.raises(ValueError):
        json.dumps(rec.to_json(), allow_nan=False)
    with pytest.raises(ValueError):
        list(records_json([rec], ""))


def test_replacing_assumptions_keeps_every_other_field() -> None:
    import dataclasses

    from scoring.trace.core import TraceRecord, _replace

    values = {f.name: f"x-{f.name}" for f in dataclasses.fields(TraceRecord)}
    rec = TraceRecord(**values)  # type: ignore[arg-type]
    assert _replace(rec, ("a/1",)) == dataclasses.replace(rec, assumptions=("a/1",))


def test_the_streamed_export_is_the_trace_written_out(tiny: TinyCase) -> None:
    """``--format json`` makes each record, fills its assumptions and writes it as it comes
    (trace/core.with_assumptions), never holding the trace: the same text as the trace
    written whole. Here the assumptions reach records from inputs written after them: each
    share cites its factor's total weight, which rests on a changed confidence; factor a's
    normalised weight cites factor b's weight, which a change sets."""
    tiny.items = [item("A1", "a", 60), item("A2", "a", 80, confidence=0.5),
                  item("B1", "b", 40)]
    tiny.scenarios = [{"id": "doubt", "name": "Doubt", "narrative": "n", "changes": [
        {"op": "set_confidence", "item": "A1", "confidence": 0.25, "rationale": "r"},
        {"op": "set_weight", "factor": "b", "weight": 2, "rationale": "r"}]}]
    streamed = tiny.score().json_text()
    result = tiny.score()
    records = {r["id"]: r for r in result.to_json()["records"]}
    assert records["doubt/item/A2/share"]["assumptions"] == ["doubt/change/1"]
    assert records["doubt/factor/a/normalised_weight"]["assumptions"] == ["doubt/change/2"]
    assert records["doubt/composite"]["assumptions"] == ["doubt/change/1", "doubt/change/2"]
    assert streamed == dumps_json(result.to_json())


def test_the_meta_export_streamed_is_the_trace_written_out() -> None:
    result = scoring.score(scoring.load_case(META))
    streamed = "".join(result.json_chunks())
    assert "trace" not in result._built  # made record by record, the trace never built
    assert streamed == dumps_json(result.to_json())
    assert len({r.id for r in result.trace.values()}) == len(list(result._records()))
