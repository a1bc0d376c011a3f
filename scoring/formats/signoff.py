"""Sign-off files: Ed25519 keys (PEM), and a reviewer's sign-off as an in-toto Statement v1
in a DSSE envelope (docs/trust.md#review-and-sign-off).

* A key pair is ``KEYFILE`` (the private key, PKCS#8 PEM, mode 0600) and ``KEYFILE.pub``
  (SubjectPublicKeyInfo PEM). A key's id is the SHA-256 (hex) of its public key's DER
  bytes: what ``keyid`` in an envelope names. Keys of any other kind are refused.
* The envelope is DSSE's JSON form (https://github.com/secure-systems-lab/dsse):
  ``payloadType`` ``application/vnd.in-toto+json``, ``payload`` the statement's bytes in
  base64, and one signature over the pre-authentication encoding
  ``PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`` (lengths in
  bytes, ASCII decimal), never over the payload alone.
* The statement (https://in-toto.io/Statement/v1) names as subjects the report file
  (its SHA-256) and the report's inputs bundle (its digest), and as predicate
  (``PREDICATE_TYPE``) the reviewer, the date, the findings' summary, the engine's version
  and what the sign-off rests on: each input file's SHA-256 and each scenario's composite,
  so that a report made later can tell whether its inputs are still the ones signed.

The cryptography is the ``cryptography`` library's; nothing here is hand-rolled but the
PAE, which the DSSE specification defines byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..display import display_path
from ..errors import InputError, Problem, ScoringError
from .loader import file_sha256

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://github.com/rubric-risk-scoring/rubric-risk-scoring/signoff/v1"
MAX_ENVELOPE_BYTES = 1024 * 1024  # a sign-off is a few kilobytes
MAX_KEY_BYTES = 64 * 1024


class SignoffError(ScoringError):
    """A sign-off cannot be made or does not verify: a blocking finding is open, the
    signature is not the key's, or the envelope is of another report."""

    slug = "signoff-error"


def pae(payload_type: str, body: bytes) -> bytes:
    """DSSE's pre-authentication encoding of ``body`` of type ``payload_type``."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def _problem(path: Path, field: str, message: str) -> InputError:
    return InputError([Problem(display_path(path), 0, 0, field, message)])


def _read(path: Path, limit: int, field: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise _problem(path, field, "file not found") from None
    except OSError as exc:
        raise _problem(path, field, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _problem(path, field, f"file is more than {limit} bytes; not a {field}")
    return data


def _kind(key: object) -> str:
    name = type(key).__name__.lstrip("_").replace("PrivateKey", "").replace("PublicKey", "")
    return name or "unknown"


# ---------------------------------------------------------------- keys
def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 key pair as (private PEM, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def key_id(public: Any) -> str:
    """The SHA-256 (hex) of an Ed25519 public key's DER (SubjectPublicKeyInfo) bytes."""
    from cryptography.hazmat.primitives import serialization

    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def exposed(path: Path) -> int | None:
    """The mode of a private key file that others (group or world) may read, else None."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    return mode if mode & 0o077 else None


def read_private_key(path: Path) -> Any:
    """The Ed25519 private key in the PEM file ``path``; an InputError for anything else
    (a public key, another kind of key, a key protected by a passphrase, not a key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read(path, MAX_KEY_BYTES, "private key")
    if b"PUBLIC KEY" in data:
        raise _problem(path, "private key", "this is a public key; --key names the private "
                                            "key (KEYFILE, not KEYFILE.pub)")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise _problem(path, "private key", "the key is protected by a passphrase; scoring "
                                            "reads unencrypted Ed25519 keys (scoring keygen)") \
            from None
    except (ValueError, binascii.Error) as exc:
        raise _problem(path, "private key", f"not a PEM private key ({exc})") from None
    except Exception as exc:  # the library's UnsupportedAlgorithm for a curve it lacks
        raise _problem(path, "private key", f"not a key scoring can read ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _problem(path, "private key", f"the key is {_kind(key)}, not Ed25519; sign-offs "
                                            "are signed with Ed25519 keys only (scoring keygen "
                                            "KEYFILE)")
    return key


def read_public_key(path: Path) -> Any:
    """The Ed25519 public key in the PEM file ``path``; an InputError for anything else."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = _read(path, MAX_KEY_BYTES, "public key")
    if b"PRIVATE KEY" in data:
        raise _problem(path, "public key", "this is a private key; give its KEYFILE.pub "
                                           "(never hand a private key to a verifier)")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, binascii.Error) as exc:
        raise _problem(path, "public key", f"not a PEM public key ({exc})") from None
    except Exception as exc:  # the library's UnsupportedAlgorithm
        raise _problem(path, "public key", f"not a key scoring can read ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise _problem(path, "public key", f"the key is {_kind(key)}, not Ed25519; sign-offs "
                                           "are signed with Ed25519 keys only")
    return key


# ---------------------------------------------------------------- envelopes
def statement(subjects: list[tuple[str, str]], predicate: dict[str, Any]) -> dict[str, Any]:
    """An in-toto Statement v1 of ``subjects`` (name, ``sha256`` hex) and our predicate."""
    return {"_type": STATEMENT_TYPE,
            "subject": [{"name": name, "digest": {"sha256": hexdigest}}
                        for name, hexdigest in subjects],
            "predicateType": PREDICATE_TYPE, "predicate": predicate}


def canonical(data: Any) -> bytes:
    """The statement's bytes: JSON with sorted keys, no spaces, UTF-8 (the same data always
    gives the same payload)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sign_envelope(data: dict[str, Any], key: Any) -> dict[str, Any]:
    """The DSSE envelope of the statement ``data`` signed by the Ed25519 private ``key``."""
    body = canonical(data)
    signature = key.sign(pae(PAYLOAD_TYPE, body))
    return {"payload": base64.b64encode(body).decode("ascii"), "payloadType": PAYLOAD_TYPE,
            "signatures": [{"keyid": key_id(key.public_key()),
                            "sig": base64.b64encode(signature).decode("ascii")}]}


@dataclass(frozen=True)
class Envelope:
    """An envelope as read: its signed ``body`` (bytes), the statement it holds, and its
    signatures as (keyid, signature bytes)."""

    path: str
    body: bytes
    statement: dict[str, Any]
    signatures: tuple[tuple[str, bytes], ...]

    @property
    def predicate(self) -> dict[str, Any]:
        value = self.statement.get("predicate")
        return value if isinstance(value, dict) else {}

    def subject(self, name: str) -> str | None:
        """The sha256 of the subject called ``name`` (``report``, ``bundle``), if any."""
        for s in self.statement.get("subject", []):
            if isinstance(s, dict) and s.get("name") == name:
                digest = s.get("digest")
                return digest.get("sha256") if isinstance(digest, dict) else None
        return None

    def signed_by(self, public: Any) -> bool:
        """Whether a signature of the envelope is ``public``'s, over the PAE of its body."""
        from cryptography.exceptions import InvalidSignature

        wanted = key_id(public)
        message = pae(PAYLOAD_TYPE, self.body)
        for keyid, sig in self.signatures:
            if keyid != wanted:
                continue
            try:
                public.verify(sig, message)
            except InvalidSignature:
                continue
            return True
        return False


def read_envelope(path: Path) -> Envelope:
    """The DSSE envelope at ``path``, its payload an in-toto statement of our predicate;
    an InputError naming the JSON path of what is wrong."""
    shown = display_path(path)
    data = _read(path, MAX_ENVELOPE_BYTES, "envelope")

    def bad(where: str, message: str) -> InputError:
        return InputError([Problem(shown, 0, 0, where, message)])

    try:
        env = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad("", f"not a DSSE envelope: not JSON ({exc})") from None
    if not isinstance(env, dict):
        raise bad("", "not a DSSE envelope: not a JSON object")
    if env.get("payloadType") != PAYLOAD_TYPE:
        raise bad("payloadType", f"must be {PAYLOAD_TYPE!r}, not {env.get('payloadType')!r}")
    try:
        body = base64.b64decode(str(env.get("payload", "")), validate=True)
        inner = json.loads(body.decode("utf-8"))
    except (binascii.Error, ValueError) as exc:
        raise bad("payload", f"not base64 of a JSON statement ({exc})") from None
    if not isinstance(inner, dict) or inner.get("_type") != STATEMENT_TYPE:
        raise bad("payload._type", f"not an in-toto Statement v1 ({STATEMENT_TYPE})")
    if inner.get("predicateType") != PREDICATE_TYPE:
        raise bad("payload.predicateType", f"not a scoring sign-off ({PREDICATE_TYPE})")
    sigs = env.get("signatures")
    if not isinstance(sigs, list) or not sigs:
        raise bad("signatures", "no signature")
    out = []
    for k, s in enumerate(sigs):
        try:
            out.append((str(s["keyid"]), base64.b64decode(str(s["sig"]), validate=True)))
        except (KeyError, TypeError, binascii.Error):
            raise bad(f"signatures[{k}]", "needs keyid and sig (base64)") from None
    return Envelope(shown, body, inner, tuple(out))


@dataclass(frozen=True)
class SignoffCheck:
    """A sign-off that verified: who signed, when, with which key, and what."""

    reviewer: str
    date: str
    keyid: str
    report_sha256: str
    bundle: str | None  # the bundle digest signed, ``sha256:<hex>``, if any


def check_signoff(report: Path, envelope_path: Path, public_path: Path,
                  bundle: str | None = None) -> SignoffCheck:
    """Check that the envelope at ``envelope_path`` is signed by the Ed25519 public key at
    ``public_path`` and signs ``report`` (its SHA-256) and, when the report carries one,
    its inputs bundle ``bundle``. An InputError naming what does not hold: a signature by
    another key, an envelope of another report or another bundle."""
    env = read_envelope(envelope_path)
    public = read_public_key(public_path)
    problems = []
    if not env.signed_by(public):
        theirs = ", ".join(k[:16] + "…" for k, _ in env.signatures)
        problems.append(Problem(env.path, 0, 0, "signatures",
                                f"not signed by the key {display_path(public_path)} "
                                f"(keyid {key_id(public)[:16]}…): signed by keyid {theirs}, "
                                "or the envelope was altered"))
    if not report.is_file():
        raise _problem(report, "report", "report not found")
    subjects = env.statement.get("subject") or [{}]
    first = subjects[0] if isinstance(subjects[0], dict) else {}
    signed = (first.get("digest") or {}).get("sha256")
    have = file_sha256(report)
    if signed != have:
        problems.append(Problem(env.path, 0, 0, "subject[0].digest.sha256",
                                f"signs another report ({str(first.get('name'))!r}, sha256 "
                                f"{str(signed)[:16]}…); {display_path(report)} is sha256 "
                                f"{have[:16]}…"))
    signed_bundle = env.subject("inputs-bundle")
    if bundle is not None and (signed_bundle is None or "sha256:" + signed_bundle != bundle):
        said = "no bundle" if signed_bundle is None else f"bundle sha256:{signed_bundle[:16]}…"
        problems.append(Problem(env.path, 0, 0, "subject[1].digest.sha256",
                                f"signs {said}; the report carries {bundle[:23]}…"))
    if problems:
        raise InputError(problems)
    p = env.predicate
    return SignoffCheck(str(p.get("reviewer", "")), str(p.get("date", "")), key_id(public),
                        have, None if signed_bundle is None else "sha256:" + signed_bundle)


@dataclass(frozen=True)
class OnFile:
    """A sign-off found in a case's signoffs/ folder: its envelope when it reads, whether
    its signature is the key's kept beside it (``signoffs/<keyid>.pub``), else why not."""

    path: str
    envelope: Envelope | None
    keyid: str
    verified: bool
    problem: str | None


def read_signoffs(case_dir: Path) -> tuple[OnFile, ...]:
    """Every ``*.dsse.json`` of ``case_dir``/signoffs/, in name order, each checked against
    the public key of its keyid in the same folder. A file that does not read, or whose
    signature does not verify, is returned with its problem: shown, never dropped."""
    folder = case_dir / "signoffs"
    if not folder.is_dir():
        return ()
    out = []
    for path in sorted(folder.glob("*.dsse.json")):
        try:
            env = read_envelope(path)
        except InputError as exc:
            out.append(OnFile(display_path(path), None, "", False,
                              "; ".join(p.message for p in exc.problems)))
            continue
        keyid = env.signatures[0][0]
        if not re.fullmatch(r"[0-9a-f]{64}", keyid):
            out.append(OnFile(display_path(path), env, keyid, False, "keyid is not a SHA-256"))
            continue
        public_path = folder / f"{keyid}.pub"
        try:
            public = read_public_key(public_path)
        except InputError as exc:
            out.append(OnFile(display_path(path), env, keyid, False,
                              "; ".join(p.message for p in exc.problems)))
            continue
        ok = key_id(public) == keyid and env.signed_by(public)
        out.append(OnFile(display_path(path), env, keyid, ok,
                          None if ok else "the signature does not verify with the key of "
                                          "its keyid: the envelope was altered"))
    return tuple(out)
