"""Push a build to Oxigraph server and run the whole catalog there: time, memory, and each query against the
embedded store.

Run from the project root (after ``make setup``), on a build made by ``ipgraph build`` (e.g. the 1,000-report
build of ``bench_build.py --keep DIR``)::

    python benchmarks/bench_push.py DIR

It starts Oxigraph server (the ``oxigraph`` dev dependency) on a temporary store bound to 127.0.0.1, runs
``ipgraph push --build DIR --endpoint …/store`` as a process (wall time, peak memory from ``wait4``), then every
catalog query with its default parameters twice — on the server (``ipgraph.store.remote.remote_query``) and on the
build's embedded store (in a worker process) — and records each query's time and whether the answers have the same
number of rows. Each query has ``--query-timeout`` seconds on either side (the server is started with that limit;
the worker is replaced when it runs over): a query over it is recorded as timed out, and the run goes on. Progress
is printed query by query. Results: ``benchmarks/results/push.json``.
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


_WORKER = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
from bench_push import rows_of
from ipgraph import resources
from ipgraph.query.ask import bind
from ipgraph.query.catalog import load_catalog
from ipgraph.store.embedded import open_store, run_query
store, catalog = open_store(sys.argv[1]), load_catalog([resources.queries_dir()])
print("ready", flush=True)
for line in sys.stdin:
    q = catalog[line.strip()]
    bindings = bind({p.name: (p.type, p.default) for p in q.params}, {}, catalog=True)
    t = time.perf_counter()
    result = run_query(store, q.text, bindings)
    seconds = time.perf_counter() - t
    rows = rows_of(result)
    print(json.dumps([seconds, rows]), flush=True)
"""


class LocalWorker:
    """Catalog queries on a build's embedded store, in a worker process that is replaced when a query runs over
    its time (a thread could not be stopped)."""

    def __init__(self, build: Path, limit: float):
        self.build, self.limit = build, limit
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(self.build), str(HERE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # "ready": the store is open
        return proc

    def run(self, name: str) -> tuple[float | None, int | None]:
        """(seconds, rows) of one query, or (None, None) when it ran over the limit."""
        import selectors

        if self.proc is None:
            self.proc = self._start()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=self.limit):
                self.close()
                return None, None
        seconds, rows = json.loads(self.proc.stdout.readline())
        return float(seconds), int(rows)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("build", type=Path, help="a build folder (ipgraph build --out DIR)")
    p.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a push request may take (default: %(default)s)"
    )
    p.add_argument(
        "--query-timeout", type=float, default=60.0, help="seconds a catalog query may take (default: %(default)s)"
    )
    args = p.parse_args(argv)
    from ipgraph import resources
    from ipgraph.query.catalog import load_catalog
    from ipgraph.store.remote import RemoteError, remote_query

    manifest = json.loads((args.build / "manifest.json").read_text(encoding="utf-8"))
    triples = sum(manifest["graphs"].values())
    tmp = Path(tempfile.mkdtemp(prefix="ipgraph-bench-push-"))
    port = free_port()
    server = subprocess.Popen(
        [
            str(suite.BIN / "oxigraph"),
            "serve",
            "--location",
            str(tmp / "store"),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(max(1, round(args.query_timeout))),
        ],
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
        local = LocalWorker(args.build, args.query_timeout)
        queries: list[dict[str, Any]] = []
        catalog = load_catalog([resources.queries_dir()])
        for name, q in catalog.items():
            if any(p.default is None and p.type != "report" for p in q.params):
                continue  # a parameter without a default: no canonical question to ask
            from ipgraph.query.ask import bind

            bindings = bind({p.name: (p.type, p.default) for p in q.params}, {}, catalog=True)
            t = time.perf_counter()
            try:
                there: int | None = rows_of(
                    remote_query(f"{base}/query", q.text, bindings, timeout=args.query_timeout + 30)  # type: ignore[arg-type]
                )
                remote_s: float | None = time.perf_counter() - t
                remote_error = None
            except RemoteError as exc:  # over the server's time limit (or the client's), or refused
                there, remote_s, remote_error = None, None, exc.message[:300]
            local_s, here = local.run(name)
            queries.append(
                {
                    "query": name,
                    "remote_s": remote_s,
                    "local_s": local_s,
                    "remote_error": remote_error,
                    "rows": here,
                    "same_rows": there == here and here is not None,
                }
            )
            shown = [f"{x:.2f} s" if x is not None else "no answer" for x in (remote_s, local_s)]
            print(f"  {name:<55} server {shown[0]:>10}, embedded {shown[1]:>10}", flush=True)
        local.close()
        done = [q for q in queries if q["remote_s"] is not None and q["local_s"] is not None]
        remote_total = sum(q["remote_s"] for q in done)
        local_total = sum(q["local_s"] for q in done)
        different = [q["query"] for q in done if not q["same_rows"]]
        timed_out = {  # or, on the server, refused: its message is in per_query
            "server": [q["query"] for q in queries if q["remote_s"] is None],
            "embedded": [q["query"] for q in queries if q["local_s"] is None],
        }
        doc = {
            "build": str(args.build),
            "reports": len(manifest["reports"]),
            "triples": triples,
            "push_seconds": push.seconds,
            "push_peak_mb": push.peak_mb,
            "queries": len(queries),
            "query_timeout": args.query_timeout,
            "timed_out": timed_out,
            "remote_seconds": remote_total,
            "local_seconds": local_total,
            "different_answers": different,
            "per_query": queries,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(
            f"catalog: {len(queries)} queries; the {len(done)} that finished on both sides took "
            f"{remote_total:.1f} s on Oxigraph server, {local_total:.1f} s embedded; answers of a different size: "
            f"{len(different)} {different[:5]}; over {args.query_timeout:g} s: server {timed_out['server']}, "
            f"embedded {timed_out['embedded']}"
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
