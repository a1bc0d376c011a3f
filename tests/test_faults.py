"""Fault injection: a full disk, a file size limit, refused permissions, paths that cannot be
made, signals in the middle of a write, bad SOURCE_DATE_EPOCH. Each fault is one line on
stderr and exit 1 (2 for bad input, 128+N for signal N), never "Internal error"; the previous
output stays byte-identical and no temporary file is left."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import EXIT_FAILED, EXIT_INPUT, main

from .conftest import TinyCase, item

OLD = "<p>the previous report</p>\n"


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    tiny = TinyCase(tmp_path / "case")
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20)]
    tiny.write()
    Path("out").mkdir()
    Path("out/r.html").write_text(OLD)
    return Path("case")


def intact() -> None:
    """The previous output is as it was and nothing else is in its folder."""
    assert Path("out/r.html").read_text() == OLD
    assert os.listdir("out") == ["r.html"]


@pytest.mark.parametrize(("code", "reason"), [
    (errno.ENOSPC, "no space left on the device"),
    (errno.EDQUOT, "disk quota exceeded"),
    (errno.EFBIG, "file too large (the file size limit was reached)"),
    (errno.EIO, "input/output error"),
])
def test_a_failing_write_keeps_the_previous_file(case: Path, runner: CliRunner, code: int,
                                                  reason: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: bytes) -> None:
        os.write(fd, data[:10])  # a part is written, then the disk fills
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("scoring.output._write_all", full)
    res = runner.invoke(main, ["report", "case", "-o", "out/r.html"])
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, f"Error: out/r.html: cannot write: "
                                                        f"{reason} (see docs/errors.md#output-error)\n")
    intact()


@pytest.mark.parametrize(("code", "reason"), [
    (errno.EACCES, "permission denied"),
    (errno.EPERM, "permission denied"),
    (errno.EROFS, "read-only file system"),
])
def test_a_folder_that_refuses_files(case: Path, runner: CliRunner, code: int, reason: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, whom chmod does not stop: the error is injected where it arises.
    def refuse(*_: object, **__: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("scoring.output._create", refuse)
    res = runner.invoke(main, ["score", "case", "--format", "json", "-o", "out/r.html"])
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, f"Error: out/r.html: cannot write: "
                                                        f"{reason} (see docs/errors.md#output-error)\n")
    intact()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder(case: Path, runner: CliRunner) -> None:  # pragma: no cover
    os.chmod("out", 0o555)
    try:
        res = runner.invoke(main, ["report", "case", "-o", "out/r.html"])
    finally:
        os.chmod("out", 0o755)
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, "Error: out/r.html: cannot write: "
                                                        "permission denied"
                                                        " (see docs/errors.md#output-error)\n")
    intact()


def test_a_replace_that_fails_removes_the_temporary_file(case: Path, runner: CliRunner,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*_: object) -> None:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    monkeypatch.setattr("scoring.output.os.replace", busy)
    res = runner.invoke(main, ["report", "case", "-o", "out/r.html"])
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, "Error: out/r.html: cannot write: "
                                                        "Device or resource busy"
                                                        " (see docs/errors.md#output-error)\n")
    intact()


@pytest.mark.parametrize(("target", "message"), [
    ("out/r.html/x.html", "out/r.html/x.html: cannot write: a part of the path is not a "
                          "folder"),
    ("loop/x.html", "loop/x.html: cannot write: too many levels of symbolic links (a "
                    "symbolic link loop)"),
    ("x" * 300 + ".html", "x" * 300 + ".html: cannot write: file name too long"),
])
def test_paths_that_cannot_be_made(case: Path, runner: CliRunner, target: str,
                                   message: str) -> None:
    Path("loop").symlink_to("loop")
    res = runner.invoke(main, ["score", "case", "-o", target])
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, f"Error: {message}"
                                                        f" (see docs/errors.md#output-error)\n")
    intact()


def test_an_os_error_outside_a_writer_is_one_line_not_a_bug(
        case: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*_: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "case/evidence.yaml")

    monkeypatch.setattr("scoring.api.score_folder", denied)
    res = runner.invoke(main, ["trace", "case", "base/composite"])
    assert (res.exit_code, res.stderr) == (EXIT_FAILED, "Error: case/evidence.yaml: "
                                                        "permission denied\n")


@pytest.mark.parametrize(("value", "message"), [
    ("100000000000000000000", "must be between 0 and 253402300799 (9999-12-31T23:59:59Z), "
                              "not 100000000000000000000"),
    ("-100000000000000000000", "must be between 0 and 253402300799 (9999-12-31T23:59:59Z), "
                               "not -100000000000000000000"),
    ("253402300800", "must be between 0 and 253402300799 (9999-12-31T23:59:59Z), "
                     "not 253402300800"),
    ("-1", "must be between 0 and 253402300799 (9999-12-31T23:59:59Z), not -1"),
    ("1.5", "must be an integer"),
    ("soon", "must be an integer"),
])
def test_source_date_epoch_out_of_range(case: Path, runner: CliRunner, value: str,
                                        message: str) -> None:
    res = runner.invoke(main, ["report", "case", "-o", "out/r.html"],
                        env={"SOURCE_DATE_EPOCH": value})
    assert res.exit_code == EXIT_INPUT
    assert res.stderr.endswith(f"\nError: Invalid value: SOURCE_DATE_EPOCH {message}\n")
    intact()


def test_source_date_epoch_at_the_last_second(case: Path, runner: CliRunner) -> None:
    res = runner.invoke(main, ["report", "case", "-o", "out/r.html"],
                        env={"SOURCE_DATE_EPOCH": "253402300799"})
    assert res.exit_code == 0, res.output
    assert "9999-12-31" in Path("out/r.html").read_text()


# ------------------------------------------------------------ in a real process

STALLED = """\
import os, sys, time
from scoring.cli import main
# The write stalls after the temporary file is made and filled, before it replaces the
# previous file: the test signals it there.
os.fsync = lambda fd: time.sleep(600)
sys.argv = ["scoring", *sys.argv[1:]]
main()
"""


def _default_sigint() -> None:
    # A run started in the background by a non-interactive shell (`cmd &`, nohup) inherits
    # SIGINT ignored, and a process that inherits it ignored rightly keeps ignoring it: the
    # child starts with the default, as a command typed at a terminal does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", STALLED, *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_default_sigint, **kwargs)  # type: ignore[call-overload]


def wait_for_temporary(proc: subprocess.Popen[str], folder: Path) -> None:
    """Until the writer's temporary file exists (the process is then in the write)."""
    deadline = time.monotonic() + 120  # a hang guard, not a timing assumption
    while not any(p.name.endswith(".tmp") for p in folder.iterdir()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never started"
        time.sleep(0.02)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_report_leaves_the_previous_file(case: Path, signum: int,
                                                         code: int) -> None:
    proc = run(["report", "case", "-o", "out/r.html"])
    wait_for_temporary(proc, Path("out"))
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    name = signal.Signals(signum).name
    assert (proc.returncode, out, err) == (
        code, "", f"Interrupted by {name}; files being written were left as they were.\n")
    intact()


def test_a_signal_during_a_universe_report(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.desk.synthetic import write_universe

    monkeypatch.chdir(tmp_path)
    write_universe(tmp_path / "uni", 3, n_items=4, fmt="csv")
    Path("r/cases").mkdir(parents=True)
    Path("r/index.html").write_text(OLD)
    proc = run(["report", "uni", "-o", "r", "--jobs", "1"])
    wait_for_temporary(proc, Path("r/cases"))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (
        143, "Interrupted by SIGTERM; files being written were left as they were.\n")
    assert os.listdir("r/cases") == []
    assert Path("r/index.html").read_text() == OLD


def test_the_file_size_limit(case: Path) -> None:
    """RLIMIT_FSIZE, with SIGXFSZ ignored so that the write fails with EFBIG."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = subprocess.run([sys.executable, "-m", "scoring.cli", "report", "case", "-o",
                           "out/r.html"], capture_output=True, text=True, preexec_fn=limit,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, check=False)
    assert (proc.returncode, proc.stderr) == (EXIT_FAILED, "Error: out/r.html: cannot write: "
                                                           "file too large (the file size "
                                                           "limit was reached)"
                                                           " (see docs/errors.md#output-error)\n")
    intact()


def test_a_reader_that_stops_early_is_no_error() -> None:
    # `scoring score CASE --format json | head -1`: the reader closes the pipe; scoring stops
    # quietly with the code of a process killed by SIGPIPE, as shell tools do.
    from .conftest import META

    with subprocess.Popen([sys.executable, "-m", "scoring.cli", "score", str(META),
                           "--format", "json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == b"{\n"
        proc.stdout.close()
        err = proc.stderr.read()
        assert (proc.wait(timeout=120), err) == (141, b"")
