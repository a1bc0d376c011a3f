"""Rules that relate values to each other, each reported at the exact place it is broken.

``check_rubric`` and ``check_case`` return lists of problems rather than raising, so a run
reports every problem in every file at once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..errors import Problem
from ..method import expr
from .checks_judgement import check_gates, check_overrides, scale_text
from .evidence import value_problems
from .models import (
    Assume,
    CategoriesMapping,
    DropItem,
    Impute,
    Indicator,
    LinearMapping,
    LogMapping,
    Rubric,
    ScenariosFile,
    SetValue,
    SetWeight,
    ShiftValue,
)
from .shift import is_number, shift
from .yamlio import PathKey, YamlDoc

# Weights of a weighted_sum composite may add up to 1 plus this much rounding slack.
SUM_SLACK = 1e-9
# Below these, decay (age / half-life) and a linear mapping ((x - lo) / (hi - lo)) overflow.
MIN_HALF_LIFE_DAYS = 1e-6
MIN_INPUT_RANGE = 1e-100
RESERVED_SCENARIO = "base"
# Trace ids start with a scenario id or one of these words, so no scenario may take them.
RESERVED_PREFIXES = frozenset({"rubric", "source", "item", "case", "scenario"})


def _duplicates(ids: Iterable[str]) -> dict[int, int]:
    """Map index of each repeated id to the index of its first occurrence."""
    first: dict[str, int] = {}
    dup: dict[int, int] = {}
    for i, ident in enumerate(ids):
        if ident in first:
            dup[i] = first[ident]
        else:
            first[ident] = i
    return dup


def check_rubric(rubric: Rubric, doc: YamlDoc) -> list[Problem]:
    out: list[Problem] = []
    lo, hi = rubric.scale.lo, rubric.scale.hi
    if lo >= hi:
        out.append(doc.problem(("scale", "max"), f"scale max ({rubric.scale.max}) must be "
                                                 f"above min ({rubric.scale.min})"))
        return out
    span = scale_text(rubric)

    def on_scale(loc: PathKey, value: float, what: str) -> None:
        if not lo <= value <= hi:
            out.append(doc.problem(loc, f"{what} {value} is outside the scale {span}"))

    points = rubric.composite == "points"
    for fi, factor in enumerate(rubric.factors):
        if not points and not factor.weight > 0:
            out.append(doc.problem(("factors", fi, "weight"), "input should be greater than 0"))
        elif points and factor.weight == 0:
            out.append(doc.problem(("factors", fi, "weight"),
                                   "a coefficient of 0 makes the factor count for nothing; "
                                   "remove the factor instead"))
        if factor.polarity == "strength" and (lo == -math.inf or hi == math.inf):
            out.append(doc.problem(("factors", fi, "polarity"),
                                   "polarity strength flips a score within the scale "
                                   "(lo + hi - score); an open scale has no such flip: use "
                                   "polarity risk and a coefficient of the other sign"))
    if not points and rubric.intercept != 0:
        out.append(doc.problem(("intercept",), "only a points composite has an intercept"))
    if (lo == -math.inf or hi == math.inf) and rubric.composite == "weighted_sum":
        out.append(doc.problem(("scale",), "weighted_sum needs a closed scale"))
    if (lo == -math.inf or hi == math.inf) and rubric.uncertainty_max_sd is None:
        out.append(doc.problem(("uncertainty_max_sd",),
                               "an open scale needs uncertainty_max_sd (the spread of an item "
                               "with confidence 0, in points): it cannot be a share of the "
                               "scale's width"))

    hl = rubric.half_life_days
    if hl is not None and hl < MIN_HALF_LIFE_DAYS:
        out.append(doc.problem(("half_life_days",),
                               f"half-life of {hl:g} days is too short to compute with "
                               f"(at least {MIN_HALF_LIFE_DAYS:g} days)"))
    for i, j in _duplicates(f.id for f in rubric.factors).items():
        out.append(doc.problem(("factors", i, "id"),
                               f"duplicate factor id {rubric.factors[i].id!r} "
                               f"(first at factors[{j}])"))
    for fi, factor in enumerate(rubric.factors):
        floc: PathKey = ("factors", fi)
        if isinstance(factor.missing, Impute):
            on_scale((*floc, "missing", "impute"), factor.missing.impute, "imputed score")
        for k, j in _duplicates(ind.id for ind in factor.indicators).items():
            out.append(doc.problem((*floc, "indicators", k, "id"),
                                   f"duplicate indicator id {factor.indicators[k].id!r} "
                                   f"(first at indicators[{j}])"))
        for ii, ind in enumerate(factor.indicators):
            out += _check_mapping(ind, (*floc, "indicators", ii, "mapping"), doc, on_scale,
                                  lo == -math.inf and hi == math.inf)
    out += _check_bands(rubric, doc)
    out += check_measures(rubric, doc)
    if rubric.assumption_grade is not None and rubric.assumption_grade not in rubric.reliability:
        out.append(doc.problem(("assumption_grade",),
                               f"grade {rubric.assumption_grade!r} is not in reliability "
                               f"({', '.join(rubric.reliability)})"))
    out += check_gates(rubric, doc)
    if rubric.composite == "weighted_sum" and lo != 0:
        out.append(doc.problem(("scale", "min"),
                               "weighted_sum needs a scale that starts at 0 (missing factors "
                               "contribute 0)"))
    if rubric.composite == "weighted_sum":
        total = sum(f.weight for f in rubric.factors)
        if total > 1 + SUM_SLACK:
            out.append(doc.problem(("composite",),
                                   f"weighted_sum needs factor weights that add up to at most 1 "
                                   f"so the composite stays on the scale; they add up to {total:g}"))
    return out


def check_measures(rubric: Rubric, doc: YamlDoc) -> list[Problem]:
    """The rubric's figures and measures: unique ids, formulas that parse and read only
    figures and measures (``prior()`` only figures), no measure that reads itself, and
    factors scored by a measure that exists (and take no indicators)."""
    out: list[Problem] = []
    figures = list(dict.fromkeys(f.id for f in rubric.figures))
    # each id's first measure (a repeated id is reported, and the first counts)
    measures = {m.id: i for i, m in reversed(list(enumerate(rubric.measures)))}
    measures = {m: measures[m] for m in dict.fromkeys(m.id for m in rubric.measures)}
    for i, j in _duplicates(f.id for f in rubric.figures).items():
        out.append(doc.problem(("figures", i, "id"), f"duplicate figure id "
                                                     f"{rubric.figures[i].id!r} (first at "
                                                     f"figures[{j}])"))
    for i, j in _duplicates(m.id for m in rubric.measures).items():
        out.append(doc.problem(("measures", i, "id"), f"duplicate measure id "
                                                      f"{rubric.measures[i].id!r} (first at "
                                                      f"measures[{j}])"))
    trees = {}
    for i, m in enumerate(rubric.measures):
        loc: PathKey = ("measures", i, "formula")
        if m.id in figures:
            out.append(doc.problem(("measures", i, "id"), f"{m.id!r} is also a figure's id: "
                                                          "a name in a formula must say one"))
        try:
            tree = expr.parse(m.formula)
        except expr.FormulaError as exc:
            out.append(doc.problem_at(loc, exc.offset, exc.message))
            continue
        for name, at in expr.names(tree):
            if name not in figures and name not in measures:
                out.append(doc.problem_at(loc, at, f"unknown name {name!r}: a formula reads "
                                                   f"the rubric's figures ({_listed(figures)}) "
                                                   f"and measures ({_listed(measures)})"))
        for name, at in expr.priors(tree):
            if name not in figures:
                out.append(doc.problem_at(loc, at, f"prior() reads a figure; {name!r} is not "
                                                   f"one of the rubric's figures "
                                                   f"({_listed(figures)})"))
        if measures.get(m.id) == i:
            trees[m.id] = tree
    _, cycle = expr.order(trees)
    for name in cycle:
        out.append(doc.problem(("measures", measures[name], "formula"),
                               f"measure {name!r} reads itself (through "
                               f"{', '.join(c for c in cycle if c != name) or 'its formula'})"))
    for fi, f in enumerate(rubric.factors):
        if f.measure is None:
            continue
        if f.measure not in measures:
            out.append(doc.problem(("factors", fi, "measure"),
                                   f"unknown measure {f.measure!r} (measures: "
                                   f"{_listed(measures)})"))
        if f.indicators:
            out.append(doc.problem(("factors", fi, "indicators"),
                                   "a factor scored by a measure takes no indicators"))
    return out


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names) or "none"


def _check_mapping(ind: Indicator, loc: PathKey, doc: YamlDoc, on_scale: Any,
                   open_scale: bool) -> list[Problem]:
    out: list[Problem] = []
    m = ind.mapping
    if isinstance(m, LinearMapping):
        if m.input[0] == m.input[1]:
            out.append(doc.problem((*loc, "input"), "input range must not be empty (lo == hi)"))
        elif abs(m.input[1] - m.input[0]) < MIN_INPUT_RANGE:
            out.append(doc.problem((*loc, "input"),
                                   f"input range [{m.input[0]:g}, {m.input[1]:g}] is too narrow "
                                   f"to compute with (the ends must be at least "
                                   f"{MIN_INPUT_RANGE:g} apart)"))
        for k, v in enumerate(m.output):
            on_scale((*loc, "output", k), v, "output")
        if not m.clamp and not open_scale:
            out.append(doc.problem((*loc, "clamp"),
                                   "clamp: false gives scores beyond the output range; it "
                                   "needs a scale open at both ends"))
    elif isinstance(m, CategoriesMapping):
        for label, v in m.categories.items():
            on_scale((*loc, "categories", label), v, "score")
    elif isinstance(m, LogMapping):  # its scores run from 0 to 1
        on_scale((*loc, "type"), 0, "the log mapping's lowest score")
        on_scale((*loc, "type"), 1, "the log mapping's highest score")
    else:
        for k, step in enumerate(m.steps):
            on_scale((*loc, "steps", k, "score"), step.score, "score")
            last = k == len(m.steps) - 1
            if last and step.below is not None:
                out.append(doc.problem((*loc, "steps", k, "below"),
                                       "the last step must have no 'below' (it catches the rest)"))
            if not last and step.below is None:
                out.append(doc.problem((*loc, "steps", k),
                                       "only the last step may omit 'below'"))
            prev = m.steps[k - 1].below if k else None
            if step.below is not None and prev is not None and step.below <= prev:
                out.append(doc.problem((*loc, "steps", k, "below"),
                                       f"thresholds must increase ({step.below} after {prev})"))
    return out


def _check_bands(rubric: Rubric, doc: YamlDoc) -> list[Problem]:
    out: list[Problem] = []
    lo, hi = rubric.scale.min, rubric.scale.max
    bands = rubric.bands
    last = len(bands) - 1
    for i, j in _duplicates(b.name for b in bands).items():
        out.append(doc.problem(("bands", i, "name"),
                               f"duplicate band name {bands[i].name!r} (first at bands[{j}])"))
    for i, band in enumerate(bands):
        for side, k in (("min", 0), ("max", last)):
            if getattr(band, side) is None and (i != k or (lo if side == "min" else hi)
                                                 is not None):
                where = "first" if side == "min" else "last"
                out.append(doc.problem(("bands", i, side),
                                       f"required field is missing (only the {where} band of "
                                       f"a scale open {'below' if side == 'min' else 'above'} "
                                       f"leaves out its {side})"))
        if band.min is not None and band.max is not None and band.min >= band.max:
            out.append(doc.problem(("bands", i, "max"),
                                   f"band max ({band.max}) must be above its min ({band.min})"))
    if bands[0].min != lo and bands[0].min is not None:
        out.append(doc.problem(("bands", 0, "min"),
                               f"the first band must start at the scale min {lo}, not {bands[0].min}"
                               if lo is not None else "the scale is open below: leave out the "
                               "first band's min"))
    if bands[-1].max != hi and bands[-1].max is not None:
        out.append(doc.problem(("bands", len(bands) - 1, "max"),
                               f"the last band must end at the scale max {hi}, not {bands[-1].max}"
                               if hi is not None else "the scale is open above: leave out the "
                               "last band's max"))
    for i in range(1, len(bands)):
        prev, cur = bands[i - 1], bands[i]
        if cur.min is None or prev.max is None:
            continue
        if cur.min > prev.max:
            out.append(doc.problem(("bands", i, "min"),
                                   f"gap between bands: {prev.name!r} ends at {prev.max}, "
                                   f"{cur.name!r} starts at {cur.min}"))
        elif cur.min < prev.max:
            out.append(doc.problem(("bands", i, "min"),
                                   f"bands overlap: {prev.name!r} ends at {prev.max}, "
                                   f"{cur.name!r} starts at {cur.min}"))
    return out


def named_items(scenarios: ScenariosFile) -> set[str]:
    """The item ids that scenario changes name or assume (to look up in the evidence)."""
    return {ch.item.id if isinstance(ch, Assume) else ch.item
            for sc in scenarios.scenarios for ch in sc.changes if not isinstance(ch, SetWeight)}


# A value a scenario writes, to check against its factor and indicator: (the scenarios file,
# the change's place, factor, indicator, value, what the message adds).
ValueCheck = tuple[YamlDoc, PathKey, str, str | None, object, str]
# A value a scenario writes by shifting an item, known once the case's own value of the item
# is: (the scenarios file, the change's place, factor, item, where its value starts (None:
# the item's value in the case; else a value a change set), the shifts before, this shift).
Shift = tuple[YamlDoc, PathKey, str, str, object, tuple[float, ...], float]


def shifted_values(shifts: list[Shift], values: dict[str, object]) -> list[ValueCheck]:
    """The value checks of ``shifts`` for a case whose items (that changes name) have
    ``values``: each shift adds to the value before it, when that is a number
    (:func:`~scoring.formats.shift.shift`, the rule the scenario's rows are made by)."""
    return shifted_values_of([(shifts, values)])


def shifted_values_of(cases: list[tuple[list[Shift], dict[str, object]]]
                      ) -> list[ValueCheck]:
    """:func:`shifted_values` of many cases at once: each case's shifts and its items'
    values, every shift of every case walked together, one shift rank at a time."""
    flat = [(s, values) for shifts, values in cases for s in shifts]
    if not flat:
        return []
    before = np.empty(len(flat), dtype=object)
    before[:] = [values.get(s[3]) if s[4] is None else s[4] for s, values in flat]
    depth = np.fromiter((len(s[5]) for s, _ in flat), np.int64, len(flat))
    for k in range(int(depth.max())):  # the k-th shift before each, in order
        rows = np.flatnonzero(depth > k)
        steps = np.empty(len(rows), dtype=object)
        steps[:] = [flat[j][0][5][k] for j in rows.tolist()]
        before[rows] = shift(before[rows], steps)
    by = np.empty(len(flat), dtype=object)
    by[:] = [s[6] for s, _ in flat]
    after = shift(before, by)
    return [(doc, loc, factor, None, a, f" after shifting {b} by {d}")
            for ((doc, loc, factor, _, _, _, d), _), b, a, ok
            in zip(flat, before.tolist(), after.tolist(), is_number(before).tolist(),
                   strict=True) if ok]


def scenario_values(rubric: Rubric, checks: list[ValueCheck]) -> list[Problem]:
    """The value rule (evidence.value_problems) for the values scenarios write, of any number
    of cases at once."""
    if not checks:
        return []

    def place(j: int, name: str, message: str) -> Problem:
        doc, loc, _, _, _, suffix = checks[j]
        return doc.problem((*loc, name if suffix == "" else "by"), message + suffix)

    found, _ = value_problems(
        rubric, np.asarray([c[2] for c in checks], dtype=object),
        np.asarray([c[3] for c in checks], dtype=object),
        np.asarray([c[4] for c in checks], dtype=object), place,
        lambda j: checks[j][0].plain.get((*checks[j][1], "value")))
    return found


def check_scenarios(as_of: dt.date, rubric: Rubric, items: dict[str, tuple[str, str | None,
                                                                           object, bool]],
                    scenarios: ScenariosFile, doc: YamlDoc, complete: bool = True,
                    shared: bool = True
                    ) -> tuple[list[Problem], list[ValueCheck], list[Shift]]:
    """The rules of a case's scenario changes. ``items``: the case's items that changes name,
    id -> (factor, indicator, value, whether factor and indicator are known). ``complete``:
    every item of the case has a valid id (otherwise an item a change names may be one whose
    id is broken, and is not reported unknown a second time). Returns the problems and the
    values the changes write, for :func:`scenario_values` (run once for many cases), and the
    shifts whose values depend on the case's own (:func:`shifted_values`). Nothing here
    reads the items' values, so cases whose named items agree in all else share the result.
    ``shared``: also check what does not depend on the case (ids, overrides, weights, the
    values assumptions write); cases that share a scenarios file need that only once."""
    out: list[Problem] = []
    factors = {f.id for f in rubric.factors}
    indicators: dict[tuple[str, str], Any] = {}
    for f in rubric.factors:  # the first of a duplicate id counts
        for ind in f.indicators:
            indicators.setdefault((f.id, ind.id), ind)
    for i, j in (_duplicates(s.id for s in scenarios.scenarios) if shared else {}).items():
        out.append(doc.problem(("scenarios", i, "id"),
                               f"duplicate scenario id {scenarios.scenarios[i].id!r} "
                               f"(first at scenarios[{j}])"))
    values: list[ValueCheck] = []
    shifts: list[Shift] = []
    for si, sc in enumerate(scenarios.scenarios):
        sloc: PathKey = ("scenarios", si)
        if shared:
            out += check_overrides(rubric, sc.overrides, doc, (*sloc, "overrides"))
        if shared and sc.id == RESERVED_SCENARIO:
            out.append(doc.problem((*sloc, "id"), "'base' is the case as sourced; "
                                                  "name overlay scenarios otherwise"))
        elif shared and sc.id in RESERVED_PREFIXES:
            out.append(doc.problem((*sloc, "id"), f"{sc.id!r} is reserved (trace ids start "
                                                  f"with it); choose another scenario id"))
        weights = {f.id: float(f.weight) for f in rubric.factors}
        dropped: set[str] = set()
        # where each item's value starts in this scenario (None: its value in the case; or a
        # value a change set) and the shifts since
        current: dict[str, tuple[object, tuple[float, ...]]] = {k: (None, ()) for k in items}
        assumed: dict[str, tuple[str, str | None, object, bool]] = {}
        for ci, change in enumerate(sc.changes):
            cloc: PathKey = (*sloc, "changes", ci)
            if isinstance(change, SetWeight):
                if not shared:
                    continue
                if change.factor not in factors:
                    out.append(doc.problem((*cloc, "factor"), f"unknown factor {change.factor!r}"))
                    continue
                weights[change.factor] = float(change.weight)
                total = sum(weights.values())
                if rubric.composite == "weighted_sum" and total > 1 + SUM_SLACK:
                    out.append(doc.problem((*cloc, "weight"),
                                           f"weighted_sum needs factor weights that add up to at "
                                           f"most 1; with this change they add up to {total:g}"))
                continue
            if isinstance(change, Assume):
                a = change.item
                aloc: PathKey = (*cloc, "item")
                if a.id in items or a.id in assumed:
                    out.append(doc.problem((*aloc, "id"), f"item id {a.id!r} is already used"))
                if shared:
                    values.append((doc, aloc, a.factor, a.indicator, a.value, ""))
                if a.observed is not None and a.observed > as_of:
                    out.append(doc.problem((*aloc, "observed"),
                                           f"observed {a.observed} is after the case's as_of "
                                           f"{as_of}"))
                if shared and rubric.assumption_grade is None:
                    out.append(doc.problem((*cloc, "op"),
                                           "the rubric sets no assumption_grade, so assumption "
                                           "items cannot be weighted"))
                known = a.factor in factors and (
                    a.indicator is None or (a.factor, a.indicator) in indicators)
                assumed[a.id] = (a.factor, a.indicator, a.value, known)
                current[a.id] = (a.value, ())
                continue
            target = change.item
            if target not in items and target not in assumed:
                if complete:
                    out.append(doc.problem((*cloc, "item"), f"unknown item {target!r}"))
                continue
            if target in dropped:
                out.append(doc.problem((*cloc, "item"),
                                       f"item {target!r} was dropped earlier in this scenario"))
                continue
            factor, indicator, _, usable = items[target] if target in items else assumed[target]
            mapped = indicators.get((factor, indicator)) if indicator is not None else None
            if isinstance(change, DropItem):
                dropped.add(target)
            elif isinstance(change, SetValue):
                if usable:
                    values.append((doc, cloc, factor, indicator, change.value, ""))
                current[target] = (change.value, ())
            elif isinstance(change, ShiftValue):
                if mapped is not None and isinstance(mapped.mapping, CategoriesMapping):
                    out.append(doc.problem((*cloc, "op"),
                                           "shift_value cannot shift a category label; "
                                           "use set_value"))
                    continue
                start, earlier = current[target]
                current[target] = (start, (*earlier, change.by))
                if usable and indicator is None:
                    shifts.append((doc, cloc, factor, target, start, earlier, change.by))
    return out, values, shifts
