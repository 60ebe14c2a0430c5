"""What a query reaches — SERVICE endpoints, FROM / FROM NAMED — read from its parse (ipgraph.store.sparqlcheck), and
FROM honoured by ``ipgraph query`` and the Python API over the local graphs.

The query texts are invented for these tests; 127.0.0.1:9 stands for any local listener.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ipgraph.model.prefixes import PREFIXES
from ipgraph.store import sparqlcheck as sc

ONTOLOGY_GRAPH = "https://w3id.org/ipgraph/graph/ontology"
L = "http://127.0.0.1:9/"

BYPASSES = [
    f"PREFIX : <{L}> SELECT * {{ SERVICE :x {{ ?s ?p ?o }} }}",
    f"PREFIX : <{L}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERVICESILENT<{L}> {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <{L}> SELECT * {{ SERVICEex:x {{ ?s ?p ?o }} }}",
    f"SELECT * {{ ?s ?p 1SERVICE <{L}> {{ ?a ?b ?c }} }}",
    f"SELECT * {{ # a note\r SERVICE <{L}> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ # a note\\u000D SERVICE <{L}> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ \\u0053ERVICE <{L}> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{L}> {{ ?a ?b ?c }} }} }}",
    f"SELECT * {{ {{ SELECT * {{ SERVICE <{L}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * { BIND(<http://127.0.0.1:9/> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    f"BASE <{L}> SELECT * {{ SERVICE <x> {{ ?s ?p ?o }} }}",
]
HARMLESS = [
    'SELECT * { ?s rdfs:label "Service stations"@en }',
    "SELECT * { <http://example.org/a.service> ?p ?o }",
    "SELECT * { ?s ?p ?o # this line mentions a service\n }",
    "SELECT * { ?s prov:wasDerivedFrom ?o }",
    "SELECT ?from ?service { ?from ?p ?service }",
    "# where do the figures come from?\nSELECT * { ?s ?p ?o } LIMIT 1",
]


@pytest.mark.parametrize("query", BYPASSES)
def test_service_bypasses_are_refused(query: str) -> None:
    with pytest.raises(sc.QueryRefused) as info:
        sc.check(query, prefixes=PREFIXES)
    assert info.value.status in (400, 403) and "SERVICE" in info.value.message


@pytest.mark.parametrize("query", HARMLESS)
def test_harmless_mentions_are_accepted(query: str) -> None:
    result = sc.check(query, prefixes=PREFIXES, allowed_graphs=[ONTOLOGY_GRAPH])
    assert result.services == [] and not result.has_dataset


def test_a_comment_ending_in_a_carriage_return_does_not_hide_from() -> None:
    result = sc.analyze(f"SELECT * # note\rFROM <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }}")
    assert result.default_graphs == [ONTOLOGY_GRAPH]
    with pytest.raises(sc.QueryRefused, match="FROM <file:///etc/passwd> is refused"):
        sc.check("SELECT * # note\rFROM <file:///etc/passwd> { ?s ?p ?o }", allowed_graphs=[ONTOLOGY_GRAPH])


def test_dataset_clause_is_read() -> None:
    q = f"PREFIX g: <https://w3id.org/ipgraph/graph/> SELECT * FROM g:ontology FROM NAMED <{ONTOLOGY_GRAPH}> {{ }}"
    result = sc.analyze(q)
    assert result.default_graphs == [ONTOLOGY_GRAPH] and result.named_graphs == [ONTOLOGY_GRAPH]


@pytest.mark.parametrize(
    ("iri", "allowed"),
    [
        ("https://query.wikidata.org/sparql", True),
        ("https://QUERY.wikidata.org:443/sparql", True),
        ("https://query.wikidata.org@127.0.0.1:9/", False),
        ("https://user@query.wikidata.org/sparql", False),
        ("https://query.wikidata.org.example.net/sparql", False),
        ("https://query.wikidata.org:9/sparql", False),
        ("http://query.wikidata.org/sparql", False),
        ("https://127.0.0.1:9/", False),
    ],
)
def test_allow_list_is_exact(iri: str, allowed: bool) -> None:
    assert sc.endpoint_allowed(iri, ["https://query.wikidata.org"]) is allowed
    query = f"SELECT * {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"
    if allowed:
        assert sc.check(query, allowed_services=["https://query.wikidata.org"]).services == [iri]
    else:
        with pytest.raises(sc.QueryRefused):
            sc.check(query, allowed_services=["https://query.wikidata.org"])


def test_an_allowed_path_must_match() -> None:
    allowed = ["https://query.wikidata.org/sparql"]
    assert sc.endpoint_allowed("https://query.wikidata.org/sparql", allowed)
    assert not sc.endpoint_allowed("https://query.wikidata.org/other", allowed)


def test_deep_nesting_is_a_400() -> None:
    with pytest.raises(sc.QueryRefused) as info:
        sc.check("SELECT * " + "{" * 10_000 + "}" * 10_000)
    assert info.value.status == 400 and "nested too deeply" in info.value.message
    # brackets inside strings and comments do not count
    assert sc.nesting_depth("SELECT * { BIND('" + "(" * 5000 + "' AS ?x) } # " + "[" * 5000) == 2


def test_long_keyword_runs_are_checked_quickly() -> None:
    # linear work: 131,000 repetitions parse (and fail) as one text, not once per occurrence
    with pytest.raises(sc.QueryRefused) as info:
        sc.check("SERVICE " * 131_000)
    assert info.value.status == 400


def test_updates_are_named_as_such() -> None:
    with pytest.raises(sc.QueryRefused) as info:
        sc.check("INSERT { <http://a> <http://b> <http://c> } WHERE { SERVICE <http://x/> { } }")
    assert info.value.status == 403 and "read-only" in info.value.message


def test_verdicts_are_cached_and_bounded() -> None:
    cache = sc._Cache(entries=3, text_bytes=10_000)
    for i in range(10):
        cache.put((f"q{i}" * 100, ()), sc.Analysis(True))
    assert len(cache._items) <= 3 and cache.size <= 10_000


# ---- FROM honoured locally (issue: FROM was ignored, the union was always queried) -----------------------
def test_cli_query_honours_from(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ipgraph.cli import main

    def count(query: str) -> int:
        assert main(["query", "--build", str(built), "-e", query, "--format", "csv"]) == 0
        return int(capsys.readouterr().out.strip().splitlines()[-1])

    total = count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    onto = count(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    assert 0 < onto < total
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }}") == onto
    assert count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}") == onto
    # FROM NAMED alone: the default graph is empty (SPARQL 1.1 §13.2), nothing is fetched
    assert count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }}") == 0
    assert count("SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/nothing-here> { ?s ?p ?o }") == 0


def test_cli_refuses_service_and_deep_nesting(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ipgraph.cli import main

    for query in (BYPASSES[0], BYPASSES[5], "SELECT * " + "{" * 10_000 + "}" * 10_000):
        assert main(["query", "--build", str(built), "-e", query]) == 2
        err = capsys.readouterr().err
        assert err.startswith("ipgraph: error:") and len(err.strip().splitlines()) == 1


def test_api_honours_from(built: Path) -> None:
    from ipgraph.api import KnowledgeGraph

    kg = KnowledgeGraph(built)
    all_ = kg.sparql("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    onto = kg.sparql(f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }}")
    in_graph = kg.sparql(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    n_all, n_onto = int(next(iter(all_))["n"]), int(next(iter(onto))["n"])
    assert n_onto == int(next(iter(in_graph))["n"]) and 0 < n_onto < n_all


def test_precheck_dismisses_only_what_cannot_be_code() -> None:
    # no parse needed: an IRI, a whole-line comment (no long string, no escape: every line starts in code)
    assert not sc.keyword_may_occur("SELECT * { ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?o }")
    assert not sc.keyword_may_occur("SELECT * { ?s ?p ?o .\n  # the report's service stations\n}")
    assert not sc.keyword_may_occur("SELECT ?derived_from { ?s ex:wasDerivedFrom ?derived_from }")
    # parse needed: an escape or a long string may move line starts; a less-than is not an IRI
    assert sc.keyword_may_occur(f'SELECT * {{ BIND("x\\u000A#" AS ?v) SERVICE <{L}> {{ }} }}')
    assert sc.keyword_may_occur(f'SELECT * {{ BIND("""\n# x""" AS ?v) SERVICE <{L}> {{ }} }}')
    assert sc.keyword_may_occur(f"SELECT * {{ FILTER(?a<?b) SERVICE <{L}> {{ }} }}")


@pytest.mark.parametrize(
    "query",
    [
        f'SELECT * {{ BIND("x\\u000A#" AS ?v) SERVICE <{L}> {{ ?s ?p ?o }} }}',
        f'SELECT * {{ BIND("""\n# x""" AS ?v) SERVICE <{L}> {{ ?s ?p ?o }} }}',
        f"SELECT * {{ FILTER(?a<?b) SERVICE <{L}> {{ ?s ?p ?o }} }}",
    ],
)
def test_tricky_line_starts_are_still_refused(query: str) -> None:
    with pytest.raises(sc.QueryRefused) as info:
        sc.check(query)
    assert "SERVICE" in info.value.message
