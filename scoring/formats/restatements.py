"""A case's restatements (``restatements.yaml``, docs/filings.md#restatements).

A reported figure holds one value per period: the one known at the case's as-of date. When a
later filing restated it, the values it replaced are kept beside it, each with the day it was
reported and its source, so that a history (``formats.history``) takes at each date the
value known then. The file is checked against the case's figures and sources, for every
entry at once:

* ``figure`` names a figure of ``figures.yaml``;
* ``observed`` is before that figure's own ``observed`` (the figure holds the latest value),
  and no two earlier values of one figure share a day;
* every citation names a source of ``sources.yaml`` (and its ``via`` too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Problem
from .evidence import Evidence
from .models import Restatement
from .yamlio import YamlDoc

RESTATEMENTS_FILE = "restatements.yaml"


def check_restatements(entries: tuple[Restatement, ...], case: int, evidence: Evidence,
                       doc: YamlDoc) -> list[Problem]:
    """The problems of case ``case``'s restatements against its figures and sources."""
    if not entries:
        return []
    figs = evidence.figures[evidence.figures["case"] == case]
    have = pd.Series(figs["observed"].to_numpy(), index=figs["id"].astype(str).to_numpy())
    sources = set(evidence.sources.loc[evidence.sources["case"] == case, "id"].astype(str))
    names = np.array([e.figure for e in entries], dtype=object)
    when = np.array([e.observed for e in entries], dtype="datetime64[D]")
    known = pd.Series(names).isin(have.index).to_numpy()
    current = pd.to_datetime(have.reindex(names)).to_numpy().astype("datetime64[D]")
    out = [doc.problem(("restatements", int(i), "figure"),
                       f"unknown figure {names[i]!r}: figures.yaml has no figure of that id")
           for i in np.flatnonzero(~known)]
    late = known & (when >= np.where(known, current, np.datetime64("NaT")))
    out += [doc.problem(("restatements", int(i), "observed"),
                        f"observed {when[i]} is not before the figure's own observed "
                        f"{current[i]}: a restatement keeps an earlier value, replaced by "
                        "the one figures.yaml holds")
            for i in np.flatnonzero(late)]
    again = pd.DataFrame({"f": names, "d": when}).duplicated().to_numpy()
    out += [doc.problem(("restatements", int(i), "observed"),
                        f"figure {names[i]} has two earlier values observed on {when[i]}")
            for i in np.flatnonzero(again)]
    for i, e in enumerate(entries):  # a few citations each; only the bad ones are named
        for j, ref in enumerate(e.sources):
            for field, name in (("source", ref.source), ("via", ref.via)):
                if name is not None and name not in sources:
                    out.append(doc.problem(("restatements", i, "sources", j, field),
                                           f"unknown source {name!r}"))
    return out
