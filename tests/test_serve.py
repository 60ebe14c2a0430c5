"""``ipgraph serve``: the SPARQL 1.1 Protocol, Linked Data pages, the query page, and its safety limits.

One server is started for the module (``--time-limit 8``, small result and request limits) on a free loopback
port; real clients (SPARQLWrapper, curl) talk to it as they would to any endpoint.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph.model.prefixes import ID_BASE
from ipgraph.query.catalog import load_catalog

from .conftest import QUERIES
from .serverutil import Served, ipgraph_serve

SELECT_LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s ?l LIMIT 5"
CONSTRUCT_ONE = "CONSTRUCT { ?s a ipg:Procuratorate } WHERE { ?s a ipg:Procuratorate }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ERRORS: list[bytes] = []  # every error body seen, checked for stack traces at the end
pytestmark = pytest.mark.slow  # every test here talks to a server process


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    with ipgraph_serve(
        built,
        tmp,
        "--time-limit",
        "8",  # the heaviest catalog query takes about 1 s alone, and 3 s on a busy 2-core machine
        "--max-result-size",
        "300k",
        "--max-request-size",
        "16k",
        "--workers",
        "2",
        "--queries",
        str(QUERIES),
    ) as s:
        yield s


def _err(status: int, body: bytes) -> bytes:
    if status >= 400:
        ERRORS.append(body)
    return body


def _match(g: list[ox.Quad], p: ox.NamedNode, o: ox.NamedNode | None = None) -> list[ox.Quad]:
    return [q for q in g if q.predicate == p and (o is None or q.object == o)]


def _json(body: bytes) -> dict:  # type: ignore[type-arg]
    return json.loads(body.decode("utf-8"))


# ---- SPARQL protocol -----------------------------------------------------------------------------
def test_binds_loopback_by_default(server: Served) -> None:
    assert "http://127.0.0.1:" in server.log.read_text(encoding="utf-8")
    from ipgraph.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_get_query_json(server: Served) -> None:
    status, headers, body = server.get("/sparql", "application/sparql-results+json", query=SELECT_LABELS)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    doc = _json(body)
    assert doc["head"]["vars"] == ["s", "l"] and len(doc["results"]["bindings"]) == 5


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml;q=0.5, text/csv;q=0.9", "text/csv"),
    ],
)
def test_result_negotiation(server: Served, accept: str, media: str) -> None:
    status, headers, body = server.sparql(SELECT_LABELS, accept)
    assert status == 200, body
    assert headers["content-type"].split(";")[0] == media
    assert "accept" in headers["vary"].lower()
    text = body.decode("utf-8")
    if media.endswith("json"):
        assert len(_json(body)["results"]["bindings"]) == 5
    elif media.endswith("xml"):
        root = ET.fromstring(body)
        assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 5
    elif media == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["s", "l"] and len(rows) == 6
    else:
        lines = text.strip().split("\n")
        assert lines[0] == "?s\t?l" and len(lines) == 6 and lines[1].startswith("<http")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_graph_negotiation(server: Served, accept: str, fmt: ox.RdfFormat) -> None:
    status, headers, body = server.sparql(CONSTRUCT_ONE, accept)
    assert status == 200, body
    assert headers["content-type"].split(";")[0] == accept
    triples = list(ox.parse(body, format=fmt))
    assert triples and all(t.predicate.value.endswith("#type") for t in triples)


def test_post_sparql_query_body(server: Served) -> None:
    status, _, body = server.request(
        "POST",
        "/sparql",
        body=b"ASK { ?s a ipg:Procuratorate }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert status == 200 and _json(body)["boolean"] is True


def test_dataset_parameters(server: Served) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    onto = "https://w3id.org/ipgraph/graph/ontology"
    _, _, all_ = server.get("/sparql", "application/sparql-results+json", query=q)
    status, _, only = server.get("/sparql", "application/sparql-results+json", query=q, **{"default-graph-uri": onto})
    assert status == 200
    n_all = int(_json(all_)["results"]["bindings"][0]["n"]["value"])
    n_onto = int(_json(only)["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_onto < n_all
    status, _, body = server.sparql(f"SELECT (COUNT(*) AS ?n) FROM <{onto}> WHERE {{ ?s ?p ?o }}")
    assert status == 200 and int(_json(body)["results"]["bindings"][0]["n"]["value"]) == n_onto


def test_service_description(server: Served) -> None:
    status, headers, body = server.get("/sparql", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert list(_match(g, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")))
    endpoints = [q.object.value for q in _match(g, ox.NamedNode(sd + "endpoint"), None)]
    assert endpoints == [f"{server.base}/sparql"]
    names = {q.object.value for q in _match(g, ox.NamedNode(sd + "name"), None)}
    assert "https://w3id.org/ipgraph/graph/facts" in names
    status, headers, body = server.get("/sparql", "text/html")
    assert status == 200 and b"<textarea" in body  # a browser gets the query page


def test_malformed_query_is_a_clear_400(server: Served) -> None:
    status, _, body = server.sparql("SELECT ?x WHERE { ?x ?p }")
    assert status == 400 and b"malformed SPARQL at line 1" in _err(status, body)


# ---- catalog -------------------------------------------------------------------------------------
def test_catalog_index(server: Served) -> None:
    status, _, body = server.get("/queries", "application/json")
    names = [q["name"] for q in _json(body)]
    assert status == 200 and names == list(load_catalog(QUERIES))


def test_every_catalog_query_runs(server: Served) -> None:
    catalog = load_catalog(QUERIES)
    for name in catalog:
        status, _, body = server.get(f"/queries/{name}", "application/sparql-results+json")
        assert status == 200, f"{name}: {body[:300]!r}"
        doc = _json(body)
        assert "boolean" in doc or "results" in doc


def test_catalog_parameters_are_bound(server: Served) -> None:
    catalog = load_catalog(QUERIES)
    with_params = [q for q in catalog.values() if any(p.default for p in q.params)]
    if not with_params:
        pytest.skip("no catalog query takes a parameter")
    q = with_params[0]
    p = next(p for p in q.params if p.default)
    status, _, default = server.get(f"/queries/{q.name}", "text/csv")
    assert status == 200
    status, _, given = server.get(f"/queries/{q.name}", "text/csv", **{p.name: p.default or ""})
    assert status == 200 and given == default
    # a hostile value is bound as one term (a literal or an IRI), never pasted into the query
    hostile = '2023" } } DROP ALL #'
    status, _, body = server.get(f"/queries/{q.name}", "text/csv", **{p.name: hostile})
    assert status in (200, 400) and b"Traceback" not in _err(status, body)
    if status == 200:
        assert body.decode("utf-8").splitlines()[0] == default.decode("utf-8").splitlines()[0]
    status, _, body = server.get(f"/queries/{q.name}", "text/csv", nosuch="1")
    assert status == 400 and b"unknown parameter" in _err(status, body)
    status, _, body = server.get("/queries/no-such-query")
    assert status == 404
    status, _, body = server.sparql(
        "SELECT ?x WHERE { ?x a ?c }", "text/csv"
    )  # the protocol endpoint itself binds nothing from the URL
    assert status == 200


def test_catalog_page_in_a_browser(server: Served) -> None:
    name = next(iter(load_catalog(QUERIES)))
    status, headers, body = server.get(f"/queries/{name}", "text/html")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<table" in body


# ---- Linked Data ---------------------------------------------------------------------------------
def _entities(store: ox.Store) -> list[str]:
    rows = store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), 'https://w3id.org/ipgraph/id/')) }",
        use_default_graph_as_union=True,
    )
    return sorted(r["s"].value for r in rows)


def test_every_entity_iri_resolves(server: Served, store: ox.Store) -> None:
    iris = _entities(store)
    assert len(iris) > 100
    for iri in iris:
        status, _, body = server.get("/id/" + iri[len(ID_BASE) :], "text/turtle")
        assert status == 200, f"{iri}: {body[:200]!r}"
        subjects = {t.subject.value for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
        assert iri in subjects


def test_entity_html_page(server: Served, store: ox.Store) -> None:
    iri = "https://w3id.org/ipgraph/id/inst/shanghai-peoples-procuratorate"
    if not list(store.quads_for_pattern(ox.NamedNode(iri), None, None)):
        pytest.skip("the example entity is not in the data")
    status, headers, body = server.get("/id/inst/shanghai-peoples-procuratorate", "text/html,*/*;q=0.8")
    html = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "Shanghai People&#x27;s Procuratorate" in html or "Shanghai People's Procuratorate" in html
    assert "上海市人民检察院" in html  # the Chinese label
    assert 'href="/ontology/Procuratorate"' in html  # its type, linked
    assert "<blockquote>" in html and "§" in html  # facts with their source quotes
    assert re.search(r'href="/id/place/shanghai"', html)  # a neighbour
    assert 'href="/viz/entity?focus=inst%3Ashanghai-peoples-procuratorate"' in html
    assert "default-src 'none'" in headers["content-security-policy"]


def test_entity_json_ld(server: Served) -> None:
    status, headers, body = server.get("/id/inst/shanghai-peoples-procuratorate", "application/ld+json")
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    assert list(ox.parse(body, format=ox.RdfFormat.JSON_LD))


def test_unknown_entity_is_404(server: Served) -> None:
    status, _, body = server.get("/id/inst/no-such-thing", "text/html")
    assert status == 404 and b"not in the graph" in _err(status, body)


def test_void_and_dcat(server: Served) -> None:
    status, _, body = server.get("/.well-known/void", "text/turtle")
    assert status == 200
    g = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    void, dcat = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert list(_match(g, rdf_type, ox.NamedNode(void + "Dataset")))
    assert list(_match(g, rdf_type, ox.NamedNode(dcat + "Dataset")))
    endpoints = [q.object.value for q in _match(g, ox.NamedNode(void + "sparqlEndpoint"), None)]
    assert endpoints == [f"{server.base}/sparql"]
    dumps = [q.object.value for q in _match(g, ox.NamedNode(void + "dataDump"), None)]
    assert dumps
    path = urllib.parse.urlsplit(dumps[0]).path
    status, _, body = server.get(path)
    assert status == 200 and body


def test_ontology_document(server: Served) -> None:
    status, headers, body = server.get("/ontology", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    status, headers, body = server.get("/ontology", "text/html")
    assert status == 200 and b"Procuratorate" in body
    status, _, body = server.get("/ontology/Procuratorate", "text/turtle")
    assert status == 200 and b"owl:Class" in body


def test_viz_pages(server: Served) -> None:
    status, headers, body = server.get("/viz/entity?focus=inst:shanghai-peoples-procuratorate", "text/html")
    assert status in (200, 404)
    if status == 404:  # no viz module in this installation: a clear message, not a stack trace
        assert b"viz" in _err(status, body)
        return
    html = body.decode("utf-8")
    assert headers["content-type"].startswith("text/html") and "<script" in html
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', html)  # nothing from a CDN
    assert "connect-src" not in headers["content-security-policy"]  # default-src 'none' covers it
    status, _, body = server.get("/viz/charges")
    assert status == 200
    status, _, body = server.get("/viz/entity?focus=no-such-entity-at-all")
    assert status == 404 and b"Traceback" not in _err(status, body)
    status, _, body = server.get("/viz/entity")
    assert status == 400


# ---- the query page ------------------------------------------------------------------------------
def test_query_page_works_offline(server: Served) -> None:
    status, headers, body = server.get("/", "text/html")
    html = body.decode("utf-8")
    assert status == 200 and "<textarea" in html
    for attr in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert attr.startswith(("/", "?", "#")), f"a resource from elsewhere: {attr}"
    for path in ("/static/query.js", "/static/style.css"):
        status, _, asset = server.get(path)
        assert status == 200 and b"http://" not in asset and b"https://cdn" not in asset
    names = list(load_catalog(QUERIES))
    assert all(f'value="{n}"' in html for n in names)  # the catalog's examples in the editor
    assert "script-src 'self'" in headers["content-security-policy"]


# ---- read-only and safe --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/ipgraph/graph/facts>",
        "CREATE GRAPH <http://x>",
        "PREFIX ex: <http://x/>\n# comment\nwith <http://x> delete { ?s ?p ?o } where { ?s ?p ?o }",
    ],
)
def test_update_refused(server: Served, update: str) -> None:
    for status, _, body in (
        server.sparql(update),
        server.request(
            "POST",
            "/sparql",
            body=urllib.parse.urlencode({"update": update}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        server.request("POST", "/sparql", body=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        server.get("/sparql", update=update),
    ):
        assert status == 403, body
        assert b"read-only" in _err(status, body)
    status, _, body = server.sparql("ASK { ?s a ipg:Procuratorate }")
    assert status == 200 and _json(body)["boolean"] is True  # the data is still there


def test_other_methods_refused(server: Served) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        status, headers, body = server.request(method, "/sparql", body=b"x")
        assert status == 405 and "allow" in headers
        _err(status, body)


class _Listener:
    """A TCP listener that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    lst = _Listener()
    yield lst
    lst.close()


def test_service_never_connects(server: Served, listener: _Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/"
    attempts = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SERVICE<{url}>{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(?a<'>') SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{url}>\nSELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # a comment\n SERVICE # another\n <{url}> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ BIND("""\n#""" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
        f"SELECT * WHERE {{ BIND('''\n  #''' AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]
    for q in attempts:
        status, _, body = server.sparql(q)
        assert status in (400, 403), (q, body)  # 400: a text that may hold SERVICE and does not parse cleanly
        assert b"SERVICE" in _err(status, body)
        status, _, body = server.get("/sparql", query=q)
        assert status in (400, 403)
    time.sleep(0.5)
    assert listener.connections == 0


def test_workers_have_no_network(built: Path, listener: _Listener) -> None:
    from ipgraph.server.workers import WorkerConfig, WorkerPool, isolation_available

    if not isolation_available():
        pytest.skip("no network namespaces here (needs root or unprivileged user namespaces); screening only")
    pool = WorkerPool(WorkerConfig(str(built), isolate=True), size=1)
    pool.start()
    try:
        assert pool.isolated
        status, _, body = pool.run(("connect", "127.0.0.1", listener.port), 10)
        assert status == "ok" and body.startswith(b"refused")
        url = f"http://127.0.0.1:{listener.port}/"
        status, _, body = pool.run(("raw_sparql", f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"), 10)
        assert body.startswith(b"failed")
    finally:
        pool.close()
    time.sleep(0.3)
    assert listener.connections == 0


def test_outside_datasets_refused(server: Served) -> None:
    for q in (
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/x> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ):
        status, _, body = server.sparql(q)
        assert status == 403 and b"refused" in _err(status, body)
    status, _, body = server.get(
        "/sparql", query="SELECT * { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": "file:///etc/passwd"}
    )
    assert status == 403 and b"refused" in _err(status, body)


def test_time_limit_then_still_alive(server: Served) -> None:
    started = time.monotonic()
    status, _, body = server.sparql(HEAVY)
    assert status == 503 and b"time limit" in _err(status, body)
    assert time.monotonic() - started < 30
    for _ in range(3):
        status, _, body = server.sparql("ASK { ?s a ipg:Procuratorate }")
        assert status == 200 and _json(body)["boolean"] is True
    time.sleep(3)  # the killed worker is replaced
    status, _, body = server.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }")
    assert status == 200


def test_result_size_limit(server: Served) -> None:
    status, _, body = server.sparql("SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert status == 503 and b"result too large" in _err(status, body)
    status, _, body = server.sparql("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert status == 503 and b"result too large" in _err(status, body)
    status, _, _ = server.sparql("ASK {}")
    assert status == 200


def test_request_size_limits(server: Served) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 20_000
    status, _, body = server.sparql(big)
    assert status == 413 and b"too large" in _err(status, body)
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 431")
    with socket.create_connection(("127.0.0.1", server.port)) as s:  # a chunked body is held to the same limit
        chunk = b"#" + b"x" * 9_999
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + (b"%x\r\n%s\r\n" % (len(chunk), chunk)) * 3 + b"0\r\n\r\n"
        )
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"NONSENSE\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")
    status, _, _ = server.sparql("ASK {}")
    assert status == 200


# ---- real clients --------------------------------------------------------------------------------
def test_sparqlwrapper(server: Served) -> None:
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
    sw = SPARQLWrapper.SPARQLWrapper(f"{server.base}/sparql")
    sw.setQuery(SELECT_LABELS)
    sw.setReturnFormat(SPARQLWrapper.JSON)
    doc = sw.query().convert()
    assert len(doc["results"]["bindings"]) == 5
    sw.setMethod(SPARQLWrapper.POST)
    sw.setReturnFormat(SPARQLWrapper.XML)
    assert len(sw.query().convert().getElementsByTagName("result")) == 5
    sw.setReturnFormat(SPARQLWrapper.CSV)
    assert sw.query().convert().decode("utf-8").startswith("s,l")
    sw.setMethod(SPARQLWrapper.GET)
    sw.setQuery("ASK { ?s a ipg:Procuratorate }")
    sw.setReturnFormat(SPARQLWrapper.JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery(CONSTRUCT_ONE)
    sw.setReturnFormat(SPARQLWrapper.TURTLE)
    assert b"Procuratorate" in sw.query().convert()
    sw.setReturnFormat(SPARQLWrapper.RDFXML)  # parsed by rdflib
    assert len(sw.query().convert()) > 0
    sw.setQuery("INSERT DATA { <http://a> <http://b> <http://c> }")
    sw.setMethod(SPARQLWrapper.POST)
    with pytest.raises(Exception, match=r"403|read-only|Unauthorized|Forbidden"):
        sw.query()


def test_curl(server: Served) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")

    def run(*args: str) -> str:
        return subprocess.run([curl, "-sS", *args], check=True, capture_output=True, text=True, timeout=60).stdout

    out = run("-G", f"{server.base}/sparql", "--data-urlencode", f"query={SELECT_LABELS}", "-H", "Accept: text/csv")
    assert out.splitlines()[0] == "s,l"
    out = run(f"{server.base}/sparql", "--data-urlencode", "query=ASK { ?s a ipg:Procuratorate }")
    assert json.loads(out)["boolean"] is True
    out = run(
        f"{server.base}/sparql",
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: text/tab-separated-values",
        "--data-binary",
        SELECT_LABELS,
    )
    assert out.startswith("?s\t?l")
    out = run("-H", "Accept: text/turtle", f"{server.base}/id/inst/shanghai-peoples-procuratorate")
    assert "@prefix" in out
    code = run(
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        f"{server.base}/sparql",
        "--data-urlencode",
        "update=CLEAR ALL",
    )
    assert code == "403"


def test_ipgraph_query_against_this_endpoint(server: Served, capsys: pytest.CaptureFixture[str]) -> None:
    from ipgraph.cli import main

    name = next(iter(load_catalog(QUERIES)))
    local = ["query", name, "--format", "csv", "--queries", str(QUERIES)]
    code = main([*local, "--endpoint", f"{server.base}/sparql"])
    remote = capsys.readouterr().out
    status, _, body = server.get(f"/queries/{name}", "text/csv")
    assert status == 200 and code in (0, 1)
    assert len(remote.strip().splitlines()) == len(body.decode("utf-8").strip().splitlines())


def test_no_stack_trace_in_any_response(server: Served) -> None:
    for status, _, body in (
        server.sparql("SELECT ?x WHERE { ?x ?p }"),
        server.sparql("DROP ALL"),
        server.get("/id/inst/none"),
        server.get("/queries/none"),
        server.request("POST", "/sparql", body=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}),
        server.request(
            "POST",
            "/sparql",
            body=b"query=%ff",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        server.get("/sparql?query=%ZZ"),
        server.get("/%ff%fe"),
    ):
        assert status >= 400
        _err(status, body)
    for body in ERRORS:
        assert b"Traceback" not in body and b'File "' not in body and b"internal server error" not in body


def test_garbage_requests_keep_the_server_alive(server: Served) -> None:
    import random

    rng = random.Random(11)
    samples = [
        b"GET /sparql?query=" + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + b" HTTP/1.1\r\n\r\n"
        for _ in range(20)
    ]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 500))) + b"\r\n\r\n" for _ in range(20)]
    samples += [
        b"POST /sparql HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
        b"GET / HTTP/1.1\r\nbad header\r\n\r\n",
    ]
    for raw in samples:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        assert reply == b"" or reply.startswith(b"HTTP/1.1 "), reply[:100]
        assert b"Traceback" not in reply
    status, _, _ = server.sparql("ASK {}")
    assert status == 200


# ---- issue 12 §6: a parsed check, exact allow-list, a pool that recovers, limits ---------------------------
# The query texts below are invented; L is a local listener that counts the connections it receives.
def _bypasses(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/"
    return [
        f"PREFIX : <{url}> SELECT * {{ SERVICE :x {{ ?s ?p ?o }} }}",
        f"PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICESILENT<{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <{url}> SELECT * {{ SERVICEex:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p 1SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * {{ # a note\r SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * # a note\rFROM <{url}> {{ ?s ?p ?o }}",
    ]


HARMLESS = [
    'SELECT ?s WHERE { ?s rdfs:label "Service stations"@en }',
    "SELECT * WHERE { <http://example.org/a.service> ?p ?o }",
    "SELECT ?s WHERE { ?s a ipg:Procuratorate } # which procuratorate offers this service?",
    "SELECT ?s WHERE { ?s prov:wasDerivedFrom ?q } LIMIT 1",
]


def test_service_bypasses_refused_and_harmless_accepted(server: Served, listener: _Listener) -> None:
    for q in _bypasses(listener.port):
        status, _, body = server.sparql(q)
        assert status in (400, 403), (q, body)
        assert b"refused" in body or b"malformed SPARQL" in body
    for q in HARMLESS:
        status, _, body = server.sparql(q)
        assert status == 200, (q, body)
    time.sleep(0.5)
    assert listener.connections == 0


def test_from_is_honoured_over_local_graphs(server: Served) -> None:
    onto = "https://w3id.org/ipgraph/graph/ontology"

    def count(q: str) -> int:
        status, _, body = server.sparql(q)
        assert status == 200, body
        return int(_json(body)["results"]["bindings"][0]["n"]["value"])

    n_graph = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{onto}> {{ ?s ?p ?o }} }}")
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{onto}> WHERE {{ ?s ?p ?o }}") == n_graph
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > n_graph


def test_unknown_function_is_a_400(server: Served) -> None:
    status, _, body = server.sparql("SELECT (<http://example.org/no-such-function>(1) AS ?x) WHERE {}")
    assert status == 400 and b"query error" in _err(status, body)


def test_dead_idle_worker_never_fails_a_request(server: Served) -> None:
    import os
    import signal

    workers = _worker_pids(server)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    for _ in range(6):
        status, _, body = server.sparql("ASK { ?s a ipg:Procuratorate }")
        assert status == 200, body


def test_strict_http_parsing(server: Served) -> None:
    for raw in (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1_0\r\n\r\nASK {}    ",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: +10\r\n\r\nASK {}    ",
        b"get /health HTTP/1.1\r\nHost: x\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            s.sendall(raw)
            reply = s.recv(4096)
        assert reply.startswith(b"HTTP/1.1 400"), (raw, reply[:100])


def test_raw_utf8_in_the_url_is_read_as_utf8(server: Served) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall("GET /queries/知识产权 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(4096):  # the head and the body may come in separate packets
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 404") and "知识产权".encode() in reply
    status, _, body = server.get("/queries/%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83")
    assert status == 404 and "知识产权".encode() in body


def test_queries_index_honours_accept(server: Served) -> None:
    status, headers, body = server.get("/queries", "application/json")
    assert status == 200 and headers["content-type"].startswith("application/json") and _json(body)
    status, headers, body = server.get("/queries", "text/html")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<form" in body
    status, _, body = server.get("/queries", "text/csv")
    assert status == 406 and b"application/json" in body


def test_response_cache_counts_its_keys() -> None:
    from ipgraph.server.app import Response, ResponseCache

    cache = ResponseCache(64 * 1024 * 1024)
    for i in range(200):  # 200 distinct 1 MB query texts, each with a small answer
        key = ("sparql", f"SELECT * {{ ?s ?p ?o }} #{i:04d}" + "x" * 1_000_000, (), (), None, None)
        cache.put(key, Response(200, "text/plain", b"small"))
    held = sum(len(k[1]) for k in cache._items)
    assert cache.size <= cache.max_bytes and held <= cache.max_bytes
    assert 0 < len(cache._items) < 200


def test_store_in_memory_answers_as_the_store_on_disk(built: Path) -> None:
    from ipgraph.server.jobs import JobContext, run_job
    from ipgraph.server.workers import WorkerConfig

    store_quads = len(ox.Store.read_only(str(built / "store")))
    memory = JobContext.open(built, WorkerConfig(str(built), memory_store_quads=store_quads), False)
    disk = JobContext.open(built, WorkerConfig(str(built), memory_store_quads=store_quads - 1), False)
    assert memory.in_memory and len(memory.store) == store_quads and not disk.in_memory
    assert memory.allowed_graphs == disk.allowed_graphs
    iri = run_job(disk, ("stats",))[2]["example"]
    jobs = [
        ("sparql", SELECT_LABELS, None, None, "application/sparql-results+json", None, False),
        ("sparql", f"DESCRIBE <{iri}>", None, None, "text/turtle", None, False),
        ("sparql", "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/ipgraph/graph/ontology> { ?s ?p ?o }",
         None, None, "text/csv", None, False),
        ("entity", iri, "text/html", None, "en"),
        ("entity", iri, "application/n-triples", None, "en"),
    ]  # fmt: skip
    formats = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}
    for job in jobs:
        (status, media, body), (_, disk_media, disk_body) = run_job(memory, job), run_job(disk, job)
        assert status == "ok" and media == disk_media, job
        rdf = formats.get(media.split(";")[0])
        if rdf is None:  # a result in a stated order, a page
            assert body == disk_body, job
        else:  # triples: the same graph, in whatever order the store gives them
            assert set(ox.parse(body, rdf)) == set(ox.parse(disk_body, rdf)) != set(), job
    assert run_job(memory, ("stats",))[2]["in_memory"] and not run_job(disk, ("stats",))[2]["in_memory"]


def test_store_on_disk_when_asked(built: Path, tmp_path: Path, server: Served) -> None:
    assert "store in memory" in server.log.read_text(encoding="utf-8")
    with ipgraph_serve(built, tmp_path, "--store-on-disk") as s:
        assert "store on disk" in s.log.read_text(encoding="utf-8")
        status, _, body = s.sparql(SELECT_LABELS)  # ordered: the same bytes
        assert status == 200 and (status, body) == server.sparql(SELECT_LABELS)[::2]
        status, _, body = s.sparql(CONSTRUCT_ONE, "application/n-triples")  # the same triples, in any order
        _, _, in_memory = server.sparql(CONSTRUCT_ONE, "application/n-triples")
        assert status == 200 and sorted(body.splitlines()) == sorted(in_memory.splitlines()) != []


def _worker_pids(served: Served) -> list[int]:
    """The query workers of a server (spawned children, not multiprocessing's resource tracker)."""
    from pathlib import Path as P

    pids: list[int] = []
    for task in P(f"/proc/{served.proc.pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            cmd = P(f"/proc/{pid}/cmdline").read_bytes()
            if b"spawn_main" in cmd and b"resource_tracker" not in cmd:
                pids.append(int(pid))
    return sorted(pids)


@pytest.fixture(scope="module")
def roomy(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """A server on a copy of the build (so its store can be taken away), default request sizes, a memory cap
    and a small cap on connections."""
    tmp = tmp_path_factory.mktemp("roomy")
    copy = tmp / "build"
    shutil.copytree(built, copy)
    with ipgraph_serve(
        copy, tmp, "--workers", "2", "--time-limit", "30", "--memory-limit", "400M", "--max-connections", "16"
    ) as s:
        yield s, copy


def test_deep_nesting_is_a_400(roomy: tuple[Served, Path]) -> None:
    server, _ = roomy
    status, _, body = server.sparql("SELECT * WHERE " + "{" * 10_000 + "}" * 10_000)
    assert status == 400 and b"nested too deeply" in _err(status, body)
    status, _, body = server.sparql("SERVICE " * 131_000)
    assert status == 400 and b"malformed SPARQL" in _err(status, body)
    status, _, _ = server.sparql("ASK {}")
    assert status == 200


def test_memory_cap_stops_a_query(roomy: tuple[Served, Path]) -> None:
    server, _ = roomy
    status, _, body = server.sparql("SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1")
    assert status == 503 and b"more memory than the limit of 400 MB" in _err(status, body)
    for _ in range(3):  # the worker was replaced; the others go on
        status, _, body = server.sparql("ASK { ?s a ipg:Procuratorate }")
        assert status == 200, body


def test_connections_are_capped(roomy: tuple[Served, Path]) -> None:
    server, _ = roomy
    socks = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(40)]
    try:
        answered = 0
        for s in socks:
            try:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                if s.recv(4096).startswith(b"HTTP/1.1 200"):
                    answered += 1
            except OSError:  # refused at once: reset
                pass
        assert 0 < answered <= 16
    finally:
        for s in socks:
            s.close()
    time.sleep(0.5)
    status, _, _ = server.get("/health")
    assert status == 200


def test_pool_recovers_from_workers_that_die_while_starting(roomy: tuple[Served, Path]) -> None:
    import os
    import signal

    server, build = roomy
    store, away = build / "store", build / "store.away"
    store.rename(away)  # replacements cannot open the store: each dies while starting, and is retried
    try:
        for pid in _worker_pids(server):
            os.kill(pid, signal.SIGKILL)
        status, body = 200, b""
        for _ in range(300):
            status, _, body = server.get("/health")
            if status == 503:
                break
            time.sleep(0.1)
        assert status == 503 and b"not ok" in body
        for _ in range(300):  # the replacements have been tried and failed: a query is answered at once
            if b"could not start" in server.get("/health")[2]:
                break
            time.sleep(0.1)
        status, _, body = server.sparql("ASK { <http://example.org/while-no-worker-runs> ?p ?o }")  # not cached
        assert status == 503 and b"could not start" in body, body
    finally:
        away.rename(store)
    for _ in range(900):  # back-off is capped at 30 s
        status, _, body = server.get("/health")
        if status == 200 and b"ok: 2 of 2" in body:
            break
        time.sleep(0.1)
    assert status == 200 and b"ok: 2 of 2" in body
    status, _, body = server.sparql("ASK { ?s a ipg:Procuratorate }")
    assert status == 200 and _json(body)["boolean"] is True


def test_allow_service_is_exact_and_keeps_isolation(built: Path, tmp_path: Path, listener: _Listener) -> None:
    from ipgraph.server.workers import isolation_available

    allowed = f"http://127.0.0.1:{listener.port}/allowed"
    with ipgraph_serve(
        built, tmp_path, "--allow-service", "https://query.wikidata.org", "--allow-service", allowed
    ) as server:
        if isolation_available():
            assert "workers without network" in server.log.read_text(encoding="utf-8")
        refused = [
            f"SELECT * {{ SERVICE <https://query.wikidata.org@127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}",
            f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/other> {{ ?s ?p ?o }} }}",
            f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/allowed/more> {{ ?s ?p ?o }} }}",
            *_bypasses(listener.port),
        ]
        for q in refused:
            status, _, body = server.sparql(q)
            assert status in (400, 403), (q, body)
        time.sleep(0.5)
        assert listener.connections == 0  # nothing that is not allowed connects
        status, _, body = server.sparql(f"SELECT * {{ SERVICE SILENT <{allowed}> {{ ?s ?p ?o }} }}")
        assert status == 200, body  # the allowed endpoint is called (it hangs up: SILENT gives no rows)
        time.sleep(0.5)
        assert listener.connections >= 1


@pytest.mark.slow
def test_a_client_that_never_reads_is_disconnected(built: Path, tmp_path: Path) -> None:
    """An answer larger than the socket buffers, asked for by a client that never reads: after --client-timeout
    the server drops the connection (and the answer it was holding); the client finds the answer cut short."""
    query = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 300000"
    body = urllib.parse.urlencode({"query": query}).encode()
    limits = ("--client-timeout", "2", "--max-result-size", "200M", "--time-limit", "60")
    with ipgraph_serve(built, tmp_path, *limits) as s:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
        sock.connect(("127.0.0.1", s.port))
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = sock.recv(1024)  # the answer has started
        assert head.startswith(b"HTTP/1.1 200"), head
        length = int(re.search(rb"content-length: (\d+)", head, re.I)[1])  # type: ignore[index]
        time.sleep(12)  # query time on a busy machine + 2 s without reading
        received = len(head)
        sock.settimeout(30)
        try:
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
        finally:
            sock.close()
        assert length > 10_000_000 and received < length, (received, length)
        status, _, _ = s.get("/health")  # the server goes on
        assert status == 200
