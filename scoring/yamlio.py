"""Safe YAML loading that remembers where every value came from.

PyYAML's ``SafeLoader`` composes a node tree (with line/column marks) and we build plain
Python data from it ourselves. Building it ourselves is what lets us

* refuse duplicate keys (PyYAML silently keeps the last one),
* refuse alias/anchor "billion laughs" expansion and absurdly deep nesting,
* record the line and column of every value, keyed by its path, so that validation errors
  can point at ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

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
    """A loaded YAML document: its data and the (line, col) of every value by path."""

    path: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

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


def dotted(loc: PathKey) -> str:
    """``('items', 3, 'value')`` -> ``items[3].value``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self._scalar_loader = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, loc: PathKey, message: str) -> None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(Problem(self.path, line, col, dotted(loc), message))

    def build(self, node: yaml.Node, loc: PathKey, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(node, f"document expands to more than {MAX_NODES} values "
                                "(alias/anchor expansion refused)")
        if depth > MAX_DEPTH:
            raise _TooBig(node, f"document is nested deeper than {MAX_DEPTH} levels")
        self.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in ALLOWED_TAGS:
            self.fail(node, loc, f"YAML tag {node.tag!r} is not allowed")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i), depth + 1) for i, child in enumerate(node.value)]
        try:
            return self._scalar_loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            self.fail(node, loc, f"cannot read value: {getattr(exc, 'problem', None) or exc}")
            return None

    def _mapping(self, node: yaml.MappingNode, loc: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, loc, "merge keys (<<) are not supported; write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, loc, "mapping keys must be plain strings")
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
    def __init__(self, node: yaml.Node, message: str) -> None:
        self.node = node
        self.message = message


def load_yaml(file: Path, display: str | None = None) -> YamlDoc:
    """Load one YAML file safely, raising :class:`InputError` with every problem found."""
    shown = display or str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(shown, 0, 0, "",
                                  f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem(shown, line, col, "",
                                  f"not valid UTF-8 (byte offset {exc.start})")]) from None
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: str) -> YamlDoc:
    """Parse YAML text (already decoded) into a :class:`YamlDoc`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise InputError([Problem(shown, line, col, "",
                                  f"malformed YAML: {exc.problem or exc.context}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"malformed YAML: {exc}")]) from None
    if node is None:
        raise InputError([Problem(shown, 1, 1, "", "file is empty")])
    builder = _Builder(shown)
    try:
        data = builder.build(node, (), 0)
    except _TooBig as big:
        builder.fail(big.node, (), big.message)
        data = None
    except yaml.YAMLError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"malformed YAML: {exc}")]) from None
    if builder.problems:
        raise InputError(builder.problems)
    return YamlDoc(shown, data, builder.positions)
