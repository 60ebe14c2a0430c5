"""Every report folder of the data directories read into one checked dataset, and its canonical N-Quads.

Used by ``ipgraph build`` (which then derives, validates and writes) and ``ipgraph validate`` (which checks the
same dataset without writing anything); neither imports the other.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from ipgraph.errors import InputError
from ipgraph.model.graph import BuildResult, build_dataset
from ipgraph.reading.facts import find_report_folders, load_shared


def assemble(data_dirs: Sequence[Path] | Path, ontology_path: Path) -> BuildResult:
    """Read and check every report of every data directory; return the dataset (nothing is written).

    Entities may be referenced across data directories; the shared entities (``shared/*.yaml``) and the links
    (``links/*.sssom.tsv``) of each are loaded.
    A report id (folder name) may occur in one data directory only.
    """
    dirs = [data_dirs] if isinstance(data_dirs, Path) else list(data_dirs)
    folders = report_folders(dirs)
    shared = [sd for sd in (load_shared(d) for d in dirs) if sd is not None]
    result = build_dataset(ontology_path, folders, shared)
    from ipgraph.model.graph import GRAPH_LINKS
    from ipgraph.model.links import load_links

    links = result.dataset.graph(GRAPH_LINKS)
    for data_dir in dirs:
        for triple in load_links(data_dir):  # accepted links of links/*.sssom.tsv
            links.add(triple)
    return result


def report_folders(dirs: Sequence[Path]) -> list[Path]:
    """Every report folder of the data directories, in their order; a report id (folder name) in one only."""
    if not dirs:
        raise InputError("no data directory given")
    folders: list[Path] = []
    seen: dict[str, Path] = {}
    for data_dir in dirs:
        if not os.path.isdir(data_dir):  # not Path.is_dir: it raises for a name too long
            raise InputError("data directory not found", data_dir)
        found = find_report_folders(data_dir)
        if not found:
            raise InputError("no report folder (a folder with report.yaml) under reports/", data_dir)
        for folder in found:
            if folder.name in seen:
                raise InputError(f"report {folder.name!r} is also in {seen[folder.name]}", folder)
            seen[folder.name] = folder
        folders.extend(found)
    return folders


def canonical_nquads(ds: Dataset) -> str:
    """N-Quads of the dataset, blank nodes relabelled canonically, lines sorted."""
    lines: list[str] = []
    for g in ds.graphs():
        if len(g) == 0:
            continue
        graph: Graph = g
        if any(isinstance(t, BNode) for triple in g for t in triple):
            graph = to_canonical_graph(g)
        for s, p, o in graph:
            lines.append(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} <{g.identifier}> .")
    lines.sort()
    return "\n".join(lines) + "\n"


def nt_term(term: object) -> str:
    """An rdflib term written as in N-Triples (a blank node keeps its label, prefixed ``b`` unless it is a
    canonical ``c…`` label).

    >>> from rdflib import Literal, URIRef
    >>> nt_term(URIRef("https://w3id.org/ipgraph/id/x")), nt_term(Literal('say "hi"', lang="en"))
    ('<https://w3id.org/ipgraph/id/x>', '"say \\\\"hi\\\\""@en')
    """
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:b{term}" if not str(term).startswith("c") else f"_:{term}"
    if isinstance(term, Literal):
        lex = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{lex}"@{term.language}'
        if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{lex}"^^<{term.datatype}>'
        return f'"{lex}"'
    raise TypeError(f"not an RDF term: {term!r}")
