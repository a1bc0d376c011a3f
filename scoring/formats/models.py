"""The file formats, as pydantic models.

Each model mirrors one YAML shape documented in docs/formats.md; field names are the same
everywhere (YAML, JSON export, report, docs). These models check what one value can check on
its own (types, ranges, finiteness); rules that relate values to each other (unknown factor,
duplicate ids, bands with gaps...) live in ``checks.py`` so that they can name the exact place.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_serializer,
)
from pydantic_core import PydanticCustomError

# Every number is at most MAX_MAGNITUDE in absolute value. The bound keeps the engine's float64
# arithmetic (sums, products, shifted values) free of overflow, and an integer too big for a
# float would otherwise crash it.
MAX_MAGNITUDE = 1e15


def too_large(value: float | int) -> str:
    """The message of a number beyond MAX_MAGNITUDE (a huge integer is named by its digits)."""
    if isinstance(value, int) and abs(value) >= 10**30:
        shown = f"an integer of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    else:
        shown = f"{value:.6g}"
    return f"{shown} is too large: a number must be at most 1e15 in absolute value"


def _in_range(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and abs(value) > MAX_MAGNITUDE:
        raise PydanticCustomError("number_range", "{message}", {"message": too_large(value)})
    return value


Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
# Text must hold something to read: empty and whitespace-only text are refused alike.
Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


def _not_a_number(value: object) -> object:
    """pydantic reads a number (or a string of digits) as a Unix time: ``observed: 20260101``
    would become 1970-08-23 and ``1767225600`` 2026-01-01. A date must be written as one."""
    digits = isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or digits:
        raise PydanticCustomError("date_type", "a date must be written YYYY-MM-DD")
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_number)]
Number = Annotated[StrictFloat | StrictInt, AfterValidator(_in_range)]
Value = Annotated[StrictFloat | StrictInt | StrictStr, AfterValidator(_in_range)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


# --------------------------------------------------------------------------- rubric


class Scale(Strict):
    """The range of every score. A side left empty (null) is open: a points composite
    (``composite: points``) may be unbounded, as the Altman Z-score is."""

    min: Number | None = 0
    max: Number | None = 100

    @property
    def lo(self) -> float:
        return -math.inf if self.min is None else float(self.min)

    @property
    def hi(self) -> float:
        return math.inf if self.max is None else float(self.max)


class LinearMapping(Strict):
    """Map a raw measurement from ``input`` [lo, hi] to ``output`` [a, b], clamped to it
    unless ``clamp`` is false (then the line goes on beyond both ends)."""

    type: Literal["linear"]
    input: tuple[Number, Number]
    output: tuple[Number, Number]
    clamp: bool = True


class Step(Strict):
    below: Number | None = None
    score: Number


class BandsMapping(Strict):
    """Thresholds: a raw value gets the score of the first step whose ``below`` exceeds it;
    the last step has no ``below`` and catches everything else. ``at_threshold``: which step
    a value equal to a threshold gets, the one ``above`` it (the default: x < below) or the
    one ``below`` it (x <= below: "x > 0 scores 1" puts 0 in the step below)."""

    type: Literal["bands"]
    steps: list[Step] = Field(min_length=1)
    at_threshold: Literal["above", "below"] = "above"


class CategoriesMapping(Strict):
    """A label (string) gets the score listed for it."""

    type: Literal["categories"]
    categories: dict[str, Number] = Field(min_length=1)


class LogMapping(Strict):
    """A count or an age onto 0..1 on a log scale, as the OpenSSF criticality score maps its
    signals: ``log(1 + x) / log(1 + max(x, threshold))``, 1 from the threshold on. Values
    must be 0 or more."""

    type: Literal["log"]
    threshold: Annotated[Number, Field(gt=0)]


Mapping = Annotated[LinearMapping | BandsMapping | CategoriesMapping | LogMapping,
                    Field(discriminator="type")]


class Indicator(Strict):
    id: Id
    name: Text
    unit: str | None = None
    description: str | None = None
    mapping: Mapping


class Impute(Strict):
    impute: Number


class Measure(Strict):
    """A number derived from a case's reported figures (and other measures) by a formula
    (docs/method.md, "Measures")."""

    id: Id
    name: Text
    formula: Annotated[str, Field(min_length=1, max_length=2_000)]
    unit: str | None = None
    description: str | None = None


class FigureSpec(Strict):
    """A reported figure the rubric's measures read (total assets, net income ...): cases
    report it in ``figures.yaml`` in this ``unit``."""

    id: Id
    name: Text
    unit: str | None = None
    description: str | None = None


class Factor(Strict):
    id: Id
    name: Text
    description: str | None = None
    # Above 0, except in a points composite, where it is a coefficient of either sign.
    weight: Number
    # A factor scored by a measure of the case's figures, not by evidence items.
    measure: Id | None = None
    polarity: Literal["risk", "strength"]
    aggregation: Literal["weighted_mean", "max", "min"] = "weighted_mean"
    missing: Literal["exclude"] | Impute = "exclude"
    indicators: list[Indicator] = Field(default_factory=list)

    @property
    def impute(self) -> float | None:
        """The score of this factor when it has no evidence, or None (excluded)."""
        return float(self.missing.impute) if isinstance(self.missing, Impute) else None


class Band(Strict):
    """A band of the composite. The first band's ``min`` and the last band's ``max`` may be
    left out on a scale open on that side."""

    name: Text
    min: Number | None = None
    max: Number | None = None
    description: str | None = None


class GateWhen(Strict):
    """The condition of a gate: a factor score at least and/or at most a value."""

    factor: Id
    at_least: Number | None = None
    at_most: Number | None = None


class GateThen(Strict):
    """What a gate does when it fires (one or more of these)."""

    composite_at_least: Number | None = None
    composite_at_most: Number | None = None
    band_at_least: str | None = None
    band_at_most: str | None = None
    band: str | None = None


class Gate(Strict):
    id: Id
    description: str | None = None
    when: GateWhen
    then: GateThen


class OverridePolicy(Strict):
    """How far an analyst may move a final score, and the reasons allowed."""

    max_points: Annotated[Number, Field(ge=0)] = 0
    max_bands: Annotated[int, Field(ge=0)] = 0
    reason_codes: dict[str, str] = Field(default_factory=dict)


class Override(Strict):
    """An analyst's bounded move of the final composite and/or band."""

    points: Number | None = None
    bands: int | None = None
    reason_code: Id
    author: Text
    rationale: Text


class Rubric(Strict):
    id: Id
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    title: Text
    description: str | None = None
    scale: Scale = Scale()
    composite: Literal["weighted_mean", "weighted_sum", "points"] = "weighted_mean"
    # points: C = intercept + sum of weight x factor score (docs/method.md, "Composite").
    intercept: Number = 0
    # Which band a composite on the edge between two bands is in: the band it is the min of
    # ("min": a band holds [min, max)) or the band it is the max of ("max": (min, max]).
    band_edge: Literal["min", "max"] = "min"
    # Decimals shown for scores (composites, factor scores, contributions): a published
    # method's own precision. Every value is kept in full beside the shown one.
    decimals: Annotated[int, Field(ge=0, le=12)] = 2
    half_life_days: Number | None = Field(default=None, gt=0)
    reliability: dict[str, Annotated[Number, Field(gt=0, le=1)]] = Field(
        default_factory=lambda: {"A": 1.0}
    )
    assumption_grade: str | None = None
    bands: list[Band] = Field(min_length=1)
    figures: list[FigureSpec] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    factors: list[Factor] = Field(min_length=1)
    gates: list[Gate] = Field(default_factory=list)
    overrides: OverridePolicy = OverridePolicy()
    # Evidence integrity (docs/method.md, "Evidence integrity").
    max_age_days: Annotated[Number, Field(gt=0)] | None = None
    stale: Literal["flag", "exclude"] = "flag"
    contested_spread: Annotated[Number, Field(gt=0)] | None = None
    min_coverage: Annotated[Number, Field(ge=0, le=1)] | None = None
    # Monte Carlo (docs/method.md, "Uncertainty"): the error spread of an item with
    # confidence 0, in points, and ranges the factor weights are drawn from.
    uncertainty_max_sd: Annotated[Number, Field(ge=0)] | None = None
    weight_ranges: dict[str, tuple[Number, Number]] = Field(default_factory=dict)


# --------------------------------------------------------------------------- case


class CaseFile(Strict):
    id: Id
    entity: Text
    ticker: str | None = None
    title: str | None = None
    as_of: Date
    rubric: Text
    description: str | None = None
    base_narrative: str | None = None
    overrides: list[Override] = Field(default_factory=list)
    # The reporting period the case's figures are of (e.g. FY2021), and the one before it
    # (what prior(figure) reads in a measure's formula).
    period: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    prior_period: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    # The case's peer group in a universe (a sector, say): the cases it is ranked among.
    peer_group: Annotated[str, Field(min_length=1, max_length=80, pattern=r"\S")] | None = None


class Source(Strict):
    id: Id
    title: Text
    # An English gloss of a title in another language, shown beside the original.
    title_en: str | None = None
    publisher: str | None = None
    date: Date | None = None
    language: Annotated[str, Field(min_length=2, max_length=20)]
    kind: Text
    reliability: Text
    url: str | None = None
    cited_as: str | None = None
    notes: str | None = None
    # A local copy of the document (relative path; docs/formats.md) and its SHA-256.
    snapshot: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class SourcesFile(Strict):
    sources: list[Source] = Field(min_length=1)


class SourceRef(Strict):
    """A citation. ``via``: the source was read only through this other source (a relay,
    such as an analyst note quoting it); the citation then counts at the weaker of the two
    grades (docs/method.md, "Effective weight")."""

    source: Id
    locator: Text
    via: Id | None = None

    @model_serializer(mode="wrap")
    def _without_empty_via(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # A direct citation is written as before ({source, locator}): outputs of cases
        # without relays stay as they were.
        data: dict[str, object] = handler(self)
        if data.get("via") is None:
            data.pop("via", None)
        return data


class Item(Strict):
    id: Id
    factor: Id
    indicator: Id | None = None
    value: Value
    confidence: Annotated[Number, Field(ge=0, le=1)]
    observed: Date
    sources: list[SourceRef] = Field(min_length=1)
    claim: Text
    excerpt: str | None = None


class EvidenceFile(Strict):
    items: list[Item] = Field(min_length=1)


class Figure(Strict):
    """A reported figure of the case (``figures.yaml``): a number from a source, for the
    rubric's measures. ``figure`` is one of the rubric's figures; ``period`` the case's
    period or its prior period."""

    id: Id
    figure: Id
    period: Annotated[str, Field(min_length=1, max_length=40, pattern=r"\S")]
    value: Number
    unit: str | None = None
    currency: str | None = None
    observed: Date
    sources: list[SourceRef] = Field(min_length=1)
    claim: str | None = None
    excerpt: str | None = None


class FiguresFile(Strict):
    figures: list[Figure] = Field(min_length=1)


class Restatement(Strict):
    """An earlier value of a reported figure, replaced by the one in ``figures.yaml``
    (``restatements.yaml``; docs/filings.md#restatements): ``figure`` is the id of the
    figure it was replaced in, ``value`` what was reported before, ``observed`` the day it
    was (before the figure's own ``observed``), cited to the source that reported it."""

    figure: Id
    value: Number
    observed: Date
    sources: list[SourceRef] = Field(min_length=1)
    claim: str | None = None


class RestatementsFile(Strict):
    restatements: list[Restatement] = Field(default_factory=list)


class Assumption(Strict):
    """An item a scenario asserts without a source; it must say why (``rationale``)."""

    id: Id
    factor: Id
    indicator: Id | None = None
    value: Value
    confidence: Annotated[Number, Field(ge=0, le=1)]
    observed: Date | None = None
    claim: Text


class SetWeight(Strict):
    op: Literal["set_weight"]
    factor: Id
    weight: Number = Field(gt=0)
    rationale: Text


class DropItem(Strict):
    op: Literal["drop_item"]
    item: Id
    rationale: Text


class SetValue(Strict):
    op: Literal["set_value"]
    item: Id
    value: Value
    rationale: Text


class ShiftValue(Strict):
    op: Literal["shift_value"]
    item: Id
    by: Number
    rationale: Text


class SetConfidence(Strict):
    op: Literal["set_confidence"]
    item: Id
    confidence: Annotated[Number, Field(ge=0, le=1)]
    rationale: Text


class Assume(Strict):
    op: Literal["assume"]
    item: Assumption
    rationale: Text


Change = Annotated[
    SetWeight | DropItem | SetValue | ShiftValue | SetConfidence | Assume,
    Field(discriminator="op"),
]


class Scenario(Strict):
    id: Id
    name: Text
    narrative: Text
    changes: list[Change] = Field(default_factory=list)
    overrides: list[Override] = Field(default_factory=list)


class ScenariosFile(Strict):
    scenarios: list[Scenario] = Field(default_factory=list)


class OutcomeRow(Strict):
    """One row of an outcomes table (docs/formats.md#outcomes): what really happened to a
    case. Read and checked by ``formats.outcomes`` as columns; this model is its schema."""

    case: Id
    outcome: Literal[0, 1]
    observed: dt.date
    horizon_days: Annotated[int, Field(ge=0, le=36_500)] = 0
    source: Id | None = None
    locator: str | None = None


class OutcomesFile(Strict):
    """An outcomes file in YAML (a CSV or Parquet table has the same fields as columns)."""

    outcomes: Annotated[list[OutcomeRow], Field(min_length=1)]
