"""ipgraph's charges and Criminal Law articles from the ontology, and how other datasets' names match them.

Charge names are compared the way the CAIL2018 organisers' judger compares them — brackets for alternatives
are dropped (``name.replace("[", "").replace("]", "")``) — and, because ipgraph's Chinese labels end with 罪
while CAIL's ``accu.txt`` and records do not (假冒注册商标罪 / 假冒注册商标), without a trailing 罪.

>>> charge_key("非法[制造、销售]非法制造的注册商标标识")
'非法制造、销售非法制造的注册商标标识'
>>> charge_key("假冒注册商标罪") == charge_key("假冒注册商标")
True
>>> [article_key(v) for v in (213, "219之一", "第219条之一", " 220 ", "x")]
['213', '219-1', '219-1', '220', None]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipgraph.errors import InputError
from ipgraph.linking.terms import OWL, RDFS, SKOS, ipg
from ipgraph.model.prefixes import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

IP_CRIME = PREFIXES["charge"] + "ip-crime"
CRIMINAL_LAW = PREFIXES["law"] + "prc-criminal-law"
UNIT_CRIME_ARTICLE = "220"
_ARTICLE = re.compile(r"^第?\s*(\d+)\s*条?\s*(?:(?:之|-)\s*(\d+|[一二三四五六七八九]))?$")
_CN_DIGIT = {ch: str(i) for i, ch in enumerate("一二三四五六七八九", start=1)}


def charge_key(name: str) -> str:
    """The key a charge name is matched by: NFKC, no brackets, no spaces, no trailing 罪."""
    text = unicodedata.normalize("NFKC", name).replace("[", "").replace("]", "")
    text = "".join(text.split())
    return text[:-1] if text.endswith("罪") else text


def article_key(value: object) -> str | None:
    """An article number as ipgraph writes it (``213``, ``219-1``), or None when the value is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value > 0 else None
    if not isinstance(value, str):
        return None
    m = _ARTICLE.match(unicodedata.normalize("NFKC", value).strip())
    if not m:
        return None
    sub = m.group(2)
    return m.group(1) + (f"-{_CN_DIGIT.get(sub, sub)}" if sub else "")


def article_iri(number: str) -> str:
    """The IRI of a PRC Criminal Law article, the scheme the ontology uses (minted or not).

    >>> article_iri("219-1")
    'https://w3id.org/ipgraph/id/article/prc-criminal-law-219-1'
    """
    return f"{PREFIXES['article']}prc-criminal-law-{number}"


@dataclass(frozen=True)
class Charge:
    """One charge concept of the ontology."""

    iri: str
    zh: tuple[str, ...]
    zh_alt: tuple[str, ...]
    en: tuple[str, ...]
    article: str | None
    number: str | None
    ip: bool
    broader: tuple[str, ...]


@dataclass
class Concepts:
    """The charges and articles of the ontology, indexed for linking."""

    charges: dict[str, Charge]
    articles: dict[str, str]
    by_key: dict[str, str] = field(default_factory=dict)
    alt_by_key: dict[str, str] = field(default_factory=dict)
    declares_link_vocabulary: bool = False

    def match_charge(self, name: str) -> str | None:
        """The charge a name denotes (Chinese label first, then alternative labels), or None."""
        key = charge_key(name)
        return self.by_key.get(key) or self.alt_by_key.get(key)

    @property
    def ip_charges(self) -> list[Charge]:
        """The IP charges (narrower than charge:ip-crime), by article number."""
        found = [c for c in self.charges.values() if c.ip and c.iri != IP_CRIME]
        return sorted(found, key=lambda c: (_number_order(c.number), c.iri))


def _number_order(number: str | None) -> tuple[int, int]:
    if not number:
        return (10**6, 0)
    main, _, sub = number.partition("-")
    return (int(main), int(sub or 0))


_CHARGES_Q = """
PREFIX skos: <%(skos)s> PREFIX rdfs: <%(rdfs)s> PREFIX ipg: <%(ipg)s>
SELECT ?c ?label ?kind ?lang ?article ?number ?ip ?broader WHERE {
  ?c a ipg:Charge .
  { ?c rdfs:label ?label BIND("pref" AS ?kind) } UNION { ?c skos:prefLabel ?label BIND("pref" AS ?kind) }
  UNION { ?c skos:altLabel ?label BIND("alt" AS ?kind) }
  BIND(LANG(?label) AS ?lang)
  OPTIONAL { ?c ipg:definedInArticle ?article }
  OPTIONAL { ?c ipg:articleNumber ?number }
  OPTIONAL { ?c skos:broader ?broader }
  BIND(EXISTS { ?c skos:broader* <%(top)s> } AS ?ip)
}
"""
_ARTICLES_Q = """
PREFIX ipg: <%(ipg)s>
SELECT ?a ?number WHERE { ?a a ipg:LegalArticle ; ipg:articleNumber ?number ; ipg:partOfLaw <%(law)s> }
"""


def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    import pyoxigraph as ox

    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def load_concepts(ontology: Path) -> Concepts:
    """Read the charges and the Criminal Law articles of the ontology (Turtle).

    >>> from ipgraph.linking.concepts import load_concepts
    >>> from pathlib import Path
    >>> c = load_concepts(Path(__file__).resolve().parents[3] / "ontology" / "ipgraph.ttl")
    >>> c.match_charge("非法[制造、销售]非法制造的注册商标标识")
    'https://w3id.org/ipgraph/id/charge/art-215-illegal-trademark-logos'
    >>> c.articles["219-1"]
    'https://w3id.org/ipgraph/id/article/prc-criminal-law-219-1'
    """
    import pyoxigraph as ox

    store = ox.Store()
    try:
        store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    except FileNotFoundError:
        raise InputError("ontology file not found", ontology) from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"cannot read the ontology: {str(exc).splitlines()[0]}", ontology) from None
    ns = {"skos": SKOS, "rdfs": RDFS, "ipg": ipg(""), "top": IP_CRIME, "law": CRIMINAL_LAW}
    raw: dict[str, dict[str, object]] = {}
    for row in _rows(store, _CHARGES_Q % ns):
        iri = row["c"].value
        entry = raw.setdefault(
            iri,
            {"zh": set(), "zh_alt": set(), "en": set(), "article": None, "number": None, "broader": set()},
        )
        label, kind, lang = row["label"].value, row["kind"].value, row["lang"].value
        if lang.startswith("zh"):
            entry["zh" if kind == "pref" else "zh_alt"].add(label)  # type: ignore[attr-defined]
        elif lang.startswith("en") and kind == "pref":
            entry["en"].add(label)  # type: ignore[attr-defined]
        if row["article"] is not None:
            entry["article"] = row["article"].value
        if row["number"] is not None:
            entry["number"] = row["number"].value
        if row["broader"] is not None:
            entry["broader"].add(row["broader"].value)  # type: ignore[attr-defined]
        entry["ip"] = row["ip"].value == "true"
    charges: dict[str, Charge] = {}
    for iri, e in sorted(raw.items()):
        zh: set[str] = e["zh"]  # type: ignore[assignment]
        zh_alt: set[str] = e["zh_alt"]  # type: ignore[assignment]
        en: set[str] = e["en"]  # type: ignore[assignment]
        broader: set[str] = e["broader"]  # type: ignore[assignment]
        charges[iri] = Charge(
            iri,
            tuple(sorted(zh)),
            tuple(sorted(zh_alt - zh)),
            tuple(sorted(en)),
            e["article"],  # type: ignore[arg-type]
            e["number"],  # type: ignore[arg-type]
            bool(e["ip"]),
            tuple(sorted(broader)),
        )
    articles = {row["number"].value: row["a"].value for row in _rows(store, _ARTICLES_Q % ns)}
    concepts = Concepts(charges, dict(sorted(articles.items(), key=lambda kv: _number_order(kv[0]))))
    ambiguous: set[str] = set()
    for c in charges.values():
        for label in c.zh:
            key = charge_key(label)
            other = concepts.by_key.setdefault(key, c.iri)
            if other != c.iri:
                raise InputError(f"two charges have the Chinese label {label!r}: {other} and {c.iri}", ontology)
    for c in charges.values():
        for label in c.zh_alt:
            key = charge_key(label)
            if key in concepts.by_key:
                continue
            if concepts.alt_by_key.setdefault(key, c.iri) != c.iri:
                ambiguous.add(key)
    for key in ambiguous:
        del concepts.alt_by_key[key]
    declared = ox.NamedNode(ipg("JudgmentRecord"))
    concepts.declares_link_vocabulary = any(
        store.quads_for_pattern(declared, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(OWL + "Class"))
    )
    return concepts
