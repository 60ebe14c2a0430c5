"""``ipgraph build``: ontology + report folders → checked dataset → embedded store and dumps, atomically.

The output directory is written in a temporary sibling and swapped into place in one atomic step only when
everything succeeded (:mod:`ipgraph.store.outputs`), so a failed build leaves the previous one untouched. Dumps are
byte-identical for the same input: lines of N-Quads are sorted and blank nodes get canonical labels.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ipgraph.errors import InputError
from ipgraph.model.dataset import assemble, canonical_nquads, report_folders
from ipgraph.model.namespace import PREFIXES
from ipgraph.store.dumps import DumpWriter
from ipgraph.store.embedded import STORE_DIR
from ipgraph.store.loading import fill_store
from ipgraph.store.outputs import OutputDir
from ipgraph.store.parts import (
    ACROSS_PART,
    BASE_PART,
    PARTS_DIR,
    PartContext,
    PartInfo,
    across_checks,
    across_groups,
    base_nquads,
    build_part,
    code_digest,
    files_digest,
    load_part,
    merge_sorted,
    report_digest,
    undefined,
    validate_base,
    validate_part,
)

__all__ = ["DUMP_BASENAME", "MANIFEST", "BuildSummary", "assemble", "build", "canonical_nquads"]

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
    reused: int = 0  # reports whose part an earlier build made was used again
    store_changed: tuple[int, int] | None = None  # quads removed and added when the earlier store was updated

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
        if self.reused:
            lines.append(f"  reports reused from the previous build: {self.reused:,} (unchanged; --full builds all)")
        if self.store_changed is not None:
            removed, added = self.store_changed
            lines.append(f"  store updated from the previous build: {removed:,} quads removed, {added:,} added")
        if self.checks:
            passed = sum(1 for v in self.checks.values() if v == 0)
            lines.append(f"  checks passed: {passed}/{len(self.checks)}")
        for p in self.problems:
            lines.append(f"  FAILED {p}")
        lines.append("  time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def build(
    data_dir: Sequence[Path] | Path, out: Path, ontology_path: Path, validate: bool = True, full: bool = False
) -> BuildSummary:
    """Build everything into ``out`` atomically, report by report.

    ``out`` must be new, empty or an earlier build (:mod:`ipgraph.store.outputs`); it is checked and locked before
    anything is read, and the new build replaces it in one atomic step. The parts of an earlier build whose inputs
    are unchanged are reused, unless ``full``.
    """
    inputs = [*([data_dir] if isinstance(data_dir, Path) else data_dir), ontology_path]
    with OutputDir(out, "build", protect=inputs) as target:
        return _build_into(target, data_dir, ontology_path, validate, full)


def _base_digest(dirs: Sequence[Path], ontology_path: Path) -> str:
    """The digest of what every part rests on: ipgraph's code and rules and the ontology."""
    from ipgraph import resources
    from ipgraph.checks.validate import SHAPES

    return files_digest([ontology_path, SHAPES, *sorted(Path(resources.checks_dir()).glob("*.rq"))], code_digest())


def _shared_digest(dirs: Sequence[Path], base: str) -> str:
    """``base`` and the shared data and links: what the check of the ontology and the shared data rests on."""
    files: list[Path] = []
    for d in dirs:
        for sub in ("shared", "links"):
            folder = d / sub
            if os.path.isdir(folder):
                files += sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return files_digest(files, base)


def _reusable(
    folders: Sequence[Path], digests: dict[str, str], old: Path, validate: bool, ctx: PartContext | None = None
) -> dict[str, PartInfo]:
    """The parts of the earlier build at ``old`` that can be used again: same inputs, the shared entities they use
    described as before (``ctx``), every other report whose entities they use unchanged too, and, for a checked
    build, checked when they were made."""
    earlier = {f.name: info for f in folders if (info := PartInfo.read(old, f.name)) is not None}
    definer = {iri: rid for rid, info in earlier.items() for iri in info.entities}
    found = {
        rid: info
        for rid, info in earlier.items()
        if info.hash == digests[rid]
        and info.report == rid
        and (info.validated or not validate)
        and (ctx is None or ctx.shared_digest(info.uses) == info.shared)
    }
    changed = True
    while changed:  # a part that uses a rebuilt report's entity is rebuilt too
        changed = False
        for rid, info in list(found.items()):
            if any(definer.get(iri, rid) not in found for iri in info.uses):
                del found[rid]
                changed = True
    return found


def _build_into(
    target: OutputDir, data_dir: Sequence[Path] | Path, ontology_path: Path, validate: bool, full: bool = False
) -> BuildSummary:
    from ipgraph.model.links import load_links
    from ipgraph.reading.facts import load_shared

    timings = {"read+resolve": 0.0, "derive": 0.0, "validate": 0.0, "store+dumps": 0.0}
    t0 = time.perf_counter()
    dirs = [data_dir] if isinstance(data_dir, Path) else list(data_dir)
    folders = sorted(report_folders(dirs), key=lambda f: f.name)
    shared = [sd for sd in (load_shared(d) for d in dirs) if sd is not None]
    links = [t for d in dirs for t in load_links(d)]
    ctx = PartContext(ontology_path, shared, links)
    base = _base_digest(dirs, ontology_path)
    digests = {f.name: report_digest(f, base) for f in folders}
    old_parts = target.path / PARTS_DIR
    reuse = {} if full or not old_parts.is_dir() else _reusable(folders, digests, old_parts, validate, ctx)
    timings["read+resolve"] += time.perf_counter() - t0
    problems: list[str] = []
    out = target.path
    tmp = target.begin()
    parts = tmp / PARTS_DIR
    try:
        parts.mkdir()
        (parts / f"{BASE_PART}.nq").write_text(base_nquads(ctx), encoding="utf-8")
        base_all = _shared_digest(dirs, base)
        base_checked = not full and _base_checked(old_parts, base_all)
        if validate and not base_checked:  # the ontology and shared data, checked again only when they changed
            t = time.perf_counter()
            problems += validate_base(ctx)
            timings["validate"] += time.perf_counter() - t
        marker = {"hash": base_all, "validated": validate or base_checked}
        (parts / f"{BASE_PART}.json").write_text(json.dumps(marker, sort_keys=True) + "\n", encoding="utf-8")
        infos: list[PartInfo] = []
        seen: dict[str, Path] = {}
        for folder in folders:
            if folder.name in reuse:
                info = reuse[folder.name]
                _link(old_parts / f"{folder.name}.nq", parts / f"{folder.name}.nq")
            else:
                info, found = build_part(ctx, folder, digests[folder.name], parts, validate)
                problems += found
                for stage, took in info.seconds.items():
                    timings[stage] += took
            if info.report in seen:
                raise InputError(
                    f"report id {info.report!r} is also used by {seen[info.report]}", folder / "report.yaml", 1
                )
            seen[info.report] = folder
            ctx.add(info)
            info.write(parts)
            infos.append(info)
        missing = undefined(ctx, infos)
        if missing is not None:
            raise missing
        t = time.perf_counter()
        for info in infos:
            if validate and not info.validated:  # it used a later report's entity: checked now that all are read
                ds = load_part(parts / f"{info.report}.nq")
                problems += validate_part(ctx, ds, {URIRef(i) for i in info.entities})
                info.validated = True
                info.write(parts)
        timings["validate"] += time.perf_counter() - t
        t = time.perf_counter()
        groups = across_groups(infos)
        (parts / f"{ACROSS_PART}.nq").write_text(across_checks(ctx, parts, groups), encoding="utf-8")
        timings["derive"] += time.perf_counter() - t
        t = time.perf_counter()
        names = [BASE_PART, *(i.report for i in infos), ACROSS_PART]
        part_files = [parts / f"{n}.nq" for n in names]
        merge_sorted(part_files, tmp / f"{DUMP_BASENAME}.nq")
        dumps = DumpWriter(tmp, DUMP_BASENAME, PREFIXES)
        dumps.start()
        try:
            earlier = None if full or not (out / MANIFEST).is_file() else out
            filled = fill_store(tmp / STORE_DIR, tmp / f"{DUMP_BASENAME}.nq", part_files, earlier)
            dumps.wait()
        except BaseException:
            dumps.cancel()
            raise
        graph_counts = filled.counts
        counts = _counts(tmp, ctx.entity_count)
        timings["store+dumps"] += time.perf_counter() - t
        manifest = {
            "reports": sorted(i.report for i in infos),
            "sources": {i.report: i.sources[i.report] for i in sorted(infos, key=lambda i: i.report)},
            "counts": counts,
            "graphs": graph_counts,
            "parts": {i.report: i.hash for i in sorted(infos, key=lambda i: i.report)},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the output directory: {exc.strerror}", out) from None
    if problems:  # leaving the block without commit() removes tmp: the previous build is untouched
        summary = BuildSummary(out, graph_counts, counts, _check_counts(problems, validate), problems, timings)
        summary.out = Path(f"{out} (NOT written: checks failed; the previous build is untouched)")
        return summary
    target.commit()
    timings["total"] = time.perf_counter() - t0
    summary = BuildSummary(out, graph_counts, counts, _check_counts(problems, validate), problems, timings)
    summary.reused = len(reuse)
    summary.store_changed = filled.changed
    return summary


def _base_checked(old_parts: Path, base: str) -> bool:
    """Whether the previous build checked the same ontology, shapes, shared data and code."""
    try:
        marker = json.loads((old_parts / f"{BASE_PART}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("hash") == base and marker.get("validated") is True


def _link(src: Path, dst: Path) -> None:
    """Put an earlier build's part into the new one: a hard link where the filesystem allows, else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _check_counts(problems: list[str], validate: bool) -> dict[str, int]:
    if not validate:
        return {}
    return {name: sum(1 for p in problems if p.startswith(name + ":")) for name in ("health queries", "SHACL shapes")}


_COUNT_QUERIES = {
    "observations": "?x a ipg:StatedObservation",
    "statements": "?x a ipg:StatementRecord",
    "quotes": "?x a ipg:SourceQuote",
    "derived observations": "?x a ipg:DerivedObservation",
    "consistency checks": "?x a ipg:ConsistencyCheck",
    "inconsistent": "?x a ipg:ConsistencyCheck ; ipg:verdict verdict:inconsistent "
    "FILTER NOT EXISTS { ?x ipg:interpretation ?i }",
}


def _counts(tmp: Path, entities: int) -> dict[str, int]:
    """What the build made, counted in its store."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(tmp / STORE_DIR))
    head = f"PREFIX ipg: <{PREFIXES['ipg']}> PREFIX verdict: <{PREFIXES['verdict']}> "
    counts: dict[str, int] = {}
    for name, pattern in _COUNT_QUERIES.items():
        rows = store.query(head + f"SELECT (COUNT(DISTINCT ?x) AS ?n) {{ {pattern} }}", use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        counts[name] = int(next(iter(rows))["n"].value)
        if name == "observations":
            counts["entities"] = entities
    return counts
