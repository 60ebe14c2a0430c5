"""Render query results: an aligned table (wide CJK characters counted as two columns), CSV, TSV, Markdown, and
W3C SPARQL 1.1 Query Results JSON.

>>> import pyoxigraph as ox
>>> from ipgraph.store import SelectResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
>>> r = SelectResult(["charge", "cases"], [{"charge": ox.Literal("假冒注册商标罪"), "cases": ox.Literal("298")}])
>>> print(render(r, "table"))
charge          cases
--------------  -----
假冒注册商标罪  298
"""

from __future__ import annotations

import unicodedata

import pyoxigraph as ox

from ipgraph.prefixes import PREFIXES
from ipgraph.store import SelectResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("table", "csv", "tsv", "json", "md")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: len(kv[1]), reverse=True)


def compact(iri: str) -> str:
    """An IRI as a CURIE when a known prefix fits.

    >>> compact("https://w3id.org/ipgraph/id/charge/art-213-counterfeiting-registered-trademark")
    'charge:art-213-counterfeiting-registered-trademark'
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def cell(term: Any) -> str:
    """One value as text: CURIE for IRIs, the lexical form for literals, empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return str(term.value)
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def render(result: SelectResult, fmt: str) -> str:
    """Render SELECT rows in one of :data:`FORMATS`."""
    names = result.variables
    if fmt == "json":
        import json

        bindings = [{v: _term_json(row[v]) for v in names if row.get(v) is not None} for row in result.rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)
    table = [[cell(row.get(v)) for v in names] for row in result.rows]
    if fmt in ("csv", "tsv"):
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(names)
        writer.writerows(table)
        return buf.getvalue().rstrip("\n")
    if fmt == "md":
        esc = [[c.replace("|", "\\|") for c in r] for r in table]
        lines = ["| " + " | ".join(names) + " |", "|" + "|".join("---" for _ in names) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in esc]
        return "\n".join(lines)
    widths = [max([_width(n)] + [_width(r[i]) for r in table]) for i, n in enumerate(names)]
    lines = ["  ".join(_pad(n, w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    return "\n".join(lines)
