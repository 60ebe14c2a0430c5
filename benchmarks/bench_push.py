"""Push a build to Oxigraph server and run the whole catalog there: time, memory, and each query against the
embedded store.

Run from the project root (after ``make setup``), on a build made by ``ipgraph build`` (e.g. the 1,000-report
build of ``bench_build.py --keep DIR``)::

    python benchmarks/bench_push.py DIR

It starts Oxigraph server (the ``oxigraph`` dev dependency) on a temporary store bound to 127.0.0.1, runs
``ipgraph push --build DIR --endpoint …/store`` as a process (wall time, peak memory from ``wait4``), then every
catalog query with its default parameters twice — on the server (``ipgraph.store.remote.remote_query``) and on the
build's embedded store — and records each query's time and whether the answers have the same number of rows.
Results: ``benchmarks/results/push.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as suite  # noqa: E402 (the suite's child-process runner)

RESULTS = HERE / "results" / "push.json"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    """Wait until the server accepts connections (or fail if it died)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("Oxigraph server stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("Oxigraph server did not start")


def rows_of(result: Any) -> int:
    """The size of an answer: rows, a boolean as 1/0, or triples."""
    from ipgraph.store.embedded import SelectResult

    if isinstance(result, SelectResult):
        return len(result.rows)
    if isinstance(result, bool):
        return int(result)
    return len(list(result))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("build", type=Path, help="a build folder (ipgraph build --out DIR)")
    p.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="seconds a query, or a push request, may take (default: %(default)s)",
    )
    args = p.parse_args(argv)
    from ipgraph import resources
    from ipgraph.query.catalog import load_catalog
    from ipgraph.store.embedded import open_store, run_query
    from ipgraph.store.remote import remote_query

    manifest = json.loads((args.build / "manifest.json").read_text(encoding="utf-8"))
    triples = sum(manifest["graphs"].values())
    tmp = Path(tempfile.mkdtemp(prefix="ipgraph-bench-push-"))
    port = free_port()
    server = subprocess.Popen(
        [str(suite.BIN / "oxigraph"), "serve", "--location", str(tmp / "store"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, server)
        base = f"http://127.0.0.1:{port}"
        push = suite.run_child(
            suite.ipgraph(
                "push", "--build", str(args.build), "--endpoint", f"{base}/store", "--timeout", str(args.timeout)
            )
        )
        if push.code != 0:
            raise RuntimeError(f"push failed ({push.code}): {push.output[-2000:]}")
        print(f"pushed {triples:,} triples in {push.seconds:.1f} s, peak {push.peak_mb:.0f} MB", flush=True)
        local = open_store(str(args.build))
        queries: list[dict[str, Any]] = []
        for name, q in load_catalog([resources.queries_dir()]).items():
            if any(p.default is None and p.type != "report" for p in q.params):
                continue  # a parameter without a default: no canonical question to ask
            from ipgraph.query.ask import bind

            bindings = bind({p.name: (p.type, p.default) for p in q.params}, {}, catalog=True)
            t = time.perf_counter()
            there = remote_query(f"{base}/query", q.text, bindings, timeout=args.timeout)  # type: ignore[arg-type]
            remote_s = time.perf_counter() - t
            t = time.perf_counter()
            here = run_query(local, q.text, bindings)  # type: ignore[arg-type]
            local_s = time.perf_counter() - t
            same = rows_of(there) == rows_of(here)
            queries.append({"query": name, "remote_s": remote_s, "local_s": local_s, "same_rows": same})
        remote_total = sum(q["remote_s"] for q in queries)
        local_total = sum(q["local_s"] for q in queries)
        different = [q["query"] for q in queries if not q["same_rows"]]
        doc = {
            "build": str(args.build),
            "reports": len(manifest["reports"]),
            "triples": triples,
            "push_seconds": push.seconds,
            "push_peak_mb": push.peak_mb,
            "queries": len(queries),
            "remote_seconds": remote_total,
            "local_seconds": local_total,
            "different_answers": different,
            "per_query": queries,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(
            f"catalog: {len(queries)} queries, on Oxigraph server {remote_total:.1f} s, embedded {local_total:.1f} s; "
            f"answers of a different size: {len(different)} {different[:5]}"
        )
        print(f"results: {RESULTS}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
