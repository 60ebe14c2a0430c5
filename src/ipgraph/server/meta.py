"""Descriptions of the service and the dataset: SPARQL 1.1 Service Description, VoID and DCAT.

Built as pyoxigraph triples (never by pasting text), then serialized in the format a client asks for.

>>> triples = service_description("http://127.0.0.1:7878", {"https://w3id.org/ipgraph/graph/facts": 3}, 3)
>>> any(t.object == ox.NamedNode(SD + "SPARQL11Query") for t in triples)
True
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = "http://www.w3.org/ns/formats/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

#: Dumps of a build served under /download/: file name → media type.
DUMPS: dict[str, str] = {
    "ipgraph.nq": "application/n-quads",
    "ipgraph.trig": "application/trig",
    "ipgraph.ttl": "text/turtle",
    "ipgraph.nt": "application/n-triples",
    "ipgraph.jsonld": "application/ld+json",
}
VOCABULARIES = (
    "https://w3id.org/ipgraph/ontology/",
    "http://purl.org/linked-data/cube#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/ns/org#",
    "http://purl.org/dc/terms/",
)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def _local(graph_iri: str) -> str:
    return graph_iri.rstrip("/").rsplit("/", 1)[-1]


def service_description(base: str, graphs: dict[str, int], total: int) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of the endpoint at ``base + '/sparql'``."""
    svc, endpoint = _n(f"{base}/sparql#service"), _n(f"{base}/sparql")
    dataset, default = _n(f"{base}/sparql#dataset"), _n(f"{base}/sparql#default-graph")
    t = [
        ox.Triple(svc, RDF_TYPE, _n(SD + "Service")),
        ox.Triple(svc, _n(SD + "endpoint"), endpoint),
        ox.Triple(svc, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(svc, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(svc, _n(SD + "defaultEntailmentRegime"), _n("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(svc, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _n(SD + "Graph")),
        ox.Triple(default, _n(VOID + "triples"), _int(total)),
        ox.Triple(
            svc,
            _n(DCT + "description"),
            ox.Literal(
                "Read-only SPARQL 1.1 endpoint of ipgraph; the default graph is the union of the named graphs.",
                language="en",
            ),
        ),
    ]
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        t.append(ox.Triple(svc, _n(SD + "resultFormat"), _n(FORMATS + fmt)))
    for iri, count in sorted(graphs.items()):
        ng, g = _n(f"{base}/sparql#named-{_local(iri)}"), _n(f"{base}/sparql#graph-{_local(iri)}")
        t += [
            ox.Triple(dataset, _n(SD + "namedGraph"), ng),
            ox.Triple(ng, RDF_TYPE, _n(SD + "NamedGraph")),
            ox.Triple(ng, _n(SD + "name"), _n(iri)),
            ox.Triple(ng, _n(SD + "graph"), g),
            ox.Triple(g, RDF_TYPE, _n(SD + "Graph")),
            ox.Triple(g, _n(VOID + "triples"), _int(count)),
        ]
    return t


def void_description(base: str, stats: dict[str, Any], dumps: list[str]) -> list[ox.Triple]:
    """A VoID and DCAT description of the dataset, its graphs, its dumps and its endpoint."""
    ds = _n(f"{base}/.well-known/void#ipgraph")
    svc = _n(f"{base}/sparql#service")
    t = [
        ox.Triple(ds, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(ds, RDF_TYPE, _n(DCAT + "Dataset")),
        ox.Triple(
            ds,
            _n(DCT + "title"),
            ox.Literal("ipgraph: intellectual-property cases and trends", language="en"),
        ),
        ox.Triple(ds, _n(DCT + "title"), ox.Literal("ipgraph：知识产权案件与趋势知识图谱", language="zh")),
        ox.Triple(
            ds,
            _n(DCT + "description"),
            ox.Literal(
                "A knowledge graph of intellectual-property cases and trends "
                "built from procuratorial reports; "
                "every figure and entity cites the quote of the report it comes from.",
                language="en",
            ),
        ),
        ox.Triple(ds, _n(VOID + "sparqlEndpoint"), _n(f"{base}/sparql")),
        ox.Triple(ds, _n(VOID + "uriSpace"), ox.Literal("https://w3id.org/ipgraph/id/")),
        ox.Triple(ds, _n(VOID + "triples"), _int(int(stats.get("triples", 0)))),
        ox.Triple(ds, _n(VOID + "entities"), _int(int(stats.get("entities", 0)))),
        ox.Triple(ds, _n(VOID + "rootResource"), _n("https://w3id.org/ipgraph/id/report/shanghai-2023")),
        ox.Triple(ds, _n(DCAT + "accessService"), svc),
        ox.Triple(svc, RDF_TYPE, _n(DCAT + "DataService")),
        ox.Triple(svc, _n(DCAT + "endpointURL"), _n(f"{base}/sparql")),
        ox.Triple(svc, _n(DCAT + "endpointDescription"), _n(f"{base}/sparql")),
        ox.Triple(svc, _n(DCAT + "servesDataset"), ds),
        ox.Triple(ds, _n(DCAT + "landingPage"), _n(f"{base}/")),
    ]
    if stats.get("example"):
        t.append(ox.Triple(ds, _n(VOID + "exampleResource"), _n(str(stats["example"]))))
    for vocab in VOCABULARIES:
        t.append(ox.Triple(ds, _n(VOID + "vocabulary"), _n(vocab)))
    for iri, count in sorted(dict(stats.get("graphs", {})).items()):
        sub = _n(iri)
        t += [
            ox.Triple(ds, _n(VOID + "subset"), sub),
            ox.Triple(sub, RDF_TYPE, _n(VOID + "Dataset")),
            ox.Triple(sub, _n(VOID + "triples"), _int(int(count))),
            ox.Triple(sub, _n(DCT + "title"), ox.Literal(f"the {_local(iri)} graph", language="en")),
        ]
    for name in dumps:
        url = _n(f"{base}/download/{name}")
        dist = _n(f"{base}/.well-known/void#dist-{name.rsplit('.', 1)[-1]}")
        t += [
            ox.Triple(ds, _n(VOID + "dataDump"), url),
            ox.Triple(ds, _n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, _n(DCAT + "Distribution")),
            ox.Triple(dist, _n(DCAT + "downloadURL"), url),
            ox.Triple(
                dist,
                _n(DCAT + "mediaType"),
                _n("https://www.iana.org/assignments/media-types/" + DUMPS[name]),
            ),
        ]
    return t
