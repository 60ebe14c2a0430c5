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

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ipgraph.errors import InputError

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s?(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\S+)(?:\s*=\s*(.*?))?(?:\s+--\s+(.*))?$")


@dataclass(frozen=True)
class Param:
    """A query parameter: a variable, its type (``iri`` or an ``xsd:`` datatype), a default and a description."""

    name: str
    type: str
    default: str | None
    description: str


@dataclass
class CatalogQuery:
    """A named query of the catalog."""

    name: str
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    ordered: bool = False
    path: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)


def parse_query_text(name: str, text: str, path: Path | None = None) -> CatalogQuery:
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


def load_catalog(queries_dir: Path) -> dict[str, CatalogQuery]:
    """Every ``*.rq`` file directly under ``queries_dir`` (checks live in a sub-folder), by name."""
    if not queries_dir.is_dir():
        raise InputError("query catalog folder not found", queries_dir)
    catalog: dict[str, CatalogQuery] = {}
    for path in sorted(queries_dir.glob("*.rq")):
        catalog[path.stem] = parse_query_text(path.stem, path.read_text(encoding="utf-8"), path)
    return catalog


def find_query(catalog: dict[str, CatalogQuery], name: str) -> CatalogQuery:
    """A query by name, or an error naming the closest names."""
    if name in catalog:
        return catalog[name]
    close = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.4)
    close += [n for n in catalog if name in n and n not in close][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else "; run 'ipgraph queries' for the list"
    raise InputError(f"unknown query {name!r}{hint}")
