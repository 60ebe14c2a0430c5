"""Editions: one report known from several texts; a figure stated in two of them is one observation with a quote in
each, proven in each text, and a disagreement between the texts is a check, not a second figure.

The bilingual report is ``tests/fixtures/reports/invented-yunlan-2023`` (invented, English source text and Chinese
edition); its editions disagree on one change rate on purpose (57.56% in English, 57.65% in Chinese).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph.cli import main
from ipgraph.errors import InputError
from ipgraph.reading.facts import load_report
from ipgraph.store.embedded import SelectResult, run_query

from .conftest import DATA, FIXTURES, ONTOLOGY

REPORT = "invented-yunlan-2023"
OBS = "https://w3id.org/ipgraph/id/obs/"
SOURCE = "https://w3id.org/ipgraph/id/source/"


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = run_query(store, query)
    assert isinstance(result, SelectResult)
    return [{k: v.value for k, v in row.items() if v is not None} for row in result.rows]


def test_the_report_lists_its_edition() -> None:
    report = load_report(FIXTURES / "reports" / REPORT)
    assert report.language == "en"
    [zh] = report.texts
    assert (zh.id, zh.language, zh.kind) == ("zh", "zh-Hans", "edition")
    assert report.text_key("zh") == f"{REPORT}.zh"
    quotes = [q for b in report.blocks for q in b.quotes]
    assert {q.text_id for q in quotes} == {None, "zh"}


def test_one_figure_has_a_quote_in_each_edition_at_its_offsets(combined_store: ox.Store) -> None:
    rows = _rows(
        combined_store,
        f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?src ?exact ?start ?end WHERE {{
          <{OBS}{REPORT}-ip-criminal-cases> prov:wasDerivedFrom ?q .
          ?q oa:hasSource ?src ; oa:hasSelector/oa:exact ?exact ; oa:hasSelector/oa:start ?start ;
             oa:hasSelector/oa:end ?end }}""",
    )
    by_text = {r["src"].removeprefix(SOURCE): r for r in rows}
    assert set(by_text) == {REPORT, f"{REPORT}.zh"}
    for key, name in ((REPORT, f"{REPORT}.en.txt"), (f"{REPORT}.zh", f"{REPORT}.zh-hans.txt")):
        text = (FIXTURES / "sources" / name).read_text(encoding="utf-8")
        row = by_text[key]
        assert text[int(row["start"]) : int(row["end"])] == row["exact"]  # offsets in characters, in its own text
    assert "134件251人" in by_text[f"{REPORT}.zh"]["exact"]


def test_the_edition_is_a_version_of_the_source_text_in_its_language(combined_store: ox.Store) -> None:
    rows = _rows(
        combined_store,
        f"""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?of ?lang ?title WHERE {{
          <{SOURCE}{REPORT}.zh> dcterms:isVersionOf ?of ; dcterms:language ?lang ; dcterms:title ?title }}""",
    )
    assert rows == [
        {"of": f"{SOURCE}{REPORT}", "lang": "zh-Hans", "title": "虚构的云澜区知识产权检察工作报告（2023年，中文版）"}
    ]


def test_the_editions_disagreement_is_a_check_and_agreement_too(combined_store: ox.Store) -> None:
    rows = _rows(
        combined_store,
        """PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
        SELECT ?obs ?verdict ?expr WHERE {
          ?c ipg:checkKind <https://w3id.org/ipgraph/id/checkkind/editions-agree> ;
             ipg:checksObservation ?obs ; ipg:verdict ?verdict ; ipg:expression ?expr }""",
    )
    verdicts = {r["obs"].removeprefix(OBS + REPORT + "-"): r["verdict"].rsplit("/", 1)[1] for r in rows}
    assert verdicts == {
        "ip-criminal-cases": "consistent",
        "ip-criminal-perpetrators": "consistent",
        "ip-criminal-cases-change": "inconsistent",
        "civil-supervision-cases": "consistent",
    }
    [bad] = [r["expr"] for r in rows if r["obs"].endswith("-change")]
    assert bad == "57.65 in the source text and the zh text; but the source text writes 57.56"


def test_check_prints_the_disagreement_with_both_quotes(combined: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--build", str(combined)])
    out = capsys.readouterr().out
    block = out[out.index("INCONSISTENT [editions-agree]") :].split("\n  INCONSISTENT", 1)[0]
    assert "the source text writes 57.56" in block
    assert "同比上升57.65%" in block and "up 57.56% on the year before" in block


def test_coverage_covers_every_number_of_both_editions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--no-bundled", "--data", str(DATA), "--data", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert f"{REPORT}: 6 numbers, 6 covered" in out
    assert f"{REPORT} (zh): 6 numbers, 6 covered" in out


def test_describe_shows_the_quote_in_the_readers_language(combined: Path, capsys: pytest.CaptureFixture[str]) -> None:
    term = f"obs:{REPORT}-ip-criminal-cases"
    assert main(["describe", term, "--build", str(combined), "--lang", "zh", "--wide"]) == 0
    zh = capsys.readouterr().out
    assert "134件251人" in zh and "134 IP-infringement" not in zh
    assert main(["describe", term, "--build", str(combined), "--wide"]) == 0
    en = capsys.readouterr().out
    assert "134 IP-infringement" in en


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "reports" / REPORT, data / "reports" / REPORT)
    shutil.copytree(FIXTURES / "sources", data / "sources")
    shutil.copytree(DATA / "shared", data / "shared")
    return data


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('{in: zh, text: "全年受理', '{in: ja, text: "全年受理', "a quote 'in' text 'ja', which report.yaml does not"),
        ("案件9件。", "案件10件。", "quote not found in invented-yunlan-2023.zh-hans.txt"),
        ("  - id: zh\n", "  - id: zh\n    bogus: 1\n", "unknown key 'bogus'"),
        ("    kind: edition\n", "    kind: translation\n", "kind"),
        ("value: 9}", "value: 8}", "is not written in"),
    ],
    ids=["unknown-text", "not-in-the-edition", "unknown-key", "unknown-kind", "value-in-neither"],
)
def test_a_bad_edition_is_one_line_with_its_file(tmp_path: Path, old: str, new: str, problem: str) -> None:
    from ipgraph.model.dataset import assemble

    data = _copy(tmp_path)
    report = data / "reports" / REPORT / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert old in text
    report.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        assemble([data], ONTOLOGY)
    assert problem in str(info.value) and "\n" not in str(info.value)
    assert str(info.value.path).endswith("report.yaml")


def test_a_missing_edition_text_is_an_error_naming_it(tmp_path: Path) -> None:
    from ipgraph.model.dataset import assemble

    data = _copy(tmp_path)
    (data / "sources" / f"{REPORT}.zh-hans.txt").unlink()
    with pytest.raises(InputError, match=r"zh-hans\.txt"):
        assemble([data], ONTOLOGY)


def test_a_news_item_is_related_to_the_report_not_a_version_of_it(tmp_path: Path) -> None:
    from rdflib import URIRef

    from ipgraph.model.dataset import assemble
    from ipgraph.model.graph import GRAPH_PROVENANCE

    data = _copy(tmp_path)
    report = data / "reports" / REPORT / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("kind: edition", "kind: news"), encoding="utf-8")
    prov = assemble([data], ONTOLOGY).dataset.graph(GRAPH_PROVENANCE)
    text = URIRef(f"{SOURCE}{REPORT}.zh")
    dcterms = "http://purl.org/dc/terms/"
    assert (text, URIRef(dcterms + "relation"), URIRef(f"https://w3id.org/ipgraph/id/report/{REPORT}")) in prov
    assert not list(prov.objects(text, URIRef(dcterms + "isVersionOf")))


def test_a_view_shows_the_quote_in_the_readers_language(combined: Path, tmp_path: Path) -> None:
    """Around the bilingual report's procuratorate, a zh view's tooltips quote the Chinese edition only."""
    pages = {}
    for lang in ("zh", "en"):
        out = tmp_path / f"{lang}.html"
        focus = ["--focus", "inst:invented-yunlan-procuratorate", "--depth", "2"]
        assert main(["viz", "entity", *focus, "--build", str(combined), "-o", str(out), "--lang", lang]) == 0
        text = out.read_text(encoding="utf-8")
        data = json.loads(text.split('id="viz-data">', 1)[1].split("</script>", 1)[0])
        [figure] = [n for n in data["nodes"] if n.get("c") == f"obs:{REPORT}-ip-criminal-cases"]
        pages[lang] = " ".join(q[0] for q in figure["q"])
    assert "134件251人" in pages["zh"] and "134 IP-infringement" not in pages["zh"]
    assert "134 IP-infringement criminal cases involving 251" in pages["en"] and "134件251人" not in pages["en"]
