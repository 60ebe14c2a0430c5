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
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ipgraph.errors import InputError

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_PART = re.compile(r"^\s*([IVX]+)\.\s+(\S.*)$")
_SUB = re.compile(r"^\s*\(([IVX]+)\)\s*(\S.*)$")
_PARA = re.compile(r"^\s*(\d+)\.\s+(\S.*)$")
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
        """Read a UTF-8 text file and parse its sections."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read source text: {exc.strerror}", path) from None
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
    for raw_line in text.split("\n"):
        start, end = offset, offset + len(raw_line)
        offset = end + 1
        line = raw_line.strip()
        if not line:
            continue
        if (m := _PART.match(raw_line)) and m.group(1) in _ROMAN and len(line) < 200:
            part = Section(m.group(1), "part", line, start, end)
            sections.append(part)
            sub, last_para = None, None
            continue
        if (m := _SUB.match(raw_line)) and m.group(1) in _ROMAN and part is not None and len(line) < 200:
            sub = Section(f"{part.number}.{_ROMAN[m.group(1)]}", "subsection", line, start, end, part.number)
            sections.append(sub)
            last_para = None
            continue
        parent = sub or part
        if (m := _PARA.match(raw_line)) and parent is not None:
            first_sentence = m.group(2).split(". ")[0]
            last_para = Section(f"{parent.number}.{m.group(1)}", "paragraph", first_sentence, start, end, parent.number)
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
            host = Section(number, kind, line.split(". ")[0], start, end, key or None)
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
