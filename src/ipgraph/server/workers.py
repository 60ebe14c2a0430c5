"""Query worker processes: every query runs in a child process that the server kills when it overruns.

pyoxigraph cannot interrupt a running query from Python, so a time limit needs a process boundary: the server
keeps a pool of workers (each with the store open read-only and a cap on its memory), hands a job to an idle one
through a pipe, and waits at most the time limit; a worker that has not answered by then is killed (SIGKILL) and
replaced, and the request gets a clear error. A worker that dies — killed, out of memory, or failing to start —
is replaced with growing back-off until one starts, so the pool never stays empty. Each worker first moves into
a network namespace of its own (root, or unprivileged user namespaces), so even a query that slipped past the
check could not open an outbound connection; only a separate federation pool, started when the operator allows
SERVICE endpoints, keeps the network, and it gets nothing but queries whose every endpoint is allowed.

>>> isolation_available() in (True, False)
True
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

#: A reply of a worker: ("ok", content type, body), ("err", HTTP status, message) or ("fed", None, None).
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


def limit_memory(limit: int) -> None:
    """Cap this process's data segment (heap and private mappings) at ``limit`` bytes (POSIX; best effort)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return
    for name in ("RLIMIT_DATA", "RLIMIT_AS"):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            _soft, hard = resource.getrlimit(which)
            cap = limit if name == "RLIMIT_DATA" else limit * 4 + 2 * 1024**3  # AS also counts mapped files
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            continue


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs: the build, its network wall, its limits, and what queries may reach."""

    build_dir: str
    isolate: bool = True
    max_result_bytes: int = 16 * 1024 * 1024
    memory_bytes: int = 0  # 0: no cap
    memory_store_quads: int = 0  # a store of at most this many quads is copied into memory (0: never)
    allowed_services: tuple[str, ...] = ()
    allowed_graphs: tuple[str, ...] = ()
    federation: bool = False  # a worker of the federation pool (runs allowed SERVICE queries)
    fail_marker: str = field(default="")  # tests: a file whose presence makes a starting worker fail


def _worker_main(conn: Connection, config: WorkerConfig) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    isolated = isolate_network() if config.isolate else False
    if config.memory_bytes:
        limit_memory(config.memory_bytes)
    from ipgraph.server.jobs import JobContext, run_job
    from ipgraph.store.sparqlcheck import preload

    preload()  # the parser a query's check may need, loaded now rather than under the first such query's clock

    try:
        if config.fail_marker and os.path.exists(config.fail_marker):
            raise RuntimeError("told to fail (test)")
        ctx = JobContext.open(Path(config.build_dir), config, isolated)
    except Exception as exc:  # reported to the parent, which retries
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
        except MemoryError:
            reply = ("err", 503, memory_message(config.memory_bytes))
        except Exception as exc:  # never a traceback to the client; one line to the operator's log
            print(f"ipgraph serve: worker error on {job[0]!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
            reply = ("err", 500, "internal error while running the query")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def memory_message(limit: int) -> str:
    """The answer to a query that ran out of memory."""
    shown = f" of {limit / 1024**2:,.0f} MB" if limit else ""
    return (
        f"the query needed more memory than the limit{shown} per query worker; it was stopped "
        "(narrow the query, or add a LIMIT that the engine can apply early)"
    )


class _Worker:
    def __init__(self, ctx: Any, config: WorkerConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, config), daemon=True)
        self.proc.start()
        child.close()
        self.isolated = False
        self.busy = False

    def wait_ready(self, timeout: float) -> None:
        try:
            if not self.conn.poll(timeout):
                raise RuntimeError("a query worker did not start in time")
            status, _what, extra = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError("a query worker stopped while starting") from None
        except RuntimeError:
            self.kill()
            raise
        if status != "ok":
            self.kill()
            raise RuntimeError(str(extra))
        self.isolated = bool(extra)

    def dead(self) -> bool:
        return self.proc.exitcode is not None

    def kill(self) -> None:
        try:
            if self.proc.exitcode is None:
                self.proc.kill()
            self.proc.join(5)
        finally:
            self.conn.close()


class PoolBusy(Exception):
    """No worker became free in time."""


class PoolDown(PoolBusy):
    """No worker is running and the replacements cannot start (the reason is the message): a request is
    answered at once instead of waiting for a worker that may not come."""


class WorkerPool:
    """A fixed number of worker processes.

    :meth:`run` is blocking (start-up and tests, before the event loop serves); :meth:`arun` is the server's
    path: it waits on the workers' pipes from the event loop, with no thread per request.
    """

    def __init__(self, config: WorkerConfig, size: int = 2, start_timeout: float = 60.0) -> None:
        self.config = config
        self.size = max(1, size)
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")
        self._idle: collections.deque[_Worker] = collections.deque()
        self._all: set[_Worker] = set()
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.killed = 0
        self.restarts = 0
        self.starting = 0
        self.closed = False
        self.failing: str | None = None  # why the last replacement could not start; None once one has

    # ---- life cycle ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start every worker and wait until each has the store open (raises when the first cannot start)."""
        workers = [_Worker(self._ctx, self.config) for _ in range(self.size)]
        try:
            for w in workers:
                w.wait_ready(self.start_timeout)
        except RuntimeError:
            for w in workers:
                w.kill()
            raise
        for w in workers:
            self._all.add(w)
            self._idle.append(w)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve :meth:`arun` from this event loop; a worker's death is noticed there as it happens."""
        self._loop = loop
        for w in list(self._all):
            self._watch(w)

    def _watch(self, w: _Worker) -> None:
        if self._loop is None:
            return
        try:
            self._loop.add_reader(w.proc.sentinel, self._on_death, w)
        except (ValueError, OSError):
            self._on_death(w)

    def _on_death(self, w: _Worker) -> None:
        assert self._loop is not None
        self._loop.remove_reader(w.proc.sentinel)
        if w in self._all and not w.busy:  # a busy one is handled by the request that waits on it
            self._lost(w)

    @property
    def isolated(self) -> bool:
        """True when every worker runs without network."""
        return bool(self._all) and all(w.isolated for w in self._all)

    def alive(self) -> int:
        """How many workers are running."""
        with self._lock:
            return sum(1 for w in self._all if not w.dead())

    def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            if self._loop is not None and not self._loop.is_closed():
                with contextlib.suppress(ValueError, OSError, RuntimeError):
                    self._loop.remove_reader(w.proc.sentinel)
            w.kill()

    # ---- replacing workers -----------------------------------------------------------------------
    def _lost(self, w: _Worker) -> None:
        """Forget a worker (dead, killed or unusable) and start its replacement in the background."""
        with self._lock:
            if w not in self._all:
                return
            self._all.discard(w)
            self.starting += 1
        with contextlib.suppress(ValueError):
            self._idle.remove(w)
        if self._loop is not None:
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_reader(w.proc.sentinel)
        threading.Thread(target=self._replace, args=(w,), daemon=True).start()

    def _replace(self, w: _Worker) -> None:
        w.kill()
        delay = 0.25
        try:
            while not self.closed:
                fresh = _Worker(self._ctx, self.config)
                try:
                    fresh.wait_ready(self.start_timeout)
                except RuntimeError as exc:
                    print(f"ipgraph serve: cannot start a query worker ({exc}); retry in {delay:g} s", file=sys.stderr)
                    self.failing = str(exc)
                    self._wake_waiters()
                    time.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                self.restarts += 1
                if self._loop is not None and not self._loop.is_closed():
                    try:
                        self._loop.call_soon_threadsafe(self._adopt, fresh)
                    except RuntimeError:
                        fresh.kill()
                else:
                    self._adopt(fresh)
                return
        finally:
            with self._lock:
                self.starting -= 1

    def _wake_waiters(self) -> None:
        """Let every queued request look at the pool again (from any thread)."""
        if self._loop is None or self._loop.is_closed():
            return

        def wake() -> None:
            while self._waiters:
                fut = self._waiters.popleft()
                if not fut.done():
                    fut.set_result(None)

        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(wake)

    def _down(self) -> str | None:
        """Why no request can be served now: no worker runs and the last replacement failed to start."""
        with self._lock:
            if self.failing is None or any(not w.dead() for w in self._all):
                return None
        return self.failing

    def _adopt(self, w: _Worker) -> None:
        self.failing = None
        if self.closed:
            w.kill()
            return
        with self._lock:
            self._all.add(w)
        self._watch(w)
        self._release(w)

    def _release(self, w: _Worker) -> None:
        w.busy = False
        self._idle.append(w)
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                break

    # ---- running jobs ----------------------------------------------------------------------------
    def run(self, job: tuple[Any, ...], time_limit: float, queue_wait: float | None = None) -> Reply:
        """Run a job in an idle worker, blocking (start-up and tests only: not while :meth:`arun` serves)."""
        end = time.monotonic() + (queue_wait if queue_wait is not None else time_limit)
        while True:
            while self._idle and self._idle[0].dead():
                self._lost(self._idle[0])
            if self._idle:
                break
            if time.monotonic() > end:
                raise PoolBusy
            time.sleep(0.05)
        w = self._idle.popleft()
        w.busy = True
        try:
            w.conn.send(job)
            if w.conn.poll(time_limit):
                reply: Reply = w.conn.recv()
                self._release(w)
                return reply
        except (EOFError, OSError):
            self._lost(w)
            return ("err", 500, "the query worker stopped unexpectedly (it was restarted)")
        self.killed += 1
        self._lost(w)
        return ("err", 503, f"query time limit exceeded ({time_limit:g} s); the query was stopped")

    async def _acquire(self, deadline: float) -> _Worker:
        loop = asyncio.get_running_loop()
        while True:
            while self._idle:
                w = self._idle.popleft()
                if w.dead():  # died while idle: never hand it a request
                    self._lost(w)
                    continue
                w.busy = True
                return w
            reason = self._down()
            if reason is not None:
                raise PoolDown(reason)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise PoolBusy
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                raise PoolBusy from None
            finally:
                if not fut.done():
                    fut.cancel()

    async def arun(self, job: tuple[Any, ...], time_limit: float, queue_wait: float) -> Reply:
        """Run a job from the event loop; a dead idle worker is replaced and the job goes to another one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + queue_wait
        for _attempt in range(self.size + 2):
            w = await self._acquire(deadline)
            try:
                w.conn.send(job)
            except (OSError, ValueError):  # it died before reading the job: the job never ran, try another
                self._lost(w)
                continue
            return await self._reply(w, time_limit)
        return ("err", 503, "no query worker could take the query; try again")

    async def _reply(self, w: _Worker, time_limit: float) -> Reply:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = w.conn.fileno()

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(fd, readable)
        started = loop.time()
        try:
            await asyncio.wait_for(ready, time_limit)
        except TimeoutError:
            self.killed += 1
            self._lost(w)
            return (
                "err",
                503,
                f"query time limit exceeded ({loop.time() - started:.1f} s > {time_limit:g} s); the query was stopped",
            )
        except asyncio.CancelledError:  # the client went away: the worker's answer cannot be matched any more
            self._lost(w)
            raise
        finally:
            loop.remove_reader(fd)
        try:
            reply: Reply = w.conn.recv()
        except (EOFError, OSError):
            for _ in range(50):  # its exit status tells what happened
                if w.dead():
                    break
                await asyncio.sleep(0.01)
            code = w.proc.exitcode
            self._lost(w)
            return crash_reply(code, self.config.memory_bytes)
        self._release(w)
        return reply


def crash_reply(code: int | None, memory_bytes: int) -> Reply:
    """The answer to a query whose worker died under it, by the worker's exit status."""
    if code in (-signal.SIGABRT, -signal.SIGKILL) or code == 134:
        return ("err", 503, memory_message(memory_bytes))
    if code in (-signal.SIGSEGV, -signal.SIGBUS):
        return ("err", 400, "the query is too complex for the query engine (it crashed its worker, now restarted)")
    return ("err", 500, "the query worker stopped unexpectedly (it was restarted)")


#: What a quad costs in an in-memory store, with room to spare (about 280 bytes measured on ipgraph's builds).
MEMORY_STORE_BYTES_PER_QUAD = 512


def memory_store_quads(memory_bytes: int) -> int:
    """The largest store a worker copies into memory: one that fills at most a quarter of its memory cap
    (with no cap, as if it were 4 GB).

    >>> memory_store_quads(1024**3)
    524288
    """
    return (memory_bytes or 4 * 1024**3) // 4 // MEMORY_STORE_BYTES_PER_QUAD


def default_size() -> int:
    """One worker per CPU core (at least 2, so one slow query never blocks everything)."""
    return max(2, os.cpu_count() or 2)
