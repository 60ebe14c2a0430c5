"""Reviewable links files: SSSOM TSV (the Simple Standard for Sharing Ontological Mappings), written and read.

``ipgraph link rdf`` and ``ipgraph link charges`` write their proposals as ``*.sssom.tsv``: a ``#`` header in
YAML (``curie_map``, ``mapping_set_id`` …) and one row per proposed link with a score (``confidence``) and the
reason (``mapping_justification``, ``comment``). A reviewer deletes the rows they reject (or writes ``Not`` in
``predicate_modifier``) and keeps the file in ``data/links/``; :func:`ipgraph.model.links.load_links` reads every
``data/links/*.sssom.tsv`` for the build's links graph.

>>> import tempfile, pathlib
>>> from rdflib import Literal
>>> from ipgraph.model.links import OWL_SAME_AS, load_links
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "links").mkdir()
>>> m = Mapping("https://w3id.org/ipgraph/id/place/shanghai", "Shanghai", OWL_SAME_AS,
...             "http://example.org/gazetteer/shanghai", "Shanghai", "semapv:ManualMappingCuration", 1.0)
>>> write_sssom(d / "links" / "g.sssom.tsv", [m], mapping_set_id="https://example.org/g", description="test")
>>> from ipgraph.query.results import compact
>>> for s, p, o in load_links(d):
...     print(compact(s), compact(p), o.n3() if isinstance(o, Literal) else compact(o))
<http://example.org/gazetteer/shanghai> rdfs:label "Shanghai"
place:shanghai owl:sameAs <http://example.org/gazetteer/shanghai>
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ipgraph.model.links import BASE_PREFIXES, SEMAPV

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
    known = {**BASE_PREFIXES, **(extra or {})}
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
    from ipgraph.store.outputs import write_file

    write_file(path, buf.getvalue().encode("utf-8"))  # recognisable as ipgraph's by its mapping_tool line
