"""Smoke tests of the benchmark suite's own code: the synthetic-report generator and the suite's helpers.

No timing is asserted here (speed is measured by ``python benchmarks/run.py``); these tests only prove that the
synthetic reports are well formed (they build and pass the checks) and that the helpers compute what they say.
"""

from __future__ import annotations

import doctest
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"ipgraph_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic() -> ModuleType:
    return _load("synthetic_reports")


@pytest.mark.parametrize("name", ["synthetic_reports", "run"])
def test_doctests(name: str) -> None:
    module = _load(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_refuses_to_write_into_data(synthetic: ModuleType) -> None:
    with pytest.raises(SystemExit, match="refusing"):
        synthetic.generate(1, ROOT / "data" / "synthetic")


def _observations(folder: Path) -> dict[str, dict[str, object]]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("facts") or []:
            for obs in block.get("observations") or []:
                found[str(obs["id"])] = obs
    return found


@pytest.mark.slow
def test_two_synthetic_reports_build_and_conform(synthetic: ModuleType, tmp_path: Path) -> None:
    from ipgraph.store.build import build

    data = tmp_path / "data"
    assert synthetic.generate(2, data) == ["synthetic-0001", "synthetic-0002"]
    source = (data / "sources" / "synthetic-0001.en.txt").read_text(encoding="utf-8")
    assert source.startswith("SYNTHETIC REPORT synthetic-0001: NOT A REAL PUBLICATION.")
    summary = build(data, tmp_path / "build", ROOT / "ontology" / "ipgraph.ttl", validate=True)
    assert summary.conforms, summary.problems
    assert summary.counts["observations"] > 0

    # counts are perturbed by the report's factor, ratios are not; every value is still written in its quote
    template = _observations(synthetic.TEMPLATE)
    copy = _observations(data / "reports" / "synthetic-0001")
    assert copy.keys() == template.keys()
    k = synthetic.factor(1)
    scaled = 0
    for oid, obs in copy.items():
        if "value" not in obs:
            continue
        old, new = Decimal(str(template[oid]["value"])), Decimal(str(obs["value"]))
        if obs.get("measure") in synthetic.SCALED_MEASURES and new != old:
            assert new == old * k, oid
            scaled += 1
        else:
            assert new == old, oid
    counts = sum(1 for o in copy.values() if "value" in o and o.get("measure") in synthetic.SCALED_MEASURES)
    assert scaled >= counts * 0.8
