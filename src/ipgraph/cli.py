"""The ``ipgraph`` command line: one verb per job.

Exit codes: 0 success; 1 the data or graph does not conform, or a query has no result; 2 usage or input error
(one line on standard error, never a traceback); 3 a bug in ipgraph: one line says so and names the file holding
the full traceback (under $XDG_STATE_HOME/ipgraph when that is set, else the system's temporary folder); 130
interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from ipgraph.errors import EXIT_INPUT, EXIT_NOT_CONFORMING, EXIT_OK, IpgraphError, report_bug

TYPE_CHECKING = False  # typing and pathlib stay unimported on the query path (mypy: always_true)
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any, NoReturn

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 does not conform / no result; 2 usage or input error; "
    "3 a bug in ipgraph (the message names the file with the traceback); 130 interrupted."
)


def _project_root() -> str:
    here = candidate = os.getcwd()
    while True:
        if os.path.isfile(os.path.join(candidate, "ontology", "ipgraph.ttl")) and os.path.isdir(
            os.path.join(candidate, "data")
        ):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return here
        candidate = parent


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def _cmd_coverage(args: argparse.Namespace) -> int:
    from ipgraph.checks.coverage import print_coverage

    return print_coverage(_data_dirs(args), args.ontology)


def _cmd_query(args: argparse.Namespace) -> int:
    from ipgraph.query.ask import ask

    return ask(
        name=args.name,
        file=args.file,
        expression=args.expression,
        params=args.param,
        catalog_dirs=_catalog_dirs(args),
        build_dir=_build_dir(args),
        endpoint=args.endpoint,
        output_format=args.format,
        width=_table_width(args),
        allow_federation=args.allow_federation,
    )


def _cmd_queries(args: argparse.Namespace) -> int:
    from ipgraph.query.ask import list_queries

    return list_queries(_catalog_dirs(args))


def _cmd_build(args: argparse.Namespace) -> int:
    from ipgraph.store.build import build

    data, notes = _data_and_notes(args)
    summary = build(data, args.out, args.ontology, validate=not args.no_validate, full=args.full)
    print("\n".join([*notes, summary.text()]))
    return EXIT_OK if summary.conforms else EXIT_NOT_CONFORMING


def _data_dirs(args: argparse.Namespace) -> list[Path]:
    """ipgraph's own data (unless --no-bundled), then each --data directory not already in."""
    return _data_and_notes(args)[0]


def _data_and_notes(args: argparse.Namespace) -> tuple[list[Path], list[str]]:
    """The data directories to read, and a line for each saying whose data it is (:func:`resources.data_dirs`)."""
    from ipgraph import resources

    dirs, notes = resources.data_dirs(args.data or [], bundled=not args.no_bundled)
    if os.path.realpath(args.ontology) != os.path.realpath(resources.ontology_file()):
        notes.append(f"using the ontology {args.ontology}")
    return dirs, notes


def _catalog_dirs(args: Any) -> list[str]:
    """ipgraph's query catalog, then each --queries folder of the user's own queries."""
    from ipgraph import resources

    return [resources.queries_dir(), *args.queries]


def _build_dir(args: argparse.Namespace) -> str:
    return str(args.build)


def _table_width(args: argparse.Namespace) -> int | None:
    """The width a table must fit (the terminal's, see :mod:`ipgraph.query.termtable`); None with ``--wide``."""
    if args.wide or getattr(args, "format", "table") != "table":
        return None
    from ipgraph.query.termtable import terminal_width

    return terminal_width()


def _cmd_describe(args: argparse.Namespace) -> int:
    from ipgraph.query.describe import describe
    from ipgraph.store.embedded import open_store

    print(describe(open_store(_build_dir(args)), args.term, _table_width(args), args.lang))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from ipgraph.query.export import export
    from ipgraph.store.embedded import open_store
    from ipgraph.store.outputs import check_file, marked, write_file

    if args.output is not None:
        check_file(args.output)  # before the work: refuse a folder or a file ipgraph did not write
    store = open_store(_build_dir(args)) if args.format == "csv" else None
    data = export(_path(_build_dir(args)), args.format, store)
    if args.output is not None:
        data = marked(data, args.format) if args.format in ("nt", "nq", "ttl", "trig") else data
        write_file(args.output, data)
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from ipgraph.checks.validate import validate_all

    data = _data_dirs(args)
    report = validate_all(data, args.ontology, ontology_only=args.ontology_only, reasoner=not args.no_reasoner)
    print(report.text())
    return EXIT_OK if report.conforms else EXIT_NOT_CONFORMING


def _cmd_docs(args: argparse.Namespace) -> int:
    from ipgraph.store.outputs import check_file
    from ipgraph.viz.ontology_docs import write_ontology_docs

    check_file(args.out, protect=[args.ontology])  # before pyLODE's work
    out = write_ontology_docs(_path(args.ontology), _path(args.out))
    print(f"wrote {out}")
    return EXIT_OK


CORE_VERBS = ("build", "coverage", "validate", "queries", "query", "describe", "export", "docs")
#: Verbs whose parser and handler live in their own module, imported only when that verb runs (or for --help),
#: so that ``ipgraph query`` does not pay for the server, the viz or the linker.
EXTERNAL_VERBS = {
    "check": "ipgraph.query.trends",
    "trends": "ipgraph.query.trends",
    "serve": "ipgraph.server",
    "push": "ipgraph.server",
    "viz": "ipgraph.viz",
    "link": "ipgraph.linking.cli",
    "draft": "ipgraph.draft",
    "numbers": "ipgraph.reading.numbers_cmd",
    "init": "ipgraph.draft.scaffold",
}


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    import argparse

    from ipgraph import resources

    root = _project_root()  # the workspace: where build/ goes; ontology, data and queries come from resources

    class OneLineParser(argparse.ArgumentParser):
        """An argument parser whose usage errors are one line on standard error (exit 2), like every input error."""

        def error(self, message: str) -> NoReturn:
            self.exit(EXIT_INPUT, _usage_line(message, self.prog))

    parser = OneLineParser(
        prog="ipgraph",
        description="A knowledge graph of intellectual-property cases and trends, built from procuratorial reports.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument("--version", action="version", version=f"ipgraph {resources.version()}")
    sub: Any = _OnlyVerb(parser.add_subparsers(dest="verb", metavar="VERB"), only)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data",
            type=_path,
            action="append",
            default=None,
            metavar="DIR",
            help="a folder of your own reports (DIR/reports/ID/, DIR/sources/) to add to ipgraph's own; repeatable",
        )
        p.add_argument(
            "--no-bundled", action="store_true", help="leave out ipgraph's own reports: read only the --data folders"
        )
        p.add_argument("--ontology", type=_path, default=resources.ontology_file(), help=argparse.SUPPRESS)

    p = sub.add_parser(
        "build",
        help="read the ontology and every report, check them, and write the store and dumps",
        epilog="example: ipgraph build --out build",
    )
    common(p)
    p.add_argument(
        "--out", type=_path, default=os.path.join(root, "build"), help="output directory (default: %(default)s)"
    )
    p.add_argument("--no-validate", action="store_true", help="skip SHACL, health queries and Data Cube checks")
    p.add_argument(
        "--full",
        action="store_true",
        help="build every report again (default: reuse the previous build's parts of unchanged reports)",
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "coverage",
        help="list every number of the source texts that no fact's quote covers",
        epilog="example: ipgraph coverage",
    )
    common(p)
    p.set_defaults(func=_cmd_coverage)

    def store_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--build", default=os.path.join(root, "build"), help="built graph directory (default: %(default)s)"
        )

    p = sub.add_parser(
        "validate",
        help="SHACL shapes, health queries, Data Cube constraints and OWL consistency; list every violation",
        epilog="example: ipgraph validate --ontology-only",
    )
    common(p)
    p.add_argument("--ontology-only", action="store_true", help="check the ontology alone (no report data)")
    p.add_argument("--no-reasoner", action="store_true", help="skip the OWL reasoner (HermiT, needs Java)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "queries", help="list the query catalog: name, summary, parameters", epilog="example: ipgraph queries"
    )
    p.add_argument("--queries", action="append", default=[], metavar="DIR", help=_QUERIES_HELP)
    p.set_defaults(func=_cmd_queries)

    p = sub.add_parser(
        "query",
        help="run a catalog query by NAME, a query file, or a SPARQL expression",
        epilog="examples: ipgraph query cq-01-ip-criminal-cases-and-perpetrators --format csv | "
        "ipgraph query -e 'SELECT (COUNT(*) AS ?n) { ?s ?p ?o }' | "
        "ipgraph query --file my.rq --param charge=charge:art-219-infringing-trade-secrets",
    )
    store_opts(p)
    p.add_argument("name", nargs="?", help="a query of the catalog (see: ipgraph queries)")
    p.add_argument("-e", "--expression", help="SPARQL text to run")
    p.add_argument("--file", help="a .rq file to run")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="bind a query variable")
    p.add_argument("--format", choices=("table", "csv", "tsv", "json", "md"), default="table")
    p.add_argument("--wide", action="store_true", help=WIDE_HELP)
    p.add_argument("--endpoint", help="run against a remote SPARQL endpoint instead of the embedded store")
    p.add_argument(
        "--allow-federation", action="store_true", help="let SERVICE clauses make outbound requests (off by default)"
    )
    p.add_argument("--queries", action="append", default=[], metavar="DIR", help=_QUERIES_HELP)
    p.set_defaults(func=_cmd_query)

    p = sub.add_parser(
        "describe",
        help="everything the graph says about one entity, with source quotes",
        epilog="examples: ipgraph describe 'Supreme People's Procuratorate' | ipgraph describe 上海市人民检察院 | "
        "ipgraph describe charge:art-219-infringing-trade-secrets",
    )
    store_opts(p)
    p.add_argument("term", help="an IRI, a CURIE, or an English or Chinese label")
    p.add_argument("--wide", action="store_true", help="print quotes and values in full, one line each")
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="labels, and the quote of a figure stated in several editions, in this language (default: %(default)s)",
    )
    p.set_defaults(func=_cmd_describe)

    p = sub.add_parser(
        "export",
        help="write the graph as ttl, nt, nq, trig or jsonld, or the Data Cube as a tidy CSV",
        epilog="example: ipgraph export --format csv -o observations.csv",
    )
    store_opts(p)
    p.add_argument("--format", required=True, choices=("ttl", "nt", "nq", "trig", "jsonld", "csv"))
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser(
        "docs",
        help="write the ontology's documentation (pyLODE) as one HTML page",
        epilog="example: ipgraph docs --out docs/ontology/index.html",
    )
    p.add_argument("--ontology", default=resources.ontology_file(), help=argparse.SUPPRESS)
    p.add_argument("--out", default=os.path.join(root, "docs", "ontology", "index.html"), help="HTML file to write")
    p.set_defaults(func=_cmd_docs)
    import importlib

    modules = sorted(set(EXTERNAL_VERBS.values())) if only is None else [EXTERNAL_VERBS.get(only, "")]
    for module in filter(None, modules):
        importlib.import_module(module).add_parser(sub, _path(root))
    return parser


class _Discarded:
    """Stands in for the parser of a verb that is not being run (building it would only cost time)."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self


class _OnlyVerb:
    """The sub-parsers action, building only the parser of the verb being run (all of them when ``only`` is None)."""

    def __init__(self, action: Any, only: str | None) -> None:
        self.action, self.only = action, only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self.only is None or name == self.only:
            return self.action.add_parser(name, **kwargs)
        return _Discarded()


_QUERY_FORMATS = ("table", "csv", "tsv", "json", "md")
_QUERIES_HELP = "a folder of your own .rq queries to add to the catalog (repeatable)"
WIDE_HELP = "print the table unabridged (by default it fits the terminal: COLUMNS, else its width, else 100)"
_QUERY_OPTIONS = {
    "--build": "build",
    "--format": "format",
    "--param": "param",
    "-e": "expression",
    "--expression": "expression",
    "--file": "file",
    "--endpoint": "endpoint",
    "--queries": "queries",
}


def _fast_query_args(argv: list[str]) -> object | None:
    """``ipgraph query …`` parsed without argparse (its import is a third of the query's start-up), or None.

    Only well-formed option lists take this path; anything else (help, a typo, a missing value) goes to
    argparse, which gives the usual messages. Defaults are those of the ``query`` parser below.
    """
    import types

    if not argv or argv[0] != "query":
        return None
    root = _project_root()
    ns = types.SimpleNamespace(
        verb="query", name=None, expression=None, file=None, param=[], format="table", endpoint=None,
        build=os.path.join(root, "build"), queries=[], func=_cmd_query,
        allow_federation=False, wide=False,
    )  # fmt: skip
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        key, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == "--allow-federation":
            ns.allow_federation = True
        elif arg == "--wide":
            ns.wide = True
        elif key in _QUERY_OPTIONS:
            if eq:
                value = inline
            elif i + 1 < len(rest):
                i += 1
                value = rest[i]
            else:
                return None
            attr = _QUERY_OPTIONS[key]
            if attr in ("param", "queries"):
                getattr(ns, attr).append(value)
            elif attr == "format" and value not in _QUERY_FORMATS:
                return None
            else:
                setattr(ns, attr, value)
        elif arg.startswith("-") or ns.name is not None:
            return None
        else:
            ns.name = arg
        i += 1
    return ns


def _usage_line(message: str, prog: str) -> str:
    """A usage error as the one line ipgraph prints for it."""
    return f"ipgraph: error: {' '.join(message.split())} (see: {prog} --help)\n"


def _check_argv(argv: list[str]) -> None:
    """Refuse an argument that is not text (a byte that is not UTF-8 reaches Python as a lone surrogate)."""
    from ipgraph.errors import InputError

    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"argument {arg!r} is not valid UTF-8 text") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    return _run(_dispatch, list(sys.argv[1:] if argv is None else argv))


def _dispatch(argv: list[str]) -> int:
    """Parse ``argv`` and run its verb."""
    _check_argv(argv)
    fast = _fast_query_args(argv)
    if fast is not None:
        return fast.func(fast)  # type: ignore[attr-defined, no-any-return]
    verb = next((a for a in argv if not a.startswith("-")), None)
    known = verb in EXTERNAL_VERBS or verb in CORE_VERBS
    parser = _parser(only=verb if known and "-h" not in argv and "--help" not in argv else None)
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        verb = getattr(args, "verb", None)
        need = f"`ipgraph {verb}` needs a KIND" if verb else "give a VERB"
        sys.stderr.write(_usage_line(need, f"ipgraph {verb}" if verb else "ipgraph"))
        return EXIT_INPUT
    return func(args)


#: The longest error line printed (characters); the rest is cut with " …".
_MESSAGE_LIMIT = 1000


def _run(func: Callable[[Any], int], args: object) -> int:
    """Run ``func``: an IpgraphError is its one line; any other exception is a bug (one line, traceback to a file)."""
    try:
        return func(args)
    except IpgraphError as exc:
        line = " ".join(str(exc).splitlines())
        if len(line) > _MESSAGE_LIMIT:  # a huge value echoed back (a 100,000-character report id) stays one short line
            line = line[:_MESSAGE_LIMIT] + " …"
        print(f"ipgraph: error: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (head, less)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last resort: never a traceback on the terminal
        return report_bug(exc)


if __name__ == "__main__":
    sys.exit(main())
