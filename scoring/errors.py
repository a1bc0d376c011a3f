"""Errors raised by scoring.

Every error the library raises on purpose is a :class:`ScoringError`. Input problems are
collected as :class:`Problem` records (file, line, column, field, message) so that a run can
report all of them at once; :class:`InputError` carries that list. Only ``cli.py`` turns errors
into exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .display import escape_controls


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, at one place.

    ``line`` and ``col`` are 1-based; 0 means "the whole file" (for example a file that
    cannot be read at all).
    """

    path: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        field = self.field or "(file)"
        line = f"{self.path}:{self.line}:{self.col}: {field}: {self.message}"
        # One problem, one line: a key or value quoted from a file may hold a line break or a
        # terminal control (or bidi override) character; show those escaped.
        return escape_controls(line)


# The page that explains every error; each kind's section has the anchor ``#<slug>``.
ERRORS_PAGE = "docs/errors.md"


class ScoringError(Exception):
    """Base class of every error scoring raises on purpose.

    ``slug`` names the section of docs/errors.md that explains the error.
    """

    slug = "scoring-error"

    @property
    def docs(self) -> str:
        """Where this error is explained: ``docs/errors.md#<slug>``."""
        return f"{ERRORS_PAGE}#{self.slug}"


class InputError(ScoringError):
    """One or more input files are invalid; ``problems`` lists every one found."""

    slug = "input-error"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownTraceId(ScoringError):
    """A trace id was asked for that the result does not contain."""

    slug = "unknown-trace-id"

    def __init__(self, trace_id: str, suggestions: list[str]) -> None:
        self.trace_id = trace_id
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no number with id {trace_id!r} in this result.{hint}")


class OutputError(ScoringError):
    """An output file could not be written (or would overwrite a pinned file). ``folder``:
    the path, when what stands there is a folder where a file is wanted (the command line
    takes that for a usage mistake when the user named the path with ``-o``)."""

    slug = "output-error"

    def __init__(self, message: str, folder: str | None = None) -> None:
        super().__init__(message)
        self.folder = folder


class EngineError(ScoringError):
    """The engine asked for cannot run: Dask is not installed, its scheduler cannot be
    reached, or a worker died again and again on a part."""

    slug = "engine-error"
