"""ipgraph: a knowledge graph of intellectual-property cases and trends, built from procuratorial reports.

``import ipgraph`` is light; the API below loads what it needs when called.

- :func:`build_graph` builds the data into a store and opens it; :func:`open_graph` opens a build.
- :class:`KnowledgeGraph` runs named catalog queries (``kg.query(name, **params)``) or SPARQL
  (``kg.sparql(text)``), returns rows, pandas DataFrames (``rows.to_dataframe()``) or an rdflib ``Dataset``.
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
