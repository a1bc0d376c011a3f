"""Cases that start themselves: `scoring new`, `scoring sources import`, `scoring excerpt`
(end to end, through the command line)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scoring.cli import main

from .conftest import REPO, TinyCase, item

SEEDS = REPO.parent / "shared" / "seeds"
META_NOTE = SEEDS / "004_bc4b4d90e46fc173.txt"
RUBRICS = sorted((REPO / "rubrics").glob("*.yaml"))


def new(runner: CliRunner, folder: Path, rubric: Path) -> None:
    res = runner.invoke(main, ["new", str(folder), "--rubric", str(rubric),
                               "--as-of", "2026-03-09"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("rubric", RUBRICS, ids=lambda p: p.stem)
def test_new_case_validates_and_scores(rubric: Path, tmp_path: Path, runner: CliRunner) -> None:
    new(runner, tmp_path / "acme", rubric)
    res = runner.invoke(main, ["validate", str(tmp_path / "acme")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["score", str(tmp_path / "acme")])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("acme — as of 2026-03-09 — rubric ")


def test_new_case_names_the_rubric_factors(tmp_path: Path, runner: CliRunner) -> None:
    new(runner, tmp_path / "acme", REPO / "rubrics/ai-platform-strategy.yaml")
    rubric = yaml.safe_load((REPO / "rubrics/ai-platform-strategy.yaml").read_text("utf-8"))
    items = yaml.safe_load((tmp_path / "acme/evidence.yaml").read_text("utf-8"))["items"]
    assert [i["factor"] for i in items] == [f["id"] for f in rubric["factors"]]
    case = yaml.safe_load((tmp_path / "acme/case.yaml").read_text("utf-8"))
    assert not Path(case["rubric"]).is_absolute()
    assert (tmp_path / "acme" / case["rubric"]).resolve() == \
        (REPO / "rubrics/ai-platform-strategy.yaml").resolve()
    assert "# the case id" in (tmp_path / "acme/case.yaml").read_text("utf-8")


def test_new_refuses_a_folder_that_holds_anything(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "notes.txt").write_text("mine\n")
    res = runner.invoke(main, ["new", str(tmp_path / "acme"), "--rubric",
                               str(REPO / "rubrics/altman-z-1968.yaml")])
    assert res.exit_code == 1
    assert "refused: the folder is not empty; scoring new writes only into a new or empty " \
           "folder" in res.stderr
    assert sorted(p.name for p in (tmp_path / "acme").iterdir()) == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    res = runner.invoke(main, ["new", str(tmp_path / "file"), "--rubric",
                               str(REPO / "rubrics/altman-z-1968.yaml")])
    assert res.exit_code == 1 and "refused: not a folder" in res.stderr


NOTE = """\
# A note

Text citing [1] and [2].

## Sources

[1] First report — 2026-03-01 https://example.com/a
[2] Second report (2026-03-02)
[3] Third, \x1b[31mred\x1b[0m
[4] Too late — 2026-12-31
"""


def test_import_appends_and_never_changes_what_is_there(
        tiny: TinyCase, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny.items = [item("E1", "a", 50)]
    tiny.case["as_of"] = "2026-06-30"
    tiny.sources[1]["title"] = "Second report"
    root = tiny.write()
    before = (root / "sources.yaml").read_bytes()
    (root / "note.md").write_text(NOTE, encoding="utf-8")
    monkeypatch.chdir(root)
    res = runner.invoke(main, ["sources", "import", "note.md", "--case", "."])
    assert res.exit_code == 0, res.output
    assert res.stdout == (
        'added S03: "First report" (2026-03-01; note.md:7)\n'
        'added S04: "Too late" (2026-12-31; note.md:10)\n'
        "added DOC: the document note.md (snapshot and sha256)\n"
        'note.md:8: skipped "Second report": already a source (S2)\n'
        "note.md:9: not parsed: holds a control character or direction mark (\\x1b); not "
        "imported\n"
        "warning: S04 is dated after the case's as_of; fix the date or move as_of\n"
        "3 entries parsed: 2 added, 1 skipped; 1 lines not parsed\n")
    after = (root / "sources.yaml").read_bytes()
    assert after.startswith(before)
    added = yaml.safe_load(after)["sources"][2:]
    assert added[0] == {"id": "S03", "title": "First report", "date": __import__(
        "datetime").date(2026, 3, 1), "language": "und", "kind": "unknown", "reliability": "B",
        "url": "https://example.com/a", "cited_as": "[1]", "notes": "Draft from note.md, line 7."}
    assert added[2]["snapshot"] == "note.md"
    assert added[2]["sha256"] == hashlib.sha256(NOTE.encode()).hexdigest()
    res = runner.invoke(main, ["validate", "."])  # the draft dated after as_of, and only it
    assert res.stderr.startswith("sources.yaml:24:9: sources[3].date: source dated 2026-12-31 "
                                 "is after the case's as_of 2026-06-30\n1 problem found")
    # A second run adds nothing and leaves the file byte for byte.
    res = runner.invoke(main, ["sources", "import", "note.md", "--case", "."])
    assert res.exit_code == 0
    assert "3 entries parsed: 0 added, 3 skipped; 1 lines not parsed" in res.stdout
    assert "skipped the document: already a source (DOC)" in res.stdout
    assert (root / "sources.yaml").read_bytes() == after


def test_import_refuses_a_flow_style_list(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 50)]
    root = tiny.write()
    text = '{"sources": [{"id": "S1", "title": "One", "language": "en", "kind": "news", ' \
           '"reliability": "A"}]}\n'
    (root / "sources.yaml").write_text(text)
    (root / "note.md").write_text(NOTE)
    res = runner.invoke(main, ["sources", "import", str(root / "note.md"), "--case", str(root)])
    assert res.exit_code == 1
    assert "the list is written in flow style" in res.stderr
    assert (root / "sources.yaml").read_text() == text


def test_hostile_document_never_crashes(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 50)]
    root = tiny.write()
    doc = root.parent / "hostile\x1b[2J.txt"
    doc.write_bytes(b"Sources\n- \xff\xfe broken utf-8 2026-01-01\n- \x9b\xc2\x9b C1\n"
                    + b"- " + b"\xe2\x80\xae" * 50_000 + b"\n[1] " + b"y" * 3000 + b"\n")
    res = runner.invoke(main, ["sources", "import", str(doc), "--case", str(root)])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x9b" not in res.output and "\u202e" not in res.output
    assert "hostile\\x1b[2J.txt:4: not parsed: line is 50002 characters long" in res.stdout
    assert "hostile\\x1b[2J.txt:5: not parsed: line is 3004 characters long" in res.stdout
    assert "hostile\\x1b[2J.txt:3: not parsed: holds a control character" in res.stdout
    res = runner.invoke(main, ["validate", str(root)])
    assert res.exit_code == 0, res.output


@pytest.mark.skipif(not META_NOTE.is_file(), reason=f"the seed documents are not at {SEEDS}")
def test_meta_note_into_a_fresh_case(tmp_path: Path, runner: CliRunner) -> None:
    new(runner, tmp_path / "meta", REPO / "rubrics/ai-platform-strategy.yaml")
    res = runner.invoke(main, ["sources", "import", str(META_NOTE), "--case",
                               str(tmp_path / "meta")])
    assert res.exit_code == 0, res.output
    assert "20 entries parsed: 20 added, 0 skipped; 0 lines not parsed" in res.stdout
    got = yaml.safe_load((tmp_path / "meta/sources.yaml").read_text("utf-8"))["sources"]
    case = yaml.safe_load((REPO / "evidence/meta-platforms/sources.yaml").read_text("utf-8"))
    want = {s["id"]: s for s in case["sources"]}
    assert [(s["id"], s["title"], s["date"]) for s in got[1:21]] == \
        [(f"S{k:02d}", want[f"S{k:02d}"]["title"], want[f"S{k:02d}"]["date"])
         for k in range(1, 21)]
    assert got[21]["sha256"] == want["NOTE"]["sha256"]
    res = runner.invoke(main, ["verify", str(tmp_path / "meta"), "--snapshots", str(SEEDS)])
    assert res.exit_code == 0 and "DOC" in res.stdout and " ok " in res.stdout


def snapped(tiny: TinyCase, excerpt: str) -> Path:
    tiny.sources[0]["snapshot"] = "doc.md"
    tiny.items = [item("E1", "a", 50, excerpt=excerpt)]
    root = tiny.write()
    (root / "doc.md").write_text(
        "Intro paragraph, wrapped\nover two lines.\n\n# Results\n\nFirst para of results.\n\n"
        "Second para: the share rose to 30%\nof all users.\n\n- a bullet\n- the second bullet\n",
        encoding="utf-8")
    return root


def test_excerpt_proposes_the_locator(tiny: TinyCase, runner: CliRunner) -> None:
    root = snapped(tiny, "rose to 30% of all users")
    res = runner.invoke(main, ["excerpt", str(root), "E1"])
    assert res.exit_code == 0, res.output
    shown = os.path.relpath(root / "doc.md")
    assert res.stdout == (f'item E1: excerpt "rose to 30% of all users"\n'
                          f"S1 ({shown}): found in 1 place\n"
                          f'  line 8: section "Results", para 2\n'
                          f"locator now, S1: p. 1\n")


def test_excerpt_across_bullets_and_in_the_intro(tiny: TinyCase, runner: CliRunner) -> None:
    root = snapped(tiny, "wrapped over")
    assert "  line 1: para 1\n" in runner.invoke(main, ["excerpt", str(root), "E1"]).stdout
    root = snapped(tiny, "a bullet the second")
    assert '  line 11: section "Results", bullets 1-2\n' in \
        runner.invoke(main, ["excerpt", str(root), "E1"]).stdout


def test_excerpt_not_found_names_the_snapshot(tiny: TinyCase, runner: CliRunner) -> None:
    root = snapped(tiny, "not in the document")
    res = runner.invoke(main, ["excerpt", str(root), "E1"])
    assert res.exit_code == 1
    assert "doc.md): not found\n" in res.stdout
    res = runner.invoke(main, ["excerpt", str(root), "E9"])
    assert res.exit_code == 2
    assert res.stderr == "Error: no item 'E9' in tiny (see docs/errors.md#unknown-item)\n"


def test_excerpt_of_an_item_without_one(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 50)]
    res = runner.invoke(main, ["excerpt", str(tiny.write()), "E1"])
    assert res.exit_code == 1
    assert res.stderr == "Error: item E1 has no excerpt to look for (see " \
                         "docs/errors.md#scoring-error)\n"


@pytest.mark.skipif(not META_NOTE.is_file(), reason=f"the seed documents are not at {SEEDS}")
def test_excerpt_in_the_meta_note(runner: CliRunner) -> None:
    res = runner.invoke(main, ["excerpt", str(REPO / "evidence/meta-platforms"), "E01",
                               "--snapshots", str(SEEDS)])
    assert res.exit_code == 0, res.output
    assert '  line 4: section "The Open-Source Llama Strategy: Building a Durable Developer ' \
           'Moat", para 1\n' in res.stdout
    res = runner.invoke(main, ["excerpt", str(REPO / "evidence/meta-platforms"), "E01"])
    assert res.exit_code == 1
    assert "NOTE (004_bc4b4d90e46fc173.txt): not found in the case folder or the snapshot " \
           "folders\n" in res.stdout
