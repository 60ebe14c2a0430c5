"""ipgraph: a knowledge graph of intellectual-property cases and trends, built from procuratorial reports.

``import ipgraph`` is light; the API below loads what it needs when called.

- :func:`build_graph` builds the data into a store and opens it; :func:`open_graph` opens a build.
- :class:`KnowledgeGraph` runs named catalog queries (``kg.query(name, **params)``) or SPARQL
  (``kg.sparql(text)``), returns rows, pandas DataFrames (``rows.to_dataframe()``) or an rdflib ``Dataset``.

The folders follow the data, each importing only those before it:

1. ``reading/``: source texts, numbers in English and Chinese, the YAML fact files and their schemas;
2. ``model/``: the closed namespace, identifiers, periods, and fact blocks turned into RDF in named graphs;
3. ``derivation/``: prior-year values, sums and shares, and the consistency checks within and across reports;
4. ``checks/``: SHACL shapes, health queries, Data Cube constraints, OWL consistency, coverage of the texts;
5. ``store/``: the build (report by report), the embedded store, dumps, exports, pushes to server stores;
6. the uses: ``query/`` (catalog, describe), ``viz/`` (views, charts, the ontology's page), ``server/`` (the
   endpoint and linked-data pages), ``linking/`` (judgments, charge lists, Wikidata, any RDF) and ``draft/``
   (a new report's facts proposed from its text).

``cli.py`` only wires the verbs to them; ``api.py`` is the Python API; ``errors.py`` and ``resources.py`` are used
by all.
"""

from __future__ import annotations

TYPE_CHECKING = False  # keeps typing out of `import ipgraph` (mypy: always_true)

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "build_graph", "open_graph"]

if TYPE_CHECKING:
    from ipgraph.api import KnowledgeGraph, build_graph, open_graph


def __getattr__(name: str) -> object:
    if name in __all__:
        from ipgraph import api

        return getattr(api, name)
    raise AttributeError(f"module 'ipgraph' has no attribute {name!r}")
