"""The rubric's measures of every case at once (docs/method.md, "Measures").

A case reports figures (``figures.yaml``): numbers from its sources, each of the case's
period or its prior period. A measure is a formula over figures and other measures
(``method/expr.py``); it is evaluated once per measure over all cases of a set, one numpy
operation per node of its formula, measures in the order they read each other.

A value that cannot be computed is NaN with the reason per case (``expr.FAULTS``): a figure
the case does not report (or does not report for the prior period) is a missing input, and
so is every measure that reads it; a division by zero or the log of a number that is not
above 0 is named as such. A factor scored by a measure (``factor.measure``) gets one row
per case whose score is the measure's value; where the value is missing that row counts for
nothing (confidence 0), so the factor follows its ``missing`` policy: excluded, or scored
at its ``impute`` value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..method import expr
from .evidence import Evidence
from .models import Rubric


@dataclass(frozen=True)
class Measured:
    """Every measure (and figure) of ``n`` cases: by name, its values and fault codes
    (``expr.OK`` where the value is a number); figures' prior-period values by figure; the
    tree of each measure's formula; measures in the order they were computed."""

    n: int
    values: dict[str, np.ndarray]
    faults: dict[str, np.ndarray]
    priors: dict[str, np.ndarray]
    trees: dict[str, expr.Node]
    order: tuple[str, ...]


def measure(rubric: Rubric, evidence: Evidence, n: int) -> Measured:
    """The figures and measures of ``n`` cases (the cases of ``evidence``)."""
    ids = [f.id for f in rubric.figures]
    figs = evidence.figures
    code = np.asarray(pd.Categorical(figs["figure"].to_numpy(dtype=object),
                                     categories=ids).codes, dtype=np.int64)
    case = figs["case"].to_numpy(dtype=np.int64)
    value = figs["value"].to_numpy(dtype=float)
    prior = figs["prior"].to_numpy(dtype=bool)
    now, before = np.full((n, len(ids)), np.nan), np.full((n, len(ids)), np.nan)
    known = code >= 0  # checked: every figure is the rubric's
    now[case[known & ~prior], code[known & ~prior]] = value[known & ~prior]
    before[case[known & prior], code[known & prior]] = value[known & prior]
    values = {f: now[:, j] for j, f in enumerate(ids)}
    priors = {f: before[:, j] for j, f in enumerate(ids)}
    faults = {f: _missing(v) for f, v in values.items()}
    trees = {m.id: expr.parse(m.formula) for m in rubric.measures}
    ordered, _ = expr.order(trees)  # checked: no measure reads itself

    def value_of(name: str) -> expr.Values:
        return values[name], faults[name]

    def prior_of(name: str) -> expr.Values:
        return priors[name], _missing(priors[name])

    for m in ordered:
        values[m], faults[m] = expr.evaluate(trees[m], value_of, prior_of, n)
    return Measured(n, values, faults, priors, trees, tuple(ordered))


def outside(values: np.ndarray, rubric: Rubric) -> np.ndarray:
    """Which values lie off the rubric's scale: a factor scored by such a measure counts it
    as missing (a formula on a closed scale must keep its values on it)."""
    with np.errstate(invalid="ignore"):
        return np.asarray((values < rubric.scale.lo) | (values > rubric.scale.hi))


def _missing(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), expr.MISSING, expr.OK).astype(np.int8)
