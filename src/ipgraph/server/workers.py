"""Query worker processes: every query runs in a child process that the server kills when it overruns.

pyoxigraph cannot interrupt a running query from Python, so a time limit needs a process boundary: the server
keeps a pool of workers (each with the store open read-only), hands a job to an idle one through a pipe, and
waits at most the time limit; a worker that has not answered by then is killed (SIGKILL) and replaced, and the
request gets a clear error. Each worker first moves into a network namespace of its own (root, or unprivileged
user namespaces), so even a query that slipped past the screen could not open an outbound connection.

>>> isolation_available() in (True, False)
True
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

#: A reply of a worker: ("ok", content type, body) or ("err", HTTP status, message).
Reply = tuple[str, Any, Any]


def _unshare(flags: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(flags) == 0)
    except (OSError, AttributeError):
        return False


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace; True when that worked (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    return _unshare(CLONE_NEWNET) or _unshare(CLONE_NEWUSER | CLONE_NEWNET)


def _probe(conn: Connection) -> None:
    conn.send(isolate_network())
    conn.close()


_ISOLATION: bool | None = None


def isolation_available() -> bool:
    """Whether a child process can be cut off from the network here (probed once, in a throwaway process)."""
    global _ISOLATION
    if _ISOLATION is None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_probe, args=(child,), daemon=True)
        p.start()
        child.close()
        _ISOLATION = bool(parent.recv()) if parent.poll(30) else False
        p.join(5)
    return _ISOLATION


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs: the build directory, whether to cut it off the network, and limits."""

    build_dir: str
    isolate: bool = True
    max_result_bytes: int = 16 * 1024 * 1024


def _worker_main(conn: Connection, config: WorkerConfig) -> None:
    isolated = isolate_network() if config.isolate else False
    from ipgraph.server.jobs import JobContext, run_job

    try:
        ctx = JobContext.open(Path(config.build_dir), config.max_result_bytes, isolated)
    except Exception as exc:  # reported to the parent, which refuses to start
        conn.send(("err", 500, f"worker cannot open the store: {exc}"))
        return
    conn.send(("ok", "ready", isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply = run_job(ctx, job)
        except Exception as exc:  # never a traceback to the client; one line to the operator's log
            print(f"ipgraph serve: worker error on {job[0]!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
            reply = ("err", 500, "internal error while running the query")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx: Any, config: WorkerConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, config), daemon=True)
        self.proc.start()
        child.close()
        self.isolated = False

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("a query worker did not start in time")
        status, _what, extra = self.conn.recv()
        if status != "ok":
            self.kill()
            raise RuntimeError(str(extra))
        self.isolated = bool(extra)

    def kill(self) -> None:
        try:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(5)
        finally:
            self.conn.close()


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerPool:
    """A fixed number of worker processes; :meth:`run` is blocking and thread-safe."""

    def __init__(self, config: WorkerConfig, size: int = 2, start_timeout: float = 60.0) -> None:
        self.config = config
        self.size = max(1, size)
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0
        self.closed = False

    def start(self) -> None:
        """Start every worker and wait until each has the store open."""
        workers = [_Worker(self._ctx, self.config) for _ in range(self.size)]
        for w in workers:
            w.wait_ready(self.start_timeout)
            self._all.add(w)
            self._idle.put(w)

    @property
    def isolated(self) -> bool:
        """True when every worker runs without network."""
        return bool(self._all) and all(w.isolated for w in self._all)

    def _replace(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()
        if self.closed:
            return
        fresh = _Worker(self._ctx, self.config)
        fresh.wait_ready(self.start_timeout)
        with self._lock:
            self._all.add(fresh)
        self._idle.put(fresh)

    def run(self, job: tuple[Any, ...], time_limit: float, queue_wait: float | None = None) -> Reply:
        """Run a job in a worker; kill the worker and answer an error after ``time_limit`` seconds."""
        try:
            w = self._idle.get(timeout=queue_wait if queue_wait is not None else time_limit)
        except queue.Empty:
            raise PoolBusy from None
        started = time.monotonic()
        try:
            w.conn.send(job)
            if w.conn.poll(time_limit):
                reply: Reply = w.conn.recv()
                self._idle.put(w)
                return reply
        except (EOFError, OSError):
            self._replace_async(w)
            return ("err", 500, "the query worker stopped unexpectedly (it was restarted)")
        self.killed += 1
        self._replace_async(w)
        spent = time.monotonic() - started
        return (
            "err",
            503,
            f"query time limit exceeded ({spent:.1f} s > {time_limit:g} s); the query was stopped",
        )

    def _replace_async(self, w: _Worker) -> None:
        def go() -> None:
            try:
                self._replace(w)
            except Exception as exc:
                print(f"ipgraph serve: cannot restart a worker: {exc}", file=sys.stderr)

        threading.Thread(target=go, daemon=True).start()

    def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


def default_size() -> int:
    """One worker per CPU core (at least 2, so one slow query never blocks everything)."""
    return max(2, os.cpu_count() or 2)
