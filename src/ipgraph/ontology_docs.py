"""HTML documentation of the ontology, made with pyLODE's OntPub profile plus a section for the code lists.

pyLODE documents classes and properties; the code lists (SKOS concept schemes and their concepts: charges,
rights, functions, categories ...) and the other individuals of the ontology (laws, articles, the Data Cube
structures) are added as a "Code lists" section and an "Individuals" section of the same page. Every term is
titled in English with its Chinese label in parentheses, and anchors are the terms' local names
(``#Charge``, ``#charge``, ``#charge-art-213-counterfeiting-registered-trademark``).

pyLODE is an optional dependency (``pip install 'ipgraph[docs]'``) imported only when docs are written. It is
given an in-memory graph, so it reads nothing from the network, and the ontology has no ``owl:imports``.

>>> title_of({"en": "IP right type", "zh": "知识产权类型"})
'IP right type (知识产权类型)'
"""

from __future__ import annotations

import html
import importlib
import importlib.metadata
import importlib.util
import logging
import sys
import types
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from ipgraph.namespace import ID_BASE, IPG, ONTOLOGY_IRI

__all__ = ["title_of", "write_ontology_docs"]

_IPG = str(IPG._NS)
_QB = "http://purl.org/linked-data/cube#"
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


def title_of(labels: dict[str, str]) -> str:
    """A bilingual title from labels by language: English, then Chinese in parentheses.

    >>> title_of({"en": "charge"})
    'charge'
    >>> title_of({"zh": "罪名"})
    '罪名'
    """
    en, zh = labels.get("en"), labels.get("zh")
    if en and zh:
        return f"{en} ({zh})"
    return en or zh or ""


def _labels(graph: Graph, subject: Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
        for label in sorted(graph.objects(subject, predicate), key=str):
            if isinstance(label, Literal) and label.language:
                found.setdefault(label.language.split("-")[0], str(label))
    return found


def _documentation_graph(ontology: Graph) -> Graph:
    """A copy of the ontology shaped for OntPub: one bilingual title per term, no concept-scheme metadata.

    OntPub merges the metadata of every ``skos:ConceptScheme`` into the ontology's own, and lists every label
    as a separate title; the schemes are documented in the "Code lists" section instead.
    """
    doc = Graph()
    titled = set()
    for s, p, o in ontology:
        if p == RDF.type and o == SKOS.ConceptScheme:
            continue
        if p in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
            titled.add(s)
            continue
        if s == ONTOLOGY_IRI and p == SKOS.definition:
            continue  # the ontology's dcterms:description says it; OntPub would show both
        doc.add((s, p, o))
    for s in titled:
        doc.add((s, RDFS.label, Literal(title_of(_labels(ontology, s)), lang="en")))
    # Canonical blank-node labels and a fixed insertion order (which OntPub lists terms in): the same page
    # every time, the ontology's own terms before the external ones it re-declares.
    canonical = Graph(bind_namespaces="core")
    for prefix, namespace in ontology.namespace_manager.namespaces():
        canonical.bind(prefix, namespace, override=True)
    for triple in sorted(to_canonical_graph(doc), key=lambda t: (not str(t[0]).startswith(_IPG), t)):
        canonical.add(triple)
    return canonical


def _anchor(graph: Graph, iri: URIRef) -> str:
    """A readable, stable HTML id for a term: its local name in ipg:, else ``prefix-name``."""
    text = str(iri)
    if text.startswith(_IPG):
        return text[len(_IPG) :]
    curie = _curie(graph, iri)
    if curie != text:
        prefix, _, name = curie.partition(":")
        return f"{prefix}-{name}" if prefix else name
    return text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _curie(graph: Graph, iri: URIRef) -> str:
    try:
        return graph.namespace_manager.curie(iri, generate=False)
    except (KeyError, ValueError):
        return str(iri)


def _ontpub_class() -> Any:
    """pyLODE's OntPub class, imported without its side effects on this process.

    pyLODE 3.4.1 reads its version from a ``pyproject.toml`` its wheel does not ship (RDFLib/pyLODE#260), and
    importing it configures the root logger at DEBUG level; the first is worked around with the installed
    distribution's version, the second is undone by the caller (:func:`_quiet_root_logging`).
    """
    if "pylode.version" not in sys.modules:
        spec = importlib.util.find_spec("pylode")
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError("pyLODE is not installed: pip install 'ipgraph[docs]'")
        if not (Path(spec.origin).parent.parent / "pyproject.toml").is_file():
            version = types.ModuleType("pylode.version")
            version.__dict__["__version__"] = importlib.metadata.version("pylode")
            sys.modules["pylode.version"] = version
    return importlib.import_module("pylode.profiles.ontpub").OntPub


@contextmanager
def _quiet_root_logging() -> Iterator[None]:
    """Keep pyLODE's logging out of this process: it calls ``basicConfig(level=DEBUG)`` on import and logs
    at INFO level through the root logger (which installs a handler); both are undone afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    disabled = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(disabled)
        root.setLevel(level)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)


@contextmanager
def _sorted_class_sets() -> Iterator[None]:
    """Make pyLODE list the members of a union ("A or B or C") in a fixed order.

    pyLODE 3.4.1 collects them in a set of strings, whose order changes with Python's hash seed, so the page
    would differ from run to run; its ``intersperse`` helper is wrapped to sort them while the page is made.
    """
    utils: Any = importlib.import_module("pylode.utils")
    original = utils.intersperse

    def intersperse(items: Iterable[Any], separator: Any) -> Any:
        return original(sorted(items, key=str), separator)

    utils.intersperse = intersperse
    try:
        yield
    finally:
        utils.intersperse = original


# ---------------------------------------------------------------------------------------- code lists section


def _concepts_in_order(graph: Graph, scheme: URIRef) -> list[tuple[URIRef, int]]:
    """The concepts of a scheme, depth first from its top concepts, with their depth."""
    members = sorted(
        (c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)),
        key=str,
    )
    member_set = set(members)
    children: dict[URIRef, list[URIRef]] = defaultdict(list)
    roots: list[URIRef] = []
    for concept in members:
        parents = sorted(
            (b for b in graph.objects(concept, SKOS.broader) if isinstance(b, URIRef) and b in member_set),
            key=str,
        )
        if not parents:
            roots.append(concept)
        for parent in parents[:1]:  # a concept with two parents is listed under the first
            children[parent].append(concept)
    ordered: list[tuple[URIRef, int]] = []
    seen: set[URIRef] = set()

    def visit(concept: URIRef, depth: int) -> None:
        if concept in seen:
            return
        seen.add(concept)
        ordered.append((concept, depth))
        for child in sorted(children[concept], key=str):
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    for concept in members:  # a cycle leaves concepts unreached; list them too
        visit(concept, 0)
    return ordered


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(subject, predicate))
    return values[0] if values else ""


def _rows_html(graph: Graph, rows: Iterable[tuple[URIRef, int]]) -> str:
    out = [
        '<table class="codes">',
        "<tr><th>Code</th><th>English</th><th>中文</th><th>Definition</th></tr>",
    ]
    for iri, depth in rows:
        labels = _labels(graph, iri)
        matches = sorted(str(m) for m in graph.objects(iri, SKOS.exactMatch))
        match_html = "".join(f' <a href="{html.escape(m)}">{html.escape(m.rsplit("/", 1)[-1])}</a>' for m in matches)
        indent = f' style="padding-left: {0.4 + 1.2 * depth:.1f}em"' if depth else ""
        out.append(
            f'<tr id="{html.escape(_anchor(graph, iri))}">'
            f'<td{indent}><code title="{html.escape(str(iri))}">{html.escape(_curie(graph, iri))}</code></td>'
            f"<td>{html.escape(labels.get('en', ''))}</td>"
            f"<td>{html.escape(labels.get('zh', ''))}</td>"
            f"<td>{html.escape(_text(graph, iri, SKOS.definition))}{match_html}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _block_html(graph: Graph, iri: URIRef, rows: list[tuple[URIRef, int]]) -> str:
    title = title_of(_labels(graph, iri)) or _curie(graph, iri)
    definition = _text(graph, iri, SKOS.definition)
    return "\n".join(
        [
            f'<div class="property entity" id="{html.escape(_anchor(graph, iri))}">',
            f"<h3>{html.escape(title)}</h3>",
            f"<p><code>{html.escape(str(iri))}</code></p>",
            f"<p>{html.escape(definition)}</p>" if definition else "",
            _rows_html(graph, rows),
            "</div>",
        ]
    )


def _extra_sections(graph: Graph) -> tuple[str, str]:
    """The HTML of the "Code lists" and "Individuals" sections, and their table-of-contents entries."""
    schemes = sorted(
        (s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)),
        key=lambda s: title_of(_labels(graph, s)).lower(),
    )
    in_schemes = {c for c in graph.subjects(SKOS.inScheme, None)}
    groups: dict[URIRef, list[URIRef]] = defaultdict(list)
    for s in sorted({s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}, key=str):
        if not str(s).startswith(ID_BASE) or s in in_schemes or s in schemes:
            continue
        kind = min((t for t in graph.objects(s, RDF.type) if isinstance(t, URIRef)), key=str)
        groups[kind].append(s)
    body = ['<div class="section" id="codelists">', "<h2>Code lists</h2>"]
    toc = ['<li><h4><a href="#codelists">Code lists</a></h4><ul class="second">']
    for scheme in schemes:
        body.append(_block_html(graph, scheme, _concepts_in_order(graph, scheme)))
        name = _labels(graph, scheme).get("en", _curie(graph, scheme))
        toc.append(f'<li><a href="#{html.escape(_anchor(graph, scheme))}">{html.escape(name)}</a></li>')
    body.append("</div>")
    toc.append("</ul></li>")
    if groups:
        body += ['<div class="section" id="individuals">', "<h2>Individuals</h2>"]
        toc.append('<li><h4><a href="#individuals">Individuals</a></h4><ul class="second">')
        for kind in sorted(groups, key=lambda k: title_of(_labels(graph, k)).lower() or str(k)):
            body.append(_block_html(graph, kind, [(i, 0) for i in groups[kind]]))
            name = _labels(graph, kind).get("en", _curie(graph, kind))
            toc.append(f'<li><a href="#{html.escape(_anchor(graph, kind))}">{html.escape(name)}</a></li>')
        body.append("</div>")
        toc.append("</ul></li>")
    return "\n".join(body) + "\n", "\n".join(toc) + "\n"


_CSS = """
table.codes { border-collapse: collapse; width: 100%; margin-top: 0.5em; table-layout: fixed; }
table.codes th, table.codes td { border: 1px solid #ddd; padding: 0.2em 0.4em; vertical-align: top;
  text-align: left; width: auto; }
table.codes th { background-color: #eee; }
table.codes th:nth-child(1) { width: 30%; }
table.codes th:nth-child(2) { width: 22%; }
table.codes th:nth-child(3) { width: 14%; }
table.codes code { font-size: medium; overflow-wrap: anywhere; }
"""


def _insert_before(page: str, marker: str, text: str, *, start_of: str | None = None) -> str:
    at = page.find(marker)
    if at < 0:
        raise RuntimeError(f"unexpected pyLODE output: no {marker!r}")
    if start_of is not None:
        at = page.rfind(start_of, 0, at)
        if at < 0:
            raise RuntimeError(f"unexpected pyLODE output: no {start_of!r} before {marker!r}")
    return page[:at] + text + page[at:]


def write_ontology_docs(ontology_path: Path, out_html: Path) -> Path:
    """Write the HTML documentation of the ontology (pyLODE OntPub) to ``out_html``; return that path.

    The page is self-contained (pyLODE's CSS is inlined) and the same ontology gives the same bytes.

    Args:
        ontology_path: The ontology in Turtle (``ontology/ipgraph.ttl``).
        out_html: Where to write the page; missing parent folders are created.

    Returns:
        ``out_html``.

    Raises:
        ModuleNotFoundError: pyLODE is not installed.
    """
    ontology = Graph().parse(ontology_path, format="turtle")
    with _quiet_root_logging():
        ontpub_class = _ontpub_class()
        with _sorted_class_sets():
            ontpub = ontpub_class(ontology=_documentation_graph(ontology), sort_subjects=False)
            for s in ontology.subjects(RDF.type, None):
                if isinstance(s, URIRef) and (
                    (s, RDF.type, OWL.Class) in ontology or any((s, RDF.type, t) in ontology for t in _PROPERTY_TYPES)
                ):
                    ontpub.fids[str(s)] = _anchor(ontology, s)
            page: str = ontpub.make_html()
    sections, toc = _extra_sections(ontology)
    page = _insert_before(page, '<div id="namespaces">', sections)
    page = _insert_before(page, '<a href="#namespaces">Namespaces</a>', toc, start_of="<li>")
    page = _insert_before(page, "</style>", _CSS)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(page, encoding="utf-8")
    return out_html
