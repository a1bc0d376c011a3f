"""The report model: everything the HTML report shows, built in Python before rendering.

The template only displays these objects; it computes nothing. Every number is a
:class:`Num` that carries its trace id (the anchor it links to), its display string and its
full-precision value, read from the result's trace records. Each section of the page is built
by its own module from the scored result and its trace (through one :class:`Numbers`):
``scenarios`` (with ``first_screen`` and ``robustness``), ``sourced`` (items, figures,
measures, sources, assumptions), ``evidence_table``, ``method_view``, ``peers_view`` and
``appendix``; :func:`build_report` assembles them once. docs/report.md documents each field
of :class:`ReportPage` (a test checks that it documents every one).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.result import Result
from ..formats.checks_judgement import scale_text
from ..trace.records import band_rule
from ..version import __version__
from . import method_view, sourced
from .appendix import DerivationGroup, derivations, homes
from .backtest_panel import BacktestPanel, backtest_panel
from .evidence_table import FactorGroup, evidence_groups
from .findings import FindingsPanel, SignoffView, findings_panel, signoff_views
from .method_view import BandView, Formula, RubricFactorView
from .numbers import Numbers, rubric_num
from .parts import Num
from .peers_view import PeersView, peers_view
from .scenarios import CHART_WIDTH, N_PALETTE, ScenarioView, scenario_views
from .sourced import AssumptionView, FigureView, ItemView, MeasureView, SourceView

if TYPE_CHECKING:
    from ..analysis.diff import CaseDiff
    from ..analysis.verify import Verification
    from ..formats.backtest_file import BacktestOnFile
    from ..formats.bundle import Bundle
    from ..formats.reviews import Reviews
    from ..formats.signoff import OnFile
    from .changes import WhatChanged
    from .trend import Trend


@dataclass(frozen=True)
class InputView:
    role: str
    path: str
    sha256: str


@dataclass(frozen=True)
class ReportPage:
    title: str
    entity: str
    ticker: str | None
    case_id: str
    description: str | None
    as_of: str
    rubric_id: str
    rubric_version: str
    rubric_title: str
    scale: str
    scenarios: tuple[ScenarioView, ...]
    palette: tuple[tuple[int, str], ...]  # (palette index, factor name) legend
    items: tuple[ItemView, ...]
    evidence: tuple[FactorGroup, ...]  # the one evidence table, by factor
    assumptions: tuple[AssumptionView, ...]
    sources: tuple[SourceView, ...]
    figures: tuple[FigureView, ...]
    measures: tuple[MeasureView, ...]
    intercept: Num | None  # a points composite's
    band_rule: str
    rubric_factors: tuple[RubricFactorView, ...]
    bands: tuple[BandView, ...]
    reliability: tuple[tuple[str, Num], ...]
    half_life: Num | None
    formulas: tuple[Formula, ...]
    derivations: tuple[DerivationGroup, ...]
    inputs: tuple[InputView, ...]
    engine_version: str
    generated_at: str | None
    chart_width: int
    band_ticks: tuple[tuple[float, str], ...]  # (x px, label) on the chart axis
    rubric_sha256: str
    changes: WhatChanged | None
    gates: tuple[tuple[str, str, str, str | None], ...]  # (id, when, then, description)
    snapshots: tuple[tuple[str, str, str, str], ...] | None  # (source, path, status, note)
    integrity: tuple[tuple[str, str], ...]  # (anchor id, rule in words) for the rubric's
    # max_age_days, contested_spread and min_coverage
    override_policy: str
    reason_codes: tuple[tuple[str, str], ...]
    trend: Trend | None = None  # the case at several as-of dates, when asked for
    peers: PeersView | None = None  # the case among its peer group, in a universe
    backtest: BacktestPanel | None = None  # the rubric's backtest, when one is given
    bundle: Bundle | None = None  # the inputs bundle the page carries (docs/trust.md)
    findings: FindingsPanel | None = None  # the case's review findings, when it has any
    signoffs: tuple[SignoffView, ...] = ()  # the sign-offs in the case's signoffs/ folder


def signed_scores(result: Result) -> list[dict[str, object]]:
    """Each scenario's composite (its value and as shown) and band, as a sign-off records
    them (``scoring signoff``) and the report compares them."""
    out: list[dict[str, object]] = []
    for sc in result.scenario_ids:
        rec = result.trace[f"{sc}/composite"]
        out.append({"scenario": sc, "composite": rec.value, "shown": rec.display,
                    "band": str(result.trace[f"{sc}/band"].value)})
    return out


def build_report(result: Result, generated_at: dt.datetime | None = None,
                 changes: WhatChanged | None = None,
                 verification: Verification | None = None,
                 trend: Trend | None = None,
                 backtest: BacktestOnFile | None = None,
                 bundle: Bundle | None = None,
                 reviews: Reviews | None = None,
                 signoffs: tuple[OnFile, ...] = (),
                 signoff_diffs: Mapping[str, CaseDiff] | None = None) -> ReportPage:
    """The complete report model of ``result`` (with a "What changed" section when
    ``changes`` is given; carrying ``bundle``, its inputs, when given; a findings panel
    when ``reviews`` holds findings, and the case's ``signoffs``)."""
    from ..formats.stamps import rubric_sha256

    n = Numbers(result)
    case, rubric = result.case, result.case.rubric
    items = sourced.items(n, verification)
    evidence = evidence_groups(n, items)
    scenarios = scenario_views(n)
    homed = homes(scenarios, evidence)
    hi = rubric.scale.hi
    hl = "rubric/half_life_days"
    return ReportPage(
        title=case.meta.title or f"{case.meta.entity}: risk score",
        entity=case.meta.entity, ticker=case.meta.ticker, case_id=case.meta.id,
        description=case.meta.description, as_of=str(case.meta.as_of),
        rubric_id=rubric.id, rubric_version=rubric.version, rubric_title=rubric.title,
        scale=scale_text(rubric)[1:-1].replace(", ", "–"),
        scenarios=scenarios,
        palette=tuple((k % N_PALETTE, f.name) for k, f in enumerate(rubric.factors)),
        items=items, evidence=evidence, assumptions=sourced.assumptions(n),
        sources=sourced.sources(n),
        figures=sourced.figures(n), measures=sourced.measures(n),
        intercept=n.num("rubric/intercept") if "rubric/intercept" in result.trace else None,
        band_rule=band_rule(rubric),
        rubric_factors=method_view.rubric_factors(n),
        bands=tuple(BandView(x.name, str(x.min), str(x.max), x.description) for x in rubric.bands),
        reliability=tuple((g, rubric_num(result.trace[f"rubric/reliability/{g}"]))
                          for g in rubric.reliability),
        half_life=rubric_num(result.trace[hl]) if hl in result.trace else None,
        formulas=method_view.formulas(n), derivations=derivations(n, homed),
        inputs=tuple(InputView(i.role, i.path, i.sha256) for i in case.inputs),
        engine_version=__version__,
        generated_at=generated_at.isoformat() if generated_at else None,
        chart_width=CHART_WIDTH,
        band_ticks=tuple((round(float(x.min) / hi * CHART_WIDTH, 3), x.name)
                         for x in rubric.bands if x.min is not None and math.isfinite(hi)),
        rubric_sha256=rubric_sha256(result.case),
        changes=changes, trend=trend,
        gates=method_view.gates(rubric),
        integrity=method_view.integrity(rubric),
        snapshots=tuple((s.source, s.path, s.status, s.note)
                        for s in verification.snapshots) if verification else None,
        override_policy=(f"an analyst may move a final composite by at most "
                         f"±{rubric.overrides.max_points:g} points and a band by at most "
                         f"±{rubric.overrides.max_bands}, with a reason code below"
                         if rubric.overrides.reason_codes else
                         "this rubric allows no overrides"),
        reason_codes=tuple(rubric.overrides.reason_codes.items()),
        peers=peers_view(n),
        backtest=None if backtest is None else backtest_panel(backtest, scenarios),
        bundle=bundle,
        findings=None if reviews is None or reviews.findings.empty else findings_panel(
            reviews, result.trace, case.evidence.items["id"].astype(str).tolist(), n),
        signoffs=signoff_views(signoffs, tuple((i.path, i.sha256) for i in case.inputs),
                               signed_scores(result), signoff_diffs or {})
        if signoffs else (),
    )
