"""A report's source text: its sections, footnotes and the offsets quotes resolve to.

The text is kept byte for byte; offsets count Unicode code points, as W3C Web Annotation
``oa:TextPositionSelector`` does.

>>> text = "I. Part\\n(I) Sub\\n1. First para.[footnoteRef:0] More. [0:  A note.] \\n\\nContinued.\\n"
>>> src = SourceText.from_string(text, "example.txt")
>>> [s.number for s in src.sections]
['I', 'I.1', 'I.1.1', 'fn0']
>>> src.section_at(src.text.index("Continued")).number
'I.1.1'
>>> src.section_at(src.text.index("A note")).number
'fn0'

Chinese headings number the same levels, so that a Chinese edition's sections carry the numbers of the English
edition's: ``一、`` (or ``第一部分``, ``第一章``) is part I, ``（一）`` sub-section I.1, ``1．`` (``1.``, ``1、``)
paragraph I.1.1. Where a text has both ``第一部分`` and ``一、`` headings, ``一、`` is the sub-section level and
``（一）`` the paragraph level.

>>> zh_text = "前言。\\n一、总体情况\\n（一）刑事检察\\n1．办案数量\\n全年办案。\\n（二）民事检察\\n"
>>> zh = SourceText.from_string(zh_text, "zh.txt")
>>> [(s.number, s.kind) for s in zh.sections]
[('preamble1', 'preamble'), ('I', 'part'), ('I.1', 'subsection'), ('I.1.1', 'paragraph'), ('I.2', 'subsection')]
>>> zh.section_at(zh.text.index("全年")).number
'I.1.1'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ipgraph.errors import InputError
from ipgraph.reading.safe_read import TEXT_LIMIT, read_bytes

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_PART = re.compile(r"^\s*([IVX]+)\.\s+(\S.*)$")
_SUB = re.compile(r"^\s*\(([IVX]+)\)\s*(\S.*)$")
_PARA = re.compile(r"^\s*(\d+)\.\s+(\S.*)$")
_ZH_NUM = "一二三四五六七八九十"
_CHAPTER_ZH = re.compile(r"^[ \t\u3000]*第([" + _ZH_NUM + r"]+)(?:部分|章)[ \t\u3000：:]*(\S.*)?$")
_PART_ZH = re.compile(r"^[ \t\u3000]*([" + _ZH_NUM + r"]+)、\s*(\S.*)$")
_SUB_ZH = re.compile(r"^[ \t\u3000]*[（(]([" + _ZH_NUM + r"]+)[）)]\s*(\S.*)$")
_PARA_ZH = re.compile(r"^[ \t\u3000]*([0-9０-９]+)(?:[．、]|\.(?![0-9０-９]))\s*(\S.*)$")
_FOOTNOTE = re.compile(r"\[(\d+):\s+(.*?)\]")
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")


@dataclass
class Section:
    """A part, sub-section, paragraph or footnote, with its span in the text."""

    number: str
    kind: str  # "preamble" | "part" | "subsection" | "paragraph" | "footnote"
    heading: str
    start: int
    end: int
    parent: str | None = None
    footnote_of: str | None = None


@dataclass
class SourceText:
    """The text of one report and its section structure."""

    path: Path
    text: str
    sha256: str
    sections: list[Section] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> SourceText:
        """Read a UTF-8 text file (a regular file of at most :data:`~ipgraph.reading.safe_read.TEXT_LIMIT` bytes) and
        parse its sections."""
        raw = read_bytes(path, TEXT_LIMIT, "the source text")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"source text is not UTF-8 (byte {exc.start})", path) from None
        src = cls(path, text, hashlib.sha256(raw).hexdigest())
        src.sections = _parse_sections(text)
        return src

    @classmethod
    def from_string(cls, text: str, name: str) -> SourceText:
        """Make a source text from a string (for tests and examples)."""
        src = cls(Path(name), text, hashlib.sha256(text.encode("utf-8")).hexdigest())
        src.sections = _parse_sections(text)
        return src

    def find_all(self, quote: str) -> list[int]:
        """Every start offset at which ``quote`` occurs verbatim."""
        starts, i = [], self.text.find(quote)
        while i >= 0:
            starts.append(i)
            i = self.text.find(quote, i + 1)
        return starts

    def section_at(self, offset: int) -> Section:
        """The innermost section containing ``offset``."""
        best: Section | None = None
        for s in self.sections:
            if s.start <= offset < s.end and (best is None or s.end - s.start <= best.end - best.start):
                best = s
        if best is None:
            raise ValueError(f"offset {offset} is outside every section")
        return best

    def section(self, number: str) -> Section:
        """The section with the given number (``"I.1.2"``, ``"fn0"``)."""
        for s in self.sections:
            if s.number.lower() == number.lower():
                return s
        raise KeyError(number)

    def line_of(self, offset: int) -> int:
        """The 1-based line number of an offset."""
        return self.text.count("\n", 0, offset) + 1


def _parse_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    part: Section | None = None
    sub: Section | None = None
    last_para: Section | None = None
    unnumbered: dict[str, int] = {}
    refs: dict[str, str] = {}
    offset = 0
    chapters = any(_CHAPTER_ZH.match(line) for line in text.split("\n"))
    for raw_line in text.split("\n"):
        start, end = offset, offset + len(raw_line)
        offset = end + 1
        line = raw_line.strip()
        if not line:
            continue
        level, heading_no = _heading(raw_line, chapters) if len(line) < 200 else (None, 0)
        if level == "part":
            part = Section(_roman(heading_no), "part", line, start, end)
            sections.append(part)
            sub, last_para = None, None
            continue
        if level == "subsection" and part is not None:
            sub = Section(f"{part.number}.{heading_no}", "subsection", line, start, end, part.number)
            sections.append(sub)
            last_para = None
            continue
        parent = sub or part
        para = _PARA.match(raw_line) or _PARA_ZH.match(raw_line)
        if level == "paragraph" and parent is not None and not para:
            last_para = Section(f"{parent.number}.{heading_no}", "paragraph", line, start, end, parent.number)
            sections.append(last_para)
            host = last_para
        elif para and parent is not None:
            first_sentence = re.split(r"\. |。", para.group(2))[0]
            digits = para.group(1) if para.group(1).isascii() else str(int(para.group(1)))  # １ → 1
            last_para = Section(f"{parent.number}.{digits}", "paragraph", first_sentence, start, end, parent.number)
            sections.append(last_para)
            host = last_para
        elif last_para is not None:
            last_para.end = end  # an unnumbered paragraph right after a numbered one continues it
            host = last_para
        else:
            key = parent.number if parent is not None else ""
            unnumbered[key] = unnumbered.get(key, 0) + 1
            number = f"{key}.p{unnumbered[key]}" if key else f"preamble{unnumbered[key]}"
            kind = "paragraph" if parent is not None else "preamble"
            host = Section(number, kind, re.split(r"\. |。", line)[0], start, end, key or None)
            sections.append(host)
        for rm in _FOOTNOTE_REF.finditer(raw_line):
            refs[f"fn{rm.group(1)}"] = host.number
        for fm in _FOOTNOTE.finditer(raw_line):
            sections.append(
                Section(
                    f"fn{fm.group(1)}",
                    "footnote",
                    fm.group(2),
                    start + fm.start(),
                    start + fm.end(),
                    host.number,
                )
            )
    for s in sections:
        if s.kind == "footnote":
            s.footnote_of = refs.get(s.number, s.parent)
    # parts and sub-sections span to the start of the next section of the same or a higher level
    for i, s in enumerate(sections):
        if s.kind in ("part", "subsection"):
            levels = ("part",) if s.kind == "part" else ("part", "subsection")
            nxt = next((t.start for t in sections[i + 1 :] if t.kind in levels), len(text))
            s.end = nxt
    return sections


def _heading(line: str, chapters: bool) -> tuple[str | None, int]:
    """The level ("part", "subsection", "paragraph") and number of a heading line, or (None, 0).

    English: ``I.`` part, ``(I)`` sub-section. Chinese: ``第一部分``/``第一章`` and ``一、`` part, ``（一）``
    sub-section, shifted one level down under chapters (``chapters``: the text has ``第一部分`` headings).
    """
    if (m := _PART.match(line)) and m.group(1) in _ROMAN:
        return "part", _ROMAN[m.group(1)]
    if (m := _SUB.match(line)) and m.group(1) in _ROMAN:
        return "subsection", _ROMAN[m.group(1)]
    levels = ("part", "subsection", "paragraph")
    for depth, pattern in enumerate((_CHAPTER_ZH, _PART_ZH, _SUB_ZH)):
        if (m := pattern.match(line)) and (value := _zh_small(m.group(1))):
            if pattern is _CHAPTER_ZH:
                return "part", value
            return levels[depth - 1 + int(chapters)], value
    return None, 0


def _zh_small(numeral: str) -> int:
    """A Chinese numeral from 1 to 99 (一 … 九十九), or 0."""
    digits = {c: i for i, c in enumerate("一二三四五六七八九", 1)}
    if len(numeral) == 1:
        return 10 if numeral == "十" else digits.get(numeral, 0)
    tens, ten, ones = numeral.partition("十")
    if not ten or (tens and tens not in digits) or (ones and ones not in digits) or len(numeral) > 3:
        return 0
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _roman(n: int) -> str:
    """A Roman numeral (part numbers are Roman in every edition)."""
    out = ""
    for value, letters in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out
