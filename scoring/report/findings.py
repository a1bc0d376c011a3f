"""Review findings as the report and ``scoring review list`` show them: each beside the
number it concerns, and a panel on the first screen (open blocking findings first, in red).
A finding whose anchor is no number of the case any more (the evidence was edited) is shown
as orphaned, with the nearest ids, never dropped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..analysis.diff import CaseDiff
from ..display import escape_controls as esc
from ..formats.reviews import SEVERITIES, STATUSES, UNSETTLED, Reviews, anchor_ids, nearest
from ..formats.signoff import OnFile
from .numbers import Numbers
from .parts import Num
from .text import table


@dataclass(frozen=True)
class CommentView:
    date: str
    author: str
    note: str


@dataclass(frozen=True)
class FindingView:
    """One finding: ``target`` the trace id its anchor names, ``number`` that number now
    (None for a record that is not a number, or an orphan), ``orphaned`` with ``nearest``
    the closest ids, ``alarm`` for a blocking finding still open or answered."""

    id: str
    anchor: str
    target: str
    number: Num | None
    severity: str
    status: str
    author: str
    date: str
    orphaned: bool
    nearest: tuple[str, ...]
    alarm: bool
    thread: tuple[CommentView, ...]


@dataclass(frozen=True)
class FindingsPanel:
    """The findings of the case (``path`` of its reviews.yaml): ``findings`` open blocking
    first, then by severity, status and id; ``counts`` per status; ``marks`` by trace id the
    findings anchored there, for the marker beside the number."""

    path: str
    findings: tuple[FindingView, ...]
    counts: tuple[tuple[str, int], ...]
    alarms: int
    orphans: int
    marks: Mapping[str, tuple[FindingView, ...]]


def findings_panel(reviews: Reviews, known: Mapping[str, object], items: list[str],
                   n: Numbers | None = None) -> FindingsPanel:
    """The panel of ``reviews`` against the trace ids ``known`` (and evidence ``items``);
    with ``n``, each finding's number as the report shows it."""
    f = reviews.findings
    target = anchor_ids(f["anchor"], items).astype(str).to_numpy()
    lost = ~np.isin(target, np.asarray(list(known), dtype=object))
    alarm = (f["severity"].to_numpy() == "blocking") & np.isin(f["status"].to_numpy(),
                                                              list(UNSETTLED))
    keys = pd.DataFrame({"settled": ~alarm,
                         "severity": f["severity"].map(SEVERITIES.index).to_numpy(),
                         "status": f["status"].map(STATUSES.index).to_numpy(),
                         "id": f["id"].astype(str).to_numpy()})
    order = keys.sort_values(["settled", "severity", "status", "id"], kind="stable").index
    threads: dict[str, list[CommentView]] = {}
    for fid, date, author, note in reviews.comments[["finding", "date", "author",
                                                      "note"]].itertuples(index=False):
        threads.setdefault(str(fid), []).append(CommentView(str(date), str(author), str(note)))
    views = []
    for k in order.tolist():
        row = f.iloc[k]
        rec = known.get(target[k]) if not lost[k] else None
        number = (n.num(target[k]) if n is not None and getattr(rec, "kind", None) == "number"
                  else None)
        views.append(FindingView(
            str(row["id"]), str(row["anchor"]), str(target[k]), number, str(row["severity"]),
            str(row["status"]), str(row["author"]), str(row["date"]), bool(lost[k]),
            tuple(nearest(str(row["anchor"]), known)) if lost[k] else (), bool(alarm[k]),
            tuple(threads.get(str(row["id"]), ()))))
    marks: dict[str, list[FindingView]] = {}
    for v in views:
        if not v.orphaned:
            marks.setdefault(v.target, []).append(v)
    counts = f["status"].value_counts()
    return FindingsPanel(reviews.path, tuple(views),
                         tuple((s, int(counts.get(s, 0))) for s in STATUSES),
                         int(alarm.sum()), int(lost.sum()),
                         MappingProxyType({k: tuple(v) for k, v in marks.items()}))


def render_findings(panel: FindingsPanel) -> str:
    """``scoring review list``: one row per finding, then its thread; orphans named."""
    if not panel.findings:
        return f"{esc(panel.path)}: no findings\n"
    rows = [[v.id, v.severity, v.status, v.anchor + (" (orphaned)" if v.orphaned else ""),
             v.number.display if v.number is not None else "", v.author, v.date]
            for v in panel.findings]
    out = [table(["id", "severity", "status", "anchor", "now", "author", "date"], rows)]
    for v in panel.findings:  # each field escaped: a note's line break shows as \n
        out.append(f"{esc(v.id)} on {esc(v.anchor)}:")
        out.extend(f"  {c.date} {esc(c.author)}: {esc(c.note)}" for c in v.thread)
        if v.orphaned:
            hint = f"; nearest: {esc(', '.join(v.nearest))}" if v.nearest else ""
            out.append(f"  orphaned: {esc(v.anchor)} is no number or item of the case "
                       f"now{hint}")
    summary = ", ".join(f"{n} {s}" for s, n in panel.counts if n)
    out.append(f"{len(panel.findings)} finding{'s' if len(panel.findings) != 1 else ''} "
               f"({summary}); {panel.alarms} blocking not settled"
               + (f"; {panel.orphans} orphaned" if panel.orphans else ""))
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class SignoffView:
    """A sign-off of the case as the report shows it. ``state``: ``valid`` (the signature
    verifies and the case's inputs are the ones signed), ``stale`` (it verifies, but inputs
    changed since: ``changed`` names them and ``moves`` how each scenario's composite and
    band moved) or ``invalid`` (``problem`` says why)."""

    path: str
    reviewer: str
    date: str
    keyid: str
    state: str
    problem: str | None
    changed: tuple[str, ...]
    moves: tuple[str, ...]


def signoff_views(found: tuple[OnFile, ...], inputs: tuple[tuple[str, str], ...],
                  scores: list[dict[str, object]], diffs: Mapping[str, CaseDiff]
                  ) -> tuple[SignoffView, ...]:
    """Each sign-off found against the case now: its ``inputs`` as (path, sha256) and its
    ``scores`` as a sign-off records them; ``diffs``, by the envelope's path, ``scoring
    diff`` of the case as signed against the case now, where it could be made."""
    now = dict(inputs)
    out = []
    for s in found:
        p = s.envelope.predicate if s.envelope is not None else {}
        reviewer, date = str(p.get("reviewer", "")), str(p.get("date", ""))
        if not s.verified:
            out.append(SignoffView(s.path, reviewer, date, s.keyid, "invalid", s.problem, (), ()))
            continue
        signed = {str(i.get("path")): str(i.get("sha256")) for i in p.get("inputs", [])
                  if isinstance(i, dict)}
        changed = tuple(f"{path} ({'removed' if path not in now else 'changed'})"
                        for path in sorted(signed) if now.get(path) != signed[path]) + tuple(
            f"{path} (added)" for path in sorted(set(now) - set(signed)))
        then = {str(x.get("scenario")): x for x in p.get("scores", []) if isinstance(x, dict)}
        moves = []
        for x in scores:
            old = then.get(str(x["scenario"]))
            if old is None:
                moves.append(f"{x['scenario']}: new scenario, composite {x['shown']}")
            elif (old.get("shown"), old.get("band")) != (x["shown"], x["band"]):
                band = (f", band {old.get('band')} → {x['band']}"
                        if old.get("band") != x["band"] else "")
                moves.append(f"{x['scenario']} composite {old.get('shown')} → {x['shown']}{band}")
        if s.path in diffs:
            moves = diff_summary(diffs[s.path])
        out.append(SignoffView(s.path, reviewer, date, s.keyid, "stale" if changed else "valid",
                               None, changed, tuple(moves)))
    return tuple(out)


def diff_summary(diff: CaseDiff) -> list[str]:
    """``scoring diff``'s account, a line per scenario that moved: the composite's change
    split into factor scores, weights, coverage, gates and overrides, and the items behind
    it."""
    out = []
    for sd in diff.scenarios:
        if sd.total == 0 and sd.old_band == sd.new_band:
            continue
        band = f", band {sd.old_band} → {sd.new_band}" if sd.old_band != sd.new_band else ""
        items = [f"{f.factor}: {', '.join(e.items)} {e.kind}" for f in sd.factors
                 for e in f.items]
        out.append(f"{sd.scenario} composite {sd.old_composite:.2f} → {sd.new_composite:.2f} "
                   f"({sd.total:+.2f} = factor scores {sd.score_effect:+.2f}, weights "
                   f"{sd.weight_effect:+.2f}, coverage {sd.coverage_effect:+.2f}, gates and "
                   f"overrides {sd.judgement_effect:+.2f}){band}"
                   + (f"; {'; '.join(items)}" if items else ""))
    out += [f"scenario {s} removed" for s in diff.only_old]
    out += [f"scenario {s} added" for s in diff.only_new]
    if diff.rubric_changes:
        out.append(f"rubric: {len(diff.rubric_changes)} changes ({diff.rubric_bump} bump)")
    return out
