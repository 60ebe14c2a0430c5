"""``ipgraph describe``: everything the graph says about one entity, with the quotes it rests on."""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.prefixes import PREFIXES, sparql_prologue
from ipgraph.results import cell
from ipgraph.store import SelectResult, run_query

_LABEL_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?s ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?s ?p ?l . FILTER(isIRI(?s) && lcase(str(?l)) = lcase(str(?term)))
} ORDER BY ?s"""
)
_ALL_LABELS_Q = sparql_prologue() + "SELECT DISTINCT ?l WHERE { ?s rdfs:label ?l }"
_OUT_Q = (
    sparql_prologue()
    + """SELECT ?p ?o ?olabel WHERE {
  ?s ?p ?o .
  FILTER(?p NOT IN (prov:wasDerivedFrom))
  OPTIONAL { ?o rdfs:label ?olabel . FILTER(lang(?olabel) = "en") }
} ORDER BY ?p ?o"""
)
_IN_Q = (
    sparql_prologue()
    + """SELECT ?x ?p ?xlabel WHERE {
  ?x ?p ?s . FILTER(?p NOT IN (rdf:subject, rdf:object))
  OPTIONAL { ?x rdfs:label ?xlabel . FILTER(lang(?xlabel) = "en") }
} ORDER BY ?p ?x LIMIT 200"""
)
_QUOTES_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?what ?section ?exact WHERE {
  { ?s prov:wasDerivedFrom ?q . BIND("the entity" AS ?what) }
  UNION
  { ?r a ipg:StatementRecord ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?q .
    BIND(CONCAT(STR(?p), " ", STR(?o)) AS ?what) }
  ?q oa:hasSelector/oa:exact ?exact ; ipg:section/ipg:sectionNumber ?section .
} ORDER BY ?section ?what"""
)


def resolve_term(store: ox.Store, term: str) -> ox.NamedNode:
    """An entity by IRI (``<…>`` or ``http…``), CURIE, or English / Chinese label."""
    t = term.strip()
    if t.startswith("<") and t.endswith(">"):
        return ox.NamedNode(t[1:-1])
    if t.startswith(("http://", "https://")):
        return ox.NamedNode(t)
    prefix, sep, local = t.partition(":")
    if sep and prefix in PREFIXES and " " not in t:
        return ox.NamedNode(PREFIXES[prefix] + local)
    found = run_query(store, _LABEL_Q, {"term": ox.Literal(t)})
    assert isinstance(found, SelectResult)
    iris = sorted({r["s"].value for r in found.rows})
    if len(iris) == 1:
        return ox.NamedNode(iris[0])
    if len(iris) > 1:
        listed = ", ".join(cell(ox.NamedNode(i)) for i in iris[:8])
        raise InputError(f"{term!r} is the label of {len(iris)} resources: {listed}; give one of them")
    labels = run_query(store, _ALL_LABELS_Q)
    assert isinstance(labels, SelectResult)
    names = [r["l"].value for r in labels.rows]
    close = difflib.get_close_matches(t, names, n=3, cutoff=0.5)
    hint = f"; did you mean: {'; '.join(close)}?" if close else ""
    raise InputError(f"nothing in the graph is called {term!r}{hint}")


def describe(store: ox.Store, term: str) -> str:
    """A text description of one entity."""
    iri = resolve_term(store, term)
    out = run_query(store, _OUT_Q, {"s": iri})
    inc = run_query(store, _IN_Q, {"s": iri})
    quotes = run_query(store, _QUOTES_Q, {"s": iri})
    assert isinstance(out, SelectResult) and isinstance(inc, SelectResult) and isinstance(quotes, SelectResult)
    if not out.rows and not inc.rows:
        raise InputError(f"{cell(iri)} is not in the graph")
    lines = [cell(iri), f"  <{iri.value}>"]
    for r in out.rows:
        label = f"  ({r['olabel'].value})" if r.get("olabel") is not None else ""
        lines.append(f"  {cell(r['p'])}  {_show(r['o'])}{label}")
    if inc.rows:
        lines.append("referred to by:")
        for r in inc.rows:
            label = f"  ({r['xlabel'].value})" if r.get("xlabel") is not None else ""
            lines.append(f"  {cell(r['x'])}  {cell(r['p'])}{label}")
    if quotes.rows:
        lines.append("source quotes:")
        for r in quotes.rows:
            what = r["what"].value
            if what != "the entity":
                p, _, o = what.partition(" ")
                what = f"{cell(ox.NamedNode(p))} {cell(ox.NamedNode(o)) if o.startswith('http') else o}"
            lines.append(f"  [{r['section'].value}] {what}: “{r['exact'].value}”")
    return "\n".join(lines)


def _show(term: object) -> str:
    if isinstance(term, ox.Literal):
        lang = f"@{term.language}" if term.language else ""
        return f"“{term.value}”{lang}"
    return cell(term)
