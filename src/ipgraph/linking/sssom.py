"""Reviewable links files: SSSOM TSV (the Simple Standard for Sharing Ontological Mappings), written and read.

``ipgraph link rdf`` and ``ipgraph link charges`` write their proposals as ``*.sssom.tsv``: a ``#`` header in
YAML (``curie_map``, ``mapping_set_id`` …) and one row per proposed link with a score (``confidence``) and the
reason (``mapping_justification``, ``comment``). A reviewer deletes the rows they reject (or writes ``Not`` in
``predicate_modifier``) and keeps the file in ``data/links/``; :func:`load_links` reads every
``data/links/*.sssom.tsv`` for the build's links graph.

>>> import tempfile, pathlib
>>> from rdflib import Literal
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "links").mkdir()
>>> m = Mapping("https://w3id.org/ipgraph/id/place/shanghai", "Shanghai", OWL_SAME_AS,
...             "http://example.org/gazetteer/shanghai", "Shanghai", "semapv:ManualMappingCuration", 1.0)
>>> write_sssom(d / "links" / "g.sssom.tsv", [m], mapping_set_id="https://example.org/g", description="test")
>>> from ipgraph.results import compact
>>> for s, p, o in load_links(d):
...     print(compact(s), compact(p), o.n3() if isinstance(o, Literal) else compact(o))
<http://example.org/gazetteer/shanghai> rdfs:label "Shanghai"
place:shanghai owl:sameAs <http://example.org/gazetteer/shanghai>
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ipgraph.errors import InputError
from ipgraph.linking.terms import OWL, RDFS_LABEL, SKOS
from ipgraph.prefixes import ID_BASE, IPG_NS, PREFIXES

if TYPE_CHECKING:
    from rdflib.term import Node

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
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
)
_BASE_PREFIXES = {**PREFIXES, "semapv": SEMAPV}


@dataclass(frozen=True)
class Mapping:
    """One proposed or accepted link, with full IRIs."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    justification: str
    confidence: float
    comment: str = ""


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def curie_map_for(iris: Iterable[str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Prefixes for every IRI: ipgraph's, the extra ones, then ``ns1``, ``ns2`` … for other namespaces.

    >>> curie_map_for(["http://example.org/a/x", "https://w3id.org/ipgraph/id/charge/y"])
    {'charge': 'https://w3id.org/ipgraph/id/charge/', 'ns1': 'http://example.org/a/'}
    """
    known = {**_BASE_PREFIXES, **(extra or {})}
    by_ns = {ns: p for p, ns in known.items()}
    used: dict[str, str] = {}
    unknown: set[str] = set()
    for iri in iris:
        ns = _namespace(iri)
        if ns in by_ns:
            used[by_ns[ns]] = ns
        elif ns:
            unknown.add(ns)
    for i, ns in enumerate(sorted(unknown), start=1):
        used[f"ns{i}"] = ns
    return dict(sorted(used.items()))


def _compact(iri: str, curie_map: dict[str, str]) -> str:
    ns = _namespace(iri)
    for prefix, value in curie_map.items():
        if value == ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _fmt(x: float) -> str:
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def write_sssom(
    path: Path,
    mappings: Sequence[Mapping],
    *,
    mapping_set_id: str,
    description: str,
    tool: str = "ipgraph link",
    extra_prefixes: dict[str, str] | None = None,
) -> None:
    """Write mappings as an SSSOM TSV file (rows in the order given; no date, so the output is
    reproducible)."""
    import yaml

    iris = [i for m in mappings for i in (m.subject_id, m.predicate_id, m.object_id)]
    iris += [SEMAPV + m.justification.split(":", 1)[1] for m in mappings if m.justification.startswith("semapv:")]
    curie_map = curie_map_for(iris, extra_prefixes)
    meta = {
        "curie_map": curie_map,
        "mapping_set_id": mapping_set_id,
        "mapping_set_description": description,
        "mapping_tool": tool,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "comment": "To review, keep the rows you accept (or write Not in predicate_modifier to reject one), "
        "then keep the file in data/links/ so that the build loads it into the links graph.",
    }
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    buf = io.StringIO()
    buf.writelines(f"# {line}\n" for line in header.splitlines())
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in mappings:
        writer.writerow(
            [
                _compact(m.subject_id, curie_map),
                m.subject_label,
                _compact(m.predicate_id, curie_map),
                "",
                _compact(m.object_id, curie_map),
                m.object_label,
                m.justification,
                _fmt(m.confidence),
                m.comment,
            ]
        )
    from ipgraph.outputs import write_file

    write_file(path, buf.getvalue().encode("utf-8"))  # recognisable as ipgraph's by its mapping_tool line


def read_sssom(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of an SSSOM TSV file with identifiers expanded to IRIs, and the line each row is on."""
    from ipgraph.safe_read import TABLE_LIMIT, read_text
    from ipgraph.yamlread import loads

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
    curie_map = {**_BASE_PREFIXES, **{str(k): str(v) for k, v in (meta.get("curie_map") or {}).items()}}
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

    from ipgraph.safe_read import is_folder, list_folder

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
