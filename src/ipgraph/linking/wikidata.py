"""Wikidata: the verified identifiers only, the right relation for each, and a federated query to hop there.

Only the items in :data:`VERIFIED` are used; ``ipgraph link wikidata`` fails on any other Wikidata IRI in the
graph, so an invented or mistyped Q-id cannot slip in. The relation follows what the ipgraph term is:

- SKOS concepts (right types) get ``skos:exactMatch`` — the ontology already states these;
- places are individuals, the same real-world thing as the Wikidata item, so they get ``owl:sameAs``
  (kept in ``data/links/wikidata.sssom.tsv``; the report data states ``skos:exactMatch`` for them as well).

The federated query (``queries/federated/wikidata-labels.rq``, or generated from the build by
``ipgraph link wikidata --query``) puts the Wikidata item IRIs in a ``VALUES`` block inside ``SERVICE``:
engines such as Oxigraph send the ``SERVICE`` pattern as it is written, without the bindings of the rest of
the query.

>>> [v.qid for v in VERIFIED if v.relation == OWL_SAME_AS]
['Q8686', 'Q148', 'Q16963', 'Q16967', 'Q40956']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipgraph.linking.sssom import OWL_SAME_AS, SKOS_EXACT, Mapping
from ipgraph.linking.terms import WD
from ipgraph.prefixes import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"


@dataclass(frozen=True)
class Verified:
    """A verified Wikidata item for an ipgraph term, the relation to use, and where it is stated."""

    term: str
    qid: str
    relation: str
    label: str
    stated_in: str
    term_label: str = ""

    @property
    def term_iri(self) -> str:
        """The ipgraph term's IRI."""
        prefix, _, local = self.term.partition(":")
        return PREFIXES[prefix] + local

    @property
    def item(self) -> str:
        """The Wikidata item's IRI."""
        return WD + self.qid


#: The verified identifiers (the ontology issue); nothing else is linked.
VERIFIED: tuple[Verified, ...] = (
    Verified("right:intellectual-property", "Q131257", SKOS_EXACT, "intellectual property", "ontology"),
    Verified("right:trademark", "Q167270", SKOS_EXACT, "trademark", "ontology"),
    Verified("right:copyright", "Q1297822", SKOS_EXACT, "copyright", "ontology"),
    Verified("right:patent", "Q253623", SKOS_EXACT, "patent", "ontology"),
    Verified("place:shanghai", "Q8686", OWL_SAME_AS, "Shanghai", "data/links", "Shanghai"),
    Verified(
        "place:china",
        "Q148",
        OWL_SAME_AS,
        "People's Republic of China",
        "data/links",
        "People's Republic of China",
    ),
    Verified("place:jiangsu", "Q16963", OWL_SAME_AS, "Jiangsu", "data/links", "Jiangsu Province"),
    Verified("place:zhejiang", "Q16967", OWL_SAME_AS, "Zhejiang", "data/links", "Zhejiang Province"),
    Verified("place:anhui", "Q40956", OWL_SAME_AS, "Anhui", "data/links", "Anhui Province"),
)


def wikidata_mappings() -> list[Mapping]:
    """The links ``data/links/wikidata.sssom.tsv`` holds: ``owl:sameAs`` for the places.

    >>> wikidata_mappings()[0].object_id
    'http://www.wikidata.org/entity/Q8686'
    """
    return [
        Mapping(
            v.term_iri,
            v.term_label or v.term,
            v.relation,
            v.item,
            v.label,
            "semapv:ManualMappingCuration",
            1.0,
            "verified identifier; a place is an individual, the same thing as the Wikidata item",
        )
        for v in VERIFIED
        if v.stated_in == "data/links"
    ]


@dataclass
class WikidataReport:
    """Which Wikidata links the graph has, against the verified list."""

    present: list[tuple[str, str, str]] = field(default_factory=list)  # (term, relation, item) verified
    unverified: list[tuple[str, str, str]] = field(default_factory=list)
    missing: list[Verified] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No Wikidata IRI outside the verified list."""
        return not self.unverified

    def text(self) -> str:
        """The report ``ipgraph link wikidata`` prints."""
        from ipgraph.results import compact

        lines = [f"Wikidata links in the graph: {len(self.present) + len(self.unverified)}"]
        for term, rel, item in self.present:
            lines.append(f"  {compact(term):<32} {compact(rel):<16} {compact(item)}  verified")
        for term, rel, item in self.unverified:
            lines.append(f"  {compact(term):<32} {compact(rel):<16} {compact(item)}  NOT VERIFIED")
        for v in self.missing:
            lines.append(f"  {v.term:<32} {compact(v.relation):<16} wd:{v.qid}  verified, not in the graph")
        return "\n".join(lines)


_LINKS_Q = """
SELECT ?term ?rel ?item WHERE {
  ?term ?rel ?item .
  FILTER(?rel IN (<http://www.w3.org/2004/02/skos/core#exactMatch>,
  <http://www.w3.org/2004/02/skos/core#closeMatch>,
                  <http://www.w3.org/2002/07/owl#sameAs>))
  FILTER(isIRI(?item) && STRSTARTS(STR(?item), "http://www.wikidata.org/entity/"))
}
"""


def check_wikidata(store: ox.Store, extra: list[tuple[str, str, str]] | None = None) -> WikidataReport:
    """Compare the graph's Wikidata links (and ``extra`` ones, e.g. from data/links) with the verified
    list."""
    found = {
        (row["term"].value, row["rel"].value, row["item"].value)
        for row in store.query(_LINKS_Q, use_default_graph_as_union=True)  # type: ignore[union-attr]
    }
    found |= set(extra or [])
    verified = {(v.term_iri, v.item) for v in VERIFIED}
    report = WikidataReport()
    for term, rel, item in sorted(found):
        (report.present if (term, item) in verified else report.unverified).append((term, rel, item))
    have = {(t, i) for t, _, i in found}
    report.missing = [v for v in VERIFIED if (v.term_iri, v.item) not in have]
    return report


def federated_query(items: list[str]) -> str:
    """A query that joins ipgraph's terms with their Wikidata items' labels and, for places, population.

    >>> [ln.strip() for ln in federated_query([WD + "Q8686"]).splitlines() if "VALUES" in ln]
    ['VALUES ?wikidata { wd:Q8686 }']
    """
    qids = sorted({i.removeprefix(WD) for i in items}, key=lambda q: int(q[1:]) if q[1:].isdigit() else 0)
    values = " ".join(f"wd:{q}" for q in qids)
    return f"""#+ summary: ipgraph's terms next to their Wikidata items: labels in other languages, population
#+ description: Federated: the SERVICE clause calls the Wikidata query service, so it runs only where
#+ description: federation is enabled (an engine that allows outbound SERVICE calls). The Wikidata items are
#+ description: listed inside SERVICE because engines send that pattern as written.
#+ tags: links, wikidata, federated
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>

SELECT DISTINCT ?term ?label ?wikidata ?label_ja ?label_fr ?label_de ?population
WHERE {{
  {{ ?term owl:sameAs ?wikidata }} UNION {{ ?term skos:exactMatch ?wikidata }}
  FILTER (STRSTARTS(STR(?term), "https://w3id.org/ipgraph/"))
  OPTIONAL {{ ?term rdfs:label ?label FILTER(LANG(?label) = "en") }}
  SERVICE <{WIKIDATA_ENDPOINT}> {{
    VALUES ?wikidata {{ {values} }}
    OPTIONAL {{ ?wikidata rdfs:label ?label_ja FILTER(LANG(?label_ja) = "ja") }}
    OPTIONAL {{ ?wikidata rdfs:label ?label_fr FILTER(LANG(?label_fr) = "fr") }}
    OPTIONAL {{ ?wikidata rdfs:label ?label_de FILTER(LANG(?label_de) = "de") }}
    OPTIONAL {{ ?wikidata wdt:P1082 ?population }}
  }}
}}
ORDER BY ?term
"""


def federated_query_file(root: Path) -> Path:
    """Where the federated query of the verified items is kept."""
    return root / "queries" / "federated" / "wikidata-labels.rq"
