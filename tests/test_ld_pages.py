"""The linked-data pages people read (``ipgraph serve``): titles that are labels, figures with units, derived
figures with their sources, quotes in their paragraph, checks with their arithmetic, the HTML 404, the label
search and the dataset page — in English and Chinese — and every one of them escapes what the data says.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from .conftest import ONTOLOGY, QUERIES
from .serverutil import Served, ipgraph_serve

pytestmark = pytest.mark.slow  # every test here talks to a server process

HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
FIGURE = "/id/obs/shanghai-2023-ip-criminal-cases"
DERIVED = "/id/obs/shanghai-2023-derived-copyright-case-2022-from-charges-inverse-multiple-as-factor"
QUOTE = "/id/quote/shanghai-2023-1548-2091"


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with ipgraph_serve(built, tmp_path_factory.mktemp("ldpages"), "--queries", str(QUERIES)) as s:
        yield s


def page(server: Served, path: str, status: int = 200) -> str:
    code, headers, body = server.get(path, HTML)
    assert code == status, (path, code, body[:300])
    assert headers["content-type"].startswith("text/html"), (path, headers["content-type"])
    assert "Content-Security-Policy" in headers or "content-security-policy" in headers
    return body.decode("utf-8")


def title(text: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", text, re.S)
    assert found, "the page has a title"
    return html.unescape(found.group(1))


def test_figure_page_is_titled_by_what_it_counts(server: Served) -> None:
    text = page(server, FIGURE)
    assert title(text) == "IP-infringement criminal cases, Shanghai, 2023: 1,369"
    assert "<title>IP-infringement criminal cases, Shanghai, 2023: 1,369 · ipgraph</title>" in text
    assert "<p class=value>1,369 cases</p>" in text  # the value with its unit, never its datatype
    assert "xsd:" not in text and "decimal" not in text and "XMLSchema" not in text
    for group in ("The figure", "Checks of this figure", "Sources"):
        assert f"<h2>{group}</h2>" in text
    assert '<a href="/id/place/shanghai">Shanghai</a>' in text  # dimensions by their labels, linked
    assert "[footnoteRef" not in text
    zh = page(server, FIGURE + "?lang=zh")
    assert title(zh) == "上海2023年侵犯知识产权刑事案件：1,369件"
    assert '<html lang="zh">' in zh and "<h2>数据</h2>" in zh
    assert '<a href="/id/place/shanghai?lang=zh">上海</a>' in zh  # links stay in the page's language
    assert 'href="/id/obs/shanghai-2023-ip-criminal-cases"' in zh  # and the toggle goes back to English


def test_derived_figure_shows_what_it_comes_from_and_how(server: Served) -> None:
    text = page(server, DERIVED)
    assert title(text) == "IP-infringement criminal cases (copyright), Shanghai, 2022: about 63.18"
    assert "<h2>How it is derived</h2>" in text and "sum over charges" in text
    derivation = text.split("<h2>How it is derived</h2>", 1)[1].split("</section>", 1)[0]
    for source in ("art-217-cases", "art-217-cases-change", "art-218-cases", "art-218-cases-change"):
        assert f'href="/id/obs/shanghai-2023-{source}"' in derivation, source
    assert "IP-infringement criminal cases (copyright infringement), Shanghai, 2023: 105" in derivation
    assert "61.56–64.8" in text  # the range the rounding allows
    # the arithmetic names the charges, not their slugs
    assert "copyright infringement: [56.76, 60] + selling infringing copies: 4.8" in derivation
    source = page(server, "/id/obs/shanghai-2023-art-217-cases")  # and each source links back to it
    assert "<th>figures derived from it</th>" in source and f'href="{DERIVED}"' in source


def test_section_and_footnote_pages_show_their_words(server: Served) -> None:
    text = page(server, "/id/section/shanghai-2023-i.1.1")
    assert title(text).startswith("§ I.1.1 The IP-infringement crime is approaching historical height")
    words = text.split("<h2>The text</h2>", 1)[1].split("</section>", 1)[0]
    assert "took cognizance of 1,369 IP-infringement criminal cases" in words and "[footnoteRef" not in words
    note = page(server, "/id/section/shanghai-2023-fn0")
    assert title(note) == "footnote 1"
    assert "sum of the number of the cases" in note.split("<h2>The text</h2>", 1)[1].split("</section>", 1)[0]
    assert title(page(server, "/id/section/shanghai-2023-fn0?lang=zh")) == "脚注 1"


def test_facts_link_the_quotes_that_state_them(server: Served) -> None:
    text = page(server, "/id/case/retrial-suggestion-supervision-2023")
    cites = re.findall(r'<a class=cite href="(/id/quote/[^"]+)" title="([^"]+)">§([^<]+)</a>', text)
    assert len(cites) >= 2, "facts link the quotes stating them"
    assert all(section.startswith("III.") and "[footnoteRef" not in title for _, title, section in cites)
    sources = text.split("<h2>Sources</h2>", 1)[1]
    own = re.findall(r'<blockquote><a class=section href="(/id/quote/[^"]+)"', sources)
    assert own and not set(own) & {href for href, _, _ in cites}, "the page's own quote is shown once, in Sources"


def test_quote_page_shows_the_quote_in_its_paragraph(server: Served) -> None:
    text = page(server, QUOTE)
    assert "[footnoteRef" not in text and "[0:" not in text
    assert title(text).startswith("§ I.1.1 “The procuratorates in Shanghai took cognizance of 1,369")
    quote = re.search(r"<blockquote class=quote>(.*?)</blockquote>", text, re.S)
    assert quote and "2,810 perpetrators<sup class=fn>" in quote.group(1)
    context = re.search(r"<p class=context>(.*?)</p>", text, re.S)
    assert context, "the quote is shown in its paragraph"
    before, marked, after = re.split(r"</?mark>", context.group(1))
    assert "coercive measures was continuously optimized." in before
    assert marked.startswith("The procuratorates in Shanghai took cognizance of 1,369")
    assert "The arrest rate of suspects" in after
    assert "sum of the number of the cases for examination and arrest" in text  # the footnote it cites
    supports = text.split("<h2>What this quote supports</h2>", 1)[1]
    assert "IP-infringement criminal cases, Shanghai, 2023: 1,369" in supports


def test_check_page_shows_arithmetic_and_verdict(server: Served, store: ox.Store) -> None:
    found = list(
        store.query(
            "SELECT ?c WHERE { ?c <https://w3id.org/ipgraph/ontology/expression> ?e "
            'FILTER(CONTAINS(?e, "= 130 vs 129")) }',
            use_default_graph_as_union=True,
        )
    )
    assert found, "the report's own inconsistency (130 vs 129) is checked"
    path = "/id/" + found[0]["c"].value.split("/id/", 1)[1]
    text = page(server, path)
    assert title(text) == "total against its parts: inconsistent"
    assert "2 + 11 + 115 + 2 = 130 vs 129" in text
    assert "comprehensive performance of procuratorial functions against its parts" in text
    shown = re.sub(r"<[^>]+>", "", text.split("</h1>", 1)[1].split("<p class=links>", 1)[0])
    assert "shanghai-2023-comprehensive" not in shown  # figures named by what they count, never by their slugs
    assert "Inconsistent: the report&#x27;s own figures do not agree with each other." in text
    assert "comprehensive performance" in text.split("<h3>Figures checked</h3>", 1)[1]
    zh = page(server, path + "?lang=zh")
    assert "不一致" in title(zh) and "不一致：报告中的数据彼此不符。" in zh
    assert "<p class=other-label" not in zh  # the English label written by the build is not a Chinese name


def test_report_date_reads_as_a_date(server: Served) -> None:
    text = page(server, "/id/report/shanghai-2023")
    assert "--04-23" not in text and "23 April (the text gives no year)" in text
    assert "4月23日" in page(server, "/id/report/shanghai-2023?lang=zh")
    assert "<h2>Figures of this report</h2>" in text


def test_html_404_with_a_search_box(server: Served) -> None:
    for path in ("/nothing/here", "/id/inst/no-such-thing"):
        text = page(server, path, status=404)
        assert '<form class=search method=get action="/search">' in text and "Not found" in text
    assert "未找到" in page(server, "/nothing/here?lang=zh", status=404)
    status, headers, body = server.get("/nothing/here", "*/*")  # a script still gets plain text
    assert status == 404 and headers["content-type"].startswith("text/plain") and b"nothing at" in body


def _results(text: str) -> list[str]:
    return re.findall(r'<li><a href="(/id/[^"?]+)', text.split("search-results", 1)[-1])


def test_label_search_in_english_and_chinese(server: Served) -> None:
    simplified = _results(page(server, "/search?" + urllib.parse.urlencode({"q": "商标"})))
    assert "/id/right/trademark" in simplified
    traditional = _results(page(server, "/search?" + urllib.parse.urlencode({"q": "商標", "lang": "zh"})))
    assert traditional == simplified  # traditional characters find the same things
    assert "/id/inst/shanghai-peoples-procuratorate" in _results(
        page(server, "/search?" + urllib.parse.urlencode({"q": "上海市人民檢察院"}))
    )
    english = _results(page(server, "/search?q=TRADEMARK"))
    assert english[0] == "/id/right/trademark"  # the exact label first
    figures = page(server, "/search?" + urllib.parse.urlencode({"q": "1,369"}))  # figures by their titles
    assert _results(figures) == [FIGURE] and "IP-infringement criminal cases, Shanghai, 2023: 1,369</a>" in figures
    assert f'href="{DERIVED}"' in page(server, "/search?" + urllib.parse.urlencode({"q": "著作权）：约63"}))
    nothing = page(server, "/search?q=zzzxq")
    assert "Nothing is labelled like that." in nothing and not _results(nothing)
    assert '<form class=search method=get action="/search">' in page(server, "/search")


def test_dataset_page(server: Served) -> None:
    text = page(server, "/.well-known/void")
    assert "<pre>" not in text  # a page, not raw Turtle
    assert "2023 Procuratorial White Paper on Intellectual Property in Shanghai" in text
    assert "Shanghai People&#x27;s Procuratorate" in text and "23 April" in text
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in text
    assert 'href="/download/ipgraph.ttl"' in text and 'href="/sparql"' in text
    assert "shanghai-ip-white-paper-2023.en.txt" in text
    built = re.search(r"<th>graph built</th><td>(\d{1,2} \w+ \d{4})</td>", text)
    assert built, "the day the graph was built"
    zh = page(server, "/.well-known/void?lang=zh")
    assert "发布机构" in zh and "上海市人民检察院" in zh
    status, headers, _ = server.get("/.well-known/void", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")


# ---- hostile labels ----------------------------------------------------------------------------------------
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'
HOSTILE_TEXT = """INVENTED TEST REPORT: made up for ipgraph's tests.
Hostile Report
I. Basic Situation
1. The procuratorates took in 12 IP-infringement criminal cases <b onmouseover="alert(3)">in</b> 2024."""
HOSTILE_REPORT = f"""id: invented-hostile-2024
source: ../../sources/invented-hostile-2024.en.txt
period: 2024
base_period: 2023
area: place:invented-hostile-district
observed_entity: inst:invented-hostile-procuratorate
facts:
  - quote: "Hostile Report"
    entities:
      - id: report:invented-hostile-2024
        type: Report
        label: {{en: {HOSTILE!r}, zh: {("恶意" + HOSTILE)!r}}}
        definition: {HOSTILE!r}
      - id: place:invented-hostile-district
        type: District
        label: {{en: {("District " + HOSTILE)!r}, zh: {("区" + HOSTILE)!r}}}
        definition: "An invented district."
      - id: inst:invented-hostile-procuratorate
        type: Procuratorate
        label: {{en: {("Procuratorate " + HOSTILE)!r}, zh: {("检察院" + HOSTILE)!r}}}
        definition: "An invented procuratorate."
  - quote: 'The procuratorates took in 12 IP-infringement criminal cases <b onmouseover="alert(3)">in</b> 2024.'
    observations:
      - {{id: ip-criminal-cases, category: ip-criminal, function: criminal, unit: case, measure: count, value: 12}}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from ipgraph.store.build import build

    tmp = tmp_path_factory.mktemp("hostile-ld")
    (tmp / "data" / "reports" / "invented-hostile-2024").mkdir(parents=True)
    (tmp / "data" / "sources").mkdir()
    (tmp / "data" / "sources" / "invented-hostile-2024.en.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (tmp / "data" / "reports" / "invented-hostile-2024" / "report.yaml").write_text(HOSTILE_REPORT, "utf-8")
    build(tmp / "data", tmp / "build", ONTOLOGY, validate=False)
    with ipgraph_serve(tmp / "build", tmp) as s:
        yield s


class Tags(HTMLParser):
    """What a browser would parse from a page: event-handler attributes and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        if tag in ("script", "iframe", "object", "embed", "svg", "img"):
            self.scripts.append(tag)


def test_every_new_page_escapes_hostile_labels(hostile: Served) -> None:
    figure = page(hostile, "/id/obs/invented-hostile-2024-ip-criminal-cases")
    found = list(re.finditer(r'href="(/id/quote/[^"?]+)"', figure))
    assert found, "the figure links its quote"
    paths = {
        "/id/obs/invented-hostile-2024-ip-criminal-cases": True,
        "/id/obs/invented-hostile-2024-ip-criminal-cases?lang=zh": True,
        found[0].group(1): True,
        "/id/report/invented-hostile-2024": True,
        "/id/report/invented-hostile-2024?lang=zh": True,
        "/id/place/invented-hostile-district": True,
        "/id/inst/invented-hostile-procuratorate?lang=zh": True,
        "/search?" + urllib.parse.urlencode({"q": "alert"}): True,
        "/search?" + urllib.parse.urlencode({"q": HOSTILE}): True,
        "/search?" + urllib.parse.urlencode({"q": HOSTILE, "lang": "zh"}): True,
        "/.well-known/void": True,
        "/nothing/" + urllib.parse.quote(HOSTILE): True,
    }
    for path, shows_payload in paths.items():
        status = 404 if path.startswith("/nothing/") else 200
        text = page(hostile, path, status)
        assert "<script>alert" not in text, path
        tags = Tags()
        tags.feed(text)
        assert not tags.handlers, (path, tags.handlers)
        assert tags.scripts == [], (path, tags.scripts)  # these pages run no script at all
        assert 'href="javascript' not in text.lower(), path
        if shows_payload:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)" in text or (
                "&lt;b onmouseover=&quot;alert(3)&quot;&gt;" in text
            ), f"{path} shows the hostile text, escaped"


PHONE_PAGES = (
    FIGURE,
    DERIVED,
    QUOTE,
    "/id/report/shanghai-2023",
    "/id/section/shanghai-2023-i.1.1",
    "/id/place/shanghai",
    "/search?q=trademark",
    "/.well-known/void",
    "/nothing/here",
)


def test_pages_fit_a_phone_screen(server: Served) -> None:
    from ipgraph.viz.headless import Browser, find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; or set IPGRAPH_CHROMIUM)")
    with Browser(width=375, height=800, loopback=True) as browser:
        for path in PHONE_PAGES:
            for lang in ("en", "zh"):
                url = server.base + path + ("" if lang == "en" else ("&" if "?" in path else "?") + "lang=zh")
                browser.page.goto(url)
                width = browser.page.evaluate("document.documentElement.scrollWidth")
                assert width <= 375, f"{url} is {width} px wide at 375 px"
                assert browser.page.evaluate("document.documentElement.lang") == lang
