"""The benchmark suite: every figure of ipgraph's speed, its ratio to a baseline measured in the same run, and how
the cost grows from one report to many reports plus millions of linked judgment triples.

Run from the project root (about 10–12 minutes on 2 cores; nothing is written into ``data/`` or ``build/``)::

    python benchmarks/run.py                    # everything; one table, benchmarks/results/suite.json
    python benchmarks/run.py --quick            # a short smoke run: few repetitions, small sizes
    python benchmarks/run.py --reuse serve viz  # read the endpoint and viz figures from their last results

Sections (each figure a median over repeated runs, with min / max, and a ratio to a baseline of the same run):

- **cli** — ``ipgraph query NAME`` as a process vs the floor (bare Python + pyoxigraph opening the same store and
  running the same query text: ``benchmarks/bench_cli.py``'s floor). Target ≤ 1.5×.
- **build** — ``ipgraph build`` of the report: the process vs pyoxigraph bulk-loading the build's own N-Quads in a
  fresh process, and each stage as a share of the build. Target: validation + derivation < 50%.
- **catalog** — every catalog query in process: ``ipgraph.api`` (and ``ipgraph.store.embedded.run_query``) vs the same
  SPARQL text straight on pyoxigraph (target ≤ 1.2×); rdflib's in-memory ``Graph`` (``ipgraph.nt``, each query
  under a time limit, in its own process) vs ``ipgraph.api``: the speed-up.
- **growth** — the real report plus ``n - 1`` clearly synthetic copies (``benchmarks/synthetic_reports.py``) for
  ``--reports`` sizes, and the report plus generated CAIL-format judgment records linked with ``ipgraph link cail
  --into`` for ``--links`` sizes (in triples): build / link time, peak memory (``wait4`` of the child process),
  store size, and the latency of selective and aggregating catalog queries; log-log slopes; report counts that do
  not fit the time budget (``--extrapolate``) are extrapolated and marked so. Plot: docs/img/performance-growth.*.
- **endpoint**, **viz** — ``benchmarks/bench_serve.py`` and ``benchmarks/bench_viz.py`` are re-run (with
  ``--reuse``, their last results are read instead) and their figures join the table; **link** figures are read
  from ``benchmarks/results/link.json`` (its 1M-record run takes longer than the whole suite).

Results: benchmarks/results/suite.json (every measurement) and suite.md (the table as Markdown); with
``--update-docs`` the table also replaces the one in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
RESULTS = HERE / "results"
IMG = ROOT / "docs" / "img"
sys.path.insert(0, str(HERE))  # the other benchmark scripts
sys.path.insert(0, str(ROOT / "src"))

#: Catalog queries whose answer does not grow with the data (anchored on one value, resource or code list).
SELECTIVE = ["cq-96-where-is-a-figure-stated", "cq-98-report-publication", "cq-62-four-major-procuratorial-functions"]
#: Catalog queries that aggregate everything of a kind: their work grows with the data by design.
AGGREGATING = ["cq-12-criminal-cases-by-charge", "link-judgments-per-charge"]
AGGREGATING_RUNS = 3  # runs of an aggregating query in the growth study (they take seconds at 5M triples)
CLI_QUERIES = ["cq-01-ip-criminal-cases-and-perpetrators", "cq-12-criminal-cases-by-charge"]
STAGES = ["read+resolve", "derive", "validate", "store+dumps"]


# ------------------------------------------------------------------------------------------------ the table
@dataclass
class Row:
    """One figure of the table."""

    section: str
    figure: str
    unit: str  # "s", "ms", "MB", "req/s", "triples/s", "share", "slope", "x"
    median: float | None
    min: float | None = None
    max: float | None = None
    runs: int | None = None
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    extrapolated: bool = False


def row(
    section: str,
    figure: str,
    unit: str,
    value: dict[str, float] | float | None,
    *,
    runs: int | None = None,
    baseline: str = "",
    base: float | None = None,
    ratio: float | None = None,
    target: str = "",
    met: bool | None = None,
    note: str = "",
    extrapolated: bool = False,
) -> Row:
    """A row from a :func:`spread` (or one value); the ratio defaults to median / baseline.

    >>> r = row("cli", "query", "s", {"median": 0.06, "min": 0.05, "max": 0.09}, base=0.05)
    >>> round(r.ratio, 2), r.max
    (1.2, 0.09)
    """
    median: float | None
    if isinstance(value, dict):
        median, lo, hi = value["median"], value.get("min"), value.get("max")
    else:
        median, lo, hi = value, None, None
    if ratio is None and base and median is not None:
        ratio = median / base
    return Row(section, figure, unit, median, lo, hi, runs, baseline, base, ratio, target, met, note, extrapolated)


def fmt(value: float | None, unit: str) -> str:
    """A value with its unit, short.

    >>> fmt(0.01234, "s"), fmt(12.3456, "s"), fmt(1234.5, "MB"), fmt(0.4567, "share"), fmt(None, "s")
    ('12.3ms', '12.35s', '1,234MB', '45.7%', '—')
    """
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.1f}ms" if value < 1 else f"{value:.2f}s" if value < 100 else f"{value:,.0f}s"
    formats = {
        "ms": f"{value:.1f}ms",
        "MB": f"{value:,.0f}MB" if value >= 100 else f"{value:.1f}MB",
        "share": f"{value:.1%}",
        "req/s": f"{value:,.0f}/s",
        "slope": f"{value:.2f}",
        "x": f"{value:.2f}x",
        "triples/s": f"{value / 1000:,.0f}k/s",
    }
    return formats.get(unit, f"{value:g}")


def print_table(rows: Sequence[Row]) -> str:
    """Print the table; return it as Markdown."""
    cols = f"{'median':>10}{'min':>10}{'max':>10}{'runs':>6}  {'baseline':<26}{'ratio':>7}  {'target':<16}met?"
    head = f"{'figure':<66}{cols}"
    print(head)
    print("-" * len(head))
    md = [
        "| figure | median | min | max | runs | baseline | ratio | target | met? |",
        "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    section = None
    for r in rows:
        if r.section != section:
            section = r.section
            print(f"[{section}]")
            md.append(f"| **{section}** | | | | | | | | |")
        met = "—" if r.met is None else "yes" if r.met else "NO"
        base = f"{r.baseline} {fmt(r.baseline_value, r.unit) if r.baseline_value is not None else ''}".strip()
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        fig = ("≈ " if r.extrapolated else "") + r.figure
        runs = "" if r.runs is None else str(r.runs)
        values = f"{fmt(r.median, r.unit):>10}{fmt(r.min, r.unit):>10}{fmt(r.max, r.unit):>10}{runs:>6}"
        print(f"{fig[:66]:<66}{values}  {base[:26]:<26}{ratio:>7}  {r.target[:16]:<16}{met}")
        md.append(
            f"| {fig.strip()} | {fmt(r.median, r.unit)} | {fmt(r.min, r.unit)} | {fmt(r.max, r.unit)} | {runs} | "
            f"{base} | {ratio} | {r.target} | {met} |"
        )
    return "\n".join(md) + "\n"


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max.

    >>> spread([3.0, 1.0, 2.0])
    {'median': 2.0, 'min': 1.0, 'max': 3.0}
    """
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log(y) on log(x): 1 is linear growth, 0 flat.

    >>> round(slope([1, 10, 100], [2, 20, 200]), 3), round(slope([1, 10, 100], [5, 5, 5]), 3)
    (1.0, 0.0)
    """
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def power_at(x_last: float, y_last: float, x: float, k: float) -> float:
    """Extrapolate from the largest measured point with exponent ``k``: y(x) = y_last · (x / x_last)^k.

    >>> power_at(10, 20, 100, 1.0)
    200.0
    """
    return float(y_last * (x / x_last) ** k)


# ------------------------------------------------------------------------------------------------ processes
@dataclass
class ChildRun:
    """A finished child process: wall time, exit code, output and peak resident memory."""

    seconds: float
    code: int
    output: str
    peak_mb: float


def run_child(cmd: Sequence[str], cwd: Path = ROOT, timeout: float | None = None) -> ChildRun:
    """Run ``cmd``; the peak memory is the child's own ``ru_maxrss`` (from ``wait4``), not the suite's."""
    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer is not None:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        if timer is not None:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return ChildRun(seconds, proc.returncode, text, usage.ru_maxrss / 1024)


def ipgraph(*args: str) -> list[str]:
    """The ``ipgraph`` command of this environment."""
    return [str(BIN / "ipgraph"), *args]


def dir_mb(path: Path) -> float:
    """Size of the files under ``path``, in MiB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


_BULK_CHILD = (
    "import sys, pyoxigraph as ox; st = ox.Store(sys.argv[2]); "
    "st.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS); st.flush()"
)
_BUILD_TIME = re.compile(r"([\w+]+) (\d+\.\d+)s")


def build_once(data: Path, out: Path) -> dict[str, Any]:
    """One ``ipgraph build`` process: its printed stage times, triples, wall time and peak memory."""
    run = run_child(ipgraph("build", "--full", "--data", str(data), "--out", str(out)))
    if run.code != 0:
        raise RuntimeError(f"ipgraph build failed ({run.code}):\n{run.output[-2000:]}")
    stages = {k: float(v) for k, v in _BUILD_TIME.findall(run.output.split("time:")[-1])}
    m = re.search(r"triples: ([\d,]+)", run.output)
    return {
        "process_seconds": run.seconds,
        "peak_mb": run.peak_mb,
        "stages": stages,
        "triples": int(m.group(1).replace(",", "")) if m else 0,
        "store_mb": dir_mb(out / "store"),
        "build_dir_mb": dir_mb(out),
    }


# ------------------------------------------------------------------------------------------------ sections
class Suite:
    """State shared by the sections: options, the temporary folder, the rows and the details for JSON."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="ipgraph-bench-", dir=args.tmp))
        self.rows: list[Row] = []
        self.details: dict[str, Any] = {}
        self.build = self.tmp / "build"
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def add(self, r: Row) -> None:
        self.rows.append(r)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def section(self, name: str, fn: Callable[[], None]) -> None:
        """Run one section; a failing section is reported in the table and the others still run."""
        t = time.perf_counter()
        print(f"… {name} (at {self.elapsed():.0f}s)", flush=True)
        try:
            fn()
        except Exception as exc:
            print(f"  {name} FAILED: {type(exc).__name__}: {str(exc)[:1500]}", flush=True)
            self.details.setdefault("failures", {})[name] = f"{type(exc).__name__}: {exc}"
            self.add(row(name, f"{name}: FAILED ({type(exc).__name__})", "s", None, note=str(exc)[:300]))
        self.timings[name] = time.perf_counter() - t


def section_setup(s: Suite) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)  # as `make` does
    s.details["setup_build"] = build_once(ROOT / "data", s.build)


def section_build(s: Suite) -> None:
    n = s.args.build_runs
    runs = [build_once(ROOT / "data", s.tmp / "build-timed") for _ in range(n)]
    floor = []
    for i in range(n):
        r = run_child([sys.executable, "-c", _BULK_CHILD, str(s.build / "ipgraph.nq"), str(s.tmp / f"floor-{i}")])
        if r.code != 0:
            raise RuntimeError(r.output)
        floor.append(r.seconds)
    s.details["build"] = {"runs": runs, "floor_bulk_load_seconds": floor}
    sec = "build"
    s.add(
        row(
            sec,
            f"ipgraph build of the report ({runs[0]['triples']:,} triples), process",
            "s",
            spread([r["process_seconds"] for r in runs]),
            runs=n,
            baseline="pyoxigraph bulk load",
            base=statistics.median(floor),
            note="baseline: a fresh process bulk-loading the build's own N-Quads into a new on-disk store",
        )
    )
    total = statistics.median(r["stages"]["total"] for r in runs)
    for stage in STAGES:
        values = spread([r["stages"].get(stage, 0.0) for r in runs])
        s.add(row(sec, f"  stage {stage}", "s", values, runs=n, baseline="build total", base=total))
    shares = spread(
        [(r["stages"].get("validate", 0) + r["stages"].get("derive", 0)) / r["stages"]["total"] for r in runs]
    )
    s.add(
        row(
            sec,
            "  validation + derivation (reasoning): share of the build",
            "share",
            shares,
            runs=n,
            ratio=shares["median"],
            target="< 50%",
            met=shares["median"] < 0.5,
            note="the build runs SHACL + health queries (validate) and the trends engine (derive); OWL reasoning "
            "(HermiT) runs only in `ipgraph validate`",
        )
    )
    s.add(row(sec, "  peak memory of the build process", "MB", spread([r["peak_mb"] for r in runs]), runs=n))


def section_cli(s: Suite) -> None:
    import bench_cli  # its floor (bare python + pyoxigraph, same store, same query text) and its timer

    from ipgraph.model.prefixes import sparql_prologue
    from ipgraph.query.catalog import load_catalog
    from ipgraph.store.embedded import bind_values, term_for

    catalog = load_catalog(ROOT / "queries")
    out: dict[str, Any] = {}
    for name in CLI_QUERIES:
        q = catalog[name]
        bindings = {p.name: term_for(p.default, p.type) for p in q.params if p.default is not None}
        qfile = s.tmp / f"{name}.rq"
        qfile.write_text(sparql_prologue() + bind_values(q.text, bindings), encoding="utf-8")
        floor_cmd = [sys.executable, "-c", bench_cli.FLOOR, str(s.build / "store"), str(qfile)]
        cli_cmd = ipgraph("query", name, "--build", str(s.build), "--format", "csv")
        for cmd in (floor_cmd, cli_cmd):  # warm the file cache
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        floor: list[float] = []
        cli: list[float] = []
        for _ in range(s.args.cli_runs):  # interleaved, so that drift hits both alike
            floor += bench_cli.timed(floor_cmd, 1)
            cli += bench_cli.timed(cli_cmd, 1)
        out[name] = {"floor": floor, "ipgraph_query": cli, "ratio_of_minimums": min(cli) / min(floor)}
        ratio = statistics.median(cli) / statistics.median(floor)
        s.add(
            row(
                "cli",
                f"ipgraph query {name} (process)",
                "s",
                spread(cli),
                runs=len(cli),
                baseline="floor",
                base=statistics.median(floor),
                target="≤ 1.5x",
                met=ratio <= 1.5,
                note="floor: python -c 'import pyoxigraph; Store.read_only(…).query(same text)'; ratio of the "
                f"fastest runs (the least disturbed by other work on the machine): {min(cli) / min(floor):.2f}",
            )
        )
    s.details["cli"] = out


_RDFLIB_CHILD = r"""
import json, signal, sys, time
t = time.perf_counter()
import rdflib
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
load = time.perf_counter() - t
import pyoxigraph as ox
t = time.perf_counter()
mem = ox.Store()
mem.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
ox_load = time.perf_counter() - t
spec = json.load(open(sys.argv[3], encoding="utf-8"))
dataset = None
class Timeout(Exception):
    pass
def alarm(*_):
    raise Timeout()
signal.signal(signal.SIGALRM, alarm)
out = {"load_seconds": load, "pyoxigraph_memory_load_seconds": ox_load, "triples": len(g), "queries": {}}
def count(graph):
    res = graph.query(text)
    return len(list(res)) if res.type == "SELECT" else (1 if res.type == "ASK" else len(res))
for name, text in spec["queries"].items():
    times, rows, timed_out, error, engine = [], None, False, None, "Graph"
    for i in range(spec["runs"]):
        t = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, spec["timeout"])
        try:
            try:
                rows = count(g if engine == "Graph" else dataset)
            except Exception as exc:
                if "requiring a dataset" not in str(exc):
                    raise
                engine = "Dataset"  # GRAPH clauses: rdflib needs a Dataset (loaded once, not timed)
                signal.setitimer(signal.ITIMER_REAL, 0)
                if dataset is None:
                    dataset = rdflib.Dataset(default_union=True)
                    dataset.parse(sys.argv[2], format="nquads")
                signal.setitimer(signal.ITIMER_REAL, spec["timeout"])
                t = time.perf_counter()
                rows = count(dataset)
        except Timeout:
            timed_out = True
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if timed_out or error:
            break
        times.append(time.perf_counter() - t)
        if times[-1] > spec["repeat_below"]:
            break
    out["queries"][name] = {"times": times, "rows": rows, "timeout": timed_out, "error": error, "engine": engine}
print(json.dumps(out))
"""


def section_catalog(s: Suite) -> None:
    import pyoxigraph as ox

    from ipgraph.api import KnowledgeGraph
    from ipgraph.model.prefixes import sparql_prologue
    from ipgraph.store.embedded import bind_values, run_query, term_for

    kg = KnowledgeGraph(s.build)
    store = kg.store
    texts: dict[str, str] = {}
    bindings_of: dict[str, dict[str, Any]] = {}
    for name, q in sorted(kg.catalog.items()):
        bindings_of[name] = {p.name: term_for(p.default, p.type) for p in q.params if p.default is not None}
        texts[name] = sparql_prologue() + bind_values(q.text, bindings_of[name])

    def direct(name: str) -> int:
        res = store.query(texts[name], use_default_graph_as_union=True)
        if isinstance(res, ox.QuerySolutions):
            return len([tuple(sol) for sol in res])
        if isinstance(res, ox.QueryBoolean):
            return int(bool(res))
        return len(list(res))

    def layer(name: str) -> int:
        res = run_query(store, kg.catalog[name].text, bindings_of[name])
        return len(res) if not isinstance(res, bool) else int(res)

    def api(name: str) -> int:
        return len(kg.query(name))

    paths: dict[str, Callable[[str], int]] = {"direct": direct, "run_query": layer, "api": api}
    names = list(texts)
    rows_of = {}
    for n in names:  # warm-up, and a check that the three paths give the same rows
        counts = {label: fn(n) for label, fn in paths.items()}
        if len(set(counts.values())) != 1:
            raise RuntimeError(f"{n}: the paths disagree: {counts}")
        rows_of[n] = counts["direct"]
    per: dict[str, dict[str, list[float]]] = {n: {label: [] for label in paths} for n in names}
    rounds: dict[str, list[float]] = {label: [] for label in paths}
    for _ in range(s.args.catalog_rounds):
        total = dict.fromkeys(paths, 0.0)
        for n in names:
            for label, fn in paths.items():
                t = time.perf_counter()
                fn(n)
                d = time.perf_counter() - t
                per[n][label].append(d)
                total[label] += d
        for label in paths:
            rounds[label].append(total[label])
    med = {n: {label: statistics.median(v) for label, v in d.items()} for n, d in per.items()}
    direct_total = statistics.median(rounds["direct"])
    sec, k = "catalog", s.args.catalog_rounds
    for label, what in (("api", "ipgraph.api"), ("run_query", "ipgraph.store.embedded.run_query")):
        ratio = statistics.median(rounds[label]) / direct_total
        s.add(
            row(
                sec,
                f"all {len(names)} catalog queries in process, {what}",
                "s",
                spread(rounds[label]),
                runs=k,
                baseline="pyoxigraph",
                base=direct_total,
                target="≤ 1.2x",
                met=ratio <= 1.2,
                note="baseline: the same SPARQL text (prefixes + bound VALUES) on the same store, every row read",
            )
        )
    ratios = sorted((med[n]["api"] / med[n]["direct"], n) for n in names)
    qr = [r for r, _ in ratios]
    worst_ratio, worst = ratios[-1]
    s.add(
        row(
            sec,
            "  per-query ratio ipgraph.api / pyoxigraph (over the queries)",
            "x",
            spread(qr),
            runs=len(qr),
            ratio=statistics.median(qr),
            target="≤ 1.2x",
            met=statistics.median(qr) <= 1.2,
            note=f"worst: {worst} {worst_ratio:.2f}x ({med[worst]['direct'] * 1000:.2f} ms on pyoxigraph)",
        )
    )

    # rdflib's in-memory Graph, in its own process, every query under a time limit
    spec = s.tmp / "rdflib-spec.json"
    limit = s.args.rdflib_timeout
    spec.write_text(
        json.dumps({"queries": texts, "runs": s.args.rdflib_runs, "timeout": limit, "repeat_below": 2.0}),
        encoding="utf-8",
    )
    dumps = [str(s.build / "ipgraph.nt"), str(s.build / "ipgraph.nq")]
    run = run_child([sys.executable, "-c", _RDFLIB_CHILD, *dumps, str(spec)], timeout=1200)
    if run.code != 0:
        raise RuntimeError(f"rdflib run failed ({run.code}): {run.output[-1500:]}")
    rdf = json.loads(run.output.strip().splitlines()[-1])
    res = rdf["queries"]
    done = [n for n in names if res[n]["times"]]
    timeouts = [n for n in names if res[n]["timeout"]]
    errors = [n for n in names if res[n]["error"]]
    mismatch = [n for n in done if res[n]["rows"] != rows_of[n]]
    rdf_med = {n: statistics.median(res[n]["times"]) for n in done}
    rdf_total = sum(rdf_med.values()) + limit * len(timeouts)
    api_total = sum(med[n]["api"] for n in done + timeouts)
    speedups = [rdf_med[n] / med[n]["api"] for n in done]
    on_dataset = [n for n in names if res[n].get("engine") == "Dataset"]
    at_least = " (at least: a timed-out query counts as the time limit)" if timeouts else ""
    s.add(
        row(
            sec,
            f"all {len(names)} queries on rdflib ({len(timeouts)} timeouts, {len(errors)} errors)",
            "s",
            rdf_total,
            runs=s.args.rdflib_runs,
            baseline="ipgraph.api",
            base=api_total,
            target="report",
            note=f"rdflib.Graph from ipgraph.nt ({len(on_dataset)} queries with GRAPH on an rdflib.Dataset of "
            f"ipgraph.nq, default graph = union); each run limited to {limit:g}s, queries over 2s run once; "
            f"ratio = ipgraph's speed-up over rdflib{at_least}; rdflib's row count differs from pyoxigraph's "
            f"on {len(mismatch)} queries: {', '.join(mismatch) or 'none'}; "
            f"rdflib failed on: {', '.join(errors) or 'none'}",
        )
    )
    s.add(
        row(
            sec,
            "  per-query speed-up of ipgraph.api over rdflib (over the queries)",
            "x",
            spread(speedups),
            runs=len(speedups),
            ratio=statistics.median(speedups),
            target="report",
        )
    )
    s.add(
        row(
            sec,
            f"load ipgraph.nt ({rdf['triples']:,} triples) into rdflib Graph",
            "s",
            rdf["load_seconds"],
            runs=1,
            baseline="pyoxigraph in memory",
            base=rdf["pyoxigraph_memory_load_seconds"],
            target="report",
        )
    )
    s.details["catalog"] = {
        "rows": rows_of,
        "per_query_median_seconds": med,
        "rounds_total_seconds": rounds,
        "rdflib": rdf,
        "rdflib_row_mismatches": mismatch,
        "rdflib_timeouts": timeouts,
        "rdflib_errors": errors,
    }


# ------------------------------------------------------------------------------------------------ growth
def query_latency(build: Path, names: Sequence[str], runs: int) -> dict[str, dict[str, float]]:
    """Median / min / max seconds of each named query through ``ipgraph.api`` on a built store (after a warm-up)."""
    from ipgraph.api import KnowledgeGraph

    kg = KnowledgeGraph(build)
    out = {}
    for name in names:
        rows = len(kg.query(name))
        times = []
        for _ in range(runs if name in SELECTIVE else min(runs, AGGREGATING_RUNS)):
            t = time.perf_counter()
            kg.query(name)
            times.append(time.perf_counter() - t)
        out[name] = {**spread(times), "rows": rows}
    del kg
    return out


def growth_data(s: Suite, n: int) -> Path:
    """The real report plus ``n - 1`` synthetic copies, in a temporary data folder."""
    import synthetic_reports

    data = s.tmp / f"data-{n}"
    shutil.copytree(ROOT / "data" / "reports" / "shanghai-2023", data / "reports" / "shanghai-2023")
    (data / "sources").mkdir(parents=True)
    for src in (ROOT / "data" / "sources").glob("*.txt"):
        shutil.copy(src, data / "sources" / src.name)
    if n > 1:
        synthetic_reports.generate(n - 1, data)
    return data


def section_growth_reports(s: Suite) -> None:
    points = []
    for n in s.args.reports:
        data = growth_data(s, n)
        out = s.tmp / f"growth-build-{n}"
        builds = [build_once(data, out) for _ in range(s.args.growth_runs if n <= 3 else 1)]
        point = {
            "reports": n,
            "triples": builds[0]["triples"],
            "builds": builds,
            "build_seconds": spread([b["process_seconds"] for b in builds]),
            "peak_mb": spread([b["peak_mb"] for b in builds]),
            "store_mb": builds[-1]["store_mb"],
            "build_dir_mb": builds[-1]["build_dir_mb"],
            "queries": query_latency(out, SELECTIVE + AGGREGATING[:1], s.args.query_runs),
        }
        points.append(point)
        print(
            f"  {n} reports: {point['triples']:,} triples, build {point['build_seconds']['median']:.1f}s, "
            f"peak {point['peak_mb']['median']:.0f} MB, store {point['store_mb']:.1f} MB",
            flush=True,
        )
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    s.details["growth_reports"] = points
    sec, b0 = "growth: reports", points[0]
    base = reports(b0["reports"])
    for p in points:
        n = p["reports"]
        linear = p["triples"] / b0["triples"] * 1.25
        build_ratio = p["build_seconds"]["median"] / b0["build_seconds"]["median"]
        k = len(p["builds"])
        s.add(
            row(
                sec,
                f"build, {reports(n)} ({p['triples']:,} triples)",
                "s",
                p["build_seconds"],
                runs=k,
                baseline=base,
                base=b0["build_seconds"]["median"],
                target=f"≤ {linear:.1f}x (linear)",
                met=build_ratio <= linear,
            )
        )
        s.add(
            row(
                sec,
                f"  peak memory, {reports(n)}",
                "MB",
                p["peak_mb"],
                runs=k,
                baseline=base,
                base=b0["peak_mb"]["median"],
            )
        )
        s.add(row(sec, f"  store size, {reports(n)}", "MB", p["store_mb"], runs=1, baseline=base, base=b0["store_mb"]))
        sel = {m: sum(p["queries"][q][m] for q in SELECTIVE) for m in ("median", "min", "max")}
        sel0 = sum(b0["queries"][q]["median"] for q in SELECTIVE)
        s.add(
            row(
                sec,
                f"  {len(SELECTIVE)} selective queries (sum), {reports(n)}",
                "s",
                sel,
                runs=s.args.query_runs,
                baseline=base,
                base=sel0,
                target="≤ 2x (flat)",
                met=sel["median"] / sel0 <= 2,
            )
        )
        agg = p["queries"][AGGREGATING[0]]
        s.add(
            row(
                sec,
                f"  aggregating query {AGGREGATING[0]}, {reports(n)}",
                "s",
                agg,
                runs=min(s.args.query_runs, AGGREGATING_RUNS),
                baseline=base,
                base=b0["queries"][AGGREGATING[0]]["median"],
                target="report",
                note=f"{agg['rows']} rows: the query pairs case and perpetrator counts by charge and period, not by "
                "report, so with several reports it joins the figures of every report with every other",
            )
        )
    fit_reports(s, points)


def fit_reports(s: Suite, points: list[dict[str, Any]]) -> None:
    """Log-log slopes of the report sizes, and extrapolation to the sizes that were not measured."""
    if len(points) < 2:
        return
    sec = "growth: reports"
    xs = [float(p["triples"]) for p in points]
    build = [p["build_seconds"]["median"] for p in points]
    fits = {
        "build_all": slope(xs, build),
        "build_largest_two": slope(xs[-2:], build[-2:]),
        "peak_mb_largest_two": slope(xs[-2:], [p["peak_mb"]["median"] for p in points[-2:]]),
        "store_mb_largest_two": slope(xs[-2:], [p["store_mb"] for p in points[-2:]]),
        "selective_queries": slope(xs, [sum(p["queries"][q]["median"] for q in SELECTIVE) for p in points]),
        "aggregating_query": slope(xs, [p["queries"][AGGREGATING[0]]["median"] for p in points]),
    }
    b_all, b_top, sel = fits["build_all"] or 0.0, fits["build_largest_two"] or 0.0, fits["selective_queries"] or 0.0
    s.add(
        row(
            sec,
            "fit: build time ∝ triples^s (all sizes; ratio column: the two largest)",
            "slope",
            b_all,
            runs=len(points),
            ratio=b_top,
            target="s ≤ 1.2",
            met=b_all <= 1.2 and b_top <= 1.2,
        )
    )
    s.add(
        row(
            sec,
            "fit: peak memory ∝ triples^s (the two largest sizes)",
            "slope",
            fits["peak_mb_largest_two"],
            runs=2,
            target="report",
        )
    )
    s.add(
        row(
            sec,
            "fit: selective query latency ∝ triples^s",
            "slope",
            sel,
            runs=len(points),
            target="s ≤ 0.2 (flat)",
            met=sel <= 0.2,
        )
    )
    s.add(
        row(
            sec,
            "fit: aggregating query latency ∝ triples^s",
            "slope",
            fits["aggregating_query"],
            runs=len(points),
            target="report",
        )
    )
    ns = [p["reports"] for p in points]
    per_report = (xs[-1] - xs[0]) / (ns[-1] - ns[0])  # linear: the ontology is shared, each report adds its own
    last = points[-1]
    extra = []
    for n in s.args.extrapolate:
        if n in ns:
            continue
        tr = xs[0] + (n - ns[0]) * per_report
        est = {
            "reports": n,
            "triples": tr,
            "build_seconds": power_at(xs[-1], last["build_seconds"]["median"], tr, max(b_top, 1.0)),
            "peak_mb": power_at(xs[-1], last["peak_mb"]["median"], tr, max(fits["peak_mb_largest_two"] or 1, 1.0)),
            "store_mb": power_at(xs[-1], last["store_mb"], tr, max(fits["store_mb_largest_two"] or 1, 1.0)),
        }
        extra.append(est)
        how = (
            f"not measured (time budget): the {ns[-1]}-report figure × (triples ratio)^max(1, slope of the two largest)"
        )
        s.add(
            row(
                sec,
                f"build, {n:,} reports (~{tr / 1e6:.1f}M triples), extrapolated",
                "s",
                est["build_seconds"],
                runs=0,
                baseline=reports(ns[0]),
                base=points[0]["build_seconds"]["median"],
                extrapolated=True,
                note=how,
            )
        )
        s.add(
            row(
                sec,
                f"  peak memory, {n:,} reports, extrapolated",
                "MB",
                est["peak_mb"],
                runs=0,
                extrapolated=True,
                note=how,
            )
        )
        s.add(
            row(
                sec,
                f"  store size, {n:,} reports, extrapolated",
                "MB",
                est["store_mb"],
                runs=0,
                extrapolated=True,
                note=how,
            )
        )
    s.details["growth_fits"] = {"slopes": fits, "triples_per_report": per_report, "extrapolated": extra}


def _triples_per_record(s: Suite) -> float:
    """How many triples the linker makes of one generated record (bench_link.py's generator), on a sample."""
    import bench_link

    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.judgments import LinkSummary, link_judgments

    sample = s.tmp / "calibrate.jsonl"
    bench_link.generate(sample, 2000)
    summary = LinkSummary(sample, bench_link.GRAPH)
    concepts = load_concepts(ROOT / "ontology" / "ipgraph.ttl")
    for _ in link_judgments(sample, concepts, "bench", summary, with_vocabulary=False):
        pass
    sample.unlink()
    return summary.triples / summary.records


def link_point(s: Suite, target: int, per_record: float) -> dict[str, Any]:
    """The report's build plus ``target`` linked judgment triples: link time, memory, store size, queries."""
    import bench_link

    build = s.tmp / f"links-build-{target}"
    shutil.copytree(s.build, build)
    point: dict[str, Any] = {"target_triples": target, "linked_triples": 0, "records": 0}
    if target > 0:
        src = s.tmp / f"judgments-{target}.jsonl"
        bench_link.generate(src, max(1, round(target / per_record)))
        run = run_child(ipgraph("link", "cail", str(src), "--into", str(build), "--dataset", "bench"))
        if run.code != 0:
            raise RuntimeError(f"ipgraph link failed: {run.output[-1500:]}")
        m = re.search(r"linked ([\d,]+) records .*?: ([\d,]+) triples", run.output)
        if m is None:
            raise RuntimeError(f"unexpected output of ipgraph link: {run.output[:500]}")
        point.update(
            records=int(m.group(1).replace(",", "")),
            linked_triples=int(m.group(2).replace(",", "")),
            link_seconds=run.seconds,
            peak_mb=run.peak_mb,
        )
        if target <= s.args.link_baseline_max:  # the engine's limit: the same quads, bulk-loaded from a file
            nq = s.tmp / f"judgments-{target}.nq"
            out = run_child(ipgraph("link", "cail", str(src), "--out", str(nq), "--dataset", "bench"))
            if out.code != 0:
                raise RuntimeError(out.output[-1500:])
            base = run_child([sys.executable, "-c", _BULK_CHILD, str(nq), str(s.tmp / f"bulk-{target}")])
            point.update(baseline_seconds=base.seconds, baseline_peak_mb=base.peak_mb)
            nq.unlink()
            shutil.rmtree(s.tmp / f"bulk-{target}", ignore_errors=True)
        src.unlink()
    point["store_mb"] = dir_mb(build / "store")
    point["queries"] = query_latency(build, SELECTIVE + AGGREGATING, s.args.query_runs)
    shutil.rmtree(build, ignore_errors=True)
    print(
        f"  +{point['linked_triples']:,} linked triples: {point.get('link_seconds', 0):.1f}s, "
        f"peak {point.get('peak_mb', 0):.0f} MB, store {point['store_mb']:.0f} MB",
        flush=True,
    )
    return point


def section_growth_links(s: Suite) -> None:
    per_record = _triples_per_record(s)
    points = [link_point(s, target, per_record) for target in s.args.links]
    s.details["growth_links"] = {"triples_per_record": per_record, "points": points}
    sec, zero = "growth: links", points[0]
    loaded = [p for p in points if p["linked_triples"]]
    for i, p in enumerate(loaded):
        mt = p["linked_triples"] / 1e6
        label = (
            f"link {mt:.1f}M judgment triples into the store ({p['linked_triples'] / p['link_seconds'] / 1000:,.0f}k/s)"
        )
        if "baseline_seconds" in p:
            ratio = p["link_seconds"] / p["baseline_seconds"]
            s.add(
                row(
                    sec,
                    label,
                    "s",
                    p["link_seconds"],
                    runs=1,
                    baseline="pyoxigraph bulk load",
                    base=p["baseline_seconds"],
                    target="≤ 2x (≥ 50% speed)",
                    met=ratio <= 2.0,
                    note="ipgraph link cail --into (a process) vs a process bulk-loading the same N-Quads from a file",
                )
            )
        elif i > 0:
            first = loaded[0]
            linear = p["linked_triples"] / first["linked_triples"] * 1.25
            ratio = p["link_seconds"] / first["link_seconds"]
            s.add(
                row(
                    sec,
                    label,
                    "s",
                    p["link_seconds"],
                    runs=1,
                    baseline=f"{first['linked_triples'] / 1e6:.1f}M link",
                    base=first["link_seconds"],
                    target=f"≤ {linear:.1f}x (linear)",
                    met=ratio <= linear,
                )
            )
        if "baseline_peak_mb" in p:
            ratio = p["peak_mb"] / p["baseline_peak_mb"]
            s.add(
                row(
                    sec,
                    f"  peak memory of the link process, {mt:.1f}M triples",
                    "MB",
                    p["peak_mb"],
                    runs=1,
                    baseline="pyoxigraph bulk load",
                    base=p["baseline_peak_mb"],
                    target="≤ 1.2x",
                    met=ratio <= 1.2,
                    note="what the adapter adds to the memory of pyoxigraph's bulk loader on the same quads",
                )
            )
        if i > 0:
            first = loaded[0]
            s.add(
                row(
                    sec,
                    f"  peak memory of the link process, {mt:.1f}M triples",
                    "MB",
                    p["peak_mb"],
                    runs=1,
                    baseline=f"{first['linked_triples'] / 1e6:.1f}M link",
                    base=first["peak_mb"],
                    target="report",
                    note="pyoxigraph's bulk loader grows its buffers up to a bound (bench_link.py: about 1.7-1.8 GB, "
                    "flat from 3.3M to 16.6M triples); below the bound memory still grows with the input",
                )
            )
    sel0 = sum(zero["queries"][q]["median"] for q in SELECTIVE)
    agg0 = zero["queries"][AGGREGATING[1]]["median"]
    for p in points:
        label = f"{p['linked_triples'] / 1e6:.1f}M linked triples" if p["linked_triples"] else "no linked triples"
        s.add(
            row(sec, f"  store size, {label}", "MB", p["store_mb"], runs=1, baseline="no links", base=zero["store_mb"])
        )
        sel = {m: sum(p["queries"][q][m] for q in SELECTIVE) for m in ("median", "min", "max")}
        s.add(
            row(
                sec,
                f"  {len(SELECTIVE)} selective queries (sum), {label}",
                "s",
                sel,
                runs=s.args.query_runs,
                baseline="no links",
                base=sel0,
                target="≤ 2x (flat)",
                met=sel["median"] / sel0 <= 2,
            )
        )
        s.add(
            row(
                sec,
                f"  report query {AGGREGATING[0]}, {label}",
                "s",
                p["queries"][AGGREGATING[0]],
                runs=min(s.args.query_runs, AGGREGATING_RUNS),
                baseline="no links",
                base=zero["queries"][AGGREGATING[0]]["median"],
                target="≤ 2x (flat)",
                met=p["queries"][AGGREGATING[0]]["median"] / zero["queries"][AGGREGATING[0]]["median"] <= 2,
                note="reads report figures only, no judgment: it should not slow down with links",
            )
        )
        s.add(
            row(
                sec,
                f"  aggregating query {AGGREGATING[1]}, {label}",
                "s",
                p["queries"][AGGREGATING[1]],
                runs=min(s.args.query_runs, AGGREGATING_RUNS),
                baseline="no links",
                base=agg0,
                target="report",
                note="counts every linked judgment by charge: its work grows with the links by design",
            )
        )
    if len(points) >= 2:
        xs = [float(zero_triples(s) + p["linked_triples"]) for p in points]
        q = slope(xs, [sum(p["queries"][n]["median"] for n in SELECTIVE) for p in points]) or 0.0
        s.add(
            row(
                sec,
                "fit: selective query latency ∝ triples^s",
                "slope",
                q,
                runs=len(points),
                target="s ≤ 0.2 (flat)",
                met=q <= 0.2,
            )
        )
        s.details["growth_links"]["slope_selective"] = q
    if len(loaded) >= 2:
        ls = slope([p["linked_triples"] for p in loaded], [p["link_seconds"] for p in loaded]) or 0.0
        s.add(
            row(
                sec, "fit: link time ∝ linked triples^s", "slope", ls, runs=len(loaded), target="s ≤ 1.2", met=ls <= 1.2
            )
        )
        s.details["growth_links"]["slope_link_time"] = ls


def reports(n: int) -> str:
    """``1 report``, ``3 reports``.

    >>> reports(1), reports(1000)
    ('1 report', '1,000 reports')
    """
    return f"{n:,} report{'' if n == 1 else 's'}"


def zero_triples(s: Suite) -> int:
    """Triples of the report's own build."""
    return int(s.details.get("setup_build", {}).get("triples", 0))


# ------------------------------------------------------------------------------------------------ the other benchmarks
def _age(path: Path) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(path.stat().st_mtime))


def section_endpoint(s: Suite) -> None:
    path = RESULTS / "serve.json"
    if "serve" in s.args.reuse:
        source = f"from {path.relative_to(ROOT)} of {_age(path)} (not re-run)"
    else:
        cmd = [sys.executable, str(HERE / "bench_serve.py"), "--build", str(s.build)]
        run = run_child([*cmd, "--requests", str(s.args.serve_requests)], timeout=900)
        source = f"re-run now, {s.args.serve_requests:,} requests at concurrency 16"
        if run.code not in (0, 1):  # 1: the run finished with errors, which the table shows
            source = f"re-run FAILED ({run.code}); figures from {path.name} of {_age(path)}"
            print(run.output[-1500:])
    doc = json.loads(path.read_text(encoding="utf-8"))
    res, ref = doc["results"], doc["results"]["oxigraph_server"]
    s.details["endpoint"] = {"source": source, "results": doc}
    for key, label in (
        ("ipgraph_serve", "ipgraph serve, SPARQL mix, cache on"),
        ("ipgraph_serve_no_cache", "ipgraph serve, SPARQL mix, cache off"),
        ("ipgraph_serve_pages", "ipgraph serve, catalog + Linked Data pages"),
    ):
        r = res.get(key)
        if not r:
            continue
        ratio = r["throughput_rps"] / ref["throughput_rps"]
        s.add(
            row(
                "endpoint",
                f"{label}: throughput ({r['errors']} errors)",
                "req/s",
                r["throughput_rps"],
                runs=1,
                baseline="Oxigraph server",
                base=ref["throughput_rps"],
                target="≥ 0.70x",
                met=ratio >= 0.7 and r["errors"] == 0,
                note=source,
            )
        )
        s.add(
            row(
                "endpoint",
                f"  {label}: p50 latency (max column: p99)",
                "ms",
                {"median": r["p50_ms"], "max": r["p99_ms"]},
                runs=r["requests"],
                baseline="Oxigraph p50",
                base=ref["p50_ms"],
                target="report",
            )
        )


def section_viz(s: Suite) -> None:
    path = RESULTS / "viz.json"
    if "viz" in s.args.reuse:
        source = f"from {path.relative_to(ROOT)} of {_age(path)} (not re-run)"
    else:
        cmd = [sys.executable, str(HERE / "bench_viz.py"), "--build", str(s.build), "--runs", str(s.args.viz_runs)]
        run = run_child(cmd, timeout=900)
        source = f"re-run now, {s.args.viz_runs} loads of each page"
        if run.code != 0:
            source = f"re-run FAILED ({run.code}); figures from {path.name} of {_age(path)}"
            print(run.output[-1500:])
    doc = json.loads(path.read_text(encoding="utf-8"))
    pages = doc["pages"]
    base = pages.get("baseline (empty)", {})
    s.details["viz"] = {"source": source, "results": doc}
    first_ms = doc.get("targets", {}).get("first_draw_ms", 1000.0)
    frame_ms = doc.get("targets", {}).get("frame_ms", 50.0)
    for name, p in pages.items():
        if name.startswith("baseline"):
            continue
        s.add(
            row(
                "viz",
                f"first draw after navigation, view {name} ({p['nodes']:,} nodes)",
                "ms",
                {"median": p["first_draw_ms"], "max": p["first_draw_max_ms"]},
                runs=p["runs"],
                baseline="empty page",
                base=base.get("first_draw_ms"),
                target=f"≤ {first_ms:.0f}ms",
                met=p["first_draw_max_ms"] <= first_ms,
                note=source,
            )
        )
        if name.startswith("synthetic"):
            s.add(
                row(
                    "viz",
                    f"  draw time a frame while dragged, p95, {name}",
                    "ms",
                    p["drag_draw_p95_ms"],
                    runs=p["drag_frames"],
                    baseline="empty page",
                    base=base.get("drag_draw_p95_ms"),
                    target=f"≤ {frame_ms:.0f}ms",
                    met=p["drag_draw_p95_ms"] <= frame_ms,
                )
            )


def section_link(s: Suite) -> None:
    path = RESULTS / "link.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    source = f"from {path.relative_to(ROOT)} of {_age(path)}, not re-run (its sizes take longer than the suite)"
    s.details["link"] = {"source": source, "results": doc}
    sec = "link (bench_link.py)"
    for size, e in sorted(doc["sizes"].items(), key=lambda kv: int(kv[0])):
        st, b = e["adapter_to_store"], e["baseline_bulk_load_ntriples"]
        s.add(
            row(
                sec,
                f"ipgraph link cail → store, {int(size):,} records ({st['triples']:,} triples)",
                "triples/s",
                st["triples_per_s"],
                runs=1,
                baseline="pyoxigraph bulk load",
                base=b["triples_per_s"],
                target="≥ 0.50x",
                met=e["ratio_store_to_baseline"] >= 0.5,
                note=source,
            )
        )
    growth = doc.get("memory_growth", {}).get("adapter_to_store")
    if growth is not None:
        s.add(
            row(
                sec,
                "  peak memory (adapter → store), largest / smallest file",
                "x",
                growth,
                runs=1,
                ratio=growth,
                target="≤ 1.5x (flat)",
                met=growth <= 1.5,
                note=source,
            )
        )


# ------------------------------------------------------------------------------------------------ plot
def plot(s: Suite) -> list[Path]:
    """The growth study as one figure (PNG and SVG) in docs/img/."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "ipgraph"  # stable element ids in the SVG
    reports = s.details.get("growth_reports") or []
    links = (s.details.get("growth_links") or {}).get("points") or []
    fits = s.details.get("growth_fits") or {}
    extra = fits.get("extrapolated") or []
    if not reports and not links:
        return []
    z = zero_triples(s) or (reports[0]["triples"] if reports else 0)
    fig, (ax_t, ax_m, ax_q) = plt.subplots(1, 3, figsize=(15, 4.8), constrained_layout=True)
    if reports:
        rx = [p["triples"] for p in reports]
        ax_t.plot(rx, [p["build_seconds"]["median"] for p in reports], "o-", color="C0", label="ipgraph build")
        for p in reports:
            ax_t.annotate(
                f"{p['reports']:,} rep.",
                (p["triples"], p["build_seconds"]["median"]),
                fontsize=7,
                textcoords="offset points",
                xytext=(4, -10),
            )
        ax_m.plot(rx, [p["peak_mb"]["median"] for p in reports], "o-", color="C0", label="build: peak memory")
        ax_m.plot(rx, [p["store_mb"] for p in reports], "s--", color="C0", label="store size (reports)")
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
        ax_m.axhline(
            ram, color="grey", linestyle="-.", linewidth=1, label=f"this machine's memory ({ram / 1024:.0f} GB)"
        )
        if extra:
            ex = [rx[-1]] + [e["triples"] for e in extra]
            ax_t.plot(
                ex,
                [reports[-1]["build_seconds"]["median"]] + [e["build_seconds"] for e in extra],
                "o:",
                mfc="none",
                color="C0",
                label="build, extrapolated",
            )
            ax_m.plot(
                ex,
                [reports[-1]["peak_mb"]["median"]] + [e["peak_mb"] for e in extra],
                "o:",
                mfc="none",
                color="C0",
                label="peak memory, extrapolated",
            )
            for e in extra:
                ax_t.annotate(
                    f"≈ {e['reports']:,} rep.",
                    (e["triples"], e["build_seconds"]),
                    fontsize=7,
                    textcoords="offset points",
                    xytext=(-50, 6),
                )
        sel = [sum(p["queries"][q]["median"] for q in SELECTIVE) * 1000 for p in reports]
        ax_q.plot(rx, sel, "o-", color="C0", label=f"{len(SELECTIVE)} selective queries (reports)")
        agg = [p["queries"][AGGREGATING[0]]["median"] * 1000 for p in reports]
        ax_q.plot(rx, agg, "^--", color="C2", label=f"{AGGREGATING[0]} (reports)")
    loaded = [p for p in links if p["linked_triples"]]
    if loaded:
        lx = [z + p["linked_triples"] for p in loaded]
        ax_t.plot(lx, [p["link_seconds"] for p in loaded], "D-", color="C3", label="ipgraph link cail --into")
        ax_m.plot(lx, [p["peak_mb"] for p in loaded], "D-", color="C3", label="link: peak memory")
        ax_m.plot(lx, [p["store_mb"] for p in loaded], "x--", color="C3", label="store size (links)")
        qx = [z + p["linked_triples"] for p in links]
        sel = [sum(p["queries"][q]["median"] for q in SELECTIVE) * 1000 for p in links]
        ax_q.plot(qx, sel, "D-", color="C3", label=f"{len(SELECTIVE)} selective queries (links)")
        rq = [p["queries"][AGGREGATING[0]]["median"] * 1000 for p in links]
        ax_q.plot(qx, rq, "^:", color="C2", label=f"{AGGREGATING[0]} (links)")
        agg = [p["queries"][AGGREGATING[1]]["median"] * 1000 for p in links]
        ax_q.plot(qx, agg, "v--", color="C1", label=f"{AGGREGATING[1]} (links)")
    slopes = fits.get("slopes", {})
    for ax, title, ylabel in (
        (ax_t, f"build and link time (build: slope {slopes.get('build_all') or 0:.2f})", "seconds"),
        (ax_m, "peak memory and store size", "MB"),
        (ax_q, f"query latency (selective: slope {slopes.get('selective_queries') or 0:.2f})", "milliseconds"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples in the store")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(
        f"ipgraph growth: the report + synthetic reports, and + linked judgment triples ({os.cpu_count()} CPUs; "
        "hollow markers: extrapolated)",
        fontsize=11,
    )
    IMG.mkdir(parents=True, exist_ok=True)
    out = [IMG / "performance-growth.png", IMG / "performance-growth.svg"]
    fig.savefig(out[0], dpi=110, metadata={"Software": None})
    fig.savefig(out[1], metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return out


# ------------------------------------------------------------------------------------------------ main
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options (``--quick`` shrinks every size and repetition).

    >>> a = parse_args(["--quick"])
    >>> a.reports, a.links
    ([1, 2, 3], [0, 100000, 300000])
    """
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a short smoke run: few repetitions, small sizes")
    p.add_argument("--reports", type=int, nargs="+", default=[1, 3, 10, 30], help="report counts to build")
    p.add_argument("--extrapolate", type=int, nargs="*", default=[100, 1000], help="report counts to extrapolate")
    p.add_argument("--links", type=int, nargs="+", default=[0, 1_000_000, 5_000_000], help="linked triples")
    p.add_argument("--link-baseline-max", type=int, default=1_000_000, help="largest link size with a baseline")
    p.add_argument("--build-runs", type=int, default=3)
    p.add_argument("--growth-runs", type=int, default=3, help="builds of each size of at most 3 reports")
    p.add_argument("--cli-runs", type=int, default=25)
    p.add_argument("--catalog-rounds", type=int, default=7)
    p.add_argument("--query-runs", type=int, default=7, help="runs of each query in the growth study")
    p.add_argument("--rdflib-runs", type=int, default=3)
    p.add_argument("--rdflib-timeout", type=float, default=10.0, help="seconds allowed to one rdflib query run")
    p.add_argument("--serve-requests", type=int, default=10_000)
    p.add_argument("--viz-runs", type=int, default=3)
    p.add_argument("--reuse", nargs="*", default=[], choices=["serve", "viz"], help="read these results files")
    sections = ["cli", "build", "catalog", "reports", "links", "endpoint", "viz", "link"]
    p.add_argument("--skip", nargs="*", default=[], choices=sections, help="sections to leave out")
    p.add_argument("--tmp", type=Path, default=None, help="where to make the temporary folder")
    p.add_argument("--out", type=Path, default=RESULTS / "suite.json")
    p.add_argument("--update-docs", action="store_true", help="replace the table in docs/performance.md")
    args = p.parse_args(argv)
    if args.quick:
        args.reports, args.links, args.link_baseline_max = [1, 2, 3], [0, 100_000, 300_000], 100_000
        args.build_runs = args.growth_runs = args.rdflib_runs = args.viz_runs = 1
        args.cli_runs, args.catalog_rounds, args.query_runs, args.serve_requests = 5, 3, 3, 2000
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    s = Suite(args)
    load_before = os.getloadavg()[0]
    print(f"ipgraph benchmark suite: {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load_before:.1f}")
    try:
        s.section("setup: build the report", lambda: section_setup(s))
        if "setup_build" not in s.details:
            print("the report does not build: nothing else can be measured")
            return 2
        plan: list[tuple[str, str, Callable[[], None]]] = [
            ("cli", "cli: ipgraph query vs the floor", lambda: section_cli(s)),
            ("build", "build: the process and its stages", lambda: section_build(s)),
            ("catalog", "catalog: ipgraph vs pyoxigraph vs rdflib", lambda: section_catalog(s)),
            ("reports", "growth: reports", lambda: section_growth_reports(s)),
            ("links", "growth: linked judgment triples", lambda: section_growth_links(s)),
            ("endpoint", "endpoint: bench_serve.py", lambda: section_endpoint(s)),
            ("viz", "viz: bench_viz.py", lambda: section_viz(s)),
            ("link", "link: bench_link.py results", lambda: section_link(s)),
        ]
        for key, name, fn in plan:
            if key not in args.skip:
                s.section(name, fn)
        images = plot(s)
        total = s.elapsed()
        s.add(row("suite", "the whole suite, end to end", "s", total, runs=1, target="< 15 min", met=total < 900))
        print()
        md = print_table(s.rows)
        print()
        for r in s.rows:
            if r.note and (r.met is False or r.extrapolated or "FAILED" in r.figure or "rdflib" in r.figure):
                print(f"note: {r.figure.strip()}: {r.note}")
        if any(r.extrapolated for r in s.rows):
            print(
                f"EXTRAPOLATED, not measured (time budget): the rows marked ≈ "
                f"({', '.join(map(str, args.extrapolate))} reports)"
            )
        took = ", ".join(f"{k.split(':')[0]} {v:.0f}s" for k, v in s.timings.items())
        print(f"suite: {total:.0f}s ({total / 60:.1f} min); sections: {took}")
        doc = {
            "benchmark": "suite",
            "command": " ".join(["python benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)]),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "note": "a shared machine: compare ratios within one run, not absolute times across runs",
            },
            "seconds": total,
            "section_seconds": s.timings,
            "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "selective_queries": SELECTIVE,
            "aggregating_queries": AGGREGATING,
            "rows": [asdict(r) for r in s.rows],
            "details": s.details,
            "images": [str(p.relative_to(ROOT)) for p in images],
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        args.out.with_suffix(".md").write_text(md, encoding="utf-8")
        print(f"wrote {args.out}, {args.out.with_suffix('.md')}" + "".join(f", {p}" for p in images))
        if args.update_docs:
            update_docs(md, doc)
        return 0
    finally:
        shutil.rmtree(s.tmp, ignore_errors=True)


def update_docs(md: str, doc: dict[str, Any]) -> None:
    """Replace the table between the markers of docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    start, end = "<!-- suite-table:start -->", "<!-- suite-table:end -->"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if start not in text or end not in text:
        print(f"{path}: no table markers; not updated")
        return
    m = doc["machine"]
    load = m["load_average_before_after"]
    head = (
        f"`{doc['command'].strip()}`: {m['cpus']} CPUs, Python {m['python']}, load {load[0]} → {load[1]}, "
        f"{doc['seconds'] / 60:.1f} min.\n\n"
    )
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    path.write_text(f"{before}{start}\n{head}{md}{end}{after}", encoding="utf-8")
    print(f"updated {path}")


if __name__ == "__main__":
    sys.exit(main())
