"""``ipgraph numbers``: list every number ipgraph reads in a text, so that a person entering facts sees what it accepts.

Each number is listed with its offset (in characters, as quotes resolve), its line, its exact text, its value, its
kind (count, percent, rate, multiple, ordinal, year, amount …), its qualifier, and a note where a reader should
know more (a heading number is not a figure; "rose by N times" has two readings). The reader is the one ``build``
uses to prove that a figure's value is written in its quote, and ``coverage`` to list the numbers no quote covers.

>>> rows = number_rows("一、概况\\n共办理案件1,369件，同比上升1.4倍。")
>>> [(r["line"], r["text"], r["value"], r["kind"], r["note"]) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
[(1, '一', '1', 'ordinal', 'heading number, not a figure'), (2, '1,369件', '1369', 'count', ''),
 (2, '1.4倍', '1.4', 'multiple', '“rose by N times”: ×1.4 or ×2.4 (both readings are kept)')]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from ipgraph.reading.numerals import find_numbers, structural_spans

COLUMNS = ("offset", "end", "line", "text", "value", "kind", "qualifier", "form", "note")
_INCREASE = re.compile(r"(上升|增长|增長|增加|提高|提升|上涨|上漲|\b(rose|grew|increased|up)\b(\s+by)?)\s*$")


def number_rows(text: str) -> list[dict[str, Any]]:
    """One row per number of ``text``: the columns of :data:`COLUMNS`."""
    skip = structural_spans(text)
    rows: list[dict[str, Any]] = []
    for m in find_numbers(text):
        note = ""
        if any(a <= m.start < b for a, b in skip):
            note = "heading number, not a figure"
        elif m.kind == "multiple" and m.value is not None and _INCREASE.search(text[max(0, m.start - 12) : m.start]):
            note = f"“rose by N times”: ×{m.value} or ×{m.value + 1} (both readings are kept)"
        elif m.value is None:
            note = "a vague quantity: no value"
        rows.append(
            {
                "offset": m.start,
                "end": m.end,
                "line": text.count("\n", 0, m.start) + 1,
                "text": m.text,
                "value": "" if m.value is None else str(m.value),
                "kind": m.kind,
                "qualifier": m.qualifier,
                "form": m.form,
                "note": note,
            }
        )
    return rows


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [list(COLUMNS)] + [[str(r[c]) for c in COLUMNS] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def _cmd_numbers(args: argparse.Namespace) -> int:
    from ipgraph.reading.safe_read import TEXT_LIMIT, read_text

    text = read_text(Path(args.file), TEXT_LIMIT, "the text")
    rows = number_rows(text)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        structural = sum(1 for r in rows if r["note"].startswith("heading"))
        print(_table(rows))
        print(f"{len(rows)} numbers ({structural} heading numbers, not figures) in {args.file}")
    return 0


def add_parser(sub: Any, root: Path) -> None:
    """Register ``ipgraph numbers``."""
    p = sub.add_parser(
        "numbers",
        help="list every number ipgraph reads in a text (English or Chinese): offset, line, text, value, kind",
        epilog="examples: ipgraph numbers data/sources/shanghai-ip-white-paper-2023.en.txt | "
        "ipgraph numbers report.zh.txt --format csv",
    )
    p.add_argument("file", help="a UTF-8 text file")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=_cmd_numbers)
