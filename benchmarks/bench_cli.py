"""CLI query latency against the floor, and where ``ipgraph build`` spends its time.

Run from the project root after ``ipgraph build``::

    python benchmarks/bench_cli.py [--runs 15] [--query NAME]

Floor: a bare Python process that imports pyoxigraph, opens the same store read-only and runs the same query.
Both are timed as whole processes, interleaved, in the same run; the table shows medians with min / max and the
ratio to the floor (target: at most 1.5x). Results are also written as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

FLOOR = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
for row in store.query(open(sys.argv[2], encoding="utf-8").read(), use_default_graph_as_union=True):
    pass
"""


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def summary(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": len(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--query", default="cq-01-ip-criminal-cases-and-perpetrators")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from ipgraph.model.prefixes import sparql_prologue
    from ipgraph.query.catalog import load_catalog
    from ipgraph.store.embedded import bind_values, term_for

    catalog = load_catalog(ROOT / "queries")
    q = catalog[args.query]
    bindings = {p.name: term_for(p.default, p.type) for p in q.params if p.default is not None}
    qfile = args.build / ".bench-query.rq"
    qfile.write_text(sparql_prologue() + bind_values(q.text, bindings), encoding="utf-8")
    floor_cmd = [sys.executable, "-c", FLOOR, str(args.build / "store"), str(qfile)]
    cli_cmd = [str(BIN / "ipgraph"), "query", args.query, "--build", str(args.build), "--format", "csv"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)  # as `make` does
    for cmd in (floor_cmd, cli_cmd):  # warm the file cache
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    floor, cli = [], []
    for _ in range(args.runs):
        floor += timed(floor_cmd, 1)
        cli += timed(cli_cmd, 1)
    qfile.unlink()
    builds = []
    for _ in range(3):
        out = subprocess.run(
            [str(BIN / "ipgraph"), "build", "--out", str(ROOT / "build")], check=True, capture_output=True, text=True
        ).stdout
        stages = dict(re.findall(r"([\w+]+) (\d+\.\d+)s", out.split("time:")[-1]))
        builds.append({k: float(v) for k, v in stages.items()})
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "query": args.query,
        "floor_process": summary(floor),
        "ipgraph_query_process": summary(cli),
        "ratio_to_floor": statistics.median(cli) / statistics.median(floor),
        "ratio_of_minimums": min(cli) / min(floor),
        "median_of_paired_ratios": statistics.median(c / f for c, f in zip(cli, floor, strict=True)),
        "build_seconds": {k: statistics.median(b[k] for b in builds) for k in builds[0]},
    }
    print(f"{'measure':<34}{'median':>10}{'min':>10}{'max':>10}{'ratio':>8}")
    for name, key in (("floor (python + pyoxigraph)", "floor_process"), ("ipgraph query", "ipgraph_query_process")):
        s = result[key]
        assert isinstance(s, dict)
        ratio = s["median"] / result["floor_process"]["median"]  # type: ignore[index]
        print(f"{name:<34}{s['median'] * 1000:>8.1f}ms{s['min'] * 1000:>8.1f}ms{s['max'] * 1000:>8.1f}ms{ratio:>7.2f}x")
    print(
        f"paired ratio (each ipgraph run over the floor run just before it): median "
        f"{result['median_of_paired_ratios']:.2f}x; ratio of the minimums {result['ratio_of_minimums']:.2f}x"
    )
    total = result["build_seconds"].get("total", 0.0)  # type: ignore[union-attr]
    for stage, secs in result["build_seconds"].items():  # type: ignore[union-attr]
        share = f"{secs / total:>7.0%}" if total else ""
        print(f"build: {stage:<27}{secs * 1000:>8.0f}ms{'':>20}{share}")
    out_path = ROOT / "benchmarks" / "results" / "cli.json"
    out_path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written {out_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
