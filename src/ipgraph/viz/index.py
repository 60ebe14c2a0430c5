"""Everything the views need from the store, read once with a few SPARQL queries and indexed by IRI.

The store holds some ten to twenty thousand triples; reading them whole takes well under a second, and every
view is then a cheap selection from this index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ipgraph.model.periods import period_slug
from ipgraph.model.prefixes import ID_BASE, PREFIXES
from ipgraph.query.results import compact
from ipgraph.store.embedded import SelectResult, run_query
from ipgraph.viz.kinds import kind_of_types
from ipgraph.viz.model import Quote

IPG = PREFIXES["ipg"]
RDF_TYPE = PREFIXES["rdf"] + "type"
GRAPH = "https://w3id.org/ipgraph/graph/"

_LABELS_Q = """SELECT ?s ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel skos:definition }
  ?s ?p ?l . FILTER(isIRI(?s))
}"""
_TYPES_Q = "SELECT DISTINCT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && isIRI(?t)) }"
_SUPERS_Q = """SELECT DISTINCT ?c ?sup WHERE {
  ?c rdfs:subClassOf+ ?sup . FILTER(isIRI(?c) && isIRI(?sup))
}"""
_QUADS_Q = """SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && ?p != rdf:type)
}"""
_QUOTES_Q = """SELECT ?s ?exact ?section ?start ?lang ?rep WHERE {
  ?s prov:wasDerivedFrom ?q . ?q oa:hasSelector ?sel . ?sel oa:exact ?exact .
  OPTIONAL { ?q ipg:section/ipg:sectionNumber ?section }
  OPTIONAL { ?q oa:hasSelector/oa:start ?start }
  OPTIONAL { ?q oa:hasSource/dcterms:language ?lang }
  OPTIONAL { ?q ipg:report ?rep }
}"""
_STATEMENTS_Q = """SELECT ?s ?p ?o ?exact ?section ?lang ?rep WHERE {
  ?r a ipg:StatementRecord ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?q .
  ?q oa:hasSelector/oa:exact ?exact .
  OPTIONAL { ?q ipg:section/ipg:sectionNumber ?section }
  OPTIONAL { ?q oa:hasSource/dcterms:language ?lang }
  OPTIONAL { ?q ipg:report ?rep }
}"""
# What belongs to which report: what its quotes support or mention (entities, figures, statement records, checks),
# its quotes and their selectors, its figures and data sets, and the shared places, institutions and periods its
# figures are of.
_OWNERS_Q = """SELECT DISTINCT ?x ?rep WHERE {
  { ?x prov:wasDerivedFrom ?q . ?q ipg:report ?rep }
  UNION { ?r rdf:subject ?x ; prov:wasDerivedFrom ?q . ?q ipg:report ?rep }
  UNION { ?r rdf:object ?x ; prov:wasDerivedFrom ?q . ?q ipg:report ?rep . FILTER(isIRI(?x)) }
  UNION { ?x ipg:report ?rep }
  UNION { ?q ipg:report ?rep ; oa:hasSelector ?x }
  UNION { ?x qb:dataSet/dcterms:source ?rep }
  UNION { ?x a qb:DataSet ; dcterms:source ?rep }
  UNION {
    VALUES ?dim { ipg:refArea ipg:observedEntity ipg:refPeriod ipg:basePeriod }
    ?o qb:dataSet/dcterms:source ?rep ; ?dim ?x
  }
  FILTER(isIRI(?x))
}"""
_VOCABULARY_Q = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPH}ontology> {{ ?s a ?t }} FILTER(isIRI(?s)) }}"
_OBS_Q = """SELECT ?o ?cls ?ds ?period ?area ?entity ?fn ?cat ?charge ?right ?bd ?unit ?measure
                  ?value ?low ?high ?dir ?base ?qual ?shareof ?expr WHERE {
  ?o ipg:statMeasure ?measure ; a ?cls .
  FILTER(?cls IN (ipg:StatedObservation, ipg:DerivedObservation))
  OPTIONAL { ?o qb:dataSet ?ds }
  OPTIONAL { ?o ipg:refPeriod ?period }
  OPTIONAL { ?o ipg:refArea ?area }
  OPTIONAL { ?o ipg:observedEntity ?entity }
  OPTIONAL { ?o ipg:procuratorialFunction ?fn }
  OPTIONAL { ?o ipg:caseCategory ?cat }
  OPTIONAL { ?o ipg:charge ?charge }
  OPTIONAL { ?o ipg:rightType ?right }
  OPTIONAL { ?o ipg:breakdown ?bd }
  OPTIONAL { ?o ipg:statUnit ?unit }
  OPTIONAL { ?o ipg:obsValue ?value }
  OPTIONAL { ?o ipg:lowerBound ?low }
  OPTIONAL { ?o ipg:upperBound ?high }
  OPTIONAL { ?o ipg:trendDirection ?dir }
  OPTIONAL { ?o ipg:basePeriod ?base }
  OPTIONAL { ?o ipg:valueQualifier ?qual }
  OPTIONAL { ?o ipg:shareOf ?shareof }
  OPTIONAL { ?o ipg:expression ?expr }
}"""

#: Dimension values that mean "no restriction": an observation is not *about* them.
DEFAULTS = {
    "category": PREFIXES["category"] + "all-cases",
    "charge": PREFIXES["charge"] + "ip-crime",
    "right": PREFIXES["right"] + "intellectual-property",
    "breakdown": PREFIXES["breakdown"] + "total",
    "function": PREFIXES["function"] + "all-functions",
}


@dataclass
class Obs:
    """One observation (stated, or derived by ipgraph) with its dimensions as IRIs and its value."""

    iri: str
    derived: bool
    dims: dict[str, str]
    period: str = ""
    base: str = ""
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    direction: str = ""
    qualifier: str = ""
    share_of: str = ""
    expression: str = ""
    dataset: str = ""


@dataclass
class Index:
    """Labels, kinds, triples, quotes and observations of a built graph, by IRI."""

    en: dict[str, str] = field(default_factory=dict)
    zh: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    definition: dict[str, str] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    supers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kind: dict[str, str] = field(default_factory=dict)
    #: (graph local name, subject, predicate, object IRI) for IRI objects
    links: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: (graph local name, subject, predicate, literal text) for literal objects
    literals: list[tuple[str, str, str, str]] = field(default_factory=list)
    quotes: dict[str, list[Quote]] = field(default_factory=lambda: defaultdict(list))
    statement_quotes: dict[tuple[str, str, str], list[Quote]] = field(default_factory=lambda: defaultdict(list))
    observations: list[Obs] = field(default_factory=list)
    #: the reports (their ids) each resource belongs to: see ``_OWNERS_Q``; a resource of none is shared vocabulary
    owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: the resources the ontology defines (classes, code lists and their concepts): shared by every report
    vocabulary: set[str] = field(default_factory=set)

    def label(self, iri: str, lang: str = "en") -> str:
        """The label of an IRI in a language (falling back to the other language, then the CURIE's local
        part)."""
        first, second = (self.en, self.zh) if lang == "en" else (self.zh, self.en)
        return first.get(iri) or second.get(iri) or local_name(iri)

    def kind_of(self, iri: str) -> str:
        """The node kind of an IRI (by its types; ``other`` when untyped)."""
        k = self.kind.get(iri)
        if k is None:
            k = kind_of_types(self.types.get(iri, ()), self.supers)
            self.kind[iri] = k
        return k

    def type_labels(self, iri: str, lang: str = "en") -> list[str]:
        """Labels (English, or Chinese for ``zh``) of the IRI's rdf:types, most specific first (types that are
        superclasses of another of its types are left out)."""
        ts = self.types.get(iri, set())
        specific = [t for t in ts if not any(t in self.supers.get(o, ()) for o in ts if o != t)]
        return sorted(self.label(t, lang) for t in specific)


def local_name(iri: str) -> str:
    """The part of an IRI after its namespace, for labels of unlabelled resources.

    >>> local_name("https://w3id.org/ipgraph/id/charge/art-213-x")
    'art-213-x'
    >>> local_name("http://www.w3.org/ns/prov#Entity")
    'Entity'
    """
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def curie(iri: str) -> str:
    """A CURIE for an IRI of a known namespace, else the IRI itself.

    >>> curie("https://w3id.org/ipgraph/id/place/shanghai")
    'place:shanghai'
    """
    c = compact(iri)
    return iri if c.startswith("<") else c


def _select(store: ox.Store, text: str) -> SelectResult:
    result = run_query(store, text)
    assert isinstance(result, SelectResult)
    return result


def _decimal(term: object) -> Decimal | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _report(term: object) -> str:
    """The id of a report from its IRI (``report:shanghai-2023`` → ``shanghai-2023``); "" for none."""
    return local_name(_value(term)) if _value(term) else ""


def _graph_name(term: object) -> str:
    v = _value(term)
    return v[len(GRAPH) :] if v.startswith(GRAPH) else v


def load_index(store: ox.Store) -> Index:
    """Read labels, types, triples, quotes and observations from a built store."""
    ix = Index()
    for r in _select(store, _LABELS_Q).rows:
        s, p, lit = r["s"].value, r["p"].value, r["l"]
        lang = lit.language or ""
        if p.endswith("#altLabel"):
            ix.alt[s].append(lit.value)
        elif p.endswith("#definition"):
            if lang in ("en", "") and s not in ix.definition:
                ix.definition[s] = lit.value
        elif lang == "zh" and (s not in ix.zh or p.endswith("rdf-schema#label")):
            ix.zh[s] = lit.value
        elif lang in ("en", "") and (s not in ix.en or p.endswith("rdf-schema#label")):
            ix.en[s] = lit.value
    for r in _select(store, _TYPES_Q).rows:
        ix.types[r["s"].value].add(r["t"].value)
    for r in _select(store, _SUPERS_Q).rows:
        ix.supers[r["c"].value].add(r["sup"].value)
    for r in _select(store, _QUADS_Q).rows:
        g, s, p, o = _graph_name(r["g"]), r["s"].value, r["p"].value, r["o"]
        if isinstance(o, ox.NamedNode):
            ix.links.append((g, s, p, o.value))
        elif isinstance(o, ox.Literal):
            ix.literals.append((g, s, p, o.value))
    for r in _select(store, _OWNERS_Q).rows:
        ix.owners[r["x"].value].add(local_name(r["rep"].value))
    ix.vocabulary = {r["s"].value for r in _select(store, _VOCABULARY_Q).rows}
    seen: set[tuple[str, str, str]] = set()
    quote_rows = sorted(
        _select(store, _QUOTES_Q).rows,
        key=lambda r: (r["s"].value, int(r["start"].value) if r.get("start") is not None else 0),
    )
    for r in quote_rows:
        s, text, report = r["s"].value, r["exact"].value, _report(r.get("rep"))
        if (s, text, report) not in seen:
            seen.add((s, text, report))
            ix.quotes[s].append(Quote(text, _value(r.get("section")), _value(r.get("lang")), report))
    for r in _select(store, _STATEMENTS_Q).rows:
        key = (r["s"].value, r["p"].value, _value(r["o"]))
        q = Quote(r["exact"].value, _value(r.get("section")), _value(r.get("lang")), _report(r.get("rep")))
        if q not in ix.statement_quotes[key]:
            ix.statement_quotes[key].append(q)
    by_iri: dict[str, Obs] = {}
    for r in _select(store, _OBS_Q).rows:
        iri = r["o"].value
        if iri in by_iri:
            continue
        dims = {
            name: _value(r.get(var))
            for name, var in (
                ("area", "area"),
                ("entity", "entity"),
                ("function", "fn"),
                ("category", "cat"),
                ("charge", "charge"),
                ("right", "right"),
                ("breakdown", "bd"),
                ("unit", "unit"),
                ("measure", "measure"),
            )
        }
        by_iri[iri] = Obs(
            iri=iri,
            derived=r["cls"].value.endswith("DerivedObservation"),
            dims=dims,
            period=period_slug(_value(r.get("period"))),  # "2023", "2017-2021": the period's slug
            base=period_slug(_value(r.get("base"))),
            value=_decimal(r.get("value")),
            low=_decimal(r.get("low")),
            high=_decimal(r.get("high")),
            direction=_value(r.get("dir")),
            qualifier=_value(r.get("qual")),
            share_of=_value(r.get("shareof")),
            expression=_value(r.get("expr")),
            dataset=_value(r.get("ds")),
        )
    ix.observations = sorted(by_iri.values(), key=lambda o: o.iri)
    return ix


def is_data_iri(iri: str) -> bool:
    """Whether an IRI is one of ipgraph's own identifiers or ontology terms.

    >>> is_data_iri("https://w3id.org/ipgraph/id/inst/x"), is_data_iri("http://www.w3.org/ns/prov#Entity")
    (True, False)
    """
    return iri.startswith((ID_BASE, PREFIXES["ipg"]))
