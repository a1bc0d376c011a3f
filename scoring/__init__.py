"""scoring: YAML rubrics + sourced evidence -> traced scenario risk scores.

Public API::

    import scoring
    case = scoring.load_case("evidence/meta-platforms")
    result = scoring.score(case)
    result.composite("bear"); result.trace["bear/composite"]
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError, Problem, ScoringError  # noqa: E402
from .loader import Case, load_case, load_rubric  # noqa: E402
from .result import Result, score  # noqa: E402

__all__ = [
    "Case", "InputError", "Problem", "Result", "ScoringError", "__version__",
    "load_case", "load_rubric", "score",
]
