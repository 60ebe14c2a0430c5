"""The ontology: canonical Turtle, healthy (no violation-query rows), OWL-consistent, with the content it
promises.

The health queries are also run on a deliberately broken mini-ontology, so that they are known to be able to
fail, and HermiT is shown unsatisfiable classes and an inconsistency for the same reason.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from ipgraph.checks.graph_checks import (
    JavaNotFoundError,
    Violation,
    canonical_turtle_problems,
    check_owl_consistency,
    find_java,
    query_header,
    run_health_queries,
)
from ipgraph.model.namespace import ID_PREFIXES, IPG, id_namespace

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "ipgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CHECKS = ROOT / "queries" / "checks"
QUERY_FILES = sorted(CHECKS.glob("*-violation.rq"))

CHARGE = id_namespace("charge")
RIGHT = id_namespace("right")
LAW = id_namespace("law")
ARTICLE = id_namespace("article")
FUNCTION = id_namespace("function")
SCHEME = id_namespace("scheme")
WD = Namespace("http://www.wikidata.org/entity/")
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)

java_required = pytest.mark.skipif(
    os.environ.get("JAVA_HOME") is None and shutil.which("java") is None,
    reason="no Java runtime (JAVA_HOME unset and no 'java' on PATH): HermiT cannot run",
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _rows(violations: list[Violation]) -> str:
    return "\n".join(str(v) for v in violations)


# -------------------------------------------------------------------------------------- canonical form


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_turtle_is_canonical(path: Path) -> None:
    problem = canonical_turtle_problems(path)
    assert problem is None, f"{problem}\nre-serialize it: Graph().parse(path).serialize(path, format='longturtle')"


def test_canonical_check_reports_the_first_difference(tmp_path: Path) -> None:
    text = ONTOLOGY.read_text(encoding="utf-8")
    moved = tmp_path / "moved.ttl"
    moved.write_text(text.replace("    a owl:Class ;\n", "    a owl:Class;\n", 1), encoding="utf-8")
    assert canonical_turtle_problems(moved) is not None
    assert "line" in (canonical_turtle_problems(moved) or "")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e.org/a> <http://e.org/b> .\n", encoding="utf-8")
    assert "does not parse" in (canonical_turtle_problems(broken) or "")


# -------------------------------------------------------------------------------------- health queries


@pytest.fixture(scope="module")
def ontology_health(ontology: Graph) -> list[Violation]:
    return run_health_queries(ontology, CHECKS)


def test_there_are_health_queries() -> None:
    assert len(QUERY_FILES) >= 10


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_health_query_passes_on_the_ontology(path: Path, ontology_health: list[Violation]) -> None:
    rows = [v for v in ontology_health if v.check == path.stem]
    assert not rows, f"{len(rows)} row(s):\n{_rows(rows)}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_health_query_has_a_header_and_parses(path: Path) -> None:
    import pyoxigraph
    from rdflib.plugins.sparql import prepareQuery

    text = path.read_text(encoding="utf-8")
    header = query_header(text)
    assert header.get("summary"), "missing '#+ summary:'"
    assert header.get("description"), "missing '#+ description:'"
    prepareQuery(text)
    pyoxigraph.Store().query(text)  # oxigraph parses it too
    assert "?term" in text and "?message" in text


BROKEN_ONTOLOGY = """
PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
PREFIX charge: <https://w3id.org/ipgraph/id/charge/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

ipg:Charge a owl:Class ; rdfs:subClassOf skos:Concept ;
    rdfs:label "charge"@en , "罪名"@zh ; skos:definition "A charge."@en .
skos:Concept a owl:Class ; rdfs:label "concept"@en , "概念"@zh ; skos:definition "A SKOS concept."@en .

# a class named like a property, with no label and no definition
ipg:badClass a owl:Class ; rdfs:subClassOf ipg:Missing .
# a property named like a class, without domain or range
ipg:BadProperty a owl:ObjectProperty ;
    rdfs:label "bad property"@en , "坏属性"@zh ; skos:definition "A property without axioms."@en .
# a concept with a slug that is not lowercase, two English preferred labels and no scheme
charge:Bad_Slug a ipg:Charge ;
    rdfs:label "bad slug"@en , "坏标识"@zh ; skos:definition "A badly named concept."@en ;
    skos:prefLabel "bad slug"@en , "another bad slug"@en .
"""

BROKEN_DATA = """
PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
<https://w3id.org/ipgraph/id/obs/example> a ipg:UndeclaredClass ; ipg:undeclaredProperty 1 .
"""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_health_queries_fail_on_a_broken_ontology(tmp_path: Path, engine: str) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN_ONTOLOGY, encoding="utf-8")
    graph = Graph().parse(broken, format="turtle")
    graph.parse(data=BROKEN_DATA, format="turtle")
    violations = run_health_queries(graph, CHECKS, engine=engine)  # type: ignore[arg-type]
    found = {(v.check, v.focus.rsplit("/", 1)[-1]) for v in violations}
    expected = {
        ("missing-label-en-violation", "badClass"),
        ("missing-label-zh-violation", "badClass"),
        ("missing-definition-violation", "badClass"),
        ("missing-type-violation", "Missing"),
        ("property-domain-range-violation", "BadProperty"),
        ("naming-violation", "badClass"),
        ("naming-violation", "BadProperty"),
        ("naming-violation", "Missing"),
        ("naming-violation", "Bad_Slug"),
        ("concept-without-scheme-violation", "Bad_Slug"),
        ("multiple-preflabel-violation", "Bad_Slug"),
        ("undeclared-property-violation", "undeclaredProperty"),
        ("undeclared-class-violation", "UndeclaredClass"),
    }
    assert expected <= found, f"not found: {sorted(expected - found)}\nall rows:\n{_rows(violations)}"
    assert {check for check, _ in found} == {p.stem for p in QUERY_FILES}, "every query must be able to fail"
    assert all(v.message for v in violations)


def test_naming_query_knows_every_identifier_prefix(tmp_path: Path) -> None:
    graph = Graph()
    label = Literal("x", lang="en")
    for prefix in ID_PREFIXES:
        graph.add((id_namespace(prefix)["good-slug.2"], RDFS.label, label))
        graph.add((id_namespace(prefix)["Bad-Slug"], RDFS.label, label))
    graph.add((URIRef("https://w3id.org/ipgraph/id/unknownprefix/good-slug"), RDFS.label, label))
    only_naming = tmp_path / "checks"
    only_naming.mkdir()
    shutil.copy(CHECKS / "naming-violation.rq", only_naming)
    flagged = {v.focus for v in run_health_queries(graph, only_naming)}
    assert flagged == {str(id_namespace(p)["Bad-Slug"]) for p in ID_PREFIXES} | {
        "https://w3id.org/ipgraph/id/unknownprefix/good-slug"
    }


def _prefix_alternatives(text: str) -> list[set[str]]:
    """The ``id/(a|b|c)/`` prefix alternatives written in a query."""
    return [set(group.split("|")) for group in re.findall(r"ipgraph/id/\(([a-z|]+)\)/", text)]


@pytest.mark.parametrize(
    "name",
    [
        "missing-label-en-violation",
        "missing-label-zh-violation",
        "missing-definition-violation",
        "missing-type-violation",
    ],
)
def test_term_queries_cover_every_prefix_the_ontology_defines_terms_under(ontology: Graph, name: str) -> None:
    """The term checks list the ontology's identifier prefixes; a new code list must be added to them."""
    base = "https://w3id.org/ipgraph/id/"
    in_ontology = {str(s)[len(base) :].split("/", 1)[0] for s in ontology.subjects() if str(s).startswith(base)}
    (written,) = _prefix_alternatives((CHECKS / f"{name}.rq").read_text(encoding="utf-8"))
    assert written == in_ontology, (
        f"{name}.rq lists id/ prefixes {sorted(written)};\nthe ontology defines terms under {sorted(in_ontology)}"
    )


def test_naming_query_lists_every_identifier_prefix() -> None:
    (written,) = _prefix_alternatives((CHECKS / "naming-violation.rq").read_text(encoding="utf-8"))
    assert written == set(ID_PREFIXES)


def test_health_queries_run_on_a_dataset(ontology: Graph) -> None:
    from rdflib import Dataset

    ds = Dataset()
    onto = ds.graph(URIRef("https://w3id.org/ipgraph/graph/ontology"))
    for triple in ontology:
        onto.add(triple)
    facts = ds.graph(URIRef("https://w3id.org/ipgraph/graph/facts"))
    facts.add(
        (
            URIRef("https://w3id.org/ipgraph/id/inst/x"),
            IPG.jurisdiction,
            URIRef("https://w3id.org/ipgraph/id/place/y"),
        )
    )
    facts.add((URIRef("https://w3id.org/ipgraph/id/inst/x"), URIRef(str(IPG._NS) + "jurisdicton"), Literal(1)))
    checks = {v.check: v for v in run_health_queries(ds, CHECKS)}
    assert set(checks) == {"undeclared-property-violation"}
    assert checks["undeclared-property-violation"].focus.endswith("/jurisdicton")


def test_health_queries_see_every_term_as_rdflib_writes_it() -> None:
    """The store the health queries run on is written term by term, not by rdflib's serializer: the same triples
    (awkward literals, language tags, datatypes, blank nodes across graphs) must arrive."""
    import pyoxigraph
    from rdflib import BNode, Dataset

    from ipgraph.checks.graph_checks import _oxigraph_store

    ds = Dataset()
    node, other = BNode(), BNode()
    x = URIRef("https://w3id.org/ipgraph/id/inst/x")
    facts = ds.graph(URIRef("https://w3id.org/ipgraph/graph/facts"))
    prov = ds.graph(URIRef("https://w3id.org/ipgraph/graph/provenance"))
    for value in (
        Literal('a "quoted"\nline\r with \\ and \t tab'),
        Literal("上海市人民检察院", lang="zh"),
        Literal("12", datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")),
        Literal("1.50", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
        Literal("𝔘 outside the basic plane"),
    ):
        facts.add((x, RDFS.label, value))
    facts.add((x, RDFS.seeAlso, node))
    prov.add((node, RDFS.seeAlso, other))
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    written = union.serialize(format="nt", encoding="utf-8")
    parsed = pyoxigraph.parse(written, format=pyoxigraph.RdfFormat.N_TRIPLES, rename_blank_nodes=False)
    reference = pyoxigraph.Store()  # a store keeps numbers by value (1.50 and 1.5 are one literal), so compare stores
    reference.extend(parsed)
    expected = {q.triple for q in reference}
    assert {q.triple for q in _oxigraph_store(ds)} == expected  # blank nodes keep rdflib's labels
    assert len(expected) == 7
    assert pyoxigraph.BlankNode(str(node)) in {t.subject for t in expected}


# --------------------------------------------------------------------------------------- OWL reasoning


@pytest.mark.slow
@java_required
def test_ontology_is_consistent_with_no_unsatisfiable_classes() -> None:
    started = time.perf_counter()
    result = check_owl_consistency(ONTOLOGY)
    elapsed = time.perf_counter() - started
    assert result.consistent, "HermiT: the ontology is inconsistent"
    assert result.unsatisfiable == (), f"unsatisfiable classes: {result.unsatisfiable}"
    assert result.ok
    # periods are ipg:Period resources, so the ontology needs no xsd:gYear (outside the OWL 2 datatype map)
    assert "http://www.w3.org/2001/XMLSchema#gYear" not in result.ignored_datatypes
    assert elapsed < 120


BROKEN_OWL = """
PREFIX : <http://example.org/broken#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
<http://example.org/broken> a owl:Ontology .
:A a owl:Class . :B a owl:Class ; owl:disjointWith :A .
:C a owl:Class ; rdfs:subClassOf :A , :B .
"""


@pytest.mark.slow
@java_required
def test_reasoner_finds_unsatisfiable_classes_and_inconsistency(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN_OWL, encoding="utf-8")
    result = check_owl_consistency(path)
    assert result.consistent
    assert result.unsatisfiable == ("http://example.org/broken#C",)
    assert not result.ok
    both = Graph().parse(
        data="<http://example.org/x> a <http://example.org/broken#A> , <http://example.org/broken#B> .",
        format="turtle",
    )
    inconsistent = check_owl_consistency(path, extra=both)
    assert not inconsistent.consistent
    assert not inconsistent.ok


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFoundError, match="needs Java"):
        find_java()
    with pytest.raises(JavaNotFoundError):
        check_owl_consistency(ONTOLOGY)


def test_java_home_is_preferred(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\n", encoding="utf-8")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert find_java() == str(java)


# ------------------------------------------------------------------------------------ closed namespace


def test_closed_namespace_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    declared = {
        str(s)[len(str(IPG._NS)) :]
        for t in (OWL.Class, *PROPERTY_TYPES)
        for s in ontology.subjects(RDF.type, t)
        if str(s).startswith(str(IPG._NS))
    }
    in_python = set(IPG.__annotations__)
    assert not declared - in_python, f"in the ontology, missing from IPG: {sorted(declared - in_python)}"
    assert not in_python - declared, f"in IPG, not declared by the ontology: {sorted(in_python - declared)}"


# --------------------------------------------------------------------------------------------- content


VOUCHED_RIGHTS = {
    RIGHT["intellectual-property"]: WD.Q131257,
    RIGHT["trademark"]: WD.Q167270,
    RIGHT["copyright"]: WD.Q1297822,
    RIGHT["patent"]: WD.Q253623,
}
VOUCHED_PLACES = {
    WD.Q8686,
    WD.Q16963,
    WD.Q16967,
    WD.Q40956,
    WD.Q148,
}  # Shanghai, Jiangsu, Zhejiang, Anhui, PRC


def test_wikidata_matches_are_exactly_the_vouched_ones(ontology: Graph) -> None:
    matches = {(s, o) for s, _, o in ontology if isinstance(o, URIRef) and str(o).startswith(str(WD))}
    rights = {(s, o) for s, o in matches if o not in VOUCHED_PLACES}
    assert rights == set(VOUCHED_RIGHTS.items())
    for s, o in matches:
        assert (s, SKOS.exactMatch, o) in ontology, f"{s} -> {o} should be skos:exactMatch"


IP_ARTICLES = ("213", "214", "215", "216", "217", "218", "219", "219-1", "220")


def _ip_charges(ontology: Graph) -> list[URIRef]:
    top = CHARGE["ip-crime"]
    return [
        c
        for c in ontology.subjects(RDF.type, IPG.Charge)
        if isinstance(c, URIRef) and c != top and top in set(ontology.transitive_objects(c, SKOS.broader))
    ]


@pytest.mark.parametrize("article", IP_ARTICLES)
def test_each_ip_charge_is_complete(ontology: Graph, article: str) -> None:
    charges = [c for c in _ip_charges(ontology) if (c, IPG.articleNumber, Literal(article)) in ontology]
    assert charges, f"no IP charge with ipg:articleNumber {article!r}"
    for charge in charges:
        zh = [lbl for lbl in ontology.objects(charge, RDFS.label) if getattr(lbl, "language", None) == "zh"]
        assert zh, f"{charge} has no Chinese label"
        assert (charge, SKOS.inScheme, SCHEME["charges"]) in ontology
        rights = list(ontology.objects(charge, IPG.protectsRight))
        assert rights and all((r, RDF.type, IPG.IPRightType) in ontology for r in rights)
        articles = list(ontology.objects(charge, IPG.definedInArticle))
        assert articles == [ARTICLE[f"prc-criminal-law-{article}"]]
        assert (articles[0], IPG.articleNumber, Literal(article)) in ontology
        assert (articles[0], IPG.partOfLaw, LAW["prc-criminal-law"]) in ontology


def test_amendment_xi_introduced_219_1_and_circumvention(ontology: Graph) -> None:
    amendment = LAW["prc-criminal-law-amendment-xi"]
    assert (amendment, RDF.type, IPG.Amendment) in ontology
    assert (amendment, IPG.amends, LAW["prc-criminal-law"]) in ontology
    introduced = set(ontology.subjects(IPG.introducedBy, amendment))
    assert CHARGE["art-219-1-trade-secrets-for-overseas"] in introduced
    circumvention = CHARGE["art-217-circumventing-technical-measures"]
    assert circumvention in introduced
    assert (circumvention, IPG.articleNumber, Literal("217")) in ontology
    assert (circumvention, IPG.protectsRight, RIGHT["copyright"]) in ontology


@pytest.mark.parametrize(
    ("slug", "article"),
    [
        ("fraud", "266"),
        ("infringing-personal-information", "253-1"),
        ("illegal-intrusion-computer-system", "285"),
    ],
)
def test_non_ip_charges_are_present(ontology: Graph, slug: str, article: str) -> None:
    charge = CHARGE[slug]
    assert (charge, RDF.type, IPG.Charge) in ontology
    assert (charge, SKOS.inScheme, SCHEME["charges"]) in ontology
    assert (charge, IPG.articleNumber, Literal(article)) in ontology
    assert charge not in _ip_charges(ontology)


@pytest.mark.parametrize("slug", ["criminal", "civil", "administrative", "public-interest"])
def test_the_four_procuratorial_functions_are_present(ontology: Graph, slug: str) -> None:
    function = FUNCTION[slug]
    assert (function, RDF.type, IPG.ProcuratorialFunction) in ontology
    assert (function, SKOS.inScheme, SCHEME["functions"]) in ontology
    assert (function, SKOS.broader, FUNCTION["all-functions"]) in ontology
