"""The ``viz`` verb: argument parsing and the handler (heavy imports happen only when the verb runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

GRAPH_VIEWS = ("derivation", "charges", "institutions", "ontology", "entity", "all")
TARGETS = (*GRAPH_VIEWS, "charts", "site")

_EPILOG = """examples:
  ipgraph viz --list
  ipgraph viz derivation -o derivation.html --open
  ipgraph viz entity --focus "Supreme People's Procuratorate" --depth 2
  ipgraph viz entity --focus 上海市人民检察院 --lang zh
  ipgraph viz all --details --size degree
  ipgraph viz charts -o charts/          (SVG, PNG when Chromium is installed, and charts.html)
  ipgraph viz site -o site/              (every view, the charts and an index.html linking them)
exit codes: 0 written; 1 the view is empty; 2 usage or input error"""


def add_parser(sub: argparse._SubParsersAction, root: Path) -> None:  # type: ignore[type-arg]
    """Register ``ipgraph viz`` on the command line's subparsers."""
    p = sub.add_parser(
        "viz",
        help="interactive graph pages (offline, one HTML file each) and charts of the built graph",
        description="Write an interactive graph view as one self-contained HTML file (no network access "
        "needed), "
        "or the static charts, or a whole site with an overview page.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("view", nargs="?", choices=TARGETS, metavar="VIEW", help=f"one of: {', '.join(TARGETS)}")
    p.add_argument("--list", action="store_true", help="list the views and what they show")
    p.add_argument(
        "-o", "--output", type=Path, help="file to write (a folder for charts and site; default: BUILD/viz/)"
    )
    p.add_argument("--open", action="store_true", help="open the result in the default web browser")
    p.add_argument("--lang", choices=("en", "zh", "both"), default="both", help="labels (default: %(default)s)")
    p.add_argument("--size", choices=("count", "degree"), default="count", help="node size by (default: %(default)s)")
    p.add_argument("--focus", help="entity view: an IRI, a CURIE, or an English or Chinese label")
    p.add_argument(
        "--report",
        help="the report whose figures and entities the view shows (its id; default: the one with the most "
        "figures; a view never mixes two reports)",
    )
    p.add_argument("--depth", type=int, default=1, help="entity view: steps from the focus (default: 1)")
    p.add_argument(
        "--details",
        action="store_true",
        help="show low-information nodes (quotes, selectors, literals) from the start (the page has a switch)",
    )
    p.add_argument("--screenshot", type=Path, help="also save a PNG screenshot (needs Chromium)")
    p.add_argument("--build", default=str(root / "build"), help="built graph directory (default: %(default)s)")
    p.set_defaults(func=_cmd_viz)


def _cmd_viz(args: argparse.Namespace) -> int:
    from ipgraph.errors import InputError

    if args.list:
        from ipgraph.viz.views import VIEWS

        for name, text in VIEWS.items():
            print(f"{name:<13}{text}")
        print(f"{'charts':<13}2022 vs 2023 by stage and by charge, shares by right type, the derivation Sankey")
        print(f"{'site':<13}every view and the charts, with an index.html linking them")
        return 0
    if args.view is None:
        raise InputError("give a VIEW (see: ipgraph viz --list)")
    if args.view != "entity" and args.focus:
        raise InputError("--focus is for the entity view")
    from ipgraph.store.embedded import open_store
    from ipgraph.store.outputs import OutputDir, check_file, mark
    from ipgraph.viz.run import make_charts, make_site, make_view

    build = Path(args.build)
    empty = False
    if args.screenshot is not None:
        check_file(args.screenshot)  # before the work
    if args.view in ("charts", "site"):
        kind = "viz-charts" if args.view == "charts" else "viz-site"
        default = build / "viz" / "charts" if args.view == "charts" else build / "viz"
        out = default if args.output is None else args.output
        open_store(build)  # a missing build is said before anything is made for the output
        with OutputDir(out, kind) as folder:
            tmp = folder.begin()
            if args.view == "charts":
                written = make_charts(build, tmp)
            else:
                written = make_site(build, tmp, lang=args.lang, size_by=args.size)
                mark(tmp / "charts", "viz-charts")
            folder.commit()
        written = [(out / path.relative_to(tmp), note) for path, note in written]
        target = out / ("charts.html" if args.view == "charts" else "index.html")
    else:
        default_name = f"{args.view}.html"
        target = build / "viz" / default_name if args.output is None else args.output
        check_file(target)  # before the work
        written, empty = make_view(
            build,
            args.view,
            target,
            lang=args.lang,
            size_by=args.size,
            focus=args.focus,
            depth=args.depth,
            details=args.details,
            report=args.report,
        )
        if empty:
            print(
                f"ipgraph: the {args.view} view has no nodes in this graph; wrote an empty page",
                file=sys.stderr,
            )
    for path, note in written:
        print(f"wrote {path}{f' ({note})' if note else ''}", file=sys.stderr)
    if args.screenshot:
        import tempfile

        from ipgraph.store.outputs import marked, write_file
        from ipgraph.viz.headless import screenshot_page

        with tempfile.TemporaryDirectory(prefix="ipgraph-shot-") as shots:
            png = Path(shots) / "shot.png"
            screenshot_page(target, png)
            write_file(args.screenshot, marked(png.read_bytes(), "png"))
        print(f"wrote {args.screenshot}", file=sys.stderr)
    if args.open:
        import webbrowser

        webbrowser.open(target.resolve().as_uri())
    return 1 if empty else 0
