"""Turn report folders into RDF: facts, provenance and the report's structure, in named graphs.

Every quote is resolved to character offsets in the source text and to its innermost section; every CURIE is
checked against the ontology and the entities the data defines; every figure must be written in one of its
quotes. A problem raises :class:`ipgraph.errors.InputError` naming the data file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ipgraph.errors import InputError
from ipgraph.model.namespace import ID_BASE, ID_PREFIXES, IPG, PREFIXES
from ipgraph.model.periods import parse_period
from ipgraph.reading.facts import (
    EntityDef,
    FactBlock,
    ObservationDef,
    Quote,
    ReportDef,
    SharedData,
    TextDef,
    Where,
    load_report,
    to_decimal,
)
from ipgraph.reading.numerals import value_occurs
from ipgraph.reading.safe_read import ONTOLOGY_LIMIT, read_bytes
from ipgraph.reading.source import SourceText

GRAPH_BASE = "https://w3id.org/ipgraph/graph/"
GRAPH_ONTOLOGY = URIRef(GRAPH_BASE + "ontology")
GRAPH_FACTS = URIRef(GRAPH_BASE + "facts")
GRAPH_PROVENANCE = URIRef(GRAPH_BASE + "provenance")
GRAPH_DERIVED = URIRef(GRAPH_BASE + "derived")
GRAPH_LINKS = URIRef(GRAPH_BASE + "links")

QB = Namespace(PREFIXES["qb"])
OA = Namespace(PREFIXES["oa"])
PROV = Namespace(PREFIXES["prov"])
DCTERMS = Namespace(PREFIXES["dcterms"])

ONTOLOGY_PREFIXES = (
    "scheme", "right", "charge", "law", "article", "function", "level", "category", "breakdown", "unit",
    "uom", "measure", "qualifier", "direction", "dsd", "method", "interpretation", "checkkind", "verdict",
)  # fmt: skip
#: External properties data files may use, and whether their value is a resource (True) or a literal.
EXTERNAL_PROPERTIES: dict[str, bool] = {
    "skos:exactMatch": True, "skos:closeMatch": True, "skos:broader": True, "skos:narrower": True,
    "skos:related": True, "skos:inScheme": True, "skos:note": False, "skos:scopeNote": False,
    "owl:sameAs": True, "rdfs:seeAlso": True, "org:subOrganizationOf": True, "org:hasSubOrganization": True,
    "org:memberOf": True, "dcterms:publisher": True, "dcterms:creator": True, "dcterms:isPartOf": True,
    "dcterms:hasPart": True, "dcterms:subject": True, "dcterms:spatial": True, "dcterms:issued": False,
    "dcterms:language": False, "dcterms:title": False, "dcterms:alternative": False,
    # between reports and their texts: an edition, a news item that restates a report, a text quoted from another
    "dcterms:isVersionOf": True, "dcterms:hasVersion": True, "dcterms:relation": True, "prov:wasQuotedFrom": True,
}  # fmt: skip
DIMENSION_FIELDS: dict[str, tuple[URIRef, str, str | None]] = {
    # field: (dimension property, prefix of short codes, default code)
    "entity": (IPG.observedEntity, "", None),
    "function": (IPG.procuratorialFunction, "function", "all-functions"),
    "category": (IPG.caseCategory, "category", "all-cases"),
    "charge": (IPG.charge, "charge", "ip-crime"),
    "right": (IPG.rightType, "right", "intellectual-property"),
    "breakdown": (IPG.breakdown, "breakdown", "total"),
    "unit": (IPG.statUnit, "unit", None),
    "measure": (IPG.statMeasure, "measure", None),
}
DEFAULT_UOM = {
    "count": "number", "rank": "number", "change-amount": "number", "share": "percent", "rate": "percent",
    "change-rate": "percent", "change-multiple": "multiple", "average-duration": "day",
}  # fmt: skip
CHANGE_MEASURES = {"change-rate", "change-multiple", "change-amount"}
SHARE_MEASURES = {"share", "rate"}
#: Measures whose figures are whole numbers (the schema says so): their ``ipg:obsValue`` is an ``xsd:integer``.
WHOLE_MEASURES = {"count", "rank"}
CONTEXT_CHARS = 32
_CURIE_LOCAL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


def obs_value_literal(value: Decimal, measure: str) -> Literal:
    """The ``ipg:obsValue`` of a stated figure: an ``xsd:integer`` for a count or a rank, else an ``xsd:decimal``.

    So that ``?o ipg:obsValue 1369`` (an integer in SPARQL) finds a count of 1,369.

    >>> obs_value_literal(Decimal("1369"), "count").n3()
    '"1369"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> obs_value_literal(Decimal("88.8"), "share").n3()
    '"88.8"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    >>> obs_value_literal(Decimal("24"), "change-amount").n3()
    '"24"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    """
    if measure in WHOLE_MEASURES and value == value.to_integral_value():
        return Literal(str(int(value)), datatype=XSD.integer)
    return Literal(str(value), datatype=XSD.decimal)


def id_iri(prefix: str, slug: str) -> URIRef:
    """The IRI of an identifier ``prefix:slug``.

    >>> id_iri("obs", "shanghai-2023-ip-criminal-cases")
    rdflib.term.URIRef('https://w3id.org/ipgraph/id/obs/shanghai-2023-ip-criminal-cases')
    """
    return URIRef(f"{ID_BASE}{prefix}/{slug}")


def section_iri(report_id: str, number: str) -> URIRef:
    """The IRI of a report section; slugs are lowercase (``I.1.2`` → ``…/section/shanghai-2023-i.1.2``).

    >>> section_iri("shanghai-2023", "IV.1.1")
    rdflib.term.URIRef('https://w3id.org/ipgraph/id/section/shanghai-2023-iv.1.1')
    """
    return id_iri("section", f"{report_id}-{number.lower()}")


@dataclass
class BuildResult:
    """The dataset and what the build learned on the way."""

    dataset: Dataset
    sources: dict[str, SourceText] = field(default_factory=dict)
    reports: dict[str, ReportDef] = field(default_factory=dict)
    quote_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class OntologyIndex:
    """What resolving data needs to know of the ontology, computed once for every report of a build."""

    graph: Graph
    subjects: set[URIRef]
    object_props: set[Node]
    datatype_props: set[Node]
    classes: set[Node]
    concept_classes: set[Node]

    @classmethod
    def of(cls, ontology: Graph) -> OntologyIndex:
        """The index of an ontology graph."""
        return cls(
            ontology,
            {s for s in ontology.subjects() if isinstance(s, URIRef)},
            set(ontology.subjects(RDF.type, OWL.ObjectProperty)),
            set(ontology.subjects(RDF.type, OWL.DatatypeProperty)),
            set(ontology.subjects(RDF.type, OWL.Class)),
            {c for c in ontology.transitive_subjects(RDFS.subClassOf, SKOS.Concept) if c is not None},
        )


@dataclass(frozen=True)
class Reference:
    """A use of an identifier that no data read so far defines (a later report may): checked when all are read."""

    iri: str
    path: str
    line: int
    shown: str


class _Builder:
    def __init__(
        self,
        ontology: Graph | OntologyIndex,
        reports: list[ReportDef],
        shared: list[SharedData] | None = None,
        known: dict[URIRef, str] | None = None,
        include_ontology: bool = True,
    ) -> None:
        index = ontology if isinstance(ontology, OntologyIndex) else OntologyIndex.of(ontology)
        self.ontology = index.graph
        self.reports = reports
        self.shared = shared or []
        self.ds = Dataset()
        for prefix, ns in PREFIXES.items():
            self.ds.bind(prefix, ns, override=True)
        self.facts = self.ds.graph(GRAPH_FACTS)
        self.prov = self.ds.graph(GRAPH_PROVENANCE)
        self.onto_graph = self.ds.graph(GRAPH_ONTOLOGY)
        self.include_ontology = include_ontology
        self.onto_subjects = index.subjects
        self.object_props = index.object_props
        self.datatype_props = index.datatype_props
        self.classes = index.classes
        self.concept_classes = index.concept_classes
        self.entities: dict[URIRef, EntityDef] = {}
        #: entities defined elsewhere (shared data, other reports): identifier -> where ("path:line")
        self.known: dict[URIRef, str] = known if known is not None else {}
        #: with ``known`` given, uses of identifiers no data read so far defines, to check once all are read
        self.pending: list[Reference] | None = [] if known is not None else None
        self.statement_quotes: dict[tuple[Node, Node, Node], set[URIRef]] = {}
        self.result = BuildResult(self.ds)

    # ------------------------------------------------------------------ CURIEs
    def curie(self, text: Any, where: Where, report: ReportDef | None, default_prefix: str = "") -> URIRef:
        if not isinstance(text, str) or not text:
            raise where.error(f"expected a CURIE, got {text!r}")
        if ":" not in text:
            if not default_prefix:
                raise where.error(f"{text!r} is not a CURIE (prefix:name)")
            text = f"{default_prefix}:{text}"
        prefix, _, local = text.partition(":")
        if not _CURIE_LOCAL.match(local):
            raise where.error(
                f"{text!r} is not a valid CURIE: after the prefix, only letters, digits and . _ - (not at the ends)"
            )
        if prefix == "section":
            if report is None:
                raise where.error(f"{text!r}: a section belongs to a report; shared data cannot name one")
            source = self.result.sources[report.id]
            try:
                source.section(local)
            except KeyError:
                raise where.error(f"no section {local!r} in the report's source text") from None
            return section_iri(report.id, source.section(local).number)
        if prefix not in PREFIXES:
            raise where.error(f"unknown prefix {prefix!r} in {text!r}")
        if prefix == "ipg" and URIRef(PREFIXES["ipg"] + local) not in self.onto_subjects:
            raise where.error(f"{text} is not a term of the ontology")
        return URIRef(PREFIXES[prefix] + local)

    def check_defined(self, iri: URIRef, where: Where, shown: str) -> None:
        if not str(iri).startswith(ID_BASE):
            return
        prefix = str(iri)[len(ID_BASE) :].split("/", 1)[0]
        if prefix in ("section", "quote", "obs", "dataset", "statement", "source", "reference", "check"):
            return
        if iri in self.onto_subjects or iri in self.entities or iri in self.known:
            return
        if self.pending is not None:
            self.pending.append(Reference(str(iri), str(where.path), where.line, shown))
            return
        hint = " (code lists are in ontology/ipgraph.ttl)" if prefix in ONTOLOGY_PREFIXES else ""
        raise where.error(f"{shown} is used but never defined{hint}")

    def prop(self, name: str, where: Where, report: ReportDef | None) -> tuple[URIRef, bool | None]:
        """A property and whether its value is a resource (None: either)."""
        if ":" not in name:
            iri = URIRef(PREFIXES["ipg"] + name)
            if iri not in self.onto_subjects:
                raise where.error(f"unknown property {name!r}: not a term of the ontology")
        elif name in EXTERNAL_PROPERTIES:
            return self.curie(name, where, report), EXTERNAL_PROPERTIES[name]
        else:
            iri = self.curie(name, where, report)
            if not str(iri).startswith(PREFIXES["ipg"]):
                allowed = ", ".join(sorted(EXTERNAL_PROPERTIES))
                raise where.error(f"property {name!r} is not allowed in data files (use ipg terms or {allowed})")
        if iri in self.object_props:
            return iri, True
        if iri in self.datatype_props:
            return iri, False
        raise where.error(f"{name!r} is not a property of the ontology")

    # ------------------------------------------------------------------ quotes
    def resolve_quote(self, quote: Quote, report: ReportDef) -> URIRef:
        key = report.text_key(quote.text_id)
        source = self.result.sources[key]
        starts = source.find_all(quote.text)
        shown = quote.text if len(quote.text) <= 90 else quote.text[:87] + "..."
        if not starts:
            squeezed = " ".join(quote.text.split()).replace("’", "'").replace("“", '"').replace("”", '"')
            text = " ".join(source.text.split()).replace("’", "'").replace("“", '"').replace("”", '"')
            hint = " (it differs only in spaces or quote marks)" if squeezed in text else ""
            raise quote.where.error(f"quote not found in {source.path.name}{hint}: “{shown}”")
        if quote.occurrence is not None:
            if quote.occurrence > len(starts):
                raise quote.where.error(f"quote occurs {len(starts)} time(s), not {quote.occurrence}: “{shown}”")
            start = starts[quote.occurrence - 1]
        elif len(starts) > 1:
            raise quote.where.error(f"quote occurs {len(starts)} times; add 'occurrence: N': “{shown}”")
        else:
            start = starts[0]
        end = start + len(quote.text)
        self.result.quote_spans.setdefault(key, []).append((start, end))
        iri = id_iri("quote", f"{key}-{start}-{end}")
        if (iri, RDF.type, IPG.SourceQuote) in self.prov:
            return iri
        tq, tp = URIRef(f"{iri}-quote-selector"), URIRef(f"{iri}-position-selector")
        section = source.section_at(start)
        p = self.prov
        p.add((iri, RDF.type, IPG.SourceQuote))
        p.add((iri, RDF.type, OA.SpecificResource))
        p.add((iri, OA.hasSource, id_iri("source", key)))
        p.add((iri, OA.hasSelector, tq))
        p.add((iri, OA.hasSelector, tp))
        p.add((iri, IPG.section, section_iri(key, section.number)))
        p.add((iri, IPG.report, id_iri("report", report.id)))
        p.add((tq, RDF.type, OA.TextQuoteSelector))
        p.add((tq, OA.exact, Literal(quote.text)))
        p.add((tq, OA.prefix, Literal(source.text[max(0, start - CONTEXT_CHARS) : start])))
        p.add((tq, OA.suffix, Literal(source.text[end : end + CONTEXT_CHARS])))
        p.add((tp, RDF.type, OA.TextPositionSelector))
        p.add((tp, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
        p.add((tp, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
        return iri

    # ------------------------------------------------------------------ report structure
    def add_report_structure(self, report: ReportDef) -> None:
        """The report's texts (its source text and its other texts) with their sections, in the provenance graph."""
        rep = id_iri("report", report.id)
        main = id_iri("source", report.id)
        texts: list[tuple[str, str | None, str, TextDef | None]] = [(report.id, report.language, "source text", None)]
        texts += [(report.text_key(t.id), t.language, f"{t.kind} {t.id}", t) for t in report.texts]
        p = self.prov
        for key, language, what, text in texts:
            source = self.result.sources[key]
            src = id_iri("source", key)
            p.add((src, RDF.type, IPG.SourceText))
            p.add((src, IPG.report, rep))
            p.add((src, IPG.sha256, Literal(source.sha256)))
            p.add((src, RDFS.label, Literal(f"{what} of report {report.id}: {source.path.name}", lang="en")))
            p.add((src, DCTERMS["format"], Literal("text/plain; charset=utf-8")))
            if language:
                p.add((src, DCTERMS.language, Literal(language)))
            if text is not None:
                if text.title:
                    p.add((src, DCTERMS.title, Literal(text.title)))
                if text.kind == "edition":
                    p.add((src, DCTERMS.isVersionOf, main))  # the same report in another language
                else:
                    p.add((src, DCTERMS.relation, rep))  # a news item about the report
            for sec in source.sections:
                iri = section_iri(key, sec.number)
                p.add((iri, RDF.type, IPG.Footnote if sec.kind == "footnote" else IPG.ReportSection))
                p.add((iri, IPG.report, rep))
                p.add((iri, IPG.sectionNumber, Literal(sec.number)))
                p.add((iri, IPG.heading, Literal(sec.heading)))
                p.add((iri, IPG.startOffset, Literal(sec.start, datatype=XSD.nonNegativeInteger)))
                p.add((iri, IPG.endOffset, Literal(sec.end, datatype=XSD.nonNegativeInteger)))
                label = f"footnote {sec.number[2:]}" if sec.kind == "footnote" else f"section {sec.number}"
                within = key if text is None else f"{report.id} ({text.id})"
                p.add((iri, RDFS.label, Literal(f"{within} {label}", lang="en")))
                if sec.parent:
                    p.add((iri, IPG.parentSection, section_iri(key, sec.parent)))
                if sec.footnote_of:
                    p.add((iri, IPG.footnoteOf, section_iri(key, sec.footnote_of)))

    # ------------------------------------------------------------------ entities and statements
    def collect_entities(self) -> None:
        """Every entity the shared folders and the reports define, each defined once (shared ones first)."""
        defined: list[tuple[EntityDef, ReportDef | None]] = [(e, None) for sd in self.shared for e in sd.entities]
        defined += [(e, r) for r in self.reports for block in r.blocks for e in block.entities]
        for ent, report in defined:
            iri = self.curie(ent.id, ent.where, report)
            if not str(iri).startswith(ID_BASE):
                raise ent.where.error(f"entity ids must use an ipgraph identifier prefix, not {ent.id!r}")
            prefix = str(iri)[len(ID_BASE) :].split("/", 1)[0]
            if prefix not in ID_PREFIXES:
                raise ent.where.error(f"unknown identifier prefix in {ent.id!r}")
            if iri in self.onto_subjects:
                raise ent.where.error(f"{ent.id} is defined by the ontology; do not define it again")
            if iri in self.known:
                raise ent.where.error(f"{ent.id} is already defined at {self.known[iri]}")
            if iri in self.entities:
                first = self.entities[iri]
                shared = " (shared data: mention it instead of defining it)" if first.source is not None else ""
                raise ent.where.error(f"{ent.id} is already defined at {first.where.path}:{first.where.line}{shared}")
            self.entities[iri] = ent

    def add_shared(self) -> None:
        """The shared folders' reference sources, and their entities resting on them (not on a report's quote)."""
        for sd in self.shared:
            for src in sd.sources.values():
                iri = id_iri("reference", src.id)
                self.prov.add((iri, RDF.type, IPG.ReferenceSource))
                self.prov.add((iri, RDF.type, PROV.Entity))
                self.prov.add((iri, RDFS.label, Literal(src.title, lang="en")))
                self.prov.add((iri, DCTERMS.title, Literal(src.title, lang="en")))
                if src.note:
                    self.prov.add((iri, SKOS.note, Literal(src.note, lang="en")))
            for ent in sd.entities:
                self.add_entity(ent, None, [id_iri("reference", str(ent.source))], [])

    def literal(self, value: Any, prop: URIRef, where: Where) -> Literal:
        if isinstance(value, dict):
            lex = value.get("value")
            if "lang" in value:
                return Literal(str(lex), lang=str(value["lang"]))
            if "datatype" in value:
                dt = str(value["datatype"])
                prefix, _, local = dt.partition(":")
                if prefix != "xsd":
                    raise where.error(f"datatype must be an xsd: type, not {dt!r}")
                return Literal(str(lex), datatype=XSD[local])
            raise where.error("a literal mapping needs 'value' and 'lang' or 'datatype'")
        ranges = set(self.ontology.objects(prop, RDFS.range))
        if isinstance(value, bool):
            raise where.error(f"unexpected boolean {value!r}")
        if isinstance(value, int | float):
            xsd_ranges = (r for r in ranges if isinstance(r, URIRef) and str(r).startswith(str(XSD)))
            number_type = next(xsd_ranges, XSD.decimal)
            return Literal(str(to_decimal(value, where, "a number")), datatype=number_type)
        if XSD.string in ranges or not ranges:
            return Literal(str(value))
        other = next(iter(ranges))
        return Literal(str(value), datatype=other if isinstance(other, URIRef) else None)

    def add_statement(
        self,
        s: URIRef,
        pname: str,
        raw: Any,
        where: Where,
        report: ReportDef | None,
        quotes: list[URIRef],
        quote_texts: list[str],
    ) -> None:
        p, is_resource = self.prop(pname, where, report)
        o: Node
        is_curie = isinstance(raw, str) and ":" in raw and raw.split(":", 1)[0] in [*PREFIXES, "section"]
        if is_resource and not is_curie:
            raise where.error(f"{pname} takes a resource (a CURIE), not {raw!r}")
        if is_curie and is_resource is not False:
            o = self.curie(raw, where, report)
            self.check_defined(o, where, str(raw))
        else:
            o = self.literal(raw, p, where)
            if isinstance(raw, int | float) and not any(value_occurs(Decimal(str(raw)), q) for q in quote_texts):
                if report is None:
                    raise where.error(f"the number {raw} of {pname}: a number needs a report's quote, not shared data")
                raise where.error(f"the number {raw} of {pname} is not written in the block's quote")
        self.check_defined(s, where, str(s))
        stated = next((x for x in self.ontology.objects(s, p) if x == o or _same_value(x, o)), None)
        if stated is not None:
            o = stated  # the ontology says it already: keep its triple, record the quote on it
        else:
            self.facts.add((s, p, o))
        self.statement_quotes.setdefault((s, p, o), set()).update(quotes)

    def add_entity(
        self, ent: EntityDef, report: ReportDef | None, quotes: list[URIRef], quote_texts: list[str]
    ) -> None:
        iri = self.curie(ent.id, ent.where, report)
        if not ent.types:
            raise ent.where.error(f"entity {ent.id} needs a 'type'")
        for t in ent.types:
            cls = URIRef(PREFIXES["ipg"] + t) if ":" not in t else self.curie(t, ent.where, report)
            if cls not in self.classes:
                raise ent.where.error(f"type {t!r} of {ent.id} is not a class of the ontology")
            self.facts.add((iri, RDF.type, cls))
            if cls in self.concept_classes:
                self.facts.add((iri, RDF.type, SKOS.Concept))
        for lang in ("en", "zh"):
            if not ent.labels.get(lang):
                raise ent.where.error(f"entity {ent.id} needs a label in {lang!r}")
        for lang, text in sorted(ent.labels.items()):
            self.facts.add((iri, RDFS.label, Literal(str(text), lang=lang)))
            self.facts.add((iri, SKOS.prefLabel, Literal(str(text), lang=lang)))
        for lang, texts in sorted(ent.alt_labels.items()):
            for text in texts:
                self.facts.add((iri, SKOS.altLabel, Literal(str(text), lang=lang)))
        if ent.definition:
            self.facts.add((iri, SKOS.definition, Literal(str(ent.definition), lang="en")))
        for q in quotes:
            self.prov.add((iri, PROV.wasDerivedFrom, q))
        for pname, value, where in ent.props:
            self.add_statement(iri, pname, value, where, report, quotes, quote_texts)

    # ------------------------------------------------------------------ observations
    def add_observations(self, report: ReportDef, items: list[tuple[ObservationDef, list[URIRef], list[str]]]) -> None:
        settings = report.settings
        ids: dict[str, ObservationDef] = {}
        keys: dict[tuple[Node, ...], ObservationDef] = {}
        for obs, _, _ in items:
            if obs.id in ids:
                first = ids[obs.id].where
                raise obs.where.error(f"observation id {obs.id!r} is already used at {first.path}:{first.line}")
            ids[obs.id] = obs
        for obs, quotes, quote_texts in items:
            f, w = obs.fields, obs.where
            iri = id_iri("obs", f"{report.id}-{obs.id}")
            trend = obs.is_trend
            dataset = id_iri("dataset", f"{report.id}-trends" if trend else report.id)
            g = self.facts
            g.add((iri, RDF.type, IPG.StatedObservation))
            g.add((iri, RDF.type, QB.Observation))
            g.add((iri, QB.dataSet, dataset))
            period = f.get("period", settings.get("period"))
            if period is None:
                raise w.error(f"observation {obs.id} needs 'period' (or report.yaml 'period')")
            period_iri = self.period(period, w)
            if f.get("area", settings.get("area")) is None:
                raise w.error(f"observation {obs.id} needs 'area' (or report.yaml 'area'): the place it is about")
            area = self.curie(f.get("area", settings.get("area")), w, report)
            self.check_defined(area, w, str(f.get("area", settings.get("area"))))
            dims: list[tuple[URIRef, Node]] = [(IPG.refPeriod, period_iri), (IPG.refArea, area)]
            for name, (dim, prefix, default) in DIMENSION_FIELDS.items():
                raw = f.get(name, default if name != "entity" else settings.get("observed_entity"))
                if raw is None:
                    raise w.error(f"observation {obs.id} needs {name!r}")
                code = self.curie(raw, w, report, prefix)
                self.check_defined(code, w, str(raw))
                dims.append((dim, code))
            for dim, dim_value in dims:
                g.add((iri, dim, dim_value))
            key = (dataset, *(v for _, v in dims))
            if key in keys:
                first = keys[key].where
                raise w.error(
                    f"observation {obs.id!r} has the same dimension values as {keys[key].id!r} "
                    f"({first.path}:{first.line}); one figure stated twice is one observation with two quotes"
                )
            keys[key] = obs
            measure = str(f["measure"]).split(":")[-1]
            if trend:
                direction = self.curie(f["direction"], w, report, "direction")
                self.check_defined(direction, w, str(f["direction"]))
                g.add((iri, IPG.trendDirection, direction))
                for bad in ("value", "share_of", "qualifier", "uom"):
                    if bad in f:
                        raise w.error(f"trend {obs.id} cannot have {bad!r}")
            else:
                if "value" not in f:
                    raise w.error(f"observation {obs.id} needs 'value'")
                value_dec = to_decimal(f["value"], w, "value")
                if not any(value_occurs(value_dec, t) for t in quote_texts):
                    raise w.error(f"the value {f['value']} of {obs.id} is not written in its quote")
                g.add((iri, IPG.obsValue, obs_value_literal(value_dec, measure)))
                uom = self.curie(f.get("uom", DEFAULT_UOM.get(measure, "number")), w, report, "uom")
                self.check_defined(uom, w, str(uom))
                g.add((iri, IPG.unitMeasure, uom))
                qual = self.curie(f.get("qualifier", "exact"), w, report, "qualifier")
                self.check_defined(qual, w, str(qual))
                g.add((iri, IPG.valueQualifier, qual))
                if "share_of" in f:
                    if measure not in SHARE_MEASURES:
                        raise w.error(f"'share_of' is for share and rate observations, not {measure}")
                    if str(f["share_of"]) not in ids:
                        raise w.error(f"share_of {f['share_of']!r} is not an observation of this report")
                    g.add((iri, IPG.shareOf, id_iri("obs", f"{report.id}-{f['share_of']}")))
            if measure in CHANGE_MEASURES or "base_period" in f:
                base = f.get("base_period", settings.get("base_period"))
                if base is None:
                    raise w.error(f"change observation {obs.id} needs 'base_period'")
                g.add((iri, IPG.basePeriod, self.period(base, w)))
            for q in quotes:
                self.prov.add((iri, PROV.wasDerivedFrom, q))

    def period(self, value: Any, where: Where) -> URIRef:
        """The IRI of a reference period written in the data (``2023``, ``2017-2021``, ``2023-H1`` …), whose
        description (an ``ipg:Period`` with its bounds) the facts graph gets once."""
        try:
            period = parse_period(value)
        except ValueError as exc:
            raise where.error(str(exc)) from None
        for triple in period.triples():
            self.facts.add(triple)
        return period.iri

    def add_restated(self, report: ReportDef, items: list[tuple[str, Any, Where, list[URIRef], list[str]]]) -> None:
        """A figure the report states again elsewhere: one observation, one more quote."""
        for oid, raw, where, quotes, texts in items:
            iri = id_iri("obs", f"{report.id}-{oid}")
            stated = self.facts.value(iri, IPG.obsValue)
            if stated is None:
                raise where.error(f"restate: {oid!r} is not a figure observation of this report")
            value = to_decimal(raw, where, "value")
            if Decimal(str(stated)) != value:
                raise where.error(f"restate: {oid} is {stated} in the data, not {raw}")
            if not any(value_occurs(value, t) for t in texts):
                raise where.error(f"restate: the value {raw} of {oid} is not written in the block's quote")
            for q in quotes:
                self.prov.add((iri, PROV.wasDerivedFrom, q))

    def add_datasets(self, report: ReportDef) -> None:
        rep = id_iri("report", report.id)
        for suffix, dsd, en, zh in (
            ("", "report-figures", "figures", "数据"),
            ("-trends", "report-trends", "trends stated in words", "趋势"),
        ):
            ds = id_iri("dataset", report.id + suffix)
            self.facts.add((ds, RDF.type, QB.DataSet))
            self.facts.add((ds, QB.structure, id_iri("dsd", dsd)))
            self.facts.add((ds, DCTERMS.source, rep))
            self.facts.add((ds, RDFS.label, Literal(f"{report.id}: {en}", lang="en")))
            self.facts.add((ds, RDFS.label, Literal(f"{report.id} {zh}", lang="zh")))

    # ------------------------------------------------------------------ everything
    def build(self) -> BuildResult:
        if self.include_ontology:
            for t in self.ontology:
                self.onto_graph.add(t)
        for report in self.reports:
            self.result.reports[report.id] = report
            self.result.sources[report.id] = SourceText.from_file(report.source_path)
            for text in report.texts:
                self.result.sources[report.text_key(text.id)] = SourceText.from_file(text.path)
        self.collect_entities()
        self.add_shared()
        for report in self.reports:
            self.add_report_structure(report)
            self.add_datasets(report)
            observations: list[tuple[ObservationDef, list[URIRef], list[str]]] = []
            restated: list[tuple[str, Any, Where, list[URIRef], list[str]]] = []
            for block in report.blocks:
                quotes, texts = self.block_quotes(block, report)
                for ent in block.entities:
                    self.add_entity(ent, report, quotes, texts)
                for st in block.statements:
                    s = self.curie(st.subject, st.where, report)
                    self.add_statement(s, st.predicate, st.obj, st.where, report, quotes, texts)
                for mention, where in block.mentions:
                    iri = self.curie(mention, where, report)
                    self.check_defined(iri, where, mention)
                    for q in quotes:
                        self.prov.add((iri, PROV.wasDerivedFrom, q))
                observations.extend((o, quotes, texts) for o in block.observations)
                restated.extend((oid, value, where, quotes, texts) for oid, value, where in block.restated)
            self.add_observations(report, observations)
            self.add_restated(report, restated)
        for (subj, pred, obj), quote_set in self.statement_quotes.items():
            digest = hashlib.sha1(f"{subj}\n{pred}\n{obj.n3()}".encode()).hexdigest()[:16]
            rec = id_iri("statement", digest)
            self.prov.add((rec, RDF.type, IPG.StatementRecord))
            self.prov.add((rec, RDF.type, RDF.Statement))
            self.prov.add((rec, RDF.subject, subj))
            self.prov.add((rec, RDF.predicate, pred))
            self.prov.add((rec, RDF.object, obj))
            for q in sorted(quote_set):
                self.prov.add((rec, PROV.wasDerivedFrom, q))
        self.result.counts = {
            "observations": len(set(self.facts.subjects(RDF.type, IPG.StatedObservation))),
            "entities": len(self.entities),
            "statements": len(self.statement_quotes),
            "quotes": len(set(self.prov.subjects(RDF.type, IPG.SourceQuote))),
        }
        return self.result

    def block_quotes(self, block: FactBlock, report: ReportDef) -> tuple[list[URIRef], list[str]]:
        return [self.resolve_quote(q, report) for q in block.quotes], [q.text for q in block.quotes]


def _same_value(a: Node, b: Node) -> bool:
    """Two literals with the same numeric value (``"2"^^xsd:integer`` and ``"2"^^xsd:positiveInteger``)."""
    if not (isinstance(a, Literal) and isinstance(b, Literal)):
        return False
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return False


def _check_turtle(data: bytes, path: Path) -> None:
    """Refuse Turtle that a strict parser rejects (rdflib accepts an IRI with a space, then fails to write it)."""
    import pyoxigraph as ox

    try:
        for _ in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        raise InputError(f"malformed Turtle: {str(exc).splitlines()[0]}", path) from None


def load_ontology(path: Path) -> Graph:
    """Parse the ontology Turtle file."""
    g = Graph()
    if not path.exists():
        raise InputError("ontology file not found", path)
    data = read_bytes(path, ONTOLOGY_LIMIT, "the ontology")
    _check_turtle(data, path)
    try:
        g.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises several parser error types
        raise InputError(f"malformed Turtle: {exc}".splitlines()[0], path) from None
    return g


def build_dataset(
    ontology_path: Path, report_folders: Iterable[Path], shared: Sequence[SharedData] = ()
) -> BuildResult:
    """Read the ontology and every report folder, and return the checked dataset (with the shared entities)."""
    ontology = load_ontology(ontology_path)
    reports = [load_report(folder) for folder in report_folders]
    seen: dict[str, Path] = {}
    for r in reports:
        if r.id in seen:
            raise InputError(f"report id {r.id!r} is also used by {seen[r.id]}", r.folder / "report.yaml", 1)
        seen[r.id] = r.folder
    return _Builder(ontology, reports, list(shared)).build()
