"""Relations a sentence states between things the ontology knows, and the names in it that no entity has yet.

A sentence that names an article of the Criminal Law ("Article 213 of the Criminal Law", 刑法第二百一十三条) and the
charge the ontology defines in that article ("counterfeiting registered trademarks") states
``[charge, definedInArticle, article]``. Names of institutions, places and laws that no known entity carries
("Songhe District People's Procuratorate", 青溪区, 《…》) are listed as new, for a person to define or map to a known
entity; they are never given an invented id.

>>> from ipgraph.draft.vocabulary import Term, Vocabulary
>>> v = Vocabulary([Term("charge:art-213", "charge", ("counterfeiting registered trademarks",),
...     article="article:crim-213"), Term("article:crim-213", "article", ("Criminal Law Article 213",),
...     article="law:prc-criminal-law", number="213"),
...     Term("law:prc-criminal-law", "law", ("Criminal Law of the PRC",))])
>>> s = "Wang was convicted of counterfeiting registered trademarks under Article 213 of the Criminal Law."
>>> [(r.subject, r.predicate, r.obj) for r in relations(s, v)]
[('charge:art-213', 'definedInArticle', 'article:crim-213')]
>>> [(n.kind, n.name) for n in new_names("The Songhe District People's Procuratorate applied the Trademark Law.", v)]
[('institution', "Songhe District People's Procuratorate"), ('place', 'Songhe District'), ('law', 'Trademark Law')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipgraph.draft.vocabulary import Term, Vocabulary
from ipgraph.numerals_zh import chinese_numeral_value

CRIMINAL_LAW = "law:prc-criminal-law"


@dataclass(frozen=True)
class Relation:
    """A statement proposed from a sentence, and why."""

    subject: str
    predicate: str
    obj: str
    why: str


@dataclass(frozen=True)
class NewName:
    """A name no known entity carries: an institution, a place or a law."""

    name: str
    kind: str


_EN_ARTICLE = re.compile(
    r"\bArticles?\s+(\d+(?:-\d+)?)(?:,?\s+[Pp]aragraph\s+\d+)?\s+of\s+the\s+(?:PRC\s+)?Criminal\s+Law\b"
)
_ZH_ARTICLE = re.compile(r"(?:《中华人民共和国刑法》|《刑法》|刑法)第([零〇一二两三四五六七八九十百]+)条(之一)?")
_EN_INSTITUTION = re.compile(
    r"\b((?:[A-Z][\w’'-]*\s+){1,5}?(?:People[’']s\s+)?(?:Procuratorate|Court|Bureau|Administration))\b"
)
_EN_PLACE = re.compile(r"\b((?:[A-Z][a-z]+\s+){1,2}(?:District|County|City|Province))\b")
_EN_LAW = re.compile(r"\bthe\s+((?:[A-Z][\w’'-]*\s+){1,4}Law)\b")
_ZH_INSTITUTION = re.compile(
    r"(([^\s\d由在经与向对的和及等案，。；、（）《》“”]{1,6}?[省市区县])(?:人民检察院|人民法院|检察院|法院))"
)
_ZH_LAW = re.compile(r"《([^》]{2,30})》")
_LEADING = re.compile(r"^(?:The|In|On|At|By|From)\s+")


def articles_named(text: str, vocabulary: Vocabulary) -> list[Term]:
    """The articles of the Criminal Law the text names, in order."""
    numbers = [m.group(1) for m in _EN_ARTICLE.finditer(text)]
    for m in _ZH_ARTICLE.finditer(text):
        value = chinese_numeral_value(m.group(1))
        if value is not None:
            numbers.append(f"{int(value)}" + ("-1" if m.group(2) else ""))
    known = {t.number: t for t in vocabulary.terms if t.kind == "article" and t.article == CRIMINAL_LAW}
    return list(dict.fromkeys(known[n] for n in numbers if n in known))


def relations(text: str, vocabulary: Vocabulary) -> list[Relation]:
    """The statements a sentence makes between charges and the articles that define them."""
    out = []
    for article in articles_named(text, vocabulary):
        defined = [t for t in vocabulary.terms if t.kind == "charge" and t.article == article.curie]
        named = [(t, vocabulary.best_of(t, text)) for t in defined]
        named = [(t, score) for t, score in named if score >= 0.67]
        if named:
            charge, score = max(named, key=lambda x: x[1])
            why = f"the sentence names the charge ({score:.2f} of its label) and {article.labels[0]}"
            out.append(Relation(charge.curie, "definedInArticle", article.curie, why))
    return out


def new_names(text: str, vocabulary: Vocabulary) -> list[NewName]:
    """Institutions, places and laws the text names that no known entity or law carries, in order."""
    found: list[NewName] = []
    for m in _EN_INSTITUTION.finditer(text):
        found.append(NewName(_LEADING.sub("", m.group(1)), "institution"))
    for m in _EN_PLACE.finditer(text):
        found.append(NewName(_LEADING.sub("", m.group(1)), "place"))
    for m in _EN_LAW.finditer(text):
        found.append(NewName(m.group(1), "law"))
    for m in _ZH_INSTITUTION.finditer(text):
        found += [NewName(m.group(1), "institution"), NewName(m.group(2), "place")]
    for m in _ZH_LAW.finditer(text):
        found.append(NewName(m.group(1), "law"))
    return list(dict.fromkeys(n for n in found if not vocabulary.is_known_name(n.name)))
