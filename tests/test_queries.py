"""Every catalog query has a pinned answer, read off the report, and the graph gives exactly that answer."""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph.query.catalog import REPORT_TYPE, parse_query_text, report_iri
from ipgraph.query.results import cell
from ipgraph.store.embedded import SelectResult, run_query, term_for

from .conftest import QUERIES, ROOT

EXPECTED = ROOT / "tests" / "queries"
SEED_REPORT = "shanghai-2023"
#: What makes a query report-level: it reads figures, checks, quotes or sections, which belong to one report.
REPORT_LEVEL = re.compile(
    r"ipg:(StatedObservation|DerivedObservation|ConsistencyCheck|SourceQuote|sectionNumber)|qb:dataSet"
)
CATALOG = sorted(p for p in QUERIES.glob("*.rq") if not p.stem.startswith("link-"))  # test_link_queries.py


def _norm(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return format(d.quantize(Decimal("0.0001")).normalize(), "f") if d == d else value


def _read_expected(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_catalog_is_not_empty() -> None:
    assert len(CATALOG) >= 50, f"only {len(CATALOG)} catalog queries"


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.stem)
def test_query_gives_pinned_answer(path: Path, store: ox.Store) -> None:
    expected_path = EXPECTED / f"{path.stem}.expected.csv"
    assert expected_path.is_file(), f"{path.name} has no pinned answer {expected_path.relative_to(ROOT)}"
    query = parse_query_text(path.stem, path.read_text(encoding="utf-8"), path)
    assert query.summary, f"{path.name} has no '#+ summary:'"
    bindings = {
        p.name: term_for(p.default, p.type) for p in query.params if p.default is not None and p.type != "report"
    }
    for p in query.params:  # the seed's pinned answers are asked of the seed's report
        if p.type == REPORT_TYPE:
            bindings[p.name] = term_for(report_iri(p.name, SEED_REPORT), "iri")
    result = run_query(store, query.text, bindings)
    if isinstance(result, bool):
        header, rows = ["ask"], [["true" if result else "false"]]
    else:
        assert isinstance(result, SelectResult), "catalog queries are SELECT or ASK"
        header, rows = result.variables, [[cell(r.get(v)) for v in result.variables] for r in result.rows]
    exp_header, exp_rows = _read_expected(expected_path)
    assert header == exp_header
    actual = [[_norm(c) for c in r] for r in rows]
    wanted = [[_norm(c) for c in r] for r in exp_rows]
    if not query.ordered:
        actual, wanted = sorted(actual), sorted(wanted)
    assert actual == wanted


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.stem)
def test_report_level_query_takes_report(path: Path) -> None:
    """A query about a report's figures, checks, quotes or sections can be asked of one report."""
    query = parse_query_text(path.stem, path.read_text(encoding="utf-8"), path)
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    body = re.sub(r"FILTER NOT EXISTS \{[^{}]*\}", "", body)  # excluding figures does not make a query report-level
    takes = [p for p in query.params if p.type == REPORT_TYPE]
    if REPORT_LEVEL.search(body):
        assert [p.name for p in takes] == ["report"], f"{path.name} is report-level but takes no 'report' parameter"
        assert takes[0].default is None, "with no report given, a query answers for every report"
    if takes:
        assert re.search(r"SELECT\s+(DISTINCT\s+)?\?report\b", query.text), "the report column comes first"


def test_a_parameter_is_bound_inside_the_sub_selects_that_pass_it_out() -> None:
    """A sub-SELECT runs before the pattern around it: a report bound only at the top would make it compute every
    report's rows. It is bound where the sub-SELECT projects it as it is, not where an AS computes it."""
    import pyoxigraph as ox

    from ipgraph.store.embedded import bind_values

    text = (
        "SELECT ?report ?n WHERE { { SELECT ?report ?x WHERE { ?x <p> ?report } } "
        '{ SELECT (COUNT(*) AS ?report) WHERE { ?y <q> "} SELECT ?report {" } } }'
    )
    bound = bind_values(text, {"report": ox.NamedNode("https://w3id.org/ipgraph/id/report/a")})
    values = "VALUES (?report) { (<https://w3id.org/ipgraph/id/report/a>) }"
    assert bound.count(values) == 2
    assert bound.index(values) < bound.index("{ SELECT ?report ?x")
    assert "WHERE { " + values + " ?x <p> ?report }" in bound
    assert '"} SELECT ?report {"' in bound  # a string is not a query


@pytest.mark.parametrize(
    "name",
    [
        "cq-20-implied-2022-counts",
        "perpetrators-per-case",
        "criminal-cases-by-charge",
        "parts-of-totals",
        "fastest-growing-categories",
    ],
)
def test_figures_paired_in_sub_selects_give_a_report_its_rows_among_all(name: str, combined_store: ox.Store) -> None:
    """The queries that pair a report's figures in sub-SELECTs: asked of one report (the parameter bound inside
    them), the rows that report has when every report is asked."""
    from ipgraph.query.ask import bind
    from ipgraph.query.catalog import load_catalog

    q = load_catalog([ROOT / "queries"])[name]
    defaults = {p.name: (p.type, p.default) for p in q.params}
    every = run_query(combined_store, q.text, bind(defaults, {}, catalog=True))  # type: ignore[arg-type]
    assert isinstance(every, SelectResult)
    reports = {str(row["report"]) for row in every.rows}
    assert reports, "the combined build should give these figures"
    for report in sorted(reports):
        rid = report.rsplit("/", 1)[-1].rstrip(">")
        one = run_query(  # type: ignore[arg-type]
            combined_store, q.text, bind({**defaults, "report": ("report", rid)}, {}, catalog=True)
        )
        assert isinstance(one, SelectResult)
        assert sorted(map(str, one.rows)) == sorted(str(r) for r in every.rows if str(r["report"]) == report)
