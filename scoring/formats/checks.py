"""Rules that relate values to each other, each reported at the exact place it is broken.

``check_rubric`` and ``check_case`` return lists of problems rather than raising, so a run
reports every problem in every file at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import Problem
from .checks_judgement import check_gates, check_overrides
from .models import (
    Assume,
    CaseFile,
    CategoriesMapping,
    DropItem,
    EvidenceFile,
    Factor,
    Impute,
    Indicator,
    LinearMapping,
    Rubric,
    ScenariosFile,
    SetConfidence,
    SetValue,
    SetWeight,
    ShiftValue,
    SourcesFile,
)
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
    lo, hi = rubric.scale.min, rubric.scale.max
    if lo >= hi:
        out.append(doc.problem(("scale", "max"), f"scale max ({hi}) must be above min ({lo})"))
        return out

    def on_scale(loc: PathKey, value: float, what: str) -> None:
        if not lo <= value <= hi:
            out.append(doc.problem(loc, f"{what} {value} is outside the scale [{lo}, {hi}]"))

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
            out += _check_mapping(ind, (*floc, "indicators", ii, "mapping"), doc, on_scale)
    out += _check_bands(rubric, doc)
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


def _check_mapping(ind: Indicator, loc: PathKey, doc: YamlDoc, on_scale: Any) -> list[Problem]:
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
    elif isinstance(m, CategoriesMapping):
        for label, v in m.categories.items():
            on_scale((*loc, "categories", label), v, "score")
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
    for i, j in _duplicates(b.name for b in bands).items():
        out.append(doc.problem(("bands", i, "name"),
                               f"duplicate band name {bands[i].name!r} (first at bands[{j}])"))
    for i, band in enumerate(bands):
        if band.min >= band.max:
            out.append(doc.problem(("bands", i, "max"),
                                   f"band max ({band.max}) must be above its min ({band.min})"))
    if bands[0].min != lo:
        out.append(doc.problem(("bands", 0, "min"),
                               f"the first band must start at the scale min {lo}, not {bands[0].min}"))
    if bands[-1].max != hi:
        out.append(doc.problem(("bands", len(bands) - 1, "max"),
                               f"the last band must end at the scale max {hi}, not {bands[-1].max}"))
    for i in range(1, len(bands)):
        prev, cur = bands[i - 1], bands[i]
        if cur.min > prev.max:
            out.append(doc.problem(("bands", i, "min"),
                                   f"gap between bands: {prev.name!r} ends at {prev.max}, "
                                   f"{cur.name!r} starts at {cur.min}"))
        elif cur.min < prev.max:
            out.append(doc.problem(("bands", i, "min"),
                                   f"bands overlap: {prev.name!r} ends at {prev.max}, "
                                   f"{cur.name!r} starts at {cur.min}"))
    return out


def _kind(value: object) -> str:
    """What YAML made of an unquoted scalar, in words."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else "date"


class _ValueRules:
    """Checks an item's value against its factor and indicator."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.factors: dict[str, Factor] = {}
        for f in rubric.factors:  # a duplicate factor id is reported; the first one counts
            self.factors.setdefault(f.id, f)

    def indicator(self, factor: str, indicator: str | None) -> Indicator | None:
        f = self.factors.get(factor)
        if f is None or indicator is None:
            return None
        return next((i for i in f.indicators if i.id == indicator), None)

    def check(self, doc: YamlDoc, loc: PathKey, factor: str, indicator: str | None,
              value: object, value_key: str = "value") -> list[Problem]:
        out: list[Problem] = []
        if factor not in self.factors:
            known = ", ".join(sorted(self.factors))
            return [doc.problem((*loc, "factor"), f"unknown factor {factor!r} (known: {known})")]
        ind = self.indicator(factor, indicator)
        if indicator is not None and ind is None:
            known = ", ".join(i.id for i in self.factors[factor].indicators) or "none"
            return [doc.problem((*loc, "indicator"),
                                f"unknown indicator {indicator!r} for factor {factor!r} "
                                f"(known: {known})")]
        out += self.check_value(doc, (*loc, value_key), ind, value)
        return out

    def check_value(self, doc: YamlDoc, loc: PathKey, ind: Indicator | None,
                    value: object) -> list[Problem]:
        if ind is not None and isinstance(ind.mapping, CategoriesMapping):
            labels = ind.mapping.categories
            if not isinstance(value, str) or value not in labels:
                plain = doc.plain.get(tuple(loc))
                hint = (f"; YAML reads the unquoted {plain} as a {_kind(value)}, so write it in "
                        f"quotes: \"{plain}\"" if plain in labels else "")
                return [doc.problem(loc, f"must be one of the categories of indicator "
                                         f"{ind.id!r}: {', '.join(labels)}{hint}")]
            return []
        if isinstance(value, str):
            return [doc.problem(loc, f"must be a number, not the string {value!r}")]
        if ind is None:
            lo, hi = self.rubric.scale.min, self.rubric.scale.max
            assert isinstance(value, (int, float))
            if not lo <= value <= hi:
                return [doc.problem(loc, f"value {value} is outside the scale [{lo}, {hi}]")]
        return []


def check_case(meta: CaseFile, rubric: Rubric, sources: SourcesFile, evidence: EvidenceFile,
               scenarios: ScenariosFile, docs: dict[str, YamlDoc]) -> list[Problem]:
    """Cross-file rules: ids, references, dates, values against the rubric, scenario changes."""
    out: list[Problem] = []
    sdoc, edoc = docs["sources"], docs["evidence"]
    for i, j in _duplicates(s.id for s in sources.sources).items():
        out.append(sdoc.problem(("sources", i, "id"),
                                f"duplicate source id {sources.sources[i].id!r} (first at sources[{j}])"))
    for i, src in enumerate(sources.sources):
        if src.reliability not in rubric.reliability:
            out.append(sdoc.problem(("sources", i, "reliability"),
                                    f"unknown reliability grade {src.reliability!r} "
                                    f"(the rubric has {', '.join(rubric.reliability)})"))
        if src.date is not None and src.date > meta.as_of:
            out.append(sdoc.problem(("sources", i, "date"),
                                    f"source dated {src.date} is after the case's as_of {meta.as_of}"))
        if src.snapshot is not None and (src.snapshot.startswith(("/", "\\"))
                                         or ".." in src.snapshot.replace("\\", "/").split("/")
                                         or ":" in src.snapshot):
            out.append(sdoc.problem(("sources", i, "snapshot"),
                                    "a snapshot path must be relative and stay inside the case "
                                    "folder (no absolute path, no '..')"))
    source_ids = {s.id for s in sources.sources}
    rules = _ValueRules(rubric)
    items = evidence.items
    for i, j in _duplicates(it.id for it in items).items():
        out.append(edoc.problem(("items", i, "id"),
                                f"duplicate item id {items[i].id!r} (first at items[{j}])"))
    for i, item in enumerate(items):
        loc: PathKey = ("items", i)
        out += rules.check(edoc, loc, item.factor, item.indicator, item.value)
        if item.observed > meta.as_of:
            out.append(edoc.problem((*loc, "observed"),
                                    f"observed {item.observed} is after the case's as_of {meta.as_of}"))
        for k, ref in enumerate(item.sources):
            if ref.source not in source_ids:
                out.append(edoc.problem((*loc, "sources", k, "source"),
                                        f"unknown source {ref.source!r}"))
    out += check_overrides(rubric, meta.overrides, docs["case"], ("overrides",))
    if "scenarios" in docs:
        out += _check_scenarios(meta, rubric, evidence, scenarios, docs["scenarios"], rules)
        for si, sc in enumerate(scenarios.scenarios):
            out += check_overrides(rubric, sc.overrides, docs["scenarios"],
                                   ("scenarios", si, "overrides"))
    return out


def _check_scenarios(meta: CaseFile, rubric: Rubric, evidence: EvidenceFile,
                     scenarios: ScenariosFile, doc: YamlDoc, rules: _ValueRules) -> list[Problem]:
    out: list[Problem] = []
    items = {it.id: it for it in evidence.items}
    for i, j in _duplicates(s.id for s in scenarios.scenarios).items():
        out.append(doc.problem(("scenarios", i, "id"),
                               f"duplicate scenario id {scenarios.scenarios[i].id!r} "
                               f"(first at scenarios[{j}])"))
    for si, sc in enumerate(scenarios.scenarios):
        sloc: PathKey = ("scenarios", si)
        if sc.id == RESERVED_SCENARIO:
            out.append(doc.problem((*sloc, "id"), "'base' is the case as sourced; "
                                                  "name overlay scenarios otherwise"))
        elif sc.id in RESERVED_PREFIXES:
            out.append(doc.problem((*sloc, "id"), f"{sc.id!r} is reserved (trace ids start "
                                                  f"with it); choose another scenario id"))
        weights = {f.id: float(f.weight) for f in rubric.factors}
        dropped: set[str] = set()
        current: dict[str, object] = {k: it.value for k, it in items.items()}
        assumed: dict[str, tuple[str, str | None]] = {}
        for ci, change in enumerate(sc.changes):
            cloc: PathKey = (*sloc, "changes", ci)
            if isinstance(change, SetWeight):
                if change.factor not in rules.factors:
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
                out += rules.check(doc, aloc, a.factor, a.indicator, a.value)
                if a.observed is not None and a.observed > meta.as_of:
                    out.append(doc.problem((*aloc, "observed"),
                                           f"observed {a.observed} is after the case's as_of "
                                           f"{meta.as_of}"))
                if rubric.assumption_grade is None:
                    out.append(doc.problem((*cloc, "op"),
                                           "the rubric sets no assumption_grade, so assumption "
                                           "items cannot be weighted"))
                assumed[a.id] = (a.factor, a.indicator)
                current[a.id] = a.value
                continue
            target = change.item
            if target not in items and target not in assumed:
                out.append(doc.problem((*cloc, "item"), f"unknown item {target!r}"))
                continue
            if target in dropped:
                out.append(doc.problem((*cloc, "item"),
                                       f"item {target!r} was dropped earlier in this scenario"))
                continue
            factor, indicator = (
                (items[target].factor, items[target].indicator) if target in items
                else assumed[target]
            )
            ind = rules.indicator(factor, indicator)
            if isinstance(change, DropItem):
                dropped.add(target)
            elif isinstance(change, SetValue):
                out += rules.check_value(doc, (*cloc, "value"), ind, change.value)
                current[target] = change.value
            elif isinstance(change, ShiftValue):
                if ind is not None and isinstance(ind.mapping, CategoriesMapping):
                    out.append(doc.problem((*cloc, "op"),
                                           "shift_value cannot shift a category label; "
                                           "use set_value"))
                    continue
                before = current[target]
                if isinstance(before, (int, float)):
                    current[target] = before + change.by
                    if ind is None:
                        out += [doc.problem((*cloc, "by"), p.message + f" after shifting "
                                            f"{before} by {change.by}")
                                for p in rules.check_value(doc, (*cloc, "by"), None,
                                                           current[target])]
            elif isinstance(change, SetConfidence):
                pass
    return out
