"""Write a view as one self-contained HTML file: vis-network (from the pyvis package on disk) inlined,
the data as
escaped JSON, the page's own controls; no ``http(s)://`` reference anywhere, so it opens offline and at once.

Why not pyvis's own template: its ``in_line`` mode still links Bootstrap from a CDN (the page then waits on a
blocked request), its filter and select menus hide nodes and mangle non-Latin labels, and its physics has the
browser lay out the graph (tens of seconds for a few hundred nodes). Pyvis is used for what it is good
at: it ships
vis-network, and its :class:`pyvis.network.Network` is the node / edge container the data goes through.

Safety: every string from the data reaches the page in a ``<script type="application/json">`` block
whose ``<``, ``>``, ``&`` and ``/`` are JSON escapes, and the page's script puts text on screen only with
``textContent`` (and
the canvas draws labels as text). Titles and descriptions in the HTML are escaped with :func:`html.escape`.

>>> text = to_json({"label": "</script><script>alert(1)</script>", "iri": "https://x"})
>>> "</" in text or "https://" in text or "<" in text
False
>>> import json; json.loads(text)["label"]
'</script><script>alert(1)</script>'
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ipgraph.reading.zh_script import match_key, variant_map
from ipgraph.viz.model import Quote, View
from ipgraph.viz.ui_text import ui_strings

VIS_VERSION = "vis-9.1.2"
_URL_SCHEME = re.compile(r"(?i)\b(https?)://")
_FOOTNOTE_MARK = re.compile(r"\[footnoteRef:\d+\]")


def to_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element and holds no ``http(s)://`` text.

    ``/`` becomes ``\\/`` (a JSON escape for the same character), and ``<``, ``>``, ``&``, U+2028 and U+2029
    become ``\\uXXXX`` escapes, so the text can neither close the element nor read as a link.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("/", "\\/")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _pyvis_file(name: str) -> str:
    return (resources.files("pyvis") / "lib" / VIS_VERSION / name).read_text(encoding="utf-8")


def _asset(name: str) -> str:
    return (resources.files("ipgraph.viz") / "assets" / name).read_text(encoding="utf-8")


def defuse_urls(code: str) -> str:
    """Rewrite ``http://`` as ``http:\\/\\/`` inside JavaScript (same string in a literal, inert in a
    comment).

    >>> defuse_urls('createElementNS("http://www.w3.org/2000/svg")')
    'createElementNS("http:\\\\/\\\\/www.w3.org/2000/svg")'
    """
    return _URL_SCHEME.sub(r"\1:\\/\\/", code)


def vis_js() -> str:
    """vis-network's JavaScript from the pyvis package, made safe to inline (no URLs, no ``</script``)."""
    code = defuse_urls(_pyvis_file("vis-network.min.js"))
    if re.search(r"(?i)</script|<!--", code):
        code = re.sub(r"(?i)</(script)", r"<\\/\1", code).replace("<!--", "<\\!--")
    return code


def vis_css() -> str:
    """vis-network's stylesheet from the pyvis package (its images are data: URIs already)."""
    css = _pyvis_file("vis-network.css")
    if re.search(r"(?i)https?://|</style", css):
        raise RuntimeError("vis-network.css refers to a URL or closes its element: cannot inline it")
    return css


def quotes_in(quotes: list[Quote], lang: str) -> list[Quote]:
    """The quotes a reader of ``lang`` sees: of a figure stated in several editions, those in that language (for
    ``both``, every one); quotes of a text whose language is not stated count as any language.

    >>> [q.text for q in quotes_in([Quote("134 cases", "", "en"), Quote("134件", "", "zh-Hans")], "zh")]
    ['134件']
    >>> [q.text for q in quotes_in([Quote("134 cases")], "zh")]
    ['134 cases']
    """
    if lang not in ("en", "zh"):
        return quotes
    mine = [q for q in quotes if q.lang.lower().split("-")[0] == lang]
    return mine or quotes


def quote_rows(quotes: list[Quote], lang: str) -> list[list[str]]:
    """The ``[text, section]`` rows of the quotes a reader of ``lang`` sees, each sentence once.

    >>> quote_rows([Quote("17 cases", "I.1"), Quote("17 cases", "I.1"), Quote("6 cases", "I.2")], "en")
    [['17 cases', 'I.1'], ['6 cases', 'I.2']]

    The marks a converted source leaves where a footnote was referred to are not part of the sentence:

    >>> quote_rows([Quote("2,810 perpetrators[footnoteRef:0] in 2023")], "en")[0][0]
    '2,810 perpetrators in 2023'
    """
    rows: list[list[str]] = []
    for q in quotes_in(quotes, lang):
        text = _FOOTNOTE_MARK.sub("", q.text)
        if all(text != r[0] for r in rows):
            rows.append([text, q.section])
    return rows


def view_data(view: View, lang: str, show_details: bool = False) -> dict[str, Any]:
    """The view as the compact JSON the page reads (node ids become indexes).

    The nodes and edges pass through a :class:`pyvis.network.Network`, the container pyvis pages are made of.
    """
    from pyvis.network import Network

    from ipgraph.viz.layout import wrap

    net = Network(directed=True)
    index = {k: i for i, k in enumerate(view.nodes)}
    for k, n in view.nodes.items():
        node: dict[str, Any] = {
            "en": n.en,
            "zh": n.zh,
            "k": n.kind,
            "x": round(n.x, 1),
            "y": round(n.y, 1),
            "s": round(n.size, 1),
        }
        wrapped_en, wrapped_zh = "\n".join(wrap(n.en)), "\n".join(wrap(n.zh))
        if wrapped_en != n.en:
            node["we"] = wrapped_en
        if wrapped_zh != n.zh:
            node["wz"] = wrapped_zh
        lead, figures, types = (
            (n.lead_figure_zh, n.figures_zh, n.types_zh) if lang == "zh" else (n.lead_figure, n.figures, n.types)
        )
        if n.curie:
            node["c"] = n.curie
        if types:
            node["t"] = types
        if n.definition:
            node["d"] = n.definition
        if lead:
            node["h"] = lead
        if figures:
            node["f"] = figures
        if n.quotes:
            node["q"] = quote_rows(n.quotes, lang)
        if n.alt:
            node["a"] = n.alt
        key = search_key([n.en, n.zh, n.curie or "", *n.alt])
        if key is not None:
            node["sk"] = key  # simplified-character search key: 檢察院 finds 检察院
        if n.count_text:
            node["n"] = n.count_text
        if n.count_zh:
            node["nz"] = n.count_zh
        if n.change_text:
            node["ch"] = n.change_text  # beside the count: "▲ 144.3%"
            node["cn"] = n.change_note_zh if lang == "zh" else n.change_note
        if n.focus:
            node["focus"] = True
        if k == view.meta.get("root"):
            node["root"] = True  # the total a flow starts from: its name is written first
        net.add_node(index[k], **node)
    for e in view.edges:
        edge: dict[str, Any] = {"en": e.en}
        if e.zh:
            edge["zh"] = e.zh
        if e.value is not None:
            edge["v"] = e.value
        if e.dashed:
            edge["d"] = True
        if e.quotes:
            edge["q"] = quote_rows(e.quotes, lang)
        if e.show_label:
            edge["l"] = True
        if e.note:
            edge["note"] = e.note
        net.add_edge(index[e.source], index[e.target], **edge)
    nodes = []
    for opts in net.nodes:
        node = {k: v for k, v in opts.items() if k not in ("shape", "label", "font", "color")}
        nodes.append(node)
    edges = []
    for opts in net.edges:
        edge = {k: v for k, v in opts.items() if k not in ("from", "to", "arrows")}
        edge["f"], edge["t"] = opts["from"], opts["to"]
        edges.append(edge)
    counts = view.kind_counts()
    kinds = [
        {
            "key": k.key,
            "en": k.en,
            "zh": k.zh,
            "colour": k.colour,
            "shape": "box" if view.meta.get("shape") == "box" else k.shape,  # the legend shows what is drawn
            "detail": k.detail,
            "count": counts.get(k.key, 0),
        }
        for k in view.kinds.values()
    ]
    return {
        "view": view.name,
        "title": view.title,
        "lang": lang,
        "showDetails": show_details,
        "shape": view.meta.get("shape"),
        "layout": view.layout,
        "kinds": kinds,
        "nodes": nodes,
        "edges": edges,
        "zm": variant_map(label for n in view.nodes.values() for label in (n.zh, *n.alt)),
    }


def search_key(labels: Sequence[str]) -> str | None:
    """The search key of a node's labels when converting them to simplified characters changes it (else the page
    computes it), in the page's form: NFKC, lower case, joined with U+0001.

    >>> search_key(["Shanghai", "上海"]) is None, search_key(["SPP", "上海市人民檢察院"]).split("\\x01")
    (True, ['spp', '上海市人民检察院'])
    """
    joined = "\u0001".join(labels)
    key = match_key(joined)
    return key if key != unicodedata.normalize("NFKC", joined).lower() else None


_TEMPLATE = """<!DOCTYPE html>
<html lang="@HTML_LANG@">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@POLICY@">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ipgraph viz">
<title>@TITLE@</title>
<style>@VIS_CSS@</style>
<style>@CSS@</style>
</head>
<body>
<header>
<h1>@TITLE@</h1>
<div class="desc">@DESCRIPTION@</div>
@NAV@
</header>
<aside>
<h2>@UI:search@</h2>
<div class="searchbar"><input id="search" type="search" placeholder="@UI:search_placeholder@" autocomplete="off"
 aria-label="@UI:search_aria@"><button id="clear" type="button">@UI:clear@</button></div>
<div id="results"></div>
<h2>@UI:kinds@</h2>
<div class="switch" hidden><input id="details-switch" type="checkbox">
<label for="details-switch">@UI:details_switch@</label></div>
<div class="switch" hidden><input id="isolated-switch" type="checkbox">
<label for="isolated-switch">@UI:isolated_switch@<span id="isolated-n"></span></label></div>
<div id="legend"></div>
<h2>@UI:labels@</h2>
<div class="switch"><select id="lang" aria-label="@UI:lang_aria@"><option value="both">English + 中文</option>
<option value="en">English</option><option value="zh">中文</option></select>
<button id="fit" type="button">@UI:fit@</button></div>
<h2>@UI:details@</h2>
<div id="details" data-empty="@UI:details_empty@"></div>
<div class="stats">@STATS@</div>
</aside>
<main><div id="graph"></div></main>
<div id="tooltip" role="tooltip"></div>
<script type="application/json" id="viz-data">@DATA@</script>
<script>@VIS_JS@</script>
<script>@JS@</script>
</body>
</html>
"""


def page_policy(styles: Sequence[str], scripts: Sequence[str]) -> str:
    """The page's Content-Security-Policy: exactly its own inline style sheets and scripts (by hash), ``data:``
    images (vis-network's), and nothing else; no request leaves the page.

    >>> page_policy(["p{}"], ["f()"]).split("; ")[:2]
    ["default-src 'none'", "script-src 'sha256-GcEEE0IkDzIP5EQ6DXZaDPORqT5RTBELX8Fyzyg9yvo='"]
    """
    from ipgraph.viz.page_safety import csp_source

    return (
        f"default-src 'none'; script-src {' '.join(map(csp_source, scripts))}; "
        f"style-src {' '.join(map(csp_source, styles))}; img-src data:; base-uri 'none'; form-action 'none'"
    )


def nav_html(links: Sequence[tuple[str, str]], current: str = "") -> str:
    """A navigation bar of relative links (escaped).

    >>> nav_html([("index.html", "Overview"), ("all.html", "<all>")], current="all.html")
    '<nav><a href="index.html">Overview</a><a href="all.html" class="current">&lt;all&gt;</a></nav>'
    """
    if not links:
        return ""
    parts = []
    for href, text in links:
        if re.match(r"(?i)^[a-z][a-z0-9+.-]*:", href):
            raise ValueError(f"navigation links must be relative: {href!r}")
        cls = ' class="current"' if href == current else ""
        parts.append(f'<a href="{html.escape(href)}"{cls}>{html.escape(text)}</a>')
    return "<nav>" + "".join(parts) + "</nav>"


def render_page(
    view: View,
    lang: str = "both",
    *,
    show_details: bool = False,
    nav: Sequence[tuple[str, str]] = (),
    current: str = "",
) -> str:
    """The whole HTML page of a laid-out view."""
    if lang not in ("en", "zh", "both"):
        raise ValueError(f"lang must be en, zh or both, not {lang!r}")
    data = view_data(view, lang, show_details)
    ui = ui_strings(lang)
    data["ui"] = ui
    stats = ui["stats"].format(nodes=f"{len(view.nodes):,}", edges=f"{len(view.edges):,}")
    zh = lang == "zh"
    styles, scripts = (vis_css(), _asset("viz.css")), (vis_js(), defuse_urls(_asset("viz.js")))
    parts = {
        "@POLICY@": page_policy(styles, scripts),
        "@HTML_LANG@": "zh-Hans" if zh else "en",
        "@TITLE@": html.escape(view.title_zh if zh and view.title_zh else view.title),
        "@DESCRIPTION@": html.escape(view.description_zh if zh and view.description_zh else view.description),
        "@NAV@": nav_html(nav, current),
        "@STATS@": html.escape(stats),
        "@VIS_CSS@": styles[0],
        "@CSS@": styles[1],
        "@DATA@": to_json(data),
        "@VIS_JS@": scripts[0],
        "@JS@": scripts[1],
    }
    parts.update({f"@UI:{k}@": html.escape(v, quote=True) for k, v in ui.items()})
    # one pass, so that text inserted for one placeholder is never scanned for another
    return re.sub("|".join(map(re.escape, parts)), lambda m: parts[m.group(0)], _TEMPLATE)


def write_page(path: Path, text: str) -> None:
    """Write a page (HTML or SVG) atomically, and only where ipgraph may write (:mod:`ipgraph.store.outputs`)."""
    from ipgraph.store.outputs import marked, write_file

    write_file(path, marked(text.encode("utf-8"), "svg" if path.suffix == ".svg" else "html"))
