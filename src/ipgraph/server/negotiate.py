"""Content negotiation: the ``Accept`` header (or a ``format=`` parameter) against the formats offered.

>>> pick("application/sparql-results+xml;q=0.9, text/csv", RESULT_FORMATS)
'csv'
>>> pick("*/*", GRAPH_FORMATS)
'ttl'
>>> pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", GRAPH_FORMATS, html=True)
'html'
"""

from __future__ import annotations

#: SELECT / ASK results: key → media type (first is the default).
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: CONSTRUCT / DESCRIBE results and RDF documents.
GRAPH_FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
HTML = "text/html"
#: Other names clients use for the same formats.
ALIASES: dict[str, str] = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "ttl",
    "application/turtle": "ttl",
    "text/plain": "nt",
    "text/n-triples": "nt",
    "application/json+ld": "jsonld",
    "application/xml+rdf": "rdf",
    "text/rdf+xml": "rdf",
    "application/x-sparqlresults+json": "json",
    "text/tsv": "tsv",
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
    "xml-rdf": "rdf",
    "text": "tsv",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their quality, best first (stable for equal quality).

    >>> parse_accept("text/turtle;q=0.5, application/ld+json")
    [('application/ld+json', 1.0), ('text/turtle', 0.5)]
    """
    if not header:
        return [("*/*", 1.0)]
    out: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media, q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def _key_for(media: str, offered: dict[str, str], html: bool) -> str | None:
    if html and media in (HTML, "application/xhtml+xml"):
        return "html"
    for key, mt in offered.items():
        if media == mt:
            return key
    alias = ALIASES.get(media, media)
    if alias in offered:
        return alias
    if "ttl" in offered:  # a graph: "xml" and "json" mean RDF/XML and JSON-LD
        alias = {"xml": "rdf", "json": "jsonld"}.get(alias, alias)
        return alias if alias in offered else None
    return None


def pick(accept: str | None, offered: dict[str, str], *, html: bool = False, fmt: str | None = None) -> str | None:
    """The key of the best offered format, or None when nothing acceptable is offered (answer 406).

    ``fmt`` (a ``format=`` parameter: a key, an alias or a media type) wins over the header when it names a
    format offered here. With ``html``, a browser asking for ``text/html`` gets ``'html'``.
    """
    if fmt:
        f = fmt.strip().lower()
        if html and f in ("html", HTML):
            return "html"
        if f in offered:
            return f
        key = _key_for(f, offered, html)
        if key is not None:
            return key  # a format= this resource cannot serve falls back to the Accept header
    default = next(iter(offered))
    for media, _q in parse_accept(accept):
        if media in ("*/*", "*"):
            return default
        key = _key_for(media, offered, html)
        if key is not None:
            return key
        major, _, minor = media.partition("/")
        if minor == "*":
            for key, mt in offered.items():
                if mt.startswith(major + "/"):
                    return key
    return None
