"""Two invented Chinese reports, one in simplified and one in traditional characters, build with proven quotes.

Their texts (tests/fixtures/sources/invented-*.zh-han?.txt) are invented for these tests; every figure is made up.
The expected numbers below were counted by hand from the texts, not taken from the reader.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, URIRef

from ipgraph.cli import main

from .conftest import DATA, ONTOLOGY, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
ZH_REPORTS = {
    "invented-qinghu-2024": "invented-qinghu-2024.zh-hans.txt",
    "invented-lanshan-2024": "invented-lanshan-2024.zh-hant.txt",
}
OA = "http://www.w3.org/ns/oa#"


def zh_data(folder: Path) -> Path:
    """A data folder with the real report (its entities: place:shanghai …) and the two Chinese reports."""
    data = folder / "data"
    shutil.copytree(DATA, data)
    for rid, source in ZH_REPORTS.items():
        shutil.copytree(FIXTURES / "reports" / rid, data / "reports" / rid)
        shutil.copy(FIXTURES / "sources" / source, data / "sources" / source)
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zh_data(tmp_path_factory.mktemp("zh"))


@pytest.fixture(scope="module")
def result(data: Path):  # type: ignore[no-untyped-def]
    from ipgraph.store.build import assemble

    return assemble([data], ONTOLOGY)


def test_both_reports_build(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--no-validate"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert (tmp_path / "out").is_dir()


@pytest.mark.parametrize(
    ("rid", "quote", "section"),
    [
        ("invented-qinghu-2024", "假冒注册商标罪案件数位居第一，占全部案件的近9成。", "I.1.2"),
        ("invented-qinghu-2024", "全年受理民事监督案件二十余件，提出再审检察建议两件。", "I.2.1"),
        ("invented-qinghu-2024", "二是提升质效，审查起诉平均用时５６．５天，较上年缩短超过两成。", "II.p1"),
        (
            "invented-lanshan-2024",
            "2024年，本院受理侵犯知識產權犯罪案件二百一十件四百零五人，同比下降８．７％。",
            "I.1.1",
        ),
        ("invented-lanshan-2024", "全年受理民事監督案件逾百件，其中涉及商標權的約40件。", "I.2.p1"),
    ],
)
def test_quotes_resolve_verbatim_to_their_chinese_section(result, rid: str, quote: str, section: str) -> None:  # type: ignore[no-untyped-def]
    from ipgraph.model.graph import GRAPH_PROVENANCE
    from ipgraph.model.namespace import IPG

    source = result.sources[rid]
    text = source.text
    prov = result.dataset.graph(GRAPH_PROVENANCE)
    found = []
    for q in prov.subjects(RDF.type, IPG.SourceQuote):
        if f"/quote/{rid}-" not in str(q):
            continue
        sels = list(prov.objects(q, URIRef(OA + "hasSelector")))
        exact = next(
            (str(prov.value(s, URIRef(OA + "exact"))) for s in sels if prov.value(s, URIRef(OA + "exact"))), ""
        )
        if exact == quote:
            start = next(int(prov.value(s, URIRef(OA + "start"))) for s in sels if prov.value(s, URIRef(OA + "start")))
            found.append(start)
    assert len(found) == 1, f"quote not recorded: {quote}"
    start = found[0]
    assert text[start : start + len(quote)] == quote, "offsets count characters"
    assert source.section_at(start).number == section


def test_coverage_reports_every_number_a_reader_sees(result) -> None:  # type: ignore[no-untyped-def]
    from ipgraph.checks.coverage import report_coverage

    # counted by hand, heading numbers (一、 （一） 1． 第一部分 一是) left out as paragraph numbering is
    hand_counts = {"invented-qinghu-2024": 23, "invented-lanshan-2024": 13}
    for rid, count in hand_counts.items():
        cov = report_coverage(result.reports[rid], result.sources[rid], result.quote_spans.get(rid, []))
        assert (cov.total, cov.covered, cov.uncovered) == (count, count, [])


def test_coverage_names_an_uncovered_chinese_number(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    report = copy / "reports" / "invented-lanshan-2024" / "report.yaml"
    text = report.read_text(encoding="utf-8")
    block = text[text.index('  - quote: "全年受理民事監督案件') : text.index('  - quote: "一是深化協作')]
    report.write_text(text.replace(block, ""), encoding="utf-8")
    code = main(["coverage", "--data", str(copy)])
    out = capsys.readouterr().out
    assert code == 1
    assert "invented-lanshan-2024: 13 numbers, 11 covered" in out
    assert "'逾百件'" in out and "'約40件'" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "share, value: 90, qualifier: approx",
            "share, value: 9, qualifier: approx",
            "the value 9 of art-213-cases-share",
        ),
        ("measure: rank, value: 1}", "measure: rank, value: 2}", "the value 2 of art-213-cases-rank"),
        (
            "count, value: 20, qualifier: more",
            "count, value: 200, qualifier: more",
            "the value 200 of civil-supervision",
        ),
    ],
)
def test_a_value_not_written_in_its_chinese_quote_fails(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    report = copy / "reports" / "invented-qinghu-2024" / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert text.count(old) == 1
    report.write_text(text.replace(old, new), encoding="utf-8")
    code = main(["build", "--data", str(copy), "--out", str(tmp_path / "out"), "--no-validate"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "is not written in its quote" in err and err.count("\n") == 1


@pytest.fixture(scope="module")
def zh_store(data: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from ipgraph.store.embedded import open_store

    out = tmp_path_factory.mktemp("zh-build") / "build"
    assert main(["build", "--data", str(data), "--out", str(out), "--no-validate"]) == 0
    return open_store(out)


@pytest.mark.parametrize(
    ("term", "iri"),
    [
        ("嵐山區人民檢察院", "inst/invented-lanshan-procuratorate"),  # as the report writes it (traditional)
        ("岚山区人民检察院", "inst/invented-lanshan-procuratorate"),  # the same label in simplified characters
        ("青湖區人民檢察院", "inst/invented-qinghu-procuratorate"),  # a simplified label looked up in traditional
        ("上海市人民檢察院", "inst/shanghai-peoples-procuratorate"),
    ],
)
def test_labels_are_found_in_either_script(zh_store, term: str, iri: str) -> None:  # type: ignore[no-untyped-def]
    from ipgraph.query.describe import describe, resolve_term

    assert resolve_term(zh_store, term).value.endswith(iri)
    assert describe(zh_store, term).splitlines()[0].endswith(iri.split("/")[1])


def test_an_unknown_chinese_label_is_an_error(zh_store) -> None:  # type: ignore[no-untyped-def]
    from ipgraph.errors import InputError
    from ipgraph.query.describe import resolve_term

    with pytest.raises(InputError, match="nothing in the graph is called"):
        resolve_term(zh_store, "嵐山區法院")


def test_view_search_keys_match_either_script() -> None:
    """What viz.js does with the page's data: the typed query through the map, then a substring of the key."""
    from ipgraph.reading.zh_script import variant_map
    from ipgraph.viz.page import search_key

    labels = ["Lanshan District People's Procuratorate", "嵐山區人民檢察院"]
    key = search_key(labels) or ""
    zm = variant_map(labels)

    def typed(q: str) -> str:
        return "".join(zm.get(ch, ch) for ch in q.lower())

    for query in ("岚山区", "嵐山區", "嵐山区人民检察", "lanshan district"):
        assert typed(query) in key, query
    assert typed("青湖区") not in key


def test_numbers_verb_lists_the_chinese_text(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    assert main(["numbers", str(FIXTURES / "sources" / ZH_REPORTS["invented-lanshan-2024"]), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    figures = [(r["text"], r["value"], r["kind"], r["qualifier"]) for r in rows if not r["note"].startswith("heading")]
    assert len(figures) == 13
    assert ("兩萬餘家", "20000", "count", "more-than") in figures
    assert ("1.2億元", "120000000", "amount", "exact") in figures
    assert ("約六成", "60", "percent", "approximate") in figures
    assert ("８．７％", "8.7", "rate", "exact") in figures
    heading = [r for r in rows if r["note"].startswith("heading")]
    assert [r["text"] for r in heading] == ["第一部分", "一", "一", "二", "二", "第二部分", "一", "二"]


def test_numbers_verb_refuses_a_folder_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["numbers", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a regular file" in err


@pytest.mark.slow
def test_view_search_in_the_browser_accepts_either_script(data: Path, tmp_path: Path) -> None:
    from ipgraph.viz.headless import Browser, find_chromium
    from ipgraph.viz.run import make_view

    if find_chromium() is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk)")
    build = tmp_path / "build"
    assert main(["build", "--data", str(data), "--out", str(build), "--no-validate"]) == 0
    make_view(build, "institutions", tmp_path / "institutions.html")  # the report with the most figures: the seed
    make_view(build, "institutions", tmp_path / "lanshan.html", report="invented-lanshan-2024")
    with Browser(width=1200, height=800) as browser:
        page = browser.page

        def found(view: str, query: str) -> list[str]:
            page.goto((tmp_path / view).resolve().as_uri())
            page.wait_for("window.ipgraphViz && window.ipgraphViz.stats.firstDraw !== null", timeout=30)
            ids = page.evaluate(f"window.ipgraphViz.search({query!r})")
            return [page.evaluate(f"window.ipgraphViz.data.nodes[{i}].en") for i in ids]

        spp, seed, own = "Supreme People's Procuratorate", "institutions.html", "lanshan.html"
        assert spp in found(seed, "最高人民检察院") and spp in found(seed, "最高人民檢察院"), "either script"
        lanshan = "Lanshan District People's Procuratorate (invented test report)"
        assert lanshan in found(own, "嵐山區人民檢察院") and lanshan in found(own, "岚山区人民检察院")
        assert found(own, "岚山区法院") == []
        assert found(seed, "岚山区人民检察院") == [], "a view shows one report's entities"
        assert page.errors == []


@pytest.mark.parametrize(
    ("text", "where", "section"),
    [
        ("一、概况\n（二）刑事\n3.数量。全年办案5件。\n", "全年", "I.2.3"),
        ("一、概况\n（一）刑事\n1、数量。全年办案5件。\n", "全年", "I.1.1"),
        ("二、举措\n（三）协作\n２．机制\n共签署协议4份。\n", "共签署", "II.3.2"),
        ("第一章 总则\n一、概况\n（一）刑事\n办案5件。\n第二章 举措\n共签署协议4份。\n", "办案", "I.1.1"),
        ("第一章 总则\n一、概况\n（一）刑事\n办案5件。\n第二章 举措\n共签署协议4份。\n", "共签署", "II.p1"),
        ("前言：2024年，本院办案5件。\n一、概况\n", "2024", "preamble1"),
    ],
)
def test_innermost_section_from_chinese_headings(text: str, where: str, section: str) -> None:
    from ipgraph.reading.source import SourceText

    src = SourceText.from_string(text, "zh.txt")
    assert src.section_at(text.index(where)).number == section
