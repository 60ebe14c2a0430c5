"""The charts and the site index answer the obvious questions with the graph's own numbers.

Each test reads what a page shows from the chart's JSON data block (written next to its SVG) and compares it with
the graph, queried here with SPARQL: the % change labels, the reading of “rose by N times” the checks settle on,
the report's contradictions where they occur, the Sankey rooted at the total, and the index's headline numbers.
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ipgraph.model.prefixes import PREFIXES, sparql_prologue
from ipgraph.store.embedded import SelectResult, run_query
from ipgraph.viz.index import Obs

OBS = PREFIXES["obs"] + "shanghai-2023-"
CAT = PREFIXES["category"]


def rows(store: ox.Store, text: str) -> list[dict[str, Any]]:
    result = run_query(store, sparql_prologue() + text)
    assert isinstance(result, SelectResult)
    return result.rows


def value_of(store: ox.Store, iri: str) -> Decimal:
    found = rows(store, f"SELECT ?v WHERE {{ <{iri}> ipg:obsValue ?v }}")
    assert len(found) == 1, iri
    return Decimal(found[0]["v"].value)


def specs(page: Path) -> dict[str, dict[str, Any]]:
    """The JSON data block of every chart on a page, by chart key."""
    text = page.read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/json" class="chart-spec" id="spec-([^"]+)">(.*?)</script>', text)
    return {key: json.loads(data) for key, data in blocks}


@pytest.fixture(scope="module")
def charts_page(store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ipgraph.viz.charts import write_charts

    out = tmp_path_factory.mktemp("charts")
    write_charts(store, out, png=False)
    return out / "charts.html"


def groups(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["en"].split(" · ")[0]: g for g in spec["groups"]}


def test_stage_change_labels_are_the_report_rates(store: ox.Store, charts_page: Path) -> None:
    stages = groups(specs(charts_page)["stages-cases"])
    for name, obs in (("examination for arrest", "arrest"), ("examination for prosecution", "prosecution")):
        change = stages[name]["change"]
        assert change["source"] == "stated" and change["observation"] == f"{OBS}{obs}-examination-cases-change"
        assert Decimal(change["percent"]) == value_of(store, change["observation"])
    assert stages["examination for arrest"]["change"]["label"] == "+144.3%"  # "rose 144.3% ... and 53.2%"
    assert stages["examination for prosecution"]["change"]["label"] == "+53.2%"
    total = stages["IP-infringement criminal cases"]  # no stated rate: computed from 1,369 and the derived 790
    before, now = (Decimal(total["values"][p]["value"]) for p in ("2022", "2023"))
    assert total["change"]["source"] == "computed"
    assert Decimal(total["change"]["percent"]) == (now - before) / before * 100
    assert total["change"]["label"] == "≈+73.3%"


def test_charges_show_the_settled_reading_and_the_rejected_one(store: ox.Store, charts_page: Path) -> None:
    charges = groups(specs(charts_page)["charges"])
    interpretation = {
        r["o"].value: r["i"].value.rsplit("/", 1)[1]
        for r in rows(store, "SELECT ?o ?i WHERE { ?o a ipg:DerivedObservation ; ipg:interpretation ?i }")
    }
    verdict = {
        r["c"].value: r["v"].value
        for r in rows(store, "SELECT ?c ?v WHERE { ?c a ipg:ConsistencyCheck ; ipg:verdict ?v }")
    }
    for name, n in (("Art. 217", Decimal("1.8")), ("Art. 218", Decimal(5))):  # "rose by 1.8 times", "five times"
        g = charges[name]
        shown = g["values"]["2022"]
        (derived,) = shown["observations"]
        assert interpretation[derived] == "multiple-as-increase"  # the reading no check contradicts
        assert Decimal(shown["value"]) == value_of(store, derived)
        (rejected,) = g["alternatives"]["2022"]
        assert rejected["status"] == "rejected"
        assert interpretation[rejected["observations"][0]] == "multiple-as-factor"
        assert Decimal(rejected["value"]) == value_of(store, rejected["observations"][0])
        assert rejected["checks"] and all(
            verdict[c] == PREFIXES["verdict"] + "inconsistent" for c in rejected["checks"]
        )
        change = g["change"]
        assert change["source"] == "multiple" and change["observation"] == f"{OBS}art-{name[-3:]}-cases-change"
        assert value_of(store, change["observation"]) == n
        assert Decimal(change["percent"]) == n * 100  # became N + 1 times: up N × 100%
        assert shown["reading"]["en"] != rejected["reading"]["en"]
    assert charges["Art. 218"]["values"]["2022"]["value"] == "4"  # 24 / (5 + 1), not 4.8
    assert charges["Art. 217"]["change"]["label"] == "+180%" and charges["Art. 218"]["change"]["label"] == "+500%"
    assert charges["Art. 219"]["change"]["label"] == "+60%"  # "rose by 60% in comparison with 2022"
    page = charts_page.read_text(encoding="utf-8")
    svg = page.split('<figure id="charges">', 1)[1].split("</figure>", 1)[0]
    assert "36.84–60" not in svg and "2022: 4.8" not in svg and "4–4.8" not in svg
    assert "rejected: reading" in html.unescape(svg)


def test_shares_are_100_percent_bars_with_the_contradiction_flagged(store: ox.Store, charts_page: Path) -> None:
    spec = specs(charts_page)["shares"]
    assert spec["percent"] is True
    for period in spec["periods"]:
        total = sum(Decimal(g["values"][period]["value"]) for g in spec["groups"] if g["values"].get(period))
        assert total == 100, (period, total)
    shares = groups(spec)
    assert Decimal(shares["trademark"]["values"]["2023"]["value"]) == value_of(
        store, f"{OBS}trademark-criminal-cases-share"
    )
    assert Decimal(shares["copyright"]["values"]["2022"]["value"]) == Decimal("5.3")  # stated for 2022
    secret = shares["trade secret"]["values"]["2022"]
    part, whole = secret["observations"]
    assert secret["kind"] == "derived"
    assert Decimal(secret["value"]) == value_of(store, part) / value_of(store, whole) * 100  # 15 of 790
    assert Decimal(secret["low"]) <= Decimal(secret["value"]) <= Decimal(secret["high"])
    # "proportions of the copyright and business secret-related cases increased continuously": 1.90% -> 1.8%
    found = rows(
        store,
        "SELECT ?c ?e WHERE { ?c a ipg:ConsistencyCheck ; ipg:verdict verdict:inconsistent ; "
        "ipg:checkKind checkkind:trend-direction ; ipg:expression ?e . "
        "FILTER NOT EXISTS { ?c ipg:interpretation ?i } }",
    )
    (check,) = found
    (flag,) = spec["flags"]
    assert (flag["group"], flag["check"], flag["expression"]) == ("trade secret", check["c"].value, check["e"].value)
    assert shares["trade secret"]["flags"] == [1] and "I.2.1" in flag["sections"]
    assert "increased continuously" in flag["en"]


def test_sankey_is_rooted_at_the_total(store: ox.Store, charts_page: Path) -> None:
    spec = specs(charts_page)["sankey"]
    root = CAT + "ip-criminal"
    assert spec["root"] == root
    nodes = {n["id"]: n for n in spec["nodes"]}
    assert nodes[root]["column"] == 0 and Decimal(nodes[root]["count"]) == value_of(store, f"{OBS}ip-criminal-cases")
    out = {lk["target"]: Decimal(lk["value"]) for lk in spec["links"] if lk["source"] == root and lk["value"]}
    assert out == {
        CAT + "arrest-examination": value_of(store, f"{OBS}arrest-examination-cases"),
        CAT + "prosecution-examination": value_of(store, f"{OBS}prosecution-examination-cases"),
    }
    assert sum(out.values()) == Decimal(nodes[root]["count"])  # 425 + 944 = 1,369
    assert not [lk for lk in spec["links"] if lk["target"] == root], "nothing flows into the total"
    (flag,) = spec["flags"]  # "129 cases ... including 115 ..., 11 ..., two ... and two" adds up to 130
    assert flag["node"] == CAT + "comprehensive-performance" and flag["expression"] == "2 + 11 + 115 + 2 = 130 vs 129"


def test_charts_page_has_a_policy_and_inert_data(charts_page: Path) -> None:
    from ipgraph.viz.page_safety import csp_source

    text = charts_page.read_text(encoding="utf-8")
    css = text.split("<style>", 1)[1].split("</style>", 1)[0]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert policy and f"style-src {csp_source(css)}" in policy.group(1) and "default-src 'none'" in policy.group(1)
    assert "script-src" not in policy.group(1), "no script runs"
    for block in re.findall(r'class="chart-spec" id="[^"]+">(.*?)</script>', text):
        assert "<" not in block and "https://" not in block


def test_site_index_has_headlines_source_licence_and_labelled_cards(built: Path, tmp_path: Path) -> None:
    from ipgraph.store.embedded import open_store
    from ipgraph.viz.run import make_site

    make_site(built, tmp_path / "site")
    text = html.unescape((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    store = open_store(built)
    total = value_of(store, f"{OBS}ip-criminal-cases")
    people = value_of(store, f"{OBS}ip-criminal-perpetrators")
    headline = text.split('<div class="headline">', 1)[1].split("</section>", 1)[0]
    first = headline.split("<div>")[1]
    assert f"<b>{total:,}</b>" in first and f"{people:,} perpetrators" in first and "report: shanghai-2023" in first
    assert "IP-infringement criminal cases · Shanghai, 2023" in first
    title = rows(store, 'SELECT ?l WHERE { report:shanghai-2023 rdfs:label ?l FILTER(lang(?l) = "en") }')[0]["l"].value
    publisher = rows(
        store, 'SELECT ?l WHERE { report:shanghai-2023 dcterms:publisher/rdfs:label ?l FILTER(lang(?l) = "en") }'
    )[0]["l"].value
    assert f"<dd>{title} (shanghai-2023)</dd>" in text and publisher in text and "23 April" in text
    assert "<dt>ipgraph ontology</dt><dd>creativecommons.org/licenses/by/4.0</dd>" in text
    cards = re.findall(r'<a class="card" href="[^"]+"><b>([^<]+)</b>', text)
    assert "How the report's cases derive from one another — shanghai-2023" in cards  # a view names its report
    assert "Around “Supreme People's Procuratorate”" in cards
    ids = [c for c in cards if re.fullmatch(r"(entity: )?[a-z-]+(:[\w-]+)?", c)]
    assert not ids, f"cards titled by ids: {ids}"


def test_no_chart_mixes_two_reports(combined_store: ox.Store, tmp_path: Path) -> None:
    """Every observation a chart draws from belongs to the chart's report."""
    from ipgraph.viz.charts import write_charts

    write_charts(combined_store, tmp_path, png=False)
    report_of = {
        r["o"].value: r["r"].value.rsplit("/", 1)[1]
        for r in rows(combined_store, "SELECT ?o ?r WHERE { ?o qb:dataSet/dcterms:source ?r }")
    }
    found = specs(tmp_path / "charts.html")
    assert len({s["report"] for s in found.values()}) > 3
    for key, spec in found.items():
        assert spec["title"].startswith(spec["report"]), key
        used = [
            o
            for g in spec.get("groups", [])
            for values in [g["values"], *[{"a": a} for alts in g.get("alternatives", {}).values() for a in alts]]
            for v in values.values()
            if v
            for o in v.get("observations", [])
        ]
        used += [g["change"]["observation"] for g in spec.get("groups", []) if g.get("change", {}).get("observation")]
        assert {report_of[o] for o in used} <= {spec["report"]}, key


def _obs(iri: str, value: str, interpretation: str) -> tuple[Obs, str]:
    dims = {"measure": PREFIXES["measure"] + "count", "unit": PREFIXES["unit"] + "case"}
    return Obs(iri, True, dims, period="2022", value=Decimal(value)), PREFIXES["interpretation"] + interpretation


@pytest.mark.parametrize(
    ("rejecting", "settled"),
    [
        ({"multiple-as-factor"}, "b"),
        ({"multiple-as-increase"}, "a"),
        (set(), None),
        ({"multiple-as-factor", "multiple-as-increase"}, None),
    ],
)
def test_a_reading_is_settled_only_when_it_alone_stands(rejecting: set[str], settled: str | None) -> None:
    from ipgraph.viz.verdicts import INCONSISTENT, CheckResult, Verdicts

    (a, ia), (b, ib) = _obs("a", "58.38", "multiple-as-factor"), _obs("b", "37.51", "multiple-as-increase")
    v = Verdicts(interpretation={"a": ia, "b": ib}, sources={"a": {"s"}, "b": {"s"}})
    v.checks = [
        CheckResult(f"c-{r}", "k", INCONSISTENT, PREFIXES["interpretation"] + r, "l", "e", frozenset({"s"}))
        for r in sorted(rejecting)
    ]
    chosen, others = v.settle([a, b])
    assert (chosen.iri if chosen else None) == settled
    assert {o.iri for o, _ in others} == {"a", "b"} - {settled}
    assert all(bool(against) == (v.reading_of(o).rsplit("/", 1)[1] in rejecting) for o, against in others)


def test_a_multiple_changes_by_its_reading() -> None:
    from ipgraph.viz.bars import Value
    from ipgraph.viz.index import Index
    from ipgraph.viz.values import FACTOR, INCREASE, change_for

    multiple = Obs("m", False, {"measure": PREFIXES["measure"] + "change-multiple"}, "2023", value=Decimal("1.8"))
    as_increase = Value(Decimal("37.51"), derived=True, interpretation=INCREASE)
    as_factor = Value(Decimal("58.38"), derived=True, interpretation=FACTOR)
    now = Value(Decimal(105))
    assert change_for(Index(), [multiple], as_increase, now).percent == 180  # type: ignore[union-attr]
    assert change_for(Index(), [multiple], as_factor, now).percent == 80  # type: ignore[union-attr]
    assert change_for(Index(), [multiple], None, now) is None  # no settled reading: no change shown
