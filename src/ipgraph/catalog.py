"""The query catalog: one SPARQL query per ``.rq`` file, with a header of ``#+`` decorators.

A header looks like this (it stays valid SPARQL: every line is a comment)::

    #+ summary: Criminal cases by charge in a year, with their share of all IP criminal cases
    #+ description: Longer text. May span several lines, each starting with "#+ description:".
    #+ tags: criminal, charges
    #+ param: period xsd:gYear = 2023 -- the reference year
    #+ ordered: true

Parameters are SPARQL variables of the query; a value given by the user (or the default) is bound to the
variable, never pasted into the query text.

>>> q = parse_query_text("cq", "#+ summary: S\\n#+ param: period xsd:gYear = 2023 -- year\\nSELECT * {}")
>>> q.summary, q.params[0].name, q.params[0].default
('S', 'period', '2023')
"""

from __future__ import annotations

import os
import re

from ipgraph.errors import InputError

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s?(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\S+)(?:\s*=\s*(.*?))?(?:\s+--\s+(.*))?$")


class Param:
    """A query parameter: a variable, its type (``iri`` or an ``xsd:`` datatype), a default and a description."""

    __slots__ = ("default", "description", "name", "type")

    def __init__(self, name: str, type: str, default: str | None, description: str) -> None:
        self.name, self.type, self.default, self.description = name, type, default, description

    def __repr__(self) -> str:
        return f"Param({self.name!r}, {self.type!r}, {self.default!r})"


class CatalogQuery:
    """A named query of the catalog."""

    def __init__(self, name: str, text: str, path: os.PathLike[str] | str | None = None) -> None:
        self.name = name
        self.text = text
        self.path = path
        self.summary = ""
        self.description = ""
        self.tags: list[str] = []
        self.params: list[Param] = []
        self.ordered = False
        self.extra: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"CatalogQuery({self.name!r})"


def parse_query_text(name: str, text: str, path: os.PathLike[str] | str | None = None) -> CatalogQuery:
    """Read the ``#+`` header of a query."""
    q = CatalogQuery(name, text, path=path)
    descriptions: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "summary":
            q.summary = value
        elif key == "description":
            descriptions.append(value)
        elif key == "tags":
            q.tags = [t.strip() for t in value.split(",") if t.strip()]
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise InputError(
                    f"malformed '#+ param:' (want: NAME TYPE [= DEFAULT] [-- text]): {value}", path, lineno
                )
            q.params.append(Param(pm.group(1), pm.group(2), pm.group(3), pm.group(4) or ""))
        elif key == "ordered":
            q.ordered = value.lower() in ("true", "yes", "1")
        else:
            q.extra[key] = value
    q.description = " ".join(descriptions)
    return q


def load_catalog(queries_dir: os.PathLike[str] | str) -> dict[str, CatalogQuery]:
    """Every ``*.rq`` file directly under ``queries_dir`` (checks live in a sub-folder), by name."""
    folder = os.fspath(queries_dir)
    if not os.path.isdir(folder):
        raise InputError("query catalog folder not found", folder)
    catalog: dict[str, CatalogQuery] = {}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".rq"):
            path = os.path.join(folder, entry)
            with open(path, encoding="utf-8") as f:
                catalog[entry[:-3]] = parse_query_text(entry[:-3], f.read(), path)
    return catalog


def load_query(queries_dir: os.PathLike[str] | str, name: str) -> CatalogQuery:
    """One query by name, reading only its file; an unknown name gets the closest names of the catalog."""
    path = os.path.join(os.fspath(queries_dir), f"{name}.rq")
    if "/" not in name and "\\" not in name and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return parse_query_text(name, f.read(), path)
    return find_query(load_catalog(queries_dir), name)


def find_query(catalog: dict[str, CatalogQuery], name: str) -> CatalogQuery:
    """A query by name, or an error naming the closest names."""
    if name in catalog:
        return catalog[name]
    import difflib

    close = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.4)
    close += [n for n in catalog if name in n and n not in close][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else "; run 'ipgraph queries' for the list"
    raise InputError(f"unknown query {name!r}{hint}")
