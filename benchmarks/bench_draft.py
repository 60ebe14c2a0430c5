"""How good `ipgraph draft` is: each report with hand-written facts drafted from its text and compared with them.

For every report folder under the given data folders (default: data/, tests/fixtures/, tests/fixtures/draft/), the
draft of its source text is compared with its fact files (``ipgraph.draft.evaluate``): recall and precision of
figures (value, measure, unit and period right, the number inside one of the figure's quotes), of figures with every
dimension right, and of mentions of known entities; and the time the draft takes (median of 5 runs, the vocabulary
loaded once, as in the verb). A report is "tuned on" once its text or its misses have shaped the rules (``TUNED_ON``
says which and when); every other report is "held out", a measurement on text the rules were not shaped by:
``invented-lanshan-2024`` and the reports of ``tests/fixtures/draft/`` written, with their facts, before any draft
of them was made and added as held-out reports became tuned on. The figures and relations of each role are also
pooled (matched over hand-written, over all its reports), the way the aims are stated. Relations are the statements
between named resources the fact files hold (``statements:``); a drafted relation with a new institution matches
where the report defines an entity of that name. Results: ``benchmarks/results/draft.json``.

    python benchmarks/bench_draft.py [DATA_DIR ...]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Reports whose text or misses shaped the rules. The first two were tuned on from the start; minhang and
#: shanghai-2024 after their misses were looked at in a first round; national, ningbo, qingxi and songhe after
#: they had been measured as held out (figures 93.8%, every dimension 70.3% for those rules, with lanshan) and their
#: misses were looked at in a second round; baihe and yunshui likewise in a third round (held out with lanshan
#: before it: figures 89.1%, every dimension 65.5%).
TUNED_ON = {
    "shanghai-2023",
    "invented-qinghu-2024",
    "invented-minhang-2023",
    "invented-shanghai-2024",
    "invented-national-2021-2023",
    "invented-ningbo-2017-2021",
    "invented-qingxi-2024",
    "invented-songhe-2024",
    "invented-baihe-2024",
    "invented-yunshui-2023",
    # a fourth round: meixi's draft was reviewed by hand into a clean build (the review measure), and its one
    # rule miss ("12.0% fewer than in 2021" read as a 2021 figure) was fixed, so it counts as tuned on from then
    "invented-meixi-2022",
    # a fifth round, for relations: heqiao was written with its relations after the relation rules of the seed
    # and measured as held out (relations 3 of 10 found, 3 of 5 proposed right; jinghe and qiaoshan 0 of 2, none
    # proposed); its misses (the SPP taken for "we", "Of these" in the next sentence, the amendment's charge named
    # in part) were then fixed, so it counts as tuned on; zhuxi was written after that fix
    "invented-heqiao-2024",
}
DEFAULT_DATA_DIRS = [ROOT / "data", ROOT / "tests" / "fixtures", ROOT / "tests" / "fixtures" / "draft"]


def main(argv: list[str]) -> int:
    from ipgraph.draft.evaluate import evaluate
    from ipgraph.draft.vocabulary import load_vocabulary
    from ipgraph.reading.facts import find_report_folders, load_report

    data_dirs = [Path(a) for a in argv] or DEFAULT_DATA_DIRS
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
                    "role": "tuned on" if e.report in TUNED_ON else "held out",
                    "characters": len(text),
                    "figures": {
                        "recall": e.figures.recall,
                        "precision": e.figures.precision,
                        "matched": e.figures.matched_gold,
                        "hand_written": e.figures.gold,
                        "proposed": e.figures.draft,
                        "right_proposed": e.figures.matched_draft,
                    },
                    "all_dimensions": {
                        "recall": e.all_dimensions.recall,
                        "precision": e.all_dimensions.precision,
                        "matched": e.all_dimensions.matched_gold,
                        "right_proposed": e.all_dimensions.matched_draft,
                    },
                    "mentions": {"recall": e.mentions.recall, "precision": e.mentions.precision},
                    "relations": {
                        "recall": e.relations.recall,
                        "precision": e.relations.precision,
                        "matched": e.relations.matched_gold,
                        "hand_written": e.relations.gold,
                        "proposed": e.relations.draft,
                    },
                    "draft_seconds": statistics.median(r.seconds for r in runs),
                }
            )
    print(f"vocabulary (ontology + entities of data/): {vocabulary_seconds:.2f}s, {len(vocabulary.terms)} terms")
    header = (
        f"{'report':<28} {'role':<9} {'figures R/P':>13} {'all dims R/P':>13} {'mentions R/P':>13} "
        f"{'relations':>9} {'draft':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        f, d, m, rel = r["figures"], r["all_dimensions"], r["mentions"], r["relations"]
        hit = rel["matched"]
        print(
            f"{r['report']:<28} {r['role']:<9} {f['recall']:>6.1%}/{f['precision']:<6.1%} "
            f"{d['recall']:>6.1%}/{d['precision']:<6.1%} {m['recall']:>6.1%}/{m['precision']:<6.1%} "
            f"{hit:>3}/{rel['hand_written']}/{rel['proposed']:<3} {r['draft_seconds']:>6.3f}s"
        )
    pooled = {role: _pooled([r for r in rows if r["role"] == role]) for role in ("tuned on", "held out")}
    for role, p in pooled.items():
        print(
            f"{role + ' (pooled)':<38} {p['figures_recall']:>6.1%}/{p['figures_precision']:<6.1%} "
            f"{p['all_dimensions_recall']:>6.1%}/{p['all_dimensions_precision']:<6.1%} {'':>13} "
            f"{p['relations_matched']:>3}/{p['relations_hand_written']}/{p['relations_proposed']:<3}"
        )
    out = ROOT / "benchmarks" / "results" / "draft.json"
    result = {"vocabulary_seconds": vocabulary_seconds, "pooled": pooled, "reports": rows}
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


def _pooled(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Figures and relations of several reports taken together: recall over all hand-written ones, precision over all
    proposed."""
    gold = sum(r["figures"]["hand_written"] for r in rows)
    proposed = sum(r["figures"]["proposed"] for r in rows)

    def total(part: str, key: str) -> int:
        return sum(int(r[part][key]) for r in rows)

    return {
        "reports": len(rows),
        "hand_written": gold,
        "proposed": proposed,
        "figures_recall": total("figures", "matched") / gold if gold else 1.0,
        "figures_precision": total("figures", "right_proposed") / proposed if proposed else 1.0,
        "all_dimensions_recall": total("all_dimensions", "matched") / gold if gold else 1.0,
        "all_dimensions_precision": total("all_dimensions", "right_proposed") / proposed if proposed else 1.0,
        "relations_matched": total("relations", "matched"),
        "relations_hand_written": total("relations", "hand_written"),
        "relations_proposed": total("relations", "proposed"),
        "relations_recall": _share(total("relations", "matched"), total("relations", "hand_written")),
        "relations_precision": _share(total("relations", "matched"), total("relations", "proposed")),
    }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
