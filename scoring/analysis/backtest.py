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
* calibration: log-odds = a + b x score fitted by maximum likelihood (Newton's method; the
  tests hold it to scikit-learn's unpenalised logistic regression), the fitted PD per band
  and per case, the Brier score, a
  reliability table by deciles of fitted PD and the Hosmer-Lemeshow statistic.

"Riskier" is higher scores when ``risk_when == "higher"`` (a 0-100 risk scale), lower scores
when ``"lower"`` (Altman's Z, where a higher Z is safer).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import numpy as np

from ..display import escape_controls as esc
from ..display import pad

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
class Curve:
    """Points of a ROC curve (x: false-positive rate, y: true-positive rate) or a CAP curve
    (x: share of cases, y: share of events), one per distinct score, riskiest first, from
    (0, 0) to (1, 1)."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class CaseOutcomes:
    """The scored cases behind the backtest, one entry each: id, score, band, outcome, fitted
    PD (NaN when the calibration is undefined), and where the outcome is recorded (the row of
    the outcomes table, its date, source and locator)."""

    case: np.ndarray  # object: str
    score: np.ndarray
    band: np.ndarray  # object: str
    outcome: np.ndarray  # int64
    pd: np.ndarray
    row: np.ndarray  # int64
    observed: np.ndarray  # datetime64[D]
    source: np.ndarray  # object: str
    locator: np.ndarray  # object: str


@dataclass(frozen=True)
class Stability:
    """The population stability index of one distribution (``what``: the score, or a
    factor) against the baseline's, over ``bins`` (names), with each bin's baseline and
    current counts."""

    what: str
    bins: tuple[str, ...]
    baseline: tuple[int, ...]
    current: tuple[int, ...]
    psi: float

    @property
    def flag(self) -> str:
        return psi_flag(self.psi)


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
    u: float | None = None  # the Mann-Whitney statistic: AUC = u / (events x non-events)
    auc_variances: tuple[float, float] | None = None  # DeLong's var(V10) / m, var(V01) / n
    ks_at: float | None = None  # the score at which KS is reached
    roc: Curve | None = None
    cap: Curve | None = None
    per_case: CaseOutcomes | None = None
    stability: tuple[Stability, ...] = ()
    lookahead: int = 0  # outcomes measured although observed too early (--allow-lookahead)
    # what was measured: the rubric, the universe and the outcomes file (and its SHA-256)
    about: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.about,
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
            **({"psi": [{"what": p.what, "psi": p.psi, "flag": p.flag, "bins": [
                {"bin": b, "baseline": e, "current": a} for b, e, a in zip(
                    p.bins, p.baseline, p.current, strict=True)]} for p in self.stability]}
               if self.stability else {}),
        }


def _pair(x: tuple[float, float] | None) -> list[float] | None:
    return None if x is None else [x[0], x[1]]


def jeffreys(events: np.ndarray, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys 95 % intervals of ``events`` out of ``cases`` (arrays; cases > 0)."""
    from scipy.special import betaincinv  # the Beta quantile, without scipy.stats' import

    a, b = events + 0.5, cases - events + 0.5
    lo = np.where(events == 0, 0.0, betaincinv(a, b, 0.025))
    hi = np.where(events == cases, 1.0, betaincinv(a, b, 0.975))
    return lo, hi


def midranks(x: np.ndarray) -> np.ndarray:
    """The ranks of ``x`` from 1, tied values sharing the mean of their ranks."""
    order = np.argsort(x, kind="stable")
    _, first, counts = np.unique(x[order], return_index=True, return_counts=True)
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)
    return ranks


def delong(risk: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The Mann-Whitney statistic U of ``risk`` (higher: riskier) for outcomes ``y`` (0/1,
    both present) over midranks (a tie counts one half), and DeLong's two variance terms
    var(V10) / m and var(V01) / n (m events, n non-events): AUC = U / (m n), its variance
    their sum."""
    pos, neg = risk[y == 1], risk[y == 0]
    m, n = len(pos), len(neg)
    r_all = midranks(np.concatenate([pos, neg]))  # midranks: ties count one half
    r_pos, r_neg = midranks(pos), midranks(neg)
    u = float(r_all[:m].sum() - m * (m + 1) / 2)
    v10 = (r_all[:m] - r_pos) / n  # each event's share of non-events it outranks
    v01 = 1.0 - (r_all[m:] - r_neg) / m  # each non-event's share of events above it
    return (u, float(np.var(v10, ddof=1) / m) if m > 1 else 0.0,
            float(np.var(v01, ddof=1) / n) if n > 1 else 0.0)


def auc_delong(risk: np.ndarray, y: np.ndarray) -> tuple[float, tuple[float, float]]:
    """The AUC of ``risk`` (higher: riskier) for outcomes ``y`` (0/1, both present) and
    DeLong's 95 % interval AUC -/+ 1.96 sqrt(variance), clipped to [0, 1]."""
    u, var10, var01 = delong(risk, y)
    m = int(y.sum())
    auc = u / (m * (len(y) - m))
    half = Z95 * float(np.sqrt(var10 + var01))
    return auc, (max(0.0, auc - half), min(1.0, auc + half))


def ks_point(risk: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """KS = max over thresholds t of |P(risk <= t | event) - P(risk <= t | no event)|, and
    the first t (in ``risk``'s units) where it is reached."""
    order = np.sort(np.unique(risk))
    f1 = np.searchsorted(np.sort(risk[y == 1]), order, side="right") / max(int(y.sum()), 1)
    f0 = np.searchsorted(np.sort(risk[y == 0]), order, side="right") / max(int((1 - y).sum()), 1)
    gap = np.abs(f1 - f0)
    k = int(np.argmax(gap))
    return float(gap[k]), float(order[k])


def ks_statistic(risk: np.ndarray, y: np.ndarray) -> float:
    """The KS statistic alone (``ks_point``)."""
    return ks_point(risk, y)[0]


def curves(risk: np.ndarray, y: np.ndarray) -> tuple[Curve, Curve]:
    """The ROC and CAP curves of ``risk`` (higher: riskier) for outcomes ``y`` (both classes
    present): cases taken riskiest first, one point after each distinct score (tied cases
    enter together, so the ROC's area is the AUC with ties counting one half)."""
    order = np.argsort(-risk, kind="stable")
    r, hit = risk[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(r) != 0), len(r) - 1]  # the end of each tie group
    tp = np.cumsum(hit)[last]
    fp = (last + 1) - tp
    m = int(y.sum())
    tpr = np.r_[0.0, tp / m]
    return (Curve(np.r_[0.0, fp / (len(y) - m)], tpr),
            Curve(np.r_[0.0, (last + 1) / len(y)], tpr))


def psi(baseline: np.ndarray, current: np.ndarray) -> float:
    """The population stability index sum (a - e) ln(a / e) of the bin counts ``current``
    (shares a) against ``baseline`` (shares e); an empty bin counts half a case, so that
    the index stays finite."""
    e = np.where(baseline == 0, 0.5, baseline) / max(int(baseline.sum()), 1)
    a = np.where(current == 0, 0.5, current) / max(int(current.sum()), 1)
    return float(np.sum((a - e) * np.log(a / e)))


PSI_WATCH, PSI_SHIFT = 0.1, 0.25  # the conventional flags


def psi_flag(value: float) -> str:
    """``stable`` below 0.1, ``watch`` from 0.1 to below 0.25, ``shift`` from 0.25."""
    return "stable" if value < PSI_WATCH else "watch" if value < PSI_SHIFT else "shift"


def decile_bins(baseline: np.ndarray, current: np.ndarray, what: str) -> Stability:
    """The PSI of ``current`` against ``baseline`` over the baseline's deciles (finite values
    only; edges that coincide merge their bins)."""
    base = baseline[np.isfinite(baseline)]
    cur = current[np.isfinite(current)]
    edges = np.unique(np.quantile(base, np.linspace(0.1, 0.9, 9))) if len(base) else \
        np.zeros(0)
    e = np.bincount(np.searchsorted(edges, base, side="right"), minlength=len(edges) + 1)
    a = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    shown = [f"{x:.4g}" for x in edges]
    names = ([f"< {shown[0]}"] if len(edges) else ["all"]) + [
        f"{lo} to < {hi}" for lo, hi in pairwise(shown)] + (
        [f">= {shown[-1]}"] if len(edges) else [])
    return Stability(what, tuple(names), tuple(int(x) for x in e), tuple(int(x) for x in a),
                     psi(e, a))


def band_bins(baseline: np.ndarray, current: np.ndarray, band_order: list[str]) -> Stability:
    """The PSI of the band distribution against the baseline's, bands in rubric order."""
    e = np.array([int((baseline == b).sum()) for b in band_order])
    a = np.array([int((current == b).sum()) for b in band_order])
    return Stability("band", tuple(band_order), tuple(e.tolist()), tuple(a.tolist()), psi(e, a))


def logistic(score: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray] | None:
    """(a, b, fitted PDs) of log-odds = a + b x score by maximum likelihood: Newton's method
    on the log-likelihood (iteratively reweighted least squares), from a = the log-odds of
    the event rate and b = 0, until a step moves neither by more than 1e-12 relative. None
    when there is no finite maximum (the score separates the outcomes, or does not vary).
    The tests check it against scikit-learn's unpenalised fit."""
    from scipy.special import expit  # 1 / (1 + exp(-t)) without overflow

    x = np.column_stack([np.ones(len(score)), score])
    rate = float(y.mean())
    beta = np.array([np.log(rate / (1 - rate)), 0.0])
    converged = False
    for _ in range(100):
        p = expit(x @ beta)
        w = p * (1 - p)
        try:
            step = np.linalg.solve((x * w[:, None]).T @ x, x.T @ (y - p))
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(step)):
            return None
        # halve a step that lowers the likelihood (a score with long tails overshoots)
        for _ in range(50):
            q = expit(x @ (beta + step))
            with np.errstate(divide="ignore"):
                if _loglik(q, y) >= _loglik(p, y) - 1e-12:
                    break
            step = step / 2
        beta = beta + step
        if np.all(np.abs(step) <= 1e-12 * np.maximum(1.0, np.abs(beta))):
            converged = True
            break
    pd_ = expit(x @ beta)
    if not converged:
        return None  # the fit runs off to infinity: the outcomes are separated
    return float(beta[0]), float(beta[1]), pd_


def _loglik(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(np.where(y == 1, np.log(p), np.log1p(-p))))


def hosmer_lemeshow(pd_: np.ndarray, y: np.ndarray, groups: int = 10
                    ) -> tuple[tuple[tuple[int, float, float, int], ...],
                               tuple[float, int, float] | None]:
    """The reliability table (deciles of fitted PD: cases, mean PD, observed rate, events)
    and the Hosmer-Lemeshow statistic sum (O - E)^2 / (E (1 - E / n)) with groups - 2
    degrees of freedom."""
    from scipy.special import chdtrc  # the chi-squared survival function

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
    return tuple(rows), ((stat, df, float(chdtrc(df, stat))) if df > 0 else None)


INSTALL = "pip install 'rubric-risk-scoring[backtest]'"


def require_backtest() -> None:
    """Raise a ScoringError saying what to install when SciPy is missing."""
    from ..errors import ScoringError

    try:
        import scipy.special  # noqa: F401
    except ImportError:
        raise ScoringError("scoring backtest needs SciPy, which is not installed: "
                           f"{INSTALL}") from None


def line_text(a: float, b: float) -> str:
    """``a + b x score`` as written out (``-3.12 - 0.0278 x score``)."""
    return f"{a:.6g} {'-' if b < 0 else '+'} {abs(b):.6g} x score"


def render_text(b: Backtest) -> str:
    """The backtest as the terminal shows it: text from the inputs (band names, the paths in
    notes) with control characters and bidi controls escaped (``display.escape_controls``)."""
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
        lines.append(f"{pad(esc(r.band), 14)} {r.cases:>7} {r.events:>7} {pct(r.rate):>8}  "
                     f"{interval:<19} {pct(r.pd):>9}")
    lines.append("monotone: yes" if b.monotone else
                 "monotone: NO (" + "; ".join(esc(x) for x in b.breaks) + ")")
    lines.append("")
    if b.auc is not None and b.auc_interval is not None:
        lines.append(f"AUC {b.auc:.4f} (DeLong 95% {b.auc_interval[0]:.4f} - "
                     f"{b.auc_interval[1]:.4f}); Gini {b.gini:.4f}; KS {b.ks:.4f}")
        lines.append("factor AUCs: " + ", ".join(
            f"{f} {'-' if a is None else f'{a:.4f}'}" for f, a in b.factors))
    if b.calibration is not None:
        lines.append(f"calibration: log-odds = {line_text(*b.calibration)}; "
                     f"Brier {b.brier:.6f}")
    if b.hosmer_lemeshow is not None:
        stat, df, p = b.hosmer_lemeshow
        lines.append(f"Hosmer-Lemeshow {stat:.3f} on {df} df, p = {p:.3g}")
    for st in b.stability:
        lines.append(f"PSI {st.what} {st.psi:.4f} ({st.flag})")
    lines += [f"note: {esc(n)}" for n in b.notes]
    return "\n".join(lines) + "\n"


def backtest(scenario: str, composite: np.ndarray, bands: np.ndarray, factors: dict[str,
             np.ndarray], y: np.ndarray, band_order: list[str], risk_when: str,
             without_outcome: int, per_case: CaseOutcomes | None = None) -> Backtest:
    """The backtest of one scenario's scores (each array one entry per scored case with an
    outcome; ``per_case``, in the same order, gets each case's fitted PD)."""
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
    u = variances = ks_at = roc = cap = None
    fitted = np.full(len(y), np.nan)
    if 0 < events < len(y):
        auc, interval = auc_delong(risk, y)
        u, var10, var01 = delong(risk, y)
        variances = (var10, var01)
        gini = 2 * auc - 1
        ks, at = ks_point(risk, y)
        ks_at = sign * at
        roc, cap = curves(risk, y)
        for f, values in factors.items():
            ok = np.isfinite(values)
            both = ok.any() and 0 < y[ok].sum() < ok.sum()
            factor_auc.append((f, auc_delong(sign * values[ok], y[ok])[0] if both else None))
        fit = logistic(composite, y)
        if fit is None:
            notes.append("the calibration is undefined: no finite maximum-likelihood fit "
                         "(the score separates the outcomes, or does not vary)")
        else:
            a, b, pd_ = fit
            fitted = pd_
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
                    calibration, brier, reliability, hl, tuple(notes), u, variances, ks_at,
                    roc, cap, None if per_case is None else replace(per_case, pd=fitted))
