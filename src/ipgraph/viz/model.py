"""What a graph view is, independent of how it is drawn: nodes, edges, kinds (with colours) and positions.

A :class:`View` is plain data. :mod:`ipgraph.viz.views` fills it from the store, :mod:`ipgraph.viz.layout`
gives every node a position with networkx, and :mod:`ipgraph.viz.page` writes it as one HTML file.

>>> v = View("demo", "Demo", "Two nodes.")
>>> _ = v.add_node(Node("a", "A", "甲", "charge"))
>>> _ = v.add_node(Node("b", "B", "乙", "right"))
>>> v.add_edge(Edge("a", "b", "protects", "保护"))
>>> len(v.nodes), len(v.edges)
(2, 1)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Kind:
    """A kind of node: its legend text in English and Chinese, its colour and vis-network shape."""

    key: str
    en: str
    zh: str
    colour: str
    shape: str = "dot"
    detail: bool = False  #: low-information kind (literal, selector …), hidden until the reader asks for it


@dataclass(frozen=True)
class Quote:
    """A source sentence a node or edge rests on, with the report section it comes from."""

    text: str
    section: str = ""
    lang: str = ""  # the language of the text it is quoted from, where the report says (an edition: "zh-Hans")
    report: str = ""  #: the id of the report it is quoted from


@dataclass
class Node:
    """One node: an RDF resource (or a literal, in the ``all`` view) with what a reader needs to see."""

    id: str
    en: str
    zh: str
    kind: str
    curie: str = ""
    types: list[str] = field(default_factory=list)
    definition: str = ""
    figures: list[str] = field(default_factory=list)
    lead_figure: str = ""  #: the headline figure as a phrase, shown first with its sentence (not in ``figures``)
    figures_zh: list[str] = field(default_factory=list)  #: ``figures`` in Chinese
    lead_figure_zh: str = ""
    types_zh: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    alt: list[str] = field(default_factory=list)
    count: float | None = None  #: the node's headline figure (drives the size when sizing by count)
    count_text: str = ""
    count_zh: str = ""  #: the headline figure in Chinese ("1,369 件")
    change: float | None = None  #: the headline figure's change on the year before, in per cent
    change_text: str = ""  #: that change as drawn beside the count ("▲ 144.3%")
    change_note: str = ""  #: what the change is ("▲ 144.3% on 2022: as the report states it")
    change_note_zh: str = ""
    x: float = 0.0
    y: float = 0.0
    size: float = 12.0
    focus: bool = False

    def label(self, lang: str) -> str:
        """The label to draw: English, Chinese, or both on two lines.

        >>> Node("x", "Shanghai", "上海", "place").label("both")
        'Shanghai\\n上海'
        >>> Node("x", "Shanghai", "", "place").label("zh")
        'Shanghai'
        """
        if lang == "en":
            return self.en or self.zh or self.curie or self.id
        if lang == "zh":
            return self.zh or self.en or self.curie or self.id
        if self.en and self.zh and self.zh != self.en:
            return f"{self.en}\n{self.zh}"
        return self.en or self.zh or self.curie or self.id


@dataclass
class Edge:
    """A directed edge, drawn as an arrow; ``value`` (a count) sets its width when given."""

    source: str
    target: str
    en: str
    zh: str = ""
    value: float | None = None
    dashed: bool = False
    quotes: list[Quote] = field(default_factory=list)
    show_label: bool = False
    note: str = ""


@dataclass
class View:
    """A named graph view: nodes by id, edges, and the kinds its nodes use (in legend order)."""

    name: str
    title: str
    description: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    kinds: dict[str, Kind] = field(default_factory=dict)
    title_zh: str = ""
    description_zh: str = ""
    layout: str = "spring"  #: spring | layered | tree | given
    meta: dict[str, Any] = field(default_factory=dict)

    def add_node(self, node: Node) -> Node:
        """Add a node, or return the one already there with that id."""
        return self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> None:
        """Add an edge between two nodes of the view (an edge to a missing node is dropped)."""
        if edge.source in self.nodes and edge.target in self.nodes and edge.source != edge.target:
            self.edges.append(edge)

    def kind_counts(self) -> Counter[str]:
        """How many nodes of each kind.

        >>> v = View("v", "V", "")
        >>> _ = v.add_node(Node("a", "A", "", "charge"))
        >>> v.kind_counts()["charge"]
        1
        """
        return Counter(n.kind for n in self.nodes.values())

    def drop_isolated(self, keep: set[str] | None = None) -> None:
        """Remove nodes without edges (except those in ``keep``)."""
        linked = {e.source for e in self.edges} | {e.target for e in self.edges} | (keep or set())
        self.nodes = {k: n for k, n in self.nodes.items() if k in linked}
