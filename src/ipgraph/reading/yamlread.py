"""Parse a YAML data file into plain JSON-like values, refusing what data never needs and keeping every position.

Data files hold only mappings with string keys, lists, strings, numbers, booleans and nulls, so the loader
refuses the rest before it can cost anything:

- aliases (``*name``) are refused at once: they are never needed in data, and a handful of them nested
  ("billion laughs") expands into billions of nodes;
- nesting deeper than :data:`MAX_DEPTH` levels and more than :data:`MAX_NODES` nodes are refused while parsing;
- numbers longer than :data:`MAX_NUMBER_CHARS` characters, ``.nan`` and ``.inf`` are refused;
- dates stay text (``2023-01-01`` is the string it looks like, which the schema then refuses as a year), and the
  tags ``!!binary``, ``!!set``, ``!!omap``, ``!!pairs`` and ``!!timestamp`` are unknown.

Every mapping and list remembers the line and column of its children (:class:`Located`, :class:`LocatedList`),
so that a problem found later, by the schema or the build, can point at the exact place.

>>> doc = loads("a:\\n  b: [1, 2]\\n")
>>> doc["a"].marks["b"], doc["a"]["b"].marks[1]
((2, 6), (2, 10))
>>> loads("a: &x [1]\\nb: *x\\n")
Traceback (most recent call last):
...
ipgraph.errors.InputError: <text>:2:4: aliases (*x) are not allowed in data files: write the value out
"""

from __future__ import annotations

import math
import os
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ipgraph.errors import InputError
from ipgraph.reading.safe_read import YAML_LIMIT, read_text

MAX_DEPTH = 32
MAX_NODES = 200_000
MAX_NUMBER_CHARS = 40

Mark = tuple[int, int]  # 1-based line and column


class Located(dict[str, Any]):
    """A YAML mapping with the position of itself, of each value (``marks``) and of each key (``key_marks``)."""

    line: int = 0
    column: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, Mark] = {}
        self.key_marks: dict[str, Mark] = {}


class LocatedList(list[Any]):
    """A YAML list with the position of itself and of each item (``marks``)."""

    line: int = 0
    column: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[Mark] = []


class _Refused(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _pos(mark: yaml.Mark) -> Mark:
    return mark.line + 1, mark.column + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, deep nesting, non-JSON types or duplicate keys; with positions."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def _peek(self) -> Any:
        return self.peek_event()  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self._peek()
            name = getattr(event, "anchor", "") or ""
            raise _Refused(f"aliases (*{name}) are not allowed in data files: write the value out", event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES:,} values in one file", self._peek().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", self._peek().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Keep only the JSON-like types: no timestamps (they stay strings), no binary, sets or ordered maps.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_KEPT_TAGS = {"null", "bool", "int", "float", "str", "seq", "map"}
_Loader.yaml_constructors = {
    tag: fn
    for tag, fn in yaml.SafeLoader.yaml_constructors.items()
    if tag is not None and tag.removeprefix("tag:yaml.org,2002:") in _KEPT_TAGS
}


def _construct_mapping(loader: _Loader, node: MappingNode) -> Located:
    result = Located()
    result.line, result.column = _pos(node.start_mark)
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _Refused("a key must be a plain text, not a list or a mapping", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _Refused(f"the key {key_node.value!r} must be a text: put it in quotes", key_node.start_mark)
        if key in result:
            raise _Refused(f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_marks[key] = _pos(key_node.start_mark)
        result.marks[key] = _pos(value_node.start_mark)
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LocatedList:
    result = LocatedList()
    result.line, result.column = _pos(node.start_mark)
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.marks.append(_pos(child.start_mark))
    return result


def _number_text(node: ScalarNode) -> str:
    text = str(node.value)
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of more than {MAX_NUMBER_CHARS} characters", node.start_mark)
    return text


def _construct_int(loader: _Loader, node: ScalarNode) -> int:
    _number_text(node)
    return int(yaml.SafeLoader.construct_yaml_int(loader, node))


def _construct_float(loader: _Loader, node: ScalarNode) -> float:
    _number_text(node)
    value = float(yaml.SafeLoader.construct_yaml_float(loader, node))
    if not math.isfinite(value):
        raise _Refused(f"{node.value} is not a finite number", node.start_mark)
    return value


def _unknown_tag(loader: _Loader, node: Node) -> Any:
    message = f"unsupported tag {node.tag} (data files hold only text, numbers, lists and mappings)"
    raise _Refused(message, node.start_mark)


_Loader.add_constructor(None, _unknown_tag)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def loads(text: str, name: os.PathLike[str] | str = "<text>") -> Any:
    """Parse YAML text; every problem is a one-line :class:`InputError` at ``name:line:column``."""
    try:
        loader = _Loader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _Refused as exc:
        line, column = _pos(exc.mark) if exc.mark is not None else (None, None)
        raise InputError(exc.message, name, line, column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _pos(mark) if mark is not None else (None, None)
        problem = ", ".join(p for p in (exc.context, exc.problem) if p) or "not YAML"
        raise InputError(f"malformed YAML: {problem}", name, line, column) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {str(exc).splitlines()[0]}", name) from None
    except (RecursionError, MemoryError):  # a last resort; the limits above come first
        raise InputError("malformed YAML: too deeply nested or too large", name) from None


def load_file(path: os.PathLike[str] | str, what: str = "a YAML file") -> Any:
    """Read (safely, at most :data:`~ipgraph.reading.safe_read.YAML_LIMIT` bytes) and parse one YAML data file."""
    return loads(read_text(path, YAML_LIMIT, what), path)
