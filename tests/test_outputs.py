"""The output guard (output.guard): no command writes onto an input of its run, into a folder
the run reads, onto a pinned expected.yaml, through a link or into something that is not a
regular file. Each refusal: exit 1, one line naming the path and the reason, nothing changed.

Every test runs in ``tmp_path`` (chdir) and passes relative paths, so that messages are exact.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scoring.cli import EXIT_FAILED, EXIT_INPUT, main
from scoring.desk.synthetic import write_universe
from scoring.errors import OutputError
from scoring.output import NO_INPUTS, RunInputs, guard, write_atomic

from .conftest import REPO, RUBRIC, TinyCase, item
from .tables import tabulate_case


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def case(here: Path) -> Path:
    """A tiny case in ./case whose rubric is shared in ./rubrics, with a note beside it."""
    tiny = TinyCase(here / "case")
    tiny.case["rubric"] = "../rubrics/tiny.yaml"
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20)]
    root = tiny.write()
    (root / "rubric.yaml").unlink()
    (here / "rubrics").mkdir()
    import yaml

    (here / "rubrics" / "tiny.yaml").write_text(yaml.safe_dump(RUBRIC), encoding="utf-8")
    (here / "rubrics" / "README.md").write_text("shared rubrics\n", encoding="utf-8")
    (root / "notes.txt").write_text("notes\n", encoding="utf-8")
    return Path("case")


def digests(*folders: Path) -> dict[str, str]:
    """Every file under the folders, by path, with its SHA-256 (links as their target)."""
    out = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_symlink():
                out[str(p)] = "-> " + os.readlink(p)
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def refused(runner: CliRunner, args: list[str], target: str, why: str,
            watch: tuple[Path, ...] = (Path("."),)) -> None:
    before = digests(*watch)
    res = runner.invoke(main, args)
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, f"Error: {target}: refused: {why}"
                                                        f" (see docs/errors.md#output-error)\n")
    assert res.stdout == ""
    assert digests(*watch) == before


INPUT = "is an input of this run"
IN_CASE = "is inside case, a folder this run reads"
IN_RUBRICS = "is inside rubrics, a folder this run reads"
PINNED = ("is a pinned expected.yaml; only `scoring pin` and `scoring check --update` write "
          "those")


@pytest.mark.parametrize(("target", "why"), [
    ("case/case.yaml", INPUT),
    ("case/../case/case.yaml", INPUT),
    ("case/evidence.yaml", INPUT),
    ("case/sources.yaml", INPUT),
    ("rubrics/tiny.yaml", INPUT),
    ("case/notes.txt", IN_CASE),
    ("case/new.json", IN_CASE),
    ("case/sub/new.json", IN_CASE),
    ("rubrics/README.md", IN_RUBRICS),
    ("rubrics/other.yaml", IN_RUBRICS),
    ("out/expected.yaml", PINNED),
    ("case/expected.yaml", PINNED),
    ("out/Expected.YAML", PINNED),
], ids=lambda v: v if "/" in v else "")
@pytest.mark.parametrize("command", [
    ["score", "case", "--format", "json"],
    ["score", "case", "--format", "parquet"],
    ["report", "case"],
], ids=["score-json", "score-parquet", "report"])
def test_inputs_and_their_folders_are_refused(case: Path, runner: CliRunner, command: list[str],
                                              target: str, why: str) -> None:
    refused(runner, [*command, "-o", target], target, why)
    assert not Path("out").exists() and not Path("case/sub").exists()


def test_a_csv_table_of_the_case_is_refused(here: Path, case: Path, runner: CliRunner) -> None:
    tabulate_case(case, Path("tabular"), "csv")
    refused(runner, ["score", "tabular", "--format", "csv", "-o", "tabular/evidence.csv"],
            "tabular/evidence.csv", INPUT)


def test_links_to_inputs_are_refused(case: Path, runner: CliRunner) -> None:
    Path("link.html").symlink_to("case/case.yaml")
    Path("hard.html").hardlink_to("case/evidence.yaml")
    refused(runner, ["report", "case", "-o", "link.html"], "link.html",
            "is a symbolic link (to case/case.yaml); scoring does not write through links: "
            "remove it or write elsewhere")
    refused(runner, ["report", "case", "-o", "hard.html"], "hard.html", INPUT)


def test_a_link_to_an_ordinary_file_is_refused_too(case: Path, runner: CliRunner) -> None:
    # Replacing the link would destroy it; writing through it would write somewhere else.
    Path("old.html").write_text("old\n")
    Path("new.html").symlink_to("old.html")
    refused(runner, ["report", "case", "-o", "new.html"], "new.html",
            "is a symbolic link (to old.html); scoring does not write through links: "
            "remove it or write elsewhere")


def test_a_folder_through_a_link_is_followed(case: Path, runner: CliRunner) -> None:
    Path("into-case").symlink_to("case")
    refused(runner, ["score", "case", "-o", "into-case/x.txt"], "into-case/x.txt", IN_CASE)
    refused(runner, ["score", "case", "-o", "into-case/case.yaml"], "into-case/case.yaml",
            INPUT)


@pytest.mark.parametrize("target", ["/dev/null", "/dev/zero"])
def test_a_character_device_named_with_o_is_written_to(case: Path, runner: CliRunner,
                                                       target: str) -> None:
    # The user named it on purpose: written to as a stream, never replaced.
    for args in (["score", "case", "-o", target], ["report", "case", "-o", target],
                 ["score", "case", "--format", "parquet", "-o", target]):
        res = runner.invoke(main, args)
        assert (res.exit_code, res.stderr) == (0, f"wrote {target}\n"), res.output
    assert Path(target).is_char_device()


def test_a_full_device_is_a_failed_write(case: Path, runner: CliRunner) -> None:
    res = runner.invoke(main, ["score", "case", "-o", "/dev/full"])
    assert (res.exit_code, res.stderr) == (
        EXIT_FAILED, "Error: /dev/full: cannot write: no space left on the device "
        "(see docs/errors.md#output-error)\n")


def test_a_fifo_named_with_o_is_written_to_and_a_socket_refused(case: Path,
                                                                 runner: CliRunner) -> None:
    import threading

    os.mkfifo("fifo")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(Path("fifo").read_bytes()))
    reader.start()
    res = runner.invoke(main, ["report", "case", "-o", "fifo"])
    reader.join(timeout=30)
    assert (res.exit_code, res.stderr) == (0, "wrote fifo\n"), res.output
    assert got[0].startswith(b"<!DOCTYPE html>") and Path("fifo").is_fifo()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("sock")
        refused(runner, ["score", "case", "-o", "sock"], "sock",
                "is a socket, not a regular file")


def test_a_link_to_a_device_named_with_o_is_written_through(case: Path,
                                                            runner: CliRunner) -> None:
    Path("null").symlink_to("/dev/null")
    res = runner.invoke(main, ["score", "case", "-o", "null"])
    assert (res.exit_code, res.stderr) == (0, "wrote null\n")
    assert os.readlink("null") == "/dev/null"


def test_a_device_is_refused_where_the_user_did_not_name_it() -> None:
    # Only the path given to -o may be a stream; a page of a universe report, an
    # expected.yaml, a file a command writes by itself may not.
    with pytest.raises(OutputError, match="^/dev/null: refused: is a device, not a regular"):
        write_atomic(Path("/dev/null"), "x", NO_INPUTS)


def test_symlink_loops_are_refused(case: Path, runner: CliRunner) -> None:
    Path("loop").symlink_to("loop")
    Path("a").symlink_to("b")
    Path("b").symlink_to("a")
    refused(runner, ["score", "case", "-o", "loop"], "loop", "is a symbolic link loop")
    refused(runner, ["report", "case", "-o", "a"], "a", "is a symbolic link loop")


def test_report_snapshot_and_baseline_folders_are_inputs(case: Path, runner: CliRunner) -> None:
    import shutil

    shutil.copytree("case", "old")
    Path("seeds").mkdir()
    Path("seeds/one.txt").write_text("text\n")
    refused(runner, ["report", "case", "--snapshots", "seeds", "-o", "seeds/r.html"],
            "seeds/r.html", "is inside seeds, a folder this run reads")
    refused(runner, ["report", "case", "--baseline", "old", "-o", "old/case.yaml"],
            "old/case.yaml", INPUT)
    refused(runner, ["report", "case", "--baseline", "old", "-o", "old/r.html"],
            "old/r.html", "is inside old, a folder this run reads")


def test_force_never_overrides_the_guard(case: Path, runner: CliRunner) -> None:
    Path("elsewhere.yaml").write_text("mine\n")
    Path("case/expected.yaml").symlink_to("../elsewhere.yaml")
    refused(runner, ["pin", "case", "--force"], "case/expected.yaml",
            "is a symbolic link (to ../elsewhere.yaml); scoring does not write through "
            "links: remove it or write elsewhere")
    Path("case/expected.yaml").unlink()
    Path("case/expected.yaml").mkdir()
    refused(runner, ["pin", "case", "--force"], "case/expected.yaml",
            "is a folder; give the file to write")


def test_pin_and_check_update_still_write_expected_yaml(case: Path, runner: CliRunner) -> None:
    res = runner.invoke(main, ["pin", "case"])
    assert res.exit_code == 0, res.output
    assert (res.stdout, res.stderr) == ("", "wrote case/expected.yaml\n")
    res = runner.invoke(main, ["check", "case", "--update", "--reason", "same"])
    assert res.exit_code == 0, res.output


def test_an_ordinary_target_is_written_and_replaced(case: Path, runner: CliRunner) -> None:
    Path("out").mkdir()
    Path("out/r.html").write_text("old\n")
    res = runner.invoke(main, ["report", "case", "-o", "out/r.html"])
    assert (res.exit_code, res.stderr) == (0, "wrote out/r.html\n")
    assert Path("out/r.html").read_text().startswith("<!DOCTYPE html>")
    assert sorted(os.listdir("out")) == ["r.html"]


def test_a_folder_where_a_file_is_wanted(case: Path, runner: CliRunner) -> None:
    Path("dir").mkdir()
    with pytest.raises(OutputError) as err:
        write_atomic(Path("dir"), "x", NO_INPUTS)
    assert str(err.value) == "dir: refused: is a folder; give the file to write"
    res = runner.invoke(main, ["report", "case", "-o", "dir"])
    assert res.exit_code == EXIT_INPUT and "dir is a folder; give the HTML file to write" in \
        res.stderr


@pytest.mark.parametrize("args", [["score", "case"], ["score", "case", "--format", "json"],
                                  ["history", "case", "--as-of", "2025-01-01"]])
def test_o_naming_a_folder_is_a_usage_mistake(case: Path, runner: CliRunner,
                                              args: list[str]) -> None:
    Path("dir").mkdir()
    res = runner.invoke(main, [*args, "-o", "dir"])
    assert res.exit_code == EXIT_INPUT
    assert res.stderr.startswith(f"Usage: main {args[0]} [OPTIONS] CASE_DIR\n")  # CliRunner
    assert res.stderr.endswith("Error: Invalid value for '-o' / '--output': dir is a folder; "
                               "give the file to write\n")
    assert os.listdir("dir") == []


def test_guard_directly() -> None:
    read = RunInputs.of([Path("/a/b/c.yaml")], [Path("/a/b")])
    with pytest.raises(OutputError, match="^/a/b/d: refused: is inside"):
        guard(Path("/a/b/d"), "file", read)
    guard(Path("/a/bc"), "file", read)  # a sibling whose name starts alike is not inside
    guard(Path("/a/b/expected.yaml"), "file", RunInputs.of([Path("/a/b/c.yaml")]), pinned=True)


# ------------------------------------------------------------------- universe outputs


@pytest.fixture
def universe(here: Path) -> Iterator[Path]:
    write_universe(here / "uni", 3, n_items=4, fmt="csv")
    yield Path("uni")


def test_universe_outputs_are_guarded(universe: Path, runner: CliRunner) -> None:
    refused(runner, ["score", "uni", "--format", "csv", "-o", "uni/cases.csv"],
            "uni/cases.csv", INPUT)
    refused(runner, ["score", "uni", "-o", "uni/out.txt"], "uni/out.txt",
            "is inside uni, a folder this run reads")
    refused(runner, ["report", "uni", "-o", "uni/report"], "uni/report",
            "is inside uni, a folder this run reads")
    Path("file.html").write_text("a file\n")
    refused(runner, ["report", "uni", "-o", "file.html"], "file.html",
            "is a file; a universe report is a folder (index.html and cases/)")
    Path("r1").mkdir()
    Path("r1/cases").write_text("a file\n")
    refused(runner, ["report", "uni", "-o", "r1"], "r1/cases",
            "is a file; a universe report is a folder (index.html and cases/)")
    assert not Path("r1/index.html").exists()


def test_universe_pages_are_guarded_one_by_one(universe: Path, runner: CliRunner) -> None:
    Path("r/cases").mkdir(parents=True)
    os.mkfifo("r/cases/C000002.html")
    refused(runner, ["report", "uni", "-o", "r"], "r/cases/C000002.html",
            "is a FIFO (named pipe), not a regular file")
    assert os.listdir("r/cases") == ["C000002.html"]  # refused before any page was written
    os.unlink("r/cases/C000002.html")
    Path("r/cases/C000003.html").symlink_to("../../uni/cases.csv")
    refused(runner, ["report", "uni", "-o", "r"], "r/cases/C000003.html",
            "is a symbolic link (to ../../uni/cases.csv); scoring does not write through "
            "links: remove it or write elsewhere")
    Path("r/cases/C000003.html").unlink()
    Path("r/index.html").symlink_to("../uni/rubric.yaml")
    refused(runner, ["report", "uni", "-o", "r"], "r/index.html",
            "is a symbolic link (to ../uni/rubric.yaml); scoring does not write through "
            "links: remove it or write elsewhere")


def test_universe_rubric_folder_outside_is_guarded(here: Path, runner: CliRunner) -> None:
    import yaml

    Path("shared").mkdir()
    Path("shared/tiny.yaml").write_text(yaml.safe_dump(RUBRIC), encoding="utf-8")
    tiny = TinyCase(here / "uni2" / "one")
    tiny.case["rubric"] = "../../shared/tiny.yaml"
    tiny.items = [item("E1", "a", 60)]
    tiny.write()
    (tiny.root / "rubric.yaml").unlink()
    refused(runner, ["report", "uni2", "-o", "shared/report"], "shared/report",
            "is inside shared, a folder this run reads")
    refused(runner, ["score", "uni2", "-o", "shared/tiny.yaml"], "shared/tiny.yaml", INPUT)


def test_a_rubric_folder_guards_its_own_files_not_its_subfolders(here: Path,
                                                                 runner: CliRunner) -> None:
    # A rubric kept at a project's root: files beside it are off limits, reports/ below it is
    # not (the case folder itself stays off limits at any depth).
    import yaml

    tiny = TinyCase(here / "evidence" / "c")
    tiny.case["rubric"] = "../../rubric.yaml"
    tiny.items = [item("E1", "a", 60)]
    root = tiny.write()
    (root / "rubric.yaml").unlink()
    Path("rubric.yaml").write_text(yaml.safe_dump(RUBRIC), encoding="utf-8")
    refused(runner, ["report", "evidence/c", "-o", "beside.html"], "beside.html",
            "is inside ., a folder this run reads")
    refused(runner, ["report", "evidence/c", "-o", "evidence/c/deep/r.html"],
            "evidence/c/deep/r.html", "is inside evidence/c, a folder this run reads")
    res = runner.invoke(main, ["report", "evidence/c", "-o", "reports/c.html"])
    assert res.exit_code == 0, res.stderr
    assert Path("reports/c.html").is_file()


def test_a_stream_that_fails_midway_leaves_the_previous_file(tmp_path: Path) -> None:
    from scoring.output import NO_INPUTS, write_atomic

    target = tmp_path / "out.json"
    target.write_text("previous\n")

    def pieces() -> Iterator[str]:
        yield '{"a": '
        raise ValueError("a record cannot be written")

    with pytest.raises(ValueError):
        write_atomic(target, pieces(), NO_INPUTS)
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    write_atomic(target, iter(['{"a": ', "1}\n"]), NO_INPUTS)
    assert target.read_text() == '{"a": 1}\n'


# Every way a command writes the file its -o names, with what the file starts with. A new
# command taking -o fails test_every_command_with_o_is_listed until it is listed here.
_UNIVERSE = str(REPO / "examples" / "universe")
_OUTCOMES = str(REPO / "examples" / "universe-outcomes.csv")
WRITES = {
    "score table": (["score", "case"], b"Tiny Co"),
    "score json": (["score", "case", "--format", "json"], b"{"),
    "score csv": (["score", "case", "--format", "csv"], b"scenario,"),
    "score parquet": (["score", "case", "--format", "parquet"], b"PAR1"),
    "report html": (["report", "case"], b"<!DOCTYPE html>"),
    "report pdf": (["report", "case", "--format", "pdf"], b"%PDF-"),
    "history csv": (["history", "case", "--as-of", "2026-01-01", "--format", "csv"],
                    b"as_of,"),
    "history parquet": (["history", "case", "--as-of", "2026-01-01", "--format", "parquet"],
                        b"PAR1"),
    "export xlsx": (["export", "case"], b"PK"),
    "backtest html": (["backtest", _UNIVERSE, "--outcomes", _OUTCOMES], b"<!DOCTYPE html>"),
}


def _with_output(group: click.Group, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out |= _with_output(command, f"{prefix}{name} ")
        elif any(p.name == "output" for p in command.params):
            out.add(prefix + name)
    return out


def test_every_command_with_o_is_listed() -> None:
    assert _with_output(main) == {w.split()[0] for w in WRITES}


@pytest.mark.parametrize("way", list(WRITES))
def test_o_naming_an_existing_folder_is_a_usage_mistake_for_every_command(
        case: Path, runner: CliRunner, way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import scoring.api

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("said before anything is scored")

    for name in ("case_scores", "universe_scores", "case_history", "write_report",
                 "write_tearsheet", "write_workbook", "backtest_universe"):
        monkeypatch.setattr(scoring.api, name, never)
    args, _ = WRITES[way]
    noun = {"html": "HTML file", "pdf": "PDF file", "xlsx": "workbook file"}.get(
        way.split()[1], "file") if args[0] != "backtest" else "file"
    Path("dir").mkdir()
    res = runner.invoke(main, [*args, "-o", "dir"])
    assert res.exit_code == EXIT_INPUT, res.output
    usage = "UNIVERSE" if args[0] == "backtest" else "CASE_DIR"
    assert res.stderr == (f"Usage: main {args[0]} [OPTIONS] {usage}\n"
                          f"Try 'main {args[0]} --help' for help.\n\n"
                          "Error: Invalid value for '-o' / '--output': dir is a folder; give "
                          f"the {noun} to write\n")
    assert os.listdir("dir") == []


@pytest.mark.parametrize("way", list(WRITES))
def test_dev_null_named_with_o_is_written_to_for_every_command(
        case: Path, runner: CliRunner, way: str) -> None:
    args, _ = WRITES[way]
    before = os.stat("/dev/null")
    res = runner.invoke(main, [*args, "-o", "/dev/null"])
    assert res.exit_code == 0, res.output
    after = os.stat("/dev/null")
    assert Path("/dev/null").is_char_device()
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize("way", list(WRITES))
def test_a_fifo_named_with_o_is_written_to_for_every_command(
        case: Path, runner: CliRunner, way: str) -> None:
    import threading

    args, starts = WRITES[way]
    os.mkfifo("fifo")
    inode = os.stat("fifo").st_ino
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(Path("fifo").read_bytes()),
                              daemon=True)
    reader.start()
    res = runner.invoke(main, [*args, "-o", "fifo"])
    reader.join(timeout=60)
    if reader.is_alive():  # the command never opened it: let the reader go, then fail
        os.close(os.open("fifo", os.O_WRONLY | os.O_NONBLOCK))
    assert res.exit_code == 0, res.output
    assert got and got[0].startswith(starts), got[:1]
    # The FIFO itself, never renamed over or unlinked: the same inode, still a FIFO, alone.
    assert Path("fifo").is_fifo() and os.stat("fifo").st_ino == inode
    assert sorted(os.listdir(".")) == ["case", "fifo", "rubrics"]


@pytest.mark.parametrize("way", list(WRITES))
def test_a_regular_file_named_with_o_is_replaced_atomically_for_every_command(
        case: Path, runner: CliRunner, way: str) -> None:
    args, starts = WRITES[way]
    Path("out").write_bytes(b"old\n")
    os.link("out", "kept")  # a second name of the old file: a rename leaves it as it was
    res = runner.invoke(main, [*args, "-o", "out"])
    assert res.exit_code == 0, res.output
    assert Path("out").read_bytes().startswith(starts)
    assert Path("kept").read_bytes() == b"old\n"
    assert os.stat("out").st_ino != os.stat("kept").st_ino
    assert sorted(os.listdir(".")) == ["case", "kept", "out", "rubrics"]


def test_a_stream_that_became_a_regular_file_is_not_written_in_place(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The guard saw a FIFO; by the time it is opened a regular file stands there (a race):
    # opened without truncation, it would be overwritten in place. Refused, unchanged.
    import scoring.output

    Path("out").write_bytes(b"precious\n")
    monkeypatch.setattr(scoring.output, "is_stream", lambda path: True)
    with pytest.raises(OutputError, match=r"^out: refused: it changed while being written "
                                          r"\(now a regular file\); run again$"):
        write_atomic(Path("out"), "x", NO_INPUTS, device_ok=True)
    assert Path("out").read_bytes() == b"precious\n"


def test_a_link_to_a_case_file_named_with_o_is_refused(case: Path, runner: CliRunner) -> None:
    Path("link").symlink_to("case/case.yaml")
    before = digests(Path("case"))
    refused(runner, ["score", "case", "-o", "link"], "link",
            "is a symbolic link (to case/case.yaml); scoring does not write through links: "
            "remove it or write elsewhere")
    assert digests(Path("case")) == before


@pytest.mark.parametrize("target", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_standard_output_redirected_to_a_file_is_refused_with_what_to_do(
        case: Path, target: str) -> None:
    # A real process: its standard output is the regular file the shell opened. Written
    # through, that file would be overwritten in place, not replaced; the refusal says what
    # the user can do instead, not "remove" /dev/stdout.
    import subprocess
    import sys

    if not Path("/proc/self/fd").is_dir():  # pragma: no cover - not Linux
        pytest.skip("no /proc")
    with open("shell.txt", "wb") as out:
        done = subprocess.run([sys.executable, "-m", "scoring.cli", "score", "case", "-o",
                               target], stdout=out, stderr=subprocess.PIPE, check=False)
    assert done.returncode == EXIT_FAILED
    assert done.stderr.decode() == (
        f"Error: {target}: refused: is this run's open file 1 (standard output is 1), which "
        "is a regular file: scoring replaces a file, never writes through a link; name that "
        "file with -o, or leave -o out and redirect standard output "
        "(see docs/errors.md#output-error)\n")
    assert Path("shell.txt").read_bytes() == b""


@pytest.mark.parametrize("way", list(WRITES))
def test_o_ending_in_a_slash_is_a_folder_where_a_file_is_wanted(
        case: Path, runner: CliRunner, way: str) -> None:
    # "new/" says a folder is meant; it was written as a file called "new".
    args, _ = WRITES[way]
    noun = {"html": "HTML file", "pdf": "PDF file", "xlsx": "workbook file"}.get(
        way.split()[1], "file") if args[0] != "backtest" else "file"
    res = runner.invoke(main, [*args, "-o", "new/"])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.endswith("Error: Invalid value for '-o' / '--output': new/ ends with a "
                               f"slash, which names a folder; give the {noun} to write\n")
    assert not Path("new").exists()


def test_o_ending_in_a_slash_is_still_a_dataset_or_report_folder(case: Path,
                                                                 runner: CliRunner) -> None:
    root = write_universe(Path("u"), 2, n_items=4, fmt="csv")
    res = runner.invoke(main, ["score", str(root), "--format", "parquet", "-o", "scores/"])
    assert res.exit_code == 0, res.output
    assert Path("scores").is_dir() and list(Path("scores").glob("*.parquet"))
    res = runner.invoke(main, ["report", str(root), "-o", "pages/"])
    assert res.exit_code == 0, res.output
    assert Path("pages/index.html").is_file()
