"""Read what a SPARQL query reaches out to — SERVICE endpoints and FROM / FROM NAMED graphs — from a real parse.

pyoxigraph runs queries but exposes no parser, so the query is parsed here with rdflib's SPARQL grammar and the
parse tree is walked for ``SERVICE`` patterns (their endpoint IRIs resolved against the query's prologue) and
for the dataset clause. A parse costs milliseconds, so a sound pre-check comes first: after SPARQL's codepoint
escapes are decoded (they apply before parsing), a text in which no ``service`` (resp. ``from``) can be a keyword
holds no SERVICE (resp. dataset clause), and needs no parse. A text with a SERVICE that rdflib cannot read is
refused (the two parsers might read it differently); verdicts are kept in a bounded LRU keyed by the text.
rdflib is imported only when a parse is needed, so ``ipgraph query`` starts fast.

>>> analyze("SELECT * { ?s ?p 'no keyword here' }").needs_parse
False
>>> a = analyze("PREFIX : <http://127.0.0.1:9/> SELECT * FROM <http://g> { SERVICE :x { ?s ?p ?o } }")
>>> a.services, a.default_graphs
(['http://127.0.0.1:9/x'], ['http://g'])
>>> analyze('SELECT * { ?s ?p "Service stations"@en }').services
[]
>>> endpoint_allowed("https://query.wikidata.org@127.0.0.1:9/", ["https://query.wikidata.org"])
False
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Deepest nesting of ``{ ( [`` accepted (Oxigraph's recursive parser overflows its stack a few thousand deep).
MAX_DEPTH = 200
_UPDATE_WORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"))
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_KEYWORD = re.compile(r"service|from", re.IGNORECASE)
# the opening block: blank lines, comment lines and one-line PREFIX / BASE declarations (code context throughout)
_LEADING = re.compile(
    r"(?:[ \t\r\n]+|#[^\r\n]*|(?i:PREFIX)[ \t\r\n]+[^\s:<>#]*:[ \t\r\n]*<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|(?i:BASE)[ \t\r\n]*<[^<>\"{}|^`\\\x00-\x20]*>)*"
)
_PREFIX_DECL = re.compile(r"(?i:PREFIX)[ \t\r\n]+([^\s:<>#]*):[ \t\r\n]*<([^<>\"{}|^`\\\x00-\x20]*)>")
_BASE = re.compile(r"(?i:BASE)[ \t\r\n]*<")
# a line that is only a comment with no quote: whatever the context (code, or inside a long string that cannot
# close on it), nothing on it is code
_COMMENT_LINE = re.compile(r"[ \t]*#[^'\"\r\n]*")
_HASH_LINE = re.compile(r"[ \t]*#")
_PLAIN = re.compile(r"\'\'\'|\"\"\"|\\[uU]")  # a long string or an escape: lines may not start in code
_IRI_CHARS_EXCLUDED = frozenset('<>"{}|^`\\' + "".join(chr(c) for c in range(0x21)))
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# tokens for the nesting check: strings and comments are skipped, every bracket counts
_DEPTH_TOKENS = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'"
    r"|\"(?:[^\"\\\r\n]|\\.)*\"|#[^\r\n]*|[{(\[]|[})\]]",
    re.DOTALL,
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


class QueryRefused(Exception):
    """A query that will not run; ``status`` is the HTTP status to answer with (400 or 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Analysis:
    """What a query reaches: SERVICE endpoints (``None`` for ``SERVICE ?var``) and its dataset clause."""

    needs_parse: bool = False
    services: list[str | None] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    error: str | None = None  # rdflib could not read the text (only set when a parse was needed)

    @property
    def has_dataset(self) -> bool:
        """True when the query has FROM or FROM NAMED (then its own dataset applies, not the union)."""
        return bool(self.default_graphs or self.named_graphs)


def decode_escapes(text: str) -> str:
    r"""Decode SPARQL codepoint escapes (they apply anywhere in a query, before parsing).

    >>> decode_escapes(r"\u0053ERVICE")
    'SERVICE'
    """
    if "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(one, text)


def keyword_may_occur(text: str) -> bool:
    """False only when no ``SERVICE`` or ``FROM`` keyword can occur in the text (read with its escapes decoded).

    Sound, not exact: an occurrence is dismissed only in the opening block of comments and PREFIX lines, on a
    line that is a comment holding no quote, or as the rest of a prefixed name (``prov:wasDerivedFrom``) or of a
    variable (``?derived_from``): those are read greedily, so no keyword can start inside them. Anything else
    counts (a string or a comment after code too: the parse decides).

    >>> keyword_may_occur("PREFIX p: <http://x/>\\n# from the report\\nSELECT * { ?s p:wasDerivedFrom ?o }")
    False
    >>> keyword_may_occur("SELECT ?derived_from { ?s ?p ?derived_from }")
    False
    >>> keyword_may_occur("SELECT * { ?s ?p 1SERVICE <http://x/> { } }")
    True
    """
    decoded = decode_escapes(text)
    start = _LEADING.match(decoded).end()  # type: ignore[union-attr]  # the pattern matches the empty string
    # Without long strings and escapes, every line starts in code: a line opening with '#' is a comment.
    plain = _PLAIN.search(text) is None and _PLAIN.search(decoded) is None
    line_end, line_is_comment = -1, False
    for m in _KEYWORD.finditer(decoded, start):
        if m.start() >= line_end:  # each line is looked at once (linear in the text, however many matches)
            line_start = max(decoded.rfind("\n", 0, m.start()), decoded.rfind("\r", 0, m.start())) + 1
            ends = [e for e in (decoded.find("\n", m.start()), decoded.find("\r", m.start())) if e >= 0]
            line_end = min(ends) if ends else len(decoded)
            line_is_comment = _COMMENT_LINE.fullmatch(decoded, line_start, line_end) is not None or (
                plain and _HASH_LINE.match(decoded, line_start, line_end) is not None
            )
        if line_is_comment:
            continue  # a whole-line comment (or, with quotes, the inside of a long string that cannot close on it)
        if plain and _in_iri_like(decoded, m.start(), m.end()):
            continue
        i, stop = m.start() - 1, max(start, m.start() - 64)
        hyphen = False
        while i >= stop and decoded[i] in _NAME_CHARS:
            hyphen = hyphen or decoded[i] == "-"
            i -= 1
        if i >= stop and decoded[i] == ":" and (i + 1 == m.start() or decoded[i + 1] not in "-"):
            continue  # inside a prefixed name's local part
        if i >= stop and decoded[i] in "?$" and not hyphen:
            continue  # inside a variable's name (read greedily; no keyword may follow a path's '?')
        return True
    return False


def _in_iri_like(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies inside a ``<…>`` run of IRI characters (at most 2,000 long).

    Whether the ``<`` opens an IRI or is a less-than, no SERVICE or FROM clause can lie inside such a run: the
    keyword would need an IRI (which opens with a ``<``) or a name followed by ``{`` or the query's pattern, and
    the run holds neither ``<`` nor ``{`` and ends in ``>``.
    """
    i = start - 1
    while i >= 0 and start - i <= 2000 and text[i] not in _IRI_CHARS_EXCLUDED:
        i -= 1
    if i < 0 or text[i] != "<":
        return False
    j = end
    while j < len(text) and j - end <= 2000 and text[j] not in _IRI_CHARS_EXCLUDED:
        j += 1
    return j < len(text) and text[j] == ">"


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings and comments (an upper bound is all that matters).

    >>> nesting_depth("SELECT * { { ?s ?p '}}}' } }")
    2
    """
    opening = text.count("{") + text.count("(") + text.count("[")
    if opening <= MAX_DEPTH:
        return opening
    depth = deepest = 0
    for m in _DEPTH_TOKENS.finditer(text):
        ch = m.group()
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth = max(0, depth - 1)
    return deepest


def check_depth(text: str) -> None:
    """Raise :class:`QueryRefused` (400) for a query nested deeper than :data:`MAX_DEPTH`."""
    if nesting_depth(text) > MAX_DEPTH:
        raise QueryRefused(400, f"the query is nested too deeply (more than {MAX_DEPTH} levels of brackets)")


def is_update(text: str) -> bool:
    """Whether the request text is SPARQL Update (by its first keyword after the prologue); for messages only.

    >>> is_update("PREFIX a: <http://a/>\\n# c\\nwith <http://x> delete { ?s ?p ?o } where { ?s ?p ?o }")
    True
    """
    decoded = decode_escapes(text)
    m = _FIRST_WORD.match(decoded, _LEADING.match(decoded).end())  # type: ignore[union-attr]
    return bool(m) and m.group().upper() in _UPDATE_WORDS  # type: ignore[union-attr]


class _Cache:
    """A thread-safe LRU of analyses keyed by the query text, bounded by count and by the texts' bytes."""

    def __init__(self, entries: int = 2048, text_bytes: int = 8 * 1024 * 1024) -> None:
        self.entries, self.text_bytes, self.size = entries, text_bytes, 0
        self._items: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], Analysis] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, tuple[tuple[str, str], ...]]) -> Analysis | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple[str, tuple[tuple[str, str], ...]], value: Analysis) -> None:
        cost = len(key[0]) + 200
        if cost > self.text_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.size += cost
            while self._items and (len(self._items) > self.entries or self.size > self.text_bytes):
                old, _ = self._items.popitem(last=False)
                self.size -= len(old[0]) + 200


_CACHE = _Cache()


def analyze(text: str, prefixes: Mapping[str, str] | None = None) -> Analysis:
    """The SERVICE endpoints and dataset of a query (parsed only when the pre-check says it may matter).

    ``prefixes`` are predeclared (as the store's ``prefixes=`` does). A query the parser cannot read gets
    ``error`` set; callers refuse it when it may hold a SERVICE or a dataset clause.
    """
    if not keyword_may_occur(text):
        return Analysis()
    decoded = decode_escapes(text)
    key = (text, tuple(sorted((prefixes or {}).items())))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    result = _parse(decoded, prefixes or {})
    _CACHE.put(key, result)
    return result


def preload() -> None:
    """Import the parser now (a worker does at start-up, so no query pays for it)."""
    from rdflib.plugins.sparql import parser  # noqa: F401


def _parse(decoded: str, prefixes: Mapping[str, str]) -> Analysis:
    """Parse with rdflib's grammar (escapes already decoded: never twice) and walk the tree."""
    from pyparsing import ParseBaseException, ParseResults
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parserutils import CompValue

    # SPARQL ends a comment at CR or LF; the grammar here only at LF: make every line end an LF (no IRI or
    # short string may hold a CR, and a long string's value does not matter here)
    normalized = decoded.replace("\r", "\n")
    # The opening block's PREFIX lines (often dozens) are read here and given to the parser as predeclared:
    # the grammar takes milliseconds per line. The block is blanked, not cut, so positions in messages hold.
    block = _LEADING.match(normalized).group()  # type: ignore[union-attr]
    declared = dict(prefixes)
    if block and not _BASE.search(block):
        found = _PREFIX_DECL.findall(block)
        if all(":" in iri for _name, iri in found):  # absolute IRIs only (a relative one needs the parser's base)
            declared.update(found)
            last = block.rsplit("\n", 1)[-1]
            normalized = "\n" * block.count("\n") + " " * len(last) + normalized[len(block) :]
    try:
        tree = parser.Query.parse_string(normalized, parse_all=True)
    except ParseBaseException as exc:
        return Analysis(True, error=f"at line {exc.lineno}, column {exc.col}: {_short(exc.msg)}")
    except RecursionError:
        return Analysis(True, error="the query is nested too deeply to check")
    except Exception as exc:  # the grammar's own checks (e.g. an invalid codepoint)
        return Analysis(True, error=_short(str(exc)))
    try:
        prologue = translatePrologue(tree[0], None, declared)
    except Exception as exc:  # an undeclared prefix in a PREFIX's IRI and the like
        return Analysis(True, error=_short(str(exc)))
    out = Analysis(True)

    def resolve(term: object) -> str | None:
        if isinstance(term, CompValue) or (isinstance(term, str) and type(term).__name__ == "URIRef"):
            try:
                value = prologue.absolutize(term)
            except Exception:
                return None
            return str(value) if type(value).__name__ == "URIRef" else None
        return None  # a variable

    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            # (CompValue.get returns the key itself for a missing key: test membership, read by [])
            if node.name == "ServiceGraphPattern":
                out.services.append(resolve(node["term"]) if "term" in node else None)
            elif node.name == "DatasetClause":
                if "default" in node:
                    out.default_graphs.append(resolve(node["default"]) or "")
                if "named" in node:
                    out.named_graphs.append(resolve(node["named"]) or "")
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return out


def _short(message: str) -> str:
    first = message.splitlines()[0] if message else "syntax error"
    return first if len(first) <= 160 else first[:160].rsplit(" ", 1)[0] + " …"


def endpoint_allowed(iri: str, allowed: Iterable[str]) -> bool:
    """Whether a SERVICE IRI is one of the allowed endpoints: same scheme, host and port (parsed, never a string
    prefix), no user information, and the same path when the allowed entry names one.

    >>> endpoint_allowed("https://query.wikidata.org/sparql", ["https://query.wikidata.org"])
    True
    >>> endpoint_allowed("https://query.wikidata.org.evil.example/sparql", ["https://query.wikidata.org"])
    False
    >>> endpoint_allowed("https://query.wikidata.org:8443/sparql", ["https://query.wikidata.org/sparql"])
    False
    """
    target = _endpoint(iri)
    if target is None:
        return False
    for entry in allowed:
        want = _endpoint(entry)
        if want is None:
            continue
        if target[:3] == want[:3] and (want[3] in ("", "/") or target[3] == want[3]):
            return True
    return False


def _endpoint(iri: str) -> tuple[str, str, int, str] | None:
    try:
        parts = urllib.parse.urlsplit(iri)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    if any(ch in iri for ch in "\\ \t\r\n"):
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or (443 if scheme == "https" else 80), parts.path


def check(
    text: str,
    *,
    allowed_services: Iterable[str] = (),
    allowed_graphs: Iterable[str] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> Analysis:
    """Analyze a query and raise :class:`QueryRefused` unless it stays inside the store.

    SERVICE is refused unless every endpoint is allowed (exactly, see :func:`endpoint_allowed`); a FROM /
    FROM NAMED graph must be one of ``allowed_graphs`` (when given); a query that may hold either but cannot be
    parsed is refused. Updates and over-deep nesting are refused too.

    >>> check("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ipgraph.store.sparqlcheck.QueryRefused: SERVICE <http://127.0.0.1:9/> is refused: ...
    """
    check_depth(text)
    result = analyze(text, prefixes)
    if result.error is not None:
        if is_update(text):
            raise QueryRefused(403, "SPARQL Update is refused: this endpoint is read-only")
        raise QueryRefused(
            400,
            f"malformed SPARQL {result.error} (a query that may use SERVICE or FROM must parse cleanly)",
        )
    allowed = list(allowed_services)
    for iri in result.services:
        if iri is None or not endpoint_allowed(iri, allowed):
            shown = f"<{iri}>" if iri else "with a variable"
            raise QueryRefused(
                403,
                f"SERVICE {shown} is refused: this endpoint makes no outbound request "
                "(the operator can allow endpoints with --allow-service)",
            )
    if allowed_graphs is not None:
        graphs = set(allowed_graphs)
        for iri in result.default_graphs + result.named_graphs:
            if iri not in graphs:
                raise QueryRefused(
                    403,
                    f"FROM <{iri}> is refused: only the store's own graphs can be named (they are never fetched)",
                )
    return result
