"""How reports word some of the ontology's codes where its labels do not: extra names to match, for drafting only.

The ontology keeps one label per language for most codes; a report says "decided not to prosecute" where the label
says "non-prosecution". These phrasings are matched like labels (:mod:`ipgraph.draft.vocabulary`) but are never
written to the graph, so the ontology's labels stay as they are.
"""

from __future__ import annotations

#: Phrasings by code (a CURIE of the ontology's code lists).
PHRASINGS: dict[str, tuple[str, ...]] = {
    "category:non-prosecution": ("decided not to prosecute", "decision not to prosecute", "not prosecuted"),
    "category:public-prosecution": ("prosecuted",),
}
