"""Static charts as SVG (and PNG through headless Chromium): what a bar says better than a graph.

- ``stages``: 2022 vs 2023 by procedural stage (cases and perpetrators);
- ``charges``: 2022 vs 2023 by charge;
- ``shares``: shares of the criminal cases by right type;
- ``sankey``: the derivation flow of :func:`ipgraph.viz.views.derivation_flows`.

A 2022 bar is drawn only from a value the report states, or from a value ipgraph derived (an
``ipg:DerivedObservation`` of the ``derived`` graph, with its lower and upper bounds): derived bars are
hatched,
with a whisker from the lower to the upper bound, and say so in their label. With neither, the chart says
"not stated". The SVG is written by hand (no plotting library), every text escaped.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from ipgraph.prefixes import PREFIXES
from ipgraph.viz.figures import fmt_number, headline
from ipgraph.viz.index import DEFAULTS, Index, Obs, load_index, local_name
from ipgraph.viz.layout import wrap

FONT = "'Noto Sans', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif"
YEAR_COLOURS = ("#9DB9D3", "#1F5A96")  # the year before, the year
SVG_NS = "http://www.w3.org/2000/svg"  #: written only into standalone .svg files, never into a page
STAGES = ("arrest-examination", "prosecution-examination", "ip-criminal")


@dataclass
class Value:
    """One bar's value: stated by the report, or derived by ipgraph (with bounds and how)."""

    value: Decimal
    derived: bool = False
    low: Decimal | None = None
    high: Decimal | None = None
    note: str = ""


@dataclass
class Group:
    """A row of the bar chart: a label and a value (or None: not stated) per period."""

    en: str
    zh: str
    values: dict[str, Value | None] = field(default_factory=dict)


@dataclass
class BarChart:
    """A grouped horizontal bar chart."""

    key: str
    title: str
    subtitle: str
    unit: str
    periods: tuple[str, ...]
    groups: list[Group]
    percent: bool = False


def _dims_key(o: Obs) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in o.dims.items() if k not in ("entity", "area")))


def value_for(observations: Sequence[Obs]) -> Value | None:
    """The value of a bar from the observations with its dimensions and period: the stated one if any,
    else the derived ones (several readings become one bar spanning all their bounds).

    >>> o = Obs("x", True, {}, period="2022", value=Decimal(174), low=Decimal("173.9"), high=Decimal(175))
    >>> v = value_for([o]); (v.value, v.derived, v.low, v.high)
    (Decimal('174'), True, Decimal('173.9'), Decimal('175'))
    """
    stated = [o for o in observations if not o.derived and o.value is not None]
    if stated:
        return Value(stated[0].value)  # type: ignore[arg-type]
    derived = sorted((o for o in observations if o.derived and o.value is not None), key=lambda o: o.iri)
    if not derived:
        return None
    lows = [o.low if o.low is not None else o.value for o in derived]
    highs = [o.high if o.high is not None else o.value for o in derived]
    note = "derived" if len(derived) == 1 else f"derived, {len(derived)} readings"
    return Value(
        derived[0].value,  # type: ignore[arg-type]
        derived=True,
        low=min(x for x in lows if x is not None),
        high=max(x for x in highs if x is not None),
        note=note,
    )


def _find(ix: Index, period: str, **dims: str) -> list[Obs]:
    """Observations of a period whose dimensions (given by local name) match; unnamed dimensions at
    defaults."""
    wanted = {k: PREFIXES[k] + v for k, v in dims.items()}
    out = []
    for o in ix.observations:
        if o.period != period:
            continue
        ok = all(o.dims.get(k) == v for k, v in wanted.items())
        for dim in ("charge", "right", "breakdown"):
            if dim not in dims and o.dims.get(dim) != DEFAULTS[dim]:
                ok = False
        if ok:
            out.append(o)
    return out


def stage_chart(ix: Index, unit: str = "case", periods: tuple[str, str] = ("2022", "2023")) -> BarChart:
    """The year before vs the year (2022 vs 2023) by procedural stage (examination for arrest, for prosecution)."""
    groups = []
    for stage in STAGES:
        iri = PREFIXES["category"] + stage
        g = Group(ix.label(iri, "en"), ix.label(iri, "zh"))
        for period in periods:
            obs = _find(ix, period, category=stage, unit=unit, measure="count")
            g.values[period] = value_for(obs)
        groups.append(g)
    unit_label = ix.label(PREFIXES["unit"] + unit)
    return BarChart(
        f"stages-{unit}s",
        f"IP criminal {unit_label}s by procedural stage, {periods[0]} and {periods[1]}",
        f"知识产权刑事案件各诉讼阶段 {periods[0]} 与 {periods[1]}"
        if unit == "case"
        else f"各诉讼阶段涉案人数 {periods[0]} 与 {periods[1]}",
        unit_label + "s",
        periods,
        groups,
    )


def _latest(g: Group, period: str = "2023") -> float:
    v = g.values.get(period)
    return float(v.value) if v is not None else 0.0


def charge_chart(ix: Index, periods: tuple[str, str] = ("2022", "2023")) -> BarChart:
    """The year before vs the year (2022 vs 2023): cases by charge (charges with a count in the year)."""
    charges = sorted(
        {
            o.dims["charge"]
            for o in ix.observations
            if o.period == periods[1]
            and o.dims.get("charge", DEFAULTS["charge"]) != DEFAULTS["charge"]
            and local_name(o.dims.get("measure", "")) == "count"
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
        for period in periods:
            obs = [
                o
                for o in ix.observations
                if o.period == period
                and o.dims.get("charge") == iri
                and local_name(o.dims.get("measure", "")) == "count"
                and local_name(o.dims.get("unit", "")) == "case"
                and o.dims.get("breakdown") == DEFAULTS["breakdown"]
            ]
            g.values[period] = value_for(obs)
        groups.append(g)
    groups.sort(key=lambda g: -_latest(g, periods[1]))
    return BarChart(
        "charges",
        f"IP criminal cases by charge, {periods[0]} and {periods[1]}",
        f"知识产权刑事案件各罪名案件数 {periods[0]} 与 {periods[1]}",
        "cases",
        periods,
        groups,
    )


def share_chart(ix: Index, periods: tuple[str, str] = ("2022", "2023")) -> BarChart:
    """Shares of the criminal cases by right type (the year, and the year before where the report states it)."""
    rights = sorted(
        {
            o.dims["right"]
            for o in ix.observations
            if local_name(o.dims.get("measure", "")) == "share"
            and o.dims.get("right", DEFAULTS["right"]) != DEFAULTS["right"]
            and o.dims.get("category") == PREFIXES["category"] + "ip-criminal"
            and o.dims.get("charge") == DEFAULTS["charge"]
            and o.value is not None
        }
    )
    groups = []
    for iri in rights:
        g = Group(ix.label(iri, "en"), ix.label(iri, "zh"))
        for period in periods:
            obs = [
                o
                for o in ix.observations
                if o.period == period
                and o.dims.get("right") == iri
                and o.dims.get("category") == PREFIXES["category"] + "ip-criminal"
                and o.dims.get("charge") == DEFAULTS["charge"]
                and local_name(o.dims.get("measure", "")) == "share"
            ]
            g.values[period] = value_for(obs)
        groups.append(g)
    groups.sort(key=lambda g: -_latest(g, periods[1]))
    latest = [g.values.get(periods[1]) for g in groups]
    stated = sum((v.value for v in latest if v is not None), Decimal(0))
    if groups and stated < 100:
        groups.append(
            Group("other rights (not broken down)", "其他（未细分）", {periods[1]: Value(100 - stated, note="rest")})
        )
    return BarChart(
        "shares",
        "Shares of the IP criminal cases by right type",
        "知识产权刑事案件按权利类型占比",
        "% of cases",
        periods,
        groups,
        percent=True,
    )


# ------------------------------------------------------------------------------------------------------ SVG


def _year_colour(chart: BarChart, period: str) -> str:
    return YEAR_COLOURS[chart.periods.index(period)] if period in chart.periods[:2] else "#888"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _open_svg(width: float, height: float, title: str, standalone: bool) -> list[str]:
    ns = f' xmlns="{SVG_NS}"' if standalone else ""
    return [
        f'<svg{ns} viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-label="{_e(title)}" font-family="{_e(FONT)}">',
        f"<title>{_e(title)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]


def _fmt(v: Decimal, percent: bool) -> str:
    """A chart value: at most two decimals.

    >>> _fmt(Decimal("14.981"), False), _fmt(Decimal("88.8"), True), _fmt(Decimal("1369"), False)
    ('14.98', '88.8%', '1,369')
    """
    return fmt_number(v.quantize(Decimal("0.01")) if v != v.to_integral_value() else v) + ("%" if percent else "")


def bar_chart_svg(chart: BarChart, standalone: bool = False) -> str:
    """A grouped horizontal bar chart: a row per group, a bar per period; derived bars hatched with bounds."""
    from ipgraph.viz.layout import label_size

    label_w, bar_h, gap, top = 300.0, 18.0, 14.0, 100.0
    plot_w, right = 560.0, 260.0
    width = label_w + plot_w + right
    rows = []
    for g in chart.groups:
        lines = [(line, 13, "#1d1d1d") for line in wrap(g.en, 40)] + [(g.zh, 12, "#666")]
        rows.append((g, lines, max(len(lines) * 16.0, len(chart.periods) * bar_h)))
    height = top + sum(h + gap for _, _, h in rows) + 30
    top_value = Decimal(0)
    for g in chart.groups:
        for v in g.values.values():
            if v is not None:
                top_value = max(top_value, v.high or v.value, v.value)
    scale = plot_w / float(top_value) if top_value else 1.0
    out = _open_svg(width, height, chart.title, standalone)
    hatch = f"hatch-{chart.key}"
    out.append(
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#6f8fb0" stroke-width="3"/></pattern></defs>'
    )
    out.append(f'<text x="16" y="28" font-size="18" font-weight="600" fill="#1d1d1d">{_e(chart.title)}</text>')
    out.append(f'<text x="16" y="50" font-size="14" fill="#555">{_e(chart.subtitle)}</text>')
    lx = 16.0
    legend = [(f"{p} stated · 报告数据", _year_colour(chart, p), False) for p in chart.periods]
    legend.insert(1, (f"{chart.periods[0]} derived by ipgraph, with bounds · 推算值", "", True))
    for text, colour, hatched in legend:
        fill = f"url(#{hatch})" if hatched else colour
        out.append(f'<rect x="{lx}" y="66" width="14" height="12" fill="{fill}" stroke="#4a6f94" stroke-width=".6"/>')
        out.append(f'<text x="{lx + 20}" y="77" font-size="12" fill="#333">{_e(text)}</text>')
        lx += 40 + label_size(text, 12)[0]
    y = top
    for g, lines, row_h in rows:
        for i, (line, size, colour) in enumerate(lines):
            out.append(
                f'<text x="{label_w - 12}" y="{y + 13 + i * 16}" font-size="{size}" text-anchor="end" '
                f'fill="{colour}">{_e(line)}</text>'
            )
        by = y + (row_h - len(chart.periods) * bar_h) / 2
        for period in chart.periods:
            out.extend(_bar(chart, g, period, by, bar_h, label_w, scale, hatch))
            by += bar_h
        y += row_h + gap
    out.append(
        f'<line x1="{label_w}" y1="{top - 6}" x2="{label_w}" y2="{y - gap + 4}" stroke="#9aa5b1" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _bar(
    chart: BarChart, g: Group, period: str, y: float, bar_h: float, x0: float, scale: float, hatch: str
) -> list[str]:
    v = g.values.get(period)
    if v is None:
        return [
            f'<text x="{x0 + 6}" y="{y + bar_h - 5}" font-size="12" fill="#999" font-style="italic">'
            f"{_e(period)}: not stated · 未公布</text>"
        ]
    out = []
    w = float(v.value) * scale
    fill = f"url(#{hatch})" if v.derived else _year_colour(chart, period)
    stroke = ' stroke="#4a6f94" stroke-width="1" stroke-dasharray="3 2"' if v.derived else ""
    if v.note == "rest":
        fill, stroke = "#e3e6ea", ""
    tip = f"{g.en} {period}: {_fmt(v.value, chart.percent)}"
    text = f"{period}: {_fmt(v.value, chart.percent)}"
    if v.note == "rest":
        text = f"{_fmt(v.value, chart.percent)} (the rest: 100% minus the shares stated)"
    end = x0 + w
    if v.derived:
        low, high = v.low if v.low is not None else v.value, v.high if v.high is not None else v.value
        tip += f" (derived by ipgraph, between {_fmt(low, chart.percent)} and {_fmt(high, chart.percent)})"
        pct = chart.percent
        if "readings" in v.note:  # no headline value: the readings disagree, and the checks tell which fits
            text = f"{period}: {_fmt(low, pct)}–{_fmt(high, pct)} ({v.note} of “rose by N times”)"
        else:
            text = f"{period}: ≈{_fmt(v.value, pct)} ({v.note}: {_fmt(low, pct)}–{_fmt(high, pct)})"
    out.append(f'<rect x="{x0}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" fill="{fill}"{stroke}>')
    out.append(f"<title>{_e(tip)}</title></rect>")
    if v.derived and v.low is not None and v.high is not None:
        x1, x2 = x0 + float(v.low) * scale, x0 + float(v.high) * scale
        cy = y + bar_h / 2
        out.append(
            f'<path d="M{x1:.1f},{cy - 5:.1f}v10M{x1:.1f},{cy:.1f}H{x2:.1f}M{x2:.1f},{cy - 5:.1f}v10" '
            'stroke="#1d1d1d" stroke-width="1.2" fill="none"/>'
        )
        end = max(end, x2)
    out.append(f'<text x="{end + 6:.1f}" y="{y + bar_h - 5}" font-size="12" fill="#333">{_e(text)}</text>')
    return out


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
            y += max(nodes[k].height, min_slot) + pad
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


def sankey_data(store: ox.Store, ix: Index) -> tuple[dict[str, SankeyNode], list[SankeyLink]]:
    """The derivation flows as a Sankey.

    - counted derivations (B → A, A's count); a derivation without a count only as a dashed link, and only
      where both ends have a stated count;
    - a composition (A part of B) only where A is itself reached by a counted flow (it continues a chain:
      non-prosecution → reverse transfer → comprehensive performance);
    - a breakdown by source flows into its category, unless the category is already reached by counted flows:
      then the breakdown is drawn as the category splitting into its sources (comprehensive performance →
      criminally / civilly / administratively derivative), so that no case is counted twice.
    """
    from ipgraph.viz.kinds import FUNCTION_KINDS
    from ipgraph.viz.views import Context, derivation_flows

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
    fed = {lk.target for lk in links if lk.value is not None}
    for f in flows:
        if f.relation == "breakdown":
            if f.target in fed:
                nodes_pair = (node(f.target).id, node(f.source).id)
            else:
                nodes_pair = (node(f.source).id, node(f.target).id)
            links.append(SankeyLink(*nodes_pair, f.value))
    return nodes, links


def sankey_svg(
    nodes: dict[str, SankeyNode],
    links: list[SankeyLink],
    standalone: bool = False,
    title: str = "How the report's cases flow between procuratorial functions (2023)",
) -> str:
    """The Sankey diagram as SVG."""
    plot_h, top, left, col_w, node_w = 560.0, 84.0, 20.0, 250.0, 14.0
    if not nodes:
        out = _open_svg(600, 120, title, standalone)
        out.append('<text x="16" y="60" font-size="14" fill="#777">No derivation flows in this graph.</text></svg>')
        return "\n".join(out)
    sankey_layout(nodes, links, height=plot_h, pad=14.0, min_slot=44.0)
    columns = max(n.column for n in nodes.values()) + 1
    width = left + columns * col_w + 190
    height = top + max(n.y + n.height for n in nodes.values()) + 60
    out = _open_svg(width, height, title, standalone)
    out.append(f'<text x="16" y="28" font-size="18" font-weight="600" fill="#1d1d1d">{_e(title)}</text>')
    out.append(
        '<text x="16" y="50" font-size="13" fill="#555">'
        "知识产权案件在检察职能之间的衍生流向 · band width = cases; "
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
        count = f" ({fmt_number(n.count)})" if n.count is not None else ""
        lines = [(line, 12, "#1d1d1d") for line in wrap(n.en + count, 34)] + [(n.zh, 11, "#666")]
        ty = y + n.height / 2 - (len(lines) - 1) * 7 + 4
        for i, (line, size, colour) in enumerate(lines):
            out.append(
                f'<text x="{x + node_w + 4:.1f}" y="{ty + i * 14:.1f}" font-size="{size}" fill="{colour}" '
                f'paint-order="stroke" stroke="#fff" stroke-width="3">{_e(line)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- pages, files


@dataclass
class Chart:
    """A chart ready to write: key (file name), caption, SVG for a file and for a page, and its size."""

    key: str
    caption: str
    svg_file: str
    svg_inline: str
    width: float
    height: float


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
    charts: list[Chart] = []
    reports = per_report(ix)
    for rid, area, rix in reports:
        named = f"{rid} ({area})" if area else rid
        key = "" if len(reports) == 1 else f"-{rid}"
        periods = _periods(rix)
        bar_charts = [
            (
                stage_chart(rix, "case", periods),
                f"{periods[1]} counts as stated; {periods[0]} only where stated or derived (hatched, with bounds).",
            ),
            (stage_chart(rix, "perpetrator", periods), f"Perpetrators by stage; {periods[0]} as for cases."),
            (
                charge_chart(rix, periods),
                f"Cases by charge; the {periods[0]} values come only from the report or from ipgraph's derivations.",
            ),
            (
                share_chart(rix, periods),
                "Shares of the IP criminal cases by right type (as far as the report states them).",
            ),
        ]
        for chart, caption in bar_charts:
            if not any(v is not None for g in chart.groups for v in g.values.values()):
                continue
            chart.key += key
            chart.title = f"{named}: {chart.title}"
            inline = bar_chart_svg(chart)
            w, h = _size(inline)
            charts.append(Chart(chart.key, caption, bar_chart_svg(chart, standalone=True), inline, w, h))
        nodes, links = sankey_data(store, rix)
        if not links and len(reports) > 1:
            continue
        title = f"{named}: how the report's cases flow between procuratorial functions ({periods[1]})"
        inline = sankey_svg(nodes, links, title=title)
        w, h = _size(inline)
        charts.append(
            Chart(
                "sankey" + key,
                "The derivation flow: band widths are case counts from the report; dashed links have no stated count.",
                sankey_svg(nodes, links, standalone=True, title=title),
                inline,
                w,
                h,
            )
        )
    return charts


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ipgraph viz">
<title>@TITLE@</title>
<style>
body { font-family: @FONT@; margin: 0; color: #1d1d1d; background: #fff; }
header { padding: 12px 24px; border-bottom: 1px solid #dde1e6; background: #f7f8fa; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 0; color: #555; font-size: 14px; }
nav a { margin-right: 14px; color: #0b5cad; text-decoration: none; font-size: 14px; }
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
</style>
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
    import re

    parts = {
        "@TITLE@": html.escape(title),
        "@SUBTITLE@": html.escape(subtitle),
        "@FONT@": FONT,
        "@NAV@": nav,
        "@BODY@": body,
    }
    return re.sub("|".join(map(re.escape, parts)), lambda m: parts[m.group(0)], _PAGE)


def _figures_html(charts: Sequence[Chart], prefix: str = "") -> str:
    parts = []
    for c in charts:
        links = f' <a href="{_e(prefix + c.key)}.svg">SVG</a> · <a href="{_e(prefix + c.key)}.png">PNG</a>'
        parts.append(f'<figure id="{_e(c.key)}">{c.svg_inline}<figcaption>{_e(c.caption)}{links}</figcaption></figure>')
    return "\n".join(parts)


def write_charts(
    store: ox.Store, out: Path, nav: Sequence[tuple[str, str]] | None = None, png: bool = True
) -> list[tuple[Path, str]]:
    """Write every chart as SVG (and PNG when Chromium is there) and ``charts.html`` into ``out``."""
    from ipgraph.viz.page import nav_html, write_page

    ix = load_index(store)
    charts = all_charts(store, ix)
    reports = [rid for rid, _, _ in per_report(ix)]
    written: list[tuple[Path, str]] = []
    for c in charts:
        path = out / f"{c.key}.svg"
        write_page(path, c.svg_file)
        written.append((path, ""))
    if png:
        written += _pngs(out, charts)
    one = len(reports) <= 1
    page = _page(
        "Charts of the 2023 Shanghai IP white paper" if one else f"Charts of {len(reports)} reports, one set each",
        ("2022 vs 2023" if one else "each report's year against the year before")
        + " by stage and by charge, shares by right type, the derivation flow · 图表",
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
    """``index.html``: a card for every graph view and the charts inline, each linked to the others."""
    from ipgraph.viz.page import nav_html, write_page

    charts = all_charts(store)
    cards = "".join(
        f'<a class="card" href="{_e(file)}"><b>{_e(name)}</b><span>{_e(text)}</span></a>' for file, name, text in views
    )
    body = (
        "<h2>Graph views · 关系图</h2>"
        f'<div class="views">{cards}<a class="card" href="charts/charts.html"><b>charts</b>'
        "<span>the charts below on a page of their own, with SVG and PNG files</span></a></div>"
        "<h2>Charts · 图表</h2>" + _figures_html(charts, prefix="charts/")
    )
    page = _page(
        "ipgraph: the 2023 Shanghai IP white paper as a graph",
        "Interactive graph views (offline, one file each) and charts · 上海知识产权检察白皮书（2023）知识图谱",
        nav_html(nav, "index.html"),
        body,
    )
    path = out / "index.html"
    write_page(path, page)
    return path, f"{len(views)} views, {len(charts)} charts"
