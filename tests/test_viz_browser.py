"""``ipgraph viz`` pages in headless Chromium: each view opens offline with no console error, draws what
it should,
search finds Chinese labels, the kind filter hides and shows, and script / HTML payloads in the data execute
nothing and show literally.

Chromium is started by the tests themselves (``ipgraph.viz.headless``, DevTools protocol over a pipe).
Where it is not installed (Debian: ``apt-get install chromium fonts-noto-cjk``) these tests skip and say why.
Screenshots of
every view are written to the test's temporary folder (printed with ``pytest -s``) for a person to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipgraph.viz.headless import Browser, Page, find_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="Chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk; or set IPGRAPH_CHROMIUM)",
    ),
]

VIEWS = ("derivation", "charges", "institutions", "ontology", "all")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1400, height=900) as b:
        yield b


@pytest.fixture(scope="module")
def site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every view of the real data, written once."""
    from ipgraph.viz.run import make_view

    out = tmp_path_factory.mktemp("viz")
    for name in VIEWS:
        make_view(built, name, out / f"{name}.html")
    make_view(built, "entity", out / "entity.html", focus="上海市人民检察院", depth=2)
    return out


def open_page(browser: Browser, path: Path) -> Page:
    """Load a page fresh, wait for the graph's first draw, and return the page with its logs cleared first."""
    page = browser.page
    page.console.clear()
    page.errors.clear()
    page.requests.clear()
    page.goto(path.resolve().as_uri())
    page.wait_for("window.ipgraphViz && window.ipgraphViz.stats.firstDraw !== null", timeout=30)
    return page


def assert_clean(page: Page, path: Path) -> None:
    errors = page.errors + [c["text"] for c in page.console if c["type"] in ("error", "assert")]
    assert errors == [], f"console errors: {errors}"
    others = [u for u in page.requests if u != path.resolve().as_uri()]
    assert others == [], f"the page asked for other resources: {others}"


def data_of(page: Page) -> dict[str, Any]:
    value = page.evaluate("window.ipgraphViz.data")
    assert isinstance(value, dict)
    return value


@pytest.mark.parametrize("name", [*VIEWS, "entity"])
def test_view_opens_offline_and_draws(name: str, browser: Browser, site: Path) -> None:
    path = site / f"{name}.html"
    page = open_page(browser, path)
    assert_clean(page, path)
    data = data_of(page)
    detail = {k["key"] for k in data["kinds"] if k["detail"]}
    informative = {n["id"] for n in data["nodes"] if n["k"] not in detail}
    linked = {e[end] for e in data["edges"] for end in ("f", "t") if e["f"] in informative and e["t"] in informative}
    expected = len(linked | {n["id"] for n in data["nodes"] if n.get("focus")})
    drawn = page.evaluate("window.ipgraphViz.drawnNodeCount()")
    assert drawn == expected > 0, f"{drawn} nodes drawn, {expected} expected (unconnected ones wait behind a switch)"
    shot = site / f"{name}.png"
    page.screenshot(shot)
    assert shot.stat().st_size > 20_000, "a real picture, not a blank page"
    print(f"screenshot: {shot}")


def test_known_labels_are_drawn(browser: Browser, site: Path) -> None:
    page = open_page(browser, site / "derivation.html")
    labels = [
        " ".join(x.split()) for x in page.evaluate("window.ipgraphViz.labelsOf(window.ipgraphViz.drawnNodeIds())")
    ]
    total = "IP-infringement criminal cases 侵犯知识产权刑事案件 1,369 cases ▲ ≈73.3%"
    assert total in labels, "the node's count and its change on 2022 (790, the sum of the stages' 2022 figures)"
    data = data_of(page)
    ip = next(n for n in data["nodes"] if n["en"] == "IP-infringement criminal cases")
    assert ip["n"] == "1,369 cases", "“took cognizance of 1,369 IP-infringement criminal cases”"
    edge_labels = page.evaluate(
        "Object.values(window.ipgraphViz.network.body.edges).map(e => e.options.label).filter(Boolean)"
    )
    assert any(label.startswith("115") for label in edge_labels), "reverse transfers after nolle prosequi"
    page = open_page(browser, site / "institutions.html")
    every = "window.ipgraphViz.data.nodes.map(n => n.id)"  # the report ties this one to nothing: behind a switch
    labels = [" ".join(x.split()) for x in page.evaluate(f"window.ipgraphViz.labelsOf({every})")]
    assert any(x.startswith("Supreme People's Procuratorate 最高人民检察院") for x in labels), "both languages"


@pytest.mark.parametrize("name", ["derivation", "charges", "ontology"])
def test_legend_shows_what_is_drawn(name: str, browser: Browser, site: Path) -> None:
    """Each legend swatch has the shape and the colours the nodes of its kind are drawn with."""
    page = open_page(browser, site / f"{name}.html")
    rows = page.evaluate(
        """(() => {
      const norm = c => { const e = document.createElement('i'); e.style.color = c; document.body.appendChild(e);
                          const v = getComputedStyle(e).color; e.remove(); return v; };
      const v = window.ipgraphViz, out = [];
      document.querySelectorAll('#legend .legend-row').forEach(row => {
        const key = row.querySelector('input').dataset.kind, sw = row.querySelector('.swatch');
        const ids = v.data.nodes.filter(n => n.k === key).map(n => n.id).filter(id => v.network.body.nodes[id]);
        const drawn = ids.map(id => v.network.body.nodes[id].options);
        out.push({key: key, swatch: sw.className.replace('swatch shape-', ''),
                  shapes: [...new Set(drawn.map(o => o.shape))],
                  fill: [...new Set(drawn.map(o => norm(o.color.background)))],
                  border: [...new Set(drawn.map(o => norm(o.color.border)))],
                  swatchFill: getComputedStyle(sw).backgroundColor, swatchBorder: getComputedStyle(sw).borderTopColor});
      });
      return out;
    })()"""
    )
    assert rows
    for r in rows:
        if not r["shapes"]:
            continue  # a kind hidden at first
        assert r["shapes"] == [r["swatch"]], f"{r['key']}: legend {r['swatch']}, drawn {r['shapes']}"
        assert r["fill"] == [r["swatchFill"]] and r["border"] == [r["swatchBorder"]], r


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    across = a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
    return across and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


@pytest.mark.parametrize("name", ["derivation", "charges", "institutions", "ontology", "all"])
def test_labels_read_at_first_sight(name: str, browser: Browser, site: Path) -> None:
    """At the scale a view opens at, no label is drawn below 11 px: the hubs are named at 12 px without
    covering one another, and zooming in hands over to every node's own label."""
    page = open_page(browser, site / f"{name}.html")
    v = "window.ipgraphViz"
    scale = page.evaluate(f"{v}.network.getScale()")
    threshold = page.evaluate(f"{v}.network.body.nodes[{v}.drawnNodeIds()[0]].options.scaling.label.drawThreshold")
    assert threshold >= 12, "vis-network draws no label it would make smaller than 12 px"
    if scale * 14 < threshold - 1:
        assert page.evaluate(f"{v}.layerVisible()")
        labelled = page.evaluate(f"{v}.layerLabels()")
        assert labelled and all(x["px"] >= 11 for x in labelled)
        rects = [x["rect"] for x in labelled]
        assert not any(_overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :]), "labels collide"
        drawn = page.evaluate(f"{v}.drawnNodeIds()")
        degree = page.evaluate(f"{v}.degree")
        hub = max(drawn, key=lambda i: degree[str(i)])
        assert hub in {x["id"] for x in labelled}, "the node with most links is named"
        page.evaluate(f"{v}.network.moveTo({{scale: 1.2, animation: false}})")
        page.wait_for(f"!{v}.layerVisible() && {v}.layerLabels().length === 0")
    else:
        assert page.evaluate(f"{v}.layerLabels()") == [], "vis-network draws every label at a readable size"
    page.screenshot(site / f"{name}-labels.png")
    assert_clean(page, site / f"{name}.html")


def test_unconnected_nodes_wait_behind_a_switch(browser: Browser, site: Path) -> None:
    path = site / "institutions.html"
    page = open_page(browser, path)
    v = "window.ipgraphViz"
    lonely = page.evaluate(f"{v}.isolatedIds()")
    assert lonely, "the report names institutions it ties to nothing"
    before = page.evaluate(f"{v}.drawnNodeCount()")
    assert not set(lonely) & set(page.evaluate(f"{v}.drawnNodeIds()"))
    assert f"({len(lonely)})" in page.evaluate("document.getElementById('isolated-switch').parentNode.textContent")
    page.evaluate("document.getElementById('isolated-switch').click()")
    assert page.evaluate(f"{v}.drawnNodeCount()") == before + len(lonely)
    page.evaluate("document.getElementById('isolated-switch').click()")
    assert page.evaluate(f"{v}.drawnNodeCount()") == before
    # a search still finds one, and choosing it shows the unconnected nodes
    node = page.evaluate(f"{v}.data.nodes[{lonely[0]}]")
    found = page.evaluate(f"{v}.search({json.dumps(node['zh'] or node['en'])})")
    assert lonely[0] in found
    page.evaluate(f"{v}.focusNode({lonely[0]})")
    assert lonely[0] in page.evaluate(f"{v}.drawnNodeIds()")
    assert page.evaluate("document.getElementById('isolated-switch').checked")
    assert_clean(page, path)


def test_search_finds_a_chinese_label(browser: Browser, site: Path) -> None:
    page = open_page(browser, site / "institutions.html")
    ids = page.evaluate("window.ipgraphViz.search('最高人民检察院')")
    assert len(ids) == 1
    node = page.evaluate(f"window.ipgraphViz.data.nodes[{ids[0]}]")
    assert node["en"] == "Supreme People's Procuratorate"
    shown = page.evaluate("document.getElementById('results').textContent")
    assert "最高人民检察院" in shown and "1 match" in shown
    # the other nodes are dimmed, the match is not
    dim = page.evaluate(
        f"window.ipgraphViz.nodes.get().filter(n => n.id !== {ids[0]} && n.color.background.startsWith('rgba')).length"
    )
    assert dim == page.evaluate("window.ipgraphViz.nodes.length") - 1
    # typing into the box (the real path) and pressing Enter focuses and details the node
    page.evaluate(
        "(() => { const b = document.getElementById('search'); b.value = '上海'; "
        "b.dispatchEvent(new Event('input')); "
        "b.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'})); })()"
    )
    assert "上海" in page.evaluate("document.getElementById('details').textContent")
    assert page.evaluate("window.ipgraphViz.network.getSelectedNodes().length") == 1
    assert_clean(page, site / "institutions.html")


def test_kind_filter_hides_and_shows(browser: Browser, site: Path) -> None:
    page = open_page(browser, site / "institutions.html")
    before = page.evaluate("window.ipgraphViz.drawnNodeCount()")
    n = page.evaluate(
        "window.ipgraphViz.drawnNodeIds().filter(id => window.ipgraphViz.data.nodes[id].k === 'procuratorate').length"
    )
    assert n > 0
    page.evaluate("document.querySelector('input[data-kind=procuratorate]').click()")
    assert page.evaluate("window.ipgraphViz.drawnNodeCount()") == before - n
    assert page.evaluate("window.ipgraphViz.search('最高人民检察院')") == [], "nodes of a hidden kind are not found"
    page.evaluate("document.querySelector('input[data-kind=procuratorate]').click()")
    assert page.evaluate("window.ipgraphViz.drawnNodeCount()") == before
    assert_clean(page, site / "institutions.html")


def test_low_information_switch(browser: Browser, site: Path) -> None:
    page = open_page(browser, site / "all.html")
    before = page.evaluate("window.ipgraphViz.drawnNodeCount()")
    total = page.evaluate("window.ipgraphViz.data.nodes.length")
    assert before < total
    lonely = len(page.evaluate("window.ipgraphViz.isolatedIds()"))  # behind their own switch
    page.evaluate("document.getElementById('details-switch').click()")
    assert page.evaluate("window.ipgraphViz.drawnNodeCount()") == total - lonely
    page.evaluate("document.getElementById('details-switch').click()")
    assert page.evaluate("window.ipgraphViz.drawnNodeCount()") == before


def test_language_switch(browser: Browser, site: Path) -> None:
    page = open_page(browser, site / "derivation.html")
    page.evaluate("document.getElementById('lang').value = 'zh'")
    page.evaluate("document.getElementById('lang').dispatchEvent(new Event('change'))")
    labels = page.evaluate("window.ipgraphViz.labelsOf(window.ipgraphViz.drawnNodeIds())")
    assert "不起诉\n153 案件" in labels, "the name and the count, in Chinese"
    assert not any("non-prosecution" in (label or "") for label in labels)


def test_view_state_round_trips_through_the_url(browser: Browser, site: Path) -> None:
    """A search, a selected node and the language go into the URL's fragment, and a page opened with that
    fragment shows the same state."""
    path = site / "institutions.html"
    page = open_page(browser, path)
    page.evaluate(
        "(() => { const b = document.getElementById('search'); b.value = '检察院'; "
        "b.dispatchEvent(new Event('input')); })()"
    )
    spp = page.evaluate('window.ipgraphViz.data.nodes.find(n => n.en === "Supreme People\'s Procuratorate").id')
    page.evaluate(f"window.ipgraphViz.focusNode({spp})")
    page.evaluate("document.getElementById('lang').value = 'zh'")
    page.evaluate("document.getElementById('lang').dispatchEvent(new Event('change'))")
    fragment = page.evaluate("location.hash")
    assert fragment == page.evaluate("window.ipgraphViz.stateHash()") != ""
    assert "focus=inst%3Asupreme-peoples-procuratorate" in fragment and "lang=zh" in fragment
    matches = page.evaluate("document.getElementById('results').textContent")

    page.goto("about:blank")
    page = open_page(browser, path)  # a fresh page: nothing carried over
    assert page.evaluate("location.hash") == "" and page.evaluate("document.getElementById('search').value") == ""
    page.goto("about:blank")
    page.goto(path.resolve().as_uri() + fragment)
    page.wait_for("window.ipgraphViz && window.ipgraphViz.stats.firstDraw !== null", timeout=30)
    assert page.evaluate("document.getElementById('search').value") == "检察院"
    assert page.evaluate("document.getElementById('results').textContent") == matches
    assert page.evaluate("window.ipgraphViz.network.getSelectedNodes()") == [spp]
    assert "最高人民检察院" in page.evaluate("document.getElementById('details').textContent")
    assert page.evaluate("document.getElementById('lang').value") == "zh"
    assert "最高人民检察院" in page.evaluate(f"window.ipgraphViz.labelsOf([{spp}])[0]")
    assert "Supreme" not in page.evaluate(f"window.ipgraphViz.labelsOf([{spp}])[0]")
    assert page.evaluate("location.hash") == fragment
    # a hostile fragment is only text in the search box
    page.goto("about:blank")
    page.goto(path.resolve().as_uri() + "#q=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E&lang=%3Cb%3E")
    page.wait_for("window.ipgraphViz && window.ipgraphViz.stats.firstDraw !== null", timeout=30)
    assert page.evaluate("document.getElementById('search').value") == "<img src=x onerror=window.__xss=1>"
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.getElementById('lang').value") == "both"
    assert_clean(page, path)


def test_narrow_screen_gives_the_graph_the_full_width(browser: Browser, site: Path) -> None:
    page = browser.page
    page.set_viewport(375, 800)
    try:
        for name in ("derivation", "ontology"):
            page.goto("about:blank")
            page = open_page(browser, site / f"{name}.html")
            canvas = page.evaluate(
                "(() => { const r = document.querySelector('#graph canvas').getBoundingClientRect(); "
                "return [r.left, r.width, r.height]; })()"
            )
            assert canvas[0] == 0 and canvas[1] >= 370 and canvas[2] >= 400, f"{name}: canvas at {canvas}"
            panel = page.evaluate("document.querySelector('aside').getBoundingClientRect().top")
            assert panel >= canvas[2], "the panel comes below the drawing"
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
            page.screenshot(site / f"{name}-375.png")
    finally:
        page.set_viewport(1400, 900)


LATIN = r"/[A-Za-z]{2,}/"  # a Latin word (of two letters or more) in a page's own text


def test_chinese_page_speaks_chinese(browser: Browser, built: Path, tmp_path: Path) -> None:
    """With --lang zh every word of the page's own interface is Chinese: title, description, headings, buttons,
    switches, legend, counts, search results, and the tooltips' figures, kinds and types."""
    from ipgraph.viz.run import make_view

    for name in ("derivation", "charges"):
        path = tmp_path / f"{name}-zh.html"
        make_view(built, name, path, lang="zh")
        page = open_page(browser, path)
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
        own = page.evaluate(
            "(() => { const a = document.querySelector('aside').cloneNode(true); a.querySelector('select').remove();"
            " return document.querySelector('header').innerText + '\\n' + a.innerText; })()"
        )
        assert "搜索" in own and "类型" in own and "个节点" in own and "清除" in own
        assert not page.evaluate(f"{LATIN}.test({json.dumps(own)})"), own
        for attribute in ("#search[placeholder]", "#search[aria-label]", "#details[data-empty]"):
            selector, attr = attribute.split("[")
            text = page.evaluate(f"document.querySelector('{selector}').getAttribute('{attr[:-1]}')")
            assert text and not page.evaluate(f"{LATIN}.test({json.dumps(text)})"), (attribute, text)
        page.evaluate("window.ipgraphViz.search('刑事')")
        assert "个匹配" in page.evaluate("document.querySelector('#results .r-count').textContent")
        data = data_of(page)
        hub = max((n for n in data["nodes"] if n.get("h")), key=lambda n: n["s"])
        event = json.dumps({"node": hub["id"], "pointer": {"DOM": {"x": 10, "y": 10}}})
        page.evaluate(f"void window.ipgraphViz.network.emit('hoverNode', {event})")
        words = page.evaluate(
            "[...document.querySelectorAll('#tooltip :is(.i-title, .i-lead, .i-figs, .i-type, .i-types)')]"
            ".map(e => e.textContent).join('\\n')"
        )
        assert "年" in words and not page.evaluate(f"{LATIN}.test({json.dumps(words)})"), words
        counted = next(i for i, e in enumerate(data["edges"]) if e.get("v") is not None) if name == "derivation" else 0
        event = json.dumps({"edge": counted, "pointer": {"DOM": {"x": 10, "y": 10}}})
        page.evaluate(f"void window.ipgraphViz.network.emit('hoverEdge', {event})")
        lead = page.evaluate("(document.querySelector('#tooltip .i-lead') || {}).textContent || ''")
        assert name != "derivation" or lead.startswith("数量："), lead
        page.screenshot(tmp_path / f"{name}-zh.png")
        assert_clean(page, path)


def test_pages_run_under_their_content_security_policy(browser: Browser, site: Path) -> None:
    """Each page's policy allows its own inline scripts and style sheets and nothing else, and nothing the page
    does (drawing, tooltips, details, search, switches) needs more."""
    page = browser.page
    watch = "window.__violations = []; document.addEventListener('securitypolicyviolation', e => " + (
        "window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    added = page.send("Page.addScriptToEvaluateOnNewDocument", {"source": watch})["identifier"]
    try:
        for name in ("derivation", "institutions", "ontology"):
            path = site / f"{name}.html"
            text = path.read_text(encoding="utf-8")
            policy = text.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
            assert "default-src 'none'" in policy and "unsafe-inline" not in policy
            assert " style=" not in text.split("<body>", 1)[1].split('<script type="application/json"', 1)[0]
            page = open_page(browser, path)
            event = json.dumps({"node": 0, "pointer": {"DOM": {"x": 10, "y": 10}}})
            page.evaluate(f"void window.ipgraphViz.network.emit('hoverNode', {event})")
            page.evaluate("void window.ipgraphViz.focusNode(1)")
            page.evaluate("void window.ipgraphViz.search('a')")
            page.evaluate("document.querySelectorAll('#legend input')[0].click()")
            if page.evaluate("!document.getElementById('isolated-switch').parentNode.hidden"):
                page.evaluate("document.getElementById('isolated-switch').click()")
            page.evaluate("window.ipgraphViz.network.redraw()")
            assert page.evaluate("window.__violations") == [], name
            assert_clean(page, path)
    finally:
        page.send("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added})


def test_payloads_execute_nothing_and_show_literally(browser: Browser, tmp_path: Path) -> None:
    from ipgraph.viz.run import make_view

    from .test_viz import XSS_LABEL, build_xss

    built = build_xss(tmp_path)
    path = tmp_path / "xss.html"
    make_view(built, "all", path, details=True)
    page = open_page(browser, path)
    assert_clean(page, path)
    assert page.evaluate("typeof window.__xss") == "undefined", "a payload ran"
    data = data_of(page)
    office = next(i for i, n in enumerate(data["nodes"]) if n["en"] == XSS_LABEL)
    # the label is drawn as text on the canvas, unchanged
    assert page.evaluate(f"window.ipgraphViz.labelsOf([{office}])[0]").startswith("<script>window.__xss=4")
    # the details panel and the search results show the payloads as text, and hold no element made from them
    page.evaluate(f"window.ipgraphViz.focusNode({office})")
    details = page.evaluate("document.getElementById('details').textContent")
    assert XSS_LABEL in details and "<img src=x onerror=window.__xss=5>检察院" in details
    assert "<iframe src=javascript:window.__xss=6></iframe>" in details
    assert "<script>window.__xss=1</script>" in details, "the source quote, literally"
    page.evaluate("window.ipgraphViz.search('<svg onload')")
    assert "</script><svg onload=window.__xss=7> city" in page.evaluate(
        "document.getElementById('results').textContent"
    )
    injected = page.evaluate(
        "document.querySelectorAll('#details *:is(script,img,iframe,svg,b,a), #results "
        "*:is(script,img,iframe,svg,b,a)').length"
    )
    assert injected == 0
    # hovering shows the tooltip with the same text
    event = json.dumps({"node": office, "pointer": {"DOM": {"x": 10, "y": 10}}})
    page.evaluate(f"void window.ipgraphViz.network.emit('hoverNode', {event})")
    assert XSS_LABEL in page.evaluate("document.getElementById('tooltip').textContent")
    assert page.evaluate("document.querySelectorAll('#tooltip *:is(script,img,iframe,svg,b,a)').length") == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    page.screenshot(tmp_path / "xss.png")
    print(f"screenshot: {tmp_path / 'xss.png'}")


def test_charts_page(browser: Browser, built: Path, tmp_path: Path) -> None:
    from ipgraph.viz.run import make_charts

    written = make_charts(built, tmp_path / "charts")
    assert (tmp_path / "charts" / "sankey.png").stat().st_size > 10_000, written
    path = tmp_path / "charts" / "charts.html"
    page = browser.page
    page.console.clear()
    page.errors.clear()
    page.requests.clear()
    page.goto(path.resolve().as_uri())
    assert_clean(page, path)
    assert page.evaluate("document.querySelectorAll('figure svg').length") == 5
    text = page.evaluate("document.body.textContent")
    assert "1,369" in text and "88.8%" in text and "5.3%" in text
    page.screenshot(tmp_path / "charts.png", full_page=True)
    print(f"screenshot: {tmp_path / 'charts.png'}")
