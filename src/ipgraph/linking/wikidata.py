"""Wikidata: reviewed identifiers only, the right relation for each, and a federated query to hop there.

Which Wikidata items may appear is data, not code: the ontology's own ``skos:exactMatch`` links (the right types,
reviewed with the ontology) and the rows of every data directory's ``links/*.sssom.tsv`` whose object is a
Wikidata item, each with the reviewer who checked it (``reviewer_id`` or ``reviewer_label``) and the date
(``mapping_date``; :func:`ipgraph.model.links.load_links` refuses a Wikidata row without them).
``ipgraph link wikidata`` fails on any other Wikidata IRI in the graph, so an invented or mistyped Q-id cannot slip
in; linking a new place (Shenzhen, ``wd:Q15174``) is one reviewed row in a links file. The relation follows what
the ipgraph term is: SKOS concepts (right types) get ``skos:exactMatch``; places are individuals, the same
real-world thing as the Wikidata item, so they get ``owl:sameAs``.

The federated query (``queries/federated/wikidata-labels.rq``, or generated from the build by
``ipgraph link wikidata --query``) puts the Wikidata item IRIs in a ``VALUES`` block inside ``SERVICE``:
engines such as Oxigraph send the ``SERVICE`` pattern as it is written, without the bindings of the rest of
the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipgraph.linking.terms import WD
from ipgraph.model.links import SKOS_EXACT, reviewed_rows

if TYPE_CHECKING:
    import pyoxigraph as ox

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
_ONTOLOGY_GRAPH = "https://w3id.org/ipgraph/graph/ontology"


@dataclass(frozen=True)
class Verified:
    """A reviewed Wikidata item for an ipgraph term, the relation to use, and who stated it where and when."""

    term_iri: str
    item: str
    relation: str
    stated_in: str  # "ontology" or "FILE:LINE" of the links file
    reviewer: str = ""
    date: str = ""

    @property
    def qid(self) -> str:
        """The item's Q-id."""
        return self.item.removeprefix(WD)


_ONTOLOGY_Q = f"""
SELECT ?term ?item WHERE {{
  GRAPH <{_ONTOLOGY_GRAPH}> {{ ?term <{SKOS_EXACT}> ?item }}
  FILTER(isIRI(?item) && STRSTARTS(STR(?item), "{WD}"))
}}
"""


def verified_links(store: ox.Store | None, data_dirs: Sequence[Path]) -> list[Verified]:
    r"""The reviewed Wikidata links: the ontology's (in the build's ontology graph) and the links files'.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "links").mkdir()
    >>> _ = (d / "links" / "w.sssom.tsv").write_text(
    ...     "# curie_map:\n#   wd: http://www.wikidata.org/entity/\n"
    ...     "subject_id\tpredicate_id\tobject_id\treviewer_label\tmapping_date\n"
    ...     "place:shenzhen\towl:sameAs\twd:Q15174\tA. Reviewer\t2026-01-31\n", encoding="utf-8")
    >>> [(v.qid, v.reviewer, v.date) for v in verified_links(None, [d])]
    [('Q15174', 'A. Reviewer', '2026-01-31')]
    """
    found: dict[tuple[str, str], Verified] = {}
    if store is not None:
        for row in store.query(_ONTOLOGY_Q):  # type: ignore[union-attr]
            term, item = row["term"].value, row["item"].value
            found[(term, item)] = Verified(term, item, SKOS_EXACT, "ontology")
    for data_dir in data_dirs:
        for path, line, row in reviewed_rows(data_dir):
            for term, item in ((row["subject_id"], row["object_id"]), (row["object_id"], row["subject_id"])):
                if item.startswith(WD) and (term, item) not in found:
                    reviewer = row.get("reviewer_label", "").strip() or row.get("reviewer_id", "").strip()
                    where, date = f"{path}:{line}", row["mapping_date"]
                    found[(term, item)] = Verified(term, item, row["predicate_id"], where, reviewer, date)
    return sorted(found.values(), key=lambda v: (v.term_iri, v.item))


@dataclass
class WikidataReport:
    """Which Wikidata links the graph has, against the verified list."""

    present: list[tuple[str, str, str]] = field(default_factory=list)  # (term, relation, item) verified
    unverified: list[tuple[str, str, str]] = field(default_factory=list)
    missing: list[Verified] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No Wikidata IRI outside the reviewed list."""
        return not self.unverified

    def text(self) -> str:
        """The report ``ipgraph link wikidata`` prints."""
        from ipgraph.query.results import compact

        lines = [f"Wikidata links in the graph: {len(self.present) + len(self.unverified)}"]
        for term, rel, item in self.present:
            lines.append(f"  {compact(term):<32} {compact(rel):<16} {compact(item)}  reviewed")
        for term, rel, item in self.unverified:
            lines.append(f"  {compact(term):<32} {compact(rel):<16} {compact(item)}  NOT REVIEWED")
        for v in self.missing:
            term, rel = compact(v.term_iri), compact(v.relation)
            lines.append(f"  {term:<32} {rel:<16} wd:{v.qid}  reviewed, not in the graph")
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


def check_wikidata(
    store: ox.Store, verified: Sequence[Verified], extra: list[tuple[str, str, str]] | None = None
) -> WikidataReport:
    """Compare the graph's Wikidata links (and ``extra`` ones, e.g. from data/links) with the reviewed list."""
    found = {
        (row["term"].value, row["rel"].value, row["item"].value)
        for row in store.query(_LINKS_Q, use_default_graph_as_union=True)  # type: ignore[union-attr]
    }
    found |= set(extra or [])
    reviewed = {(v.term_iri, v.item) for v in verified}
    report = WikidataReport()
    for term, rel, item in sorted(found):
        (report.present if (term, item) in reviewed else report.unverified).append((term, rel, item))
    have = {(t, i) for t, _, i in found}
    report.missing = [v for v in verified if (v.term_iri, v.item) not in have]
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
