"""The inputs bundle every output carries (docs/trust.md): a manifest (engine, command, as-of,
seed, the SHA-256 of every input file and source snapshot) and the input files themselves,
byte for byte, as one deterministic tar compressed with zlib. One digest names the whole
bundle: ``sha256:`` and the SHA-256 of the uncompressed tar (so a zlib built otherwise, which
may compress the same bytes differently, still gives the same digest).

Reading a bundle back is bounded: the compressed text, the decompressed tar (at most
``MAX_BUNDLE_BYTES``, streamed with a limit, so a zip-bomb-sized bundle is refused after
reading that much) and its members (regular files, unique names, nothing else). Every
problem is a :class:`BundleError` naming the file and what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import tarfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScoringError
from ..version import __version__
from .loader import Case, file_sha256

ENGINE = "rubric-risk-scoring"
BUNDLE_FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"  # the members holding the input files: files/<path relative to the case>
MAX_BUNDLE_BYTES = 64 * 1024 * 1024  # the decompressed tar, at most
MAX_MEMBERS = 10_000
MAX_SNAPSHOT_HASHED = 1024 * 1024 * 1024  # a snapshot larger than this is not hashed
HTML_TYPE = "application/vnd.scoring.bundle+zlib;base64"  # the inert element's type
HTML_ID = "scoring-bundle"
JSON_KEY = "bundle"
_CHUNK = 1 << 16
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


class BundleError(ScoringError):
    """A file whose inputs bundle is missing, broken, too large or inconsistent."""

    slug = "bad-bundle"


@dataclass(frozen=True)
class Bundle:
    """A bundle as read back: its digest (``sha256:<hex>``), its manifest and its files
    (by path relative to the case folder, as the manifest's ``inputs`` name them)."""

    digest: str
    manifest: dict[str, Any]
    files: dict[str, bytes]
    data: bytes  # the compressed bundle, as embedded (before base64)

    @property
    def text(self) -> str:
        """The bundle as base64 text, as HTML and JSON embed it."""
        return base64.b64encode(self.data).decode("ascii")


def make_bundle(case: Case, folder: Path, command: Sequence[str], output: str,
                seed: int, draws: int, options: dict[str, Any] | None = None) -> Bundle:
    """The bundle of ``case`` (loaded from ``folder``) for an ``output`` of kind ``output``
    (html, pdf, json, xlsx) made by ``command`` (argv without the output path). Each file is
    read again and must still have the digest it was scored with. ``seed`` and ``draws``:
    the Monte Carlo's."""
    files: dict[str, bytes] = {}
    inputs = []
    for i in sorted(case.inputs, key=lambda i: i.path):
        data = (folder / i.path).read_bytes()
        if hashlib.sha256(data).hexdigest() != i.sha256:
            raise BundleError(f"{folder / i.path}: the file changed while the report was "
                              "being made; run the command again")
        files[i.path] = data
        inputs.append({"role": i.role, "path": i.path, "sha256": i.sha256})
    rubric = next(i for i in case.inputs if i.role == "rubric")
    manifest = {
        "bundle_format": BUNDLE_FORMAT,
        "engine": {"name": ENGINE, "version": __version__},
        "command": list(command),
        "output": output,
        "case": case.meta.id,
        "as_of": str(case.meta.as_of),
        "seed": seed,
        "draws": draws,
        "rubric": {"id": case.rubric.id, "version": case.rubric.version,
                   "path": rubric.path, "sha256": rubric.sha256},
        "inputs": inputs,
        "snapshots": snapshot_digests(case, folder),
        "options": dict(sorted((options or {}).items())),
    }
    payload = _tar(manifest, files)
    return Bundle("sha256:" + hashlib.sha256(payload).hexdigest(), manifest, files,
                  zlib.compress(payload, 9))


def snapshot_digests(case: Case, folder: Path) -> list[dict[str, Any]]:
    """Each source snapshot: the source, its path, the SHA-256 the source declares, and the
    SHA-256 of the file when it is in the case folder (None when it is not there)."""
    out = []
    for s in sorted(case.sources, key=lambda s: s.id):
        if s.snapshot is None:
            continue
        found = None
        path = folder / s.snapshot
        if not Path(s.snapshot).is_absolute() and ".." not in Path(s.snapshot).parts \
                and path.is_file() and not path.is_symlink() \
                and path.stat().st_size <= MAX_SNAPSHOT_HASHED:
            found = file_sha256(path)
        out.append({"source": s.id, "path": s.snapshot, "declared_sha256": s.sha256,
                    "sha256": found})
    return out


def _tar(manifest: dict[str, Any], files: dict[str, bytes]) -> bytes:
    """The uncompressed tar: the manifest, then each file under ``files/``, sorted, with
    fixed owners, modes and times (the same inputs give the same bytes)."""
    out = io.BytesIO()
    text = json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [(MANIFEST, text.encode("utf-8")),
                           *sorted((FILES + p, d) for p, d in files.items())]:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def decode_bundle(text: str | bytes, where: str, digest: str | None = None) -> Bundle:
    """The bundle whose base64 text is ``text`` (found in ``where``, for messages); with
    ``digest`` (the one the file shows), checked to be that bundle's."""
    raw = text.encode("ascii", "replace") if isinstance(text, str) else text
    try:
        data = base64.b64decode(b"".join(raw.split()), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(f"{where}: the inputs bundle is not valid base64 (the file was "
                          "cut short or edited)") from None
    return open_bundle(data, where, digest)


def open_bundle(data: bytes, where: str, digest: str | None = None) -> Bundle:
    """The bundle of the compressed bytes ``data``: decompressed with a limit, its tar
    read member by member, its manifest checked for the fields a reader needs."""
    payload = _inflate(data, where)
    manifest, files = _members(payload, where)
    got = "sha256:" + hashlib.sha256(payload).hexdigest()
    if digest is not None and digest != got:
        raise BundleError(f"{where}: the file shows bundle {digest} but carries bundle {got} "
                          "(the bundle was swapped or edited)")
    return Bundle(got, manifest, files, data)


def _inflate(data: bytes, where: str) -> bytes:
    """``data`` decompressed, refusing more than ``MAX_BUNDLE_BYTES`` (read in steps: a
    small bundle that would expand to gigabytes stops at the limit)."""
    d = zlib.decompressobj()
    out = bytearray()
    rest = data
    try:
        while rest:
            out += d.decompress(rest, MAX_BUNDLE_BYTES + 1 - len(out))
            if len(out) > MAX_BUNDLE_BYTES:
                raise BundleError(f"{where}: the inputs bundle expands to more than "
                                  f"{MAX_BUNDLE_BYTES // (1024 * 1024)} MiB; refused")
            rest = d.unconsumed_tail
            if d.eof:
                break
    except zlib.error as exc:
        raise BundleError(f"{where}: the inputs bundle is not valid compressed data "
                          f"({exc})") from None
    if not d.eof:
        raise BundleError(f"{where}: the inputs bundle is cut short (its compressed data "
                          "ends early)")
    if d.unused_data:
        raise BundleError(f"{where}: the inputs bundle has data after its end")
    return bytes(out)


def _members(payload: bytes, where: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    manifest: dict[str, Any] | None = None
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:") as tar:
            for k, info in enumerate(tar):
                if k >= MAX_MEMBERS or not info.isreg():
                    what = "too many members" if k >= MAX_MEMBERS else "a member that is " \
                        "not a file"
                    raise BundleError(f"{where}: the inputs bundle holds {what} "
                                      f"({info.name!r})")
                fh = tar.extractfile(info)
                assert fh is not None
                data = fh.read()
                if info.name == MANIFEST and manifest is None:
                    manifest = _manifest(data, where)
                elif info.name.startswith(FILES) and info.name[len(FILES):] not in files:
                    files[info.name[len(FILES):]] = data
                else:
                    raise BundleError(f"{where}: the inputs bundle holds an unexpected or "
                                      f"repeated member {info.name!r}")
    except (tarfile.TarError, EOFError) as exc:
        raise BundleError(f"{where}: the inputs bundle is not a valid archive "
                          f"({exc})") from None
    if manifest is None:
        raise BundleError(f"{where}: the inputs bundle has no manifest")
    return manifest, files


def _manifest(data: bytes, where: str) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{where}: the bundle's manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("inputs"), list) \
            or not isinstance(manifest.get("engine"), dict):
        raise BundleError(f"{where}: the bundle's manifest lacks its engine or inputs")
    return manifest


def is_digest(text: str) -> bool:
    """Whether ``text`` is a bundle digest, ``sha256:`` and 64 hex digits."""
    return bool(_DIGEST.match(text))


def read_bundle(path: Path) -> Bundle:
    """The inputs bundle of the output at ``path``, whatever its kind (HTML, JSON, PDF,
    xlsx: told by its first bytes), checked against the digest the file shows."""
    from . import bundle_embed

    return bundle_embed.read(path)
