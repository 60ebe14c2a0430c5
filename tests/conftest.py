"""Shared fixtures: the project's paths and one build of the real data per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "ipgraph.ttl"
QUERIES = ROOT / "queries"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data, built once (checks are tested separately)."""
    from ipgraph.store.build import build

    out = tmp_path_factory.mktemp("build") / "build"
    build(DATA, out, ONTOLOGY, validate=False)
    return out


@pytest.fixture(scope="session")
def store(built: Path) -> Iterator[ox.Store]:
    from ipgraph.store.embedded import open_store

    yield open_store(built)


@pytest.fixture(scope="session")
def combined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data and every fixture report (``--data data --data tests/fixtures``), built once (with every check)."""
    from ipgraph.store.build import build

    out = tmp_path_factory.mktemp("reports") / "build"
    summary = build([DATA, FIXTURES], out, ONTOLOGY, validate=True)
    assert summary.conforms, summary.text()
    return out


@pytest.fixture(scope="session")
def combined_store(combined: Path) -> ox.Store:
    from ipgraph.store.embedded import open_store

    return open_store(combined)


@pytest.fixture(scope="session")
def build_result():  # type: ignore[no-untyped-def]
    """The in-memory dataset of the real data (rdflib), for checks that need it."""
    from ipgraph.store.build import assemble

    return assemble(DATA, ONTOLOGY)
