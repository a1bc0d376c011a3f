"""Materialise a case folder (and its rubric) as it was at a git revision, for
``scoring diff CASE --against REV``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from .errors import ScoringError
from .loader import CASE_FILE, EVIDENCE_FILE, SCENARIOS_FILE, SOURCES_FILE


class GitError(ScoringError):
    """git could not give the files of a revision."""

    slug = "git-error"


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def checkout_case(case_dir: Path, rev: str, dest: Path) -> Path:
    """Write the case's files as of ``rev`` under ``dest`` (same layout relative to the
    repository root) and return the old case folder."""
    case_dir = case_dir.resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], case_dir).decode().strip())
    rel = case_dir.relative_to(top)

    def fetch(repo_path: Path, required: bool = True) -> bytes | None:
        try:
            data = _git(["show", f"{rev}:{repo_path.as_posix()}"], top)
        except GitError:
            if required:
                raise
            return None
        out = dest / repo_path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        return data

    case_text = fetch(rel / CASE_FILE)
    for name in (SOURCES_FILE, EVIDENCE_FILE):
        fetch(rel / name)
    fetch(rel / SCENARIOS_FILE, required=False)
    meta = yaml.safe_load(case_text or b"") or {}
    rubric = meta.get("rubric") if isinstance(meta, dict) else None
    if isinstance(rubric, str):
        rubric_path = Path(*(rel / rubric).parts)
        # normalise a/b/../../c without touching the file system
        parts: list[str] = []
        for p in rubric_path.parts:
            if p == "..":
                if parts:
                    parts.pop()
            elif p != ".":
                parts.append(p)
        fetch(Path(*parts), required=False)
    return dest / rel
