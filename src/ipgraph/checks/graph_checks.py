"""Checks of the ontology and the data: health queries, SHACL shapes, OWL consistency, canonical Turtle.

Four independent checks, each returning plain values a caller can print or count:

- :func:`run_health_queries` runs every ``queries/checks/*-violation.rq`` (ODK naming: a query returns
  rows only when something is wrong, one row per problem with ``?term`` and ``?message``);
- :func:`run_shacl` validates a data graph against ``ontology/shapes.ttl`` (with pySHACL-Turbo, a compiled engine
  with pySHACL's interface and results; pySHACL itself is the reference it is tested against);
- :func:`check_owl_consistency` asks HermiT (through owlready2 and Java) whether the ontology is consistent
  and which classes are unsatisfiable;
- :func:`canonical_turtle_problems` tells whether a hand-written Turtle file is in rdflib's canonical
  ``longturtle`` form.

The SHACL engines and owlready2 are imported inside the functions that need them, so importing this module stays cheap.

>>> v = Violation("missing-label-en-violation", "https://w3id.org/ipgraph/ontology/Foo", "no English label")
>>> str(v)
'missing-label-en-violation: <https://w3id.org/ipgraph/ontology/Foo> no English label'
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ipgraph.errors import IpgraphError

__all__ = [
    "OWL2_DATATYPES",
    "JavaNotFoundError",
    "ReasonerError",
    "ReasonerResult",
    "ShaclEngine",
    "Violation",
    "canonical_turtle_problems",
    "check_owl_consistency",
    "find_java",
    "ntriples",
    "query_header",
    "run_checks",
    "run_health_queries",
    "run_shacl",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"

#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4): the datatypes a DL reasoner supports.
OWL2_DATATYPES: frozenset[URIRef] = frozenset(
    {
        URIRef("http://www.w3.org/2002/07/owl#real"),
        URIRef("http://www.w3.org/2002/07/owl#rational"),
        RDF.PlainLiteral,
        RDF.XMLLiteral,
        RDF.langString,
        URIRef("http://www.w3.org/2000/01/rdf-schema#Literal"),
        *(
            URIRef(_XSD + name)
            for name in (
                "decimal",
                "integer",
                "nonNegativeInteger",
                "nonPositiveInteger",
                "positiveInteger",
                "negativeInteger",
                "long",
                "int",
                "short",
                "byte",
                "unsignedLong",
                "unsignedInt",
                "unsignedShort",
                "unsignedByte",
                "double",
                "float",
                "string",
                "normalizedString",
                "token",
                "language",
                "Name",
                "NCName",
                "NMTOKEN",
                "boolean",
                "hexBinary",
                "base64Binary",
                "anyURI",
                "dateTime",
                "dateTimeStamp",
            )
        ),
    }
)

Engine = TypingLiteral["oxigraph", "rdflib"]


@dataclass(frozen=True, order=True)
class Violation:
    """One problem found by a check.

    Attributes:
        check: The check that found it: the query file stem (``naming-violation``) or the SHACL source shape
            (``shapes:ObservationShape-refPeriod``).
        focus: The offending resource (IRI, or ``_:label`` for a blank node).
        message: What is wrong, in English.
        path: The SHACL result path, if any.
        value: The SHACL value node, if any.
    """

    check: str
    focus: str
    message: str
    path: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        focus = f"<{self.focus}>" if "://" in self.focus else self.focus
        where = f" {self.path}" if self.path else ""
        return f"{self.check}: {focus}{where} {self.message}"


@dataclass(frozen=True)
class ReasonerResult:
    """What HermiT said about an ontology.

    Attributes:
        consistent: Whether the ontology (plus any extra triples) has a model.
        unsatisfiable: IRIs of the named classes equivalent to ``owl:Nothing``, sorted (empty when
            inconsistent: HermiT classifies only a consistent ontology).
        seconds: Wall-clock time of the reasoner run (Java start-up included).
        ignored_datatypes: Datatypes used by the ontology that are outside the OWL 2 datatype map (such as
            ``xsd:gYear``); HermiT was told to ignore them, so axioms on them are not reasoned with.
        messages: Warnings owlready2 printed while loading the ontology.
    """

    consistent: bool
    unsatisfiable: tuple[str, ...]
    seconds: float
    ignored_datatypes: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Consistent and without unsatisfiable classes.

        >>> ReasonerResult(True, (), 0.1).ok
        True
        >>> ReasonerResult(True, ("http://example.org/C",), 0.1).ok
        False
        """
        return self.consistent and not self.unsatisfiable


class JavaNotFoundError(IpgraphError):
    """The OWL reasoner needs Java, and no ``java`` executable was found (``JAVA_HOME`` or ``PATH``)."""


class ReasonerError(IpgraphError):
    """The reasoner failed for another reason than an inconsistent ontology (its Java message is included)."""


# ------------------------------------------------------------------------------------------- health queries


def query_header(text: str) -> dict[str, str]:
    """The ``#+ key: value`` decorators that open a query file (grlc style), as a dict.

    Continuation lines (``#+   - item``) are ignored; only one-line values are kept.

    >>> query_header("#+ summary: Terms without a label\\n#+ tags:\\n#+   - health\\nSELECT * WHERE {}")
    {'summary': 'Terms without a label', 'tags': ''}
    """
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if not line.startswith("#+ ") or line.startswith("#+  "):
            continue
        key, sep, value = line[3:].partition(":")
        if sep and key.strip() and " " not in key.strip():
            header[key.strip()] = value.strip()
    return header


def _union_graph(graph: Graph) -> Graph:
    """A plain graph with every triple of ``graph``; a Dataset's named graphs are merged."""
    if not isinstance(graph, Dataset):
        return graph
    union = Graph()
    for prefix, namespace in graph.namespace_manager.namespaces():
        union.bind(prefix, namespace, override=True)
    for s, p, o, _ in graph.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _query_files(checks_dir: Path) -> list[Path]:
    if not checks_dir.is_dir():
        raise FileNotFoundError(f"no checks directory {checks_dir}")
    return sorted(checks_dir.glob("*-violation.rq"))


def _rows_rdflib(graph: Graph, query: str) -> Iterator[tuple[str, str | None]]:
    union = _union_graph(graph)
    for row in union.query(query):
        bindings = row.asdict()  # type: ignore[union-attr]
        term = bindings.get("term")
        message = bindings.get("message")
        yield (_node_text(term) if term is not None else "", str(message) if message is not None else None)


def _rows_oxigraph(store: Any, query: str) -> Iterator[tuple[str, str | None]]:
    import pyoxigraph

    for solution in store.query(query, use_default_graph_as_union=True):
        term = solution["term"]
        message = solution["message"]
        if term is None:
            term_text = ""
        elif isinstance(term, pyoxigraph.BlankNode):
            term_text = f"_:{term.value}"
        else:
            term_text = str(term.value)
        yield term_text, (None if message is None else str(message.value))


def _is_store(data: object) -> bool:
    """Whether ``data`` is already a pyoxigraph store (made by :func:`_oxigraph_store`)."""
    import sys

    module = sys.modules.get("pyoxigraph")
    return module is not None and isinstance(data, module.Store)


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Triples as N-Triples, written term by term (each term once) rather than by rdflib's serializer: a third of
    the time for one report's data (0.03 s against 0.1 s). Blank nodes keep rdflib's labels, so that a check names
    a blank node as the SHACL results and the build's list of a report's nodes do."""
    from ipgraph.model.dataset import nt_term

    written: dict[Node, str] = {}

    def term(node: Node) -> str:
        text = written.get(node)
        if text is None:
            text = written[node] = f"_:{node}" if isinstance(node, BNode) else nt_term(node)
        return text

    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples).encode("utf-8")


def _oxigraph_store(graph: Graph) -> Any:
    """An in-memory pyoxigraph store of every triple of ``graph`` (a Dataset's graphs merged), blank nodes keeping
    their labels (see :func:`ntriples`)."""
    import pyoxigraph

    triples = (
        ((s, p, o) for s, p, o, _ in graph.quads((None, None, None, None))) if isinstance(graph, Dataset) else graph
    )
    data = ntriples(triples)
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    return store


def run_health_queries(graph: Graph | Dataset, checks_dir: Path, *, engine: Engine = "oxigraph") -> list[Violation]:
    """Run every ``*-violation.rq`` of ``checks_dir`` on ``graph``; each returned row is a violation.

    A query selects ``?term`` (the offending resource) and ``?message``; a row without a message gets the
    query's ``#+ summary:``. A Dataset is queried as the union of its graphs.

    Args:
        graph: The ontology, or data merged with the ontology (for the undeclared-term checks).
        checks_dir: The folder of the violation queries (``queries/checks``).
        engine: ``"oxigraph"`` (default; the graph is copied into an in-memory pyoxigraph store, which runs
            these scans about a hundred times faster) or ``"rdflib"``.

    Returns:
        The violations, sorted by check, focus and message; empty when the graph is healthy.

    Raises:
        FileNotFoundError: ``checks_dir`` is not a directory.

    >>> import tempfile
    >>> from rdflib import Graph
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "no-label-violation.rq").write_text(
    ...     "#+ summary: Class without a label\\n"
    ...     "SELECT ?term WHERE { ?term a <http://www.w3.org/2002/07/owl#Class> "
    ...     "FILTER NOT EXISTS { ?term <http://www.w3.org/2000/01/rdf-schema#label> ?l } }")
    >>> g = Graph().parse(
    ...     data="<http://example.org/A> a <http://www.w3.org/2002/07/owl#Class> .", format="turtle")
    >>> [str(v) for v in run_health_queries(g, folder)]
    ['no-label-violation: <http://example.org/A> Class without a label']
    """
    files = _query_files(checks_dir)
    store = (graph if _is_store(graph) else _oxigraph_store(graph)) if engine == "oxigraph" else None
    violations: list[Violation] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        summary = query_header(text).get("summary", path.stem)
        rows = _rows_oxigraph(store, text) if store is not None else _rows_rdflib(graph, text)
        for term, message in rows:
            violations.append(Violation(path.stem, term, message or summary))
    return sorted(violations)


# ---------------------------------------------------------------------------------------------------- SHACL


def _node_text(node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _short(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # rdflib raises several error types for IRIs it cannot shorten
            return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


#: ``turbo``: pySHACL-Turbo (the default; measured 5x faster than pySHACL on one report's data, 0.2 s against
#: 1.0 s, with the same results: tests/test_shapes.py runs both on every example); ``pyshacl``: the reference.
ShaclEngine = TypingLiteral["turbo", "pyshacl"]


@functools.lru_cache(maxsize=4)
def _shapes_graph(path: Path, mtime_ns: int, size: int) -> Graph:
    """The shapes file parsed once (a build checks every report with it); a changed file is parsed again."""
    return Graph().parse(path, format="turtle")


def run_shacl(
    data: Graph, shapes_path: Path, ontology: Graph | None = None, *, engine: ShaclEngine = "turbo"
) -> list[Violation]:
    """Validate ``data`` (merged with ``ontology``) against the SHACL shapes in ``shapes_path``.

    The data graph the engine sees holds every triple of ``data`` (all named graphs merged, if it is a Dataset)
    and of ``ontology``, so that ``sh:targetClass`` and ``sh:class`` follow ``rdfs:subClassOf`` and code-list
    concepts are typed. No inference is run; SHACL Advanced Features are on (the shapes use SPARQL targets).
    A plain Graph without ``ontology`` is validated as it is (nothing is added to it); anything else is copied
    first.

    Args:
        data: The facts and provenance graphs (a Graph, or the build's Dataset).
        shapes_path: ``ontology/shapes.ttl``.
        ontology: The ontology graph, or None when ``data`` already contains it.
        engine: Which SHACL engine validates (see :data:`ShaclEngine`).

    Returns:
        One violation per SHACL result (any severity), sorted; empty when the data conforms.

    >>> shapes = Path(tempfile.mkdtemp()) / "shapes.ttl"
    >>> _ = shapes.write_text('''
    ... @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ... ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    ...   sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "needs ex:p"@en ] .''')
    >>> g = Graph().parse(data="<http://example.org/x> a <http://example.org/C> .", format="turtle")
    >>> [(v.focus, v.path, v.message) for v in run_shacl(g, shapes)]
    [('http://example.org/x', 'http://example.org/p', 'needs ex:p')]
    >>> [(v.focus, v.path, v.message) for v in run_shacl(g, shapes, engine="pyshacl")]
    [('http://example.org/x', 'http://example.org/p', 'needs ex:p')]
    """
    import importlib

    shacl_engine: Any = importlib.import_module("pyshacl_turbo" if engine == "turbo" else "pyshacl")

    stat = shapes_path.stat()
    shapes = _shapes_graph(shapes_path, stat.st_mtime_ns, stat.st_size)
    if ontology is None and type(data) is Graph:
        working = data
    else:
        working = Graph()
        for source in (data, ontology):
            if source is None:
                continue
            for prefix, namespace in source.namespace_manager.namespaces():
                working.bind(prefix, namespace, override=False)
            triples = (
                ((s, p, o) for s, p, o, _ in source.quads((None, None, None, None)))
                if isinstance(source, Dataset)
                else iter(source)
            )
            for triple in triples:
                working.add(triple)
    _conforms, report, _text = shacl_engine.validate(
        working,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=engine == "pyshacl",  # pySHACL would copy the graph; Turbo would write its copy back (0.07 s)
        allow_warnings=True,
    )
    violations: list[Violation] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        texts = sorted(
            report.objects(result, SH.resultMessage),
            key=lambda m: (getattr(m, "language", None) != "en", str(m)),
        )
        message = str(texts[0]) if texts else "does not conform"
        violations.append(
            Violation(
                check=_short(shape, shapes) or "shacl",
                focus=_node_text(focus) if focus is not None else "",
                message=message,
                path=str(path) if isinstance(path, URIRef) else _short(path, report),
                value=None if value is None else (str(value) if isinstance(value, Literal) else _node_text(value)),
            )
        )
    return sorted(violations)


def run_checks(
    data: Graph, checks_dir: Path, shapes_path: Path, store: Any = None
) -> tuple[list[Violation], list[Violation]]:
    """The health queries and the SHACL shapes on the same data: ``(health violations, shape violations)``.

    ``store``: a pyoxigraph store holding the same triples as ``data`` (the caller's, when it has one made more
    cheaply), on which the health queries run; by default one is written from ``data``.

    The shapes are checked in a second thread while the queries run: pyoxigraph and pySHACL-Turbo do most of their
    work outside the interpreter lock and both only read ``data`` (one report: 0.38 s one after the other,
    0.28 s together).
    """
    from concurrent.futures import ThreadPoolExecutor

    if store is None:
        store = _oxigraph_store(data)  # written before the second thread starts: only the shapes read ``data`` then
    with ThreadPoolExecutor(max_workers=1) as pool:
        shapes = pool.submit(run_shacl, data, shapes_path, None)
        health = run_health_queries(store, checks_dir)
        return health, shapes.result()


# -------------------------------------------------------------------------------------------- OWL reasoning


def find_java() -> str:
    """The Java executable: ``$JAVA_HOME/bin/java`` if it exists, else ``java`` on the ``PATH``.

    Raises:
        JavaNotFoundError: Neither exists.
    """
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        for name in ("java", "java.exe"):
            candidate = Path(java_home) / "bin" / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise JavaNotFoundError(
            "the OWL reasoner (HermiT) needs Java: install a JRE (for example 'apt-get install default-jre') "
            "or set JAVA_HOME"
        )
    return found


def _non_owl2_datatypes(graph: Graph) -> tuple[str, ...]:
    used: set[URIRef] = set()
    for _, _, o in graph:
        if isinstance(o, Literal) and o.datatype is not None:
            used.add(o.datatype)
    for prop in (
        URIRef("http://www.w3.org/2000/01/rdf-schema#range"),
        URIRef("http://www.w3.org/2002/07/owl#onDatatype"),
    ):
        used.update(o for o in graph.objects(None, prop) if isinstance(o, URIRef) and str(o).startswith(_XSD))
    return tuple(sorted(str(d) for d in used if d not in OWL2_DATATYPES))


def check_owl_consistency(ontology_path: Path, extra: Graph | None = None) -> ReasonerResult:
    """Run HermiT (owlready2's ``sync_reasoner``) on the ontology, plus ``extra`` triples if given.

    The Turtle file is converted to N-Triples in a temporary folder (owlready2 reads no Turtle) and loaded
    into a fresh owlready2 World, so repeated calls do not interfere. Datatypes outside the OWL 2 datatype map
    (the ontology's ``xsd:gYear`` ranges) are passed over with HermiT's ``--ignoreUnsupportedDatatypes`` and
    listed in the result.

    Args:
        ontology_path: The ontology in Turtle.
        extra: More triples to reason with (for example data), or None.

    Returns:
        Consistency, the unsatisfiable classes and the time taken.

    Raises:
        JavaNotFoundError: No Java executable was found.
        ReasonerError: HermiT failed for another reason than inconsistency.
    """
    java = find_java()
    import owlready2

    graph = Graph().parse(ontology_path, format="turtle")
    if extra is not None:
        for triple in _union_graph(extra):
            graph.add(triple)
    ignored = _non_owl2_datatypes(graph)
    log = io.StringIO()
    previous_java = owlready2.JAVA_EXE
    owlready2.JAVA_EXE = java
    try:
        with tempfile.TemporaryDirectory(prefix="ipgraph-owl-") as tmp:
            nt_path = Path(tmp) / "ontology.nt"
            graph.serialize(nt_path, format="nt", encoding="utf-8")
            world = owlready2.World()
            with contextlib.redirect_stderr(log), contextlib.redirect_stdout(log):
                world.get_ontology(nt_path.as_uri()).load(format="ntriples")
            started = time.perf_counter()
            try:
                with contextlib.redirect_stderr(log), contextlib.redirect_stdout(log):
                    owlready2.sync_reasoner(
                        world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                    )
                consistent = True
            except owlready2.OwlReadyInconsistentOntologyError:
                consistent = False
            except owlready2.OwlReadyJavaError as exc:
                raise ReasonerError(f"HermiT failed: {exc}".strip()) from None
            seconds = time.perf_counter() - started
            nothing = "http://www.w3.org/2002/07/owl#Nothing"
            unsatisfiable = (
                tuple(sorted({c.iri for c in world.inconsistent_classes() if c.iri != nothing})) if consistent else ()
            )
    finally:
        owlready2.JAVA_EXE = previous_java
    messages = tuple(line.strip() for line in log.getvalue().splitlines() if line.strip())
    return ReasonerResult(consistent, unsatisfiable, seconds, ignored, messages)


# ----------------------------------------------------------------------------------------- canonical Turtle


def canonical_turtle_problems(path: Path) -> str | None:
    """None if the file equals rdflib's ``longturtle`` serialization of itself, else what differs first.

    >>> folder = Path(tempfile.mkdtemp())
    >>> good = folder / "good.ttl"
    >>> _ = good.write_text("PREFIX e: <http://e.org/>\\n\\ne:a\\n    e:b e:c ;\\n.\\n")
    >>> canonical_turtle_problems(good) is None
    True
    >>> bad = folder / "bad.ttl"
    >>> _ = bad.write_text("@prefix e: <http://e.org/> .\\ne:a e:b e:c .\\n")
    >>> canonical_turtle_problems(bad)
    "bad.ttl line 1: found '@prefix e: <http://e.org/> .', expected 'PREFIX e: <http://e.org/>'"
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path.name}: cannot be read: {exc}"
    try:
        graph = Graph().parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several parser error types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{path.name}: does not parse as Turtle: {first}"
    expected = graph.serialize(format="longturtle")
    if text == expected:
        return None
    for number, (found, wanted) in enumerate(zip_longest(text.splitlines(), expected.splitlines()), start=1):
        if found != wanted:
            return f"{path.name} line {number}: found {found!r}, expected {wanted!r}"
    return f"{path.name}: differs from the longturtle serialization in line endings or the final newline"
