"""The ``ipgraph`` command line: one verb per job.

Exit codes: 0 success; 1 the data or graph does not conform, or a query has no result; 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ipgraph.errors import IpgraphError

EXIT_OK, EXIT_NOT_CONFORMING, EXIT_INPUT = 0, 1, 2


def _project_root() -> Path:
    here = Path.cwd()
    for candidate in (here, *here.parents):
        if (candidate / "ontology" / "ipgraph.ttl").is_file() and (candidate / "data").is_dir():
            return candidate
    return here


def _cmd_coverage(args: argparse.Namespace) -> int:
    from ipgraph.build import assemble
    from ipgraph.coverage import report_coverage

    result = assemble(args.data, args.ontology)
    status = EXIT_OK
    for rid, report in result.reports.items():
        cov = report_coverage(report, result.sources[rid], result.quote_spans.get(rid, []))
        print(
            f"{rid}: {cov.total} numbers, {cov.covered} covered by quotes, {cov.excluded} excluded with a reason, "
            f"{len(cov.uncovered)} uncovered ({cov.ratio:.1%} covered or excluded)"
        )
        for u in cov.uncovered:
            print(f"  line {u.line}: {u.mention.text!r} in “…{u.context}…”")
        for passage in cov.unused_exclusions:
            print(f"  unused exclusion: {passage!r}")
        if cov.uncovered or cov.unused_exclusions:
            status = EXIT_NOT_CONFORMING
    return status


def _cmd_build(args: argparse.Namespace) -> int:
    from ipgraph.build import build

    summary = build(args.data, args.out, args.ontology, validate=not args.no_validate)
    print(summary.text())
    return EXIT_OK if summary.conforms else EXIT_NOT_CONFORMING


def _parser() -> argparse.ArgumentParser:
    root = _project_root()
    parser = argparse.ArgumentParser(
        prog="ipgraph",
        description="A knowledge graph of intellectual-property cases and trends, built from procuratorial reports.",
        epilog="Exit codes: 0 ok; 1 does not conform / no result; 2 usage or input error.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data", type=Path, default=root / "data", help="data directory (default: %(default)s)"
        )
        p.add_argument(
            "--ontology", type=Path, default=root / "ontology" / "ipgraph.ttl", help=argparse.SUPPRESS
        )

    p = sub.add_parser(
        "build",
        help="read the ontology and every report, check them, and write the store and dumps",
        epilog="example: ipgraph build --out build",
    )
    common(p)
    p.add_argument("--out", type=Path, default=root / "build", help="output directory (default: %(default)s)")
    p.add_argument(
        "--no-validate", action="store_true", help="skip SHACL, health queries and Data Cube checks"
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "coverage",
        help="list every number of the source texts that no fact's quote covers",
        epilog="example: ipgraph coverage",
    )
    common(p)
    p.set_defaults(func=_cmd_coverage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        return func(args)
    except IpgraphError as exc:
        print(f"ipgraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (head, less)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
