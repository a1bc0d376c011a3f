"""Safe YAML loading that remembers where every value came from.

PyYAML's ``SafeLoader`` composes a node tree (with line/column marks) and we build plain
Python data from it ourselves. Building it ourselves is what lets us

* refuse duplicate keys (PyYAML silently keeps the last one),
* refuse alias/anchor "billion laughs" expansion, recursive aliases and absurdly deep
  nesting (checked while composing, before PyYAML's recursive composer can run out of stack),
* record the line and column of every value, keyed by its path, so that validation errors
  can point at ``file:line:col``, and the source text of every unquoted scalar that YAML read
  as something other than a string (so that an error can say ``write it in quotes``).

Scalars are resolved as by PyYAML's ``SafeLoader`` (YAML 1.1), plus the YAML 1.2 float forms
with an exponent that YAML 1.1 leaves as strings (``1e3``, ``2.5E-4``, ``1e999`` = infinity).
A UTF-8 byte-order mark at the start of a file is accepted and ignored.
"""

from __future__ import annotations

import codecs
import contextvars
import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]

# Only the plain YAML types; anything else (python/object, binary, set...) is refused.
ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp",
                                       "map", "seq")
)


@dataclass
class YamlDoc:
    """A loaded YAML document: its data and the (line, col) of every value by path.

    ``plain`` holds, by path, the source text of every unquoted scalar that YAML read as a
    number, boolean, null or date rather than a string (``no``, ``1.0``, ``12:30``).
    """

    path: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    plain: dict[PathKey, str] = field(default_factory=dict)
    # the style of each quoted or block scalar (' " | >), to place a character inside it
    styles: dict[PathKey, str] = field(default_factory=dict)

    def where(self, loc: PathKey) -> tuple[int, int]:
        """Position of the value at ``loc``, or of its nearest ancestor that exists."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, loc: PathKey, message: str) -> Problem:
        line, col = self.where(loc)
        return Problem(self.path, line, col, dotted(loc), message)

    def problem_at(self, loc: PathKey, offset: int, message: str) -> Problem:
        """A problem at character ``offset`` of the text at ``loc`` (a formula): exact for a
        plain or quoted scalar on one line; a block scalar (| or >) is placed at its start."""
        line, col = self.where(loc)
        style = self.styles.get(tuple(loc))
        if style in ("'", '"'):
            col += 1 + offset
        elif style is None and tuple(loc) in self.positions:
            col += offset
        return Problem(self.path, line, col, dotted(loc), message)


def dotted(loc: PathKey) -> str:
    """``('items', 3, 'value')`` -> ``items[3].value``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# YAML 1.2 floats with an exponent that YAML 1.1 (and so PyYAML) reads as strings: 1e3, 1.5e3,
# .5E-2. Without this, ``value: 1e3`` would be the string "1e3" and ``1e999`` would not be inf.
_FLOAT_1_2 = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$")


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, composing at most ``MAX_DEPTH`` levels and ``MAX_NODES`` nodes.

    PyYAML composes recursively (two Python frames per level), so a file of a few thousand
    ``[`` would otherwise end in RecursionError before the builder could check the depth.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._composed = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        self._composed += 1
        if self._composed > MAX_NODES:
            raise _TooBig(mark.line + 1, mark.column + 1,
                          f"document holds more than {MAX_NODES} values")
        if self._depth > MAX_DEPTH:
            raise _TooBig(mark.line + 1, mark.column + 1,
                          f"document is nested deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


for _first in "-+.0123456789":
    _Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_1_2, [_first])


def _ambiguous_number(node: yaml.Node, value: Any) -> str | None:
    """YAML 1.1 reads ``010`` as octal 8 and ``1:30`` as base-60 90: refuse both rather than
    silently use a number the author did not mean."""
    if not isinstance(node, yaml.ScalarNode) or node.style is not None \
            or node.tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return None
    text = str(node.value)
    if ":" in text:
        return f"ambiguous value {text}: YAML 1.1 reads it as the base-60 number {value}; " \
               f"write it in quotes if it is text: \"{text}\""
    digits = text.lstrip("+-").replace("_", "")
    if node.tag.endswith(":int") and re.fullmatch(r"0[0-7]+", digits) and value != int(digits):
        meant = ("-" if text.startswith("-") else "") + str(int(digits))
        return f"ambiguous number {text}: YAML 1.1 reads a leading 0 as octal ({value}); " \
               f"write {meant} without the leading 0, or quote it if it is text"
    return None


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.plain: dict[PathKey, str] = {}
        self.styles: dict[PathKey, str] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self._open: set[int] = set()  # collection nodes being built (to catch recursion)
        self._scalar_loader = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, loc: PathKey, message: str) -> None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(Problem(self.path, line, col, dotted(loc), message))

    def build(self, node: yaml.Node, loc: PathKey, depth: int) -> Any:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(line, col, f"document expands to more than {MAX_NODES} values "
                                     "(alias/anchor expansion refused)")
        if depth > MAX_DEPTH:
            raise _TooBig(line, col, f"document is nested deeper than {MAX_DEPTH} levels")
        self.positions[loc] = (line, col)
        if node.tag not in ALLOWED_TAGS:
            self.fail(node, loc, f"YAML tag {node.tag!r} is not allowed")
            return None
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self._open:
                raise _TooBig(line, col, "recursive alias: this value contains an alias to "
                                         "itself; write the values out")
            self._open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, loc, depth)
                return [self.build(child, (*loc, i), depth + 1)
                        for i, child in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        if isinstance(node, yaml.ScalarNode) and node.style is None \
                and node.tag != "tag:yaml.org,2002:str":
            self.plain[loc] = str(node.value)
        elif isinstance(node, yaml.ScalarNode) and node.style:
            self.styles[loc] = node.style
        try:
            value = self._scalar_loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            reason = getattr(exc, "problem", None) or exc
            if node.tag == "tag:yaml.org,2002:timestamp":
                self.fail(node, loc, f"invalid date {node.value}: {reason}")
            elif node.tag == "tag:yaml.org,2002:int":
                self.fail(node, loc, f"cannot read value: the number {node.value[:20]}... "
                                     f"has {len(node.value)} characters; numbers must be at "
                                     "most 1e15 in absolute value")
            else:
                self.fail(node, loc, f"cannot read value: {reason}")
            return None
        ambiguous = _ambiguous_number(node, value)
        if ambiguous:
            self.fail(node, loc, ambiguous)
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, loc: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, loc, "merge keys (<<) are not supported; write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, loc, "mapping keys must be plain strings")
                continue
            if key_node.tag not in ALLOWED_TAGS:
                self.fail(key_node, loc, f"YAML tag {key_node.tag!r} is not allowed")
                continue
            key = str(key_node.value)
            if key in out:
                first = self.positions[(*loc, key)]
                self.fail(key_node, (*loc, key),
                          f"duplicate key (first defined at line {first[0]})")
                continue
            out[key] = self.build(value_node, (*loc, key), depth + 1)
        return out


class _TooBig(Exception):
    """The document is too big, too deep or recursive; building stops at (line, col)."""

    def __init__(self, line: int, col: int, message: str) -> None:
        self.line = line
        self.col = col
        self.message = message


# How far into a file the encoding is judged: enough for a header row or a few lines.
_ENCODING_HEAD = 4096


def encoding_problem(raw: bytes) -> str | None:
    """What is wrong with the encoding of a text file that must be UTF-8, judged from its
    first bytes ``raw``, or None. Files are saved as UTF-16 or UTF-32 by some editors and
    spreadsheet programs, with or without a byte-order mark; a mark written twice comes from
    a tool that added one to a file that had one. Each gets its own message rather than the
    parser's words about the NUL or U+FEFF characters it would meet."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "not valid UTF-8: the file starts with a UTF-32 byte-order mark; save it as UTF-8"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "not valid UTF-8: the file starts with a UTF-16 byte-order mark; save it as UTF-8"
    if raw.startswith(codecs.BOM_UTF8 * 2):
        return "the file starts with two byte-order marks (U+FEFF twice); save it as UTF-8 " \
               "with one mark or none"
    head = raw[:_ENCODING_HEAD]
    half = len(head) // 2
    if half and head.count(0) * 4 >= len(head):
        # Text in UTF-16 has a zero in every other byte for the ASCII part (markup, digits,
        # field names): on the odd bytes when little-endian, on the even ones when
        # big-endian. Three in four of one and fewer than one in four of the other.
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) * 4 >= 3 * half and min(odd, even) * 4 < half:
            order = "little" if odd > even else "big"
            return f"not valid UTF-8: the file looks like UTF-16 ({order}-endian) without a " \
                   "byte-order mark (every other byte is zero); save it as UTF-8"
    return None


# Drafts: the text of files being edited in memory (``scoring serve``), by real path. While
# :func:`drafts` is in force, such a file is read from its draft instead of from disk, through
# the same parse and every check after it, so an edit is validated exactly as a file is.
_DRAFTS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("drafts",
                                                                          default=None)


@contextmanager
def drafts(texts: dict[Path, str]) -> Iterator[None]:
    """Read each file of ``texts`` from its text here rather than from disk, meanwhile."""
    token = _DRAFTS.set({os.path.realpath(p): t for p, t in texts.items()})
    try:
        yield
    finally:
        _DRAFTS.reset(token)


def load_yaml(file: Path, display: str | None = None) -> YamlDoc:
    """Load one YAML file safely, raising :class:`InputError` with every problem found."""
    shown = display or str(file)
    held = _DRAFTS.get()
    if held:
        draft = held.get(os.path.realpath(file))
        if draft is not None:
            return parse_yaml(draft, shown)
    return parse_yaml(read_text(file, shown), shown)


def read_text(file: Path, shown: str) -> str:
    """The text of a file that must be UTF-8 (a YAML file, a list of ids), read safely: at
    most :data:`MAX_FILE_BYTES`, its encoding named when it is another one (UTF-16 with or
    without a mark, UTF-32, two marks), a byte that is not UTF-8 placed at its line and
    column; :class:`InputError` otherwise. One UTF-8 byte-order mark is kept (YAML reads it)."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more, whatever the file's size
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "",
                                  f"cannot read file: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(shown, 0, 0, "", f"file is {max(size, len(raw))} bytes; "
                                                   f"the limit is {MAX_FILE_BYTES}")])
    wrong = encoding_problem(raw)
    if wrong is not None:
        raise InputError([Problem(shown, 1, 1, "", wrong)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem(shown, line, col, "",
                                  f"not valid UTF-8 (byte offset {exc.start})")]) from None
    return text


def _malformed(exc: yaml.MarkedYAMLError) -> tuple[yaml.Mark | None, str]:
    """Where a parser error is and what to say about it: PyYAML's own words, except where they
    would not tell a user what to fix."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    if problem == "but found another document":
        return mark, "a second YAML document starts here; a file holds one document " \
                     "(remove this '---' line and what follows, or move it to its own file)"
    if context.startswith("found duplicate anchor"):
        first = exc.context_mark
        anchor = context.removeprefix("found duplicate anchor ").removesuffix("; first occurrence")
        at = f" (first at line {first.line + 1})" if first else ""
        return mark, f"anchor {anchor} is defined twice{at}; give each anchor its own name"
    if problem.startswith("found undefined alias"):
        return mark, f"{problem}: an alias *name needs an anchor &name earlier in the file"
    if "quoted scalar" in context and "end of stream" in problem and exc.context_mark:
        return exc.context_mark, f"this quote is never closed ({problem})"
    if "'\\t'" in problem:
        return mark, f"{problem} (indent with spaces; YAML does not allow tabs there)"
    if problem == "mapping values are not allowed here":
        return mark, f"{problem} (put text that contains ': ' in quotes)"
    if "<block end>" in problem:
        return mark, f"{problem} (check the indentation of this line)"
    return mark, problem or context


def _offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset, counting line breaks as YAML does."""
    head = text[:offset]
    breaks = list(re.finditer(r"\r\n|[\n\r\x85\u2028\u2029]", head))
    start = breaks[-1].end() if breaks else 0
    col = offset - start + 1
    if not breaks and head.startswith("\ufeff"):
        col -= 1  # a byte-order mark takes no column
    return len(breaks) + 1, col


def parse_yaml(text: str, shown: str) -> YamlDoc:
    """Parse YAML text (already decoded) into a :class:`YamlDoc`."""
    with _no_gc():
        return _parse(text, shown)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: building a few hundred thousand nodes makes
    it walk the ever larger heap again and again (a 100 000-entry list took 3 s instead of
    0.8 s). The nodes hold no cycles, and the input is at most MAX_FILE_BYTES, so nothing
    piles up meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str, shown: str) -> YamlDoc:
    bad = _NON_PRINTABLE.search(text)
    if bad:  # PyYAML's reader checks the whole text before parsing; so do we, for both parsers
        line, col = _offset_to_line_col(text, bad.start())
        raise InputError([Problem(shown, line, col, "",
                                  f"malformed YAML: control character U+{ord(bad.group()):04X} "
                                  "is not allowed (remove it)")]) from None
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark, message = _malformed(exc)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise InputError([Problem(shown, line, col, "", f"malformed YAML: {message}")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks its errors
        raise InputError([Problem(shown, 0, 0, "", f"malformed YAML: {exc}")]) from None
    except _TooBig as big:
        raise InputError([Problem(shown, big.line, big.col, "", big.message)]) from None
    if node is None:
        raise InputError([Problem(shown, 1, 1, "", "file is empty")])
    builder = _Builder(shown)
    try:
        data = builder.build(node, (), 0)
    except _TooBig as big:
        builder.problems.append(Problem(shown, big.line, big.col, "", big.message))
        data = None
    if builder.problems:
        raise InputError(builder.problems)
    return YamlDoc(shown, data, builder.positions, builder.plain, builder.styles)


# The characters PyYAML's reader refuses (yaml.reader.Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                            "\U00010000-\U0010ffff]")


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``: composed from libyaml's events where PyYAML has its C
    extension (about 20 times faster than the pure-Python parser), else by the pure-Python
    loader. A document libyaml finds malformed is parsed again by the pure-Python loader,
    whose messages and positions the error messages are written for (it stops at the same
    error, so this costs at most one more parse of the text up to there)."""
    body = text[1:] if text.startswith("\ufeff") else text
    # PyYAML gives a byte-order mark no column; libyaml gives it one. Only the leading one is
    # stripped here; the rare text with another keeps to the pure-Python parser.
    if _CParser is not None and "\ufeff" not in body:
        try:
            return _EventComposer(_CParser(body)).compose()
        except yaml.YAMLError:
            pass  # reparsed below for PyYAML's own message
    return yaml.compose(text, Loader=_Loader)


_CParser: Any
try:
    import yaml.cyaml

    _CParser = getattr(yaml.cyaml, "CParser", None)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


class _Resolver(yaml.resolver.Resolver):
    """The safe loader's implicit types, plus the YAML 1.2 floats (see ``_Loader``)."""


for _first in "-+.0123456789":
    _Resolver.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_1_2, [_first])


class _EventComposer:
    """PyYAML's composer (yaml.composer.Composer) over libyaml's events, without recursion:
    it stops at ``MAX_DEPTH`` levels and ``MAX_NODES`` nodes where ``_Loader`` does, with the
    same messages. Malformed documents raise a YAMLError (the caller then asks PyYAML)."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.resolver = _Resolver()

    def compose(self) -> yaml.Node | None:
        parser = self.parser
        parser.get_event()  # stream start
        if parser.check_event(yaml.StreamEndEvent):
            return None
        parser.get_event()  # document start
        root = self._node()
        parser.get_event()  # document end
        if not parser.check_event(yaml.StreamEndEvent):
            raise yaml.YAMLError("more than one document")
        return root

    def _node(self) -> yaml.Node:
        anchors: dict[str, yaml.Node] = {}
        stack: list[list[Any]] = []  # open collections: [node, pending mapping key or None]
        composed = 0
        while True:
            event: Any = self.parser.get_event()
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node: yaml.Node = stack.pop()[0]
                node.end_mark = event.end_mark
            else:
                composed += 1
                mark = event.start_mark
                if composed > MAX_NODES:
                    raise _TooBig(mark.line + 1, mark.column + 1,
                                  f"document holds more than {MAX_NODES} values")
                if len(stack) > MAX_DEPTH:
                    raise _TooBig(mark.line + 1, mark.column + 1,
                                  f"document is nested deeper than {MAX_DEPTH} levels")
                node = self._new_node(event, anchors)
                if isinstance(event, yaml.CollectionStartEvent):
                    stack.append([node, None])
                    continue
            if not stack:
                return node
            parent = stack[-1]
            if isinstance(parent[0], yaml.SequenceNode):
                parent[0].value.append(node)
            elif parent[1] is None:
                parent[1] = node
            else:
                parent[0].value.append((parent[1], node))
                parent[1] = None

    def _new_node(self, event: Any, anchors: dict[str, yaml.Node]) -> yaml.Node:
        """The node an alias names, or a new node (a collection is then still open)."""
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise yaml.YAMLError("undefined alias")
            return anchors[event.anchor]
        if event.anchor is not None and event.anchor in anchors:
            raise yaml.YAMLError("duplicate anchor")
        tag, start, end = event.tag, event.start_mark, event.end_mark
        resolve: Any = self.resolver.resolve  # untyped in PyYAML's stubs
        node: yaml.Node
        if isinstance(event, yaml.ScalarEvent):
            if tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, event.value, event.implicit)
            # libyaml calls the plain style '', PyYAML None (the builder relies on None).
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style or None)
        else:
            kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) \
                else yaml.MappingNode
            if tag is None or tag == "!":
                tag = resolve(kind, None, event.implicit)
            node = kind(tag, [], start, None, flow_style=event.flow_style)
        if event.anchor is not None:
            anchors[event.anchor] = node
        return node
