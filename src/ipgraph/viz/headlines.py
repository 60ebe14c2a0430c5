"""The site index's opening: each report's headline numbers, its source, and the licences the graph states.

Everything is read from the graph: a report's headline numbers are its stated case counts of the report's year,
one per procuratorial function (the largest count of a category that is neither part of nor derived from another
category), the four largest of them, each with the perpetrators of the same category and its change on the year
before where the graph has one (:func:`ipgraph.viz.values.change_for`). The source is the report resource (title,
publisher, date of issue, languages); the licences are the ``dcterms:license`` statements of the graph.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ipgraph.model.periods import MONTHS
from ipgraph.model.prefixes import PREFIXES
from ipgraph.viz.bars import Change
from ipgraph.viz.figures import fmt_number, plural
from ipgraph.viz.index import DEFAULTS, Index, Obs, local_name
from ipgraph.viz.values import change_for, settled_value
from ipgraph.viz.verdicts import Verdicts

IPG = PREFIXES["ipg"]
DCTERMS = "http://purl.org/dc/terms/"
_NOT_TOP = (IPG + "isComponentOf", IPG + "derivesFrom")
HEADLINES_PER_REPORT = 4


@dataclass
class Headline:
    """One headline number of a report: a stated count, what it counts, and what goes with it."""

    value: Decimal
    en: str
    zh: str
    unit: str
    period: str
    observation: str
    perpetrators: Decimal | None = None
    change: Change | None = None
    before: str = ""


@dataclass
class ReportCard:
    """A report as the index presents it: id, title, area, year, source facts and headline numbers."""

    id: str
    title_en: str
    title_zh: str
    area: str
    period: str
    publisher_en: str = ""
    publisher_zh: str = ""
    issued: str = ""
    languages: list[str] = field(default_factory=list)
    headlines: list[Headline] = field(default_factory=list)


def _count_key(o: Obs) -> bool:
    return (
        not o.derived
        and o.value is not None
        and local_name(o.dims.get("measure", "")) == "count"
        and all(o.dims.get(k) == DEFAULTS[k] for k in ("charge", "right", "breakdown"))
    )


def headlines(ix: Index, verdicts: Verdicts, period: str) -> list[Headline]:
    """The headline numbers of one report's index (see the module's docstring), largest first."""
    not_top = {s for _, s, p, _ in ix.links if p in _NOT_TOP}
    best: dict[str, Obs] = {}
    for o in ix.observations:
        category = o.dims.get("category", "")
        if (
            o.period != period
            or not _count_key(o)
            or local_name(o.dims.get("unit", "")) != "case"
            or category in not_top
            or category == DEFAULTS["category"]
        ):
            continue
        fn = o.dims.get("function", "")
        if fn not in best or (o.value, o.iri) > (best[fn].value, best[fn].iri):
            best[fn] = o
    chosen = sorted(best.values(), key=lambda o: (-(o.value or 0), o.iri))[:HEADLINES_PER_REPORT]
    out = []
    for o in chosen:
        assert o.value is not None
        category = o.dims["category"]
        same = [x for x in ix.observations if x.dims.get("category") == category and _count_key(x)]
        people = [x for x in same if x.period == period and local_name(x.dims.get("unit", "")) == "perpetrator"]
        before_period = str(int(period) - 1) if period.isdigit() else ""
        mine = [
            x
            for x in ix.observations
            if x.dims.get("category") == category
            and x.dims.get("unit") == o.dims.get("unit")
            and all(x.dims.get(k) == DEFAULTS[k] for k in ("charge", "right", "breakdown"))
        ]
        prior = [x for x in mine if x.period == before_period and local_name(x.dims.get("measure", "")) == "count"]
        before, _ = settled_value(ix, verdicts, prior)
        changes = [x for x in mine if x.period == period and local_name(x.dims.get("measure", "")).startswith("change")]
        now, _ = settled_value(ix, verdicts, [o])
        out.append(
            Headline(
                o.value,
                ix.label(category, "en"),
                ix.label(category, "zh"),
                plural(ix.label(o.dims["unit"], "en"), o.value),
                period,
                o.iri,
                people[0].value if people else None,
                change_for(ix, changes, before, now),
                before_period if before is not None else "",
            )
        )
    return out


def issued_text(value: str) -> str:
    """A date of issue as people write it (a month and day without a year says so).

    >>> issued_text("--04-23"), issued_text("2024-04-23"), issued_text("2024")
    ('23 April (year not given)', '23 April 2024', '2024')
    """
    m = re.fullmatch(r"(\d{4})?-?-(\d{2})-(\d{2})", value)
    if not m:
        return value
    year, month, day = m.groups()
    text = f"{int(day)} {MONTHS[int(month) - 1]}"
    return f"{text} {year}" if year else f"{text} (year not given)"


def report_card(ix: Index, verdicts: Verdicts, rid: str, area: str, period: str) -> ReportCard:
    """The card of one report (``ix`` holding that report's observations)."""
    iri = PREFIXES["report"] + rid
    card = ReportCard(rid, ix.en.get(iri, rid), ix.zh.get(iri, ""), area, period)
    for _, s, p, o in ix.links:
        if s == iri and p == DCTERMS + "publisher":
            card.publisher_en, card.publisher_zh = ix.label(o, "en"), ix.zh.get(o, "")
    for _, s, p, text in ix.literals:
        if s != iri:
            continue
        if p == DCTERMS + "issued":
            card.issued = issued_text(text)
        elif p == DCTERMS + "language" and text not in card.languages:
            card.languages.append(text)
    card.languages.sort()
    card.headlines = headlines(ix, verdicts, period)
    return card


def licences(ix: Index) -> list[tuple[str, str]]:
    """What the graph says is licensed how: (the label of the licensed thing, the licence without its scheme).

    A licence is shown as text, not as a link: the pages load and link nothing outside the site.
    """
    found = {
        (ix.label(s, "en"), re.sub(r"^[a-z]+://", "", o).rstrip("/"))
        for _, s, p, o in ix.links
        if p == DCTERMS + "license"
    }
    return sorted(found)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def headline_html(h: Headline, card: ReportCard) -> str:
    """One headline number: the number large, what it counts, where and when, and what goes with it."""
    where = ", ".join(x for x in (card.area, h.period) if x)
    extra = []
    if h.perpetrators is not None:
        extra.append(f"{fmt_number(h.perpetrators)} perpetrators")
    if h.change is not None:
        how = {"stated": "as stated", "multiple": "as stated", "computed": f"on ipgraph's derived {h.before} value"}
        extra.append(f"{h.change.text()} on {h.before} ({how[h.change.source]})")
    what = h.en if h.unit.lower() in h.en.lower() else f"{h.en} ({h.unit})"
    return (
        f"<div><b>{_e(fmt_number(h.value))}</b><span>{_e(what)} · {_e(where)}</span>"
        + (f"<span>{_e(h.zh)}</span>" if h.zh else "")
        + (f"<small>{_e(' · '.join(extra))}</small>" if extra else "")
        + f"<small>report: {_e(card.id)}</small></div>"
    )


def index_opening(cards: list[ReportCard], licensed: list[tuple[str, str]]) -> str:
    """The index's opening HTML: per report its headline numbers, then its source; the licences."""
    parts = []
    for card in cards:
        title = card.title_en + (f" · {card.title_zh}" if card.title_zh else "")
        parts.append(f'<section class="report" id="report-{_e(card.id)}"><h2>{_e(title)}</h2>')
        if card.headlines:
            parts.append('<div class="headline">' + "".join(headline_html(h, card) for h in card.headlines) + "</div>")
        facts = [("Report · 报告", f"{card.title_en} ({card.id})")]
        if card.publisher_en:
            publisher = card.publisher_en + (f" · {card.publisher_zh}" if card.publisher_zh else "")
            facts.append(("Publisher · 发布", publisher))
        if card.issued:
            facts.append(("Issued · 日期", card.issued))
        if card.area or card.period:
            facts.append(("Covers · 范围", ", ".join(x for x in (card.area, card.period) if x)))
        if card.languages:
            facts.append(("Languages · 语言", ", ".join(card.languages)))
        parts.append(
            '<dl class="about">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl></section>"
        )
    if licensed:
        items = "".join(f"<dt>{_e(what)}</dt><dd>{_e(licence)}</dd>" for what, licence in licensed)
        parts.append(
            "<h2>Licence · 许可</h2>"
            f'<dl class="about">{items}<dt>reports</dt><dd>the graph states no licence for the reports\' text; '
            "it is quoted, with its place in the report, as the source of every figure</dd></dl>"
        )
    else:
        parts.append('<h2>Licence · 许可</h2><p class="about">The graph states no licence.</p>')
    return "\n".join(parts)
