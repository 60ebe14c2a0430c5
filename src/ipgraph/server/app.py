"""The HTTP server: SPARQL 1.1 Protocol, Linked Data pages, the query page, VoID, the ontology, the viz views.

A small HTTP/1.1 server on asyncio (keep-alive, request size limits, idle time-outs), no dependency beyond the
standard library. Every query runs in a worker process (:mod:`ipgraph.server.workers`); answers are cached by
request (the graph is read-only, so a cached answer never goes stale while the server runs).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import sys
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.prefixes import ID_BASE, IPG_NS, PREFIXES
from ipgraph.server import meta, pages
from ipgraph.server.jobs import VIZ_VIEWS
from ipgraph.server.negotiate import GRAPH_FORMATS, pick
from ipgraph.server.safety import QueryRefused, check_query
from ipgraph.server.workers import PoolBusy, WorkerConfig, WorkerPool

_REASONS = {
    200: "OK",
    204: "No Content",
    301: "Moved Permanently",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}
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
    cache_bytes: int = 64 * 1024 * 1024
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
        cost = len(value.body) + 256
        if cost > self.max_bytes // 8:
            return
        if key in self._items:
            self.size -= len(self._items.pop(key).body) + 256
        self._items[key] = value
        self.size += cost
        while self.size > self.max_bytes and self._items:
            _, old = self._items.popitem(last=False)
            self.size -= len(old.body) + 256


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
        self.pool = WorkerPool(
            WorkerConfig(
                str(config.build_dir),
                isolate=config.isolate_network and not config.allowed_services,
                max_result_bytes=config.max_result_bytes,
            ),
            size=config.workers,
        )
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=max(4, config.workers * 4))
        self.cache = ResponseCache(config.cache_bytes)
        self._inflight: dict[tuple[Any, ...], asyncio.Future[Response]] = {}
        self.catalog: dict[str, Any] = {}
        self.stats: dict[str, Any] = {}
        self.graphs: set[str] = set()
        self.dumps: list[str] = []

    # ---- start-up --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers, read the catalog and count the dataset."""
        from ipgraph.catalog import load_catalog

        if self.config.queries_dir is not None and self.config.queries_dir.is_dir():
            self.catalog = load_catalog(self.config.queries_dir)
        self.pool.start()
        status, _, stats = self.pool.run(("stats",), 120.0)
        if status != "ok":
            raise RuntimeError(f"cannot read the store: {stats}")
        self.stats = stats
        from ipgraph.remote import GRAPHS

        self.graphs = set(stats["graphs"]) | set(GRAPHS)  # ipgraph's own graph names, even when empty
        self.dumps = [n for n in meta.DUMPS if (self.config.build_dir / n).is_file()]

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()
        self.executor.shutdown(wait=False, cancel_futures=True)

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
                status, a, b = await loop.run_in_executor(self.executor, self.pool.run, job, limit, limit * 2)
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
        """Answer one request (never raises)."""
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
                return Response(200, "text/html; charset=utf-8", pages.query_page(self._catalog_json()).encode())
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
                return self.void(req)
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
                return _text(200, "ok")
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
        screened = check_query(text, allowed_services=self.config.allowed_services, allowed_graphs=allowed_graphs)
        union = not (screened.from_graphs or screened.from_named)
        dg = params.get("default-graph-uri")
        ng = params.get("named-graph-uri")
        for iri in (dg or []) + (ng or []):
            if iri not in allowed_graphs:
                raise HttpError(403, f"graph <{iri}> is refused: only the store's own graphs can be named")
        accept = req.headers.get("accept")
        fmt = _format(req)
        job = ("sparql", text, dg, ng, accept, fmt, False, union)
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
            return Response(200, "text/html; charset=utf-8", pages.query_page(self._catalog_json()).encode())
        triples = meta.service_description(self.base, self.stats["graphs"], self.stats["triples"])
        return self._rdf(triples, req)

    def void(self, req: Request) -> Response:
        triples = meta.void_description(self.base, self.stats, self.dumps)
        return self._rdf(triples, req, html_title="The ipgraph dataset (VoID / DCAT)")

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
        if key == "html":
            return Response(200, "text/html; charset=utf-8", pages.catalog_page(self._catalog_json()).encode())
        return Response(
            200, "application/json", json.dumps(self._catalog_json(), ensure_ascii=False, indent=1).encode()
        )

    async def catalog_query(self, req: Request, name: str) -> Response:
        from ipgraph.store import bind_values

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
        check_query(text, allowed_services=self.config.allowed_services, allowed_graphs=self.graphs)
        accept = req.headers.get("accept")
        fmt = _format(req)
        job = ("sparql", text, None, None, accept, fmt, True, True)
        return await self._job(("sparql-html", text, accept, fmt), job)

    # ---- Linked Data -----------------------------------------------------------------------------
    async def resource(self, req: Request, iri: str) -> Response:
        if not iri[len("https://") :] or any(ch not in _IRI_OK for ch in iri[len("https://") :]):
            raise HttpError(404, "not an identifier of this graph")
        accept = req.headers.get("accept")
        fmt = _format(req)
        resp = await self._job(("entity", iri, accept, fmt), ("entity", iri, accept, fmt))
        return resp

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
        job = ("sparql", text, None, None, GRAPH_FORMATS[key], None, False, True)
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


def _format(req: Request) -> str | None:
    """A ``format=`` / ``output=`` parameter (clients such as SPARQLWrapper send both, sometimes twice)."""
    for name in ("format", "output"):
        values = req.params.get(name)
        if values:
            return values[0]
    return None


def _parse_qs(qs: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(qs, keep_blank_values=True, max_num_fields=200, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "malformed query string or form (or more than 200 fields)") from None


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def bind_params(declared: dict[str, tuple[str, str | None]], given: dict[str, str]) -> dict[str, Any]:
    """Values of a catalog query's parameters as RDF terms (declared types; CURIEs expanded for IRIs).

    >>> bind_params({"charge": ("iri", None)}, {"charge": "charge:x"})
    {'charge': <NamedNode value=https://w3id.org/ipgraph/id/charge/x>}
    """
    from ipgraph.store import term_for

    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise HttpError(400, f"unknown parameter {unknown[0]!r} (this query takes: {', '.join(declared) or 'none'})")
    bound: dict[str, Any] = {}
    for name, (type_, default) in declared.items():
        value = given.get(name, default)
        if value is None:
            raise HttpError(400, f"missing parameter {name!r}")
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


# ---- HTTP/1.1 on asyncio -------------------------------------------------------------------------
class HttpServer:
    """Keep-alive HTTP/1.1; bodies by Content-Length only; limits on headers, body and idle time."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.config = app.config
        self.server: asyncio.base_events.Server | None = None
        self.requests = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(
            self._connection,
            self.config.host,
            self.config.port,
            limit=self.config.max_header_bytes,
            backlog=512,
        )

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    async def _send(self, writer: asyncio.StreamWriter, resp: Response, head_only: bool, keep_alive: bool) -> None:
        headers = {
            "Content-Type": resp.content_type,
            "Content-Length": str(len(resp.body)),
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept",
            "Connection": "keep-alive" if keep_alive else "close",
        }
        if resp.content_type.startswith("text/html"):
            headers["Content-Security-Policy"] = _CSP
            headers["Referrer-Policy"] = "no-referrer"
        headers.update(resp.headers)
        head = f"HTTP/1.1 {resp.status} {_REASONS.get(resp.status, 'Status')}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        writer.write(head.encode("latin-1") + b"\r\n" + (b"" if head_only else resp.body))
        await writer.drain()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.config.idle_timeout)
                except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
                    return
                except (asyncio.LimitOverrunError, ValueError):
                    await self._send(writer, _text(431, "request headers too large"), False, False)
                    return
                try:
                    req, keep_alive, length = self._parse_head(raw)
                except HttpError as exc:
                    await self._send(writer, _text(exc.status, exc.message), False, False)
                    return
                except Exception:  # whatever else a malformed head does: 400, never a trace
                    await self._send(writer, _text(400, "malformed request"), False, False)
                    return
                if length:
                    if req.headers.get("expect", "").lower() == "100-continue":
                        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    try:
                        req.body = await asyncio.wait_for(reader.readexactly(length), self.config.idle_timeout)
                    except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
                        return
                self.requests += 1
                resp = await self.app.handle(req)
                await self._send(writer, resp, req.method == "HEAD", keep_alive)
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def _parse_head(self, raw: bytes) -> tuple[Request, bool, int]:
        try:
            text = raw.decode("latin-1")
        except UnicodeDecodeError:
            raise HttpError(400, "malformed request") from None
        lines = text.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise HttpError(400, "malformed request line")
        method, target, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise HttpError(400, "malformed header line")
            key = name.lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if "transfer-encoding" in headers:
            raise HttpError(411, "send the body with a Content-Length (chunked requests are not accepted)")
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise HttpError(400, "malformed Content-Length") from None
        if length < 0:
            raise HttpError(400, "malformed Content-Length")
        if length > self.config.max_request_bytes:
            raise HttpError(413, f"request body too large (limit {self.config.max_request_bytes:,} bytes)")
        conn = headers.get("connection", "").lower()
        keep_alive = "close" not in conn if version == "HTTP/1.1" else "keep-alive" in conn
        try:
            split = urllib.parse.urlsplit(target)
            path = urllib.parse.unquote(split.path or "/", errors="strict")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "malformed request target (percent-escapes must be UTF-8)") from None
        params = _parse_qs(split.query) if split.query else {}
        return Request(method.upper(), path, params, headers), keep_alive, length


async def serve_forever(config: ServerConfig, ready: Any = None) -> None:
    """Run the server until cancelled (``ready(port)`` is called once it listens)."""
    app = App(config)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, app.start)
    server = HttpServer(app)
    await server.start()
    if not config.public_url:  # the port may have been picked by the system (--port 0)
        app.base = f"http://{_host_for_url(config.host)}:{server.port}"
    try:
        if ready is not None:
            ready(server.port, app)
        assert server.server is not None
        async with server.server:
            await server.server.serve_forever()
    finally:
        app.close()
