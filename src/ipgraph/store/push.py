"""``ipgraph push``: write the built graph into an external triple store, one named graph per ipgraph graph.

What "atomic" means here. A plain Graph Store Protocol ``PUT`` replaces a graph, but most stores do it as
"clear, then load": a reader can see the graph empty or half loaded, and a failed upload leaves it cleared. So
when the store also speaks SPARQL Update, the push goes in three steps:

1. **stage**: every graph is uploaded with ``PUT`` into a staging graph of its own
   (``urn:x-ipgraph:staging:<token>:<name>``); nothing a reader queries is touched;
2. **verify**: the staging graphs are counted through the query endpoint and must hold exactly the triples
   sent;
3. **swap**: ONE SPARQL Update request ``MOVE GRAPH <staging> TO GRAPH <target>`` for every graph. Oxigraph
   runs one update request as one transaction, so readers see all the old graphs or all the new ones; Fuseki
   (TDB2) does the same; for Virtuoso see docs/servers.md.

If any step fails, the staging graphs are dropped and the targets are as they were. Without an update endpoint
(``--dialect generic`` with no ``--update-endpoint``) the push falls back to a direct ``PUT`` per graph, which
is only as atomic as the store's ``PUT``, and says so.

>>> endpoints_for("http://127.0.0.1:7878/store", "auto")
('oxigraph', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/query')
>>> endpoints_for("http://h:8890/sparql-graph-crud-auth", "auto")[0]
'virtuoso'
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.model.prefixes import GRAPH_BASE, GRAPHS
from ipgraph.store.remote import Auth, RemoteError, RemoteTimeout, http, is_http_url, sparql_query, sparql_update

STAGING = "urn:x-ipgraph:staging:"


@dataclass
class PushReport:
    """What was pushed where, and how."""

    endpoint: str
    dialect: str
    method: str
    graphs: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """A short human summary."""
        lines = [
            f"pushed {len(self.graphs)} graphs to {self.endpoint} ({self.dialect}, {self.method}) "
            f"in {self.seconds:.1f} s"
        ]
        lines += [f"  <{g}>  {n:,} triples" for g, n in self.graphs]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def endpoints_for(gsp: str, dialect: str) -> tuple[str, str | None, str | None]:
    """The dialect and the SPARQL Update and query URLs that go with a Graph Store Protocol URL."""
    parts = urllib.parse.urlsplit(gsp)
    path = parts.path.rstrip("/")

    def at(p: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, p, "", ""))

    if dialect == "auto":
        if path.endswith("/store"):
            dialect = "oxigraph"
        elif path.endswith(("/sparql-graph-crud", "/sparql-graph-crud-auth")):
            dialect = "virtuoso"
        elif path.endswith("/rdf-graphs/service"):
            dialect = "graphdb"
        elif path.endswith("/data"):
            dialect = "fuseki"
        else:
            dialect = "generic"
    if dialect == "oxigraph":
        root = path[: -len("/store")] if path.endswith("/store") else path
        return dialect, at(root + "/update"), at(root + "/query")
    if dialect == "virtuoso":
        auth = path.endswith("-auth")
        root = path.rsplit("/", 1)[0]
        return dialect, at(root + ("/sparql-auth" if auth else "/sparql")), at(root + "/sparql")
    if dialect == "graphdb":
        repo = path[: -len("/rdf-graphs/service")]
        return dialect, at(repo + "/statements"), at(repo)
    if dialect == "fuseki":
        ds = path[: -len("/data")] if path.endswith("/data") else path
        return dialect, at(ds + "/update"), at(ds + "/query")
    return dialect, None, None


#: Triples sent in one request: a graph larger than this goes as one PUT and then POSTs (Graph Store Protocol
#: "merge"), so neither ipgraph nor the store holds a whole large graph in one request body.
CHUNK_TRIPLES = 250_000


@contextlib.contextmanager
def graphs_of_build(build_dir: Path) -> Iterator[dict[str, tuple[Path, int]]]:
    """The named graphs of a build's N-Quads dump, each written (streaming) to an N-Triples file of its own in a
    temporary folder: graph IRI -> (file, triples). The folder is removed when the block ends."""
    path = build_dir / "ipgraph.nq"
    if not path.is_file():
        raise InputError(f"no dump at {path}: run `ipgraph build` first")
    with tempfile.TemporaryDirectory(prefix="ipgraph-push-") as tmp:
        files: dict[str, IO[bytes]] = {}
        found: dict[str, tuple[Path, int]] = {}
        try:
            for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                if not isinstance(q.graph_name, ox.NamedNode):
                    raise InputError(
                        "the dump has triples outside a named graph; ipgraph pushes named graphs only", path
                    )
                name = q.graph_name.value
                if name not in files:
                    target = Path(tmp) / f"{len(files)}.nt"
                    files[name] = open(target, "wb")  # noqa: SIM115 - closed below
                    found[name] = (target, 0)
                files[name].write(f"{q.triple} .\n".encode())
                found[name] = (found[name][0], found[name][1] + 1)
        except (SyntaxError, OSError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(
                f"the dump is not valid N-Quads (rebuild it with `ipgraph build`): {first}", path
            ) from None
        finally:
            for f in files.values():
                f.close()
        yield found


def _gsp_url(gsp: str, graph: str) -> str:
    sep = "&" if "?" in gsp else "?"
    return f"{gsp}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _put(gsp: str, graph: str, source: Path, auth: Auth | None, timeout: float) -> None:
    """Replace ``graph`` with the triples of the N-Triples file ``source``: one PUT, then a POST a chunk."""
    method = "PUT"
    with open(source, "rb") as f:
        while True:
            chunk = b"".join(itertools.islice(f, CHUNK_TRIPLES))
            if not chunk and method == "POST":
                return
            # N-Triples is Turtle: text/turtle is the one type every Graph Store Protocol implementation takes.
            http(
                method,
                _gsp_url(gsp, graph),
                body=chunk,
                headers={"Content-Type": "text/turtle"},
                auth=auth,
                timeout=timeout,
            )
            method = "POST"


def count_graph(query_endpoint: str, graph: str, auth: Auth | None = None, timeout: float = 120.0) -> int:
    """The number of triples in one graph of a remote store."""
    from ipgraph.store.embedded import SelectResult
    from ipgraph.store.remote import parse_results

    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    ctype, data = sparql_query(query_endpoint, text, default_graphs=None, named_graphs=None, auth=auth, timeout=timeout)
    result = parse_results(ctype, data)
    assert isinstance(result, SelectResult)
    return int(result.rows[0]["n"].value) if result.rows else 0


def push(
    build_dir: Path,
    endpoint: str,
    *,
    graphs: list[str] | None = None,
    user: str | None = None,
    password: str | None = None,
    update_endpoint: str | None = None,
    query_endpoint: str | None = None,
    dialect: str = "auto",
    timeout: float = 120.0,
) -> PushReport:
    """Push the build's named graphs to the store whose Graph Store Protocol URL is ``endpoint``."""
    for option, url in (
        ("--endpoint", endpoint),
        ("--update-endpoint", update_endpoint),
        ("--query-endpoint", query_endpoint),
    ):
        if url is not None and not is_http_url(url):
            raise InputError(f"{option} needs an http(s) URL with a host, not {url!r}")
    started = time.monotonic()
    with graphs_of_build(build_dir) as data:
        return _push(data, endpoint, graphs, user, password, update_endpoint, query_endpoint, dialect, timeout, started)


def _push(
    data: dict[str, tuple[Path, int]],
    endpoint: str,
    graphs: list[str] | None,
    user: str | None,
    password: str | None,
    update_endpoint: str | None,
    query_endpoint: str | None,
    dialect: str,
    timeout: float,
    started: float,
) -> PushReport:
    if graphs:
        wanted = [g if "/" in g else GRAPH_BASE + g for g in graphs]
        unknown = [g for g in wanted if g not in data]
        if unknown:
            raise InputError(f"the build has no graph <{unknown[0]}>; it has: {', '.join(sorted(data))}")
        data = {g: data[g] for g in wanted}
    auth = Auth(user, password or "") if user else None
    dialect, guessed_update, guessed_query = endpoints_for(endpoint, dialect)
    update = update_endpoint or guessed_update
    query = query_endpoint or guessed_query
    report = PushReport(endpoint, dialect, "")
    if update is None:
        report.method = "direct PUT per graph"
        report.notes.append(
            "no SPARQL Update endpoint: each graph was replaced by one PUT, which is only as atomic as the "
            "store's PUT; give --update-endpoint for a staged, all-or-nothing push"
        )
        for g, (source, n) in sorted(data.items()):
            _put(endpoint, g, source, auth, timeout)
            report.graphs.append((g, n))
        report.seconds = time.monotonic() - started
        return report
    token = secrets.token_hex(6)
    staging = {g: f"{STAGING}{token}:{g.rstrip('/').rsplit('/', 1)[-1]}" for g in data}
    report.method = "staged upload, verified, swapped in one SPARQL Update"
    try:
        for g, (source, _) in sorted(data.items()):
            _put(endpoint, staging[g], source, auth, timeout)
        if query is not None:
            for g, (_, expected) in sorted(data.items()):
                got = count_graph(query, staging[g], auth, timeout)
                if got != expected:
                    raise RemoteError(
                        f"the store holds {got} triples of <{g}> after the upload, not {expected}: nothing replaced"
                    )
        ops = [f"MOVE SILENT GRAPH {ox.NamedNode(staging[g])} TO GRAPH {ox.NamedNode(g)}" for g in sorted(data)]
        if not graphs:  # a whole push also empties ipgraph graphs the build no longer has
            ops += [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in GRAPHS if g not in data]
        swap = " ;\n".join(ops)
        try:
            sparql_update(update, swap, auth=auth, timeout=timeout)
        except RemoteTimeout as exc:  # the store has the swap and may still finish it: say so, not "unreachable"
            raise RemoteError(
                f"{exc.message}; the swap was sent and the store may still complete it: compare its graphs' counts "
                "with the build's before pushing again"
            ) from None
    except BaseException:
        _drop_staging(update, list(staging.values()), auth, timeout)
        raise
    for g, (_, n) in sorted(data.items()):
        report.graphs.append((g, n))
    report.seconds = time.monotonic() - started
    return report


def _drop_staging(update: str, graphs: list[str], auth: Auth | None, timeout: float) -> None:
    text = " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs)
    with contextlib.suppress(RemoteError):
        sparql_update(update, text, auth=auth, timeout=timeout)
