"""Reading a document's source list: numbered, bulleted and footnote entries, exact titles,
dates and links; what cannot be read is reported by line; hostile text never raises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from scoring.desk.source_list import Entry, Unparsed, parse_source_list

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
META_NOTE = SEEDS / "004_bc4b4d90e46fc173.txt"


def test_numbered_list_with_dates_and_links() -> None:
    text = ("Intro [1].\n\n[1] First report — 2026-03-01 https://example.com/a\n"
            "[2] Second, with a comma (2026-02-28)\n[3] No date at all <https://example.com/c>\n")
    got = parse_source_list(text)
    assert got.entries == (
        Entry(3, "First report", dt.date(2026, 3, 1), "https://example.com/a", "[1]"),
        Entry(4, "Second, with a comma", dt.date(2026, 2, 28), None, "[2]"),
        Entry(5, "No date at all", None, "https://example.com/c", "[3]"),
    )
    assert got.unparsed == ()


def test_bulleted_list_under_a_heading() -> None:
    text = ("# Note\n\n- not a source, above the list\n\n## Sources\n\n"
            "- Title one (2026-03-01)\n* Title - with a dash - 2026-03-02\n"
            "1. Numbered title, 2026-03-03\n"
            "- [Linked title](https://example.com/x) 2026-03-04\n"
            "a stray line\n- 2026-03-05\n- Bad date 2026-02-31\n")
    got = parse_source_list(text)
    assert got.heading == 5
    assert got.entries == (
        Entry(7, "Title one", dt.date(2026, 3, 1)),
        Entry(8, "Title - with a dash", dt.date(2026, 3, 2)),
        Entry(9, "Numbered title", dt.date(2026, 3, 3), None, "1."),
        Entry(10, "Linked title", dt.date(2026, 3, 4), "https://example.com/x"),
    )
    assert got.unparsed == (
        Unparsed(11, 'not a list entry: "a stray line"'),
        Unparsed(12, "an entry with a date and no title"),
        Unparsed(13, "'2026-02-31' is not a date (YYYY-MM-DD)"),
    )


def test_markdown_footnotes_anywhere() -> None:
    text = "Claim.[^1] Other.[^b]\n\n[^1]: Footnote source, 2026-01-02\n[^b]: Plain note\n"
    assert parse_source_list(text).entries == (
        Entry(3, "Footnote source", dt.date(2026, 1, 2), None, "[^1]"),
        Entry(4, "Plain note", None, None, "[^b]"),
    )


def test_a_lone_dash_bullet_then_its_entry() -> None:
    text = "Sources\n-\nTitle on the next line - 2026-03-01\n-\n"
    got = parse_source_list(text)
    assert got.entries == (Entry(3, "Title on the next line", dt.date(2026, 3, 1)),)
    assert got.unparsed == (Unparsed(4, "a bullet with no entry after it"),)


def test_hostile_lines_are_reported_not_raised() -> None:
    huge = "- " + "x" * 100_000
    text = ("Sources\n- Escape \x1b[31mred\x1b[0m 2026-03-01\n- Bidi \u202eevil\n" + huge
            + "\n- Nul \x00 byte\n- 𝕿𝖎𝖙𝖑𝖊 ünïcödé 2026-03-02\n[\n")
    got = parse_source_list(text)
    assert got.entries == (Entry(6, "𝕿𝖎𝖙𝖑𝖊 ünïcödé", dt.date(2026, 3, 2)),)
    assert got.unparsed == (
        Unparsed(2, "holds a control character or direction mark (\\x1b); not imported"),
        Unparsed(3, "holds a control character or direction mark (\\u202e); not imported"),
        Unparsed(4, "line is 100002 characters long; an entry holds at most 2000"),
        Unparsed(5, "holds a control character or direction mark (\\x00); not imported"),
        Unparsed(7, 'not a list entry: "["'),
    )


@pytest.mark.skipif(not META_NOTE.is_file(), reason=f"the seed documents are not at {SEEDS}")
def test_meta_note_gives_the_case_s01_to_s20_exactly() -> None:
    got = parse_source_list(META_NOTE.read_text(encoding="utf-8"))
    case = yaml.safe_load((REPO / "evidence/meta-platforms/sources.yaml").read_text("utf-8"))
    want = [(s["title"], s["date"]) for s in case["sources"][:20]]
    assert [s["id"] for s in case["sources"][:20]] == [f"S{k:02d}" for k in range(1, 21)]
    assert [(e.title, e.date) for e in got.entries] == want
    assert got.unparsed == ()
