"""The accepted links of a data folder: its ``links/*.sssom.tsv`` files read, every row checked, as triples.

An SSSOM TSV file (the Simple Standard for Sharing Ontological Mappings) has a ``#`` header in YAML
(``curie_map`` …) and one row per link; ``ipgraph link`` writes them (:mod:`ipgraph.linking.sssom`), a reviewer
keeps the rows they accept, and the build's links graph is made of the rows read here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ipgraph.errors import InputError
from ipgraph.model.prefixes import ID_BASE, IPG_NS, PREFIXES

if TYPE_CHECKING:
    from rdflib.term import Node

OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SEMAPV = "https://w3id.org/semapv/vocab/"
WIKIDATA = "http://www.wikidata.org/entity/"
SSSOM_SUFFIX = ".sssom.tsv"
OWL_SAME_AS = OWL + "sameAs"
SKOS_EXACT = SKOS + "exactMatch"
SKOS_CLOSE = SKOS + "closeMatch"
SKOS_NARROW = SKOS + "narrowMatch"
SKOS_BROAD = SKOS + "broadMatch"
SKOS_RELATED = SKOS + "relatedMatch"
#: Predicates a links file may use.
LINK_PREDICATES: frozenset[str] = frozenset(
    {
        SKOS_EXACT,
        SKOS_CLOSE,
        SKOS_NARROW,
        SKOS_BROAD,
        SKOS_RELATED,
        OWL_SAME_AS,
        OWL + "equivalentClass",
        OWL + "equivalentProperty",
    }
)
BASE_PREFIXES = {**PREFIXES, "semapv": SEMAPV}


def read_sssom(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of an SSSOM TSV file with identifiers expanded to IRIs, and the line each row is on."""
    from ipgraph.reading.safe_read import TABLE_LIMIT, read_text
    from ipgraph.reading.yamlread import loads

    text = read_text(path, TABLE_LIMIT, "the SSSOM file")
    lines = text.splitlines()
    header = [ln[1:] for ln in lines if ln.startswith("#")]
    body_start = next((i for i, ln in enumerate(lines) if not ln.startswith("#")), len(lines))
    try:
        meta = loads("\n".join(h[1:] if h.startswith(" ") else h for h in header), path) or {}
    except InputError as exc:  # the header's lines are the file's first lines
        raise InputError(f"malformed SSSOM header: {exc.message}", path, exc.line, exc.column) from None
    if not isinstance(meta, dict):
        raise InputError("malformed SSSOM header: not a YAML mapping", path)
    curie_map = {**BASE_PREFIXES, **{str(k): str(v) for k, v in (meta.get("curie_map") or {}).items()}}
    reader = csv.reader(lines[body_start:], delimiter="\t")
    rows = list(reader)
    if not rows:
        return []
    columns = rows[0]
    for required in ("subject_id", "predicate_id", "object_id"):
        if required not in columns:
            raise InputError(f"SSSOM table has no {required!r} column", path, body_start + 1)
    out: list[tuple[int, dict[str, str]]] = []
    for offset, cells in enumerate(rows[1:], start=2):
        lineno = body_start + offset
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(f"row has {len(cells)} cells, the header {len(columns)}", path, lineno)
        row = dict(zip(columns, cells, strict=True))
        for key in ("subject_id", "predicate_id", "object_id"):
            row[key] = _expand(row[key].strip(), curie_map, path, lineno)
        out.append((lineno, row))
    return out


def _expand(value: str, curie_map: dict[str, str], path: Path, line: int) -> str:
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if value.startswith(("http://", "https://")):
        return value
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in curie_map:
        raise InputError(f"{value!r} is not a CURIE of the file's curie_map nor an IRI", path, line)
    return curie_map[prefix] + local


def _is_ipgraph(iri: str) -> bool:
    return iri.startswith((ID_BASE, IPG_NS))


def reviewed_rows(data_dir: Path) -> Iterator[tuple[Path, int, dict[str, str]]]:
    """The accepted rows of ``data_dir/links/*.sssom.tsv`` (file, line, row), files in name order.

    Rows with ``predicate_modifier`` ``Not`` are rejected links and skipped. Every row is checked: a link
    predicate, an ipgraph term on one side, valid IRIs; a link to a Wikidata item names who reviewed it
    (``reviewer_id`` or ``reviewer_label``) and when (``mapping_date``, YYYY-MM-DD), since those rows are the list
    of Wikidata identifiers the graph may use. A malformed row raises :class:`ipgraph.errors.InputError`.
    """
    import datetime

    import pyoxigraph as ox

    from ipgraph.reading.safe_read import is_folder, list_folder

    folder = data_dir / "links"
    if not is_folder(folder):
        return
    for path in (folder / n for n in list_folder(folder) if n.endswith(SSSOM_SUFFIX) and not n.startswith(".")):
        for line, row in read_sssom(path):
            if row.get("predicate_modifier", "").strip() == "Not":
                continue
            s, p, o = row["subject_id"], row["predicate_id"], row["object_id"]
            if p not in LINK_PREDICATES:
                allowed = ", ".join(sorted(LINK_PREDICATES))
                raise InputError(f"predicate {p} is not a link predicate ({allowed})", path, line)
            if not (_is_ipgraph(s) or _is_ipgraph(o)):
                raise InputError("neither side of the link is an ipgraph term", path, line)
            for iri in (s, o):
                try:
                    ox.NamedNode(iri)
                except ValueError as exc:
                    raise InputError(f"{iri!r} is not a valid IRI: {exc}", path, line) from None
            if s.startswith(WIKIDATA) or o.startswith(WIKIDATA):
                if not (row.get("reviewer_id", "").strip() or row.get("reviewer_label", "").strip()):
                    raise InputError("a link to Wikidata needs a reviewer (reviewer_id or reviewer_label)", path, line)
                date = row.get("mapping_date", "").strip()
                try:
                    datetime.date.fromisoformat(date)
                except ValueError:
                    shown = f"{date!r}" if date else "none"
                    problem = f"a link to Wikidata needs its mapping_date as YYYY-MM-DD, not {shown}"
                    raise InputError(problem, path, line) from None
            yield path, line, row


def load_links(data_dir: Path) -> list[tuple[Node, Node, Node]]:
    """The accepted links of ``data_dir/links/*.sssom.tsv`` as rdflib triples, for the build's links graph.

    Each row (:func:`reviewed_rows`) gives ``subject predicate object``. One side of every link is an ipgraph
    term; the label of the other side (``subject_label`` / ``object_label``) is added as its ``rdfs:label`` so the
    links graph says what was linked. The triples are sorted, so the build stays reproducible.
    """
    from rdflib import Literal, URIRef

    triples: set[tuple[Node, Node, Node]] = set()
    for _path, _line, row in reviewed_rows(data_dir):
        s, p, o = row["subject_id"], row["predicate_id"], row["object_id"]
        triples.add((URIRef(s), URIRef(p), URIRef(o)))
        for iri, label in ((s, row.get("subject_label", "")), (o, row.get("object_label", ""))):
            if label.strip() and not _is_ipgraph(iri):
                triples.add((URIRef(iri), URIRef(RDFS_LABEL), Literal(label.strip())))
    return sorted(triples)
