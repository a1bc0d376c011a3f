"""``scoring facts import``: a case's figures from an SEC company-facts document.

The document (``formats.companyfacts``) is read into one table; the concept map of its
taxonomy (``maps/us-gaap.yaml`` beside the rubric, or ``maps/ifrs-full.yaml``) says which
concepts each figure of the rubric is read from; ``facts_select`` picks what was known at
the as-of date. The importer then writes, through the output guard:

* ``figures.yaml``: one figure per (figure, period) found, ``observed`` the day its filing
  was filed, cited to that filing with a locator naming taxonomy, concept, unit, period and
  accession; a figure no mapped concept reports is left out (the rubric's missing policy
  applies) and listed in a comment and in the report, never written as zero;
* ``sources.yaml``: one source per filing cited (accession, form, the SEC filing index),
  each with the company-facts document as its snapshot and its SHA-256, so that
  ``scoring verify`` checks it; other sources of the file are kept;
* ``restatements.yaml`` (when a figure was restated): each earlier value of a figure's
  concept and period that a later filing replaced, with the day it was filed and the filing
  that reported it, so that ``scoring history`` takes at each date the value known then;
* the document itself, copied into the case as ``filings/CIK##########.json``.

A case folder that does not exist is created from the rubric's skeleton first (as
``scoring new``). A ``figures.yaml`` holding figures this import did not write is never
replaced without ``replace``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc

from ..display import display_path
from ..errors import InputError, OutputError, Problem
from ..formats.companyfacts import CompanyFacts, read_companyfacts
from ..formats.factsmap import ConceptMap, load_map
from ..formats.loader import CASE_FILE, SOURCES_FILE, load_rubric, validate_doc
from ..formats.models import CaseFile, FiguresFile, RestatementsFile, SourcesFile
from ..formats.restatements import RESTATEMENTS_FILE
from ..formats.yamlio import load_yaml
from ..output import RunInputs, write_atomic
from .facts_select import Selection, select
from .skeleton import new_case

FIGURES_FILE = "figures.yaml"
SOURCE_PREFIX = "SEC-"  # the ids of the sources this import writes: SEC-<accession>
FIGURE_PREFIX = "X_"  # the ids of the figures it writes: X_<figure>_<period>
SNAPSHOT_FOLDER = "filings"


@dataclass
class FactsReport:
    """What ``import_facts`` did, for the CLI to print."""

    document: str
    case: str
    created: bool
    as_of: dt.date
    period: str
    prior: str | None
    written: int
    filings: list[str]
    missing: list[tuple[str, str]]
    conflicts: list[str] = field(default_factory=list)
    restated: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _number(value: float) -> str:
    return repr(float(value))


def map_taxonomy(taxonomies: frozenset[str]) -> str:
    """The taxonomy of the concept map for a document reporting facts in ``taxonomies``:
    us-gaap when it reports us-gaap facts, else ifrs-full when it reports those."""
    return "us-gaap" if "us-gaap" in taxonomies or "ifrs-full" not in taxonomies \
        else "ifrs-full"


def map_for(rubric_path: Path, cf: CompanyFacts) -> Path:
    """The concept map for the document (:func:`map_taxonomy`), looked up in ``maps/``
    beside the rubric."""
    taxonomy = map_taxonomy(cf.taxonomies)
    path = rubric_path.parent / "maps" / f"{taxonomy}.yaml"
    if not path.is_file():
        raise InputError([Problem(display_path(path), 0, 0, "", f"no concept map for the "
                                  f"{taxonomy} taxonomy beside the rubric")])
    return path


def filing_url(cik: int, accn: str) -> str:
    """The SEC address of a filing's index page."""
    return (f"https://www.sec.gov/Archives/edgar/data/{cik}/{accn.replace('-', '')}/"
            f"{accn}-index.htm")


def _balance_checks(sel: Selection, cmap: ConceptMap) -> list[str]:
    """Assets = liabilities + equity within the map's tolerance, per period (vectorised)."""
    bs = cmap.balance_sheet
    if bs is None:
        return []
    # one value per (period, figure): the selection takes one
    table = sel.chosen.pivot(index="label", columns="figure", values="value")
    names = [bs.assets, bs.liabilities, bs.equity]
    if not set(names) <= set(table.columns):
        return []
    table = table[names].dropna()
    gap = table[bs.assets] - table[bs.liabilities] - table[bs.equity]
    bad = table[(gap.abs() > bs.tolerance * table[bs.assets].abs())]
    rows: list[tuple[Any, Any]] = list(bad.iterrows())
    return [f"{label}: {bs.assets} {row[bs.assets]:,.0f} != {bs.liabilities} "
            f"{row[bs.liabilities]:,.0f} + {bs.equity} {row[bs.equity]:,.0f} (off by "
            f"{gap[label]:,.0f}, more than {bs.tolerance:.1%} of {bs.assets})"
            for label, row in rows]


def select_with_opening(cf: CompanyFacts, cmap: ConceptMap, figures: list[str],
                        as_of: dt.date, period: str | None, with_prior: bool) -> Selection:
    """:func:`facts_select.select`, with the map's ``opening`` figures (:func:`with_opening`)."""
    return with_opening(lambda m, figs, per: select(cf, m, figs, as_of, per, with_prior),
                        cmap, figures, period)


def with_opening(run: Callable[[ConceptMap, list[str], str | None], Selection],
                 cmap: ConceptMap, figures: list[str], period: str | None) -> Selection:
    """The selection ``run`` makes (map, figures, period), with the map's ``opening``
    figures: a balance-sheet figure at the end of the year before. They are the instants of
    the year before (and of the year before the prior), selected as that year's by the same
    rules, then named for the year they open."""
    opening = [f for f in figures if (spec := cmap.figure(f)) is not None
               and spec.period == "opening"]
    sel = run(cmap, [f for f in figures if f not in opening], period)
    if not opening:
        return sel
    wanted = [p for p in (sel.period, sel.prior) if p is not None]
    if sel.prior is not None:  # the year before is a fiscal year the filings report
        as_instant = cmap.model_copy(update={"figures": [
            f.model_copy(update={"period": "instant"}) if f.id in opening else f
            for f in cmap.figures]})
        got = run(as_instant, opening, sel.prior)
        names = {f"FY{int(p[2:]) - 1}": p for p in wanted}

        def named(frame: pd.DataFrame) -> pd.DataFrame:
            out = frame[frame.label.isin(list(names))].copy()
            out["label"] = out.label.map(names)
            out["kind"] = "opening"
            return out

        sel.chosen = pd.concat([sel.chosen, named(got.chosen)], ignore_index=True)\
            .sort_values(["label", "figure"], kind="stable").reset_index(drop=True)
        sel.restated = pd.concat([sel.restated, named(got.restated)], ignore_index=True)
        sel.conflicts = pd.concat([sel.conflicts, named(got.conflicts)], ignore_index=True)
    have = set(zip(sel.chosen.figure, sel.chosen.label, strict=True))
    sel.missing += [(f, p) for p in wanted for f in opening if (f, p) not in have]
    return sel


def _locator(r: Any) -> str:
    period_text = r.start.isoformat() + " to " + r.end.isoformat() \
        if isinstance(r.start, dt.date) else r.end.isoformat()
    return (f"{r.taxonomy}:{r.concept}, unit {r.unit}, period {period_text}, "
            f"accession {r.accn}")


def replaced(sel: Selection, needed: list[str]) -> pd.DataFrame:
    """The earlier values of the taken figures: of the concept taken for that figure and
    period, reported before the filing the taken value is cited to (one row per value and
    filing, oldest first)."""
    taken = sel.chosen[sel.chosen.figure.isin(needed)][["figure", "label", "order", "filed"]]
    rows = sel.restated.merge(taken, on=["figure", "label", "order"], suffixes=("", "_taken"))
    rows = rows[rows.filed < rows.filed_taken]
    return rows.sort_values(["figure", "label", "filed", "accn"]).reset_index(drop=True)


def restatement_records(restated: pd.DataFrame, cf: CompanyFacts) -> list[dict[str, Any]]:
    """Each earlier value as the fields of restatements.yaml."""
    rows: list[Any] = list(restated.itertuples())
    return [{"figure": f"{FIGURE_PREFIX}{r.figure}_{r.label}", "value": float(r.value),
             "observed": r.filed.isoformat(), "source": f"{SOURCE_PREFIX}{r.accn}",
             "locator": _locator(r),
             "claim": f"{cf.entity} reported {r.concept} of {r.value:,.0f} {r.unit} for "
                      f"{r.label} in its {r.form} filed {r.filed.isoformat()}; restated as "
                      f"{r.value_latest:,.0f} on {r.filed_latest.isoformat()} "
                      f"({r.accn_latest})"}
            for r in rows]


def _restatements_text(restated: pd.DataFrame, cf: CompanyFacts) -> str:
    out = ["# Earlier values of the figures of figures.yaml, replaced by a later filing",
           "# (scoring facts import; docs/filings.md#restatements): scoring history takes, at",
           "# each date, the value known then.", "restatements:"]
    records = restatement_records(restated, cf)
    if not records:
        out[-1] += " []"
    for f in records:
        out += [f"  - figure: {f['figure']}",
                f"    value: {_number(f['value'])}",
                f"    observed: {_q(f['observed'])}",
                f"    sources: [{{source: {f['source']}, locator: {_q(f['locator'])}}}]",
                f"    claim: {_q(f['claim'])}"]
    return "\n".join(out) + "\n"


FIGURE_FIELDS = ("doc", "figure", "label", "start", "end", "taxonomy", "concept", "unit",
                 "accn", "value", "form", "filed", "kind")


def figure_records(chosen: pd.DataFrame, entities: Sequence[str], restated: pd.DataFrame
                   ) -> list[dict[str, Any]]:
    """The rows ``chosen`` of a selection (of one document or of a batch: ``doc`` indexes
    ``entities``, the filers' names) as the fields of figures.yaml (one citation:
    ``source`` and ``locator``), each with its ``restated`` values in its claim."""
    history: dict[tuple[int, str, str], list[str]] = {}
    earlier = restated.sort_values(["doc", "figure", "label", "filed"], kind="stable")
    for doc, fig, label, v, form, filed in zip(*(earlier[c].tolist() for c in (
            "doc", "figure", "label", "value", "form", "filed")), strict=True):
        history.setdefault((doc, fig, label), []).append(
            f"{v:,.0f} ({form} of {filed.isoformat()})")
    out = []
    for (doc, fig, label, start, end, taxonomy, concept, unit, accn, value, form, filed,
         kind) in zip(
            *(chosen[c].tolist() for c in FIGURE_FIELDS), strict=True):
        period_text = start.isoformat() + " to " + end.isoformat() \
            if isinstance(start, dt.date) else end.isoformat()
        locator = (f"{taxonomy}:{concept}, unit {unit}, period {period_text}, "
                   f"accession {accn}")
        claim = (f"{entities[doc]} reported {concept} of {value:,.0f} {unit} "
                 + (f"at {end.isoformat()}, the start of {label}," if kind == "opening"
                    else f"for {label}") + f" in its {form} filed {filed.isoformat()}")
        if (doc, fig, label) in history:
            claim += "; earlier reported as " + ", ".join(history[doc, fig, label])
        out.append({"id": f"{FIGURE_PREFIX}{fig}_{label}", "figure": fig,
                    "period": label, "value": float(value), "unit": unit,
                    "observed": filed.isoformat(), "source": f"{SOURCE_PREFIX}{accn}",
                    "locator": locator, "claim": claim})
    return out


def filing_records(filings: pd.DataFrame, entities: Sequence[str]) -> list[dict[str, Any]]:
    """One source per filing (``doc``, ``cik``, ``accn``, ``form``, ``filed``), as the
    fields of sources.yaml."""
    return [{"id": f"{SOURCE_PREFIX}{accn}",
             "title": f"{entities[doc]}, {form} filed {filed.isoformat()}",
             "publisher": "U.S. Securities and Exchange Commission (EDGAR)",
             "date": filed.isoformat(), "language": "en", "kind": "filing",
             "reliability": "A", "url": filing_url(cik, accn),
             "notes": f"Read from the SEC company-facts document of CIK {cik} "
                      f"(data.sec.gov/api/xbrl/companyfacts); form {form}, accession "
                      f"{accn}."}
            for doc, cik, accn, form, filed in zip(*(filings[c].tolist() for c in (
                "doc", "cik", "accn", "form", "filed")), strict=True)]


def cited_filings(chosen: pd.DataFrame) -> pd.DataFrame:
    """The filings that ``chosen`` cites, once each, by document, day filed, accession."""
    return chosen.drop_duplicates(["doc", "accn"])[["doc", "cik", "accn", "form", "filed"]
                                                   ].sort_values(["doc", "filed", "accn"])


def _figures_text(sel: Selection, cf: CompanyFacts, needed: list[str], as_of: dt.date,
                  restated: pd.DataFrame) -> str:
    out = [f"# Figures of {cf.entity} (CIK {cf.cik}) known on {as_of.isoformat()}, from its "
           "SEC company facts", "# (scoring facts import; docs/filings.md). Each is cited to "
           "the filing it was last reported in.",]
    if sel.missing:
        out.append("# Reported under no mapped concept (missing; the rubric's missing "
                   "policy applies):")
        out.extend(f"#   {fig} {period}" for fig, period in sel.missing)
    out.append("figures:")
    for f in figure_records(sel.chosen[sel.chosen.figure.isin(needed)], [cf.entity],
                            restated):
        out += [f"  - id: {f['id']}",
                f"    figure: {f['figure']}",
                f"    period: {_q(f['period'])}",
                f"    value: {_number(f['value'])}",
                f"    unit: {_q(f['unit'])}",
                f"    observed: {_q(f['observed'])}",
                f"    sources: [{{source: {f['source']}, locator: {_q(f['locator'])}}}]",
                f"    claim: {_q(f['claim'])}"]
    return "\n".join(out) + "\n"


def _sources_text(existing: list[dict[str, Any]], filings: pd.DataFrame, cf: CompanyFacts,
                  snapshot: str) -> str:
    out = ["# Sources (docs/formats.md#sourcesyaml). The SEC- sources are written by scoring",
           "# facts import: the filings the figures come from; their snapshot is the SEC",
           "# company-facts document they were read from.", "sources:"]
    for src in existing:
        out.append("  - " + json.dumps(src, ensure_ascii=False, sort_keys=False))
    for src in filing_records(filings, [cf.entity]):
        out += [f"  - id: {src['id']}",
                f"    title: {_q(src['title'])}",
                f"    publisher: {src['publisher']}",
                f"    date: {_q(src['date'])}",
                "    language: en",
                "    kind: filing",
                "    reliability: A",
                f"    url: {_q(src['url'])}",
                f"    notes: {_q(src['notes'])}",
                f"    snapshot: {_q(snapshot)}",
                f"    sha256: {cf.sha256}"]
    return "\n".join(out) + "\n"


def _existing_sources(path: Path) -> list[dict[str, Any]]:
    """The sources of ``path`` not written by this import (as plain data), or []."""
    if not path.exists():
        return []
    problems: list[Problem] = []
    model = validate_doc(SourcesFile, load_yaml(path, display_path(path)), problems)
    if model is None:
        raise InputError(problems)
    return [s.model_dump(mode="json", exclude_none=True) for s in model.sources
            if not s.id.startswith(SOURCE_PREFIX)]


def _hand_written(path: Path) -> list[str]:
    """The ids of figures in ``path`` that this import did not write (in a restatements
    file: the figures whose earlier values it did not write)."""
    if not path.exists():
        return []
    problems: list[Problem] = []
    doc = load_yaml(path, display_path(path))
    if path.name == RESTATEMENTS_FILE:
        kept = validate_doc(RestatementsFile, doc, problems)
        if kept is None:
            return ["(the file does not parse as restatements)"]
        return [r.figure for r in kept.restatements
                if not all(s.source.startswith(SOURCE_PREFIX) for s in r.sources)]
    model = validate_doc(FiguresFile, doc, problems)
    if model is None:
        return ["(the file does not parse as figures)"]
    return [f.id for f in model.figures
            if not all(s.source.startswith(SOURCE_PREFIX) for s in f.sources)]


def _check_case_periods(path: Path, sel: Selection, as_of: dt.date) -> None:
    """An existing case must be of the periods imported, and not dated before the filings."""
    shown = display_path(path)
    doc = load_yaml(path, shown)
    problems: list[Problem] = []
    meta = validate_doc(CaseFile, doc, problems)
    if meta is None:
        raise InputError(problems)
    for name, want in (("period", sel.period), ("prior_period", sel.prior)):
        have = getattr(meta, name)
        if want is not None and have != want:
            line, col = doc.where((name,))
            problems.append(Problem(shown, line, col, name, f"the case's {name} is "
                                    f"{have!r}; the import is of {want!r} (set it in "
                                    "case.yaml, or pass --period)"))
    if meta.as_of < as_of:
        line, col = doc.where(("as_of",))
        problems.append(Problem(shown, line, col, "as_of", f"the case's as_of "
                                f"{meta.as_of} is before the import's as-of {as_of}: "
                                "figures observed after it would be refused"))
    if problems:
        raise InputError(problems)


def import_facts(document: Path, case: Path, rubric_path: Path, as_of: dt.date | None = None,
                 period: str | None = None, replace: bool = False) -> FactsReport:
    """Write the figures of ``rubric_path`` known at ``as_of`` (default: the day of the
    document's last filing) into the case folder ``case``; raises InputError/OutputError."""
    cf = read_companyfacts(document)
    rubric = load_rubric(rubric_path)
    needed = [f.id for f in rubric.figures]
    if not needed:
        raise InputError([Problem(display_path(rubric_path), 0, 0, "figures",
                                  "the rubric reads no figures; nothing to import")])
    map_path = map_for(rubric_path, cf)
    cmap = load_map(map_path)
    unmapped = [f for f in needed if cmap.figure(f) is None]
    if unmapped:
        raise InputError([Problem(display_path(map_path), 0, 0, "figures",
                                  f"the rubric's figure {f!r} is not in the concept map")
                          for f in unmapped])
    if as_of is None:
        last = pc.max(cf.table["filed"]).as_py()
        as_of = last if last is not None else dt.date(1900, 1, 1)
    with_prior = any("prior(" in m.formula.replace(" ", "") for m in rubric.measures)
    extra = [f.id for f in cmap.figures if f.id not in needed and cmap.balance_sheet
             and f.id in (cmap.balance_sheet.assets, cmap.balance_sheet.liabilities,
                          cmap.balance_sheet.equity)]
    sel = select_with_opening(cf, cmap, needed + extra, as_of, period, with_prior)
    sel.missing = [(f, p) for f, p in sel.missing if f in needed]
    created = not case.exists()
    figures_path, sources_path = case / FIGURES_FILE, case / SOURCES_FILE
    if not created:
        if not (case / CASE_FILE).is_file():
            raise InputError([Problem(display_path(case / CASE_FILE), 0, 0, "",
                                      "no case file here: a case folder needs case.yaml")])
        _check_case_periods(case / CASE_FILE, sel, as_of)
        for path in (figures_path, case / RESTATEMENTS_FILE):
            hand = _hand_written(path)
            if hand and not replace:
                raise OutputError(f"{display_path(path)}: refused: it holds figures not "
                                  f"written by scoring facts import ({', '.join(hand[:5])}"
                                  f"{', ...' if len(hand) > 5 else ''}); pass --replace to "
                                  "replace them")
    else:
        new_case(case, rubric_path, as_of, cf.entity, periods=(sel.period, sel.prior),
                 rubric=rubric)
    inputs = RunInputs.of(files=[document, rubric_path, map_path, case / CASE_FILE])
    chosen = sel.chosen[sel.chosen.figure.isin(needed)]
    restated = replaced(sel, needed)
    filings = cited_filings(pd.concat([chosen[["doc", "cik", "accn", "form", "filed"]],
                                       restated[["doc", "cik", "accn", "form", "filed"]]]))
    snapshot = f"{SNAPSHOT_FOLDER}/CIK{cf.cik:010d}.json"
    existing = _existing_sources(sources_path)
    if created:  # the skeleton's example source is cited by nothing the import writes
        existing = [s for s in existing if (case / "evidence.yaml").exists()]
    write_atomic(case / snapshot, document.read_bytes(), inputs)
    write_atomic(sources_path, _sources_text(existing, filings, cf, snapshot), inputs)
    write_atomic(figures_path, _figures_text(sel, cf, needed, as_of, restated), inputs)
    if not restated.empty or (case / RESTATEMENTS_FILE).exists():
        write_atomic(case / RESTATEMENTS_FILE, _restatements_text(restated, cf), inputs)
    conflicts: list[Any] = list(sel.conflicts[sel.conflicts.figure.isin(needed)].itertuples())
    history: list[Any] = list(restated.itertuples())
    return FactsReport(
        document=cf.shown, case=display_path(case), created=created, as_of=as_of,
        period=sel.period, prior=sel.prior, written=len(chosen),
        filings=[f"{a} ({f} filed {d.isoformat()})" for a, f, d in
                 zip(filings.accn, filings.form, filings.filed, strict=True)],
        missing=sel.missing,
        conflicts=[f"{r.figure} {r.label}: took {r.concept_taken} = {r.value_taken:,.0f} "
                   f"(first in the map's order); {r.concept} reports {r.value:,.0f}"
                   for r in conflicts],
        restated=[f"{r.figure} {r.label}: {r.value:,.0f} in the {r.form} of "
                  f"{r.filed.isoformat()}, restated as {r.value_latest:,.0f} on "
                  f"{r.filed_latest.isoformat()} ({r.accn_latest})"
                  for r in history],
        checks=_balance_checks(sel, cmap))
