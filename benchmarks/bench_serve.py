"""Load test of ``ipgraph serve`` next to Oxigraph's own server on the same data, on loopback.

Run from the project root (it builds the graph into a temporary folder unless given ``--build``)::

    python benchmarks/bench_serve.py [--requests 10000] [--concurrency 16]

Both servers get the SAME requests: every catalog query (parameters bound to their defaults, sent as
SPARQL with the project's prefixes) and a ``DESCRIBE`` of entities, as ``GET /sparql?query=…`` (``/query`` on
Oxigraph, started with ``oxigraph serve-read-only --union-default-graph``; a request longer than 4,000 characters
goes as a POST form, since Oxigraph server refuses request heads over 8 KB), SPARQL JSON / Turtle, keep-alive
connections. The *varied* runs send the same queries made each different (a numbered comment line), so no cache
can help. ipgraph is measured as it ships (response cache on) and with the cache off; then ipgraph alone on
its own mix of catalog pages (``/queries/NAME``) and Linked Data HTML pages (``/id/…``). Each run first sends
every distinct request once (warm-up), then ``--requests`` requests at ``--concurrency``; any non-200 answer
is an error.
The ratio compares throughput against Oxigraph server measured in the same run, the varied run against
Oxigraph server on the varied mix (targets: at least 0.70 repeated, cache off; 1.0 varied).
ipgraph's workers hold a store of this size in memory; the varied mix is also run with ``--store-on-disk`` (the
same engine over the same RocksDB files as Oxigraph server) and against Oxigraph server holding the data in
memory (``oxigraph serve`` loaded with the build's N-Quads), so each comparison is also made engine for engine.
``--pairs N`` adds N rounds of the four varied runs in turn, for medians and paired ratios on a noisy machine.
Results: benchmarks/results/serve.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONG_URL = 4000  # longer requests go as POST forms, to both servers
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k:
            headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status


async def _load(port: int, requests: list[tuple[str, str]], total: int, concurrency: int) -> dict[str, object]:
    # a varied mix holds one request per slot; a repeated one cycles
    order = [requests[i % len(requests)] for i in range(total)]
    random.Random(7).shuffle(order)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    next_i = 0

    async def client() -> None:
        nonlocal next_i
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while next_i < len(order):
            target, accept = order[next_i]
            next_i += 1
            if len(target) > LONG_URL:  # too long for a request line (Oxigraph server caps headers at 8 KB): POST
                path, _, form = target.partition("?")
                msg = (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n"
                    f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n\r\n{form}"
                ).encode()
            else:
                msg = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode()
            t = time.perf_counter()
            try:
                writer.write(msg)
                status = await _read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - t)
            if status != 200:
                errors[str(status)] = errors.get(str(status), 0) + 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": total,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "seconds": round(seconds, 3),
        "throughput_rps": round(total / seconds, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 3),
        "p90_ms": round(1000 * latencies[int(len(latencies) * 0.9)], 3),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 3),
        "mean_ms": round(1000 * statistics.fmean(latencies), 3),
    }


def run_load(
    port: int,
    requests: list[tuple[str, str]],
    total: int,
    concurrency: int,
    warmup: list[tuple[str, str]] | None = None,
) -> dict[str, object]:
    warm = warmup if warmup is not None else requests
    asyncio.run(_load(port, warm, len(warm), min(concurrency, len(warm))))  # warm-up
    return asyncio.run(_load(port, requests, total, concurrency))


def varied(texts: list[str], describe: list[str], total: int, tag: str) -> list[str]:
    """``total`` query texts, each different (a numbered comment line), cycling over the catalog and DESCRIBEs."""
    base = texts + describe
    return [f"{base[i % len(base)]}\n# request {tag}-{i}\n" for i in range(total)]


def sparql_requests(build: Path, entities: int) -> tuple[list[str], list[str]]:
    """Catalog queries (bound to defaults, with prefixes) and entities to DESCRIBE."""
    sys.path.insert(0, str(ROOT / "src"))
    from ipgraph.model.prefixes import sparql_prologue
    from ipgraph.query.catalog import load_catalog
    from ipgraph.store.embedded import bind_values, open_store, term_for

    catalog = load_catalog(ROOT / "queries")
    texts = []
    for q in catalog.values():
        bindings = {p.name: term_for(p.default, p.type) for p in q.params if p.default is not None}
        texts.append(sparql_prologue() + bind_values(q.text, bindings))
    store = open_store(build)
    iris = sorted(
        {
            r["s"].value
            for r in store.query(
                "SELECT DISTINCT ?s { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/ipgraph/id/')) "
                "FILTER(!STRSTARTS(STR(?s), 'https://w3id.org/ipgraph/id/quote/')) "
                "FILTER(!STRSTARTS(STR(?s), 'https://w3id.org/ipgraph/id/statement/')) }",
                use_default_graph_as_union=True,
            )
        }
    )
    picked = iris[:: max(1, len(iris) // entities)][:entities]
    del store
    return texts, picked


#: The runs of a paired round, and the Oxigraph server run each ipgraph run is compared with.
PAIRED = {
    "oxigraph_server_varied": None,
    "ipgraph_serve_varied": "oxigraph_server_varied",
    "oxigraph_server_memory_varied": None,
    "ipgraph_serve_varied_store_on_disk": "oxigraph_server_varied",
}


def paired_summary(runs: dict[str, list[float]]) -> dict[str, object]:
    """Each run's throughputs and median, and each ipgraph run's ratios to Oxigraph server within its round
    (against the store on disk, and against Oxigraph server holding the data in memory too).

    >>> s = paired_summary({"oxigraph_server_varied": [100.0, 200.0], "ipgraph_serve_varied": [150.0, 220.0],
    ...                     "oxigraph_server_memory_varied": [300.0, 300.0],
    ...                     "ipgraph_serve_varied_store_on_disk": [90.0, 210.0]})
    >>> s["ipgraph_serve_varied"]["paired_ratios"], s["ipgraph_serve_varied"]["median_paired_ratio"]
    ([1.5, 1.1], 1.3)
    >>> s["ipgraph_serve_varied"]["median_paired_ratio_to_oxigraph_memory"]
    0.617
    """
    out: dict[str, object] = {}
    for name, against in PAIRED.items():
        rps = runs[name]
        entry: dict[str, object] = {"throughput_rps": rps, "median_rps": round(statistics.median(rps), 1)}
        if against is not None:
            for key, ref in (("", against), ("_to_oxigraph_memory", "oxigraph_server_memory_varied")):
                ratios = [round(a / b, 3) for a, b in zip(rps, runs[ref], strict=True)]
                entry[f"paired_ratios{key}"] = ratios
                entry[f"median_paired_ratio{key}"] = round(statistics.median(ratios), 3)
        out[name] = entry
    return out


def paired_lines(summary: dict[str, object]) -> list[str]:
    """The paired rounds as printed lines."""
    lines = [f"paired rounds ({'median req/s':>14}, {'ratio to oxigraph disk':>22}, {'to oxigraph memory':>18})"]
    for name, entry in summary.items():
        assert isinstance(entry, dict)
        lines.append(
            f"  {name:36} {entry['median_rps']:>8} {entry.get('median_paired_ratio', ''):>8} "
            f"{entry.get('median_paired_ratio_to_oxigraph_memory', ''):>8}"
        )
    return lines


def load_oxigraph(port: int, build: Path) -> None:
    """Load the build's N-Quads dump into an in-memory Oxigraph server (its Graph Store endpoint)."""
    import urllib.request

    data = (build / "ipgraph.nq").read_bytes()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/store", data=data, method="POST", headers={"Content-Type": "application/n-quads"}
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        if resp.status not in (200, 201, 204):
            raise RuntimeError(f"Oxigraph server refused the data: {resp.status}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, help="a built graph (default: build one into a temporary folder)")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--entities", type=int, default=100, help="entities in the mix")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "serve.json")
    ap.add_argument(
        "--pairs",
        type=int,
        default=0,
        help="then run the varied mix this many more rounds, Oxigraph server and ipgraph serve in turn "
        "(store on disk and in memory each), and report medians and paired ratios",
    )
    ap.add_argument(
        "--also-workers", type=int, nargs="*", default=[], help="also run the varied mix with these worker counts"
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        build = args.build
        if build is None:
            build = tmp / "build"
            subprocess.run(
                [str(BIN / "ipgraph"), "build", "--out", str(build), "--no-validate"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        texts, iris = sparql_requests(build, args.entities)
        json_accept = "application/sparql-results+json"
        describe = [f"DESCRIBE <{i}>" for i in iris]

        def sparql_mix(path: str) -> list[tuple[str, str]]:
            mix = [(f"{path}?{urllib.parse.urlencode({'query': t})}", json_accept) for t in texts]
            mix += [(f"{path}?{urllib.parse.urlencode({'query': t})}", "text/turtle") for t in describe]
            return mix

        def varied_mix(path: str, tag: str) -> list[tuple[str, str]]:
            return [
                (
                    f"{path}?{urllib.parse.urlencode({'query': t})}",
                    "text/turtle" if t.startswith("DESCRIBE") else json_accept,
                )
                for t in varied(texts, describe, args.requests, tag)
            ]

        results: dict[str, object] = {}
        load_before = os.getloadavg()[0]
        # Oxigraph server on a copy of the same store (its own process, read-only)
        shutil.copytree(build / "store", tmp / "oxstore")

        def oxigraph_run(name: str, mix_of: str, in_memory: bool = False) -> float:
            port = free_port()
            where = [] if in_memory else ["--location", str(tmp / "oxstore")]
            ox_proc = subprocess.Popen(
                [str(BIN / "oxigraph"), "serve" if in_memory else "serve-read-only", *where, "--bind",
                 f"127.0.0.1:{port}", "--union-default-graph"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                wait_port(port, ox_proc)
                if in_memory:
                    load_oxigraph(port, build)
                if mix_of == "sparql":
                    results[name] = run_load(port, sparql_mix("/query"), args.requests, args.concurrency)
                else:
                    mix, warm = varied_mix("/query", "v"), sparql_mix("/query")
                    results[name] = run_load(port, mix, args.requests, args.concurrency, warmup=warm)
            finally:
                ox_proc.terminate()
                ox_proc.wait(10)
            return float(results[name]["throughput_rps"])  # type: ignore[index]

        oxigraph_run("oxigraph_server", "sparql")
        oxigraph_run("oxigraph_server_varied", "varied")
        oxigraph_run("oxigraph_server_memory_varied", "varied", in_memory=True)

        def ipgraph_run(name: str, extra: list[str], mix_of: str) -> float:
            port = free_port()
            proc = subprocess.Popen(
                [str(BIN / "ipgraph"), "serve", "--build", str(build), "--port", str(port), *extra],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
            )  # fmt: skip
            try:
                wait_port(port, proc)
                warm = None
                if mix_of == "sparql":
                    mix = sparql_mix("/sparql")
                elif mix_of == "varied":
                    mix, warm = varied_mix("/sparql", "v"), sparql_mix("/sparql")
                else:
                    from ipgraph.query.catalog import load_catalog

                    mix = [(f"/queries/{n}", json_accept) for n in load_catalog(ROOT / "queries")]
                    mix += [("/id/" + i[len("https://w3id.org/ipgraph/id/") :], "text/html") for i in iris]
                results[name] = run_load(port, mix, args.requests, args.concurrency, warmup=warm)
            finally:
                proc.terminate()
                proc.wait(20)
            return float(results[name]["throughput_rps"])  # type: ignore[index]

        ipgraph_run("ipgraph_serve", [], "sparql")
        ipgraph_run("ipgraph_serve_no_cache", ["--cache-size", "1"], "sparql")
        ipgraph_run("ipgraph_serve_pages", [], "pages")
        ipgraph_run("ipgraph_serve_varied", [], "varied")
        ipgraph_run("ipgraph_serve_varied_store_on_disk", ["--store-on-disk"], "varied")
        for n in args.also_workers:
            ipgraph_run(f"ipgraph_serve_varied_{n}_workers", ["--workers", str(n)], "varied")
        paired: dict[str, list[float]] = {k: [] for k in PAIRED}
        pair_errors: dict[str, dict[str, int]] = {}  # run -> error kind -> count, over every round

        def pair(name: str, rps: float) -> None:
            paired[name].append(rps)
            for kind, n in results["_pair"]["error_kinds"].items():  # type: ignore[index]
                pair_errors.setdefault(name, {})[kind] = pair_errors.get(name, {}).get(kind, 0) + n

        for _round in range(args.pairs):  # each side in turn, so a change in the machine's load hits both
            pair("oxigraph_server_varied", oxigraph_run("_pair", "varied"))
            pair("ipgraph_serve_varied", ipgraph_run("_pair", [], "varied"))
            pair("oxigraph_server_memory_varied", oxigraph_run("_pair", "varied", in_memory=True))
            pair("ipgraph_serve_varied_store_on_disk", ipgraph_run("_pair", ["--store-on-disk"], "varied"))
        results.pop("_pair", None)
        for name, against in (
            ("ipgraph_serve", "oxigraph_server"),
            ("ipgraph_serve_no_cache", "oxigraph_server"),
            ("ipgraph_serve_pages", "oxigraph_server"),
            ("ipgraph_serve_varied", "oxigraph_server_varied"),
            ("ipgraph_serve_varied_store_on_disk", "oxigraph_server_varied"),
            *((f"ipgraph_serve_varied_{n}_workers", "oxigraph_server_varied") for n in args.also_workers),
        ):
            r, ref = results[name], results[against]
            assert isinstance(r, dict) and isinstance(ref, dict)
            r["ratio_to_oxigraph"] = round(float(r["throughput_rps"]) / float(ref["throughput_rps"]), 3)
        for name in ("ipgraph_serve_varied", "ipgraph_serve_varied_store_on_disk"):
            r, ref = results[name], results["oxigraph_server_memory_varied"]
            assert isinstance(r, dict) and isinstance(ref, dict)
            r["ratio_to_oxigraph_memory"] = round(float(r["throughput_rps"]) / float(ref["throughput_rps"]), 3)
        doc = {
            "benchmark": "bench_serve",
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "note": "other work on the machine moves these figures; compare within one run",
                "system": platform.system(),
            },
            "mix": {
                "catalog_queries": len(texts),
                "entities": len(iris),
                "requests": args.requests,
                "concurrency": args.concurrency,
                "note": "oxigraph_server, ipgraph_serve and ipgraph_serve_no_cache get the same SPARQL GET "
                "requests; ipgraph_serve_pages gets /queries/NAME and /id/... HTML pages; the *_varied runs get "
                "the same queries made each different (a numbered comment), so no cache can help. ipgraph's "
                "workers query an in-memory copy of the store unless run with --store-on-disk; "
                "oxigraph_server_* read the store on disk (serve-read-only), oxigraph_server_memory_* hold the "
                "same quads in memory (serve, loaded from the N-Quads dump)",
            },
            "paired_varied": {**paired_summary(paired), "error_kinds": pair_errors} if args.pairs else None,
            "target_ratio": 0.7,
            "target_ratio_varied": 1.0,
            "results": results,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(f"{'server':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'ratio':>6}")
        for name, r in results.items():
            assert isinstance(r, dict)
            print(
                f"{name:28} {r['throughput_rps']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} {r['errors']:>6} "
                f"{r.get('ratio_to_oxigraph', 1.0):>6}"
            )
        print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
        if args.pairs:
            for line in paired_lines(paired_summary(paired)):
                print(line)
        if pair_errors:
            print(f"errors in the paired rounds: {pair_errors}")
        failed = bool(pair_errors) or any(isinstance(r, dict) and r["errors"] for r in results.values())
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
