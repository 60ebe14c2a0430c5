"""Relations a sentence states between things the ontology or the data knows, and the names in it no entity has yet.

A sentence that names an article of the Criminal Law ("Article 213 of the Criminal Law", 刑法第二百一十三条) and the
charge the ontology defines in that article states ``[charge, definedInArticle, article]``; one that names a charge
and the amendment that introduced it ("the Amendment (XI) to the Criminal Law", 刑法修正案（十一）) states
``[charge, introducedBy, law]``; one that says a procuratorate worked with other known institutions ("worked with",
"joined hands with", 联合, 会同) states ``[procuratorate, collaboratesWith, institution]`` (for "we", the
procuratorate the text names most); one that says guiding or typical cases were selected by a known institution
states ``[category, selectedBy, institution]``. Each relation carries a confidence and what a person should check.
Names of institutions, places and laws that no known entity carries ("Songhe District People's Procuratorate",
青溪区, 《…》) are listed as new, for a person to define or map to a known entity; they are never given an invented
id.

>>> from ipgraph.draft.vocabulary import Term, Vocabulary
>>> v = Vocabulary([Term("charge:art-213", "charge", ("counterfeiting registered trademarks",),
...     article="article:crim-213"), Term("article:crim-213", "article", ("Criminal Law Article 213",),
...     article="law:prc-criminal-law", number="213"),
...     Term("law:prc-criminal-law", "law", ("Criminal Law of the PRC",)),
...     Term("inst:qinghe-procuratorate", "entity", ("Qinghe Procuratorate",)),
...     Term("inst:qinghe-police", "entity", ("Qinghe Public Security Bureau",))])
>>> s = "Wang was convicted of counterfeiting registered trademarks under Article 213 of the Criminal Law."
>>> [(r.subject, r.predicate, r.obj) for r in relations(s, v)]
[('charge:art-213', 'definedInArticle', 'article:crim-213')]
>>> s = "The Qinghe Procuratorate worked with the Qinghe Public Security Bureau on 12 cases."
>>> [(r.subject, r.predicate, r.obj) for r in relations(s, v)]
[('inst:qinghe-procuratorate', 'collaboratesWith', 'inst:qinghe-police')]
>>> [(n.kind, n.name) for n in new_names("The Songhe District People's Procuratorate applied the Trademark Law.", v)]
[('institution', "Songhe District People's Procuratorate"), ('place', 'Songhe District'), ('law', 'Trademark Law')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipgraph.draft.vocabulary import Term, Vocabulary
from ipgraph.reading.numerals_zh import chinese_numeral_value

CRIMINAL_LAW = "law:prc-criminal-law"


@dataclass(frozen=True)
class Relation:
    """A statement proposed from a sentence, and why."""

    subject: str
    predicate: str
    obj: str
    why: str
    confidence: float = 1.0
    check: str = ""  # what a person should check before keeping it
    new: tuple[str, ...] = ()  # "subject", "object": the sides that are names no entity carries yet, not ids

    def written(self) -> str:
        """The relation as a person reads it: ids as they are, new names in quotes."""
        side = {"subject": self.subject, "object": self.obj}
        shown = {k: f"new “{v}”" if k in self.new else v for k, v in side.items()}
        return f"[{shown['subject']}, {self.predicate}, {shown['object']}]"


@dataclass(frozen=True)
class NewName:
    """A name no known entity carries: an institution, a place or a law."""

    name: str
    kind: str
    place: str = ""  # an institution's place, from its name: a known place's id, or a new place's name


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


def relations(text: str, vocabulary: Vocabulary, acting: str | NewName | None = None) -> list[Relation]:
    """The statements a sentence makes between known things: a charge and its article or the amendment that
    introduced it, a procuratorate and the institutions it worked with, selected cases and who selected them.

    ``acting`` is the procuratorate the text speaks for ("we", 我院): a known one's id, or the name of a new one.
    A relation one side of which is a new institution carries its name and says so (``Relation.new``).
    """
    out = _articles(text, vocabulary)
    out += _amendments(text, vocabulary)
    out += _collaborations(text, vocabulary, acting)
    out += _selections(text, vocabulary)
    return list({(r.subject, r.predicate, r.obj): r for r in reversed(out)}.values())[::-1]


def _articles(text: str, vocabulary: Vocabulary) -> list[Relation]:
    out = []
    for article in articles_named(text, vocabulary):
        defined = [t for t in vocabulary.terms if t.kind == "charge" and t.article == article.curie]
        named = [(t, vocabulary.best_of(t, text)) for t in defined]
        named = [(t, score) for t, score in named if score >= 0.67]
        if named:
            charge, score = max(named, key=lambda x: x[1])
            why = f"the sentence names the charge ({score:.2f} of its label) and {article.labels[0]}"
            check = "that the sentence applies this article to this charge"
            out.append(Relation(charge.curie, "definedInArticle", article.curie, why, round(score, 2), check))
    return out


_EN_AMENDMENT = re.compile(
    r"\bAmendments?\s*\(?([IVXL]+)\)?\s+to\s+the\s+(?:PRC\s+)?Criminal\s+Law\b"
    r"|\bCriminal\s+Law\s+Amendment\s*\(?([IVXL]+)\)?"
)
_ZH_AMENDMENT = re.compile(r"刑法修正案[（(]([一二三四五六七八九十]+)[）)]")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def amendments_named(text: str, vocabulary: Vocabulary) -> list[Term]:
    """The amendments to the Criminal Law the text names ("Amendment (XI) to the Criminal Law", 刑法修正案（十一）)."""
    numbers = [_roman_value(m.group(1) or m.group(2)) for m in _EN_AMENDMENT.finditer(text)]
    for m in _ZH_AMENDMENT.finditer(text):
        value = chinese_numeral_value(m.group(1))
        if value is not None:
            numbers.append(int(value))
    known: dict[int, Term] = {}
    for t in vocabulary.terms:
        if t.kind != "law":
            continue
        for label in t.labels:
            en = re.fullmatch(r"Amendment ([IVXL]+) to the Criminal Law", label)
            zh = _ZH_AMENDMENT.search(label)
            if en:
                known[_roman_value(en.group(1))] = t
            elif zh and (value := chinese_numeral_value(zh.group(1))) is not None:
                known[int(value)] = t
    return list(dict.fromkeys(known[n] for n in numbers if n in known))


def _amendments(text: str, vocabulary: Vocabulary) -> list[Relation]:
    """A charge named beside the amendment the ontology says introduced it."""
    out = []
    for law in amendments_named(text, vocabulary):
        introduced = [t for t in vocabulary.terms if t.kind == "charge" and t.introduced_by == law.curie]
        named = [(t, vocabulary.best_of(t, text)) for t in introduced]
        named = [(t, score) for t, score in named if score >= 0.5]  # the amendment named: few charges to tell apart
        if named:
            charge, score = max(named, key=lambda x: x[1])
            why = f"the sentence names the charge ({score:.2f} of its label) and {law.labels[0]}, which introduced it"
            check = "that the sentence speaks of the charge this amendment introduced"
            out.append(Relation(charge.curie, "introducedBy", law.curie, why, round(score * 0.9, 2), check))
    return out


_EN_TOGETHER = re.compile(
    r"\b(?:work(?:ed|s|ing)?\s+(?:closely\s+|together\s+)?with|join(?:ed|s|ing)?\s+hands\s+with|"
    r"collaborat\w*|co-?operat\w*|together\s+with|jointly|in\s+(?:conjunction|partnership)\s+with|"
    r"partner(?:ed|ing)\s+with|teamed\s+up\s+with)\b",
    re.IGNORECASE,
)
_ZH_TOGETHER = re.compile(r"联合|會同|会同|聯合|携手|攜手|协作|協作|合作|共同|联动|聯動")
#: Words of a plan or a recommendation: what should be done states no relation yet.
_INTENDED = re.compile(r"\b(?:should|shall|will|must|need to|ought to)\b|应当|应该|将要|要进一步", re.IGNORECASE)
_WE = re.compile(
    r"\b(?:we|our|us|the procuratorate)\b|我院|本院|全[市区县省]检察机关|全[市區縣省]檢察機關", re.IGNORECASE
)


def _institutions(text: str, vocabulary: Vocabulary) -> list[tuple[int, Term]]:
    return [(start, t) for start, _, t in vocabulary.mentions(text) if t.curie.startswith("inst:")]


def is_procuratorate(term: Term) -> bool:
    """Whether a known institution is a procuratorate (by its labels)."""
    return any(_is_procuratorate_name(x) for x in term.labels)


def _is_procuratorate_name(name: str) -> bool:
    return "procuratorate" in name.lower() or "检察" in name or "檢察" in name


def acting_procuratorate(text: str, vocabulary: Vocabulary) -> str | NewName | None:
    """The procuratorate a text speaks for ("we"): the one it names most, known or new (the first named, on a tie)."""
    named: dict[str | NewName, tuple[int, int]] = {}  # how often, and where first (negated, so that earlier wins)
    for start, t in _institutions(text, vocabulary):
        if is_procuratorate(t):
            count, first = named.get(t.curie, (0, -start))
            named[t.curie] = (count + 1, first)
    for n in new_names(text, vocabulary):
        if n.kind == "institution" and _is_procuratorate_name(n.name):
            named[n] = (text.count(n.name), -text.find(n.name))
    return max(named, key=lambda k: named[k]) if named else None


def _collaborations(text: str, vocabulary: Vocabulary, acting: str | NewName | None) -> list[Relation]:
    """A procuratorate that worked with other institutions: the one named before the words of working together, or
    the text's own procuratorate where the sentence says "we"; known institutions by their ids, new ones by name."""
    cue = _EN_TOGETHER.search(text) or _ZH_TOGETHER.search(text)
    if cue is None or _INTENDED.search(text):
        return []
    named = _institutions(text, vocabulary)
    fresh = [n for n in new_names(text, vocabulary) if n.kind == "institution"]
    before = [t.curie for start, t in named if start < cue.start() and is_procuratorate(t)]
    before_new = [n for n in fresh if _is_procuratorate_name(n.name) and 0 <= text.find(n.name) < cue.start()]
    subject: str | NewName
    if before:
        subject, why = before[0], "the procuratorate named before"
    elif before_new:
        subject, why = before_new[0], "the procuratorate named before"
    elif acting is not None and _WE.search(text):
        subject, why = acting, "the text's own procuratorate (the sentence says we)"
    else:
        return []
    partners: list[str | NewName] = [t.curie for _, t in named]
    partners += fresh
    words, sure = cue.group(0), 0.8 if before or before_new else 0.6
    out = []
    for partner in dict.fromkeys(p for p in partners if p != subject):
        new = (("subject",) if isinstance(subject, NewName) else ()) + (
            ("object",) if isinstance(partner, NewName) else ()
        )
        out.append(
            Relation(
                subject.name if isinstance(subject, NewName) else subject,
                "collaboratesWith",
                partner.name if isinstance(partner, NewName) else partner,
                f"“{words}”: {why} and an institution it names",
                sure,
                "that the sentence says they worked together, not only that both are named",
                new,
            )
        )
    return out


_SELECTED = re.compile(r"\b(?:selected|chosen|named|listed)\b|评为|评选|入选|选为|列为", re.IGNORECASE)
_SELECTED_KINDS = re.compile(r"\b(?:guiding|typical|model)\b|指导性|典型", re.IGNORECASE)


def _selections(text: str, vocabulary: Vocabulary) -> list[Relation]:
    """Guiding or typical cases selected by a known institution ("selected as a guiding case … by the SPP")."""
    if not _SELECTED.search(text):
        return []
    selectors = [t for _, t in _institutions(text, vocabulary)]
    if not selectors:
        return []
    kinds = [
        t
        for t in vocabulary.matching("category", text, 1.0)
        if any(_SELECTED_KINDS.search(label) for label in t.labels)
    ]
    return [
        Relation(
            kind.curie,
            "selectedBy",
            selectors[-1].curie,
            f"the sentence says {_first_label(kind)} were selected and names {_first_label(selectors[-1])}",
            0.7,
            "that this institution selected them",
        )
        for kind in kinds
    ]


def _first_label(term: Term) -> str:
    return next((label for label in term.labels if label.isascii()), term.labels[0] if term.labels else term.curie)


def new_names(text: str, vocabulary: Vocabulary) -> list[NewName]:
    """Institutions, places and laws the text names that no known entity or law carries, in order."""
    found: list[NewName] = []
    for m in _EN_INSTITUTION.finditer(text):
        name = _LEADING.sub("", m.group(1))
        place = _EN_PLACE.search(name)
        found.append(NewName(name, "institution", _place(place.group(1), vocabulary) if place else ""))
    for m in _EN_PLACE.finditer(text):
        found.append(NewName(_LEADING.sub("", m.group(1)), "place"))
    for m in _EN_LAW.finditer(text):
        found.append(NewName(m.group(1), "law"))
    for m in _ZH_INSTITUTION.finditer(text):
        found += [NewName(m.group(1), "institution", _place(m.group(2), vocabulary)), NewName(m.group(2), "place")]
    for m in _ZH_LAW.finditer(text):
        found.append(NewName(m.group(1), "law"))
    return list(dict.fromkeys(n for n in found if not vocabulary.is_known_name(n.name)))


def _place(name: str, vocabulary: Vocabulary) -> str:
    """A place named in an institution's name: the id of the known place written there in full, else the name."""
    name = _LEADING.sub("", name)
    known = [t for a, b, t in vocabulary.mentions(name) if t.curie.startswith("place:") and b - a == len(name)]
    return known[0].curie if known else name
