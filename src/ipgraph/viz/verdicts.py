"""What the graph's consistency checks say about the figures a chart draws: which reading of an ambiguous
change they settle on, and where the report contradicts itself.

``ipgraph build`` runs every check and writes its verdict into the ``derived`` graph (``ipg:ConsistencyCheck``
with ``ipg:verdict``, ``ipg:checksObservation`` and, for a check made under one reading of “rose by N times”,
``ipg:interpretation``). This module only reads those verdicts; it decides nothing by itself:

- a reading of a derived value is *rejected* when a check made under that reading, over a figure the value was
  derived from, is inconsistent; it is *settled* when it is the one reading of its value not rejected;
- an inconsistency of the report is an inconsistent check made under no reading; it is *about* the checked
  figure its label names first (the figure whose local name begins the label).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ipgraph.model.prefixes import PREFIXES, sparql_prologue
from ipgraph.store.embedded import SelectResult, run_query
from ipgraph.viz.index import Index, Obs, local_name

UNAMBIGUOUS = PREFIXES["interpretation"] + "unambiguous"
INCONSISTENT = PREFIXES["verdict"] + "inconsistent"

_DERIVED_Q = (
    sparql_prologue()
    + """SELECT ?o ?interp ?src WHERE {
  ?o a ipg:DerivedObservation ; ipg:interpretation ?interp ; prov:wasDerivedFrom ?src .
}"""
)
_CHECKS_Q = (
    sparql_prologue()
    + """SELECT ?check ?kind ?verdict ?interp ?label ?expression ?o WHERE {
  ?check a ipg:ConsistencyCheck ; ipg:checkKind ?kind ; ipg:verdict ?verdict ; rdfs:label ?label ;
         ipg:expression ?expression ; ipg:checksObservation ?o .
  OPTIONAL { ?check ipg:interpretation ?interp }
}"""
)
_SECTIONS_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?check ?section WHERE {
  ?check a ipg:ConsistencyCheck ; ipg:verdict verdict:inconsistent ; prov:wasDerivedFrom ?q .
  ?q ipg:section/ipg:sectionNumber ?section .
}"""
)


@dataclass(frozen=True)
class CheckResult:
    """One consistency check as the build left it: kind, verdict, reading (IRI or ""), and what it checked."""

    iri: str
    kind: str
    verdict: str
    interpretation: str
    label: str
    expression: str
    observations: frozenset[str]
    sections: tuple[str, ...] = ()

    @property
    def inconsistent(self) -> bool:
        """Whether the figures it checks disagree."""
        return self.verdict == INCONSISTENT

    @property
    def subject(self) -> str:
        """The checked figure the check is about: the one whose local name begins its label ("" if none does).

        >>> c = CheckResult("c", "k", "v", "", "r-x-share-trend", "e", frozenset({"o/r-x-share", "o/r-x-share-trend"}))
        >>> c.subject
        'o/r-x-share-trend'
        """
        named = [o for o in self.observations if self.label.startswith(local_name(o))]
        return max(named, key=lambda o: (len(local_name(o)), o), default="")


@dataclass
class Verdicts:
    """The checks of a graph, and the reading and sources of every derived value."""

    interpretation: dict[str, str] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    checks: list[CheckResult] = field(default_factory=list)

    def reading_of(self, o: Obs) -> str:
        """The interpretation IRI a derived value rests on (``unambiguous`` for a stated value)."""
        return self.interpretation.get(o.iri, UNAMBIGUOUS)

    def against(self, o: Obs) -> list[CheckResult]:
        """The inconsistent checks made under the reading of ``o`` over a figure ``o`` was derived from."""
        reading = self.reading_of(o)
        if reading == UNAMBIGUOUS:
            return []
        mine = self.sources.get(o.iri, set())
        return [c for c in self.checks if c.inconsistent and c.interpretation == reading and c.observations & mine]

    def settle(self, readings: Sequence[Obs]) -> tuple[Obs | None, list[tuple[Obs, list[CheckResult]]]]:
        """The settled reading among derived values of one quantity (None when the checks settle none), and
        every other reading with the checks that reject it (an empty list: not rejected, only not settled)."""
        judged = [(o, self.against(o)) for o in sorted(readings, key=lambda o: o.iri)]
        standing = [o for o, against in judged if not against]
        if len(standing) == 1:
            return standing[0], [(o, a) for o, a in judged if o is not standing[0]]
        return None, judged

    def inconsistencies(self, observations: Iterable[str] | None = None) -> list[CheckResult]:
        """The report's own contradictions (inconsistent checks under no reading), those about one of
        ``observations`` if given."""
        found = [c for c in self.checks if c.inconsistent and not c.interpretation]
        if observations is not None:
            wanted = set(observations)
            found = [c for c in found if c.subject in wanted]
        return sorted(found, key=lambda c: c.iri)


def flag_text(ix: Index, check: CheckResult, en: str, zh: str) -> tuple[str, str]:
    """The note of a contradiction in English and Chinese: what, the failing arithmetic, and the report's words."""
    sections = ", ".join(check.sections)
    quotes = ix.quotes.get(check.subject, [])
    said = ""
    if quotes:
        text = " ".join(quotes[0].text.split())
        text = text if len(text) <= 120 else text[:119] + "…"
        said = f" The report: “{text}”" + (f" ({quotes[0].section})" if quotes[0].section else "") + "."
    en_note = f"{en}: the report's own figures disagree ({ix.label(check.kind)}): {check.expression}.{said}"
    if sections:
        en_note += f" Sections {sections}."
    zh_note = f"{zh}：报告数据自相矛盾（{ix.label(check.kind, 'zh')}）：{check.expression}"
    if sections:
        zh_note += f"；见 {sections}"
    return en_note, zh_note + "。"


def _select(store: ox.Store, text: str) -> SelectResult:
    result = run_query(store, text)
    assert isinstance(result, SelectResult)
    return result


def load_verdicts(store: ox.Store) -> Verdicts:
    """Read the checks and the derived values' readings and sources from a built store."""
    v = Verdicts()
    for r in _select(store, _DERIVED_Q).rows:
        v.interpretation[r["o"].value] = r["interp"].value
        v.sources[r["o"].value].add(r["src"].value)
    sections: dict[str, set[str]] = defaultdict(set)
    for r in _select(store, _SECTIONS_Q).rows:
        sections[r["check"].value].add(r["section"].value)
    rows: dict[str, dict[str, object]] = {}
    observed: dict[str, set[str]] = defaultdict(set)
    for r in _select(store, _CHECKS_Q).rows:
        iri = r["check"].value
        observed[iri].add(r["o"].value)
        rows.setdefault(
            iri,
            {
                "kind": r["kind"].value,
                "verdict": r["verdict"].value,
                "interp": r["interp"].value if r.get("interp") is not None else "",
                "label": r["label"].value,
                "expression": r["expression"].value,
            },
        )
    for iri, row in sorted(rows.items()):
        v.checks.append(
            CheckResult(
                iri,
                str(row["kind"]),
                str(row["verdict"]),
                str(row["interp"]),
                str(row["label"]),
                str(row["expression"]),
                frozenset(observed[iri]),
                tuple(sorted(sections.get(iri, ()), key=_section_order)),
            )
        )
    return v


def _section_order(section: str) -> tuple[object, ...]:
    """Sections in reading order: I.2.1 before I.10.1, roman numerals by value.

    >>> sorted(["IV.1.1", "I.10", "I.2.1"], key=_section_order)
    ['I.2.1', 'I.10', 'IV.1.1']
    """
    roman = {"I": 1, "V": 5, "X": 10, "L": 50}
    parts: list[object] = []
    for i, p in enumerate(section.split(".")):
        if p.isdigit():
            parts.append(int(p))
        elif i == 0 and p and set(p) <= set(roman):
            vals = [roman[ch] for ch in p]
            parts.append(sum(-x if x < y else x for x, y in zip(vals, [*vals[1:], 0], strict=True)))
        else:
            parts.append(0)
    return tuple(parts)
