"""The Polish bankruptcy data set as a universe for ``scoring backtest`` (docs/backtest.md).

``python -m scoring.desk.polish ARFF OUT [--without-imputed]`` reads the UCI "Polish
companies bankruptcy data" (Tomczak 2016, CC BY 4.0; ``1year.arff``: 7,027 firms, 64 ratios
and the outcome) and writes the universe folder ``OUT``:

* ``cases.csv``: one case per data row (``PL00001`` is the first), scored by Altman's Z'
  (``rubrics/altman-z-prime-1983.yaml``);
* ``figures.csv``: the five ratios Z' needs, each a reported figure sourced to its row and
  column of the file (``1year.arff, data row 17 (line 83), Attr3``);
* ``sources.csv``: the data set, once per case (a universe's sources are per case);
* ``outcomes.csv``: each firm's outcome (1: bankrupt by the end of the forecasting period),
  sourced to the ``class`` column of its row;
* ``imputed.txt``: the cases with a filled-in ratio of Z' (below), one id a line, for
  ``scoring backtest --exclude``.

The data set gives no dates. The import dates every firm's figures at a nominal 2007-12-31
and its outcome at 2012-12-31, five years on (the data covers firms bankrupt 2000-2012 and
firms still operating 2007-2013, Zięba et al. 2016); both dates are the import's, not the
data's, and cases.csv says so. Values the copy filled in with a column's mean (see the data's
README) are recognised as a non-round value repeated at least ``REPEATS`` times in a column;
``--without-imputed`` leaves out the firms with such a value in a ratio Z' reads.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from collections import Counter
from pathlib import Path

from ..output import NO_INPUTS, RunInputs, make_folder, write_atomic

# Z' input -> (figure id of rubrics/altman-z-prime-1983.yaml, column of the ARFF file)
COLUMNS = (("wc_ta", "Attr3"), ("re_ta", "Attr6"), ("ebit_ta", "Attr7"), ("bve_tl", "Attr8"),
           ("sales_ta", "Attr9"))
AS_OF, OUTCOME_DATE, PERIOD = "2007-12-31", "2012-12-31", "Y1"
REPEATS = 10  # a non-round value this often in one column: filled in, not reported
SOURCE = ("TOMCZAK", "Polish companies bankruptcy data, 1st year (1year.arff)",
          "Tomczak, S. (2016), UCI Machine Learning Repository, dataset 365 (CC BY 4.0)",
          "", "en", "dataset", "C",
          "https://archive.ics.uci.edu/dataset/365/polish+companies+bankruptcy+data")
RUBRIC = "../../rubrics/altman-z-prime-1983.yaml"


class ArffError(ValueError):
    """The file is not the ARFF file this import reads."""


def read_arff(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The attribute names and the data rows (each with its line number) of an ARFF text."""
    attributes: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    lines = text.splitlines()
    data_at = None
    for n, line in enumerate(lines, start=1):
        head = line.strip().lower()
        if head.startswith("@attribute"):
            parts = line.split()
            if len(parts) < 3:
                raise ArffError(f"{name}:{n}: an @attribute line needs a name and a type")
            attributes.append(parts[1])
        elif head == "@data":
            data_at = n
            break
    if data_at is None:
        raise ArffError(f"{name}: no @data line: not an ARFF file")
    for n in range(data_at + 1, len(lines) + 1):
        line = lines[n - 1].strip()
        if not line or line.startswith("%"):
            continue
        cells = line.split(",")
        if len(cells) != len(attributes):
            raise ArffError(f"{name}:{n}: {len(cells)} values, {len(attributes)} attributes")
        rows.append((n, cells))
    return attributes, rows


def imputed(values: list[str]) -> set[str]:
    """The values of one column that are filled in: non-round (at least 5 significant
    digits) and repeated at least REPEATS times."""
    return {v for v, k in Counter(values).items()
            if k >= REPEATS and len(re.sub(r"[^0-9]", "", v).lstrip("0")) >= 5}


def universe_tables(text: str, name: str, without_imputed: bool = False
                    ) -> tuple[dict[str, str], int, int]:
    """The universe's files (name -> CSV text), the number of firms kept and the number of
    firms with a filled-in ratio (left out with ``without_imputed``)."""
    attributes, rows = read_arff(text, name)
    where = {a: k for k, a in enumerate(attributes)}
    missing = [c for _, c in COLUMNS if c not in where] + [c for c in ("class",)
                                                          if c not in where]
    if missing:
        raise ArffError(f"{name}: no attribute {', '.join(missing)}")
    filled = {c: imputed([cells[where[c]] for _, cells in rows]) for _, c in COLUMNS}
    out = {k: io.StringIO() for k in ("cases", "sources", "figures", "outcomes")}
    w = {k: csv.writer(v, lineterminator="\n") for k, v in out.items()}
    w["cases"].writerow(["id", "entity", "as_of", "rubric", "period", "description"])
    w["sources"].writerow(["case", "id", "title", "publisher", "date", "language", "kind",
                           "reliability", "url"])
    # The data set was published in 2016; the ratios are of statements of the firms' first
    # forecasting year. The source is left undated so that no date after as_of is claimed.
    w["figures"].writerow(["case", "id", "figure", "period", "value", "unit", "observed",
                           "source", "locator"])
    w["outcomes"].writerow(["case", "outcome", "observed", "source", "locator"])
    kept = flagged = 0
    listed = io.StringIO()
    listed.write("# The cases with a filled-in (imputed) ratio of Z' (docs/backtest.md):\n"
                 "# scoring backtest --exclude reads this file.\n")
    for k, (line, cells) in enumerate(rows, start=1):
        bad = [c for _, c in COLUMNS if cells[where[c]] in filled[c]]
        flagged += bool(bad)
        if bad and without_imputed:
            continue
        outcome = cells[where["class"]].strip("'\"")
        if outcome not in ("0", "1"):
            raise ArffError(f"{name}:{line}: class is {outcome!r}, not 0 or 1")
        case = f"PL{k:05d}"
        kept += 1
        if bad:
            listed.write(case + "\n")
        w["cases"].writerow([case, f"Polish manufacturing company {k}", AS_OF, RUBRIC, PERIOD,
                             f"Data row {k} of {name}. The data set gives no dates: as_of is "
                             "the import's nominal date, not the data's."
                             + (f" Filled-in (imputed) value in {', '.join(bad)}." if bad
                                else "")])
        w["sources"].writerow([case, *SOURCE])
        for figure, column in COLUMNS:
            value = cells[where[column]]
            if value == "?":  # a missing ratio: not reported (the factor is left out)
                continue
            w["figures"].writerow([case, f"F_{figure}", figure, PERIOD, value, "ratio", AS_OF,
                                   SOURCE[0], f"{name}, data row {k} (line {line}), {column}"])
        w["outcomes"].writerow([case, outcome, OUTCOME_DATE, SOURCE[0],
                                f"{name}, data row {k} (line {line}), class"])
    files = {f"{k}.csv": v.getvalue() for k, v in out.items()}
    files["imputed.txt"] = listed.getvalue()
    # Scored by measures alone: no evidence items, an evidence table of its header only.
    files["evidence.csv"] = ("case,id,factor,indicator,value,confidence,observed,claim,source,"
                             "locator\n")
    return files, kept, flagged


def write_universe(arff: Path, folder: Path, without_imputed: bool = False,
                   read: RunInputs = NO_INPUTS) -> tuple[int, int]:
    """Write the universe of ``arff`` into ``folder``; (firms written, firms with a
    filled-in ratio)."""
    text = arff.read_text(encoding="utf-8")
    files, kept, flagged = universe_tables(text, arff.name, without_imputed)
    read = RunInputs.of([arff])
    make_folder(folder, read)
    for name, body in files.items():
        write_atomic(folder / name, body, read)
    return kept, flagged


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scoring.desk.polish",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("arff", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--without-imputed", action="store_true",
                        help="leave out the firms with a filled-in ratio of Z'")
    args = parser.parse_args(argv)
    kept, flagged = write_universe(args.arff, args.out, args.without_imputed)
    print(f"wrote {args.out}: {kept} firms ({flagged} with a filled-in ratio of Z'"
          f"{', left out' if args.without_imputed else ''})")


if __name__ == "__main__":
    main()
