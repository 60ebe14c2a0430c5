"""The work a query worker does: run SPARQL, describe an entity, count the dataset, render pages.

Everything here runs inside a worker process (:mod:`ipgraph.server.workers`) and answers with bytes ready to
send, so the server process never waits on the store itself.
"""

from __future__ import annotations

import io
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.model.prefixes import PREFIXES, used_prefixes
from ipgraph.server import pages
from ipgraph.server.negotiate import GRAPH_FORMATS, RESULT_FORMATS, pick

_RESULT_OX = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_OX = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}
HTML_ROW_LIMIT = 5000


class ResultTooLarge(Exception):
    """The serialized result passed the size limit."""


class _Capped(io.BytesIO):
    """A write-only buffer that refuses to grow past a limit."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.overflow = False

    @property
    def buf(self) -> io.BytesIO:
        return self

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            self.overflow = True
            raise ResultTooLarge
        return super().write(data)


@dataclass
class JobContext:
    """A worker's store, its limits, and what queries may reach (SERVICE endpoints, FROM graphs)."""

    store: ox.Store
    build_dir: Path
    max_bytes: int
    isolated: bool
    allowed_services: tuple[str, ...] = ()
    allowed_graphs: frozenset[str] = frozenset()
    federation: bool = False
    in_memory: bool = False  # the store was copied into memory (see :func:`copy_to_memory`)

    @classmethod
    def open(cls, build_dir: Path, config: Any, isolated: bool) -> JobContext:
        """Open the build's store read-only (``config``: the worker's :class:`~ipgraph.server.workers.WorkerConfig`)."""
        from ipgraph.model.prefixes import GRAPHS
        from ipgraph.store.embedded import open_store

        store = open_store(build_dir)
        memory = copy_to_memory(store, config.memory_store_quads) if config.memory_store_quads else None
        if memory is not None:
            del store  # the copy answers every query; the files on disk are let go
            store = memory
        graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        allowed = frozenset(graphs | set(GRAPHS) | set(config.allowed_graphs))
        return cls(
            store,
            build_dir,
            config.max_result_bytes,
            isolated,
            tuple(config.allowed_services),
            allowed,
            bool(config.federation),
            memory is not None,
        )


def copy_to_memory(store: ox.Store, max_quads: int, chunk: int = 50_000) -> ox.Store | None:
    """The store's quads in an in-memory store (Oxigraph evaluates queries there several times faster than over
    RocksDB), or None when it holds more than ``max_quads`` (then the caller keeps the store on disk).

    >>> disk = ox.Store()
    >>> disk.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c"), ox.NamedNode("http://g")))
    >>> len(copy_to_memory(disk, 10)), copy_to_memory(disk, 0)
    (1, None)
    """
    memory = ox.Store()
    quads = store.quads_for_pattern(None, None, None, None)
    copied = 0
    while True:
        batch = list(itertools.islice(quads, chunk))
        if not batch:
            return memory
        copied += len(batch)
        if copied > max_quads:
            return None
        memory.extend(batch)


def _too_large(limit: int) -> tuple[str, int, str]:
    return (
        "err",
        503,
        f"result too large: more than {limit:,} bytes; narrow the query or add a LIMIT",
    )


def _syntax(exc: Exception) -> tuple[str, int, str]:
    from ipgraph.store.embedded import _syntax_message

    return ("err", 400, _syntax_message(str(exc), 0))


def serialize_graph(triples: Any, key: str, limit: int) -> bytes:
    """Triples in one of :data:`GRAPH_FORMATS` (Turtle with the project's prefixes); raise ResultTooLarge."""
    out = _Capped(limit)
    prefixes = None
    if key in ("ttl", "rdf", "jsonld"):
        triples = list(itertools.islice(triples, limit // 40 + 1))
        if len(triples) > limit // 40:
            raise ResultTooLarge
        prefixes = used_prefixes(triples)
    try:
        ox.serialize(triples, out, _GRAPH_OX[key], prefixes=prefixes)
    except ResultTooLarge:
        raise
    except Exception:
        if out.overflow:
            raise ResultTooLarge from None
        raise
    return out.buf.getvalue()


def _sparql(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """A query of the SPARQL protocol: checked (depth, SERVICE, dataset) from its parse, then run.

    The default graph is the union of the named graphs unless the query names its dataset (FROM / FROM NAMED)
    or the request does (``default-graph-uri`` / ``named-graph-uri``). A query whose SERVICE endpoints are all
    allowed is answered ``("fed", …)`` by an isolated worker: the server hands it to the federation pool.
    """
    from ipgraph.store.sparqlcheck import QueryRefused, check, is_update

    _, text, default_graphs, named_graphs, accept, fmt, html_ok = job
    try:
        analysis = check(
            text, allowed_services=ctx.allowed_services, allowed_graphs=ctx.allowed_graphs, prefixes=PREFIXES
        )
    except QueryRefused as exc:
        return ("err", exc.status, exc.message)
    if analysis.services and not ctx.federation:
        return ("fed", None, None)
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if default_graphs is not None or named_graphs is not None:
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    elif not analysis.has_dataset:  # no FROM in the query: the default graph is the union of the named graphs
        kwargs["use_default_graph_as_union"] = True
    try:
        result = ctx.store.query(text, **kwargs)
    except SyntaxError as exc:
        if is_update(text):
            return ("err", 403, "SPARQL Update is refused: this endpoint is read-only")
        return _syntax(exc)
    except (ValueError, OSError, NotImplementedError, TypeError, RuntimeError) as exc:
        return _query_error(exc)
    try:
        if isinstance(result, ox.QueryTriples):
            key = pick(accept, GRAPH_FORMATS, html=False, fmt=fmt)
            if key is None:
                return _not_acceptable(GRAPH_FORMATS)
            return ("ok", GRAPH_FORMATS[key], serialize_graph(result, key, ctx.max_bytes))
        key = pick(accept, RESULT_FORMATS, html=html_ok, fmt=fmt)
        if key is None:
            return _not_acceptable(RESULT_FORMATS)
        if key == "html":
            return ("ok", "text/html; charset=utf-8", _html_results(result, ctx.max_bytes))
        if isinstance(result, ox.QueryBoolean) and key in ("csv", "tsv"):
            body = (b"_askResult\n" if key == "csv" else b"?_askResult\n") + (b"true" if result else b"false")
            return ("ok", RESULT_FORMATS[key], body + b"\n")
        out = _Capped(ctx.max_bytes)
        result.serialize(out, _RESULT_OX[key])
        return ("ok", RESULT_FORMATS[key], out.buf.getvalue())
    except ResultTooLarge:
        return _too_large(ctx.max_bytes)
    except (ValueError, OSError, NotImplementedError, TypeError, RuntimeError) as exc:
        if "ResultTooLarge" in type(exc).__name__:
            return _too_large(ctx.max_bytes)
        return _query_error(exc)


def _query_error(exc: Exception) -> tuple[str, int, str]:
    """A query the engine refused while running it (an unknown function, a type error, …): the client's 400."""
    first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return ("err", 400, f"query error: {first}")


def _not_acceptable(offered: dict[str, str]) -> tuple[str, int, str]:
    return (
        "err",
        406,
        "none of the accepted media types can be served; available: " + ", ".join(offered.values()),
    )


def _html_results(result: Any, limit: int) -> bytes:
    if isinstance(result, ox.QueryBoolean):
        return pages.page("ASK result", f"<p class=ask>{'true' if result else 'false'}</p>").encode()
    variables = [v.value for v in result.variables]
    rows: list[list[Any]] = []
    size = 0
    for sol in result:
        rows.append([sol[v] for v in variables])
        size += sum(len(str(t)) for t in rows[-1] if t is not None) + 20
        if size > limit:
            raise ResultTooLarge
        if len(rows) > HTML_ROW_LIMIT:
            break
    note = f"<p>first {HTML_ROW_LIMIT:,} rows</p>" if len(rows) > HTML_ROW_LIMIT else ""
    return pages.page("Query results", note + pages.results_table(variables, rows[:HTML_ROW_LIMIT])).encode()


_ENTITY_CONSTRUCT = """CONSTRUCT {
  ?s ?p ?o . ?x ?q ?s . ?r ?rp ?ro . ?quote oa:hasSelector ?sel . ?sel oa:exact ?exact .
  ?quote ipg:section ?section .
} WHERE {
  { ?s ?p ?o }
  UNION { ?x ?q ?s FILTER(?q NOT IN (rdf:subject, rdf:object)) }
  UNION { ?r rdf:subject ?s ; ?rp ?ro }
  UNION { ?s prov:wasDerivedFrom ?quote . ?quote oa:hasSelector ?sel . ?sel oa:exact ?exact .
          OPTIONAL { ?quote ipg:section ?section } }
}"""
_ENTITY_EXISTS = """SELECT ?p WHERE { { ?s ?p ?o } UNION { ?x ?p ?s } } LIMIT 1"""


def _rows(ctx: JobContext, text: str, iri: ox.NamedNode) -> list[dict[str, Any]]:
    from ipgraph.store.embedded import SelectResult, run_query

    result = run_query(ctx.store, text, {"s": iri})
    assert isinstance(result, SelectResult)
    return result.rows


def _entity(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    from ipgraph.server import ldpages
    from ipgraph.store.embedded import run_query

    _, iri_text, accept, fmt, lang = job
    iri = ox.NamedNode(iri_text)
    key = pick(accept, GRAPH_FORMATS, html=True, fmt=fmt)
    if key == "html":
        body = ldpages.resource_page(ctx.store, iri_text, lang, ctx.build_dir)
        if body is None:
            return ("err", 404, f"<{iri_text}> is not in the graph")
        return _html(body, ctx.max_bytes)
    if not _rows(ctx, _ENTITY_EXISTS, iri):
        return ("err", 404, f"<{iri_text}> is not in the graph")
    if key is None:
        return _not_acceptable({"html": "text/html", **GRAPH_FORMATS})
    # store.bind_values puts its VALUES block in the first group, which in a CONSTRUCT is the template: bind here
    # at the head of the WHERE group instead (the IRI serialized by pyoxigraph, never pasted text).
    head, sep, tail = _ENTITY_CONSTRUCT.partition("} WHERE {")
    text = f"{head}{sep} VALUES ?s {{ {iri} }}{tail}"
    triples = run_query(ctx.store, text)
    try:
        return ("ok", GRAPH_FORMATS[key], serialize_graph(triples, key, ctx.max_bytes))
    except ResultTooLarge:
        return _too_large(ctx.max_bytes)


def _search(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    from ipgraph.server import ldpages

    _, query, lang = job
    return _html(ldpages.search_page(ctx.store, query, lang), ctx.max_bytes)


def _dataset_html(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    from ipgraph.server import ldpages

    _, lang, base, stats, dumps = job
    return _html(ldpages.dataset_page(ctx.store, lang, base, stats, list(dumps)), ctx.max_bytes)


def _html(page: str, limit: int) -> tuple[str, Any, Any]:
    """A page as a worker's answer, within the result size limit."""
    body = page.encode()
    return _too_large(limit) if len(body) > limit else ("ok", "text/html; charset=utf-8", body)


def _select(store: ox.Store, text: str, **kwargs: Any) -> ox.QuerySolutions:
    result = store.query(text, **kwargs)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _stats(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    counts: dict[str, int] = {}
    for sol in _select(ctx.store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        counts[sol["g"].value] = int(sol["n"].value)
    total = 0
    for sol in _select(ctx.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True):
        total = int(sol["n"].value)
    entities = 0
    for sol in _select(
        ctx.store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) "
        "WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/ipgraph/id/')) }",
        use_default_graph_as_union=True,
    ):
        entities = int(sol["n"].value)
    example = ""
    for sol in _select(
        ctx.store,
        "SELECT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?s), 'https://w3id.org/ipgraph/id/inst/')) } "
        "ORDER BY ?s LIMIT 1",
        use_default_graph_as_union=True,
    ):
        example = sol["s"].value
    stats = {"graphs": counts, "triples": total, "entities": entities, "example": example, "in_memory": ctx.in_memory}
    return ("ok", "stats", stats)


_ONTOLOGY_TERMS = """SELECT ?t ?kind ?en ?zh ?def WHERE {
  GRAPH <https://w3id.org/ipgraph/graph/ontology> {
    VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                   qb:DimensionProperty qb:MeasureProperty qb:AttributeProperty skos:ConceptScheme }
    ?t a ?kind .
    OPTIONAL { ?t rdfs:label ?en FILTER(langMatches(lang(?en), "en")) }
    OPTIONAL { ?t rdfs:label ?zh FILTER(langMatches(lang(?zh), "zh")) }
    OPTIONAL { ?t skos:definition ?def FILTER(langMatches(lang(?def), "en")) }
  }
} ORDER BY ?kind ?t"""


def _ontology_html(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    rows = list(_select(ctx.store, _ONTOLOGY_TERMS, prefixes=PREFIXES))
    items = [
        (
            r["t"].value,
            r["kind"].value,
            *(r[v].value if r[v] is not None else "" for v in ("en", "zh", "def")),
        )
        for r in rows
        if isinstance(r["t"], ox.NamedNode)
    ]
    return ("ok", "text/html; charset=utf-8", pages.ontology_page(items).encode())


_TERM_KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "property",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "property",
    "http://purl.org/linked-data/cube#DimensionProperty": "property",
    "http://purl.org/linked-data/cube#MeasureProperty": "property",
    "http://purl.org/linked-data/cube#AttributeProperty": "property",
}


def _terms(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """The query editor's completions as JSON: ipgraph's prefixes, and the ontology's classes and properties with
    their English and Chinese labels."""
    import json

    found: dict[str, dict[str, dict[str, str]]] = {"class": {}, "property": {}}
    for r in _select(ctx.store, _ONTOLOGY_TERMS, prefixes=PREFIXES):
        group = _TERM_KINDS.get(r["kind"].value, "")
        if not group or not isinstance(r["t"], ox.NamedNode):
            continue
        entry = found[group].setdefault(r["t"].value, {"iri": r["t"].value, "en": "", "zh": ""})
        for lang in ("en", "zh"):
            if r[lang] is not None and not entry[lang]:
                entry[lang] = r[lang].value
    body = {
        "prefixes": dict(sorted(PREFIXES.items())),
        "classes": sorted(found["class"].values(), key=lambda e: e["iri"]),
        "properties": sorted(found["property"].values(), key=lambda e: e["iri"]),
    }
    return ("ok", "application/json", json.dumps(body, ensure_ascii=False).encode())


VIZ_VIEWS = ("derivation", "charges", "institutions", "ontology", "all", "entity")


def _viz(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """A page of ``ipgraph viz`` (the ``entity`` view around ``focus``, or a whole-graph view)."""
    _, name, focus, depth, lang = job
    import importlib

    try:
        views = importlib.import_module("ipgraph.viz.views")
        layout = importlib.import_module("ipgraph.viz.layout")
        page = importlib.import_module("ipgraph.viz.page")
    except ImportError:
        return ("err", 404, "the viz pages are not available in this installation (no ipgraph.viz module)")
    from ipgraph.errors import IpgraphError

    try:
        view = views.build_view(ctx.store, name, focus=focus, depth=depth, details=True)
        layout.apply_layout(view, size_by="count")
        body = page.render_page(view, lang, show_details=False)
    except IpgraphError as exc:
        return ("err", 404, f"no {name} view for {focus!r}: {exc}" if focus else f"no {name} view: {exc}")
    except (TypeError, AttributeError, ValueError) as exc:  # a viz module of another shape
        print(f"ipgraph serve: viz {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ("err", 404, "the viz pages are not available in this installation")
    return ("ok", "text/html; charset=utf-8", str(body).encode())


def _ping(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    return ("ok", "text/plain", b"pong")


def _sleep(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """Busy for a while (tests of the time limit)."""
    import time

    time.sleep(float(job[1]))
    return ("ok", "text/plain", b"slept")


def _connect(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """Try a TCP connection from the worker (tests that workers have no network)."""
    import socket

    try:
        with socket.create_connection((job[1], int(job[2])), timeout=2):
            return ("ok", "text/plain", b"connected")
    except OSError as exc:
        return ("ok", "text/plain", f"refused: {exc}".encode())


def _raw_sparql(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """Run a query unscreened (tests of the network wall only)."""
    try:
        result = ctx.store.query(job[1])
        if isinstance(result, ox.QuerySolutions):
            list(result)
        return ("ok", "text/plain", b"ran")
    except Exception as exc:
        return ("ok", "text/plain", f"failed: {type(exc).__name__}".encode())


JOBS = {
    "sparql": _sparql,
    "entity": _entity,
    "search": _search,
    "dataset_html": _dataset_html,
    "stats": _stats,
    "ontology_html": _ontology_html,
    "terms": _terms,
    "viz": _viz,
    "ping": _ping,
    "sleep": _sleep,
    "connect": _connect,
    "raw_sparql": _raw_sparql,
}


def run_job(ctx: JobContext, job: tuple[Any, ...]) -> tuple[str, Any, Any]:
    """Run one job; an unknown job is a programming error reported as a 500."""
    fn = JOBS.get(job[0])
    if fn is None:
        print(f"ipgraph serve: unknown job {job[0]!r}", file=sys.stderr)
        return ("err", 500, "internal error")
    return fn(ctx, job)
