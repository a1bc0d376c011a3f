"""A case at several as-of dates, as a set of cases (docs/history.md).

A history is a universe of (case, date) pairs: pair ``case × k + j`` is the case as it stood
on date ``j``, holding only what had been observed by then. Each pair is one case of a
:class:`~scoring.formats.loader.CaseSet`, so the one method scores every date of every case
in one pass (``tables.build_tables``, ``method.kernel.score``), as it scores a universe.

"Observed by the date" is a column operation on the evidence tables, for every date at once:

* an item is kept when its ``observed`` date is on or before the date (a figure likewise);
* a source is kept when it has no date or is dated on or before the date;
* an item keeps only its citations of kept sources, and its best source (reliability) is
  chosen again among them by the loader's rule (``evidence.best_citations``; a relayed
  citation needs its relay kept too); an item none of
  whose cited sources is kept yet is left out;
* ages are counted to the date, so decay is computed there;
* a figure that a later report restated (``restatements.yaml``) has, at each date, the value
  known then: each earlier value is a row of its own, kept from the day it was reported to
  the day before the next value was (the restatement filed on the date itself counts).

A scenario change that names an item not kept at a date touches no row (the overlay finds no
row to change, as for a universe's case that lacks the item): :func:`unobserved_changes`
lists them so that the output can say so. An assumption dated after the date is left out of
the tables (:func:`drop_unobserved_assumptions`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import ScoringError
from .evidence import Evidence, best_citations
from .loader import CaseSet
from .models import Assume, Restatement, SetWeight
from .tables import Tables

MAX_DATES = 1000  # a history of more dates than this is a mistake in a cadence, not a need


class BadDates(ScoringError):
    """The as-of dates of a history cannot be read (docs/errors.md#bad-dates)."""

    slug = "bad-dates"


def parse_dates(text: str) -> tuple[dt.date, ...]:
    """``2026-01-01,2026-02-01,...``: distinct ISO dates, given in increasing order."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        try:
            out.append(dt.date.fromisoformat(part))
        except ValueError:
            raise BadDates(f"{part!r} is not a date (YYYY-MM-DD)") from None
    return _checked(out)


_EVERY = re.compile(r"^([1-9][0-9]{0,3})([dwm])$")


def cadence(start: dt.date, end: dt.date, every: str) -> tuple[dt.date, ...]:
    """The dates from ``start`` to ``end`` (both included when on the cadence), every
    ``Nd`` days, ``Nw`` weeks or ``Nm`` months (the same day of the month, or the month's
    last day when it has no such day)."""
    m = _EVERY.match(every)
    if m is None:
        raise BadDates(f"--every {every!r}: write a number and d, w or m (e.g. 2w, 1m)")
    if end < start:
        raise BadDates(f"--to {end} is before --from {start}")
    n, unit = int(m.group(1)), m.group(2)
    out: list[dt.date] = []
    k = 0
    while len(out) <= MAX_DATES:
        if unit == "m":
            month = start.month - 1 + k * n
            year, month = start.year + month // 12, month % 12 + 1
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            d = dt.date(year, month, min(start.day, last))
        else:
            d = start + dt.timedelta(days=k * n * (7 if unit == "w" else 1))
        if d > end:
            break
        out.append(d)
        k += 1
    return _checked(out)


def _checked(dates: list[dt.date]) -> tuple[dt.date, ...]:
    if len(dates) > MAX_DATES:
        raise BadDates(f"{len(dates)} dates: a history takes at most {MAX_DATES}")
    for a, b in zip(dates, dates[1:], strict=False):
        if b <= a:
            raise BadDates(f"{b} comes after {a}: give the dates once each, in increasing "
                           "order")
    return tuple(dates)


@dataclass(frozen=True)
class UnobservedChange:
    """A scenario change that names an item not observed by a date: it changes nothing at
    that date."""

    case: str  # the pair's case id (``id@date``)
    scenario: str
    change: str  # its trace id, <scenario>/change/<n>
    item: str


def pair_id(case: str, date: dt.date) -> str:
    """The id of a case at a date, as the pair is named in the tables and messages."""
    return f"{case}@{date.isoformat()}"


def at_dates(cs: CaseSet, dates: Sequence[dt.date]) -> CaseSet:
    """``cs`` at each of ``dates``: one case per (case, date), case-major (pair
    ``c × len(dates) + j``), each with ``as_of`` the date and only what was observed by
    then. The rubric, scenarios, inputs and positions are the case's."""
    k = len(dates)
    when = np.array(dates, dtype="datetime64[D]")
    metas = tuple(m.model_copy(update={"id": pair_id(m.id, d), "as_of": d})
                  for m in cs.metas for d in dates)

    def each(values: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(v for v in values for _ in range(k))

    return CaseSet(cs.rubric, metas, each(cs.scenarios),  # type: ignore[arg-type]
                   _evidence_at(with_versions(cs.evidence, cs.restatements), when,
                                cs.rubric.reliability),
                   each(cs.inputs), each(cs.reads), each(cs.positions))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Versions:
    """The figures of ``evidence`` with their earlier values as rows of their own (after
    the figures' own rows, whose citations they take), and ``until``: the day each row's
    value was replaced (NaT: the figure's own row, never replaced)."""

    evidence: Evidence
    until: np.ndarray


def with_versions(ev: Evidence, restated: Sequence[Sequence[Restatement]]) -> Versions:
    """``ev`` with each case's earlier values of its figures (``restated[c]`` for case
    ``c``) added as figure rows: the row of the figure they were replaced in, with their
    value, day, claim and citations."""
    figs = ev.figures
    entries = [(c, e) for c, mine in enumerate(restated) for e in mine]
    if not entries:
        return Versions(ev, np.full(len(figs), np.datetime64("NaT"), dtype="datetime64[D]"))
    key = pd.MultiIndex.from_arrays([figs["case"].to_numpy(), figs["id"].astype(str)])
    base = key.get_indexer(pd.MultiIndex.from_arrays(
        [[c for c, _ in entries], [e.figure for _, e in entries]]))
    added = figs.iloc[base].reset_index(drop=True)
    added["value"] = [float(e.value) for _, e in entries]
    added["observed"] = [e.observed.isoformat() for _, e in entries]
    added["claim"] = [e.claim for _, e in entries]
    rows = pd.concat([figs, added], ignore_index=True)
    refs = pd.DataFrame([{"item": len(figs) + k, "source": ref.source,
                          "locator": ref.locator, "via": ref.via}
                         for k, (_, e) in enumerate(entries) for ref in e.sources])
    refs = pd.concat([ev.figure_refs, refs], ignore_index=True).astype(
        {"item": np.int64})
    # Each value holds until the next one of its figure was reported.
    owner = np.concatenate([np.arange(len(figs)), base])
    when = _dates(rows["observed"])
    order = np.lexsort((when, owner))
    later = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    same = owner[order][1:] == owner[order][:-1]
    later[order[:-1][same]] = when[order][1:][same]
    return Versions(replace(ev, figures=rows, figure_refs=refs), later)


def _dates(column: pd.Series) -> np.ndarray:
    """ISO text (None: no date) as datetime64[D] (NaT)."""
    return np.array([None if v is None else str(v) for v in column], dtype="datetime64[D]")


def _evidence_at(versions: Versions, when: np.ndarray, grades: Mapping[str, object]
                 ) -> Evidence:
    ev = versions.evidence
    k = len(when)
    src = ev.sources
    s_rep = np.repeat(np.arange(len(src)), k)
    s_date = _dates(src["date"])[s_rep]
    s_keep = np.isnat(s_date) | (s_date <= when[np.tile(np.arange(k), len(src))])
    rel = pd.Series(grades, dtype=float).reindex(src["reliability"]).to_numpy(dtype=float)
    # The source row each citation points at: the citing case's source of that id.
    key = pd.MultiIndex.from_arrays([src["case"].to_numpy(), src["id"].to_numpy()])
    items, refs = _cut(ev.items, ev.refs, key, s_keep, when, rel, src, ages=True)
    figures, figure_refs = _cut(ev.figures, ev.figure_refs, key, s_keep, when, rel, src,
                                ages=False, until=versions.until)
    kept = np.flatnonzero(s_keep)
    sources = src.iloc[s_rep[kept]].reset_index(drop=True)
    sources["case"] = src["case"].to_numpy()[s_rep[kept]] * k + kept % k
    return Evidence(items, refs, sources, figures, figure_refs)


def _cut(rows: pd.DataFrame, refs: pd.DataFrame, key: pd.MultiIndex, s_keep: np.ndarray,
         when: np.ndarray, rel: np.ndarray, src: pd.DataFrame, ages: bool,
         until: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows (items or figures) at each date, with their citations: a row is kept where
    it was observed by the date (and, with ``until``, replaced only after it) and cites a
    source kept then; its best source is chosen again among those."""
    k, m = len(when), len(rows)
    r_rep = np.repeat(np.arange(m), k)  # row r at date j is entry r*k + j
    j = np.tile(np.arange(k), m)
    observed = _dates(rows["observed"])[r_rep]
    case = rows["case"].to_numpy(dtype=np.int64)
    ref_item = refs["item"].to_numpy(dtype=np.int64)
    s_row = key.get_indexer(pd.MultiIndex.from_arrays([case[ref_item],
                                                       refs["source"].to_numpy()]))
    # every citation at every date: citation c at date j is entry c*k + j
    c_rep = np.repeat(np.arange(len(refs)), k)
    c_j = np.tile(np.arange(k), len(refs))
    c_entry = ref_item[c_rep] * k + c_j  # the (row, date) entry it belongs to
    # a citation read through a relay (``via``) is there once both sources are
    vias = refs["via"].to_numpy(dtype=object) if "via" in refs else np.full(len(refs), None)
    v_row = key.get_indexer(pd.MultiIndex.from_arrays(
        [case[ref_item], np.where(pd.isna(vias), "", vias).astype(str)]))
    v_row = np.where(pd.isna(vias), -1, v_row)
    c_keep = s_keep[s_row[c_rep] * k + c_j] & (
        (v_row[c_rep] < 0) | s_keep[np.maximum(v_row[c_rep], 0) * k + c_j])
    cited = np.zeros(m * k, dtype=bool)
    cited[c_entry[c_keep]] = True
    keep = (observed <= when[j]) & cited
    if until is not None:
        gone = until[r_rep]
        keep &= np.isnat(gone) | (when[j] < gone)
    c_keep &= keep[c_entry]
    entries = np.flatnonzero(keep)
    new_row = np.cumsum(keep) - 1  # entry -> its row in the output
    out = rows.iloc[r_rep[entries]].reset_index(drop=True)
    out["case"] = case[r_rep[entries]] * k + j[entries]
    parent = new_row[c_entry[c_keep]]
    place = np.arange(len(refs))[c_rep[c_keep]]  # citation order within a row
    at = s_row[c_rep[c_keep]]
    via_at = v_row[c_rep[c_keep]]
    if len(out):
        best, counted, at_grade = best_citations(parent, place, at, via_at, rel)
        s_ids = src["id"].to_numpy()
        out["grade"] = src["reliability"].to_numpy()[at_grade]
        out["reliability"] = counted
        out["best_source"] = s_ids[at[best]]
        relay = via_at[best]
        out["best_via"] = np.asarray(np.where(relay >= 0, s_ids[np.maximum(relay, 0)], None),
                                     dtype=object)
    if ages:
        out["age_days"] = (when[j[entries]] - observed[entries]).astype(float)
    new_refs = refs.iloc[c_rep[c_keep]].reset_index(drop=True)
    new_refs["item"] = parent
    return out, new_refs


def unobserved_changes(cs: CaseSet) -> tuple[UnobservedChange, ...]:
    """Every scenario change, in every pair of ``cs``, that names an item the pair does not
    hold (not yet observed) or assumes an item dated after the pair's date."""
    held: dict[int, set[str]] = {}
    items = cs.evidence.items
    for c, i in zip(items["case"].tolist(), items["id"].tolist(), strict=True):
        held.setdefault(c, set()).add(str(i))
    out = []
    for c, (meta, scenarios) in enumerate(zip(cs.metas, cs.scenarios, strict=True)):
        mine = held.get(c, set())
        for sc in scenarios:
            for n, ch in enumerate(sc.changes, 1):
                if isinstance(ch, SetWeight):
                    continue
                if isinstance(ch, Assume):
                    if ch.item.observed is not None and ch.item.observed > meta.as_of:
                        out.append(UnobservedChange(meta.id, sc.id, f"{sc.id}/change/{n}",
                                                    ch.item.id))
                    mine = mine | {ch.item.id}
                elif ch.item not in mine:
                    out.append(UnobservedChange(meta.id, sc.id, f"{sc.id}/change/{n}",
                                                ch.item))
    return tuple(out)


def drop_unobserved_assumptions(tables: Tables) -> Tables:
    """``tables`` without the rows of assumptions dated after their pair's date."""
    items = tables.items
    late = items["assumption"].to_numpy(dtype=bool) & \
        (items["age_days"].to_numpy(dtype=float) < 0)
    if not late.any():
        return tables
    return replace(tables, items=items[~late].reset_index(drop=True))
