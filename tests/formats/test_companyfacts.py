"""The company-facts reader: one table of facts, every problem at its JSON path."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from scoring.errors import InputError
from scoring.formats.companyfacts import parse_batch, parse_companyfacts, read_companyfacts

ROOT = Path(__file__).resolve().parents[2]
SNOWFLAKE = ROOT / "examples" / "filings" / "CIK0001640147-snowflake.json"


def doc(*facts: dict[str, Any], concept: str = "Assets", unit: str = "USD") -> dict[str, Any]:
    return {"cik": 42, "entityName": "Tiny Co", "facts": {"us-gaap": {
        concept: {"label": concept, "units": {unit: list(facts)}}}}}


def fact(**over: Any) -> dict[str, Any]:
    base = {"end": "2023-12-31", "val": 100, "accn": "0000000042-24-000001", "fy": 2023,
            "fp": "FY", "form": "10-K", "filed": "2024-02-20"}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def problems(data: Any) -> list[str]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(InputError) as exc:
        parse_companyfacts(raw, "facts.json")
    return [str(p) for p in exc.value.problems]


def test_snowflake_document_is_one_table() -> None:
    cf = read_companyfacts(SNOWFLAKE)
    assert (cf.cik, cf.entity) == (1640147, "SNOWFLAKE INC.")
    # Counted independently of the reader: every fact of every unit list.
    data = json.loads(SNOWFLAKE.read_bytes())
    n = sum(len(v) for t in data["facts"].values() for c in t.values()
            for v in c["units"].values())
    assert cf.table.num_rows == n == 8163
    assert cf.table.column_names == ["taxonomy", "concept", "unit", "start", "end", "val",
                                     "accn", "fy", "fp", "form", "filed", "frame"]
    df = cf.table.to_pandas()
    row = df[(df.concept == "Assets") & (df.accn == "0001640147-25-000052")
             & (df.end == dt.date(2025, 1, 31))]
    assert row.val.tolist() == [9033938000.0]
    assert row.filed.tolist() == [dt.date(2025, 3, 21)]
    assert row.start.isna().all()  # an instant


def test_a_small_document_reads_each_field() -> None:
    cf = parse_companyfacts(json.dumps(doc(fact(start="2023-01-01", frame="CY2023"))).encode(),
                            "x.json")
    rec = cf.table.to_pylist()[0]
    assert rec == {"taxonomy": "us-gaap", "concept": "Assets", "unit": "USD",
                   "start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31), "val": 100.0,
                   "accn": "0000000042-24-000001", "fy": 2023, "fp": "FY", "form": "10-K",
                   "filed": dt.date(2024, 2, 20), "frame": "CY2023"}


def test_not_a_company_facts_document() -> None:
    assert problems({"hello": 1}) == [
        "facts.json:0:0: facts: not a company-facts document: it needs an object with 'cik', "
        "'entityName' and 'facts' (docs/filings.md)"]
    assert problems([1, 2])[0].startswith("facts.json:0:0: (file): not a company-facts")


def test_truncated_json_is_placed() -> None:
    raw = json.dumps(doc(fact())).encode()[:-7]
    (only,) = problems(raw)
    assert only.startswith("facts.json:1:") and ": (file): truncated JSON:" in only


def test_invalid_json_is_not_called_truncated() -> None:
    (only,) = problems(b'{"cik": 1,\n "facts": {]}')
    assert only.startswith("facts.json:2:") and "not valid JSON" in only


def test_every_bad_fact_at_once_with_its_json_path() -> None:
    got = problems(doc(fact(), fact(filed=None), fact(accn=None), fact(val="100"),
                       fact(val=True), fact(end="2023-13-01"), fact(accn="12-3")))
    p = "facts.json:0:0: facts.us-gaap.Assets.units.USD"
    assert got == sorted([
        f"{p}[1].filed: required",
        f"{p}[2].accn: required",
        f'{p}[3].val: a number (finite, at most 1e+15 in absolute value), not "100"',
        f"{p}[4].val: a number (finite, at most 1e+15 in absolute value), not true",
        f'{p}[5].end: a date (YYYY-MM-DD), not "2023-13-01"',
        f'{p}[6].accn: an accession number (0000000000-00-000000), not "12-3"',
    ])


def test_value_bound_is_inclusive() -> None:
    # 1e15 is allowed (as a figure's value); the next float above it is not.
    parse_companyfacts(json.dumps(doc(fact(val=1e15))).encode(), "x.json")
    (only,) = problems(doc(fact(val=1e15 + 1)))
    assert only.endswith("[0].val: a number (finite, at most 1e+15 in absolute value), "
                         "not 1000000000000001.0")


def test_units_must_be_lists_of_objects() -> None:
    data = doc(fact())
    data["facts"]["us-gaap"]["Assets"]["units"]["USD"] = "many"
    assert problems(data) == ["facts.json:0:0: facts.us-gaap.Assets.units.USD: must be a "
                              "list of facts (objects)"]


def test_missing_cik_and_name() -> None:
    data = doc(fact())
    del data["cik"], data["entityName"]
    assert problems(data) == [
        "facts.json:0:0: cik: required: the filer's CIK, a positive integer of at most 10 "
        "digits",
        "facts.json:0:0: entityName: required: the filer's name"]


def test_a_batch_keeps_the_good_documents_and_places_each_problem() -> None:
    # Three documents at once: a good one (2 facts), a broken one, a good one (1 fact).
    good = doc(fact(), fact(end="2022-12-31", fy=2022))
    other = dict(doc(fact(val=7)), cik=43, entityName="Other Co")
    bad = dict(doc(fact(), fact(filed="2024-02-30")), cik=44)
    batch = parse_batch([(json.dumps(d).encode(), name) for d, name in (
        (good, "a.json"), (bad, "b.json"), (other, "c.json"))])
    assert [(f.cik, f.entity, f.shown, f.facts) for f in batch.filers] == [
        (42, "Tiny Co", "a.json", 2), (43, "Other Co", "c.json", 1)]
    assert [[str(p) for p in ps] for ps in batch.problems] == [
        [], ['b.json:0:0: facts.us-gaap.Assets.units.USD[1].filed: a date (YYYY-MM-DD), '
             'not "2024-02-30"'], []]
    rows = batch.table.select(["cik", "end", "val"]).to_pylist()
    assert rows == [{"cik": 42, "end": dt.date(2023, 12, 31), "val": 100.0},
                    {"cik": 42, "end": dt.date(2022, 12, 31), "val": 100.0},
                    {"cik": 43, "end": dt.date(2023, 12, 31), "val": 7.0}]
    assert batch.filers[0].taxonomies == frozenset({"us-gaap"})


def test_a_day_the_month_lacks_is_not_a_date() -> None:
    # 29 February exists in 2024, not in 2023 (Arrow alone would read 2023-03-01).
    cf = parse_companyfacts(json.dumps(doc(fact(end="2024-02-29"))).encode(), "x.json")
    assert cf.table.column("end").to_pylist() == [dt.date(2024, 2, 29)]
    assert problems(doc(fact(end="2023-02-29"), fact(filed="2024-04-31"))) == [
        'facts.json:0:0: facts.us-gaap.Assets.units.USD[0].end: a date (YYYY-MM-DD), not '
        '"2023-02-29"',
        'facts.json:0:0: facts.us-gaap.Assets.units.USD[1].filed: a date (YYYY-MM-DD), not '
        '"2024-04-31"']
