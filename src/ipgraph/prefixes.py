"""Namespace prefixes of everything ipgraph writes, without importing rdflib (the query path stays light).

>>> PREFIXES["charge"]
'https://w3id.org/ipgraph/id/charge/'
"""

from __future__ import annotations

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
