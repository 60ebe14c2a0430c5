"""IRIs the linkers write, as plain strings (no rdflib: the judgment adapter writes N-Quads text directly).

The link vocabulary (``ipg:JudgmentRecord``, ``ipg:citesArticle``, the finding reasons …) is declared in
``vocabulary.ttl`` next to this module: the terms are proposed for ``ontology/ipgraph.ttl`` and every name
used here is checked against that file by the tests.

>>> links_graph("cail2018-ip-sample")
'https://w3id.org/ipgraph/graph/links/cail2018-ip-sample'
>>> slugify("cail2018_ip_sample")
'cail2018-ip-sample'
>>> nt_literal('say "hi"\\n', lang="en")
'"say \\\\"hi\\\\"\\\\n"@en'
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ipgraph.errors import InputError
from ipgraph.model.prefixes import ID_BASE, IPG_NS, PREFIXES

GRAPH_BASE = "https://w3id.org/ipgraph/graph/"
GRAPH_LINKS = GRAPH_BASE + "links"
#: Every linked file gets its own named graph under this IRI.
GRAPH_LINKS_BASE = GRAPH_LINKS + "/"
#: The link vocabulary, written with linked data as long as the ontology does not declare it yet.
GRAPH_LINK_VOCABULARY = GRAPH_LINKS_BASE + "vocabulary"
#: Identifiers of findings and of the finding reasons (a new identifier prefix ``finding:``, proposed).
FINDING_NS = ID_BASE + "finding/"
#: Entities of other datasets without an IRI of their own (a list's lines): <LINKED_NS><dataset>/<kind>/<id>.
LINKED_NS = "https://w3id.org/ipgraph/linked/"

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
OWL = PREFIXES["owl"]
PROV = PREFIXES["prov"]
DCTERMS = PREFIXES["dcterms"]
WD = PREFIXES["wd"]

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

#: Link vocabulary terms used by the linkers (all declared in vocabulary.ttl).
LINK_TERMS: tuple[str, ...] = (
    "JudgmentRecord",
    "LinkFinding",
    "LinkFindingReason",
    "chargeName",
    "citesArticle",
    "deathPenalty",
    "defendantCount",
    "findingReason",
    "findingRecord",
    "findingTerm",
    "findingValue",
    "fineAmount",
    "imprisonmentMonths",
    "lifeImprisonment",
    "recordNumber",
)

#: Why a record (never dropped) is reported, in the order the summaries list them.
REASONS: tuple[str, ...] = (
    "unknown-charge",
    "unknown-article",
    "charge-without-article",
    "article-without-charge",
    "repeated-article",
    "missing-charge",
    "missing-article",
    "unreadable-value",
    "unreadable-record",
)

_SLUG_BAD = re.compile(r"[^a-z0-9.]+")


def ipg(term: str) -> str:
    """The IRI of an ontology or link-vocabulary term.

    >>> ipg("citesArticle")
    'https://w3id.org/ipgraph/ontology/citesArticle'
    """
    return IPG_NS + term


def reason_iri(reason: str) -> str:
    """The IRI of a finding reason.

    >>> reason_iri("unknown-charge")
    'https://w3id.org/ipgraph/id/finding/unknown-charge'
    """
    if reason not in REASONS:
        raise ValueError(f"unknown finding reason {reason!r}")
    return FINDING_NS + reason


def links_graph(slug: str) -> str:
    """The named graph of one linked file."""
    return GRAPH_LINKS_BASE + slug


def slugify(text: str) -> str:
    """A lowercase slug (``[a-z0-9][a-z0-9.-]*``) for identifiers minted from a file name or a dataset
    name."""
    slug = _SLUG_BAD.sub("-", text.lower()).strip("-.")
    if not slug:
        raise InputError(f"cannot make an identifier from {text!r}: give --dataset NAME")
    return slug


def nt_iri(iri: str) -> str:
    """An IRI in N-Triples syntax (the linkers only write IRIs they built from slugs and known namespaces)."""
    return f"<{iri}>"


def nt_literal(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax, escaped."""
    lex = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{lex}"@{lang}'
    if datatype and datatype != XSD + "string":
        return f'"{lex}"^^<{datatype}>'
    return f'"{lex}"'


def vocabulary_path() -> Path:
    """The Turtle file of the link vocabulary (proposed for the ontology)."""
    return Path(str(resources.files("ipgraph.linking").joinpath("vocabulary.ttl")))


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """An article number in Chinese numerals, as statutes write it (1 ≤ n < 10000).

    >>> chinese_number(213), chinese_number(110), chinese_number(363), chinese_number(10), chinese_number(305)
    ('二百一十三', '一百一十', '三百六十三', '十', '三百零五')
    """
    if not 0 < n < 10000:
        return str(n)
    parts: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    zero = False
    for value, unit in units:
        digit = n // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        if not (value == 10 and digit == 1 and n < 20):
            parts.append(_CN_DIGITS[digit])
        parts.append(unit)
    return "".join(parts)


def article_label_zh(number: str) -> str:
    """The Chinese name of a Criminal Law article number such as ``213`` or ``219-1``.

    >>> article_label_zh("219-1"), article_label_zh("363")
    ('刑法第二百一十九条之一', '刑法第三百六十三条')
    """
    main, _, sub = number.partition("-")
    text = f"刑法第{chinese_number(int(main))}条"
    return text + (f"之{chinese_number(int(sub))}" if sub else "")
