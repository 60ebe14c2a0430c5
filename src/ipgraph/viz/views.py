"""The graph views: each a selection of the store, read with SPARQL, as a :class:`~ipgraph.viz.model.View`.

- ``derivation``: how the report's cases flow between procuratorial functions (``ipg:derivesFrom``,
  ``ipg:isComponentOf`` and the by-source breakdowns), with the counts on the edges, from the report's total on
  the left (1,369 → its parts 425 + 944 → what derives from them);
- ``charges``: right types, charges and their articles, the case groups, cases, products and technologies;
- ``institutions``: institutions, the documents that tie them, service stations and places;
- ``ontology``: the class hierarchy and the concept schemes;
- ``entity``: the neighbourhood of one resource;
- ``all``: the whole graph, low-information nodes (quotes, selectors, literals …) hidden until asked for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.model.periods import period_of_slug
from ipgraph.model.prefixes import PREFIXES
from ipgraph.store.embedded import SelectResult, run_query
from ipgraph.viz.figures import figure_text, fmt_number, headline, headline_obs, plural, subjects_of
from ipgraph.viz.index import DEFAULTS, Index, Obs, curie, is_data_iri, load_index, local_name
from ipgraph.viz.kinds import FUNCTION_KINDS, KINDS
from ipgraph.viz.model import Edge, Node, Quote, View
from ipgraph.viz.verdicts import Verdicts, load_verdicts

IPG = PREFIXES["ipg"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
RDF = PREFIXES["rdf"]
OWL = PREFIXES["owl"]

#: View name → its title and description in Chinese (the page of ``--lang zh``).
VIEWS_ZH: dict[str, tuple[str, str]] = {
    "derivation": (
        "报告中的案件如何相互衍生",
        "刑事案件如何衍生出不起诉、反向移送、刑事附带民事诉讼、公益诉讼线索和综合履职案件，边上标注案件数",
    ),
    "charges": (
        "知识产权类型、罪名与案件",
        "知识产权类型、罪名（含法条）、其数量与占比、具名案件、产品与技术、罪名竞合",
    ),
    "institutions": (
        "机构及联结它们的文件",
        "检察机关、法院、公安机关、行政机关、高校和地点，联结它们的协议、意见和指引，以及服务站",
    ),
    "ontology": ("本体：类与代码表", "本体的类层级与概念体系（代码表）"),
    "entity": ("实体周边", "一个实体的周边"),
    "all": ("全图", "整个图谱；低信息量节点（引文、选择器、字面值）默认隐藏，可用开关显示"),
}

#: View name → one-line description (``ipgraph viz --list``).
VIEWS: dict[str, str] = {
    "derivation": "how criminal cases give rise to non-prosecution, reverse transfers, incidental civil "
    "actions, public-interest clues and comprehensive-performance cases, with the counts on the edges",
    "charges": "right types, charges (with article numbers), their counts and shares, the named cases, "
    "products and technologies, concurrent charges",
    "institutions": "procuratorates, courts, police, administrative authorities, universities and places, "
    "the agreements, opinions and guidelines that tie them, the service stations",
    "ontology": "the class hierarchy and the concept schemes (code lists) of the ontology",
    "entity": "the neighbourhood of one entity (--focus TERM, --depth N)",
    "all": "the whole graph, grouped; low-information nodes (quotes, selectors, literals) hidden behind a switch",
}

_FLOW_Q = """SELECT DISTINCT ?a ?p ?b WHERE {
  VALUES ?p { ipg:derivesFrom ipg:isComponentOf }
  ?a ?p ?b . ?a a ipg:CaseCategory . ?b a ipg:CaseCategory .
} ORDER BY ?a ?p ?b"""
_SOURCE_BREAKDOWNS_Q = """SELECT DISTINCT ?k WHERE {
  VALUES ?group { breakdown:by-derivation breakdown:by-clue-source }
  ?k skos:broader+ ?group .
}"""
_CATEGORY_FUNCTION_Q = """SELECT ?c ?f WHERE { ?c a ipg:CaseCategory ; ipg:procuratorialFunction ?f . }"""

# Predicates that only restate what a node's label, tooltip or kind already says, or tie every observation to
# the same few hubs: left out of the graph views (the tooltip shows them).
_QUIET_PREDICATES = {
    RDF + "type",
    SKOS + "inScheme",
    SKOS + "topConceptOf",
    SKOS + "hasTopConcept",
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    RDFS + "isDefinedBy",
    PREFIXES["qb"] + "dataSet",
    PREFIXES["qb"] + "structure",
    IPG + "statUnit",
    IPG + "statMeasure",
    IPG + "unitMeasure",
    IPG + "valueQualifier",
    IPG + "refArea",
    IPG + "procuratorialFunction",
}
_OBS_DIMS = {
    IPG + "caseCategory": "category",
    IPG + "charge": "charge",
    IPG + "rightType": "right",
    IPG + "breakdown": "breakdown",
    IPG + "observedEntity": "entity",
}
_PROVENANCE_PREDICATES = {
    PREFIXES["prov"] + "wasDerivedFrom",
    PREFIXES["oa"] + "hasSelector",
    PREFIXES["oa"] + "hasSource",
    IPG + "section",
    RDF + "subject",
    RDF + "object",
    RDF + "predicate",
}
_LABEL_PREDICATES = {RDFS + "label", SKOS + "prefLabel"}
_OBS_LITERALS = {
    IPG + "obsValue",
    IPG + "refPeriod",
    IPG + "basePeriod",
    IPG + "lowerBound",
    IPG + "upperBound",
}
_SELECTOR_LITERALS = {PREFIXES["oa"] + p for p in ("exact", "prefix", "suffix", "start", "end")}
_INSTITUTION_KINDS = {
    "procuratorate",
    "court",
    "police",
    "administrative",
    "university",
    "enterprise",
    "institution",
    "office",
    "document",
    "report",
    "place",
    "event",
    "programme",
    "person",
}
_CHARGE_KINDS = {"charge", "right", "law", "casegroup", "case", "product", "technology", "industry"}
_MAX_ENTITY_NODES = 400


@dataclass
class Flow:
    """A flow of cases between two nodes of the derivation view: ``value`` cases, or None when not stated."""

    source: str
    target: str
    relation: str  #: derives | component | breakdown
    value: Decimal | None
    quotes: list[Quote] = field(default_factory=list)


_CHANGE_NOTES = {
    "stated": ("as the report states it", "报告所述"),
    "multiple": ("from “rose by N times”, under the reading the checks settle on", "据“增长N倍”按校验认定的理解推算"),
    "computed": ("computed from the two years' figures (as in ipgraph trends)", "由两年数值计算（同 ipgraph trends）"),
}


def _quantity(o: Obs) -> tuple[str, ...]:
    """What makes figures one quantity over the years: every dimension but the measure, and the report."""
    return (report_of(o.dataset), *(f"{k}={v}" for k, v in sorted(o.dims.items()) if k != "measure"))


@dataclass
class Context:
    """The index plus what every view derives from it once: figures by subject and the usual observed
    entity, figures by quantity (for the change on the year before) and the verdicts of the checks."""

    ix: Index
    figures: dict[str, list[Obs]]
    common_entity: str
    verdicts: Verdicts = field(default_factory=Verdicts)
    quantities: dict[tuple[str, ...], list[Obs]] = field(default_factory=dict)

    @classmethod
    def of(cls, ix: Index, verdicts: Verdicts | None = None) -> Context:
        """Group the observations by the resource they are about and by quantity."""
        entities = Counter(o.dims.get("entity", "") for o in ix.observations)
        common = entities.most_common(1)[0][0] if entities else ""
        figures: dict[str, list[Obs]] = defaultdict(list)
        quantities: dict[tuple[str, ...], list[Obs]] = defaultdict(list)
        for o in ix.observations:
            for s in subjects_of(o, common):
                figures[s].append(o)
            quantities[_quantity(o)].append(o)
        return cls(ix, figures, common, verdicts if verdicts is not None else Verdicts(), quantities)

    def change_of(self, o: Obs) -> tuple[Decimal, str, str, str] | None:
        """The change of a count on the year before (:func:`ipgraph.viz.values.year_change`): its per cent, the
        arrow text drawn beside the count ("▲ 144.3%"), and what it is in English and Chinese."""
        from ipgraph.viz.values import change_arrow, year_change

        if o.derived or o.value is None or local_name(o.dims.get("measure", "")) != "count":
            return None
        change = year_change(self.ix, self.verdicts, o, self.quantities.get(_quantity(o), []))
        if change is None:
            return None
        arrow = change_arrow(change)
        period = period_of_slug(o.period)
        previous = period.previous_year() if period is not None else None
        prior = previous.slug if previous is not None else ""
        en, zh = _CHANGE_NOTES[change.source]
        return change.percent, arrow, f"{arrow} on {prior}: {en}", f"较{prior}年 {arrow}：{zh}"

    def node(self, iri: str, kind: str | None = None) -> Node:
        """A node for a resource: labels, kind, types, definition, figures and quotes."""
        ix = self.ix
        lead = headline_obs(self.figures.get(iri, []))
        obs = figure_order(self.figures.get(iri, []), lead)
        count, count_text = headline(ix, obs)
        count_zh = headline(ix, obs, "zh")[1]
        k = kind or ix.kind_of(iri)
        en, zh = ix.en.get(iri, ""), ix.zh.get(iri, "")
        if not en and not zh:
            en = local_name(iri)
        if k == "charge":
            article = self.article_number(iri)
            if article:
                en, zh = f"Art. {article} · {en}", f"第{article}条 · {zh}" if zh else zh
        if k == "figure":
            en, zh = self.figure_labels(iri)
        n = Node(
            id=iri,
            en=en,
            zh=zh,
            kind=k,
            curie=curie(iri),
            types=ix.type_labels(iri),
            definition=ix.definition.get(iri, ""),
            figures=_distinct([figure_text(ix, o, context=False) for o in obs if o is not lead]),
            lead_figure=figure_text(ix, lead, context=False) if lead is not None else "",
            figures_zh=_distinct([figure_text(ix, o, context=False, lang="zh") for o in obs if o is not lead]),
            lead_figure_zh=figure_text(ix, lead, context=False, lang="zh") if lead is not None else "",
            types_zh=ix.type_labels(iri, "zh"),
            quotes=_unique([*(ix.quotes.get(lead.iri, []) if lead is not None else []), *ix.quotes.get(iri, [])]),
            alt=list(ix.alt.get(iri, [])),
            count=float(count) if count is not None else None,
            count_text=count_text,
            count_zh=count_zh,
        )
        changed = lead
        if k == "figure":
            o = changed = self.obs_by_iri.get(iri)
            if o is not None:
                n.figures = [figure_text(ix, o)]
                n.figures_zh = [figure_text(ix, o, lang="zh")]
                if o.value is not None and local_name(o.dims.get("measure", "")) == "count" and not o.derived:
                    n.count = float(o.value)
                n.quotes = list(ix.quotes.get(iri, []))
        change = self.change_of(changed) if changed is not None else None
        if change is not None:
            n.change, n.change_text, n.change_note, n.change_note_zh = float(change[0]), *change[1:]
        return n

    def article_number(self, iri: str) -> str:
        """The article number of a charge (``ipg:articleNumber``), or an empty string."""
        for _g, s, p, text in self._literals_of(iri):
            if s == iri and p == IPG + "articleNumber":
                return text
        return ""

    def _literals_of(self, iri: str) -> list[tuple[str, str, str, str]]:
        if not hasattr(self, "_lit_index"):
            by: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
            for row in self.ix.literals:
                by[row[1]].append(row)
            self._lit_index = by
        return self._lit_index.get(iri, [])

    @property
    def obs_by_iri(self) -> dict[str, Obs]:
        """Observations by IRI."""
        if not hasattr(self, "_obs_by_iri"):
            self._obs_by_iri = {o.iri: o for o in self.ix.observations}
        return self._obs_by_iri

    def figure_labels(self, iri: str) -> tuple[str, str]:
        """Short English and Chinese labels of an observation node ("1,369 cases", "1,369 案件")."""
        o = self.obs_by_iri.get(iri)
        if o is None:
            return local_name(iri), ""
        unit_en = self.ix.label(o.dims.get("unit", ""), "en")
        unit_zh = self.ix.label(o.dims.get("unit", ""), "zh")
        measure = local_name(o.dims.get("measure", ""))
        if o.direction:
            d_en, d_zh = self.ix.label(o.direction, "en"), self.ix.label(o.direction, "zh")
            return f"{d_en}: {self.ix.label(o.dims.get('measure', ''))}", f"{d_zh}：{unit_zh}"
        if o.value is None:
            return f"{measure} of {unit_en}", unit_zh
        v, pre = o.value, "≈" if o.derived else ""
        if measure == "count":
            return f"{pre}{fmt_number(v)} {plural(unit_en, v)}", f"{pre}{fmt_number(v)} {unit_zh}"
        if measure == "share":
            return f"{pre}{fmt_number(v)}% of {plural(unit_en)}", f"{unit_zh}占比 {pre}{fmt_number(v)}%"
        if measure == "rate":
            return f"{pre}{fmt_number(v)}% rate", f"比率 {pre}{fmt_number(v)}%"
        if measure == "change-rate":
            return (
                f"{pre}{fmt_number(v, signed=True)}% {plural(unit_en)}",
                f"同比 {pre}{fmt_number(v, True)}%",
            )
        if measure == "change-multiple":
            return (
                f"{plural(unit_en)} up {pre}{fmt_number(v)} times",
                f"{unit_zh}增长 {pre}{fmt_number(v)} 倍",
            )
        if measure == "change-amount":
            return (
                f"{pre}{fmt_number(v, signed=True)} {plural(unit_en)}",
                f"{pre}{fmt_number(v, True)} {unit_zh}",
            )
        if measure == "rank":
            return f"rank {fmt_number(v)}", f"排名第 {fmt_number(v)}"
        if measure == "average-duration":
            return f"{pre}{fmt_number(v)} days", f"{pre}{fmt_number(v)} 日"
        return f"{pre}{fmt_number(v)} {unit_en}", f"{pre}{fmt_number(v)} {unit_zh}"


def figure_order(observations: list[Obs], lead: Obs | None) -> list[Obs]:
    """A node's figures in the order a reader wants them: its headline first, then stated before derived
    figures, the latest period first."""
    out = sorted(observations, key=_obs_order)
    out.sort(key=lambda o: o.period, reverse=True)  # stable: keeps the measure order within a period
    out.sort(key=lambda o: (o is not lead, o.derived))
    return out


def _distinct(texts: list[str]) -> list[str]:
    """Texts without repeats, in their order (several observations can read the same: "cases: increase").

    >>> _distinct(["a", "b", "a"])
    ['a', 'b']
    """
    return list(dict.fromkeys(texts))


def _unique(quotes: Iterable[Quote]) -> list[Quote]:
    """Quotes without repeats of the same sentence (the first one kept)."""
    seen: set[str] = set()
    out = []
    for q in quotes:
        if q.text not in seen:
            seen.add(q.text)
            out.append(q)
    return out


def _obs_order(o: Obs) -> tuple[str, int, str]:
    measure_rank = {"count": 0, "share": 1, "rate": 2, "change-rate": 3, "change-multiple": 4}
    return (o.period, measure_rank.get(local_name(o.dims.get("measure", "")), 9), o.iri)


def _select(store: ox.Store, text: str) -> SelectResult:
    result = run_query(store, text)
    assert isinstance(result, SelectResult)
    return result


def _edge(ctx: Context, s: str, p: str, o: str, **kw: object) -> Edge:
    ix = ctx.ix
    return Edge(
        s,
        o,
        ix.label(p, "en"),
        ix.zh.get(p, ""),
        quotes=list(ix.statement_quotes.get((s, p, o), [])),
        **kw,  # type: ignore[arg-type]
    )


def _kinds_for(view: View, table: dict[str, object] | None = None) -> None:
    """Fill the view's legend with the kinds its nodes use, in the table's order."""
    counts = view.kind_counts()
    source = table if table is not None else KINDS
    view.kinds = {k: v for k, v in source.items() if k in counts}  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------- derivation


def derivation_flows(store: ox.Store, ctx: Context) -> tuple[list[Flow], dict[str, str]]:
    """The flows of cases between case categories and the category → function map.

    Edges follow the cases: ``A ipg:derivesFrom B`` flows B → A with A's count; ``A ipg:isComponentOf B``
    flows A → B with A's count; an observation of category C broken down by source K flows K → C. Where a
    category's intake is broken down by source, its ``derivesFrom`` flow carries no count (the breakdown
    does).
    """
    ix = ctx.ix
    relations = [(r["a"].value, r["p"].value, r["b"].value) for r in _select(store, _FLOW_Q).rows]
    sources = {r["k"].value for r in _select(store, _SOURCE_BREAKDOWNS_Q).rows}
    functions = {r["c"].value: r["f"].value for r in _select(store, _CATEGORY_FUNCTION_Q).rows}
    breakdown_in: dict[str, list[Obs]] = defaultdict(list)
    for o in ix.observations:
        bd = o.dims.get("breakdown", "")
        if (
            bd in sources
            and not o.derived
            and o.value is not None
            and local_name(o.dims.get("measure", "")) == "count"
            and o.dims.get("charge") == DEFAULTS["charge"]
            and o.dims.get("right") == DEFAULTS["right"]
        ):
            breakdown_in[o.dims["category"]].append(o)

    def count(cat: str) -> Decimal | None:
        return headline(ix, ctx.figures.get(cat, []))[0]

    def obs_quotes(cat: str) -> list[Quote]:
        for o in sorted(ctx.figures.get(cat, []), key=_obs_order):
            if o.value is not None and local_name(o.dims.get("measure", "")) == "count":
                return list(ix.quotes.get(o.iri, []))
        return []

    flows: list[Flow] = []
    for a, p, b in relations:
        stated = list(ix.statement_quotes.get((a, p, b), []))
        if p == IPG + "derivesFrom":
            value = None if a in breakdown_in else count(a)
            quotes = _unique([*(obs_quotes(a) if value is not None else []), *stated])
            flows.append(Flow(b, a, "derives", value, quotes))
        else:
            flows.append(Flow(a, b, "component", count(a), _unique([*obs_quotes(a), *stated])))
    for cat, observations in sorted(breakdown_in.items()):
        for o in sorted(observations, key=lambda o: o.dims["breakdown"]):
            flows.append(Flow(o.dims["breakdown"], cat, "breakdown", o.value, list(ix.quotes.get(o.iri, []))))
    return flows, functions


def derivation_root(flows: list[Flow], count: Callable[[str], float | None]) -> str | None:
    """The report's total the derivation starts from: of the wholes that parts make up, the one with the most cases
    that no counted flow reaches (neither derived from another category nor a part of a whole so derived).

    >>> flows = [Flow("arrest", "total", "component", Decimal(425)), Flow("exam", "total", "component", Decimal(944)),
    ...          Flow("exam", "non-pros", "derives", Decimal(153)), Flow("non-pros", "all", "component", Decimal(9))]
    >>> derivation_root(flows, {"total": 1369.0, "all": 129.0}.get)
    'total'
    """
    reached = {f.target for f in flows if f.relation == "derives" and f.value is not None}
    grown = True
    while grown:  # a whole is reached when one of its counted parts is
        more = {f.target for f in flows if f.relation == "component" and f.source in reached} - reached
        reached |= more
        grown = bool(more)
    wholes = {f.target for f in flows if f.relation == "component"} - reached
    counted = [(count(w) or 0.0, w) for w in wholes if count(w)]
    return max(counted, key=lambda cw: (cw[0], cw[1]))[1] if counted else None


def derivation_view(store: ox.Store, ctx: Context) -> View:
    """Categories linked by derivation and composition, with counts; coloured by procuratorial function."""
    view = View(
        "derivation",
        "How the report's cases derive from one another",
        VIEWS["derivation"],
        layout="layered",
    )
    flows, functions = derivation_flows(store, ctx)
    for f in flows:
        for iri in (f.source, f.target):
            if iri in view.nodes:
                continue
            fn = local_name(functions.get(iri, "")) if ctx.ix.kind_of(iri) == "category" else "source"
            kind = fn if fn in FUNCTION_KINDS else "all-functions"
            node = ctx.node(iri, kind)
            if kind == "source":
                node.figures, node.figures_zh = [], []
            view.add_node(node)
    root = derivation_root(flows, lambda iri: view.nodes[iri].count)
    view.meta["root"] = root
    for f in flows:
        # the total's parts are drawn out of the total (1,369 → 425 + 944), everything else as the cases flow
        from_root = f.relation == "component" and f.target == root
        source, target = (f.target, f.source) if from_root else (f.source, f.target)
        label = "includes" if from_root else {"derives": "derives", "component": "part of", "breakdown": ""}[f.relation]
        label_zh = "包括" if from_root else {"derives": "衍生", "component": "组成", "breakdown": ""}[f.relation]
        if f.value is not None:
            value = fmt_number(f.value)
            label = f"{value} · {label}" if label else value
            label_zh = f"{value} · {label_zh}" if label_zh else value
        view.add_edge(
            Edge(
                source,
                target,
                label,
                label_zh,
                value=float(f.value) if f.value is not None else None,
                dashed=f.value is None,
                quotes=f.quotes,
                show_label=True,
                note=f.relation,
            )
        )
    for f in flows:  # a source breakdown's node shows the count it contributes
        if f.relation == "breakdown" and f.value is not None:
            n = view.nodes[f.source]
            n.count, n.count_text = float(f.value), fmt_number(f.value)
            n.count_zh = n.count_text
            n.figures.append(f"{fmt_number(f.value)} to “{view.nodes[f.target].en}”")
            n.figures_zh.append(f"{fmt_number(f.value)} 计入“{view.nodes[f.target].zh or view.nodes[f.target].en}”")
    view.kinds = {k: v for k, v in FUNCTION_KINDS.items() if k in view.kind_counts()}
    view.meta["flows"] = flows
    return view


# ------------------------------------------------------------------------------------ charges, institutions


def _links_among(ctx: Context, view: View, graphs: Iterable[str] = ("facts", "ontology", "derived")) -> None:
    wanted = set(graphs)
    seen: set[tuple[str, str, str]] = set()
    for g, s, p, o in ctx.ix.links:
        if g not in wanted or p in _QUIET_PREDICATES or p in _PROVENANCE_PREDICATES:
            continue
        if s in view.nodes and o in view.nodes and (s, p, o) not in seen:
            seen.add((s, p, o))
            view.add_edge(_edge(ctx, s, p, o))


def charges_view(ctx: Context) -> View:
    """Right types, charges, articles, case groups, cases and what they involve."""
    ix = ctx.ix
    view = View("charges", "Rights, charges and cases", VIEWS["charges"])
    for iri, k in _kinds(ix).items():
        if k in ("charge", "right"):
            view.add_node(ctx.node(iri, k))
    core = set(view.nodes)
    # articles, cases and groups linked to a charge or right; then what those cases involve
    for _g, s, p, o in ix.links:
        if p in _QUIET_PREDICATES or p in _PROVENANCE_PREDICATES:
            continue
        if s in core and ix.kind_of(o) == "law":
            view.add_node(ctx.node(o))
        if o in core and ix.kind_of(s) in ("case", "casegroup"):
            view.add_node(ctx.node(s))
    cases = {k for k, n in view.nodes.items() if n.kind in ("case", "casegroup")}
    for _g, s, _p, o in ix.links:
        if s in cases and ix.kind_of(o) in ("product", "technology", "industry", "case", "casegroup"):
            view.add_node(ctx.node(o))
        if o in cases and ix.kind_of(s) == "case":
            view.add_node(ctx.node(s))
    _links_among(ctx, view)
    _kinds_for(view)
    return view


def institutions_view(ctx: Context) -> View:
    """Institutions, documents, offices, places and events of the report, and the relations between them."""
    ix = ctx.ix
    view = View("institutions", "Institutions and the documents that tie them", VIEWS["institutions"])
    in_facts = {s for g, s, _p, _o in ix.links if g == "facts"} | {o for g, _s, _p, o in ix.links if g == "facts"}
    for iri in sorted(in_facts):
        if is_data_iri(iri) and ix.kind_of(iri) in _INSTITUTION_KINDS:
            view.add_node(ctx.node(iri))
    _links_among(ctx, view, ("facts",))
    agents = {"procuratorate", "court", "police", "administrative", "university", "enterprise", "institution"}
    institutions = {k for k, n in view.nodes.items() if n.kind in agents}
    view.drop_isolated(keep=institutions)  # an institution belongs here even when the report ties it to nothing
    _kinds_for(view)
    return view


def _kinds(ix: Index) -> dict[str, str]:
    iris = {s for _g, s, _p, _o in ix.links} | {o for _g, _s, _p, o in ix.links} | set(ix.types)
    return {i: ix.kind_of(i) for i in sorted(iris)}


# ---------------------------------------------------------------------------------------------- ontology


def ontology_view(ctx: Context) -> View:
    """Classes (``rdfs:subClassOf``) and concept schemes with their concepts (``skos:broader``)."""
    ix = ctx.ix
    view = View("ontology", "The ontology: classes and code lists", VIEWS["ontology"], layout="tree")
    parents: dict[str, list[str]] = defaultdict(list)
    for g, s, p, o in ix.links:
        if g != "ontology":
            continue
        if p == RDFS + "subClassOf" and OWL + "Class" in ix.types.get(s, ()) and is_data_iri(s):
            node = view.add_node(ctx.node(s, "class"))
            if is_data_iri(o):
                view.add_node(ctx.node(o, "class"))
                parents[s].append(o)
            else:  # another vocabulary's class: in the tooltip, not drawn (it would tie unrelated trees)
                node.figures.append(f"subclass of {curie(o)} ({ix.label(o)})")
                node.figures_zh.append(f"{curie(o)}（{ix.label(o, 'zh')}）的子类")
    for iri, types in sorted(ix.types.items()):
        if OWL + "Class" in types and is_data_iri(iri):
            view.add_node(ctx.node(iri, "class"))
        if SKOS + "ConceptScheme" in types:
            view.add_node(ctx.node(iri, "scheme"))
    schemes = {k for k, n in view.nodes.items() if n.kind == "scheme"}
    in_scheme: dict[str, str] = {}
    for g, s, p, o in ix.links:
        if g == "ontology" and p == SKOS + "inScheme" and o in schemes:
            in_scheme.setdefault(s, o)
    for concept in sorted(in_scheme):
        kind = ix.kind_of(concept)
        view.add_node(ctx.node(concept, kind if kind in KINDS and kind != "other" else "code"))
    for g, s, p, o in ix.links:
        if g == "ontology" and p == SKOS + "broader" and s in in_scheme and o in in_scheme:
            parents[s].append(o)
    for concept, scheme in in_scheme.items():
        if not any(q in in_scheme for q in parents.get(concept, [])):
            parents[concept].append(scheme)
    for child, ps in sorted(parents.items()):
        for parent in ps:
            p_iri = RDFS + "subClassOf" if view.nodes[child].kind == "class" else SKOS + "broader"
            if parent in schemes:
                p_iri = SKOS + "inScheme"
            view.add_edge(_edge(ctx, child, p_iri, parent))
    view.meta["parents"] = {c: list(ps) for c, ps in parents.items()}
    view.meta["shape"] = "box"
    _kinds_for(view)
    return view


# ------------------------------------------------------------------------------------------------ all, entity


def _literal_id(n: int) -> str:
    return f"literal:{n}"


def all_view(ctx: Context, details: bool = True) -> View:
    """The whole graph: entities, code-list concepts and figures; with ``details``, also quotes, sections,
    statement records, selectors, data sets and literal values, as low-information kinds (hidden at first)."""
    ix = ctx.ix
    view = View("all", "The whole graph", VIEWS["all"])
    core_edges: list[tuple[str, str, str]] = []
    for g, s, p, o in ix.links:
        if g not in ("facts", "derived", "links"):
            continue
        if p in _QUIET_PREDICATES or p in _PROVENANCE_PREDICATES:
            continue
        dim = _OBS_DIMS.get(p)
        if dim is not None and (o == DEFAULTS.get(dim) or (dim == "entity" and o == ctx.common_entity)):
            continue
        core_edges.append((s, p, o))
    for s, _p, o in core_edges:
        for iri in (s, o):
            if iri not in view.nodes:
                view.add_node(ctx.node(iri))
    # ontology relations among the concepts already shown (a charge's article, a category's derivation …)
    _links_among(ctx, view, ("ontology",))
    for s, p, o in core_edges:
        view.add_edge(_edge(ctx, s, p, o))
    if details:
        _add_details(ctx, view)
    _kinds_for(view)
    return view


def _add_details(ctx: Context, view: View) -> None:
    ix = ctx.ix
    core = set(view.nodes)
    for _g, s, p, o in ix.links:
        if p not in _PROVENANCE_PREDICATES:
            continue
        if s in core or o in core or ix.kind_of(s) in ("quote", "statement", "selector", "section"):
            for iri in (s, o):
                if iri not in view.nodes:
                    k = ix.kind_of(iri)
                    if k == "other" and iri not in core:
                        continue
                    node = ctx.node(iri, k)
                    if k == "quote" and ix.quotes.get(iri) is None:
                        node.quotes = []
                    view.add_node(node)
            view.add_edge(_edge(ctx, s, p, o))
    for _g, s, p, o in ix.links:  # data sets, and sections within sections
        wanted = p in (PREFIXES["qb"] + "dataSet", PREFIXES["dcterms"] + "isPartOf") and s in view.nodes
        if wanted and (ix.kind_of(o) in ("dataset", "section", "report") or o in view.nodes):
            if o not in view.nodes:
                view.add_node(ctx.node(o))
            view.add_edge(_edge(ctx, s, p, o))
    quote_text = _selector_texts(ix)
    for iri, node in view.nodes.items():
        if node.kind == "quote" and iri in quote_text:
            node.en, node.zh = _short(quote_text[iri], 48), ""
            node.quotes = [Quote(quote_text[iri], "")]
    n = 0
    for _g, s, p, text in ix.literals:
        if s not in core or p in _LABEL_PREDICATES or p in _OBS_LITERALS or p in _SELECTOR_LITERALS:
            continue
        n += 1
        lid = _literal_id(n)
        view.add_node(Node(lid, _short(text, 40), "", "literal", definition=text, types=[ix.label(p)]))
        view.add_edge(Edge(s, lid, ix.label(p, "en"), ix.zh.get(p, "")))


def _selector_texts(ix: Index) -> dict[str, str]:
    exact: dict[str, str] = {}
    for _g, s, p, text in ix.literals:
        if p == PREFIXES["oa"] + "exact":
            exact[s] = text
    out: dict[str, str] = {}
    for _g, s, p, o in ix.links:
        if p == PREFIXES["oa"] + "hasSelector" and o in exact:
            out[s] = exact[o]
    return out


def _short(text: str, n: int) -> str:
    """Text cut to ``n`` characters with an ellipsis.

    >>> _short("abcdef", 4)
    'abc…'
    """
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def entity_view(store: ox.Store, ctx: Context, focus: str, depth: int) -> View:
    """The neighbourhood of ``focus`` (IRI, CURIE or label) up to ``depth`` steps, in either direction."""
    import networkx as nx

    from ipgraph.query.describe import resolve_term

    if depth < 1:
        raise InputError(f"--depth must be 1 or more, not {depth}")
    iri = resolve_term(store, focus).value
    whole = all_view(ctx, details=True)
    _links_among(ctx, whole, ("ontology",))
    if iri not in whole.nodes:
        if iri not in ctx.ix.types and iri not in ctx.ix.en:
            raise InputError(f"{curie(iri)} is not in the graph")
        whole.add_node(ctx.node(iri))
        for g, s, p, o in ctx.ix.links:
            if g == "ontology" and iri in (s, o):
                for other in (s, o):
                    if other not in whole.nodes:
                        whole.add_node(ctx.node(other))
                whole.add_edge(_edge(ctx, s, p, o))
    if ctx.ix.kind_of(iri) not in ("quote", "statement", "selector", "section", "dataset"):
        # stay among informative nodes: a detail is shown only as a direct neighbour of the focus
        keep = {k for k, n in whole.nodes.items() if not KINDS[n.kind].detail}
    else:
        keep = set(whole.nodes)
    g = nx.Graph()
    g.add_nodes_from(keep | {iri})
    for e in whole.edges:
        if e.source in g and e.target in g:
            g.add_edge(e.source, e.target)
    lengths = nx.single_source_shortest_path_length(g, iri, cutoff=depth)
    chosen = [k for k, _ in sorted(lengths.items(), key=lambda kv: (kv[1], kv[0]))][:_MAX_ENTITY_NODES]
    near = set(chosen)
    for e in whole.edges:  # the focus's own details (its quotes, literals)
        if iri in (e.source, e.target):
            near.update((e.source, e.target))
    label = whole.nodes[iri].en or curie(iri)
    view = View(
        "entity",
        f"Around “{label}”",
        f"{VIEWS['entity']}: {curie(iri)}, depth {depth}",
        title_zh=f"“{whole.nodes[iri].zh or label}”周边",
        description_zh=f"一个实体的周边：{curie(iri)}，{depth} 步以内",
    )
    for k in sorted(near, key=lambda k: (lengths.get(k, depth + 1), k)):
        view.add_node(whole.nodes[k])
    for e in whole.edges:
        view.add_edge(e)
    view.nodes[iri].focus = True
    view.meta.update(focus=iri, depth=depth, truncated=len(lengths) > _MAX_ENTITY_NODES)
    _kinds_for(view)
    return view


# ---------------------------------------------------------------------------------------------- entry point


def build_view(
    store: ox.Store,
    name: str,
    *,
    focus: str | None = None,
    depth: int = 1,
    details: bool = True,
    index: Index | None = None,
    report: str | None = None,
) -> View:
    """Build one view from a store, with the figures of one report (``report``; by default the one with the most
    figures when the graph holds several): a view never mixes two reports' counts, entities or sentences.

    Raises:
        InputError: unknown view or report, or ``entity`` without a focus / with an unknown one.
    """
    if name not in VIEWS:
        raise InputError(f"unknown view {name!r}; the views are: {', '.join(VIEWS)}")
    ix = index if index is not None else load_index(store)
    chosen = None
    if name != "entity" or report is not None:  # a neighbourhood may span reports unless one is asked for
        ix, chosen = one_report(ix, report)
    ctx = Context.of(ix, load_verdicts(store))
    view = _build(store, ctx, name, focus, depth, details)
    if chosen is not None:
        view.meta["report"] = chosen
        view.title = f"{view.title} — {chosen}"
        named_zh = ix.zh.get(PREFIXES["report"] + chosen, "")  # the report's Chinese name, when the data gives one
        if view.title_zh and named_zh:
            view.title_zh = f"{view.title_zh}：{named_zh}"
    return view


def reports_of(ix: Index) -> dict[str, int]:
    """The reports whose figures the index holds, with how many stated figures each has."""
    counts: Counter[str] = Counter()
    for o in ix.observations:
        counts[report_of(o.dataset)] += 0 if o.derived else 1
    return dict(counts)


def report_of(dataset: str) -> str:
    """The report id of one of its data sets (``…/dataset/shanghai-2023-derived`` → ``shanghai-2023``)."""
    return dataset.rsplit("/", 1)[-1].removesuffix("-trends").removesuffix("-derived")


def one_report(ix: Index, report: str | None) -> tuple[Index, str | None]:
    """The index of one report (the one asked for, or the one with the most figures): its figures, and of the
    resources the reports bring, its own and the shared ones it uses (:func:`foreign_to`), with its quotes only."""
    counts = reports_of(ix)
    if report is not None and report not in counts:
        known = ", ".join(sorted(counts)) or "none"
        raise InputError(f"no report {report!r} in this graph (reports: {known})")
    if report is None:
        if len(counts) <= 1:
            return ix, next(iter(counts), None)
        report = sorted(counts, key=lambda r: (-counts[r], r))[0]
    return report_index(ix, report), report


def foreign_to(ix: Index, report: str) -> set[str]:
    """The resources of other reports only: what their quotes support or mention, their figures, quotes and data
    sets. The ontology's classes and concepts are everyone's, even where a report's sentence speaks of them.

    >>> ix = Index(owners={"a": {"r1"}, "b": {"r2"}, "c": {"r1", "r2"}, "k": {"r2"}}, vocabulary={"k"})
    >>> sorted(foreign_to(ix, "r1"))
    ['b']
    """
    return {x for x, reports in ix.owners.items() if reports and report not in reports and x not in ix.vocabulary}


def report_index(ix: Index, report: str) -> Index:
    """The index as one report sees it: without the other reports' resources, figures and quotes."""
    import dataclasses

    foreign = foreign_to(ix, report)

    def mine(quotes: list[Quote]) -> list[Quote]:
        return [q for q in quotes if q.report in ("", report)]

    quotes: dict[str, list[Quote]] = defaultdict(list)
    for iri, qs in ix.quotes.items():
        if iri not in foreign and mine(qs):
            quotes[iri] = mine(qs)
    statement_quotes: dict[tuple[str, str, str], list[Quote]] = defaultdict(list)
    for (s, p, o), qs in ix.statement_quotes.items():
        if s not in foreign and o not in foreign and mine(qs):
            statement_quotes[(s, p, o)] = mine(qs)
    types: dict[str, set[str]] = defaultdict(set)
    types.update({iri: ts for iri, ts in ix.types.items() if iri not in foreign})
    return dataclasses.replace(
        ix,
        observations=[o for o in ix.observations if report_of(o.dataset) == report],
        links=[(g, s, p, o) for g, s, p, o in ix.links if s not in foreign and o not in foreign],
        literals=[(g, s, p, text) for g, s, p, text in ix.literals if s not in foreign],
        types=types,
        quotes=quotes,
        statement_quotes=statement_quotes,
    )


def _build(store: ox.Store, ctx: Context, name: str, focus: str | None, depth: int, details: bool) -> View:
    builders: dict[str, Callable[[], View]] = {
        "derivation": lambda: derivation_view(store, ctx),
        "charges": lambda: charges_view(ctx),
        "institutions": lambda: institutions_view(ctx),
        "ontology": lambda: ontology_view(ctx),
        "all": lambda: all_view(ctx, details=details),
    }
    if name == "entity":
        if not focus:
            raise InputError("the entity view needs --focus TERM (an IRI, a CURIE, or an English or Chinese label)")
        return entity_view(store, ctx, focus, depth)
    view = builders[name]()
    view.title_zh, view.description_zh = VIEWS_ZH[name]
    return view
