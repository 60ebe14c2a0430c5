"""``ipgraph describe``: everything the graph says about one entity, with the quotes it rests on and their report."""

from __future__ import annotations

import difflib
from decimal import Decimal

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.model.prefixes import PREFIXES, sparql_prologue
from ipgraph.query.results import cell
from ipgraph.reading.zh_script import has_han, match_key
from ipgraph.store.embedded import SelectResult, run_query

_LABEL_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?s ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?s ?p ?l . FILTER(isIRI(?s) && lcase(str(?l)) = lcase(str(?term)))
} ORDER BY ?s"""
)
_ALL_LABELS_Q = sparql_prologue() + "SELECT DISTINCT ?l WHERE { ?s rdfs:label ?l }"
_HAN_LABELS_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?s ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?s ?p ?l . FILTER(isIRI(?s) && REGEX(str(?l), "[\\u3400-\\u9fff\\uf900-\\ufaff]"))
}"""
)
_OUT_Q = (
    sparql_prologue()
    + """SELECT ?p ?o ?olabel WHERE {
  ?s ?p ?o .
  FILTER(?p NOT IN (prov:wasDerivedFrom))
  OPTIONAL { ?o rdfs:label ?own . FILTER(lang(?own) = "LANG") }
  OPTIONAL { ?o rdfs:label ?en . FILTER(lang(?en) = "en") }
  BIND(COALESCE(?own, ?en) AS ?olabel)
} ORDER BY ?p ?o"""
)
_IN_Q = (
    sparql_prologue()
    + """SELECT ?x ?p ?xlabel WHERE {
  ?x ?p ?s . FILTER(?p NOT IN (rdf:subject, rdf:object))
  OPTIONAL { ?x rdfs:label ?own . FILTER(lang(?own) = "LANG") }
  OPTIONAL { ?x rdfs:label ?en . FILTER(lang(?en) = "en") }
  BIND(COALESCE(?own, ?en) AS ?xlabel)
} ORDER BY ?p ?x LIMIT 200"""
)
_QUOTES_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?what ?report ?section ?exact ?qlang WHERE {
  { ?s prov:wasDerivedFrom ?q . BIND("the entity" AS ?what) }
  UNION
  { ?r a ipg:StatementRecord ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?q .
    BIND(CONCAT(STR(?p), " ", STR(?o)) AS ?what) }
  ?q oa:hasSelector/oa:exact ?exact ; ipg:section/ipg:sectionNumber ?section .
  OPTIONAL { ?q ipg:report ?report }
  OPTIONAL { ?q oa:hasSource/dcterms:language ?qlang }
} ORDER BY ?report ?section ?what"""
)


_REPORT_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?report ?area ?label WHERE {
  ?s qb:dataSet/dcterms:source ?report ; ipg:refArea ?area .
  OPTIONAL { ?area rdfs:label ?label . FILTER(lang(?label) = "en") }
} ORDER BY ?report ?area"""
)


def _iri(text: str, term: str) -> ox.NamedNode:
    """The IRI ``text`` stands for, or an InputError saying why ``term`` is not a valid IRI.

    >>> _iri("https://w3id.org/ipgraph/id/x y", "<…>")
    Traceback (most recent call last):
    ipgraph.errors.InputError: '<…>' is not a valid IRI: Invalid IRI code point ' '
    """
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise InputError(f"{term!r} is not a valid IRI: {exc}") from None


def resolve_term(store: ox.Store, term: str) -> ox.NamedNode:
    """An entity by IRI (``<…>`` or ``http…``), CURIE, or English / Chinese label."""
    t = term.strip()
    if t.startswith("<") and t.endswith(">") and len(t) > 1:
        return _iri(t[1:-1], term)
    if t.startswith(("http://", "https://")):
        return _iri(t, term)
    prefix, sep, local = t.partition(":")
    if sep and prefix in PREFIXES and " " not in t:
        return _iri(PREFIXES[prefix] + local, term)
    found = run_query(store, _LABEL_Q, {"term": ox.Literal(t)})
    assert isinstance(found, SelectResult)
    iris = sorted({r["s"].value for r in found.rows})
    if not iris and has_han(t):  # 檢察院 finds 检察院 and the reverse: both sides in simplified characters
        iris = _labelled_alike(store, t)
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


def _labelled_alike(store: ox.Store, term: str) -> list[str]:
    """The resources with a Chinese label equal to ``term`` once both are in simplified characters."""
    rows = run_query(store, _HAN_LABELS_Q)
    assert isinstance(rows, SelectResult)
    key = match_key(term)
    return sorted({r["s"].value for r in rows.rows if match_key(r["l"].value) == key})


LANGUAGES = ("en", "zh")


def in_language(quotes: list[tuple[str, str, str]], lang: str) -> list[tuple[str, str, str]]:
    """Of (what, language, quote) triples, for each ``what`` the quotes in ``lang`` if there are any, else all.

    A quote of a text whose language is not stated counts as any language.

    >>> in_language([("a", "en", "1,369 cases"), ("a", "zh-Hans", "1369件")], "zh")
    [('a', 'zh-Hans', '1369件')]
    >>> in_language([("a", "", "1,369 cases")], "zh")
    [('a', '', '1,369 cases')]
    """
    chosen: list[tuple[str, str, str]] = []
    for what in dict.fromkeys(w for w, _, _ in quotes):
        mine = [q for q in quotes if q[0] == what]
        theirs = [q for q in mine if q[1].lower().split("-")[0] == lang]
        chosen += theirs or mine
    return chosen


def describe(store: ox.Store, term: str, width: int | None = None, lang: str = "en") -> str:
    """A text description of one entity: a figure leads with its value, an entity lists the figures about it.

    Within ``width`` columns long values and quotes are wrapped or shortened; without, each is one line in full.
    ``lang`` (``en`` or ``zh``) picks the labels of what it links to and, for a figure quoted from editions in
    several languages, the quote in that language.
    """
    if lang not in LANGUAGES:
        raise InputError(f"no descriptions in {lang!r}: use one of {', '.join(LANGUAGES)}")
    iri = resolve_term(store, term)
    out = run_query(store, _OUT_Q.replace("LANG", lang), {"s": iri})
    inc = run_query(store, _IN_Q.replace("LANG", lang), {"s": iri})
    quotes = run_query(store, _QUOTES_Q, {"s": iri})
    assert isinstance(out, SelectResult) and isinstance(inc, SelectResult) and isinstance(quotes, SelectResult)
    if not out.rows and not inc.rows:
        raise InputError(f"{cell(iri)} is not in the graph")
    lines = [cell(iri), f"  <{iri.value}>"]
    figures = _figures(store, iri, lang)
    own = [f for f in figures if f.iri == iri.value]
    about = [f for f in figures if f.iri != iri.value]
    if own:
        lines += own[0].summary(width)
    else:
        lines += _report_lines(store, iri)
    for r in out.rows:
        label = f"  ({r['olabel'].value})" if r.get("olabel") is not None else ""
        lines.append(f"  {cell(r['p'])}  {_show(r['o'])}{label}")
    if about:
        lines.append(f"figures ({len(about)}):")
        for f in about:
            lines += f.listed(width)
    listed = {f.iri for f in about}
    others = [r for r in inc.rows if r["x"].value not in listed]
    if others:
        lines.append("referred to by:")
        for r in others:
            label = f"  ({r['xlabel'].value})" if r.get("xlabel") is not None else ""
            lines.append(f"  {cell(r['x'])}  {cell(r['p'])}{label}")
    if quotes.rows:
        lines.append("source quotes:")
        keep = in_language([(r["what"].value, cell(r.get("qlang")), r["exact"].value) for r in quotes.rows], lang)
        for r in quotes.rows:
            if (r["what"].value, cell(r.get("qlang")), r["exact"].value) not in keep:
                continue
            what = r["what"].value
            if what != "the entity":
                p, _, o = what.partition(" ")
                what = f"{cell(ox.NamedNode(p))} {cell(ox.NamedNode(o)) if o.startswith('http') else o}"
            report = r["report"].value.rsplit("/", 1)[-1] + " " if r.get("report") is not None else ""
            exact = " ".join(r["exact"].value.split())
            lines.append(f"  [{report}{r['section'].value}] {what}: “{exact}”")
    if width is not None:
        from ipgraph.query.termtable import _wrapped, width_of

        fitted = []
        for line in lines:
            if width_of(line) <= width:
                fitted.append(line)
                continue
            indent = len(line) - len(line.lstrip())
            fitted += [
                " " * (indent + 4 * bool(k)) + p for k, p in enumerate(_wrapped(line.lstrip(), width - indent - 4))
            ]
        lines = fitted
    return "\n".join(lines)


_FIGURES_Q = (
    sparql_prologue()
    + """SELECT ?o ?v ?uom ?qual ?low ?high ?rep ?area ?expr
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?qrep), " ", ?sec, "\\u0001", ?exact, "\\u0003", COALESCE(?qlang, ""));
                     separator="\\u0002") AS ?quotes)
       (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?sources)
WHERE {
  ?o a qb:Observation ; qb:dataSet/dcterms:source ?rep .
  FILTER(?o = ?s || EXISTS {
    VALUES ?via { ipg:observedEntity ipg:charge ipg:caseCategory ipg:rightType ipg:refArea ipg:breakdown
                  ipg:procuratorialFunction ipg:statUnit }
    ?o ?via ?s })
  OPTIONAL { ?o ipg:obsValue ?v } OPTIONAL { ?o ipg:trendDirection ?v }
  OPTIONAL { ?o ipg:unitMeasure ?uom } OPTIONAL { ?o ipg:valueQualifier ?qual }
  OPTIONAL { ?o ipg:lowerBound ?low } OPTIONAL { ?o ipg:upperBound ?high } OPTIONAL { ?o ipg:refArea ?area }
  OPTIONAL { ?o ipg:expression ?expr }
  OPTIONAL { ?o prov:wasDerivedFrom ?src . ?src a qb:Observation }
  OPTIONAL {
    ?o prov:wasDerivedFrom ?q .
    ?q oa:hasSelector/oa:exact ?exact ; ipg:section/ipg:sectionNumber ?sec ; ipg:report ?qrep
    OPTIONAL { ?q oa:hasSource/dcterms:language ?qlang }
  }
}
GROUP BY ?o ?v ?uom ?qual ?low ?high ?rep ?area ?expr
ORDER BY ?rep ?o"""
)


class _Figure:
    """One figure (a Data Cube observation) as ``describe`` shows it: what it counts, its value, where it is from."""

    def __init__(self, row: dict[str, object], names: object, lang: str = "en") -> None:
        from ipgraph.query.trends import Figures

        assert isinstance(names, Figures)
        o = row["o"]
        assert isinstance(o, ox.NamedNode)
        self.iri = o.value
        local = o.value.rsplit("/", 1)[-1]
        self.what = names.of(local)
        from ipgraph.query.trends import _show

        value = row.get("v")
        self.value = names.labels.get(cell(value), cell(value)) if value is not None else "?"
        uom, qual = (cell(row.get(k)).split(":")[-1] for k in ("uom", "qual"))
        low, high = (
            _show(Decimal(x.value)) if isinstance(x, ox.Literal) else "" for x in (row.get("low"), row.get("high"))
        )
        bounds = f", {low}–{high}" if low and high and low != high else f", at least {low}" if low and not high else ""
        self.unit = ", ".join(x for x in (uom if uom != "number" else "", qual) if x) + bounds
        self.report = cell(row["rep"]).split(":")[-1]
        self.area = names.labels.get(cell(row.get("area")), cell(row.get("area")))
        self.expression = cell(row.get("expr"))
        self.sources = [cell(ox.NamedNode(i)) for i in cell(row.get("sources")).split()]
        found: list[tuple[str, str, str]] = []
        for part in cell(row.get("quotes")).split("\u0002"):
            if "\u0001" in part:
                ref, rest = part.split("\u0001", 1)
                exact, _, language = rest.partition("\u0003")
                found.append(("", language, f"[{ref.rsplit('/', 1)[-1]}]\u0001{' '.join(exact.split())}"))
        chosen = in_language(found, lang)
        self.quotes = [tuple(text.split("\u0001", 1)) for _, _, text in chosen]

    def headline(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"{self.what}: {self.value}{unit}"

    def summary(self, width: int | None) -> list[str]:
        """The lines that open the description of the figure itself."""
        lines = [f"  figure: {self.headline()}", f"  in report {self.report}, area {self.area}"]
        if self.expression:
            lines.append(f"  computed: {self.expression}")
        if self.sources:
            lines.append(f"  derived from: {', '.join(self.sources)}")
        lines += [f"  quote: {ref} “{text}”" for ref, text in self.quotes]
        return lines

    def listed(self, width: int | None) -> list[str]:
        """The figure in an entity's list: its name and value, then its quote (shortened within ``width``)."""
        from ipgraph.query.trends import _snippet

        lines = [f"  {self.headline()} — {self.report}, {self.area}  [{cell(ox.NamedNode(self.iri))}]"]
        for ref, text in self.quotes or [("", f"derived: {self.expression}" if self.expression else "")]:
            if not text:
                continue
            if width is None:
                lines.append(f"    {ref} “{text}”" if ref else f"    {text}")
            else:
                from ipgraph.query.termtable import width_of

                room = max(10, width - 4 - width_of(ref) - 3)
                lines.append(f"    {ref} “{_snippet(text, self.value, room)}”" if ref else f"    {text}")
        return lines


def _figures(store: ox.Store, iri: ox.NamedNode, lang: str = "en") -> list[_Figure]:
    """The figure ``iri`` is, or the figures about it (whose dimensions name it)."""
    from ipgraph.query.trends import Figures

    found = run_query(store, _FIGURES_Q, {"s": iri})
    assert isinstance(found, SelectResult)
    if not found.rows:
        return []
    names = Figures(store)
    return [_Figure(r, names, lang) for r in found.rows]


def _report_lines(store: ox.Store, iri: ox.NamedNode) -> list[str]:
    """For a figure: the report whose data set holds it, and the area it is about."""
    found = run_query(store, _REPORT_Q, {"s": iri})
    assert isinstance(found, SelectResult)
    return [
        f"  in report {r['report'].value.rsplit('/', 1)[-1]}"
        + (f", area {cell(r['area'])}" + (f" ({r['label'].value})" if r.get("label") is not None else ""))
        for r in found.rows
    ]


def _show(term: object) -> str:
    if isinstance(term, ox.Literal):
        lang = f"@{term.language}" if term.language else ""
        return f"“{term.value}”{lang}"
    return cell(term)
