"""How numbers are shown. One rule, used by the terminal table, the trace and the report.

Rounding rule: a value is rounded to the number of decimals its unit sets, by Python's
``format`` (correct rounding of the exact binary value, ties to even). The full-precision value
is always kept beside the rounded one (JSON ``value``; HTML ``data-value``), so a reviewer can
recompute anything exactly.

Units and decimals:

* ``points`` (scores, risk values, contributions, composites; on the rubric's scale): 2
* ``delta`` (a change in points, always signed: +5.32, -0.10, 0.00): 2
* ``fraction`` (confidence, reliability, decay, weights, shares): 4
* ``percent`` (coverage, shown x100 with a % sign): 1
* ``days``: 0
* ``raw`` (an indicator's raw measurement): up to 6 significant digits
"""

from __future__ import annotations

import math

DECIMALS = {"points": 2, "fraction": 4, "percent": 1, "days": 0}


def format_score(value: float | str | None, unit: str = "points") -> str:
    """The display string of ``value`` in ``unit`` (see the module docstring for the rule)."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if not math.isfinite(value):
        return str(value)
    if unit == "percent":
        return f"{value * 100:.{DECIMALS['percent']}f}%"
    if unit == "raw":
        return f"{value:.6g}"
    if unit == "delta":
        text = format_score(value, "points")
        return text if text.startswith("-") or float(text) == 0 else "+" + text
    text = f"{value:.{DECIMALS.get(unit, 2)}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def exact(value: float) -> str:
    """A value written so that a reviewer can recompute from it: 10 significant digits."""
    return f"{value:.10g}"
