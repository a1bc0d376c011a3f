"""The one loading path: field rules on columns (columns.py), rules between files on every
case at once (evidence.py), the same problems whatever the format and however many cases."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import scoring
from scoring.desk.synthetic import write_universe
from scoring.errors import InputError
from scoring.formats.columns import FIELDS
from scoring.formats.models import MAX_MAGNITUDE, Figure, Item, Source, SourceRef
from scoring.formats.universe import Universe

from ..conftest import TinyCase, item
from ..tables import write_table

MODELS = {"items": Item, "refs": SourceRef, "sources": Source, "figures": Figure}


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_field_rules_are_the_json_schema(kind: str) -> None:
    """The columnar rules and the pydantic models (which give the JSON Schema) describe the
    same fields: names, which are required, bounds, lengths and patterns."""
    schema = MODELS[kind].model_json_schema()
    props = schema["properties"]
    assert [f.name for f in FIELDS[kind]] == list(props)
    assert sorted(f.name for f in FIELDS[kind] if f.required) == sorted(schema["required"])
    for f in FIELDS[kind]:
        p = props[f.name]
        options = p.get("anyOf", [p])
        texts = [o for o in options if o.get("type") == "string"]
        if f.kind in ("id", "text", "str"):
            assert texts, f.name
            t = texts[0]
            assert t.get("minLength", 0) == f.min_len, f.name
            assert t.get("maxLength") == f.max_len, f.name
            assert t.get("pattern") == (r"\S" if f.kind == "text" else f.pattern), f.name
        if f.kind == "number":
            assert p.get("minimum", p.get("ge")) == f.ge, f.name
            assert p.get("maximum", p.get("le")) == f.le, f.name
        assert f.nullable == any(o.get("type") == "null" for o in options), f.name


def _problems(tiny: TinyCase) -> list[str]:
    tiny.write()
    with pytest.raises(InputError) as exc:
        scoring.load_case(tiny.root)
    return [f"{Path(p.path).name}:{p.line}: {p.field}: {p.message}" for p in exc.value.problems]


@pytest.mark.parametrize(("confidence", "ok"), [(0, True), (1, True), (1.0000001, False),
                                                 (-1e-9, False)])
def test_confidence_bounds_are_inclusive(tiny: TinyCase, confidence: float, ok: bool) -> None:
    tiny.items = [item("E1", "a", 50, confidence=confidence)]
    if ok:
        tiny.write()
        assert scoring.load_case(tiny.root).items[0].confidence == confidence
    else:
        (line,) = _problems(tiny)
        assert "items[0].confidence: input should be" in line


@pytest.mark.parametrize(("length", "ok"), [(80, True), (81, False)])
def test_an_id_has_at_most_80_characters(tiny: TinyCase, length: int, ok: bool) -> None:
    tiny.items = [item("E" * length, "a", 50)]
    if ok:
        tiny.write()
        assert scoring.load_case(tiny.root).items[0].id == "E" * length
    else:
        assert _problems(tiny) == ["evidence.yaml:2: items[0].id: string should have at most "
                                   "80 characters"]


@pytest.mark.parametrize(("language", "ok"), [("e", False), ("en", True), ("x" * 20, True),
                                              ("x" * 21, False)])
def test_language_length_bounds(tiny: TinyCase, language: str, ok: bool) -> None:
    tiny.items = [item("E1", "a", 50)]
    tiny.sources[0]["language"] = language
    if ok:
        tiny.write()
        assert scoring.load_case(tiny.root).sources[0].language == language
    else:
        (line,) = _problems(tiny)
        assert "sources[0].language: string should have at " in line


@pytest.mark.parametrize(("value", "ok"), [(MAX_MAGNITUDE, True), (-MAX_MAGNITUDE, True),
                                           (MAX_MAGNITUDE * (1 + 2e-16) + 1, False)])
def test_numbers_up_to_the_magnitude_limit(tiny: TinyCase, value: float, ok: bool) -> None:
    # A value with an indicator may be any number within the limit.
    tiny.rubric["factors"][0]["indicators"] = [{"id": "raw", "name": "Raw", "mapping": {
        "type": "linear", "input": [0, 1], "output": [0, 100]}}]
    tiny.items = [item("E1", "a", value, indicator="raw")]
    if ok:
        tiny.write()
        assert scoring.load_case(tiny.root).items[0].value == value
    else:
        (line,) = _problems(tiny)
        assert line.endswith("is too large: a number must be at most 1e15 in absolute value")


@pytest.mark.parametrize(("observed", "ok"), [("2026-01-01", True), ("2026-01-02", False)])
def test_evidence_observed_on_the_as_of_date_is_allowed(tiny: TinyCase, observed: str,
                                                        ok: bool) -> None:
    tiny.items = [item("E1", "a", 50, observed=observed)]
    tiny.sources[0]["date"] = observed
    if ok:
        tiny.write()
        scoring.load_case(tiny.root)
    else:
        assert _problems(tiny) == [
            "evidence.yaml:6: items[0].observed: observed 2026-01-02 is after the case's "
            "as_of 2026-01-01",
            "sources.yaml:7: sources[0].date: source dated 2026-01-02 is after the case's "
            "as_of 2026-01-01"]


def test_field_and_cross_file_problems_of_one_case_at_once(tiny: TinyCase) -> None:
    # Before: a case whose fields pydantic refused never reached the rules between files.
    tiny.items = [item("E1", "a", 50, confidence=2), item("E1", "zz", 50, source="S9")]
    assert _problems(tiny) == [
        "evidence.yaml:5: items[0].confidence: input should be less than or equal to 1",
        "evidence.yaml:11: items[1].id: duplicate item id 'E1' (first at items[0])",
        "evidence.yaml:12: items[1].factor: unknown factor 'zz' (known: a, b)",
        "evidence.yaml:17: items[1].sources[0].source: unknown source 'S9'"]


def test_best_source_is_the_best_grade_first_cited_on_a_tie(tiny: TinyCase) -> None:
    tiny.sources.append({"id": "S3", "title": "Three", "language": "en", "kind": "news",
                         "reliability": "A"})
    two = item("E1", "a", 50)
    two["sources"] = [{"source": "S2", "locator": "x"}, {"source": "S3", "locator": "y"},
                      {"source": "S1", "locator": "z"}]
    tiny.items = [two]
    result = tiny.score()
    row = result.frames.items.iloc[0]
    assert (row["best_source"], row["grade"], row["reliability"]) == ("S3", "A", 1.0)


def _universe_rows(root: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(root / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("cases", "sources", "evidence")}


def test_a_universe_reports_every_problem_of_every_case(tmp_path: Path) -> None:
    root = write_universe(tmp_path / "u", 4, n_items=6, fmt="csv")
    rows = _universe_rows(root)
    ev = rows["evidence"]
    first = ev.index[ev["case"] == "C000001"][0]
    last = ev.index[ev["case"] == "C000004"][0]
    ev.loc[first, "confidence"] = "1.5"          # a field rule, in case 1
    ev.loc[last, "source"] = "S999"              # a rule between tables, in case 4
    ev.loc[last + 1, "id"] = ev.loc[last, "id"]  # and a duplicate id, also in case 4
    write_table(root / "evidence.csv", ev.to_dict("records"))
    with pytest.raises(InputError) as exc:
        list(Universe.open(root).cases())
    got = [(p.line, p.field, p.message) for p in exc.value.problems]
    assert got == [
        (first + 2, "confidence", "input should be less than or equal to 1"),
        (last + 2, "source", "unknown source 'S999'"),
        (last + 3, "id", f"duplicate item id {ev.loc[last, 'id']!r} (first at row "
                         f"{last + 2})"),
        # the item whose id was overwritten is gone from case 4; a scenario names it
        (11, "scenarios[0].changes[1].item", "unknown item 'E002'"),
    ]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_table_and_folder_cases_load_the_same_evidence(tmp_path: Path, fmt: str) -> None:
    """A universe's tables and the same cases written as case folders (YAML) load into the
    same frames: one path, whatever the format."""
    root = write_universe(tmp_path / "u", 3, n_items=8, fmt=fmt)
    tables = Universe.open(root).sets()
    assert len(tables) == 1
    got = tables[0].evidence.items
    for k, (pos, case) in enumerate(Universe.open(root).cases()):
        assert pos == k
        folder = _as_folder(case, tmp_path / f"c{k}", root)
        again = scoring.load_case(folder).evidence.items
        mine = got[got["case"] == k].drop(columns="case").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, again.drop(columns="case"), check_dtype=False)


def _as_folder(case: Any, folder: Path, universe: Path) -> Path:
    """Write ``case`` (loaded from tables) as a case folder."""
    import yaml

    folder.mkdir()
    meta = case.meta.model_dump(mode="json", exclude_none=True)
    meta["rubric"] = str(Path("..") / universe.name / case.meta.rubric)
    files = {"case.yaml": meta,
             "sources.yaml": {"sources": [s.model_dump(mode="json", exclude_none=True)
                                          for s in case.sources]},
             "evidence.yaml": {"items": [i.model_dump(mode="json", exclude_none=True)
                                         for i in case.items]}}
    for name, data in files.items():
        (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def test_items_as_models_are_what_the_columns_hold(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 50, confidence=1, excerpt="a figure"),
                  item("E2", "b", 12.5, confidence=0.25)]
    tiny.write()
    case = scoring.load_case(tiny.root)
    assert [i.model_dump(mode="json", exclude_none=True) for i in case.items] == [
        {"id": "E1", "factor": "a", "value": 50, "confidence": 1, "observed": "2026-01-01",
         "sources": [{"source": "S1", "locator": "p. 1"}], "claim": "claim E1",
         "excerpt": "a figure"},
        {"id": "E2", "factor": "b", "value": 12.5, "confidence": 0.25,
         "observed": "2026-01-01", "sources": [{"source": "S1", "locator": "p. 1"}],
         "claim": "claim E2"}]
    assert isinstance(case.items[0].value, int) and math.isclose(case.items[1].value, 12.5)


def test_messages_quote_the_value_of_the_right_case_folder(tmp_path: Path) -> None:
    """Records of many folders are one set of columns; a message quotes its own row's value
    (the first row of the second folder sits exactly on the boundary between them)."""
    roots = []
    for k, confidence in enumerate([0.5, "high"]):
        tiny = TinyCase(tmp_path / "u" / f"case{k}")
        tiny.case["id"] = f"case{k}"
        tiny.case["rubric"] = "../case0/rubric.yaml"  # one rubric: one set of columns
        tiny.items = [item("E1", "a", 50, confidence=confidence), item("E2", "a", 40)]
        roots.append(tiny.write())
    with pytest.raises(InputError) as exc:
        scoring.formats.loader.load_cases(roots)
    (p,) = exc.value.problems
    assert (Path(p.path).parent.name, p.field, p.message) == (
        "case1", "items[0].confidence", "must be a number, not the string 'high'")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_messages_quote_the_value_of_the_right_citation_column(tiny: TinyCase, tmp_path: Path,
                                                                fmt: str) -> None:
    """Citations of a table are read pair by pair (source, source_2, ...); the first row with
    a second citation sits on the boundary between the pairs."""
    from ..tables import tabulate_case

    tiny.items = [item("E1", "a", 50), item("E2", "a", 40)]
    tiny.items[1]["sources"].append({"source": "bad id!", "locator": "p. 2"})
    case = tabulate_case(tiny.write(), tmp_path / "t", fmt)
    with pytest.raises(InputError) as exc:
        scoring.load_case(case)
    (p,) = exc.value.problems
    assert (p.line, p.field, p.message) == (
        3, "source_2", "'bad id!' is not a valid id: use only letters, digits, '_', '.' and "
                       "'-', starting with a letter or digit")


@pytest.mark.parametrize(("value", "shown"), [
    (10**30, "an integer of about 31 digits"), (10**30 - 1, "1e+30"),
    (-(10**16), "-1e+16"), (10**400, "an integer of about 401 digits"),
    (-(10**400), "an integer of about 401 digits")])  # beyond the float range either way
def test_a_huge_integer_is_named_by_its_digits(tiny: TinyCase, value: int, shown: str) -> None:
    tiny.rubric["factors"][0]["indicators"] = [{"id": "raw", "name": "Raw", "mapping": {
        "type": "linear", "input": [0, 1], "output": [0, 100]}}]
    tiny.items = [item("E1", "a", value, indicator="raw")]
    (line,) = _problems(tiny)
    assert line == f"evidence.yaml:4: items[0].value: {shown} is too large: a number must be " \
                   "at most 1e15 in absolute value"


@pytest.mark.parametrize(("length", "shown"), [(60, "x" * 60), (61, "x" * 60 + "...")])
def test_long_strings_are_cut_at_60_characters(tiny: TinyCase, length: int,
                                               shown: str) -> None:
    tiny.items = [item("E1", "a", 50, confidence="x" * length)]
    (line,) = _problems(tiny)
    assert line.endswith(f"must be a number, not the string {shown!r}")


@pytest.mark.parametrize("text", ["2025-02-30", "2023-02-29", "0000-01-01", "2025-1-1"])
@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_a_date_must_exist_as_written(tiny: TinyCase, tmp_path: Path, text: str,
                                      fmt: str) -> None:
    """Quoted in YAML or a table's cell, a date is text read as a date: one that does not
    exist (a roll-over to the next month) is refused, not moved."""
    from ..tables import tabulate_case

    tiny.items = [item("E1", "a", 50, observed=text), item("E2", "a", 40)]
    root = tiny.write()
    if fmt == "csv":
        root = tabulate_case(root, tmp_path / "t", fmt)
    else:  # quoted, so that YAML reads it as text
        path = root / "evidence.yaml"
        written = path.read_text(encoding="utf-8")
        path.write_text(written.replace(f"observed: '{text}'", f"observed: {text}").replace(
            f"observed: {text}", f"observed: '{text}'"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.load_case(root)
    (p,) = exc.value.problems
    assert p.message == f"must be a date YYYY-MM-DD, not the string {text!r}"


def test_a_shift_is_checked_with_each_case_s_own_value(tmp_path: Path) -> None:
    """The cases of a universe's tables share the walk over their scenario changes, but a
    shifted value is each case's own: only the case whose value falls off the scale is
    reported (bull shifts E001 by -10)."""
    root = write_universe(tmp_path / "u", 3, n_items=6, fmt="csv")
    rows = _universe_rows(root)
    ev = rows["evidence"]
    ev.loc[(ev["case"] == "C000002") & (ev["id"] == "E001"), "value"] = "5"
    ev.loc[(ev["case"] == "C000003") & (ev["id"] == "E001"), "value"] = "10"  # exactly 0
    write_table(root / "evidence.csv", ev.to_dict("records"))
    with pytest.raises(InputError) as exc:
        list(Universe.open(root).cases())
    assert [(Path(p.path).name, p.field, p.message) for p in exc.value.problems] == [
        ("scenarios.yaml", "scenarios[0].changes[2].by",
         "value -5 is outside the scale [0, 100] after shifting 5 by -10")]
