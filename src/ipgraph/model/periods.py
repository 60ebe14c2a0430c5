"""Reference periods as interval resources: the data files' notation read, each period's IRI and its triples.

A figure's period is a year (``2023``), a span of whole years (``2017-2021``), a half-year (``2023-H1``), a quarter
(``2023-Q3``), a month (``2023-04``) or a span of months (``2017-01/2021-08``; ``2017/2021-08`` starts with the
whole of 2017: "2017 to August 2021"). Each becomes ``period:<slug>``, an ``ipg:Period`` (a
``dcterms:PeriodOfTime``) with its first and last year and month as integers, so that the Data Cube's period
dimension stays an IRI (as statistics offices publish reference intervals) and the ontology needs no datatype
outside OWL 2's datatype map. A span of years ``ipg:containsPeriod`` each of its years, so yearly figures can be
checked against a stated multi-year total.

>>> p = parse_period("2017/2021-08")
>>> p.slug, p.label_en, p.label_zh
('2017-01-to-2021-08', 'January 2017 to August 2021', '2017年1月至2021年8月')
>>> [q.slug for q in parse_period("2017-2021").years()]
['2017', '2018', '2019', '2020', '2021']
>>> parse_period(2023).year
2023
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipgraph.model.prefixes import ID_BASE, PREFIXES

if TYPE_CHECKING:  # rdflib is imported where triples are made, not on the query path (``--param period=2023``)
    from rdflib import URIRef
    from rdflib.term import Node

PERIOD_BASE = ID_BASE + "period/"
DCTERMS_PERIOD = PREFIXES["dcterms"] + "PeriodOfTime"
FIRST_YEAR, LAST_YEAR = 1900, 2100
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
NOTATION = "a year (2023), years (2017-2021), a half-year (2023-H1), a quarter (2023-Q3), a month (2023-04) or months (2017-01/2021-08)"  # noqa: E501

_YEAR = r"(\d{4})"
_FORMS = (
    (re.compile(rf"{_YEAR}"), "year"),
    (re.compile(rf"{_YEAR}-{_YEAR}"), "years"),
    (re.compile(rf"{_YEAR}-[Hh]([12])"), "half"),
    (re.compile(rf"{_YEAR}-[Qq]([1-4])"), "quarter"),
    (re.compile(rf"{_YEAR}-(\d{{2}})"), "month"),
    (re.compile(rf"{_YEAR}(?:-(\d{{2}}))?(?:/|-to-){_YEAR}-(\d{{2}})"), "months"),
)


@dataclass(frozen=True)
class Period:
    """A reference period from the first day of (start year, start month) to the last of (end year, end month)."""

    start_year: int
    start_month: int
    end_year: int
    end_month: int

    @property
    def kind(self) -> str:
        """year, years, half, quarter, month or months."""
        whole = self.start_month == 1 and self.end_month == 12
        if whole:
            return "year" if self.start_year == self.end_year else "years"
        if self.start_year == self.end_year:
            n = self.end_month - self.start_month + 1
            if n == 6 and self.start_month in (1, 7):
                return "half"
            if n == 3 and self.start_month in (1, 4, 7, 10):
                return "quarter"
            if n == 1:
                return "month"
        return "months"

    @property
    def year(self) -> int | None:
        """The year, for a period that is one whole year."""
        return self.start_year if self.kind == "year" else None

    @property
    def slug(self) -> str:
        """The period's identifier slug: ``2023``, ``2017-2021``, ``2023-h1``, ``2023-q3``, ``2023-04`` …"""
        kind = self.kind
        if kind == "year":
            return str(self.start_year)
        if kind == "years":
            return f"{self.start_year}-{self.end_year}"
        if kind == "half":
            return f"{self.start_year}-h{1 if self.start_month == 1 else 2}"
        if kind == "quarter":
            return f"{self.start_year}-q{(self.start_month - 1) // 3 + 1}"
        if kind == "month":
            return f"{self.start_year}-{self.start_month:02d}"
        return f"{self.start_year}-{self.start_month:02d}-to-{self.end_year}-{self.end_month:02d}"

    @property
    def iri(self) -> URIRef:
        """``period:<slug>``."""
        from rdflib import URIRef

        return URIRef(PERIOD_BASE + self.slug)

    @property
    def label_en(self) -> str:
        """An English label: ``2023``, ``2017–2021``, ``first half of 2023``, ``April 2023`` …"""
        kind = self.kind
        if kind == "year":
            return str(self.start_year)
        if kind == "years":
            return f"{self.start_year}–{self.end_year}"
        if kind == "half":
            return f"{'first' if self.start_month == 1 else 'second'} half of {self.start_year}"
        if kind == "quarter":
            return f"Q{(self.start_month - 1) // 3 + 1} {self.start_year}"
        if kind == "month":
            return f"{MONTHS[self.start_month - 1]} {self.start_year}"
        return f"{MONTHS[self.start_month - 1]} {self.start_year} to {MONTHS[self.end_month - 1]} {self.end_year}"

    @property
    def label_zh(self) -> str:
        """A Chinese label: ``2023年``, ``2017—2021年``, ``2023年上半年``, ``2023年第三季度``, ``2023年4月`` …"""
        kind = self.kind
        if kind == "year":
            return f"{self.start_year}年"
        if kind == "years":
            return f"{self.start_year}—{self.end_year}年"
        if kind == "half":
            return f"{self.start_year}年{'上' if self.start_month == 1 else '下'}半年"
        if kind == "quarter":
            return f"{self.start_year}年第{'一二三四'[(self.start_month - 1) // 3]}季度"
        if kind == "month":
            return f"{self.start_year}年{self.start_month}月"
        return f"{self.start_year}年{self.start_month}月至{self.end_year}年{self.end_month}月"

    def years(self) -> list[Period]:
        """The whole years a span of whole years is made of (none for other periods)."""
        if self.kind != "years":
            return []
        return [Period(y, 1, y, 12) for y in range(self.start_year, self.end_year + 1)]

    def previous_year(self) -> Period | None:
        """The same months a year before (the default base period of a change), for a year or a part of one.

        >>> parse_period("2023-H1").previous_year().slug, parse_period("2017-2021").previous_year()
        ('2022-h1', None)
        """
        if self.kind not in ("year", "half", "quarter", "month"):
            return None
        return Period(self.start_year - 1, self.start_month, self.end_year - 1, self.end_month)

    def triples(self) -> list[tuple[Node, Node, Node]]:
        """What the graph says about the period: its type, labels, notation, bounds and contained years."""
        from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef

        from ipgraph.model.namespace import IPG

        s = self.iri
        out: list[tuple[Node, Node, Node]] = [
            (s, RDF.type, IPG.Period),
            (s, RDF.type, URIRef(DCTERMS_PERIOD)),
            (s, RDFS.label, Literal(self.label_en, lang="en")),
            (s, RDFS.label, Literal(self.label_zh, lang="zh")),
            (s, SKOS.notation, Literal(self.slug)),
            (s, IPG.startYear, Literal(self.start_year, datatype=XSD.integer)),
            (s, IPG.startMonth, Literal(self.start_month, datatype=XSD.integer)),
            (s, IPG.endYear, Literal(self.end_year, datatype=XSD.integer)),
            (s, IPG.endMonth, Literal(self.end_month, datatype=XSD.integer)),
        ]
        out += [(s, IPG.containsPeriod, y.iri) for y in self.years()]
        return out


def parse_period(value: object) -> Period:
    """A period from the data files' notation (a whole number is a year); ValueError saying what is allowed."""
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else None
    for pattern, kind in _FORMS:
        m = pattern.fullmatch(text or "")
        if m is None:
            continue
        g = [int(x) if x is not None else None for x in m.groups()]
        if kind == "year":
            p = Period(g[0] or 0, 1, g[0] or 0, 12)
        elif kind == "years":
            p = Period(g[0] or 0, 1, g[1] or 0, 12)
        elif kind == "half":
            first = 1 if g[1] == 1 else 7
            p = Period(g[0] or 0, first, g[0] or 0, first + 5)
        elif kind == "quarter":
            first = 3 * ((g[1] or 1) - 1) + 1
            p = Period(g[0] or 0, first, g[0] or 0, first + 2)
        elif kind == "month":
            p = Period(g[0] or 0, g[1] or 0, g[0] or 0, g[1] or 0)
        else:
            p = Period(g[0] or 0, g[1] or 1, g[2] or 0, g[3] or 0)
        _check(p, text or "")
        return p
    raise ValueError(f"a period is {NOTATION}, not {value!r}")


def _check(p: Period, text: str) -> None:
    for y in (p.start_year, p.end_year):
        if not FIRST_YEAR <= y <= LAST_YEAR:
            raise ValueError(f"a period's years lie from {FIRST_YEAR} to {LAST_YEAR}, not {text!r}")
    for m in (p.start_month, p.end_month):
        if not 1 <= m <= 12:
            raise ValueError(f"a month is 01 to 12, not {text!r}")
    if (p.start_year, p.start_month) > (p.end_year, p.end_month):
        raise ValueError(f"a period ends after it starts, not {text!r}")


def period_slug(value: str) -> str:
    """The slug of a period IRI (``…/id/period/2023`` → ``2023``); other text as it is.

    >>> period_slug(PERIOD_BASE + "2017-2021"), period_slug("2023")
    ('2017-2021', '2023')
    """
    return value.removeprefix(PERIOD_BASE)


def period_label(value: str, lang: str = "en") -> str:
    """How a period (its IRI or slug) is shown: ``2023``, ``2017–2021``, ``first half of 2023`` …

    >>> period_label(PERIOD_BASE + "2023-h1"), period_label("2023", "zh")
    ('first half of 2023', '2023年')
    """
    period = period_of_slug(period_slug(value))
    if period is None:
        return value
    return period.label_zh if lang == "zh" else period.label_en


def period_of_slug(slug: str) -> Period | None:
    """The period a slug names (``2023``, ``2017-2021``, ``2023-h1`` …), or None if it names none.

    >>> period_of_slug("2023-h1").label_en
    'first half of 2023'
    >>> period_of_slug("x") is None
    True
    """
    try:
        return parse_period(slug.upper().replace("-TO-", "/") if "-to-" in slug else slug)
    except ValueError:
        return None


def period_iri(name: str, value: str) -> str:
    """The IRI of the period ``value`` (``2023``, ``2017-2021``, ``2023-H1``, ``period:2023`` or the IRI itself).

    >>> period_iri("period", "2023")
    'https://w3id.org/ipgraph/id/period/2023'
    >>> period_iri("period", "2023-H1")
    'https://w3id.org/ipgraph/id/period/2023-h1'
    >>> period_iri("period", "last year")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: parameter 'period' takes a period: a year (2023), ... not 'last year'
    """
    slug = value.removeprefix(PERIOD_BASE).removeprefix("period:")
    period = period_of_slug(slug) or period_of_slug(slug.lower())
    if period is None:
        raise ValueError(f"parameter {name!r} takes a period: {NOTATION}, not {value!r}")
    return PERIOD_BASE + period.slug
