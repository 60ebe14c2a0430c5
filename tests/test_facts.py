"""The facts of the report: every number covered, every quote verbatim at its offsets, the graph conforms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, URIRef

from ipgraph.checks.coverage import report_coverage
from ipgraph.model.graph import GRAPH_PROVENANCE, BuildResult
from ipgraph.model.namespace import IPG
from ipgraph.model.prefixes import PREFIXES

from .conftest import DATA, ONTOLOGY

OA = PREFIXES["oa"]


def test_every_number_of_the_source_is_covered(build_result: BuildResult) -> None:
    report = build_result.reports["shanghai-2023"]
    cov = report_coverage(report, build_result.sources["shanghai-2023"], build_result.quote_spans["shanghai-2023"])
    assert cov.total == 164
    listed = [f"line {u.line}: {u.mention.text!r} in …{u.context}…" for u in cov.uncovered]
    assert listed == []
    assert cov.unused_exclusions == []


def test_the_coverage_command_lists_an_uncovered_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Take a fact file away: its numbers are listed and the command fails."""
    import shutil

    from ipgraph.cli import main

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "reports" / "shanghai-2023" / "part-5-6.yaml").unlink()
    assert main(["coverage", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "'22' in “…" in out and "uncovered" in out


def test_every_quote_is_verbatim_at_its_offsets(build_result: BuildResult) -> None:
    text = build_result.sources["shanghai-2023"].text
    prov = build_result.dataset.graph(GRAPH_PROVENANCE)
    quotes = list(prov.subjects(RDF.type, IPG.SourceQuote))
    assert len(quotes) > 200
    for q in quotes:
        selectors = list(prov.objects(q, URIRef(OA + "hasSelector")))
        exact = next(str(prov.value(s, URIRef(OA + "exact"))) for s in selectors if prov.value(s, URIRef(OA + "exact")))
        start = next(int(prov.value(s, URIRef(OA + "start"))) for s in selectors if prov.value(s, URIRef(OA + "start")))
        end = next(int(prov.value(s, URIRef(OA + "end"))) for s in selectors if prov.value(s, URIRef(OA + "end")))
        assert text[start:end] == exact


def test_every_stated_figure_has_a_quote_that_writes_it(build_result: BuildResult) -> None:
    from decimal import Decimal

    from ipgraph.reading.numerals import value_occurs

    ds = build_result.dataset
    for obs in ds.subjects(RDF.type, IPG.StatedObservation):
        value = ds.value(obs, IPG.obsValue)
        quotes = [
            str(ds.value(sel, URIRef(OA + "exact")))
            for q in ds.objects(obs, URIRef(PREFIXES["prov"] + "wasDerivedFrom"))
            for sel in ds.objects(q, URIRef(OA + "hasSelector"))
            if ds.value(sel, URIRef(OA + "exact")) is not None
        ]
        assert quotes, obs
        if value is not None:
            assert any(value_occurs(Decimal(str(value)), t) for t in quotes), obs


def test_shapes_and_health_queries_pass_on_the_report(build_result: BuildResult) -> None:
    from ipgraph.checks.validate import validate_result
    from ipgraph.derivation.emit import derive_into

    derive_into(build_result.dataset)
    report = validate_result(build_result, ONTOLOGY)
    assert report.messages() == []


@pytest.mark.slow
def test_owl_consistency_with_the_data(build_result: BuildResult) -> None:
    from ipgraph.checks.graph_checks import JavaNotFoundError
    from ipgraph.checks.validate import validate_all

    try:
        report = validate_all(DATA, ONTOLOGY)
    except JavaNotFoundError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"no Java for HermiT: {exc}")
    assert report.conforms, report.text()
    assert "OWL 2 consistency (HermiT)" in report.violations or "OWL 2 consistency (HermiT)" in report.skipped


def test_key_figures_read_off_the_report(store: object) -> None:
    """A few figures straight from the text, queried by meaning."""
    from ipgraph.store.embedded import SelectResult, run_query

    q = """SELECT ?v WHERE { ?o a ipg:StatedObservation ; ipg:caseCategory ?c ; ipg:statUnit ?u ;
             ipg:statMeasure measure:count ; ipg:breakdown breakdown:total ; ipg:charge charge:ip-crime ;
             ipg:rightType right:intellectual-property ; ipg:refPeriod <https://w3id.org/ipgraph/id/period/2023> ;
             ipg:obsValue ?v }"""
    expected = {
        ("ip-criminal", "case"): "1369",
        ("ip-criminal", "perpetrator"): "2810",
        ("non-prosecution", "case"): "153",
        ("non-prosecution", "perpetrator"): "337",
        ("comprehensive-performance", "case"): "129",
        ("pil-clue", "clue"): "18",
        ("registration-supervision", "case"): "283",
    }
    import pyoxigraph as ox

    assert isinstance(store, ox.Store)
    for (cat, unit), value in expected.items():
        bindings = {
            "c": ox.NamedNode(PREFIXES["category"] + cat),
            "u": ox.NamedNode(PREFIXES["unit"] + unit),
        }
        result = run_query(store, q, bindings)
        assert isinstance(result, SelectResult)
        assert [r["v"].value for r in result.rows] == [value], (cat, unit)


def test_a_count_is_found_by_a_plain_integer(store: object) -> None:
    """A newcomer's query: the text says “1,369 cases” (I.1.1); SPARQL's ``1369`` is an xsd:integer and finds it."""
    import pyoxigraph as ox

    from ipgraph.store.embedded import run_query

    assert isinstance(store, ox.Store)
    assert run_query(store, "ASK { ?o ipg:obsValue 1369 }") is True
    assert run_query(store, "ASK { ?o ipg:obsValue 2810 ; ipg:statUnit unit:perpetrator }") is True
    assert run_query(store, "ASK { ?o ipg:obsValue 88.8 ; ipg:statMeasure measure:share }") is True  # “88.8%”


def test_counts_and_ranks_are_integers_and_every_other_figure_a_decimal(store: object) -> None:
    """Stated counts and ranks are whole numbers (xsd:integer); shares, rates, changes, durations and derived values
    may have fractions (xsd:decimal)."""
    import pyoxigraph as ox

    from ipgraph.store.embedded import SelectResult, run_query

    assert isinstance(store, ox.Store)
    q = """SELECT DISTINCT ?stated ?measure ?type WHERE {
             ?o ipg:obsValue ?v ; ipg:statMeasure ?measure .
             BIND (EXISTS { ?o a ipg:StatedObservation } AS ?stated)
             BIND (DATATYPE(?v) AS ?type) }"""
    result = run_query(store, q)
    assert isinstance(result, SelectResult)
    seen: dict[tuple[bool, str], set[str]] = {}
    for row in result.rows:
        key = (row["stated"].value == "true", row["measure"].value.rsplit("/", 1)[1])
        seen.setdefault(key, set()).add(row["type"].value.rsplit("#", 1)[1])
    assert seen[(True, "count")] == {"integer"}
    assert seen[(True, "rank")] == {"integer"}
    assert seen[(True, "share")] == seen[(True, "change-rate")] == {"decimal"}
    assert seen[(False, "count")] == {"decimal"}, "derived prior-year counts have fractions"
    others = {t for (stated, m), types in seen.items() if stated and m not in ("count", "rank") for t in types}
    assert others == {"decimal"}
