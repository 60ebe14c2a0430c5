"""Linking the real CAIL2018 sample (../shared/external/cail, never copied into the project) links right.

Every finding is checked against what the record says, read here straight from the JSON and the ontology
(rdflib), not through the linker's code; and every record that says such a thing has the finding.
SOURCE.md's description of the sample is checked too: 34 假冒注册商标,
2 非法[制造、销售]非法制造的注册商标标识, 2 侵犯著作权 (both citing art. 363), three records citing
213 and 220, one citing [175, 175]; and the charges of accu.txt that ipgraph's IP charges lack.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .conftest import ONTOLOGY, SHARED

CAIL = SHARED / "external" / "cail"
IP_SAMPLE = CAIL / "cail2018_ip_sample.jsonl"
NONIP_SAMPLE = CAIL / "cail2018_nonip_sample.jsonl"
IPG = "https://w3id.org/ipgraph/ontology/"
CHARGE = "https://w3id.org/ipgraph/id/charge/"

pytestmark = pytest.mark.skipif(
    not all(p.is_file() for p in (IP_SAMPLE, NONIP_SAMPLE, CAIL / "accu.txt", CAIL / "law.txt")),
    reason=f"the real CAIL2018 sample is not at {CAIL} (../shared/external/cail; never copied into the repo)",
)


class Ontology:
    """What the ontology says about charges and articles, read with rdflib."""

    def __init__(self) -> None:
        g = Graph().parse(ONTOLOGY)
        self.charge_by_name: dict[str, str] = {}
        self.article_of: dict[str, str] = {}
        self.ip: set[str] = set()
        for c in g.subjects(RDF.type, URIRef(IPG + "Charge")):
            for label in g.objects(c, RDFS.label):
                if isinstance(label, Literal) and label.language == "zh":
                    self.charge_by_name[str(label).removesuffix("罪")] = str(c)
            art = g.value(c, URIRef(IPG + "definedInArticle"))
            if art is not None:
                self.article_of[str(c)] = str(g.value(art, URIRef(IPG + "articleNumber")))
            if (c, SKOS.broader, URIRef(CHARGE + "ip-crime")) in g or any(
                (b, SKOS.broader, URIRef(CHARGE + "ip-crime")) in g for b in g.objects(c, SKOS.broader)
            ):
                self.ip.add(str(c))
        self.articles = {
            str(g.value(a, URIRef(IPG + "articleNumber"))) for a in g.subjects(RDF.type, URIRef(IPG + "LegalArticle"))
        }


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return Ontology()


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line)["meta"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _link(path: Path) -> tuple[object, dict[int, set[tuple[str, str]]]]:
    import pyoxigraph as ox

    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.judgments import LinkSummary, link_judgments
    from ipgraph.linking.terms import links_graph, slugify

    slug = slugify(path.stem)
    summary = LinkSummary(path, links_graph(slug))
    store = ox.Store()
    store.load(b"".join(link_judgments(path, load_concepts(ONTOLOGY), slug, summary)), format=ox.RdfFormat.N_QUADS)
    findings: dict[int, set[tuple[str, str]]] = {}
    q = (
        f"SELECT ?n ?r ?v {{ ?f <{IPG}findingRecord>/<{IPG}recordNumber> ?n ; <{IPG}findingReason> ?r ; "
        f"<{IPG}findingValue> ?v }}"
    )
    for row in store.query(q, use_default_graph_as_union=True):  # type: ignore[union-attr]
        findings.setdefault(int(row["n"].value), set()).add((row["r"].value.rsplit("/", 1)[1], row["v"].value))
    return summary, findings


def _expected(meta: dict[str, object], onto: Ontology) -> set[tuple[str, str]]:
    """The findings a record deserves, from its own fields and the ontology."""
    names = [str(n) for n in meta["accusation"]]  # type: ignore[attr-defined]
    numbers = [str(a) for a in meta["relevant_articles"]]  # type: ignore[attr-defined]
    known = {n: onto.charge_by_name.get(n.replace("[", "").replace("]", "")) for n in names}
    out: set[tuple[str, str]] = set()
    out |= {("unknown-charge", n) for n, c in known.items() if c is None}
    out |= {("unknown-article", a) for a in numbers if a not in onto.articles}
    out |= {("repeated-article", a) for a, k in Counter(numbers).items() if k > 1}
    charges = {c for c in known.values() if c}
    out |= {("charge-without-article", n) for n, c in known.items() if c and onto.article_of[c] not in numbers}
    if all(known.values()):
        fitting = {onto.article_of[c] for c in charges} | ({"220"} if charges & onto.ip else set())
        out |= {("article-without-charge", a) for a in numbers if a not in fitting}
    return out


@pytest.mark.parametrize("sample", [IP_SAMPLE, NONIP_SAMPLE], ids=lambda p: p.stem)
def test_each_finding_is_what_the_record_says(sample: Path, onto: Ontology) -> None:
    summary, findings = _link(sample)
    records = _records(sample)
    assert summary.records == len(records) == 38  # type: ignore[attr-defined]
    for n, meta in enumerate(records, start=1):
        assert findings.get(n, set()) == _expected(meta, onto), (
            f"record {n}: {meta['accusation']} {meta['relevant_articles']}"
        )


def test_counts_by_charge_in_the_ip_sample() -> None:
    summary, findings = _link(IP_SAMPLE)
    assert dict(summary.by_charge) == {  # type: ignore[attr-defined]
        CHARGE + "art-213-counterfeiting-registered-trademark": 34,
        CHARGE + "art-215-illegal-trademark-logos": 2,
        CHARGE + "art-217-copyright-infringement": 2,
    }
    records = _records(IP_SAMPLE)
    assert Counter(tuple(m["relevant_articles"]) for m in records) == {  # type: ignore[arg-type]
        (213,): 30, (213, 220): 3, (215,): 2, (363,): 2, (175, 175): 1,
    }  # fmt: skip
    # the three records citing 213 and 220 fit (unit-crime rule); so do the 30 citing 213 and the 2 citing 215
    clean = [n for n, m in enumerate(records, start=1) if m["relevant_articles"] in ([213, 220], [213], [215])]
    assert len(clean) == 35 and not any(findings.get(n) for n in clean)
    # both 侵犯著作权 records cite art. 363, not 217
    copyright_records = [n for n, m in enumerate(records, start=1) if "侵犯著作权" in m["accusation"]]  # type: ignore[operator]
    assert len(copyright_records) == 2
    for n in copyright_records:
        assert ("charge-without-article", "侵犯著作权") in findings[n]
        assert ("unknown-article", "363") in findings[n]
    # [175, 175]
    (odd,) = [n for n, m in enumerate(records, start=1) if m["relevant_articles"] == [175, 175]]
    assert findings[odd] == {
        ("repeated-article", "175"),
        ("unknown-article", "175"),
        ("charge-without-article", "假冒注册商标"),
        ("article-without-charge", "175"),
    }


def test_no_ip_charge_in_the_non_ip_sample() -> None:
    summary, _ = _link(NONIP_SAMPLE)
    assert not summary.by_charge  # type: ignore[attr-defined]
    assert summary.records_with_findings == 38  # type: ignore[attr-defined]


def test_charge_list_lacks_what_source_md_says() -> None:
    from ipgraph.linking.charges import align_charges
    from ipgraph.linking.concepts import load_concepts

    al = align_charges(CAIL / "accu.txt", load_concepts(ONTOLOGY), "cail2018", CAIL / "law.txt")
    exact = {
        int(m.subject_id.rsplit("/", 1)[1]): m.object_id.removeprefix(CHARGE)
        for m in al.mappings
        if m.predicate_id.endswith("exactMatch") and "/charge/" in m.subject_id
    }
    # SOURCE.md: accu.txt lines 13, 11, 91, 92 are the white paper's IP charges in the list
    assert {k: v for k, v in exact.items() if v.startswith("art-")} == {
        11: "art-214-selling-counterfeit-trademark-goods",
        13: "art-213-counterfeiting-registered-trademark",
        91: "art-215-illegal-trademark-logos",
        92: "art-217-copyright-infringement",
    }
    lines = (CAIL / "accu.txt").read_text(encoding="utf-8").splitlines()
    assert lines[98 - 1] == "诈骗" and exact[98] == "fraud"
    # SOURCE.md: no 假冒专利, 销售侵权复制品 or 侵犯商业秘密, nothing for spying for overseas entities
    assert [c.zh[0] for c in al.lacking] == [
        "假冒专利罪",
        "销售侵权复制品罪",
        "侵犯商业秘密罪",
        "为境外窃取、刺探、收买、非法提供商业秘密罪",
    ]
    # law.txt: has 213, 214, 215, 217 and 220; no 216, 218, 219
    assert al.lacking_articles == ["216", "218", "219", "219-1"]
    assert [(c.iri.removeprefix(CHARGE), found) for c, _, found in al.not_names] == [("art-220-unit-crime", True)]
