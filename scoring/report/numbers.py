"""The numbers of one report, read from its result's trace: each trace id's :class:`Num`
(made once, whichever section shows it first), a link to a record that is not a number, a
derivation in place (:class:`Cell`) and a derivation of the appendix. Every section of the
report (``first_screen``, ``scenarios``, ``sourced``, ``evidence_table``, ``method_view``,
``peers_view``, ``appendix``) reads its numbers through one :class:`Numbers`, so a number
shown in several places is the same object with the same anchor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..method.kernel import BASE
from ..trace.core import TraceRecord
from .parts import Cell, Derivation, Link, Num, cells

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.result import Result


class Numbers:
    """The trace of ``result`` as the report's numbers, links and derivations."""

    def __init__(self, result: Result) -> None:
        self.result = result
        self.trace = result.trace
        self.case = result.case
        self.sids = result.scenario_ids
        self._nums: dict[str, Num] = {}
        self._refs: dict[str, Num | Link] = {}
        self._links: dict[str, Link] = {}

    def num(self, rid: str) -> Num:
        n = self._nums.get(rid)
        return self.num_of(self.trace[rid]) if n is None else n

    def num_of(self, rec: TraceRecord) -> Num:
        n = self._nums.get(rec.id)
        if n is None:
            raw = "" if rec.value is None else (
                rec.value if isinstance(rec.value, str) else repr(float(rec.value)))
            n = self._nums[rec.id] = Num(rec.id, rec.display, raw, self._assumed(rec))
        return n

    def _assumed(self, rec: TraceRecord) -> bool:
        """Whether a number depends on an assumption or a scenario change: it rests on one
        (``assumptions``) and its value is not what the same number is in base. A scenario's
        coverage of 100 %, or a factor no change touched, equals base and is not marked."""
        if not rec.assumptions:
            return False
        head, _, rest = rec.id.partition("/")
        twin = self.trace.get(f"{BASE}/{rest}") if head != BASE and rest else None
        return twin is None or twin.value != rec.value

    def ref(self, rid: str) -> Num | Link:
        x = self._refs.get(rid)
        if x is None:
            rec = self.trace[rid]
            if rec.kind == "number":
                x = self.num(rid)
            else:
                x = Link(rid, rid if rec.kind != "band" else f"{rid} = {rec.display}")
            self._refs[rid] = x
        return x

    def cell(self, rid: str, local: Callable[[str, str], bool]) -> Cell:
        """The derivation in place of one number (a cell of one scenario)."""
        c = cells(self.trace, [rid], local, self.num_of, self.ref)[0]
        assert c is not None
        return c

    def link(self, rid: str) -> Link:
        """A link to ``rid`` named by its id (one per id)."""
        x = self._links.get(rid)
        if x is None:
            x = self._links[rid] = Link(rid, rid)
        return x

    def derivation(self, rec: TraceRecord) -> Derivation:
        refs = self._refs
        return Derivation(rec.id, rec.label, self.num_of(rec), rec.op, rec.formula,
                          rec.expression, tuple([refs.get(i) or self.ref(i) for i in rec.inputs]),
                          tuple([self.link(a) for a in rec.assumptions]))


def rubric_num(rec: TraceRecord) -> Num:
    """A rubric's number (a weight, a reliability multiplier): never assumed."""
    value = rec.value
    raw = repr(float(value)) if isinstance(value, (int, float)) else str(value)
    return Num(rec.id, rec.display, raw, False)


def texts(column: pd.Series) -> list[str]:
    """``column.astype(str)`` as a list, without pandas' string conversion of the column."""
    return [str(x) for x in column.tolist()]


def flags(column: pd.Series) -> list[bool]:
    return [bool(x) for x in column.tolist()]


def everything_local(rid: str, i: str) -> bool:
    """In the break-even and tornado tables every operand is written into the expression and
    the table's caption says where each comes from: no input is linked from a cell."""
    return True


def factor_local(rid: str, i: str) -> bool:
    """In a scenario's factor table, the factors' weights, normalised weights, scores and
    contributions are shown (the scores link onward to the evidence table)."""
    return i.startswith(rid.partition("/")[0] + "/factor/")
