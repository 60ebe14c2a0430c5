"""The Chinese number reader, checked against invented sentences annotated by hand, form by form.

``gold.yaml`` holds the sentences the reader was written against: each must be read exactly. ``heldout.yaml`` holds
sentences written after the reader was finished and never tuned on: its recall and precision per form are measured
(``python tests/test_numerals_zh.py`` prints both tables) and must stay above a floor.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipgraph.reading.numerals import find_numbers, structural_spans, value_occurs

HERE = Path(__file__).parent / "fixtures" / "numerals-zh"
Number = tuple[str, Decimal | None, str, str]


def load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))["cases"]
    return cases


def expected(case: dict[str, Any]) -> list[Number]:
    return [(t, None if v is None else Decimal(str(v)), k, q) for t, v, k, q in case["numbers"]]


def read(text: str) -> list[Number]:
    return [(m.text, m.value, m.kind, m.qualifier) for m in find_numbers(text)]


def scores(cases: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """Per form: (numbers read right, numbers read, numbers a reader sees). A number is right when its exact
    text, value, kind and qualifier all match the annotation."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        gold, got = expected(case), read(case["text"])
        row = out[case["form"]]
        remaining = list(gold)
        for n in got:
            if n in remaining:
                remaining.remove(n)
                row[0] += 1
        row[1] += len(got)
        row[2] += len(gold)
    return {form: (r[0], r[1], r[2]) for form, r in out.items()}


def table(cases: list[dict[str, Any]]) -> str:
    lines = [f"{'form':<20} {'right':>5} {'read':>5} {'gold':>5} {'recall':>7} {'precision':>9}"]
    total = [0, 0, 0]
    for form, (right, got, gold) in [*scores(cases).items()]:
        total = [total[0] + right, total[1] + got, total[2] + gold]
        lines.append(_line(form, right, got, gold))
    lines.append(_line("all", *total))
    return "\n".join(lines)


def _line(form: str, right: int, got: int, gold: int) -> str:
    recall = f"{right / gold:.0%}" if gold else "—"
    precision = f"{right / got:.0%}" if got else "—"
    return f"{form:<20} {right:>5} {got:>5} {gold:>5} {recall:>7} {precision:>9}"


@pytest.mark.parametrize("case", load("gold.yaml"), ids=lambda c: f"{c['form']}:{c['text'][:12]}")
def test_each_sentence_is_read_as_annotated(case: dict[str, Any]) -> None:
    assert read(case["text"]) == expected(case)


def test_every_form_of_the_brief_is_covered() -> None:
    forms = {c["form"] for c in load("gold.yaml")}
    assert forms >= {
        *("arabic-beside-cjk", "fullwidth", "chinese-numerals", "scale", "percent", "tenths", "multiple", "ordinal"),
        *("qualifiers", "traditional", "year-date", "headings", "not-numbers", "mixed"),
    }


def test_heldout_recall_and_precision_stay_high() -> None:
    right, got, gold = (sum(x) for x in zip(*scores(load("heldout.yaml")).values(), strict=True))
    assert right / gold >= 0.85, table(load("heldout.yaml"))
    assert right / got >= 0.85, table(load("heldout.yaml"))


def test_offsets_are_characters_and_text_is_exact() -> None:
    text = "二〇二三年，全市受理６，９２４件，近9成涉及商标。"
    for m in find_numbers(text):
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("value", "quote", "occurs"),
    [
        ("90", "近9成的案件涉及商标", True),
        ("9", "近9成的案件涉及商标", False),
        ("1", "假冒注册商标罪位居第一", True),
        ("69000", "涉案金额6.9万元", True),
        ("6.9", "涉案金额6.9万元", False),
        ("1.4", "同比上升1.4倍", True),
        ("-12.5", "同比下降12.5%", True),
        ("2023", "2023年", True),
        ("1", "统一司法标准", False),
        ("20000", "全年受理案件兩萬餘件", True),
        ("58.09", "占比５８．０９％", True),
    ],
)
def test_value_occurs_in_chinese_quotes(value: str, quote: str, occurs: bool) -> None:
    assert value_occurs(Decimal(value), quote) is occurs


def test_heading_numbers_are_structural() -> None:
    text = "一、总体情况\n（一）刑事检察\n1．办案数量\n第二部分 举措\n全年办案5件。一是加强协作。"
    spans = structural_spans(text)
    figures = [m.text for m in find_numbers(text) if not any(a <= m.start < b for a, b in spans)]
    assert figures == ["5件"]


def test_the_english_reader_is_unchanged_on_english_text() -> None:
    got = [(m.text, m.value, m.form) for m in find_numbers("1,369 cases rose 144.3%, two rose by five times")]
    assert got == [
        ("1,369", Decimal("1369"), "digits"),
        ("144.3", Decimal("144.3"), "digits"),
        ("two", Decimal("2"), "cardinal"),
        ("five", Decimal("5"), "cardinal"),
    ]


if __name__ == "__main__":
    for name in ("gold.yaml", "heldout.yaml"):
        print(f"{name}\n{table(load(name))}\n", file=sys.stdout)
