"""scoring review add / resolve / list: reviews.yaml edited in place, comments kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.cli import main
from scoring.formats.reviews import read_reviews
from tests.conftest import TinyCase, item


@pytest.fixture
def case(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> Path:
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20)]
    root = tiny.write()
    monkeypatch.chdir(root)
    return root


def _run(runner: CliRunner, *args: str) -> tuple[int, str]:
    res = runner.invoke(main, list(args))
    return res.exit_code, res.output


def test_add_writes_a_new_file_and_lists_it(runner: CliRunner, case: Path) -> None:
    code, out = _run(runner, "review", "add", ".", "base/composite", "--severity", "blocking",
                     "--note", "why 3:1?", "--author", "Ann", "--date", "2026-03-02")
    assert (code, out) == (0, "F1 (blocking, open) on base/composite: written to reviews.yaml\n")
    r = read_reviews(case)
    assert r.findings[["id", "anchor", "author", "date", "severity", "status"]].values.tolist() \
        == [["F1", "base/composite", "Ann", "2026-03-02", "blocking", "open"]]
    assert r.comments[["date", "author", "note"]].values.tolist() == [
        ["2026-03-02", "Ann", "why 3:1?"]]
    code, out = _run(runner, "review", "list", ".")
    assert code == 0
    # base composite by hand: factor a 60 (weight 3), b 20 (weight 1): (3*60 + 1*20) / 4 = 50
    assert "F1  blocking    open  base/composite  50.00     Ann  2026-03-02" in out, out
    assert out.endswith("1 finding (1 open); 1 blocking not settled\n")


def test_unknown_anchor_exit_2_with_nearest_and_nothing_written(runner: CliRunner,
                                                                 case: Path) -> None:
    code, out = _run(runner, "review", "add", ".", "base/compsite", "--severity", "minor",
                     "--note", "x", "--author", "Ann")
    assert code == 2
    assert "no number with id 'base/compsite' in this result. Did you mean: base/composite" \
        in out
    assert not (case / "reviews.yaml").exists()


def test_an_evidence_item_is_an_anchor(runner: CliRunner, case: Path) -> None:
    code, _ = _run(runner, "review", "add", ".", "E2", "--severity", "major", "--note", "n",
                   "--author", "Ann", "--date", "2026-03-02")
    assert code == 0
    assert read_reviews(case).findings["anchor"].tolist() == ["E2"]


HAND = """\
# our reviews: keep this comment
findings:   # the list
- id: R7   # a hand-written id
  anchor: base/factor/a/score
  author: Ann
  date: 2026-03-01
  severity: major
  status: open   # still open
  thread:
  - {date: 2026-03-01, author: Ann, note: first}

# trailing comment
"""


def test_add_and_resolve_keep_every_other_line(runner: CliRunner, case: Path) -> None:
    (case / "reviews.yaml").write_text(HAND, encoding="utf-8")
    code, out = _run(runner, "review", "add", ".", "E1", "--severity", "minor", "--note",
                     "ok?", "--author", "Bob", "--date", "2026-03-05")
    assert code == 0, out
    assert "F1 (minor, open)" in out  # R7 is not of the F<n> numbering
    code, out = _run(runner, "review", "resolve", ".", "R7", "--note", "fixed", "--author",
                     "Cy", "--date", "2026-03-06")
    assert (code, out) == (0, "R7 is resolved: written to reviews.yaml\n")
    text = (case / "reviews.yaml").read_text(encoding="utf-8")
    assert text == HAND.replace("status: open   # still open", "status: resolved   # still open"
                                ).replace(
        "  - {date: 2026-03-01, author: Ann, note: first}\n",
        "  - {date: 2026-03-01, author: Ann, note: first}\n"
        "  - date: 2026-03-06\n    author: \"Cy\"\n    note: \"fixed\"\n"
        "- id: F1\n  anchor: \"E1\"\n  author: \"Bob\"\n  date: 2026-03-05\n  severity: minor\n"
        "  status: open\n  thread:\n    - date: 2026-03-05\n      author: \"Bob\"\n"
        "      note: \"ok?\"\n")


def test_flow_lists_and_crlf(runner: CliRunner, case: Path) -> None:
    (case / "reviews.yaml").write_bytes(
        b"findings: [{id: F1, anchor: E1, author: A, date: 2026-03-01, severity: blocking,"
        b" status: open}]\r\n")
    assert _run(runner, "review", "resolve", ".", "F1", "--note", "a \"quoted\"\nline",
                "--author", "B", "--date", "2026-03-02", "--status", "accepted risk")[0] == 0
    assert _run(runner, "review", "add", ".", "E2", "--severity", "minor", "--note", "n",
                "--author", "C", "--date", "2026-03-02")[0] == 0
    raw = (case / "reviews.yaml").read_bytes()
    assert raw.startswith(b"findings: [{id: F1, anchor: E1, author: A, date: 2026-03-01, "
                          b"severity: blocking, status: accepted risk, thread: [{date: "
                          b"2026-03-02, author: \"B\", note: \"a \\\"quoted\\\"\\nline\"}]}, "
                          b"{id: F2, ")
    r = read_reviews(case)
    assert r.findings["status"].tolist() == ["accepted risk", "open"]
    assert r.comments["note"].tolist() == ['a "quoted"\nline', "n"]


def test_empty_list_becomes_a_block(runner: CliRunner, case: Path) -> None:
    (case / "reviews.yaml").write_text("# none yet\nfindings: []\n", encoding="utf-8")
    assert _run(runner, "review", "add", ".", "E1", "--severity", "minor", "--note", "n",
                "--author", "A", "--date", "2026-03-02")[0] == 0
    assert (case / "reviews.yaml").read_text(encoding="utf-8") == (
        "# none yet\nfindings:\n  - id: F1\n    anchor: \"E1\"\n    author: \"A\"\n"
        "    date: 2026-03-02\n    severity: minor\n    status: open\n    thread:\n"
        "      - date: 2026-03-02\n        author: \"A\"\n        note: \"n\"\n")


def test_resolve_unknown_finding_and_early_date(runner: CliRunner, case: Path) -> None:
    (case / "reviews.yaml").write_text(HAND, encoding="utf-8")
    code, out = _run(runner, "review", "resolve", ".", "F9", "--note", "x", "--author", "A")
    assert code == 2
    assert "reviews.yaml:0:0: findings: no finding 'F9' (the findings are: R7)" in out
    code, out = _run(runner, "review", "resolve", ".", "R7", "--note", "x", "--author", "A",
                     "--date", "2026-02-28")
    assert code == 2
    assert "--date 2026-02-28 is before the finding's date 2026-03-01" in out
    # boundary: the finding's own day is fine
    assert _run(runner, "review", "resolve", ".", "R7", "--note", "x", "--author", "A",
                "--date", "2026-03-01")[0] == 0
    assert (case / "reviews.yaml").read_text(encoding="utf-8") != HAND


def test_a_broken_reviews_file_is_named_and_kept(runner: CliRunner, case: Path) -> None:
    broken = HAND.replace("severity: major", "severity: huge")
    (case / "reviews.yaml").write_text(broken, encoding="utf-8")
    code, out = _run(runner, "review", "add", ".", "E1", "--severity", "minor", "--note", "n",
                     "--author", "A")
    assert code == 2
    assert "reviews.yaml:7:13: findings[0].severity:" in out
    assert (case / "reviews.yaml").read_text(encoding="utf-8") == broken


def test_a_symlinked_reviews_file_is_not_written_through(runner: CliRunner, case: Path,
                                                         tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(HAND, encoding="utf-8")
    (case / "reviews.yaml").symlink_to(elsewhere)
    code, out = _run(runner, "review", "add", ".", "E1", "--severity", "minor", "--note", "n",
                     "--author", "A")
    assert code == 1 and "is a symbolic link" in out
    assert elsewhere.read_text(encoding="utf-8") == HAND


def test_list_shows_an_orphan(runner: CliRunner, case: Path) -> None:
    (case / "reviews.yaml").write_text(HAND.replace("base/factor/a/score", "base/factor/c/score"),
                                       encoding="utf-8")
    code, out = _run(runner, "review", "list", ".")
    assert code == 0
    assert "R7     major    open  base/factor/c/score (orphaned)" in out
    assert "  orphaned: base/factor/c/score is no number or item of the case now; nearest: " \
           "base/factor/b/score, base/factor/a/score" in out


def test_validate_checks_the_anchors(runner: CliRunner, case: Path) -> None:
    (case / "reviews.yaml").write_text(HAND, encoding="utf-8")
    code, out = _run(runner, "validate", ".")
    assert (code, out) == (0, ".: ok (2 sources, 2 items, 0 scenarios, "
                           "rubric tiny 1.0.0, 1 review finding)\n")
    (case / "reviews.yaml").write_text(HAND.replace("base/factor/a/score", "base/factor/a/scor"),
                                       encoding="utf-8")
    code, out = _run(runner, "validate", ".")
    assert code == 2
    assert "reviews.yaml:4:11: findings[0].anchor: no number or evidence item " \
           "'base/factor/a/scor' in this case (scoring trace CASE ID shows the ids); nearest: " \
           "base/factor/a/score" in out


@settings(max_examples=60, deadline=None)
@given(note=st.text(min_size=1).filter(lambda t: t.strip() != ""),
       author=st.text(min_size=1, max_size=20).filter(lambda t: t.strip() != ""),
       layout=st.sampled_from([HAND, "findings: []\n", "# only a comment\n", None]))
def test_any_note_and_author_read_back_as_written(note: str, author: str,
                                                  layout: str | None) -> None:
    import datetime as dt
    import tempfile

    from scoring.desk.reviews import add_finding, settle_finding
    from scoring.output import NO_INPUTS

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if layout is not None:
            (root / "reviews.yaml").write_text(layout, encoding="utf-8")
        day = dt.date(2026, 3, 9)
        done = add_finding(root, "E1", "major", note, author, day, {"item/E1"}, ["E1"],
                           NO_INPUTS)
        settle_finding(root, done.finding, note + " (settled)", author, day, "accepted risk",
                       NO_INPUTS)
        r = read_reviews(root)
        row = r.findings[r.findings["id"] == done.finding].iloc[0]
        assert (row["anchor"], row["author"], row["status"]) == ("E1", author, "accepted risk")
        thread = r.comments[r.comments["finding"] == done.finding]["note"].tolist()
        assert thread == [note, note + " (settled)"]
        if layout == HAND:  # the hand-written finding and its comments are untouched
            assert (root / "reviews.yaml").read_text(encoding="utf-8").startswith(
                HAND.split("  - {date")[0])


def test_list_escapes_each_field(runner: CliRunner, case: Path) -> None:
    assert _run(runner, "review", "add", ".", "E1", "--severity", "minor", "--note",
                "line one\n1 finding (0 open); 0 blocking not settled\x1b[2J", "--author",
                "A\tB", "--date", "2026-03-02")[0] == 0
    code, out = _run(runner, "review", "list", ".")
    assert code == 0
    assert "A\\tB: line one\\n1 finding (0 open); 0 blocking not settled\\x1b[2J" in out
    assert "\x1b" not in out and out.count("\n1 finding") == 1
