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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, help="a built graph (default: build one into a temporary folder)")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--entities", type=int, default=100, help="entities in the mix")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "serve.json")
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
        port = free_port()
        ox_proc = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve-read-only", "--location", str(tmp / "oxstore"), "--bind",
             f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_port(port, ox_proc)
            results["oxigraph_server"] = run_load(port, sparql_mix("/query"), args.requests, args.concurrency)
            results["oxigraph_server_varied"] = run_load(
                port, varied_mix("/query", "v"), args.requests, args.concurrency, warmup=sparql_mix("/query")
            )
        finally:
            ox_proc.terminate()
            ox_proc.wait(10)

        def ipgraph_run(name: str, extra: list[str], mix_of: str) -> None:
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

        ipgraph_run("ipgraph_serve", [], "sparql")
        ipgraph_run("ipgraph_serve_no_cache", ["--cache-size", "1"], "sparql")
        ipgraph_run("ipgraph_serve_pages", [], "pages")
        ipgraph_run("ipgraph_serve_varied", [], "varied")
        for n in args.also_workers:
            ipgraph_run(f"ipgraph_serve_varied_{n}_workers", ["--workers", str(n)], "varied")
        for name, against in (
            ("ipgraph_serve", "oxigraph_server"),
            ("ipgraph_serve_no_cache", "oxigraph_server"),
            ("ipgraph_serve_pages", "oxigraph_server"),
            ("ipgraph_serve_varied", "oxigraph_server_varied"),
            *((f"ipgraph_serve_varied_{n}_workers", "oxigraph_server_varied") for n in args.also_workers),
        ):
            r, ref = results[name], results[against]
            assert isinstance(r, dict) and isinstance(ref, dict)
            r["ratio_to_oxigraph"] = round(float(r["throughput_rps"]) / float(ref["throughput_rps"]), 3)
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
                "the same queries made each different (a numbered comment), so no cache can help",
            },
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
        failed = any(isinstance(r, dict) and r["errors"] for r in results.values())
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
