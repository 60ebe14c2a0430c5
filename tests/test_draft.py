"""``ipgraph draft``: figures read from a text with their measure, unit, period and form; the draft builds.

The small text under tests/fixtures/draft/ is invented for these tests; the expected readings below are read off it.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ipgraph.cli import main
from ipgraph.draft.figures import read_figures
from ipgraph.draft.proposals import propose
from ipgraph.draft.sentences import split_sentences
from ipgraph.draft.vocabulary import Vocabulary, load_vocabulary

from .conftest import DATA, ONTOLOGY, ROOT

TEXT = ROOT / "tests" / "fixtures" / "draft" / "invented-district-2024.en.txt"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary(ONTOLOGY, [DATA])


def _figures(vocabulary: Vocabulary) -> dict[str, tuple[str | None, str | None, Decimal, str | None, dict[str, str]]]:
    text = TEXT.read_text(encoding="utf-8")
    out = {}
    for block in propose(text, vocabulary, "2024"):
        for p in block.proposals:
            f = p.figure
            out[f.written] = (f.measure, f.unit, f.value, f.period, {d: g.code for d, g in p.dims.items()})
    return out


def test_counts_with_their_units_and_categories(vocabulary: Vocabulary) -> None:
    figures = _figures(vocabulary)
    assert figures["86"][:4] == ("count", "case", Decimal(86), "2024")
    assert figures["86"][4]["category"] == "ip-criminal"
    assert figures["141"][:2] == ("count", "perpetrator")
    assert figures["30"][4]["category"] == "arrest-examination"
    assert figures["52"][:2] == ("count", "perpetrator")


def test_rates_respectively_go_to_the_counts_in_order(vocabulary: Vocabulary) -> None:
    figures = _figures(vocabulary)
    assert figures["25.0"][:3] == ("change-rate", "case", Decimal("25.0"))
    assert figures["13.0"][:3] == ("change-rate", "perpetrator", Decimal("13.0"))
    assert figures["13.0"][4]["category"] == "arrest-examination"


def test_charges_ranks_shares_and_multiples(vocabulary: Vocabulary) -> None:
    figures = _figures(vocabulary)
    assert figures["51"][4]["charge"] == "art-214-selling-counterfeit-trademark-goods"
    assert figures["51"][4]["right"] == "trademark"
    assert figures["top"][:2] == ("rank", "case")
    assert figures["59.3"][:2] == ("share", "case")
    assert figures["9"][4]["charge"] == "art-217-copyright-infringement"
    assert figures["two"][:3] == ("change-multiple", "case", Decimal(2))


def test_durations_elliptical_counts_and_dates(vocabulary: Vocabulary) -> None:
    figures = _figures(vocabulary)
    assert figures["41.5"][:2] == ("average-duration", "case")
    assert figures["Four"][:2] == ("count", "team")
    assert "2024" not in figures, "a year is a period, not a figure"


def test_draft_of_the_seed_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "draft"
    code = main(["draft", str(ROOT / "data" / "sources" / "shanghai-ip-white-paper-2023.en.txt"),
                 "--report-id", "seed-draft", "-o", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "figures proposed" in capsys.readouterr().out
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(out / "reports" / "seed-draft", data / "reports" / "seed-draft")
    code = main(["build", "--data", str(data), "--out", str(tmp_path / "b"), "--no-validate"])
    assert code == 0, capsys.readouterr().err
    review = (out / "reports" / "seed-draft" / "REVIEW.md").read_text(encoding="utf-8")
    assert "1,369" in review and "review:" in review


def test_draft_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draft", str(tmp_path / "missing.txt")]) == 2
    assert "not a text file" in capsys.readouterr().err
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["draft", str(TEXT), "-o", str(foreign)]) == 2
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert main(["draft", str(TEXT), "--report-id", "Not A Slug"]) == 2
    err = capsys.readouterr().err
    assert err.count("ipgraph: error:") == 2 and "Traceback" not in err


def test_chinese_figures_with_measure_words_and_qualifiers(vocabulary: Vocabulary) -> None:
    text = (ROOT / "tests" / "fixtures" / "sources" / "invented-qinghu-2024.zh-hans.txt").read_text(encoding="utf-8")
    found = {}
    for block in propose(text, vocabulary, "2024"):
        for p in block.proposals:
            f = p.figure
            found[f.written] = (f.measure, f.unit, f.value, f.qualifier, {d: g.code for d, g in p.dims.items()})
    assert found["1,369件"][:3] == ("count", "case", Decimal(1369))
    assert found["1,369件"][4]["category"] == "ip-criminal"
    assert found["2810人"][:2] == ("count", "perpetrator"), "N件M人: the persons of those cases"
    assert found["12.5%"][:2] == ("change-rate", "case")
    assert found["第一"][:3] == ("rank", "case", Decimal(1))
    assert found["第一"][4]["charge"] == "art-213-counterfeiting-registered-trademark"
    assert found["近9成"][:4] == ("share", "case", Decimal(90), "approximate")
    assert found["1.4倍"][0] == "change-multiple"
    assert found["二十余件"][3] == "more-than"
    assert found["二十余件"][4]["category"] == "civil-supervision"
    assert "6.9万元" not in found, "money has no measure in the ontology: left for review, not proposed"


def test_part_of_the_cases_before_and_a_count_that_ends_its_clause() -> None:
    text = (
        "In 2024 there were 40 copyright cases; 12 of these cases concerned software, and book piracy made up 9. "
        "Supervision cases rose by 20.0% to 30."
    )
    read = {
        f.written: (f.measure, f.unit)
        for s in split_sentences(text)
        for f in read_figures(text, s, "2024")
        if not f.is_year and f.skipped is None
    }
    assert read["12"] == ("count", "case"), "“N of these cases”: part of the cases named before"
    assert read["9"] == ("count", "case"), "a count that ends its clause is in the unit named before it"
    assert read["30"] == ("count", "case")
    assert read["20.0"] == ("change-rate", "case")


MIXED = "In 2024 the procuratorate accepted 12 cases (十二件). Two teams were set up. 其中Mr. Wang案3件。"


def test_lang_forces_the_number_reader_and_the_sentence_ends(vocabulary: Vocabulary) -> None:
    def read(language: str | None) -> list[str]:
        return [p.figure.written for b in propose(MIXED, vocabulary, "2024", language) for p in b.proposals]

    assert read(None) == ["12", "十二件", "Two", "3件"], "by default each passage is read in its own script"
    assert read("en") == ["12", "Two"], "English only: the Chinese numerals are left alone"
    assert read("zh") == ["12", "十二件", "3件"], "Chinese: no English number words"
    sentences = [b.sentence.text for b in propose(MIXED, vocabulary, "2024", "zh")]
    assert sentences == [MIXED], "Chinese sentence ends only: “. ” before a capital does not end a sentence"


def test_lang_option_of_the_verb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "mixed-2024.txt"
    text.write_text(MIXED, encoding="utf-8")
    drafts = {}
    for lang, said in (("auto", "(en detected, 2024)"), ("en", "(en, 2024)"), ("zh", "(zh, 2024)")):
        out = tmp_path / lang
        assert main(["draft", str(text), "--lang", lang, "-o", str(out)]) == 0, capsys.readouterr().err
        assert said in capsys.readouterr().out
        drafts[lang] = (out / "reports" / "mixed-2024" / "draft.yaml").read_text(encoding="utf-8")
    assert "review: 十二件" in drafts["auto"] and "review: 十二件" not in drafts["en"]
    assert "value: 2," in drafts["en"] and "value: 2," not in drafts["zh"]


def _drafted(text: str, vocabulary: Vocabulary) -> dict[str, tuple[str | None, str | None, Decimal, dict[str, str]]]:
    return {
        p.figure.written: (p.figure.measure, p.figure.unit, p.figure.value, {d: g.code for d, g in p.dims.items()})
        for b in propose(text, vocabulary, "2024")
        for p in b.proposals
    }


def test_changes_said_as_more_or_less_than_and_changes_of_a_duration(vocabulary: Vocabulary) -> None:
    found = _drafted(
        "The procuratorates took in 800 criminal cases, 11.0% more than in the previous year, "
        "and 60 civil cases, 5.0% fewer than in 2023.\n"
        "1．办案时间。审查起诉平均用时30.5天，较上年缩短一成。\n"
        "Cases of transfer to administrative authorities exceeded 60%.",
        vocabulary,
    )
    assert found["11.0"][:3] == ("change-rate", "case", Decimal("11.0"))
    assert found["5.0"][:3] == ("change-rate", "case", Decimal("-5.0"))
    assert "1" not in found, "“1．” before Chinese is paragraph numbering"
    assert found["30.5天"][:2] == ("average-duration", "case")
    assert found["一成"][:3] == ("change-rate", "case", Decimal(-10)), "the change of the duration before it"
    assert found["60"][:2] == ("share", "case"), "a share is of its subject, not of the last noun"


def test_categories_from_the_lead_in_own_words_and_the_whole(vocabulary: Vocabulary) -> None:
    found = _drafted(
        "In terms of the completed administrative public-interest cases, four were concluded at the pre-litigation "
        "stage and two at the examination and prosecution stage. One case was selected as a guiding case and three "
        "as typical cases. There were 40 civil supervision cases, including 12 cases where procuratorial suggestions "
        "on rectification of violations were made. We supervised registration of 50 cases as well as pursuit and "
        "prosecution of 44 perpetrators. Selling goods bearing counterfeit registered trademarks made up 20 of these "
        "cases. They decided not to prosecute in 17 cases.",
        vocabulary,
    )
    four, two = found["four"][3], found["two"][3]
    assert (four["category"], four["breakdown"]) == ("administrative-pil", "concluded-pre-litigation")
    assert (two["category"], two["breakdown"]) == ("administrative-pil", "concluded-at-prosecution-stage")
    assert found["three"][3]["category"] == "typical-case", "its own words before the first figure's"
    twelve = found["12"][3]
    assert (twelve["category"], twelve["function"]) == ("rectification-suggestion", "civil"), "as the 40 civil"
    assert found["50"][3]["category"] == "registration-supervision"
    assert found["44"][3]["category"] == "pursuit-prosecution", "the words since “as well as”"
    assert found["20"][3]["charge"] == "art-214-selling-counterfeit-trademark-goods", "goods / commodities"
    assert found["17"][3]["category"] == "non-prosecution"


def test_a_section_heading_that_names_one_category(vocabulary: Vocabulary) -> None:
    found = _drafted(
        "IV. Comprehensive Performance of Procuratorial Functions\n(I) Overall Situation\n"
        "1. There were 12 criminally derivative cases.\n"
        "V. Civil, Administrative and Public-Interest Litigation\n1. There were 7 derivative cases.",
        vocabulary,
    )
    assert found["12"][3]["category"] == "comprehensive-performance"
    assert "category" not in found["7"][3], "a heading that names several categories names none"


def test_periods_article_numbers_and_totals_over_years(vocabulary: Vocabulary) -> None:
    text = (
        "Procuratorates took in 5,000 IP-infringement criminal cases in 2021 and more in 2022. "
        "Over the five years from 2019 to 2023 they took in 1,200 such cases in all. "
        "The defendants were convicted under Article 217 of the Criminal Law. 依照刑法第二百一十七条定罪。"
    )
    found = {f.written: f for s in split_sentences(text) for f in read_figures(text, s, "2023") if not f.is_year}
    assert found["5,000"].period == "2021"
    assert found["1,200"].skipped is None and found["1,200"].period == "2019-2023", "a total over the span"
    assert found["217"].skipped == "an article number"
    assert found["第二百一十七条"].skipped == "an article number"


def test_respectively_lists_and_wholes_across_sentences(vocabulary: Vocabulary) -> None:
    found = _drafted(
        "The procuratorate accepted 30 civil supervision cases, including 4 procuratorial suggestions on retrial. "
        "20 cases concerned counterfeiting registered trademarks and 10 cases concerned copyright infringement, "
        "accounting for 40.0% and 20.0% of the total respectively. "
        "Copyright infringement accounted for 100 cases in 2021, 120 cases in 2022 and 150 cases in 2023.\n"
        "共受理侵犯知识产权犯罪审查起诉案件50件70人，同比分别上升5.0%和8.0%。其中，假冒注册商标罪案件20件。",
        vocabulary,
    )
    assert found["4"][:2] == ("count", "case"), "suggestions are counted in cases"
    assert found["40.0"][3]["charge"] == "art-213-counterfeiting-registered-trademark", "shares in the stated order"
    assert found["20.0"][3]["charge"] == "art-217-copyright-infringement"
    assert found["120"][3]["charge"] == "art-217-copyright-infringement", "listed after the first, as it"
    assert found["8.0%"][:2] == ("change-rate", "perpetrator"), "分别: the second change is of the persons"
    assert found["50件"][3]["category"] == "prosecution-examination", "the label written out, 审查起诉"
    assert found["20件"][3]["category"] == "prosecution-examination", "其中: part of the whole before"


def test_relations_to_known_articles_and_names_that_are_new(
    tmp_path: Path, vocabulary: Vocabulary, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "In 2024 the procuratorates in Shanghai took in 40 IP-infringement criminal cases.\n"
        "The Fenglin District People's Procuratorate convicted Zhao of counterfeiting registered trademarks under "
        "Article 213 of the Criminal Law and cited the Anti-Unfair Competition Law.\n"
        "枫林区人民检察院依照《中华人民共和国刑法》第二百一十九条，以侵犯商业秘密罪对被告人提起公诉，"
        "并援引《中华人民共和国反不正当竞争法》。\n"
        "The Fenglin District People's Procuratorate also applied the Criminal Law.\n"
    )
    blocks = propose(text, vocabulary, "2024")
    stated = [(r.subject, r.predicate, r.obj) for b in blocks for r in b.relations]
    assert stated == [
        ("charge:art-213-counterfeiting-registered-trademark", "definedInArticle", "article:prc-criminal-law-213"),
        ("charge:art-219-infringing-trade-secrets", "definedInArticle", "article:prc-criminal-law-219"),
    ]
    new = [(n.kind, n.name) for b in blocks for n in b.new]
    assert new == [
        ("institution", "Fenglin District People's Procuratorate"),
        ("place", "Fenglin District"),
        ("law", "Anti-Unfair Competition Law"),
        ("institution", "枫林区人民检察院"),
        ("place", "枫林区"),
        ("law", "中华人民共和国反不正当竞争法"),
    ], "each new name once, where it first occurs; the Criminal Law and Shanghai are known"
    source = tmp_path / "fenglin-2024.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "draft"
    assert main(["draft", str(source), "-o", str(out)]) == 0, capsys.readouterr().err
    folder = out / "reports" / "fenglin-2024"
    assert "- [charge:art-213-counterfeiting-registered-trademark, definedInArticle" in (
        folder / "draft.yaml"
    ).read_text(encoding="utf-8")
    assert "NEW law “Anti-Unfair Competition Law”" in (folder / "REVIEW.md").read_text(encoding="utf-8")
    only_new = tmp_path / "fenglin-only-2024.txt"
    only_new.write_text(text.split("\n")[1], encoding="utf-8")
    code = main(["draft", str(only_new), "--period", "2024", "-o", str(tmp_path / "only")])
    assert code == 0, capsys.readouterr().err
    report = (tmp_path / "only" / "reports" / "fenglin-only-2024" / "report.yaml").read_text(encoding="utf-8")
    assert "define the new place “Fenglin District”" in report, "the new place is offered where no known one is"
    assert "define the new “Fenglin District People's Procuratorate”" in report
    capsys.readouterr()
    assert main(["build", "--data", str(out), "--out", str(tmp_path / "b")]) == 0, capsys.readouterr().err


def test_lists_durations_and_the_words_around_a_count(vocabulary: Vocabulary) -> None:
    found = _drafted(
        "It examined 10 cases involving 12 persons for arrest and prosecuted 8 cases involving 9 persons. "
        "By charge, copyright infringement remained the most common crime, with 30 cases. "
        "Cases of infringing trade secrets rose from 3 in 2023 to 5. "
        "The average handling time was 20.5 days, 2.5 days shorter than the previous year. "
        "It handled 20 civil supervision cases and issued procuratorial suggestions on retrial in 4 of them. "
        "It received 12 public-interest litigation clues.\n"
        "受理审查逮捕案件30件40人，受理审查起诉50件60人，同比分别增长1.0%、2.0%、3.0%和4.0%。"
        "办理知识产权领域公益诉讼案件16件。",
        vocabulary,
    )
    assert found["10"][3]["category"] == "arrest-examination", "“… involving 12 persons for arrest”"
    assert found["8"][3]["category"] == "public-prosecution"
    assert found["30"][3]["charge"] == "art-217-copyright-infringement", "named earlier in the sentence"
    assert found["2.5"][:3] == ("change-amount", "case", Decimal("-2.5"))
    assert found["20"][3]["category"] == "civil-supervision", "the words stop at “and issued”"
    assert found["4"][3]["category"] == "retrial-suggestion", "its own words before those of the 20"
    assert found["12"][:2] == ("count", "clue"), "“litigation clues”: the last noun is what is counted"
    assert [found[w][:2] for w in ("2.0%", "3.0%", "4.0%")] == [
        ("change-rate", "perpetrator"),
        ("change-rate", "case"),
        ("change-rate", "perpetrator"),
    ], "a percent after 、 is read as the one before it, and 分别 pairs them in order"
    assert "breakdown" not in found["16件"][3], "the IP field is no breakdown in an IP report on its own"
    periods = {
        f.written: f.period
        for s in split_sentences("Cases of infringing trade secrets rose from 3 in 2023 to 5.")
        for f in read_figures("Cases of infringing trade secrets rose from 3 in 2023 to 5.", s, "2024")
        if not f.is_year
    }
    assert periods == {"3": "2023", "5": "2024"}


def test_the_year_a_change_is_compared_with_is_its_base_not_its_period(vocabulary: Vocabulary) -> None:
    """A figure of the report's year "12.0% fewer than in 2021": period 2024 (the report's), base 2021."""
    for block in propose("The procuratorate accepted 73 criminal cases, 12.0% fewer than in 2021.", vocabulary, "2024"):
        for p in block.proposals:
            if p.figure.written == "12.0":
                assert (p.figure.period, p.figure.base_period) == ("2024", "2021")
                return
    raise AssertionError("12.0 not drafted")


def test_a_total_over_a_span_of_years_gets_the_span_as_its_period(vocabulary: Vocabulary) -> None:
    text = (
        "The procuratorates took in 431 criminal cases in 2021.\n"
        "Over the five years from 2017 to 2021 they took in 1,846 such cases in all.\n"
        "2017年至2021年，累计受理侵犯知识产权犯罪案件1846件。"
    )
    periods = [(p.figure.written, p.figure.period) for b in propose(text, vocabulary, "2021") for p in b.proposals]
    assert ("431", "2021") in periods
    assert ("1,846", "2017-2021") in periods and ("1846件", "2017-2021") in periods
