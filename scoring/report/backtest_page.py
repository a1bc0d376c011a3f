"""The backtest report (``scoring backtest ... -o FILE.html``, docs/backtest.md): a view over
the result of ``analysis.backtest``, in the house style (no script, a strict CSP).

Every number of the page is a trace record: an id (``bt/auc``, ``bt/band/Grey/rate``), the
value as shown, its raw value and how it was computed from other shown numbers, so that a
reviewer can redo each one by hand. A band's rate leads to the cases behind it and each
case's outcome to its row of the outcomes table and its source; the first screen answers
"does it discriminate?" (the AUC with its interval, monotone or not, the band table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import markupsafe
import numpy as np

from ..analysis.backtest import Backtest, Curve, line_text
from .html import content_security_policy, render_page, stylesheet

CHART_W, CHART_H = 300.0, 300.0  # the plot area of each curve, in SVG units
BAR_W = 200.0  # the width of the band bars' scale


@dataclass(frozen=True)
class Context:
    """What the page says about the run: the universe, rubric and outcomes it measured."""

    universe: str
    rubric: str  # id and version
    rubric_title: str
    outcomes: str  # the outcomes table as shown
    outcomes_sha256: str
    score_name: str  # what the composite is called ("Z' score", "composite")
    sources: tuple[dict[str, str], ...] = ()  # the outcomes' sources: id, title, publisher, url


@dataclass(frozen=True)
class Record:
    """One number of the page: ``id`` (its anchor), a label, the value shown, its raw value
    and how it follows from other records (``expression``, with ``inputs`` the ids it
    names)."""

    id: str
    label: str
    shown: str
    raw: str
    expression: str
    inputs: tuple[str, ...] = ()


@dataclass
class _Records:
    items: dict[str, Record] = field(default_factory=dict)

    def add(self, id_: str, label: str, value: float | int | None, shown: str,
            expression: str, inputs: tuple[str, ...] = ()) -> Record:
        rec = Record(id_, label, shown, "" if value is None else repr(value), expression,
                     inputs)
        self.items[id_] = rec
        return rec


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.2%}"


def _f4(x: float | None) -> str:
    return "—" if x is None else f"{x:.4f}"


def _points(curve: Curve) -> str:
    """The curve as SVG polyline points on the plot area, consecutive points that fall on the
    same half unit merged (a curve of thousands of cases stays a few kilobytes)."""
    x = np.round(curve.x * CHART_W * 2) / 2
    y = np.round((1 - curve.y) * CHART_H * 2) / 2
    keep = np.r_[True, (np.diff(x) != 0) | (np.diff(y) != 0)]
    keep[-1] = True
    return " ".join(f"{a:g},{b:g}" for a, b in zip(x[keep].tolist(), y[keep].tolist(),
                                                  strict=True))


def _scale(x: float) -> float:
    return round(x * CHART_W, 1)


def build_page(b: Backtest, ctx: Context) -> dict[str, Any]:
    """The page's model: records, the first screen, the figures and the cases of each band."""
    r = _Records()
    n1, n0 = b.events, b.cases - b.events
    r.add("bt/cases", "cases with an outcome", b.cases, f"{b.cases}",
          f"scored cases of {ctx.universe} with a row in {ctx.outcomes}")
    r.add("bt/events", "events", b.events, f"{b.events}",
          f"cases whose outcome is 1 (non-events: {n0})", ("bt/cases",))
    bands = []
    top = max([x.interval[1] for x in b.bands if x.interval is not None] + [0.01])
    for x in b.bands:
        key = f"bt/band/{x.band}"
        r.add(f"{key}/cases", f"{x.band}: cases", x.cases, f"{x.cases}",
              f"cases in band {x.band}")
        r.add(f"{key}/events", f"{x.band}: events", x.events, f"{x.events}",
              f"their outcomes that are 1 (listed at #{key})")
        rate = interval = pd_ = None
        if x.rate is not None and x.interval is not None:
            rate = r.add(f"{key}/rate", f"{x.band}: observed rate", x.rate, _pct(x.rate),
                         f"{x.events} / {x.cases}", (f"{key}/events", f"{key}/cases"))
            interval = r.add(
                f"{key}/interval", f"{x.band}: Jeffreys 95 % interval", None,
                f"{_pct(x.interval[0])} – {_pct(x.interval[1])}",
                f"the 2.5 % and 97.5 % quantiles of Beta({x.events} + ½, {x.cases} − "
                f"{x.events} + ½) = Beta({x.events + 0.5:g}, {x.cases - x.events + 0.5:g})"
                + ("; 0 below: no event" if x.events == 0 else "")
                + ("; 1 above: every case an event" if x.events == x.cases else "")
                + f" ({x.interval[0]!r}, {x.interval[1]!r})",
                (f"{key}/events", f"{key}/cases"))
        if x.pd is not None:
            pd_ = r.add(f"{key}/pd", f"{x.band}: mean fitted PD", x.pd, _pct(x.pd),
                        "the mean of its cases' fitted PDs (the calibration)",
                        ("bt/calibration",))
        bar = None
        if x.rate is not None and x.interval is not None:
            bar = {"w": round(x.rate / top * BAR_W, 1), "lo": round(x.interval[0] / top * BAR_W, 1),
                   "hi": round(x.interval[1] / top * BAR_W, 1)}
        bands.append({"band": x.band, "key": key, "cases": r.items[f"{key}/cases"],
                      "events": r.items[f"{key}/events"], "rate": rate, "interval": interval,
                      "pd": pd_, "bar": bar})
    r.add("bt/monotone", "monotone", None, "yes" if b.monotone else "no",
          "the rates rise with risk from band to band, in the rubric's order"
          if b.monotone else "breaks: " + "; ".join(b.breaks),
          tuple(f"bt/band/{x.band}/rate" for x in b.bands if x.rate is not None))
    discrimination = None
    if b.auc is not None and b.u is not None and b.auc_interval is not None \
            and b.auc_variances is not None and b.gini is not None and b.ks is not None:
        v10, v01 = b.auc_variances
        r.add("bt/u", "Mann–Whitney U", b.u, f"{b.u:.12g}",
              "over all pairs of an event and a non-event: 1 when the event case is riskier, "
              "½ when tied", ("bt/events",))
        r.add("bt/auc", "AUC", b.auc, _f4(b.auc), f"U / (events × non-events) = {b.u:.12g} / "
              f"({n1} × {n0})", ("bt/u", "bt/events", "bt/cases"))
        r.add("bt/auc_variance", "DeLong variance", v10 + v01, f"{v10 + v01:.6g}",
              f"var(V10) / {n1} + var(V01) / {n0} = {v10:.6g} + {v01:.6g} (V10: each event's "
              "share of non-events it outranks; V01: each non-event's share of events above "
              "it)")
        r.add("bt/auc_interval", "AUC 95 % interval (DeLong)", None,
              f"{_f4(b.auc_interval[0])} – {_f4(b.auc_interval[1])}",
              f"AUC ∓ 1.959964 × √variance, within [0, 1] ({b.auc_interval[0]!r}, "
              f"{b.auc_interval[1]!r})", ("bt/auc", "bt/auc_variance"))
        r.add("bt/gini", "Gini (accuracy ratio)", b.gini, _f4(b.gini),
              f"2 × AUC − 1 = 2 × {b.auc!r} − 1", ("bt/auc",))
        r.add("bt/ks", "KS", b.ks, _f4(b.ks),
              f"the largest gap between the share of events and the share of non-events "
              f"scoring at or beyond a threshold, reached at {ctx.score_name} {b.ks_at:g}")
        discrimination = {k: r.items[f"bt/{k}"] for k in
                          ("auc", "auc_interval", "gini", "ks", "u", "auc_variance")}
    factors = []
    for f, a in b.factors:
        rec = r.add(f"bt/factor/{f}/auc", f"{f}: AUC", a, _f4(a),
                    f"the AUC of factor {f}'s own scores, as bt/auc" if a is not None else
                    "undefined: one class of outcome among the cases it scores")
        factors.append({"factor": f, "auc": rec, "wrong": a is not None and a < 0.5})
    calibration = None
    if b.calibration is not None and b.brier is not None:
        a0, b1 = b.calibration
        r.add("bt/calibration", "calibration", None,
              "log-odds = " + line_text(a0, b1).replace(" x ", " × "),
              "maximum likelihood over the cases (Newton's method on the log-likelihood); "
              f"PD = 1 / (1 + exp(−({a0!r} + {b1!r} × score)))")
        r.add("bt/brier", "Brier score", b.brier, f"{b.brier:.6f}",
              f"the mean of (fitted PD − outcome)² over the {b.cases} cases", ("bt/cases",))
        rows = []
        for k, (n, p, q, e) in enumerate(b.reliability, start=1):
            rows.append({"k": k, "cases": n, "events": e, "pd": r.add(
                f"bt/reliability/{k}/pd", f"decile {k}: mean PD", p, _pct(p),
                f"the mean fitted PD of the decile's {n} cases"), "rate": r.add(
                f"bt/reliability/{k}/rate", f"decile {k}: observed rate", q, _pct(q),
                f"{e} / {n}"), "expected": round(p * n, 2)})
        hl = None
        if b.hosmer_lemeshow is not None:
            stat, df, pv = b.hosmer_lemeshow
            hl = r.add("bt/hosmer_lemeshow", "Hosmer–Lemeshow", stat,
                       f"{stat:.3f} on {df} df, p = {pv:.3g}",
                       "the sum over the deciles of (events − E)² / (E (1 − E / cases)), E = "
                       "cases × mean PD; p from the χ² distribution with deciles − 2 df",
                       tuple(f"bt/reliability/{k}/rate" for k in range(1, len(rows) + 1)))
        axis = max([p for _, p, _, _ in b.reliability] + [q for _, _, q, _ in b.reliability]
                   + [1e-9]) * 1.1
        calibration = {"fit": r.items["bt/calibration"], "brier": r.items["bt/brier"],
                       "rows": rows, "hl": hl, "axis": _pct(axis),
                       "dots": [{"x": round(p / axis * CHART_W, 1),
                                 "y": round((1 - q / axis) * CHART_H, 1), "k": k}
                                for k, (_, p, q, _) in enumerate(b.reliability, start=1)]}
    stability = []
    for s in b.stability:
        rec = r.add(f"bt/psi/{s.what}", f"PSI of {s.what}", s.psi, f"{s.psi:.4f}",
                    "the sum over the bins of (a − e) ln(a / e), a and e the current and "
                    "baseline shares (an empty bin counts half a case)")
        stability.append({"what": s.what, "psi": rec, "flag": s.flag, "bins": list(zip(
            s.bins, s.baseline, s.current, strict=True))})
    return {"title": f"Backtest of {ctx.rubric} on {ctx.universe}", "ctx": ctx, "b": b,
            "records": list(r.items.values()), "rec": r.items,
            "bands": bands, "discrimination": discrimination, "factors": factors,
            "calibration": calibration, "stability": stability,
            "roc": None if b.roc is None else _points(b.roc),
            "cap": None if b.cap is None else _points(b.cap),
            "perfect_cap": None if not b.cases else f"0,{CHART_H:g} "
            f"{_scale(b.events / b.cases)},0 {CHART_W:g},0",
            "w": CHART_W, "h": CHART_H, "bar_w": BAR_W, "behind": _behind(b)}


def _behind(b: Backtest) -> list[dict[str, Any]]:
    """Per band, its event cases (each with its outcome's row, date, source and locator)
    and its other cases (id and score), in the band's score order."""
    if b.per_case is None:
        return []
    c = b.per_case
    out = []
    for x in b.bands:
        here = np.flatnonzero(c.band == x.band)
        here = here[np.argsort(c.score[here], kind="stable")]
        ev = here[c.outcome[here] == 1]
        other = here[c.outcome[here] != 1]
        out.append({"band": x.band, "events": [
            {"case": c.case[k], "score": f"{c.score[k]:.4g}", "row": int(c.row[k]),
             "observed": str(c.observed[k]), "source": c.source[k], "locator": c.locator[k],
             "pd": "" if np.isnan(c.pd[k]) else _pct(float(c.pd[k]))} for k in ev.tolist()],
            "others": " ".join(f"{c.case[k]} {c.score[k]:.4g}" for k in other.tolist())})
    return out


def backtest_css() -> str:
    return stylesheet() + (resources.files("scoring.report") / "templates"
                           / "backtest.css").read_text(encoding="utf-8")


def render_backtest(b: Backtest, ctx: Context) -> str:
    """The backtest report as HTML text."""
    css = backtest_css()
    page = build_page(b, ctx)
    return render_page("backtest.html", page=page, css=markupsafe.Markup(css),
                       csp=content_security_policy(css))
