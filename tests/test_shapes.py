"""SHACL shapes (``ontology/shapes.ttl``), specified by examples.

Every ``tests/examples/shapes/valid/*.ttl`` conforms; every ``tests/examples/shapes/invalid/*.ttl`` opens
with ``# expect: <part of a sh:message>`` and is rejected with that message, and with no other. Each example
is validated together with ``tests/examples/shapes/context.ttl`` (a report, its source text, quotes, the place
and institution figures are about, the datasets and one figure) and the ontology, as the build validates its
data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH

from ipgraph.checks.graph_checks import Violation, run_shacl

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "ipgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
EXAMPLES = ROOT / "tests" / "examples" / "shapes"
CONTEXT = EXAMPLES / "context.ttl"
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))
SHAPES_BASE = "https://w3id.org/ipgraph/shapes/"
EXPECT = "# expect:"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def invalid_results(ontology: Graph) -> dict[Path, list[Violation]]:
    return {path: run_shacl(_with_context(path), SHAPES, ontology) for path in INVALID}


def _with_context(path: Path) -> Graph:
    graph = Graph().parse(CONTEXT, format="turtle")
    graph.parse(path, format="turtle")
    return graph


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(EXPECT), f"{path.name}: the first line must be '{EXPECT} <part of the sh:message>'"
    expected = first[len(EXPECT) :].strip()
    assert expected, f"{path.name}: empty expectation"
    return expected


def _rows(violations: list[Violation]) -> str:
    return "\n".join(f"  {v}" for v in violations) or "  (none)"


def test_there_are_examples() -> None:
    assert len(VALID) >= 4
    assert len(INVALID) >= 40


def test_context_conforms(ontology: Graph) -> None:
    violations = run_shacl(Graph().parse(CONTEXT, format="turtle"), SHAPES, ontology)
    assert not violations, _rows(violations)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms(path: Path, ontology: Graph) -> None:
    violations = run_shacl(_with_context(path), SHAPES, ontology)
    assert not violations, f"{path.name} should conform:\n{_rows(violations)}"


def test_full_observation_example_conforms_on_its_own(ontology: Graph) -> None:
    graph = Graph().parse(EXAMPLES / "valid" / "figure-observation.ttl", format="turtle")
    assert run_shacl(graph, SHAPES, ontology) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_is_rejected_with_its_message(path: Path, invalid_results: dict[Path, list[Violation]]) -> None:
    expected = _expected(path)
    violations = invalid_results[path]
    assert violations, f"{path.name} should not conform (expected: {expected!r})"
    assert any(expected in v.message for v in violations), (
        f"{path.name}: no violation says {expected!r}; got:\n{_rows(violations)}"
    )
    others = [v for v in violations if expected not in v.message]
    assert not others, f"{path.name}: violations other than {expected!r}:\n{_rows(others)}"


def test_every_shape_with_a_message_has_an_invalid_example(
    shapes: Graph, invalid_results: dict[Path, list[Violation]]
) -> None:
    with_message = {str(s) for s in shapes.subjects(SH.message, None)}
    fired = {v.check.replace("shapes:", SHAPES_BASE) for vs in invalid_results.values() for v in vs}
    assert not with_message - fired, f"shapes no invalid example triggers: {sorted(with_message - fired)}"


def test_every_shape_is_named_with_an_english_message(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property))
    assert node_shapes and property_shapes
    for shape in node_shapes | property_shapes:
        assert isinstance(shape, URIRef) and str(shape).startswith(SHAPES_BASE), f"unnamed shape {shape!r}"
    for shape in node_shapes:
        has_target = any(
            (shape, p, None) in shapes
            for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
        )
        if not has_target:
            continue  # a shape used only inside sh:or
        for prop in shapes.objects(shape, SH.property):
            messages = list(shapes.objects(prop, SH.message))
            assert any(getattr(m, "language", None) == "en" for m in messages), f"{prop}: no English sh:message"


def test_the_ontology_alone_conforms(ontology: Graph) -> None:
    """The ontology defines no report entity, observation or quote: merging it with data adds no violation."""
    assert run_shacl(Graph(), SHAPES, ontology) == []


def test_a_dataset_is_validated_as_the_union_of_its_graphs(ontology: Graph) -> None:
    """Observations in the facts graph, their quotes in the provenance graph: checked together."""
    example = _with_context(EXAMPLES / "valid" / "figure-observation.ttl")
    prov = URIRef("http://www.w3.org/ns/prov#")
    ds = Dataset()
    facts = ds.graph(URIRef("https://w3id.org/ipgraph/graph/facts"))
    provenance = ds.graph(URIRef("https://w3id.org/ipgraph/graph/provenance"))
    for s, p, o in example:
        in_provenance = str(p).startswith(str(prov)) or "/id/quote/" in str(s) or "/id/source/" in str(s)
        (provenance if in_provenance else facts).add((s, p, o))
    assert len(facts) and len(provenance)
    assert run_shacl(ds, SHAPES, ontology) == []


def test_violations_carry_focus_path_and_value(ontology: Graph) -> None:
    path = EXAMPLES / "invalid" / "position-start-after-end.ttl"
    (violation,) = run_shacl(_with_context(path), SHAPES, ontology)
    assert violation.check == "shapes:TextPositionSelectorShape-startBeforeEnd"
    assert violation.focus.endswith("/quote/example-swapped-position-selector")
    assert violation.path == "http://www.w3.org/ns/oa#start"
    assert violation.value == "1634"


@pytest.mark.parametrize("path", [*VALID, *INVALID], ids=lambda p: p.stem)
def test_the_build_engine_reports_what_the_reference_engine_reports(path: Path, ontology: Graph) -> None:
    """pySHACL-Turbo validates the build; pySHACL is the reference: the same violations, message for message."""
    data = _with_context(path)
    assert run_shacl(data, SHAPES, ontology) == run_shacl(data, SHAPES, ontology, engine="pyshacl")


def test_both_engines_agree_on_a_report_with_broken_figures_and_quotes(ontology: Graph) -> None:
    """A whole report's data (the shipped seed, built as the build builds it), then broken in several ways."""
    from ipgraph.model.dataset import report_folders
    from ipgraph.model.graph import build_dataset
    from ipgraph.reading.facts import load_shared

    shared = load_shared(ROOT / "data")
    built = build_dataset(ONTOLOGY, report_folders([ROOT / "data"]), [shared] if shared else [])
    data = Graph()
    for s, p, o, _ in built.dataset.quads():
        data.add((s, p, o))
    obs = URIRef("https://w3id.org/ipgraph/id/obs/shanghai-2023-reverse-transfer-share")
    value = URIRef("https://w3id.org/ipgraph/ontology/obsValue")
    assert (obs, value, None) in data
    data.set((obs, value, Literal(175)))  # a share over 100 (a SPARQL-targeted shape)
    derived_from = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    stated = URIRef("https://w3id.org/ipgraph/ontology/StatedObservation")
    for subject in sorted(data.subjects(RDF.type, stated))[:2]:  # figures without their quotes
        data.remove((subject, derived_from, None))
    labelled = sorted(
        {s for s, _, o in data.triples((None, RDFS.label, None)) if getattr(o, "language", "") == "zh"}
        & set(data.subjects(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    )
    for subject in labelled[:3]:  # entities without a Chinese label
        for label in [o for o in data.objects(subject, RDFS.label) if getattr(o, "language", "") == "zh"]:
            data.remove((subject, RDFS.label, label))
    turbo = run_shacl(data, SHAPES, ontology)
    assert len(turbo) >= 5 and any("between 0 and 100" in v.message for v in turbo)
    assert turbo == run_shacl(data, SHAPES, ontology, engine="pyshacl")
