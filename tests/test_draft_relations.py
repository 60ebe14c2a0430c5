"""``ipgraph draft`` proposes the relations a sentence states and flags the institutions no entity carries yet.

Every sentence below is invented for these tests; the expected relations are what the sentence says, read by hand:
who worked with whom, which amendment added which charge, who selected which cases, which categories a count is
listed in. Sentences that only name things together, or say what should be done, state none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ipgraph.cli import main
from ipgraph.draft.proposals import propose
from ipgraph.draft.relations import Relation
from ipgraph.draft.vocabulary import Vocabulary, load_vocabulary

from .conftest import DATA, ONTOLOGY


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary(ONTOLOGY, [DATA])


def _relations(text: str, vocabulary: Vocabulary) -> list[Relation]:
    return [r for b in propose(text, vocabulary, "2024") for r in b.relations]


def _triples(text: str, vocabulary: Vocabulary) -> list[tuple[str, str, str]]:
    return [(r.subject, r.predicate, r.obj) for r in _relations(text, vocabulary)]


def test_a_procuratorate_that_worked_with_known_institutions(vocabulary: Vocabulary) -> None:
    text = (
        "The Shanghai People's Procuratorate worked with the Shanghai Intellectual Property Administration on 12 "
        "trademark cases.\n"
        "We also signed a cooperation agreement with industry associations.\n"
        "上海市人民检察院会同上海市知识产权局开展专项治理。\n"
    )
    assert _triples(text, vocabulary) == [
        ("inst:shanghai-peoples-procuratorate", "collaboratesWith", "inst:shanghai-ip-administration"),
        ("inst:shanghai-peoples-procuratorate", "collaboratesWith", "inst:industry-associations"),
        ("inst:shanghai-peoples-procuratorate", "collaboratesWith", "inst:shanghai-ip-administration"),
    ], "“we” is the procuratorate the text names most"
    first, we = _relations(text, vocabulary)[:2]
    assert first.confidence > we.confidence, "named before the words of working together: surer than “we”"
    assert first.check and we.check, "each relation says what a person should check"


def test_no_relation_where_the_sentence_states_none(vocabulary: Vocabulary) -> None:
    text = (
        "The Shanghai People's Procuratorate and the courts in Shanghai each published a report.\n"
        "We should strengthen cooperation with universities.\n"
        "The Amendment (XI) to the Criminal Law took effect in 2021.\n"
        "There were 28 civil supervision cases, including 2 where procuratorial suggestions on a retrial were made.\n"
    )
    assert _triples(text, vocabulary) == [], (
        "named side by side; a plan, not a fact; an amendment with no charge; a subset by outcome, not a kind"
    )


def test_institutions_no_entity_carries_are_named_not_given_ids(vocabulary: Vocabulary) -> None:
    text = (
        "The Fenglin District People's Procuratorate worked with the Fenglin District Public Security Bureau and "
        "the Jiangsu Province Intellectual Property Bureau.\n"
    )
    found = _relations(text, vocabulary)
    assert [(r.written(), r.new) for r in found] == [
        (
            "[new “Fenglin District People's Procuratorate”, collaboratesWith, "
            "new “Fenglin District Public Security Bureau”]",
            ("subject", "object"),
        ),
        (
            "[new “Fenglin District People's Procuratorate”, collaboratesWith, "
            "new “Jiangsu Province Intellectual Property Bureau”]",
            ("subject", "object"),
        ),
    ]
    new = {n.name: n.place for b in propose(text, vocabulary, "2024") for n in b.new if n.kind == "institution"}
    assert new == {
        "Fenglin District People's Procuratorate": "Fenglin District",
        "Fenglin District Public Security Bureau": "Fenglin District",
        "Jiangsu Province Intellectual Property Bureau": "place:jiangsu",
    }, "an institution's place from its name: a known place by its id, a new one by its name"


def test_charges_and_the_amendment_that_added_them(vocabulary: Vocabulary) -> None:
    text = (
        "The crime of circumventing technical measures was added to the copyright crimes by the Amendment (XI) to "
        "the Criminal Law.\n"
        "《中华人民共和国刑法修正案（十一）》增设了为境外窃取、刺探、收买、非法提供商业秘密罪。\n"
    )
    assert _triples(text, vocabulary) == [
        ("charge:art-217-circumventing-technical-measures", "introducedBy", "law:prc-criminal-law-amendment-xi"),
        ("charge:art-219-1-trade-secrets-for-overseas", "introducedBy", "law:prc-criminal-law-amendment-xi"),
    ]


def test_cases_selected_by_a_known_institution(vocabulary: Vocabulary) -> None:
    text = (
        "Two cases were selected as guiding cases by the Supreme People's Procuratorate.\n"
        "3件案件入选最高人民检察院发布的典型案例。\n"
    )
    assert _triples(text, vocabulary) == [
        ("category:guiding-case", "selectedBy", "inst:supreme-peoples-procuratorate"),
        ("category:typical-case", "selectedBy", "inst:supreme-peoples-procuratorate"),
    ]


def test_categories_listed_within_a_count(vocabulary: Vocabulary) -> None:
    text = (
        "There were 17 public-interest litigation cases, including 11 civil public-interest litigation cases and 6 "
        "administrative public-interest litigation cases.\n"
        "In 2024 the procuratorates in Shanghai accepted 40 IP-infringement criminal cases. Of these, 15 cases were "
        "examined for arrest and 25 cases were examined for prosecution.\n"
    )
    assert _triples(text, vocabulary) == [
        ("category:civil-pil", "isComponentOf", "category:public-interest-litigation"),
        ("category:administrative-pil", "isComponentOf", "category:public-interest-litigation"),
        ("category:arrest-examination", "isComponentOf", "category:ip-criminal"),
        ("category:prosecution-examination", "isComponentOf", "category:ip-criminal"),
    ], "the whole may be counted in the sentence before (“Of these, …”)"


def test_the_draft_writes_relations_with_their_confidence_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "In 2024 the Fenglin District People's Procuratorate in Shanghai accepted 30 IP-infringement criminal cases.\n"
        "Two cases were selected as typical cases by the Supreme People's Procuratorate.\n"
        "The procuratorate worked with the Fenglin District Public Security Bureau.\n"
    )
    source = tmp_path / "fenglin-2024.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "draft"
    assert main(["draft", str(source), "-o", str(out)]) == 0, capsys.readouterr().err
    folder = out / "reports" / "fenglin-2024"
    facts = (folder / "draft.yaml").read_text(encoding="utf-8")
    assert (
        "      - [category:typical-case, selectedBy, inst:supreme-peoples-procuratorate]  # drafted (0.70): "
    ) in facts
    assert "review: check that this institution selected them" in facts
    assert (
        "# once the new names are defined: [new “Fenglin District People's Procuratorate”, collaboratesWith, "
        "new “Fenglin District Public Security Bureau”]"
    ) in facts, "a relation of new names is a comment, not a statement with an invented id"
    assert "- [new" not in facts
    review = (folder / "REVIEW.md").read_text(encoding="utf-8")
    assert "(its place, from its name: the new place “Fenglin District”)" in review
    assert "relation [category:typical-case, selectedBy, inst:supreme-peoples-procuratorate] — drafted (0.70)" in review
    capsys.readouterr()
    assert main(["build", "--data", str(out), "--out", str(tmp_path / "b")]) == 0, capsys.readouterr().err
