"""``scoring keygen`` and ``scoring signoff``: a reviewer's key pair, and a signed sign-off
of one report written under the case's ``signoffs/`` folder (docs/trust.md).

A sign-off is refused while any blocking finding of the case's reviews.yaml is open or
answered. It signs (formats/signoff.py) the report file's SHA-256 and its inputs bundle's
digest, the reviewer, the date, the findings' summary, the engine's version, and what the
report rests on: each input file's SHA-256 and each scenario's composite and band. The
public key is copied beside the envelope (``signoffs/<keyid>.pub``) so that the report can
say whose key signed; whether that key is the reviewer's is for the reader to check
against a key they trust (``scoring verify-report --signoff ENVELOPE --key KEY.pub``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..display import display_path
from ..errors import InputError, OutputError, Problem
from ..formats.loader import file_sha256
from ..formats.signoff import (
    SignoffError,
    key_id,
    new_key_pair,
    read_private_key,
    sign_envelope,
    statement,
)
from ..output import RunInputs, reason, write_atomic
from ..version import __version__

SIGNOFFS = "signoffs"
ENVELOPE_SUFFIX = ".dsse.json"
BUNDLE_SUBJECT = "inputs-bundle"


def write_key_pair(path: Path) -> tuple[Path, Path]:
    """Write a new Ed25519 key pair: ``path`` (private, mode 0600) and ``path``.pub. Never
    overwrites either: an OutputError when one exists."""
    public_path = path.with_name(path.name + ".pub")
    for p in (path, public_path):
        if os.path.lexists(p):
            raise OutputError(f"{display_path(p)}: exists; a key is never overwritten (choose "
                              "another name, or remove it yourself)")
    private, public = new_key_pair()
    folder = path.parent if str(path.parent) else Path(".")
    tmp = folder / f".{path.name}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, private)
            os.fsync(fd)
        finally:
            os.close(fd)
        # A hard link appears whole or not at all, and never replaces a file made meanwhile.
        os.link(tmp, path)
    except FileExistsError:
        raise OutputError(f"{display_path(path)}: exists; a key is never overwritten") \
            from None
    except OSError as exc:
        raise OutputError(f"{display_path(path)}: cannot write: {reason(exc)}") from None
    finally:
        tmp.unlink(missing_ok=True)
    try:
        write_atomic(public_path, public, RunInputs.of(files=[path]), overwrite=False)
    except OutputError:
        path.unlink(missing_ok=True)  # no private key without its public half
        raise
    return path, public_path


@dataclass(frozen=True)
class Signed:
    """A sign-off written: the envelope's and the public key's paths, the key's id."""

    envelope: Path
    public_key: Path
    keyid: str


def check_report(report: Path) -> None:
    """The report to sign must be a regular file that is there."""
    if not report.exists():
        raise InputError([Problem(display_path(report), 0, 0, "report",
                                  "report not found: sign off a report that exists "
                                  "(scoring report CASE -o FILE)")])
    if not report.is_file():
        raise InputError([Problem(display_path(report), 0, 0, "report",
                                  "not a regular file")])


def refuse_unsettled(unsettled: Sequence[tuple[str, str, str]]) -> None:
    """A SignoffError naming every blocking finding (id, status, anchor) not settled."""
    if unsettled:
        named = "; ".join(f"{fid} ({status}, on {anchor})" for fid, status, anchor in unsettled)
        n = len(unsettled)
        raise SignoffError(f"{n} blocking finding{'s' if n != 1 else ''} not settled: "
                           f"{named}. Resolve {'them' if n != 1 else 'it'} (scoring review "
                           "resolve CASE ID --note TEXT) or accept the risk (--status "
                           "'accepted risk') before signing off; nothing written")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "reviewer"


def write_signoff(case_dir: Path, report: Path, key_path: Path, predicate: dict[str, Any],
                  bundle: str | None, inputs: RunInputs, bundle_data: bytes = b"") -> Signed:
    """Sign ``predicate`` with the subjects ``report`` (its SHA-256) and ``bundle`` (its
    digest, ``sha256:<hex>``) and write the envelope and the public key under
    ``case_dir``/signoffs/ (neither ever overwritten), and the report's bundle
    (``bundle_data``, compressed, as the report carries it) beside the envelope, so that a
    report made later can say what moved since (``scoring diff`` of the signed inputs)."""
    import json

    from cryptography.hazmat.primitives import serialization

    key = read_private_key(key_path)
    report_sha = file_sha256(report)
    subjects = [(report.name, report_sha)]
    if bundle is not None:
        subjects.append((BUNDLE_SUBJECT, bundle.removeprefix("sha256:")))
    envelope = sign_envelope(statement(subjects, predicate), key)
    keyid = key_id(key.public_key())
    folder = case_dir / SIGNOFFS
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{display_path(folder)}: refused: not a folder of the case (a "
                          "symbolic link or a file); scoring does not write through links")
    name = f"{predicate['date']}-{_slug(str(predicate['reviewer']))}"
    path = folder / f"{name}{ENVELOPE_SUFFIX}"
    k = 1
    while os.path.lexists(path) or os.path.lexists(path.with_suffix("").with_suffix(".bundle")):
        # a second sign-off of the day: -2, -3, ...
        k += 1
        path = folder / f"{name}-{k}{ENVELOPE_SUFFIX}"
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    public_path = folder / f"{keyid}.pub"
    if public_path.exists() and public_path.read_bytes() != public:
        raise OutputError(f"{display_path(public_path)}: holds another key than its name says; "
                          "nothing written")
    text = json.dumps(envelope, indent=2, ensure_ascii=False) + "\n"
    read = inputs + RunInputs.of(files=[report, key_path])
    if bundle_data:
        write_atomic(path.with_name(path.name.removesuffix(ENVELOPE_SUFFIX) + ".bundle"),
                     bundle_data, read, overwrite=False)
    write_atomic(path, text, read, overwrite=False)
    if not public_path.exists():
        write_atomic(public_path, public, inputs + RunInputs.of(files=[report, key_path]),
                     overwrite=False)
    return Signed(path, public_path, keyid)


def predicate_of(reviewer: str, date: dt.date, case_id: str, findings: dict[str, Any],
                 inputs: list[dict[str, str]], scores: list[dict[str, Any]]) -> dict[str, Any]:
    """What a sign-off says: who, when, of which case, the findings' summary, the engine,
    and what the report rests on (its input files' digests and its scores)."""
    return {"reviewer": reviewer, "date": date.isoformat(), "case": case_id,
            "findings": findings, "engine": {"name": "scoring", "version": __version__},
            "inputs": inputs, "scores": scores}
