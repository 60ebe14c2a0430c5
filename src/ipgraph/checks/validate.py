"""All checks of the graph: SHACL shapes, health (violation) queries, Data Cube constraints, OWL consistency.

``ipgraph build`` runs the fast ones (shapes and health queries) on every build; ``ipgraph validate`` runs
them all and lists each violation with its focus node, path and message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ipgraph import resources
from ipgraph.model.graph import GRAPH_DERIVED, GRAPH_FACTS, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, BuildResult

CHECKS_DIR = Path(resources.checks_dir())
SHAPES = Path(resources.shapes_file())


def qb_ic_dir() -> Path | None:
    """Where the W3C Data Cube integrity-constraint queries are (``IPGRAPH_QB_IC`` or a checkout's ``../shared``)."""
    candidates = [Path(os.environ["IPGRAPH_QB_IC"])] if os.environ.get("IPGRAPH_QB_IC") else []
    checkout = resources.checkout_root()
    if checkout is not None:
        candidates.append(Path(checkout).parent / "shared" / "external" / "qb-ic")
    return next((c for c in candidates if (c / "ic-01.rq").is_file()), None)


@dataclass
class ValidationReport:
    """Violations per check, and checks that could not run."""

    violations: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Number of violations per check."""
        return {k: len(v) for k, v in self.violations.items()}

    @property
    def conforms(self) -> bool:
        """No violation anywhere."""
        return not any(self.violations.values())

    def messages(self) -> list[str]:
        """One line per violation."""
        return [f"{check}: {msg}" for check, msgs in self.violations.items() for msg in msgs]

    def text(self) -> str:
        """The report printed by ``ipgraph validate``."""
        lines = []
        for check, msgs in self.violations.items():
            status = "ok" if not msgs else f"{len(msgs)} violation(s)"
            took = f" ({self.seconds[check]:.2f}s)" if check in self.seconds else ""
            lines.append(f"{check}: {status}{took}")
            lines += [f"  {m}" for m in msgs]
        for check, why in self.skipped.items():
            lines.append(f"{check}: skipped ({why})")
        total = sum(self.counts.values())
        lines.append("conforms" if total == 0 else f"does not conform: {total} violation(s)")
        return "\n".join(lines)


def _timed(report: ValidationReport, name: str, run: object) -> None:
    assert callable(run)
    t = time.perf_counter()
    report.violations[name] = run()
    report.seconds[name] = time.perf_counter() - t


def _union(result: BuildResult, with_ontology: bool = True) -> Graph:
    g = Graph()
    names = [GRAPH_FACTS, GRAPH_PROVENANCE, GRAPH_DERIVED] + ([GRAPH_ONTOLOGY] if with_ontology else [])
    for name in names:
        for t in result.dataset.graph(name):
            g.add(t)
    return g


def validate_result(result: BuildResult, ontology_path: Path) -> ValidationReport:
    """The checks run on every build: SHACL shapes and health queries."""
    from ipgraph.checks.graph_checks import run_health_queries, run_shacl

    report = ValidationReport()
    union = _union(result)
    _timed(report, "health queries", lambda: [str(v) for v in run_health_queries(union, CHECKS_DIR)])
    _timed(report, "SHACL shapes", lambda: [str(v) for v in run_shacl(union, SHAPES, None)])
    return report


def validate_all(
    data_dir: Sequence[Path] | Path, ontology_path: Path, ontology_only: bool = False, reasoner: bool = True
) -> ValidationReport:
    """Every check; with ``ontology_only`` the ontology alone (canonical form, health queries, reasoner)."""
    from ipgraph.checks.graph_checks import (
        JavaNotFoundError,
        canonical_turtle_problems,
        check_owl_consistency,
        run_health_queries,
    )
    from ipgraph.model.graph import load_ontology

    report = ValidationReport()
    onto = load_ontology(ontology_path)  # first: a missing or malformed ontology is one line, before any check

    def canonical() -> list[str]:
        problems = [(p, canonical_turtle_problems(p)) for p in (ontology_path, SHAPES)]
        return [f"{p.name}: {msg}" for p, msg in problems if msg]

    _timed(report, "canonical Turtle", canonical)
    result: BuildResult | None = None
    if ontology_only:
        _timed(report, "health queries", lambda: [str(v) for v in run_health_queries(onto, CHECKS_DIR)])
    else:
        from ipgraph.derivation.emit import derive_into
        from ipgraph.model.dataset import assemble

        result = assemble(data_dir, ontology_path)
        derive_into(result.dataset)
        fast = validate_result(result, ontology_path)
        report.violations.update(fast.violations)
        report.seconds.update(fast.seconds)
        ic_dir = qb_ic_dir()
        if ic_dir is None:
            report.skipped["Data Cube IC-1…IC-21"] = "the W3C constraint queries were not found; set IPGRAPH_QB_IC"
        else:
            from ipgraph.checks.datacube import run_integrity_constraints
            from ipgraph.model.dataset import canonical_nquads

            nq = canonical_nquads(result.dataset).encode("utf-8")
            _timed(
                report,
                "Data Cube IC-1…IC-21",
                lambda: [f"{r.name}: {r.title}" for r in run_integrity_constraints(nq, ic_dir) if r.violated],
            )
    if reasoner:
        extra = None if result is None else _union(result, with_ontology=False)

        def owl() -> list[str]:
            outcome = check_owl_consistency(ontology_path, extra)
            msgs = [] if outcome.consistent else ["the ontology (with the data) is inconsistent"]
            msgs += [f"unsatisfiable class <{c}>" for c in outcome.unsatisfiable]
            return msgs

        try:
            _timed(report, "OWL 2 consistency (HermiT)", owl)
        except JavaNotFoundError as exc:
            report.skipped["OWL 2 consistency (HermiT)"] = str(exc)
    return report
