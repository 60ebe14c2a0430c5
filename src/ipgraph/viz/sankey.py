"""The Sankey diagram of a report's case flows as SVG: rooted at the total, bands as wide as the cases.

Built from :func:`ipgraph.viz.views.derivation_flows` (one report's index): counted derivations, compositions that
continue a chain, breakdowns by source, and the total the flows start from at the left (the IP criminal cases
splitting into the two procedural stages). A node the report contradicts itself about is flagged, with a note.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from ipgraph.viz.bars import FLAG_COLOUR, Flag, notes_svg, open_svg
from ipgraph.viz.figures import fmt_number, headline
from ipgraph.viz.index import Index, local_name
from ipgraph.viz.layout import wrap
from ipgraph.viz.verdicts import Verdicts, flag_text


def _e(text: str) -> str:
    return html.escape(text, quote=True)


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
        "flags": [f.data(node=n.id) for n in nodes.values() for f in n.flags],
    }
