"""The public scoring API: ``score(case) -> Result``.

A :class:`Result` holds the engine's frames (every number, full precision) and the trace
records built from them. Everything downstream (terminal table, JSON, trace, report) reads a
Result; nothing downstream recomputes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..display import json_safe
from ..errors import ScoringError
from ..formats.loader import Case
from ..formats.measures import Measured
from ..formats.tables import build_tables, score_tables
from ..method.kernel import BASE, Frames
from ..trace.core import Trace, TraceRecord, records_json, with_assumptions
from ..trace.judgements import Judgement, judgements
from ..version import __version__
from .uncertainty import DEFAULT_DRAWS, DEFAULT_SEED

if TYPE_CHECKING:  # the records and analyses are imported where they are built
    from .attribution import Attribution
    from .peers import CasePeers
    from .sensitivity import ScenarioSensitivity
    from .uncertainty import Simulation

JSON_FORMAT_VERSION = 1


class UnknownName(ScoringError, KeyError):
    """A scenario or factor was asked for that the result does not have."""

    slug = "unknown-name"

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class Result:
    """A scored case: base and every scenario."""

    case: Case
    frames: Frames
    judgements: dict[str, Judgement] = field(default_factory=dict)
    sensitivity: dict[str, ScenarioSensitivity] = field(default_factory=dict)
    simulations: dict[str, Simulation] = field(default_factory=dict)
    measured: Measured | None = None  # the rubric's measures of the case, when it has any
    attributions: dict[str, Attribution | None] = field(default_factory=dict)
    peers: CasePeers | None = None  # the case's peer group in its universe, when it has one
    _built: dict[str, Trace] = field(default_factory=dict, repr=False, compare=False)
    _found: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def trace(self) -> Trace:
        """Every number as a trace record, built from the frames on first use: outputs that
        show only the headline numbers (the terminal table, CSV) never pay for it."""
        if "trace" not in self._built:
            self._built["trace"] = Trace(list(self._records()))
        return self._built["trace"]

    def _records(self) -> Iterator[TraceRecord]:
        """The records of :attr:`trace`, in its order, made one after another from the
        frames (their ``assumptions`` not yet filled in)."""
        from ..trace.records import leaf_records, scenario_record_stream
        from .peers import peer_records
        from .robustness_records import (
            attribution_records,
            sensitivity_records,
            simulation_records,
        )

        def made() -> Iterator[TraceRecord]:
            yield from leaf_records(self.case, self.measured)
            yield from scenario_record_stream(self.frames, self.case, self.judgements)
            items = self.frames.items
            for sc, sens in self.sensitivity.items():
                yield from sensitivity_records(sens, rubric.composite)
                ids = [str(i) for i in items.loc[items["scenario"] == sc, "item"]]
                yield from simulation_records(self.simulations[sc], ids)
            for att in self.attributions.values():
                if att is not None:
                    yield from attribution_records(att)
            if self.peers is not None:
                yield from peer_records(self.peers, [f.id for f in rubric.factors],
                                        {f.id: f.name for f in rubric.factors})

        rubric = self.case.rubric
        if rubric.decimals == 2:
            yield from made()
            return
        for r in made():  # a published method's own precision
            yield dataclasses.replace(r, decimals=rubric.decimals) \
                if r.unit in ("points", "delta") else r

    @property
    def scenario_ids(self) -> list[str]:
        return [str(s) for s in self.frames.scenarios["scenario"]]

    def composite(self, scenario: str) -> float:
        return float(self._summary(scenario)["composite"])

    def indicated(self, scenario: str) -> float:
        """The composite from the factor scores, before gates and overrides."""
        row = self._summary(scenario)
        return float(row["indicated"]) if "indicated" in row else float(row["composite"])

    def band(self, scenario: str) -> str:
        return str(self._summary(scenario)["band"])

    def coverage(self, scenario: str) -> float:
        return float(self._summary(scenario)["coverage"])

    def factor_score(self, scenario: str, factor: str) -> float | None:
        """The factor's score, or None when it had no evidence and was excluded."""
        self._summary(scenario)  # an unknown scenario is named as such
        if "factors" not in self._found:  # (scenario, factor) -> score, read once
            f = self.frames.factors
            self._found["factors"] = {
                (str(s), str(k)): (float(v) if inc else None) for s, k, v, inc in
                zip(f["scenario"], f["factor"], f["score"], f["included"], strict=True)}
        found = self._found["factors"]
        if (scenario, factor) not in found:
            known = ", ".join(x.id for x in self.case.rubric.factors)
            raise UnknownName(f"no factor {factor!r} in rubric {self.case.rubric.id}; its "
                              f"factors are {known}")
        return found[(scenario, factor)]  # type: ignore[no-any-return]

    def _summary(self, scenario: str) -> pd.Series:
        if "scenarios" not in self._found:  # scenario -> its row, read once
            s = self.frames.scenarios
            self._found["scenarios"] = {str(k): s.iloc[i] for i, k in enumerate(s["scenario"])}
        if scenario not in self._found["scenarios"]:
            raise UnknownName(f"no scenario {scenario!r} in case {self.case.meta.id}; its "
                              f"scenarios are {', '.join(self.scenario_ids)}")
        return self._found["scenarios"][scenario]  # type: ignore[no-any-return]

    def summary_table(self) -> pd.DataFrame:
        """Scenario rows with composite, band, coverage and every factor score (unrounded)."""
        wide = self.frames.factors.pivot(index="scenario", columns="factor", values="score")
        wide = wide[[f.id for f in self.case.rubric.factors]].reindex(self.scenario_ids)
        base = self.frames.scenarios.set_index("scenario")[["composite", "band", "coverage"]]
        return base.join(wide).reset_index()

    def to_json(self) -> dict[str, Any]:
        """Every number of the result with its id, operation and inputs (see docs/formats.md)."""
        return {**self._json_head(), "records": [r.to_json() for r in self.trace.values()]}

    def json_text(self) -> str:
        """``dumps_json(self.to_json())``, character for character, written record by record
        (no dict per record, no pure-Python encoder over every string)."""
        return "".join(self.json_chunks())

    def json_chunks(self) -> Iterator[str]:
        """The text of :meth:`json_text` in pieces (the head, then each record), for a
        writer that streams them rather than holding the whole text."""
        from ..output import dumps_json

        head = dumps_json(self._json_head())
        assert head.endswith("\n}\n")
        yield head[:-3] + ',\n  "records": ['
        sep = "\n"
        # A trace already built is written as it is; otherwise each record is made, given
        # its assumptions and written as it comes (a large case's million are never held).
        records = self.trace.values() if "trace" in self._built else \
            with_assumptions(self._records)
        for text in records_json(records, "    "):
            yield sep + json_safe(text)
            sep = ",\n"
        yield "\n  ]\n}\n" if sep != "\n" else "]\n}\n"

    def _json_head(self) -> dict[str, Any]:
        from ..formats.stamps import rubric_sha256

        meta = self.case.meta
        return {
            "format_version": JSON_FORMAT_VERSION,
            "engine_version": __version__,
            "case": {"id": meta.id, "entity": meta.entity, "as_of": str(meta.as_of)},
            "rubric": {"id": self.case.rubric.id, "version": self.case.rubric.version,
                       "sha256": rubric_sha256(self.case)},
            "inputs": [{"role": i.role, "path": i.path, "sha256": i.sha256}
                       for i in self.case.inputs],
            "scenarios": [
                {"id": sc, "composite": f"{sc}/composite", "band": f"{sc}/band",
                 "coverage": f"{sc}/coverage"} for sc in self.scenario_ids
            ],
        }


def score(case: Case, analyses: bool = True, draws: int = DEFAULT_DRAWS,
          seed: int = DEFAULT_SEED, peers: CasePeers | None = None) -> Result:
    """Score ``case`` in base and every scenario; return the traced result. With
    ``analyses`` (the default) also compute each scenario's sensitivity (break-evens, items at
    stake, tornado) and a seeded Monte Carlo of ``draws`` draws. ``peers``: the case's peer
    group in its universe (``analysis/peers.py``), whose statistics the trace then holds."""
    tables = build_tables(case)
    frames = score_tables(tables)
    order = [BASE, *(s.id for s in case.scenarios)]
    overrides = {BASE: list(case.meta.overrides)} | {s.id: list(s.overrides)
                                                    for s in case.scenarios}
    judged = judgements(frames, case.rubric, overrides)
    sens: dict[str, ScenarioSensitivity] = {}
    sims: dict[str, Simulation] = {}
    attributions: dict[str, Attribution | None] = {}
    if analyses:
        from .attribution import attribute

        attributions = attribute(case)
        from .sensitivity import analyse
        from .uncertainty import simulate_scenarios

        rubric, items, factors = case.rubric, frames.items, frames.factors
        for sc in order:
            sens[sc] = analyse(rubric, items, factors, sc)
        sims = simulate_scenarios(rubric, items, factors, order, draws=draws, seed=seed,
                                  weight_ranges={f: (float(a), float(b)) for f, (a, b)
                                                 in rubric.weight_ranges.items()},
                                  max_sd=None if rubric.uncertainty_max_sd is None
                                  else float(rubric.uncertainty_max_sd))
    return Result(case, frames, judged, sens, sims, tables.measured, attributions, peers)
