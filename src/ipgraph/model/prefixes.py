"""Namespace prefixes of everything ipgraph writes, without importing rdflib (the query path stays light).

>>> PREFIXES["charge"]
'https://w3id.org/ipgraph/id/charge/'
"""

from __future__ import annotations

import bisect

IPG_NS = "https://w3id.org/ipgraph/ontology/"
ID_BASE = "https://w3id.org/ipgraph/id/"

#: Prefixes of identifiers: every one is ``https://w3id.org/ipgraph/id/<prefix>/``.
ID_PREFIXES: tuple[str, ...] = (
    # code lists defined by the ontology
    "scheme",
    "right",
    "charge",
    "law",
    "article",
    "function",
    "level",
    "category",
    "breakdown",
    "unit",
    "uom",
    "measure",
    "qualifier",
    "direction",
    "dsd",
    "method",
    "interpretation",
    "checkkind",
    "verdict",
    # report data
    "inst",
    "office",
    "person",
    "doc",
    "place",
    "event",
    "programme",
    "award",
    "product",
    "tech",
    "industry",
    "concept",
    "case",
    # minted by the build
    "report",
    "section",
    "source",
    "reference",
    "period",
    "quote",
    "obs",
    "dataset",
    "statement",
    "check",
    # minted by the linker (findings about linked records)
    "finding",
)

#: Prefix map for every namespace ipgraph writes (Turtle, SPARQL, JSON-LD context).
PREFIXES: dict[str, str] = {
    "ipg": IPG_NS,
    **{p: f"{ID_BASE}{p}/" for p in ID_PREFIXES},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}


def sparql_prologue() -> str:
    """PREFIX declarations for every known prefix."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


#: Prefixes of the vocabularies the server's descriptions use (service description, VoID, DCAT, formats).
EXTRA_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "formats": "http://www.w3.org/ns/formats/",
}
GRAPH_BASE = "https://w3id.org/ipgraph/graph/"
#: ipgraph's named graphs; their union is the default graph of every query.
GRAPHS: tuple[str, ...] = tuple(GRAPH_BASE + g for g in ("ontology", "facts", "provenance", "derived", "links"))


def used_prefixes(iris: object) -> dict[str, str]:
    """The project's prefixes that some IRI of the triples (pyoxigraph terms) uses: a short, readable Turtle header.

    >>> import pyoxigraph as ox
    >>> t = ox.Triple(ox.NamedNode(ID_BASE + "charge/x"), ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("x"))
    >>> sorted(used_prefixes([t]))
    ['charge', 'rdfs', 'xsd']
    """
    names: set[str] = set()
    for t in iris:  # type: ignore[attr-defined]
        for term in (t.subject, t.predicate, t.object):
            value = getattr(term, "value", None)
            datatype = getattr(term, "datatype", None)
            if datatype is not None:
                names.add(datatype.value)
            elif isinstance(value, str) and not hasattr(term, "language"):
                names.add(value)
    # in sorted order, the first name not below a namespace starts with it if any name does (one bisection each)
    ordered = sorted(names)
    used: dict[str, str] = {}
    for prefix, ns in {**PREFIXES, **EXTRA_PREFIXES}.items():
        at = bisect.bisect_left(ordered, ns)
        if at < len(ordered) and ordered[at].startswith(ns):
            used[prefix] = ns
    return used
