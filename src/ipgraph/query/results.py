"""Render query results: a table fitted to the terminal (see :mod:`ipgraph.query.termtable`), CSV, TSV, Markdown, and
W3C SPARQL 1.1 Query Results JSON; every format but the fitted table is complete.

>>> import pyoxigraph as ox
>>> from ipgraph.store.embedded import SelectResult
>>> r = SelectResult(["charge", "cases"], [{"charge": ox.Literal("假冒注册商标罪"), "cases": ox.Literal("298")}])
>>> print(render(r, "table"))
charge          cases
--------------  -----
假冒注册商标罪  298
>>> print(render(r, "table", width=14))
-- 1 --
charge  假冒注
        册商标
        罪
cases   298
"""

from __future__ import annotations

import pyoxigraph as ox

from ipgraph.model.prefixes import PREFIXES
from ipgraph.store.embedded import SelectResult

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


def render(result: SelectResult, fmt: str, width: int | None = None) -> str:
    """Render SELECT rows in one of :data:`FORMATS`; a table within ``width`` columns when given (else unabridged)."""
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
    from ipgraph.query.termtable import table as fitted

    return fitted(names, table, width)
