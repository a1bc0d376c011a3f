"""What the case rests on, as the report lists it: the evidence items as sourced (with each
excerpt's verification), the reported figures and the rubric's measures of them, the
sources (with who cites each) and the scenarios' assumptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .numbers import Numbers, rubric_num
from .parts import Link, Num, SourceRefView

if TYPE_CHECKING:
    from ..analysis.verify import Verification

SAFE_SCHEMES = ("http", "https", "mailto")
TITLE_CHARS = 40  # a source's title beside its id is cut to this many characters


@dataclass(frozen=True)
class ItemView:
    id: str
    factor: str
    claim: str
    value: str
    indicator: str | None
    confidence: str
    observed: str
    excerpt: str | None
    sources: tuple[SourceRefView, ...]
    verification: str  # the excerpt's status in words (verified / unverifiable / FAILED / ...)


@dataclass(frozen=True)
class FigureView:
    """A reported figure of the case (``figure/<id>``)."""

    id: str
    figure: str
    name: str
    period: str
    value: Num
    unit: str | None
    observed: str
    claim: str | None
    excerpt: str | None
    sources: tuple[SourceRefView, ...]


@dataclass(frozen=True)
class MeasureView:
    """A measure of the rubric (``rubric/measure/<id>``), its value for the case and the
    factor it scores (whose row is ``item/<id>``)."""

    id: str
    name: str
    formula: str
    value: Num
    factor: Link | None


@dataclass(frozen=True)
class SourceView:
    id: str
    title: str
    title_en: str | None  # an English gloss of a title in another language
    age_days: int | None  # the case's as_of minus the source's date
    publisher: str | None
    date: str | None
    language: str
    kind: str
    reliability: str
    multiplier: Num
    url: str | None  # kept only when http, https or mailto
    url_text: str | None  # shown (not linked) when the scheme is not allowed
    cited_as: str | None
    notes: str | None
    cited_by: tuple[Link, ...]


@dataclass(frozen=True)
class AssumptionView:
    id: str
    scenario: str
    factor: str
    value: str
    claim: str
    rationale: str
    change: Link


def safe_url(url: str | None) -> str | None:
    """The URL if its scheme is http, https or mailto; None for anything else
    (javascript:, data:, file:, relative paths...)."""
    if not url:
        return None
    text = url.strip()
    if any(ord(ch) < 32 for ch in text):
        return None
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    return text if scheme in SAFE_SCHEMES else None


def short_title(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip() + "…"


def items(n: Numbers, verification: Verification | None) -> tuple[ItemView, ...]:
    titles = {s.id: s.title for s in n.case.sources}
    out = []
    for it in n.case.items:
        check = verification.status_of(it.id) if verification else None
        if not it.excerpt:
            status = "no excerpt"
        elif verification is None:
            status = "not checked in this run"
        elif check is None or check.status == "unverifiable":
            status = "unverifiable: no snapshot of a cited source at hand"
        elif check.status == "verified":
            status = f"verified in the snapshot of {', '.join(check.against)}"
        else:
            status = f"FAILED: not found in the snapshot of {', '.join(check.against)}"
        out.append(ItemView(
            it.id, it.factor, it.claim, str(it.value), it.indicator, str(it.confidence),
            str(it.observed), it.excerpt,
            tuple(SourceRefView(Link(f"source/{r.source}", r.source), r.locator,
                                short_title(titles.get(r.source, "")),
                                Link(f"source/{r.via}", r.via) if r.via else None)
                  for r in it.sources), status))
    return tuple(out)


def figures(n: Numbers) -> tuple[FigureView, ...]:
    names = {f.id: f.name for f in n.case.rubric.figures}
    figs, cites = n.case.evidence.figures, n.case.evidence.figure_refs
    out = []
    for k, (fid, fig, period, unit, observed, claim, excerpt) in enumerate(zip(
            figs["id"].tolist(), figs["figure"].tolist(), figs["period"].tolist(),
            figs["unit"].tolist(), figs["observed"].tolist(), figs["claim"].tolist(),
            figs["excerpt"].tolist(), strict=True)):
        mine = cites[cites["item"].to_numpy() == k]
        out.append(FigureView(
            fid, fig, names.get(fig, fig), period, n.num(f"figure/{fid}"), unit,
            observed, claim, excerpt,
            tuple(SourceRefView(Link(f"source/{s}", s), loc) for s, loc in zip(
                mine["source"].tolist(), mine["locator"].tolist(), strict=True))))
    return tuple(out)


def measures(n: Numbers) -> tuple[MeasureView, ...]:
    scores = {f.measure: f for f in n.case.rubric.factors if f.measure}
    return tuple(MeasureView(
        m.id, m.name, m.formula, n.num(f"measure/{m.id}"),
        Link(f"rubric/factor/{scores[m.id].id}", scores[m.id].name) if m.id in scores
        else None) for m in n.case.rubric.measures if f"measure/{m.id}" in n.trace)


def sources(n: Numbers) -> tuple[SourceView, ...]:
    cited: dict[str, list[str]] = {}
    for it in n.case.items:
        for sid in (x for r in it.sources for x in (r.source, r.via) if x):
            cited.setdefault(sid, [])
            if it.id not in cited[sid]:
                cited[sid].append(it.id)
    figs, cites = n.case.evidence.figures, n.case.evidence.figure_refs
    for k, s in zip(cites["item"].tolist(), cites["source"].tolist(), strict=True):
        rid = f"figure:{figs['id'].iloc[k]}"
        if rid not in cited.setdefault(s, []):
            cited[s].append(rid)
    out = []
    for s in n.case.sources:
        url = safe_url(s.url)
        out.append(SourceView(
            s.id, s.title, s.title_en,
            (n.case.meta.as_of - s.date).days if s.date else None,
            s.publisher, str(s.date) if s.date else None, s.language, s.kind,
            s.reliability, rubric_num(n.trace[f"rubric/reliability/{s.reliability}"]),
            url, None if url or not s.url else s.url, s.cited_as, s.notes,
            tuple(Link(f"figure/{i[7:]}", i[7:]) if i.startswith("figure:")
                  else Link(f"item/{i}", i) for i in cited.get(s.id, []))))
    return tuple(out)


def assumptions(n: Numbers) -> tuple[AssumptionView, ...]:
    out = []
    for sc in n.case.scenarios:
        for i, ch in enumerate(sc.changes):
            if ch.op == "assume":
                a = ch.item
                cid = f"{sc.id}/change/{i + 1}"
                out.append(AssumptionView(f"{sc.id}/assumption/{a.id}", sc.id, a.factor,
                                          str(a.value), a.claim, ch.rationale,
                                          Link(cid, cid)))
    return tuple(out)
