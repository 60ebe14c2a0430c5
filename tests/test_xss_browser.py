"""Every page ipgraph writes, opened in headless Chromium on hostile data, executes no payload, plants no
``javascript:`` link and asks nothing of any other host.

The hostile data (tests/xssutil.py, invented) is the real data plus a fact file whose labels, definitions and
notes carry script, HTML and ``javascript:`` payloads, built with a copy of the ontology that carries more in
comments, scope notes, definitions, labels and IRIs. The pages: the viz views, charts and site index (``ipgraph
viz site``, ``ipgraph viz entity``), the ontology documentation (``ipgraph docs``), and the server's pages
(``ipgraph serve``: entity pages, the ontology index, the query page with results that hold payloads, the
catalog, the graph views, VoID, a 404). Each page is opened twice: as written (with its Content-Security-Policy)
and with the policy switched off in the browser, so that escaping alone is shown to hold.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipgraph.viz.headless import Browser, find_chromium

from .serverutil import Served, ipgraph_serve
from .xssutil import HOSTILE_ENTITY, Payloads, hostile_data, hostile_ontology, install_marker, probe

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="Chromium is not installed (Debian: apt-get install chromium; or set IPGRAPH_CHROMIUM)",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
IPGRAPH = str(Path(sys.executable).parent / "ipgraph")


@dataclass
class Hostile:
    """The hostile inputs and their build."""

    payloads: Payloads
    ontology: Path
    data: Path
    build: Path
    tmp: Path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    from ipgraph.store.build import build

    tmp = tmp_path_factory.mktemp("hostile")
    payloads = Payloads()
    ontology = hostile_ontology(ROOT, tmp / "ontology" / "ipgraph.ttl", payloads)
    data = hostile_data(ROOT, tmp / "data", payloads)
    build(data, tmp / "build", ontology, validate=False)
    return Hostile(payloads, ontology, data, tmp / "build", tmp)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1400, height=900, loopback=True) as b:
        install_marker(b.page)
        yield b


def run(*args: str) -> None:
    done = subprocess.run([IPGRAPH, *args], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def check(browser: Browser, hostile: Hostile, url: str, action: str | None = None, *, expect: int = 1) -> int:
    """Probe a page with and without its policy; assert it is clean; return how many payloads it held."""
    present = 0
    for bypass in (False, True):
        found = probe(browser.page, url, bypass_csp=bypass, action=action)
        mode = "with its policy switched off" if bypass else "as served"
        assert found.clean, f"{mode}: {found.describe(hostile.payloads)}"
        assert len(found.present) >= expect, f"the hostile page holds no payload: {found.describe()}"
        present = max(present, len(found.present))
    print(f"{url}: {present} payloads, 0 executed, 0 armed, 0 outside requests")
    return present


# ------------------------------------------------------------------------------------------ written pages


def test_docs_page(browser: Browser, hostile: Hostile) -> None:
    out = hostile.tmp / "docs" / "ontology.html"
    run("docs", "--ontology", str(hostile.ontology), "--out", str(out))
    check(browser, hostile, out.as_uri(), expect=200)
    found = probe(browser.page, out.as_uri())
    # the code lists (the page's own section) show each concept's and scheme's definition as text
    for n, where in hostile.payloads.where.items():
        if where.startswith("docs/ontology: skos:definition of scheme"):
            assert n in found.shown, f"payload {n} ({where}) is not shown as text"
    text = browser.page.evaluate("document.body.innerText")
    assert "<script>__xss(" in text and "javascript:__xss(" in text, "payloads are shown literally"
    # the page's policy is in force: a script added to it after the fact does not run, an image does not load
    page = browser.page
    page.evaluate(
        "window.__violations = []; document.addEventListener('securitypolicyviolation', "
        "e => window.__violations.push(e.violatedDirective));"
        "const s = document.createElement('script'); s.textContent = '__xss(-1)'; document.body.append(s);"
        "const i = document.createElement('img'); i.src = 'https://xss.invalid/-2.png'; document.body.append(i);"
    )
    page.wait_for("window.__violations.length >= 2", timeout=10)  # the policy reports what it blocked
    assert sorted(page.evaluate("window.__violations")) == ["img-src", "script-src-elem"]
    assert page.evaluate("(top.__xssHits || []).length") == 0


def test_viz_site(browser: Browser, hostile: Hostile) -> None:
    site = hostile.tmp / "site"
    run("viz", "site", "--build", str(hostile.build), "-o", str(site))
    pages = sorted(site.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "all.html", "ontology.html", "institutions.html"}
    charts = sorted(site.rglob("charts.html"))
    assert charts, "the site has its charts page"
    for path in [*pages, *charts]:
        check(browser, hostile, path.as_uri(), expect=0)
    # the views that show the hostile terms hold their payloads
    for name in ("all.html", "ontology.html", "institutions.html"):
        assert len(probe(browser.page, (site / name).as_uri()).present) > 10, name


def test_viz_entity_view(browser: Browser, hostile: Hostile) -> None:
    out = hostile.tmp / "entity.html"
    run(
        "viz",
        "entity",
        "--build",
        str(hostile.build),
        "--focus",
        HOSTILE_ENTITY,
        "--depth",
        "2",
        "--details",
        "-o",
        str(out),
    )
    check(browser, hostile, out.as_uri(), expect=20)
    # the details panel shows the focus's labels and notes as text
    page = browser.page
    probe(page, out.as_uri())
    office = page.evaluate(
        "window.ipgraphViz.data.nodes.findIndex(n => (n.en || '').includes('office') && n.en.includes('__xss'))"
    )
    assert office >= 0
    page.evaluate(f"window.ipgraphViz.focusNode({office})")
    assert "<script>__xss(" in page.evaluate("document.getElementById('details').textContent")
    assert page.evaluate("(top.__xssHits || []).length") == 0


# ------------------------------------------------------------------------------------------ served pages


@pytest.fixture(scope="module")
def served(hostile: Hostile) -> Iterator[Served]:
    with ipgraph_serve(hostile.build, hostile.tmp) as s:
        yield s


WAIT_FOR_RESULTS = """new Promise((resolve, reject) => {
  const end = Date.now() + 50000;
  const tick = () => {
    const status = document.getElementById('status').textContent;
    if (document.querySelector('#results table, #results .error, #results pre') && !/running/.test(status))
      return resolve(true);
    if (Date.now() > end) return reject(new Error('no results: ' + status));
    setTimeout(tick, 50);
  };
  tick();
})"""

#: Results that hold the payloads: labels and notes as literals, ``javascript:`` IRIs as IRIs.
HOSTILE_QUERY = """SELECT ?s ?p ?o WHERE {
  { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "__xss")) }
  UNION { ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "javascript:")) }
} LIMIT 500"""


def server_paths(entity: str) -> list[tuple[str, set[int]]]:
    """The server's pages to open, with the statuses each may answer."""
    payload = urllib.parse.quote("<script>__xss(0)</script>")
    ok, missing, bad = {200}, {404}, {400, 404}
    return [
        ("/id/" + entity.replace(":", "/", 1), ok),
        ("/id/concept/xss-mechanism", ok),
        ("/id/charge/art-213-counterfeiting-registered-trademark", ok),
        ("/id/charge/hostile-charge", ok),
        ("/id/scheme/charges", ok),
        ("/ontology", ok),
        ("/ontology/HostileClass", ok),
        ("/ontology/Charge", ok),
        ("/ontology/hostileProperty", ok),
        ("/queries", ok),
        ("/queries/entity-mentions?entity=" + urllib.parse.quote(entity), ok),
        ("/queries/entity-mentions?entity=" + payload, bad),
        ("/viz", ok),
        (f"/viz/entity?focus={urllib.parse.quote(entity)}&depth=2", ok),
        ("/viz/ontology", ok),
        ("/viz/all", ok),
        ("/.well-known/void", ok),
        ("/sparql", ok),
        (f"/id/{payload}", missing),
        (f"/nothing/{payload}", missing),
        # the linked-data pages for people: both languages, a figure, the search, the dataset page, the 404
        ("/id/" + entity.replace(":", "/", 1) + "?lang=zh", ok),
        ("/id/concept/xss-mechanism?lang=zh", ok),
        ("/id/obs/shanghai-2023-ip-criminal-cases", ok),
        ("/id/report/shanghai-2023?lang=zh", ok),
        ("/search?q=__xss", ok),
        ("/search?lang=zh&q=" + urllib.parse.quote("檢察院"), ok),
        (f"/search?q={payload}", ok),
        ("/.well-known/void?lang=zh", ok),
        (f"/nothing/{payload}?lang=zh", missing),
    ]


def test_server_pages(browser: Browser, hostile: Hostile, served: Served) -> None:
    held = 0
    quotes = served.sparql(f"SELECT ?q WHERE {{ {HOSTILE_ENTITY} prov:wasDerivedFrom ?q }}")
    quote = json.loads(quotes[2])["results"]["bindings"][0]["q"]["value"]
    paths = [*server_paths(HOSTILE_ENTITY), ("/id/" + quote.split("/id/", 1)[1], {200})]  # the quote's own page
    for path, statuses in paths:
        status, _, _ = served.get(path, accept="text/html")
        assert status in statuses, (path, status)
        held += check(browser, hostile, served.base + path, expect=0)
    assert held > 300, "the served pages showed the hostile data"


def test_query_page_with_hostile_results(browser: Browser, hostile: Hostile, served: Served) -> None:
    url = served.base + "/?" + urllib.parse.urlencode({"query": HOSTILE_QUERY})
    check(browser, hostile, url, action=WAIT_FOR_RESULTS, expect=100)
    page = browser.page
    rows = page.evaluate("document.querySelectorAll('#results tbody tr').length")
    assert rows > 10, "the query found the payloads"
    iris = page.evaluate(
        "[...document.querySelectorAll('#results td')].map(td => td.textContent)"
        ".filter(t => t.startsWith('javascript:')).length"
    )
    assert iris > 0, "javascript: IRIs are shown, as text"


#: Hostile labels as the label column of a chart (the workbench's own SVG view), counted per subject.
HOSTILE_CHART_QUERY = """SELECT ?s (COUNT(?o) AS ?n) WHERE {
  ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "__xss"))
} GROUP BY ?s ORDER BY DESC(?n) LIMIT 200"""


def test_workbench_chart_with_hostile_labels(browser: Browser, hostile: Hostile, served: Served) -> None:
    for lang in ("en", "zh"):
        query = {"query": HOSTILE_CHART_QUERY, "view": "ipgChart", "lang": lang}
        url = served.base + "/?" + urllib.parse.urlencode(query)
        wait = WAIT_FOR_RESULTS.replace("#results table, ", "#results .chart svg, ")
        check(browser, hostile, url, action=wait, expect=5)
        labels = browser.page.evaluate(
            "[...document.querySelectorAll('#results svg text.label')].map(t => t.textContent)"
        )
        assert sum("__xss(" in label for label in labels) >= 3, f"hostile labels shown as text: {labels[:8]}"
