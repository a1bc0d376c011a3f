"""Writing outputs without ever leaving a half-written file.

Every output goes to a temporary file in the destination folder and is renamed into place
(an atomic replace on POSIX), so an interrupted or failing run leaves the previous file as it
was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import OutputError


def write_atomic(path: Path, text: str | bytes, *, overwrite: bool = True) -> None:
    """Write ``text`` (str as UTF-8, or bytes as they are) to ``path`` atomically. With
    ``overwrite=False`` an existing file is an error rather than replaced."""
    path = Path(path)
    if not overwrite and path.exists():
        raise OutputError(f"{path}: exists; pass --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps_json(data: Any) -> str:
    """JSON as scoring writes it: stable key order as built, 2-space indent, UTF-8, no NaN;
    control characters and bidi marks as ``\\uXXXX`` escapes, safe to print to a terminal."""
    from .display import json_safe

    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"
