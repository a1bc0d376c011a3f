"""scoring verify: snapshots and excerpts, on documents the tests write."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.analysis import verify
from scoring.analysis.verify import ExcerptCheck, SnapshotCheck, normalise
from scoring.api import verify_folder
from scoring.cli import EXIT_FAILED, main

from ..conftest import TinyCase, item
from ..formats.test_errors import problems

DOC = "Meta\u2019s  \u201cflywheel\u201d\nis compounding \u2014 fast.\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def snapped(tiny: TinyCase) -> TinyCase:
    tiny.sources[0]["snapshot"] = "docs/one.txt"
    tiny.sources[0]["sha256"] = sha(DOC)
    tiny.items = [item("E1", "a", 50, excerpt="meta's \"FLYWHEEL\" is compounding - fast"),
                  item("E2", "b", 50, source="S2", excerpt="not checkable")]
    root = tiny.write()
    (root / "docs").mkdir()
    (root / "docs" / "one.txt").write_text(DOC, encoding="utf-8")
    return tiny


def test_normalise_folds_quotes_dashes_space_case() -> None:
    assert normalise(DOC) == "meta's \"flywheel\" is compounding - fast."


def test_verified_and_unverifiable(snapped: TinyCase, runner: CliRunner) -> None:
    res = runner.invoke(main, ["verify", str(snapped.root)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == ("1 verified, 1 unverifiable, 0 failed excerpts; "
                                           "0 snapshot problems.")


def test_an_excerpt_of_a_relayed_source_is_looked_for_in_its_relay(
        snapped: TinyCase, runner: CliRunner) -> None:
    # E2 cites S2, read through S1: the excerpt is in S1's snapshot, where it was read.
    snapped.items[1]["sources"] = [{"source": "S2", "via": "S1", "locator": "p. 1"}]
    snapped.items[1]["excerpt"] = "is compounding"
    snapped.write()
    res = runner.invoke(main, ["verify", str(snapped.root)])
    assert res.exit_code == 0, res.output
    assert re.search(r"^E2 +verified +S1", res.output, re.M), res.output


def test_failed_excerpt_exits_1(snapped: TinyCase, runner: CliRunner) -> None:
    snapped.items[0]["excerpt"] = "the flywheel is slowing"
    snapped.write()
    res = runner.invoke(main, ["verify", str(snapped.root)])
    assert res.exit_code == EXIT_FAILED
    assert re.search(r"^E1 +failed +S1 +the excerpt is not in the snapshot$", res.output, re.M)


def test_hash_mismatch_exits_1(snapped: TinyCase, runner: CliRunner) -> None:
    (snapped.root / "docs" / "one.txt").write_text(DOC + "edited", encoding="utf-8")
    res = runner.invoke(main, ["verify", str(snapped.root)])
    assert res.exit_code == EXIT_FAILED
    assert "hash mismatch" in res.output


def test_snapshot_found_in_an_outside_folder(snapped: TinyCase, tmp_path: Path,
                                             runner: CliRunner) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (snapped.root / "docs" / "one.txt").rename(seeds / "one.txt")
    assert "0 verified, 2 unverifiable" in runner.invoke(main, ["verify", str(snapped.root)]).output
    res = runner.invoke(main, ["verify", str(snapped.root), "--snapshots", str(seeds)])
    assert "1 verified, 1 unverifiable" in res.output


def test_html_snapshot_text_only(snapped: TinyCase, runner: CliRunner) -> None:
    html = ("<html><script>var x = 'is compounding';</script><p>Meta&rsquo;s "
            "<b>&ldquo;flywheel&rdquo;</b> is compounding &mdash; fast.</p></html>")
    snapped.sources[0]["snapshot"] = "docs/one.html"
    snapped.sources[0]["sha256"] = sha(html)
    snapped.write()
    (snapped.root / "docs" / "one.html").write_text(html, encoding="utf-8")
    res = runner.invoke(main, ["verify", str(snapped.root)])
    assert "1 verified" in res.output


def test_snapshot_path_must_stay_inside(snapped: TinyCase) -> None:
    snapped.sources[0]["snapshot"] = "../outside.txt"
    got = problems(snapped)
    assert got == ["sources.yaml:7:13: sources[0].snapshot: a snapshot path must be relative "
                   "and stay inside the case folder (no absolute path, no '..')"]


def test_symlink_out_of_the_case_is_refused(snapped: TinyCase, tmp_path: Path,
                                            runner: CliRunner) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(DOC, encoding="utf-8")
    (snapped.root / "docs" / "one.txt").unlink()
    os.symlink(outside, snapped.root / "docs" / "one.txt")
    res = runner.invoke(main, ["verify", str(snapped.root)])
    assert res.exit_code == EXIT_FAILED
    assert "refused: a snapshot path must stay inside the case folder" in res.output


def test_report_shows_the_status(snapped: TinyCase, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "r.html"
    seeds = tmp_path / "seeds"  # not tmp_path itself: no output may land in a snapshot folder
    seeds.mkdir()
    runner.invoke(main, ["report", str(snapped.root), "-o", str(out), "--snapshots",
                         str(seeds)])
    html = out.read_text(encoding="utf-8")
    assert "(excerpt <strong>verified in the snapshot of S1</strong>" in html
    assert "(excerpt <strong>unverifiable: no snapshot of a cited source at hand</strong>" in html
    runner.invoke(main, ["report", str(snapped.root), "-o", str(out)])
    assert "not checked in this run" in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- hostile snapshots

def _one(snapped: TinyCase) -> tuple[SnapshotCheck, ExcerptCheck | None]:
    checked = verify_folder(snapped.root, [])
    return checked.snapshots[0], checked.status_of("E1")


def test_hash_covers_the_whole_file_beyond_the_excerpt_cap(
        snapped: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot longer than what is read for excerpts is still hashed whole, in chunks."""
    doc = DOC + "x" * 5000 + " a late sentence."
    (snapped.root / "docs" / "one.txt").write_text(doc, encoding="utf-8")
    snapped.sources[0]["sha256"] = sha(doc)
    snapped.items[0]["excerpt"] = "a late sentence"
    snapped.write()
    monkeypatch.setattr(verify, "MAX_SNAPSHOT_BYTES", 100)
    monkeypatch.setattr(verify, "_CHUNK", 64)
    snap, excerpt = _one(snapped)
    assert (snap.status, snap.note) == ("ok", f"sha256 {sha(doc)}")
    assert excerpt == ExcerptCheck("E1", "unverifiable", ("S1",),
                                   "the excerpt is not in the first 100 bytes of the snapshot; "
                                   "the rest is not searched")


def test_excerpt_within_the_cap_of_a_long_snapshot_is_verified(
        snapped: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = DOC + "x" * 5000
    (snapped.root / "docs" / "one.txt").write_text(doc, encoding="utf-8")
    snapped.sources[0]["sha256"] = sha(doc)
    snapped.write()
    monkeypatch.setattr(verify, "MAX_SNAPSHOT_BYTES", 100)
    assert _one(snapped)[1] == ExcerptCheck("E1", "verified", ("S1",))


def test_fifo_is_refused_without_opening_it(snapped: TinyCase) -> None:
    path = snapped.root / "docs" / "one.txt"
    path.unlink()
    os.mkfifo(path)  # opening it for reading would block forever
    snap, excerpt = _one(snapped)
    assert (snap.status, snap.note) == (
        "refused", "refused: the snapshot is a FIFO, device or socket, not a regular file")
    assert excerpt is not None and excerpt.status == "unverifiable"


def test_symlink_loop_is_refused(snapped: TinyCase) -> None:
    path = snapped.root / "docs" / "one.txt"
    path.unlink()
    os.symlink("two.txt", path)
    os.symlink("one.txt", snapped.root / "docs" / "two.txt")
    snap, _ = _one(snapped)
    assert (snap.status, snap.note) == (
        "refused", "refused: the snapshot path is a loop of symbolic links")


def test_folder_is_refused(snapped: TinyCase) -> None:
    path = snapped.root / "docs" / "one.txt"
    path.unlink()
    path.mkdir()
    snap, _ = _one(snapped)
    assert (snap.status, snap.note) == (
        "refused", "refused: the snapshot is a folder, not a regular file")


def test_huge_sparse_file_is_refused_without_reading_it(snapped: TinyCase) -> None:
    path = snapped.root / "docs" / "one.txt"
    size = 10 * 1024 ** 3
    os.truncate(path, size)  # 10 GiB of holes: reading it would take minutes
    snap, _ = _one(snapped)
    assert (snap.status, snap.note) == (
        "refused", f"refused: the snapshot is {size} bytes; the limit is {verify.MAX_HASHED_BYTES}")
