"""``ipgraph link`` on the project's own fixtures (tests/fixtures/links/), so these tests always run.

The real CAIL2018 sample is tested in tests/test_link_real_sample.py, the link queries in
tests/test_link_queries.py.
"""

from __future__ import annotations

import json
import shutil
import tracemalloc
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ipgraph.cli import main
from ipgraph.errors import InputError
from ipgraph.linking.charges import align_charges
from ipgraph.linking.concepts import Concepts, load_concepts
from ipgraph.linking.judgments import REASON_LABELS, FieldMap, LinkSummary, link_judgments
from ipgraph.linking.rdf import load_targets, propose_links, read_source
from ipgraph.linking.sssom import Mapping, write_sssom
from ipgraph.linking.terms import (
    FINDING_NS,
    GRAPH_LINK_VOCABULARY,
    LINK_TERMS,
    REASONS,
    article_label_zh,
    ipg,
    links_graph,
    vocabulary_path,
)
from ipgraph.linking.wikidata import check_wikidata, verified_links
from ipgraph.model.links import load_links, read_sssom
from ipgraph.store.embedded import SelectResult, run_query

from .conftest import DATA, ONTOLOGY, QUERIES, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "links"
MINI = FIXTURES / "cail-mini.jsonl"
CHARGE = "https://w3id.org/ipgraph/id/charge/"
ARTICLE = "https://w3id.org/ipgraph/id/article/prc-criminal-law-"

#: What each record of cail-mini.jsonl should give: line → sorted (reason, value) findings.
MINI_FINDINGS: dict[int, list[tuple[str, str]]] = {
    1: [],
    2: [],  # 213 + 220: the unit-crime rule fits
    3: [],  # brackets dropped as the CAIL judger does
    4: [],
    5: [
        ("article-without-charge", "363"),
        ("charge-without-article", "侵犯著作权"),
        ("unknown-article", "363"),
    ],
    6: [
        ("unknown-article", "364"),
        ("unknown-charge", "传播淫秽物品"),
    ],  # 364 not judged: a charge is unknown
    7: [("repeated-article", "213")],
    8: [("missing-charge", "meta.accusation")],
    9: [("missing-article", "meta.relevant_articles")],
    11: [("unreadable-record", "not json")],
    12: [("unknown-article", "253")],  # integer 253 can stand for 253-1: no mismatch
    13: [("unreadable-value", "meta.term_of_imprisonment.imprisonment: 六个月")],
    14: [("unknown-article", "232"), ("unknown-charge", "故意杀人")],
    15: [("unknown-article", "263"), ("unknown-charge", "抢劫")],
}


@pytest.fixture(scope="module")
def concepts() -> Concepts:
    return load_concepts(ONTOLOGY)


def _link(path: Path, concepts: Concepts, slug: str, **kw: object) -> tuple[LinkSummary, ox.Store, bytes]:
    summary = LinkSummary(path, links_graph(slug))
    data = b"".join(link_judgments(path, concepts, slug, summary, **kw))  # type: ignore[arg-type]
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return summary, store, data


def _select(store: ox.Store, text: str) -> list[dict[str, str]]:
    result = run_query(store, text)
    assert isinstance(result, SelectResult)
    return [{v: (r[v].value if r.get(v) is not None else "") for v in result.variables} for r in result.rows]


# ------------------------------------------------------------------------------------------------ vocabulary
def test_vocabulary_declares_every_term_and_reason() -> None:
    g = Graph().parse(vocabulary_path())
    for term in LINK_TERMS:
        iri = URIRef(ipg(term))
        assert (iri, RDF.type, None) in g, f"ipg:{term} is not declared in vocabulary.ttl"
        assert {lit.language for lit in g.objects(iri, RDFS.label)} == {"en", "zh"}
        assert (iri, SKOS.definition, None) in g
    for reason in REASONS:
        iri = URIRef(FINDING_NS + reason)
        labels = {lit.language: str(lit) for lit in g.objects(iri, SKOS.prefLabel)}
        assert labels == dict(zip(("en", "zh"), REASON_LABELS[reason], strict=True)), reason
        assert (iri, SKOS.definition, None) in g


def test_vocabulary_is_canonical_turtle() -> None:
    text = vocabulary_path().read_text(encoding="utf-8")
    assert Graph().parse(data=text, format="turtle").serialize(format="longturtle") == text


def test_chinese_article_labels_equal_the_ontology() -> None:
    g = Graph().parse(ONTOLOGY)
    for article in g.subjects(RDF.type, URIRef(ipg("LegalArticle"))):
        number = str(g.value(article, URIRef(ipg("articleNumber"))))
        zh = {str(x) for x in g.objects(article, RDFS.label) if isinstance(x, Literal) and x.language == "zh"}
        assert zh == {article_label_zh(number)}, article


# ------------------------------------------------------------------------------------------------- judgments
def test_every_record_is_kept_with_the_findings_it_deserves(concepts: Concepts) -> None:
    summary, store, _ = _link(MINI, concepts, "mini")
    assert summary.records == 14  # 15 lines, one blank
    numbers = {int(r["n"]) for r in _select(store, "SELECT ?n { ?j a ipg:JudgmentRecord ; ipg:recordNumber ?n }")}
    assert numbers == set(MINI_FINDINGS)
    rows = _select(
        store,
        "SELECT ?n ?reason ?value { ?f ipg:findingRecord/ipg:recordNumber ?n ; ipg:findingReason ?reason ; "
        "ipg:findingValue ?value }",
    )
    found: dict[int, list[tuple[str, str]]] = {n: [] for n in MINI_FINDINGS}
    for r in rows:
        found[int(r["n"])].append((r["reason"].removeprefix(FINDING_NS), r["value"]))
    assert {n: sorted(v) for n, v in found.items()} == MINI_FINDINGS
    assert summary.findings == Counter(reason for v in MINI_FINDINGS.values() for reason, _ in v)
    assert summary.records_with_findings == sum(1 for v in MINI_FINDINGS.values() if v)


def test_records_link_to_charges_articles_and_sentences(concepts: Concepts) -> None:
    summary, store, _ = _link(MINI, concepts, "mini")
    assert summary.by_charge == {
        CHARGE + "art-213-counterfeiting-registered-trademark": 4,
        CHARGE + "art-217-copyright-infringement": 2,
        CHARGE + "art-214-selling-counterfeit-trademark-goods": 1,
        CHARGE + "art-215-illegal-trademark-logos": 1,
        CHARGE + "art-219-1-trade-secrets-for-overseas": 1,
        CHARGE + "infringing-personal-information": 1,
    }
    rows = _select(
        store,
        "SELECT ?n ?charge ?article ?months ?life ?death ?fine ?people { ?j ipg:recordNumber ?n . "
        "OPTIONAL { ?j ipg:charge ?charge } "
        "OPTIONAL { ?j ipg:citesArticle ?a BIND(STRAFTER(STR(?a), 'law-') AS ?article) } "
        "OPTIONAL { ?j ipg:imprisonmentMonths ?months } OPTIONAL { ?j ipg:lifeImprisonment ?life } "
        "OPTIONAL { ?j ipg:deathPenalty ?death } OPTIONAL { ?j ipg:fineAmount ?fine } "
        "OPTIONAL { ?j ipg:defendantCount ?people } }",
    )
    by_n = {int(r["n"]): r for r in rows if r["article"] != "220"}
    assert by_n[2]["people"] == "2" and by_n[2]["fine"] == "200000" and by_n[2]["months"] == "36"
    assert by_n[3]["charge"] == CHARGE + "art-215-illegal-trademark-logos"
    assert by_n[13]["article"] == "219-1" and by_n[13]["months"] == ""  # "六个月" is reported, not linked
    assert (by_n[14]["death"], by_n[14]["life"]) == ("true", "false")
    assert (by_n[15]["death"], by_n[15]["life"]) == ("false", "true")
    minted = _select(store, "SELECT ?a ?zh { ?a a ipg:LegalArticle ; rdfs:label ?zh FILTER(LANG(?zh) = 'zh') }")
    assert {(r["a"].removeprefix(ARTICLE), r["zh"]) for r in minted} >= {("363", "刑法第三百六十三条")}
    assert sorted(summary.minted_articles) == ["232", "253", "263", "363", "364"]


def test_one_named_graph_per_file_and_the_vocabulary_beside_it(concepts: Concepts) -> None:
    _, store, data = _link(MINI, concepts, "mini")
    graphs = {g.value for g in store.named_graphs()}
    expected = {links_graph("mini")}
    if not concepts.declares_link_vocabulary:
        expected.add(GRAPH_LINK_VOCABULARY)
    assert graphs == expected
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert b"\n" in data and data.endswith(b".\n")


def test_other_json_lines_map_their_fields(concepts: Concepts, tmp_path: Path) -> None:
    path = tmp_path / "court-x.jsonl"
    records = [
        {
            "id": "A-1",
            "charge": "假冒注册商标罪",
            "law": ["第213条"],
            "months": 12,
            "fine": 5000.5,
            "people": 3,
        },
        {"id": "A-2", "charge": "侵犯商业秘密罪", "law": ["第219条"], "months": 40.0, "people": 1},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    fields = FieldMap("charge", "law", "months", "life", "death", "fine", "people", identifier="id")
    summary, store, _ = _link(path, concepts, "court-x", fields=fields)
    assert sum(summary.findings.values()) == 0
    assert summary.by_charge == {
        CHARGE + "art-213-counterfeiting-registered-trademark": 1,
        CHARGE + "art-219-infringing-trade-secrets": 1,
    }
    rows = _select(
        store,
        "SELECT ?id ?months ?fine { ?j dcterms:identifier ?id ; ipg:imprisonmentMonths ?months . "
        "OPTIONAL { ?j ipg:fineAmount ?fine } } ORDER BY ?id",
    )
    assert [(r["id"], r["months"], r["fine"]) for r in rows] == [("A-1", "12", "5000.5"), ("A-2", "40", "")]


def test_gb18030_records(concepts: Concepts, tmp_path: Path) -> None:
    path = tmp_path / "gb.jsonl"
    line = json.dumps({"meta": {"accusation": ["假冒注册商标"], "relevant_articles": [213]}}, ensure_ascii=False)
    path.write_bytes((line + "\n").encode("gb18030"))
    summary, _, _ = _link(path, concepts, "gb", encoding="gb18030")
    assert summary.by_charge == {CHARGE + "art-213-counterfeiting-registered-trademark": 1}


def _write_records(path: Path, n: int) -> None:
    base = MINI.read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in base if ln.startswith("{")]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(lines[i % len(lines)] + "\n")


@pytest.mark.slow
def test_memory_does_not_grow_with_the_file(concepts: Concepts, tmp_path: Path) -> None:
    """Peak Python memory while linking 3,000 and 30,000 records: the same, give or take a chunk."""
    peaks = []
    for n in (3_000, 30_000):
        path = tmp_path / f"r{n}.jsonl"
        _write_records(path, n)
        summary = LinkSummary(path, links_graph("mem"))
        tracemalloc.start()
        for _ in link_judgments(path, concepts, "mem", summary, with_vocabulary=False):
            pass
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert summary.records == n
    assert peaks[1] < peaks[0] * 1.5 + 256 * 1024, f"peak memory grew with the file: {peaks}"


# ---------------------------------------------------------------------------------------------------- the CLI
def test_cli_links_into_a_build_and_the_findings_are_queryable(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = tmp_path / "build"
    shutil.copytree(built, build)
    assert main(["link", "cail", str(MINI), "--dataset", "mini", "--into", str(build)]) == 0
    out = capsys.readouterr().out
    assert "linked 14 records" in out and "unknown-article" in out
    assert main(["query", "link-findings-by-reason", "--build", str(build), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert "mini,unknown-article,5,5" in rows
    # linking again replaces the graph instead of adding to it
    assert main(["link", "cail", str(MINI), "--dataset", "mini", "--into", str(build)]) == 0
    capsys.readouterr()
    assert main(["query", "link-findings-by-reason", "--build", str(build), "--format", "csv"]) == 0
    assert "mini,unknown-article,5,5" in capsys.readouterr().out.splitlines()


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mini.nq"
    assert main(["link", "cail", str(MINI), "--out", str(out)]) == 0
    assert out.is_file() and not list(tmp_path.glob(".*.tmp"))
    assert main(["link", "cail", str(MINI), "--out", str(out), "--strict"]) == 1
    assert main(["link", "cail", str(tmp_path / "absent.jsonl"), "--out", str(out)]) == 2
    assert main(["link", "cail", str(MINI), "--out", str(out), "--charges-field", "meta..x"]) == 2
    assert main(["link"]) == 2
    err = capsys.readouterr().err
    assert "absent.jsonl: file not found" in err and "not a field path" in err


# ---------------------------------------------------------------------------------------------- charge lists
def test_charge_list_alignment(concepts: Concepts) -> None:
    al = align_charges(FIXTURES / "accu-mini.txt", concepts, "mini", FIXTURES / "law-mini.txt")
    got = {
        (m.subject_id.rsplit("/", 2)[1], m.subject_label, m.predicate_id.rsplit("#")[1], m.object_id)
        for m in al.mappings
    }
    assert {g for g in got if g[0] == "charge"} == {
        (
            "charge",
            "销售假冒注册商标的商品",
            "exactMatch",
            CHARGE + "art-214-selling-counterfeit-trademark-goods",
        ),
        ("charge", "诈骗", "exactMatch", CHARGE + "fraud"),
        ("charge", "假冒注册商标", "exactMatch", CHARGE + "art-213-counterfeiting-registered-trademark"),
        ("charge", "非法获取公民个人信息", "broadMatch", CHARGE + "infringing-personal-information"),
        ("charge", "侵犯著作权", "exactMatch", CHARGE + "art-217-copyright-infringement"),
        ("charge", "侵犯著作权", "narrowMatch", CHARGE + "art-217-circumventing-technical-measures"),
        (
            "charge",
            "非法制造、销售非法制造的注册商标标识",
            "exactMatch",
            CHARGE + "art-215-illegal-trademark-logos",
        ),
    }
    # 破坏计算机信息系统 (art. 286) is not 非法侵入计算机信息系统 (art. 285): no link
    assert not any(g[1] == "破坏计算机信息系统" for g in got)
    assert [c.iri.removeprefix(CHARGE) for c in al.lacking] == [
        "art-216-counterfeiting-patent",
        "art-218-selling-infringing-copies",
        "art-219-infringing-trade-secrets",
        "art-219-1-trade-secrets-for-overseas",
    ]
    assert [(c.iri.removeprefix(CHARGE), found) for c, _, found in al.not_names] == [("art-220-unit-crime", True)]
    assert al.lacking_articles == ["216", "218", "219", "219-1"]
    articles = {
        (m.subject_label, m.predicate_id.rsplit("#")[1], m.object_id.removeprefix(ARTICLE))
        for m in al.mappings
        if "/article/" in m.subject_id
    }
    assert ("253", "narrowMatch", "253-1") in articles and ("213", "exactMatch", "213") in articles
    assert not any(a[0] in ("264", "286") for a in articles)


def test_cli_charges_writes_a_links_file_and_nquads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["link", "charges", str(FIXTURES / "accu-mini.txt"), "--articles", str(FIXTURES / "law-mini.txt")]
    assert main([*args, "--dataset", "mini", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ipgraph's IP charges the dataset lacks: 4" in out
    rows = read_sssom(tmp_path / "mini.sssom.tsv")
    assert len(rows) == 7 + 7  # 7 charge links; 213, 214, 215, 217, 220, 266 and 253 (~253-1) of the article list
    store = ox.Store()
    store.load(path=str(tmp_path / "mini.nq"), format=ox.RdfFormat.N_QUADS)
    assert {g.value for g in store.named_graphs()} == {links_graph("mini")}


# ----------------------------------------------------------------------------------------------- links files
def test_links_file_round_trip_and_review(tmp_path: Path) -> None:
    m = [
        Mapping(
            "http://example.org/a",
            "A",
            SKOS.exactMatch,
            CHARGE + "fraud",
            "诈骗罪",
            "semapv:LexicalMatching",
            1.0,
        ),
        Mapping(
            "http://example.org/b",
            "B",
            SKOS.closeMatch,
            CHARGE + "fraud",
            "诈骗罪",
            "semapv:LexicalMatching",
            0.9,
        ),
    ]
    path = tmp_path / "links" / "x.sssom.tsv"
    write_sssom(path, m, mapping_set_id="https://example.org/x", description="a: b # c")
    text = path.read_text(encoding="utf-8")
    assert "ns1:a" in text and "\t0.9\t" in text
    # the reviewer rejects B
    path.write_text(text.replace("\tskos:closeMatch\t\t", "\tskos:closeMatch\tNot\t"), encoding="utf-8")
    triples = load_links(tmp_path)
    assert (URIRef("http://example.org/a"), SKOS.exactMatch, URIRef(CHARGE + "fraud")) in triples
    assert not any(s == URIRef("http://example.org/b") for s, _, _ in triples)
    assert (URIRef("http://example.org/a"), RDFS.label, Literal("A")) in triples


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ns1:a\tA\tskos:broader\t\tcharge:fraud\tx\tsemapv:LexicalMatching\t1.0\t", "not a link predicate"),
        ("ns1:a\tA\tskos:exactMatch\t\tns1:b\tx\tsemapv:LexicalMatching\t1.0\t", "neither side"),
        ("zz:a\tA\tskos:exactMatch\t\tcharge:fraud\tx\tsemapv:LexicalMatching\t1.0\t", "not a CURIE"),
        ("ns1:a\tA\tskos:exactMatch", "row has 3 cells"),
    ],
)
def test_bad_links_file_names_the_line(tmp_path: Path, row: str, message: str) -> None:
    folder = tmp_path / "links"
    folder.mkdir()
    header = "# curie_map:\n#   ns1: http://example.org/\n"
    columns = "subject_id\tsubject_label\tpredicate_id\tpredicate_modifier\tobject_id\tobject_label\t"
    columns += "mapping_justification\tconfidence\tcomment\n"
    (folder / "bad.sssom.tsv").write_text(header + columns + row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        load_links(tmp_path)
    assert str(exc.value).startswith(f"{folder / 'bad.sssom.tsv'}:4: ")


def test_data_links_load(concepts: Concepts) -> None:
    triples = load_links(DATA)
    same_as = {(str(s), str(o)) for s, p, o in triples if p == OWL.sameAs}
    assert ("https://w3id.org/ipgraph/id/place/shanghai", "http://www.wikidata.org/entity/Q8686") in same_as


# ------------------------------------------------------------------------------------------------ RDF linker
RDF_EXPECTED_ONTOLOGY = {
    "IntellectualProperty": ("exactMatch", "right/intellectual-property"),
    "Trademarks": ("exactMatch", "right/trademark"),
    "Counterfeiting": ("exactMatch", "charge/art-213-counterfeiting-registered-trademark"),
    "Patent": ("exactMatch", "right/patent"),
    "Fraud": ("exactMatch", "charge/fraud"),
    "BusinessSecretInfringement": ("closeMatch", "charge/art-219-infringing-trade-secrets"),
}
RDF_NO_PROPOSAL = {"ComputerSabotage", "FundRaisingFraud", "MaritimeLaw", "NoLabel"}


def _top(p: object) -> dict[str, tuple[str, str]]:
    top: dict[str, tuple[str, str]] = {}
    for m in p.mappings:  # type: ignore[attr-defined]
        local = m.subject_id.rsplit("/", 1)[1]
        top.setdefault(local, (m.predicate_id.rsplit("#")[1], m.object_id.split("/id/", 1)[1]))
    return top


def test_rdf_linker_on_the_ontology() -> None:
    source = read_source(FIXTURES / "other-kg.ttl")
    p = propose_links(source, load_targets(None, ONTOLOGY), FIXTURES / "other-kg.ttl")
    top = _top(p)
    for local, want in RDF_EXPECTED_ONTOLOGY.items():
        assert top.get(local) == want, local
    assert not RDF_NO_PROPOSAL & set(top)
    assert "NoLabel" not in {s.rsplit("/", 1)[1] for s in source}


def test_rdf_linker_on_the_build_and_accepting_its_proposals(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "links" / "other-kg.sssom.tsv"
    assert main(["link", "rdf", str(FIXTURES / "other-kg.ttl"), "--build", str(built), "--out", str(out)]) == 0
    assert "skos:exactMatch" in capsys.readouterr().out
    top = {m["subject_id"].rsplit("/", 1)[1]: (m["predicate_id"], m["object_id"]) for _, m in read_sssom(out)}
    assert top["Shanghai"] == (str(SKOS.exactMatch), "https://w3id.org/ipgraph/id/place/shanghai")
    assert top["Wipo"] == (str(SKOS.closeMatch), "https://w3id.org/ipgraph/id/inst/wipo")
    assert not RDF_NO_PROPOSAL & set(top)
    # accepted as is: the build's links graph gets the rows
    triples = load_links(tmp_path)
    assert (URIRef("http://example.org/legal-kg/Fraud"), SKOS.exactMatch, URIRef(CHARGE + "fraud")) in triples


# -------------------------------------------------------------------------------------------------- Wikidata
def _store(built: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(built / "ipgraph.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def test_the_reviewed_wikidata_items_are_data(built: Path) -> None:
    """The list comes from the ontology and data/links/wikidata.sssom.tsv, each row with reviewer and date."""
    reviewed = verified_links(_store(built), [DATA])
    assert {v.qid for v in reviewed} == {
        "Q131257", "Q167270", "Q1297822", "Q253623", "Q8686", "Q148", "Q16963", "Q16967", "Q40956",
    }  # fmt: skip
    places = [v for v in reviewed if v.stated_in != "ontology"]
    assert len(places) == 5
    assert all(v.reviewer and v.date and v.stated_in.startswith(str(DATA / "links")) for v in places)
    shanghai = next(v for v in places if v.qid == "Q8686")
    assert shanghai.term_iri.endswith("/place/shanghai") and shanghai.relation.endswith("#sameAs")


def test_wikidata_check_rejects_unreviewed_identifiers(built: Path) -> None:
    store = _store(built)
    reviewed = verified_links(store, [DATA])
    extra = [(str(s), str(p), str(o)) for s, p, o in load_links(DATA) if "wikidata" in str(o)]
    report = check_wikidata(store, reviewed, extra)
    assert report.ok, report.text()
    present = {(t.rsplit("/", 1)[1], i.rsplit("/", 1)[1]) for t, _, i in report.present}
    assert ("trademark", "Q167270") in present and ("shanghai", "Q8686") in present
    store.add(
        ox.Quad(
            ox.NamedNode(CHARGE + "fraud"),
            ox.NamedNode(str(SKOS.exactMatch)),
            ox.NamedNode("http://www.wikidata.org/entity/Q999999999"),
            ox.NamedNode("https://w3id.org/ipgraph/graph/links"),
        )
    )
    bad = check_wikidata(store, reviewed, extra)
    assert not bad.ok and bad.unverified[0][2].endswith("Q999999999")


_SHENZHEN_ROW = (
    "# curie_map:\n#   wd: http://www.wikidata.org/entity/\n"
    "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\treviewer_label\tmapping_date\n"
    "place:china\tChina\tskos:closeMatch\twd:Q15174\tShenzhen\t{reviewer}\t{date}\n"
)


def test_a_new_wikidata_item_is_a_reviewed_row_in_the_users_data_not_code(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine"
    (mine / "links").mkdir(parents=True)
    links = mine / "links" / "shenzhen.sssom.tsv"
    links.write_text(_SHENZHEN_ROW.format(reviewer="A. Reviewer", date="2026-12-01"), encoding="utf-8")
    store = _store(built)
    store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/ipgraph/id/place/china"),
            ox.NamedNode(str(SKOS.closeMatch)),
            ox.NamedNode("http://www.wikidata.org/entity/Q15174"),
            ox.NamedNode("https://w3id.org/ipgraph/graph/links"),
        )
    )
    assert not check_wikidata(store, verified_links(store, [DATA])).ok  # not reviewed anywhere
    assert check_wikidata(store, verified_links(store, [DATA, mine])).ok  # reviewed in the user's folder
    assert main(["link", "wikidata", "--build", str(built), "--data", str(mine)]) == 0
    assert "wd:Q15174  reviewed" in capsys.readouterr().out
    # a row without a reviewer, or without a date, is refused with its file and line
    for reviewer, date, problem in (("", "2026-12-01", "needs a reviewer"), ("A. Reviewer", "", "mapping_date")):
        links.write_text(_SHENZHEN_ROW.format(reviewer=reviewer, date=date), encoding="utf-8")
        with pytest.raises(InputError, match=problem) as info:
            load_links(mine)
        assert info.value.line == 4


def test_cli_wikidata(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "wikidata", "--build", str(built)]) == 0
    assert "NOT REVIEWED" not in capsys.readouterr().out
    assert main(["link", "wikidata", "--build", str(built), "--query"]) == 0
    assert "SERVICE <https://query.wikidata.org/sparql>" in capsys.readouterr().out


def test_link_queries_are_not_in_the_data_build_test() -> None:
    from . import test_queries

    assert not [p for p in test_queries.CATALOG if p.stem.startswith("link-")]
    assert list(QUERIES.glob("link-*.rq"))
