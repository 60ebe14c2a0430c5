"""Propose links between any RDF dataset's entities and ipgraph's concepts by normalised labels, with a score.

Labels are read from ``rdfs:label``, ``skos:prefLabel``, ``schema:name``, ``foaf:name``, ``dcterms:title``
(preferred) and ``skos:altLabel``, ``skos:hiddenLabel``, ``schema:alternateName``, ``dcterms:alternative``
(aliases), on both sides. They are compared within one language (a label without a language tag counts as
Chinese when it is written in Chinese characters, else English), after normalisation:

- every language: Unicode NFKC, case folded, punctuation and spaces dropped or collapsed;
- relaxed English: plurals made singular, *the/a/an/of/and* and *crime/offence* dropped, word order ignored
  (``Patents`` ~ ``patent``, ``infringement of trade secrets`` ~ ``trade secret infringement``);
- relaxed Chinese: a trailing 罪, 权, 省, 市 or 自治区 dropped (``上海市`` ~ ``上海``, ``商标`` ~ ``商标权``).

A matching pair of labels weighs 1.0 (preferred = preferred), 0.9 (preferred = alias) or 0.8 (alias = alias),
times 0.9 when only the relaxed forms match. Languages add up: ``score = 1 - Π(1 - weight per language)``; a
language in which both sides have a preferred label that does not match multiplies the score by 0.85. The best
candidate of an entity becomes ``skos:exactMatch`` when its score is at least 0.95 and no other candidate ties
with it; every other candidate above the threshold is a ``skos:closeMatch`` for the reviewer to judge.

>>> label_keys("Patents", "en")
[('patents', 1.0), ('patent', 0.9)]
>>> label_keys("上海市", "zh")
[('上海市', 1.0), ('上海', 0.9)]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ipgraph.errors import InputError
from ipgraph.linking.sssom import Mapping
from ipgraph.linking.terms import DCTERMS, GRAPH_LINKS_BASE, RDFS_LABEL, SKOS
from ipgraph.model.links import SKOS_CLOSE, SKOS_EXACT
from ipgraph.model.prefixes import ID_BASE, PREFIXES
from ipgraph.reading.safe_read import RDF_LIMIT, open_regular

SCHEMA = PREFIXES["schema"]
FOAF = PREFIXES["foaf"]
#: Label predicates and whether they give a preferred label (True) or an alias (False).
LABEL_PREDICATES: dict[str, bool] = {
    RDFS_LABEL: True,
    SKOS + "prefLabel": True,
    SCHEMA + "name": True,
    "http://schema.org/name": True,
    FOAF + "name": True,
    DCTERMS + "title": True,
    SKOS + "altLabel": False,
    SKOS + "hiddenLabel": False,
    SCHEMA + "alternateName": False,
    "http://schema.org/alternateName": False,
    DCTERMS + "alternative": False,
}
#: ipgraph identifier prefixes that are structure, not things to link to.
STRUCTURAL = ("quote", "section", "obs", "statement", "source", "dataset", "check", "dsd", "finding")
EXACT_AT = 0.95
CONFLICT = 0.85
RELAXED = 0.9
KIND_WEIGHT = {(True, True): 1.0, (True, False): 0.9, (False, True): 0.9, (False, False): 0.8}
_EN_STOP = {"the", "a", "an", "of", "and", "crime", "crimes", "offence", "offense"}
_ZH_SUFFIXES = ("自治区", "罪", "权", "省", "市")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _lang(tag: str, text: str) -> str:
    tag = tag.lower()
    if not tag:
        return "zh" if _HAN.search(text) else "en"
    return tag.split("-", 1)[0]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def label_keys(text: str, lang: str) -> list[tuple[str, float]]:
    """The normalised forms of a label and their weights (1.0 as is, 0.9 relaxed)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    if lang == "zh":
        base = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZ" and not ch.isspace())
        relaxed = base
        for suffix in _ZH_SUFFIXES:
            if relaxed.endswith(suffix) and len(relaxed) > len(suffix) + 1:
                relaxed = relaxed[: -len(suffix)]
                break
    else:
        words = "".join(ch if ch.isalnum() else " " for ch in text).split()
        if words[:1] == ["the"]:
            words = words[1:]
        base = " ".join(words)
        relaxed = " ".join(sorted({_singular(w) for w in words if w not in _EN_STOP}))
    keys = [(base, 1.0)] if base else []
    if relaxed and relaxed != base:
        keys.append((relaxed, RELAXED))
    return keys


@dataclass
class _Entity:
    labels: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # lang → [(text, preferred)]

    def add(self, text: str, lang: str, preferred: bool) -> None:
        self.labels.setdefault(lang, []).append((text, preferred))

    def preferred(self, lang: str) -> str:
        options = sorted(self.labels.get(lang, []), key=lambda tp: (not tp[1], tp[0]))
        return options[0][0] if options else ""

    def display(self) -> str:
        for lang in ("en", "zh", *sorted(self.labels)):
            if self.labels.get(lang):
                return self.preferred(lang)
        return ""


@dataclass
class Proposals:
    """The proposed links of one RDF file."""

    source: Path
    entities: int
    mappings: list[Mapping]
    targets: int

    def text(self, limit: int = 40) -> str:
        """The summary ``ipgraph link rdf`` prints."""
        from ipgraph.query.results import compact

        exact = sum(1 for m in self.mappings if m.predicate_id == SKOS_EXACT)
        linked = len({m.subject_id for m in self.mappings})
        lines = [
            f"{self.source.name}: {self.entities:,} labelled entities compared with {self.targets:,} ipgraph terms",
            f"  proposed {len(self.mappings):,} links for {linked:,} entities: {exact:,} skos:exactMatch, "
            f"{len(self.mappings) - exact:,} skos:closeMatch; "
            f"{self.entities - linked:,} entities without a proposal",
        ]
        for m in self.mappings[:limit]:
            lines.append(
                f"  {m.confidence:.2f} {compact(m.predicate_id):<16} {m.subject_label} → "
                f"{compact(m.object_id)} ({m.object_label})"
            )
        if len(self.mappings) > limit:
            lines.append(f"  … {len(self.mappings) - limit:,} more in the links file")
        return "\n".join(lines)


def _collect(quads: object, keep: object) -> dict[str, _Entity]:
    import pyoxigraph as ox

    entities: dict[str, _Entity] = {}
    for q in quads:  # type: ignore[attr-defined]
        pred = q.predicate.value
        if pred not in LABEL_PREDICATES or not isinstance(q.subject, ox.NamedNode):
            continue
        if not isinstance(q.object, ox.Literal):
            continue
        s = q.subject.value
        if not keep(s, q):  # type: ignore[operator]
            continue
        text = q.object.value
        entities.setdefault(s, _Entity()).add(text, _lang(q.object.language or "", text), LABEL_PREDICATES[pred])
    return entities


def _is_target(iri: str) -> bool:
    if not iri.startswith(ID_BASE):
        return False
    return iri[len(ID_BASE) :].split("/", 1)[0] not in STRUCTURAL


def load_targets(build: Path | None, ontology: Path) -> dict[str, _Entity]:
    """ipgraph's labelled concepts and entities: from a build's store, or from the ontology alone."""
    import pyoxigraph as ox

    if build is not None:
        from ipgraph.store.embedded import open_store

        store = open_store(build)
        quads = store.quads_for_pattern(None, None, None, None)

        def keep(s: str, q: object) -> bool:
            g = q.graph_name  # type: ignore[attr-defined]
            return _is_target(s) and not (isinstance(g, ox.NamedNode) and g.value.startswith(GRAPH_LINKS_BASE))

        return _collect(quads, keep)
    from ipgraph.reading.safe_read import ONTOLOGY_LIMIT, read_bytes

    data = read_bytes(ontology, ONTOLOGY_LIMIT, "the ontology")
    try:
        triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=ontology.resolve().as_uri()))
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"cannot read the ontology: {str(exc).splitlines()[0]}", ontology) from None
    return _collect(triples, lambda s, q: _is_target(s))


class _Stop(Exception):
    """Raised by the DTD scan's handlers to end the scan."""


def refuse_dtd(f: BinaryIO, path: Path) -> None:
    """Refuse XML with a document type declaration, before any RDF/XML parser sees it; rewind ``f``.

    A DTD's internal entities can nest ("billion laughs") and expand into gigabytes, and RDF never needs one.
    The scan reads only up to the root element, where any DTD must already have appeared.

    >>> import io
    >>> refuse_dtd(io.BytesIO(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><r/>'), Path("x.rdf"))
    Traceback (most recent call last):
    ...
    ipgraph.errors.InputError: x.rdf:1: XML with a DTD (<!DOCTYPE>) is refused: its entities can expand without bound
    >>> refuse_dtd(io.BytesIO(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'), Path("x.rdf"))
    """
    from xml.parsers import expat

    found: list[int] = []
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        found.append(parser.CurrentLineNumber)
        raise _Stop

    def root(*_: object) -> None:
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        parser.ParseFile(f)
    except _Stop:
        pass
    except expat.ExpatError:
        pass  # not well-formed: the RDF/XML parser says where
    f.seek(0)
    if found:
        message = "XML with a DTD (<!DOCTYPE>) is refused: its entities can expand without bound"
        raise InputError(message, path, found[0])


def read_source(path: Path, fmt: str | None = None) -> dict[str, _Entity]:
    """The labelled entities of an RDF file (any format pyoxigraph reads; guessed from the extension).

    The file must be a regular file of at most :data:`~ipgraph.reading.safe_read.RDF_LIMIT` bytes; RDF/XML with a DTD is
    refused (:func:`refuse_dtd`).
    """
    import pyoxigraph as ox

    rdf_format = ox.RdfFormat.from_extension(fmt) if fmt else None
    if fmt and rdf_format is None:
        raise InputError(f"unknown RDF format {fmt!r}: give --format ttl|nt|nq|trig|rdf|jsonld")
    if rdf_format is None:
        suffix = path.suffix.lstrip(".") or "ttl"
        rdf_format = ox.RdfFormat.from_extension(suffix)
    if rdf_format is None:
        raise InputError(f"unknown RDF format {fmt or path.suffix!r}: give --format ttl|nt|nq|trig|rdf|jsonld")
    if not path.exists():
        raise InputError("file not found", path)
    with open_regular(path, RDF_LIMIT, "the RDF file") as f:
        if rdf_format == ox.RdfFormat.RDF_XML:
            refuse_dtd(f, path)
        try:
            quads = list(ox.parse(input=f, format=rdf_format, base_iri=path.resolve().as_uri()))
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"cannot parse the RDF: {str(exc).splitlines()[0]}", path) from None
    return _collect(quads, lambda s, q: not s.startswith(ID_BASE))


def propose_links(
    source: dict[str, _Entity], targets: dict[str, _Entity], source_path: Path, min_score: float = 0.7
) -> Proposals:
    """Score every (entity, ipgraph term) pair that shares a normalised label; keep those at ``min_score`` or
    more.

    >>> src, tgt = _Entity(), _Entity()
    >>> src.add("Patents", "en", True); tgt.add("patent", "en", True); tgt.add("专利权", "zh", True)
    >>> tgt_iri = "https://w3id.org/ipgraph/id/right/patent"
    >>> p = propose_links({"http://example.org/patent": src}, {tgt_iri: tgt}, Path("x.ttl"))
    >>> [(m.predicate_id.rsplit("#")[1], m.confidence) for m in p.mappings]
    [('closeMatch', 0.9)]
    """
    index: dict[tuple[str, str], list[tuple[str, bool, float]]] = {}
    for iri, ent in targets.items():
        for lang, labels in ent.labels.items():
            for text, preferred in labels:
                for key, w in label_keys(text, lang):
                    index.setdefault((lang, key), []).append((iri, preferred, w))
    mappings: list[Mapping] = []
    for s_iri in sorted(source):
        ent = source[s_iri]
        best: dict[str, dict[str, tuple[float, str]]] = {}  # target → lang → (weight, why)
        for lang, labels in ent.labels.items():
            for text, preferred in labels:
                for key, w in label_keys(text, lang):
                    for t_iri, t_pref, tw in index.get((lang, key), ()):
                        weight = KIND_WEIGHT[(preferred, t_pref)] * min(w, tw)
                        kinds = f"{'label' if preferred else 'alias'}{'=' if min(w, tw) == 1 else '~'}"
                        why = f"{lang}:{kinds}{'label' if t_pref else 'alias'}"
                        per_lang = best.setdefault(t_iri, {})
                        if weight > per_lang.get(lang, (0.0, ""))[0]:
                            per_lang[lang] = (weight, why)
        scored: list[tuple[float, str, str]] = []
        for t_iri, per_lang in best.items():
            miss = 1.0
            for weight, _ in per_lang.values():
                miss *= 1.0 - weight
            score = 1.0 - miss
            target = targets[t_iri]
            conflicts = [
                lang
                for lang in ent.labels
                if lang not in per_lang
                and any(p for _, p in ent.labels[lang])
                and any(p for _, p in target.labels.get(lang, []))
            ]
            score *= CONFLICT ** len(conflicts)
            why = ", ".join(w for _, w in sorted(per_lang.values(), key=lambda x: x[1]))
            if conflicts:
                why += "; labels differ in " + ", ".join(sorted(conflicts))
            scored.append((round(score, 3), t_iri, why))
        scored.sort(key=lambda x: (-x[0], x[1]))
        kept = [x for x in scored if x[0] >= min_score]
        if not kept:
            continue
        tie = len(kept) > 1 and kept[1][0] == kept[0][0]
        for rank, (score, t_iri, why) in enumerate(kept):
            exact = rank == 0 and not tie and score >= EXACT_AT
            comment = why + ("; tied with another candidate" if tie and score == kept[0][0] else "")
            mappings.append(
                Mapping(
                    s_iri,
                    ent.display(),
                    SKOS_EXACT if exact else SKOS_CLOSE,
                    t_iri,
                    targets[t_iri].display(),
                    "semapv:LexicalMatching",
                    score,
                    comment,
                )
            )
    return Proposals(source_path, len(source), mappings, len(targets))
