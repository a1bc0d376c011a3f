"""The rules that relate sources and items to each other and to the rubric, on columns.

:func:`check_evidence` takes the records of any number of cases that share a rubric (read and
field-checked by ``columns.py``) and applies, to whole columns at once, every rule that
relates values: unique ids within a case, known reliability grades, factors, indicators and
sources, values that fit their factor or indicator, nothing dated after the case's as-of
date. Each rule runs on the rows whose fields passed their own rules, so one run reports
every problem of every case. When there is none it returns :class:`Evidence`, the frames the
method's tables are built from (``tables.py``).

:func:`value_problems` is the one rule for a value against its factor and indicator; the
scenario checks (``checks.py``) call it for the values a scenario sets or assumes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem
from .checks_judgement import scale_text
from .columns import K_INT, K_STR, Column, Records, check_records
from .models import (
    MAX_MAGNITUDE,
    CategoriesMapping,
    Item,
    LogMapping,
    Rubric,
    Source,
    SourceRef,
)
from .tabular import TableDoc


@dataclass(frozen=True)
class Evidence:
    """The validated sources, items and citations of one or more cases.

    ``items``: ``case`` (the case's position), ``id``, ``factor``, ``indicator`` (None when
    none), ``value`` (int, float or label), ``confidence``, ``observed`` (ISO date text),
    ``age_days``, ``claim``, ``excerpt``, and the item's weighing source: ``grade``,
    ``reliability``, ``best_source``. ``refs``: ``item`` (row of ``items``), ``source``,
    ``locator``, in citation order. ``sources``: ``case``, then the fields of a source (dates
    as ISO text, None when empty), in file order. ``figures``: the reported figures
    (``case``, ``id``, ``figure``, ``period``, ``prior`` (of the case's prior period),
    ``value``, ``unit``, ``currency``, ``observed``, ``claim``, ``excerpt``, ``grade``,
    ``reliability``, ``best_source``); ``figure_refs`` their citations as ``refs``."""

    items: pd.DataFrame
    refs: pd.DataFrame
    sources: pd.DataFrame
    figures: pd.DataFrame = field(default_factory=lambda: _no_figures())
    figure_refs: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"item": np.zeros(0, np.int64), "source": [],
                                              "locator": []}))

    def of_case(self, k: int) -> Evidence:
        """The evidence of case ``k`` alone (as case 0)."""
        items, refs = _of_case(self.items, self.refs, k)
        figures, figure_refs = _of_case(self.figures, self.figure_refs, k)
        sources = self.sources[self.sources["case"].to_numpy() == k].assign(case=0)
        return Evidence(items, refs, sources.reset_index(drop=True), figures, figure_refs)


def _of_case(rows: pd.DataFrame, refs: pd.DataFrame, k: int
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of case ``k`` (as case 0) and their citations."""
    mine = rows["case"].to_numpy() == k
    at = np.flatnonzero(mine)
    cited = refs[np.isin(refs["item"].to_numpy(), at)].copy()
    cited["item"] = np.searchsorted(at, cited["item"].to_numpy())
    return rows[mine].assign(case=0).reset_index(drop=True), cited.reset_index(drop=True)


FIGURE_COLUMNS = ("case", "id", "figure", "period", "prior", "value", "unit", "currency",
                  "observed", "claim", "excerpt", "grade", "reliability", "best_source")


def _no_figures() -> pd.DataFrame:
    return pd.DataFrame({c: np.zeros(0, dtype=np.int64 if c == "case" else
                                     float if c in ("value", "reliability") else
                                     bool if c == "prior" else object)
                         for c in FIGURE_COLUMNS})


def concat_evidence(parts: Sequence[Evidence], offsets: Sequence[int]) -> Evidence:
    """The evidence of several sets as one: the cases of part ``j`` move by ``offsets[j]``."""
    items, refs, sources, figures, figure_refs = [], [], [], [], []
    start = f_start = 0
    for ev, off in zip(parts, offsets, strict=True):
        items.append(ev.items.assign(case=ev.items["case"].to_numpy() + off))
        refs.append(ev.refs.assign(item=ev.refs["item"].to_numpy() + start))
        sources.append(ev.sources.assign(case=ev.sources["case"].to_numpy() + off))
        figures.append(ev.figures.assign(case=ev.figures["case"].to_numpy() + off))
        figure_refs.append(ev.figure_refs.assign(item=ev.figure_refs["item"].to_numpy()
                                                 + f_start))
        start += len(ev.items)
        f_start += len(ev.figures)
    return Evidence(pd.concat(items, ignore_index=True), pd.concat(refs, ignore_index=True),
                    pd.concat(sources, ignore_index=True),
                    pd.concat(figures, ignore_index=True),
                    pd.concat(figure_refs, ignore_index=True))


def _date(text: object) -> Any:
    """ISO text as a date (None stays None)."""
    return None if text is None else dt.date.fromisoformat(str(text))


def evidence_items(ev: Evidence) -> tuple[Item, ...]:
    """The items of ``ev`` as models (built, not validated again: the columns were)."""
    refs: list[list[SourceRef]] = [[] for _ in range(len(ev.items))]
    for item, source, locator in zip(ev.refs["item"].tolist(), ev.refs["source"].tolist(),
                                     _objects(ev.refs["locator"]), strict=True):
        refs[item].append(SourceRef.model_construct(source=source, locator=locator))
    cols = ev.items
    return tuple(
        Item.model_construct(id=i, factor=f, indicator=ind, value=v, confidence=c,
                             observed=_date(o), sources=r, claim=cl, excerpt=ex)
        for i, f, ind, v, c, o, r, cl, ex in zip(
            cols["id"].tolist(), cols["factor"].tolist(), cols["indicator"].tolist(),
            cols["value"].tolist(), _confidences(cols), cols["observed"].tolist(),
            refs, _objects(cols["claim"]), _objects(cols["excerpt"]), strict=True))


def _objects(column: pd.Series) -> list[Any]:
    """A column as Python values, None where empty (text columns are kept in Arrow)."""
    values: Any = column.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    return list(values)


def _confidences(cols: pd.DataFrame) -> list[Any]:
    """Each confidence as written: an integer (0 or 1) or a float."""
    return [int(c) if i else c for c, i in zip(cols["confidence"].tolist(),
                                               cols["confidence_int"].tolist(), strict=True)]


def evidence_sources(ev: Evidence) -> tuple[Source, ...]:
    """The sources of ``ev`` as models."""
    names = [n for n in Source.model_fields]
    cols = ev.sources
    fields: list[dict[str, Any]] = [{n: (_date(v) if n == "date" else v)
                                     for n, v in zip(names, row, strict=True)}
                                    for row in zip(*(_objects(cols[n]) for n in names),
                                                   strict=True)]
    return tuple(Source.model_construct(None, **f) for f in fields)
def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame whose text columns stay Python objects (None where empty), as numbers do; its
    columns are the arrays given (not copied into blocks)."""
    return pd.DataFrame({k: pd.Series(v, dtype=object, copy=False) if v.dtype == object else v
                         for k, v in columns.items()}, copy=False)


def _arrow(col: Column) -> pd.Series:
    """A text column that only reports read (claims, locators, titles), kept in Arrow."""
    import pyarrow as pa

    return pd.Series(col.text, dtype=pd.ArrowDtype(pa.string()))


def _first_at(recs: Records, row: int) -> str:
    """Where an earlier record is, for 'duplicate' messages: ``items[3]``, or a table's row."""
    doc = recs.docs[int(recs.doc[row])]
    if isinstance(doc, TableDoc):
        return f"row {int(recs.entry[row]) + 2}"
    return f"{recs.kind}[{int(recs.entry[row])}]"


def _texts(col: Column, rows: np.ndarray | None = None) -> np.ndarray:
    """The text cells of ``col`` (at ``rows``) as an object array (None where not text)."""
    import pyarrow as pa

    text = col.text if rows is None else col.text.take(pa.array(rows, pa.int64()))
    # Ids, grades and source names repeat across rows and cases: one Python string each.
    coded = text.dictionary_encode()
    words = np.concatenate([np.asarray(coded.dictionary.to_numpy(zero_copy_only=False),
                                       dtype=object), np.array([None], dtype=object)])
    at = np.asarray(coded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.asarray(words[at], dtype=object)


def _duplicates(recs: Records, ids: np.ndarray, ok: np.ndarray, what: str,
                out: list[Problem]) -> None:
    """Ids repeated within a case: each repeat names the first."""
    rows = np.flatnonzero(ok)
    key = pd.Series(_keys((recs.case[rows], ids[rows]))[0])
    dup = key.duplicated().to_numpy()
    if not dup.any():
        return
    first = pd.Series(rows[~dup], index=key[~dup].to_numpy())
    where = first.reindex(key[dup].to_numpy()).to_numpy()
    for r, j in zip(rows[dup].tolist(), where.tolist(), strict=True):
        out.append(recs.problem(r, "id", f"duplicate {what} id {ids[r]!r} (first at "
                                         f"{_first_at(recs, int(j))})"))


def _keys(*parts: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """Each (case, id) pair of each part as one integer, comparable across the parts: ids
    coded once for all parts (a missing id is -1), then combined with the case."""
    ids = np.concatenate([i for _, i in parts]) if parts else np.zeros(0, dtype=object)
    codes, names = pd.factorize(pd.Series(ids, dtype=object))
    width, out, start = len(names) + 1, [], 0
    for case, part in parts:
        out.append(np.asarray(case, dtype=np.int64) * width + codes[start:start + len(part)])
        start += len(part)
    return out


def value_objects(col: Column) -> np.ndarray:
    """Each cell of a value column as Python: the label, the integer, or the float."""
    out = np.asarray(col.number, dtype=object)
    # (an integer beyond the magnitude limit is refused by its field rule; it stays a float)
    ints = np.flatnonzero((col.kind == K_INT) & (np.abs(col.number) <= MAX_MAGNITUDE))
    out[ints] = col.number[ints].astype(np.int64).astype(object)
    strs = np.flatnonzero(col.kind == K_STR)
    out[strs] = _texts(col, strs)
    return out


def value_problems(rubric: Rubric, factor: np.ndarray, indicator: np.ndarray,
                   value: np.ndarray, place: Callable[[int, str, str], Problem],
                   plain: Callable[[int], str | None],
                   is_text: np.ndarray | None = None) -> tuple[list[Problem], np.ndarray]:
    """The rule of a value against its factor and indicator, for many values at once.

    ``factor``, ``indicator`` (None for none) and ``value`` (numbers and labels, as Python
    objects) are columns; ``is_text`` says which values are labels (found from ``value`` when
    not given); ``place(row, field, message)`` makes the problem of a row's field and
    ``plain(row)`` gives the source text of an unquoted value. Returns the problems and
    whether each row's factor and indicator are known (its value can be mapped)."""
    out: list[Problem] = []
    n = len(factor)
    if is_text is None:
        is_text = np.fromiter((type(v) is str for v in value), bool, n)
    factors: dict[str, Any] = {}
    for f in rubric.factors:  # a duplicate factor id is reported; the first one counts
        factors.setdefault(f.id, f)
    pairs: dict[tuple[str, str], Any] = {}
    for fid, fac in factors.items():  # a duplicate indicator id is reported; the first counts
        for ind in fac.indicators:
            pairs.setdefault((fid, ind.id), ind)
    # Factors and indicators as integer codes: one lookup per distinct id, not per row.
    f_names = list(factors)
    f_code = np.asarray(pd.Index(f_names, dtype=object).get_indexer(
        pd.Index(factor, dtype=object)), dtype=np.int64)
    f_ok = f_code >= 0
    for r in np.flatnonzero(~f_ok).tolist():
        out.append(place(r, "factor", f"unknown factor {factor[r]!r} "
                                      f"(known: {', '.join(sorted(factors))})"))
    i_code, i_names = pd.factorize(pd.Series(indicator, dtype=object))
    has_ind = i_code >= 0
    width = len(i_names) + 1
    pair_of = {fk * width + ik: (f_names[fk], name) for fk in range(len(f_names))
               for ik, name in enumerate(i_names) if (f_names[fk], name) in pairs}
    key = f_code * width + i_code
    known_pair = np.isin(key, list(pair_of)) & f_ok & has_ind
    i_ok = ~has_ind | known_pair
    for r in np.flatnonzero(f_ok & ~i_ok).tolist():
        known = ", ".join(i.id for i in factors[factor[r]].indicators) or "none"
        out.append(place(r, "indicator", f"unknown indicator {indicator[r]!r} for factor "
                                         f"{factor[r]!r} (known: {known})"))
    ok = f_ok & i_ok
    labelled = [k for k, pair in pair_of.items()
                if isinstance(pairs[pair].mapping, CategoriesMapping)]
    by_label = ok & np.isin(key, labelled)
    if by_label.any():
        rows = np.flatnonzero(by_label)
        fits = np.zeros(len(rows), dtype=bool)
        for k in labelled:  # one indicator at a time: its labels against its rows' values
            mine = key[rows] == k
            allowed = set(pairs[pair_of[k]].mapping.categories)
            texts = is_text[rows[mine]]
            fits[mine] = texts & pd.Series(value[rows[mine]], dtype=object).isin(
                allowed).to_numpy()
        for r in rows[~fits].tolist():
            ind = pairs[pair_of[int(key[r])]]
            names = list(ind.mapping.categories)
            p = plain(r)
            hint = (f"; YAML reads the unquoted {p} as a {_kind(value[r])}, so write it in "
                    f"quotes: \"{p}\"" if p in names else "")
            out.append(place(r, "value", f"must be one of the categories of indicator "
                                         f"{ind.id!r}: {', '.join(names)}{hint}"))
    numeric = ok & ~by_label
    for r in np.flatnonzero(numeric & is_text).tolist():
        out.append(place(r, "value", f"must be a number, not the string {value[r]!r}"))
    logs = [k for k, pair in pair_of.items() if isinstance(pairs[pair].mapping, LogMapping)]
    for r in np.flatnonzero(numeric & ~is_text & np.isin(key, logs)).tolist():
        if not float(value[r]) >= 0:
            out.append(place(r, "value", f"value {value[r]} is below 0: indicator "
                                         f"{indicator[r]!r} maps counts and ages on a log "
                                         "scale, which start at 0"))
    direct = np.flatnonzero(numeric & ~is_text & ~has_ind)
    if len(direct):
        lo, hi = rubric.scale.lo, rubric.scale.hi
        x = value[direct].astype(float)
        for r in direct[~((lo <= x) & (x <= hi))].tolist():
            out.append(place(r, "value", f"value {value[r]} is outside the scale "
                                         f"{scale_text(rubric)}"))
    return out, ok


def _kind(value: object) -> str:
    """What YAML made of an unquoted scalar, in words."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else "date"


def _iso(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] as ISO text (None where NaT)."""
    days, where = np.unique(dates, return_inverse=True)  # a few thousand dates at most
    text = np.asarray(np.datetime_as_string(days, unit="D"), dtype=object)
    text[np.isnat(days)] = None
    return np.asarray(text[where.reshape(-1)], dtype=object)


def _after(recs: Records, dates: np.ndarray, ok: np.ndarray, as_of: np.ndarray | None,
           name: str, message: Callable[[str, str], str], out: list[Problem]) -> None:
    if as_of is None:
        return
    case_as_of = as_of[recs.case]
    late = ok & ~np.isnat(dates) & ~np.isnat(case_as_of) & (dates > case_as_of)
    for r in np.flatnonzero(late).tolist():
        out.append(recs.problem(r, name, message(str(dates[r]), str(case_as_of[r]))))


@dataclass(frozen=True)
class Known:
    """What scenario checks need of the evidence: by case, the items whose ids changes name
    (id -> factor, indicator, value, whether factor and indicator are known), and the cases
    some of whose items have no valid id (a change may name one of those)."""

    items: dict[int, dict[str, tuple[str, str | None, object, bool]]]
    incomplete: frozenset[int]


def check_evidence(sources: Records, items: Records, refs: Records, rubric: Rubric | None,
                   as_of: np.ndarray | None, out: list[Problem],
                   named: set[str] | frozenset[str] = frozenset(),
                   figures: tuple[Records, Records] | None = None,
                   periods: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[Evidence | None, Known]:
    """Check the records of cases sharing ``rubric`` (None when it is invalid: the rules that
    read it are skipped); ``as_of`` is each case's date (datetime64[D], NaT when unknown; None
    when no case header is valid). Adds every problem to ``out``. Returns the evidence when
    there is no problem in these records, and, by case, the items of ids in ``named`` (those
    scenario changes name): id -> (factor, indicator, value, whether factor, indicator and
    value are usable), and which cases have items without a valid id (:class:`Known`)."""
    found: list[Problem] = []
    s_ok = check_records(sources, found)
    i_ok = check_records(items, found)
    r_ok = check_records(refs, found)
    # Sources.
    s_ids = _texts(sources.fields["id"])
    _duplicates(sources, s_ids, s_ok["id"], "source", found)
    grade = _texts(sources.fields["reliability"])
    if rubric is not None:
        graded = pd.Series(grade, dtype=object).isin(rubric.reliability).to_numpy()
        for r in np.flatnonzero(s_ok["reliability"] & ~graded).tolist():
            found.append(sources.problem(r, "reliability",
                                         f"unknown reliability grade {grade[r]!r} (the rubric "
                                         f"has {', '.join(rubric.reliability)})"))
    s_date = sources.fields["date"].date
    _after(sources, s_date, s_ok["date"], as_of, "date",
           lambda d, a: f"source dated {d} is after the case's as_of {a}", found)
    snap = _texts(sources.fields["snapshot"])
    for r in np.flatnonzero(s_ok["snapshot"] & pd.notna(snap)).tolist():
        path = str(snap[r])
        if path.startswith(("/", "\\")) or ".." in path.replace("\\", "/").split("/") \
                or ":" in path:
            found.append(sources.problem(r, "snapshot",
                                         "a snapshot path must be relative and stay inside the "
                                         "case folder (no absolute path, no '..')"))
    # Items.
    i_ids = _texts(items.fields["id"])
    _duplicates(items, i_ids, i_ok["id"], "item", found)
    factor = _texts(items.fields["factor"])
    indicator = _texts(items.fields["indicator"])
    value = value_objects(items.fields["value"])
    checkable = np.flatnonzero(i_ok["factor"] & i_ok["indicator"] & i_ok["value"])
    usable = np.zeros(len(items), dtype=bool)
    if rubric is not None and len(checkable):
        more, fits = value_problems(
            rubric, factor[checkable], indicator[checkable], value[checkable],
            lambda j, name, msg: items.problem(int(checkable[j]), name, msg),
            lambda j: items.plain(int(checkable[j]), "value"),
            (items.fields["value"].kind == K_STR)[checkable])
        found += more
        usable[checkable[fits]] = True
    known = Known({}, frozenset(np.unique(items.case[~i_ok["id"]]).tolist()))
    if named:
        hits = np.flatnonzero(i_ok["id"] & pd.Series(i_ids, dtype=object).isin(named).to_numpy())
        for c, i, f, ind, v, ok in zip(items.case[hits].tolist(), i_ids[hits].tolist(),
                                       factor[hits].tolist(), indicator[hits].tolist(),
                                       value[hits].tolist(), usable[hits].tolist(), strict=True):
            known.items.setdefault(c, {}).setdefault(i, (f, ind, v, ok))
    observed = items.fields["observed"].date
    _after(items, observed, i_ok["observed"], as_of, "observed",
           lambda d, a: f"observed {d} is after the case's as_of {a}", found)
    # Citations: each names a source of its case.
    r_src = _texts(refs.fields["source"])
    have_rows = np.flatnonzero(s_ok["id"])
    have, cited = _keys((sources.case[have_rows], s_ids[have_rows]), (refs.case, r_src))
    first = ~pd.Series(have).duplicated().to_numpy()  # a repeated source id: the first counts
    at = pd.Index(have[first]).get_indexer(cited)
    known_rows = np.append(have_rows[first], -1)  # -1: no such source
    at = known_rows[np.where(at >= 0, at, len(known_rows) - 1)]
    for r in np.flatnonzero(r_ok["source"] & (at < 0)).tolist():
        found.append(refs.problem(r, "source", f"unknown source {r_src[r]!r}"))

    def source_of(cites: Records, name: np.ndarray) -> np.ndarray:
        """Each citation's row in ``sources`` (-1: no such source in its case)."""
        ours, wanted = _keys((sources.case[have_rows], s_ids[have_rows]), (cites.case, name))
        one = ~pd.Series(ours).duplicated().to_numpy()
        rows = np.append(have_rows[one], -1)
        found_at = pd.Index(ours[one]).get_indexer(wanted)
        return rows[np.where(found_at >= 0, found_at, len(rows) - 1)]

    fig = None
    if figures is not None:
        fig = _check_figures(*figures, rubric, as_of, periods, source_of, i_ids, items, found)
    out += found
    if found or rubric is None or as_of is None:
        return None, known
    return _evidence(sources, items, refs, rubric, as_of, s_ids, grade, s_date, snap, i_ids,
                     factor, indicator, value, observed, r_src, at, fig), known


def _check_figures(figs: Records, cites: Records, rubric: Rubric | None,
                   as_of: np.ndarray | None, periods: tuple[np.ndarray, np.ndarray] | None,
                   source_of: Callable[[Records, np.ndarray], np.ndarray],
                   i_ids: np.ndarray, items: Records, found: list[Problem]
                   ) -> tuple[Records, Records, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                              np.ndarray, np.ndarray]:
    """The rules of reported figures: unique ids (and one figure per period) within a case,
    a figure the rubric reads in its unit, a period of the case, nothing after ``as_of``,
    known sources. Returns what the frames are built from."""
    ok = check_records(figs, found)
    c_ok = check_records(cites, found)
    ids = _texts(figs.fields["id"])
    _duplicates(figs, ids, ok["id"], "figure", found)
    name = _texts(figs.fields["figure"])
    period = _texts(figs.fields["period"])
    unit = _texts(figs.fields["unit"])
    if rubric is not None:  # column by column; a loop only over the rows that break a rule
        units = {f.id: f.unit for f in rubric.figures}
        names = pd.Series(name, dtype=object)
        known = names.isin(list(units)).to_numpy()
        for r in np.flatnonzero(ok["figure"] & ~known).tolist():
            found.append(figs.problem(r, "figure", (
                f"unknown figure {name[r]!r} (the rubric reads {', '.join(units)})" if units
                else f"unknown figure {name[r]!r}: the rubric reads no figures")))
        want = names.map(units).to_numpy(dtype=object)
        given = pd.notna(unit) & pd.notna(want)
        wrong = ok["figure"] & known & ok["unit"] & given & (unit != want)
        for r in np.flatnonzero(wrong).tolist():
            found.append(figs.problem(r, "unit", f"unit {unit[r]!r} is not the rubric's unit "
                                                 f"for {name[r]}: {want[r]!r}"))
    prior = np.zeros(len(figs), dtype=bool)
    if periods is not None:
        this, before = periods[0][figs.case], periods[1][figs.case]
        none = ok["period"] & pd.isna(this)
        is_prior = pd.notna(before) & (period == before)
        off = ok["period"] & ~none & (period != this) & ~is_prior
        for r in np.flatnonzero(none).tolist():
            found.append(figs.problem(r, "period", "the case has no period: set period "
                                                   "(and prior_period) in case.yaml"))
        for r in np.flatnonzero(off).tolist():
            have = f"{this[r]!r}" + (f" or its prior period {before[r]!r}"
                                     if before[r] is not None else "")
            found.append(figs.problem(r, "period", f"period {period[r]!r} is not the "
                                                   f"case's period {have}"))
        prior = np.asarray(ok["period"] & ~none & is_prior, dtype=bool)
    both = np.flatnonzero(ok["figure"] & ok["period"])
    key = pd.Series(_keys((figs.case[both], name[both] + "\x00" + period[both]))[0])
    again = key.duplicated().to_numpy()
    first_row = pd.Series(both[~again], index=key[~again].to_numpy())
    for r, j in zip(both[again].tolist(),
                    first_row.reindex(key[again].to_numpy()).tolist(), strict=True):
        found.append(figs.problem(r, "figure", f"figure {name[r]} of {period[r]} is reported "
                                               f"twice (first at {_first_at(figs, int(j))})"))
    # A factor scored by a measure has one row per case named by the measure's id.
    measured = [] if rubric is None else [f.measure for f in rubric.factors if f.measure]
    for recs, what, these in ((figs, "figure", ids), (items, "item", i_ids)):
        clash = pd.Series(these, dtype=object).isin(measured).to_numpy()
        for r in np.flatnonzero(clash).tolist():
            found.append(recs.problem(r, "id", f"{these[r]!r} is the id of a measure a factor "
                                               f"is scored by: give the {what} another id"))
    observed = figs.fields["observed"].date
    _after(figs, observed, ok["observed"], as_of, "observed",
           lambda d, a: f"observed {d} is after the case's as_of {a}", found)
    c_src = _texts(cites.fields["source"])
    at = source_of(cites, c_src)
    for r in np.flatnonzero(c_ok["source"] & (at < 0)).tolist():
        found.append(cites.problem(r, "source", f"unknown source {c_src[r]!r}"))
    return figs, cites, ids, name, period, prior, c_src, at


def _evidence(sources: Records, items: Records, refs: Records, rubric: Rubric,
              as_of: np.ndarray, s_ids: np.ndarray, grade: np.ndarray, s_date: np.ndarray,
              snap: np.ndarray, i_ids: np.ndarray, factor: np.ndarray, indicator: np.ndarray,
              value: np.ndarray, observed: np.ndarray, r_src: np.ndarray,
              at: np.ndarray, fig: tuple[Any, ...] | None = None) -> Evidence:
    """The frames of valid records. Each item (and figure) is weighed by the best grade
    among the sources it cites; the first cited wins a tie."""
    rel = pd.Series(rubric.reliability, dtype=float).reindex(grade).to_numpy(dtype=float)
    best = _best(refs, at, rel)
    text = {f: _arrow(sources.fields[f]) for f in ("title", "title_en", "publisher",
                                                   "language", "kind", "url", "cited_as",
                                                   "notes", "sha256")}
    src_frame = _frame({"case": sources.case, "id": s_ids})
    other: dict[str, Any] = {"id": pd.Series(s_ids, dtype=object),
                             "date": pd.Series(_iso(s_date), dtype=object),
                             "reliability": pd.Series(grade, dtype=object),
                             "snapshot": pd.Series(snap, dtype=object)}
    for name in Source.model_fields:
        src_frame[name] = text[name] if name in text else other[name]
    item_frame = _frame({
        "case": items.case, "id": i_ids, "factor": factor, "indicator": indicator,
        "value": value, "confidence": items.fields["confidence"].number,
        "confidence_int": items.fields["confidence"].kind == K_INT,
        "observed": _iso(observed),
        "age_days": (as_of[items.case] - observed).astype(float),
        "grade": grade[best], "reliability": rel[best], "best_source": s_ids[best]})
    item_frame["claim"] = _arrow(items.fields["claim"])
    item_frame["excerpt"] = _arrow(items.fields["excerpt"])
    assert refs.parent is not None
    ref_frame = _frame({"item": refs.parent, "source": r_src})
    ref_frame["locator"] = _arrow(refs.fields["locator"])
    if fig is None:
        return Evidence(item_frame, ref_frame, src_frame)
    figs, cites, ids, name, period, prior, c_src, c_at = fig
    f_best = _best(cites, c_at, rel)
    f_observed = figs.fields["observed"].date
    fig_frame = _frame({
        "case": figs.case, "id": ids, "figure": name, "period": period, "prior": prior,
        "value": figs.fields["value"].number, "unit": _texts(figs.fields["unit"]),
        "currency": _texts(figs.fields["currency"]), "observed": _iso(f_observed),
        "claim": _texts(figs.fields["claim"]), "excerpt": _texts(figs.fields["excerpt"]),
        "grade": grade[f_best], "reliability": rel[f_best], "best_source": s_ids[f_best]})
    assert cites.parent is not None
    cite_frame = _frame({"item": cites.parent, "source": c_src})
    cite_frame["locator"] = _arrow(cites.fields["locator"])
    return Evidence(item_frame, ref_frame, src_frame, fig_frame, cite_frame)


def _best(cites: Records, at: np.ndarray, rel: np.ndarray) -> np.ndarray:
    assert cites.parent is not None and cites.k is not None
    return best_cited(cites.parent, cites.k, at, rel)


def best_cited(parent: np.ndarray, k: np.ndarray, at: np.ndarray, rel: np.ndarray
               ) -> np.ndarray:
    """Each citing record's best source (a row of the sources), records in order of
    ``parent``: the highest reliability among those it cites, the first cited on a tie.
    ``parent``: the citing record of each citation; ``k``: its place among the record's
    citations; ``at``: the source row it cites; ``rel``: each source row's multiplier."""
    order = np.lexsort((k, -rel[at], parent))  # best first within each record
    return np.asarray(at[order[np.unique(parent[order], return_index=True)[1]]])

