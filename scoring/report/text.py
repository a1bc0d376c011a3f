"""Plain-text and machine renderings of a result for the terminal (``scoring score``).

Text taken from the inputs (entity, band names, paths, notes, rubric entries) is shown with
control characters escaped (``display.escape_controls``): a table cell is escaped before its
width is measured, so a hostile name can neither act on the terminal nor break the layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..csvout import csv_text
from ..display import escape_controls as esc
from ..display import format_score, pad, text_width

if TYPE_CHECKING:
    from ..analysis.diff import CaseDiff
    from ..analysis.pinning import CaseCheck
    from ..analysis.result import Result
    from ..analysis.verify import Verification


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns aligned by terminal width, the first to the left; every cell escaped."""
    rows = [[esc(c) for c in r] for r in rows]
    widths = [max(text_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, w, left=i == 0)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)]) + "\n"


def render_table(result: Result) -> str:
    """Scenario summary, then factor scores per scenario (rows: factors)."""
    sc = result.scenario_ids
    judged = any(result.indicated(s) != result.composite(s) for s in sc)
    d = result.case.rubric.decimals
    summary = [[s, *([format_score(result.indicated(s), "points", d)] if judged else []),
                format_score(result.composite(s), "points", d), result.band(s),
                format_score(result.coverage(s), "percent")] for s in sc]
    out = [f"{esc(result.case.meta.entity)} — as of {result.case.meta.as_of} — rubric "
           f"{result.case.rubric.id} {result.case.rubric.version}\n",
           table(["scenario", *(["indicated"] if judged else []), "composite", "band",
                   "coverage"], summary), ""]
    factors = [[f.id, *[format_score(result.factor_score(s, f.id), "points", d) for s in sc]]
               for f in result.case.rubric.factors]
    out.append(table(["factor score", *sc], factors))
    out.append("\nn/a: no evidence in that scenario (factor excluded, weights renormalised).\n"
               "Every number: scoring trace CASE_DIR <id>, e.g. bear/composite\n")
    return "\n".join(out)


def render_csv(result: Result) -> str:
    """The scenario summary with full-precision factor scores, one row per scenario."""
    return csv_text(result.summary_table())


def render_score(result: Result, fmt: str) -> str:
    if fmt == "json":
        return result.json_text()
    if fmt == "csv":
        return render_csv(result)
    return render_table(result)




def render_drift(checks: list[CaseCheck], verbose: bool = False) -> str:
    """The drift table (only the numbers that moved, unless ``verbose``) and stamp notes."""
    rows = [[d.case, d.scenario, d.id, d.expected, d.actual,
             "" if d.delta is None else f"{d.delta:+.3g}", "ok" if d.ok else "DRIFT"]
            for c in checks for d in c.rows if verbose or not d.ok]
    out = []
    if rows:
        out.append(table(["case", "scenario", "number", "expected", "actual", "delta",
                           "status"], rows))
    for c in checks:
        for note in c.notes:
            out.append(f"note: {esc(c.folder)}: {esc(note)}\n")
    held = sum(c.ok for c in checks)
    total_numbers = sum(len(c.rows) for c in checks)
    drifted = sum(len(c.drifts) for c in checks)
    out.append(f"{held} of {len(checks)} case{'s' if len(checks) != 1 else ''} hold; "
               f"{drifted} of {total_numbers} pinned numbers drifted.\n")
    return "".join(out)


def _pts(x: float | None) -> str:
    return "n/a" if x is None else format_score(x)


def _d(x: float) -> str:
    return format_score(x, "delta")


def render_diff(diff: CaseDiff) -> str:
    """The composite change of each scenario split into parts, by factor and item."""
    out: list[str] = []
    for sd in diff.scenarios:
        out.append(f"Scenario {esc(sd.scenario)}: composite {_pts(sd.old_composite)} -> "
                   f"{_pts(sd.new_composite)} ({_d(sd.total)}); band {esc(sd.old_band)} -> "
                   f"{esc(sd.new_band)}\n")
        out.append(table(["part", "points"], [
            ["factor scores at old weights", _d(sd.score_effect)],
            ["weight changes", _d(sd.weight_effect)],
            ["coverage changes", _d(sd.coverage_effect)],
            ["gates and overrides", _d(sd.judgement_effect)],
            ["total", _d(sd.total)],
        ]))
        out.append(f"(parts sum to the total; residual {sd.residual:.1e})\n")
        moved = [f for f in sd.factors if f.total != 0 or f.old_score != f.new_score]
        if moved:
            out.append(table(
                ["factor", "score", "weight", "score eff.", "weight eff.", "coverage eff.",
                 "total"],
                [[f.factor, f"{_pts(f.old_score)} -> {_pts(f.new_score)}",
                  f"{_w(f.old_weight)} -> {_w(f.new_weight)}", _d(f.score_effect),
                  _d(f.weight_effect), _d(f.coverage_effect), _d(f.total)] for f in moved]))
        for f in moved:
            for e in f.items:
                why = f" ({esc(', '.join(e.reasons))})" if e.reasons else ""
                out.append(f"  {esc(f.factor)}: {esc(', '.join(e.items))} {e.kind}{why}: "
                           f"factor score {_d(e.delta)}\n")
        out.append("\n")
    for s in diff.only_old:
        out.append(f"Scenario {esc(s)} exists only in the old case.\n")
    for s in diff.only_new:
        out.append(f"Scenario {esc(s)} exists only in the new case.\n")
    if diff.rubric_changes:
        out.append(f"Rubric changes (proposed version bump: {diff.rubric_bump}):\n")
        out.append(table(["entry", "old", "new", "bump"],
                          [[c.entry, c.old, c.new, c.level] for c in diff.rubric_changes]))
    else:
        out.append("Rubric: no changes.\n")
    return "".join(out)


def _w(x: float | None) -> str:
    return "n/a" if x is None else format_score(x, "fraction")


def render_verification(v: Verification) -> str:
    """Snapshots and excerpts, each with its status, then a count per status."""
    out = []
    if v.snapshots:
        out.append(table(["source", "snapshot", "status", "note"],
                          [[s.source, s.path, s.status, s.note] for s in v.snapshots]))
    if v.excerpts:
        out.append(table(["item", "excerpt", "checked against", "note"],
                          [[e.item, e.status, ", ".join(e.against) or "-", e.note]
                           for e in v.excerpts]))
    counts = {k: sum(e.status == k for e in v.excerpts)
              for k in ("verified", "unverifiable", "failed")}
    bad = [s for s in v.snapshots if s.status in ("hash mismatch", "refused")]
    out.append(f"{counts['verified']} verified, {counts['unverifiable']} unverifiable, "
               f"{counts['failed']} failed excerpts; {len(bad)} snapshot problems.\n")
    return "\n".join(out)
