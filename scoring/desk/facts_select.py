"""Point in time: which reported value of each figure was known on the as-of date.

Column operations on a batch of facts tables (``formats.companyfacts``: one document, or
thousands as one table with each fact's ``cik``), for every document, mapped figure and
period at once; every group below is keyed by the document too:

* only facts filed on or before the as-of date count;
* a fiscal year is named as its filer names it: the annual filings (``fp`` FY of a 10-K,
  20-F or 40-F, or their amendments) give ``fy`` to the latest annual period they report,
  and an earlier annual period of the same filing is that year minus the whole years
  between them — so a year ending on 31 January, or a 52/53-week year ending on
  2 January, is the filer's year, not the calendar's;
* per figure, concept and period the value filed last wins, cited to the first filing
  that reported that value; earlier different values of that period are kept as its
  restatement history;
* per figure and period the first concept of the map's order that has a value is taken; a
  later concept with a different value is reported beside it (``conflicts``).

:func:`select_batch` runs on numpy arrays of the table's columns (dates as day numbers,
strings as codes), so that its cost is the number of facts, not a fixed cost per document;
pandas holds only the rows it returns. :func:`select`, for one case, is a batch of one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, Problem
from ..formats.companyfacts import CompanyFacts
from ..formats.factsmap import ConceptMap

ANNUAL_FORMS = ("10-K", "10-K/A", "20-F", "20-F/A", "40-F", "40-F/A", "10-KT", "10-KT/A")
# A fiscal year lasts 52 or 53 weeks (364 or 371 days) or a calendar year (365 or 366).
MIN_YEAR_DAYS, MAX_YEAR_DAYS = 357, 378
NONE = np.iinfo(np.int32).min  # a null date (an instant's start) or year, as a number
LAST = np.iinfo(np.int32).max
EPOCH = dt.date(1970, 1, 1)  # day 0 of the date columns as numbers
FACT_COLUMNS = ("taxonomy", "concept", "unit", "start", "end", "val", "accn", "fy", "fp",
                "form", "filed", "frame")


@dataclass
class Selection:
    """What was known at ``as_of``: the ``period`` chosen (and ``prior``, or None), each
    period's end date, one row per taken value (``chosen``), earlier values replaced by a
    later filing (``restated``), values of later concepts that differ from the taken one
    (``conflicts``) and the (figure, period) pairs that no mapped concept reports."""

    as_of: dt.date
    period: str
    prior: str | None
    ends: dict[str, dt.date]
    chosen: pd.DataFrame
    restated: pd.DataFrame
    conflicts: pd.DataFrame
    missing: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BatchSelection:
    """What was known at ``as_of`` for each document of a batch (``doc``: its place among
    the filers given): per document its ``periods`` (period, prior) and ``ends``, or None
    when it has ``problems``; the rows of every document selected, as in
    :class:`Selection` with ``doc`` and ``cik`` columns (in the order of the documents);
    and the (doc, figure, period) triples that no mapped concept reports."""

    as_of: dt.date
    periods: list[tuple[str, str | None] | None]
    ends: list[dict[str, dt.date]]
    chosen: pd.DataFrame
    restated: pd.DataFrame
    conflicts: pd.DataFrame
    missing: list[tuple[int, str, str]]
    problems: dict[int, list[Problem]]

    def one(self, doc: int) -> Selection:
        """The selection of document ``doc``; raises InputError with its problems."""
        if doc in self.problems:
            raise InputError(self.problems[doc])
        periods = self.periods[doc]
        assert periods is not None

        def of(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["doc"] == doc].reset_index(drop=True)

        return Selection(self.as_of, periods[0], periods[1], self.ends[doc], of(self.chosen),
                         of(self.restated), of(self.conflicts),
                         [(f, p) for d, f, p in self.missing if d == doc])


class _Groups:
    """Rows grouped by key arrays (first key first; the rows of a group keep their order):
    ``gid`` the group of each row (groups in key order), ``order`` the rows by group,
    ``starts`` where each group begins in ``order``; a reduction gives one value a group."""

    def __init__(self, *keys: np.ndarray) -> None:
        n = len(keys[0])
        self.order = np.lexsort(keys[::-1]) if n else np.zeros(0, np.intp)
        new = np.zeros(n, bool)
        if n:
            new[0] = True
            for k in keys:
                s = k[self.order]
                new[1:] |= s[1:] != s[:-1]
        self.starts = np.flatnonzero(new)
        self.gid = np.empty(n, np.intp)
        self.gid[self.order] = np.cumsum(new) - 1

    def first(self, x: np.ndarray) -> np.ndarray:
        return x[self.order[self.starts]]

    def last(self, x: np.ndarray) -> np.ndarray:
        if not len(self.starts):
            return x[:0]
        out: np.ndarray = x[self.order[np.append(self.starts[1:], len(self.order)) - 1]]
        return out

    def max(self, x: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(x[self.order], self.starts) if len(x) else x[:0]

    def min(self, x: np.ndarray) -> np.ndarray:
        return np.minimum.reduceat(x[self.order], self.starts) if len(x) else x[:0]

    def any(self, x: np.ndarray) -> np.ndarray:
        return np.logical_or.reduceat(x[self.order], self.starts) if len(x) else x[:0]


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 per (a, b) pair of int32-range numbers, equal exactly when both are."""
    return (a.astype(np.int64) << 32) | (b.astype(np.int64) & 0xFFFFFFFF)


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The value of each of ``wanted`` in the (unique) ``keys``, NONE where absent."""
    if not len(keys):
        return np.full(len(wanted), NONE, np.int64)
    order = np.argsort(keys, kind="stable")
    at = np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)
    found = keys[order][at] == wanted
    return np.where(found, values[order][at], NONE)


def _ints(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(col.cast(pa.int32()), NONE), np.int64)


def _codes(col: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """A dictionary column's codes and its dictionary."""
    arr = col.combine_chunks()
    if not isinstance(arr, pa.DictionaryArray):
        arr = arr.dictionary_encode()
    return np.asarray(arr.indices, np.int64), arr.dictionary.to_pylist()


@dataclass
class _Years:
    """The fiscal years of every document: one row per (doc, end), in that order; ``first``
    the day the first annual filing whose own year it is was filed (NONE if none)."""

    doc: np.ndarray
    end: np.ndarray
    year: np.ndarray
    first: np.ndarray


def _fiscal_years(doc: np.ndarray, accn: np.ndarray, start: np.ndarray, end: np.ndarray,
                  fy: np.ndarray, filed: np.ndarray) -> _Years:
    """The fiscal years that the annual filings' facts of a year's length (the arrays, one
    per fact of an annual filing with a start) report."""
    days = end - start
    keep = (start != NONE) & (fy != NONE) & (days >= MIN_YEAR_DAYS) & (days <= MAX_YEAR_DAYS)
    doc, accn, end, fy, filed = doc[keep], accn[keep], end[keep], fy[keep], filed[keep]
    if not len(doc):
        empty = np.zeros(0, np.int64)
        return _Years(empty, empty, empty, empty)
    filing = _Groups(doc, accn)
    top_end, top_fy = filing.max(end)[filing.gid], filing.max(fy)[filing.gid]
    top_filed = filing.min(filed)[filing.gid]
    year = (top_fy - np.round((top_end - end) / 365.25)).astype(np.int64)
    by_end = _Groups(doc, end)
    first = by_end.min(np.where(end == top_end, top_filed, LAST))
    return _Years(by_end.first(doc), by_end.first(end), by_end.max(year),
                  np.where(first == LAST, NONE, first))


def _annual(known: pa.Table) -> pa.Table:
    """The facts of annual filings (``fp`` FY) that have a start: the durations."""
    mask = pc.and_(pc.and_(pc.is_in(known["form"], pa.array(ANNUAL_FORMS)),
                           pc.equal(known["fp"], "FY")), pc.is_valid(known["start"]))
    return known.filter(mask)


def fiscal_years(facts: pa.Table) -> pd.DataFrame:
    """One row per fiscal year the annual filings of ``facts`` (a facts table, or a batch
    with ``cik``) report: ``cik``, ``label`` (``FY2024``), ``end``, and ``first_filed``, the
    day the first annual filing whose own year it is was filed (None if none)."""
    if "cik" not in facts.column_names:
        facts = facts.append_column("cik", pa.array(np.zeros(facts.num_rows, np.int64)))
    a = _annual(facts)
    y = _fiscal_years(_ints(a["cik"]), _ints(pc.rank(a["accn"], tiebreaker="dense")),
                      _ints(a["start"]), _ints(a["end"]), _ints(a["fy"]), _ints(a["filed"]))

    def dates(x: np.ndarray) -> list[dt.date | None]:
        return [None if v == NONE else EPOCH + dt.timedelta(days=v) for v in x.tolist()]

    return pd.DataFrame({"cik": y.doc, "label": [f"FY{v}" for v in y.year.tolist()],
                         "end": dates(y.end), "first_filed": dates(y.first)})


@dataclass(frozen=True)
class _Entry:
    """A concept of a figure of the map: the figure, its place in the map's order, its
    taxonomy and concept, the figure's kind of period and unit, and the concept's sign."""

    figure: str
    order: int
    taxonomy: str
    concept: str
    kind: str
    unit: str
    sign: int


def _mapped(cmap: ConceptMap, figures: list[str]) -> list[_Entry]:
    out = []
    for fig_id in figures:
        spec = cmap.figure(fig_id)
        if spec is None:
            continue
        for order, ref in enumerate(spec.concepts):
            taxonomy, concept = cmap.qualified(ref)
            out.append(_Entry(fig_id, order, taxonomy, concept, spec.period, spec.unit,
                              ref.sign))
    return out


def _doc_of(cik: pa.ChunkedArray, ciks: np.ndarray) -> np.ndarray:
    """The place in ``ciks`` (unique) of each row's CIK."""
    rows = np.asarray(cik, np.int64)
    sorter = np.argsort(ciks, kind="stable")
    return np.asarray(sorter[np.searchsorted(ciks[sorter], rows)], np.int64)


def select(cf: CompanyFacts, cmap: ConceptMap, figures: list[str], as_of: dt.date,
           period: str | None, with_prior: bool) -> Selection:
    """The values of ``figures`` known at ``as_of`` for ``period`` (or the latest complete
    fiscal year then) and, ``with_prior``, the year before; raises InputError."""
    table = cf.table.append_column("cik", pa.array(np.full(cf.table.num_rows, cf.cik,
                                                           np.int64)))
    return select_batch(table, [(cf.cik, cf.shown)], cmap, figures, as_of, period,
                        with_prior).one(0)


def select_batch(table: pa.Table, filers: Sequence[tuple[int, str]], cmap: ConceptMap,
                 figures: list[str], as_of: dt.date, period: str | None, with_prior: bool
                 ) -> BatchSelection:
    """:func:`select` for each of ``filers`` ((CIK, path as shown), CIKs unique) at once,
    their facts in ``table`` (with ``cik``); a document that cannot be selected has its
    problems listed and no rows."""
    ciks = np.array([c for c, _ in filers], np.int64)
    shown = [s for _, s in filers]
    problems: dict[int, list[Problem]] = {}
    known = table.filter(pc.less_equal(table["filed"], pa.scalar(as_of, pa.date32())))
    known = known.append_column("row", pa.array(np.arange(known.num_rows, dtype=np.int64)))
    _nothing_known(table, known, ciks, shown, as_of, problems)
    # Only two slices of the table are read: the annual filings' durations (which fiscal
    # years there are, which annual filing a cover fact is of) and the facts of mapped
    # concepts; the rest stays in Arrow.
    annual = _annual(known)
    entries = _mapped(cmap, figures)
    mapped, entry = _join(known, entries)
    accns = pa.concat_arrays([annual["accn"].combine_chunks(), mapped["accn"].combine_chunks()])
    accn = _ints(pc.rank(accns, tiebreaker="dense")) if len(accns) else np.zeros(0, np.int64)
    a_accn, m_accn = accn[:annual.num_rows], accn[annual.num_rows:]
    a_doc, a_end = _doc_of(annual["cik"], ciks), _ints(annual["end"])
    years = _fiscal_years(a_doc, a_accn, _ints(annual["start"]), a_end, _ints(annual["fy"]),
                          _ints(annual["filed"]))
    target, prior = _periods(years, len(filers), period, as_of, shown, with_prior, problems)
    wanted = (years.year == target[years.doc]) | (
        prior[years.doc] & (years.year == target[years.doc] - 1))
    m_doc = _doc_of(mapped["cik"], ciks)
    place = _Place.of(mapped, m_doc, m_accn, entries, entry, years, wanted,
                      _Groups(a_doc, a_accn), a_doc, a_accn, a_end)
    placed = np.flatnonzero(place.label != NONE)
    _kind_and_unit_problems(placed, m_doc, entry, place.label, place.kind_ok & place.unit_ok,
                            place.wrong_kind, place.units, place.unit_names, entries, shown,
                            problems)
    label, cover = place.label, place.cover
    closed = np.zeros(len(filers), bool)
    closed[list(problems)] = True
    good = np.flatnonzero((label != NONE) & place.kind_ok & place.unit_ok & ~closed[m_doc])
    value = np.asarray(mapped["val"], np.float64) * \
        np.array([e.sign for e in entries] + [1], np.float64)[entry]
    filed = _ints(mapped["filed"])
    # The value filed last wins; within one filing the document's order, the instants and
    # durations before the cover facts.
    good = good[np.lexsort((np.asarray(mapped["row"])[good], entry[good], cover[good],
                            m_accn[good], filed[good], m_doc[good]))]
    order = np.array([e.order for e in entries] + [0], np.int64)[entry]
    fig = np.array([figures.index(e.figure) for e in entries] + [0], np.int64)[entry]
    picked = _pick(m_doc[good], entry[good], fig[good], order[good], label[good],
                   value[good], filed[good], m_accn[good])
    out = _Frames(mapped, good, m_doc, entries, entry, label, value, ciks)
    chosen = out.frame(picked.chosen)
    periods, ends = _named(years, wanted, target, prior, len(filers), problems)
    fine = [d for d in range(len(filers)) if d not in problems]
    have = set(zip(chosen["doc"].tolist(), chosen["figure"].tolist(),
                   chosen["label"].tolist(), strict=True))
    missing = [(d, f, p) for d in fine for p in periods[d] or () if p is not None
               for f in figures if (d, f, p) not in have]
    restated = out.frame(picked.restated, {"value_latest": (picked.latest, "value"),
                                           "filed_latest": (picked.latest, "filed"),
                                           "accn_latest": (picked.latest, "accn")})
    conflicts = out.frame(picked.conflicts, {"order_taken": (picked.taken, "order"),
                                             "value_taken": (picked.taken, "value"),
                                             "concept_taken": (picked.taken, "concept")})
    return BatchSelection(as_of, periods, ends,
                          chosen.sort_values(["doc", "label", "figure"]).reset_index(drop=True),
                          restated, conflicts, missing, problems)


def _named(years: _Years, wanted: np.ndarray, target: np.ndarray, prior: np.ndarray, n: int,
           problems: dict[int, list[Problem]]
           ) -> tuple[list[tuple[str, str | None] | None], list[dict[str, dt.date]]]:
    """Each document's (period, prior) labels, or None if it has problems, and the end of
    each wanted year (of two years of one label, the later)."""
    periods: list[tuple[str, str | None] | None] = [
        None if d in problems else (f"FY{target[d]}", f"FY{target[d] - 1}" if prior[d] else None)
        for d in range(n)]
    ends: list[dict[str, dt.date]] = [{} for _ in range(n)]
    for d, y, end in zip(years.doc[wanted].tolist(), years.year[wanted].tolist(),
                         years.end[wanted].tolist(), strict=True):
        ends[d][f"FY{y}"] = EPOCH + dt.timedelta(days=end)
    return periods, ends


@dataclass
class _Place:
    """Each fact of a mapped concept placed in a wanted year (``label``, NONE if in none):
    an instant or a duration by its end, a cover fact by its filing, whose year is the
    latest annual period it reports; whether it is of the kind of period its figure wants
    (``kind_ok``; ``wrong_kind``: the other kind) and in the map's unit (``unit_ok``)."""

    label: np.ndarray
    cover: np.ndarray
    kind_ok: np.ndarray
    wrong_kind: np.ndarray
    unit_ok: np.ndarray
    units: np.ndarray
    unit_names: list[str]

    @classmethod
    def of(cls, mapped: pa.Table, doc: np.ndarray, accn: np.ndarray, entries: list[_Entry],
           entry: np.ndarray, years: _Years, wanted: np.ndarray, filing: _Groups,
           a_doc: np.ndarray, a_accn: np.ndarray, a_end: np.ndarray) -> _Place:
        start, end = _ints(mapped["start"]), _ints(mapped["end"])
        kind = np.array([e.kind for e in entries] + [""], object)[entry]
        cover = kind == "cover"
        year_key = _pair(years.doc, years.end)
        f_doc = filing.first(a_doc)
        f_year = _lookup(year_key, np.where(wanted, years.year, NONE),
                         _pair(f_doc, filing.max(a_end)))
        cover_year = _lookup(_pair(f_doc, filing.first(a_accn)), f_year, _pair(doc, accn))
        dated_year = _lookup(year_key[wanted], years.year[wanted], _pair(doc, end))
        has_start, days = start != NONE, end - start
        is_year = has_start & (days >= MIN_YEAR_DAYS) & (days <= MAX_YEAR_DAYS)
        units, unit_names = _codes(mapped["unit"])
        code = {u: k for k, u in enumerate(unit_names)}
        map_unit = np.array([code.get(e.unit, -1) for e in entries] + [-1], np.int64)[entry]
        return cls(np.where(cover, cover_year, dated_year), cover,
                   cover | np.where(kind == "instant", ~has_start, is_year),
                   ~cover & np.where(kind == "instant", has_start, ~has_start),
                   units == map_unit, units, unit_names)


def _nothing_known(table: pa.Table, known: pa.Table, ciks: np.ndarray, shown: list[str],
                   as_of: dt.date, problems: dict[int, list[Problem]]) -> None:
    """A document of which no fact was filed by ``as_of``: nothing can be selected."""
    count = np.bincount(_doc_of(known["cik"], ciks), minlength=len(ciks))
    if count.all():
        return
    first = np.full(len(ciks), LAST, np.int64)
    np.minimum.at(first, _doc_of(table["cik"], ciks), _ints(table["filed"]))
    for d in np.flatnonzero(count == 0).tolist():
        problems[d] = [Problem(shown[d], 0, 0, "filed", (
            f"no fact was filed on or before the as-of date {as_of}; the first filing is of "
            f"{EPOCH + dt.timedelta(days=int(first[d]))}") if first[d] != LAST
            else "the document holds no facts")]


def _join(known: pa.Table, entries: list[_Entry]) -> tuple[pa.Table, np.ndarray]:
    """The facts of mapped concepts, one row per (fact, map entry) in the facts' order (a
    fact's entries in the map's order), and the entry of each row."""
    tax, tax_names = _codes(known["taxonomy"])
    con, con_names = _codes(known["concept"])
    t_code = {t: k for k, t in enumerate(tax_names)}
    c_code = {c: k for k, c in enumerate(con_names)}
    width = max(len(con_names), 1)
    keys = np.array([t_code[e.taxonomy] * width + c_code[e.concept]
                     if e.taxonomy in t_code and e.concept in c_code else -1
                     for e in entries] + [-1], np.int64)[:-1]
    present = np.flatnonzero(keys >= 0)
    present = present[np.argsort(keys[present], kind="stable")]
    e_keys = keys[present]
    f_keys = tax * width + con
    lo = np.searchsorted(e_keys, f_keys, "left")
    count = np.searchsorted(e_keys, f_keys, "right") - lo
    facts = np.repeat(np.arange(len(f_keys)), count)
    offset = np.arange(len(facts)) - np.repeat(np.cumsum(count) - count, count)
    return known.take(pa.array(facts, pa.int64())), present[np.repeat(lo, count) + offset]


def _periods(years: _Years, n: int, period: str | None, as_of: dt.date, shown: list[str],
             with_prior: bool, problems: dict[int, list[Problem]]
             ) -> tuple[np.ndarray, np.ndarray]:
    """Each document's fiscal year (``period``, or its latest complete year at ``as_of``)
    and whether the year before it is reported too (``with_prior``); a document without
    such a year gets a problem (and NONE)."""
    target = np.full(n, NONE, np.int64)
    open_docs = [d for d in range(n) if d not in problems]
    if period is None:
        last = np.full(n, -1, np.int64)
        known = np.flatnonzero(years.first != NONE)
        np.maximum.at(last, years.doc[known], known)
        for d in open_docs:
            if last[d] < 0:
                problems[d] = [Problem(shown[d], 0, 0, "", f"no annual filing (10-K, 20-F, "
                                       f"40-F) was filed on or before {as_of}")]
        target[last >= 0] = years.year[last[last >= 0]]
    else:
        try:
            year = int(period[2:]) if period.startswith("FY") else NONE
        except ValueError:
            year = NONE
        if f"FY{year}" != period:
            year = NONE
        has = np.zeros(n, bool)
        has[years.doc[years.year == year]] = True
        for d in open_docs:
            if not has[d]:
                listed = ", ".join(f"FY{y}" for y in years.year[years.doc == d].tolist())
                problems[d] = [Problem(shown[d], 0, 0, "", f"period {period!r} is not a "
                                       f"fiscal year the annual filings known at {as_of} "
                                       f"report (known: {listed or 'none'})")]
        target[has] = year
    prior = np.zeros(n, bool)
    if with_prior:
        prior[years.doc[years.year == target[years.doc] - 1]] = True
    target[list(problems)] = NONE
    prior[list(problems)] = False
    return target, prior


def _kind_and_unit_problems(placed: np.ndarray, doc: np.ndarray, entry: np.ndarray,
                            label: np.ndarray, fine: np.ndarray, wrong_kind: np.ndarray,
                            units: np.ndarray, unit_names: list[str], entries: list[_Entry],
                            shown: list[str], problems: dict[int, list[Problem]]) -> None:
    """A mapped concept reported for a wanted period only as the wrong kind of period, or
    only in another unit than the map's: the map or the document is wrong, never guessed.
    ``placed``: the rows of facts placed in a wanted period."""
    groups = _Groups(doc[placed], entry[placed], label[placed])
    bad = np.flatnonzero(~groups.any(fine[placed]))
    if not len(bad):
        return
    ends = np.append(groups.starts[1:], len(placed))
    found: dict[int, list[tuple[tuple[str, str, str, str], Problem]]] = {}
    for b in bad.tolist():
        rows = placed[groups.order[groups.starts[b]:ends[b]]]
        d, e, y = int(doc[rows[0]]), entries[int(entry[rows[0]])], int(label[rows[0]])
        where, period = f"facts.{e.taxonomy}.{e.concept}", f"FY{y}"
        seen = {unit_names[u] for u in units[rows].tolist()}
        if wrong_kind[rows].all():
            other = "a duration (it has a start)" if e.kind == "instant" else \
                "an instant (it has no start)"
            problem = Problem(shown[d], 0, 0, where, f"{e.figure} ({period}) is mapped as "
                              f"{e.kind} but the document reports it as {other}")
        elif e.unit not in seen:
            problem = Problem(shown[d], 0, 0, f"{where}.units", f"{e.figure} ({period}) is "
                              f"reported in {', '.join(sorted(seen))}, not the map's unit "
                              f"{e.unit}")
        else:
            continue
        found.setdefault(d, []).append(((e.figure, e.taxonomy, e.concept, period), problem))
    for d, listed in found.items():
        problems[d] = [p for _, p in sorted(listed, key=lambda kp: kp[0])]


@dataclass
class _Picked:
    """Positions among the sorted rows: the values ``chosen``; the earlier values
    ``restated`` and, for each, the ``latest`` value of its figure and period; the values
    of later concepts that differ from the one taken (``conflicts``) and, for each, the
    value ``taken``."""

    chosen: np.ndarray
    restated: np.ndarray
    latest: np.ndarray
    conflicts: np.ndarray
    taken: np.ndarray


def _pick(doc: np.ndarray, entry: np.ndarray, fig: np.ndarray, order: np.ndarray,
          label: np.ndarray, value: np.ndarray, filed: np.ndarray, accn: np.ndarray
          ) -> _Picked:
    """Latest filed wins, first concept of the map's order wins (the module's rules), over
    rows sorted by document, day filed, filing and the document's order."""
    pos = np.arange(len(doc))
    concept = _Groups(doc, entry, label)  # one figure's concept in one period
    latest = concept.last(pos)[concept.gid]
    same = value == value[latest]
    restated = np.flatnonzero(~same & (filed < filed[latest]))
    once = _Groups(concept.gid[restated], accn[restated], value[restated])
    restated = np.sort(once.first(restated))
    # A later filing repeating a value (a 10-Q's comparative balance sheet) restates
    # nothing: the value is cited to the first filing that reported it, its day the one it
    # became known.
    final = np.flatnonzero(same)
    final = np.sort(_Groups(concept.gid[final]).first(final))
    figure = _Groups(doc[final], fig[final], label[final])
    first = figure.min(order[final])[figure.gid]
    is_taken = order[final] == first
    taken = np.empty(len(figure.starts), np.int64)
    taken[figure.gid[is_taken]] = final[is_taken]
    taken_of = taken[figure.gid]
    differs = (order[final] > order[taken_of]) & (value[final] != value[taken_of])
    return _Picked(final[is_taken], restated, latest[restated], final[differs],
                   taken_of[differs])


class _Frames:
    """The rows picked as pandas frames: the facts' columns (``doc``, ``cik``,
    :data:`FACT_COLUMNS`) and the map's (``figure``, ``order``, ``kind``, ``map_unit``,
    ``sign``), the period's ``label`` and the signed ``value``."""

    def __init__(self, mapped: pa.Table, good: np.ndarray, doc: np.ndarray,
                 entries: list[_Entry], entry: np.ndarray, label: np.ndarray,
                 value: np.ndarray, ciks: np.ndarray) -> None:
        self.mapped, self.good, self.doc, self.entries = mapped, good, doc, entries
        self.entry, self.label, self.value, self.ciks = entry, label, value, ciks

    def frame(self, pos: np.ndarray, partners: dict[str, tuple[np.ndarray, str]] | None = None
              ) -> pd.DataFrame:
        """The rows at ``pos``, and for each of ``partners`` (name: (positions, column)) the
        column of the rows at those positions."""
        rows = self.good[pos]
        facts = self.mapped.take(pa.array(rows, pa.int64()))
        cols: dict[str, pa.Array | np.ndarray | list[object]] = {
            "doc": self.doc[rows], "cik": self.ciks[self.doc[rows]]}
        for name in FACT_COLUMNS:
            cols[name] = _plain(facts[name])
        mine = [self.entries[k] for k in self.entry[rows].tolist()]
        cols |= {"figure": pa.array([e.figure for e in mine], pa.string()),
                 "order": np.array([e.order for e in mine], np.int64),
                 "kind": pa.array([e.kind for e in mine], pa.string()),
                 "map_unit": pa.array([e.unit for e in mine], pa.string()),
                 "sign": np.array([e.sign for e in mine], np.int64),
                 "label": pa.array([f"FY{y}" for y in self.label[rows].tolist()],
                                   pa.string()),
                 "value": self.value[rows]}
        for name, (at, column) in (partners or {}).items():
            other = self.good[at]
            if column == "value":
                cols[name] = self.value[other]
            elif column == "order":
                cols[name] = np.array([self.entries[k].order for k in
                                       self.entry[other].tolist()], np.int64)
            else:
                cols[name] = _plain(self.mapped[column].take(pa.array(other, pa.int64())))
        frame: pd.DataFrame = pa.table(cols).to_pandas()
        return frame


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column with its strings plain, not dictionary-encoded (pandas would make them
    categories)."""
    return col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
