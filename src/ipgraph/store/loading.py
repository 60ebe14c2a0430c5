"""The build's embedded store: bulk-loaded from the parts, or made from the earlier build's store and the difference
between the two builds' canonical N-Quads.

Adding one report to a hundred changes about 1% of the quads; loading all of them again took most of such a build
(benchmarks/bench_build.py). So when an earlier build is there, its store is copied as a checkpoint (hard links to
its immutable files, in milliseconds), the lines the earlier ``ipgraph.nq`` has and the new one lacks are removed
and the new ones added. The result is checked against the new dump (the same named graphs, as many quads in each);
when it differs (a store changed after its build: ``ipgraph link --into`` adds graphs of its own) or the difference
is large, the store is bulk-loaded from the parts instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ipgraph.store.dumps import split_graph

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["UPDATE_SHARE", "StoreFill", "fill_store"]

#: Above this share of changed lines (removed + added, against the new dump), loading everything is faster.
UPDATE_SHARE = 0.25

_COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass
class StoreFill:
    """How a build's store was made: its triples per named graph, and for a store updated from the earlier
    build's, how many quads were removed and added (None: loaded whole)."""

    counts: dict[str, int]
    changed: tuple[int, int] | None = None


def fill_store(store_dir: Path, nq: Path, parts: Sequence[Path], earlier: Path | None) -> StoreFill:
    """Make the store at ``store_dir`` hold the quads of ``nq`` (the merge of ``parts``); from the build at
    ``earlier`` where it can."""
    if earlier is not None:
        updated = _update(store_dir, nq, earlier)
        if updated is not None:
            return updated
        shutil.rmtree(store_dir, ignore_errors=True)
    return StoreFill(_load(store_dir, parts))


def _load(store_dir: Path, parts: Sequence[Path]) -> dict[str, int]:
    """Bulk-load the parts one by one (the bulk loader's memory grows with what one call loads), then compact."""
    import pyoxigraph as ox

    store = ox.Store(str(store_dir))
    for path in parts:
        store.bulk_extend(_quads(path))
    store.optimize()
    return _graph_counts(store)


def _quads(path: Path) -> Iterator[ox.Quad]:
    """The quads of an N-Quads file, blank nodes keeping their labels (the dumps' canonical ones, so that a later
    update can remove them by label; the bulk loader would give them new ones)."""
    import pyoxigraph as ox

    return iter(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False))


def _graph_counts(store: object) -> dict[str, int]:
    import pyoxigraph as ox

    assert isinstance(store, ox.Store)
    rows = store.query(_COUNT)
    assert isinstance(rows, ox.QuerySolutions)
    return dict(sorted((row["g"].value, int(row["n"].value)) for row in rows))


def _update(store_dir: Path, nq: Path, earlier: Path) -> StoreFill | None:
    """The earlier build's store, changed by the difference of the dumps; None when that cannot be done well."""
    import pyoxigraph as ox

    old_store, old_nq = earlier / "store", earlier / nq.name
    if not old_store.is_dir() or not old_nq.is_file():
        return None
    removed, added = store_dir.with_name(".removed.nq"), store_dir.with_name(".added.nq")
    try:
        with open(removed, "wb") as rf, open(added, "wb") as af:
            n_removed, n_added, expected = _difference(old_nq, nq, rf, af)
        if n_removed + n_added > UPDATE_SHARE * max(1, sum(expected.values())):
            return None
        try:
            ox.Store.read_only(str(old_store)).backup(str(store_dir))
            store = ox.Store(str(store_dir))
            for quad in _quads(removed):
                store.remove(quad)
            if n_added:
                store.bulk_extend(_quads(added))
            store.flush()
            counts = _graph_counts(store)
        except (OSError, RuntimeError, SyntaxError, ValueError):  # an earlier store or dump damaged: load the parts
            return None
        return StoreFill(counts, (n_removed, n_added)) if counts == expected else None
    finally:
        removed.unlink(missing_ok=True)
        added.unlink(missing_ok=True)


def _difference(old: Path, new: Path, removed: BinaryIO, added: BinaryIO) -> tuple[int, int, dict[str, int]]:
    """Walk two sorted dumps side by side: write the lines only ``old`` has to ``removed`` and those only ``new``
    has to ``added``; return how many of each and the new dump's quads per named graph."""
    n_removed = n_added = 0
    per_graph: dict[bytes, int] = {}
    with open(old, "rb") as a, open(new, "rb") as b:
        x, y = a.readline(), b.readline()
        while x or y:
            if y and (not x or y < x):
                added.write(y)
                n_added += 1
            elif x and (not y or x < y):
                removed.write(x)
                n_removed += 1
                x = a.readline()
                continue
            else:
                x = a.readline()
            graph = split_graph(y)[1]
            per_graph[graph] = per_graph.get(graph, 0) + 1
            y = b.readline()
    return n_removed, n_added, {g.decode("utf-8"): n for g, n in sorted(per_graph.items())}
