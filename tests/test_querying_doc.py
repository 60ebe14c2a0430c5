"""docs/querying.md stays true: its ten worked examples run on a graph of every report and answer what the texts say.

Each example is a file ``docs/querying/NN-name.rq`` that docs/querying.md shows verbatim, followed by its answer.
The tests run every example as it stands (its own PREFIX lines, the union of the named graphs as default graph, as
any SPARQL endpoint over the dumps would) on ``ipgraph build --data data --data tests/fixtures``: the real seed report
and the INVENTED fixture reports (their texts and figures are made up). Each answer is compared with the one written
below, whose stated figures are read off the report texts (every such figure comes with the words that state it,
which must be in that report's text), and with the answer the doc prints.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pytest
import yaml

from ipgraph.model.prefixes import PREFIXES

from .conftest import DATA, FIXTURES, ROOT

DOC = ROOT / "docs" / "querying.md"
EXAMPLE_DIR = ROOT / "docs" / "querying"
SEED = "shanghai-2023"
#: The reports the answers below are about; rows of reports added to the fixtures later are left out.
REPORTS = {
    SEED,
    "invented-lanshan-2024",
    "invented-minhang-2023",
    "invented-national-2021-2023",
    "invented-ningbo-2017-2021",
    "invented-qinghu-2024",
    "invented-shanghai-2024",
}
_NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "decimal", "double", "float", "long", "int")}


class Said(NamedTuple):
    """A cell of an answer and the words of a report's text that state it."""

    report: str
    words: str
    value: str


class Example(NamedTuple):
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    #: columns whose every value is a figure stated in a text, and the column naming its report (or a report id)
    stated: dict[str, str]
    said: list[Said]
    report_column: str | None = "report"


EXAMPLES: dict[str, Example] = {
    "01-headline-figures": Example(
        columns=("report", "area", "period", "cases"),
        rows=[
            ("report:invented-lanshan-2024", "Lanshan District (invented)", "period:2024", "210"),
            ("report:invented-minhang-2023", "Minhang District", "period:2023", "96"),
            ("report:invented-national-2021-2023", "People's Republic of China", "period:2021", "9120"),
            ("report:invented-national-2021-2023", "People's Republic of China", "period:2022", "10480"),
            ("report:invented-national-2021-2023", "People's Republic of China", "period:2023", "11950"),
            ("report:invented-ningbo-2017-2021", "Ningbo", "period:2017", "310"),
            ("report:invented-ningbo-2017-2021", "Ningbo", "period:2017-2021", "1846"),
            ("report:invented-ningbo-2017-2021", "Ningbo", "period:2018", "342"),
            ("report:invented-ningbo-2017-2021", "Ningbo", "period:2019", "365"),
            ("report:invented-ningbo-2017-2021", "Ningbo", "period:2020", "398"),
            ("report:invented-ningbo-2017-2021", "Ningbo", "period:2021", "431"),
            ("report:invented-qinghu-2024", "Qinghu District (invented)", "period:2024", "1369"),
            ("report:invented-shanghai-2024", "Shanghai", "period:2024", "1520"),
            ("report:shanghai-2023", "Shanghai", "period:2023", "1369"),
        ],
        stated={"cases": "report"},
        said=[
            Said("invented-lanshan-2024", "2024年，本院受理侵犯知識產權犯罪案件二百一十件", "210"),
            Said("invented-minhang-2023", "In 2023 the procuratorate of Minhang District took in 96", "96"),
            Said("invented-national-2021-2023", "9,120 IP-infringement criminal cases in 2021", "9120"),
            Said("invented-national-2021-2023", "10,480 in 2022", "10480"),
            Said("invented-national-2021-2023", "11,950 in 2023", "11950"),
            Said("invented-ningbo-2017-2021", "310 IP-infringement criminal cases in 2017", "310"),
            Said("invented-ningbo-2017-2021", "342 in 2018", "342"),
            Said("invented-ningbo-2017-2021", "365 in 2019", "365"),
            Said("invented-ningbo-2017-2021", "398 in 2020", "398"),
            Said("invented-ningbo-2017-2021", "431 in 2021", "431"),
            Said("invented-ningbo-2017-2021", "from 2017 to 2021 they took in 1,846 such cases", "1846"),
            Said("invented-qinghu-2024", "2024年，本院共受理侵犯知识产权犯罪案件1,369件", "1369"),
            Said("invented-shanghai-2024", "took in 1,520 IP-infringement criminal cases in 2024", "1520"),
            Said(SEED, "took cognizance of 1,369 IP-infringement criminal cases", "1369"),
        ],
    ),
    "02-figures-by-charge": Example(
        columns=("article", "charge", "cases", "perpetrators"),
        rows=[
            ("214", "charge:art-214-selling-counterfeit-trademark-goods", "873", "1579"),
            ("213", "charge:art-213-counterfeiting-registered-trademark", "298", "744"),
            ("217", "charge:art-217-copyright-infringement", "105", "261"),
            ("215", "charge:art-215-illegal-trademark-logos", "45", "124"),
            ("218", "charge:art-218-selling-infringing-copies", "24", "46"),
            ("219", "charge:art-219-infringing-trade-secrets", "24", "56"),
        ],
        stated={"cases": SEED, "perpetrators": SEED},
        said=[
            Said(SEED, "873 cases of selling commodity with counterfeit registered trademarks", "873"),
            Said(SEED, "873 cases of selling commodity with counterfeit registered trademarks involving 1,579", "1579"),
            Said(SEED, "298 cases of counterfeiting registered trademarks", "298"),
            Said(SEED, "298 cases of counterfeiting registered trademarks involving 744 perpetrators", "744"),
            Said(SEED, "105 cases of copyright infringement", "105"),
            Said(SEED, "105 cases of copyright infringement involving 261 perpetrators", "261"),
            Said(SEED, "45 cases of illegal manufacture and sales of illegally produced registered trademarks", "45"),
            Said(SEED, "registered trademarks and logos involving 124 perpetrators", "124"),
            Said(SEED, "24 cases of sales of pirate copies", "24"),
            Said(SEED, "24 cases of sales of pirate copies involving 46 perpetrators", "46"),
            Said(SEED, "24 cases of infringement of business secrets involving 56 perpetrators", "56"),
        ],
        report_column=None,
    ),
    "03-figure-with-quote": Example(
        columns=("cases", "section", "heading", "start", "end", "quote"),
        rows=[
            (
                "24",
                "I.1.2",
                "Significant changes in the IP-infringement criminal structure",
                "4265",
                "4404",
                "There were 24 cases of infringement of business secrets involving 56 perpetrators, the number of "
                "which rose by 60% in comparison with 2022.",
            )
        ],
        stated={"cases": SEED},
        said=[Said(SEED, "There were 24 cases of infringement of business secrets", "24")],
        report_column=None,
    ),
    "04-two-years": Example(
        columns=("charge", "cases_2022", "cases_2023", "change"),
        rows=[
            ("charge:art-213-counterfeiting-registered-trademark", "2755", "3020", "265"),
            ("charge:art-214-selling-counterfeit-trademark-goods", "5630", "6410", "780"),
            ("charge:art-217-copyright-infringement", "1105", "1390", "285"),
            ("charge:art-219-infringing-trade-secrets", "", "150", ""),
            ("charge:ip-crime", "10480", "11950", "1470"),
        ],
        stated={"cases_2022": "invented-national-2021-2023", "cases_2023": "invented-national-2021-2023"},
        said=[
            Said("invented-national-2021-2023", "2,755 cases in 2022 and 3,020 cases in 2023", "2755"),
            Said("invented-national-2021-2023", "2,755 cases in 2022 and 3,020 cases in 2023", "3020"),
            Said("invented-national-2021-2023", "5,630 cases in 2022 and 6,410 cases in 2023", "5630"),
            Said("invented-national-2021-2023", "5,630 cases in 2022 and 6,410 cases in 2023", "6410"),
            Said("invented-national-2021-2023", "1,105 cases in 2022 and 1,390 cases in 2023", "1105"),
            Said("invented-national-2021-2023", "1,105 cases in 2022 and 1,390 cases in 2023", "1390"),
            Said("invented-national-2021-2023", "Infringement of trade secrets reached 150 cases in 2023", "150"),
            Said("invented-national-2021-2023", "10,480 in 2022 and 11,950 in 2023", "10480"),
            Said("invented-national-2021-2023", "10,480 in 2022 and 11,950 in 2023", "11950"),
        ],
        report_column=None,
    ),
    "05-cross-report-check": Example(
        columns=(
            "category",
            "period",
            "report",
            "stated",
            "other_report",
            "rate",
            "implied_low",
            "implied_high",
            "verdict",
        ),
        # 35 / (1 + 25.0% ± 0.05) = [27.99, 28.01] holds 28; 1520 / (1 + 11.0% ± 0.05) holds 1369;
        # 180 / (1 + 12.5% ± 0.05) = [159.93, 160.07] does not hold 153.
        rows=[
            (
                "category:civil-supervision",
                "period:2023",
                "report:shanghai-2023",
                "28",
                "report:invented-shanghai-2024",
                "25",
                "27.99",
                "28.01",
                "verdict:consistent",
            ),
            (
                "category:ip-criminal",
                "period:2023",
                "report:shanghai-2023",
                "1369",
                "report:invented-shanghai-2024",
                "11",
                "1368.75",
                "1369.99",
                "verdict:consistent",
            ),
            (
                "category:non-prosecution",
                "period:2023",
                "report:shanghai-2023",
                "153",
                "report:invented-shanghai-2024",
                "12.5",
                "159.93",
                "160.07",
                "verdict:inconsistent",
            ),
        ],
        stated={"stated": "report", "rate": "other_report"},
        said=[
            Said(SEED, "There were 28 civil supervision cases", "28"),
            Said(SEED, "took cognizance of 1,369 IP-infringement criminal cases", "1369"),
            Said(SEED, "decided on nolle prosequi in 153 cases", "153"),
            Said("invented-shanghai-2024", "rose by 25.0% to 35", "25"),
            Said("invented-shanghai-2024", "11.0% more than in the previous year", "11"),
            Said("invented-shanghai-2024", "an increase of 12.5% on the previous year", "12.5"),
        ],
    ),
    "06-derived-prior-year": Example(
        columns=("report", "period", "expression", "value", "lower", "upper", "whole_numbers"),
        # 210 / (1 - 8.7%) = 230.01; 96 / 1.143 = 83.99; 1369 / 1.125 = 1216.89; 1520 / 1.11 = 1369.37;
        # shanghai-2023's 2022 is the sum of its arrest and prosecution examinations (its footnote): 174 + 616.
        rows=[
            ("report:invented-lanshan-2024", "period:2023", "210 / (1 − 8.7%)", "230", "229.89", "230.14", "1"),
            ("report:invented-minhang-2023", "period:2022", "96 / (1 + 14.3%)", "84", "83.95", "84.03", "1"),
            ("report:invented-qinghu-2024", "period:2023", "1369 / (1 + 12.5%)", "1217", "1216.35", "1217.43", "1"),
            ("report:invented-shanghai-2024", "period:2023", "1520 / (1 + 11.0%)", "1369", "1368.75", "1369.99", "1"),
            ("report:shanghai-2023", "period:2022", "[173.93, 174] + [615.99, 616.39]", "790", "789.92", "790.39", "1"),
        ],
        stated={},
        said=[
            Said("invented-lanshan-2024", "同比下降８．７％", "210 / (1 − 8.7%)"),
            Said("invented-minhang-2023", "up 14.3% on the year before", "96 / (1 + 14.3%)"),
            Said("invented-qinghu-2024", "同比上升12.5%", "1369 / (1 + 12.5%)"),
            Said("invented-shanghai-2024", "11.0% more than in the previous year", "1520 / (1 + 11.0%)"),
        ],
    ),
    "07-inconsistencies": Example(
        columns=("report", "other_report", "kind", "interpretation", "expression"),
        rows=[
            (
                "invented-lanshan-2024",
                "",
                "checkkind:whole-number",
                "interpretation:multiple-as-increase",
                "3 / (3 + 1) = [0.67, 0.86]",
            ),
            (
                "invented-lanshan-2024",
                "",
                "checkkind:whole-number",
                "interpretation:multiple-as-increase",
                "art-219-infringing-trade-secrets: [0.67, 0.86] = [0.67, 0.86]",
            ),
            (
                "invented-qinghu-2024",
                "",
                "checkkind:whole-number",
                "interpretation:multiple-as-increase",
                "23 / (1.4 + 1) = [9.39, 9.79]",
            ),
            (
                "invented-qinghu-2024",
                "",
                "checkkind:whole-number",
                "interpretation:multiple-as-increase",
                "art-217-copyright-infringement: [9.39, 9.79] = [9.39, 9.79]",
            ),
            (
                "invented-shanghai-2024",
                "shanghai-2023",
                "checkkind:same-figure-across-reports",
                "",
                "stated 153 vs inverse-change-rate [159.93, 160.07] (180 / (1 + 12.5%)) "
                "(shanghai-2023 vs invented-shanghai-2024)",
            ),
            (
                "shanghai-2023",
                "",
                "checkkind:routes-agree",
                "interpretation:multiple-as-factor",
                "share-of-total [41.47, 42.29] vs sum-of-charges [61.56, 64.8]",
            ),
            (
                "shanghai-2023",
                "",
                "checkkind:whole-number",
                "interpretation:multiple-as-factor",
                "24 / (five) = 4.8",
            ),
            ("shanghai-2023", "", "checkkind:total-vs-parts", "", "2 + 11 + 115 + 2 = 130 vs 129"),
            (
                "shanghai-2023",
                "",
                "checkkind:trend-direction",
                "",
                "[1.89, 1.9] (2022) → [1.75, 1.85] (2023): stated increase",
            ),
        ],
        stated={},
        said=[
            Said("invented-lanshan-2024", "侵犯商業秘密罪案件3件，是上年的三倍", "3 / (3 + 1) = [0.67, 0.86]"),
            Said("invented-qinghu-2024", "侵犯著作权罪案件23件，同比上升1.4倍", "23 / (1.4 + 1) = [9.39, 9.79]"),
            Said(
                SEED,
                "including 115 cases reversely transferred to administrative authorities for punishment after nolle "
                "prosequi, 11 cases of incidental civil actions, two prosecution-supported cases and two cases",
                "2 + 11 + 115 + 2 = 130 vs 129",
            ),
            Said(
                SEED,
                "24 cases of sales of pirate copies involving 46 perpetrators, the number of which rose by five times",
                "24 / (five) = 4.8",
            ),
        ],
    ),
    "08-entity-figures": Example(
        columns=("entity", "report", "unit", "value"),
        rows=[
            ("doc:tech-innovation-center-service-opinions", "report:shanghai-2023", "opinion", "20"),
            ("doc:tech-innovation-center-service-opinions", "report:shanghai-2023", "part", "5"),
            ("doc:tech-innovation-center-service-opinions", "report:shanghai-2023", "pathway", "4"),
        ],
        stated={"value": "report"},
        said=[
            Said(SEED, "20 opinions in five parts were put forward", "20"),
            Said(SEED, "20 opinions in five parts were put forward", "5"),
            Said(SEED, "could be realized on four pathways", "4"),
        ],
    ),
    "09-chinese-labels": Example(
        columns=("article", "charge", "name_en", "name_zh"),
        rows=[
            (
                "213",
                "charge:art-213-counterfeiting-registered-trademark",
                "counterfeiting registered trademarks",
                "假冒注册商标罪",
            ),
            (
                "214",
                "charge:art-214-selling-counterfeit-trademark-goods",
                "selling commodities bearing counterfeit registered trademarks",
                "销售假冒注册商标的商品罪",
            ),
            (
                "215",
                "charge:art-215-illegal-trademark-logos",
                "illegally manufacturing or selling illegally manufactured registered trademark logos",
                "非法制造、销售非法制造的注册商标标识罪",
            ),
            ("216", "charge:art-216-counterfeiting-patent", "counterfeiting patents", "假冒专利罪"),
            (
                "217",
                "charge:art-217-circumventing-technical-measures",
                "copyright infringement by circumventing technical measures",
                "侵犯著作权罪（避开或者破坏技术措施）",
            ),
            ("217", "charge:art-217-copyright-infringement", "copyright infringement", "侵犯著作权罪"),
            ("218", "charge:art-218-selling-infringing-copies", "selling infringing copies", "销售侵权复制品罪"),
            ("219", "charge:art-219-infringing-trade-secrets", "infringing trade secrets", "侵犯商业秘密罪"),
            (
                "219-1",
                "charge:art-219-1-trade-secrets-for-overseas",
                "stealing, spying, buying or illegally providing trade secrets for overseas institutions, "
                "organizations or persons",
                "为境外窃取、刺探、收买、非法提供商业秘密罪",
            ),
            ("220", "charge:art-220-unit-crime", "IP crimes committed by units", "单位犯侵犯知识产权罪"),
            (
                "253-1",
                "charge:infringing-personal-information",
                "infringing citizens' personal information",
                "侵犯公民个人信息罪",
            ),
            ("266", "charge:fraud", "fraud", "诈骗罪"),
            (
                "285",
                "charge:illegal-intrusion-computer-system",
                "illegally intruding into computer information systems",
                "非法侵入计算机信息系统罪",
            ),
        ],
        stated={},
        said=[
            Said("invented-qinghu-2024", "假冒注册商标罪案件数位居第一", "假冒注册商标罪"),
            Said("invented-qinghu-2024", "侵犯著作权罪案件23件", "侵犯著作权罪"),
            Said(SEED, "counterfeiting registered trademarks", "counterfeiting registered trademarks"),
            Said(SEED, "copyright infringement", "copyright infringement"),
        ],
        report_column=None,
    ),
    "10-observations-per-report": Example(
        columns=("report", "figures", "trends", "derived"),
        # figures and trends: counted in the report's data files (test below); derived: what ipgraph computes.
        rows=[
            ("report:invented-lanshan-2024", "10", "0", "6"),
            ("report:invented-minhang-2023", "6", "0", "1"),
            ("report:invented-national-2021-2023", "14", "0", "2"),
            ("report:invented-ningbo-2017-2021", "6", "0", "0"),
            ("report:invented-qinghu-2024", "17", "0", "8"),
            ("report:invented-shanghai-2024", "6", "0", "3"),
            ("report:shanghai-2023", "113", "39", "24"),
        ],
        stated={},
        said=[],
    ),
}


def _compact(iri: str) -> str:
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def cell(term: object) -> str:
    """A term as the doc prints it: a CURIE, a literal's text, a number without trailing zeros."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _compact(term.value)
    if isinstance(term, ox.Literal):
        if term.datatype.value in _NUMERIC:
            return format(Decimal(term.value).normalize(), "f")
        return term.value
    raise AssertionError(f"unexpected term {term!r}")


def _report_id(value: str) -> str:
    return value.removeprefix("report:")


def _report_folder(report: str) -> Path:
    for base in (DATA, FIXTURES):
        if (base / "reports" / report / "report.yaml").is_file():
            return base / "reports" / report
    raise AssertionError(f"no report folder for {report}")


def _text(report: str) -> str:
    folder = _report_folder(report)
    source = str(yaml.safe_load((folder / "report.yaml").read_text(encoding="utf-8"))["source"])
    return (folder / source).read_text(encoding="utf-8")


def _run(store: ox.Store, name: str) -> tuple[list[str], list[tuple[str, ...]]]:
    text = (EXAMPLE_DIR / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    variables = [v.value for v in result.variables]
    return variables, [tuple(cell(row[v]) for v in variables) for row in result]


def _ours(example: Example, variables: list[str], rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    if example.report_column is None:
        return rows
    at = variables.index(example.report_column)
    return [r for r in rows if _report_id(r[at]) in REPORTS]


def _doc_sections() -> dict[str, str]:
    """The part of the doc that shows each example: from its query block to the next example's heading."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.MULTILINE)
    found: dict[str, str] = {}
    for part in parts:
        m = re.search(r"\(querying/(\d\d-[a-z0-9-]+)\.rq\)", part)
        if m:
            found[m.group(1)] = part
    return found


def _doc_table(section: str) -> list[tuple[str, ...]]:
    """The first Markdown table after the query block: its header, then its rows (the rule left out)."""
    after = section.split("```sparql\n", 1)[1].split("\n```\n", 1)[1]
    lines = [ln for ln in after.splitlines() if ln.startswith("|")]
    table = []
    for line in lines[:1] + lines[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        table.append(tuple(cells))
    return table


NAMES = sorted(EXAMPLES)


def test_there_are_ten_examples_each_in_a_file() -> None:
    files = sorted(p.stem for p in EXAMPLE_DIR.glob("*.rq"))
    assert files == NAMES
    assert len(NAMES) == 10


@pytest.mark.parametrize("name", NAMES)
def test_the_example_answers_what_the_texts_say(name: str, combined_store: ox.Store) -> None:
    example = EXAMPLES[name]
    variables, rows = _run(combined_store, name)
    assert tuple(variables) == example.columns
    assert _ours(example, variables, rows) == example.rows


@pytest.mark.parametrize("name", NAMES)
def test_every_stated_figure_is_in_the_words_of_its_report(name: str) -> None:
    """The words given for a figure are in its report's text, and every stated figure of the answer has words."""
    example = EXAMPLES[name]
    for said in example.said:
        assert said.words in _text(said.report), f"{name}: {said.words!r} is not in {said.report}'s text"
        assert any(said.value in row for row in example.rows), f"{name}: {said.value!r} is in no row"
    known = {(s.report, s.value) for s in example.said}
    for column, report_of in example.stated.items():
        at = example.columns.index(column)
        for row in example.rows:
            if row[at] == "":
                continue
            report = _report_id(row[example.columns.index(report_of)]) if report_of in example.columns else report_of
            assert (report, row[at]) in known, f"{name}: {column} = {row[at]} of {report} has no words of the text"


def test_the_quote_of_example_3_is_the_text_between_its_offsets() -> None:
    """Example 3: the quote is the text between its offsets, under the section heading it names."""
    ((cases, section, heading, start, end, quote),) = EXAMPLES["03-figure-with-quote"].rows
    text = _text(SEED)
    assert text[int(start) : int(end)] == quote
    assert heading in text and f"{cases} cases" in quote and section == "I.1.2"


def test_the_counts_per_report_are_those_of_the_data_files() -> None:
    """Example 10: stated figures and trends, counted in each report's YAML (observations / trends of every block)."""
    for report, figures, trends, _derived in EXAMPLES["10-observations-per-report"].rows:
        folder = _report_folder(_report_id(report))
        counted = [0, 0]
        for path in folder.glob("*.yaml"):
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("facts") or []:
                counted[0] += len(block.get("observations") or [])
                counted[1] += len(block.get("trends") or [])
        assert counted == [int(figures), int(trends)], report


def test_a_count_is_an_integer_in_every_report(combined_store: ox.Store) -> None:
    """What the doc promises: ``ipg:obsValue 1369`` finds both reports that state 1,369 cases."""
    q = """PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
           PREFIX qb: <http://purl.org/linked-data/cube#>
           PREFIX dcterms: <http://purl.org/dc/terms/>
           SELECT DISTINCT ?report {
             ?o a ipg:StatedObservation ; ipg:obsValue 1369 ; qb:dataSet/dcterms:source ?report
           } ORDER BY ?report"""
    result = combined_store.query(q, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    found = [cell(row["report"]) for row in result]
    assert found == ["report:invented-qinghu-2024", "report:shanghai-2023"]


def test_the_doc_shows_every_example_verbatim_with_its_answer() -> None:
    sections = _doc_sections()
    assert sorted(sections) == NAMES
    for name in NAMES:
        query = (EXAMPLE_DIR / f"{name}.rq").read_text(encoding="utf-8")
        assert f"```sparql\n{query}```\n" in sections[name], f"docs/querying.md does not show {name}.rq as it is"
        table = _doc_table(sections[name])
        assert table[:1] == [EXAMPLES[name].columns], f"docs/querying.md: the columns of {name}"
        assert table[1:] == EXAMPLES[name].rows, f"docs/querying.md: the answer of {name}"


def test_the_readme_links_the_doc() -> None:
    assert "docs/querying.md" in (ROOT / "README.md").read_text(encoding="utf-8")
