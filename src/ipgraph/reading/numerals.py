"""Numbers in report text, English or Chinese: digits, number words and ordinals, with their offsets.

Used to prove that a figure's value occurs inside the quote it rests on, to list the numbers of a source text that
no fact covers, and by ``ipgraph numbers``. English is read here; Chinese by :mod:`ipgraph.reading.numerals_zh`,
and a text mixing both scripts is read by both (where they overlap, the Chinese reading, which sees the unit, is kept).

>>> [(m.text, m.value) for m in find_numbers("1,369 cases rose 144.3%, two rose by five times")]
[('1,369', Decimal('1369')), ('144.3', Decimal('144.3')), ('two', Decimal('2')), ('five', Decimal('5'))]
>>> value_occurs(Decimal("100000000"), "worth more than RMB 100 million")
True
>>> value_occurs(Decimal("-29.5"), "29.5% was substantially optimized")
True
>>> value_occurs(Decimal("1"), "still ranked the top in criminal cases")
True
>>> value_occurs(Decimal("90"), "近9成的案件"), value_occurs(Decimal("1"), "位居第一")
(True, True)
>>> [(m.text, m.kind, m.qualifier) for m in find_numbers("more than 20 cases, 9.4% of them, in 2023 (同比上升1.4倍)")]
[('20', 'count', 'more-than'), ('9.4', 'percent', 'exact'), ('2023', 'year', 'exact'), ('1.4倍', 'multiple', 'exact')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ipgraph.reading.numerals_zh import chinese_numeral_value, find_numbers_zh, is_cjk, structural_spans_zh

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
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
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
_QUALIFIER_BEFORE = re.compile(
    r"\b(?P<q>more than|over|exceeding|nearly|almost|about|around|approximately|some|at least|no less than|"
    r"not less than|less than|fewer than|under|at most|no more than|up to)\s+(?:RMB\s+|USD\s+)?$",
    re.IGNORECASE,
)
_QUALIFIERS_EN = {
    "more than": "more-than", "over": "more-than", "exceeding": "more-than", "nearly": "approximate",
    "almost": "approximate", "about": "approximate", "around": "approximate", "approximately": "approximate",
    "some": "approximate", "at least": "at-least", "no less than": "at-least", "not less than": "at-least",
    "less than": "less-than", "fewer than": "less-than", "under": "less-than", "at most": "at-most",
    "no more than": "at-most", "up to": "at-most",
}  # fmt: skip
_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_CHANGE_EN = re.compile(r"\b(rose|rise|up|increased?|grew|fell|fall|down|decreased?|dropped|declined|by)\b\W{0,3}$")

#: The kinds of number :func:`find_numbers` tells apart.
KINDS = ("count", "percent", "rate", "points", "multiple", "ordinal", "year", "date", "duration", "amount", "vague")


@dataclass(frozen=True)
class NumberMention:
    """A number written in a text: where it is, its exact text, its value (None if vague), how it is written
    (``form``: digits, cardinal, ordinal, chinese, vague), what it counts (``kind``, one of :data:`KINDS`) and the
    value qualifier the words around it set (an ontology ``qualifier:`` code)."""

    start: int
    end: int
    text: str
    value: Decimal | None
    form: str
    kind: str = "count"
    qualifier: str = "exact"
    written: str = ""  # the numeral alone, as written: "1,369", "five", "9" of "近9成"

    @property
    def digits(self) -> str:
        """The value in ASCII digits: as written when the numeral alone states it, keeping its precision
        (``５８．０９％`` → ``58.09``, ``百分之三十`` → ``30``), else the value (``9成`` → ``90``, ``6.9万`` →
        ``69000``); English numbers as written (``1,369``, ``five``).

        >>> [m.digits for m in find_numbers("５８．０９％、百分之三十、9成、12.0%、1,369 cases")]
        ['58.09', '30', '90', '12.0', '1,369']
        """
        if self.form not in ("chinese",) and (self.form != "digits" or self.text == self.written):
            return self.text
        if self.value is None:
            return self.text
        plain = self.written.translate(_FULLWIDTH).replace(",", "")
        if self.form == "chinese":
            parsed = chinese_numeral_value(self.written)
            plain = str(parsed) if parsed is not None else ""
        return plain if plain and Decimal(plain) == self.value else str(self.value)


def find_numbers(text: str, language: str | None = None) -> list[NumberMention]:
    """Every number written in ``text``, English or Chinese, in order.

    ``language`` forces a reading instead of detecting it: ``"en"`` reads English only (Chinese numerals are left
    alone), ``"zh"`` reads Chinese, and of the English reader only numbers in digits (no number words).

    >>> [[m.text for m in find_numbers("one of 3 cases, 三起", lang)] for lang in (None, "en", "zh")]
    [['one', '3', '三起'], ['one', '3'], ['3', '三起']]
    """
    found = _find_english(text)
    if language == "zh":
        found = [m for m in found if m.form == "digits"]
    if language != "en" and (language == "zh" or any(is_cjk(ch) for ch in text)):
        chinese = [
            NumberMention(z.start, z.end, z.text, z.value, z.form, z.kind, z.qualifier, z.written)
            for z in find_numbers_zh(text)
        ]
        found = [m for m in found if not any(z.start < m.end and m.start < z.end for z in chinese)] + chinese
        found.sort(key=lambda m: m.start)
    return found


def _find_english(text: str) -> list[NumberMention]:
    found: list[NumberMention] = []
    for m in _PATTERN.finditer(text):
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 30]
        q = _QUALIFIER_BEFORE.search(before)
        qualifier = _QUALIFIERS_EN[q.group("q").lower()] if q else "exact"
        if m.group("digits"):
            value = Decimal(m.group("digits").replace(",", ""))
            if m.group("mult"):
                value *= MULTIPLIERS[m.group("mult").lower()]
            kind = _kind_en(m.group("digits"), before, after)
            found.append(NumberMention(m.start(), m.end(), m.group(0), value, "digits", kind, qualifier, m.group(0)))
        elif m.group("vague"):
            found.append(NumberMention(m.start(), m.end(), m.group(0), None, "vague", "vague", "approximate"))
        else:
            word = m.group("word").lower()
            if word in CARDINALS:
                kind = _kind_en(word, before, after)
                value = Decimal(CARDINALS[word])
                found.append(NumberMention(m.start(), m.end(), m.group(0), value, "cardinal", kind, qualifier, word))
            else:
                value = Decimal(ORDINALS[word])
                found.append(NumberMention(m.start(), m.end(), m.group(0), value, "ordinal", "ordinal", "exact", word))
    return found


def _kind_en(written: str, before: str, after: str) -> str:
    if re.match(r"\s*(%|percent\b|per cent\b)", after, re.IGNORECASE):
        return "rate" if _CHANGE_EN.search(before) else "percent"
    if re.match(r"\s*percentage points?\b", after, re.IGNORECASE):
        return "points"
    if re.match(r"\s*(times\b|-?fold\b)", after, re.IGNORECASE):
        return "multiple"
    if re.search(r"(RMB|yuan|USD|US\$|\$|¥|￥)\s*$", before) or re.match(r"\s*(yuan|RMB)\b", after):
        return "amount"
    if re.search(rf"\b({_MONTHS})\s*$", before) or re.match(rf"\s*({_MONTHS})\b", after):
        return "date"
    if re.fullmatch(r"(19|20)\d\d", written):
        return "year"
    if re.match(r"\s*(days?|months?|years?|hours?|weeks?)\b", after, re.IGNORECASE):
        return "duration"
    return "count"


def structural_spans(text: str) -> list[tuple[int, int]]:
    """Spans of paragraph numbering (``1. ``, ``一、``, ``（一）``) and footnote markers, whose digits are not
    figures."""
    spans = [(m.start(), m.end()) for m in _STRUCTURAL.finditer(text)]
    if any(is_cjk(ch) for ch in text):
        spans = sorted(spans + structural_spans_zh(text))
    return spans


def value_occurs(value: Decimal, quote: str) -> bool:
    """Whether ``value`` (or its magnitude, for a signed change) is written in ``quote``."""
    wanted = abs(value)
    return any(m.value is not None and m.value == wanted for m in find_numbers(quote))
