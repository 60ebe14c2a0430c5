"""The Python API: build the graph, open it, run named queries, get rows, DataFrames or rdflib graphs.

>>> import tempfile, pathlib, ipgraph
>>> out = pathlib.Path(tempfile.mkdtemp()) / "build"
>>> kg = ipgraph.build_graph(out=out)            # the project's data and ontology
>>> rows = kg.sparql("SELECT ?l WHERE { inst:supreme-peoples-procuratorate rdfs:label ?l } ORDER BY ?l")
>>> [r["l"] for r in rows]
["Supreme People's Procuratorate", '最高人民检察院']
>>> kg.label("charge:art-213-counterfeiting-registered-trademark", "zh")
'假冒注册商标罪'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ipgraph import resources
from ipgraph.errors import InputError
from ipgraph.model.periods import period_iri
from ipgraph.model.prefixes import PREFIXES
from ipgraph.query.catalog import (
    PERIOD_TYPE,
    REPORT_TYPE,
    CatalogQuery,
    find_query,
    load_catalog,
    report_iri,
)
from ipgraph.query.results import cell
from ipgraph.store.embedded import SelectResult, open_store, run_query, term_for

if TYPE_CHECKING:
    import rdflib

#: Where a build goes by default: the checkout's build/ when ipgraph runs from a checkout, else ./build.
DEFAULT_BUILD = Path(resources.checkout_root() or ".") / "build"
#: ipgraph's own query catalog, data and ontology (the checkout's, else the bundled ones: :mod:`ipgraph.resources`).
QUERIES, DATA, ONTOLOGY = Path(resources.queries_dir()), Path(resources.data_dir()), Path(resources.ontology_file())


@dataclass
class Rows:
    """Rows of a SELECT as plain strings (CURIEs for IRIs), with the raw result kept."""

    variables: list[str]
    raw: SelectResult

    def __iter__(self) -> Iterator[dict[str, str]]:
        for row in self.raw.rows:
            yield {v: cell(row.get(v)) for v in self.variables}

    def __len__(self) -> int:
        return len(self.raw.rows)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (install the ``pandas`` extra); numeric columns are converted."""
        try:
            import pandas as pd
        except ImportError:
            raise InputError("pandas is not installed: pip install 'ipgraph[pandas]'") from None
        frame = pd.DataFrame(list(self), columns=self.variables)
        for col in frame.columns:
            converted = pd.to_numeric(frame[col], errors="coerce")
            if converted.notna().sum() == frame[col].astype(bool).sum():
                frame[col] = converted
        return frame


class KnowledgeGraph:
    """A built ipgraph: the embedded store and the query catalog."""

    def __init__(self, build_dir: Path | str = DEFAULT_BUILD, queries_dir: Path | str = QUERIES) -> None:
        self.build_dir = Path(build_dir)
        self.queries_dir = Path(queries_dir)
        self.store = open_store(self.build_dir)
        self._catalog: dict[str, CatalogQuery] | None = None

    @property
    def catalog(self) -> dict[str, CatalogQuery]:
        """The named queries."""
        if self._catalog is None:
            self._catalog = load_catalog(self.queries_dir)
        return self._catalog

    def sparql(self, text: str, **params: str) -> Rows:
        """Run SELECT text; keyword arguments bind variables (CURIEs and IRIs become IRIs)."""
        bindings: dict[str, ox.NamedNode | ox.Literal] = {}
        for name, value in params.items():
            prefix, sep, local = value.partition(":")
            if value.startswith(("http://", "https://")):
                bindings[name] = ox.NamedNode(value)
            elif sep and prefix in PREFIXES:
                bindings[name] = ox.NamedNode(PREFIXES[prefix] + local)
            else:
                bindings[name] = ox.Literal(value)
        result = run_query(self.store, text, bindings)
        if not isinstance(result, SelectResult):
            raise InputError("sparql() runs SELECT queries; use the store for ASK / CONSTRUCT")
        return Rows(result.variables, result)

    def query(self, name: str, **params: str) -> Rows:
        """Run a named catalog query; keyword arguments override its parameter defaults."""
        q = find_query(self.catalog, name)
        declared = {p.name: p for p in q.params}
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise InputError(f"unknown parameter {unknown[0]!r} for {name}")
        bindings: dict[str, ox.NamedNode | ox.Literal] = {}
        for p in q.params:
            value = params.get(p.name, p.default)
            if value is None and p.type == REPORT_TYPE:
                continue  # no report given: every report, one block each
            if value is None:
                raise InputError(f"missing parameter {p.name!r} for {name}")
            if p.type in (REPORT_TYPE, PERIOD_TYPE):
                try:
                    to_iri = report_iri if p.type == REPORT_TYPE else period_iri
                    bindings[p.name] = term_for(to_iri(p.name, value), "iri")
                except ValueError as exc:
                    raise InputError(str(exc)) from None
                continue
            if p.type == "iri" and ":" in value and value.split(":", 1)[0] in PREFIXES:
                prefix, _, local = value.partition(":")
                value = PREFIXES[prefix] + local
            bindings[p.name] = term_for(value, p.type)
        result = run_query(self.store, q.text, bindings)
        if not isinstance(result, SelectResult):
            raise InputError(f"{name} is not a SELECT query")
        return Rows(result.variables, result)

    def label(self, term: str, lang: str = "en") -> str | None:
        """The label of a resource (CURIE or IRI) in a language."""
        rows = self.sparql("SELECT ?l WHERE { ?s rdfs:label ?l . FILTER(lang(?l) = ?lang) }", s=term, lang=lang)
        for row in rows:
            return row["l"]
        return None

    def rdflib_dataset(self) -> rdflib.Dataset:
        """The whole graph as an rdflib ``Dataset`` with its named graphs (loads rdflib on demand)."""
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(self.build_dir / "ipgraph.nq", format="nquads")
        return ds


def open_graph(build_dir: Path | str = DEFAULT_BUILD) -> KnowledgeGraph:
    """Open a built graph (``ipgraph build`` writes ``build/``)."""
    return KnowledgeGraph(build_dir)


def build_graph(
    data_dir: Path | str = DATA,
    out: Path | str = DEFAULT_BUILD,
    ontology: Path | str = ONTOLOGY,
    validate: bool = False,
) -> KnowledgeGraph:
    """Build the graph (as ``ipgraph build`` does) and open it."""
    from ipgraph.store.build import build

    build(Path(data_dir), Path(out), Path(ontology), validate=validate)
    return KnowledgeGraph(out)
