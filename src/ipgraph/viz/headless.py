"""A small headless-Chromium driver over the DevTools protocol, through a pipe (no port, no extra package).

Chromium is started with ``--remote-debugging-pipe``: it reads protocol messages from file descriptor 3 and
writes replies and events to descriptor 4, each message JSON ended by a NUL byte. One page, one session
(``Target.attachToTarget`` with ``flatten``). Used for screenshots (``ipgraph viz … --screenshot``), the PNG
charts, the browser tests and the benchmark.

Chromium runs with a fresh profile in a temporary folder, no background networking, no component
updates, no sync,
no QUIC, and every host name resolving to nothing: a page that tried to reach the network would fail at
once (and the requests it tried are recorded in :attr:`Page.requests`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from ipgraph.errors import IpgraphError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--metrics-recording-only",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
)


class BrowserError(IpgraphError):
    """Chromium is missing, did not start, or a protocol call failed."""


def find_chromium() -> str | None:
    """The Chromium executable: ``$IPGRAPH_CHROMIUM``, else the first of the usual names on the PATH."""
    env = os.environ.get("IPGRAPH_CHROMIUM")
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    """The one page of a :class:`Browser`: what it logged, the exceptions it threw, the requests it made."""

    browser: Browser
    session: str
    console: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """Send a protocol command to the page and wait for its result."""
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def goto(self, url: str, timeout: float = 30.0) -> None:
        """Navigate and wait for the load event."""
        self.browser.events.clear()
        self.send("Page.navigate", {"url": url}, timeout=timeout)
        self.browser.wait_event("Page.loadEventFired", self.session, timeout)

    def evaluate(self, expression: str, timeout: float = 30.0, await_promise: bool = False) -> Any:
        """The JSON value of a JavaScript expression (an exception becomes a :class:`BrowserError`)."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
            timeout=timeout,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script error: {text}")
        return reply.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0, interval: float = 0.02) -> Any:
        """Evaluate until the expression is truthy; return its value."""
        end = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > end:
                raise BrowserError(f"timed out waiting for: {expression}")
            time.sleep(interval)

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        """Save a PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
            params["captureBeyondViewport"] = True
        shot = self.send("Page.captureScreenshot", params)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def set_viewport(self, width: int, height: int, scale: float = 1.0) -> None:
        """Set the page's size in CSS pixels."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
        )

    def _on_event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console.append({"type": params.get("type"), "text": text})
        elif method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            self.errors.append(str(d.get("exception", {}).get("description") or d.get("text")))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                self.errors.append(f"{entry.get('source')}: {entry.get('text')}")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url", ""))


class Browser:
    """Headless Chromium with one page; use as a context manager.

    ``loopback=True`` lets the page reach this machine's own servers (``127.0.0.1``, ``localhost``: the tests
    of ``ipgraph serve``); every other host still resolves to nothing.

    Raises:
        BrowserError: Chromium is not installed or does not start.
    """

    def __init__(
        self, executable: str | None = None, width: int = 1400, height: int = 900, *, loopback: bool = False
    ) -> None:
        exe = executable or find_chromium()
        if not exe:
            raise BrowserError(
                "Chromium not found: install it (Debian: apt-get install chromium) or set IPGRAPH_CHROMIUM"
            )
        self.profile = tempfile.mkdtemp(prefix="ipgraph-chromium-")
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self._buffer = b""
        self._pages: dict[str, Page] = {}
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def child_fds() -> None:  # in the child: the pipe ends become descriptors 3 and 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        flags = [f"{f}, EXCLUDE 127.0.0.1, EXCLUDE localhost" if loopback and "resolver" in f else f for f in FLAGS]
        args = [exe, *flags, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        try:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=child_fds,  # the pipe protocol needs descriptors 3 and 4
                close_fds=False,  # every other descriptor of this process is close-on-exec (PEP 446)
            )
        except OSError as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError(f"cannot start Chromium ({exe}): {exc.strerror}") from None
        finally:
            os.close(to_chrome_r)
            os.close(from_chrome_w)
        try:
            self.page = self._open_page(width, height)
        except BrowserError:
            self.close()
            raise

    def _open_page(self, width: int, height: int) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        self._pages[session] = page
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.set_viewport(width, height)
        return page

    # -------------------------------------------------------------------------------------------- protocol
    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """Send a command and wait for its reply; events that arrive meanwhile are kept."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._to_chrome, data) :]
        except OSError as exc:
            raise BrowserError(f"Chromium is gone ({exc.strerror})") from None
        wanted = self._next_id
        reply = self._read_until(lambda m: m.get("id") == wanted, timeout, method)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait_event(self, method: str, session: str | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """Wait for an event (one already received counts)."""
        for i, m in enumerate(self.events):
            if m.get("method") == method and (session is None or m.get("sessionId") == session):
                del self.events[i]
                return m
        return self._read_until(
            lambda m: m.get("method") == method and (session is None or m.get("sessionId") == session),
            timeout,
            method,
        )

    def _read_until(self, match: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> dict[str, Any]:
        import select

        end = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    page = self._pages.get(message.get("sessionId", ""))
                    if page is not None:
                        page._on_event(message)
                    self.events.append(message)
                    del self.events[:-500]
                if match(message):
                    if "method" in message:
                        self.events.remove(message)
                    return dict(message)
            left = end - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer {what} within {timeout:.0f} s")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium closed the connection while waiting for {what}")
                self._buffer += chunk

    # ------------------------------------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Stop Chromium (politely, then firmly) and remove its profile."""
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(BrowserError):
                    self.send("Browser.close", timeout=5)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=5)
        finally:
            for fd in (self._to_chrome, self._from_chrome):
                with contextlib.suppress(OSError):
                    os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def screenshot_page(page_file: Path, png: Path, width: int = 1400, height: int = 900) -> None:
    """Open a local HTML file in headless Chromium, wait for the graph (if any) to draw, and save a PNG."""
    with Browser(width=width, height=height) as b:
        b.page.goto(page_file.resolve().as_uri())
        has_graph = b.page.evaluate("!!document.getElementById('graph')")
        if has_graph:
            b.page.wait_for("window.ipgraphViz && window.ipgraphViz.stats.firstDraw !== null")
        b.page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", await_promise=True)
        b.page.screenshot(png, full_page=not has_graph)


def svg_to_png(svg_file: Path, png: Path, width: int, height: int, scale: float = 2.0) -> None:
    """Render an SVG file to a PNG of the given CSS size (``scale`` device pixels per CSS pixel)."""
    with Browser(width=width, height=height) as b:
        b.page.set_viewport(width, height, scale)
        b.page.goto(svg_file.resolve().as_uri())
        b.page.screenshot(png)
