"""Report queries and linked judgments: does every report-level catalog query keep its time when millions of
judgment triples are linked into the store?

Run from the project root::

    python benchmarks/bench_anchored.py [--triples 1000000] [--runs 5] [--tmp /tmp]

The report is built into a temporary folder; a copy of the build gets about ``--triples`` generated judgment
triples linked in (``ipgraph link cail --into``, records from bench_link.py's generator; judgment cases use the
same ``ipg:charge`` as the report's figures). Then every catalog query that takes ``report`` is asked of
``shanghai-2023`` on both stores, alternately, ``--runs`` times each after a warm-up, in this one process: the
figure is the median time on the linked store over the median on the plain one (paired, so a busy machine moves
both). Target: every ratio ≤ 1.2 (a report query reads the report's data set, not the judgments). Results:
``benchmarks/results/anchored.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET = 1.2


def _ipgraph(*args: str) -> None:
    exe = Path(sys.executable).parent / "ipgraph"
    done = subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ipgraph {' '.join(args)} failed:\n{done.stdout[-800:]}{done.stderr[-800:]}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triples", type=int, default=1_000_000, help="linked judgment triples (default: %(default)s)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per query and store (default: %(default)s)")
    p.add_argument("--tmp", default=None, help="folder for the temporary builds (default: the system's)")
    p.add_argument("--only", nargs="*", default=None, help="only these queries")
    p.add_argument("--keep", default=None, help="keep the two builds in this folder, and reuse them if there")
    args = p.parse_args()

    import bench_link

    from ipgraph.query.catalog import load_catalog, report_iri
    from ipgraph.store.embedded import open_store, run_query, term_for

    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ipgraph-anchored-", dir=args.tmp))
    try:
        plain, linked = tmp / "plain", tmp / "linked"
        link_seconds: float | None = None  # None: the builds of an earlier run were reused (--keep)
        if not (plain / "store").is_dir() or not (linked / "store").is_dir():
            tmp.mkdir(parents=True, exist_ok=True)
            _ipgraph("build", "--out", str(plain))
            shutil.copytree(plain, linked)
            records = tmp / "judgments.jsonl"
            bench_link.generate(records, max(1, args.triples * 10 // 166))  # about 16.6 triples a record
            t = time.perf_counter()
            _ipgraph("link", "cail", str(records), "--into", str(linked), "--dataset", "bench")
            link_seconds = time.perf_counter() - t
            records.unlink()
        stores = {"plain": open_store(plain), "linked": open_store(linked)}
        quads = {k: len(s) for k, s in stores.items()}
        results = []
        for q in load_catalog(ROOT / "queries").values():
            if not any(prm.type == "report" for prm in q.params) or (args.only and q.name not in args.only):
                continue
            bindings = {
                prm.name: term_for(prm.default, prm.type) for prm in q.params if prm.default and prm.type != "report"
            }
            bindings["report"] = term_for(report_iri("report", "shanghai-2023"), "iri")
            times: dict[str, list[float]] = {"plain": [], "linked": []}
            rows = {}
            for name, store in stores.items():  # warm-up, and the answers must agree
                result = run_query(store, q.text, bindings)
                rows[name] = len(result) if hasattr(result, "__len__") else 0
            for _ in range(args.runs):
                for name, store in stores.items():
                    t = time.perf_counter()
                    run_query(store, q.text, bindings)
                    times[name].append(time.perf_counter() - t)
            med = {k: statistics.median(v) for k, v in times.items()}
            ratio = med["linked"] / med["plain"] if med["plain"] else 0.0
            results.append(
                {
                    "query": q.name,
                    "plain_ms": round(med["plain"] * 1000, 3),
                    "linked_ms": round(med["linked"] * 1000, 3),
                    "ratio": round(ratio, 2),
                    "rows": rows,
                    "met": q.name.startswith("link-") or (ratio <= TARGET and rows["plain"] == rows["linked"]),
                    "kind": "link" if q.name.startswith("link-") else "report",
                }
            )
            flag = "   (counts linked judgments: grows with them by design)" if q.name.startswith("link-") else ""
            flag = flag or ("" if results[-1]["met"] else "   <-- over target")
            print(f"{q.name:<58} {med['plain'] * 1000:9.2f} ms {med['linked'] * 1000:10.2f} ms {ratio:7.2f}x{flag}")
        report_results = [r for r in results if r["kind"] == "report"]
        worst = max((r["ratio"] for r in report_results), default=0.0)
        summary = {
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "quads": quads,
            "linked_quads": quads["linked"] - quads["plain"],
            "link_seconds": round(link_seconds, 1) if link_seconds is not None else None,
            "runs": args.runs,
            "target_ratio": TARGET,
            "queries": len(report_results),
            "over_target": [r["query"] for r in results if not r["met"]],
            "worst_ratio": worst,
            "median_ratio": statistics.median([r["ratio"] for r in report_results]) if report_results else 0.0,
            "results": results,
        }
        out = ROOT / "benchmarks" / "results" / "anchored.json"
        if not args.only:
            out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
        print(
            f"{len(report_results)} report queries; +{summary['linked_quads']:,} linked quads; median ratio "
            f"{summary['median_ratio']:.2f}x, worst {worst:.2f}x; over {TARGET}x: {len(summary['over_target'])}"
        )
        return 0 if not summary["over_target"] else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
