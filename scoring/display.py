"""How numbers and text are shown. One rule each, used by the terminal table, the trace, the
report and every message.

Rounding rule: a value is rounded to the number of decimals its unit sets, by Python's
``format`` (correct rounding of the exact binary value, ties to even). The full-precision value
is always kept beside the rounded one (JSON ``value``; HTML ``data-value``), so a reviewer can
recompute anything exactly.

Text from the inputs (ids, names, claims, paths) is shown with terminal control characters
escaped (:func:`escape_controls`), in every human-readable output: a file could otherwise
recolour the terminal, move the cursor, rewrite what was printed before, or reorder text with
a bidi override so that a reviewer reads something other than what the file says.

Units and decimals:

* ``points`` (scores, risk values, contributions, composites; on the rubric's scale): 2, or
  the rubric's ``decimals`` (a published method's own precision: the F-score shows none)
* ``delta`` (a change in points, always signed: +5.32, -0.10, 0.00): as ``points``
* ``fraction`` (confidence, reliability, decay, weights, shares): 4
* ``percent`` (coverage, shown x100 with a % sign): 1
* ``days``: 0
* ``raw`` (an indicator's raw measurement): up to 6 significant digits
"""

from __future__ import annotations

import math
import os
import re
import unicodedata

DECIMALS = {"points": 2, "fraction": 4, "percent": 1, "days": 0}


def format_score(value: float | str | None, unit: str = "points",
                 decimals: int | None = None) -> str:
    """The display string of ``value`` in ``unit`` (see the module docstring for the rule);
    ``decimals``: the rubric's for points and deltas, when it sets one."""
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
        text = format_score(value, "points", decimals)
        return text if text.startswith("-") or float(text) == 0 else "+" + text
    places = decimals if decimals is not None and unit == "points" else DECIMALS.get(unit, 2)
    text = f"{value:.{places}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def exact(value: float) -> str:
    """A value written so that a reviewer can recompute from it: 10 significant digits."""
    return f"{value:.10g}"


# C0 controls and DEL, C1 controls (0x9b is a one-byte CSI: ESC [ on many terminals), and the
# invisible direction marks and overrides of "Trojan Source" (CVE-2021-42574): ALM, LRM, RLM,
# LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI, and the line and paragraph separators.
_MARKS = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_MARKS}]")
# The same but for line breaks and tabs, which lay out a multi-line output.
_LAYOUT_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_MARKS}]")
# What JSON text can still hold raw after json.dumps(ensure_ascii=False), which escapes only
# C0 controls, quotes and backslashes.
_JSON_RAW = re.compile(f"[\x7f-\x9f{_MARKS}]")


# The direction marks, overrides and isolates alone (no line breaks, no C0/C1 controls, which
# pages already refuse or escape): what a page shows inert.
_BIDI = re.compile(f"[{_MARKS}]")


def visible_marks(text: str) -> str:
    """``text`` with every bidi mark, override and isolate (U+202A..U+202E, U+2066..U+2069,
    ALM, LRM, RLM) and the line and paragraph separators written as a visible ``[U+202E]``:
    on a page they would reorder what a reviewer reads, and no one sees them. The marker has
    no character HTML escapes, so it may be applied to a whole rendered page."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text) if _BIDI.search(text) \
        else text


def escape_controls(text: str) -> str:
    """``text`` on one line and safe for a terminal: every control character, line break and
    bidi mark written as its Python escape (``\\x1b``, ``\\n``, ``\\u202e``); the rest as is."""
    return CONTROL.sub(_escape, text)


def terminal_safe(text: str) -> str:
    """A whole multi-line output made safe for a terminal: as :func:`escape_controls`, but
    line breaks and tabs are kept. A last guard for text whose fields were escaped already."""
    return _LAYOUT_CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def json_safe(text: str) -> str:
    """JSON text with the characters ``json.dumps(ensure_ascii=False)`` leaves raw that a
    terminal would act on (DEL, C1 controls, bidi marks) written as ``\\uXXXX`` escapes. They
    only ever occur inside strings, so the data read back is identical."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: 2 for a wide (East Asian) character, 0 for a
    combining mark, 1 otherwise. Alignment only; never fails."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, left: bool = True) -> str:
    """``text`` padded with spaces to ``width`` columns (on the right when ``left``)."""
    fill = " " * max(0, width - text_width(text))
    return text + fill if left else fill + text


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as the user should see it in an error: relative to the working directory
    (with ``..`` when it is outside it), so that it is short and machine-independent."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - different drive on Windows
        return str(path)
