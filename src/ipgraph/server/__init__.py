"""``ipgraph serve`` (a read-only SPARQL endpoint and Linked Data server) and ``ipgraph push`` (the graph into
an external triple store).

The package is imported by the command line only when one of its verbs runs; nothing here is needed by
``ipgraph query``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _size(text: str) -> int:
    """A size like ``16M``, ``512k`` or ``1000`` in bytes.

    >>> _size("16M"), _size("512k"), _size("1000")
    (16777216, 524288, 1000)
    """
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    t = text.strip().lower().removesuffix("b")
    mult = units.get(t[-1:], 1)
    number = t[:-1] if t[-1:] in units else t
    try:
        value = int(float(number) * mult)
    except (ValueError, OverflowError):  # OverflowError: inf
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 16M, 512k, 1000)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"a size must be positive, not {text!r}")
    return value


def _port(text: str) -> int:
    """A TCP port, 0 (pick a free one) to 65535.

    >>> _port("7878")
    7878
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {value}")
    return value


def _count(text: str) -> int:
    """A whole number of at least 1 (workers, connections)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


_MAX_SECONDS = 7 * 24 * 3600


def _seconds(text: str) -> float:
    """A positive number of seconds, at most a week.

    >>> _seconds("2.5")
    2.5
    """
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"seconds must be a positive number, not {text!r}")
    if value > _MAX_SECONDS:  # the socket and clock calls overflow long before 1e308
        raise argparse.ArgumentTypeError(f"seconds must be at most {_MAX_SECONDS:,} (a week), not {text!r}")
    return value


def _cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    from ipgraph.errors import InputError
    from ipgraph.server.app import ServerConfig, serve_forever
    from ipgraph.store.embedded import STORE_DIR

    build = Path(args.build)
    if not (build / STORE_DIR).is_dir():
        raise InputError(f"no built store at {build / STORE_DIR}: run `ipgraph build` first")
    if args.time_limit <= 0:
        raise InputError("--time-limit must be positive")
    config = ServerConfig(
        build_dir=build,
        queries_dir=Path(args.catalog),
        extra_queries=[Path(d) for d in args.queries],
        ontology_file=Path(args.ontology),
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        workers=args.workers,
        time_limit=args.time_limit,
        max_result_bytes=args.max_result_size,
        max_request_bytes=args.max_request_size,
        cache_bytes=args.cache_size,
        memory_bytes=args.memory_limit,
        memory_store=not args.store_on_disk,
        max_connections=args.max_connections,
        idle_timeout=args.client_timeout,
        write_timeout=args.client_timeout,
        allowed_services=list(args.allow_service),
        allowed_graphs=list(args.allow_graph),
        isolate_network=True,
    )
    from ipgraph.store.sparqlcheck import endpoint_allowed

    for url in config.allowed_services:
        if not endpoint_allowed(url, [url]):
            raise InputError(f"--allow-service needs an http(s) endpoint URL without user name, not {url!r}")
    if args.max_connections < 1:
        raise InputError("--max-connections must be at least 1")

    def ready(port: int, app: object) -> None:
        from ipgraph.server.app import App

        assert isinstance(app, App)
        wall = "workers without network" if app.pool.isolated else "parsed-query checks only (no network namespace)"
        where = "store in memory" if app.stats.get("in_memory") else "store on disk"
        print(
            f"ipgraph serve: http://{config.host}:{port}/  (SPARQL at /sparql; {config.workers} workers, {where}, "
            f"time limit {config.time_limit:g} s, {wall}; Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )

    try:
        asyncio.run(serve_forever(config, ready))
    except OSError as exc:
        raise InputError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        raise InputError(str(exc)) from None
    return 0


def _cmd_push(args: argparse.Namespace) -> int:
    import os

    from ipgraph.errors import InputError
    from ipgraph.store.push import push

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            raise InputError(f"the environment variable {args.password_env} is not set")
    report = push(
        Path(args.build),
        args.endpoint,
        graphs=args.graph or None,
        user=args.user,
        password=password,
        update_endpoint=args.update_endpoint,
        query_endpoint=args.query_endpoint,
        dialect=args.dialect,
        timeout=args.timeout,
    )
    print(report.text())
    return 0


def add_parser(sub: argparse._SubParsersAction, root: Path) -> None:  # type: ignore[type-arg]
    """Register the ``serve`` and ``push`` verbs."""
    from ipgraph import resources
    from ipgraph.server.workers import default_size

    p = sub.add_parser(
        "serve",
        help="a read-only SPARQL endpoint, Linked Data pages and a query page over the built graph",
        epilog="example: ipgraph serve --port 7878  (then open http://127.0.0.1:7878/)",
    )
    p.add_argument("--build", default=str(root / "build"), help="built graph directory (default: %(default)s)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s, this machine only)")
    p.add_argument("--port", type=_port, default=7878, help="port (default: %(default)s; 0 picks a free one)")
    p.add_argument("--public-url", help="base URL the server is reached at, for descriptions (default: from host/port)")
    p.add_argument(
        "--workers", type=_count, default=default_size(), help="query worker processes (default: %(default)s)"
    )
    p.add_argument("--time-limit", type=_seconds, default=5.0, help="seconds a query may run (default: %(default)s)")
    p.add_argument(
        "--max-result-size", type=_size, default="16M", help="largest answer, in bytes (default: %(default)s)"
    )
    p.add_argument("--max-request-size", type=_size, default="1M", help="largest request body (default: %(default)s)")
    p.add_argument("--cache-size", type=_size, default="64M", help="response cache size (default: %(default)s)")
    p.add_argument(
        "--memory-limit",
        type=_size,
        default="1G",
        help="memory a query worker may use; a query over it is stopped (default: %(default)s)",
    )
    p.add_argument(
        "--store-on-disk",
        action="store_true",
        help="workers query the store on disk even when it fits a quarter of --memory-limit "
        "(by default such a store is copied into each worker's memory, where queries run several times faster)",
    )
    p.add_argument(
        "--max-connections", type=_count, default=256, help="open connections accepted at once (default: %(default)s)"
    )
    p.add_argument(
        "--client-timeout",
        type=_seconds,
        default=30.0,
        help="seconds a client may take to send its request or to read the answer; then it is disconnected "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--allow-service",
        action="append",
        default=[],
        metavar="URL",
        help="let SERVICE call this endpoint: same scheme, host and port (and path, if given); repeatable; "
        "off by default: no outbound request. Only such queries run in a worker with network",
    )
    p.add_argument(
        "--allow-graph",
        action="append",
        default=[],
        metavar="IRI",
        help="a graph IRI FROM / FROM NAMED may name besides the store's own (never fetched; repeatable)",
    )
    p.add_argument(
        "--queries",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of your own .rq queries to add to the catalog the query page offers (repeatable)",
    )
    p.add_argument("--catalog", default=resources.queries_dir(), help=argparse.SUPPRESS)  # ipgraph's own queries
    p.add_argument("--ontology", default=resources.ontology_file(), help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser(
        "push",
        help="write the built graph into an external triple store (Graph Store HTTP Protocol), graph by graph",
        epilog="example: ipgraph push --endpoint http://127.0.0.1:7878/store  (Oxigraph server); "
        "see docs/servers.md for Virtuoso, Fuseki and GraphDB",
    )
    p.add_argument("--build", default=str(root / "build"), help="built graph directory (default: %(default)s)")
    p.add_argument(
        "--endpoint", required=True, help="the store's Graph Store Protocol URL (e.g. http://host:7878/store)"
    )
    p.add_argument(
        "--graph",
        action="append",
        metavar="IRI",
        help="push only this named graph (repeatable; default: all)",
    )
    p.add_argument("--user", help="user name for HTTP authentication (basic, or digest when the store asks)")
    p.add_argument("--password-env", metavar="VAR", help="environment variable holding the password")
    p.add_argument("--update-endpoint", help="SPARQL Update URL for the atomic swap (default: guessed)")
    p.add_argument("--query-endpoint", help="SPARQL query URL to verify the upload (default: guessed)")
    p.add_argument(
        "--dialect",
        choices=("auto", "oxigraph", "fuseki", "virtuoso", "graphdb", "generic"),
        default="auto",
        help="store dialect (default: guessed from the URL)",
    )
    p.add_argument("--timeout", type=_seconds, default=120.0, help="seconds per HTTP request (default: %(default)s)")
    p.set_defaults(func=_cmd_push)
