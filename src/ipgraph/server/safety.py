"""Screen a SPARQL query before it runs: read-only, no ``SERVICE``, no dataset outside the allow-list.

The screen is deliberately conservative. SPARQL processes ``\\uXXXX`` escapes before parsing, so they are
decoded first; comments that cannot hide code are dropped; ``SERVICE`` is then refused wherever it stands as a
word (even inside a string or a trailing comment: a false refusal is cheap, a missed one is an outbound
connection). The worker processes add a second wall: they run in a network namespace of their own, with no
interface but a loopback that is down (see :mod:`ipgraph.server.workers`).

>>> screen_query("SELECT * { ?s ?p ?o }").kind
'query'
>>> screen_query("INSERT DATA { <a:b> <a:c> <a:d> }").kind
'update'
>>> screen_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }").service
['http://127.0.0.1:9/']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The keyword never follows ':' (prefixed name), '?' or '$' (variable), nor '/', '#', '%', '-', '=', '&'
# (inside an IRI, or where SPARQL's grammar allows no keyword), and is never followed by ':' (a prefix).
_SERVICE = re.compile(r"(?<![\w:?$/#%=&-])SERVICE(?![\w:])", re.IGNORECASE)
# The opening lines that are blank, comments, or one-line PREFIX / BASE declarations: none of them can open
# a string, so a comment among them is a comment.
_LEADING_COMMENTS = re.compile(
    r"\A(?:[ \t]*(?:#[^\r\n]*|(?i:PREFIX)[ \t]+[^\s:<>]*:[ \t]*<[^<>\"'\s]*>[ \t]*"
    r"|(?i:BASE)[ \t]*<[^<>\"'\s]*>[ \t]*)?\r?\n)*"
)
_LINE_COMMENT = re.compile(r"^[ \t]*#[^\r\n'\"]*$", re.MULTILINE)
_IRI = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class QueryRefused(Exception):
    """A query the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Screened:
    """What the screen found: the kind of request, SERVICE IRIs and dataset (FROM / FROM NAMED) IRIs."""

    kind: str
    service: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    unresolved_dataset: bool = False


def decode_escapes(text: str) -> str:
    r"""Decode SPARQL codepoint escapes (they apply anywhere in a query, before parsing).

    >>> decode_escapes(r"\u0053ERVICE")
    'SERVICE'
    """

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(one, text)


def _tokens(text: str) -> Iterable[tuple[str, str]]:
    """Words and IRIs outside comments and strings, as (kind, text); best effort, used for messages only."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch == "<" and (m := _IRI.match(text, i)):
            yield "iri", m.group(1)
            i = m.end()
        elif ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif ch in "?$":
            m = re.compile(r"[?$]\w*").match(text, i)
            i = m.end() if m else i + 1
        elif m := _WORD.match(text, i):
            end = m.end()
            if end < n and text[end] == ":":  # a prefixed name: skip it whole
                m2 = re.compile(r"[^\s{}()<>,;]*").match(text, end)
                i = m2.end() if m2 else end + 1
            else:
                yield "word", m.group(0).upper()
                i = end
        else:
            i += 1


def screen_query(text: str) -> Screened:
    """Classify a request text and collect the IRIs it would reach out to.

    Returns the kind (``query`` or ``update``), the SERVICE IRIs (a SERVICE whose IRI cannot be read, such as
    ``SERVICE ?x``, is listed as ``""``) and the FROM / FROM NAMED IRIs.
    """
    decoded = decode_escapes(text)
    words = list(_tokens(decoded))
    kind = "query"
    for k, w in words:
        if k == "word" and w not in ("PREFIX", "BASE"):
            kind = "update" if w in _UPDATE_WORDS else "query"
            break
    out = Screened(kind)
    # Comments are dropped only where they cannot hide code: in the opening block of comments and PREFIX
    # lines (never inside a string), and whole-line comments without a quote character
    # (such a line could otherwise be the inside of a long string that closes on it). Anything else that
    # says SERVICE counts.
    code = _LEADING_COMMENTS.sub("", decoded, count=1)
    code = _LINE_COMMENT.sub("", code)
    for m in _SERVICE.finditer(code):
        rest = code[m.end() :]
        m2 = re.match(r"\s*(?:SILENT\s+)?<([^<>\s]*)>", rest, re.IGNORECASE)
        out.service.append(m2.group(1) if m2 else "")
    for i, (k, w) in enumerate(words):
        if k == "word" and w == "FROM":
            nxt = words[i + 1 : i + 3]
            if nxt and nxt[0] == ("word", "NAMED") and len(nxt) > 1 and nxt[1][0] == "iri":
                out.from_named.append(nxt[1][1])
            elif nxt and nxt[0][0] == "iri":
                out.from_graphs.append(nxt[0][1])
            else:
                out.unresolved_dataset = True
    return out


def check_query(
    text: str,
    *,
    allowed_services: Iterable[str] = (),
    allowed_graphs: Iterable[str] = (),
) -> Screened:
    """Raise :class:`QueryRefused` unless the text is a query that stays inside the store.

    ``allowed_services`` are IRI prefixes the operator allows SERVICE to call; ``allowed_graphs`` are the
    graph IRIs a FROM / FROM NAMED clause may name (the store's own graphs, which are never fetched).

    >>> check_query("DROP ALL")
    Traceback (most recent call last):
    ...
    ipgraph.server.safety.QueryRefused: SPARQL Update is refused: this endpoint is read-only
    """
    screened = screen_query(text)
    if screened.kind == "update":
        raise QueryRefused(403, "SPARQL Update is refused: this endpoint is read-only")
    services = tuple(allowed_services)
    for iri in screened.service:
        if not iri or not any(iri.startswith(p) for p in services):
            shown = f"<{iri}>" if iri else "with a variable or an unreadable IRI"
            raise QueryRefused(
                403,
                f"SERVICE {shown} is refused: this endpoint makes no outbound request "
                "(the operator can allow endpoints with --allow-service; a string or name containing the "
                "word 'service' also trips this check: write it with a regex such as 'servic[e]')",
            )
    graphs = set(allowed_graphs)
    if screened.unresolved_dataset:
        raise QueryRefused(403, "a FROM clause must name a graph by its full <IRI>")
    for iri in screened.from_graphs + screened.from_named:
        if iri not in graphs:
            raise QueryRefused(
                403,
                f"FROM <{iri}> is refused: only the store's own graphs can be named "
                "(nothing is fetched from the network or the file system)",
            )
    return screened
