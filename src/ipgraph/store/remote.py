"""Run queries against a remote SPARQL 1.1 endpoint (``ipgraph query --endpoint URL``) and talk to stores.

The query is sent as the embedded store would run it: parameters bound by an inline ``VALUES`` block
(:func:`ipgraph.store.embedded.bind_values`), the project's prefixes declared, and the default graph made the union of
ipgraph's named graphs through the protocol's ``default-graph-uri`` / ``named-graph-uri`` parameters, so the
same query gives the same answer on Oxigraph server, Fuseki, GraphDB or Virtuoso whatever their default-graph
setting.

Only the standard library is used (urllib): no proxy is consulted, HTTP basic and digest authentication work.

>>> terms_from_json({"type": "literal", "value": "2023", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"})
<Literal value=2023 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#gYear>>
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.model.prefixes import GRAPHS, sparql_prologue

RESULTS_ACCEPT = "application/sparql-results+json, application/json;q=0.9, text/turtle;q=0.8"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Auth:
    """User and password for HTTP basic or digest authentication."""

    user: str
    password: str


class RemoteError(InputError):
    """The remote store refused a request or could not be reached."""


class RemoteTimeout(RemoteError):
    """The remote store took the request but did not answer in time (it may still be carrying it out)."""


def _opener(url: str, auth: Auth | None) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


_CHALLENGES: dict[str, dict[str, str]] = {}


def _challenge(url: str, timeout: float) -> dict[str, str]:
    """The server's authentication challenge, asked with a body-less GET.

    A store may close the connection on a 401 before reading a large body, so the real request goes out with
    its credentials the first time.
    """
    req = urllib.request.Request(url, method="GET")
    header = ""
    try:
        with _opener(url, None).open(req, timeout=timeout):
            pass
    except urllib.error.HTTPError as exc:
        header = exc.headers.get("WWW-Authenticate", "") if exc.headers else ""
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteError(f"cannot reach {_short(url)}: {getattr(exc, 'reason', exc)}") from None
    scheme, _, rest = header.partition(" ")
    fields = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', rest)}
    fields["scheme"] = scheme.lower() or "basic"
    fields["nc"] = "0"
    return fields


def _authorization(method: str, url: str, auth: Auth, timeout: float, fresh: bool = False) -> str:
    """An Authorization header: HTTP Digest (RFC 7616, MD5, qop=auth) when the server asks, else Basic."""
    import base64
    import hashlib

    parts = urllib.parse.urlsplit(url)
    key = parts.netloc
    if fresh or key not in _CHALLENGES:
        _CHALLENGES[key] = _challenge(url, timeout)
    ch = _CHALLENGES[key]
    if ch["scheme"] != "digest":
        return "Basic " + base64.b64encode(f"{auth.user}:{auth.password}".encode()).decode()
    uri = parts.path + (f"?{parts.query}" if parts.query else "")

    def h(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    realm, nonce = ch.get("realm", ""), ch.get("nonce", "")
    ha1, ha2 = h(f"{auth.user}:{realm}:{auth.password}"), h(f"{method}:{uri}")
    ch["nc"] = str(int(ch["nc"]) + 1)
    nc, cnonce = f"{int(ch['nc']):08x}", secrets_token()
    if "auth" in [q.strip() for q in ch.get("qop", "").split(",")]:
        response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
    else:
        response, extra = h(f"{ha1}:{nonce}:{ha2}"), ""
    opaque = f', opaque="{ch["opaque"]}"' if "opaque" in ch else ""
    return (
        f'Digest username="{auth.user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
        f'response="{response}", algorithm=MD5{extra}{opaque}'
    )


def secrets_token() -> str:
    """A client nonce."""
    import secrets

    return secrets.token_hex(8)


def http(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    auth: Auth | None = None,
    timeout: float = 120.0,
) -> tuple[int, str, bytes]:
    """One HTTP request; returns (status, content type, body) for 2xx, raises RemoteError otherwise."""
    for attempt in range(2):
        hdrs = dict(headers or {})
        if auth is not None:
            hdrs["Authorization"] = _authorization(method, url, auth, timeout, fresh=attempt > 0)
        req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
        try:
            with _opener(url, auth).open(req, timeout=timeout) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and auth is not None and attempt == 0:
                continue  # a stale nonce: ask for a fresh challenge once
            error = exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise RemoteTimeout(
                    f"{_short(url)} did not answer within {timeout:g} s (a large graph may need a longer --timeout)"
                ) from None
            raise RemoteError(f"cannot reach {_short(url)}: {reason}") from None
    raise _http_error(method, url, error)


def _http_error(method: str, url: str, exc: urllib.error.HTTPError) -> RemoteError:
    try:
        detail = exc.read().decode("utf-8", errors="replace").strip()
    except OSError:
        detail = ""
    first = " ".join(detail.split())[:300]
    return RemoteError(f"{method} {_short(url)} answered {exc.code} {exc.reason}: {first}")


def _short(url: str) -> str:
    return url if len(url) < 120 else url[:117] + "…"


def sparql_query(
    endpoint: str,
    text: str,
    *,
    accept: str = RESULTS_ACCEPT,
    default_graphs: tuple[str, ...] | None = GRAPHS,
    named_graphs: tuple[str, ...] | None = GRAPHS,
    auth: Auth | None = None,
    timeout: float = 120.0,
) -> tuple[str, bytes]:
    """POST a query (form-encoded, as the SPARQL 1.1 Protocol says); returns (content type, body)."""
    fields: list[tuple[str, str]] = [("query", text)]
    fields += [("default-graph-uri", g) for g in default_graphs or ()]
    fields += [("named-graph-uri", g) for g in named_graphs or ()]
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    _, ctype, data = http("POST", endpoint, body=body, headers=headers, auth=auth, timeout=timeout)
    return ctype, data


def sparql_update(endpoint: str, text: str, *, auth: Auth | None = None, timeout: float = 120.0) -> None:
    """POST a SPARQL Update (form-encoded ``update=``, the form every store accepts)."""
    body = urllib.parse.urlencode([("update", text)]).encode()
    http(
        "POST",
        endpoint,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
        auth=auth,
        timeout=timeout,
    )


def terms_from_json(b: Mapping[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A SPARQL JSON results term as a pyoxigraph term (Virtuoso's ``typed-literal`` accepted too)."""
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    lang = b.get("xml:lang")
    if lang:
        return ox.Literal(value, language=lang)
    dt = b.get("datatype")
    if dt and dt != XSD + "string":
        return ox.Literal(value, datatype=ox.NamedNode(dt))
    return ox.Literal(value)


def parse_results(ctype: str, data: bytes) -> Any:
    """SELECT → SelectResult, ASK → bool, anything RDF → list of triples.

    An answer that cannot be read (cut short: Oxigraph server sends a query's first rows and stops at its time
    limit; or not what its content type says) is a :class:`RemoteError`, one line.

    >>> try:
    ...     parse_results("application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": {"bindings": [{')
    ... except RemoteError as exc:
    ...     print(exc.message)  # doctest: +ELLIPSIS
    the endpoint's answer is not valid application/sparql-results+json (...): it may have been cut short at a time limit
    """
    media = ctype.split(";")[0].strip().lower()
    try:
        return _parse_results(media, data)
    except (ValueError, TypeError, KeyError, AttributeError, SyntaxError, OSError) as exc:
        why = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise RemoteError(
            f"the endpoint's answer is not valid {media or 'content'} ({why}): it may have been cut short at a time "
            "limit"
        ) from None


def _parse_results(media: str, data: bytes) -> Any:
    from ipgraph.store.embedded import SelectResult

    if "json" in media and "ld+json" not in media:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        if "boolean" in doc:
            return bool(doc["boolean"])
        variables = [str(v) for v in doc.get("head", {}).get("vars", [])]
        rows = [
            {v: (terms_from_json(b[v]) if v in b else None) for v in variables}
            for b in doc.get("results", {}).get("bindings", [])
        ]
        return SelectResult(variables, rows)
    fmt = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "text/plain": ox.RdfFormat.N_TRIPLES,
    }.get(media)
    if fmt is None:
        raise RemoteError(f"the endpoint answered with {media or 'no content type'}, which ipgraph cannot read")
    return [q.triple for q in ox.parse(data, format=fmt)]


# a whole predicate ``p*`` / ``p+`` (whitespace on both sides): inside a sequence Virtuoso gets it right
_PATH_STAR = re.compile(r"(?<=\s)((?:[A-Za-z][\w.-]*)?:[\w-]+|<[^<>\"{}|^`\\\s]+>)([*+])(?=\s)")
VIRTUOSO_PATH_DEPTH = 8


def virtuoso_paths(text: str, depth: int = VIRTUOSO_PATH_DEPTH) -> str:
    """Spell a predicate ``p*`` or ``p+`` out as alternatives of 1..depth steps (Virtuoso 7.2 drops answers of
    a transitive path whose start is bound by a join); exact for chains of at most ``depth`` steps.

    >>> virtuoso_paths("?c ex:p* ex:top", depth=3)
    '?c (ex:p|ex:p/ex:p|ex:p/ex:p/ex:p)? ex:top'
    >>> virtuoso_paths("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    'SELECT (COUNT(*) AS ?n) { ?s ?p ?o }'
    """

    def one(m: re.Match[str]) -> str:
        step, op = m.group(1), m.group(2)
        alternatives = "|".join("/".join([step] * n) for n in range(1, depth + 1))
        return f"({alternatives}){'?' if op == '*' else ''}"

    return _PATH_STAR.sub(one, text)


_DIALECTS: dict[str, str] = {}


def detect_dialect(endpoint: str, auth: Auth | None = None, timeout: float = 30.0) -> str:
    """``virtuoso`` when the endpoint's Server header says so, else ``standard`` (asked once per endpoint)."""
    if endpoint not in _DIALECTS:
        req = urllib.request.Request(
            endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"query": "ASK {}"}),
            headers={"Accept": "application/sparql-results+json"},
        )
        server = ""
        try:
            with _opener(endpoint, auth).open(req, timeout=timeout) as resp:
                server = resp.headers.get("Server", "")
        except urllib.error.HTTPError as exc:
            server = exc.headers.get("Server", "") if exc.headers else ""
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(f"cannot reach {_short(endpoint)}: {getattr(exc, 'reason', exc)}") from None
        _DIALECTS[endpoint] = "virtuoso" if "virtuoso" in server.lower() else "standard"
    return _DIALECTS[endpoint]


def remote_query(
    endpoint: str,
    text: str,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    *,
    auth: Auth | None = None,
    timeout: float = 120.0,
) -> Any:
    """Run a query remotely as the embedded store would; SelectResult, bool or triples."""
    from ipgraph.store.embedded import bind_values

    prologue = sparql_prologue()
    full = prologue + bind_values(text, bindings or {})
    if detect_dialect(endpoint, auth) == "virtuoso":
        full = virtuoso_paths(full)
    try:
        ctype, data = sparql_query(endpoint, full, auth=auth, timeout=timeout)
    except RemoteError as exc:  # line numbers of the user's text, not of the text with the prologue
        shift = prologue.count("\n")

        def line(m: re.Match[str]) -> str:
            return f"{m.group(1)}{max(1, int(m.group(2)) - shift)}{m.group(3)}"

        raise RemoteError(re.sub(r"(error at |[Ll]ine )(\d+)([:,])", line, exc.message)) from None
    return parse_results(ctype, data)


def is_http_url(url: str) -> bool:
    """Whether ``url`` is an http(s) URL with a host and a valid port.

    >>> is_http_url("http://127.0.0.1:7878/store"), is_http_url("::::"), is_http_url("http://h:99999/")
    (True, False, False)
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range or not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)
