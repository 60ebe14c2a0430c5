"""``ipgraph viz`` pages in headless Chromium: load, first draw and frame time of every view and of a
synthetic 3,000-node graph.

Run from the project root after ``ipgraph build``::

    python benchmarks/bench_viz.py [--runs 3] [--build build]

Baseline: the same page machinery with an empty graph, loaded in the same browser in the same run; every
figure
is printed with its ratio to the baseline and to its target (every view drawn ≤ 1,000 ms after navigation
starts; the 3,000-node graph ≤ 50 ms a frame while panning and zooming). Frame time is measured two ways
over 90
animation frames of programmatic pan + zoom: the time vis-network spends drawing a frame (``beforeDrawing`` →
``afterDrawing``) and the interval between animation frames. Results are written to
benchmarks/results/viz.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIRST_DRAW_TARGET_MS = 1000.0
FRAME_TARGET_MS = 50.0

_FRAMES_JS = """new Promise(resolve => {
  const v = window.ipgraphViz, net = v.network, s = v.stats;
  s.drawTimes.length = 0;
  const c = net.getViewPosition(), sc = net.getScale();
  const intervals = [];
  let last = null, i = 0;
  function step(t) {
    if (last !== null) intervals.push(t - last);
    last = t;
    i += 1;
    net.moveTo({position: {x: c.x + 220 * Math.sin(i / 9), y: c.y + 160 * Math.cos(i / 13)},
                scale: sc * (1 + 0.35 * Math.sin(i / 7))});
    if (i < 91) requestAnimationFrame(step);
    else requestAnimationFrame(() => resolve({intervals: intervals, draws: s.drawTimes.slice()}));
  }
  requestAnimationFrame(step);
})"""


_RECORD_JS = """(() => {
  const s = window.ipgraphViz.stats;
  s.drawTimes.length = 0;
  const rec = {intervals: [], last: null, on: true};
  function step(t) {
    if (rec.last !== null) rec.intervals.push(t - rec.last);
    rec.last = t;
    if (rec.on) requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
  window.__rec = rec;
})()"""


def drag(page: Any, steps: int = 45) -> dict[str, list[float]]:
    """Drag the drawing with the mouse (real input events) and record frames meanwhile."""
    page.evaluate(_RECORD_JS)
    box = page.evaluate(
        "(() => { const r = document.getElementById('graph').getBoundingClientRect(); "
        "return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    )
    x, y = box
    page.send(
        "Input.dispatchMouseEvent",
        {"type": "mousePressed", "x": x, "y": y, "button": "left", "clickCount": 1},
    )
    for i in range(1, steps + 1):
        dx, dy = 300 * math.sin(i / 8), 200 * math.sin(i / 11)
        page.send(
            "Input.dispatchMouseEvent",
            {"type": "mouseMoved", "x": x + dx, "y": y + dy, "button": "left", "buttons": 1},
        )
        time.sleep(0.016)
    page.send(
        "Input.dispatchMouseEvent",
        {"type": "mouseReleased", "x": x, "y": y, "button": "left", "clickCount": 1},
    )
    return page.evaluate(
        "(() => { window.__rec.on = false; return {intervals: window.__rec.intervals, "
        "draws: window.ipgraphViz.stats.drawTimes.slice()}; })()"
    )


def synthetic_view(n: int = 3000, seed: int = 1):  # type: ignore[no-untyped-def]
    """A random geometric graph of ``n`` nodes (about two edges a node), positions given, eight kinds."""
    import random

    import networkx as nx

    from ipgraph.viz.kinds import KINDS
    from ipgraph.viz.model import Edge, Node, View

    g = nx.random_geometric_graph(n, 0.021, seed=seed)
    rng = random.Random(seed)
    kinds = ["category", "charge", "right", "procuratorate", "place", "case", "product", "figure"]
    view = View("synthetic", f"Synthetic graph of {n:,} nodes", "random geometric graph", layout="given")
    for i, (x, y) in nx.get_node_attributes(g, "pos").items():
        view.add_node(
            Node(
                str(i),
                f"node {i}",
                f"节点 {i}",
                rng.choice(kinds),
                x=x * 9000,
                y=y * 9000,
                size=8 + rng.random() * 10,
            )
        )
    for a, b in g.edges():
        view.add_edge(Edge(str(a), str(b), "linked", "相连"))
    view.kinds = {k: KINDS[k] for k in kinds}
    return view


def empty_view():  # type: ignore[no-untyped-def]
    from ipgraph.viz.model import View

    return View("baseline", "Empty graph", "baseline: the page machinery with no data", layout="given")


def measure(page: Any, path: Path) -> dict[str, Any]:
    """One fresh load of a page: navigation timing, first draw, frame statistics."""
    page.goto(path.resolve().as_uri(), timeout=120)
    page.wait_for("window.ipgraphViz && window.ipgraphViz.stats.firstDraw !== null", timeout=120)
    nav = page.evaluate(
        "(() => { const e = performance.getEntriesByType('navigation')[0]; "
        "return {dcl: e.domContentLoadedEventEnd, load: e.loadEventEnd}; })()"
    )
    stats = page.evaluate("window.ipgraphViz.stats")
    drawn = page.evaluate("window.ipgraphViz.drawnNodeCount()")
    frames = page.evaluate(_FRAMES_JS, timeout=120, await_promise=True)
    dragged = drag(page)
    return {
        "drag_draw_ms": dragged["draws"],
        "drag_interval_ms": dragged["intervals"],
        "load_ms": nav["load"],
        "dom_content_loaded_ms": nav["dcl"],
        "script_start_ms": stats["scriptStart"],
        "network_created_ms": stats["networkCreated"],
        "first_draw_ms": stats["firstDraw"],
        "drawn_nodes": drawn,
        "draw_ms": frames["draws"],
        "frame_interval_ms": frames["intervals"],
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    draws = sorted(d for r in runs for d in r["draw_ms"])
    intervals = sorted(d for r in runs for d in r["frame_interval_ms"])
    drag_draws = sorted(d for r in runs for d in r["drag_draw_ms"])
    drag_intervals = sorted(d for r in runs for d in r["drag_interval_ms"])

    def pct(xs: list[float], p: float) -> float:
        return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else 0.0

    return {
        "runs": len(runs),
        "drawn_nodes": runs[0]["drawn_nodes"],
        "load_ms": med("load_ms"),
        "first_draw_ms": med("first_draw_ms"),
        "first_draw_max_ms": max(r["first_draw_ms"] for r in runs),
        "draw_p50_ms": pct(draws, 0.5),
        "draw_p95_ms": pct(draws, 0.95),
        "draw_max_ms": draws[-1] if draws else 0.0,
        "frame_interval_p50_ms": pct(intervals, 0.5),
        "frame_interval_p95_ms": pct(intervals, 0.95),
        "frames": len(intervals),
        "drag_draw_p50_ms": pct(drag_draws, 0.5),
        "drag_draw_p95_ms": pct(drag_draws, 0.95),
        "drag_frame_interval_p50_ms": pct(drag_intervals, 0.5),
        "drag_frame_interval_p95_ms": pct(drag_intervals, 0.95),
        "drag_frames": len(drag_draws),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--nodes", type=int, default=3000, help="size of the synthetic graph")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from ipgraph.viz.headless import Browser, find_chromium
    from ipgraph.viz.layout import apply_layout
    from ipgraph.viz.page import render_page, write_page
    from ipgraph.viz.run import laid_out_view

    if find_chromium() is None:
        print(
            "bench_viz: Chromium not found (apt-get install chromium, or set IPGRAPH_CHROMIUM)",
            file=sys.stderr,
        )
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-viz-"))
    pages: dict[str, tuple[Path, int, float]] = {}
    for name, view in (
        ("baseline (empty)", empty_view()),
        (f"synthetic {args.nodes:,}", synthetic_view(args.nodes)),
    ):
        t = time.perf_counter()
        apply_layout(view)
        path = tmp / f"{view.name}.html"
        write_page(path, render_page(view))
        pages[name] = (path, len(view.nodes), time.perf_counter() - t)
    for name in ("derivation", "charges", "institutions", "ontology", "all"):
        t = time.perf_counter()
        view = laid_out_view(args.build, name)
        path = tmp / f"{name}.html"
        write_page(path, render_page(view))
        pages[name] = (path, len(view.nodes), time.perf_counter() - t)
    t = time.perf_counter()
    view = laid_out_view(args.build, "entity", focus="inst:shanghai-peoples-procuratorate", depth=2)
    write_page(tmp / "entity.html", render_page(view))
    pages["entity (depth 2)"] = (tmp / "entity.html", len(view.nodes), time.perf_counter() - t)

    results: dict[str, Any] = {}
    with Browser(width=1400, height=900) as b:
        order = list(pages)
        measure(b.page, pages[order[0]][0])  # warm up the browser
        runs: dict[str, list[dict[str, Any]]] = {k: [] for k in order}
        for _ in range(args.runs):  # interleaved, so that drift hits every page alike
            for name in order:
                runs[name].append(measure(b.page, pages[name][0]))
        for name in order:
            path, nodes, build_s = pages[name]
            summary = summarise(runs[name])
            summary.update(nodes=nodes, bytes=path.stat().st_size, python_build_s=round(build_s, 3))
            results[name] = summary
    base = results["baseline (empty)"]
    header = (
        f"{'page':<20}{'nodes':>7}{'drawn':>7}{'MB':>6}{'load':>8}{'×base':>7}{'1st draw':>10}{'×base':>7}"
        f"{'/1s':>6}{'pan+zoom draw p50/p95':>23}{'frame p95':>10}{'drag draw p50/p95':>19}{'/50ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:<20}{r['nodes']:>7,}{r['drawn_nodes']:>7,}{r['bytes'] / 1e6:>6.2f}"
            f"{r['load_ms']:>7.0f}m{r['load_ms'] / base['load_ms']:>7.2f}"
            f"{r['first_draw_ms']:>9.0f}m{r['first_draw_ms'] / base['first_draw_ms']:>7.2f}"
            f"{r['first_draw_max_ms'] / FIRST_DRAW_TARGET_MS:>6.2f}"
            f"{r['draw_p50_ms']:>15.1f} /{r['draw_p95_ms']:>6.1f}{r['frame_interval_p95_ms']:>10.1f}"
            f"{r['drag_draw_p50_ms']:>11.1f} /{r['drag_draw_p95_ms']:>6.1f}"
            f"{r['drag_draw_p95_ms'] / FRAME_TARGET_MS:>7.2f}"
        )
    views_ok = all(
        r["first_draw_max_ms"] <= FIRST_DRAW_TARGET_MS for k, r in results.items() if not k.startswith("synthetic")
    )
    synth = results[f"synthetic {args.nodes:,}"]
    frames_ok = synth["drag_draw_p95_ms"] <= FRAME_TARGET_MS
    print(
        f"\nevery view drawn within {FIRST_DRAW_TARGET_MS:.0f} ms of navigation: "
        f"{'yes' if views_ok else 'NO'}; "
        f"{args.nodes:,} nodes drawn in ≤ {FRAME_TARGET_MS:.0f} ms a frame while dragged (p95): "
        f"{'yes' if frames_ok else 'NO'}"
    )
    print(
        "(load and 1st draw: ms since navigation start; ×base: ratio to the empty page; /1s, /50ms: ratio "
        "to the "
        "target; pan+zoom: programmatic moveTo every frame, all edges drawn; drag: real mouse events, where "
        "vis-network hides edges of graphs over 1,200 nodes; draw = beforeDrawing→afterDrawing, frame = "
        "interval "
        "between animation frames, in ms)"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"machine load average during the run: {load:.1f} on {_cpus()} CPUs")
    out = {
        "benchmark": "viz",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": _cpus(),
            "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        },
        "targets": {"first_draw_ms": FIRST_DRAW_TARGET_MS, "frame_ms": FRAME_TARGET_MS},
        "met": {"views_first_draw": views_ok, "synthetic_frame": frames_ok},
        "runs_per_page": args.runs,
        "pages": results,
    }
    dest = ROOT / "benchmarks" / "results" / "viz.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {dest.relative_to(ROOT)}")
    return 0


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
