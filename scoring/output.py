"""Writing outputs without ever destroying anything.

Every output goes to a temporary file in the destination folder and is renamed into place
(an atomic replace on POSIX), so an interrupted or failing run leaves the previous file as it
was. Before that, :func:`guard` refuses a target that is an input of the run, lies inside a
folder the run reads (a case, rubrics, universe or snapshot folder), is a pinned
``expected.yaml``, or is not a plain file (a folder, a symbolic link, a device, a FIFO, a
socket). No option overrides the guard. One exception, for the path a user names with ``-o``
(``device_ok``): a character device or a FIFO there (``/dev/null``, ``/dev/stdout``, a named
pipe) is what the user asked to write to, so it is written to as a stream, never replaced.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import secrets
import signal
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import OutputError

PINNED_FILE = "expected.yaml"  # only `pin` and `check --update` may write one

# The system's words for the faults a write can meet, said the way a user acts on them.
_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large (the file size limit was reached)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.EISDIR: "is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ELOOP: "too many levels of symbolic links (a symbolic link loop)",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOENT: "no such file or folder",
    errno.EEXIST: "a file is in the way",
    errno.EIO: "input/output error",
}


@dataclass(frozen=True)
class RunInputs:
    """What a run reads, so that no output lands on it: ``files`` read and ``folders`` whose
    every file is off limits (case, rubrics, universe and snapshot folders). Paths are
    resolved (absolute, symbolic links followed) when they are made with :meth:`of`."""

    files: tuple[Path, ...] = ()
    folders: tuple[Path, ...] = ()
    # Folders whose own files are off limits but whose sub-folders are not: a rubric's folder
    # (a rubric kept at a project's root must not forbid writing reports/ below it).
    shallow: tuple[Path, ...] = ()

    @classmethod
    def of(cls, files: Iterable[Path] = (), folders: Iterable[Path] = (),
           shallow: Iterable[Path] = ()) -> RunInputs:
        return cls(tuple(sorted({_resolve(Path(p)) for p in files})),
                   tuple(sorted({_resolve(Path(p)) for p in folders})),
                   tuple(sorted({_resolve(Path(p)) for p in shallow})))

    @classmethod
    def union(cls, many: Iterable[RunInputs]) -> RunInputs:
        files: set[Path] = set()
        folders: set[Path] = set()
        shallow: set[Path] = set()
        for one in many:
            files.update(one.files)
            folders.update(one.folders)
            shallow.update(one.shallow)
        return cls(tuple(sorted(files)), tuple(sorted(folders)), tuple(sorted(shallow)))

    def __add__(self, other: RunInputs) -> RunInputs:
        return RunInputs.union([self, other])

    @functools.cached_property
    def _file_set(self) -> frozenset[Path]:
        return frozenset(self.files)

    @functools.cached_property
    def _folder_set(self) -> frozenset[Path]:
        return frozenset(self.folders)

    @functools.cached_property
    def _identities(self) -> frozenset[tuple[int, int]]:
        """(device, inode) of every input file: a hard link to one, or another spelling of
        it on a case-insensitive disk, is the same file."""
        out = set()
        for file in self.files:
            try:
                st = os.stat(file)
            except OSError:
                continue
            out.add((st.st_dev, st.st_ino))
        return frozenset(out)

    def holds(self, resolved: Path, st: os.stat_result | None) -> bool:
        """Whether the resolved path (with its lstat, when it exists) is an input file."""
        return resolved in self._file_set or \
            (st is not None and (st.st_dev, st.st_ino) in self._identities)

    def folder_around(self, resolved: Path) -> Path | None:
        """The input folder that ``resolved`` is (or lies inside), if any."""
        if resolved.parent in self.shallow or resolved in self.shallow:
            return resolved.parent if resolved.parent in self.shallow else resolved
        return next((p for p in (resolved, *resolved.parents) if p in self._folder_set), None)


NO_INPUTS = RunInputs()


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: keep the absolute spelling
        return Path(os.path.abspath(path))


def reason(exc: OSError) -> str:
    """A one-line reason for an operating-system error, in plain words."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def is_stream(path: Path) -> bool:
    """Whether ``path`` is (or links to) a character device or a FIFO: written to as a stream
    when a user names it, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


# What /dev/stdout, /dev/stderr and /dev/fd/N lead to on Linux (and /dev/fd/N elsewhere).
_OPEN_FILE = re.compile(r"^/(?:proc/self|dev)/fd/(\d+)$")


def _refusal(path: Path, want: Literal["file", "folder"], inputs: RunInputs,
             pinned: bool, device_ok: bool = False) -> str | None:
    """Why ``path`` must not be written, or None."""
    if not pinned and path.name.lower() == PINNED_FILE:
        return f"is a pinned {PINNED_FILE}; only `scoring pin` and `scoring check --update` " \
               "write those"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # the path cannot be reached: the same fault as a failed write
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    if want == "file" and device_ok and is_stream(path):
        resolved = _resolve(path)
        return "is an input of this run" if inputs.holds(resolved, os.stat(path)) else None
    if st is not None and stat.S_ISLNK(st.st_mode):
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "is a symbolic link loop"
        # Replacing a link would lose it, and writing through it would land elsewhere.
        target = os.readlink(path)
        fds = os.path.realpath("/proc/self/fd")  # /proc/<this process>/fd
        fd = _OPEN_FILE.match(target) or _OPEN_FILE.match(
            "/proc/self/fd/" + path.name if os.path.realpath(path.parent) == fds else "")
        if fd is not None:  # /dev/stdout, /dev/fd/N: an open file of this process
            try:
                mode = os.stat(path).st_mode
                kind = "a regular file" if stat.S_ISREG(mode) else _kind(mode)
            except OSError:
                kind = "closed"
            return f"is this run's open file {fd.group(1)} (standard output is 1), which is " \
                   f"{kind}: scoring replaces a file, never writes through a link; name " \
                   "that file with -o, or leave -o out and redirect standard output"
        return f"is a symbolic link (to {target}); scoring does not write " \
               "through links: remove it or write elsewhere"
    if st is not None:
        if want == "file" and not stat.S_ISREG(st.st_mode):
            return f"is {_kind(st.st_mode)}, not a regular file" if not \
                stat.S_ISDIR(st.st_mode) else "is a folder; give the file to write"
        if want == "folder" and not stat.S_ISDIR(st.st_mode):
            return "is a file; a universe report is a folder (index.html and cases/)" if \
                stat.S_ISREG(st.st_mode) else f"is {_kind(st.st_mode)}, not a folder"
    resolved = _resolve(path)
    if inputs.holds(resolved, st):
        return "is an input of this run"
    # A case's own expected.yaml is the one file pin and check --update write in a case folder.
    around = None if pinned else inputs.folder_around(resolved)
    if around is not None:
        return f"is inside {_shown(around)}, a folder this run reads"
    return None


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - different drive on Windows
        return str(path)


def guard(path: Path, want: Literal["file", "folder"], inputs: RunInputs, *,
          pinned: bool = False, device_ok: bool = False) -> None:
    """Raise OutputError when writing ``path`` (a ``file``, or a ``folder`` of files) could
    destroy an input, a pinned file or something that is not a plain file (with ``folder``
    set when a folder stands where a file is wanted). ``pinned``: the caller writes a
    case's expected.yaml (pin, check --update); ``device_ok``: ``path`` is the one a user
    named (``-o``), and a character device or FIFO there is written to as a stream."""
    why = _refusal(Path(path), want, inputs, pinned, device_ok)
    if why is not None:
        folder = str(path) if want == "file" and why.startswith("is a folder") else None
        raise OutputError(f"{path}: refused: {why}", folder)


def make_folder(path: Path, inputs: RunInputs) -> None:
    """Create the output folder ``path`` (and its parents) after guarding it."""
    guard(path, "folder", inputs)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None


def _create(path: str) -> int:
    """Make the file ``path`` (it must not exist: never someone else's) with the mode a plain
    open() gives (the umask applies), for writing; its descriptor."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)


def _fresh(folder: Path, name: str, suffix: str) -> str:
    """A path for a temporary file or folder next to ``name`` in ``folder``, not yet made.
    Callers record it before they make it: an interruption at any point then leaves nothing
    their clean-up cannot find. (Blocking SIGTERM while it is made would not do: the mask is
    the thread's, another thread of the process may take the signal, and this one then runs
    the handler between the making and the recording.)"""
    return str(folder / f".{name}.{secrets.token_hex(8)}{suffix}")


class Interrupted(BaseException):
    """The run was stopped by SIGTERM. A BaseException, like KeyboardInterrupt for SIGINT, so
    that no ``except Exception`` takes it for an error to handle."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


def on_sigterm_raise() -> Any:
    """Make SIGTERM raise :class:`Interrupted` in this process (its main thread), so that
    ``finally`` blocks run and temporary files are removed; the default would kill at once.
    Returns the previous handler."""
    return signal.signal(signal.SIGTERM, _raise_interrupted)


def _write_bytes(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_all(fd: int, data: bytes) -> None:
    _write_bytes(fd, data)
    os.fsync(fd)


def write_atomic(path: Path, text: str | bytes | Iterable[str], inputs: RunInputs, *,
                 overwrite: bool = True, pinned: bool = False, device_ok: bool = False) -> None:
    """Write ``text`` (str as UTF-8, bytes as they are, or an iterable of str pieces, written
    as they come so that a large output is never held whole) to ``path`` atomically, after
    :func:`guard` allowed it against the run's ``inputs``. With ``overwrite=False`` an
    existing file is an error rather than replaced. Any failure, or SIGINT/SIGTERM, leaves the
    previous file as it was and no temporary file behind. With ``device_ok`` (``path`` is the
    one the user named), a character device or FIFO is written to in place, as a stream."""
    path = Path(path)
    guard(path, "file", inputs, pinned=pinned, device_ok=device_ok)
    if device_ok and is_stream(path):
        _write_stream(path, text)
        return
    if not overwrite and path.exists():
        raise OutputError(f"{path}: exists; pass --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    tmp: str | None = None
    fd = -1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = _fresh(folder, path.name, ".tmp")
        fd = _create(tmp)
        if isinstance(text, str | bytes):
            _write_all(fd, text.encode("utf-8") if isinstance(text, str) else text)
        else:
            for piece in text:
                _write_bytes(fd, piece.encode("utf-8"))
            os.fsync(fd)
        os.close(fd)
        fd = -1
        # Checked again just before the rename: the target may have changed meanwhile.
        guard(path, "file", inputs, pinned=pinned)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _write_stream(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write to a device or FIFO the user named: opened as it is (never created, truncated
    or replaced; a terminal never made the controlling one), no fsync (a device may not
    take one). What was opened is checked to be a stream still: a regular file put in its
    place since the guard looked would otherwise be overwritten in place, not replaced."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        os.close(fd)
        raise OutputError(f"{path}: refused: it changed while being written (now "
                          f"{_kind(mode) if not stat.S_ISREG(mode) else 'a regular file'}); "
                          "run again")
    try:
        pieces = [text] if isinstance(text, str | bytes) else text
        for piece in pieces:
            _write_bytes(fd, piece.encode("utf-8") if isinstance(piece, str) else piece)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    finally:
        os.close(fd)


def dumps_json(data: Any) -> str:
    """JSON as scoring writes it: stable key order as built, 2-space indent, UTF-8, no NaN;
    control characters and bidi marks as ``\\uXXXX`` escapes, safe to print to a terminal."""
    from .display import json_safe

    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def write_folder(path: Path, fill: Callable[[Path], RunInputs], inputs: RunInputs,
                 own: str, own_folders: str | None = None) -> None:
    """Write a folder of files (a partitioned Parquet dataset) as a whole: ``fill`` writes
    them into a temporary folder beside ``path`` and returns what the run read, which is
    guarded again before the temporary folder takes the place of ``path``. An existing
    ``path`` is replaced only when it holds nothing but regular files whose names match
    ``own`` (a glob: what this writer writes), or folders named by the glob ``own_folders``
    that hold only such files; it is kept until the new folder is in place.
    Any failure, or SIGINT/SIGTERM, leaves ``path`` as it was and no temporary folder."""
    import fnmatch
    import shutil

    path = Path(path)

    def check(inputs: RunInputs) -> None:
        guard(path, "folder", inputs)
        if path.is_dir():
            def ours(p: Path, folders: bool) -> bool:
                if p.is_symlink():
                    return False
                if folders and own_folders is not None and p.is_dir() and \
                        fnmatch.fnmatch(p.name, own_folders):
                    return all(ours(q, False) for q in p.iterdir())
                return p.is_file() and fnmatch.fnmatch(p.name, own)

            alien = sorted(p.name for p in path.iterdir() if not ours(p, True))
            if alien:
                raise OutputError(f"{path}: refused: holds {alien[0]!r}, which scoring did "
                                  f"not write (only {own} files are replaced); write "
                                  "elsewhere or empty the folder")

    check(inputs)
    parent = path.parent if str(path.parent) else Path(".")
    tmp: str | None = None
    old: str | None = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = _fresh(parent, path.name, ".tmp")
        os.mkdir(tmp, 0o700)
        read = fill(Path(tmp))
        check(inputs + read)
        if path.is_dir():
            old = _fresh(parent, path.name, ".old")
            os.mkdir(old, 0o700)
            os.rename(path, Path(old) / "x")
        os.chmod(tmp, 0o777 & ~_umask())
        os.rename(tmp, path)
        tmp = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    finally:
        if tmp is not None:
            if old is not None and not path.exists():  # put the previous folder back
                os.rename(Path(old) / "x", path)
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
