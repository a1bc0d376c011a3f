"""Point in time: which reported value of each figure was known on the as-of date.

Column operations on the facts table (``formats.companyfacts``), for every mapped figure and
period at once:

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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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


def fiscal_years(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per fiscal year the annual filings report: ``label`` (``FY2024``), ``end``,
    and ``first_filed``, the day the first annual filing whose own year it is was filed."""
    annual = facts[facts.form.isin(ANNUAL_FORMS) & (facts.fp == "FY") & facts.start.notna()
                   & facts.fy.notna()]
    days = _days(annual)
    annual = annual[(days >= MIN_YEAR_DAYS) & (days <= MAX_YEAR_DAYS)]
    if annual.empty:
        return pd.DataFrame({"label": [], "end": [], "first_filed": []})
    top = annual.groupby("accn").agg(top_end=("end", "max"), fy=("fy", "max"),
                                     filed=("filed", "min"))
    rows = annual[["accn", "end"]].drop_duplicates().join(top, on="accn")
    back = ((pd.to_datetime(rows.top_end) - pd.to_datetime(rows.end)).dt.days / 365.25)
    rows = rows.assign(year=(rows.fy - back.round()).astype(int),
                       own=rows.end == rows.top_end)
    own = rows[rows.own].groupby("end").agg(first_filed=("filed", "min"))
    years = rows.groupby("end").agg(year=("year", "max")).join(own).reset_index()
    years["label"] = "FY" + years.year.astype(str)
    return years.sort_values("end")[["label", "end", "first_filed"]].reset_index(drop=True)


def _days(facts: pd.DataFrame) -> pd.Series:
    """Each fact's length in days (end - start; NaN for an instant): the ``days`` column
    that :func:`select` computes with Arrow, or computed here."""
    if "days" in facts:
        return facts["days"]
    return (pd.to_datetime(facts.end) - pd.to_datetime(facts.start)).dt.days


def _with_days(table: pa.Table) -> pa.Table:
    return table.append_column("days", pc.days_between(table["start"], table["end"]))


def _mapped(cmap: ConceptMap, figures: list[str]) -> pd.DataFrame:
    rows = []
    for fig_id in figures:
        spec = cmap.figure(fig_id)
        if spec is None:
            continue
        for order, ref in enumerate(spec.concepts):
            taxonomy, concept = cmap.qualified(ref)
            rows.append((fig_id, order, taxonomy, concept, spec.period, spec.unit, ref.sign))
    return pd.DataFrame(rows, columns=["figure", "order", "taxonomy", "concept", "kind",
                                       "map_unit", "sign"])


def select(cf: CompanyFacts, cmap: ConceptMap, figures: list[str], as_of: dt.date,
           period: str | None, with_prior: bool) -> Selection:
    """The values of ``figures`` known at ``as_of`` for ``period`` (or the latest complete
    fiscal year then) and, ``with_prior``, the year before; raises InputError."""
    table = cf.table
    known_tbl = table.filter(pc.less_equal(table["filed"], pa.scalar(as_of, pa.date32())))
    if known_tbl.num_rows == 0:
        first = pc.min(table["filed"]).as_py() if table.num_rows else None
        raise InputError([Problem(cf.shown, 0, 0, "filed", f"no fact was filed on or before "
                                  f"the as-of date {as_of}; the first filing is of {first}"
                                  if first is not None else "the document holds no facts")])
    # Only two slices of the table are read: the annual filings' durations (which fiscal
    # years there are) and the facts of mapped concepts; the rest never reaches pandas.
    annual_mask = pc.and_(pc.and_(pc.is_in(known_tbl["form"], pa.array(ANNUAL_FORMS)),
                                  pc.equal(known_tbl["fp"], "FY")),
                          pc.is_valid(known_tbl["start"]))
    annual = _with_days(known_tbl.filter(annual_mask).select(
        ["accn", "start", "end", "fy", "fp", "form", "filed"])).to_pandas().drop_duplicates()
    mapped = _mapped(cmap, figures)
    concepts = known_tbl["concept"].cast(pa.string())
    wanted_concepts = pa.array(sorted(set(mapped.concept)), pa.string())
    known = _with_days(known_tbl.filter(pc.is_in(concepts, wanted_concepts))).to_pandas()
    for name in ("taxonomy", "concept", "unit"):
        known[name] = known[name].astype(str)
    years = fiscal_years(annual)
    label, prior = _periods(years, period, as_of, cf.shown, with_prior)
    ends = dict(zip(years.label, years.end, strict=True))
    wanted = [p for p in (label, prior) if p is not None]
    rows = known.merge(mapped, on=["taxonomy", "concept"])
    annual_of = _annual_accns(annual, years)
    rows = _place(rows, years[years.label.isin(wanted)], annual_of)
    problems = _kind_and_unit_problems(rows, cf.shown)
    if problems:
        raise InputError(problems)
    good = rows[rows.kind_ok & (rows.unit == rows.map_unit)].copy()
    good["value"] = good.val * good.sign
    good = good.sort_values(["filed", "accn"], kind="stable")
    key = ["figure", "order", "label"]
    latest = good.groupby(key, sort=False).tail(1)
    merged = good.merge(latest[[*key, "value", "filed", "accn"]], on=key,
                        suffixes=("", "_latest"))
    restated = merged[(merged.value != merged.value_latest) & (merged.filed < merged.filed_latest)]
    restated = restated.drop_duplicates([*key, "accn", "value"])
    # A later filing repeating a value (a 10-Q's comparative balance sheet) restates
    # nothing: the value is cited to the first filing that reported it, its day the one it
    # became known.
    latest = merged[merged.value == merged.value_latest].groupby(key, sort=False).head(1)
    latest = latest.drop(columns=["value_latest", "filed_latest", "accn_latest"])
    chosen = latest.sort_values("order", kind="stable").groupby(["figure", "label"]).head(1)
    against = latest.merge(chosen[["figure", "label", "order", "value", "concept"]],
                           on=["figure", "label"], suffixes=("", "_taken"))
    conflicts = against[(against.order > against.order_taken)
                        & (against.value != against.value_taken)]
    have = set(zip(chosen.figure, chosen.label, strict=True))
    missing = [(f, p) for p in wanted for f in figures
               if (f, p) not in have]
    return Selection(as_of, label, prior, {p: ends[p] for p in wanted},
                     chosen.sort_values(["label", "figure"]).reset_index(drop=True),
                     restated.reset_index(drop=True), conflicts.reset_index(drop=True),
                     missing)


def _periods(years: pd.DataFrame, period: str | None, as_of: dt.date, shown: str,
             with_prior: bool) -> tuple[str, str | None]:
    known = years[years.first_filed.notna()]
    if period is None:
        if known.empty:
            raise InputError([Problem(shown, 0, 0, "", f"no annual filing (10-K, 20-F, 40-F) "
                                      f"was filed on or before {as_of}")])
        period = str(known.label.iloc[-1])
    elif period not in set(years.label):
        listed = ", ".join(years.label) or "none"
        raise InputError([Problem(shown, 0, 0, "", f"period {period!r} is not a fiscal year "
                                  f"the annual filings known at {as_of} report (known: "
                                  f"{listed})")])
    year = int(period[2:])
    prior = f"FY{year - 1}" if with_prior and f"FY{year - 1}" in set(years.label) else None
    return period, prior


def _annual_accns(known: pd.DataFrame, years: pd.DataFrame) -> pd.DataFrame:
    """The annual filings of each fiscal year: (accn, label), a filing's year being the
    latest annual period it reports."""
    annual = known[known.form.isin(ANNUAL_FORMS) & (known.fp == "FY") & known.start.notna()]
    top = annual.groupby("accn", as_index=False).agg(end=("end", "max"))
    return top.merge(years[["label", "end"]], on="end")[["accn", "label"]]


def _place(rows: pd.DataFrame, years: pd.DataFrame, annual_of: pd.DataFrame) -> pd.DataFrame:
    """Each mapped fact with the wanted period it is of (``label``), and ``kind_ok``: the
    fact is of the kind its figure wants (an instant at the year's end, a year's duration
    ending there, or a cover fact of that year's annual filing)."""
    cover = rows[rows.kind == "cover"].merge(annual_of, on="accn")
    cover = cover[cover.label.isin(set(years.label))].assign(kind_ok=True)
    dated = rows[rows.kind != "cover"].merge(years[["label", "end"]], on="end")
    days = _days(dated)
    is_year = (days >= MIN_YEAR_DAYS) & (days <= MAX_YEAR_DAYS)
    dated = dated.assign(kind_ok=np.where(dated.kind == "instant", dated.start.isna(),
                                          is_year.fillna(False)),
                         wrong_kind=np.where(dated.kind == "instant", dated.start.notna(),
                                             dated.start.isna()))
    return pd.concat([dated, cover.assign(wrong_kind=False)], ignore_index=True)


def _kind_and_unit_problems(rows: pd.DataFrame, shown: str) -> list[Problem]:
    """A mapped concept reported for a wanted period only as the wrong kind of period, or
    only in another unit than the map's: the map or the document is wrong, never guessed."""
    key = ["figure", "taxonomy", "concept", "label"]
    unit_ok = rows.unit == rows.map_unit
    fine = (rows.kind_ok & unit_ok).groupby([rows[k] for k in key]).transform("any")
    rows, unit_ok = rows[~fine], unit_ok[~fine]  # only the groups with no usable fact
    if rows.empty:
        return []
    by = rows.assign(ok=rows.kind_ok & unit_ok, wrong=rows.wrong_kind,
                     unit_ok=unit_ok & rows.kind_ok).groupby(key, sort=True)
    summary = by.agg(ok=("ok", "any"), wrong=("wrong", "all"), units=("unit", "unique"),
                     any_unit_ok=("unit_ok", "any"), kind=("kind", "first"),
                     map_unit=("map_unit", "first")).reset_index()
    out = []
    r: Any
    for r in summary[~summary.ok].itertuples():
        where = f"facts.{r.taxonomy}.{r.concept}"
        if r.wrong:
            other = "a duration (it has a start)" if r.kind == "instant" else \
                "an instant (it has no start)"
            out.append(Problem(shown, 0, 0, where, f"{r.figure} ({r.label}) is mapped as "
                               f"{r.kind} but the document reports it as {other}"))
        elif not r.any_unit_ok and r.map_unit not in (seen := [str(u) for u in r.units]):
            units = ", ".join(sorted(seen))
            out.append(Problem(shown, 0, 0, f"{where}.units", f"{r.figure} ({r.label}) is "
                               f"reported in {units}, not the map's unit {r.map_unit}"))
    return out
