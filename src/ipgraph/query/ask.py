"""``ipgraph query`` and ``ipgraph queries``: a query named, read or written, its parameters bound, run, printed."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from ipgraph.errors import EXIT_NOT_CONFORMING, EXIT_OK, InputError


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--param takes key=value, not {pair!r}")
        params[key] = value
    return params


def bind(
    declared: dict[str, tuple[str, str | None]], given: dict[str, str], catalog: bool = False
) -> dict[str, object]:
    """Parameter values as RDF terms: declared types for catalog queries (which take no others), else IRIs for
    <…>/CURIEs."""
    from ipgraph.model.periods import period_iri
    from ipgraph.model.prefixes import PREFIXES
    from ipgraph.query.catalog import PERIOD_TYPE, REPORT_TYPE, report_iri
    from ipgraph.store.embedded import term_for

    def expand(value: str) -> str | None:
        if value.startswith("<") and value.endswith(">"):
            return value[1:-1]
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES:
            return PREFIXES[prefix] + local
        return value if value.startswith(("http://", "https://")) else None

    bound: dict[str, object] = {}
    if declared or catalog:
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise InputError(f"unknown parameter {unknown[0]!r} (this query takes: {', '.join(declared) or 'none'})")
    for name, (type_, default) in declared.items():
        value = given.get(name, default)
        if value is None and type_ == REPORT_TYPE:
            continue  # optional: every report, one block each
        if value is None:
            raise InputError(f"missing parameter {name!r}: give --param {name}=VALUE")
        if type_ in (REPORT_TYPE, PERIOD_TYPE):
            try:
                value, type_ = (report_iri if type_ == REPORT_TYPE else period_iri)(name, value), "iri"
            except ValueError as exc:
                raise InputError(str(exc)) from None
        if type_ == "iri":
            iri = expand(value)
            if iri is None:
                raise InputError(f"parameter {name!r} needs an IRI or CURIE, not {value!r}")
            value = iri
        try:
            bound[name] = term_for(value, type_)
        except InputError as exc:
            raise InputError(f"parameter {name!r}: {exc.message}") from None
    for name, value in given.items():
        if name not in declared:
            iri = expand(value)
            bound[name] = term_for(iri, "iri") if iri else term_for(value, "string")
    return bound


def refuse_unknown_report(store: Any, iri: str) -> None:
    """One line naming the graph's reports when ``iri`` is none of them."""
    from ipgraph.query.catalog import KNOWN_REPORTS_QUERY, unknown_report_message

    known = [str(sol["r"].value) for sol in store.query(KNOWN_REPORTS_QUERY, use_default_graph_as_union=True)]
    if iri not in known:
        raise InputError(unknown_report_message(iri, known))


def read_query_file(name: str) -> str:
    """The text of a query file: a regular UTF-8 file of at most ``safe_read.QUERY_LIMIT`` bytes (never a FIFO)."""
    from ipgraph.reading.safe_read import QUERY_LIMIT, read_text

    return read_text(name, QUERY_LIMIT, "the query file")


def ask(
    *,
    name: str | None,
    file: str | None,
    expression: str | None,
    params: list[str],
    catalog_dirs: list[str],
    build_dir: str,
    endpoint: str | None,
    output_format: str,
    width: int | None,
    allow_federation: bool,
) -> int:
    """Run one query — a catalog query ``name``, a query ``file`` or a query ``expression`` — with its
    ``key=value`` parameters, on the build or a remote endpoint; print its result; return the exit code."""
    from ipgraph.query.catalog import load_query
    from ipgraph.store.embedded import SelectResult, open_store, run_query

    given = parse_params(params)
    declared: dict[str, tuple[str, str | None]] = {}
    chosen = [what for what, value in (("a NAME", name), ("--file", file), ("-e", expression)) if value]
    if len(chosen) > 1:
        raise InputError(f"give one query, not {' and '.join(chosen)}")
    if expression is not None:
        text = expression
    elif file is not None:
        text = read_query_file(file)
    elif name:
        q = load_query(catalog_dirs, name)
        text = q.text
        declared = {p.name: (p.type, p.default) for p in q.params}
    else:
        raise InputError("give a query NAME, --file Q.rq or -e 'SPARQL'")
    bindings = bind(declared, given, catalog=bool(name) and file is None and expression is None)
    if endpoint:
        return run_remote_query(endpoint, text, bindings, output_format, width)
    store = open_store(build_dir)
    for param, (type_, _) in declared.items():
        if type_ == "report" and param in bindings:
            refuse_unknown_report(store, str(getattr(bindings[param], "value", "")))
    result = run_query(store, text, bindings, allow_federation=allow_federation)  # type: ignore[arg-type]
    if isinstance(result, bool):
        print("true" if result else "false")
        return EXIT_OK if result else EXIT_NOT_CONFORMING
    if isinstance(result, SelectResult):
        from ipgraph.query.results import render

        print(render(result, output_format, width))
        if not result.rows:
            print("(no result)", file=sys.stderr)
            return EXIT_NOT_CONFORMING
        return EXIT_OK
    import pyoxigraph as ox

    from ipgraph.model.prefixes import PREFIXES

    sys.stdout.write((ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode("utf-8"))
    return EXIT_OK if result else EXIT_NOT_CONFORMING


def list_queries(catalog_dirs: list[str]) -> int:
    """Print the catalog: each query's name, parameters and summary; return the exit code."""
    from ipgraph.query.catalog import load_catalog

    catalog = load_catalog(catalog_dirs)
    for name, q in catalog.items():
        params = " ".join(f"{p.name}={p.default}" if p.default is not None else p.name for p in q.params)
        print(f"{name}{'  [' + params + ']' if params else ''}")
        print(f"    {q.summary}")
    print(f"{len(catalog)} queries; run one with: ipgraph query NAME [--param key=value]")
    return EXIT_OK


def run_remote_query(endpoint: str, text: str, bindings: Mapping[str, Any], fmt: str, width: int | None = None) -> int:
    """``ipgraph query --endpoint``: print the answer like the embedded query does; return the exit code.

    Credentials, when the endpoint needs them, come from ``IPGRAPH_USER`` and ``IPGRAPH_PASSWORD``.
    """
    import os

    import pyoxigraph as ox

    from ipgraph.model.prefixes import used_prefixes
    from ipgraph.query.results import render
    from ipgraph.store.embedded import SelectResult
    from ipgraph.store.remote import Auth, is_http_url, remote_query

    if not is_http_url(endpoint):
        raise InputError(f"--endpoint needs an http(s) URL with a host, not {endpoint!r}")
    user = os.environ.get("IPGRAPH_USER")
    auth = Auth(user, os.environ.get("IPGRAPH_PASSWORD", "")) if user else None
    result = remote_query(endpoint, text, bindings, auth=auth)
    if isinstance(result, bool):
        print("true" if result else "false")
        return 0 if result else 1
    if isinstance(result, SelectResult):
        print(render(result, fmt, width))
        if not result.rows:
            print("(no result)", file=sys.stderr)
            return 1
        return 0
    prefixes = used_prefixes(result)
    sys.stdout.write((ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode("utf-8"))
    return 0 if result else 1
