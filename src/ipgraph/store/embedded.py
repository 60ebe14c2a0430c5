"""The embedded store: open a built pyoxigraph store read-only and run SPARQL on it.

Only pyoxigraph is imported here, so ``ipgraph query`` starts fast; rdflib is loaded only by callers that ask
for an rdflib graph, or by :mod:`ipgraph.store.sparqlcheck` when a query may hold SERVICE or FROM.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.model.prefixes import sparql_prologue

STORE_DIR = "store"
XSD = "http://www.w3.org/2001/XMLSchema#"


TYPE_CHECKING = False  # mypy treats it as true (pyproject: always_true); typing is not imported at run time
if TYPE_CHECKING:
    from typing import Any


class SelectResult:
    """Variables and rows of a SELECT (a row maps a variable name to a pyoxigraph term or None)."""

    __slots__ = ("rows", "variables")

    def __init__(self, variables: list[str], rows: list[dict[str, Any]]) -> None:
        self.variables = variables
        self.rows = rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _syntax_message(message: str, shift: int) -> str:
    """A one-line syntax error with the line number of the user's text."""
    first = message.splitlines()[0] if message else "syntax error"
    m = re.match(r"error at (\d+):(\d+): (.*)", first)
    if not m:
        return f"malformed SPARQL: {first[:160]}"
    line, col, rest = int(m.group(1)) - shift, m.group(2), m.group(3)
    if len(rest) > 100:
        rest = rest[:100].rsplit(" ", 1)[0] + " …"
    return f"malformed SPARQL at line {line}, column {col}: {rest}"


def open_store(build_dir: os.PathLike[str] | str) -> ox.Store:
    """Open the store of a build read-only."""
    path = os.path.join(os.fspath(build_dir), STORE_DIR)
    if not os.path.isdir(path):
        raise InputError(f"no built store at {path}: run `ipgraph build` first")
    try:
        return ox.Store.read_only(path)
    except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB found the files corrupt
        first = " ".join(str(exc).split())
        raise InputError(f"cannot open the store (rebuild it with `ipgraph build`): {first[:300]}", path) from None


def term_for(value: str, type_: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term: ``iri`` gives an IRI, ``period`` a period's IRI (``2023`` →
    ``period:2023``), ``xsd:T`` a typed literal, ``string`` a plain one."""
    if type_ == "period":
        from ipgraph.model.periods import period_iri

        try:
            return ox.NamedNode(period_iri("period", value))
        except ValueError as exc:
            raise InputError(str(exc)) from None
    if type_ == "iri":
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise InputError(f"not an IRI: {value!r}") from None
    if type_.startswith("xsd:"):
        pattern = _LEXICAL.get(type_[4:])
        if pattern is not None and not re.fullmatch(pattern, value):
            raise InputError(f"not a valid {type_}: {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + type_[4:]))
    if type_.startswith("@"):
        try:
            return ox.Literal(value, language=type_[1:])
        except ValueError as exc:
            raise InputError(f"not a valid language tag {type_!r}: {exc}") from None
    return ox.Literal(value)


_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_DAY = r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
#: The lexical forms of the XSD types a query parameter may have (XML Schema 1.1 Part 2), so that a value like
#: ``period=abc`` is refused instead of silently matching nothing.
_LEXICAL = {
    "integer": r"[+-]?[0-9]+",
    "int": r"[+-]?[0-9]+",
    "long": r"[+-]?[0-9]+",
    "nonNegativeInteger": r"\+?[0-9]+",
    "positiveInteger": r"\+?0*[1-9][0-9]*",
    "decimal": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    "double": r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF)|NaN",
    "float": r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF)|NaN",
    "boolean": r"true|false|1|0",
    "gYear": _YEAR + _TZ,
    "gYearMonth": _YEAR + r"-(?:0[1-9]|1[0-2])" + _TZ,
    "date": _YEAR + _DAY + _TZ,
}


def _top_group_start(text: str) -> int:
    """Offset just past the ``{`` that opens the query's WHERE group (comments, strings and IRIs skipped).

    A CONSTRUCT template (``CONSTRUCT { … } WHERE { … }``) is skipped: the first ``{`` after the keyword opens
    the template, not the pattern.

    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> q[_top_group_start(q):].strip()
    '?s ?p ?o }'
    """
    depth = 0
    skip_template = re.search(r"\bCONSTRUCT\s*\{", _strip_comments(text), re.IGNORECASE) is not None
    for offset, token in _tokens(text, 0):
        if token == "{":
            if not skip_template:
                return offset + 1
            depth += 1
        elif token == "}" and skip_template:
            depth -= 1
            if depth == 0:
                skip_template = False
    raise InputError("the query has no WHERE group to bind parameters in")


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def bind_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables by an inline ``VALUES`` block at the head of the WHERE group.

    The values are RDF terms serialized by pyoxigraph (escaped), never user text pasted into the query.

    >>> print(bind_values("SELECT ?x WHERE { ?x ?p ?y }", {"y": ox.Literal('a" } DROP ALL #')}))
    SELECT ?x WHERE { VALUES (?y) { ("a\\" } DROP ALL #") } ?x ?p ?y }
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"not a variable name: {name!r}")
    at = _top_group_start(text)
    inserts = [(at, list(bindings))]
    for group, projected in _subselect_groups(text, at):  # each sub-SELECT that passes a bound variable out
        names = [k for k in bindings if k in projected]
        if names:
            inserts.append((group, names))
    for offset, names in sorted(inserts, reverse=True):
        head = " ".join(f"?{k}" for k in names)
        values = " ".join(str(bindings[k]) for k in names)
        text = f"{text[:offset]} VALUES ({head}) {{ ({values}) }}{text[offset:]}"
    return text


def _subselect_groups(text: str, start: int) -> list[tuple[int, set[str]]]:
    """The sub-SELECTs after ``start``: the offset just past the ``{`` of each one's WHERE group, and the variables
    it projects as they are (not those an ``AS`` computes).

    A sub-SELECT is evaluated before the pattern around it, so a parameter bound only at the top would reach it
    after it has computed its rows for every value; bound inside too (the same rows in the end, since the top
    joins on the variable), it computes only the rows asked for.

    >>> q = "SELECT * WHERE { { SELECT ?r ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?r } GROUP BY ?r ?x } }"
    >>> [(q[at:at + 10], sorted(names)) for at, names in _subselect_groups(q, q.index("{") + 1)]
    [(' ?x ?p ?r ', ['r', 'x'])]
    """
    found: list[tuple[int, set[str]]] = []
    tokens = list(_tokens(text, start))
    for k, (_, word) in enumerate(tokens):
        if word.upper() != "SELECT":
            continue
        projected: set[str] = set()
        depth = 0
        for offset, token in tokens[k + 1 :]:
            if token == "(":
                depth += 1
            elif token == ")":
                depth -= 1
            elif token == "{":
                found.append((offset + 1, projected))
                break
            elif depth == 0 and token[0] in "?$":
                projected.add(token[1:])
    return found


def _tokens(text: str, start: int) -> Iterator[tuple[int, str]]:
    """The words, variables and brackets of a query from ``start``, with their offsets (comments, strings and IRIs
    skipped)."""
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i = text.index(">", i) + 1
        elif ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif ch in "{}()":
            yield i, ch
            i += 1
        elif ch.isalpha() or ch in "?$":
            m = re.match(r"[?$]?[A-Za-z_0-9]+", text[i:])
            word = m.group(0) if m else ch
            yield i, word
            i += len(word)
        else:
            i += 1


def _analysis(text: str) -> Any:
    """The SERVICE endpoints and dataset of a query, as :mod:`ipgraph.store.sparqlcheck` reads them (InputError when it
    cannot)."""
    from ipgraph.model.prefixes import PREFIXES
    from ipgraph.store.sparqlcheck import QueryRefused, analyze, check_depth

    try:
        check_depth(text)
    except QueryRefused as exc:
        raise InputError(exc.message) from None
    result = analyze(text, PREFIXES)
    if result.error is not None:
        raise InputError(f"malformed SPARQL {result.error}")
    return result


def refuse_federation(text: str) -> None:
    """Raise unless the query is free of ``SERVICE`` (federation makes outbound requests), read from its parse."""
    if _analysis(text).services:
        raise InputError("the query uses SERVICE, which would make outbound requests; allow it with --allow-federation")


def run_query(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    allow_federation: bool = False,
) -> SelectResult | bool | list[ox.Triple]:
    """Run SPARQL; SELECT → rows, ASK → bool, CONSTRUCT/DESCRIBE → triples.

    The default graph is the union of the named graphs, unless the query has FROM / FROM NAMED: then its own
    dataset applies, over the store's graphs (nothing is ever fetched).
    """
    bound = bind_values(text, bindings or {})
    analysis = _analysis(bound)
    if analysis.services and not allow_federation:
        raise InputError("the query uses SERVICE, which would make outbound requests; allow it with --allow-federation")
    prologue = sparql_prologue()
    full = prologue + bound
    try:
        result = store.query(full, use_default_graph_as_union=not analysis.has_dataset)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [{v: sol[v] for v in variables} for sol in result]
            return SelectResult(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return list(result)
    except SyntaxError as exc:
        raise InputError(_syntax_message(str(exc), prologue.count("\n"))) from None
    except (RuntimeError, OSError) as exc:  # pyoxigraph's evaluation errors (an unsupported function, a bad store)
        first = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"cannot run the query: {first[:300]}") from None
