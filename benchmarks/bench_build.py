"""Build growth with the number of reports: time, peak memory, and the cost of adding one report to a build.

Run from the project root (after ``make setup``)::

    python benchmarks/bench_build.py                   # 1, 10 and 100 reports (about 10 minutes on 2 cores)
    python benchmarks/bench_build.py --reports 1 10 100 1000

For each size N the data folder holds the real report and N - 1 synthetic copies (``synthetic_reports.py``), and:

- ``ipgraph build --full`` runs as a process: wall time and peak memory (the child's ``ru_maxrss``, from
  ``wait4``), the stage times it prints, triples;
- one more synthetic report is added and ``ipgraph build`` runs again on the same output: only the new report and
  the cross-report pass are built, the other parts are reused;
- the ratios: time per report against the 1-report build (1.0 = linear), peak memory against the 10-report
  build, and adding one report against a 1-report build (all measured in this run).

Results: ``benchmarks/results/build.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as suite  # noqa: E402 (the suite's child-process runner and data maker)
import synthetic_reports  # noqa: E402

RESULTS = HERE / "results" / "build.json"


def data_folder(tmp: Path, n: int) -> Path:
    """The real report and ``n - 1`` synthetic copies."""
    data = tmp / f"data-{n}"
    shutil.copytree(suite.ROOT / "data" / "reports" / "shanghai-2023", data / "reports" / "shanghai-2023")
    shutil.copytree(suite.ROOT / "data" / "shared", data / "shared")  # the places and institutions it names
    (data / "sources").mkdir(parents=True)
    for src in (suite.ROOT / "data" / "sources").glob("*.txt"):
        shutil.copy(src, data / "sources" / src.name)
    if n > 1:
        synthetic_reports.generate(n - 1, data)
    return data


def one_build(data: Path, out: Path, *extra: str) -> dict[str, Any]:
    """One ``ipgraph build`` process (with ``extra`` options)."""
    run = suite.run_child(suite.ipgraph("build", *extra, "--data", str(data), "--out", str(out)))
    if run.code != 0:
        raise RuntimeError(f"ipgraph build failed ({run.code}):\n{run.output[-2000:]}")
    stages = {k: float(v) for k, v in suite._BUILD_TIME.findall(run.output.split("time:")[-1])}
    reused = 0
    for line in run.output.splitlines():
        if "reused from the previous build" in line:
            reused = int(line.split(":")[1].split("(")[0].replace(",", ""))
    triples = next((int(x.split(":")[1].replace(",", "")) for x in run.output.splitlines() if "triples:" in x), 0)
    return {"seconds": run.seconds, "peak_mb": run.peak_mb, "stages": stages, "reused": reused, "triples": triples}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--tmp", type=Path, default=None, help="where the data and builds go (default: a temporary folder)")
    p.add_argument("--keep", type=Path, default=None, help="move the largest build here (e.g. to push it afterwards)")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="ipgraph-bench-build-", dir=args.tmp))
    points: list[dict[str, Any]] = []
    try:
        for n in args.reports:
            data = data_folder(tmp, n)
            out = tmp / f"build-{n}"
            full = one_build(data, out, "--full")
            synthetic_reports.generate(1, data, start=n)  # one more report (synthetic-N)
            added = one_build(data, out)
            points.append({"reports": n, "full": full, "add_one": added})
            print(
                f"{n:>5} reports: full {full['seconds']:7.1f} s, peak {full['peak_mb']:6.0f} MB, "
                f"{full['triples']:,} triples; +1 report {added['seconds']:5.1f} s ({added['reused']} reused)",
                flush=True,
            )
            if args.keep is not None and n == max(args.reports):
                shutil.rmtree(args.keep, ignore_errors=True)
                shutil.move(str(out), str(args.keep))
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = next((pt for pt in points if pt["reports"] == 1), points[0])
    ten = next((pt for pt in points if pt["reports"] == 10), None)
    for pt in points:
        n = pt["reports"]
        pt["seconds_per_report_vs_1"] = (pt["full"]["seconds"] / n) / (base["full"]["seconds"] / base["reports"])
        pt["add_one_vs_one_report_build"] = pt["add_one"]["seconds"] / base["full"]["seconds"]
        if ten is not None:
            pt["peak_vs_10"] = pt["full"]["peak_mb"] / ten["full"]["peak_mb"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"points": points}, indent=1) + "\n", encoding="utf-8")
    head = ("reports", "full s", "s/report vs 1", "peak MB", "peak vs 10", "+1 s", "+1 vs 1")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (7, 8, 14, 8, 11, 6, 8), strict=True)))
    for pt in points:
        print(
            f"{pt['reports']:>7} {pt['full']['seconds']:>8.1f} {pt['seconds_per_report_vs_1']:>14.2f} "
            f"{pt['full']['peak_mb']:>8.0f} {pt.get('peak_vs_10', float('nan')):>11.2f} "
            f"{pt['add_one']['seconds']:>6.1f} {pt['add_one_vs_one_report_build']:>8.2f}"
        )
    print(f"results: {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
