"""Check data files against ipgraph's published JSON Schemas; a violation is one line with file, line and column.

The schemas (draft 2020-12) are package data, ``ipgraph/schemas/*.schema.json``, published as
``docs/schema/*.schema.json`` and named by every fact file's first line so that a YAML language server validates
and completes while a person types. They are the single source of truth for the keys a data file may hold and the
values each may take; the loader (:mod:`ipgraph.reading.facts`) checks them before it reads anything else.

The message of a violation is built from the schema: the ``description`` of the part that fails says what the
value must be, the ``title`` of an object names it.

>>> from ipgraph.reading import yamlread
>>> doc = yamlread.loads("id: shang hai\\nsource: x.txt\\n", "report.yaml")
>>> check(doc, "report", "report.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ipgraph.errors.InputError: report.yaml:1:5: id: must be a slug (...), not 'shang hai'
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from ipgraph.errors import InputError

#: Schema file of each kind of data file.
SCHEMA_FILES = {
    "facts": "ipgraph-facts.schema.json",
    "report": "ipgraph-report.schema.json",
    "shared": "ipgraph-shared.schema.json",
}
#: Kinds of data file checked against a part (``$defs``) of a schema file: kind -> (schema kind, definition).
SCHEMA_PARTS = {"exclusions": ("facts", "exclusions")}
_TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping",
    "boolean": "true or false",
    "null": "empty",
}


def schema_text(kind: str) -> str:
    """The text of the schema of ``kind`` (``facts``, ``report`` or ``shared``), as published."""
    return resources.files("ipgraph").joinpath("schemas", SCHEMA_FILES[kind]).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    """The parsed schema of ``kind``."""
    result: dict[str, Any] = json.loads(schema_text(kind))
    return result


@cache
def _validator(kind: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(schema(k))) for k, name in SCHEMA_FILES.items()
    )
    if kind in SCHEMA_PARTS:
        base, part = SCHEMA_PARTS[kind]
        root: dict[str, Any] = {"$ref": f"{SCHEMA_FILES[base]}#/$defs/{part}"}
    else:
        root = schema(kind)
    return Draft202012Validator(root, registry=registry)


def allowed_keys(kind: str, definition: str | None = None) -> frozenset[str]:
    """The keys the schema allows in a data file (``definition=None``) or in one of its ``$defs``.

    >>> sorted(allowed_keys("facts", "restate"))
    ['id', 'value']
    """
    node = schema(kind) if definition is None else schema(kind)["$defs"][definition]
    return frozenset(node.get("properties", {}))


def shown(value: Any) -> str:
    """A value as a short text in a message.

    >>> shown(True), shown("x" * 50), shown([2023]), shown(5)
    ('true', "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'", 'a list', '5')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:39] + "…")
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _path_text(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _node_at(doc: Any, path: Any) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _mark_of(doc: Any, path: list[Any]) -> tuple[int, int] | None:
    """The line and column of the value at ``path``."""
    if not path:
        return (doc.line, doc.column) if hasattr(doc, "line") else None
    parent = _node_at(doc, path[:-1])
    marks = getattr(parent, "marks", None)
    mark: tuple[int, int] | None = None
    if isinstance(marks, dict):
        mark = marks.get(path[-1])
    elif isinstance(marks, list) and isinstance(path[-1], int) and path[-1] < len(marks):
        mark = marks[path[-1]]
    return mark


def _describe(error: ValidationError) -> tuple[str, list[Any], str | None]:
    """The problem of a violation, the path of the value it concerns, and the key to point at (if any)."""
    sub: Any = error.schema if isinstance(error.schema, dict) else {}
    path = list(error.absolute_path)
    instance: Any = error.instance
    value: Any = error.validator_value
    description = sub.get("description")
    title = sub.get("title")
    if "propertyNames" in error.absolute_schema_path:
        return f"the key {shown(instance)} must be {description or 'valid'}", path, str(instance)
    if error.validator == "additionalProperties":
        extra = sorted(set(instance) - set(sub.get("properties", {})))
        allowed = ", ".join(sorted(sub.get("properties", {})))
        name = title or "this mapping"
        return f"unknown key {extra[0]!r} in {name} (allowed: {allowed})", path, extra[0]
    if error.validator == "required":
        missing = next((k for k in value if k not in instance), "?")
        if title:
            return f"{title} needs {missing!r}", path, None
        return f"needs {missing!r}" + (f" ({description})" if description else ""), path, None
    if error.validator in ("anyOf", "oneOf"):
        # a branch of the value's own type failed deeper: say why; if none is of its type, say what it must be
        fitting = [e for e in error.context or [] if e.relative_path or e.validator not in ("type", "required")]
        deepest = best_match(fitting) if fitting else None
        if deepest is not None:
            return _describe(deepest)
        if not description:
            return error.message.splitlines()[0], path, None
    if error.validator == "type" and title:
        wanted_type = _TYPE_WORDS.get(str(value), "valid")
        return f"{title} must be {wanted_type}, not {shown(instance)}", path, None
    if error.validator == "oneOf" and isinstance(instance, dict):
        return f"{title or 'this mapping'} must be {description}", path, None
    if description:
        return f"must be {description}, not {shown(instance)}", path, None
    if error.validator == "type":
        wanted = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in (value if isinstance(value, list) else [value]))
        return f"must be {wanted}, not {shown(instance)}", path, None
    if error.validator in ("minItems", "maxItems"):
        more = "more" if error.validator == "minItems" else "fewer"
        return f"must have {value} items or {more}", path, None
    return error.message.splitlines()[0], path, None


def violations(doc: Any, kind: str, path: os.PathLike[str] | str) -> list[InputError]:
    """Every violation of the schema of ``kind`` by a parsed data file, in the order of the file."""
    found: list[tuple[tuple[int, int], InputError]] = []
    errors = list(_validator(kind).iter_errors(doc))
    # a misspelt key also makes the key it should have been missing: report the misspelling only
    misspelt = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    for error in errors:
        if error.validator == "required" and tuple(error.absolute_path) in misspelt:
            continue
        problem, where, key = _describe(error)
        mark = None
        if key is not None:
            node = _node_at(doc, where)
            mark = getattr(node, "key_marks", {}).get(key)
        if mark is None:
            mark = _mark_of(doc, where)
        line, column = mark if mark is not None else (None, None)
        prefix = _path_text(where)
        message = f"{prefix}: {problem}" if prefix else problem
        found.append(((line or 0, column or 0), InputError(message, path, line, column)))
    found.sort(key=lambda x: x[0])
    return [e for _, e in found]


def check(doc: Any, kind: str, path: os.PathLike[str] | str) -> None:
    """Raise the first violation (in the order of the file) as a one-line :class:`InputError`."""
    found = violations(doc, kind, path)
    if found:
        first = found[0]
        more = len(found) - 1
        if more:
            first = InputError(f"{first.message} (and {more} more in this file)", path, first.line, first.column)
        raise first
