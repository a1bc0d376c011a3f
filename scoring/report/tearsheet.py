"""The PDF tear sheet: a memo of two to four pages for an investment committee.

It is a view of the report's page model (:class:`~scoring.report.model.ReportPage`): the
numbers are the report's :class:`Num` objects, picked and arranged here, never computed again.
The template (``templates/tearsheet.html``) only displays a :class:`TearSheet`; WeasyPrint (the
optional ``pdf`` extra) lays it out as a PDF, with the fonts embedded, no time recorded and an
identifier derived from the content, so that the same inputs give the same bytes.

Each number shows its trace id as a footnote of its page, the id a reviewer gives to
``scoring trace`` or looks up in the HTML report (``report.html#<id>``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import markupsafe

from ..display import text_width
from ..errors import ScoringError
from .findings import FindingsPanel, SignoffView
from .model import ReportPage
from .parts import Num
from .scenarios import ChangeView, ScenarioView
from .sourced import AssumptionView, SourceView

TITLE_WIDTH = 54  # columns of a source's title in the sources table (a CJK character: 2)
CLAIM_WIDTH = 150  # columns of an item's claim in the key-evidence table
INSTALL = "pip install 'rubric-risk-scoring[pdf]'"


@dataclass(frozen=True)
class Shown:
    """A number as the tear sheet shows it: the report's :class:`Num` and its tag, the
    footnote-style mark that leads to its trace id in the key below its section. One id has
    one tag throughout the sheet."""

    num: Num
    tag: int


Key = tuple[tuple[int, str], ...]  # (tag, trace id) of each number a section shows


@dataclass(frozen=True)
class ScenarioLine:
    """A scenario's row of the summary and its drivers."""

    id: str
    name: str
    narrative: str
    composite: Shown
    band: str
    margin: Shown | None  # distance to the nearest band edge
    nearest: str | None  # the band beyond that edge
    chances: tuple[tuple[str, Shown], ...]  # the Monte Carlo's share of draws per band
    coverage: Shown
    change_vs_base: Shown | None
    drivers: tuple[tuple[str, Shown], ...]


@dataclass(frozen=True)
class ShareLine:
    """One change of a scenario and its Shapley share of the change against base."""

    change: str  # the change's id, e.g. bear/change/3
    op: str
    summary: str
    share: Shown


@dataclass(frozen=True)
class Attribution:
    scenario: str
    name: str
    base: Shown  # base's composite
    composite: Shown
    total: Shown  # the change against base, which the shares add up to
    lines: tuple[ShareLine, ...]


@dataclass(frozen=True)
class FactorLine:
    """A factor: its rubric weight and, per scenario, its score and contribution."""

    id: str
    name: str
    weight: Shown
    cells: tuple[tuple[Shown, Shown, str], ...]  # per scenario (score, contribution, status)


@dataclass(frozen=True)
class SourceLine:
    id: str
    title: str  # shortened to TITLE_WIDTH columns
    title_en: str | None  # the English gloss, shortened alike
    language: str
    date: str | None
    grade: str
    multiplier: Shown
    cited_by: str


@dataclass(frozen=True)
class KeyItem:
    """An item the base composite leans on most (the report's items holding up the most
    points) with what it claims and its sources."""

    id: str
    factor: str
    claim: str
    observed: str  # empty for a measure
    at_stake: Shown
    sources: tuple[tuple[str, str], ...]  # (source id, its grade and date); none for a measure


@dataclass(frozen=True)
class TearSheet:
    title: str
    entity: str
    ticker: str | None
    case_id: str
    as_of: str
    rubric: str  # id and version
    rubric_title: str
    scale: str
    band_rule: str
    engine_version: str
    generated_at: str | None
    rubric_sha256: str
    scenarios: tuple[ScenarioLine, ...]
    summary_key: Key
    attributions: tuple[Attribution, ...]
    attribution_key: Key
    factors: tuple[FactorLine, ...]
    composites: tuple[tuple[Shown, str], ...]  # per scenario (composite, band)
    factor_key: Key
    key_items: tuple[KeyItem, ...]
    evidence_key: Key
    sources: tuple[SourceLine, ...]  # those the key evidence cites
    other_sources: int  # sources the key evidence does not cite (in the HTML report)
    source_key: Key
    assumptions: tuple[AssumptionView, ...]
    changes: tuple[tuple[str, tuple[ChangeView, ...]], ...]  # (scenario name, its changes)
    bundle_digest: str | None = None  # the inputs bundle's (attached to the PDF)
    findings: FindingsPanel | None = None  # the case's review findings: a line of counts
    signoffs: tuple[SignoffView, ...] = ()  # the case's sign-offs: signed off, stale, not valid


class _Tags:
    """Tags numbers in the order the sheet shows them, and lists each section's."""

    def __init__(self) -> None:
        self._tags: dict[str, int] = {}
        self._section: dict[str, int] = {}

    def __call__(self, n: Num) -> Shown:
        tag = self._tags.setdefault(n.id, len(self._tags) + 1)
        self._section.setdefault(n.id, tag)
        return Shown(n, tag)

    def key(self) -> Key:
        """The tags of the section just built, in order; the next section starts empty."""
        out = tuple(sorted((t, rid) for rid, t in self._section.items()))
        self._section = {}
        return out


# Pictographs (emoji) of the supplementary planes: print fonts have no glyph for them (they
# would show as empty boxes), and a short title or claim loses nothing without them.
_PICTOGRAPHS = re.compile("[\U0001F000-\U0001FAFF]\uFE0F?")


def shorten(text: str, width: int) -> str:
    """``text`` on one line without pictographs, cut to ``width`` columns (a wide CJK
    character counts 2) with an ellipsis when it is longer."""
    text = " ".join(_PICTOGRAPHS.sub("", text).split())
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = text_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


def build_tearsheet(page: ReportPage) -> TearSheet:
    """The tear sheet of a report page: the page's numbers, picked and arranged."""
    tag = _Tags()
    base = page.scenarios[0]
    scenarios = tuple(_scenario(sc, tag) for sc in page.scenarios)
    summary_key = tag.key()
    attributions = tuple(_attribution(base, sc, tag) for sc in page.scenarios if sc.attribution)
    attribution_key = tag.key()
    factors = _factors(page, tag)
    composites = tuple((tag(sc.composite), sc.band) for sc in page.scenarios)
    factor_key = tag.key()
    key_items = _key_items(page, base, tag)
    evidence_key = tag.key()
    # the sources of the key evidence (the HTML report lists every source): a memo of 2-4 pages
    cited = {sid for it in key_items for sid, _ in it.sources}
    sources = tuple(SourceLine(
        s.id, shorten(s.title, TITLE_WIDTH),
        shorten(s.title_en, TITLE_WIDTH) if s.title_en else None, s.language, s.date,
        s.reliability, tag(s.multiplier), ", ".join(x.text for x in s.cited_by))
        for s in page.sources if s.id in cited)
    return TearSheet(
        title=page.title, entity=page.entity, ticker=page.ticker, case_id=page.case_id,
        as_of=page.as_of, rubric=f"{page.rubric_id} {page.rubric_version}",
        rubric_title=page.rubric_title, scale=page.scale, band_rule=page.band_rule,
        engine_version=page.engine_version, generated_at=page.generated_at,
        bundle_digest=page.bundle.digest if page.bundle else None,
        rubric_sha256=page.rubric_sha256, scenarios=scenarios, summary_key=summary_key,
        attributions=attributions, attribution_key=attribution_key, factors=factors,
        composites=composites, factor_key=factor_key, key_items=key_items,
        evidence_key=evidence_key, sources=sources, source_key=tag.key(),
        other_sources=len(page.sources) - len(sources),
        assumptions=page.assumptions,
        changes=tuple((sc.name, sc.changes) for sc in page.scenarios if sc.changes),
        findings=page.findings, signoffs=page.signoffs,
    )


def _scenario(sc: ScenarioView, tag: _Tags) -> ScenarioLine:
    composite = tag(sc.composite)
    margin = tag(sc.margin) if sc.margin else None
    chances = tuple((band, tag(p)) for band, p in sc.chances)
    coverage = tag(sc.coverage)
    change = tag(sc.change_vs_base) if sc.change_vs_base else None
    return ScenarioLine(sc.id, sc.name, sc.narrative, composite, sc.band, margin, sc.nearest,
                        chances, coverage, change,
                        tuple((link.text, tag(n)) for link, n in sc.drivers))


def _attribution(base: ScenarioView, sc: ScenarioView, tag: _Tags) -> Attribution:
    summaries = {c.id: c.summary for c in sc.changes}
    assert sc.change_vs_base is not None  # a scenario with changes is not base
    return Attribution(
        sc.id, sc.name, tag(base.composite), tag(sc.composite), tag(sc.change_vs_base),
        tuple(ShareLine(r.change.text, r.op, summaries.get(r.change.text, "analyst overrides"),
                        tag(r.share)) for r in sc.attribution))


def _factors(page: ReportPage, tag: _Tags) -> tuple[FactorLine, ...]:
    rows = {sc.id: {f.id: f for f in sc.factors} for sc in page.scenarios}
    out = []
    for rf in page.rubric_factors:
        weight = tag(rf.weight)
        cells = tuple((tag(r.score), tag(r.contribution), r.status) for r in
                      (rows[sc.id][rf.id] for sc in page.scenarios))
        out.append(FactorLine(rf.id, rf.name, weight, cells))
    return tuple(out)


def _key_items(page: ReportPage, base: ScenarioView, tag: _Tags) -> tuple[KeyItem, ...]:
    if base.robustness is None:
        return ()
    items = {it.id: it for it in page.items}
    measures = {m.id: m for m in page.measures}
    sources = {s.id: s for s in page.sources}
    out = []
    for st in base.robustness.stakes:
        it = items.get(st.item.text)
        if it is None:  # a measure's row: its value is computed from reported figures
            m = measures[st.item.text]
            out.append(KeyItem(m.id, st.factor, shorten(f"measure {m.name}: {m.formula}",
                                                        CLAIM_WIDTH), "", tag(st.at_stake), ()))
            continue
        refs = tuple((r.source.text, _source_note(sources[r.source.text]))
                     for r in it.sources)
        out.append(KeyItem(it.id, st.factor, shorten(it.claim, CLAIM_WIDTH), it.observed,
                           tag(st.at_stake), refs))
    return tuple(out)


def _source_note(s: SourceView) -> str:
    return f"grade {s.reliability}, {s.date}" if s.date else f"grade {s.reliability}, undated"


def stylesheet() -> str:
    return (resources.files("scoring.report") / "templates" / "tearsheet.css").read_text(
        encoding="utf-8")


def render_html(sheet: TearSheet) -> str:
    """The tear sheet as the HTML WeasyPrint lays out."""
    from .html import render_page

    return render_page("tearsheet.html", sheet=sheet, css=markupsafe.Markup(stylesheet()))


def require_weasyprint() -> Any:
    """The ``weasyprint`` module, or a ScoringError saying how to install it."""
    try:
        import weasyprint
    except ImportError:
        raise ScoringError(f"the PDF tear sheet needs WeasyPrint, which is not installed: "
                           f"{INSTALL}") from None
    except OSError as exc:  # the module is there but Pango, its layout library, is not
        raise ScoringError(f"the PDF tear sheet needs WeasyPrint and the Pango library "
                           f"(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
                           f"then {INSTALL}): {exc}") from None
    return weasyprint


def url_fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
    """The tear sheet loads nothing: no image, font file or style sheet named in the inputs."""
    raise ValueError(f"the tear sheet loads nothing ({url!r})")


def render_pdf(page: ReportPage) -> bytes:
    """The tear sheet of ``page`` as PDF bytes: fonts embedded (subsets), no creation or
    modification time, the file identifier an MD5 of the content."""
    weasyprint = require_weasyprint()
    html = weasyprint.HTML(string=render_html(build_tearsheet(page)), url_fetcher=url_fetcher)
    attachments = []
    if page.bundle is not None:  # the inputs bundle as an attached file (docs/trust.md)
        from ..formats.bundle import PDF_ATTACHMENT

        day = dt.datetime.fromisoformat(page.as_of)  # a fixed time: the same bytes each run
        attachments.append(weasyprint.Attachment(
            string=page.bundle.data, name=PDF_ATTACHMENT, created=day, modified=day,
            description=f"scoring inputs bundle {page.bundle.digest} (zlib-compressed tar)"))
    pdf = html.write_pdf(pdf_identifier=True, attachments=attachments)
    assert isinstance(pdf, bytes)
    return pdf

