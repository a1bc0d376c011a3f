"""scoring: YAML rubrics + sourced evidence -> traced scenario risk scores.

Public API::

    import scoring
    case = scoring.load_case("evidence/meta-platforms")
    result = scoring.score(case)
    result.composite("bear"); result.trace["bear/composite"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem, ScoringError
from .version import __version__

if TYPE_CHECKING:
    from .analysis.result import Result, score
    from .formats.loader import Case, load_case, load_rubric

# Loaded on first use, so that `scoring --help` (and any light import of the package) does not
# pay for pydantic, pandas and numpy.
_LAZY = {"Case": "formats.loader", "load_case": "formats.loader", "load_rubric": "formats.loader",
         "Result": "analysis.result", "score": "analysis.result"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Case", "InputError", "Problem", "Result", "ScoringError", "__version__",
    "load_case", "load_rubric", "score",
]
