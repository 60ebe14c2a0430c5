"""What the linked-data pages read from the store: labels, figures with their dimensions, quotes and their text.

Runs in a query worker (the store is read-only there, so what is read once is kept for the worker's life).
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.server.ldtext import TOTALS, Figure

_LABELS_Q = """SELECT ?s ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label }
  ?s ?p ?l . FILTER(isIRI(?s) && (langMatches(lang(?l), "en") || langMatches(lang(?l), "zh")))
} ORDER BY ?p"""

_FIGURES_Q = """SELECT ?o ?v ?t ?cat ?charge ?right ?bd ?unit ?m ?uom ?q ?low ?high ?area ?period ?ent ?proc ?rep
WHERE {
  %VALUES%
  ?o a qb:Observation .
  OPTIONAL { ?o ipg:obsValue ?v } OPTIONAL { ?o ipg:trendDirection ?t }
  OPTIONAL { ?o ipg:caseCategory ?cat } OPTIONAL { ?o ipg:charge ?charge } OPTIONAL { ?o ipg:rightType ?right }
  OPTIONAL { ?o ipg:breakdown ?bd } OPTIONAL { ?o ipg:statUnit ?unit } OPTIONAL { ?o ipg:statMeasure ?m }
  OPTIONAL { ?o ipg:unitMeasure ?uom } OPTIONAL { ?o ipg:valueQualifier ?q }
  OPTIONAL { ?o ipg:lowerBound ?low } OPTIONAL { ?o ipg:upperBound ?high }
  OPTIONAL { ?o ipg:refArea ?area } OPTIONAL { ?o ipg:refPeriod ?period }
  OPTIONAL { ?o ipg:observedEntity ?ent . BIND(EXISTS { ?ent a ipg:Procuratorate } AS ?proc) }
  OPTIONAL { ?o qb:dataSet/dcterms:source ?rep }
}"""

_QUOTE_Q = """SELECT ?exact ?prefix ?suffix ?start ?end ?sec ?num ?heading ?rep ?src ?sha ?srclabel WHERE {
  ?s oa:hasSelector ?qs . ?qs oa:exact ?exact .
  OPTIONAL { ?qs oa:prefix ?prefix } OPTIONAL { ?qs oa:suffix ?suffix }
  OPTIONAL { ?s oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end }
  OPTIONAL { ?s ipg:section ?sec . OPTIONAL { ?sec ipg:sectionNumber ?num } OPTIONAL { ?sec ipg:heading ?heading } }
  OPTIONAL { ?s ipg:report ?rep }
  OPTIONAL { ?s oa:hasSource ?src . OPTIONAL { ?src ipg:sha256 ?sha } OPTIONAL { ?src rdfs:label ?srclabel } }
} LIMIT 1"""

_QUOTES_OF_Q = """SELECT DISTINCT ?p ?o ?q ?exact ?num WHERE {
  { ?s prov:wasDerivedFrom ?q . BIND(prov:wasDerivedFrom AS ?p) BIND(?q AS ?o) }
  UNION
  { ?r a ipg:StatementRecord ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?q . }
  ?q oa:hasSelector/oa:exact ?exact .
  OPTIONAL { ?q ipg:section/ipg:sectionNumber ?num }
} ORDER BY ?num"""

_SUPPORTS_Q = """SELECT DISTINCT ?x ?p ?o WHERE {
  { ?x prov:wasDerivedFrom ?s . FILTER NOT EXISTS { ?x a ipg:StatementRecord } }
  UNION
  { ?r a ipg:StatementRecord ; prov:wasDerivedFrom ?s ; rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?o }
} ORDER BY ?x ?p LIMIT 300"""

_CHECKS_Q = """SELECT ?c ?v WHERE { ?c ipg:checksObservation ?s ; ipg:verdict ?v } ORDER BY ?v ?c"""

_REPORT_FIGURES_Q = """SELECT ?o ?num WHERE {
  ?o a qb:Observation ; qb:dataSet/dcterms:source ?s .
  OPTIONAL { ?o prov:wasDerivedFrom/ipg:section/ipg:sectionNumber ?num }
}"""

_REPORT_OF_Q = """SELECT ?rep WHERE {
  { ?s qb:dataSet/dcterms:source ?rep } UNION { ?s ipg:report ?rep }
  UNION { ?s ipg:checksObservation/qb:dataSet/dcterms:source ?rep }
} LIMIT 1"""


_OUT_Q = """SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o LIMIT 2000"""
_IN_Q = """SELECT DISTINCT ?x ?p WHERE {
  ?x ?p ?s . FILTER(?p NOT IN (rdf:subject, rdf:object, qb:dataSet))
} ORDER BY ?p ?x LIMIT 500"""
_FOOTNOTES_Q = """SELECT ?f ?num ?text WHERE {
  ?f a ipg:Footnote ; ipg:report ?s ; ipg:sectionNumber ?num . OPTIONAL { ?f ipg:heading ?text }
}"""
_SEARCH_LABELS_Q = """SELECT ?s ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label skos:altLabel }
  ?s ?p ?l . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/ipgraph/"))
}"""
_TYPES_Q = """SELECT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && isIRI(?t)) }"""
_REPORTS_Q = """SELECT ?r ?issued ?publisher ?src ?sha ?srclabel WHERE {
  ?r a ipg:Report .
  OPTIONAL { ?r dcterms:issued ?issued } OPTIONAL { ?r dcterms:publisher ?publisher }
  OPTIONAL { ?src a ipg:SourceText ; ipg:report ?r . OPTIONAL { ?src ipg:sha256 ?sha }
             OPTIONAL { ?src rdfs:label ?srclabel } }
} ORDER BY ?r"""
_SECTIONS_Q = """SELECT ?s ?num ?heading ?footnote ?rep WHERE {
  ?s ipg:sectionNumber ?num . OPTIONAL { ?s ipg:heading ?heading } OPTIONAL { ?s ipg:report ?rep }
  BIND(EXISTS { ?s a ipg:Footnote } AS ?footnote)
}"""
_QUOTE_SNIPPETS_Q = """SELECT ?q ?exact ?num WHERE {
  %VALUES%
  ?q oa:hasSelector/oa:exact ?exact . OPTIONAL { ?q ipg:section/ipg:sectionNumber ?num }
}"""
_ONTOLOGY_LICENCE_Q = """SELECT ?l WHERE { <https://w3id.org/ipgraph/ontology> dcterms:license ?l }"""


def rows(store: ox.Store, text: str, bind: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a SELECT (the project's prefixes, the union of the named graphs; ``bind``: VALUES)."""
    from ipgraph.store.embedded import SelectResult, run_query

    result = run_query(store, text, bind or {})
    assert isinstance(result, SelectResult)
    return result.rows


_cache: dict[tuple[int, str], Any] = {}


def cached(store: ox.Store, name: str, make: Callable[[], Any]) -> Any:
    """``make()``, made once per store and name (the store is read-only while a worker lives)."""
    key = (id(store), name)
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def labels(store: ox.Store) -> dict[str, dict[str, str]]:
    """Every IRI's label by language (``en``, ``zh``): its preferred label first."""
    key = (id(store), "labels")
    if key not in _cache:
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for r in rows(store, _LABELS_Q):
            lang = "zh" if r["l"].language.lower().startswith("zh") else "en"
            out[r["s"].value].setdefault(lang, r["l"].value)
        _cache[key] = dict(out)
    found: dict[str, dict[str, str]] = _cache[key]
    return found


def label(names: dict[str, dict[str, str]], iri: str, lang: str) -> str:
    """The label of ``iri`` in ``lang`` (else the other language, else the IRI's last part)."""
    found = names.get(iri, {})
    other = "en" if lang == "zh" else "zh"
    return found.get(lang) or found.get(other) or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _local(term: Any) -> str:
    return term.value.rsplit("/", 1)[-1] if isinstance(term, ox.NamedNode) else ""


@dataclass
class FigureRow:
    """One observation as read: its IRI, report, and its dimension terms."""

    iri: str
    report: str
    row: dict[str, Any]

    def figure(self, names: dict[str, dict[str, str]], lang: str) -> Figure:
        """The observation's :class:`Figure` in ``lang``."""
        r = self.row

        def lab(key: str, skip_totals: bool = True) -> str:
            t = r.get(key)
            if not isinstance(t, ox.NamedNode) or (skip_totals and _local(t) in TOTALS):
                return ""
            return label(names, t.value, lang)

        period = r.get("period")
        period_text = label(names, period.value, lang) if isinstance(period, ox.NamedNode) else ""
        if isinstance(period, ox.Literal):
            period_text = period.value
        entity = "" if r.get("proc") is not None and r["proc"].value == "true" else lab("ent", False)
        value = r.get("v")
        return Figure(
            category=lab("cat"),
            charge=lab("charge"),
            right=lab("right"),
            breakdown=lab("bd"),
            entity=entity,
            unit=lab("unit", False),
            unit_code=_local(r.get("unit")),
            measure=lab("m", False),
            measure_code=_local(r.get("m")),
            area=lab("area", False),
            period=period_text,
            value=value.value if isinstance(value, ox.Literal) else "",
            trend=lab("t", False),
            uom=_local(r.get("uom")),
            uom_label=lab("uom", False),
            qualifier=_local(r.get("q")),
            qualifier_label=lab("q", False),
            low=r["low"].value if r.get("low") is not None else "",
            high=r["high"].value if r.get("high") is not None else "",
        )


_ALL_FIGURES_Q = """SELECT DISTINCT ?o WHERE { ?o a qb:Observation }"""


def all_figures(store: ox.Store) -> dict[str, FigureRow]:
    """Every observation of the graph, by IRI (read once per worker)."""

    def make() -> dict[str, FigureRow]:
        return figures(store, [r["o"].value for r in rows(store, _ALL_FIGURES_Q)])

    found: dict[str, FigureRow] = cached(store, "figures", make)
    return found


def figures(store: ox.Store, iris: list[str]) -> dict[str, FigureRow]:
    """The observations among ``iris``, by IRI."""
    if not iris:
        return {}
    values = "VALUES ?o { " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"
    out: dict[str, FigureRow] = {}
    for r in rows(store, _FIGURES_Q.replace("%VALUES%", values)):
        iri = r["o"].value
        if iri not in out:
            rep = r.get("rep")
            out[iri] = FigureRow(iri, rep.value if rep is not None else "", r)
    return out


def quotes_of(store: ox.Store, iri: ox.NamedNode) -> list[dict[str, Any]]:
    """The quotes an entity and each of its statements rest on (``p``, ``o``, ``q``, ``exact``, ``num``)."""
    return rows(store, _QUOTES_OF_Q, {"s": iri})


def quote(store: ox.Store, iri: ox.NamedNode) -> dict[str, Any] | None:
    """A quote's selectors, section, report and source text description, or None."""
    found = rows(store, _QUOTE_Q, {"s": iri})
    return found[0] if found else None


def supports(store: ox.Store, iri: ox.NamedNode) -> list[dict[str, Any]]:
    """What rests on a quote: entities and figures (``x``) and statements (``x``, ``p``, ``o``)."""
    return rows(store, _SUPPORTS_Q, {"s": iri})


def checks_of(store: ox.Store, iri: ox.NamedNode) -> list[dict[str, Any]]:
    """The consistency checks of a figure (``c``, ``v``)."""
    return rows(store, _CHECKS_Q, {"s": iri})


_CHECK_INFO_Q = """SELECT ?c ?kind ?expr ?v WHERE {
  %VALUES%
  ?c a ipg:ConsistencyCheck .
  OPTIONAL { ?c ipg:checkKind ?kind } OPTIONAL { ?c ipg:expression ?expr } OPTIONAL { ?c ipg:verdict ?v }
}"""


def checks_info(store: ox.Store, iris: list[str]) -> dict[str, dict[str, Any]]:
    """The checks among ``iris`` with their kind, arithmetic and verdict (``kind``, ``expr``, ``v``), by IRI."""
    if not iris:
        return {}
    values = "VALUES ?c { " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"
    out: dict[str, dict[str, Any]] = {}
    for r in rows(store, _CHECK_INFO_Q.replace("%VALUES%", values)):
        out.setdefault(r["c"].value, r)
    return out


def report_figures(store: ox.Store, iri: ox.NamedNode) -> list[tuple[str, str]]:
    """A report's figures (stated and derived): (IRI, section number of its quote)."""
    best: dict[str, str] = {}
    for r in rows(store, _REPORT_FIGURES_Q, {"s": iri}):
        num = r["num"].value if r.get("num") is not None else ""
        o = r["o"].value
        if o not in best or (num and (not best[o] or num < best[o])):
            best[o] = num
    return sorted(best.items(), key=lambda kv: (not kv[1], _section_key(kv[1]), kv[0]))


def _section_key(num: str) -> tuple[Any, ...]:
    """Sections in reading order: ``I.2.10`` after ``I.2.9``; roman numerals by value.

    >>> sorted(["II.1", "I.10", "I.9", "IV"], key=_section_key)
    ['I.9', 'I.10', 'II.1', 'IV']
    """
    roman = {"I": 1, "V": 5, "X": 10}
    out: list[Any] = []
    for part in num.split("."):
        if part and all(c in roman for c in part):
            total = 0
            for a, b in zip(part, part[1:] + " ", strict=True):
                total += -roman[a] if b in roman and roman[b] > roman[a] else roman[a]
            out.append((0, total, ""))
        elif part.isdigit():
            out.append((0, int(part), ""))
        else:
            out.append((1, 0, part))
    return tuple(out)


def report_of(store: ox.Store, iri: ox.NamedNode) -> str:
    """The report a figure, quote, section or check belongs to ("" if none)."""
    found = rows(store, _REPORT_OF_Q, {"s": iri})
    return found[0]["rep"].value if found and found[0].get("rep") is not None else ""


def outgoing(store: ox.Store, iri: ox.NamedNode) -> list[dict[str, Any]]:
    """What a resource says (``p``, ``o``), at most 2,000 statements."""
    return rows(store, _OUT_Q, {"s": iri})


def incoming(store: ox.Store, iri: ox.NamedNode) -> list[dict[str, Any]]:
    """What refers to a resource (``x``, ``p``), at most 500 (statement records and data-set links left out)."""
    return rows(store, _IN_Q, {"s": iri})


def footnotes(store: ox.Store, report: str) -> dict[str, tuple[str, str]]:
    """A report's footnotes: section number (``fn0``) → (IRI, text)."""
    if not report:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for r in rows(store, _FOOTNOTES_Q, {"s": ox.NamedNode(report)}):
        out[r["num"].value] = (r["f"].value, r["text"].value if r.get("text") is not None else "")
    return out


def types(store: ox.Store) -> dict[str, list[str]]:
    """Every IRI's classes (read once per worker)."""
    key = (id(store), "types")
    if key not in _cache:
        out: dict[str, list[str]] = defaultdict(list)
        for r in rows(store, _TYPES_Q):
            out[r["s"].value].append(r["t"].value)
        _cache[key] = dict(out)
    found: dict[str, list[str]] = _cache[key]
    return found


def search_index(store: ox.Store) -> list[tuple[str, str, str]]:
    """(IRI, label, its match key) for every label, preferred and alternative, of ipgraph's own IRIs."""
    key = (id(store), "search")
    if key not in _cache:
        from ipgraph.reading.zh_script import match_key

        _cache[key] = [(r["s"].value, r["l"].value, match_key(r["l"].value)) for r in rows(store, _SEARCH_LABELS_Q)]
    found: list[tuple[str, str, str]] = _cache[key]
    return found


@dataclass(frozen=True)
class Section:
    """A report section or footnote as its pages name it."""

    number: str  # I.1.1, fn0 …
    heading: str
    footnote: bool
    report: str


def sections(store: ox.Store) -> dict[str, Section]:
    """Every report section and footnote by IRI (read once per worker)."""

    def make() -> dict[str, Section]:
        return {
            r["s"].value: Section(
                r["num"].value,
                r["heading"].value if r.get("heading") is not None else "",
                r["footnote"].value == "true",
                r["rep"].value if r.get("rep") is not None else "",
            )
            for r in rows(store, _SECTIONS_Q)
        }

    found: dict[str, Section] = cached(store, "sections", make)
    return found


def quote_snippets(store: ox.Store, iris: list[str]) -> dict[str, tuple[str, str]]:
    """The quotes among ``iris``: IRI → (section number or "", exact text)."""
    if not iris:
        return {}
    values = "VALUES ?q { " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"
    return {
        r["q"].value: (r["num"].value if r.get("num") is not None else "", r["exact"].value)
        for r in rows(store, _QUOTE_SNIPPETS_Q.replace("%VALUES%", values))
    }


def reports(store: ox.Store) -> list[dict[str, Any]]:
    """The reports of the graph with their issue date, publisher and source text (``r``, ``issued`` …)."""
    return rows(store, _REPORTS_Q)


def ontology_licence(store: ox.Store) -> str:
    """The licence the ontology declares ("" if none)."""
    found = rows(store, _ONTOLOGY_LICENCE_Q)
    return found[0]["l"].value if found else ""


# ---- source texts ---------------------------------------------------------------------------------------------
_texts: dict[str, str | None] = {}


def source_dirs(build_dir: Path | None) -> list[Path]:
    """Where a source text may be: ipgraph's own data, ``data/`` of the working folder and of the build's parent."""
    from ipgraph import resources

    found = [Path(resources.data_dir()) / "sources", Path.cwd() / "data" / "sources"]
    if build_dir is not None:
        found += [build_dir.resolve().parent / "data" / "sources", build_dir.resolve().parent / "sources"]
    extra = os.environ.get("IPGRAPH_SOURCES")
    if extra:
        found += [Path(p) for p in extra.split(os.pathsep) if p]
    return found


def source_text(sha256: str, name: str, build_dir: Path | None) -> str | None:
    """The source text whose SHA-256 is ``sha256`` (looked for by ``name`` in :func:`source_dirs`), or None.

    Only a file whose bytes hash to the graph's digest is used: offsets point into exactly that text.
    """
    if sha256 in _texts:
        return _texts[sha256]
    from ipgraph.reading.safe_read import TEXT_LIMIT

    text: str | None = None
    for folder in source_dirs(build_dir):
        candidates = [folder / name] if name else []
        try:
            candidates += sorted(p for p in folder.glob("*.txt") if p.name != name)
        except OSError:
            continue
        for path in candidates:
            try:
                if not path.is_file() or path.stat().st_size > TEXT_LIMIT:
                    continue
                raw = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(raw).hexdigest() == sha256:
                text = raw.decode("utf-8", errors="replace")
                break
        if text is not None:
            break
    _texts[sha256] = text
    return text
