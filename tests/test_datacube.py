"""The built graph is a well-formed W3C Data Cube: integrity constraints IC-1 … IC-21 all hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipgraph.checks.datacube import run_integrity_constraints

from .conftest import SHARED

IC_DIR = SHARED / "external" / "qb-ic"
pytestmark = pytest.mark.skipif(
    not (IC_DIR / "ic-01.rq").is_file(),
    reason=f"the W3C Data Cube IC queries are not at {IC_DIR} (third-party material kept outside the project)",
)


def test_every_integrity_constraint_holds(built: Path) -> None:
    results = run_integrity_constraints((built / "ipgraph.nq").read_bytes(), IC_DIR)
    assert len(results) == 22  # IC-1 … IC-21 with IC-19 in two queries
    violated = [f"{r.name} {r.title}" for r in results if r.violated]
    assert violated == []


def test_observations_exist_in_the_cube(built: Path) -> None:
    text = (built / "ipgraph.nq").read_text(encoding="utf-8")
    assert text.count("<http://purl.org/linked-data/cube#dataSet>") > 100


DUPLICATE = (
    "<https://w3id.org/ipgraph/id/obs/x-dup> <http://purl.org/linked-data/cube#dataSet> "
    "<https://w3id.org/ipgraph/id/dataset/shanghai-2023> <https://w3id.org/ipgraph/graph/facts> ."
)


def test_constraints_catch_a_duplicate_and_a_missing_dimension(built: Path) -> None:
    """Copy one observation's dimensions to a new one (IC-12), and make one without dimensions (IC-11)."""
    lines = (built / "ipgraph.nq").read_text(encoding="utf-8").splitlines()
    value = " <https://w3id.org/ipgraph/ontology/obsValue> "
    obs = next(
        line.split(" ", 1)[0]
        for line in lines
        if value in line and line.startswith("<https://w3id.org/ipgraph/id/obs/")
    )
    copy = [
        line.replace(obs, "<https://w3id.org/ipgraph/id/obs/copy>", 1) for line in lines if line.startswith(obs + " ")
    ]
    broken = "\n".join([*lines, *copy, DUPLICATE]).encode("utf-8")
    results = {r.name: r.violated for r in run_integrity_constraints(broken, IC_DIR)}
    assert results["ic-12"], "IC-12 must flag two observations with the same dimension values"
    assert results["ic-11"], "IC-11 must flag an observation without its dimensions"
