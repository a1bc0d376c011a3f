"""``scoring new``: a commented case folder that validates and scores at once.

The files are built from the rubric (its factors, indicators, grades and figures) as text, so
that every field can carry a comment saying what it is (docs/formats.md). The draft values
are placeholders on purpose: one example source and one example item per factor (one figure
per rubric figure), to be replaced. Nothing is written into a folder that holds anything.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from ..display import display_path
from ..errors import OutputError
from ..formats.loader import load_rubric
from ..formats.models import (
    BandsMapping,
    CategoriesMapping,
    Factor,
    Indicator,
    LinearMapping,
    LogMapping,
    Rubric,
)
from ..output import RunInputs, make_folder, write_atomic

EXAMPLE_SOURCE = "EXAMPLE"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def case_id(folder: Path) -> str:
    """An *id* made from the folder's name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", folder.resolve().name).lstrip("_.-")[:80]
    return name or "case"


def _aligned(pairs: list[tuple[str, str]]) -> list[str]:
    """``field: value   # comment`` lines with the comments in one column."""
    width = min(max(len(text) for text, _ in pairs) + 2, 24)
    return [f"{text.ljust(width - 2)}  # {comment}" for text, comment in pairs]


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _mapping_words(ind: Indicator) -> str:
    m = ind.mapping
    if isinstance(m, CategoriesMapping):
        return "one of the labels " + ", ".join(_q(k) for k in m.categories)
    if isinstance(m, LinearMapping):
        return f"a number, mapped linearly from {m.input[0]}..{m.input[1]} to " \
               f"{m.output[0]}..{m.output[1]}"
    if isinstance(m, BandsMapping):
        return "a number, mapped by steps (below " + \
            ", ".join(_number(s.below) for s in m.steps if s.below is not None) + ")"
    return "a count or age (0 or more), on a log scale"


def _draft_value(factor: Factor, rubric: Rubric) -> str:
    if factor.indicators:
        m = factor.indicators[0].mapping
        if isinstance(m, CategoriesMapping):
            return _q(next(iter(m.categories)))
        if isinstance(m, LinearMapping):
            return _number(m.input[0])
        if isinstance(m, BandsMapping | LogMapping):
            return "0"
    lo, hi = rubric.scale.min, rubric.scale.max
    if lo is not None and hi is not None:
        return _number((lo + hi) / 2)
    return _number(lo if lo is not None else hi if hi is not None else 0)


def _case_text(cid: str, entity: str, as_of: dt.date, rubric_rel: str, rubric: Rubric,
               period: str | None, prior: str | None) -> str:
    lines = [
        "# The case: what is scored, on which date, by which rubric. Every field:",
        "# docs/formats.md#caseyaml. Run `scoring validate` on this folder after each edit.",
        *_aligned([
            (f"id: {cid}", "the case id: letters, digits, _ . - (no spaces)"),
            (f"entity: {_q(entity)}", "the company or asset scored"),
            ("ticker: null", "ticker symbol, for readers"),
            ("title: null", "a human title for the report"),
            (f"as_of: {as_of.isoformat()}",
             "the date the case is scored at; no source or item may be dated after it"),
            (f"rubric: {_q(rubric_rel)}",
             f"the rubric ({rubric.id} {rubric.version}), relative to this folder"),
            ("description: null", "free text: what the case is built from"),
            ("base_narrative: null", "what the base scenario (the case as sourced) stands for"),
        ]),
    ]
    if period is not None:
        lines.append(f"period: {_q(period)}   # the reporting period of figures.yaml")
    if prior is not None:
        lines.append(f"prior_period: {_q(prior)}   # the period prior(figure) reads")
    return "\n".join(lines) + "\n"


def _sources_text(as_of: dt.date, rubric: Rubric) -> str:
    grades = ", ".join(f"{g} ({_number(w)})" for g, w in rubric.reliability.items())
    weakest = min(rubric.reliability, key=lambda g: (rubric.reliability[g], g))
    return f"""\
# The documents the evidence cites (docs/formats.md#sourcesyaml). Replace the example;
# `scoring sources import DOCUMENT --case .` appends a document's numbered or bulleted
# source list here as drafts, and the document itself with its SHA-256.
sources:
  - id: {EXAMPLE_SOURCE}                  # the id items cite
    title: "Example source: replace me"  # the document's title, as written
    publisher: null              # who published it
    date: {as_of.isoformat()}             # publication date; not after the case's as_of
    language: en                 # the document's language (en, de, ja ...)
    kind: note                   # filing, news, blog, social_post, analyst_note ... (free text)
    {f"reliability: {_q(weakest)}".ljust(28)} # the grade: one of the rubric's {grades}
    url: null                    # where to find it
    cited_as: null               # how the original document cites it, e.g. "[3]"
    notes: null                  # free text, e.g. why this grade
    # snapshot: copy.txt         # a local copy (relative path) that `scoring verify` reads
    # sha256: ...                # the copy's SHA-256; verify fails if the file changes
"""


def _item_text(k: int, factor: Factor, rubric: Rubric, as_of: dt.date) -> str:
    strength = "high values mean less risk" if factor.polarity == "strength" else \
        "high values mean more risk"
    out = [f"  # Factor {_q(factor.name)} ({factor.id}): weight {_number(factor.weight)}, "
           f"polarity {factor.polarity} ({strength})."]
    for ind in factor.indicators:
        unit = f", {ind.unit}" if ind.unit else ""
        out.append(f"  #   indicator {ind.id} ({ind.name}{unit}): value is "
                   f"{_mapping_words(ind)}")
    lo, hi = rubric.scale.min, rubric.scale.max
    out.append(f"  #   without an indicator, value is a score on the scale "
               f"[{'open' if lo is None else _number(lo)}, "
               f"{'open' if hi is None else _number(hi)}]")
    first = k == 1
    first_ind = factor.indicators[0].id if factor.indicators else None

    def c(text: str) -> str:  # the field comments, on the first item only
        return f"   # {text}" if first else ""

    out += [
        f"  - id: E{k:02d}{c('the item id, unique in the file')}",
        f"    factor: {factor.id}{c('a factor id of the rubric')}",
        f"    indicator: {first_ind or 'null'}"
        f"{c('the indicator whose raw measurement value is; null: value is a score')}",
        f"    value: {_draft_value(factor, rubric)}{c('draft: replace with the value')}",
        f"    confidence: 0.5{c('how far the claim is believed: 0 (not at all) to 1 (fully)')}",
        f"    observed: {as_of.isoformat()}"
        f"{c('when the fact was observed; not after as_of')}",
        "    sources:" + c("each: a source id and where in it (page, section, paragraph)"),
        f"      - {{source: {EXAMPLE_SOURCE}, locator: \"p. 1\"}}",
        f"    claim: \"Draft: what the item asserts about {factor.name}.\""
        f"{c('the claim, in words')}",
        "    excerpt: null" + c("a short exact quote; `scoring excerpt CASE ITEM` finds it"),
    ]
    return "\n".join(out) + "\n"


def _evidence_text(rubric: Rubric, as_of: dt.date) -> str | None:
    factors = [f for f in rubric.factors if f.measure is None]
    if not factors:
        return None
    head = "# The evidence items (docs/formats.md#evidenceyaml): one draft item per factor " \
           "of the\n# rubric, to replace with sourced claims. Keep or remove them as you " \
           "go.\nitems:\n"
    return head + "".join(_item_text(k, f, rubric, as_of) for k, f in enumerate(factors, 1))


def _figures_text(rubric: Rubric, as_of: dt.date, periods: list[str]) -> str:
    out = ["# The reported figures the rubric's measures read (docs/formats.md#figuresyaml).",
           "# Draft values: replace each with the reported number and cite its source.",
           "figures:"]
    k = 0
    for p, period in enumerate(periods):
        for n, spec in enumerate(rubric.figures):
            k += 1
            unit = f"unit: {_q(spec.unit)}, " if spec.unit else ""
            out.append(f"  - {{id: F{k:02d}, figure: {spec.id}, period: {_q(period)}, "
                       f"value: {n + 2 + p}, {unit}observed: {as_of.isoformat()}, "
                       f"sources: [{{source: {EXAMPLE_SOURCE}, locator: \"p. 1\"}}], "
                       f"claim: {_q('Draft: ' + spec.name)}}}")
    return "\n".join(out) + "\n"


def _scenarios_text(rubric: Rubric) -> str:
    factor = rubric.factors[0].id
    return f"""\
# Scenarios: overlays on the case as sourced (docs/formats.md#scenariosyaml). base is
# always scored; each scenario here is base with its changes. An example, to uncomment:
#
# scenarios:
#   - id: bear
#     name: Bear case
#     narrative: What would have to be true for the risk to be higher.
#     changes:
#       - {{op: set_weight, factor: {factor}, weight: 2}}
#       - {{op: set_confidence, item: E01, confidence: 0.9}}
scenarios: []
"""


def new_case(folder: Path, rubric_path: Path, as_of: dt.date, entity: str | None = None,
             periods: tuple[str, str | None] | None = None, rubric: Rubric | None = None
             ) -> list[Path]:
    """Write a skeleton case for ``rubric_path`` into ``folder`` (absent or empty); return the
    files written. ``periods``: the case's period and prior period, when known (default:
    the years before as_of). ``rubric``: the rubric at ``rubric_path``, when the caller has
    read it already. Raises OutputError when the folder holds anything."""
    if rubric is None:
        rubric = load_rubric(rubric_path)
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir() or folder.is_symlink():
            raise OutputError(f"{display_path(folder)}: refused: not a folder")
        if any(folder.iterdir()):
            raise OutputError(f"{display_path(folder)}: refused: the folder is not empty; "
                              "scoring new writes only into a new or empty folder")
    inputs = RunInputs.of(files=[rubric_path])
    make_folder(folder, inputs)
    rel = Path(os.path.relpath(rubric_path.resolve(), folder.resolve())).as_posix()
    measured = bool(rubric.figures)
    prior = any("prior(" in m.formula.replace(" ", "") for m in rubric.measures)
    period = f"FY{as_of.year - 1}" if measured else None
    prior_period = f"FY{as_of.year - 2}" if measured and prior else None
    if measured and periods is not None:
        period, prior_period = periods[0], periods[1] if prior else None
    files = {
        "case.yaml": _case_text(case_id(folder), entity or case_id(folder), as_of, rel,
                                rubric, period, prior_period),
        "sources.yaml": _sources_text(as_of, rubric),
        "evidence.yaml": _evidence_text(rubric, as_of),
        "figures.yaml": _figures_text(rubric, as_of, [p for p in (period, prior_period) if p])
        if measured else None,
        "scenarios.yaml": _scenarios_text(rubric),
    }
    written = []
    for name, text in files.items():
        if text is not None:
            write_atomic(folder / name, text, inputs, overwrite=False)
            written.append(folder / name)
    return written
