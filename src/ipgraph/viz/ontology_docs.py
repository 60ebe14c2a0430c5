"""HTML documentation of the ontology, made with pyLODE's OntPub profile plus a section for the code lists.

pyLODE documents classes and properties; the code lists (SKOS concept schemes and their concepts: charges,
rights, functions, categories ...) and the other individuals of the ontology (laws, articles, the Data Cube
structures) are added as a "Code lists" section and an "Individuals" section of the same page. Every term is
titled in English with its Chinese label in parentheses, and anchors are the terms' local names
(``#Charge``, ``#charge``, ``#charge-art-213-counterfeiting-registered-trademark``).

pyLODE is an optional dependency (``pip install 'ipgraph[docs]'``) imported only when docs are written. It is
given an in-memory graph, so it reads nothing from the network, and the ontology has no ``owl:imports``.

The page is safe to open whatever the ontology says: pyLODE renders descriptions as Markdown (raw HTML passes
through), so every literal is given to it as escaped text instead; its head (with a JSON-LD block that a
``</script>`` in a description would break out of) is replaced by one made here; the body is run through nh3
with an allow-list of the tags and attributes the page is made of, which also drops every link that is not
``http:``, ``https:``, ``mailto:`` or relative; and a Content-Security-Policy allows only the page's own inline
style sheet and ``data:`` images (:mod:`ipgraph.viz.page_safety`). The page loads nothing from anywhere.

>>> title_of({"en": "IP right type", "zh": "知识产权类型"})
'IP right type (知识产权类型)'
"""

from __future__ import annotations

import functools
import html
import importlib
import importlib.metadata
import importlib.resources
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
from rdflib.namespace import DC, DCTERMS
from rdflib.term import Node

from ipgraph.model.namespace import ID_BASE, IPG, ONTOLOGY_IRI
from ipgraph.viz.page_safety import clean_fragment, json_for_script, standalone_page, text_html

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
    if importlib.util.find_spec("nh3") is None:
        raise ModuleNotFoundError("nh3 is not installed: pip install 'ipgraph[docs]'")
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


@contextmanager
def _escaped_literals() -> Iterator[None]:
    """Make pyLODE show every literal as text: it renders them as Markdown, which lets raw HTML (a ``<script>``
    in a comment) and ``javascript:`` links through. Its ``markdown`` module is replaced while the page is
    made by one whose ``markdown`` escapes (:func:`ipgraph.viz.page_safety.text_html`)."""
    utils: Any = importlib.import_module("pylode.utils")
    original = utils.markdown
    utils.markdown = types.SimpleNamespace(markdown=text_html)
    try:
        yield
    finally:
        utils.markdown = original


@functools.cache
def _background_graph() -> Graph:
    """pyLODE's background ontologies (titles of OWL, RDFS, SKOS, PROV ... terms), parsed from the Turtle files
    its wheel ships, with its title and description inference (the same four title and four description
    properties it copies to ``dcterms:title`` / ``dcterms:description``)."""
    utils: Any = importlib.import_module("pylode.utils")
    graph = Graph(bind_namespaces="core")
    for path in sorted(Path(utils.RDF_FOLDER).glob("*.ttl")):
        graph.parse(path, format="turtle")
    sdo = URIRef("https://schema.org/")
    titles = (DC.title, RDFS.label, SKOS.prefLabel, URIRef(f"{sdo}name"))
    descriptions = (DC.description, RDFS.comment, SKOS.definition, URIRef(f"{sdo}description"))
    for target, sources in ((DCTERMS.title, titles), (DCTERMS.description, descriptions)):
        for source in sources:
            for s, o in list(graph.subject_objects(source)):
                graph.add((s, target, o))
    return graph


@functools.cache
def _background_titles() -> dict[str, str]:
    """The background ontologies' titles by ontology IRI, sorted by title (as pyLODE makes them)."""
    graph = _background_graph()
    titles = {str(s): str(o) for s in graph.subjects(RDF.type, OWL.Ontology) for o in graph.objects(s, DCTERMS.title)}
    return dict(sorted(titles.items(), key=lambda item: item[1]))


@contextmanager
def _background_in_memory() -> Iterator[None]:
    """Keep pyLODE from reading and writing pickles in its own install folder.

    pyLODE 3.4.1 caches its background ontologies as ``refs.pickle`` / ``refs_titles.pickle`` beside its
    code: written on first use, not atomically, and read back with :func:`pickle.load`. Two ``ipgraph docs``
    running at once on a fresh install read a half-written pickle (``EOFError``), a read-only install fails
    with ``PermissionError``, and whoever can write that folder decides what the unpickling runs. Its two
    loaders are replaced while the page is made by ones that parse its Turtle files in memory (0.6 s once
    per process, against 0.2 s for the pickle, measured on the seed ontology).
    """
    modules: list[Any] = [importlib.import_module("pylode.utils"), importlib.import_module("pylode.profiles.ontpub")]
    saved = [(m, m.load_background_onts, m.load_background_onts_titles) for m in modules]
    for module in modules:
        module.load_background_onts = lambda: _background_graph()
        module.load_background_onts_titles = lambda _graph=None: dict(_background_titles())
    try:
        yield
    finally:
        for module, graph_loader, titles_loader in saved:
            module.load_background_onts = graph_loader
            module.load_background_onts_titles = titles_loader


def _headless(ontpub_class: Any) -> Any:
    """A subclass of OntPub that writes no head: the page's head is made by :func:`standalone_page`.

    OntPub's head inlines its style sheet and a schema.org JSON-LD block written raw (a ``</script>`` in a
    description ends it early); the subclass keeps the JSON-LD text to write it escaped."""

    def _make_head(self: Any, schema_org: Graph, include_css: bool = True, destination: Path | None = None) -> None:
        self.ipgraph_json_ld = schema_org.serialize(format="json-ld")

    return type("HeadlessOntPub", (ontpub_class,), {"_make_head": _make_head})


def _pylode_css() -> str:
    return importlib.resources.files("pylode").joinpath("pylode.css").read_text(encoding="utf-8")


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
        match_html = "".join(_link(m, m.rstrip("/").rsplit("/", 1)[-1]) for m in matches)
        indent = f' class="depth-{min(depth, _MAX_DEPTH)}"' if depth else ""
        out.append(
            f'<tr id="{html.escape(_anchor(graph, iri))}">'
            f'<td{indent}><code title="{html.escape(str(iri))}">{html.escape(_curie(graph, iri))}</code></td>'
            f"<td>{html.escape(labels.get('en', ''))}</td>"
            f"<td>{html.escape(labels.get('zh', ''))}</td>"
            f"<td>{html.escape(_text(graph, iri, SKOS.definition))}{match_html}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _link(iri: str, text: str) -> str:
    """A link to an outside IRI, or (for a scheme other than http and https) the IRI as text.

    >>> _link("javascript:alert(1)", "x")
    ' <code>javascript:alert(1)</code>'
    """
    if iri.startswith(("http://", "https://")):
        return f' <a href="{html.escape(iri)}">{html.escape(text)}</a>'
    return f" <code>{html.escape(iri)}</code>"


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


_MAX_DEPTH = 10  # deeper concepts are indented as much as this
_CSS = """
table.codes { border-collapse: collapse; width: 100%; margin-top: 0.5em; table-layout: fixed; }
table.codes th, table.codes td { border: 1px solid #ddd; padding: 0.2em 0.4em; vertical-align: top;
  text-align: left; width: auto; }
table.codes th { background-color: #eee; }
table.codes th:nth-child(1) { width: 30%; }
table.codes th:nth-child(2) { width: 22%; }
table.codes th:nth-child(3) { width: 14%; }
table.codes code { font-size: medium; overflow-wrap: anywhere; }
""" + "".join(
    f"table.codes td.depth-{d} {{ padding-left: {0.4 + 1.2 * d:.1f}em; }}\n" for d in range(1, _MAX_DEPTH + 1)
)

#: What the page's body may hold after sanitizing: the elements and attributes pyLODE and this module write.
_TAGS = frozenset(
    {"a", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "li", "ol", "p", "pre", "span"}
    | {"strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
)
_ATTRIBUTES = {"*": frozenset({"id", "class", "title"}), "a": frozenset({"href"})}


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

    The page is self-contained (pyLODE's CSS is inlined), loads nothing, runs no script, shows every text of
    the ontology as text, and the same ontology gives the same bytes.

    Args:
        ontology_path: The ontology in Turtle (``ontology/ipgraph.ttl``).
        out_html: Where to write the page; missing parent folders are created.

    Returns:
        ``out_html``.

    Raises:
        ModuleNotFoundError: pyLODE is not installed.
        InputError: ``out_html`` is a folder, an input, or a file ipgraph did not write (:mod:`ipgraph.store.outputs`).
    """
    from ipgraph.errors import InputError
    from ipgraph.model.graph import load_ontology

    ontology = load_ontology(ontology_path)  # one line for a missing, unreadable or malformed file
    if not any(isinstance(s, URIRef) for s in ontology.subjects(RDF.type, OWL.Ontology)):
        raise InputError("nothing to document: no IRI is typed owl:Ontology", ontology_path)
    with _quiet_root_logging():
        ontpub_class = _headless(_ontpub_class())
        with _sorted_class_sets(), _escaped_literals(), _background_in_memory():
            ontpub = ontpub_class(ontology=_documentation_graph(ontology), sort_subjects=False)
            for s in ontology.subjects(RDF.type, None):
                if isinstance(s, URIRef) and (
                    (s, RDF.type, OWL.Class) in ontology or any((s, RDF.type, t) in ontology for t in _PROPERTY_TYPES)
                ):
                    ontpub.fids[str(s)] = _anchor(ontology, s)
            rendered: str = ontpub.make_html()
        # dominate keeps the title's text escaped; it is escaped again, once, when the head is written
        title, json_ld = html.unescape(str(ontpub.doc.title)), str(ontpub.ipgraph_json_ld)
    body = rendered[rendered.index("<body>") + len("<body>") : rendered.rindex("</body>")]
    sections, toc = _extra_sections(ontology)
    body = _insert_before(body, '<div id="namespaces">', sections)
    body = _insert_before(body, '<a href="#namespaces">Namespaces</a>', toc, start_of="<li>")
    body = clean_fragment(body, _TAGS, _ATTRIBUTES)
    head = f'<script type="application/ld+json" id="schema.org">\n{json_for_script(json_ld)}\n</script>\n'
    page = standalone_page(title, body.strip(), _pylode_css().strip() + "\n" + _CSS, head=head)
    from ipgraph.store.outputs import marked, write_file

    write_file(out_html, marked(page.encode("utf-8"), "html"), protect=[ontology_path])
    return out_html
