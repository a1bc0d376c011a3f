"""The docs are executed: every command shown in README.md and docs/*.md runs here, so a change
that makes a doc false fails the suite.

* A fenced block whose first line starts with ``$ `` is a **transcript**: each ``$ scoring ...``
  line is run (in-process, standard output and standard error together, as a terminal shows
  them) and what follows it, up to the next ``$`` line, must be exactly its output; an
  ``[exit N]`` line states the exit code (0 when there is none).
* A ``sh`` block lists commands: each ``scoring ...`` line (a ``# comment`` after it is
  ignored) must run and exit 0. The set-up lines of the quickstart are the only other lines
  allowed (they are run by .ci/run and by hand on a fresh clone, not here).
* A ``python`` block is run as it is.
* A ``yaml`` block that names a file of ``examples/`` (the line before it is ```path`:``, or
  its first line is ``# path``) must be that file, byte for byte.

Commands run from the root of a copy of the repository's ``evidence/``, ``rubrics/`` and
``examples/`` folders, made a git repository of two commits (for ``--against HEAD~1``); each
page gets a fresh copy and its commands run in the order of the page.

``SCORING_UPDATE_DOCS=1 python -m pytest tests/test_docs.py`` rewrites the transcripts'
outputs from what the commands print now: review the diff like code.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import main

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
UPDATE = bool(os.environ.get("SCORING_UPDATE_DOCS"))
EXIT = re.compile(r"^\[exit (\d+)\]$")
# Lines of sh blocks that are not `scoring` commands: the set-up of a fresh machine and the
# benchmarks, which this test does not run.
SETUP = ("pip install rubric-risk-scoring", "python3 -m venv .venv && ",
         ".venv/bin/python -m pytest", ".venv/bin/pip install", "python bench/")


@dataclass
class Fence:
    lang: str
    start: int  # index of the first line inside the fence
    lines: list[str]
    before: str  # the last non-empty line before the fence


def fences(lines: list[str]) -> Iterator[Fence]:
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)$", lines[i])
        if not m:
            i += 1
            continue
        end = lines.index("```", i + 1)
        before = next((t for t in reversed(lines[:i]) if t.strip()), "")
        yield Fence(m.group(1), i + 1, lines[i + 1:end], before)
        i = end + 1


def run(command: str) -> tuple[str, int]:
    """Run one documented `scoring` command line; return what it printed and its exit code."""
    words = shlex.split(command, comments=True)
    env: dict[str, str] = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    redirect = None
    if ">" in words:
        redirect = words[words.index(">") + 1]
        words = words[:words.index(">")]
    assert words[0] == "scoring", f"not a scoring command: {command}"
    args: list[str] = []
    for w in words[1:]:
        args.extend(sorted(glob.glob(w)) if "*" in w else [w])
    res = CliRunner(env=env).invoke(main, args, prog_name="scoring")
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    if redirect is not None:
        Path(redirect).write_text(res.stdout, encoding="utf-8")
        return res.stderr, res.exit_code
    return res.output, res.exit_code


def transcript(fence: Fence) -> list[str]:
    """The fence's lines as the commands print them now."""
    out: list[str] = []
    for line in fence.lines:
        if not line.startswith("$ "):
            continue
        if out:
            out.append("")
        text, code = run(line[2:])
        out.append(line)
        out.extend(text.rstrip("\n").split("\n") if text else [])
        if code or any(EXIT.match(t) for t in fence.lines):
            out.append(f"[exit {code}]")
    return out


# A command that needs an optional extra, and a module of that extra: with only the `test`
# extra installed (README's test command) such a command cannot run, and is not run; CI
# installs every extra (`dev`), so there it is.
EXTRAS = ((re.compile(r"--format pdf"), "weasyprint"), (re.compile(r"^scoring export "), "xlsxwriter"),
          (re.compile(r"--engine dask"), "distributed"))


def missing_extra(command: str) -> str | None:
    """The module an optional extra the command needs provides, when it cannot be imported."""
    import importlib

    for pattern, module in EXTRAS:
        if pattern.search(command):
            try:
                importlib.import_module(module)
            except (ImportError, OSError):  # WeasyPrint without Pango raises OSError
                return module
    return None


def commands(fence: Fence) -> None:
    for line in fence.lines:
        command = line.split("  #")[0].strip()
        if not command or command.startswith("#"):
            continue
        if command.startswith(SETUP) or missing_extra(command):
            continue
        if m := re.match(r"^eval \"\$\(_SCORING_COMPLETE=(\w+)_source scoring\)\"$|"
                         r"^_SCORING_COMPLETE=(\w+)_source scoring \| source$", command):
            shell = m.group(1) or m.group(2)
            res = CliRunner(env={"_SCORING_COMPLETE": f"{shell}_source"}).invoke(
                main, [], prog_name="scoring")
            assert (res.exit_code, "_SCORING_COMPLETE" in res.output) == (0, True), command
            continue
        text, code = run(command)
        assert code == 0, f"{command}\n{text}"


def yaml_file(fence: Fence) -> Path | None:
    m = re.match(r"^`(examples/[^`]+)`:$", fence.before)
    if m:
        return REPO / m.group(1)
    if fence.lines and fence.lines[0].startswith("# examples/"):
        return REPO / fence.lines[0][2:]
    return None


@contextlib.contextmanager
def workspace(tmp: Path) -> Iterator[Path]:
    for name in ("evidence", "rubrics", "examples"):
        shutil.copytree(REPO / name, tmp / name)
    git = ["git", "-c", "user.name=docs", "-c", "user.email=docs@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=tmp, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=tmp, check=True)
    subprocess.run([*git, "commit", "-qm", "two", "--allow-empty"], cwd=tmp, check=True)
    cwd = Path.cwd()
    os.chdir(tmp)
    try:
        yield tmp
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_page_is_what_the_commands_print(page: Path, tmp_path: Path) -> None:
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    replaced: list[tuple[Fence, list[str]]] = []
    with workspace(tmp_path):
        for fence in fences(lines):
            if fence.lines and fence.lines[0].startswith("$ "):
                replaced.append((fence, transcript(fence)))
            elif fence.lang == "sh":
                commands(fence)
            elif fence.lang == "python":
                exec(compile("\n".join(fence.lines), f"{page.name}:{fence.start}", "exec"), {})
            elif fence.lang == "yaml" and (path := yaml_file(fence)) is not None:
                # the path line itself is not part of the file; any other comment is
                named_inside = fence.lines[0].startswith("# examples/")
                body = fence.lines[1:] if named_inside else fence.lines
                assert path.read_text(encoding="utf-8") == "\n".join(body) + "\n", path
    new = list(lines)
    for fence, printed in reversed(replaced):  # from the end: earlier indices stay valid
        new[fence.start:fence.start + len(fence.lines)] = printed
    if UPDATE:
        page.write_text("\n".join(new), encoding="utf-8")
    assert "\n".join(new) == text


def test_a_changed_output_is_caught(tmp_path: Path) -> None:
    """The check compares every line: a documented output that no longer holds differs."""
    shown = ["$ scoring validate examples/docs-example",
             "examples/docs-example: ok (3 sources, 5 items, 1 scenarios, rubric "
             "example-platform 1.0.0)"]
    with workspace(tmp_path):
        assert transcript(Fence("", 0, shown, "")) == shown
        stale = [shown[0], shown[1].replace("5 items", "6 items")]
        assert transcript(Fence("", 0, stale, "")) == shown
        assert transcript(Fence("", 0, [*shown, "[exit 1]"], "")) == [*shown, "[exit 0]"]
