"""A build's parts: each report read, resolved, derived and validated on its own, kept as sorted N-Quads.

A build holds one report's graph at a time (and the ontology with the shared data), so its memory does not grow
with the number of reports; what later steps need of a report — the entities it defines and their classes, the
identifiers it uses, digests of its figures' dimensions for the cross-report checks — is kept beside its N-Quads
in ``parts/ID.json``. A later build reuses a part whose inputs (its folder, its texts, the ontology, the shapes,
the shared data and ipgraph's own code) have not changed, and whose other reports' entities it uses are unchanged.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, BNode, Dataset, Graph, URIRef

from ipgraph.errors import InputError
from ipgraph.model.graph import (
    GRAPH_DERIVED,
    GRAPH_FACTS,
    GRAPH_LINKS,
    GRAPH_ONTOLOGY,
    GRAPH_PROVENANCE,
    ONTOLOGY_PREFIXES,
    OntologyIndex,
    _Builder,
    load_ontology,
)
from ipgraph.model.namespace import ID_BASE
from ipgraph.reading.facts import SharedData, load_report
from ipgraph.reading.safe_read import read_bytes

PARTS_DIR = "parts"
BASE_PART = "_base"  # the ontology, the shared data and the links (report ids are slugs: never a leading "_")
ACROSS_PART = "_across"  # the checks that compare reports
#: Bump when the format of a part changes, so that older parts are built again.
PART_FORMAT = 1
_FILE_LIMIT = 256 * 1024 * 1024
#: The ontology's triples a report's checks need (see :meth:`PartContext.shacl_base`).
_STRUCTURE = frozenset((RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range))
_MERGE_FAN_IN = 200  # files merged at once (well under the usual limit of 1,024 open files)


@dataclass
class PartInfo:
    """What the build keeps of one report besides its quads."""

    report: str
    hash: str
    entities: dict[str, str] = field(default_factory=dict)  # identifier -> where it is defined ("path:line")
    types: dict[str, list[str]] = field(default_factory=dict)  # identifier -> its classes
    uses: list[str] = field(default_factory=list)  # other reports' and shared entities it uses
    pending: list[list[Any]] = field(default_factory=list)  # [iri, path, line, shown]: undefined when it was read
    stated: list[str] = field(default_factory=list)  # digests of its stated figures' dimensions (entity aside)
    derived: list[str] = field(default_factory=list)  # digests of its derived values' dimensions (entity aside)
    sources: dict[str, str] = field(default_factory=dict)  # text key -> sha256
    shared: str = ""  # digest of the shared entities it uses, as the shared data describes them
    validated: bool = True  # False: its shapes are checked once every report is read (it uses a later one's)
    seconds: dict[str, float] = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        """Write ``ID.json`` next to the part's quads."""
        text = json.dumps({"format": PART_FORMAT, **asdict(self)}, ensure_ascii=False, sort_keys=True)
        (folder / f"{self.report}.json").write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path, report: str) -> PartInfo | None:
        """The part of ``report`` an earlier build kept in ``folder``, or None if there is none that can be used."""
        try:
            data = json.loads((folder / f"{report}.json").read_text(encoding="utf-8"))
            if data.pop("format", None) != PART_FORMAT or not (folder / f"{report}.nq").is_file():
                return None
            info = cls(**data)
        except (OSError, ValueError, TypeError, AttributeError):
            return None
        kinds = {name: type(value) for name, value in asdict(cls(report, "")).items()}
        if any(not isinstance(value, kinds[name]) for name, value in asdict(info).items()):
            return None  # not what a build wrote (edited by hand, damaged): the report is built again
        try:
            texts = [*info.entities, *info.entities.values(), *info.uses, *info.stated, *info.derived, *info.types]
            texts += [*info.sources.values(), *(c for classes in info.types.values() for c in classes)]
        except TypeError:
            return None
        if not all(isinstance(t, str) for t in texts):
            return None
        return info


def key_digest(key: Iterable[tuple[str, str]]) -> str:
    """A short digest of a figure's dimensions, for finding the reports that state the same figure.

    >>> key_digest([("measure", "count"), ("period", "2023")])
    'e3d0e05baeaf39b8'
    """
    return hashlib.blake2b(repr(tuple(key)).encode(), digest_size=8).hexdigest()


# ------------------------------------------------------------------------------------------------ hashing
def code_digest() -> str:
    """A digest of ipgraph's own code and bundled rules: a changed program builds every part again."""
    import ipgraph

    root = Path(ipgraph.__file__).parent
    h = hashlib.sha256(f"format {PART_FORMAT}".encode())
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def files_digest(paths: Iterable[Path], seed: str = "") -> str:
    """A digest of files' names and bytes (regular files only, within the size limit); a file is named by its
    absolute path, so that ``ontology/ipgraph.ttl`` and ``./ontology/ipgraph.ttl`` give the same digest."""
    h = hashlib.sha256(seed.encode())
    for path in paths:
        h.update(str(Path(os.path.abspath(path))).encode() + b"\0")
        try:
            h.update(hashlib.sha256(read_bytes(path, _FILE_LIMIT, "an input file")).digest())
        except (OSError, InputError) as exc:  # the reader of that file says what is wrong with it, in its words
            h.update(f"unreadable: {exc}".encode())
    return h.hexdigest()


def report_digest(folder: Path, base: str) -> str:
    """The digest of a report's inputs: every file of its folder and the texts it names, on top of ``base`` (the
    shared entities it uses are compared apart: :meth:`PartContext.shared_digest`)."""
    from ipgraph.reading.facts import REPORT_FILE
    from ipgraph.reading.yamlread import load_file

    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        files += [Path(dirpath) / name for name in sorted(filenames) if not name.startswith(".")]
    try:
        settings = load_file(folder / REPORT_FILE, "report.yaml")
    except (OSError, InputError):
        settings = None  # the report's reader says what is wrong with it
    texts: list[Path] = []
    if isinstance(settings, dict):
        named = [settings.get("source")]
        named += [t.get("source") for t in settings.get("texts") or [] if isinstance(t, dict)]
        texts = [(folder / str(n)).resolve() for n in named if isinstance(n, str)]
    return files_digest([*files, *(t for t in texts if t.is_file())], base)


# ------------------------------------------------------------------------------------------------ the context
class PartContext:
    """What every part is built against: the ontology, the shared data, and the entities defined so far."""

    def __init__(self, ontology_path: Path, shared: Sequence[SharedData], links: Iterable[tuple[Any, Any, Any]]):
        from ipgraph.derivation.arithmetic import Structure

        self.ontology = load_ontology(ontology_path)
        self.index = OntologyIndex.of(self.ontology)
        self.structure = Structure.from_graph(self.ontology)
        self.structure_triples: list[tuple[Any, Any, Any]] = [t for t in self.ontology if t[1] in _STRUCTURE]
        self._structure_nt: bytes | None = None
        self.known: dict[URIRef, str] = {}
        self.definer: dict[URIRef, str] = {}  # identifier -> the part that defines it
        self.types: dict[URIRef, tuple[URIRef, ...]] = {}
        base = _Builder(self.index, [], list(shared), known=self.known)
        result = base.build()
        self.base_pending = list(base.pending or [])
        for iri, ent in base.entities.items():
            self.known[iri] = f"{ent.where.path}:{ent.where.line}"
            self.definer[iri] = BASE_PART
        self.base = result.dataset
        links_graph = self.base.graph(GRAPH_LINKS)
        for triple in links:
            links_graph.add(triple)
        facts = self.base.graph(GRAPH_FACTS)
        for iri in base.entities:
            self.types[iri] = tuple(sorted(t for t in facts.objects(iri, RDF.type) if isinstance(t, URIRef)))
        self.entity_count = len(base.entities)

    def shacl_base(self, whole: bool = False) -> list[tuple[Any, Any, Any]]:
        """The triples a report's checks need of the ontology: its terms' types, class and property hierarchy,
        domains and ranges (the classes of the shared entities a report uses are added with the report). With
        ``whole``: the whole ontology and the shared data, checked once by :func:`validate_base`."""
        if not whole:
            return self.structure_triples
        out = list(self.ontology)
        for name in (GRAPH_FACTS, GRAPH_PROVENANCE):
            out += list(self.base.graph(name))
        return out

    def structure_ntriples(self) -> bytes:
        """The triples of :meth:`shacl_base` as N-Triples, written once per build."""
        if self._structure_nt is None:
            from ipgraph.checks.graph_checks import ntriples

            self._structure_nt = ntriples(self.structure_triples)
        return self._structure_nt

    def shared_digest(self, uses: Iterable[str]) -> str:
        """A digest of how the shared data describes the entities of ``uses`` that it defines."""
        facts, prov = self.base.graph(GRAPH_FACTS), self.base.graph(GRAPH_PROVENANCE)
        lines: list[str] = []
        for text in uses:
            iri = URIRef(text)
            if self.definer.get(iri) == BASE_PART:
                lines += [
                    f"{s.n3()} {p.n3()} {o.n3()}" for g in (facts, prov) for s, p, o in g.triples((iri, None, None))
                ]
        return hashlib.blake2b("\n".join(sorted(lines)).encode(), digest_size=16).hexdigest()

    def add(self, info: PartInfo) -> None:
        """Record the entities a part defines (refusing one that is defined already)."""
        for iri_text, where in info.entities.items():
            iri = URIRef(iri_text)
            if iri in self.known:
                path, _, line = where.rpartition(":")
                raise InputError(f"{_shown(iri_text)} is already defined at {self.known[iri]}", path, _int(line))
            self.known[iri] = where
            self.definer[iri] = info.report
            self.types[iri] = tuple(URIRef(t) for t in info.types.get(iri_text, []))
        self.entity_count += len(info.entities)


def _shown(iri: str) -> str:
    rest = iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else iri
    return rest.replace("/", ":", 1)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


# ------------------------------------------------------------------------------------------------ one report
def build_part(ctx: PartContext, folder: Path, digest: str, out: Path, validate: bool) -> tuple[PartInfo, list[str]]:
    """Read, resolve, derive and (with ``validate``) check one report; write ``out/ID.nq``; return what is kept
    and the shape violations found."""
    import time

    from ipgraph.derivation.emit import derive_into
    from ipgraph.model.dataset import canonical_nquads

    t0 = time.perf_counter()
    report = load_report(folder)
    builder = _Builder(ctx.index, [report], [], known=ctx.known, include_ontology=False)
    result = builder.build()
    info = PartInfo(report.id, digest)
    info.sources = {key: s.sha256 for key, s in sorted(result.sources.items())}
    facts = result.dataset.graph(GRAPH_FACTS)
    for iri, ent in builder.entities.items():
        info.entities[str(iri)] = f"{ent.where.path}:{ent.where.line}"
        info.types[str(iri)] = sorted(str(t) for t in facts.objects(iri, RDF.type) if isinstance(t, URIRef))
    info.pending = [[r.iri, r.path, r.line, r.shown] for r in builder.pending or []]
    t1 = time.perf_counter()
    engine = derive_into(result.dataset, ctx.structure)
    info.stated = sorted({key_digest(o.key(entity="_")) for o in engine.obs})
    info.derived = sorted({key_digest(sorted({**d.dims, "entity": "_"}.items())) for d in engine.derived})
    t2 = time.perf_counter()
    own = {URIRef(i) for i in info.entities}
    identifiers = _identifiers(result.dataset)  # after derivation: a derived figure may name a shared period
    info.uses = sorted(str(n) for n in identifiers if n in ctx.known and n not in own)
    info.shared = ctx.shared_digest(info.uses)
    resolved = time.perf_counter()  # what it uses of other parts is resolution, timed with reading
    text = canonical_nquads(result.dataset)  # the part, written below; the checks read it too
    written = time.perf_counter()
    problems: list[str] = []
    if validate and not info.pending:
        problems = validate_part(ctx, result.dataset, own, identifiers, text)
    info.validated = validate and not info.pending
    t3 = time.perf_counter()
    (out / f"{report.id}.nq").write_text(text, encoding="utf-8")
    info.seconds = {"read+resolve": (t1 - t0) + (resolved - t2), "derive": t2 - t1, "validate": t3 - written}
    return info, problems


def _identifiers(ds: Dataset) -> set[URIRef]:
    """Every ipgraph identifier a dataset names (subjects and objects)."""
    found: set[URIRef] = set()
    for s, _, o, _ in ds.quads((None, None, None, None)):
        for node in (s, o):
            if isinstance(node, URIRef) and str(node).startswith(ID_BASE):
                found.add(node)
    return found


def validate_part(
    ctx: PartContext,
    ds: Dataset,
    own: set[URIRef],
    identifiers: set[URIRef] | None = None,
    nquads: str | None = None,
) -> list[str]:
    """The shape and health-query violations of one report's nodes.

    The report is checked together with the ontology's structure and the classes of the shared and other reports'
    entities it uses (so the check of one report does not grow with the number of reports); violations of nodes
    that are not the report's own (the ontology's terms, the shared data, other reports' entities, which lack here
    what their own part gives them) are left to their own checks. ``identifiers``: the ipgraph identifiers the
    report names; ``nquads``: the part's canonical N-Quads (when the caller has them already).
    """
    data = _check_graph()
    data.addN((s, p, o, data) for s, p, o in ctx.shacl_base())
    mine: set[str] = set()
    graphs = (GRAPH_FACTS, GRAPH_PROVENANCE, GRAPH_DERIVED)
    for name in graphs:
        graph = ds.graph(name)
        data.addN((s, p, o, data) for s, p, o in graph)
        mine.update(f"_:{s}" if isinstance(s, BNode) else str(s) for s in graph.subjects(unique=True))
    types = [
        (iri, cls)
        for iri in (_identifiers(ds) if identifiers is None else identifiers)
        for cls in ctx.types.get(iri, ())
    ]
    data.addN((iri, RDF.type, cls, data) for iri, cls in types)
    store = None
    if (
        nquads is not None
        and "_:" not in nquads  # a literal with "_:" only costs the slower way
        and {g.identifier for g in ds.graphs() if len(g)} <= set(graphs)
    ):
        # The health queries' store straight from the part's N-Quads (no blank node, whose canonical label would
        # differ from the one the shapes report): 0.01 s against 0.08 s written from rdflib for one report.
        store = _store(
            ctx.structure_ntriples(),
            nquads.encode("utf-8"),
            "".join(f"<{i}> <{RDF.type}> <{c}> .\n" for i, c in types).encode("utf-8"),
        )

    def concerns_the_report(focus: str) -> bool:
        """Its own nodes, and any identifier that is neither the ontology's nor another part's (a misspelt
        property, a class or code it names that nothing defines)."""
        return focus in mine if focus.startswith("_:") else not _foreign(ctx, URIRef(focus), own)

    return _violations(data, concerns_the_report, store)


def _store(*documents: bytes) -> Any:
    """An in-memory pyoxigraph store of N-Triples or N-Quads documents (each graph's triples queried as one; blank
    nodes get new labels)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for document in documents:
        store.load(document, format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def _check_graph() -> Graph:
    """An empty graph for the checks, on rdflib's store without per-graph indexes: filled about twice as fast
    as the default store (0.06 s against 0.12 s for one report), and checked the same."""
    return Graph(store="SimpleMemory")


def _foreign(ctx: PartContext, node: URIRef, own: set[URIRef]) -> bool:
    """Whether a node is the ontology's or another part's (looked up, so the check of one report does not walk
    every entity defined so far)."""
    return (node in ctx.known and node not in own) or node in ctx.index.subjects


def _violations(data: Graph, concerned: Callable[[str], bool], store: Any = None) -> list[str]:
    """The violations of ``data`` whose focus node is ``concerned`` (or that have none)."""
    from ipgraph.checks.graph_checks import run_checks
    from ipgraph.checks.validate import CHECKS_DIR, SHAPES

    health, shapes = run_checks(data, CHECKS_DIR, SHAPES, store)
    found = [f"health queries: {v}" for v in health if not v.focus or concerned(v.focus)]
    found += [f"SHACL shapes: {v}" for v in shapes if not v.focus or concerned(v.focus)]
    return found


def validate_base(ctx: PartContext) -> list[str]:
    """The shape and health-query violations of the ontology and the shared data (all of them: no report is read
    yet, so every node is theirs)."""
    data = _check_graph()
    data.addN((s, p, o, data) for s, p, o in ctx.shacl_base(whole=True))
    return _violations(data, lambda focus: True)


def load_part(path: Path) -> Dataset:
    """A part's quads back as an rdflib dataset (for the cross-report pass and for late shape checks)."""
    ds = Dataset()
    ds.parse(data=read_bytes(path, _FILE_LIMIT * 8, "a build part").decode("utf-8"), format="nquads")
    return ds


def undefined(ctx: PartContext, infos: Iterable[PartInfo]) -> InputError | None:
    """The first use of an identifier that no data defines (the base's uses first, then each part's)."""
    refs = [(r.iri, r.path, r.line, r.shown) for r in ctx.base_pending]
    for info in infos:
        refs += [(str(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in info.pending]
        refs += [(iri, "", 0, _shown(iri)) for iri in info.uses]
    for iri, path, line, shown in refs:
        if URIRef(iri) in ctx.known or URIRef(iri) in ctx.index.subjects:
            continue
        prefix = iri[len(ID_BASE) :].split("/", 1)[0] if iri.startswith(ID_BASE) else ""
        hint = " (code lists are in ontology/ipgraph.ttl)" if prefix in ONTOLOGY_PREFIXES else ""
        return InputError(f"{shown} is used but never defined{hint}", path or None, line or None)
    return None


# ------------------------------------------------------------------------------------------------ across reports
def across_groups(infos: Sequence[PartInfo]) -> list[list[str]]:
    """Groups of reports that state (or imply) the same figure, each to be compared as a whole."""
    stated: dict[str, set[str]] = {}
    for info in infos:
        for d in info.stated:
            stated.setdefault(d, set()).add(info.report)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
            parent.setdefault(min(ra, rb), min(ra, rb))

    for reports in stated.values():
        first, *rest = sorted(reports)
        for other in rest:
            join(first, other)
    for info in infos:
        for d in info.derived:
            for other in stated.get(d, ()):
                if other != info.report:
                    join(info.report, other)
    groups: dict[str, list[str]] = {}
    for info in infos:
        if info.report in parent:
            groups.setdefault(find(info.report), []).append(info.report)
    return [sorted(g) for _, g in sorted(groups.items()) if len(g) > 1]


def across_checks(ctx: PartContext, parts: Path, groups: list[list[str]]) -> str:
    """The checks comparing the reports of each group, as canonical N-Quads of the derived graph."""
    from ipgraph.derivation.arithmetic import Engine
    from ipgraph.derivation.emit import _report_of, emit_check
    from ipgraph.derivation.observations import load_observations
    from ipgraph.model.dataset import canonical_nquads

    out = Dataset()
    derived = out.graph(GRAPH_DERIVED)
    for group in groups:
        ds = Dataset()
        for rid in group:
            ds.parse(data=(parts / f"{rid}.nq").read_text(encoding="utf-8"), format="nquads")
        union = Dataset(store=ds.store, default_union=True)
        import dataclasses

        structure = dataclasses.replace(ctx.structure, report_components={}, report_definitions={})
        structure.add_report_definitions(union)
        engine = Engine(load_observations(union), structure)
        engine.run()
        dataset_of = {o.iri: str(o.dataset) for o in engine.obs + engine.trends}
        for c in engine.checks:
            if c.kind != "same-figure-across-reports":
                continue
            rid = _report_of(next((dataset_of[o] for o in c.observations if o in dataset_of), "x"))
            emit_check(derived, c, rid, union)
    return canonical_nquads(out)


# ------------------------------------------------------------------------------------------------ merging
def merge_sorted(paths: Sequence[Path], out: Path) -> None:
    """Merge files of sorted lines into ``out``, sorted, each line once (a triple two reports state is one)."""
    paths = list(paths)
    scratch: list[Path] = []
    round_no = 0
    while len(paths) > _MERGE_FAN_IN:
        batched: list[Path] = []
        for i in range(0, len(paths), _MERGE_FAN_IN):
            target = out.with_name(f".merge-{round_no}-{i}.nq")
            _merge(paths[i : i + _MERGE_FAN_IN], target)
            batched.append(target)
        scratch += batched
        paths = batched
        round_no += 1
    _merge(paths, out)
    for p in scratch:
        p.unlink(missing_ok=True)


def _merge(paths: Sequence[Path], out: Path) -> None:
    files = [open(p, "rb") for p in paths]  # noqa: SIM115 - closed below, all at once
    try:
        with open(out, "wb") as f:
            last = None
            for line in heapq.merge(*(_lines(x) for x in files)):
                if line != last:
                    f.write(line)
                    last = line
    finally:
        for x in files:
            x.close()


def _lines(f: Any) -> Iterator[bytes]:
    for line in f:
        if line.strip():
            yield line if line.endswith(b"\n") else line + b"\n"


def base_nquads(ctx: PartContext) -> str:
    """The canonical N-Quads of the ontology, the shared data and the links."""
    from ipgraph.model.dataset import canonical_nquads

    return canonical_nquads(ctx.base)


__all__ = [
    "ACROSS_PART",
    "BASE_PART",
    "GRAPH_ONTOLOGY",
    "PARTS_DIR",
    "PartContext",
    "PartInfo",
    "across_checks",
    "across_groups",
    "base_nquads",
    "build_part",
    "code_digest",
    "files_digest",
    "key_digest",
    "load_part",
    "merge_sorted",
    "report_digest",
    "undefined",
    "validate_base",
    "validate_part",
]
