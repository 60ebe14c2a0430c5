"""Sentences and clauses of a report's text, with the character offsets of each in the whole text.

A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital (English), at ``。！？`` (Chinese), or at
a line break. Paragraph numbering (``2. ``, ``(II) ``, ``一、``, ``（二）``, ``1．`` before Chinese) is not part of the
sentence after it.

>>> text = "1. There were 28 cases. Two were protested; one was amended.\\n二、受理案件12件。其中3件上升。\\n2．罪名。"
>>> [s.text for s in split_sentences(text)]
['There were 28 cases.', 'Two were protested; one was amended.', '受理案件12件。', '其中3件上升。', '罪名。']
>>> s = split_sentences(text)[1]
>>> text[s.start:s.end] == s.text
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERING = re.compile(
    r"^\s*(?:[0-9０-９]+[.．](?:\s+|(?=[\u3400-\u9fff]))|\(([IVX]+)\)\s*|[IVX]+\.\s+|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+[部分章节]\s*)"
)
_ABBREVIATIONS = ("No.", "no.", "i.e.", "e.g.", "etc.", "Art.", "art.", "arts.", "Mr.", "Ms.", "Dr.", "vs.", "Co.")
_EN_END = re.compile(r"[.!?][”\"’)]?(?=\s+[A-Z“\"(\d])")
_ZH_END = re.compile(r"[。！？][”」』）]?")


@dataclass(frozen=True)
class Span:
    """A stretch of the text: where it starts and ends, and what it says."""

    start: int
    end: int
    text: str


def split_sentences(text: str, language: str | None = None) -> list[Span]:
    """Every sentence of ``text``, in order, with offsets into ``text``.

    ``language`` forces the sentence ends instead of taking both: ``"en"`` ends at ``. `` before a capital only,
    ``"zh"`` at ``。！？`` only (an English "Mr. Wang" inside Chinese text does not end a sentence).

    >>> [s.text for s in split_sentences("受理Mr. Wang案。Two cases. 其中3件。", "zh")]
    ['受理Mr. Wang案。', 'Two cases. 其中3件。']
    >>> [s.text for s in split_sentences("受理Mr. Wang案。Two cases. 其中3件。", "en")]
    ['受理Mr. Wang案。Two cases. 其中3件。']
    """
    out: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        m = _NUMBERING.match(line)
        body_start = m.end() if m else len(line) - len(line.lstrip())
        for start, end in _line_sentences(line, body_start, language):
            piece = line[start:end].strip()
            if piece:
                lead = len(line[start:end]) - len(line[start:end].lstrip())
                out.append(Span(line_start + start + lead, line_start + start + lead + len(piece), piece))
    return out


_HEADING_LEVELS = (
    (1, re.compile(r"^\s*(?:[IVX]+\.\s*|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[部分章节]\s*)")),
    (2, re.compile(r"^\s*(?:\(\s*[IVX]+\s*\)\s*|（[一二三四五六七八九十]+）)")),
)


def headings(text: str) -> list[tuple[int, int, str]]:
    """The section headings of ``text``: (offset of the line, level 1 or 2, the heading's words).

    A heading is a line of its own, numbered ``IV.`` / ``一、`` (level 1) or ``(II)`` / ``（二）`` (level 2), short
    and without a full stop at its end.

    >>> headings("IV. Comprehensive Performance\\n(I) Overall Situation\\n1. There were 9 cases.\\n二、民事检察")
    [(0, 1, 'Comprehensive Performance'), (30, 2, 'Overall Situation'), (75, 1, '民事检察')]
    """
    found: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.split("\n"):
        for level, pattern in _HEADING_LEVELS:
            m = pattern.match(line)
            words = line[m.end() :].strip() if m else ""
            if m and words and len(words) <= 150 and not re.search(r"[.。;；:：]$", words):
                found.append((offset, level, words))
                break
        offset += len(line) + 1
    return found


def _line_sentences(line: str, start: int, language: str | None) -> list[tuple[int, int]]:
    cuts: list[int] = []
    for m in _ZH_END.finditer(line, start) if language != "en" else ():
        cuts.append(m.end())
    for m in _EN_END.finditer(line, start) if language != "zh" else ():
        head = line[max(start, m.start() - 6) : m.end()]
        if head.endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", head):
            continue
        cuts.append(m.end())
    spans, prev = [], start
    for cut in sorted(set(cuts)):
        if cut > prev:
            spans.append((prev, cut))
            prev = cut
    spans.append((prev, len(line)))
    return spans


def clause_bounds(sentence: str, at: int) -> tuple[int, int]:
    """The clause of ``sentence`` around offset ``at``: between the nearest ``;``/``；``/``，``/``, `` on each side.

    >>> s = "There were 28 cases, including two retrials; 15 were rectified."
    >>> a, b = clause_bounds(s, s.index("15"))
    >>> s[a:b]
    ' 15 were rectified.'
    """
    seps = re.compile(r"[;；，,]")
    left = max((m.end() for m in seps.finditer(sentence, 0, at)), default=0)
    right_m = seps.search(sentence, at)
    right = right_m.start() if right_m else len(sentence)
    return left, right
