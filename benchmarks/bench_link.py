"""``ipgraph link cail`` at scale: throughput and peak memory next to pyoxigraph's bulk loader, two sizes.

Run from the project root::

    python benchmarks/bench_link.py [--sizes 200000 1000000] [--tmp /tmp]

For each size, a file of generated records in the CAIL2018 format (``fact`` of about 430 characters, charges
with brackets, article lists, sentences, fines, defendants; a mix of IP and other charges so that findings are
made) is written to a temporary folder (never into the repository). Then, each in its own process so that peak
memory (``ru_maxrss``) is its own:

- ``adapter → file``: ``link_judgments`` streamed to an N-Quads file (what ``ipgraph link cail --out`` does);
- ``adapter → store``: ``link_judgments`` streamed into pyoxigraph's bulk loader of a new on-disk store (what
  ``ipgraph link cail --into`` does);
- ``baseline``: the same triples, as an N-Triples file, bulk-loaded by pyoxigraph into a new on-disk store.

Targets: adapter → store at least 50% of the baseline's triples/s; peak memory flat in file size. The results
are printed and written as JSON to benchmarks/results/link.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPH = "https://w3id.org/ipgraph/graph/links/bench"

CHARGES = [
    (["假冒注册商标"], [213]),
    (["假冒注册商标"], [213, 220]),
    (["销售假冒注册商标的商品"], [214]),
    (["非法[制造、销售]非法制造的注册商标标识"], [215]),
    (["侵犯著作权"], [217]),
    (["侵犯著作权"], [363]),
    (["盗窃"], [264]),
    (["[走私、贩卖、运输、制造]毒品"], [347]),
    (["诈骗"], [266]),
    (["危险驾驶"], [133]),
    (["故意伤害"], [234]),
    (["假冒注册商标"], [175, 175]),
]
WEIGHTS = [30, 3, 25, 3, 6, 1, 10, 8, 5, 5, 3, 1]
PHRASES = [
    "经审理查明：",
    "被告人某某于",
    "2016年3月至2017年5月间，",
    "在其经营的店铺内，",
    "未经注册商标所有人许可，",
    "生产、销售假冒他人注册商标的商品，",
    "经鉴定，涉案商品均为假冒注册商标的商品，",
    "非法经营数额共计人民币",
    "十二万余元。",
    "公安机关在其仓库内查获",
    "涉案物品若干，",
    "上述事实，被告人在开庭审理过程中亦无异议，",
    "且有证人证言、",
    "扣押清单、",
    "鉴定意见、",
    "被告人的供述与辩解等证据证实，",
    "足以认定。",
    "案发后，被告人主动投案并如实供述，",
    "自愿认罪，",
]


def generate(path: Path, n: int, seed: int = 2018) -> None:
    """Write ``n`` records in the CAIL2018 JSON Lines format."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for _ in range(n):
            charges, articles = rng.choices(CHARGES, WEIGHTS)[0]
            fact = "".join(rng.choice(PHRASES) for _ in range(24))
            life = rng.random() < 0.002
            death = not life and rng.random() < 0.001
            record = {
                "fact": fact,
                "meta": {
                    "relevant_articles": articles,
                    "accusation": charges,
                    "punish_of_money": rng.choice([0, 2000, 10000, 30000, 50000, 120000]),
                    "criminals": ["某某"] * rng.choice([1, 1, 1, 2, 3]),
                    "term_of_imprisonment": {
                        "death_penalty": death,
                        "imprisonment": 0 if (life or death) else rng.choice([0, 6, 8, 12, 18, 24, 36, 42, 60]),
                        "life_imprisonment": life,
                    },
                },
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------- phases
def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_adapter_file(src: Path, out: Path) -> dict[str, float]:
    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.judgments import LinkSummary, link_judgments

    concepts = load_concepts(ROOT / "ontology" / "ipgraph.ttl")
    summary = LinkSummary(src, GRAPH)
    t = time.perf_counter()
    with out.open("wb") as f:
        for chunk in link_judgments(src, concepts, "bench", summary, with_vocabulary=False):
            f.write(chunk)
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "records": summary.records,
        "triples": summary.triples,
        "peak_rss_mb": _rss_mb(),
    }


def phase_adapter_store(src: Path, store_dir: Path) -> dict[str, float]:
    import pyoxigraph as ox

    from ipgraph.linking.cli import load_into_store
    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.judgments import LinkSummary, link_judgments

    concepts = load_concepts(ROOT / "ontology" / "ipgraph.ttl")
    summary = LinkSummary(src, GRAPH)
    (store_dir / "store").mkdir(parents=True)
    ox.Store(str(store_dir / "store")).flush()
    t = time.perf_counter()
    load_into_store(store_dir, link_judgments(src, concepts, "bench", summary, with_vocabulary=False), [GRAPH])
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "records": summary.records,
        "triples": summary.triples,
        "peak_rss_mb": _rss_mb(),
    }


def phase_baseline(nt: Path, store_dir: Path) -> dict[str, float]:
    import pyoxigraph as ox

    t = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    store.flush()
    seconds = time.perf_counter() - t
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH)))
    return {"seconds": seconds, "triples": triples, "peak_rss_mb": _rss_mb()}


def _child(phase: str, *args: str) -> dict[str, float]:
    code = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        f"import bench_link as b; print(json.dumps(b.{phase}(*map(Path, sys.argv[2:]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def to_ntriples(nq: Path, nt: Path) -> None:
    """The same triples without the graph name (every line of the adapter's output is in GRAPH)."""
    tail = f" <{GRAPH}> .\n".encode()
    with nq.open("rb") as src, nt.open("wb") as dst:
        for line in src:
            assert line.endswith(tail)
            dst.write(line[: -len(tail)] + b" .\n")


def run(sizes: list[int], tmp_root: Path) -> dict[str, object]:
    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "sizes": {},
    }
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix="ipgraph-bench-link-", dir=tmp_root))
        try:
            src = work / "records.jsonl"
            t = time.perf_counter()
            generate(src, n)
            gen_s = time.perf_counter() - t
            nq, nt = work / "out.nq", work / "out.nt"
            to_file = _child("phase_adapter_file", str(src), str(nq))
            to_ntriples(nq, nt)
            to_store = _child("phase_adapter_store", str(src), str(work / "adapter"))
            baseline = _child("phase_baseline", str(nt), str(work / "baseline"))
            entry = {
                "records": n,
                "file_mb": round(src.stat().st_size / 2**20, 1),
                "generate_seconds": round(gen_s, 1),
                "adapter_to_file": to_file,
                "adapter_to_store": to_store,
                "baseline_bulk_load_ntriples": baseline,
            }
            for key in ("adapter_to_file", "adapter_to_store"):
                d = entry[key]
                assert isinstance(d, dict)
                d["records_per_s"] = d["records"] / d["seconds"]
                d["triples_per_s"] = d["triples"] / d["seconds"]
            baseline["triples_per_s"] = baseline["triples"] / baseline["seconds"]
            assert baseline["triples"] == to_store["triples"], "the baseline must load the same triples"
            entry["ratio_store_to_baseline"] = to_store["triples_per_s"] / baseline["triples_per_s"]
            results["sizes"][str(n)] = entry  # type: ignore[index]
            _print(entry)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    sizes_done = list(results["sizes"].values())  # type: ignore[attr-defined]
    if len(sizes_done) >= 2:
        small, big = sizes_done[0], sizes_done[-1]
        results["memory_growth"] = {
            key: big[key]["peak_rss_mb"] / small[key]["peak_rss_mb"]
            for key in ("adapter_to_file", "adapter_to_store", "baseline_bulk_load_ntriples")
        }
        print(
            "peak memory, largest / smallest size: "
            + ", ".join(
                f"{k} {v:.2f}x"
                for k, v in results["memory_growth"].items()  # type: ignore[attr-defined]
            )
        )
    return results


def _print(e: dict[str, object]) -> None:
    f, s, b = e["adapter_to_file"], e["adapter_to_store"], e["baseline_bulk_load_ntriples"]
    assert isinstance(f, dict) and isinstance(s, dict) and isinstance(b, dict)
    print(f"{e['records']:,} records ({e['file_mb']} MB), {s['triples']:,} triples")
    print(
        f"  adapter → N-Quads file : {f['seconds']:7.1f}s {f['records_per_s']:>10,.0f} records/s "
        f"{f['triples_per_s']:>10,.0f} triples/s  peak {f['peak_rss_mb']:7.1f} MB"
    )
    print(
        f"  adapter → store        : {s['seconds']:7.1f}s {s['records_per_s']:>10,.0f} records/s "
        f"{s['triples_per_s']:>10,.0f} triples/s  peak {s['peak_rss_mb']:7.1f} MB"
    )
    print(
        f"  baseline N-Triples bulk: {b['seconds']:7.1f}s {'':>10} {'':>9} "
        f"{b['triples_per_s']:>10,.0f} triples/s  peak {b['peak_rss_mb']:7.1f} MB"
    )
    print(f"  adapter → store / baseline: {e['ratio_store_to_baseline']:.2f} (target ≥ 0.50)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()), help="where to write the files")
    args = parser.parse_args()
    results = run(args.sizes, args.tmp)
    out = ROOT / "benchmarks" / "results" / "link.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
