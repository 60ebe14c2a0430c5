"""How good `ipgraph draft` is: each report with hand-written facts drafted from its text and compared with them.

For every report folder under the given data folders (default: data/ and tests/fixtures/), the draft of its source
text is compared with its fact files (``ipgraph.draft.evaluate``): recall and precision of figures (value, measure,
unit and period right, the number inside one of the figure's quotes), of figures with every dimension right, and of
mentions of known entities; and the time the draft takes (median of 5 runs, the vocabulary loaded once, as in the
verb). The rules were tuned on ``shanghai-2023`` (English) and ``invented-qinghu-2024`` (simplified Chinese) only:
every other report is a measurement on text the rules were not shaped by. Results: ``benchmarks/results/draft.json``.

    python benchmarks/bench_draft.py [DATA_DIR ...]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUNED_ON = {"shanghai-2023", "invented-qinghu-2024"}


def main(argv: list[str]) -> int:
    from ipgraph.draft.evaluate import evaluate
    from ipgraph.draft.vocabulary import load_vocabulary
    from ipgraph.facts import find_report_folders, load_report

    data_dirs = [Path(a) for a in argv] or [ROOT / "data", ROOT / "tests" / "fixtures"]
    data_dirs = [d for d in data_dirs if (d / "reports").is_dir()]
    t = time.perf_counter()
    vocabulary = load_vocabulary(ROOT / "ontology" / "ipgraph.ttl", [ROOT / "data"])
    vocabulary_seconds = time.perf_counter() - t
    rows = []
    for data in data_dirs:
        for folder in find_report_folders(data):
            report = load_report(folder)
            text = report.source_path.read_text(encoding="utf-8")
            runs = [evaluate(report, text, vocabulary) for _ in range(5)]
            e = runs[0]
            rows.append(
                {
                    "report": e.report,
                    "role": "tuned on" if e.report in TUNED_ON else "measured",
                    "characters": len(text),
                    "figures": {
                        "recall": e.figures.recall,
                        "precision": e.figures.precision,
                        "matched": e.figures.matched_gold,
                        "hand_written": e.figures.gold,
                        "proposed": e.figures.draft,
                    },
                    "all_dimensions": {"recall": e.all_dimensions.recall, "precision": e.all_dimensions.precision},
                    "mentions": {"recall": e.mentions.recall, "precision": e.mentions.precision},
                    "draft_seconds": statistics.median(r.seconds for r in runs),
                }
            )
    print(f"vocabulary (ontology + entities of data/): {vocabulary_seconds:.2f}s, {len(vocabulary.terms)} terms")
    header = f"{'report':<28} {'role':<9} {'figures R/P':>13} {'all dims R/P':>13} {'mentions R/P':>13} {'draft':>7}"
    print(header)
    print("-" * len(header))
    for r in rows:
        f, d, m = r["figures"], r["all_dimensions"], r["mentions"]
        print(
            f"{r['report']:<28} {r['role']:<9} {f['recall']:>6.1%}/{f['precision']:<6.1%} "
            f"{d['recall']:>6.1%}/{d['precision']:<6.1%} {m['recall']:>6.1%}/{m['precision']:<6.1%} "
            f"{r['draft_seconds']:>6.3f}s"
        )
    out = ROOT / "benchmarks" / "results" / "draft.json"
    out.write_text(json.dumps({"vocabulary_seconds": vocabulary_seconds, "reports": rows}, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
