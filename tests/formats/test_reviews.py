"""reviews.yaml: read into frames, every problem at its file:line:col."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.errors import InputError
from scoring.formats.reviews import anchor_problems, orphaned, read_reviews

GOOD = """\
findings:
  - id: F1
    anchor: base/composite
    author: Ann
    date: 2026-03-02
    severity: blocking
    status: open
    thread:
      - date: 2026-03-02
        author: Ann
        note: check the margin
      - date: 2026-03-03
        author: Bob
        note: the 10-K says so
  - id: F2
    anchor: E1
    author: Bob
    date: 2026-03-03
    severity: minor
    status: accepted risk
"""


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working folder


def _case(tmp_path: Path, text: str) -> Path:
    (tmp_path / "reviews.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_reviews(_case(tmp_path, text))
    return [str(p) for p in exc.value.problems]


def test_findings_and_threads_are_frames_with_positions(tmp_path: Path) -> None:
    r = read_reviews(_case(tmp_path, GOOD))
    assert r.findings[["id", "anchor", "severity", "status", "line", "col"]].values.tolist() \
        == [["F1", "base/composite", "blocking", "open", 2, 5],
            ["F2", "E1", "minor", "accepted risk", 15, 5]]
    assert r.comments[["finding", "date", "author", "line"]].values.tolist() == [
        ["F1", "2026-03-02", "Ann", 9], ["F1", "2026-03-03", "Bob", 12]]


def test_no_file_is_no_findings(tmp_path: Path) -> None:
    assert read_reviews(tmp_path).findings.empty


def test_bad_status_and_date_named_at_their_place(tmp_path: Path) -> None:
    out = _problems(tmp_path, GOOD.replace("status: open", "status: closed"))
    assert len(out) == 1 and out[0].startswith("reviews.yaml:7:13: findings[0].status:"), out
    out = _problems(tmp_path, GOOD.replace("date: 2026-03-03\n    severity",
                                           "date: 2026-02-30\n    severity"))
    assert out == ["reviews.yaml:18:11: findings[1].date: invalid date 2026-02-30: day is out "
                   "of range for month"]
    out = _problems(tmp_path, GOOD.replace("date: 2026-03-03\n    severity",
                                           "date: 'March 3'\n    severity"))
    assert len(out) == 1 and out[0].startswith("reviews.yaml:18:11: findings[1].date:"), out


def test_bad_severity(tmp_path: Path) -> None:
    out = _problems(tmp_path, GOOD.replace("severity: minor", "severity: low"))
    assert len(out) == 1 and out[0].startswith("reviews.yaml:19:15: findings[1].severity:")
    assert "'blocking', 'major' or 'minor'" in out[0]


def test_duplicate_ids_name_the_first(tmp_path: Path) -> None:
    out = _problems(tmp_path, GOOD.replace("id: F2", "id: F1"))
    assert out == ["reviews.yaml:15:5: findings[1].id: duplicate finding id 'F1' "
                   "(first at line 2)"]


def test_a_comment_before_its_finding(tmp_path: Path) -> None:
    out = _problems(tmp_path, GOOD.replace("- date: 2026-03-03\n        author: Bob",
                                           "- date: 2026-03-01\n        author: Bob"))
    assert out == ["reviews.yaml:12:9: findings[0].thread[1].date: comment dated 2026-03-01, "
                   "before its finding's date 2026-03-02"]


def test_comment_on_the_findings_day_is_fine(tmp_path: Path) -> None:
    # boundary: a comment of the same day as its finding is not early
    assert len(read_reviews(_case(tmp_path, GOOD)).comments) == 2


def test_unknown_anchor_lists_the_nearest_ids(tmp_path: Path) -> None:
    r = read_reviews(_case(tmp_path, GOOD.replace("base/composite", "base/compsite")))
    known = {"base/composite", "bear/composite", "item/E1", "source/S1"}
    assert orphaned(r, known, ["E1"]).tolist() == [True, False]
    out = [str(p) for p in anchor_problems(r, known, ["E1"])]
    assert out == ["reviews.yaml:3:13: findings[0].anchor: no number or evidence item "
                   "'base/compsite' in this case (scoring trace CASE ID shows the ids); "
                   "nearest: base/composite, bear/composite"]


def test_unknown_keys_and_missing_fields(tmp_path: Path) -> None:
    out = _problems(tmp_path, "findings:\n  - id: F1\n    anchor: x\n    colour: red\n")
    assert any("findings[0].colour: unknown field" in p or "colour" in p for p in out), out
    assert any("findings[0]" in p and "author" in p for p in out), out


def test_the_schema_names_the_fields(runner) -> None:  # type: ignore[no-untyped-def]
    from scoring.cli import main

    res = runner.invoke(main, ["schema", "reviews"])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.output)
    finding = schema["$defs"]["Finding"]
    assert finding["properties"]["severity"]["enum"] == ["blocking", "major", "minor"]
    assert finding["properties"]["status"]["enum"] == ["open", "answered", "resolved",
                                                       "accepted risk"]
    assert schema["title"] == "scoring reviews file"
