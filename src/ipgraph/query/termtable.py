"""Lay out rows of text as a table that fits a terminal's width: shortened cells, else one record per row.

Width is counted in terminal columns (a Chinese character takes two). A table wider than the width gets its wide
columns shortened with an ellipsis (an IRI keeps its end, the part that tells IRIs apart); when even the narrowest
readable columns do not fit, every row is printed as a record, one ``name  value`` line per column, values wrapped.

>>> print(table(["charge", "cases"], [["假冒注册商标罪", "298"]]))
charge          cases
--------------  -----
假冒注册商标罪  298
>>> print(table(["name", "note"], [["trade secret", "infringing trade secrets, art. 219"]], width=30))
name          note
------------  ----------------
trade secret  infringing trad…
>>> print(table(["a", "b", "c"], [["1", "2", "3"]], width=3))
-- 1 --
a  1
b  2
c  3
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Collection

DEFAULT_WIDTH = 100  # output to a file or a pipe: what most terminals and code review tools show
MIN_WIDTH = 20
GAP = "  "
_MIN_CELL = 10  # a column is never narrowed below this (or its natural width): narrower, records are clearer
_HEADER_KEEP = 12  # a header is kept whole up to this width when its column is narrowed


def terminal_width() -> int:
    """The width to fit: ``COLUMNS`` when set, else the terminal's width, else :data:`DEFAULT_WIDTH` (a pipe).

    What :func:`shutil.get_terminal_size` does, without importing :mod:`shutil` on the start-up path of a query.
    """
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return max(MIN_WIDTH, columns or DEFAULT_WIDTH)


def width_of(text: str) -> int:
    """Terminal columns ``text`` takes: two for wide (CJK) characters, none for combining marks.

    >>> width_of("最高人民检察院"), width_of("cafe\\u0301")
    (14, 4)
    """
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def flat(text: str) -> str:
    """One line: line breaks, tabs and other control characters as spaces."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


def clip(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` columns with an ellipsis; an ``<IRI>`` keeps its start and end.

    >>> clip("infringing trade secrets", 12), clip("<https://example.org/a/very/long/path/x1>", 20)
    ('infringing …', '<https://…g/path/x1>')
    """
    if width_of(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    if text.startswith("<") and limit >= 12:
        head = _take(text, (limit - 1) // 2)
        tail = _take(text[::-1], limit - 1 - width_of(head))[::-1]
        return head + "…" + tail
    return _take(text, limit - 1) + "…"


def _take(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` columns."""
    used = 0
    for i, ch in enumerate(text):
        used += _char_width(ch)
        if used > limit:
            return text[:i]
    return text


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width_of(text))


def _allot(natural: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths within ``room``: each at least its floor, the space left shared out fairly (narrow first)."""
    sizes = list(floors)
    left = room - sum(sizes)
    wanting = [i for i, n in enumerate(natural) if n > sizes[i]]
    while left > 0 and wanting:
        share = max(1, left // len(wanting))
        for i in sorted(wanting, key=lambda i: natural[i] - sizes[i]):
            extra = min(share, natural[i] - sizes[i], left)
            sizes[i] += extra
            left -= extra
        wanting = [i for i in wanting if natural[i] > sizes[i]]
    return sizes


def table(
    names: list[str],
    rows: list[list[str]],
    width: int | None = None,
    wrap: Collection[int] = (),
    notes: list[str] | None = None,
) -> str:
    """An aligned table of ``rows`` under ``names``; with ``width``, no line is wider than it (see module).

    The columns numbered in ``wrap`` are wrapped onto more lines rather than shortened; ``notes`` (one a row, may
    be empty) are printed under their rows, indented, wrapped within ``width``.

    >>> print(table(["what", "n"], [["criminal cases of trade secrets", "24"]], width=20, wrap=[0]))
    what              n
    ----------------  --
    criminal cases    24
    of trade secrets
    """
    cells = [[flat(c) for c in r] for r in rows]
    natural = [max([_w(n)] + [_w(r[i]) for r in cells]) for i, n in enumerate(names)]
    gaps = len(GAP) * (len(names) - 1)
    sizes = natural
    if width is not None and sum(natural) + gaps > width:
        names, cells = _strip_prefixes(names, cells)
        natural = [max([_w(n)] + [_w(r[i]) for r in cells]) for i, n in enumerate(names)]
    if width is not None and sum(natural) + gaps > width:
        floors = [min(n, max(_MIN_CELL, min(_w(h), _HEADER_KEEP))) for n, h in zip(natural, names, strict=True)]
        if sum(floors) + gaps > width:
            return records(
                names,
                [[*r, n] for r, n in zip(cells, notes, strict=True)] if notes else cells,
                width,
                extra="note" if notes else None,
            )
        sizes = _allot(natural, floors, width - gaps)
    lines = [GAP.join(_pad(clip(n, s), s) for n, s in zip(names, sizes, strict=True)).rstrip()]
    lines.append(GAP.join("-" * s for s in sizes))
    for n, r in enumerate(cells):
        if not wrap or sizes == natural:
            lines.append(GAP.join(_pad(clip(c, s), s) for c, s in zip(r, sizes, strict=True)).rstrip())
        else:
            parts = [
                _wrapped(c, s) if i in wrap else [clip(c, s)] for i, (c, s) in enumerate(zip(r, sizes, strict=True))
            ]
            for k in range(max(len(p) for p in parts)):
                line = [_pad(p[k] if k < len(p) else "", s) for p, s in zip(parts, sizes, strict=True)]
                lines.append(GAP.join(line).rstrip())
        if notes and notes[n]:
            note = flat(notes[n])
            pieces = _wrapped(note, width - 4) if width is not None else [note]
            lines += [("  ↳ " if k == 0 else "    ") + p for k, p in enumerate(pieces)]
    return "\n".join(lines)


def _wrapped(text: str, room: int, hyphens: bool = True) -> list[str]:
    """``text`` wrapped into lines of at most ``room`` columns (by words, or after hyphens; Chinese anywhere)."""
    if width_of(text) <= room:
        return [text]
    from wcwidth import wrap  # only when a text must be wrapped: it counts terminal columns, Chinese included

    pieces = wrap(text, room, break_on_hyphens=hyphens) or [""]
    return [p for piece in pieces for p in _hard_wrap(piece, room)]


def _strip_prefixes(names: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Columns whose every value is a CURIE of one prefix lose it; the header says which (``charge:``).

    >>> _strip_prefixes(["charge", "c", "n"], [["charge:art-213", "charge:x", "2"], ["charge:art-214", "", "3"]])
    (['charge:', 'c (charge:)', 'n'], [['art-213', 'x', '2'], ['art-214', '', '3']])
    """
    import re

    names, rows = list(names), [list(r) for r in rows]
    for i in range(len(names)):
        found = {m.group(1) if m else None for m in (re.match(r"([a-z][\w-]*):\S+$", r[i]) for r in rows if r[i])}
        if len(found) == 1 and (prefix := found.pop()) is not None:
            names[i] = f"{prefix}:" if names[i] == prefix else f"{names[i]} ({prefix}:)"
            for r in rows:
                r[i] = r[i][len(prefix) + 1 :]
    return names, rows


def _w(text: str) -> int:
    return width_of(text)


def records(names: list[str], rows: list[list[str]], width: int, extra: str | None = None) -> str:
    """Each row as a block of ``name  value`` lines, values wrapped within ``width`` columns.

    With ``extra``, each row has one more value, so named, left out where it is empty.
    """
    names = [*names, extra] if extra else names
    label = min(max(_w(n) for n in names), max(4, width // 2))
    room = max(1, width - label - len(GAP))
    out: list[str] = []
    for k, row in enumerate(rows, 1):
        out.append(f"-- {k} --")
        for name, value in zip(names, row, strict=True):
            if extra and name == extra and not value:
                continue
            head = _pad(clip(name, label), label) + GAP
            pieces = _wrapped(flat(value), room)
            out.append((head + pieces[0]).rstrip())
            out += [(" " * (label + len(GAP)) + p).rstrip() for p in pieces[1:]]
    return "\n".join(out)


def _hard_wrap(text: str, room: int) -> list[str]:
    """``text`` cut into pieces of at most ``room`` columns (for words longer than a line)."""
    pieces = []
    while width_of(text) > room:
        piece = _take(text, room) or text[:1]
        pieces.append(piece)
        text = text[len(piece) :]
    return [*pieces, text]
