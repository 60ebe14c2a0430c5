"""``ipgraph viz`` without a browser: the views hold what the report says, the pages are self-contained and
escaped, the charts mark derived values. (The browser tests are in test_viz_browser.py.)

Figures checked against the report are read off data/sources/shanghai-ip-white-paper-2023.en.txt.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph.cli import main
from ipgraph.model.prefixes import PREFIXES
from ipgraph.viz.charts import BarChart, Group, SankeyLink, SankeyNode, Value, bar_chart_svg, sankey_layout
from ipgraph.viz.index import Index, load_index
from ipgraph.viz.layout import apply_layout, remove_overlaps
from ipgraph.viz.model import Edge, Node, View
from ipgraph.viz.page import render_page, to_json
from ipgraph.viz.views import VIEWS, build_view

CAT = PREFIXES["category"]
URL = re.compile(r"(?i)https?://")
XSS = Path(__file__).parent / "examples" / "viz"
XSS_LABEL = "<script>window.__xss=4</script><b>bold</b> office"


def build_xss(tmp: Path) -> Path:
    """Build a tiny report whose labels, definition and quote carry script and HTML payloads."""
    from ipgraph.store.build import build

    from .conftest import ONTOLOGY

    (tmp / "data" / "sources").mkdir(parents=True)
    (tmp / "data" / "reports" / "xss").mkdir(parents=True)
    shutil.copy(XSS / "xss-source.txt", tmp / "data" / "sources" / "xss.txt")
    shutil.copy(XSS / "xss-report.yaml", tmp / "data" / "reports" / "xss" / "report.yaml")
    out = tmp / "build"
    build(tmp / "data", out, ONTOLOGY, validate=False)
    return out


@pytest.fixture(scope="module")
def index(store: ox.Store) -> Index:
    return load_index(store)


# ------------------------------------------------------------------------------------------------ the views


@pytest.mark.parametrize("name", [v for v in VIEWS if v != "entity"])
def test_every_view_has_nodes_and_lays_out(name: str, store: ox.Store, index: Index) -> None:
    view = build_view(store, name, index=index)
    assert view.nodes, f"the {name} view is empty"
    assert view.kinds, "a legend"
    assert {n.kind for n in view.nodes.values()} <= set(view.kinds)
    apply_layout(view)
    xs = {round(n.x) for n in view.nodes.values()}
    assert len(xs) > 1, "nodes are spread out"


def test_derivation_view_carries_the_report_counts(store: ox.Store, index: Index) -> None:
    view = build_view(store, "derivation", index=index)
    nodes = view.nodes
    # "took cognizance of 1,369 IP-infringement criminal cases"
    assert nodes[CAT + "ip-criminal"].count == 1369
    edges = {(e.source, e.target): e for e in view.edges}
    # "decided on nolle prosequi in 153 cases"
    assert edges[(CAT + "prosecution-examination", CAT + "non-prosecution")].value == 153
    # "115 cases reversely transferred to administrative authorities for punishment after nolle prosequi"
    assert edges[(CAT + "non-prosecution", CAT + "reverse-transfer")].value == 115
    # "11 cases of incidental civil actions"
    assert edges[(CAT + "prosecution-examination", CAT + "incidental-civil-action")].value == 11
    # "14 cases were convicted out of the 16 cases registered"
    assert edges[(CAT + "pil-clue", CAT + "pil-registered")].value == 16
    assert edges[(CAT + "pil-registered", CAT + "pil-concluded")].value == 14
    # "126 criminally derivative cases", "two civilly derivative", "one administratively derivative"
    bd = PREFIXES["breakdown"]
    into = CAT + "comprehensive-performance"
    assert edges[(bd + "derived-from-criminal", into)].value == 126
    assert edges[(bd + "derived-from-civil", into)].value == 2
    assert edges[(bd + "derived-from-administrative", into)].value == 1
    # "13 cases where the clues were found out by the procuratorates in the process of handling, two provided
    # by the news media ... and three complained"
    clues = {e.source.rsplit("/", 1)[1]: e.value for e in view.edges if e.target == CAT + "pil-clue" and e.value}
    assert clues == {"clue-source-case-handling": 13, "clue-source-media": 2, "clue-source-complaint": 3}
    assert all(e.show_label for e in view.edges), "the counts are drawn on the edges"
    quoted = edges[(CAT + "non-prosecution", CAT + "reverse-transfer")].quotes
    assert any("115 cases reversely transferred" in q.text for q in quoted), "the edge's source sentence"


def test_derivation_view_runs_left_to_right_from_the_total(store: ox.Store, index: Index) -> None:
    """The total (1,369 IP-infringement criminal cases) alone in column 0, its parts (425 + 944) in column 1, what
    derives from them after; every edge goes to a later column, and the columns run left to right."""
    view = build_view(store, "derivation", index=index)
    apply_layout(view)
    levels = view.meta["levels"]
    total = CAT + "ip-criminal"
    assert view.meta["root"] == total
    assert [k for k, lv in levels.items() if lv == 0] == [total]
    parts = {e.target for e in view.edges if e.source == total and e.note == "component"}
    assert parts == {CAT + "arrest-examination", CAT + "prosecution-examination"}
    assert {levels[p] for p in parts} == {1}
    assert {e.value for e in view.edges if e.source == total and e.note == "component"} == {425, 944}
    assert levels[CAT + "non-prosecution"] == 2 and levels[CAT + "reverse-transfer"] == 3
    assert levels[CAT + "comprehensive-performance"] > levels[CAT + "reverse-transfer"]
    for e in view.edges:
        assert levels[e.source] < levels[e.target], (e.source, e.target)
        assert view.nodes[e.source].x < view.nodes[e.target].x
    assert view.nodes[total].x == min(n.x for n in view.nodes.values())
    page = render_page(view, "en")
    data = json.loads(page.split('id="viz-data">', 1)[1].split("</script>", 1)[0])
    assert (data["layout"], [n["c"] for n in data["nodes"] if n.get("root")]) == ("layered", ["category:ip-criminal"])


@pytest.mark.parametrize("name", ["derivation", "charges"])
def test_change_on_nodes_is_the_graphs(name: str, store: ox.Store, index: Index) -> None:
    """A node's "▲ 12.3%" is the change rate the report states for its figure, or else (within rounding to one
    decimal) the change `ipgraph trends` computes from the figure of the year before; never another number."""
    from ipgraph.query.trends import trends_rows

    view = build_view(store, name, index=index)
    rows = trends_rows(store, "shanghai-2023")
    stated = {o.value for o in index.observations if o.dims.get("measure", "").endswith("/change-rate") and o.value}
    multiples = {
        o.value for o in index.observations if o.dims.get("measure", "").endswith("/change-multiple") and o.value
    }
    changed = [n for n in view.nodes.values() if n.change is not None]
    assert changed, "some figure has a change on the year before"
    for n in changed:
        assert n.count is not None and n.change_text == change_arrow_text(Decimal(str(n.change)), n.change_note)
        named = n.en.split(" · ")[-1]
        mine = [
            Decimal(r["change_percent"])
            for r in rows
            if r["period"] == "2023" and Decimal(r["value"]) == Decimal(str(n.count)) and named in r["indicator"]
        ]
        assert mine, f"ipgraph trends has no change for {n.en}"
        change = Decimal(str(n.change))
        # within the rounding of what the report states: a rate to 0.1 point, "rose by 1.8 times" to 5 points
        within = Decimal("0.06")
        if "as the report states it" in n.change_note:
            assert change in stated
        elif "rose by N times" in n.change_note:  # N × 100 (×(N+1)) or (N − 1) × 100 (×N): the settled reading
            assert any(change in (m * 100, (m - 1) * 100) for m in multiples), (n.en, change, multiples)
            within = Decimal(5)
        assert any(abs(change - c) < within for c in mine), (n.en, change, mine)
    if name == "derivation":  # "1,369" (2023) against 790 derived for 2022 (425 + 944 against 174 + 616)
        total = view.nodes[CAT + "ip-criminal"]
        assert total.change_text == "▲ ≈73.3%" and "computed" in total.change_note
        assert view.nodes[CAT + "arrest-examination"].change_text == "▲ 144.3%"  # "up 144.3%"
        page = render_page(view, "zh")
        data = json.loads(page.split('id="viz-data">', 1)[1].split("</script>", 1)[0])
        shown = {n["c"]: n.get("ch") for n in data["nodes"]}
        assert shown["category:ip-criminal"] == "▲ ≈73.3%" and shown["category:non-prosecution"] is None


def change_arrow_text(percent: Decimal, note: str) -> str:
    """The label a change should have: arrow, ≈ and one decimal when computed, else the stated number."""
    arrow = "▲" if percent > 0 else "▼" if percent < 0 else "="
    if "computed" in note:
        return f"{arrow} ≈{abs(percent).quantize(Decimal('0.1')):,}%"
    return f"{arrow} {abs(percent).normalize():f}%"


def test_charges_view_has_articles_figures_and_cases(store: ox.Store, index: Index) -> None:
    view = build_view(store, "charges", index=index)
    art214 = view.nodes[PREFIXES["charge"] + "art-214-selling-counterfeit-trademark-goods"]
    assert art214.en.startswith("Art. 214")
    assert art214.count == 873  # "873 cases of selling commodity with counterfeit registered trademarks"
    assert any(f.startswith("1,579 perpetrators") for f in art214.figures)
    trademark = view.nodes[PREFIXES["right"] + "trademark"]
    assert any("88.8%" in f for f in trademark.figures)  # "its proportion further dropped to 88.8%"
    assert {"case", "casegroup", "product", "law"} <= set(view.kind_counts())


def test_institutions_view_has_the_supreme_procuratorate(store: ox.Store, index: Index) -> None:
    view = build_view(store, "institutions", index=index)
    spp = view.nodes[PREFIXES["inst"] + "supreme-peoples-procuratorate"]
    assert (spp.en, spp.zh, spp.kind) == ("Supreme People's Procuratorate", "最高人民检察院", "procuratorate")
    assert spp.quotes, "a source quote for the tooltip"


@pytest.mark.parametrize(
    "term", ["Supreme People's Procuratorate", "最高人民检察院", "inst:supreme-peoples-procuratorate"]
)
def test_entity_view_resolves_like_describe(term: str, store: ox.Store, index: Index) -> None:
    view = build_view(store, "entity", focus=term, depth=1, index=index)
    focus = [n for n in view.nodes.values() if n.focus]
    assert [n.id for n in focus] == [PREFIXES["inst"] + "supreme-peoples-procuratorate"]
    deeper = build_view(store, "entity", focus=term, depth=2, index=index)
    assert len(deeper.nodes) > len(view.nodes)


def test_all_view_hides_low_information_nodes(store: ox.Store, index: Index) -> None:
    view = build_view(store, "all", index=index)
    detail = {k for k, kind in view.kinds.items() if kind.detail}
    assert {"quote", "literal", "selector"} <= detail
    shown = [n for n in view.nodes.values() if n.kind not in detail]
    assert 0 < len(shown) < len(view.nodes)
    data = json.loads(render_page(view).split('id="viz-data">', 1)[1].split("</script>", 1)[0])
    assert data["showDetails"] is False
    assert {k["key"] for k in data["kinds"] if k["detail"]} == detail


@pytest.mark.parametrize("name", ["derivation", "charges", "institutions", "ontology"])
def test_kinds_that_share_a_view_have_distinct_colours(name: str, store: ox.Store, index: Index) -> None:
    from ipgraph.viz.kinds import colour_distance

    kinds = list(build_view(store, name, index=index).kinds.values())
    close = [
        (a.key, b.key, round(colour_distance(a.colour, b.colour)))
        for i, a in enumerate(kinds)
        for b in kinds[i + 1 :]
        if colour_distance(a.colour, b.colour) < 20
    ]
    assert close == [], "kinds of one view drawn in colours a reader cannot tell apart"


def test_kinds_of_one_shape_have_distinct_colours() -> None:
    """In the whole graph every kind meets every other: those drawn with the same shape differ in colour."""
    from ipgraph.viz.kinds import KINDS, colour_distance

    kinds = [k for k in KINDS.values() if not k.detail]
    close = [
        (a.key, b.key)
        for i, a in enumerate(kinds)
        for b in kinds[i + 1 :]
        if a.shape == b.shape and colour_distance(a.colour, b.colour) < 20
    ]
    assert close == []


def test_box_views_show_boxes_in_the_legend(store: ox.Store, index: Index) -> None:
    view = build_view(store, "ontology", index=index)
    apply_layout(view)
    data = json.loads(render_page(view).split('id="viz-data">', 1)[1].split("</script>", 1)[0])
    assert data["shape"] == "box"
    assert {k["shape"] for k in data["kinds"]} == {"box"}, "every node is drawn as a box, so is every swatch"


def test_a_node_leads_with_its_headline_figure_and_its_sentence(store: ox.Store, index: Index) -> None:
    view = build_view(store, "charges", index=index)
    art217 = view.nodes[PREFIXES["charge"] + "art-217-copyright-infringement"]
    assert art217.lead_figure == "105 cases (2023)"
    assert art217.count_text == "105 cases" and art217.count_zh.startswith("105 ")
    assert art217.lead_figure not in art217.figures, "shown once"
    derived = [f for f in art217.figures if "derived" in f]
    assert derived and art217.figures.index(derived[0]) > art217.figures.index("261 perpetrators (2023)")
    assert all(not re.search(r"\d\.\d{3}", f) for f in art217.figures), f"bounds rounded: {derived}"
    assert derived[0].startswith("≈"), "the value first, how it was derived after"
    assert art217.quotes and "105" in art217.quotes[0].text, "the sentence of the headline figure first"
    texts = [q.text for q in art217.quotes]
    assert len(texts) == len(set(texts))


def test_edge_quotes_are_not_repeated(store: ox.Store, index: Index) -> None:
    view = build_view(store, "derivation", index=index)
    for e in view.edges:
        texts = [q.text for q in e.quotes]
        assert len(texts) == len(set(texts)), f"{e.source} → {e.target} quotes a sentence twice"


# ------------------------------------------------------------------------------------------------ the page


def test_json_is_inert_inside_a_script_element() -> None:
    text = to_json({"a": "</script><script>alert(1)</script>", "b": "<!-- & \u2028", "c": "https://x"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert not URL.search(text)
    assert json.loads(text)["a"] == "</script><script>alert(1)</script>"


def _small_view() -> View:
    v = View("t", "Title <i>x</i>", "Desc & <b>")
    v.add_node(Node("a", "Shanghai", "上海", "place"))
    v.add_node(Node("b", "https://example.org/ <script>", "中", "other"))
    v.add_edge(Edge("a", "b", "rel"))
    from ipgraph.viz.kinds import KINDS

    v.kinds = {k: KINDS[k] for k in ("place", "other")}
    apply_layout(v)
    return v


def test_page_is_self_contained_and_escaped() -> None:
    text = render_page(_small_view())
    assert not URL.search(text), "no http(s):// anywhere in the file"
    assert "Title &lt;i&gt;x&lt;/i&gt;" in text and "Desc &amp; &lt;b&gt;" in text
    assert re.findall(r"<script\b[^>]*\bsrc=", text) == [] and re.findall(r"<link\b", text) == []
    data = text.split('id="viz-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert json.loads(data)["nodes"][1]["en"] == "https://example.org/ <script>"


def test_page_languages() -> None:
    v = _small_view()
    for lang in ("en", "zh", "both"):
        assert f'"lang":"{lang}"' in render_page(v, lang)
    with pytest.raises(ValueError):
        render_page(v, "fr")


def test_page_words_follow_the_language() -> None:
    from ipgraph.viz.ui_text import UI, ui_strings

    assert all(set(ui_strings(lang)) == set(UI) for lang in ("en", "zh", "both"))
    zh = render_page(_small_view(), "zh")
    assert '<html lang="zh-Hans">' in zh and "@UI:" not in zh
    panel = zh.split("<aside>", 1)[1].split("</aside>", 1)[0]  # (the title and description are the view's own)
    assert not re.search(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>|English", "", panel)), panel
    assert "适应屏幕" in zh and "fit to screen" not in zh
    en = render_page(_small_view(), "en")
    assert "fit to screen" in en and "适应屏幕" not in en


def test_chinese_site_navigation(store: ox.Store) -> None:
    from ipgraph.viz.run import NAV_ZH, SITE_ENTITIES, SITE_VIEWS, _labels

    assert set(NAV_ZH) == set(SITE_VIEWS)
    assert _labels(store, list(SITE_ENTITIES), "zh")["inst:supreme-peoples-procuratorate"] == "最高人民检察院"
    assert _labels(store, list(SITE_ENTITIES))["inst:supreme-peoples-procuratorate"] == "Supreme People's Procuratorate"


@pytest.mark.parametrize("name", [v for v in VIEWS if v != "entity"])
def test_every_view_has_a_chinese_title(name: str, store: ox.Store, index: Index) -> None:
    view = build_view(store, name, index=index)
    assert view.title_zh and view.description_zh
    assert not re.search(r"[A-Za-z]", view.title_zh + view.description_zh)


def test_overlaps_are_removed() -> None:
    v = View("t", "", "")
    for i in range(30):
        v.add_node(Node(str(i), f"a rather long label number {i}", "标签", "place", x=0.0, y=float(i)))
    assert remove_overlaps(v, list(v.nodes)) == 0


def test_xss_payloads_stay_data(tmp_path: Path) -> None:
    from ipgraph.store.embedded import open_store

    store = open_store(build_xss(tmp_path))
    view = build_view(store, "all")
    apply_layout(view)
    text = render_page(view)
    office = view.nodes[PREFIXES["inst"] + "xss-office"]
    assert office.en == XSS_LABEL
    body = text.split("<body>", 1)[1]
    assert "window.__xss" not in body.split('id="viz-data">', 1)[0]
    for raw in (
        "<img src=x onerror",
        "<svg onload",
        "<iframe src=javascript",
        "<b>bold</b>",
        "<a href=javascript",
    ):
        assert raw not in text, f"{raw!r} reached the page unescaped"
    assert not URL.search(text)


# ------------------------------------------------------------------------------------------------ charts


def test_bar_chart_marks_derived_values() -> None:
    chart = BarChart(
        "t",
        "Title",
        "标题",
        "cases",
        ("2022", "2023"),
        [
            Group("stated", "报告", {"2022": Value(Decimal(10)), "2023": Value(Decimal(20))}),
            Group(
                "<derived>",
                "推算",
                {
                    "2022": Value(Decimal(7), True, Decimal(6), Decimal(8), "derived"),
                    "2023": Value(Decimal(9)),
                },
            ),
            Group("missing", "缺", {"2022": None, "2023": Value(Decimal(3))}),
        ],
    )
    svg = bar_chart_svg(chart)
    assert not URL.search(svg), "inline SVG carries no namespace URL"
    assert svg.count('fill="url(#hatch-t)"') == 2, "the derived bar and its legend swatch are hatched"
    assert "≈7 (derived: 6–8)" in svg
    assert "not stated" in svg
    assert "&lt;derived&gt;" in svg and "<derived>" not in svg
    assert bar_chart_svg(chart, standalone=True).startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_sankey_bands_add_up() -> None:
    nodes = {k: SankeyNode(k, k, "", "#000", None) for k in ("a", "b", "c", "d")}
    links = [
        SankeyLink("a", "b", Decimal(100)),
        SankeyLink("b", "c", Decimal(60)),
        SankeyLink("b", "d", Decimal(40)),
    ]
    px = sankey_layout(nodes, links, height=200, pad=0)
    assert nodes["b"].height == pytest.approx(100 * px)
    assert nodes["c"].height + nodes["d"].height == pytest.approx(nodes["b"].height)
    assert nodes["c"].column == nodes["d"].column == 2


def test_charts_use_the_report_and_derived_values(store: ox.Store, index: Index) -> None:
    from ipgraph.viz.charts import share_chart, stage_chart

    stages = {g.en: g for g in stage_chart(index).groups}
    assert stages["examination for arrest"].values["2023"].value == 425  # type: ignore[union-attr]
    assert stages["examination for prosecution"].values["2023"].value == 944  # type: ignore[union-attr]
    prior = stages["examination for arrest"].values["2022"]
    if prior is not None:  # the report states no 2022 count: a 2022 bar can only be derived
        assert prior.derived and prior.low is not None and prior.low <= prior.value <= (prior.high or prior.value)
    shares = {g.en: g for g in share_chart(index).groups}
    assert shares["trademark"].values["2023"].value == Decimal("88.8")  # type: ignore[union-attr]
    assert shares["copyright"].values["2022"].value == Decimal("5.3")  # type: ignore[union-attr]
    assert not shares["copyright"].values["2022"].derived  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------------------ the verb


def test_viz_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", "--list"]) == 0
    out = capsys.readouterr().out
    for name in (*VIEWS, "charts", "site"):
        assert name in out


def test_viz_writes_a_page(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.html"
    assert main(["viz", "derivation", "--build", str(built), "-o", str(out), "--lang", "zh"]) == 0
    text = out.read_text(encoding="utf-8")
    assert not URL.search(text)
    data = json.loads(text.split('id="viz-data">', 1)[1].split("</script>", 1)[0])
    assert data["lang"] == "zh"
    assert "不起诉" in {n["zh"] for n in data["nodes"]}
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["viz", "entity"], "--focus"),
        (["viz", "entity", "--focus", "no such thing at all"], "nothing in the graph is called"),
        (["viz", "entity", "--focus", "上海市人民检察院", "--depth", "0"], "--depth"),
        (["viz", "charges", "--focus", "x"], "--focus is for the entity view"),
        (["viz"], "give a VIEW"),
    ],
)
def test_viz_input_errors(args: list[str], message: str, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "--build", str(built)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_viz_without_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", "all", "--build", str(tmp_path / "nothing")]) == 2
    assert "run `ipgraph build` first" in capsys.readouterr().err


def test_a_view_shows_one_reports_figures(built: Path, combined: Path, tmp_path: Path) -> None:
    """With several reports in the graph a view takes one report's figures (the largest by default, or --report):
    the seed's derivation view is the same alone and among the test reports; another report gives its own."""

    def counts(build: Path, *extra: str) -> dict[str, str]:
        out = tmp_path / f"v{len(list(tmp_path.iterdir()))}.html"
        assert main(["viz", "derivation", "--build", str(build), "-o", str(out), *extra]) == 0
        text = out.read_text(encoding="utf-8")
        data = json.loads(text.split('id="viz-data">', 1)[1].split("</script>", 1)[0])
        return {n.get("c", ""): n.get("n", "") for n in data["nodes"]}

    alone = counts(built)
    assert counts(combined) == alone
    assert counts(combined, "--report", "shanghai-2023") == alone
    national = counts(combined, "--report", "invented-national-2021-2023")
    assert national.get("category:ip-criminal") != alone.get("category:ip-criminal")
    assert main(["viz", "derivation", "--build", str(combined), "-o", str(tmp_path / "x.html"), "--report", "x"]) == 2


@pytest.fixture(scope="module")
def combined_index(combined_store: ox.Store) -> Index:
    return load_index(combined_store)


@pytest.mark.parametrize("name", ["derivation", "charges", "institutions", "all"])
def test_a_view_shows_one_reports_entities(name: str, combined_store: ox.Store, combined_index: Index) -> None:
    """With every test report in the graph, a view of one report holds its own entities and the shared ones it uses,
    never another report's: no other report's figure, quote, data set or report node, no Shanghai case group in an
    invented report's view, and every sentence shown is the report's own."""
    from ipgraph.viz.views import reports_of

    reports = sorted(reports_of(combined_index))
    assert len(reports) >= 8 and "shanghai-2023" in reports
    seed_only = {"case", "casegroup", "product", "technology", "industry"}  # the test reports name none of them
    for report in reports:
        view = build_view(combined_store, name, report=report, index=combined_index)
        others = [r for r in reports if r != report]
        for iri, node in view.nodes.items():
            if "/check/" not in iri:  # a check comparing two reports' figures is about both
                assert not [o for o in others if f"/{o}" in iri], (report, iri)
            assert report == "shanghai-2023" or node.kind not in seed_only, (report, iri)
            assert {q.report for q in node.quotes} <= {"", report}, (report, iri)
        assert all({q.report for q in e.quotes} <= {"", report} for e in view.edges), report
        if name == "institutions" and report == "invented-yunlan-2023":
            assert {n.curie for n in view.nodes.values()} == {
                "inst:invented-yunlan-procuratorate",
                "place:invented-fixture-yunlan-district",
                "place:china",  # "... of the People's Republic of China": shared, and its quotes name it
                "report:invented-yunlan-2023",
            }
        if name == "institutions" and report == "shanghai-2023":
            assert PREFIXES["inst"] + "supreme-peoples-procuratorate" in view.nodes


def test_the_seeds_views_are_the_same_among_other_reports(store: ox.Store, combined_store: ox.Store) -> None:
    """The seed's views hold the same nodes built alone and among the test reports (bar the checks that compare
    its figures with another report's)."""
    for name in ("derivation", "charges", "institutions", "all"):
        alone = set(build_view(store, name).nodes)
        among = set(build_view(combined_store, name, report="shanghai-2023").nodes)
        assert alone <= among, name
        assert {k for k in among - alone if "/check" not in k and not k.startswith("literal:")} == set(), name
