"""Nothing injected: hostile text from the inputs never acts on a terminal or a spreadsheet,
and a git revision given to ``diff --against`` is never read as an option or let out of the
repository."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from scoring.cli import EXIT_FAILED, EXIT_INPUT, main
from scoring.csvout import csv_text
from scoring.display import escape_controls, json_safe, terminal_safe, text_width
from scoring.formats.yamlio import MAX_FILE_BYTES

from .conftest import TinyCase, item
from .tables import flat_items, write_table

# ESC sequence, one-byte CSI (C1), bidi override, bell, NUL and a line break.
HOSTILE = "\x1b[31m\x9b\u202e\x07\x00\nX"
ESCAPED = "\\x1b[31m\\x9b\\u202e\\x07\\x00\\nX"
RAW = ("\x1b", "\x9b", "\u202e", "\x07", "\x00")


def assert_safe(text: str, escaped: bool = True) -> None:
    """No raw control character reaches the terminal; the hostile text shows escaped."""
    for c in RAW:
        assert c not in text, repr(c)
    if escaped:
        assert ESCAPED in text, text


def hostile(tiny: TinyCase) -> TinyCase:
    """The tiny case with the hostile text in every free-text field that is printed."""
    tiny.case["entity"] = "Ent" + HOSTILE
    tiny.rubric["bands"][1]["name"] = "High" + HOSTILE
    tiny.rubric["factors"][0]["name"] = "FA" + HOSTILE
    tiny.sources[0]["title"] = "T" + HOSTILE
    tiny.items = [item("E1", "a", 80, claim="C" + HOSTILE, excerpt="X" + HOSTILE),
                  item("E2", "b", 20)]
    tiny.items[0]["sources"][0]["locator"] = "L" + HOSTILE
    return tiny


@pytest.fixture
def evil(tmp_path: Path) -> TinyCase:
    """A hostile case in a folder whose name holds an escape sequence too."""
    return hostile(TinyCase(tmp_path / "case\x1b[2J"))


class TestEscaping:
    def test_escape_controls_puts_everything_on_one_line(self) -> None:
        assert escape_controls("a" + HOSTILE + "\t\u2066\u061c\x7f") == \
            "a" + ESCAPED + "\\t\\u2066\\u061c\\x7f"

    def test_terminal_safe_keeps_layout(self) -> None:
        assert terminal_safe("a\tb\nc\x1b[0m\u202e") == "a\tb\nc\\x1b[0m\\u202e"

    def test_plain_text_is_unchanged(self) -> None:
        text = "Meta — 数据 café ✓ 'quoted' \\x1b"
        assert escape_controls(text) == text

    def test_json_safe_is_lossless(self) -> None:
        data = {"k": HOSTILE + "\x7f\x85\u2028\u2069"}
        text = json_safe(json.dumps(data, ensure_ascii=False))
        assert json.loads(text) == data
        assert text == '{"k": "\\u001b[31m\\u009b\\u202e\\u0007\\u0000\\nX\\u007f\\u0085' \
                       '\\u2028\\u2069"}'

    def test_text_width_counts_wide_and_combining_characters(self) -> None:
        assert (text_width("abc"), text_width("数据"), text_width("e\u0301")) == (3, 4, 1)


class TestTerminalOutput:
    """Every command that prints text from the inputs prints it escaped."""

    def test_validate(self, evil: TinyCase, runner: CliRunner) -> None:
        res = runner.invoke(main, ["validate", str(evil.write())])
        assert res.exit_code == 0, res.output
        assert res.output.endswith("case\\x1b[2J: ok (2 sources, 2 items, 0 scenarios, "
                                   "rubric tiny 1.0.0)\n")
        assert "\x1b" not in res.output

    def test_score_table(self, evil: TinyCase, runner: CliRunner) -> None:
        res = runner.invoke(main, ["score", str(evil.write())])
        assert res.exit_code == 0, res.output
        assert_safe(res.output)
        assert res.output.startswith(f"Ent{ESCAPED} — as of 2026-01-01 — rubric tiny 1.0.0\n")
        # the cell is escaped before its width is measured: the columns still line up
        assert f"base          65.00  High{ESCAPED}    100.0%\n" in res.output

    def test_trace(self, evil: TinyCase, runner: CliRunner) -> None:
        res = runner.invoke(main, ["trace", str(evil.write()), "base/composite"])
        assert res.exit_code == 0, res.output
        assert_safe(res.output)
        assert (f"item/E1 = 80.0  [C{ESCAPED}]  claim: C{ESCAPED}  excerpt: X{ESCAPED}  "
                f"cites: S1 at L{ESCAPED}\n") in res.output
        assert f"source/S1 = A  [T{ESCAPED}]  title: T{ESCAPED}\n" in res.output
        assert f"[Factor score: FA{ESCAPED}]" in res.output
        # one record, one line: the hostile line breaks did not add any
        assert all(line.startswith(" ") or "/" in line.split()[0]
                   for line in res.output.splitlines())

    def test_trace_band(self, evil: TinyCase, runner: CliRunner) -> None:
        res = runner.invoke(main, ["trace", str(evil.write()), "base/band"])
        assert_safe(res.output)
        assert res.output.startswith(f"base/band = High{ESCAPED}  [")

    def test_unknown_trace_id_error(self, evil: TinyCase, runner: CliRunner) -> None:
        res = runner.invoke(main, ["trace", str(evil.write()), "x\x1b[2J\u202e"])
        assert res.exit_code == EXIT_INPUT
        assert res.stderr == ("Error: no number with id 'x\\x1b[2J\\u202e' in this result."
                              " (see docs/errors.md#unknown-trace-id)\n")

    def test_pin_and_check(self, evil: TinyCase, runner: CliRunner) -> None:
        root = evil.write()
        res = runner.invoke(main, ["pin", str(root)])
        assert res.exit_code == 0, res.output
        assert res.output.endswith("case\\x1b[2J/expected.yaml\n")
        evil.items[0]["value"] = 40  # 0.75 x 40 + 0.25 x 20 = 35: band Low
        evil.rubric["bands"][0]["name"] = "Low" + HOSTILE
        evil.write()
        res = runner.invoke(main, ["check", str(root)])
        assert res.exit_code == EXIT_FAILED
        assert_safe(res.output)
        assert f"High{ESCAPED}  Low{ESCAPED}" in res.output
        assert "case\\x1b[2J: the case's evidence inputs have changed" in res.output

    def test_diff_table(self, evil: TinyCase, runner: CliRunner, tmp_path: Path) -> None:
        old = evil.write()
        new = hostile(TinyCase(tmp_path / "new"))
        new.items[0]["value"] = 20
        new.rubric["title"] = "Title" + HOSTILE
        res = runner.invoke(main, ["diff", str(old), str(new.write())])
        assert res.exit_code == 0, res.output
        assert_safe(res.output)
        assert res.output.startswith(f"Scenario base: composite 65.00 -> 20.00 (-45.00); band "
                                     f"High{ESCAPED} -> Low\n")
        assert f"title  Tiny rubric  Title{ESCAPED}  patch\n" in res.output

    def test_diff_json_is_lossless(self, evil: TinyCase, runner: CliRunner,
                                   tmp_path: Path) -> None:
        new = hostile(TinyCase(tmp_path / "new"))
        new.items[0]["value"] = 20
        res = runner.invoke(main, ["diff", str(evil.write()), str(new.write()), "--format",
                                   "json"])
        assert_safe(res.output, escaped=False)
        assert json.loads(res.output)["scenarios"][0]["old_band"] == "High" + HOSTILE

    def test_score_json_is_lossless(self, evil: TinyCase, runner: CliRunner) -> None:
        res = runner.invoke(main, ["score", str(evil.write()), "--format", "json"])
        assert_safe(res.output, escaped=False)
        assert json.loads(res.output)["case"]["entity"] == "Ent" + HOSTILE

    def test_rubric_bump(self, tmp_path: Path, runner: CliRunner, evil: TinyCase) -> None:
        evil.write()
        new = hostile(TinyCase(tmp_path / "new"))
        new.rubric["bands"][0]["name"] = "Low" + HOSTILE
        new.write()
        res = runner.invoke(main, ["rubric-bump", str(evil.root / "rubric.yaml"),
                                   str(new.root / "rubric.yaml")])
        assert_safe(res.output + res.stderr, escaped=False)
        assert f"Low{ESCAPED}" in res.output

    def test_verify(self, evil: TinyCase, runner: CliRunner) -> None:
        evil.sources[0]["snapshot"] = "snap\x1b[2J\u202e.txt"
        res = runner.invoke(main, ["verify", str(evil.write())])
        assert_safe(res.output, escaped=False)
        assert "snap\\x1b[2J\\u202e.txt" in res.output

    def test_input_errors(self, evil: TinyCase, runner: CliRunner) -> None:
        evil.items[0]["factor"] = "zz"
        res = runner.invoke(main, ["validate", str(evil.write())])
        assert res.exit_code == EXIT_INPUT
        assert_safe(res.stderr, escaped=False)
        assert "case\\x1b[2J/evidence.yaml:" in res.stderr

    def test_output_status_line(self, evil: TinyCase, runner: CliRunner,
                                tmp_path: Path) -> None:
        out = tmp_path / "o\x1b[2J.csv"
        res = runner.invoke(main, ["score", str(evil.write()), "--format", "csv", "-o",
                                   str(out)])
        assert res.exit_code == 0, res.output
        assert res.stderr == f"wrote {tmp_path}/o\\x1b[2J.csv\n"
        assert "\x1b[31m" in out.read_text(encoding="utf-8")  # the file is data, unchanged

    def test_click_path_errors(self, tmp_path: Path, runner: CliRunner) -> None:
        bad = tmp_path / "f\x1b[2J"
        bad.write_text("", encoding="utf-8")
        res = runner.invoke(main, ["validate", str(bad)])
        assert res.exit_code == 2
        assert res.stderr.endswith(f"Error: Invalid value for 'CASE_DIR': Directory "
                                   f"'{tmp_path}/f\\x1b[2J' is a file.\n")


class TestCsv:
    FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]

    @pytest.mark.parametrize("text", FORMULAS, ids=repr)
    def test_formula_cells_are_neutralised(self, text: str) -> None:
        frame = pd.DataFrame({"band": pd.Series([text], dtype="string"), "score": [-5.0]})
        out = csv_text(frame)
        assert out == 'band,score\n"\'' + text.replace('"', '""') + '",-5\n'
        assert pd.read_csv(io.StringIO(out))["band"].tolist() == ["'" + text]

    def test_numbers_and_plain_text_are_untouched(self) -> None:
        frame = pd.DataFrame({"a": ["x", "a,b", "say \"hi\"", None],
                              "n": [-5.0, 0.1, float("nan"), -0.0], "i": [1, -2, 3, 4]})
        assert csv_text(frame) == ('a,n,i\nx,-5,1\n"a,b",0.10000000000000001,-2\n'
                                   '"say ""hi""",,3\n,-0,4\n')

    def test_single_case_csv(self, tiny: TinyCase, runner: CliRunner) -> None:
        tiny.rubric["bands"][1]["name"] = "=HYPERLINK(\"http://x\")"
        tiny.rubric["bands"][0]["name"] = "-2+3"
        tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
        res = runner.invoke(main, ["score", str(tiny.write()), "--format", "csv"])
        assert res.output == ("scenario,composite,band,coverage,a,b\n"
                              "base,65,\"'=HYPERLINK(\"\"http://x\"\")\",1,80,20\n")

    def test_universe_csv(self, tmp_path: Path, runner: CliRunner) -> None:
        from scoring.desk.synthetic import write_universe

        root = write_universe(tmp_path / "u", 2, n_items=6, fmt="csv")
        cases = pd.read_csv(root / "cases.csv", dtype=str, keep_default_na=False)
        cases.loc[0, "entity"] = "@SUM(A1)"
        cases.loc[1, "entity"] = "+1 and \u202e"  # control characters in cells are refused
        write_table(root / "cases.csv", cases.to_dict("records"))
        res = runner.invoke(main, ["score", str(root), "--format", "csv"])
        assert res.exit_code == 0, res.output
        frame = pd.read_csv(io.StringIO(res.output))
        assert set(frame["entity"]) == {"'@SUM(A1)", "'+1 and \u202e"}  # lossless in a pipe
        assert frame["composite"].dtype == float

    def test_csv_on_a_terminal_is_escaped(self, evil: TinyCase, runner: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        root = evil.write()
        monkeypatch.setattr("scoring.cli._stdout_is_terminal", lambda: True)
        res = runner.invoke(main, ["score", str(root), "--format", "csv"])
        # the quoted line break inside the band field is the CSV's own, and is kept
        assert res.output == ("scenario,composite,band,coverage,a,b\n"
                              "base,65,\"High\\x1b[31m\\x9b\\u202e\\x07\\x00\nX\",1,80,20\n")


# --------------------------------------------------------------------------- git revisions

pytestmark_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
                          cwd=root, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, TinyCase]:
    """A repository with the tiny case in cases/tiny and the rubric in rubrics/, two
    commits: E2 = 20, then E2 = 60."""
    root = tmp_path / "repo"
    (root / "rubrics").mkdir(parents=True)
    tiny = TinyCase(root / "cases" / "tiny")
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.write()
    (root / "rubrics" / "tiny.yaml").write_text(yaml.safe_dump(tiny.rubric), encoding="utf-8")
    (tiny.root / "rubric.yaml").unlink()
    tiny.case["rubric"] = "../../rubrics/tiny.yaml"
    _write_case(tiny)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "one")
    tiny.items[1]["value"] = 60
    _write_case(tiny)
    git(root, "commit", "-qam", "two")
    return root, tiny


def _write_case(tiny: TinyCase) -> None:
    for name, data in {"case.yaml": tiny.case, "sources.yaml": {"sources": tiny.sources},
                       "evidence.yaml": {"items": tiny.items}}.items():
        (tiny.root / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytestmark_git
class TestDiffAgainst:
    def test_previous_commit(self, repo: tuple[Path, TinyCase], runner: CliRunner) -> None:
        root, tiny = repo
        res = runner.invoke(main, ["diff", str(tiny.root), "--against", "HEAD~1"])
        assert res.exit_code == 0, res.output
        # 0.75 x 80 + 0.25 x 20 = 65 -> 0.75 x 80 + 0.25 x 60 = 75
        assert res.output.startswith("Scenario base: composite 65.00 -> 75.00 (+10.00)")

    @pytest.mark.parametrize("rev", ["--output=/tmp/scoring-pwned", "-h", "--help",
                                     "HEAD:../../etc/passwd", "no-such-rev", "HEAD~9",
                                     "--end-of-options"])
    def test_not_a_commit(self, repo: tuple[Path, TinyCase], runner: CliRunner,
                          monkeypatch: pytest.MonkeyPatch, rev: str) -> None:
        root, tiny = repo
        monkeypatch.chdir(root)
        before = sorted(p.name for p in root.iterdir())
        res = runner.invoke(main, ["diff", "cases/tiny", f"--against={rev}"])
        assert res.exit_code == EXIT_FAILED
        assert res.stderr == f"Error: --against {rev!r}: no such commit in the repository " \
                             "at . (see docs/errors.md#git-error)\n"
        assert sorted(p.name for p in root.iterdir()) == before
        assert not Path("/tmp/scoring-pwned").exists()

    @pytest.mark.parametrize(("rev", "kind"), [("HEAD^{tree}", "tree"),
                                               ("HEAD:cases/tiny/case.yaml", "blob")])
    def test_tree_or_blob(self, repo: tuple[Path, TinyCase], runner: CliRunner, rev: str,
                          kind: str) -> None:
        root, tiny = repo
        sha = git(root, "rev-parse", rev)
        for given in (rev, sha):
            res = runner.invoke(main, ["diff", str(tiny.root), "--against", given])
            assert res.exit_code == EXIT_FAILED
            assert res.stderr == (f"Error: --against {given!r}: names a {kind}, not a commit"
                                  " (see docs/errors.md#git-error)\n")

    def test_empty_revision(self, repo: tuple[Path, TinyCase], runner: CliRunner) -> None:
        res = runner.invoke(main, ["diff", str(repo[1].root), "--against", ""])
        assert res.exit_code == EXIT_FAILED
        assert res.stderr == "Error: --against: the revision is empty; give a commit " \
                             "(HEAD~1, a tag, a branch or a hash) (see docs/errors.md#git-error)\n"

    def test_git_environment_is_ignored(self, repo: tuple[Path, TinyCase], runner: CliRunner,
                                        tmp_path: Path) -> None:
        other = tmp_path / "other"
        other.mkdir()
        git(other, "init", "-q")
        res = runner.invoke(main, ["diff", str(repo[1].root), "--against", "HEAD~1"],
                            env={"GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)})
        assert res.exit_code == 0, res.output
        assert res.output.startswith("Scenario base: composite 65.00 -> 75.00")

    def test_not_a_repository(self, tiny: TinyCase, runner: CliRunner) -> None:
        tiny.items = [item("E1", "a", 80)]
        res = runner.invoke(main, ["diff", str(tiny.write()), "--against", "HEAD"],
                            env={"GIT_CEILING_DIRECTORIES": str(tiny.root.parent)})
        assert res.exit_code == EXIT_FAILED
        assert res.stderr.startswith(f"Error: {os.path.relpath(tiny.root)}: not in a git "
                                     "repository (")

    def test_malformed_old_file_is_positioned(self, repo: tuple[Path, TinyCase],
                                              runner: CliRunner,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
        root, tiny = repo
        (tiny.root / "evidence.yaml").write_text("items:\n  - {id: E1\n", encoding="utf-8")
        git(root, "commit", "-qam", "broken")
        sha = git(root, "rev-parse", "--short=12", "HEAD")
        tiny.items[1]["value"] = 20
        _write_case(tiny)
        monkeypatch.chdir(root)
        res = runner.invoke(main, ["diff", "cases/tiny", "--against", "HEAD"])
        assert res.exit_code == EXIT_INPUT
        assert res.stderr.startswith(f"{sha}:cases/tiny/evidence.yaml:3:1: (file): malformed "
                                     "YAML: ")
        assert res.stderr.endswith("\n1 problem found; nothing was scored."
                                   " (see docs/errors.md#input-error)\n")

    def test_rubric_outside_the_repository(self, repo: tuple[Path, TinyCase],
                                           runner: CliRunner,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
        root, tiny = repo
        outside = root.parent / "rubric.yaml"  # a file of this machine, not of the commit
        outside.write_text(yaml.safe_dump(tiny.rubric), encoding="utf-8")
        tiny.case["rubric"] = "../../../rubric.yaml"
        _write_case(tiny)
        git(root, "commit", "-qam", "escape")
        sha = git(root, "rev-parse", "--short=12", "HEAD")
        monkeypatch.chdir(root)
        res = runner.invoke(main, ["diff", "cases/tiny", "--against", "HEAD"])
        assert res.exit_code == EXIT_INPUT
        assert res.stderr == (f"{sha}:cases/tiny/case.yaml:4:9: rubric: rubric path leaves "
                              "the repository: ../../../rubric.yaml\n"
                              "1 problem found; nothing was scored. (see docs/errors.md#input-error)\n")

    def test_symlinks_at_the_revision_are_refused(self, repo: tuple[Path, TinyCase],
                                                  runner: CliRunner,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
        root, tiny = repo
        (tiny.root / "sources.yaml").unlink()
        (tiny.root / "sources.yaml").symlink_to("/etc/passwd")
        (root / "rubrics" / "tiny.yaml").rename(root / "rubrics" / "real.yaml")
        (root / "rubrics" / "tiny.yaml").symlink_to("real.yaml")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "links")
        sha = git(root, "rev-parse", "--short=12", "HEAD")
        monkeypatch.chdir(root)
        res = runner.invoke(main, ["diff", "cases/tiny", "--against", "HEAD"])
        assert res.exit_code == EXIT_INPUT
        assert res.stderr == (
            f"{sha}:cases/tiny/case.yaml:4:9: rubric: rubric file ../../rubrics/tiny.yaml is "
            "a symbolic link at this revision; name the file it points to\n"
            f"{sha}:cases/tiny/sources.yaml:0:0: (file): is a symbolic link (to /etc/passwd); "
            "a case file must be a regular file in the case folder, so copy the file here\n"
            "2 problems found; nothing was scored. (see docs/errors.md#input-error)\n")

    def test_big_blob_is_refused_before_reading(self, repo: tuple[Path, TinyCase],
                                                runner: CliRunner,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        root, tiny = repo
        size = MAX_FILE_BYTES + 1
        (tiny.root / "scenarios.yaml").write_bytes(b"#" * size)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "big")
        sha = git(root, "rev-parse", "--short=12", "HEAD")
        monkeypatch.chdir(root)
        res = runner.invoke(main, ["diff", "cases/tiny", "--against", "HEAD"])
        assert res.exit_code == EXIT_INPUT
        assert res.stderr == (f"{sha}:cases/tiny/scenarios.yaml:0:0: (file): file is {size} "
                              f"bytes; the limit is {MAX_FILE_BYTES}\n"
                              "1 problem found; nothing was scored. (see docs/errors.md#input-error)\n")

    @pytest.mark.parametrize("suffix", [".csv", ".parquet"])
    def test_table_files_at_the_revision(self, repo: tuple[Path, TinyCase], runner: CliRunner,
                                         suffix: str) -> None:
        root, tiny = repo
        # the revision holds the case as tables; the work tree has YAML again
        for name in ("sources.yaml", "evidence.yaml"):
            (tiny.root / name).unlink()
        write_table(tiny.root / f"sources{suffix}", tiny.sources)
        old = [dict(i) for i in tiny.items]
        old[1]["value"] = 40
        write_table(tiny.root / f"evidence{suffix}", flat_items(old))
        git(root, "add", "-A")
        git(root, "commit", "-qm", "tables")
        for name in ("sources", "evidence"):
            (tiny.root / f"{name}{suffix}").unlink()
        _write_case(tiny)
        res = runner.invoke(main, ["diff", str(tiny.root), "--against", "HEAD"])
        assert res.exit_code == 0, res.output
        # 0.75 x 80 + 0.25 x 40 = 70 -> 75
        assert res.output.startswith("Scenario base: composite 70.00 -> 75.00 (+5.00)")


class TestBidiOnPages:
    """Bidi overrides and isolates ("Trojan Source") in any text a page shows are written as
    a visible, inert ``[U+202E]``: they never reorder what a reviewer reads (issue 26)."""

    MARKS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

    def _case(self, tiny: TinyCase) -> Path:
        tiny.case["entity"] = "Ent\u202eity"
        tiny.sources[0]["title"] = "Title \u2066inside\u2069"
        tiny.items = [item("E1", "a", 80, claim="C " + self.MARKS, excerpt="X\u202dY"),
                      item("E2", "b", 20)]
        tiny.items[0]["sources"][0]["locator"] = "p.\u202e 3"
        return tiny.write()

    def test_the_html_report(self, tiny: TinyCase, runner: CliRunner, tmp_path: Path) -> None:
        out = tmp_path / "r.html"
        res = runner.invoke(main, ["report", str(self._case(tiny)), "-o", str(out)])
        assert res.exit_code == 0, res.output
        html = out.read_text(encoding="utf-8")
        assert not [c for c in self.MARKS if c in html]
        assert "C [U+202A][U+202B][U+202C][U+202D][U+202E][U+2066][U+2067][U+2068][U+2069]" \
            in html
        assert "Title [U+2066]inside[U+2069]" in html and "X[U+202D]Y" in html
        assert "p.[U+202E] 3" in html and "Ent[U+202E]ity" in html

    def test_the_tear_sheet(self, tiny: TinyCase) -> None:
        import scoring
        from scoring.report.model import build_report
        from scoring.report.tearsheet import build_tearsheet, render_html

        result = scoring.score(scoring.load_case(self._case(tiny)))
        html = render_html(build_tearsheet(build_report(result)))
        assert not [c for c in self.MARKS if c in html]
        assert "Ent[U+202E]ity" in html

    def test_visible_marks(self) -> None:
        from scoring.display import visible_marks

        assert visible_marks("a\u202eb\u061c\u200e\u200f\u2028\u2029") == \
            "a[U+202E]b[U+061C][U+200E][U+200F][U+2028][U+2029]"
        plain = "no marks: 日本語 ‐ “quotes”"
        assert visible_marks(plain) is plain


@pytest.mark.parametrize("args", [
    ["score", "examples/docs-example", "--format", "x\x1b[31m\u202e"],
    ["x\x1b[31m\u202e"],
    ["score", "examples/docs-example", "--x\x1b[31m\u202e"],
    ["trace", "examples/docs-example", "x", "--depth", "\x1b[2J\u202e"],
    ["history", "examples/docs-example", "--from", "\x1b[2J\u202e"],
    ["new", "out/x", "--rubric", "\x1b[2J\u202e"],
    ["score", "\x1b[2J\u202e"],
    ["score", "examples/docs-example", "extra\x1b[31m\u202e"],
    ["sources", "x\x1b[31m\u202e"],
    ["sources", "import", "x\x1b[31m\u202e"],
    ["report", "examples/docs-example", "-o", "r.html", "--jobs", "\x1b[31m\u202e"],
], ids=["choice", "command", "option", "int", "date", "file", "argument", "extra-argument",
        "sub-command", "sub-command-file", "int-range"])
def test_usage_errors_never_echo_raw_controls(args: list[str], runner: CliRunner,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import REPO

    monkeypatch.chdir(REPO)
    # color=True: as on a terminal, where click leaves ANSI sequences in (it strips them
    # only from output that is not a terminal, which would hide a raw ESC from this test).
    res = runner.invoke(main, args, color=True)
    assert res.exit_code == EXIT_INPUT
    assert_safe(res.output, escaped=False)
    assert "\\x1b[31m\\u202e" in res.output or "\\x1b[2J\\u202e" in res.output, res.output


# The bidi overrides and isolates of "Trojan Source" (CVE-2021-42574), one by one.
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069"]


def _bidi_case(tiny: TinyCase, mark: str) -> Path:
    """The tiny case with ``mark`` inside a claim, an excerpt and a source title."""
    tiny.sources[0]["title"] = f"T{mark}Z"
    tiny.items = [item("E1", "a", 80, claim=f"C{mark}X", excerpt=f"X{mark}Y"),
                  item("E2", "b", 20)]
    return tiny.write()


@pytest.mark.parametrize("mark", BIDI, ids=[f"U+{ord(m):04X}" for m in BIDI])
class TestEachBidiControl:
    """Each of the nine, in a claim, an excerpt and a source title: shown inert and visible on
    the page (``[U+202E]``) and on the terminal (``\\u202e``), never raw (issue 26)."""

    def test_in_the_html_report(self, tiny: TinyCase, runner: CliRunner, tmp_path: Path,
                                mark: str) -> None:
        out = tmp_path / "r.html"
        res = runner.invoke(main, ["report", str(_bidi_case(tiny, mark)), "-o", str(out)])
        assert res.exit_code == 0, res.output
        html = out.read_text(encoding="utf-8")
        assert mark not in html
        shown = f"[U+{ord(mark):04X}]"
        for text in (f"C{shown}X", f"X{shown}Y", f"T{shown}Z"):  # claim, excerpt, title
            assert text in html, text

    def test_on_the_terminal(self, tiny: TinyCase, runner: CliRunner, mark: str) -> None:
        root = str(_bidi_case(tiny, mark))
        shown = f"\\u{ord(mark):04x}"
        traced = runner.invoke(main, ["trace", root, "item/E1"], color=True)
        assert traced.exit_code == 0, traced.output
        looked = runner.invoke(main, ["excerpt", root, "E1"], color=True)
        assert looked.exit_code == EXIT_FAILED, looked.output  # no snapshot to find it in
        for res in (traced, looked):
            assert mark not in res.output
        assert f"claim: C{shown}X" in traced.output
        assert f"title: T{shown}Z" in traced.output
        assert f'item E1: excerpt "X{shown}Y"' in looked.output


def test_bidi_controls_in_workbook_text_cells(tiny: TinyCase, tmp_path: Path,
                                              runner: CliRunner) -> None:
    # Every text cell and every formula's cached text: an input cell (a claim, a title) and a
    # rubric's names, which reach the sheets by other paths than the evidence.
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("xlsxwriter")
    marks = "".join(BIDI)
    tiny.rubric["factors"][0]["name"] = f"F{marks}"
    root = _bidi_case(tiny, marks)
    out = tmp_path / "w.xlsx"
    res = runner.invoke(main, ["export", str(root), "-o", str(out)])
    assert res.exit_code == 0, res.output
    texts = [str(c.value) for ws in openpyxl.load_workbook(out).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if any(m in t for m in BIDI)]
    shown = "".join(f"[U+{ord(m):04X}]" for m in BIDI)
    for text in (f"C{shown}X", f"T{shown}Z", f"F{shown}"):
        assert text in texts, text


def test_bidi_controls_on_a_universe_index(tmp_path: Path, runner: CliRunner) -> None:
    from scoring.desk.synthetic import write_universe

    root = write_universe(tmp_path / "u", 2, n_items=4, fmt="csv")
    cases = pd.read_csv(root / "cases.csv", dtype=str, keep_default_na=False)
    cases.loc[0, "entity"] = "Ent\u202eity\u2067"
    write_table(root / "cases.csv", cases.to_dict("records"))
    res = runner.invoke(main, ["report", str(root), "-o", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    index = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "\u202e" not in index and "\u2067" not in index
    assert "Ent[U+202E]ity[U+2067]" in index


def test_backtest_table_escapes_band_names(tmp_path: Path, runner: CliRunner) -> None:
    # A rubric's band name reached the terminal raw in `scoring backtest`'s table.
    from .conftest import REPO

    pytest.importorskip("scipy")
    root = tmp_path / "u"
    shutil.copytree(REPO / "examples" / "universe", root)
    rubric = (root / "rubric.yaml").read_text(encoding="utf-8")
    assert "{name: Medium," in rubric
    (root / "rubric.yaml").write_text(rubric.replace(
        "{name: Medium,", '{name: "Med\\e[31m\\u202eium",'), encoding="utf-8")
    outcomes = str(REPO / "examples" / "universe-outcomes.csv")
    res = runner.invoke(main, ["backtest", str(root), "--outcomes", outcomes], color=True)
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\u202e" not in res.output
    assert "\nMed\\x1b[31m\\u202eium       4       2   50.00%" in res.output
    data = runner.invoke(main, ["backtest", str(root), "--outcomes", outcomes, "--format",
                                "json"], color=True)
    assert "\x1b" not in data.output and "\u202e" not in data.output
    assert "Med\x1b[31m\u202eium" in {b["band"] for b in json.loads(data.output)["bands"]}


def test_an_environment_fault_names_its_path_escaped(tiny: TinyCase, runner: CliRunner,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import scoring.api

    def fault(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "I/O error", "disk\x1b[2J\u202e/f")

    monkeypatch.setattr(scoring.api, "case_scores", fault)
    res = runner.invoke(main, ["score", str(tiny.write())], color=True)
    assert (res.exit_code, res.stderr) == (
        EXIT_FAILED, "Error: disk\\x1b[2J\\u202e/f: input/output error\n")
