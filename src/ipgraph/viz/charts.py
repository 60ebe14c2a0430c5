"""Static charts of each report as SVG (and PNG through headless Chromium): what a bar says better than a graph.

- ``stages``: the year before vs the year by procedural stage (cases and perpetrators), with the % change;
- ``charges``: the year before vs the year by charge, with the % change;
- ``shares``: 100% bars of the criminal cases by right type, the year before derived where the report is silent;
- ``sankey``: the derivation flow of :func:`ipgraph.viz.views.derivation_flows`, rooted at the total.

A bar of the year before is drawn only from a value the report states, or from a value ipgraph derived (an
``ipg:DerivedObservation`` of the ``derived`` graph, with its lower and upper bounds): derived bars are hatched,
with a whisker from the lower to the upper bound. Where a value rests on a reading of “rose by N times”, the bar
shows the reading the graph's checks settle on, and the other as rejected (:mod:`ipgraph.viz.verdicts`); where
the report contradicts itself (an inconsistent check), the chart flags the row and says so in a note. With no
value, the chart says "not stated". Drawing is in :mod:`ipgraph.viz.bars`.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.prefixes import PREFIXES
from ipgraph.viz.bars import (
    FLAG_COLOUR,
    FONT,
    BarChart,
    Flag,
    Group,
    Value,
    bar_chart_svg,
    chart_spec,
    notes_svg,
    open_svg,
    share_chart_svg,
)
from ipgraph.viz.figures import fmt_number, headline
from ipgraph.viz.index import DEFAULTS, Index, Obs, load_index, local_name
from ipgraph.viz.layout import wrap
from ipgraph.viz.values import change_for, settled_value
from ipgraph.viz.verdicts import CheckResult, Verdicts, load_verdicts

__all__ = [
    "BarChart",
    "Group",
    "SankeyLink",
    "SankeyNode",
    "Value",
    "all_charts",
    "bar_chart_svg",
    "charge_chart",
    "per_report",
    "sankey_data",
    "sankey_layout",
    "sankey_svg",
    "share_chart",
    "stage_chart",
    "write_charts",
    "write_site_index",
]

STAGES = ("arrest-examination", "prosecution-examination", "ip-criminal")


def _find(ix: Index, period: str | None, **dims: str) -> list[Obs]:
    """Observations of a period (any, for None) whose dimensions (given by local name) match; unnamed
    dimensions at defaults."""
    wanted = {k: PREFIXES[k] + v for k, v in dims.items()}
    out = []
    for o in ix.observations:
        if period is not None and o.period != period:
            continue
        ok = all(o.dims.get(k) == v for k, v in wanted.items())
        for dim in ("charge", "right", "breakdown"):
            if dim not in dims and o.dims.get(dim) != DEFAULTS[dim]:
                ok = False
        if ok:
            out.append(o)
    return out


def _measure(o: Obs) -> str:
    return local_name(o.dims.get("measure", ""))


def _fill_row(
    ix: Index, verdicts: Verdicts, g: Group, periods: tuple[str, str], observations: Sequence[Obs], measure: str
) -> None:
    """The values, readings not shown and % change of a row from the observations about it (any period)."""
    for period in periods:
        obs = [o for o in observations if o.period == period and _measure(o) == measure]
        g.values[period], alternatives = settled_value(ix, verdicts, obs)
        if alternatives:
            g.alternatives[period] = alternatives
    g.about = {o.iri for o in observations}
    if measure == "count":
        changes = [o for o in observations if o.period == periods[1] and _measure(o).startswith("change-")]
        changes = [o for o in changes if not o.base or o.base == periods[0]]
        g.change = change_for(ix, changes, g.values.get(periods[0]), g.values.get(periods[1]))


def flag_chart(ix: Index, verdicts: Verdicts, chart: BarChart) -> None:
    """Flag every row a contradiction of the report is about (numbered in order), with its note."""
    n = 0
    for g in chart.groups:
        for check in verdicts.inconsistencies(g.about):
            n += 1
            g.flags.append(Flag(n, check, *flag_text(ix, check, g.en, g.zh)))


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


def stage_chart(
    ix: Index, unit: str = "case", periods: tuple[str, str] = ("2022", "2023"), verdicts: Verdicts | None = None
) -> BarChart:
    """The year before vs the year (2022 vs 2023) by procedural stage (examination for arrest, for prosecution),
    with the % change."""
    verdicts = verdicts if verdicts is not None else Verdicts()
    groups = []
    for stage in STAGES:
        iri = PREFIXES["category"] + stage
        g = Group(ix.label(iri, "en"), ix.label(iri, "zh"))
        _fill_row(ix, verdicts, g, periods, _find(ix, None, category=stage, unit=unit), "count")
        groups.append(g)
    unit_label = ix.label(PREFIXES["unit"] + unit)
    chart = BarChart(
        f"stages-{unit}s",
        f"IP criminal {unit_label}s by procedural stage, {periods[0]} and {periods[1]}",
        f"知识产权刑事案件各诉讼阶段 {periods[0]} 与 {periods[1]}"
        if unit == "case"
        else f"各诉讼阶段涉案人数 {periods[0]} 与 {periods[1]}",
        unit_label + "s",
        periods,
        groups,
    )
    flag_chart(ix, verdicts, chart)
    return chart


def _latest(g: Group, period: str = "2023") -> float:
    v = g.values.get(period)
    return float(v.value) if v is not None else 0.0


def charge_chart(ix: Index, periods: tuple[str, str] = ("2022", "2023"), verdicts: Verdicts | None = None) -> BarChart:
    """The year before vs the year (2022 vs 2023): cases by charge (charges with a count in the year), with the
    % change."""
    verdicts = verdicts if verdicts is not None else Verdicts()
    charges = sorted(
        {
            o.dims["charge"]
            for o in ix.observations
            if o.period == periods[1]
            and o.dims.get("charge", DEFAULTS["charge"]) != DEFAULTS["charge"]
            and _measure(o) == "count"
            and local_name(o.dims.get("unit", "")) == "case"
            and o.value is not None
            and not o.derived
        }
    )
    groups = []
    for iri in charges:
        slug = local_name(iri)
        article = slug.split("-")[1] if slug.startswith("art-") else ""
        en = f"Art. {article} · {ix.label(iri, 'en')}" if article else ix.label(iri, "en")
        g = Group(en, ix.label(iri, "zh"))
        about = [
            o
            for o in ix.observations
            if o.dims.get("charge") == iri
            and local_name(o.dims.get("unit", "")) == "case"
            and o.dims.get("breakdown") == DEFAULTS["breakdown"]
        ]
        _fill_row(ix, verdicts, g, periods, about, "count")
        groups.append(g)
    groups.sort(key=lambda g: -_latest(g, periods[1]))
    chart = BarChart(
        "charges",
        f"IP criminal cases by charge, {periods[0]} and {periods[1]}",
        f"知识产权刑事案件各罪名案件数 {periods[0]} 与 {periods[1]}",
        "cases",
        periods,
        groups,
    )
    flag_chart(ix, verdicts, chart)
    return chart


def _share_rows(ix: Index) -> list[str]:
    return sorted(
        {
            o.dims["right"]
            for o in ix.observations
            if _measure(o) == "share"
            and o.dims.get("right", DEFAULTS["right"]) != DEFAULTS["right"]
            and o.dims.get("category") == PREFIXES["category"] + "ip-criminal"
            and o.dims.get("charge") == DEFAULTS["charge"]
            and o.value is not None
        }
    )


def _bounds(v: Value) -> tuple[Decimal, Decimal]:
    return (v.low if v.low is not None else v.value, v.high if v.high is not None else v.value)


def derived_share(ix: Index, verdicts: Verdicts, right: str, period: str) -> Value | None:
    """A right type's share of the criminal cases in a period the report gives no share for: its count over the
    total count of that period (stated or derived values of the graph; bounds from theirs), if both are known."""
    part, _ = settled_value(
        ix, verdicts, _find(ix, period, category="ip-criminal", right=right, measure="count", unit="case")
    )
    whole, _ = settled_value(ix, verdicts, _find(ix, period, category="ip-criminal", measure="count", unit="case"))
    if part is None or whole is None or not whole.value or not (part.derived or whole.derived):
        return None
    low_p, high_p = part.low if part.low is not None else part.value, part.high if part.high is not None else part.value
    low_w, high_w = (
        whole.low if whole.low is not None else whole.value,
        whole.high if whole.high is not None else whole.value,
    )
    hundred = Decimal(100)
    return Value(
        part.value / whole.value * hundred,
        derived=True,
        low=low_p / high_w * hundred if high_w else None,
        high=high_p / low_w * hundred if low_w else None,
        note=f"derived: {fmt_number(part.value)} of {fmt_number(whole.value)} cases",
        observations=part.observations + whole.observations,
        interpretation=part.interpretation,
        reading=part.reading,
    )


def share_chart(ix: Index, periods: tuple[str, str] = ("2022", "2023"), verdicts: Verdicts | None = None) -> BarChart:
    """Shares of the criminal cases by right type as 100% bars, one per year: shares the report states, else
    derived from the counts of the graph (hatched); what no share covers is the grey rest. Where the report's
    words about a share contradict its figures, the segment is flagged."""
    verdicts = verdicts if verdicts is not None else Verdicts()
    groups = []
    for iri in _share_rows(ix):
        g = Group(ix.label(iri, "en"), ix.label(iri, "zh"))
        about = [
            o
            for o in _find(ix, None, category="ip-criminal", right=local_name(iri), measure="share")
            if not o.base or o.base in periods
        ]
        _fill_row(ix, verdicts, g, periods, about, "share")
        for period in periods:
            if g.values.get(period) is None:
                g.values[period] = derived_share(ix, verdicts, local_name(iri), period)
        groups.append(g)
    groups.sort(key=lambda g: (-_latest(g, periods[1]), g.en))
    rest = Group("not broken down by the report", "报告未细分", rest=True)
    for period in periods:
        shown = [v.value for g in groups if (v := g.values.get(period)) is not None]
        total = sum(shown, Decimal(0))
        if shown and total < 100:
            rest.values[period] = Value(100 - total, note="the rest: 100% minus the shares shown")
    if rest.values:
        groups.append(rest)
    chart = BarChart(
        "shares",
        f"Shares of the IP criminal cases by right type, {periods[0]} and {periods[1]}",
        f"知识产权刑事案件按权利类型占比 {periods[0]} 与 {periods[1]}",
        "% of cases",
        periods,
        groups,
        percent=True,
    )
    flag_chart(ix, verdicts, chart)
    return chart


# -------------------------------------------------------------------------------------------------- Sankey


@dataclass
class SankeyNode:
    """A node of the Sankey: its own stated count (if any), column and position."""

    id: str
    en: str
    zh: str
    colour: str
    count: Decimal | None
    column: int = 0
    y: float = 0.0
    height: float = 0.0
    value: float = 0.0
    root: bool = False  # the total the flows start from
    label_h: float = 0.0  # the height its label needs beside it
    about: set[str] = field(default_factory=set)  # the observations of the graph about it
    flags: list[Flag] = field(default_factory=list)


@dataclass
class SankeyLink:
    """A band between two nodes (``value`` None: the report states the link but no count)."""

    source: str
    target: str
    value: Decimal | None
    sy: float = 0.0
    ty: float = 0.0


def sankey_layout(
    nodes: dict[str, SankeyNode],
    links: list[SankeyLink],
    height: float = 560.0,
    pad: float = 18.0,
    min_slot: float = 0.0,
) -> float:
    """Columns by longest path; node heights proportional to max(own count, inflow, outflow); bands stacked.

    Returns the pixels per case.

    >>> ns = {k: SankeyNode(k, k, "", "#000", None) for k in "abc"}
    >>> ls = [SankeyLink("a", "b", Decimal(10)), SankeyLink("b", "c", Decimal(4))]
    >>> px = sankey_layout(ns, ls, height=100, pad=0)
    >>> [ns[k].column for k in "abc"], ns["a"].height == ns["b"].height
    ([0, 1, 2], True)
    >>> round(ns["c"].height / ns["b"].height, 2)
    0.4
    """
    preds: dict[str, list[str]] = defaultdict(list)
    for link in links:
        preds[link.target].append(link.source)
    memo: dict[str, int] = {}

    def col(n: str, seen: frozenset[str] = frozenset()) -> int:
        if n not in memo:
            memo[n] = 1 + max((col(p, seen | {n}) for p in preds[n] if p not in seen), default=-1)
        return memo[n]

    for k, n in nodes.items():
        n.column = col(k)
    succs: dict[str, list[str]] = defaultdict(list)
    for link in links:
        succs[link.source].append(link.target)
    for k, n in nodes.items():  # sources sit just before what they feed
        if not preds[k] and succs[k]:
            n.column = max(0, min(nodes[t].column for t in succs[k]) - 1)
    inflow: dict[str, float] = defaultdict(float)
    outflow: dict[str, float] = defaultdict(float)
    for link in links:
        if link.value is not None:
            inflow[link.target] += float(link.value)
            outflow[link.source] += float(link.value)
    nominal = max([*inflow.values(), *outflow.values(), 1.0]) * 0.04
    for k, n in nodes.items():  # as tall as the cases flowing through it (its stated total is in its label)
        n.value = max(inflow[k], outflow[k]) or nominal
    columns: dict[int, list[str]] = defaultdict(list)
    for k in nodes:
        columns[nodes[k].column].append(k)
    per_column = [(sum(nodes[k].value for k in ks), len(ks)) for ks in columns.values()]
    px = min((height - pad * (count - 1)) / total for total, count in per_column if total > 0)
    px = max(px, 1e-6)
    for ks in columns.values():
        ks.sort(key=lambda k: (_mean_pred_y(k, preds, nodes), -nodes[k].value, k))
        y = 0.0
        for k in ks:
            nodes[k].y, nodes[k].height = y, max(nodes[k].value * px, 2.0)
            y += max(nodes[k].height, min_slot, nodes[k].label_h) + pad
    out_at = {k: n.y for k, n in nodes.items()}
    in_at = {k: n.y for k, n in nodes.items()}
    for link in sorted(links, key=lambda lk: (nodes[lk.source].y, nodes[lk.target].y)):
        w = float(link.value) * px if link.value is not None else 0.0
        link.sy, link.ty = out_at[link.source] + w / 2, in_at[link.target] + w / 2
        out_at[link.source] += w
        in_at[link.target] += w
    return px


def _mean_pred_y(k: str, preds: dict[str, list[str]], nodes: dict[str, SankeyNode]) -> float:
    ys = [nodes[p].y for p in preds[k] if p in nodes]
    return sum(ys) / len(ys) if ys else 0.0


def sankey_data(
    store: ox.Store, ix: Index, verdicts: Verdicts | None = None
) -> tuple[dict[str, SankeyNode], list[SankeyLink]]:
    """The derivation flows as a Sankey.

    - counted derivations (B → A, A's count); a derivation without a count only as a dashed link, and only
      where both ends have a stated count;
    - a composition (A part of B) where A is itself reached by a counted flow (it continues a chain:
      non-prosecution → reverse transfer → comprehensive performance);
    - the total the flows start from (a whole no counted flow reaches, with a part already drawn: the IP
      criminal cases) is the root at the left: it splits into its parts (1,369 → 425 + 944);
    - a breakdown by source flows into its category, unless the category is already reached by counted flows:
      then the breakdown is drawn as the category splitting into its sources (comprehensive performance →
      criminally / civilly / administratively derivative), so that no case is counted twice.
    """
    from ipgraph.viz.kinds import FUNCTION_KINDS
    from ipgraph.viz.views import Context, Flow, derivation_flows

    ctx = Context.of(ix)
    flows, functions = derivation_flows(store, ctx)
    nodes: dict[str, SankeyNode] = {}

    def count_of(iri: str) -> Decimal | None:
        return headline(ix, ctx.figures.get(iri, []))[0]

    def node(iri: str) -> SankeyNode:
        if iri not in nodes:
            fn = local_name(functions.get(iri, "")) if ix.kind_of(iri) == "category" else "source"
            colour = FUNCTION_KINDS.get(fn, FUNCTION_KINDS["all-functions"]).colour
            count = count_of(iri) if fn != "source" else None
            nodes[iri] = SankeyNode(iri, ix.label(iri, "en"), ix.label(iri, "zh"), colour, count)
            nodes[iri].about = {o.iri for o in ctx.figures.get(iri, [])}
        return nodes[iri]

    links: list[SankeyLink] = []
    reached: set[str] = set()
    for f in flows:
        if f.relation != "derives":
            continue
        if f.value is not None:
            reached.add(f.target)
        elif count_of(f.source) is None or count_of(f.target) is None:
            continue
        links.append(SankeyLink(node(f.source).id, node(f.target).id, f.value))
    for f in flows:
        if f.relation == "component" and f.value is not None and f.source in reached:
            links.append(SankeyLink(node(f.source).id, node(f.target).id, f.value))
            reached.add(f.target)
    drawn = {iri for lk in links for iri in (lk.source, lk.target)}
    parts: dict[str, list[Flow]] = defaultdict(list)
    for f in flows:
        if f.relation == "component" and f.value is not None and f.source not in reached:
            parts[f.target].append(f)
    roots = [w for w, fs in parts.items() if w not in reached and count_of(w) and any(f.source in drawn for f in fs)]
    for whole in sorted(roots, key=lambda w: (-(count_of(w) or 0), w))[:1]:
        node(whole).root = True
        for f in sorted(parts[whole], key=lambda f: f.source):
            links.append(SankeyLink(node(whole).id, node(f.source).id, f.value))
    fed = {lk.target for lk in links if lk.value is not None}
    for f in flows:
        if f.relation == "breakdown":
            if f.target in fed:
                nodes_pair = (node(f.target).id, node(f.source).id)
            else:
                nodes_pair = (node(f.source).id, node(f.target).id)
            links.append(SankeyLink(*nodes_pair, f.value))
    n = 0
    for k in sorted(nodes, key=lambda k: (not nodes[k].root, nodes[k].en)):
        for check in (verdicts or Verdicts()).inconsistencies(nodes[k].about):
            n += 1
            nodes[k].flags.append(Flag(n, check, *flag_text(ix, check, nodes[k].en, nodes[k].zh)))
    return nodes, links


def _node_label(n: SankeyNode) -> list[tuple[str, int, str]]:
    """The lines (text, size, colour) of a node's label: the total with its count large, the others with their
    count in brackets."""
    if n.root and n.count is not None:
        lines = [(fmt_number(n.count), 26, "#1d1d1d")] + [(line, 13, "#1d1d1d") for line in wrap(n.en, 30)]
        return [*lines, (n.zh, 12, "#666")]
    count = f" ({fmt_number(n.count)})" if n.count is not None else ""
    return [(line, 12, "#1d1d1d") for line in wrap(n.en + count, 34)] + [(n.zh, 11, "#666")]


def sankey_svg(
    nodes: dict[str, SankeyNode],
    links: list[SankeyLink],
    standalone: bool = False,
    title: str = "How the report's cases flow between procuratorial functions (2023)",
) -> str:
    """The Sankey diagram as SVG."""
    plot_h, top, left, col_w, node_w = 560.0, 84.0, 20.0, 250.0, 14.0
    if not nodes:
        out = open_svg(600, 120, title, standalone)
        out.append('<text x="16" y="60" font-size="14" fill="#777">No derivation flows in this graph.</text></svg>')
        return "\n".join(out)
    labels = {k: _node_label(n) for k, n in nodes.items()}
    for k, n in nodes.items():
        n.label_h = sum(size + 3 for _, size, _ in labels[k])
    sankey_layout(nodes, links, height=plot_h, pad=14.0, min_slot=44.0)
    columns = max(n.column for n in nodes.values()) + 1
    width = left + columns * col_w + 190
    flags = sorted((f for n in nodes.values() for f in n.flags), key=lambda f: f.number)
    body_h = top + max(n.y + n.height for n in nodes.values()) + 40
    notes, notes_h = notes_svg(flags, body_h)
    height = body_h + notes_h + 20
    rooted = any(n.root for n in nodes.values())
    out = open_svg(width, height, title, standalone)
    out.append(f'<text x="16" y="28" font-size="18" font-weight="600" fill="#1d1d1d">{_e(title)}</text>')
    out.append(
        '<text x="16" y="50" font-size="13" fill="#555">'
        f"知识产权案件在检察职能之间的衍生流向 · {'from the total at the left; ' if rooted else ''}band width = cases; "
        "a bar is as tall as the cases flowing through it, its stated total in brackets; "
        "dashed: the report states the link but not its count</text>"
    )

    def x_of(n: SankeyNode) -> float:
        return left + n.column * col_w

    for link in links:
        s, t = nodes[link.source], nodes[link.target]
        x1, x2 = x_of(s) + node_w, x_of(t)
        y1, y2 = top + link.sy, top + link.ty
        mid = (x1 + x2) / 2
        tip = f"{s.en} → {t.en}: " + (fmt_number(link.value) if link.value is not None else "count not stated")
        if link.value is None:
            y1, y2 = top + s.y + s.height / 2, top + t.y + t.height / 2
            out.append(
                f'<path d="M{x1:.1f},{y1:.1f}C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
                'stroke="#888" stroke-width="1.5" stroke-dasharray="5 4" fill="none">'
                f"<title>{_e(tip)}</title></path>"
            )
            continue
        w = max(float(link.value) * (s.height / s.value), 1.0)
        out.append(
            f'<path d="M{x1:.1f},{y1:.1f}C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
            f'stroke="{s.colour}" stroke-opacity=".35" stroke-width="{w:.1f}" fill="none">'
            f"<title>{_e(tip)}</title></path>"
        )
        out.append(
            f'<text x="{x2 - 5:.1f}" y="{y2 + 4:.1f}" font-size="11" text-anchor="end" fill="#333" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">{_e(fmt_number(link.value))}</text>'
        )
    for n in nodes.values():
        x, y = x_of(n), top + n.y
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{node_w}" height="{n.height:.1f}" fill="{n.colour}">')
        out.append(f"<title>{_e(n.en)} · {_e(n.zh)}</title></rect>")
        if n.flags:
            out.append(
                f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="{node_w + 6}" height="{n.height + 6:.1f}" '
                f'fill="none" stroke="{FLAG_COLOUR}" stroke-width="2"/>'
            )
        marks = "".join(f" {f.mark}" for f in n.flags)
        lines = labels[n.id]
        steps = [size + 3 for _, size, _ in lines]
        ty = y + n.height / 2 - sum(steps[1:]) / 2 + 4
        for i, (line, size, colour) in enumerate(lines):
            if marks and i == len(lines) - 2:
                line += marks
                colour = FLAG_COLOUR
            weight = ' font-weight="700"' if n.root and i == 0 else ""
            out.append(
                f'<text x="{x + node_w + 4:.1f}" y="{ty:.1f}" font-size="{size}" fill="{colour}"{weight} '
                f'paint-order="stroke" stroke="#fff" stroke-width="3">{_e(line)}</text>'
            )
            ty += steps[i + 1] if i + 1 < len(steps) else 0
    out += notes
    out.append("</svg>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- pages, files


@dataclass
class Chart:
    """A chart ready to write: key (file name), caption, SVG for a file and for a page, its size, and what it
    shows as data (:func:`ipgraph.viz.bars.chart_spec`)."""

    key: str
    caption: str
    svg_file: str
    svg_inline: str
    width: float
    height: float
    spec: dict[str, Any]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _size(svg: str) -> tuple[float, float]:
    import re

    m = re.search(r'width="([\d.]+)" height="([\d.]+)"', svg)
    return (float(m.group(1)), float(m.group(2))) if m else (800.0, 600.0)


def report_of(o: Obs) -> str:
    """The id of the report an observation belongs to (its data set: figures, trends, or derived values).

    >>> report_of(Obs("x", True, {}, dataset=PREFIXES["dataset"] + "shanghai-2023-derived"))
    'shanghai-2023'
    """
    name = local_name(o.dataset)
    for suffix in ("-trends", "-derived"):
        name = name.removesuffix(suffix)
    return name


def per_report(ix: Index) -> list[tuple[str, str, Index]]:
    """One index per report holding only its observations, with the report id and its area's label.

    A chart is drawn from one of them, so that it never mixes the figures of two reports.
    """
    by_report: dict[str, list[Obs]] = defaultdict(list)
    for o in ix.observations:
        by_report[report_of(o)].append(o)
    out = []
    for rid, observations in sorted(by_report.items()):
        areas = Counter(o.dims.get("area", "") for o in observations if not o.derived)
        area = ix.label(areas.most_common(1)[0][0]) if areas else ""
        out.append((rid, area, replace(ix, observations=observations)))
    return out


def _periods(ix: Index) -> tuple[str, str]:
    """The report's year (the latest period of its stated figures) and the year before."""
    years = [o.period for o in ix.observations if not o.derived and o.period.isdigit()]
    year = max(years) if years else "2023"
    return str(int(year) - 1), year


def all_charts(store: ox.Store, ix: Index | None = None) -> list[Chart]:
    """Every chart of the graph in ``store``: one set per report, each titled with its report and area."""
    ix = ix if ix is not None else load_index(store)
    verdicts = load_verdicts(store)
    charts: list[Chart] = []
    reports = per_report(ix)
    for rid, area, rix in reports:
        named = f"{rid} ({area})" if area else rid
        key = "" if len(reports) == 1 else f"-{rid}"
        periods = _periods(rix)
        before = periods[0]
        bar_charts = [
            (
                stage_chart(rix, "case", periods, verdicts),
                f"{periods[1]} counts as stated; {before} only where stated or derived (hatched, with bounds); "
                "the change as the report states it (≈: computed from the two bars where it states none). "
                f"{before} 年数据仅取自报告或由报告数据推算（斜线）；变化率为报告所述（≈ 为据两年数值计算）。",
            ),
            (
                stage_chart(rix, "perpetrator", periods, verdicts),
                f"Perpetrators by stage; {before} as for cases. 各诉讼阶段涉案人数，{before} 年同上。",
            ),
            (
                charge_chart(rix, periods, verdicts),
                f"Cases by charge; the {before} values come only from the report or from ipgraph's derivations. "
                "Where the report says “rose by N times”, the bar shows the reading the consistency checks settle "
                "on; the other reading is drawn grey, with the check it fails. "
                "“增长N倍”取校验认可的理解，另一理解以灰色标出并注明不一致的校验。",
            ),
            (
                share_chart(rix, periods, verdicts),
                f"Each year's IP criminal cases as 100%: the shares the report states, the {before} share of a "
                "right type it does not state derived from the counts (hatched); red: where the report's words "
                "contradict its figures. 各年刑事案件按权利类型占比（合计 100%），"
                "报告未给出的占比由案件数推算（斜线）；红色标出报告文字与数据矛盾之处。",
            ),
        ]
        for chart, caption in bar_charts:
            if not any(v is not None for g in chart.groups for v in g.values.values()):
                continue
            chart.key += key
            chart.title = f"{named}: {chart.title}"
            chart.report, chart.area = rid, area
            draw = share_chart_svg if chart.percent else bar_chart_svg
            inline = draw(chart)
            w, h = _size(inline)
            charts.append(Chart(chart.key, caption, draw(chart, standalone=True), inline, w, h, chart_spec(chart)))
        nodes, links = sankey_data(store, rix, verdicts)
        if not links and len(reports) > 1:
            continue
        title = f"{named}: how the report's cases flow between procuratorial functions ({periods[1]})"
        inline = sankey_svg(nodes, links, title=title)
        w, h = _size(inline)
        charts.append(
            Chart(
                "sankey" + key,
                "The derivation flow from the total: band widths are case counts from the report; dashed links have no "
                "stated count. 案件衍生流向：带宽为报告所载案件数，虚线表示报告未给出数量。",
                sankey_svg(nodes, links, standalone=True, title=title),
                inline,
                w,
                h,
                sankey_spec(nodes, links, rid, area, title),
            )
        )
    return charts


def sankey_spec(
    nodes: dict[str, SankeyNode], links: list[SankeyLink], report: str, area: str, title: str
) -> dict[str, Any]:
    """What the Sankey shows, as JSON-ready data: its nodes (column, stated count) and its bands."""
    return {
        "chart": "sankey",
        "report": report,
        "area": area,
        "title": title,
        "nodes": [
            {
                "id": n.id,
                "en": n.en,
                "zh": n.zh,
                "column": n.column,
                "count": str(n.count) if n.count is not None else None,
            }
            for n in sorted(nodes.values(), key=lambda n: (n.column, n.y))
        ],
        "root": next((n.id for n in nodes.values() if n.root), None),
        "links": [
            {"source": lk.source, "target": lk.target, "value": str(lk.value) if lk.value is not None else None}
            for lk in links
        ],
        "flags": [
            {
                "number": f.number,
                "node": n.id,
                "check": f.check.iri,
                "kind": f.check.kind,
                "expression": f.check.expression,
                "sections": list(f.check.sections),
                "en": f.en,
                "zh": f.zh,
            }
            for n in nodes.values()
            for f in n.flags
        ],
    }


_CSS = """
body { font-family: @FONT@; margin: 0; color: #1d1d1d; background: #fff; }
header { padding: 12px 24px; border-bottom: 1px solid #dde1e6; background: #f7f8fa; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 0; color: #555; font-size: 14px; }
nav a { margin-right: 14px; color: #0b5cad; text-decoration: none; font-size: 14px; display: inline-block; }
nav a.current { font-weight: 700; color: #1d1d1d; }
main { padding: 12px 24px 40px; max-width: 1280px; }
figure { margin: 18px 0 30px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eceff2; }
figcaption { color: #555; font-size: 13px; margin-top: 4px; }
figcaption a { color: #0b5cad; }
.views { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px;
  margin: 12px 0 24px; }
.card { border: 1px solid #dde1e6; border-radius: 6px; padding: 10px 12px; text-decoration: none;
  color: inherit; }
.card:hover { background: #f4f7fb; }
.card b { display: block; color: #0b5cad; margin-bottom: 4px; }
.card span { font-size: 13px; color: #555; }
h2 { font-size: 17px; margin: 22px 0 6px; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px;
  margin: 10px 0 8px; }
.headline div { border-left: 4px solid #1F5A96; background: #f7f9fc; padding: 8px 10px; }
.headline b { display: block; font-size: 26px; line-height: 1.15; }
.headline span { display: block; font-size: 13px; color: #444; }
.headline small { display: block; font-size: 12px; color: #777; margin-top: 2px; }
.about { font-size: 13px; color: #444; margin: 6px 0 14px; }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
.about dt { font-weight: 700; }
.about dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 700px) {
  header, main { padding-left: 12px; padding-right: 12px; }
  figure { overflow-x: auto; }
  figure svg { max-width: none; width: 860px; }
}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@POLICY@">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ipgraph viz">
<title>@TITLE@</title>
<style>@CSS@</style>
</head>
<body>
<header><h1>@TITLE@</h1><p>@SUBTITLE@</p>@NAV@</header>
<main>
@BODY@
</main>
</body>
</html>
"""


def _page(title: str, subtitle: str, nav: str, body: str) -> str:
    """A charts page: its one style sheet allowed by hash, nothing else loaded or run (the JSON data blocks
    of the charts are data, not script)."""
    import re

    from ipgraph.page_safety import csp_source

    css = _CSS.replace("@FONT@", FONT)
    policy = f"default-src 'none'; style-src {csp_source(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    parts = {
        "@TITLE@": html.escape(title),
        "@SUBTITLE@": html.escape(subtitle),
        "@POLICY@": policy,
        "@CSS@": css,
        "@NAV@": nav,
        "@BODY@": body,
    }
    return re.sub("|".join(map(re.escape, parts)), lambda m: parts[m.group(0)], _PAGE)


def _figures_html(charts: Sequence[Chart], prefix: str = "") -> str:
    """The charts as figures with caption, file links, and what each shows as a JSON data block."""
    from ipgraph.viz.page import to_json

    parts = []
    for c in charts:
        links = f' <a href="{_e(prefix + c.key)}.svg">SVG</a> · <a href="{_e(prefix + c.key)}.png">PNG</a>'
        spec = f'<script type="application/json" class="chart-spec" id="spec-{_e(c.key)}">{to_json(c.spec)}</script>'
        parts.append(
            f'<figure id="{_e(c.key)}">{c.svg_inline}<figcaption>{_e(c.caption)}{links}</figcaption>{spec}</figure>'
        )
    return "\n".join(parts)


def write_charts(
    store: ox.Store, out: Path, nav: Sequence[tuple[str, str]] | None = None, png: bool = True
) -> list[tuple[Path, str]]:
    """Write every chart as SVG (and PNG when Chromium is there) and ``charts.html`` into ``out``."""
    from ipgraph.viz.page import nav_html, write_page

    ix = load_index(store)
    charts = all_charts(store, ix)
    reports = per_report(ix)
    written: list[tuple[Path, str]] = []
    for c in charts:
        path = out / f"{c.key}.svg"
        write_page(path, c.svg_file)
        written.append((path, ""))
    if png:
        written += _pngs(out, charts)
    if len(reports) == 1:
        rid, _, rix = reports[0]
        before, year = _periods(rix)
        title = f"Charts of the {ix.label(PREFIXES['report'] + rid)}"
        when = f"{before} vs {year}"
    else:
        title = f"Charts of {len(reports)} reports, one set each"
        when = "each report's year against the year before"
    page = _page(
        title,
        when + " by stage and by charge with the % change, shares by right type as 100% bars, the flow of cases "
        "from the total · 图表",
        nav_html(nav or []),
        _figures_html(charts),
    )
    write_page(out / "charts.html", page)
    written.append((out / "charts.html", f"{len(charts)} charts"))
    return written


def _pngs(out: Path, charts: Sequence[Chart]) -> list[tuple[Path, str]]:
    from ipgraph.viz.headless import Browser, BrowserError, find_chromium

    if find_chromium() is None:
        return [(out, "PNG skipped: Chromium not found (install chromium, or set IPGRAPH_CHROMIUM)")]
    written: list[tuple[Path, str]] = []
    try:
        with Browser() as b:
            for c in charts:
                b.page.set_viewport(math.ceil(c.width), math.ceil(c.height), 2.0)
                b.page.goto((out / f"{c.key}.svg").resolve().as_uri())
                b.page.screenshot(out / f"{c.key}.png")
                written.append((out / f"{c.key}.png", ""))
    except BrowserError as exc:
        written.append((out, f"PNG skipped: {exc}"))
    return written


def write_site_index(
    store: ox.Store, out: Path, views: Sequence[tuple[str, str, str]], nav: Sequence[tuple[str, str]]
) -> tuple[Path, str]:
    """``index.html``: each report's headline numbers and source, the licences, a card for every graph view
    (titled by its label), and the charts inline, each linked to the others."""
    from ipgraph.viz.headlines import index_opening, licences, report_card
    from ipgraph.viz.page import nav_html, write_page

    ix = load_index(store)
    verdicts = load_verdicts(store)
    charts = all_charts(store, ix)
    reports = per_report(ix)
    cards_of_reports = [report_card(rix, verdicts, rid, area, _periods(rix)[1]) for rid, area, rix in reports]
    cards = "".join(
        f'<a class="card" href="{_e(file)}"><b>{_e(name)}</b><span>{_e(text)}</span></a>' for file, name, text in views
    )
    body = (
        index_opening(cards_of_reports, licences(ix))
        + "<h2>Graph views · 关系图</h2>"
        + f'<div class="views">{cards}<a class="card" href="charts/charts.html"><b>Charts · 图表</b>'
        "<span>the charts below on a page of their own, with SVG and PNG files</span></a></div>"
        "<h2>Charts · 图表</h2>" + _figures_html(charts, prefix="charts/")
    )
    one = len(cards_of_reports) == 1
    title = f"ipgraph: {cards_of_reports[0].title_en}" if one else f"ipgraph: {len(cards_of_reports)} reports"
    zh = cards_of_reports[0].title_zh if one else ""
    page = _page(
        title,
        ("The report" if one else "The reports")
        + " as a graph: headline numbers, interactive views (offline, one file each) and charts"
        + (f" · {zh}知识图谱" if zh else ""),
        nav_html(nav, "index.html"),
        body,
    )
    path = out / "index.html"
    write_page(path, page)
    return path, f"{len(views)} views, {len(charts)} charts"
