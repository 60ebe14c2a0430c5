"""Numbers in report text: digits, number words and ordinals, with their offsets.

Used twice: to prove that a figure's value occurs inside the quote it rests on, and to list the numbers of a
source text that no fact covers.

>>> [(m.text, m.value) for m in find_numbers("1,369 cases rose 144.3%, two rose by five times")]
[('1,369', Decimal('1369')), ('144.3', Decimal('144.3')), ('two', Decimal('2')), ('five', Decimal('5'))]
>>> value_occurs(Decimal("100000000"), "worth more than RMB 100 million")
True
>>> value_occurs(Decimal("-29.5"), "29.5% was substantially optimized")
True
>>> value_occurs(Decimal("1"), "still ranked the top in criminal cases")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

CARDINALS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "firstly": 1, "secondly": 2, "thirdly": 3, "top": 1,
}  # fmt: skip
MULTIPLIERS: dict[str, int] = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_WORD_ALT = "|".join(sorted([*CARDINALS, *ORDINALS], key=len, reverse=True))
_PATTERN = re.compile(
    r"(?P<digits>(?<![\w.,:])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]))"
    r"(?:\s+(?P<mult>thousand|million|billion)\b)?"
    r"|(?P<vague>\btens of thousands\b)"
    r"|(?P<word>\b(?:" + _WORD_ALT + r")\b)",
    re.IGNORECASE,
)
_STRUCTURAL = re.compile(r"^\s*\d+\.\s|\[footnoteRef:\d+\]|\[\d+:\s", re.MULTILINE)


@dataclass(frozen=True)
class NumberMention:
    """A number written in a text: where it is, how it is written, and its value (None if vague)."""

    start: int
    end: int
    text: str
    value: Decimal | None
    kind: str  # "digits" | "cardinal" | "ordinal" | "vague"


def find_numbers(text: str) -> list[NumberMention]:
    """Every number written in ``text``, in order."""
    found: list[NumberMention] = []
    for m in _PATTERN.finditer(text):
        if m.group("digits"):
            value = Decimal(m.group("digits").replace(",", ""))
            if m.group("mult"):
                value *= MULTIPLIERS[m.group("mult").lower()]
            found.append(NumberMention(m.start(), m.end(), m.group(0), value, "digits"))
        elif m.group("vague"):
            found.append(NumberMention(m.start(), m.end(), m.group(0), None, "vague"))
        else:
            word = m.group("word").lower()
            if word in CARDINALS:
                found.append(NumberMention(m.start(), m.end(), m.group(0), Decimal(CARDINALS[word]), "cardinal"))
            else:
                found.append(NumberMention(m.start(), m.end(), m.group(0), Decimal(ORDINALS[word]), "ordinal"))
    return found


def structural_spans(text: str) -> list[tuple[int, int]]:
    """Spans of paragraph numbering (``1. ``) and footnote markers, whose digits are not figures."""
    return [(m.start(), m.end()) for m in _STRUCTURAL.finditer(text)]


def value_occurs(value: Decimal, quote: str) -> bool:
    """Whether ``value`` (or its magnitude, for a signed change) is written in ``quote``."""
    wanted = abs(value)
    return any(m.value is not None and m.value == wanted for m in find_numbers(quote))
