"""``ipgraph build``: ontology + report folders → checked dataset → embedded store and dumps, atomically.

The output directory is written in a temporary sibling and swapped into place in one atomic step only when
everything succeeded (:mod:`ipgraph.outputs`), so a failed build leaves the previous one untouched. Dumps are
byte-identical for the same input: lines of N-Quads are sorted and blank nodes get canonical labels.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph

from ipgraph.dataset import assemble, canonical_nquads
from ipgraph.errors import InputError
from ipgraph.namespace import PREFIXES
from ipgraph.outputs import OutputDir
from ipgraph.store import STORE_DIR

__all__ = ["DUMP_BASENAME", "MANIFEST", "BuildSummary", "assemble", "build", "canonical_nquads", "write_outputs"]

DUMP_BASENAME = "ipgraph"
MANIFEST = "manifest.json"


@dataclass
class BuildSummary:
    """What a build made, for the one-screen summary."""

    out: Path
    triples_per_graph: dict[str, int]
    counts: dict[str, int]
    checks: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """Whether every check passed."""
        return not self.problems

    def text(self) -> str:
        """The summary printed by ``ipgraph build``."""
        lines = [f"built {self.out}"]
        total = sum(self.triples_per_graph.values())
        lines.append(f"  triples: {total:,}")
        for g, n in sorted(self.triples_per_graph.items()):
            lines.append(f"    {g.rsplit('/', 1)[-1]:<11} {n:>7,}")
        counts = [f"{k}: {v:,}" for k, v in self.counts.items()]
        while counts:  # lines of at most 100 columns
            n = next((i for i in range(len(counts), 0, -1) if len(", ".join(counts[:i])) <= 96), 1)
            lines.append("  " + ", ".join(counts[:n]) + ("," if n < len(counts) else ""))
            counts = counts[n:]
        if self.checks:
            passed = sum(1 for v in self.checks.values() if v == 0)
            lines.append(f"  checks passed: {passed}/{len(self.checks)}")
        for p in self.problems:
            lines.append(f"  FAILED {p}")
        lines.append("  time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def write_outputs(nquads: str, out_tmp: Path) -> dict[str, int]:
    """Load the store and write every dump into ``out_tmp``; return triples per named graph."""
    import pyoxigraph as ox

    store = ox.Store(str(out_tmp / STORE_DIR))
    store.bulk_load(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS)
    store.optimize()
    (out_tmp / f"{DUMP_BASENAME}.nq").write_text(nquads, encoding="utf-8")
    prefixes = dict(sorted(PREFIXES.items()))
    counts: dict[str, int] = {}
    for g in sorted(store.named_graphs(), key=lambda n: n.value):
        counts[g.value] = sum(1 for _ in store.quads_for_pattern(None, None, None, g))
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False))
    (out_tmp / f"{DUMP_BASENAME}.trig").write_bytes(
        ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    )
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=_triple_key)
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    (out_tmp / f"{DUMP_BASENAME}.nt").write_bytes(b"\n".join(sorted(nt.splitlines())) + b"\n")
    (out_tmp / f"{DUMP_BASENAME}.ttl").write_bytes(
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    )
    _write_jsonld(triples, out_tmp, prefixes)
    return counts


def _triple_key(t: object) -> tuple[str, str, str]:
    import pyoxigraph as ox

    assert isinstance(t, ox.Triple)
    return (str(t.subject), str(t.predicate), str(t.object))


def _write_jsonld(triples: Sequence[object], out_tmp: Path, prefixes: dict[str, str]) -> None:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    def term(t: object) -> URIRef | BNode | Literal:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        assert isinstance(t, ox.Literal)
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    g = Graph()
    for t in triples:
        assert isinstance(t, ox.Triple)
        g.add((term(t.subject), term(t.predicate), term(t.object)))
    context = {"@context": prefixes}
    doc = json.loads(g.serialize(format="json-ld", context=prefixes, auto_compact=True))
    doc["@context"] = f"{DUMP_BASENAME}.context.jsonld"
    body = _sorted_json(doc)
    (out_tmp / f"{DUMP_BASENAME}.context.jsonld").write_text(
        json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out_tmp / f"{DUMP_BASENAME}.jsonld").write_text(
        json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def _sorted_json(node: object) -> object:
    """Sort JSON-LD arrays (but not ``@list`` values) so the output is byte-stable."""
    if isinstance(node, dict):
        return {k: (v if k == "@list" else _sorted_json(v)) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_json(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def build(data_dir: Sequence[Path] | Path, out: Path, ontology_path: Path, validate: bool = True) -> BuildSummary:
    """Build everything into ``out`` atomically.

    ``out`` must be new, empty or an earlier build (:mod:`ipgraph.outputs`); it is checked and locked before
    anything is read, and the new build replaces it in one atomic step.
    """
    inputs = [*([data_dir] if isinstance(data_dir, Path) else data_dir), ontology_path]
    with OutputDir(out, "build", protect=inputs) as target:
        return _build_into(target, data_dir, ontology_path, validate)


def _build_into(
    target: OutputDir, data_dir: Sequence[Path] | Path, ontology_path: Path, validate: bool
) -> BuildSummary:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    result = assemble(data_dir, ontology_path)
    timings["read+resolve"] = time.perf_counter() - t0
    t = time.perf_counter()
    from ipgraph.trends.emit import derive_into

    engine = derive_into(result.dataset)
    result.counts["derived observations"] = len(engine.derived)
    result.counts["consistency checks"] = len(engine.checks)
    result.counts["inconsistent"] = sum(1 for c in engine.checks if c.verdict == "inconsistent" and not c.reading)
    timings["derive"] = time.perf_counter() - t
    problems: list[str] = []
    checks: dict[str, int] = {}
    if validate:
        from ipgraph.validate import validate_result

        t = time.perf_counter()
        report = validate_result(result, ontology_path)
        checks, problems = report.counts, report.messages()
        timings["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    nquads = canonical_nquads(result.dataset)
    out = target.path
    tmp = target.begin()
    try:
        counts = write_outputs(nquads, tmp)
        manifest = {
            "reports": sorted(result.reports),
            "sources": {rid: s.sha256 for rid, s in sorted(result.sources.items())},
            "counts": result.counts,
            "graphs": counts,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the output directory: {exc.strerror}", out) from None
    timings["store+dumps"] = time.perf_counter() - t
    if problems:  # leaving the block without commit() removes tmp: the previous build is untouched
        summary = BuildSummary(out, counts, result.counts, checks, problems, timings)
        summary.out = Path(f"{out} (NOT written: checks failed; the previous build is untouched)")
        return summary
    target.commit()
    timings["total"] = time.perf_counter() - t0
    return BuildSummary(out, counts, result.counts, checks, problems, timings)
