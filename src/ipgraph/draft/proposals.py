"""Proposed observations and mentions for a report's text: figures with guessed dimensions, each guess scored.

A guess is a label of the ontology's code lists that the words around the figure cover (see
:mod:`ipgraph.draft.vocabulary`); what a code implies follows from the ontology (a charge's right, a category's
function). A proposal whose dimensions equal an earlier one's is the same figure stated again when the values
agree (a restatement), and is left for review when they differ — never given an invented dimension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ipgraph.draft.figures import Figure, read_figures
from ipgraph.draft.relations import NewName, Relation, acting_procuratorate, new_names, relations
from ipgraph.draft.sentences import Span, headings, split_sentences
from ipgraph.draft.vocabulary import Term, Vocabulary, tokens

DIMENSIONS = ("category", "function", "charge", "right", "breakdown")
DEFAULTS = {
    "category": "all-cases", "function": "all-functions", "charge": "ip-crime", "right": "intellectual-property",
    "breakdown": "total",
}  # fmt: skip
_ACTORS = {"case", "clue", "person", "perpetrator"}
_COUNTED_IN_CASES = {"case", "perpetrator", "clue", None}
#: Kinds of entity that a figure can be about ("20 opinions in five parts" of a document).
_OBSERVABLE = {"award", "doc", "programme", "event", "agreement", "product", "technology"}
MINIMUM = {"category": 0.6, "charge": 0.67, "right": 1.0, "breakdown": 0.75, "function": 1.0}


@dataclass
class Guess:
    """A dimension value proposed for a figure, how sure the guess is, and why."""

    code: str  # slug without prefix
    confidence: float
    why: str


@dataclass
class Proposal:
    """One proposed observation."""

    id: str
    figure: Figure
    dims: dict[str, Guess] = field(default_factory=dict)
    restates: str | None = None  # id of an earlier proposal with the same dimensions and value
    conflict: str | None = None  # id of an earlier proposal with the same dimensions and another value

    @property
    def complete(self) -> bool:
        """Whether it can be written as an observation that builds."""
        f = self.figure
        return f.measure is not None and f.unit is not None and f.period is not None and self.conflict is None

    def review(self) -> list[str]:
        """What a person should check or fill in."""
        items = list(self.figure.notes)
        items += [f"{d}: {g.code} ({g.confidence:.2f}, {g.why})" for d, g in self.dims.items() if g.confidence < 1]
        if self.conflict:
            items.append(
                f"same dimensions as {self.conflict} with another value: add the dimension that tells them apart"
            )
        return items


@dataclass
class Block:
    """A sentence and what is proposed from it."""

    sentence: Span
    occurrence: int | None
    proposals: list[Proposal]
    mentions: list[Term]
    skipped: list[Figure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    new: list[NewName] = field(default_factory=list)


def propose(text: str, vocabulary: Vocabulary, period: str, language: str | None = None) -> list[Block]:
    """Blocks of proposals for every sentence that carries a figure or names a known entity.

    ``language`` (``"en"`` or ``"zh"``) forces the sentence splitter and the number reader; by default the script
    of each stretch of text decides.
    """
    blocks: list[Block] = []
    seen_ids: dict[str, int] = {}
    keys: dict[tuple[str, ...], Proposal] = {}
    previous: list[Figure] = []
    last_actor: Figure | None = None
    paragraph_end, topic = 0, None
    dims_of: dict[int, dict[str, Guess]] = {}
    sections = _section_topics(text, vocabulary)
    announced: set[NewName] = set()
    section: Guess | None = None
    acting = acting_procuratorate(text, vocabulary)
    for sentence in split_sentences(text, language):
        while sections and sections[0][0] <= sentence.start:
            section = sections.pop(0)[1]
        read = [f for f in read_figures(text, sentence, period, language) if not f.is_year]
        figures = [f for f in read if f.skipped is None]
        for f in figures:
            if f.anchor is not None or not previous:
                continue
            last = next((p for p in reversed(previous) if p.measure == "count" and p.unit), previous[-1])
            actor = next(
                (p for p in reversed(previous) if p.measure == "count" and p.unit in _ACTORS), last_actor or last
            )
            if (f.measure in ("change-rate", "change-multiple") and _bare(f)) or (f.form == "ones" and f.unit is None):
                f.own_phrase, f.own_context = f.phrase, f.context
                f.anchor, f.unit, f.phrase = last, f.unit or last.unit, (last.phrase + " " + f.phrase).strip()
                f.context = (last.context + " " + f.context).strip()
            elif f.unit is None and f.measure in ("share", "rate", "rank"):
                f.unit = actor.unit
        if previous and _OPENS_WITH_PART.match(sentence.text):  # "Of these, 58 cases …" / "其中，…47件"
            for f in figures:
                if f.measure == "count" and f.part_of is None and f.anchor is None:
                    f.part_of = next(
                        (p for p in previous if p.measure == "count" and p.unit == f.unit and not p.secondary), None
                    )
        for f in figures:
            if f.unit is not None and "no count before it in the sentence: say which unit it is in" in f.notes:
                f.notes.remove("no count before it in the sentence: say which unit it is in")
        proposals = []
        if sentence.start >= paragraph_end:
            paragraph_end, topic = text.find("\n", sentence.start) % (len(text) + 1), None
        named = [t for _, _, t in vocabulary.mentions(sentence.text) if t.curie.split(":")[0] in _OBSERVABLE]
        for f in figures:
            about = dims_of.get(id(f.anchor)) or dims_of.get(id(f.part_of)) or _listed_after(f, figures, dims_of)
            p = Proposal(_new_id(f, seen_ids), f, _guess(f, vocabulary, topic, about, section))
            if f.unit not in _COUNTED_IN_CASES and named:
                p.dims["entity"] = Guess(named[0].curie, 0.6, f"the {named[0].curie.split(':')[0]} the sentence names")
            dims_of[id(f)] = p.dims
            if "category" in p.dims and p.dims["category"].confidence >= 0.6:
                topic = p.dims["category"]
            key = _key(p)
            guessed = any(d in p.dims for d in ("category", "charge", "breakdown"))
            if key in keys:
                earlier = keys[key]
                if earlier.figure.value == f.value and guessed:
                    p.restates = earlier.id
                else:
                    p.conflict = earlier.id
            elif p.complete:
                keys[key] = p
            proposals.append(p)
        mentions = [t for _, _, t in vocabulary.mentions(sentence.text)]
        skipped = [f for f in read if f.skipped is not None]
        stated = relations(sentence.text, vocabulary, acting) + _components(proposals, dims_of, vocabulary)
        new = [n for n in new_names(sentence.text, vocabulary) if n not in announced]  # each name once, where first
        announced.update(new)
        if proposals or mentions or skipped or stated or new:
            count = text.count(sentence.text)
            occurrence = _occurrence(text, sentence) if count > 1 else None
            blocks.append(Block(sentence, occurrence, proposals, list(dict.fromkeys(mentions)), skipped, stated, new))
        previous = figures or previous
        last_actor = next((f for f in reversed(figures) if f.measure == "count" and f.unit in _ACTORS), last_actor)
    return blocks


def _components(
    proposals: list[Proposal], dims_of: dict[int, dict[str, Guess]], vocabulary: Vocabulary
) -> list[Relation]:
    """Categories a sentence lists within a count of another ("17 public-interest litigation cases, including 11
    civil cases and six administrative ones"): ``[part, isComponentOf, whole]``, each category read from its own
    words, where the ontology places the part under the whole (a component or a narrower category of it). The whole
    may be in the sentence before ("Of these, 21 cases were examined for arrest …")."""
    out: list[Relation] = []
    for p in proposals:
        whole = p.figure.part_of
        whole_dims = dims_of.get(id(whole), {}) if whole is not None else {}
        if whole is None or "category" not in p.dims or "category" not in whole_dims:
            continue
        part_guess, whole_guess = p.dims["category"], whole_dims["category"]
        if not (part_guess.why.startswith("label") and whole_guess.why.startswith("label")):
            continue  # a category carried over from the whole or the paragraph says nothing of parts
        if part_guess.code == whole_guess.code:
            continue
        part = vocabulary.by_curie.get(f"category:{part_guess.code}")
        whole_curie = f"category:{whole_guess.code}"
        if part is None or whole_curie not in (*part.component_of, *part.broader):
            continue  # listed within, but not a kind of it ("civil supervision cases including two where …")
        stated = whole_curie in part.component_of
        confidence = round(min(part_guess.confidence, whole_guess.confidence) * (1.0 if stated else 0.8), 2)
        why = f"{p.figure.written} listed within {whole.written}, " + (
            "a component of it in the ontology" if stated else "a narrower category of it in the ontology"
        )
        check = "that the sentence lists a kind of the whole, not an example or an overlapping count"
        out.append(Relation(part.curie, "isComponentOf", whole_curie, why, confidence, check))
    return out


_OPENS_WITH_PART = re.compile(r"\s*(?:其中|Of (?:these|them|which)|Among (?:them|these|which))\b", re.IGNORECASE)


def _listed_after(f: Figure, figures: list[Figure], dims_of: dict[int, dict[str, Guess]]) -> dict[str, Guess] | None:
    """The dimensions of the count a bare count is listed after ("… accounted for 2,410 cases in 2021, 2,755 cases
    in 2022 and 3,020 cases in 2023"): the same unit, and no words of its own but the unit and a year."""
    if f.measure != "count" or tokens(f"{f.phrase} {f.context}"):
        return None
    before = [c for c in figures if c.start < f.start and c.measure == "count" and c.unit == f.unit]
    return dims_of.get(id(before[-1])) if before else None


def _bare(f: Figure) -> bool:
    before = f.sentence.text[: f.local]
    return len(re.findall(r"[A-Za-z]{4,}|[\u4e00-\u9fff]", before)) < 3


def _occurrence(text: str, sentence: Span) -> int:
    n, i = 0, text.find(sentence.text)
    while 0 <= i < sentence.start:
        n += 1
        i = text.find(sentence.text, i + 1)
    return n + 1


def _other_fields(f: Figure, vocabulary: Vocabulary) -> bool:
    """Whether the sentence names a legal field besides intellectual property ("… six in the anti-unfair competition
    field")."""
    fields = [
        t for t in vocabulary.matching("breakdown", f.sentence.text, 1.0) if t.curie.startswith("breakdown:field-")
    ]
    return any(t.curie != "breakdown:field-ip" for t in fields)


def _section_topics(text: str, vocabulary: Vocabulary) -> list[tuple[int, Guess | None]]:
    """Where each section starts and the one category its heading names in full (a level-2 heading that names none
    keeps its level-1 heading's; a heading that names several, "Civil, Administrative and Public-Interest
    Litigation", names none)."""
    out: list[tuple[int, Guess | None]] = []
    outer: Guess | None = None
    for offset, level, words in headings(text):
        named = None
        found = [t for t in vocabulary.matching("category", words, 0.8) if t.curie != "category:all-cases"]
        if len(found) == 1:
            named = Guess(found[0].curie.split(":", 1)[1], 0.5, "the category its section heading names")
        if level == 1:
            outer = named
        out.append((offset, named or outer))
    return out


def _guess(
    f: Figure,
    vocabulary: Vocabulary,
    topic: Guess | None = None,
    anchor: dict[str, Guess] | None = None,
    section: Guess | None = None,
) -> dict[str, Guess]:
    phrase = f"{f.phrase} {f.context}"
    dims: dict[str, Guess] = {}
    from_context: set[str] = set()
    spoken_for: frozenset[str] = frozenset()  # words a breakdown's label took: not also a category's or charge's
    for dim in ("breakdown", "charge", "category"):
        found = None
        own = f"{f.own_phrase} {f.own_context}".strip() if f.form == "ones" else ""  # "… in 3 of them"
        for words in (f.own_phrase, own, f.phrase):  # a figure's own words first ("… and four as the typical cases")
            if found is None and words:
                found = vocabulary.best(dim, words, MINIMUM[dim], spoken_for)
        if found is None:
            found = vocabulary.best(dim, phrase, MINIMUM[dim], spoken_for)
            from_context.add(dim)
        if found and found[0].curie.split(":", 1)[1] != DEFAULTS[dim]:
            term, score = found
            dims[dim] = Guess(term.curie.split(":", 1)[1], score, f"label “{_label(term)}” matched")
            if dim == "breakdown":
                spoken_for = vocabulary.words_of(term, phrase)
    if "breakdown" in dims and dims["breakdown"].code == "field-ip" and not _other_fields(f, vocabulary):
        del dims["breakdown"]  # in an IP report "the IP field" is a breakdown only beside another field
    if f.lead and not ({"category", "charge"} & set(dims)) and f.anchor is None and f.form != "ones":
        for dim in ("charge", "category"):  # "By charge, counterfeiting … remained the most common, with 29 cases"
            found = vocabulary.best(dim, f.lead, max(MINIMUM[dim], 0.8), spoken_for)
            if found and found[0].curie.split(":", 1)[1] != DEFAULTS[dim]:
                term, score = found
                dims[dim] = Guess(term.curie.split(":", 1)[1], round(score * 0.8, 2), "named earlier in the sentence")
                break
    dependent = f.anchor is not None or f.form == "ones" or f.measure != "count" or not tokens(f.phrase)
    about_count = f.anchor is not None and f.measure != "count"  # a share or change: the count it is about decides
    if (
        anchor
        and ("category" not in dims or ("category" in from_context and about_count))
        and ("charge" not in dims or "charge" in from_context)
    ):
        for dim in ("category", "charge", "right", "function"):
            if dim in anchor:
                dims[dim] = Guess(anchor[dim].code, round(anchor[dim].confidence * 0.9, 2), "as the figure it is about")
    elif (
        "charge" in dims and "charge" in from_context and f.measure in ("share", "rate", "rank") and f.phrase.isascii()
    ):
        charge = vocabulary.by_curie.get(f"charge:{dims.pop('charge').code}")
        if charge is not None and charge.right:
            dims["right"] = Guess(charge.right.split(":", 1)[1], 0.6, "the right named in the sentence")
    if "category" not in dims and "charge" not in dims and topic is not None and dependent:
        dims["category"] = Guess(topic.code, round(topic.confidence * 0.7, 2), "the category the paragraph is about")
    if "category" not in dims and "charge" not in dims and section is not None:
        dims["category"] = section
    charge = vocabulary.by_curie.get(f"charge:{dims['charge'].code}") if "charge" in dims else None
    if charge is not None:
        if charge.right:
            dims["right"] = Guess(
                charge.right.split(":", 1)[1], dims["charge"].confidence, "the right its charge protects"
            )
        whole_guess = anchor.get("category") if anchor else None
        whole = vocabulary.by_curie.get(f"category:{whole_guess.code}") if whole_guess else None
        if "category" not in dims and whole_guess and whole and whole.function == "function:criminal":
            # "审查起诉案件86件……其中，假冒注册商标罪案件47件": criminal cases of the kind the whole is
            dims["category"] = Guess(whole_guess.code, whole_guess.confidence, "as the whole it is part of")
        elif "category" not in dims:
            dims["category"] = Guess("ip-criminal", dims["charge"].confidence, "a charge's figures are criminal cases")
    if "right" not in dims:
        found = vocabulary.best("right", phrase, MINIMUM["right"], spoken_for)
        if found and found[0].curie.split(":", 1)[1] != DEFAULTS["right"]:
            dims["right"] = Guess(found[0].curie.split(":", 1)[1], found[1], f"label “{_label(found[0])}” matched")
    category = vocabulary.by_curie.get(f"category:{dims['category'].code}") if "category" in dims else None
    if category is not None and category.function:
        dims["function"] = Guess(
            category.function.split(":", 1)[1], dims["category"].confidence, "its category's function"
        )
    function = dims.get("function")
    if anchor and "function" in anchor and (function is None or function.code == DEFAULTS["function"]):
        # "28 civil supervision cases, including 15 where suggestions on rectification were made": civil
        dims["function"] = Guess(
            anchor["function"].code, round(anchor["function"].confidence * 0.8, 2), "as the figure it is part of"
        )
    return dims


def _label(term: Term) -> str:
    return next((label for label in term.labels if label.isascii()), term.labels[0] if term.labels else term.curie)


def _key(p: Proposal) -> tuple[str, ...]:
    f = p.figure
    dims = tuple(p.dims[d].code if d in p.dims else DEFAULTS[d] for d in DIMENSIONS)
    return (str(f.period), str(f.measure), str(f.unit), *dims, p.dims["entity"].code if "entity" in p.dims else "")


def _new_id(f: Figure, seen: dict[str, int]) -> str:
    words = re.findall(r"[a-z]+", f.phrase.lower())
    words = [
        w for w in words if len(w) > 3 and w not in ("cases", "with", "that", "were", "which", "there", "involving")
    ]
    base = "-".join([*words[:4], f.unit or "figure", f.measure or "value"])[:60].strip("-") or "figure"
    base = re.sub(r"-+", "-", base)
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def value_text(value: Decimal) -> str:
    """A value as YAML writes it: no exponent, no trailing zeros beyond those written."""
    text = format(value, "f")
    return text
