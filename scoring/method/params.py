"""What the method reads of a rubric and an override, as read-only protocols.

The method takes any object with these attributes: the rubric documents of
``formats/models.py`` have them, and so can a rubric built in code. So ``import
scoring.method`` loads neither YAML nor pydantic document models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ScaleLike(Protocol):
    @property
    def lo(self) -> float: ...  # the scale's min, -inf when it is open below
    @property
    def hi(self) -> float: ...  # the scale's max, +inf when it is open above


class FactorLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def polarity(self) -> str: ...  # "risk" or "strength"
    @property
    def aggregation(self) -> str: ...  # "weighted_mean", "max" or "min"
    @property
    def impute(self) -> float | None: ...  # the score of a factor without evidence, or None


class BandLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def min(self) -> float | None: ...  # None: the first band, open below


class GateWhenLike(Protocol):
    @property
    def factor(self) -> str: ...
    @property
    def at_least(self) -> float | None: ...
    @property
    def at_most(self) -> float | None: ...


class GateThenLike(Protocol):
    @property
    def composite_at_least(self) -> float | None: ...
    @property
    def composite_at_most(self) -> float | None: ...
    @property
    def band_at_least(self) -> str | None: ...
    @property
    def band_at_most(self) -> str | None: ...
    @property
    def band(self) -> str | None: ...


class GateLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def when(self) -> GateWhenLike: ...
    @property
    def then(self) -> GateThenLike: ...


class OverrideLike(Protocol):
    @property
    def points(self) -> float | None: ...
    @property
    def bands(self) -> int | None: ...


class RubricLike(Protocol):
    @property
    def scale(self) -> ScaleLike: ...
    @property
    def factors(self) -> Sequence[FactorLike]: ...
    @property
    def bands(self) -> Sequence[BandLike]: ...
    @property
    def gates(self) -> Sequence[GateLike]: ...
    @property
    def composite(self) -> str: ...  # "weighted_mean", "weighted_sum" or "points"
    @property
    def intercept(self) -> float: ...  # added to a points composite
    @property
    def band_edge(self) -> str: ...  # "min": a band holds [min, max); "max": (min, max]
    @property
    def half_life_days(self) -> float | None: ...
    @property
    def max_age_days(self) -> float | None: ...
    @property
    def stale(self) -> str: ...  # "flag" or "exclude"
    @property
    def contested_spread(self) -> float | None: ...
    @property
    def min_coverage(self) -> float | None: ...
