"""What the ``viz`` verb does: open the store, build and lay out views, write pages, charts and the site."""

from __future__ import annotations

import re
from pathlib import Path

from ipgraph.viz.model import View

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pyoxigraph as ox

SITE_VIEWS = ("derivation", "charges", "institutions", "ontology", "all")
#: the site's navigation in Chinese (``--lang zh``)
NAV_ZH = {"derivation": "案件衍生", "charges": "罪名与案件", "institutions": "机构", "ontology": "本体", "all": "全图"}
#: the entity pages the site writes (the focus of the report, and one of each kind a reader asks about)
SITE_ENTITIES = ("inst:supreme-peoples-procuratorate", "category:ip-criminal")


def laid_out_view(
    build: Path,
    name: str,
    *,
    size_by: str = "count",
    focus: str | None = None,
    depth: int = 1,
    details: bool = True,
    report: str | None = None,
) -> View:
    """Build a view from the store of a build (the figures of one report) and lay it out."""
    from ipgraph.store.embedded import open_store
    from ipgraph.viz.layout import apply_layout
    from ipgraph.viz.views import build_view

    store = open_store(build)
    view = build_view(store, name, focus=focus, depth=depth, details=details, report=report)
    apply_layout(view, size_by=size_by)
    return view


def make_view(
    build: Path,
    name: str,
    target: Path,
    *,
    lang: str = "both",
    size_by: str = "count",
    focus: str | None = None,
    depth: int = 1,
    details: bool = False,
    nav: list[tuple[str, str]] | None = None,
    report: str | None = None,
) -> tuple[list[tuple[Path, str]], bool]:
    """Write one view's page; return what was written and whether the view is empty."""
    from ipgraph.viz.page import render_page, write_page

    view = laid_out_view(build, name, size_by=size_by, focus=focus, depth=depth, report=report)
    text = render_page(view, lang, show_details=details, nav=nav or [], current=target.name)
    write_page(target, text)
    note = f"{len(view.nodes):,} nodes, {len(view.edges):,} edges, {len(text.encode()):,} bytes"
    if view.meta.get("report"):
        note = f"report {view.meta['report']}; " + note
    if view.meta.get("truncated"):
        note += "; the neighbourhood was cut to the nearest nodes"
    return [(target, note)], not view.nodes


def make_charts(build: Path, out: Path, nav: list[tuple[str, str]] | None = None) -> list[tuple[Path, str]]:
    """Write the charts (SVG, and PNG when Chromium is there) and the charts page into ``out``."""
    from ipgraph.store.embedded import open_store
    from ipgraph.viz.charts import write_charts

    return write_charts(open_store(build), out, nav=nav)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _site_view(
    build: Path,
    name: str,
    target: Path,
    *,
    lang: str,
    size_by: str,
    nav: list[tuple[str, str]],
    focus: str | None = None,
) -> tuple[list[tuple[Path, str]], str]:
    """Write one view of the site; return what was written and the view's title (its label)."""
    from ipgraph.viz.page import render_page, write_page

    view = laid_out_view(build, name, size_by=size_by, focus=focus, depth=1)
    text = render_page(view, lang, nav=nav, current=target.name)
    write_page(target, text)
    return [(target, f"{len(view.nodes):,} nodes, {len(view.edges):,} edges, {len(text.encode()):,} bytes")], view.title


def _labels(store: ox.Store, curies: list[str], lang: str = "en") -> dict[str, str]:
    """The English (or ``zh``: Chinese) label of each CURIE (the CURIE itself when it has none)."""
    from ipgraph.model.prefixes import PREFIXES
    from ipgraph.store.embedded import SelectResult, run_query

    out = {}
    for c in curies:
        prefix, _, local = c.partition(":")
        iri = PREFIXES.get(prefix, "") + local
        query = f'SELECT ?l WHERE {{ <{iri}> rdfs:label ?l . FILTER(langMatches(lang(?l), "{lang}")) }} ORDER BY ?l'
        result = run_query(store, query)
        rows = result.rows if isinstance(result, SelectResult) else []
        out[c] = rows[0]["l"].value if rows else c
    return out


def make_site(build: Path, out: Path, *, lang: str = "both", size_by: str = "count") -> list[tuple[Path, str]]:
    """Every graph view, two entity pages, the charts and an ``index.html`` that links them all."""
    from ipgraph.store.embedded import open_store
    from ipgraph.viz.charts import write_site_index
    from ipgraph.viz.views import VIEWS

    pages = [(f"{v}.html", v) for v in SITE_VIEWS]
    entities = [(f"entity-{_slug(e)}.html", e) for e in SITE_ENTITIES]
    if lang == "zh":
        named = _labels(open_store(build), [e for _, e in entities], "zh")
        nav = [
            ("index.html", "概览"),
            *[(f, NAV_ZH[v]) for f, v in pages],
            *[(f, f"{named[e]}周边") for f, e in entities],
        ]
    else:
        named = _labels(open_store(build), [e for _, e in entities])
        nav = [("index.html", "overview"), *pages, *[(f, f"around {named[e]}") for f, e in entities]]
    written: list[tuple[Path, str]] = []
    summaries: list[tuple[str, str, str]] = []
    for file, name in pages:
        w, title = _site_view(build, name, out / file, lang=lang, size_by=size_by, nav=nav)
        written += w
        summaries.append((file, title, VIEWS[name]))
    for file, focus in entities:
        w, title = _site_view(build, "entity", out / file, lang=lang, size_by=size_by, nav=nav, focus=focus)
        written += w
        summaries.append((file, title, f"the neighbourhood of {focus}, one step out"))
    written += make_charts(build, out / "charts", nav=[(f"../{h}", t) for h, t in nav])
    written.append(write_site_index(open_store(build), out, summaries, nav))
    return written
