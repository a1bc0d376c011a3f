"""Backtest: do a rubric's scores and bands discriminate against what really happened?
(docs/backtest.md)

Given each case's composite (and factor scores) in one scenario and its observed 0/1 outcome,
the measures a credit-model validation reports, each written out so that a reviewer can
redo it:

* per band, in the rubric's order: cases, events, the observed rate ``events / cases`` and
  its Jeffreys 95 % interval (the 2.5 % and 97.5 % quantiles of Beta(events + 1/2,
  cases - events + 1/2); 0 below when there is no event, 1 above when every case is one), and
  whether the rates rise with risk from band to band (each break named);
* discrimination: the AUC (the probability that an event case scores riskier than a non-event
  case, ties counting one half: the Mann-Whitney statistic over midranks) with DeLong's 95 %
  interval, Gini = 2 AUC - 1 (the accuracy ratio of the CAP curve), and KS = the largest gap
  between the events' and the non-events' score distributions; each factor's own AUC;
* calibration: log-odds = a + b x score fitted by maximum likelihood (scikit-learn's
  unpenalised logistic regression), the fitted PD per band and per case, the Brier score, a
  reliability table by deciles of fitted PD and the Hosmer-Lemeshow statistic.

"Riskier" is higher scores when ``risk_when == "higher"`` (a 0-100 risk scale), lower scores
when ``"lower"`` (Altman's Z, where a higher Z is safer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

Z95 = 1.959963984540054  # the 97.5 % quantile of the standard normal


@dataclass(frozen=True)
class BandRate:
    band: str
    cases: int
    events: int
    rate: float | None  # None: no case in the band
    interval: tuple[float, float] | None
    pd: float | None = None  # the mean fitted PD of its cases


@dataclass(frozen=True)
class Backtest:
    scenario: str
    risk_when: str
    cases: int  # scored cases with an outcome
    events: int
    without_outcome: int  # scored cases with no outcome (left out, counted)
    bands: tuple[BandRate, ...]
    monotone: bool
    breaks: tuple[str, ...]  # "Grey 2.1% < Safe 3.0%": each pair out of order
    auc: float | None  # None: every outcome is of one class
    auc_interval: tuple[float, float] | None
    gini: float | None
    ks: float | None
    factors: tuple[tuple[str, float | None], ...]
    calibration: tuple[float, float] | None  # (a, b)
    brier: float | None
    reliability: tuple[tuple[int, float, float, int], ...]  # (cases, mean PD, rate, events)
    hosmer_lemeshow: tuple[float, int, float] | None  # (statistic, df, p-value)
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "risk_when": self.risk_when, "cases": self.cases,
            "events": self.events, "without_outcome": self.without_outcome,
            "auc": self.auc, "auc_interval": _pair(self.auc_interval), "gini": self.gini,
            "ks": self.ks, "brier": self.brier,
            "calibration": None if self.calibration is None else
            {"intercept": self.calibration[0], "slope": self.calibration[1]},
            "bands": [{"band": b.band, "cases": b.cases, "events": b.events, "rate": b.rate,
                       "interval": _pair(b.interval), "pd": b.pd} for b in self.bands],
            "monotone": self.monotone, "breaks": list(self.breaks),
            "factors": [{"factor": f, "auc": a} for f, a in self.factors],
            "reliability": [{"cases": n, "pd": p, "rate": r, "events": e}
                            for n, p, r, e in self.reliability],
            "hosmer_lemeshow": None if self.hosmer_lemeshow is None else
            dict(zip(("statistic", "df", "p_value"), self.hosmer_lemeshow, strict=True)),
            "notes": list(self.notes),
        }


def _pair(x: tuple[float, float] | None) -> list[float] | None:
    return None if x is None else [x[0], x[1]]


def jeffreys(events: np.ndarray, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys 95 % intervals of ``events`` out of ``cases`` (arrays; cases > 0)."""
    from scipy.stats import beta

    a, b = events + 0.5, cases - events + 0.5
    lo = np.where(events == 0, 0.0, beta.ppf(0.025, a, b))
    hi = np.where(events == cases, 1.0, beta.ppf(0.975, a, b))
    return lo, hi


def auc_delong(risk: np.ndarray, y: np.ndarray) -> tuple[float, tuple[float, float]]:
    """The AUC of ``risk`` (higher: riskier) for outcomes ``y`` (0/1, both present), over
    midranks, and DeLong's 95 % interval (clipped to [0, 1])."""
    from scipy.stats import rankdata

    pos, neg = risk[y == 1], risk[y == 0]
    m, n = len(pos), len(neg)
    r_all = rankdata(np.concatenate([pos, neg]))  # midranks: ties count one half
    r_pos, r_neg = rankdata(pos), rankdata(neg)
    auc = float((r_all[:m].sum() - m * (m + 1) / 2) / (m * n))
    v10 = (r_all[:m] - r_pos) / n  # each event's share of non-events it outranks
    v01 = 1.0 - (r_all[m:] - r_neg) / m  # each non-event's share of events above it
    var = (np.var(v10, ddof=1) / m if m > 1 else 0.0) + (np.var(v01, ddof=1) / n
                                                         if n > 1 else 0.0)
    half = Z95 * float(np.sqrt(var))
    return auc, (max(0.0, auc - half), min(1.0, auc + half))


def ks_statistic(risk: np.ndarray, y: np.ndarray) -> float:
    """max over thresholds t of |P(risk <= t | event) - P(risk <= t | no event)|."""
    order = np.sort(np.unique(risk))
    f1 = np.searchsorted(np.sort(risk[y == 1]), order, side="right") / max(int(y.sum()), 1)
    f0 = np.searchsorted(np.sort(risk[y == 0]), order, side="right") / max(int((1 - y).sum()), 1)
    return float(np.max(np.abs(f1 - f0)))


def logistic(score: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(a, b, fitted PDs) of log-odds = a + b x score by maximum likelihood."""
    from sklearn.linear_model import LogisticRegression

    # C = inf: no penalty, the plain maximum-likelihood fit
    model = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-10, max_iter=10_000)
    model.fit(score.reshape(-1, 1), y)
    pd_ = model.predict_proba(score.reshape(-1, 1))[:, 1]
    return float(model.intercept_[0]), float(model.coef_[0, 0]), pd_


def hosmer_lemeshow(pd_: np.ndarray, y: np.ndarray, groups: int = 10
                    ) -> tuple[tuple[tuple[int, float, float, int], ...],
                               tuple[float, int, float] | None]:
    """The reliability table (deciles of fitted PD: cases, mean PD, observed rate, events)
    and the Hosmer-Lemeshow statistic sum (O - E)^2 / (E (1 - E / n)) with groups - 2
    degrees of freedom."""
    from scipy.stats import chi2

    order = np.argsort(pd_, kind="stable")
    rows = []
    stat = 0.0
    for part in np.array_split(order, groups):
        if not len(part):
            continue
        n, e, o = len(part), float(pd_[part].sum()), int(y[part].sum())
        rows.append((n, e / n, o / n, o))
        if 0 < e < n:
            stat += (o - e) ** 2 / (e * (1 - e / n))
    df = len(rows) - 2
    return tuple(rows), ((stat, df, float(chi2.sf(stat, df))) if df > 0 else None)


INSTALL = "pip install 'rubric-risk-scoring[backtest]'"


def require_backtest() -> None:
    """Raise a ScoringError saying what to install when SciPy or scikit-learn is missing."""
    from ..errors import ScoringError

    try:
        import scipy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        raise ScoringError("scoring backtest needs SciPy and scikit-learn, which are not "
                           f"installed: {INSTALL}") from None


def render_text(b: Backtest) -> str:
    """The backtest as the terminal shows it."""
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x:.2%}"

    lines = [f"Backtest of scenario {b.scenario}: {b.cases} cases with an outcome, "
             f"{b.events} events ({pct(b.events / b.cases if b.cases else None)}); "
             f"{b.without_outcome} scored cases without an outcome; riskier = "
             f"{b.risk_when} scores", ""]
    lines.append(f"{'band':<14} {'cases':>7} {'events':>7} {'rate':>8}  Jeffreys 95%"
                 f"{'':<7} {'fitted PD':>9}")
    for r in b.bands:
        interval = "-" if r.interval is None else f"{pct(r.interval[0])} - {pct(r.interval[1])}"
        lines.append(f"{r.band:<14} {r.cases:>7} {r.events:>7} {pct(r.rate):>8}  "
                     f"{interval:<19} {pct(r.pd):>9}")
    lines.append("monotone: yes" if b.monotone else
                 "monotone: NO (" + "; ".join(b.breaks) + ")")
    lines.append("")
    if b.auc is not None and b.auc_interval is not None:
        lines.append(f"AUC {b.auc:.4f} (DeLong 95% {b.auc_interval[0]:.4f} - "
                     f"{b.auc_interval[1]:.4f}); Gini {b.gini:.4f}; KS {b.ks:.4f}")
        lines.append("factor AUCs: " + ", ".join(
            f"{f} {'-' if a is None else f'{a:.4f}'}" for f, a in b.factors))
    if b.calibration is not None:
        lines.append(f"calibration: log-odds = {b.calibration[0]:.6g} + "
                     f"{b.calibration[1]:.6g} x score; Brier {b.brier:.6f}")
    if b.hosmer_lemeshow is not None:
        stat, df, p = b.hosmer_lemeshow
        lines.append(f"Hosmer-Lemeshow {stat:.3f} on {df} df, p = {p:.3g}")
    lines += [f"note: {n}" for n in b.notes]
    return "\n".join(lines) + "\n"


def backtest(scenario: str, composite: np.ndarray, bands: np.ndarray, factors: dict[str,
             np.ndarray], y: np.ndarray, band_order: list[str], risk_when: str,
             without_outcome: int) -> Backtest:
    """The backtest of one scenario's scores (each array one entry per scored case with an
    outcome)."""
    sign = 1.0 if risk_when == "higher" else -1.0
    risk = sign * composite
    events = int(y.sum())
    counts = np.array([int((bands == b).sum()) for b in band_order])
    hits = np.array([int(y[bands == b].sum()) for b in band_order])
    live = counts > 0
    lo, hi = jeffreys(hits[live], counts[live])
    rates: list[float | None] = [None] * len(band_order)
    intervals: list[tuple[float, float] | None] = [None] * len(band_order)
    for j, k in enumerate(np.flatnonzero(live).tolist()):
        rates[k] = hits[k] / counts[k]
        intervals[k] = (float(lo[j]), float(hi[j]))
    # bands in rubric order go from low to high scores: rates should rise with the score
    # (risk_when higher) or fall with it (lower); each adjacent pair out of that order
    breaks = []
    seen = [(b, r) for b, r in zip(band_order, rates, strict=True) if r is not None]
    for (b1, r1), (b2, r2) in pairwise(seen):
        if (r2 < r1) if risk_when == "higher" else (r2 > r1):
            breaks.append(f"{b1} {r1:.2%} then {b2} {r2:.2%}")
    notes = []
    auc = interval = gini = ks = brier = None
    calibration = None
    reliability: tuple[tuple[int, float, float, int], ...] = ()
    hl = None
    pd_band: list[float | None] = [None] * len(band_order)
    factor_auc: list[tuple[str, float | None]] = []
    if 0 < events < len(y):
        auc, interval = auc_delong(risk, y)
        gini = 2 * auc - 1
        ks = ks_statistic(risk, y)
        for f, values in factors.items():
            ok = np.isfinite(values)
            both = ok.any() and 0 < y[ok].sum() < ok.sum()
            factor_auc.append((f, auc_delong(sign * values[ok], y[ok])[0] if both else None))
        a, b, pd_ = logistic(composite, y)
        calibration = (a, b)
        brier = float(np.mean((pd_ - y) ** 2))
        reliability, hl = hosmer_lemeshow(pd_, y)
        pd_band = [float(pd_[bands == band].mean()) if c else None
                   for band, c in zip(band_order, counts, strict=True)]
    else:
        notes.append("every outcome is of one class: AUC, Gini, KS and the calibration are "
                     "undefined; the band table stands")
        factor_auc = [(f, None) for f in factors]
    return Backtest(scenario, risk_when, len(y), events, without_outcome,
                    tuple(BandRate(b, int(c), int(e), r, i, p) for b, c, e, r, i, p in zip(
                        band_order, counts, hits, rates, intervals, pd_band, strict=True)),
                    not breaks, tuple(breaks), auc, interval, gini, ks, tuple(factor_auc),
                    calibration, brier, reliability, hl, tuple(notes))
