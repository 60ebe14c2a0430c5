"""The names a draft can recognise: the ontology's code lists and the entities the data already defines.

Each term keeps its labels in English and Chinese (preferred and alternative) and, where the ontology says so, the
procuratorial function of a case category and the right a charge protects. Matching a phrase against the labels is
by shared words (English, with a light suffix stripper) or shared character pairs (Chinese), scored as the share
of the label that the phrase covers.

>>> v = Vocabulary([Term("charge:art-219-infringing-trade-secrets", "charge", ("infringing trade secrets",
...     "侵犯商业秘密罪"))])
>>> term, score = v.best("charge", "cases of infringement of trade secrets involving 56 perpetrators")
>>> term.curie, score
('charge:art-219-infringing-trade-secrets', 1.0)
>>> v.best("charge", "侵犯商业秘密案件24件")[0].curie
'charge:art-219-infringing-trade-secrets'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMES = {
    "category": "https://w3id.org/ipgraph/id/category/",
    "charge": "https://w3id.org/ipgraph/id/charge/",
    "right": "https://w3id.org/ipgraph/id/right/",
    "breakdown": "https://w3id.org/ipgraph/id/breakdown/",
    "function": "https://w3id.org/ipgraph/id/function/",
    "unit": "https://w3id.org/ipgraph/id/unit/",
}
#: Words that say nothing about which category, charge or right a figure has.
GENERIC = {
    "the", "of", "and", "for", "in", "on", "with", "a", "an", "to", "by", "or", "its", "their", "other", "as",
    "case", "ip", "intellectual", "property", "number", "which", "that", "were", "was", "is", "are", "be", "been",
    "there", "these", "those", "this", "all", "total", "year", "compar", "previou", "involv", "includ", "cases",
}  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
#: Words that reports use for the word a label uses ("selling goods bearing …" / "selling commodities bearing …").
SAME_WORDS = {"goods": "commodities", "commodity": "commodities", "merchandise": "commodities"}


def stem(word: str) -> str:
    """A crude English stem: enough for "infringement" / "infringing" / "infringed" to meet.

    >>> [stem(w) for w in ("infringement", "infringing", "trademarks", "examination", "selling", "secrets")]
    ['infring', 'infring', 'trademark', 'examin', 'sell', 'secret']
    >>> [stem(w) for w in ("transferred", "transfer", "reversely", "reverse", "administratively", "administrative")]
    ['transfer', 'transfer', 'revers', 'revers', 'administrativ', 'administrativ']
    """
    for suffix in ("ations", "ation", "ments", "ment", "ions", "ion", "ings", "ing", "ies", "ly", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if suffix in ("ed", "ing", "ings") and word[-1] == word[-2] and word[-1] not in "lsfz":
                word = word[:-1]  # "transferred", "committing"
            break
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


def tokens(text: str) -> set[str]:
    """The content words (English stems) and character pairs (Chinese, in simplified characters) of a text."""
    found = {stem(SAME_WORDS.get(w, w)) for w in _WORD.findall(text.lower())} - GENERIC
    runs = _CJK.findall(text)
    if runs:
        from ipgraph.reading.zh_script import to_simplified  # traditional and simplified labels meet

        for run in runs:
            run = to_simplified(run)
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


@dataclass(frozen=True)
class Term:
    """A code or an entity with its labels, and what the ontology says it implies."""

    curie: str
    kind: str  # category | charge | right | breakdown | function | unit | entity | article | law
    labels: tuple[str, ...]
    function: str | None = None  # a category's procuratorial function
    right: str | None = None  # the right a charge protects
    article: str | None = None  # the article a charge is defined in; for an article, its law
    number: str | None = None  # an article's number ("213", "219-1")
    introduced_by: str | None = None  # the amendment that introduced a charge
    component_of: tuple[str, ...] = ()  # the categories a category is a component of
    broader: tuple[str, ...] = ()  # the broader codes of a code


class Vocabulary:
    """Terms by kind, with matching of phrases against their labels."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = list(terms)
        self.by_curie = {t.curie: t for t in self.terms}
        self._tokens = {t.curie: [tokens(label) for label in t.labels] for t in self.terms}
        self._known_labels = [
            _simplified(label).lower()
            for t in self.terms
            if t.kind in ("entity", "law", "article")
            for label in t.labels
        ]
        self._chinese = {
            t.curie: [_simplified(label) for label in t.labels if _CJK.fullmatch(label)] for t in self.terms
        }
        self._names = sorted(
            (
                (_simplified(label).lower(), t)
                for t in self.terms
                if t.kind == "entity"
                for label in t.labels
                if len(label) >= (2 if _CJK.fullmatch(label) else 5)
            ),
            key=lambda x: -len(x[0]),
        )

    def best(
        self, kind: str, phrase: str, minimum: float = 0.5, exclude: frozenset[str] = frozenset()
    ) -> tuple[Term, float] | None:
        """The term of ``kind`` whose label shares most words with the phrase (at least ``minimum`` of the label);
        the words in ``exclude`` (already spoken for by another guess) do not count."""
        words = tokens(phrase) - exclude
        plain = _simplified(phrase) if _CJK.search(phrase) else ""
        best: tuple[bool, int, float, Term] | None = None
        for term in self.terms:
            if term.kind != kind:
                continue
            for label_tokens in self._tokens[term.curie]:
                if not label_tokens:
                    continue
                matched = len(label_tokens & words)
                score = matched / len(label_tokens)
                # a Chinese label written out in the phrase first ("…犯罪审查起诉案件": 审查起诉), then the longest
                key = (self._written_out(term, plain), matched, score, term)
                if score >= minimum and (best is None or key[:3] > best[:3]):
                    best = key
        return (best[3], round(best[2], 2)) if best else None

    def _written_out(self, term: Term, plain: str) -> bool:
        """Whether one of the term's Chinese labels is written, as it is, in the (simplified) phrase."""
        return bool(plain) and any(label in plain for label in self._chinese[term.curie])

    def matching(self, kind: str, phrase: str, minimum: float) -> list[Term]:
        """Every term of ``kind`` one of whose labels the phrase covers to at least ``minimum``."""
        words = tokens(phrase)
        return [
            t
            for t in self.terms
            if t.kind == kind and any(lt and len(lt & words) / len(lt) >= minimum for lt in self._tokens[t.curie])
        ]

    def best_of(self, term: Term, phrase: str) -> float:
        """The share of the best-covered label of ``term`` that the phrase covers."""
        words = tokens(phrase)
        return max((len(lt & words) / len(lt) for lt in self._tokens[term.curie] if lt), default=0.0)

    def is_known_name(self, name: str) -> bool:
        """Whether an entity or a law carries ``name`` (or a label that contains it: "Criminal Law")."""
        key = _simplified(name).lower()
        return any(key in label for label in self._known_labels)

    def words_of(self, term: Term, phrase: str) -> frozenset[str]:
        """The words of ``phrase`` that one of the term's labels uses."""
        words = tokens(phrase)
        return frozenset(w for label_tokens in self._tokens[term.curie] for w in label_tokens & words)

    def mentions(self, text: str) -> list[tuple[int, int, Term]]:
        """Entities whose label is written in ``text`` (longest first, not overlapping), with their spans."""
        lowered = _simplified(text).lower()
        found: list[tuple[int, int, Term]] = []
        for key, term in self._names:
            i = lowered.find(key)
            while i >= 0:
                end = i + len(key)
                if not any(a < end and i < b for a, b, _ in found) and _word_edges(lowered, i, end):
                    found.append((i, end, term))
                i = lowered.find(key, end)
        return sorted(found, key=lambda x: x[0])


def _simplified(text: str) -> str:
    text = text.replace("\u2019", "'")  # "People’s" and "People's" are one name (one character for one)
    if not _CJK.search(text):
        return text
    from ipgraph.reading.zh_script import to_simplified

    return to_simplified(text)


def _word_edges(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())


def load_vocabulary(ontology: Path, data_dirs: Iterable[Path]) -> Vocabulary:
    """The code lists of the ontology and the entities of every data folder (its shared folder and its reports)."""
    import pyoxigraph as ox

    from ipgraph.errors import InputError
    from ipgraph.model.prefixes import PREFIXES
    from ipgraph.reading.facts import find_report_folders, load_report, load_shared

    try:
        with open(ontology, "rb") as f:
            quads = list(ox.parse(f.read(), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as exc:
        raise InputError(f"cannot read the ontology: {exc}".splitlines()[0], ontology) from None
    skos, rdfs, ipg = PREFIXES["skos"], PREFIXES["rdfs"], PREFIXES["ipg"]
    label_props = {skos + "prefLabel", skos + "altLabel", rdfs + "label"}
    labels: dict[str, set[str]] = {}
    function: dict[str, str] = {}
    right: dict[str, str] = {}
    article: dict[str, str] = {}  # charge -> article, article -> law
    number: dict[str, str] = {}
    introduced: dict[str, str] = {}
    component: dict[str, set[str]] = {}
    broader: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    for q in quads:
        s, p, o = q.subject, q.predicate, q.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p.value in label_props and isinstance(o, ox.Literal):
            labels.setdefault(s.value, set()).add(o.value)
        elif p.value == ipg + "procuratorialFunction" and isinstance(o, ox.NamedNode):
            function[s.value] = o.value
        elif p.value == ipg + "protectsRight" and isinstance(o, ox.NamedNode):
            right[s.value] = o.value
        elif p.value in (ipg + "definedInArticle", ipg + "partOfLaw") and isinstance(o, ox.NamedNode):
            article[s.value] = o.value
        elif p.value == ipg + "introducedBy" and isinstance(o, ox.NamedNode):
            introduced[s.value] = o.value
        elif p.value == ipg + "isComponentOf" and isinstance(o, ox.NamedNode):
            component.setdefault(s.value, set()).add(_curie(o.value))
        elif p.value == PREFIXES["skos"] + "broader" and isinstance(o, ox.NamedNode):
            broader.setdefault(s.value, set()).add(_curie(o.value))
        elif p.value == ipg + "articleNumber" and isinstance(o, ox.Literal):
            number[s.value] = o.value
        elif p.value == PREFIXES["rdf"] + "type" and isinstance(o, ox.NamedNode):
            types.setdefault(s.value, set()).add(o.value)
    from ipgraph.draft.phrasing import PHRASINGS

    terms: list[Term] = []
    for iri, names in labels.items():
        for kind, base in SCHEMES.items():
            if iri.startswith(base):
                terms.append(
                    Term(
                        _curie(iri),
                        kind,
                        tuple(sorted(names | set(PHRASINGS.get(_curie(iri), ())))),
                        _curie(function[iri]) if iri in function else None,
                        _curie(right[iri]) if iri in right else None,
                        _curie(article[iri]) if iri in article else None,
                        introduced_by=_curie(introduced[iri]) if iri in introduced else None,
                        component_of=tuple(sorted(component.get(iri, ()))),
                        broader=tuple(sorted(broader.get(iri, ()))),
                    )
                )
    for iri, names in labels.items():  # the laws and their articles, for the relations a sentence states
        kinds = types.get(iri, set())
        kind = "article" if ipg + "LegalArticle" in kinds else "law" if kinds & {ipg + "Law", ipg + "Amendment"} else ""
        if kind:
            law = _curie(article[iri]) if iri in article else None
            terms.append(Term(_curie(iri), kind, tuple(sorted(names)), article=law, number=number.get(iri)))
    for data in data_dirs:
        shared = load_shared(data)
        defined = list(shared.entities) if shared is not None else []  # places, institutions … used by many
        defined += [e for folder in find_report_folders(data) for b in load_report(folder).blocks for e in b.entities]
        for ent in defined:
            found = [str(v) for v in ent.labels.values()]
            found += [str(a) for alts in ent.alt_labels.values() for a in alts]
            terms.append(Term(ent.id, "entity", tuple(sorted(set(found)))))
    return Vocabulary(terms)


def _curie(iri: str) -> str:
    from ipgraph.model.prefixes import ID_BASE

    if iri.startswith(ID_BASE):
        kind, _, slug = iri[len(ID_BASE) :].partition("/")
        return f"{kind}:{slug}"
    return iri
