"""The workbook a reviewer can recompute: ``scoring export CASE --format xlsx`` (docs/workbook.md).

The inputs of the method (the rubric's weights, polarities, grades, bands and gates; the
sources; the evidence items; the scenarios' changes) are input cells, and every step of the
method over them is a live spreadsheet formula: effective weights, decay, risk values, factor
scores, missing-evidence policies, normalised weights, contributions, composites, gates,
bands and coverage. Nothing here computes the method: the frames of a scored
:class:`~scoring.analysis.result.Result` decide only which rows exist, which cells are inputs
(a value a scenario sets) and the cached value each formula shows before a spreadsheet
recalculates. The tests evaluate the formulas with an independent evaluator and match them
to the engine.

Each row carries the trace id of its numbers (``bear/factor/trust_issues``; a cell's id is the
row's id, ``/`` and the column's header), so a workbook number and a report number can be
matched. Text from the inputs (claims, titles, links) is hostile: it is only ever written as a
string (``write_string``), never as something a spreadsheet would run as a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis.result import Result
from ..display import visible_marks
from ..errors import ScoringError
from ..formats.bundle import Bundle
from ..method.kernel import BASE

INSTALL = "pip install 'rubric-risk-scoring[xlsx]'"
UNSUPPORTED = "not supported in the workbook yet"


def require_xlsxwriter() -> Any:
    """The ``xlsxwriter`` module, or a ScoringError saying how to install it."""
    try:
        import xlsxwriter
    except ImportError:
        raise ScoringError(f"the workbook needs XlsxWriter, which is not installed: "
                           f"{INSTALL}") from None
    return xlsxwriter


def check_supported(result: Result) -> None:
    """Raise a ScoringError naming what of this case the workbook cannot show yet."""
    rubric, case = result.case.rubric, result.case
    what = []
    if rubric.composite == "points":
        what.append("a points composite")
    if any(f.measure is not None for f in rubric.factors):
        what.append("measures")
    if rubric.scale.min is None or rubric.scale.max is None:
        what.append("a scale open at an end")
    if case.meta.overrides or any(s.overrides for s in case.scenarios):
        what.append("overrides")
    if what:
        raise ScoringError(f"case {case.meta.id}: {', '.join(what)}: {UNSUPPORTED} "
                           f"(docs/workbook.md)")


def cell(row: int, col: int, sheet: str | None = None, absolute: bool = True) -> str:
    """An A1 reference to the 0-based ``row`` and ``col``, on ``sheet`` when given."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    ref = str(xl_rowcol_to_cell(row, col, absolute, absolute))
    return f"{sheet}!{ref}" if sheet else ref


def span(first: int, last: int, col: int, sheet: str) -> str:
    """A column range ``sheet!$C$5:$C$9`` over 0-based rows ``first`` to ``last``."""
    return f"{cell(first, col, sheet)}:{cell(last, col)}"


@dataclass
class Styles:
    """The workbook's few formats: inputs are shaded, formulas are not."""

    head: Any
    text: Any
    wrap: Any
    date: Any
    input_num: Any
    input_text: Any
    input_date: Any
    points: Any
    fraction: Any
    percent: Any
    count: Any
    title: Any

    @classmethod
    def of(cls, wb: Any) -> Styles:
        shade = {"bg_color": "#FFF2CC"}
        return cls(
            head=wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
            text=wb.add_format({"valign": "top"}),
            wrap=wb.add_format({"text_wrap": True, "valign": "top"}),
            date=wb.add_format({"num_format": "yyyy-mm-dd"}),
            input_num=wb.add_format({**shade, "num_format": "0.0000"}),
            input_text=wb.add_format(shade),
            input_date=wb.add_format({**shade, "num_format": "yyyy-mm-dd"}),
            points=wb.add_format({"num_format": "0.00"}),
            fraction=wb.add_format({"num_format": "0.0000"}),
            percent=wb.add_format({"num_format": "0.0%"}),
            count=wb.add_format({"num_format": "0"}),
            title=wb.add_format({"bold": True, "font_size": 14}),
        )


def _put(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """An input value: a number as a number, anything else as text (never a formula)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, str(value).lower(), fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


@functools.cache
def _sheet_class() -> Any:
    """The workbook's worksheets: XlsxWriter's, with every text cell and every formula's
    cached text shown as the pages show it (``display.visible_marks``: a bidi override or
    isolate as a visible, inert ``[U+202E]``), in the one place all text reaches a sheet."""
    from xlsxwriter.worksheet import Worksheet

    class Sheet(Worksheet):  # type: ignore[misc]
        def write_string(self, row: int, col: int, string: str,
                         cell_format: Any = None) -> Any:
            return super().write_string(row, col, visible_marks(string), cell_format)

        def write_formula(self, row: int, col: int, formula: str, cell_format: Any = None,
                          value: Any = 0) -> Any:
            shown = visible_marks(value) if isinstance(value, str) else value
            return super().write_formula(row, col, formula, cell_format, shown)

    return Sheet


def _header(ws: Any, row: int, names: Sequence[str], style: Any) -> None:
    for col, name in enumerate(names):
        ws.write_string(row, col, name, style)


def _date(text: Any) -> dt.date:
    return text if isinstance(text, dt.date) else dt.date.fromisoformat(str(text))


def _cached(value: Any) -> Any:
    """A frame's value as a formula's cached result (what a reader that does not
    recalculate shows)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


class Workbook:
    """Writes one case's workbook; each ``_sheet`` method lays out one sheet and records
    where its cells are, for the formulas of the sheets after it."""

    def __init__(self, result: Result, bundle: Bundle | None = None) -> None:
        self.result = result
        self.bundle = bundle
        self.rubric = result.case.rubric
        self.factor_ids = [f.id for f in self.rubric.factors]
        self.scenarios = result.scenario_ids
        self.buf = io.BytesIO()
        xlsxwriter = require_xlsxwriter()
        self.wb = xlsxwriter.Workbook(self.buf, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False})
        as_of = _date(result.case.meta.as_of)
        # A fixed creation time (the case's as-of date): the same case gives the same bytes.
        self.wb.set_properties({"title": f"{result.case.meta.id}: recomputable scores",
                                "created": dt.datetime(as_of.year, as_of.month, as_of.day),
                                "comments": "Written by scoring export --format xlsx"})
        self.st = Styles.of(self.wb)
        sheet = _sheet_class()
        self.summary = self.wb.add_worksheet("Summary", sheet)
        self.sheets = {name: self.wb.add_worksheet(name, sheet) for name in (
            "Rubric", "Sources", "Evidence", "Changes", "Items", "Factors", "Scenarios")}

    def render(self) -> bytes:
        self._rubric()
        self._sources()
        self._evidence()
        self._changes()
        self._items()
        self._factors()
        self._scenarios()
        self._summary()
        if self.bundle is not None:
            self._bundle(self.bundle)
        self.wb.close()
        return self.buf.getvalue()

    def _bundle(self, bundle: Bundle) -> None:
        """The inputs bundle (docs/trust.md) in a hidden sheet: A1 its digest, then its
        base64 text a cell at a time (a cell holds at most 32 767 characters)."""
        from ..formats.bundle import XLSX_CHUNK, XLSX_SHEET

        ws = self.wb.add_worksheet(XLSX_SHEET)
        ws.write_string(0, 0, bundle.digest)
        text = bundle.text
        for k in range(0, len(text), XLSX_CHUNK):
            ws.write_string(1 + k // XLSX_CHUNK, 0, text[k:k + XLSX_CHUNK])
        ws.hide()

    # ------------------------------------------------------------------ inputs: the rubric
    def _rubric(self) -> None:
        ws, st, r = self.sheets["Rubric"], self.st, self.rubric
        ws.write_string(0, 0, f"Rubric {r.id} {r.version}: {r.title}", st.title)
        ws.write_string(1, 0, "Shaded cells are inputs: change one and every dependent "
                              "number recomputes.", st.text)
        as_of = _date(self.result.case.meta.as_of)
        scalars: list[tuple[str, Any]] = [
            ("scale_min", r.scale.lo), ("scale_max", r.scale.hi),
            ("half_life_days", r.half_life_days), ("as_of", as_of),
            ("max_age_days", r.max_age_days), ("stale", r.stale),
            ("min_coverage", r.min_coverage), ("composite", r.composite),
            ("band_edge", r.band_edge), ("assumption_grade", r.assumption_grade)]
        _header(ws, 3, ["setting", "value", "note"], st.head)
        self.at: dict[str, str] = {}
        notes = {"half_life_days": "empty: no decay", "max_age_days": "empty: nothing is stale",
                 "min_coverage": "empty: no coverage floor"}
        for k, (name, value) in enumerate(scalars):
            row = 4 + k
            ws.write_string(row, 0, name, st.text)
            fmt = st.input_date if name == "as_of" else (
                st.input_num if isinstance(value, int | float) else st.input_text)
            _put(ws, row, 1, value, fmt)
            if name in notes:
                ws.write_string(row, 2, notes[name], st.text)
            self.at[name] = cell(row, 1, "Rubric")
        row = 4 + len(scalars) + 1
        row = self._grades(ws, row)
        row = self._bands(ws, row)
        row = self._factor_table(ws, row)
        row = self._gates(ws, row)
        self._mappings(ws, row)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 9, 14)

    def _grades(self, ws: Any, row: int) -> int:
        st = self.st
        _header(ws, row, ["grade", "reliability", "trace id"], st.head)
        grades = list(self.rubric.reliability.items())
        for k, (grade, mult) in enumerate(grades):
            ws.write_string(row + 1 + k, 0, grade, st.text)
            ws.write_number(row + 1 + k, 1, float(mult), st.input_num)
            ws.write_string(row + 1 + k, 2, f"rubric/reliability/{grade}", st.text)
        self.grade_names = span(row + 1, row + len(grades), 0, "Rubric")
        self.grade_values = span(row + 1, row + len(grades), 1, "Rubric")
        return row + len(grades) + 2

    def _bands(self, ws: Any, row: int) -> int:
        st = self.st
        _header(ws, row, ["band", "min", "max", "description"], st.head)
        bands = self.rubric.bands
        for k, band in enumerate(bands):
            ws.write_string(row + 1 + k, 0, band.name, st.text)
            _put(ws, row + 1 + k, 1, band.min, st.input_num)
            _put(ws, row + 1 + k, 2, band.max, st.input_num)
            ws.write_string(row + 1 + k, 3, band.description or "", st.text)
        self.n_bands = len(bands)
        self.band_names = span(row + 1, row + len(bands), 0, "Rubric")
        # the bands' starts after the first: a composite's band is 1 + how many it reaches
        self.band_starts = span(row + 2, row + len(bands), 1, "Rubric") if len(bands) > 1 \
            else None
        return row + len(bands) + 2

    def _factor_table(self, ws: Any, row: int) -> int:
        st = self.st
        _header(ws, row, ["factor", "name", "weight", "polarity", "aggregation", "missing",
                          "impute", "trace id"], st.head)
        self.factor_row: dict[str, int] = {}
        for k, f in enumerate(self.rubric.factors):
            at = row + 1 + k
            self.factor_row[f.id] = at
            ws.write_string(at, 0, f.id, st.text)
            ws.write_string(at, 1, f.name, st.text)
            ws.write_number(at, 2, float(f.weight), st.input_num)
            ws.write_string(at, 3, f.polarity, st.input_text)
            ws.write_string(at, 4, f.aggregation, st.input_text)
            ws.write_string(at, 5, "exclude" if f.impute is None else "impute", st.input_text)
            _put(ws, at, 6, f.impute, st.input_num)
            ws.write_string(at, 7, f"rubric/factor/{f.id}", st.text)
        n = len(self.rubric.factors)
        self.factor_ids_span = span(row + 1, row + n, 0, "Rubric")
        return row + n + 2

    def _gates(self, ws: Any, row: int) -> int:
        st = self.st
        cols = ["at_least", "at_most", "composite_at_least", "composite_at_most",
                "band_at_least", "band_at_most", "band"]
        _header(ws, row, ["gate", "factor", *cols, "description"], st.head)
        self.gate_cells: list[dict[str, str]] = []
        for k, g in enumerate(self.rubric.gates):
            at = row + 1 + k
            ws.write_string(at, 0, g.id, st.text)
            ws.write_string(at, 1, g.when.factor, st.text)
            values = [g.when.at_least, g.when.at_most, g.then.composite_at_least,
                      g.then.composite_at_most, g.then.band_at_least, g.then.band_at_most,
                      g.then.band]
            refs = {}
            for j, (name, value) in enumerate(zip(cols, values, strict=True)):
                style = st.input_text if name.startswith("band") else st.input_num
                _put(ws, at, 2 + j, value, style)
                if value is not None:
                    refs[name] = cell(at, 2 + j, "Rubric")
            ws.write_string(at, 2 + len(cols), g.description or "", st.text)
            self.gate_cells.append(refs)
        return row + len(self.rubric.gates) + 2

    def _mappings(self, ws: Any, row: int) -> None:
        """Indicator mappings: a linear mapping's ends and a categories mapping's labels are
        input cells that the item scores read; other mappings (bands, log) are applied by
        the engine and their mapped scores are input cells on the Items sheet."""
        st = self.st
        _header(ws, row, ["indicator", "mapping", "input_lo", "input_hi", "output_a",
                          "output_b", "clamp"], st.head)
        self.linear: dict[str, dict[str, str]] = {}
        self.category_keys: list[tuple[str, str, float]] = []
        self.other_mapping: set[str] = set()
        at = row + 1
        for f in self.rubric.factors:
            for ind in f.indicators:
                m = ind.mapping
                ws.write_string(at, 0, ind.id, st.text)
                ws.write_string(at, 1, m.type, st.text)
                if m.type == "linear":
                    ends = [m.input[0], m.input[1], m.output[0], m.output[1]]
                    for j, v in enumerate(ends):
                        ws.write_number(at, 2 + j, float(v), st.input_num)
                    ws.write_string(at, 6, "true" if m.clamp else "false", st.text)
                    self.linear[ind.id] = {
                        "clamp": "1" if m.clamp else "",
                        **{name: cell(at, 2 + j, "Rubric") for j, name in
                           enumerate(("lo", "hi", "a", "b"))}}
                elif m.type == "categories":
                    self.category_keys += [(ind.id, str(k), float(v))
                                           for k, v in m.categories.items()]
                    ws.write_string(at, 2, "labels below", st.text)
                else:
                    self.other_mapping.add(ind.id)
                    ws.write_string(at, 2, "applied by the engine: the mapped score is an "
                                           "input on the Items sheet", st.text)
                at += 1
        at += 1
        _header(ws, at, ["indicator|label", "score"], st.head)
        first = at + 1
        for k, (ind_id, label, score) in enumerate(self.category_keys):
            ws.write_string(first + k, 0, f"{ind_id}|{label}", st.text)
            ws.write_number(first + k, 1, score, st.input_num)
        last = max(first, first + len(self.category_keys) - 1)
        self.category_span = (span(first, last, 0, "Rubric"), span(first, last, 1, "Rubric"))

    # ------------------------------------------------------------------ inputs: sources
    def _sources(self) -> None:
        ws, st = self.sheets["Sources"], self.st
        cols = ["id", "title", "publisher", "date", "kind", "reliability", "url", "trace id"]
        _header(ws, 0, cols, st.head)
        src = self.result.case.evidence.sources
        for k, rec in enumerate(src.to_dict("records")):
            for j, name in enumerate(cols[:-1]):
                value = rec.get(name if name != "reliability" else "reliability")
                _put(ws, 1 + k, j, None if value is None or value is pd.NA else str(value),
                     st.text)
            ws.write_string(1 + k, len(cols) - 1, f"source/{rec['id']}", st.text)
        ws.set_column(1, 1, 60)
        ws.set_column(6, 6, 40)

    # ------------------------------------------------------------------ inputs: evidence
    EVIDENCE = ["item", "factor", "indicator", "value", "confidence", "grade", "best_source",
                "via", "observed", "claim"]

    def _evidence(self) -> None:
        """The case's items as sourced (the base scenario's rows): the inputs the Items
        sheet reads for every scenario that does not change them."""
        ws, st = self.sheets["Evidence"], self.st
        _header(ws, 0, [*self.EVIDENCE, "trace id"], st.head)
        ev = self.result.case.evidence.items.set_index("id")
        items = self.result.frames.items
        base = items[items["scenario"] == BASE]
        self.evidence_row: dict[str, int] = {}
        for k, rec in enumerate(base.to_dict("records")):
            row = 1 + k
            self.evidence_row[str(rec["item"])] = row
            claim = ev["claim"].get(rec["item"], "") if rec["item"] in ev.index else ""
            values = [rec["item"], rec["factor"], rec["indicator"], rec["value"],
                      rec["confidence"], rec["grade"], rec["best_source"], rec["best_via"],
                      _date(rec["observed"]), claim]
            styles = [st.text, st.text, st.text, st.input_num, st.input_num, st.input_text,
                      st.text, st.text, st.input_date, st.wrap]
            for j, (value, style) in enumerate(zip(values, styles, strict=True)):
                _put(ws, row, j, None if value is pd.NA else value, style)
            ws.write_string(row, len(values), f"item/{rec['item']}", st.text)
        ws.set_column(0, 8, 13)
        ws.set_column(9, 9, 80)

    # ------------------------------------------------------------------ inputs: changes
    def _changes(self) -> None:
        ws, st = self.sheets["Changes"], self.st
        _header(ws, 0, ["change", "scenario", "op", "factor or item", "parameter",
                        "rationale"], st.head)
        row = 1
        for sc in self.result.case.scenarios:
            for k, ch in enumerate(sc.changes, start=1):
                target = getattr(ch, "factor", None) or getattr(ch, "item", None)
                if ch.op == "assume":
                    target = ch.item.id
                param = next((f"{name} {getattr(ch, name)}" for name in
                              ("weight", "value", "by", "confidence")
                              if getattr(ch, name, None) is not None), "")
                if ch.op == "assume":
                    param = f"factor {ch.item.factor}, value {ch.item.value}, " \
                            f"confidence {ch.item.confidence}"
                for j, text in enumerate([f"{sc.id}/change/{k}", sc.id, ch.op, str(target),
                                          param, ch.rationale]):
                    ws.write_string(row, j, text, st.wrap if j == 5 else st.text)
                row += 1
        ws.set_column(0, 4, 18)
        ws.set_column(5, 5, 80)

    # ------------------------------------------------------------------ calculation: items
    ITEMS = ["trace id", "scenario", "item", "factor", "indicator", "changes", "value",
             "score", "confidence", "grade", "reliability", "observed", "age_days", "decay",
             "kept", "effective_weight", "risk_value", "assumption", "counted_risk"]

    def _items(self) -> None:
        """One row per scenario and item (after the scenario's changes), grouped by
        scenario and factor so that a factor's items are one range of rows."""
        ws, st = self.sheets["Items"], self.st
        _header(ws, 0, self.ITEMS, st.head)
        c = {name: k for k, name in enumerate(self.ITEMS)}
        items = self.result.frames.items
        order = {f: k for k, f in enumerate(self.factor_ids)}
        items = items.assign(_s=items["scenario"].map(
            {s: k for k, s in enumerate(self.scenarios)}).astype(int),
            _f=items["factor"].astype(str).map(order), _r=range(len(items)))
        items = items.sort_values(["_s", "_f", "_r"], kind="stable")
        self.item_rows: dict[tuple[str, str], tuple[int, int]] = {}
        row = 1
        for rec in items.to_dict("records"):
            key = (str(rec["scenario"]), str(rec["factor"]))
            first, _ = self.item_rows.get(key, (row, row))
            self.item_rows[key] = (first, row)
            self._item_row(ws, row, rec, c)
            row += 1
        ws.freeze_panes(1, 3)
        ws.set_column(0, 0, 26)
        ws.set_column(1, len(self.ITEMS) - 1, 12)

    def _item_row(self, ws: Any, row: int, rec: dict[Any, Any], c: dict[str, int]) -> None:
        st = self.st
        scenario, item = str(rec["scenario"]), str(rec["item"])
        ind = rec["indicator"] if isinstance(rec["indicator"], str) else None
        changes = [*rec["value_changes"], *rec["confidence_changes"]]
        ws.write_string(row, c["trace id"], f"{scenario}/item/{item}", st.text)
        for name in ("scenario", "item", "factor"):
            ws.write_string(row, c[name], str(rec[name]), st.text)
        ws.write_string(row, c["indicator"], ind or "", st.text)
        ws.write_string(row, c["changes"], ", ".join(dict.fromkeys(changes)), st.text)
        ev = self.evidence_row.get(item) if not rec["assumption"] else None

        def from_evidence(name: str, col: str, changed: bool, value: Any, style: Any,
                          number: Any) -> None:
            if ev is not None and not changed:
                ws.write_formula(row, c[col], f"=Evidence!{cell(ev, self.EVIDENCE.index(name))}",
                                 number, _cached(value))
            else:
                _put(ws, row, c[col], value, style)

        from_evidence("value", "value", bool(rec["value_changes"]), rec["value"], st.input_num,
                      None)
        from_evidence("confidence", "confidence", bool(rec["confidence_changes"]),
                      rec["confidence"], st.input_num, st.fraction)
        from_evidence("grade", "grade", False, rec["grade"], st.input_text, None)
        from_evidence("observed", "observed", False, _date(rec["observed"]), st.input_date,
                      st.date)
        r = {name: cell(row, k, absolute=False) for name, k in c.items()}
        score = self._score_formula(ind, r)
        if score is None:  # a mapping the engine applies: its score is an input
            ws.write_number(row, c["score"], float(rec["score"]), st.input_num)
        else:
            ws.write_formula(row, c["score"], score, st.points, _cached(rec["score"]))
        at = self.at
        f = self.factor_row[str(rec["factor"])]
        polarity = cell(f, 3, "Rubric")
        formulas = {
            "reliability": (f"=INDEX({self.grade_values},MATCH({r['grade']},"
                            f"{self.grade_names},0))", st.fraction),
            "age_days": (f"={at['as_of']}-{r['observed']}", st.count),
            "decay": (f'=IF({at["half_life_days"]}="",1,0.5^({r["age_days"]}/'
                      f'{at["half_life_days"]}))', st.fraction),
            "kept": (f'=IF(AND({at["max_age_days"]}<>"",{at["stale"]}="exclude",'
                     f'{r["age_days"]}>N({at["max_age_days"]})),0,1)', st.count),
            "effective_weight": (f"={r['confidence']}*{r['reliability']}*{r['decay']}*"
                                 f"{r['kept']}", st.fraction),
            "risk_value": (f'=IF({polarity}="strength",{at["scale_min"]}+{at["scale_max"]}-'
                           f'{r["score"]},{r["score"]})', st.points),
            "counted_risk": (f'=IF({r["effective_weight"]}>0,{r["risk_value"]},"")', st.points),
        }
        for name, (formula, style) in formulas.items():
            value = rec.get(name) if name != "counted_risk" else (
                rec["risk_value"] if rec["effective_weight"] > 0 else "")
            ws.write_formula(row, c[name], formula, style, _cached(value))
        ws.write_number(row, c["assumption"], 1.0 if rec["assumption"] else 0.0, st.count)

    def _score_formula(self, ind: str | None, r: dict[str, str]) -> str | None:
        """The item score from its value: the value itself, a linear mapping over the
        Rubric sheet's ends, a categories lookup; None for a mapping the engine applies."""
        if ind is None:
            return f"={r['value']}"
        if ind in self.linear:
            m = self.linear[ind]
            t = f"({r['value']}-{m['lo']})/({m['hi']}-{m['lo']})"
            if m["clamp"]:
                t = f"MAX(0,MIN(1,{t}))"
            return f"={m['a']}+{t}*({m['b']}-{m['a']})"
        if ind in self.other_mapping:
            return None
        keys, scores = self.category_span
        return f'=INDEX({scores},MATCH({r["indicator"]}&"|"&{r["value"]},{keys},0))'

    # ------------------------------------------------------------------ calculation: factors
    FACTORS = ["trace id", "scenario", "factor", "change", "weight", "n_items", "total_weight",
               "has_evidence", "has_sourced_evidence", "aggregation", "missing", "score",
               "included", "imputed", "normalised_weight", "contribution"]

    def _factors(self) -> None:
        ws, st = self.sheets["Factors"], self.st
        _header(ws, 0, self.FACTORS, st.head)
        c = {name: k for k, name in enumerate(self.FACTORS)}
        fac = self.result.frames.factors
        rows = {(str(s), str(f)): rec for s, f, rec in
                zip(fac["scenario"], fac["factor"], fac.to_dict("records"), strict=True)}
        self.factor_cells: dict[tuple[str, str], int] = {}
        self.scenario_factor_rows: dict[str, tuple[int, int]] = {}
        row = 1
        for sc in self.scenarios:
            first = row
            for f in self.factor_ids:
                self.factor_cells[(sc, f)] = row
                row += 1
            self.scenario_factor_rows[sc] = (first, row - 1)
            for f in self.factor_ids:
                self._factor_row(ws, self.factor_cells[(sc, f)], sc, f, rows[(sc, f)], c)
        ws.freeze_panes(1, 3)
        ws.set_column(0, 0, 34)
        ws.set_column(1, len(self.FACTORS) - 1, 13)

    def _factor_row(self, ws: Any, row: int, sc: str, f: str, rec: dict[Any, Any],
                    c: dict[str, int]) -> None:
        st = self.st
        r = {name: cell(row, k, absolute=False) for name, k in c.items()}
        ws.write_string(row, c["trace id"], f"{sc}/factor/{f}", st.text)
        ws.write_string(row, c["scenario"], sc, st.text)
        ws.write_string(row, c["factor"], f, st.text)
        fr = self.factor_row[f]
        change = rec["weight_change"] if isinstance(rec["weight_change"], str) else ""
        ws.write_string(row, c["change"], change, st.text)
        if change:  # a scenario's set_weight: an input beside its change id
            ws.write_number(row, c["weight"], float(rec["weight"]), st.input_num)
        else:
            ws.write_formula(row, c["weight"], f"={cell(fr, 2, 'Rubric')}", st.fraction,
                             float(rec["weight"]))
        first, last = self.scenario_factor_rows[sc]
        weights = span(first, last, c["weight"], "Factors")
        included = span(first, last, c["included"], "Factors")
        found = self.item_rows.get((sc, f))
        if found is None:
            n_items, total, has, has_sourced = "=0", "=0", "=0", "=0"
            mean = highest = lowest = '""'
        else:
            a, b = found
            w = span(a, b, self.ITEMS.index("effective_weight"), "Items")
            risk = span(a, b, self.ITEMS.index("risk_value"), "Items")
            counted = span(a, b, self.ITEMS.index("counted_risk"), "Items")
            assumed = span(a, b, self.ITEMS.index("assumption"), "Items")
            n_items = f"=ROWS({w})"
            total = f"=SUM({w})"
            has = f'=IF(COUNTIF({w},">0")>0,1,0)'
            has_sourced = f"=IF(SUMPRODUCT({w},1-{assumed})>0,1,0)"
            mean = f"SUMPRODUCT({w},{risk})/SUM({w})"
            highest, lowest = f"MAX({counted})", f"MIN({counted})"
        missing_ref, impute_ref = cell(fr, 5, "Rubric"), cell(fr, 6, "Rubric")
        agg = r["aggregation"]
        formulas = {
            "n_items": (n_items, st.count, rec["n_items"]),
            "total_weight": (total, st.fraction, rec["total_weight"]),
            "has_evidence": (has, st.count, rec["has_evidence"]),
            "has_sourced_evidence": (has_sourced, st.count, rec["has_sourced_evidence"]),
            "aggregation": (f"={cell(fr, 4, 'Rubric')}", st.text, rec["aggregation"]),
            "missing": (f"={missing_ref}", st.text, "exclude" if math.isnan(
                self._impute(f)) else "impute"),
            "score": (f'=IF({r["has_evidence"]}=1,IF({agg}="max",{highest},IF({agg}="min",'
                      f'{lowest},{mean})),IF({r["missing"]}="impute",{impute_ref},""))',
                      st.points, rec["score"]),
            "included": (f'=IF(OR({r["has_evidence"]}=1,{r["missing"]}="impute"),1,0)',
                         st.count, rec["included"]),
            "imputed": (f'=IF(AND({r["has_evidence"]}=0,{r["missing"]}="impute"),1,0)',
                        st.count, rec["imputed"]),
            "normalised_weight": (f"=IF({r['included']}=1,{r['weight']}/SUMPRODUCT({weights},"
                                  f"{included}),0)", st.fraction, rec["normalised_weight"]),
            "contribution": (f'=IF({r["included"]}=1,IF({self.at["composite"]}="weighted_sum",'
                             f'{r["weight"]},{r["normalised_weight"]})*{r["score"]},0)',
                             st.points, rec["contribution"]),
        }
        for name, (formula, style, value) in formulas.items():
            ws.write_formula(row, c[name], formula, style, _cached(value))

    def _impute(self, factor: str) -> float:
        f = self.rubric.factors[self.factor_ids.index(factor)]
        return float("nan") if f.impute is None else float(f.impute)

    # ------------------------------------------------------------------ calculation: scenarios
    def _scenarios(self) -> None:
        ws, st = self.sheets["Scenarios"], self.st
        gates = [g.id for g in self.rubric.gates]
        cols = ["trace id", "name", "indicated_composite", "weight_with_evidence",
                "weight_total", "coverage"]
        for g in gates:
            cols += [f"gate/{g}/fired", f"gate/{g}"]
        cols += ["composite", "band_index", "band", "change_vs_base"]
        self.scenario_cols = {name: k for k, name in enumerate(cols)}
        _header(ws, 0, cols, st.head)
        names = {BASE: "Base case"} | {s.id: s.name for s in self.result.case.scenarios}
        frame = self.result.frames.scenarios
        recs = {str(s): rec for s, rec in zip(frame["scenario"], frame.to_dict("records"),
                                              strict=True)}
        for k, sc in enumerate(self.scenarios):
            self._scenario_row(ws, 1 + k, sc, names.get(sc, sc), recs[sc], gates)
        ws.freeze_panes(1, 1)
        ws.set_column(0, len(cols) - 1, 14)

    def _scenario_row(self, ws: Any, row: int, sc: str, name: str, rec: dict[Any, Any],
                      gates: list[str]) -> None:
        st, c, at = self.st, self.scenario_cols, self.at
        r = {key: cell(row, k, absolute=False) for key, k in c.items()}
        fc = {name: k for k, name in enumerate(self.FACTORS)}
        first, last = self.scenario_factor_rows[sc]
        ws.write_string(row, c["trace id"], sc, st.text)
        ws.write_string(row, c["name"], name, st.text)

        def put(col: str, formula: str, style: Any, value: Any) -> None:
            ws.write_formula(row, c[col], formula, style, _cached(value))

        weights = span(first, last, fc["weight"], "Factors")
        put("indicated_composite", f"=SUM({span(first, last, fc['contribution'], 'Factors')})",
            st.points, rec["indicated"])
        put("weight_with_evidence", f"=SUMPRODUCT({weights},"
            f"{span(first, last, fc['has_sourced_evidence'], 'Factors')})", st.fraction,
            rec["weight_with_evidence"])
        put("weight_total", f"=SUM({weights})", st.fraction, rec["weight_total"])
        put("coverage", f"={r['weight_with_evidence']}/{r['weight_total']}", st.percent,
            rec["coverage"])
        previous = r["indicated_composite"]
        floors, caps, forced = [], [], []
        for g, refs in zip(self.rubric.gates, self.gate_cells, strict=True):
            frow = self.factor_cells[(sc, g.when.factor)]
            score, inc = cell(frow, fc["score"], "Factors"), cell(frow, fc["included"], "Factors")
            cond = [f"{inc}=1"]
            if "at_least" in refs:
                cond.append(f"{score}>={refs['at_least']}")
            if "at_most" in refs:
                cond.append(f"{score}<={refs['at_most']}")
            fired = r[f"gate/{g.id}/fired"]
            put(f"gate/{g.id}/fired", f"=IF(AND({','.join(cond)}),1,0)", st.count, None)
            after = previous
            if "composite_at_least" in refs:
                after = f"MAX({after},{refs['composite_at_least']})"
            if "composite_at_most" in refs:
                after = f"MIN({after},{refs['composite_at_most']})"
            put(f"gate/{g.id}", f"=IF({fired}=1,{after},{previous})", st.points, None)
            previous = r[f"gate/{g.id}"]
            index = "MATCH({},{},0)"
            if "band_at_least" in refs:
                floors.append(f"IF({fired}=1,{index.format(refs['band_at_least'], self.band_names)},1)")
            if "band_at_most" in refs:
                caps.append(f"IF({fired}=1,{index.format(refs['band_at_most'], self.band_names)},"
                            f"{self.n_bands})")
            if "band" in refs:
                forced.append((fired, index.format(refs["band"], self.band_names)))
        put("composite", f"={previous}", st.points, rec["composite"])
        if self.band_starts is None:
            natural = "=1"
        else:
            starts = self.band_starts
            natural = (f'=1+IF({at["band_edge"]}="max",SUMPRODUCT(({starts}<{r["composite"]})*1),'
                       f'SUMPRODUCT(({starts}<={r["composite"]})*1))')
        put("band_index", natural, st.count, None)
        held = r["band_index"]
        if floors:
            held = f"MAX({held},{','.join(floors)})"
        if caps:
            held = f"MIN({held},{','.join(caps)})"
        for fired, idx in forced:  # the last gate that fires and forces a band wins
            held = f"IF({fired}=1,{idx},{held})"
        band = f"INDEX({self.band_names},{held})"
        put("band", f'=IF(AND({at["min_coverage"]}<>"",{r["coverage"]}<N({at["min_coverage"]})),'
            f'"Insufficient evidence",{band})', st.text, rec["band"])
        base_row = 1 + self.scenarios.index(BASE)
        put("change_vs_base", f"={r['composite']}-{cell(base_row, c['composite'])}",
            st.points, rec["change_vs_base"])

    # ------------------------------------------------------------------ summary
    def _summary(self) -> None:
        ws, st, meta = self.summary, self.st, self.result.case.meta
        ws.write_string(0, 0, f"{meta.entity}: {meta.title or meta.id}", st.title)
        ws.write_string(1, 0, f"as of {meta.as_of}; rubric {self.rubric.id} "
                              f"{self.rubric.version}", st.text)
        ws.write_string(2, 0, "Every number below is a formula over the input cells "
                              "(shaded) of the Rubric, Evidence, Items and Factors sheets; "
                              "change an input and it recomputes. A number's trace id is its "
                              "row's id, '/', and its column's header (scoring trace CASE ID).",
                        st.text)
        cols = ["trace id", "composite", "band", "coverage", "change_vs_base"]
        _header(ws, 4, cols, st.head)
        sc_cols = self.scenario_cols
        styles = {"composite": st.points, "band": st.text, "coverage": st.percent,
                  "change_vs_base": st.points}
        frame = self.result.frames.scenarios.set_index("scenario")
        for k, sc in enumerate(self.scenarios):
            row = 5 + k
            ws.write_string(row, 0, sc, st.text)
            for j, name in enumerate(cols[1:], start=1):
                ws.write_formula(row, j, f"={cell(1 + k, sc_cols[name], 'Scenarios')}",
                                 styles[name], _cached(frame.loc[sc, name]))
        row = 5 + len(self.scenarios) + 1
        ws.write_string(row, 0, "factor score (trace id: <scenario>/factor/<factor>/score)",
                        st.head)
        for j, sc in enumerate(self.scenarios, start=1):
            ws.write_string(row, j, sc, st.head)
        score_col = self.FACTORS.index("score")
        fac = self.result.frames.factors
        scores = {(str(s), str(f)): v for s, f, v in
                  zip(fac["scenario"], fac["factor"], fac["score"], strict=True)}
        for i, f in enumerate(self.factor_ids, start=1):
            ws.write_string(row + i, 0, f, st.text)
            for j, sc in enumerate(self.scenarios, start=1):
                ws.write_formula(row + i, j,
                                 f"={cell(self.factor_cells[(sc, f)], score_col, 'Factors')}",
                                 st.points, _cached(scores[(sc, f)]))
        ws.set_column(0, 0, 40)
        ws.set_column(1, len(self.scenarios) + 1, 14)


def render_workbook(result: Result, bundle: Bundle | None = None) -> bytes:
    """The workbook of a scored case as .xlsx bytes (the same case gives the same bytes),
    carrying ``bundle`` (its inputs) in a hidden sheet when given."""
    check_supported(result)
    return Workbook(result, bundle).render()
