"""W3C Data Cube well-formedness: run the integrity constraints IC-1 … IC-21 on a graph.

The constraint queries are the W3C Recommendation's own (kept outside this project, see
``../shared/external/qb-ic``); this module applies the Recommendation's normalisation algorithm and runs each
ASK query (``true`` means violated), instantiating the IC-20 / IC-21 templates per ``qb:parentChildProperty``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class ConstraintResult:
    """One integrity constraint and whether the graph violates it."""

    name: str
    title: str
    violated: bool


def _title(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return first.lstrip("# ").strip()


def run_integrity_constraints(nquads: bytes, ic_dir: Path) -> list[ConstraintResult]:
    """Normalise a copy of the (union of the) graph and run every IC query of ``ic_dir``."""
    store = ox.Store()
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    for phase in ("normalize-phase-1.ru", "normalize-phase-2.ru"):
        store.update((ic_dir / phase).read_text(encoding="utf-8"))
    results: list[ConstraintResult] = []
    for path in sorted(ic_dir.glob("ic-*.rq")):
        if path.stem.endswith("-instantiation"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.stem in ("ic-20", "ic-21"):
            inst = (ic_dir / f"{path.stem}-instantiation.rq").read_text(encoding="utf-8")
            solutions = store.query(inst)
            assert isinstance(solutions, ox.QuerySolutions)
            violated = False
            for sol in solutions:
                p = sol[0]
                assert isinstance(p, ox.NamedNode)
                answer = store.query(text.replace("$p", p.value))
                violated = violated or bool(answer)
            results.append(ConstraintResult(path.stem, _title(text), violated))
            continue
        answer = store.query(text)
        results.append(ConstraintResult(path.stem, _title(text), bool(answer)))
    return results
