"""Periods as intervals: a year, a span of years, a half-year, a quarter, a month or a span of months, each an
``ipg:Period`` resource; a multi-year total is checked against the sum of its years."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from ipgraph.cli import main
from ipgraph.derivation.arithmetic import Engine, Structure
from ipgraph.derivation.observations import Obs
from ipgraph.errors import InputError
from ipgraph.model.periods import PERIOD_BASE, parse_period, period_label, period_of_slug
from ipgraph.store.embedded import SelectResult, run_query

from .conftest import DATA, FIXTURES, ONTOLOGY


@pytest.mark.parametrize(
    ("written", "slug", "bounds", "en", "zh"),
    [
        (2023, "2023", (2023, 1, 2023, 12), "2023", "2023年"),
        ("2017-2021", "2017-2021", (2017, 1, 2021, 12), "2017–2021", "2017—2021年"),
        ("2023-H1", "2023-h1", (2023, 1, 2023, 6), "first half of 2023", "2023年上半年"),
        ("2023-h2", "2023-h2", (2023, 7, 2023, 12), "second half of 2023", "2023年下半年"),
        ("2023-Q3", "2023-q3", (2023, 7, 2023, 9), "Q3 2023", "2023年第三季度"),
        ("2023-04", "2023-04", (2023, 4, 2023, 4), "April 2023", "2023年4月"),
        (
            "2017/2021-08",
            "2017-01-to-2021-08",
            (2017, 1, 2021, 8),
            "January 2017 to August 2021",
            "2017年1月至2021年8月",
        ),
        ("2023-01/2023-06", "2023-h1", (2023, 1, 2023, 6), "first half of 2023", "2023年上半年"),
    ],
)
def test_each_form_of_period(written: object, slug: str, bounds: tuple[int, ...], en: str, zh: str) -> None:
    p = parse_period(written)
    assert (p.slug, (p.start_year, p.start_month, p.end_year, p.end_month)) == (slug, bounds)
    assert (p.label_en, p.label_zh) == (en, zh)
    assert period_of_slug(slug) == p, "the slug names the same period again"
    assert period_label(PERIOD_BASE + slug) == en


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("2023-13", "a month is 01 to 12"),
        ("2021-2017", "ends after it starts"),
        ("1850", "years lie from 1900 to 2100"),
        ("last year", "a period is a year (2023)"),
        (True, "a period is a year (2023)"),
        ("2023-Q5", "a period is a year (2023)"),
    ],
)
def test_a_bad_period_says_what_a_period_is(written: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_period(written)


def test_the_year_before_is_the_same_months_a_year_earlier() -> None:
    prev = parse_period("2023-Q3").previous_year()
    assert prev is not None and prev.slug == "2022-q3"
    assert parse_period("2017-2021").previous_year() is None


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = run_query(store, query)
    assert isinstance(result, SelectResult)
    return [tuple(row[v].value if row.get(v) is not None else "" for v in result.variables) for row in result.rows]


def test_a_five_year_total_is_an_interval_holding_its_years(combined_store: ox.Store) -> None:
    rows = _rows(
        combined_store,
        """PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
        SELECT ?v ?start ?end ?years WHERE {
          <https://w3id.org/ipgraph/id/obs/invented-ningbo-2017-2021-ip-criminal-cases-2017-2021>
            ipg:obsValue ?v ; ipg:refPeriod ?p .
          ?p a ipg:Period ; ipg:startYear ?start ; ipg:endYear ?end .
          { SELECT ?p (COUNT(?y) AS ?years) WHERE { ?p ipg:containsPeriod ?y } GROUP BY ?p }
        }""",
    )
    assert rows == [("1846", "2017", "2021", "5")]


def test_the_five_years_add_up_to_the_stated_total(combined_store: ox.Store) -> None:
    rows = _rows(
        combined_store,
        """PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
        SELECT ?expr ?verdict WHERE {
          ?c ipg:checkKind <https://w3id.org/ipgraph/id/checkkind/years-add-up> ; ipg:expression ?expr ;
             ipg:verdict ?verdict }""",
    )
    assert rows == [("310 + 342 + 365 + 398 + 431 = 1846 vs 1846", "https://w3id.org/ipgraph/id/verdict/consistent")]


def _year(value: int, period: str) -> Obs:
    dims = {
        "period": period, "area": "a", "entity": "e", "function": "criminal", "category": "ip-criminal",
        "charge": "ip-crime", "right": "intellectual-property", "breakdown": "total", "unit": "case",
        "measure": "count",
    }  # fmt: skip
    return Obs(URIRef(f"urn:x:{period}"), URIRef("urn:ds"), dims, Fraction(value), "exact", None, None, [], str(value))


def test_years_that_do_not_add_up_are_inconsistent_and_missing_years_undetermined() -> None:
    years = [_year(v, str(y)) for y, v in zip(range(2017, 2022), (310, 342, 365, 398, 431), strict=True)]
    e = Engine([*years, _year(1850, "2017-2021")], Structure({}, {}, {}, {}, {}))
    e.check_years_add_up()
    assert [(c.kind, c.verdict) for c in e.checks] == [("years-add-up", "inconsistent")]
    e = Engine([*years[:3], _year(1846, "2017-2021")], Structure({}, {}, {}, {}, {}))
    e.check_years_add_up()
    assert [c.verdict for c in e.checks] == ["undetermined"], "three of five years state less than the total"


def _data_with_period(tmp_path: Path, period: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "reports" / "invented-minhang-2023", data / "reports" / "invented-minhang-2023")
    shutil.copytree(FIXTURES / "sources", data / "sources")
    shutil.copytree(DATA / "shared", data / "shared")
    report = data / "reports" / "invented-minhang-2023" / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("period: 2023\n", f"period: {period}\n"), "utf-8")
    return data


def test_a_half_year_report_builds_and_trends_do_not_mix_it_with_a_year(tmp_path: Path) -> None:
    from ipgraph.model.dataset import assemble
    from ipgraph.model.graph import GRAPH_FACTS
    from ipgraph.model.namespace import IPG

    result = assemble([_data_with_period(tmp_path, '"2023-H1"')], ONTOLOGY)
    facts = result.dataset.graph(GRAPH_FACTS)
    half = URIRef(PERIOD_BASE + "2023-h1")
    obs = URIRef("https://w3id.org/ipgraph/id/obs/invented-minhang-2023-ip-criminal-cases")
    assert facts.value(obs, IPG.refPeriod) == half
    assert int(facts.value(half, IPG.endMonth)) == 6


def test_a_bad_period_in_a_data_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data_with_period(tmp_path, '"2023-13"')
    assert main(["build", "--no-bundled", "--data", str(data), "--out", str(tmp_path / "b"), "--no-validate"]) == 2
    err = capsys.readouterr().err
    assert "report.yaml" in err and "a month is 01 to 12" in err and err.count("\n") == 1
    with pytest.raises(InputError):
        from ipgraph.model.dataset import assemble

        assemble([data], ONTOLOGY)


def test_a_query_takes_a_period_of_any_kind(combined: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["query", "observations-by-measure", "--build", str(combined), "--format", "csv"]
    assert main([*args, "--param", "report=invented-ningbo-2017-2021", "--param", "measure=measure:count"]) == 0
    assert "period:2017-2021,1846" in capsys.readouterr().out
    mine = tmp_path / "q"
    mine.mkdir()
    (mine / "counts-in-a-period.rq").write_text(
        "#+ summary: counts stated for a period (a test query)\n"
        "#+ param: period period = 2023 -- the period\n"
        "PREFIX ipg: <https://w3id.org/ipgraph/ontology/>\n"
        "SELECT ?v WHERE { ?o a ipg:StatedObservation ; ipg:refPeriod ?period ; ipg:obsValue ?v } ORDER BY ?v\n",
        encoding="utf-8",
    )
    query = ["query", "counts-in-a-period", "--build", str(combined), "--queries", str(mine), "--format", "csv"]
    assert main([*query, "--param", "period=2017-2021"]) == 0
    assert capsys.readouterr().out.split() == ["v", "1846"]
    assert main([*query, "--param", "period=next year"]) == 2
    assert "parameter 'period' takes a period" in capsys.readouterr().err


def test_trends_and_check_show_periods_by_their_labels(combined: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trends", "--build", str(combined), "--report", "invented-ningbo-2017-2021"]) == 0
    out = capsys.readouterr().out
    assert "2020→2021" in out and "/id/period/" not in out
    main(["check", "--build", str(combined)])
    assert "/id/period/" not in capsys.readouterr().out
