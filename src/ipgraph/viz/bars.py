"""Bar charts as hand-written SVG: grouped bars with % change labels, 100% bars, rejected readings and flags.

A chart is a plain data model (:class:`BarChart`) drawn by :func:`bar_chart_svg` (one row per group, a bar per
period) or :func:`share_chart_svg` (one 100% bar per period, a segment per group), and described by
:func:`chart_spec` as JSON for the page (what each mark shows and which observation of the graph it comes from).
Every text is escaped; no plotting library is used.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ipgraph.viz.figures import fmt_number
from ipgraph.viz.layout import label_size, wrap
from ipgraph.viz.verdicts import CheckResult

FONT = "'Noto Sans', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif"
YEAR_COLOURS = ("#9DB9D3", "#1F5A96")  # the year before, the year
SEGMENT_COLOURS = ("#1F5A96", "#E08A2C", "#2E8B57", "#8E5EA2", "#C0392B", "#5D6D7E")
SVG_NS = "http://www.w3.org/2000/svg"  #: written only into standalone .svg files, never into a page
FLAG_COLOUR = "#C62828"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass
class Value:
    """One bar's value: stated by the report, or derived by ipgraph (with bounds and how)."""

    value: Decimal
    derived: bool = False
    low: Decimal | None = None
    high: Decimal | None = None
    note: str = ""
    #: the observations of the graph the value is (stated) or comes from (a ratio of two derived counts)
    observations: tuple[str, ...] = ()
    #: the reading of “rose by N times” the value rests on (its IRI, its English and Chinese label), if any
    interpretation: str = ""
    reading: tuple[str, str] | None = None


@dataclass
class Alternative:
    """Another reading of an ambiguous change, not drawn as the value: rejected by the checks listed, or (no
    checks) not settled by them."""

    value: Value
    against: list[CheckResult] = field(default_factory=list)
    why: str = ""

    @property
    def rejected(self) -> bool:
        """Whether an inconsistent check rejects it."""
        return bool(self.against)


@dataclass
class Change:
    """The % change from the year before to the year: stated by the report (a rate, or a multiple under the
    settled reading), or computed from the two bars."""

    percent: Decimal
    source: str  # "stated" | "multiple" | "computed"
    observation: str = ""

    def text(self) -> str:
        """The label.

        >>> Change(Decimal("144.3"), "stated").text(), Change(Decimal("-7.123"), "computed").text()
        ('+144.3%', '≈−7.1%')
        """
        shown = self.percent.quantize(Decimal("0.1")) if self.source == "computed" else self.percent
        return ("≈" if self.source == "computed" else "") + fmt_number(shown, signed=True) + "%"


@dataclass
class Flag:
    """An inconsistency of the report marked on a group: its number on the chart and its note."""

    number: int
    check: CheckResult
    en: str
    zh: str

    @property
    def mark(self) -> str:
        """The circled number drawn on the chart."""
        return CIRCLED[self.number - 1] if self.number <= len(CIRCLED) else f"({self.number})"

    def data(self, **where: str) -> dict[str, Any]:
        """What a chart's inert JSON says of the flag, with where it is drawn (``group=…`` or ``node=…``)."""
        return {
            "number": self.number,
            **where,
            "check": self.check.iri,
            "kind": self.check.kind,
            "expression": self.check.expression,
            "sections": list(self.check.sections),
            "en": self.en,
            "zh": self.zh,
        }


@dataclass
class Group:
    """A row of the bar chart (a segment of the 100% bars): a label and a value (or None: not stated) per
    period."""

    en: str
    zh: str
    values: dict[str, Value | None] = field(default_factory=dict)
    alternatives: dict[str, list[Alternative]] = field(default_factory=dict)
    change: Change | None = None
    flags: list[Flag] = field(default_factory=list)
    #: every observation of the graph about this row, in any period (stated, derived or in words)
    about: set[str] = field(default_factory=set)
    rest: bool = False  # the remainder of a 100% bar, not a figure of the report


@dataclass
class BarChart:
    """A grouped horizontal bar chart (or, ``percent``, 100% bars), of one report."""

    key: str
    title: str
    subtitle: str
    unit: str
    periods: tuple[str, ...]
    groups: list[Group]
    percent: bool = False
    report: str = ""
    area: str = ""

    @property
    def flags(self) -> list[tuple[Group, Flag]]:
        """Every flag of the chart with its group, by number."""
        return sorted(((g, f) for g in self.groups for f in g.flags), key=lambda gf: gf[1].number)


# ------------------------------------------------------------------------------------------------- helpers


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def fmt(v: Decimal, percent: bool) -> str:
    """A chart value: at most two decimals.

    >>> fmt(Decimal("14.981"), False), fmt(Decimal("88.8"), True), fmt(Decimal("1369"), False)
    ('14.98', '88.8%', '1,369')
    """
    return fmt_number(v.quantize(Decimal("0.01")) if v != v.to_integral_value() else v) + ("%" if percent else "")


def open_svg(width: float, height: float, title: str, standalone: bool) -> list[str]:
    """The opening of an SVG image with its title (for screen readers) and a white background."""
    ns = f' xmlns="{SVG_NS}"' if standalone else ""
    return [
        f'<svg{ns} viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-label="{_e(title)}" font-family="{_e(FONT)}">',
        f"<title>{_e(title)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]


def _year_colour(chart: BarChart, period: str) -> str:
    return YEAR_COLOURS[chart.periods.index(period)] if period in chart.periods[:2] else "#888"


def _defs(key: str) -> str:
    segments = "".join(
        f'<pattern id="hatch-{key}-{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern>'
        for i, colour in enumerate(SEGMENT_COLOURS)
    )
    return (
        f'<defs><pattern id="hatch-{key}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#6f8fb0" stroke-width="3"/></pattern>'
        f'<pattern id="rejected-{key}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c4c4c4" stroke-width="2"/></pattern>' + segments + "</defs>"
    )


def _heading(chart: BarChart) -> list[str]:
    return [
        f'<text x="16" y="28" font-size="18" font-weight="600" fill="#1d1d1d">{_e(chart.title)}</text>',
        f'<text x="16" y="50" font-size="14" fill="#555">{_e(chart.subtitle)}</text>',
    ]


def _legend(items: list[tuple[str, str, str]], y: float, x0: float = 16.0) -> list[str]:
    """Legend swatches (text, fill, stroke) in one line."""
    out, x = [], x0
    for text, fill, stroke in items:
        out.append(
            f'<rect x="{x:.0f}" y="{y}" width="14" height="12" fill="{fill}" stroke="{stroke}" stroke-width=".8"/>'
        )
        out.append(f'<text x="{x + 20:.0f}" y="{y + 11}" font-size="12" fill="#333">{_e(text)}</text>')
        x += 36 + label_size(text, 12)[0]
    return out


def reading_text(value: Value) -> str:
    """How a value's reading is named on the chart ("" for an unambiguous value)."""
    return f"reading {value.reading[0]}" if value.reading else ""


def flag_note(flag: Flag) -> list[tuple[str, int, str]]:
    """The note of a flag under the chart, as wrapped lines (text, size, colour)."""
    lines = [(line, 12, "#1d1d1d") for line in wrap(f"{flag.mark} {flag.en}", 150)]
    return lines + [(line, 12, "#555") for line in wrap(flag.zh, 150)]


def notes_svg(flags: list[Flag], y: float) -> tuple[list[str], float]:
    """The notes of a chart's flags from ``y``: the SVG and the height they take."""
    out: list[str] = []
    start = y
    if not flags:
        return out, 0.0
    out.append(
        f'<text x="16" y="{y + 14:.0f}" font-size="13" font-weight="600" fill="{FLAG_COLOUR}">'
        "Where the report contradicts itself · 报告自相矛盾之处</text>"
    )
    y += 22
    for flag in flags:
        for line, size, colour in flag_note(flag):
            out.append(f'<text x="16" y="{y + 13:.0f}" font-size="{size}" fill="{colour}">{_e(line)}</text>')
            y += 17
        y += 4
    return out, y - start


# ------------------------------------------------------------------------------------------- grouped bars


def bar_chart_svg(chart: BarChart, standalone: bool = False) -> str:
    """A grouped horizontal bar chart: a row per group, a bar per period (derived bars hatched with bounds),
    rejected readings as grey marks under their bar, the % change at the right, flags and their notes."""
    label_w, bar_h, gap, top = 290.0, 18.0, 14.0, 126.0
    plot_w, right, change_w = 520.0, 360.0, 110.0
    x0 = label_w + change_w  # the change sits between a row's name and its bars, where a narrow screen shows it
    width = x0 + plot_w + right
    rows = []
    for g in chart.groups:
        lines = [(line, 13, "#1d1d1d") for line in wrap(g.en, 40)] + [(g.zh, 12, "#666")]
        bars = len(chart.periods) + sum(len(g.alternatives.get(p, [])) for p in chart.periods)
        rows.append((g, lines, max(len(lines) * 16.0, bars * bar_h)))
    body_h = sum(h + gap for _, _, h in rows)
    notes, notes_h = notes_svg([f for _, f in chart.flags], top + body_h + 16)
    height = top + body_h + 24 + notes_h + (16 if notes_h else 0)
    top_value = Decimal(0)
    for g in chart.groups:
        for p in chart.periods:
            v = g.values.get(p)
            candidates = [v] if v is not None else []
            candidates += [a.value for a in g.alternatives.get(p, [])]
            for c in candidates:
                top_value = max(top_value, c.high or c.value, c.value)
    scale = plot_w / float(top_value) if top_value else 1.0
    out = open_svg(width, height, chart.title, standalone)
    out.append(_defs(chart.key))
    out += _heading(chart)
    first, last = chart.periods[0], chart.periods[-1]
    legend = [(f"{p} stated · 报告数据", _year_colour(chart, p), "#4a6f94") for p in chart.periods]
    legend.insert(1, (f"{first} derived by ipgraph, with bounds · 推算值", f"url(#hatch-{chart.key})", "#4a6f94"))
    if any(a.rejected for g in chart.groups for alts in g.alternatives.values() for a in alts):
        legend.append(("reading rejected by the checks · 被校验否定的理解", f"url(#rejected-{chart.key})", "#999"))
    out += _legend(legend, 66)
    cx = label_w + change_w - 12
    out.append(
        f'<text x="{cx}" y="{top - 26}" font-size="12" font-weight="600" fill="#333" text-anchor="end">'
        "change · 变化</text>"
        f'<text x="{cx}" y="{top - 12}" font-size="11" fill="#666" text-anchor="end">{_e(first)}→{_e(last)}</text>'
    )
    y = top
    for g, lines, row_h in rows:
        for i, (line, size, colour) in enumerate(lines):
            out.append(
                f'<text x="{label_w - 12}" y="{y + 13 + i * 16}" font-size="{size}" text-anchor="end" '
                f'fill="{colour}">{_e(line)}</text>'
            )
        n_bars = len(chart.periods) + sum(len(g.alternatives.get(p, [])) for p in chart.periods)
        by = y + (row_h - n_bars * bar_h) / 2
        ends: list[float] = []
        for period in chart.periods:
            drawn, end = _bar(chart, g, period, by, bar_h, x0, scale)
            out += drawn
            ends.append(end)
            by += bar_h
            for alt in g.alternatives.get(period, []):
                out += _alternative(chart, alt, period, by, bar_h, x0, scale)
                by += bar_h
        if g.change is not None:
            weight = "700" if g.change.source != "computed" else "400"
            colour = "#1b7837" if g.change.percent >= 0 else "#b2182b"
            tip = {
                "stated": "as stated by the report",
                "multiple": "“rose by N times” under the reading the checks settle on",
                "computed": "computed from the two bars",
            }[g.change.source]
            out.append(
                f'<text x="{cx}" y="{y + row_h / 2 + 5:.1f}" font-size="15" font-weight="{weight}" fill="{colour}" '
                'text-anchor="end">'
                f"{_e(g.change.text())}<title>{_e(tip)}</title></text>"
            )
        for k, flag in enumerate(g.flags):
            fx = max(ends) + 14 + 22 * k if ends else x0 + 8
            out.append(
                f'<text x="{min(fx, width - 24):.1f}" y="{y + row_h / 2 + 6:.1f}" font-size="17" font-weight="700" '
                f'fill="{FLAG_COLOUR}">{_e(flag.mark)}<title>{_e(flag.en)}</title></text>'
            )
        y += row_h + gap
    out.append(f'<line x1="{x0}" y1="{top - 6}" x2="{x0}" y2="{y - gap + 4}" stroke="#9aa5b1" stroke-width="1"/>')
    out += notes
    out.append("</svg>")
    return "\n".join(out)


def _bar(
    chart: BarChart, g: Group, period: str, y: float, bar_h: float, x0: float, scale: float
) -> tuple[list[str], float]:
    """A bar and its label; returns the SVG and where the label ends (roughly)."""
    v = g.values.get(period)
    if v is None:
        settled = not g.alternatives.get(period)
        text = f"{period}: not stated · 未公布" if settled else f"{period}: no reading settled by the checks · 无法判定"
        return [
            f'<text x="{x0 + 6}" y="{y + bar_h - 5}" font-size="12" fill="#999" font-style="italic">{_e(text)}</text>'
        ], x0 + 6 + label_size(text, 12)[0]
    out = []
    w = float(v.value) * scale
    fill = f"url(#hatch-{chart.key})" if v.derived else _year_colour(chart, period)
    stroke = ' stroke="#4a6f94" stroke-width="1" stroke-dasharray="3 2"' if v.derived else ""
    pct = chart.percent
    tip = f"{g.en} {period}: {fmt(v.value, pct)}"
    text = f"{period}: {fmt(v.value, pct)}"
    end = x0 + w
    if v.derived:
        low, high = v.low if v.low is not None else v.value, v.high if v.high is not None else v.value
        bounds = f"{fmt(low, pct)}–{fmt(high, pct)}" if low != high else fmt(low, pct)
        tip += f" (derived by ipgraph, between {fmt(low, pct)} and {fmt(high, pct)})"
        how = f"derived, {reading_text(v)}" if v.reading else "derived"
        exact = low == high == v.value
        text = f"{period}: {'' if exact else '≈'}{fmt(v.value, pct)} ({how}{'' if exact else ': ' + bounds})"
    out.append(f'<rect x="{x0}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" fill="{fill}"{stroke}>')
    out.append(f"<title>{_e(tip)}</title></rect>")
    if v.derived and v.low is not None and v.high is not None and v.low != v.high:
        x1, x2 = x0 + float(v.low) * scale, x0 + float(v.high) * scale
        cy = y + bar_h / 2
        out.append(
            f'<path d="M{x1:.1f},{cy - 5:.1f}v10M{x1:.1f},{cy:.1f}H{x2:.1f}M{x2:.1f},{cy - 5:.1f}v10" '
            'stroke="#1d1d1d" stroke-width="1.2" fill="none"/>'
        )
        end = max(end, x2)
    out.append(f'<text x="{end + 6:.1f}" y="{y + bar_h - 5}" font-size="12" fill="#333">{_e(text)}</text>')
    return out, end + 6 + label_size(text, 12)[0]


def _alternative(
    chart: BarChart, alt: Alternative, period: str, y: float, bar_h: float, x0: float, scale: float
) -> list[str]:
    """A reading not drawn as the value: a thin grey hatched mark with what rejects it."""
    v = alt.value
    w = float(v.value) * scale
    status = "rejected" if alt.rejected else "not settled"
    text = f"{status}: {reading_text(v)} → {fmt(v.value, chart.percent)}"
    if alt.why:
        text += f" ({alt.why})"
    return [
        f'<rect x="{x0}" y="{y + 5}" width="{w:.1f}" height="{bar_h - 10}" fill="url(#rejected-{chart.key})" '
        f'stroke="#999" stroke-width="1" stroke-dasharray="2 2"><title>{_e(text)}</title></rect>',
        f'<text x="{x0 + w + 6:.1f}" y="{y + bar_h - 5}" font-size="11" fill="#888" font-style="italic">'
        f"{_e(text)}</text>",
    ]


# --------------------------------------------------------------------------------------------- 100% bars


def share_chart_svg(chart: BarChart, standalone: bool = False) -> str:
    """100% bars: one bar per period, a segment per group (derived segments hatched; the rest grey), labels
    under each bar, flags on the segments they concern and their notes."""
    label_w, plot_w, right = 90.0, 820.0, 330.0
    bar_h, top = 34.0, 112.0
    width = label_w + plot_w + right
    out_rows: list[str] = []
    y = top
    named = [g for g in chart.groups if not g.rest]
    colours = {g.en: i % len(SEGMENT_COLOURS) for i, g in enumerate(named)}
    for period in chart.periods:
        out_rows.append(
            f'<text x="{label_w - 12}" y="{y + bar_h / 2 + 6:.1f}" font-size="15" font-weight="600" '
            f'text-anchor="end" fill="#1d1d1d">{_e(period)}</text>'
        )
        x = label_w
        labels: list[tuple[float, float, Group, Value]] = []
        for g in chart.groups:
            v = g.values.get(period)
            if v is None or v.value <= 0:
                continue
            w = float(v.value) / 100 * plot_w
            if g.rest:
                fill, stroke = "#e3e6ea", ' stroke="#b8bec6" stroke-width="1"'
            elif v.derived:
                colour = SEGMENT_COLOURS[colours[g.en]]
                fill, stroke = f"url(#hatch-{chart.key}-{colours[g.en]})", f' stroke="{colour}" stroke-width="1.5"'
            else:
                fill, stroke = SEGMENT_COLOURS[colours[g.en]], ' stroke="#ffffff" stroke-width="1"'
            tip = f"{g.en} {period}: {fmt(v.value, True)}" + (f" ({v.note})" if v.note else "")
            out_rows.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{fill}"{stroke}>'
                f"<title>{_e(tip)}</title></rect>"
            )
            if g.flags:
                out_rows.append(
                    f'<rect x="{x - 2:.1f}" y="{y - 3:.1f}" width="{w + 4:.1f}" height="{bar_h + 6}" fill="none" '
                    f'stroke="{FLAG_COLOUR}" stroke-width="2"/>'
                )
                marks = "".join(f.mark for f in g.flags)
                out_rows.append(
                    f'<text x="{x + w / 2:.1f}" y="{y - 7:.1f}" font-size="16" font-weight="700" text-anchor="middle" '
                    f'fill="{FLAG_COLOUR}">{_e(marks)}</text>'
                )
            labels.append((x, w, g, v))
            x += w
        out_rows += _segment_labels(labels, y + bar_h, label_w + plot_w + right - 10)
        y += bar_h + 64 + 26
    notes, notes_h = notes_svg([f for _, f in chart.flags], y - 10)
    height = y + notes_h + (10 if notes_h else 0)
    out = open_svg(width, height, chart.title, standalone)
    out.append(_defs(chart.key))
    out += _heading(chart)
    legend = [("solid: stated by the report · 报告数据", "#7f8c8d", "#5d6d7e")]
    legend.append(("hatched: derived by ipgraph · 推算值", f"url(#hatch-{chart.key})", "#4a6f94"))
    if any(g.rest for g in chart.groups):
        legend.append(("not broken down by the report · 未细分", "#e3e6ea", "#b8bec6"))
    out += _legend(legend, 66)
    out.append(
        f'<text x="{label_w}" y="{top - 14}" font-size="11" fill="#777">0%</text>'
        f'<text x="{label_w + plot_w}" y="{top - 14}" font-size="11" fill="#777" text-anchor="end">100%</text>'
    )
    out += out_rows
    out += notes
    out.append("</svg>")
    return "\n".join(out)


def _segment_labels(labels: list[tuple[float, float, Group, Value]], y: float, limit: float) -> list[str]:
    """Labels under the segments of a 100% bar, left to right, each pushed right of the one before, with a tick
    from its segment."""
    out: list[str] = []
    next_x = 0.0
    for x, w, g, v in labels:
        pct = fmt(v.value, True)
        how = ""
        if v.derived:
            low, high = v.low if v.low is not None else v.value, v.high if v.high is not None else v.value
            how = f" (derived: {fmt(low, True)}–{fmt(high, True)})" if low != high else " (derived)"
        marks = "".join(f.mark for f in g.flags)
        first = f"{g.en} {'≈' if v.derived else ''}{pct}{how}{(' ' + marks) if marks else ''}"
        second = g.zh
        text_w = max(label_size(first, 12)[0], label_size(second, 11)[0])
        lx = max(x, next_x)
        if lx + text_w > limit:
            lx = max(next_x, limit - text_w)
        mid = x + w / 2
        out.append(f'<path d="M{mid:.1f},{y:.1f}V{y + 8:.1f}H{lx:.1f}" stroke="#9aa5b1" stroke-width="1" fill="none"/>')
        colour = FLAG_COLOUR if g.flags else "#1d1d1d"
        out.append(f'<text x="{lx:.1f}" y="{y + 24:.1f}" font-size="12" fill="{colour}">{_e(first)}</text>')
        out.append(f'<text x="{lx:.1f}" y="{y + 39:.1f}" font-size="11" fill="#666">{_e(second)}</text>')
        next_x = lx + text_w + 14
    return out


# ------------------------------------------------------------------------------------------------ the spec


def _value_spec(v: Value | None) -> dict[str, Any] | None:
    if v is None:
        return None
    spec: dict[str, Any] = {"value": str(v.value), "kind": "derived" if v.derived else "stated"}
    if v.low is not None:
        spec["low"] = str(v.low)
    if v.high is not None:
        spec["high"] = str(v.high)
    if v.note:
        spec["note"] = v.note
    if v.observations:
        spec["observations"] = list(v.observations)
    if v.reading:
        spec["reading"] = {"en": v.reading[0], "zh": v.reading[1]}
    return spec


def chart_spec(chart: BarChart) -> dict[str, Any]:
    """What the chart shows, as JSON-ready data: per group and period the value drawn (and the observations
    it comes from), the readings not drawn and why, the % change, and the flags with their notes."""
    groups = []
    for g in chart.groups:
        spec: dict[str, Any] = {
            "en": g.en,
            "zh": g.zh,
            "values": {p: _value_spec(g.values.get(p)) for p in chart.periods},
        }
        if g.rest:
            spec["rest"] = True
        alternatives = {
            p: [
                {
                    **(_value_spec(a.value) or {}),
                    "status": "rejected" if a.rejected else "not settled",
                    "checks": [c.iri for c in a.against],
                }
                for a in alts
            ]
            for p, alts in g.alternatives.items()
            if alts
        }
        if alternatives:
            spec["alternatives"] = alternatives
        if g.change is not None:
            spec["change"] = {
                "percent": str(g.change.percent),
                "label": g.change.text(),
                "source": g.change.source,
                "observation": g.change.observation,
            }
        if g.flags:
            spec["flags"] = [f.number for f in g.flags]
        groups.append(spec)
    return {
        "chart": chart.key,
        "report": chart.report,
        "area": chart.area,
        "title": chart.title,
        "unit": chart.unit,
        "percent": chart.percent,
        "periods": list(chart.periods),
        "groups": groups,
        "flags": [f.data(group=g.en) for g, f in chart.flags],
    }
