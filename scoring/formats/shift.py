"""The scenario shift rule (docs/method.md, step 10), in one place.

A ``shift_value`` change adds ``by`` to the item's current value: its value in the case, or
the value an earlier change of the scenario set, shifted by the earlier shifts, in order.
Only a number is shifted; a label (or no value) is left as it is. The same function makes
the values of a scenario's rows (``tables.overlay``) and the values a scenario's shifts
write, whose rule is checked when the case is loaded (``checks.shifted_values``), so the
value checked is the value scored.
"""

from __future__ import annotations

import numpy as np


def is_number(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` (an object array) are numbers: ints and floats, not booleans."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    return np.asarray(_NUMBER(values), dtype=bool)


_NUMBER = np.frompyfunc(
    lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), 1, 1)


def shift(values: np.ndarray, by: object) -> np.ndarray:
    """``values`` (an object array) with ``by`` (a number, or an object array of one number
    per value) added to each value that is a number; the others as they are. The addition is
    Python's: an int shifted by an int stays an int, and by a float becomes a float."""
    out = values.copy()
    num = is_number(values)
    out[num] = values[num] + (by[num] if isinstance(by, np.ndarray) else by)
    return out
