"""Materialise a case folder (and its rubric) as it was at a git revision, for
``scoring diff CASE --against REV``.

The revision is a string from the command line, so it is never put where git could read it as
an option or as part of another argument: it is resolved once, after ``--end-of-options``, to
a commit's full hash (``rev-parse --verify ...^{commit}``), and only that hash is used after.
Files are read with ``git cat-file blob`` (no filters, no textconv, no pager) after their type
and size were checked in ``git ls-tree``: a symbolic link, a folder or a submodule where a case
file should be, a file over the loader's size limit, or a rubric path that leaves the
repository are reported as problems at ``SHA:path``, as the loader reports current files.

git runs without the ``GIT_*`` variables of the environment (``GIT_DIR``, ``GIT_WORK_TREE``,
``GIT_INDEX_FILE``, ``GIT_CONFIG_*``, ...): the repository read is always the one that holds
the case folder, whatever the shell exported (only ``GIT_CEILING_DIRECTORIES`` and
``GIT_DISCOVERY_ACROSS_FILESYSTEM``, which can only stop the search for it, are kept).
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..display import display_path
from ..errors import InputError, Problem, ScoringError
from ..formats.loader import CASE_FILE, EVIDENCE_FILE, SCENARIOS_FILE, SOURCES_FILE
from ..formats.tabular import MAX_TABLE_BYTES, TABLE_SUFFIXES
from ..formats.yamlio import MAX_FILE_BYTES, load_yaml

CASE_NAMES = (CASE_FILE, SCENARIOS_FILE, *(
    f"{Path(name).stem}{suffix}" for name in (SOURCES_FILE, EVIDENCE_FILE)
    for suffix in (".yaml", *TABLE_SUFFIXES)))
_HASH = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 repositories
SHORT = 12  # hex digits of the hash shown in paths: REV:path


class GitError(ScoringError):
    """git could not give the files of a revision."""

    slug = "git-error"


@dataclass(frozen=True)
class OldCase:
    """A case folder as it was at a commit, written out under a temporary folder.

    ``label`` is the short hash; ``root`` the temporary folder that mirrors the repository."""

    folder: Path
    root: Path
    label: str
    commit: str

    def relabel(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` with paths inside ``root`` shown as ``SHA:path/in/repository``."""
        root = os.path.realpath(self.root)
        out = []
        for p in problems:
            inside = os.path.relpath(os.path.realpath(p.path), root)
            if inside != ".." and not inside.startswith(f"..{os.sep}"):
                p = Problem(f"{self.label}:{Path(inside).as_posix()}", p.line, p.col,
                            p.field, p.message)
            out.append(p)
        return out


@dataclass(frozen=True)
class _Entry:
    mode: str
    kind: str  # blob, tree or commit (a submodule)
    oid: str
    size: int | None


# These only limit where git looks for the repository; they cannot make it read another.
_KEEP = ("GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEEP}
    # Paths are literal (a folder named ":(glob)*" is that folder), objects are what the
    # commit holds (no replace refs), git never prompts, and its messages are not translated.
    env.update(GIT_LITERAL_PATHSPECS="1", GIT_NO_REPLACE_OBJECTS="1", GIT_TERMINAL_PROMPT="0",
               LC_ALL="C")
    return env


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False,
                              env=_env(), stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def _why(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else f"git exited with {done.returncode}"


def resolve_commit(rev: str, top: Path) -> str:
    """The full hash of the commit ``rev`` names in the repository at ``top``."""
    if not rev:
        raise GitError("--against: the revision is empty; give a commit (HEAD~1, a tag, a "
                       "branch or a hash)")
    # --end-of-options: a revision such as "--output=/tmp/x" is a name to look up, never an
    # option; ^{commit}: a tree, a blob or a tag of either is refused here.
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
                top)
    sha = done.stdout.decode("ascii", errors="replace").strip()
    if done.returncode == 0 and _HASH.fullmatch(sha):
        return sha
    any_object = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", rev], top)
    oid = any_object.stdout.decode("ascii", errors="replace").strip()
    if any_object.returncode == 0 and _HASH.fullmatch(oid):
        kind = _git(["cat-file", "-t", oid], top).stdout.decode("ascii", "replace").strip()
        raise GitError(f"--against {rev!r}: names a {kind or 'object'}, not a commit")
    raise GitError(f"--against {rev!r}: no such commit in the repository at "
                   f"{display_path(top)}")


def _list(commit: str, path: str, top: Path) -> dict[str, _Entry]:
    """The entries of ``commit`` at ``path`` (a folder's contents when it ends in ``/``; the
    top folder's when it is empty), by path from the top of the repository."""
    done = _git(["ls-tree", "-z", "-l", "--full-tree", commit, *(["--", path] if path else [])],
                top)
    if done.returncode != 0:
        raise GitError(f"git ls-tree {commit[:SHORT]} {path}: {_why(done)}")
    out = {}
    for record in done.stdout.split(b"\0"):
        if not record:
            continue
        head, _, name = record.partition(b"\t")
        mode, kind, oid, size = head.decode("ascii").split()
        out[name.decode("utf-8", errors="surrogateescape")] = _Entry(
            mode, kind, oid, None if size == "-" else int(size))
    return out


def _blob(entry: _Entry, top: Path) -> bytes:
    done = _git(["cat-file", "blob", entry.oid], top)
    if done.returncode != 0:
        raise GitError(f"git cat-file blob {entry.oid}: {_why(done)}")
    return done.stdout


def _refusal(entry: _Entry, limit: int, top: Path) -> str | None:
    """Why ``entry`` cannot be read as a case file (or rubric), or None if it can."""
    if entry.mode == "120000":
        target = _blob(entry, top)[:500].decode("utf-8", errors="replace")
        return f"is a symbolic link (to {target}); a case file must be a regular file in " \
               "the case folder, so copy the file here"
    if entry.kind == "tree":
        return "is a folder, not a file"
    if entry.kind != "blob":
        return "is not a regular file"
    if entry.size is not None and entry.size > limit:
        return f"file is {entry.size} bytes; the limit is {limit}"
    return None


def _limit(name: str) -> int:
    return MAX_TABLE_BYTES if name.endswith(TABLE_SUFFIXES) else MAX_FILE_BYTES


def checkout_case(case_dir: Path, rev: str, dest: Path) -> OldCase:
    """Write the case's files as of ``rev`` under ``dest`` (same layout relative to the
    repository root). Raise GitError when ``rev`` is not a commit, InputError when a file
    cannot be taken from it (each problem at ``SHA:path``)."""
    if not case_dir.is_dir():
        raise GitError(f"{display_path(case_dir)}: no such folder")
    done = _git(["rev-parse", "--show-toplevel"], case_dir)
    if done.returncode != 0:
        raise GitError(f"{display_path(case_dir)}: not in a git repository ({_why(done)})")
    top = Path(os.fsdecode(done.stdout.rstrip(b"\n"))).resolve()
    try:
        rel = case_dir.resolve().relative_to(top)
    except ValueError:
        raise GitError(f"{display_path(case_dir)}: not in the work tree of the repository at "
                       f"{display_path(top)}") from None
    commit = resolve_commit(rev, top)
    old = OldCase(dest / rel, dest, commit[:SHORT], commit)
    old.folder.mkdir(parents=True, exist_ok=True)
    prefix = "" if rel == Path(".") else f"{rel.as_posix()}/"
    problems: list[Problem] = []
    entries = _list(commit, prefix, top)
    for name in CASE_NAMES:
        entry = entries.get(prefix + name)
        if entry is None:
            continue
        why = _refusal(entry, _limit(name), top)
        if why is not None:
            problems.append(Problem(f"{old.label}:{prefix}{name}", 0, 0, "", why))
        else:
            (old.folder / name).write_bytes(_blob(entry, top))
    if (old.folder / CASE_FILE).is_file():
        problems += _checkout_rubric(old, prefix, top)
    if problems:
        raise InputError(problems)
    return old


def _checkout_rubric(old: OldCase, prefix: str, top: Path) -> list[Problem]:
    """Write the rubric the old case.yaml names, if it is in the repository at the commit.
    Problems in case.yaml itself are left to the loader."""
    try:
        doc = load_yaml(old.folder / CASE_FILE, f"{old.label}:{prefix}{CASE_FILE}")
    except InputError:
        return []
    rubric = doc.data.get("rubric") if isinstance(doc.data, dict) else None
    if not isinstance(rubric, str) or not rubric or "\0" in rubric \
            or os.path.isabs(rubric) or Path(rubric).is_absolute():
        return []  # the loader reports these
    path = posixpath.normpath(prefix + rubric.replace(os.sep, "/"))
    if path == ".." or path.startswith("../"):
        # The loader would follow it out of the temporary copy into this machine's files.
        return [doc.problem(("rubric",), f"rubric path leaves the repository: {rubric}")]
    entry = _list(old.commit, path, top).get(path)
    if entry is None:
        return []  # the loader reports it missing
    if entry.kind == "tree":
        (old.root / path).mkdir(parents=True, exist_ok=True)  # the loader says: a folder
        return []
    if entry.mode == "120000":
        # Followed, it would read a file of this machine, not of the commit.
        return [doc.problem(("rubric",), f"rubric file {rubric} is a symbolic link at this "
                                         "revision; name the file it points to")]
    why = _refusal(entry, MAX_FILE_BYTES, top)
    if why is not None:
        return [doc.problem(("rubric",), f"rubric file {rubric}: {why}")]
    out = old.root / path
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_blob(entry, top))
    return []
