"""The HTTP application: SPARQL 1.1 Protocol, Linked Data pages, the query page, VoID, the ontology, the viz views.

A bare ASGI application served by uvicorn (HTTP/1.1 parsed by httptools), with the limits a public endpoint needs
on top: header and body sizes, time-outs for slow requests and for clients that never read, and a cap on
connections. Every query runs in a worker process (:mod:`ipgraph.server.workers`), checked there from its parse
(:mod:`ipgraph.store.sparqlcheck`); answers are cached by request (the graph is read-only, so a cached answer never
goes stale while the server runs).
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sys
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.model.prefixes import ID_BASE, IPG_NS, PREFIXES
from ipgraph.server import meta, pages, workbench
from ipgraph.server.formdata import parse_form
from ipgraph.server.jobs import VIZ_VIEWS
from ipgraph.server.negotiate import GRAPH_FORMATS, pick
from ipgraph.server.workers import PoolBusy, PoolDown, WorkerConfig, WorkerPool, memory_store_quads
from ipgraph.store.sparqlcheck import QueryRefused

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_VIZ_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_RESERVED = {"format", "output"}
_IRI_OK = frozenset("-._~!$&'()*+,;=:@/%") | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass
class ServerConfig:
    """Options of ``ipgraph serve``."""

    build_dir: Path
    queries_dir: Path | None = None
    extra_queries: list[Path] = field(default_factory=list)  # the user's own query folders (serve --queries)
    ontology_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    public_url: str | None = None
    workers: int = 2
    time_limit: float = 5.0
    max_result_bytes: int = 16 * 1024 * 1024
    max_request_bytes: int = 1024 * 1024
    max_header_bytes: int = 64 * 1024
    idle_timeout: float = 30.0
    write_timeout: float = 30.0
    max_connections: int = 256
    cache_bytes: int = 64 * 1024 * 1024
    memory_bytes: int = 1024 * 1024 * 1024
    memory_store: bool = True  # workers copy a store that fits a quarter of their memory cap into memory
    allowed_services: list[str] = field(default_factory=list)
    allowed_graphs: list[str] = field(default_factory=list)
    isolate_network: bool = True


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def one(self, name: str) -> str | None:
        values = self.params.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise HttpError(400, f"the parameter {name!r} is given {len(values)} times")
        return values[0]


@dataclass
class Response:
    """Status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    cacheable: bool = False


class HttpError(Exception):
    """An error answered as a plain-text message with its status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class ResponseCache:
    """A least-recently-used cache of responses, bounded by the bytes it holds."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[tuple[Any, ...], Response] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Response | None:
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item

    def put(self, key: tuple[Any, ...], value: Response) -> None:
        cost = _cost(key, value)
        if cost > self.max_bytes // 8:
            return
        if key in self._items:
            self.size -= _cost(key, self._items.pop(key))
        self._items[key] = value
        self.size += cost
        while self.size > self.max_bytes and self._items:
            old_key, old = self._items.popitem(last=False)
            self.size -= _cost(old_key, old)


def _cost(key: tuple[Any, ...], value: Response) -> int:
    """Bytes an entry holds: its key's texts, its body and a fixed overhead."""
    size = 256 + len(value.body)
    stack: list[Any] = list(key)
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | list):
            stack.extend(item)
        elif item is not None:
            size += len(item) if isinstance(item, str | bytes) else 16
    return size


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode(), headers or {})


def _content_type(media: str) -> str:
    if media.startswith("text/") and "charset" not in media:
        return media + "; charset=utf-8"
    return media


class App:
    """Routes requests to handlers; owns the worker pool, the cache and the catalog."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.base = (config.public_url or f"http://{_host_for_url(config.host)}:{config.port}").rstrip("/")
        worker = WorkerConfig(
            str(config.build_dir),
            isolate=config.isolate_network,
            max_result_bytes=config.max_result_bytes,
            memory_bytes=config.memory_bytes,
            memory_store_quads=memory_store_quads(config.memory_bytes) if config.memory_store else 0,
            allowed_services=tuple(config.allowed_services),
            allowed_graphs=tuple(config.allowed_graphs),
        )
        self.pool = WorkerPool(worker, size=config.workers)
        # only queries whose every SERVICE endpoint is allowed run here, the one place with network
        self.federation: WorkerPool | None = None
        if config.allowed_services:
            fed = WorkerConfig(**{**worker.__dict__, "isolate": False, "federation": True})
            self.federation = WorkerPool(fed, size=1)
        self.cache = ResponseCache(config.cache_bytes)
        self._inflight: dict[tuple[Any, ...], asyncio.Future[Response]] = {}
        self.catalog: dict[str, Any] = {}
        self.stats: dict[str, Any] = {}
        self.graphs: set[str] = set()
        self.dumps: list[str] = []

    # ---- start-up --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers, read the catalog and count the dataset."""
        from ipgraph.query.catalog import load_catalog

        if self.config.queries_dir is not None and self.config.queries_dir.is_dir():
            self.catalog = load_catalog([self.config.queries_dir, *self.config.extra_queries])
        self.pool.start()
        if self.federation is not None:
            self.federation.start()
        status, _, stats = self.pool.run(("stats",), 120.0)
        if status != "ok":
            raise RuntimeError(f"cannot read the store: {stats}")
        self.stats = stats
        from ipgraph.model.prefixes import GRAPHS

        self.graphs = set(stats["graphs"]) | set(GRAPHS)  # ipgraph's own graph names, even when empty
        self.dumps = [n for n in meta.DUMPS if (self.config.build_dir / n).is_file()]

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()
        if self.federation is not None:
            self.federation.close()

    # ---- running jobs ----------------------------------------------------------------------------
    async def _job(self, key: tuple[Any, ...], job: tuple[Any, ...], time_limit: float | None = None) -> Response:
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Response] = loop.create_future()
        self._inflight[key] = fut
        try:
            try:
                limit = time_limit or self.config.time_limit
                status, a, b = await self.pool.arun(job, limit, limit * 2)
                if status == "fed" and self.federation is not None:
                    status, a, b = await self.federation.arun(job, limit, limit * 2)
                if status == "fed":  # cannot happen: a worker asks for federation only when endpoints are allowed
                    status, a, b = ("err", 403, "SERVICE is refused: this endpoint makes no outbound request")
            except PoolDown as exc:
                message = f"no query worker is running: a replacement could not start ({exc}); try again later"
                resp = _text(503, message, {"Retry-After": "5"})
            except PoolBusy:
                resp = _text(503, "the server is busy: every query worker is taken; try again", {"Retry-After": "1"})
            else:
                if status == "ok":
                    resp = Response(200, _content_type(a), b, cacheable=True)
                    self.cache.put(key, resp)
                else:
                    resp = _text(int(a), str(b))
            fut.set_result(resp)
            return resp
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # mark retrieved
            raise
        finally:
            self._inflight.pop(key, None)

    # ---- routing ---------------------------------------------------------------------------------
    async def handle(self, req: Request) -> Response:
        """Answer one request (never raises); a browser gets its 404 as a page with a search box."""
        resp = await self._route(req)
        if resp.status == 404 and resp.content_type.startswith("text/plain") and _wants_html(req):
            from ipgraph.server.ldpages import not_found_page

            message = resp.body.decode("utf-8", errors="replace").strip()
            body = not_found_page(message, _lang(req), req.path if req.path.startswith("/") else "/")
            return Response(404, "text/html; charset=utf-8", body.encode(), resp.headers)
        return resp

    async def _route(self, req: Request) -> Response:
        try:
            if req.method == "OPTIONS":
                return Response(204, "text/plain", b"", {"Allow": "GET, HEAD, POST, OPTIONS"})
            if req.method not in ("GET", "HEAD", "POST"):
                raise HttpError(
                    405,
                    f"{req.method} is not allowed: this server is read-only",
                    {"Allow": "GET, HEAD, POST, OPTIONS"},
                )
            path = req.path
            if path == "/sparql":
                return await self.sparql(req)
            if req.method == "POST":
                raise HttpError(405, "POST is accepted at /sparql only", {"Allow": "GET, HEAD"})
            if path in ("/", "/index.html"):
                return self.workbench(req)
            if path == "/workbench/terms.json":
                return await self._job(("terms",), ("terms",))
            if path.startswith("/static/vendor/"):
                return _vendor_file(path[len("/static/vendor/") :])
            if path.startswith("/static/") and path[len("/static/") :] in workbench.STATIC:
                name = path[len("/static/") :]
                return Response(200, workbench.STATIC[name], (workbench.STATIC_DIR / name).read_bytes())
            if path == "/static/style.css":
                return Response(200, "text/css; charset=utf-8", pages.STYLE.encode())
            if path == "/static/query.js":
                return Response(200, "text/javascript; charset=utf-8", pages.SCRIPT.encode())
            if path in ("/queries", "/queries/"):
                return self.catalog_index(req)
            if path.startswith("/queries/"):
                return await self.catalog_query(req, path[len("/queries/") :])
            if path.startswith("/id/"):
                return await self.resource(req, ID_BASE + path[len("/id/") :])
            if path in ("/ontology", "/ontology/"):
                return await self.ontology(req)
            if path.startswith("/ontology/"):
                return await self.resource(req, IPG_NS + path[len("/ontology/") :])
            if path in ("/.well-known/void", "/void"):
                return await self.void(req)
            if path == "/search":
                return await self.search(req)
            if path.startswith("/download/"):
                return self.download(path[len("/download/") :])
            if path.startswith("/viz/") and path[len("/viz/") :].removesuffix(".html") in VIZ_VIEWS:
                return await self.viz(req, path[len("/viz/") :].removesuffix(".html"))
            if path in ("/viz", "/viz/"):
                links = "".join(f'<li><a href="/viz/{v}">{v}</a></li>' for v in VIZ_VIEWS if v != "entity")
                body = (
                    f"<ul>{links}</ul><p>The graph view of one entity: <code>/viz/entity?focus=CURIE</code> "
                    "(<code>&amp;depth=1..3</code>, <code>&amp;lang=en|zh|both</code>), linked from every "
                    "entity page.</p>"
                )
                return Response(200, "text/html; charset=utf-8", pages.page("Graph views", body).encode())
            if path == "/health":
                alive = self.pool.alive()
                if alive == 0:
                    why = f"; the last could not start: {self.pool.failing}" if self.pool.failing else ""
                    return _text(503, f"not ok: no query worker is running (0 of {self.pool.size}; restarting{why})")
                return _text(200, f"ok: {alive} of {self.pool.size} query workers")
            raise HttpError(404, f"nothing at {path}")
        except HttpError as exc:
            return _text(exc.status, exc.message, exc.headers)
        except QueryRefused as exc:
            return _text(exc.status, exc.message)
        except Exception as exc:  # never a traceback in a response
            print(
                f"ipgraph serve: internal error on {req.method} {req.path}: {type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
            return _text(500, "internal server error")

    # ---- SPARQL protocol -------------------------------------------------------------------------
    async def sparql(self, req: Request) -> Response:
        params = dict(req.params)
        text: str | None
        if req.method == "POST":
            ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = _parse_qs(req.body.decode("ascii"))
                except UnicodeDecodeError:
                    raise HttpError(400, "a form body is ASCII (percent-encoded UTF-8)") from None
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
                req = Request(req.method, req.path, params, req.headers, req.body)
                if "update" in params:
                    raise HttpError(403, "SPARQL Update is refused: this endpoint is read-only")
                text = req.one("query")
            elif ctype == "application/sparql-query":
                try:
                    text = req.body.decode("utf-8")
                except UnicodeDecodeError:
                    raise HttpError(400, "the query is not UTF-8") from None
                if "query" in params:
                    raise HttpError(400, "give the query either in the body or as a parameter, not both")
            elif ctype == "application/sparql-update":
                raise HttpError(403, "SPARQL Update is refused: this endpoint is read-only")
            else:
                raise HttpError(
                    415,
                    "POST needs Content-Type application/x-www-form-urlencoded or application/sparql-query",
                )
        else:
            if "update" in params:
                raise HttpError(403, "SPARQL Update is refused: this endpoint is read-only")
            text = req.one("query")
        if text is None:
            return self.service_description(req)
        allowed_graphs = self.graphs | set(self.config.allowed_graphs)
        dg = params.get("default-graph-uri")
        ng = params.get("named-graph-uri")
        for iri in (dg or []) + (ng or []):
            if iri not in allowed_graphs:
                raise HttpError(403, f"graph <{iri}> is refused: only the store's own graphs can be named")
        accept = req.headers.get("accept")
        fmt = _format(req)
        # the query is checked (nesting, SERVICE, FROM) from its parse in the worker, never here on the event loop
        job = ("sparql", text, dg, ng, accept, fmt, False)
        return await self._job(("sparql", text, tuple(dg or ()), tuple(ng or ()), accept, fmt), job)

    def _rdf(self, triples: list[ox.Triple], req: Request, html_title: str | None = None) -> Response:
        key = pick(req.headers.get("accept"), GRAPH_FORMATS, html=html_title is not None, fmt=_format(req))
        if key is None:
            raise HttpError(406, "available: " + ", ".join(GRAPH_FORMATS.values()))
        from ipgraph.server.jobs import serialize_graph

        if key == "html":
            ttl = serialize_graph(triples, "ttl", self.config.max_result_bytes).decode()
            page = pages.page(html_title or "", f"<pre>{pages.esc(ttl)}</pre>")
            return Response(200, "text/html; charset=utf-8", page.encode())
        data = serialize_graph(triples, key, self.config.max_result_bytes)
        return Response(200, _content_type(GRAPH_FORMATS[key]), data)

    def service_description(self, req: Request) -> Response:
        accept = req.headers.get("accept") or ""
        if _format(req) is None and pick(accept, {"x": "text/turtle"}, html=True) == "html" and "text/html" in accept:
            return self.workbench(req)
        triples = meta.service_description(self.base, self.stats["graphs"], self.stats["triples"])
        return self._rdf(triples, req)

    async def void(self, req: Request) -> Response:
        if pick(req.headers.get("accept"), GRAPH_FORMATS, html=True, fmt=_format(req)) == "html":
            stats = {k: self.stats.get(k, 0) for k in ("triples", "entities", "graphs")}
            stats["built"] = _built_on(self.config.build_dir)
            job = ("dataset_html", _lang(req), self.base, stats, tuple(self.dumps))
            return await self._job(("dataset_html", _lang(req), self.base), job)
        triples = meta.void_description(self.base, self.stats, self.dumps)
        return self._rdf(triples, req)

    def workbench(self, req: Request) -> Response:
        """The query page (the workbench); the query, example and view it opens with are read by its script."""
        body = workbench.workbench_page(self._catalog_json(), _lang(req))
        return Response(200, "text/html; charset=utf-8", body.encode())

    def download(self, name: str) -> Response:
        if name not in self.dumps:
            raise HttpError(404, f"no dump called {name!r}; available: {', '.join(self.dumps)}")
        data = (self.config.build_dir / name).read_bytes()
        return Response(
            200,
            _content_type(meta.DUMPS[name]),
            data,
            {"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # ---- catalog ---------------------------------------------------------------------------------
    def _catalog_json(self) -> list[dict[str, Any]]:
        return [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "tags": q.tags,
                "folder": workbench.folder_of(q.path),
                "params": [
                    {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                    for p in q.params
                ],
                "text": q.text,
            }
            for q in self.catalog.values()
        ]

    def catalog_index(self, req: Request) -> Response:
        key = pick(req.headers.get("accept"), {"json": "application/json"}, html=True, fmt=_format(req))
        if key is None:
            raise HttpError(406, "available: text/html, application/json")
        if key == "html":
            body = workbench.gallery_page(self._catalog_json(), _lang(req))
            return Response(200, "text/html; charset=utf-8", body.encode())
        return Response(
            200, "application/json", json.dumps(self._catalog_json(), ensure_ascii=False, indent=1).encode()
        )

    async def catalog_query(self, req: Request, name: str) -> Response:
        from ipgraph.store.embedded import bind_values

        q = self.catalog.get(name)
        if q is None:
            import difflib

            close = difflib.get_close_matches(name, list(self.catalog), n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see /queries for the list"
            raise HttpError(404, f"no query called {name!r}{hint}")
        given = {}
        for k, v in req.params.items():
            if k in _RESERVED:
                continue
            if len(v) != 1:
                raise HttpError(400, f"the parameter {k!r} is given {len(v)} times")
            given[k] = v[0]
        bindings = bind_params({p.name: (p.type, p.default) for p in q.params}, given)
        text = bind_values(q.text, bindings)
        accept = req.headers.get("accept")
        fmt = _format(req)
        job = ("sparql", text, None, None, accept, fmt, True)
        return await self._job(("sparql-html", text, accept, fmt), job)

    # ---- Linked Data -----------------------------------------------------------------------------
    async def resource(self, req: Request, iri: str) -> Response:
        if not iri[len("https://") :] or any(ch not in _IRI_OK for ch in iri[len("https://") :]):
            raise HttpError(404, "not an identifier of this graph")
        accept = req.headers.get("accept")
        fmt = _format(req)
        lang = _lang(req)
        key = ("entity", iri, accept, fmt, lang)
        return await self._job(key, key)

    async def search(self, req: Request) -> Response:
        query = (req.one("q") or "")[:200]
        key = ("search", query, _lang(req))
        return await self._job(key, key)

    async def ontology(self, req: Request) -> Response:
        key = pick(req.headers.get("accept"), GRAPH_FORMATS, html=True, fmt=_format(req))
        if key is None:
            raise HttpError(406, "available: text/html, " + ", ".join(GRAPH_FORMATS.values()))
        if key == "html":
            return await self._job(("ontology-html",), ("ontology_html",))
        f = self.config.ontology_file
        if key == "ttl" and f is not None and f.is_file():
            return Response(200, "text/turtle; charset=utf-8", f.read_bytes())
        text = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/ipgraph/graph/ontology> { ?s ?p ?o } }"
        job = ("sparql", text, None, None, GRAPH_FORMATS[key], None, False)
        return await self._job(("ontology", key), job)

    async def viz(self, req: Request, name: str) -> Response:
        focus = req.one("focus")
        if name == "entity" and not focus:
            raise HttpError(400, "give the entity to show: /viz/entity?focus=CURIE")
        if name != "entity":
            focus = None
        try:
            depth = max(1, min(3, int(req.one("depth") or "1")))
        except ValueError:
            raise HttpError(400, "depth is a number from 1 to 3") from None
        lang = req.one("lang") or "both"
        if lang not in ("en", "zh", "both"):
            raise HttpError(400, "lang is en, zh or both")
        key = ("viz", name, focus, depth, lang)
        resp = await self._job(key, key, time_limit=max(self.config.time_limit, 30.0))
        if resp.status != 200:
            return resp
        # the viz pages are self-contained: inline script and style, still nothing from elsewhere
        return Response(resp.status, resp.content_type, resp.body, {"Content-Security-Policy": _VIZ_CSP})


def _vendor_file(name: str) -> Response:
    """A file of the query editor's bundle, from the package (404 when ``make setup`` has not installed it)."""
    from ipgraph.server.vendor import BUNDLE, VENDOR_DIR

    if name not in BUNDLE or not (VENDOR_DIR / name).is_file():
        raise HttpError(404, f"nothing at /static/vendor/{name} (the SPARQL editor is installed by `make setup`)")
    return Response(200, BUNDLE[name][1], (VENDOR_DIR / name).read_bytes())


def _built_on(build_dir: Path) -> str:
    """The day the build was made (its manifest's time, UTC, ``YYYY-MM-DD``), or ""."""
    import time

    try:
        return time.strftime("%Y-%m-%d", time.gmtime((build_dir / "manifest.json").stat().st_mtime))
    except OSError:
        return ""


def _wants_html(req: Request) -> bool:
    """Whether the client prefers HTML to plain text (a browser)."""
    return pick(req.headers.get("accept"), {"txt": "text/plain"}, html=True, fmt=_format(req)) == "html"


def _lang(req: Request) -> str:
    """The language a page is asked for (``lang=zh``; English otherwise)."""
    values = req.params.get("lang") or []
    return "zh" if values and values[0].lower().startswith("zh") else "en"


def _format(req: Request) -> str | None:
    """A ``format=`` / ``output=`` parameter (clients such as SPARQLWrapper send both, sometimes twice)."""
    for name in ("format", "output"):
        values = req.params.get(name)
        if values:
            return values[0]
    return None


def _parse_qs(qs: str) -> dict[str, list[str]]:
    try:
        return parse_form(qs, max_fields=200)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "malformed query string or form (or more than 200 fields)") from None


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def bind_params(declared: dict[str, tuple[str, str | None]], given: dict[str, str]) -> dict[str, Any]:
    """Values of a catalog query's parameters as RDF terms (declared types; CURIEs expanded for IRIs).

    >>> bind_params({"charge": ("iri", None)}, {"charge": "charge:x"})
    {'charge': <NamedNode value=https://w3id.org/ipgraph/id/charge/x>}
    >>> bind_params({"report": ("report", None)}, {"report": "shanghai-2023"})
    {'report': <NamedNode value=https://w3id.org/ipgraph/id/report/shanghai-2023>}
    >>> bind_params({"report": ("report", None)}, {"report": ""})
    {}
    """
    from ipgraph.model.periods import period_iri
    from ipgraph.query.catalog import PERIOD_TYPE, REPORT_TYPE, report_iri
    from ipgraph.store.embedded import term_for

    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise HttpError(400, f"unknown parameter {unknown[0]!r} (this query takes: {', '.join(declared) or 'none'})")
    bound: dict[str, Any] = {}
    for name, (type_, default) in declared.items():
        value = given.get(name, default)
        if not value and type_ == REPORT_TYPE:
            continue  # optional (an empty field of the query page too): every report, one block each
        if value is None:
            raise HttpError(400, f"missing parameter {name!r}")
        if type_ in (REPORT_TYPE, PERIOD_TYPE):
            try:
                value, type_ = (report_iri if type_ == REPORT_TYPE else period_iri)(name, value), "iri"
            except ValueError as exc:
                raise HttpError(400, str(exc)) from None
        if type_ == "iri":
            if value.startswith("<") and value.endswith(">"):
                value = value[1:-1]
            else:
                prefix, sep, local = value.partition(":")
                if sep and prefix in PREFIXES:
                    value = PREFIXES[prefix] + local
                elif not value.startswith(("http://", "https://")):
                    raise HttpError(400, f"parameter {name!r} needs an IRI or CURIE, not {value!r}")
        try:
            bound[name] = term_for(value, type_)
        except Exception:
            raise HttpError(400, f"bad value for parameter {name!r}: {value!r}") from None
    return bound


# ---- ASGI --------------------------------------------------------------------------------------
_CHUNK = 64 * 1024
_HIGH = re.compile(rb"[\x80-\xff]")


class AsgiApp:
    """The ASGI face of :class:`App`: builds a :class:`Request` from the scope, sends the :class:`Response`."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.config = app.config
        self.requests = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        try:
            req = await self._request(scope, receive)
        except HttpError as exc:
            resp = _text(exc.status, exc.message, exc.headers)
            head_only = False
        else:
            self.requests += 1
            resp = await self.app.handle(req)
            head_only = req.method == "HEAD"
        await self._send(send, resp, head_only)

    async def _request(self, scope: dict[str, Any], receive: Any) -> Request:
        try:
            path = urllib.parse.unquote_to_bytes(scope.get("raw_path") or b"/").decode("utf-8")
            query = bytes(scope.get("query_string") or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "malformed request target (it must be UTF-8, raw or percent-encoded)") from None
        headers: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        declared = headers.get("content-length")
        if declared is not None and not declared.isdigit():  # the parser checks it too
            raise HttpError(400, "malformed Content-Length")
        if declared is not None and int(declared) > self.config.max_request_bytes:
            raise HttpError(413, f"request body too large (limit {self.config.max_request_bytes:,} bytes)")
        body = bytearray()
        more = scope["method"] not in ("GET", "HEAD") or declared is not None
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise HttpError(400, "the client went away")
            body += message.get("body", b"")
            if len(body) > self.config.max_request_bytes:
                raise HttpError(413, f"request body too large (limit {self.config.max_request_bytes:,} bytes)")
            more = bool(message.get("more_body"))
        params = _parse_qs(query) if query else {}
        return Request(scope["method"], path or "/", params, headers, bytes(body))

    async def _send(self, send: Any, resp: Response, head_only: bool) -> None:
        headers = [
            (b"content-type", resp.content_type.encode("latin-1")),
            (b"content-length", str(len(resp.body)).encode()),
            (b"access-control-allow-origin", b"*"),
            (b"x-content-type-options", b"nosniff"),
            (b"vary", b"Accept"),
        ]
        extra = dict(resp.headers)
        if resp.content_type.startswith("text/html"):
            extra.setdefault("Content-Security-Policy", _CSP)
            extra["Referrer-Policy"] = "no-referrer"
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": resp.status, "headers": headers})
        body = b"" if head_only else resp.body
        # in pieces, so a client that does not read holds one piece in the server, not the whole answer
        for at in range(0, max(len(body), 1), _CHUNK):
            last = at + _CHUNK >= len(body)
            await send({"type": "http.response.body", "body": body[at : at + _CHUNK], "more_body": not last})


def _protocol_class(config: ServerConfig) -> type:
    """uvicorn's httptools protocol with the limits it lacks: head size, request and write time-outs,
    a cap on connections; raw UTF-8 in a request target is percent-encoded (then read as UTF-8)."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class Protocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _write_timer: asyncio.TimerHandle | None = None
        _head = 0
        _refusal: tuple[int, str] | None = None
        _line_done = False
        _line_started = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > config.max_connections:
                transport.abort()  # over the cap: refused at once, nothing is kept for it
                return
            self._arm()

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(config.idle_timeout, self._too_slow)

        def _too_slow(self) -> None:  # no complete request within the idle time-out: slow head, slow body, idle
            self._deadline = None
            self.transport.abort()

        def connection_lost(self, exc: Exception | None) -> None:
            for timer in (self._deadline, self._write_timer):
                if timer is not None:
                    timer.cancel()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head = 0
            self._refusal = None
            self._arm()

        def on_url(self, url: bytes) -> None:
            self._head += len(url)
            if self._head > config.max_header_bytes:
                self._refusal = (414, "request target too long")
                raise ValueError("URI too long")
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._head += len(name) + len(value) + 4
            if self._head > config.max_header_bytes:
                self._refusal = (431, "request headers too large")
                raise ValueError("headers too large")
            super().on_header(name, value)

        def data_received(self, data: bytes) -> None:
            if not self._line_done:
                data = self._encode_request_line(data)
            super().data_received(data)

        def _encode_request_line(self, data: bytes) -> bytes:
            """Percent-encode raw non-ASCII bytes of the request line (the parser refuses them; browsers send
            UTF-8 percent-encoded, some clients raw): the target is then read as UTF-8 either way."""
            i, n = 0, len(data)
            if not self._line_started:
                while i < n and data[i] in b"\r\n":
                    i += 1
            j = data.find(b"\n", i)
            end = n if j < 0 else j
            if end > i:
                self._line_started = True
            if j >= 0:
                self._line_done = True
            line = data[i:end]
            if any(b > 0x7F for b in line):
                line = _HIGH.sub(lambda m: b"%%%02X" % m[0][0], line)
                return data[:i] + line + data[end:]
            return data

        def on_message_complete(self) -> None:
            self._line_done = self._line_started = False
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            super().on_message_complete()

        def send_400_response(self, msg: str) -> None:
            status, text = self._refusal or (400, "malformed HTTP request")
            body = (text + "\n").encode()
            reason = {400: "Bad Request", 414: "URI Too Long", 431: "Request Header Fields Too Large"}[status]
            self.transport.write(
                f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode("latin-1")
                + body
            )
            self.transport.close()

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._write_timer is None:
                self._write_timer = self.loop.call_later(config.write_timeout, self.transport.abort)

        def resume_writing(self) -> None:
            super().resume_writing()
            if self._write_timer is not None:
                self._write_timer.cancel()
                self._write_timer = None

    return Protocol


def _listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(512)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


async def serve_forever(config: ServerConfig, ready: Any = None) -> None:
    """Run the server until stopped (``ready(port, app)`` is called once it listens)."""
    import uvicorn

    app = App(config)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, app.start)
    app.pool.attach(loop)
    if app.federation is not None:
        app.federation.attach(loop)
    try:
        sock = _listen(config.host, config.port)
        port = int(sock.getsockname()[1])
        if not config.public_url:  # the port may have been picked by the system (--port 0)
            app.base = f"http://{_host_for_url(config.host)}:{port}"
        server = uvicorn.Server(
            uvicorn.Config(
                AsgiApp(app),
                http=_protocol_class(config),
                lifespan="off",
                access_log=False,
                log_level="error",
                server_header=False,
                proxy_headers=False,  # the client's address is never used: no middleware to read it
                date_header=False,
                timeout_keep_alive=max(1, int(config.idle_timeout)),
                limit_concurrency=config.max_connections + 1,
                backlog=512,
            )
        )
        if ready is not None:
            ready(port, app)
        await server.serve(sockets=[sock])
    finally:
        app.close()
