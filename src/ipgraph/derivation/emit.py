"""Write derived observations and consistency checks into the ``derived`` named graph."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from rdflib import DCTERMS, RDF, RDFS, XSD, Dataset, Literal, URIRef

from ipgraph.derivation.arithmetic import Check, Derived, Engine, Structure
from ipgraph.derivation.intervals import INFINITY, Interval
from ipgraph.derivation.observations import DIMENSIONS, load_observations, local
from ipgraph.model.graph import GRAPH_DERIVED, GRAPH_FACTS, id_iri
from ipgraph.model.namespace import IPG
from ipgraph.model.periods import period_of_slug
from ipgraph.model.prefixes import PREFIXES

QB = PREFIXES["qb"]
PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")
DIM_PREFIX = {
    "area": "place", "entity": None, "function": "function", "category": "category", "charge": "charge",
    "right": "right", "breakdown": "breakdown", "unit": "unit", "measure": "measure",
}  # fmt: skip
UOM = {"count": "number", "average-duration": "day", "share": "percent", "rate": "percent"}


def _decimal(x: Fraction, places: int = 6) -> Literal:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    text = format(round(d, places).normalize(), "f")
    return Literal(text, datatype=XSD.decimal)


def _report_of(dataset: str) -> str:
    return local(dataset).removesuffix("-trends")


def derive_into(ds: Dataset, structure: Structure | None = None) -> Engine:
    """Run every derivation and check on the facts of ``ds`` and add them to its derived graph.

    ``structure`` is what the ontology says of parts and wholes (:meth:`Structure.from_graph`); without it, it is
    read from the ontology graph of ``ds``. The reports' own definitions are read from ``ds`` either way.
    """
    facts = ds.graph(GRAPH_FACTS)
    union = Dataset(store=ds.store, default_union=True)  # a view over every named graph, nothing copied
    if structure is None:
        structure = Structure.from_graph(ds.graph(URIRef("https://w3id.org/ipgraph/graph/ontology")))
    else:
        structure = dataclasses.replace(structure, report_components={}, report_definitions={})
    structure.add_report_definitions(union)  # a report's own definitions apply to its figures only
    engine = Engine(load_observations(union), structure)
    engine.run()
    out = ds.graph(GRAPH_DERIVED)
    entity_iri = {o.dims["entity"]: facts.value(o.iri, IPG.observedEntity) for o in engine.obs}
    datasets: set[str] = set()
    dataset_of = {o.iri: str(o.dataset) for o in engine.obs + engine.trends}
    for d in engine.derived:
        rid = _report_of(next(dataset_of[s] for s in d.sources if s in dataset_of))
        datasets.add(rid)
        _emit_derived(out, d, rid, entity_iri)
    for period in set(out.subjects(RDF.type, IPG.Period)):
        if (period, RDF.type, IPG.Period) in facts:
            out.remove((period, None, None))  # the facts describe it already; the derived graph names it only
    for c in engine.checks:
        rid = _report_of(next((dataset_of[o] for o in c.observations if o in dataset_of), "x"))
        emit_check(out, c, rid, union)
    for rid in sorted(datasets):
        dset = id_iri("dataset", f"{rid}-derived")
        out.add((dset, RDF.type, URIRef(QB + "DataSet")))
        out.add((dset, URIRef(QB + "structure"), id_iri("dsd", "report-derived")))
        out.add((dset, RDFS.label, Literal(f"{rid}: values derived by ipgraph", lang="en")))
        out.add((dset, RDFS.label, Literal(f"{rid} 推算值", lang="zh")))
        out.add((dset, PROV_DERIVED, id_iri("dataset", rid)))
        out.add((dset, DCTERMS.source, id_iri("report", rid)))  # derived values are anchored on their report too
    return engine


def _emit_derived(out: object, d: Derived, rid: str, entity_iri: Mapping[str, object]) -> None:
    from rdflib import Graph

    assert isinstance(out, Graph)
    iri = id_iri("obs", f"{rid}-derived-{d.slug}")
    out.add((iri, RDF.type, IPG.DerivedObservation))
    out.add((iri, RDF.type, URIRef(QB + "Observation")))
    out.add((iri, URIRef(QB + "dataSet"), id_iri("dataset", f"{rid}-derived")))
    for name, prop in DIMENSIONS.items():
        code = d.dims[name]
        if name == "period":
            period = period_of_slug(code)
            assert period is not None, code  # a slug of a period the facts name
            out.add((iri, prop, period.iri))
            for triple in period.triples():  # a derived year the facts may not name (2022)
                out.add(triple)
        elif name == "entity":
            ent = entity_iri.get(code)
            out.add((iri, prop, ent if isinstance(ent, URIRef) else URIRef(code)))
        else:
            out.add((iri, prop, id_iri(DIM_PREFIX[name] or "inst", code)))
    method = "inverse-change-multiple" if d.method.startswith("inverse-multiple") else d.method
    out.add((iri, IPG.derivationMethod, id_iri("method", method)))
    interpretation = {
        None: "unambiguous",
        "inverse-multiple-as-factor": "multiple-as-factor",
        "inverse-multiple-as-increase": "multiple-as-increase",
    }[d.reading]
    out.add((iri, IPG.interpretation, id_iri("interpretation", interpretation)))
    point = d.point
    value = Fraction(point) if point is not None else d.interval.mid
    out.add((iri, IPG.obsValue, _decimal(value, 2)))
    qualifier = "exact" if point is not None else "approximate"
    out.add((iri, IPG.valueQualifier, id_iri("qualifier", qualifier)))
    out.add((iri, IPG.unitMeasure, id_iri("uom", UOM.get(d.dims["measure"], "number"))))
    out.add((iri, IPG.lowerBound, _decimal(d.interval.low)))
    if d.interval.high < INFINITY:
        out.add((iri, IPG.upperBound, _decimal(d.interval.high)))
    out.add((iri, IPG.expression, Literal(d.explanation)))
    for s in sorted(set(d.sources)):
        out.add((iri, PROV_DERIVED, s))


def emit_check(out: object, c: Check, rid: str, union: Dataset) -> None:
    """Write one consistency check (with the quotes of the figures it compares) into the graph ``out``."""
    from rdflib import Graph

    assert isinstance(out, Graph)
    digest = hashlib.sha1(c.slug.encode()).hexdigest()[:10]
    iri = id_iri("check", f"{rid}-{c.kind}-{digest}")
    out.add((iri, RDF.type, IPG.ConsistencyCheck))
    out.add((iri, RDFS.label, Literal(c.explanation, lang="en")))
    out.add((iri, IPG.checkKind, id_iri("checkkind", c.kind)))
    out.add((iri, IPG.verdict, id_iri("verdict", c.verdict)))
    out.add((iri, IPG.expression, Literal(c.expression)))
    if c.reading:
        reading = "multiple-as-factor" if c.reading.endswith("factor") else "multiple-as-increase"
        out.add((iri, IPG.interpretation, id_iri("interpretation", reading)))
    if c.stated is not None:
        _bounds(out, iri, c.stated, IPG.statedLowerBound, IPG.statedUpperBound)
    _bounds(out, iri, c.computed, IPG.computedLowerBound, IPG.computedUpperBound)
    for o in sorted(set(c.observations)):
        out.add((iri, IPG.checksObservation, o))
        for q in union.objects(o, PROV_DERIVED):
            out.add((iri, PROV_DERIVED, q))


def _bounds(out: object, iri: URIRef, iv: Interval, low: URIRef, high: URIRef) -> None:
    from rdflib import Graph

    assert isinstance(out, Graph)
    out.add((iri, low, _decimal(iv.low)))
    if iv.high < INFINITY:
        out.add((iri, high, _decimal(iv.high)))
