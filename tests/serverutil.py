"""Start and stop servers for the tests (ipgraph serve, Oxigraph server, Virtuoso) on free loopback ports."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@dataclass
class Served:
    """A running ``ipgraph serve``."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def get(self, path: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        return self.request("GET", path, headers={"Accept": accept} if accept else {})

    def sparql(self, query: str, accept: str = "application/sparql-results+json") -> tuple[int, dict[str, str], bytes]:
        return self.request(
            "POST",
            "/sparql",
            body=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )


@contextmanager
def ipgraph_serve(build: Path, tmp: Path, *args: str) -> Iterator[Served]:
    """``ipgraph serve`` on a port it picks; the port is read off its start-up line."""
    log = tmp / f"serve-{time.monotonic_ns()}.log"
    root = Path(__file__).resolve().parents[1]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "ipgraph"), "serve", "--build", str(build), "--port", "0", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=root,
        )
    try:
        end = time.monotonic() + 120
        port = None
        while time.monotonic() < end and port is None:
            m = re.search(r"http://[^ ]+:(\d+)/", log.read_text(encoding="utf-8", errors="replace"))
            if m:
                port = int(m.group(1))
                break
            if proc.poll() is not None:
                raise RuntimeError("ipgraph serve exited: " + log.read_text(encoding="utf-8", errors="replace"))
            time.sleep(0.1)
        if port is None:
            raise RuntimeError("ipgraph serve did not start: " + log.read_text(encoding="utf-8", errors="replace"))
        wait_port(port, proc)
        yield Served(proc, port, log)
    finally:
        stop(proc)


@contextmanager
def oxigraph_server(tmp: Path) -> Iterator[str]:
    """Oxigraph's own server (read-write, persistent in ``tmp``); yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve", "--location", str(tmp / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@contextmanager
def virtuoso_server(tmp: Path) -> Iterator[str]:
    """Virtuoso 7 (Debian ``virtuoso-opensource``) on loopback, a fresh database (user dba, password dba)."""
    exe = virtuoso_binary()
    assert exe is not None
    vdir = tmp / "virtuoso"
    vdir.mkdir()
    sql_port, http_port = free_port(), free_port()
    vsp = "/var/lib/virtuoso-opensource-7/vsp"
    if not os.path.isdir(vsp):
        (vdir / "vsp").mkdir()
        vsp = str(vdir / "vsp")
    ini = vdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=vdir, sql_port=sql_port, http_port=http_port, vsp=vsp), encoding="utf-8")
    proc = subprocess.Popen(
        [exe, "+configfile", str(ini), "+foreground"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=vdir,
    )
    try:
        wait_port(http_port, proc, timeout=120)
        base = f"http://127.0.0.1:{http_port}"
        end = time.monotonic() + 60
        while time.monotonic() < end:  # the HTTP port opens before SPARQL is ready
            try:
                conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        yield base
    finally:
        stop(proc)
