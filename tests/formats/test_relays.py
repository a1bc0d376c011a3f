"""Relayed citations (``{source, via, locator}``): a source read only through another counts at
the weaker of the two grades, the relay is not counted again as a direct citation of the same
item, and the item takes its best citation (docs/method.md, "Effective weight").

Rubric of conftest: reliability A = 1, B = 0.5; no half-life; factor a weight 3, b weight 1.
Sources here: S1 (A), S2 (B), S3 (A).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import scoring
from scoring.errors import InputError
from scoring.formats.evidence import best_citations

from ..conftest import TinyCase, item
from ..tables import write_table


def cites(iid: str, value: float, refs: list[dict[str, str]]) -> dict[str, Any]:
    """An item of factor a citing ``refs`` (each {source, via?})."""
    out = item(iid, "a", value)
    out["sources"] = [{**r, "locator": "p. 1"} for r in refs]
    return out


@pytest.fixture
def relays(tiny: TinyCase) -> TinyCase:
    tiny.sources.append({"id": "S3", "title": "Source three", "language": "en",
                         "kind": "news", "reliability": "A"})
    return tiny


def reliability(tiny: TinyCase, refs: list[dict[str, str]]) -> tuple[float, Any]:
    """E1's reliability (with E2 = 20 from S1, grade A, beside it) and its trace record."""
    tiny.items = [cites("E1", 80, refs), item("E2", "a", 20)]
    r = tiny.score()
    return r.trace["base/item/E1/reliability"].value, r


def test_relay_counts_at_the_relayers_weaker_grade(relays: TinyCase) -> None:
    # S1 (A = 1) read through S2 (B = 0.5): min(1, 0.5) = 0.5
    rel, r = reliability(relays, [{"source": "S1", "via": "S2"}])
    assert rel == 0.5
    rec = r.trace["base/item/E1/reliability"]
    assert rec.expression == ("grade B (best source S1, read via S2: the weaker of the two "
                              "grades) = 0.5")
    assert rec.inputs == ("rubric/reliability/B", "source/S1", "source/S2", "item/E1")
    # F = (1 x 0.5 x 80 + 1 x 1 x 20) / (0.5 + 1) = 60 / 1.5 = 40
    assert r.composite("base") == pytest.approx(40.0)


def test_relay_counts_at_the_originals_weaker_grade(relays: TinyCase) -> None:
    # S2 (B = 0.5) read through S1 (A = 1): min(0.5, 1) = 0.5, at S2's own grade
    rel, r = reliability(relays, [{"source": "S2", "via": "S1"}])
    assert rel == 0.5
    assert r.trace["base/item/E1/reliability"].expression.startswith("grade B (best source S2")


def test_equal_grades_count_at_that_grade(relays: TinyCase) -> None:
    # S1 (A = 1) through S3 (A = 1): min(1, 1) = 1; the original's grade is named
    rel, r = reliability(relays, [{"source": "S1", "via": "S3"}])
    assert rel == 1.0
    assert r.trace["base/item/E1/reliability"].expression == (
        "grade A (best source S1, read via S3: the weaker of the two grades) = 1")
    # F = (1 x 80 + 1 x 20) / 2 = 50
    assert r.composite("base") == pytest.approx(50.0)


def test_equal_multipliers_of_two_grades_name_the_originals(relays: TinyCase) -> None:
    relays.rubric["reliability"]["A2"] = 1.0
    relays.sources[2]["reliability"] = "A2"
    # S1 (A = 1) through S3 (A2 = 1): the relay is not strictly weaker, so grade A counts
    rel, r = reliability(relays, [{"source": "S1", "via": "S3"}])
    assert rel == 1.0
    assert r.trace["base/item/E1/reliability"].inputs[0] == "rubric/reliability/A"


def test_a_direct_citation_beats_a_relayed_one(relays: TinyCase) -> None:
    # S3 through S2 counts min(1, 0.5) = 0.5; S1 cited directly counts 1: S1 decides
    rel, r = reliability(relays, [{"source": "S3", "via": "S2"}, {"source": "S1"}])
    assert rel == 1.0
    rec = r.trace["base/item/E1/reliability"]
    assert rec.expression == "grade A (best source S1) = 1"
    assert rec.inputs == ("rubric/reliability/A", "source/S1", "item/E1")


def test_the_relay_cited_directly_does_not_count_again(relays: TinyCase) -> None:
    # S2 (B) through S1 (A) counts 0.5; S1 also cited directly would count 1, but S1 is this
    # item's relay, so that citation is the same reading and does not count: 0.5.
    rel, r = reliability(relays, [{"source": "S2", "via": "S1"}, {"source": "S1"}])
    assert rel == 0.5
    # F = (0.5 x 80 + 1 x 20) / 1.5 = 60 / 1.5 = 40
    assert r.composite("base") == pytest.approx(40.0)


def test_a_relay_of_another_item_still_counts_directly(relays: TinyCase) -> None:
    # S1 relays S2 for E2 only: E1's direct citation of S1 counts in full.
    relays.items = [cites("E1", 80, [{"source": "S1"}]),
                    cites("E2", 20, [{"source": "S2", "via": "S1"}])]
    r = relays.score()
    assert r.trace["base/item/E1/reliability"].value == 1.0
    assert r.trace["base/item/E2/reliability"].value == 0.5
    # F = (1 x 80 + 0.5 x 20) / 1.5 = 90 / 1.5 = 60
    assert r.composite("base") == pytest.approx(60.0)


def test_the_first_of_equal_relayed_citations_is_named(relays: TinyCase) -> None:
    # S1 via S2 and S3 via S2 both count min(1, 0.5) = 0.5: the first cited (S1) is named
    _, r = reliability(relays, [{"source": "S1", "via": "S2"}, {"source": "S3", "via": "S2"}])
    assert "best source S1, read via S2" in r.trace["base/item/E1/reliability"].expression


def test_the_rule_on_columns_of_many_records() -> None:
    """The one function, on the citations of three records at once (any number of cases):
    sources 0 (1.0), 1 (0.5), 2 (0.25)."""
    rel = np.array([1.0, 0.5, 0.25])
    parent = np.array([0, 0, 1, 1, 2, 2])
    k = np.array([0, 1, 0, 1, 0, 1])
    at = np.array([2, 1, 0, 1, 0, 1])
    via_at = np.array([-1, 0, 1, -1, -1, -1])
    best, counted, at_grade = best_citations(parent, k, at, via_at, rel)
    # record 0: 2 direct (0.25), 1 via 0 (min(0.5, 1) = 0.5)  -> citation 1, 0.5, grade of 1
    # record 1: 0 via 1 (min(1, 0.5) = 0.5), 1 direct: the relay itself, not counted again
    #           -> citation 2, 0.5, grade of the relay 1
    # record 2: 0 direct (1), 1 direct (0.5)                    -> citation 4, 1.0, grade of 0
    assert best.tolist() == [1, 2, 4]
    assert counted.tolist() == [0.5, 0.5, 1.0]
    assert at_grade.tolist() == [1, 1, 0]


def _problems(tiny: TinyCase) -> list[str]:
    tiny.write()
    with pytest.raises(InputError) as exc:
        scoring.load_case(tiny.root)
    return [f"{Path(p.path).name}:{p.line}:{p.col}: {p.field}: {p.message}"
            for p in exc.value.problems]


def test_via_must_name_a_known_source_other_than_the_cited_one(relays: TinyCase) -> None:
    relays.items = [cites("E1", 80, [{"source": "S1", "via": "NOPE"}]),
                    cites("E2", 20, [{"source": "S1"}, {"source": "S2", "via": "S2"}])]
    assert _problems(relays) == [
        "evidence.yaml:9:10: items[0].sources[0].via: unknown source 'NOPE'",
        "evidence.yaml:21:10: items[1].sources[1].via: names the cited source itself: a "
        "source is not read through itself, so via must name another source than 'S2'",
    ]


def test_via_in_an_evidence_table(relays: TinyCase) -> None:
    """A CSV table's via / via_2 columns: the same rule and the same score as YAML."""
    relays.items = [item("E2", "a", 20)]
    relays.write()
    (relays.root / "evidence.yaml").unlink()
    e1 = {"id": "E1", "factor": "a", "value": 80, "confidence": 1, "observed": "2026-01-01",
          "claim": "c", "source": "S3", "locator": "p. 1", "via": "S2",
          "source_2": "S2", "locator_2": "p. 2", "via_2": "S1"}
    e2 = {"id": "E2", "factor": "a", "value": 20, "confidence": 1, "observed": "2026-01-01",
          "claim": "c", "source": "S1", "locator": "p. 1"}
    write_table(relays.root / "evidence.csv", [e1, e2])
    r = scoring.score(scoring.load_case(relays.root))
    # E1: S3 via S2 = min(1, 0.5) = 0.5; S2 via S1 = min(0.5, 1) = 0.5: the first, S3 via S2
    assert r.trace["base/item/E1/reliability"].value == 0.5
    assert "best source S3, read via S2" in r.trace["base/item/E1/reliability"].expression
    # F = (0.5 x 80 + 1 x 20) / 1.5 = 40
    assert r.composite("base") == pytest.approx(40.0)
    write_table(relays.root / "evidence.csv", [{**e1, "via_2": "S9"}, e2])
    with pytest.raises(InputError) as exc:
        scoring.load_case(relays.root)
    assert [f"{p.line}:{p.col}: {p.field}: {p.message}" for p in exc.value.problems] == [
        "2:12: via_2: unknown source 'S9'"]
