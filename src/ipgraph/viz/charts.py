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
value, the chart says "not stated". Drawing is in :mod:`ipgraph.viz.bars` and :mod:`ipgraph.viz.sankey`.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.model.prefixes import PREFIXES
from ipgraph.viz.bars import (
    FONT,
    BarChart,
    Flag,
    Group,
    Value,
    bar_chart_svg,
    chart_spec,
    share_chart_svg,
)
from ipgraph.viz.figures import fmt_number
from ipgraph.viz.index import DEFAULTS, Index, Obs, load_index, local_name
from ipgraph.viz.sankey import SankeyLink, SankeyNode, sankey_data, sankey_layout, sankey_spec, sankey_svg
from ipgraph.viz.values import change_for, settled_value
from ipgraph.viz.verdicts import Verdicts, flag_text, load_verdicts

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

    from ipgraph.viz.page_safety import csp_source

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
