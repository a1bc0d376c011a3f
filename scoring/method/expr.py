"""Formulas of derived measures: a small, safe expression language (docs/method.md,
"Measures").

A formula is parsed once into a tree (never ``eval``) and evaluated over whole columns: one
numpy operation per node, whatever the number of cases. The language::

    formula    := comparison
    comparison := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := number | name | name "(" formula ("," formula)* ")" | "(" formula ")"

A comparison is 1 where it holds and 0 where it does not. Functions: ``min`` and ``max`` (two
or more arguments), ``abs``, ``log`` (natural), ``exp``, ``round(x, n)`` (to ``n`` decimals,
``n`` a whole number written out), ``where(condition, then, else)``
(``then`` where the condition is not 0) and ``prior(figure)`` (the figure's value in the
case's prior period). A name is a reported figure or another measure.

Run-time faults do not raise: a value that cannot be computed is NaN, and a code per row says
why (``FAULTS``): a missing input, a division by zero, the log of a number that is not
positive, or a result beyond the float range. A fault in the branch ``where`` does not take
does not count. Formulas are bounded in length, nodes and depth, so no input can make the
parser or the evaluator recurse or work without bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

MAX_CHARS = 2_000
MAX_NODES = 500
MAX_DEPTH = 40

# Why a value is NaN (0: it is not). The first fault met, left to right, is the one named.
OK, MISSING, DIVISION_BY_ZERO, LOG_DOMAIN, OVERFLOW = range(5)
FAULTS = {MISSING: "an input is missing", DIVISION_BY_ZERO: "division by zero",
          LOG_DOMAIN: "the log of a number that is not above 0",
          OVERFLOW: "a result beyond the range of numbers"}

FUNCTIONS: dict[str, tuple[int, int | None]] = {  # name -> (fewest, most arguments)
    "min": (2, None), "max": (2, None), "abs": (1, 1), "log": (1, 1), "exp": (1, 1),
    "where": (3, 3), "prior": (1, 1), "round": (2, 2)}
MAX_DECIMALS = 12  # round(x, n): n from 0 to this
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|[-+*/(),<>])
""", re.VERBOSE)


class FormulaError(ValueError):
    """A formula that cannot be read; ``offset`` is the 0-based character it is about."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Node:
    """One node of a formula's tree. ``kind``: ``number`` (``value``), ``name`` (``text``),
    ``prior`` (``text``: the figure), ``call`` (``text``: the function), ``neg``, or an
    operator (``+ - * /`` and the comparisons). ``offset``: where it starts in the formula."""

    kind: str
    offset: int
    args: tuple[Node, ...] = ()
    text: str = ""
    value: float = 0.0


def _tokens(formula: str) -> list[tuple[str, str, int]]:
    out = []
    at = 0
    while at < len(formula):
        m = _TOKEN.match(formula, at)
        if m is None:
            raise FormulaError(f"unexpected character {formula[at]!r}", at)
        if m.lastgroup != "space":
            out.append((str(m.lastgroup), m.group(), at))
        at = m.end()
    out.append(("end", "", len(formula)))
    return out


class _Parser:
    def __init__(self, formula: str) -> None:
        self.tokens = _tokens(formula)
        self.at = 0
        self.nodes = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.at]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        kind, got, offset = self.take()
        if got != text or kind != "op":
            raise FormulaError(f"expected {text!r}, not {_shown(kind, got)}", offset)

    def node(self, kind: str, offset: int, args: tuple[Node, ...] = (), text: str = "",
             value: float = 0.0) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FormulaError(f"the formula is too long: at most {MAX_NODES} numbers, names "
                               "and operations", offset)
        return Node(kind, offset, args, text, value)

    def formula(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula is nested too deeply: at most {MAX_DEPTH} levels",
                               self.peek()[2])
        left = self.sum(depth)
        kind, text, offset = self.peek()
        if kind == "op" and text in COMPARISONS:
            self.take()
            right = self.sum(depth)
            nxt = self.peek()
            if nxt[0] == "op" and nxt[1] in COMPARISONS:
                raise FormulaError("comparisons do not chain: write where(...) or two "
                                   "comparisons", nxt[2])
            return self.node(text, offset, (left, right))
        return left

    def sum(self, depth: int) -> Node:
        return self.chain("+-", self.product, depth)

    def product(self, depth: int) -> Node:
        return self.chain("*/", self.unary, depth)

    def chain(self, ops: str, operand: Callable[[int], Node], depth: int) -> Node:
        """Operands joined by the operators ``ops``, grouped from the left."""
        left = operand(depth)
        while (t := self.peek())[0] == "op" and t[1] in ops:
            self.take()
            left = self.node(t[1], t[2], (left, operand(depth)))
        return left

    def unary(self, depth: int) -> Node:
        kind, text, offset = self.peek()
        if kind == "op" and text == "-":
            self.take()
            if depth + 1 > MAX_DEPTH:
                raise FormulaError("the formula is nested too deeply: at most "
                                   f"{MAX_DEPTH} levels", offset)
            return self.node("neg", offset, (self.unary(depth + 1),))
        return self.atom(depth)

    def atom(self, depth: int) -> Node:
        kind, text, offset = self.take()
        if kind == "number":
            value = float(text)
            if not np.isfinite(value):
                raise FormulaError(f"the number {text} is beyond the range of numbers", offset)
            return self.node("number", offset, value=value)
        if kind == "name":
            if self.peek()[1] != "(":
                if text in FUNCTIONS:
                    raise FormulaError(f"{text} is a function: write {text}(...)", offset)
                return self.node("name", offset, text=text)
            if text not in FUNCTIONS:
                raise FormulaError(f"unknown function {text!r}; the functions are "
                                   f"{', '.join(FUNCTIONS)}", offset)
            self.take()
            args = [self.formula(depth + 1)]
            while self.peek()[1] == ",":
                self.take()
                args.append(self.formula(depth + 1))
            self.expect(")")
            least, most = FUNCTIONS[text]
            if len(args) < least or (most is not None and len(args) > most):
                want = f"{least}" if least == most else f"at least {least}"
                raise FormulaError(f"{text}() takes {want} argument"
                                   f"{'' if want == '1' else 's'}, not {len(args)}", offset)
            if text == "round" and not (args[1].kind == "number"
                                        and args[1].value == int(args[1].value)
                                        and 0 <= args[1].value <= MAX_DECIMALS):
                raise FormulaError(f"round() takes the number of decimals as a whole number "
                                   f"from 0 to {MAX_DECIMALS}", args[1].offset)
            if text == "prior":
                if args[0].kind != "name":
                    raise FormulaError("prior() takes the name of a figure", args[0].offset)
                return self.node("prior", args[0].offset, text=args[0].text)
            return self.node("call", offset, tuple(args), text=text)
        if kind == "op" and text == "(":
            inner = self.formula(depth + 1)
            self.expect(")")
            return inner
        raise FormulaError(f"expected a number, a name or '(', not {_shown(kind, text)}",
                           offset)


def _shown(kind: str, text: str) -> str:
    return "the end of the formula" if kind == "end" else repr(text)


def parse(formula: str) -> Node:
    """The tree of ``formula``; FormulaError (with the offset it is about) if it cannot be
    read or is beyond the bounds."""
    if len(formula) > MAX_CHARS:
        raise FormulaError(f"the formula is too long: at most {MAX_CHARS} characters",
                           MAX_CHARS)
    if not formula.strip():
        raise FormulaError("the formula is empty", 0)
    parser = _Parser(formula)
    tree = parser.formula(0)
    kind, text, offset = parser.peek()
    if kind != "end":
        raise FormulaError(f"unexpected {_shown(kind, text)} after a complete formula", offset)
    return tree


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.args))


def names(node: Node) -> list[tuple[str, int]]:
    """The names a formula reads (figures or measures), with their offsets, in order."""
    return [(n.text, n.offset) for n in walk(node) if n.kind == "name"]


def priors(node: Node) -> list[tuple[str, int]]:
    """The figures whose prior-period value a formula reads, with their offsets."""
    return [(n.text, n.offset) for n in walk(node) if n.kind == "prior"]


Values = tuple[np.ndarray, np.ndarray]  # (values, fault code per row)


def evaluate(node: Node, value_of: Callable[[str], Values],
             prior_of: Callable[[str], Values], n: int) -> Values:
    """The formula over ``n`` rows: ``value_of(name)`` and ``prior_of(figure)`` give the
    inputs (values, fault codes; NaN with MISSING where an input is missing). Returns the
    values and each row's fault code (OK where the value is a number)."""
    with np.errstate(all="ignore"):
        return _eval(node, value_of, prior_of, n)


def _first(*codes: np.ndarray) -> np.ndarray:
    """Each row's first fault among ``codes`` (left to right)."""
    out = codes[0].copy()
    for c in codes[1:]:
        np.copyto(out, c, where=out == OK)
    return out


def _eval(node: Node, value_of: Callable[[str], Values], prior_of: Callable[[str], Values],
          n: int) -> Values:
    kind = node.kind
    if kind == "number":
        return np.full(n, node.value), np.zeros(n, np.int8)
    if kind == "name":
        return value_of(node.text)
    if kind == "prior":
        return prior_of(node.text)
    parts = [_eval(a, value_of, prior_of, n) for a in node.args]
    xs = [p[0] for p in parts]
    fault = _first(*(p[1] for p in parts))
    if kind == "neg":
        return -xs[0], fault
    if kind in ("+", "-", "*", "/"):
        a, b = xs
        if kind == "/":
            out = a / b
            fault = np.where((fault == OK) & (b == 0), np.int8(DIVISION_BY_ZERO), fault)
        else:
            out = a + b if kind == "+" else a - b if kind == "-" else a * b
        return _checked(out, fault)
    if kind in COMPARISONS:
        a, b = xs
        held = {"<": np.less, "<=": np.less_equal, ">": np.greater,
                ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal}[kind](a, b)
        return np.where(fault == OK, held.astype(float), np.nan), fault
    name = node.text
    if name == "where":
        cond, (then, then_fault), (other, other_fault) = parts[0], parts[1], parts[2]
        pick = cond[0] != 0
        out = np.where(pick, then, other)
        fault = np.where(cond[1] != OK, cond[1], np.where(pick, then_fault, other_fault))
        return np.where(fault == OK, out, np.nan), fault.astype(np.int8)
    if name in ("min", "max"):
        out = xs[0].copy()
        for x in xs[1:]:
            (np.minimum if name == "min" else np.maximum)(out, x, out=out)
        return np.where(fault == OK, out, np.nan), fault
    x = xs[0]
    if name == "round":  # to n decimals, as numpy rounds (ties to even)
        return np.round(x, int(node.args[1].value)), fault
    if name == "abs":
        return np.abs(x), fault
    if name == "log":
        fault = np.where((fault == OK) & ~(x > 0), np.int8(LOG_DOMAIN), fault)
        return np.where(fault == OK, np.log(np.where(x > 0, x, 1.0)), np.nan), fault
    assert name == "exp"
    return _checked(np.exp(x), fault)


def _checked(out: np.ndarray, fault: np.ndarray) -> Values:
    """``out`` with an infinite (or NaN) result of finite inputs named as OVERFLOW."""
    fault = np.where((fault == OK) & ~np.isfinite(out), np.int8(OVERFLOW), fault)
    return np.where(fault == OK, out, np.nan), fault.astype(np.int8)


def order(formulas: Mapping[str, Node]) -> tuple[list[str], list[str]]:
    """The measures in an order where each comes after those it reads, and the measures on
    a cycle (each read, through others, by itself), in their given order."""
    done: list[str] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done
    on_cycle: set[str] = set()
    for start in formulas:
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [
            (start, iter([m for m, _ in names(formulas[start]) if m in formulas]))]
        state[start] = 1
        path = [start]
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[name] = 2
                done.append(name)
            elif state.get(child) == 1:
                on_cycle.update(path[path.index(child):])
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter([m for m, _ in names(formulas[child])
                                           if m in formulas])))
    return [m for m in done if m not in on_cycle], [m for m in formulas if m in on_cycle]


def show(node: Node, value_of: Callable[[Node], str] | None = None) -> str:
    """The formula written back from its tree (one space around operators), or with each
    name and prior value replaced by ``value_of(node)``: a derivation shows the formula
    with the values put in."""
    def text(nd: Node, parent: int) -> str:
        kind = nd.kind
        if kind == "number":
            return format(nd.value, ".15g")
        if kind in ("name", "prior"):
            if value_of is not None:
                return value_of(nd)
            return nd.text if kind == "name" else f"prior({nd.text})"
        if kind == "call":
            return f"{nd.text}({', '.join(text(a, 0) for a in nd.args)})"
        if kind == "neg":
            inner = text(nd.args[0], 3)
            return f"-{inner}" if not inner.startswith("-") else f"-({inner})"
        rank = 0 if kind in COMPARISONS else 1 if kind in "+-" else 2
        left = text(nd.args[0], rank)
        # the right side of - and / groups: a - (b - c); equal rank on the right needs ()
        right = text(nd.args[1], rank + (1 if kind in "-/" or rank == 0 else 0))
        out = f"{left} {kind} {right}"
        return f"({out})" if rank < parent else out
    return text(node, 0)
