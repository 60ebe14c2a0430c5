"""The query workbench in headless Chromium: type a query with completion, run it, read labelled rows, switch to
the chart, open the share URL in a fresh page; the catalog gallery's search and tags; no request to another host;
hostile catalog entries and hostile results execute nothing."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipgraph.server.vendor import bundle_present
from ipgraph.viz.headless import Browser, Page, find_chromium

from .conftest import QUERIES
from .serverutil import Served, ipgraph_serve
from .xssutil import install_marker, is_outside, probe

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="Chromium is not installed (Debian: apt-get install chromium; or set IPGRAPH_CHROMIUM)",
    ),
    pytest.mark.skipif(not bundle_present(), reason="the SPARQL editor is not installed (make setup needs npm)"),
]

#: A catalog entry whose every header carries a payload (summary, description, tags).
HOSTILE_QUERY_FILE = """#+ summary: <script>__xss(1)</script><img src=x onerror=__xss(2)> charges
#+ description: <a href="javascript:__xss(3)">click</a>
#+ tags: <b onmouseover=__xss(4)>tag</b>, javascript:__xss(5)
SELECT ?x ("<script>__xss(6)</script>" AS ?label) (1 AS ?n) WHERE { VALUES ?x { <javascript:__xss(7)> } }
"""


@pytest.fixture(scope="module")
def served(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("workbench")
    mine = tmp / "mine"
    mine.mkdir()
    (mine / "hostile-entry.rq").write_text(HOSTILE_QUERY_FILE, encoding="utf-8")
    with ipgraph_serve(built, tmp, "--queries", str(mine), "--time-limit", "10") as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1280, height=900, loopback=True) as b:
        install_marker(b.page)
        yield b


def wait_results(page: Page) -> None:
    page.wait_for(
        "!!document.querySelector('#results table.results, #results .chart svg, #results .error') && "
        "!/running|运行中/.test(document.getElementById('status').textContent)",
        timeout=40,
    )


def key(page: Page, name: str, code: int, modifiers: int = 0, text: str = "") -> None:
    """Press one key (CDP key events; ``modifiers`` 2 is Ctrl)."""
    for kind in ("keyDown", "keyUp"):
        params = {"type": kind, "key": name, "code": name, "windowsVirtualKeyCode": code, "modifiers": modifiers}
        if text and kind == "keyDown":
            params["text"] = text
        page.send("Input.dispatchKeyEvent", params)


def type_text(page: Page, text: str) -> None:
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            key(page, "Enter", 13, text="\r")
        if line:
            page.send("Input.insertText", {"text": line})
        time.sleep(0.05)


HINTS = "[...document.querySelectorAll('.CodeMirror-hint')]"
SHOWN_CARDS = "[...document.querySelectorAll('#gallery li.card')].filter(c => c.getClientRects().length > 0)"


def hints(page: Page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('.CodeMirror-hint')].map(h => h.textContent)") or []


def complete(page: Page, expected: str) -> None:
    """Ctrl+Space, wait for the hint that starts with ``expected``, move to it and pick it."""
    key(page, " ", 32, modifiers=2)
    page.wait_for(f"{HINTS}.some(h => h.textContent.startsWith({json.dumps(expected)}))", timeout=10)
    shown = hints(page)
    target = next(i for i, h in enumerate(shown) if h.startswith(expected))
    active = page.evaluate(f"{HINTS}.findIndex(h => h.classList.contains('CodeMirror-hint-active'))")
    for _ in range(target - active):
        key(page, "ArrowDown", 40)
    key(page, "Enter", 13)
    page.wait_for("!document.querySelector('.CodeMirror-hints')", timeout=5)


def outside(page: Page) -> list[str]:
    return sorted({u for u in page.requests if is_outside(u)})


def test_type_complete_run_chart_share(browser: Browser, served: Served) -> None:
    page = browser.page
    page.requests.clear()
    page.goto(served.base + "/")
    page.wait_for("!!(window.ipgraphWorkbench && window.ipgraphWorkbench.yasqe)", timeout=20)
    assert page.evaluate("document.querySelector('.result-tools').getClientRects().length") == 0, "no result yet"
    assert page.evaluate("document.getElementById('query').getClientRects().length") == 0, "the editor replaces it"
    page.evaluate("window.ipgraphWorkbench.yasqe.setValue(''); window.ipgraphWorkbench.yasqe.focus(); 0")
    # a prefix from ipgraph's namespace, completed from the server's list (not prefix.cc)
    type_text(page, "PREFIX cha")
    complete(page, "charge:")
    value = page.evaluate("window.ipgraphWorkbench.yasqe.getValue()")
    assert "PREFIX charge: <https://w3id.org/ipgraph/id/charge/>" in value
    # a class of the ontology, its label shown in the completion list
    type_text(page, "\nSELECT ?charge (COUNT(?o) AS ?n) WHERE {\n  ?charge a ipg:Char")
    key(page, " ", 32, modifiers=2)
    page.wait_for(f"{HINTS}.some(h => h.textContent.startsWith('ipg:Charge'))", timeout=10)
    charge_hint = next(h for h in hints(page) if h.startswith("ipg:Charge "))
    assert "·" in charge_hint, f"the class's label is shown: {charge_hint}"
    key(page, "Escape", 27)
    page.evaluate(
        "const y = window.ipgraphWorkbench.yasqe; y.setValue(y.getValue().replace(/ipg:Char$/, 'ipg:Charge .\\n'"
        " + '  OPTIONAL { ?o ?p ?charge }\\n} GROUP BY ?charge ORDER BY DESC(?n) ?charge')); 0"
    )
    value = page.evaluate("window.ipgraphWorkbench.yasqe.getValue()")
    assert "PREFIX ipg: <https://w3id.org/ipgraph/ontology/>" in value, "typing ipg: declared its prefix"
    page.evaluate("window.ipgraphWorkbench.yasqe.focus(); 0")
    key(page, "Enter", 13, modifiers=2)  # Ctrl+Enter runs the query here
    wait_results(page)
    assert page.evaluate("document.getElementById('warnings').textContent") == "", "every ipg: name is a term"
    rows = page.evaluate(
        "[...document.querySelectorAll('#results tbody tr')].map(tr => { const a = tr.querySelector('a');"
        " return [a.textContent, a.getAttribute('href'), tr.cells[1].textContent]; })"
    )
    assert len(rows) > 5
    assert all(href.startswith("/id/charge/") for _, href, _ in rows), rows[:3]
    assert all(not text.startswith("charge:") for text, _, _ in rows), f"rows show labels, not CURIEs: {rows[:3]}"
    # sorting: by the label column, ascending
    page.evaluate("document.querySelector('#results th button.sort').click()")
    ordered = page.evaluate(
        "(() => { const names = [...document.querySelectorAll('#results tbody tr td:first-child')]"
        ".map(td => td.textContent); return names.length === "
        + str(len(rows))
        + " && names.every((n, i) => i === 0 || names[i - 1].localeCompare(n, 'en', {numeric: true}) <= 0); })()"
    )
    assert ordered, "sorted by label"
    # the chart: one bar per row, labelled with the labels
    page.evaluate("document.querySelector('.yasr .select_ipgChart').click()")
    page.wait_for("document.querySelectorAll('#results svg.bar-chart rect.bar').length > 0", timeout=10)
    bars = page.evaluate("document.querySelectorAll('#results svg.bar-chart rect.bar').length")
    labels = page.evaluate("[...document.querySelectorAll('#results svg text.label')].map(t => t.textContent)")
    assert bars == len(rows) == len(labels)
    assert all(any(r[0].startswith(lab.removesuffix("…")) for r in rows) for lab in labels), labels
    page.evaluate(
        "const s = document.querySelector('.chart-controls select[name=chart]'); s.value = 'line';"
        " s.dispatchEvent(new Event('change'))"
    )
    page.wait_for("!!document.querySelector('#results svg.line-chart polyline')", timeout=5)
    # the share URL restores the query, the view and the chart in a fresh page, and runs it
    share = page.evaluate("location.href")
    assert page.evaluate("document.getElementById('share').href") == share
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(share).query)
    assert params["view"] == ["ipgChart"] and params["chart"] == ["line"] and "ipg:Charge" in params["query"][0]
    assert outside(page) == [], "the workbench asked another host"
    with Browser(width=1280, height=900, loopback=True) as fresh:  # another browser: nothing kept but the URL
        again = fresh.page
        again.goto(share)
        again.wait_for("!!document.querySelector('#results svg.line-chart polyline')", timeout=40)
        assert again.evaluate("window.ipgraphWorkbench.yasqe.getValue()") == value
        dots = again.evaluate("[...document.querySelectorAll('#results svg.line-chart circle.dot title')]"
                              ".map(t => t.textContent)")  # fmt: skip
        assert len(dots) == len(rows) and all(any(d.startswith(r[0] + ": ") for d in dots) for r in rows)
        assert outside(again) == []
    # a view the page does not have falls back to the table
    page.goto(served.base + "/?" + urllib.parse.urlencode({"query": value, "view": "constructor"}))
    wait_results(page)
    assert page.evaluate("document.querySelectorAll('#results tbody tr').length") == len(rows)


def test_downloads_and_zh(browser: Browser, served: Served) -> None:
    page = browser.page
    page.requests.clear()
    query = "SELECT ?charge ?label WHERE { ?charge a ipg:Charge ; rdfs:label ?label FILTER(lang(?label) = 'zh') }"
    page.goto(served.base + "/?" + urllib.parse.urlencode({"query": query, "lang": "zh"}))
    wait_results(page)
    assert page.evaluate("document.documentElement.lang") == "zh"
    first = page.evaluate("document.querySelector('#results tbody td a').textContent")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in first), f"a zh page shows Chinese labels: {first}"
    href = page.evaluate("document.querySelector('#results tbody td a').getAttribute('href')")
    assert href.endswith("?lang=zh")
    assert page.evaluate("document.querySelector('#run').textContent") == "运行"
    # the downloads: CSV, TSV and JSON of the result shown
    page.evaluate(
        "window.__downloads = []; const orig = URL.createObjectURL; URL.createObjectURL = b => "
        "{ window.__downloads.push(b); return orig(b); }"
    )
    texts = {}
    for fmt in ("csv", "tsv", "json"):
        page.evaluate(f"document.querySelector('.result-tools button[data-format={fmt}]').click()")
        texts[fmt] = page.evaluate("window.__downloads[window.__downloads.length - 1].text()", await_promise=True)
    status, _, expected_csv = served.sparql(query, "text/csv")
    assert status == 200
    assert texts["csv"].splitlines() == expected_csv.decode().splitlines()
    assert texts["tsv"].splitlines()[0] == "?charge\t?label" and "@zh" in texts["tsv"]
    assert len(json.loads(texts["json"])["results"]["bindings"]) == len(texts["csv"].splitlines()) - 1
    assert outside(page) == []


def test_graph_results_are_labelled(browser: Browser, served: Served) -> None:
    page = browser.page
    query = "CONSTRUCT { ?c ipg:articleNumber ?n } WHERE { ?c a ipg:Charge ; ipg:articleNumber ?n }"
    page.goto(served.base + "/?" + urllib.parse.urlencode({"query": query, "lang": "zh"}))
    wait_results(page)
    page.wait_for("/[\u4e00-\u9fff]/.test(document.querySelector('#results tbody td a').textContent)", timeout=10)
    assert page.evaluate("document.querySelectorAll('#results thead th').length") == 3  # subject, predicate, object


def test_misspelt_term_is_named(browser: Browser, served: Served) -> None:
    page = browser.page
    query = "SELECT ?c ?n WHERE { ?c a ipg:Charge . OPTIONAL { ?c ipg:artcleNumber ?n } }"
    page.goto(served.base + "/?" + urllib.parse.urlencode({"query": query}))
    wait_results(page)
    warning = page.evaluate("document.getElementById('warnings').textContent")
    assert "ipg:artcleNumber" in warning and "ipg:Charge" not in warning, warning


def test_gallery_search_tags_and_open(browser: Browser, served: Served) -> None:
    page = browser.page
    page.goto(served.base + "/queries")
    total = page.evaluate("document.querySelectorAll('#gallery li.card').length")
    assert total >= len(list(QUERIES.glob("*.rq")))
    page.evaluate(
        "const i = document.getElementById('gallery-q'); i.value = 'charge'; i.dispatchEvent(new Event('input'))"
    )
    shown = page.evaluate(SHOWN_CARDS + ".length")
    assert 0 < shown < total
    page.evaluate("document.querySelector('#gallery-tags button[data-tag=\"trends\"]').click()")
    cards = page.evaluate(SHOWN_CARDS + ".map(c => c.dataset.tags)")
    assert cards and all("trends" in c.split() for c in cards)
    assert "tag=trends" in page.evaluate("location.search")
    # a card's own tag selects it too
    picked = page.evaluate(
        "(() => { const b = document.querySelector("
        "'#gallery li.card:not([hidden]) ul.tags button:not([data-tag=trends])');"
        " b.click(); return b.dataset.tag; })()"
    )
    cards = page.evaluate(SHOWN_CARDS + ".map(c => c.dataset.tags)")
    assert cards and all(picked in c.split() for c in cards)
    assert f"tag={urllib.parse.quote(picked)}" in page.evaluate("location.search")
    link = page.evaluate(SHOWN_CARDS + "[0].querySelector('h2 a').href")
    page.goto(link)
    wait_results(page)
    name = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["example"][0]
    assert page.evaluate("document.getElementById('examples').value") == name
    assert page.evaluate("document.querySelectorAll('#results tbody tr').length") > 0


def test_hostile_catalog_entry_and_results(browser: Browser, served: Served) -> None:
    for path in ("/queries", "/queries?lang=zh", "/?example=hostile-entry", "/?example=hostile-entry&view=ipgChart"):
        for bypass in (False, True):
            found = probe(
                browser.page,
                served.base + path,
                bypass_csp=bypass,
                action="new Promise(r => setTimeout(r, 1500))",
            )
            assert found.clean, found.describe()
            assert found.present, f"{path}: the hostile entry is on the page"
    # a shared URL whose query is a payload: shown in the editor, in its syntax error and in the server's answer
    broken = urllib.parse.urlencode({"query": 'SELECT <img src=x onerror=__xss(8)> "<script>__xss(9)</script>" {'})
    hover = (
        "new Promise(r => setTimeout(() => { document.querySelectorAll('.parseErrorIcon')"
        ".forEach(i => i.dispatchEvent(new MouseEvent('mouseover'))); setTimeout(r, 300); }, 1500))"
    )
    for bypass in (False, True):
        found = probe(browser.page, served.base + "/?" + broken, bypass_csp=bypass, action=hover)
        assert not (found.executed or found.armed or found.outside) and {8, 9} <= found.shown, found.describe()
        # expected: the server's 400 for the broken query, and (policy on) the error tooltip's style attribute
        # refused by style-src 'self'
        expected = ("failed to load " + served.base + "/sparql", "security: Applying inline style violates")
        assert all(e.startswith(expected) for e in found.errors), found.errors
    assert browser.page.evaluate("document.querySelector('.yasqe_tooltip').textContent").startswith("This line")
    assert browser.page.evaluate("document.querySelector('#results .error').textContent").startswith("400")
    page = browser.page
    page.goto(served.base + "/?example=hostile-entry")
    wait_results(page)
    assert page.evaluate("document.querySelector('#results tbody td code').textContent") == "javascript:__xss(7)"
    assert page.evaluate("document.querySelectorAll('#results a[href^=javascript]').length") == 0
    assert page.evaluate("(top.__xssHits || []).length") == 0
