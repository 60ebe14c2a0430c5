"""Implied prior-year values and consistency checks, generated from the stated observations.

Nothing here is written by hand per figure: the rules look at the dimensions of the observations and at the code
lists' structure (``ipg:isComponentOf`` between categories, ``skos:broader`` between charges and between breakdowns,
``ipg:protectsRight`` from charges to rights). A definition a report states itself (a footnote making a total the
sum of its components) applies to that report's figures only; the ontology's apply to every report.

Derivations (each keeps lower / upper bounds that honour the stated rounding):

- ``inverse-change-rate``: a value V that "rose r%" had V / (1 + r/100) in the base year;
- ``inverse-multiple-as-factor`` / ``inverse-multiple-as-increase``: "rose by N times" read as ×N or as ×(N+1);
- ``subtract-change-amount``: "an increase of six types" → V − 6;
- ``sum-of-components``: a total as the sum of its parts in the same year (e.g. the 2022 IP criminal cases);
- ``share-of-total``: a share applied to its whole (e.g. the 2022 copyright cases from "5.3% in 2022").

Checks: ``total-vs-parts``, ``share-vs-ratio``, ``part-within-whole``, ``whole-number``, ``routes-agree``,
``trend-direction`` and ``same-figure-across-reports``; each with a verdict consistent / inconsistent /
undetermined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from rdflib import RDF, SKOS, Dataset, Graph, URIRef
from rdflib.term import Node

from ipgraph.derivation.intervals import INFINITY, Interval
from ipgraph.derivation.observations import ROUNDED_MEASURES, Obs, local
from ipgraph.model.namespace import IPG
from ipgraph.model.periods import period_of_slug

CHANGE_MEASURES = {"change-rate", "change-multiple", "change-amount"}
COUNT_LIKE = {"count"}
READINGS = {
    "inverse-multiple-as-factor": "“rose by N times” read as “became N times”",
    "inverse-multiple-as-increase": "“rose by N times” read as “grew by N times itself”, i.e. became N+1 times",
}

Key = tuple[tuple[str, str], ...]


@dataclass
class Derived:
    """A value ipgraph computed, with bounds, method and what it was computed from."""

    slug: str
    dims: dict[str, str]
    interval: Interval
    method: str
    sources: list[URIRef]
    reading: str | None = None
    explanation: str = ""
    dataset: str = ""  # the figures data set of the report whose figures it was computed from

    @property
    def is_count(self) -> bool:
        """Whether the quantity must be a whole number."""
        return self.dims["measure"] in COUNT_LIKE

    @property
    def point(self) -> int | None:
        """The whole number, when the bounds allow exactly one."""
        if not self.is_count:
            return None
        ints = self.interval.integers()
        return ints[0] if len(ints) == 1 else None

    def key(self) -> Key:
        """Dimension values as a hashable key."""
        return tuple(sorted(self.dims.items()))


@dataclass
class Check:
    """One consistency check and its verdict."""

    slug: str
    kind: str
    expression: str
    stated: Interval | None
    computed: Interval
    verdict: str  # consistent | inconsistent | undetermined
    observations: list[URIRef]
    explanation: str
    quotes: list[str] = field(default_factory=list)
    reading: str | None = None


@dataclass
class Structure:
    """What the code lists say about parts and wholes."""

    components: dict[str, set[str]]  # category -> component categories
    charge_children: dict[str, set[str]]  # charge -> narrower charges
    breakdown_groups: dict[str, set[str]]  # group breakdown -> members
    breakdown_group_of: dict[str, str]  # member -> group
    charge_right: dict[str, str]  # charge -> right it protects
    exhaustive_groups: set[str] = field(default_factory=set)  # groups whose members cover the total
    #: report id -> category -> the components that report's own text defines it by (a footnote)
    report_components: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: report id -> category -> where the report defines it ("footnote 0"): a definition of that report only
    report_definitions: dict[str, dict[str, str]] = field(default_factory=dict)

    def components_in(self, dataset: str) -> dict[str, set[str]]:
        """Category -> components for the figures of one report's dataset: the ontology's and the report's own."""
        own = self.report_components.get(report_of_dataset(dataset), {})
        if not own:
            return self.components
        merged = {whole: set(parts) for whole, parts in self.components.items()}
        for whole, parts in own.items():
            merged.setdefault(whole, set()).update(parts)
        return merged

    def definition_note(self, dataset: str, category: str) -> str:
        """How one report defines a category, for a reader comparing two reports' figures ("" if it does not)."""
        report = report_of_dataset(dataset)
        where = self.report_definitions.get(report, {}).get(category)
        parts = self.report_components.get(report, {}).get(category)
        if where is None and not parts:
            return ""
        how = f" as {' + '.join(sorted(parts))}" if parts else ""
        return f"{report} defines {category}{how}" + (f" ({where})" if where else "")

    def add_report_definitions(self, g: Graph | Dataset) -> None:
        """The component rules and category definitions each report states (statement records with their quotes)."""
        for rec in g.subjects(RDF.predicate, IPG.isComponentOf):
            part, whole = g.value(rec, RDF.subject), g.value(rec, RDF.object)
            for rid in _reports_of_record(g, rec):
                self.report_components.setdefault(rid, {}).setdefault(local(whole), set()).add(local(part))
        for category, section in g.subject_objects(IPG.definedByFootnote):
            report = g.value(section, IPG.report)
            number = str(g.value(section, IPG.sectionNumber) or local(section))
            if report is not None:
                label = f"footnote {number[2:]}" if number.startswith("fn") else f"section {number}"
                self.report_definitions.setdefault(local(report), {})[local(category)] = label

    @classmethod
    def from_graph(cls, g: Graph | Dataset) -> Structure:
        components: dict[str, set[str]] = defaultdict(set)
        for part, whole in g.subject_objects(IPG.isComponentOf):
            components[local(whole)].add(local(part))
        charge_children: dict[str, set[str]] = defaultdict(set)
        charge_right: dict[str, str] = {}
        for c in g.subjects(predicate=IPG.protectsRight):
            charge_right[local(c)] = local(g.value(c, IPG.protectsRight))
        breakdown_groups: dict[str, set[str]] = defaultdict(set)
        group_of: dict[str, str] = {}
        for narrower, broader in g.subject_objects(SKOS.broader):
            n, b = str(narrower), str(broader)
            if "/id/charge/" in n:
                charge_children[local(b)].add(local(n))
            elif "/id/breakdown/" in n and local(b).startswith("by-"):
                breakdown_groups[local(b)].add(local(n))
                group_of[local(n)] = local(b)
        exhaustive = {local(s) for s, v in g.subject_objects(IPG.partitionsTotal) if str(v).lower() == "true"}
        return cls(
            dict(components),
            dict(charge_children),
            dict(breakdown_groups),
            group_of,
            charge_right,
            exhaustive,
        )


def report_of_dataset(dataset: str) -> str:
    """The report id of one of its datasets (``…/dataset/shanghai-2023-trends`` → ``shanghai-2023``)."""
    return local(dataset).removesuffix("-trends").removesuffix("-derived")


def _edition_name(text_key: str) -> str:
    """How a check names one of a report's texts (``shanghai-2023`` → "the source text", ``….zh`` → "the zh text")."""
    return f"the {text_key.split('.', 1)[1]} text" if "." in text_key else "the source text"


def _reports_of_record(g: Graph | Dataset, record: Node) -> set[str]:
    """The reports whose quotes a statement record rests on."""
    prov_derived = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    return {local(r) for q in g.objects(record, prov_derived) for r in g.objects(q, IPG.report)}


def _fmt(x: Fraction | int) -> str:
    return Interval.exact(x).show()


def _verdict(stated: Interval, computed: Interval) -> str:
    return "consistent" if stated.overlaps(computed) else "inconsistent"


class Engine:
    """Derives prior-year values and runs the checks over one dataset's stated observations."""

    def __init__(self, observations: list[Obs], structure: Structure) -> None:
        self.obs = [o for o in observations if o.value is not None]
        self.trends = [o for o in observations if o.value is None]
        self.structure = structure
        self.by_key: dict[tuple[str, Key], Obs] = {}
        self.by_dataset: dict[str, list[Obs]] = defaultdict(list)  # each report is compared with itself only
        self.by_iri: dict[URIRef, Obs] = {}
        for o in self.obs:
            self.by_key[(str(o.dataset), o.key())] = o
            self.by_dataset[str(o.dataset)].append(o)
            self.by_iri[o.iri] = o
        self.derived: list[Derived] = []
        self.checks: list[Check] = []

    # ------------------------------------------------------------------ lookups
    def stated(self, dataset: str, dims: dict[str, str]) -> Obs | None:
        """A stated observation with exactly these dimension values."""
        return self.by_key.get((dataset, tuple(sorted(dims.items()))))

    def derived_for(self, dims: dict[str, str], dataset: str) -> list[Derived]:
        """Derived values with these dimension values, computed from the figures of one report's data set."""
        key = tuple(sorted(dims.items()))
        return [d for d in self.derived if d.key() == key and d.dataset == dataset]

    def value_for(self, dataset: str, dims: dict[str, str]) -> list[tuple[Interval, str | None, list[URIRef]]]:
        """A quantity stated or derived: [(interval, reading, sources)]."""
        s = self.stated(dataset, dims)
        if s is not None:
            return [(s.interval(), None, [s.iri])]
        return [(d.interval, d.reading, [*d.sources]) for d in self.derived_for(dims, dataset)]

    # ------------------------------------------------------------------ derivations
    def derive_prior_year(self) -> None:
        for c in self.obs:
            if c.measure not in CHANGE_MEASURES or c.base_period is None:
                continue
            candidates = [
                o
                for o in self.by_dataset[str(c.dataset)]
                if o.measure not in CHANGE_MEASURES
                and o.measure not in ("share", "rate", "rank")
                and o.key(measure="_") == c.key(measure="_")
            ]
            for x in candidates:
                dims = {**x.dims, "period": c.base_period}
                base = f"{local(x.iri)}-{c.base_period}"
                xi, ci = x.interval(), c.interval()
                if c.measure == "change-rate":
                    iv = xi / (Interval.exact(1) + ci / 100)
                    rate = c.value or Fraction(0)
                    sign = "−" if rate < 0 else "+"
                    written = c.written or _fmt(-rate if rate < 0 else rate)
                    text = f"{_fmt(x.value or 0)} / (1 {sign} {written}%)"
                    self.derived.append(
                        Derived(base, dims, iv, "inverse-change-rate", [x.iri, c.iri], None, text, str(c.dataset))
                    )
                elif c.measure == "change-multiple":
                    for method, add in (
                        ("inverse-multiple-as-factor", 0),
                        ("inverse-multiple-as-increase", 1),
                    ):
                        iv = xi / (ci + add)
                        n = c.written or _fmt(c.value or 0)
                        text = f"{_fmt(x.value or 0)} / ({n}{' + 1' if add else ''})"
                        self.derived.append(
                            Derived(f"{base}-{method}", dims, iv, method, [x.iri, c.iri], method, text, str(c.dataset))
                        )
                else:
                    iv = xi - ci
                    text = f"{_fmt(x.value or 0)} − {_fmt(c.value or 0)}"
                    self.derived.append(
                        Derived(base, dims, iv, "subtract-change-amount", [x.iri, c.iri], None, text, str(c.dataset))
                    )

    def derive_sums(self) -> None:
        """Totals in a year where only their components are known (stated or derived)."""
        periods: dict[str, set[str]] = defaultdict(set)
        for d in self.derived:
            periods[d.dataset].add(d.dims["period"])
        rules = {(w, frozenset(p)) for d in self.by_dataset for w, p in self.structure.components_in(d).items()}
        for whole, parts in sorted(rules, key=lambda r: (r[0], sorted(r[1]))):
            for template, dataset in self._templates_with_category(parts):
                if frozenset(self.structure.components_in(dataset).get(whole, ())) != parts:
                    continue  # another report's definition
                for period in sorted(periods[dataset]):
                    dims = {**template, "category": whole, "period": period}
                    if self.stated(dataset, dims) is not None or self.derived_for(dims, dataset):
                        continue
                    per_part = [self.value_for(dataset, {**dims, "category": p}) for p in sorted(parts)]
                    if any(not v for v in per_part):
                        continue
                    for reading in self._readings(per_part):
                        chosen = [self._pick(v, reading) for v in per_part]
                        total = chosen[0][0]
                        for iv, _, _ in chosen[1:]:
                            total = total + iv
                        sources = [s for _, _, src in chosen for s in src]
                        slug = f"{whole}-{dims['unit']}-{period}" + (f"-{reading}" if reading else "")
                        text = " + ".join(iv.show() for iv, _, _ in chosen)
                        self.derived.append(
                            Derived(slug, dims, total, "sum-of-components", sources, reading, text, dataset)
                        )

    def derive_right_totals_from_charges(self) -> None:
        """A right type's count in a derived year as the sum of its charges' derived counts."""
        by_right: dict[tuple[Key, str, str], list[Derived]] = defaultdict(list)
        for d in self.derived:
            charge = d.dims.get("charge", "ip-crime")
            right = self.structure.charge_right.get(charge)
            if right is None or charge == "ip-crime" or d.dims["measure"] != "count":
                continue
            template = {**d.dims, "charge": "ip-crime"}
            by_right[(tuple(sorted(template.items())), right, d.dataset)].append(d)
        for (tkey, right, dataset), items in sorted(by_right.items()):
            charges = sorted({d.dims["charge"] for d in items})
            grouped = [[(d.interval, d.reading, d.sources) for d in items if d.dims["charge"] == c] for c in charges]
            for reading in self._readings(grouped):
                chosen = [self._pick(v, reading) for v in grouped]
                total = chosen[0][0]
                for iv, _, _ in chosen[1:]:
                    total = total + iv
                dims = dict(tkey)
                slug = f"{right}-{dims['unit']}-{dims['period']}-from-charges" + (f"-{reading}" if reading else "")
                sources = [s for _, _, src in chosen for s in src]
                text = " + ".join(f"{c}: {iv.show()}" for c, (iv, _, _) in zip(charges, chosen, strict=True))
                self.derived.append(
                    Derived(slug, {**dims, "right": right}, total, "sum-of-charges", sources, reading, text, dataset)
                )

    def derive_share_parts(self) -> None:
        """Counts implied by shares of a known whole."""
        for s in self.obs:
            if s.measure != "share":
                continue
            whole_dims = self._whole_dims(s)
            wholes = self.value_for(str(s.dataset), whole_dims)
            part_dims = {**s.dims, "measure": "count"}
            if not wholes or self.stated(str(s.dataset), part_dims) is not None:
                continue
            if s.share_of is None and s.period == self._report_period(s):
                continue
            for w_iv, reading, sources in wholes:
                if w_iv.high >= INFINITY:
                    continue
                iv = s.interval() * w_iv / 100
                slug = f"{local(s.iri)}-implied-count" + (f"-{reading}" if reading else "")
                text = f"{s.written or _fmt(s.value or 0)}% × {w_iv.show()}"
                self.derived.append(
                    Derived(slug, part_dims, iv, "share-of-total", [s.iri, *sources], reading, text, str(s.dataset))
                )

    # ------------------------------------------------------------------ checks
    def check_totals(self) -> None:
        for t in self.obs:
            if t.measure != "count":
                continue
            ds = str(t.dataset)
            # categories made of components (function follows the category, so it is not compared)
            parts = self.structure.components_in(ds).get(t.dims["category"], set())
            if parts:
                found = [
                    o
                    for o in self.by_dataset[ds]
                    if o.dims["category"] in parts
                    and o.key(category="_", function="_") == t.key(category="_", function="_")
                ]
                self._total_check(t, found, len(parts), "category")
            children = self.structure.charge_children.get(t.dims["charge"], set())
            if children:
                found = [
                    o
                    for o in self.by_dataset[ds]
                    if o.dims["charge"] in children and o.key(charge="_", right="_") == t.key(charge="_", right="_")
                ]
                self._total_check(t, found, len(children), "charge")
            if t.dims["breakdown"] == "total":
                for group, members in sorted(self.structure.breakdown_groups.items()):
                    found = [
                        o
                        for o in self.by_dataset[ds]
                        if o.dims["breakdown"] in members and o.key(breakdown="_") == t.key(breakdown="_")
                    ]
                    if len(found) >= 2 and group in self.structure.exhaustive_groups:
                        self._total_check(t, found, len(members), f"breakdown {group}")
                    elif found:
                        self._within_check(t, found)

    def check_years_add_up(self) -> None:
        """A count stated for a span of years (2017–2021) against the counts stated for each of its years."""
        for total in self.obs:
            period = period_of_slug(total.period)
            if total.measure != "count" or period is None or not period.years():
                continue
            ds = str(total.dataset)
            years = [self.stated(ds, {**total.dims, "period": y.slug}) for y in period.years()]
            found = [o for o in years if o is not None]
            self._total_check(total, found, len(years), "year", "years-add-up")

    def _total_check(
        self, total: Obs, parts: list[Obs], n_members: int, what: str, kind: str = "total-vs-parts"
    ) -> None:
        if not parts:
            return
        s = sum((p.value or Fraction(0) for p in parts), Fraction(0))
        assert total.value is not None
        complete = len(parts) == n_members
        if s == total.value:
            verdict, why = "consistent", "the parts add up to the total"
        elif s > total.value:
            verdict, why = (
                "inconsistent",
                f"the parts add up to more than the total ({_fmt(s)} > {_fmt(total.value)})",
            )
        elif complete:
            verdict, why = (
                "inconsistent",
                f"the parts add up to less than the total ({_fmt(s)} < {_fmt(total.value)})",
            )
        else:
            verdict = "undetermined"
            why = f"the stated parts add up to {_fmt(s)}, less than {_fmt(total.value)}; some parts are not stated"
        expr = " + ".join(_fmt(p.value or Fraction(0)) for p in parts) + f" = {_fmt(s)} vs {_fmt(total.value)}"
        slug = f"total-{local(total.iri)}-by-{what.split()[-1]}"
        self.checks.append(
            Check(
                slug,
                kind,
                expr,
                total.interval(),
                Interval.exact(s),
                verdict,
                [total.iri, *[p.iri for p in parts]],
                f"{local(total.iri)} against its parts by {what}: {why}",
            )
        )

    def _within_check(self, total: Obs, parts: list[Obs]) -> None:
        assert total.value is not None
        s = sum((p.value or Fraction(0) for p in parts), Fraction(0))
        verdict = "consistent" if s <= total.value else "inconsistent"
        names = " + ".join(local(p.iri) for p in parts)
        self.checks.append(
            Check(
                f"within-{local(total.iri)}-{names}",
                "part-within-whole",
                f"{' + '.join(_fmt(p.value or Fraction(0)) for p in parts)} ≤ {_fmt(total.value)}",
                Interval.exact(s),
                Interval(Fraction(0), total.value),
                verdict,
                [*[p.iri for p in parts], total.iri],
                f"{names} within {local(total.iri)}",
            )
        )

    def check_shares(self) -> None:
        for s in self.obs:
            if s.measure not in ("share", "rate"):
                continue
            ds = str(s.dataset)
            whole = self.by_obs_iri(s.share_of) if s.share_of is not None else None
            if whole is None:
                continue
            part = self.stated(ds, {**s.dims, "measure": "count"})
            parts: list[Obs] = [part] if part is not None else []
            if part is None and s.dims["right"] != "intellectual-property" and s.dims["charge"] == "ip-crime":
                parts = [
                    o
                    for o in self.by_dataset[ds]
                    if o.measure == "count"
                    and self.structure.charge_right.get(o.dims["charge"]) == s.dims["right"]
                    and o.key(charge="_", right="_", measure="_") == s.key(charge="_", right="_", measure="_")
                ]
            if part is None and s.dims["category"] != whole.dims["category"] and not parts:
                parts = [p for p in [self.stated(ds, {**s.dims, "measure": "count"})] if p]
                if not parts:
                    alt = self.stated(ds, {**s.dims, "measure": "count", "breakdown": "total"})
                    parts = [alt] if alt is not None else []
            if not parts or whole.value in (None, 0):
                continue
            num = sum((p.value or Fraction(0) for p in parts), Fraction(0))
            ratio = Interval.exact(num) / whole.interval() * 100
            verdict = _verdict(s.interval(), ratio)
            expr = f"{' + '.join(_fmt(p.value or Fraction(0)) for p in parts)} / {_fmt(whole.value or Fraction(0))}"
            expr += f" = {ratio.show()}% vs stated {s.written or _fmt(s.value or Fraction(0))}% ({s.qualifier})"
            self.checks.append(
                Check(
                    f"share-{local(s.iri)}",
                    "share-vs-ratio",
                    expr,
                    s.interval(),
                    ratio,
                    verdict,
                    [s.iri, whole.iri, *[p.iri for p in parts]],
                    f"{local(s.iri)} against part / whole",
                )
            )

    def check_whole_numbers(self) -> None:
        for d in self.derived:
            if not d.is_count:
                continue
            ints = d.interval.integers()
            if ints:
                verdict = "consistent"
                why = f"whole numbers in range: {', '.join(map(str, ints[:6]))}"
            else:
                verdict = "inconsistent"
                why = f"no whole number lies in {d.interval.show()}"
            reading = f" ({READINGS[d.reading]})" if d.reading else ""
            self.checks.append(
                Check(
                    f"whole-{d.slug}",
                    "whole-number",
                    f"{d.explanation} = {d.interval.show()}",
                    None,
                    d.interval,
                    verdict,
                    list(d.sources),
                    f"implied count {d.slug}{reading}: {why}",
                    reading=d.reading,
                )
            )

    def check_routes(self) -> None:
        """Two derivations of the same quantity by different methods must overlap (per reading)."""
        groups: dict[tuple[str, Key], list[Derived]] = defaultdict(list)
        for d in self.derived:
            groups[(d.dataset, d.key())].append(d)  # within one report: across reports is check_derived_against_stated
        for (_, key), items in sorted(groups.items()):
            methods = {d.method for d in items}
            if len(methods) < 2:
                continue
            unambiguous = [d for d in items if d.reading is None]
            for a in items:
                for b in items:
                    if a.method >= b.method or (a.reading and b.reading and a.reading != b.reading):
                        continue
                    if a.reading is None and b.reading is None and (a not in unambiguous or b not in unambiguous):
                        continue
                    verdict = _verdict(a.interval, b.interval)
                    reading = a.reading or b.reading
                    label = f" under {READINGS[reading]}" if reading else ""
                    self.checks.append(
                        Check(
                            f"routes-{a.slug}-{b.slug}",
                            "routes-agree",
                            f"{a.method} {a.interval.show()} vs {b.method} {b.interval.show()}",
                            a.interval,
                            b.interval,
                            verdict,
                            sorted({*a.sources, *b.sources}),
                            f"{dict(key).get('category')}/{dict(key).get('right')} {dict(key).get('unit')} in "
                            f"{dict(key).get('period')}: two routes{label}",
                            reading=reading,
                        )
                    )

    def check_trends(self) -> None:
        """A direction stated in words against the figures for both years, where the figures allow."""
        for t in self.trends:
            ds = str(t.dataset)
            current_dims = {**t.dims}
            if t.base_period is not None:
                prior_period = t.base_period
            else:
                period = period_of_slug(t.period)
                previous = period.previous_year() if period is not None else None
                if previous is None:
                    continue  # a span or part of a year states no base period: nothing to compare with
                prior_period = previous.slug
            figures = ds.replace("-trends", "")
            if t.measure == "share":
                now = self._share_values(figures, current_dims)
                before = self._share_values(figures, {**current_dims, "period": prior_period})
            else:
                now = self.value_for(figures, current_dims)
                before = self.value_for(figures, {**current_dims, "period": prior_period})
            if not now or not before:
                continue
            direction = self._direction_of(t)
            for (n_iv, n_r, n_src), (b_iv, b_r, b_src) in ((n, b) for n in now for b in before):
                if n_r and b_r and n_r != b_r:
                    continue
                diff = n_iv - b_iv
                if direction == "increase":
                    verdict = "consistent" if diff.high > 0 else "inconsistent"
                elif direction == "decrease":
                    verdict = "consistent" if diff.low < 0 else "inconsistent"
                else:
                    verdict = "undetermined"
                reading = n_r or b_r
                label = f" under {READINGS[reading]}" if reading else ""
                self.checks.append(
                    Check(
                        f"trend-{local(t.iri)}" + (f"-{reading}" if reading else ""),
                        "trend-direction",
                        f"{b_iv.show()} ({prior_period}) → {n_iv.show()} ({t.period}): stated {direction}",
                        None,
                        diff,
                        verdict,
                        [t.iri, *n_src, *b_src],
                        f"{local(t.iri)}{label}",
                        reading=reading,
                    )
                )

    def check_ranks(self) -> None:
        """ "Ranked the top": the ranked figure is the largest of its siblings (charges of one right, or rights)."""
        for r in self.obs:
            if r.measure != "rank" or r.value is None:
                continue
            ds = str(r.dataset)
            me = self.stated(ds, {**r.dims, "measure": "count"})
            if r.dims["charge"] != "ip-crime":
                right = self.structure.charge_right.get(r.dims["charge"])
                siblings = {
                    o.dims["charge"]: o.value or Fraction(0)
                    for o in self.by_dataset[ds]
                    if o.measure == "count"
                    and self.structure.charge_right.get(o.dims["charge"]) == right
                    and o.key(charge="_", right="_") == r.key(charge="_", right="_", measure="count")
                }
                mine = me.value if me is not None else None
                what = f"charges protecting {right}"
            else:
                totals: dict[str, Fraction] = defaultdict(Fraction)
                for o in self.by_dataset[ds]:
                    right = self.structure.charge_right.get(o.dims["charge"])
                    if (
                        o.measure == "count"
                        and o.dims["charge"] != "ip-crime"
                        and right
                        and o.key(charge="_", right="_") == r.key(charge="_", right="_", measure="count")
                    ):
                        totals[right] += o.value or Fraction(0)
                siblings = dict(totals)
                mine = totals.get(r.dims["right"])
                what = "right types (sums of their charges)"
            if mine is None or len(siblings) < 2:
                continue
            position = 1 + sum(1 for v in siblings.values() if v > mine)
            verdict = "consistent" if position == int(r.value) else "inconsistent"
            shown = ", ".join(f"{k}: {_fmt(v)}" for k, v in sorted(siblings.items(), key=lambda kv: -kv[1]))
            self.checks.append(
                Check(
                    f"rank-{local(r.iri)}",
                    "rank-order",
                    f"rank {_fmt(r.value)} among {what}: {shown}",
                    r.interval(),
                    Interval.exact(position),
                    verdict,
                    [r.iri, *([me.iri] if me is not None else [])],
                    f"{local(r.iri)}: stated rank {_fmt(r.value)}, by the figures {position}",
                )
            )

    def check_derived_against_stated(self) -> None:
        """A value derived from one statement against the same quantity stated elsewhere.

        Within one report this is a second route (``routes-agree``); against another report's figure (the entity
        aside, as in :meth:`check_across_reports`) it compares reports on purpose (``same-figure-across-reports``),
        e.g. a later paper's growth rate applied back to its count against the earlier paper's count.
        """
        stated_by_key: dict[Key, list[Obs]] = defaultdict(list)
        for o in self.obs:
            stated_by_key[o.key(entity="_")].append(o)
        for d in self.derived:
            for o in stated_by_key.get(tuple(sorted({**d.dims, "entity": "_"}.items())), []):
                across = str(o.dataset) != d.dataset
                if not across and o.key() != d.key():
                    continue
                verdict = _verdict(o.interval(), d.interval)
                reading = f" under {READINGS[d.reading]}" if d.reading else ""
                if across:
                    kind, where = "same-figure-across-reports", f" ({local(o.dataset)} vs {local(d.dataset)})"
                    label = f"{local(o.iri)} as stated by {local(o.dataset)} and as implied by {local(d.dataset)}"
                else:
                    kind, where, label = "routes-agree", "", f"{local(o.iri)} as stated and as implied by other figures"
                self.checks.append(
                    Check(
                        f"stated-{local(o.iri)}-vs-{local(d.dataset)}-{d.slug}",
                        kind,
                        f"stated {o.interval().show()} vs {d.method} {d.interval.show()} ({d.explanation}){where}",
                        o.interval(),
                        d.interval,
                        verdict,
                        [o.iri, *d.sources],
                        label + reading,
                        reading=d.reading,
                    )
                )

    def check_across_reports(self) -> None:
        """The same figure (all dimensions equal) stated by two reports must agree within rounding."""
        by_key: dict[Key, list[Obs]] = defaultdict(list)
        for o in self.obs:
            by_key[o.key(entity="_")].append(o)
        for items in by_key.values():
            datasets = sorted({str(o.dataset) for o in items})
            if len(datasets) < 2:
                continue
            for a in items:
                for b in items:
                    if str(a.dataset) >= str(b.dataset):
                        continue
                    verdict = _verdict(a.interval(), b.interval())
                    notes = [self.structure.definition_note(str(o.dataset), o.dims["category"]) for o in (a, b)]
                    if any(notes) and notes[0].split(" defines ", 1)[-1] != notes[1].split(" defines ", 1)[-1]:
                        other = [report_of_dataset(str(o.dataset)) for o, n in zip((a, b), notes, strict=True) if not n]
                        said = "; ".join(n for n in notes if n) + "".join(f"; {r} states no definition" for r in other)
                        definition = f"; the definitions differ: {said}"
                    else:
                        definition = ""
                    self.checks.append(
                        Check(
                            f"across-{local(a.iri)}-{local(b.iri)}",
                            "same-figure-across-reports",
                            f"{a.interval().show()} ({local(a.dataset)}) vs {b.interval().show()} ({local(b.dataset)})",
                            a.interval(),
                            b.interval(),
                            verdict,
                            [a.iri, b.iri],
                            f"the same figure in two reports: {local(a.iri)} and {local(b.iri)}{definition}",
                            quotes=[*a.quotes[:1], *b.quotes[:1]],
                        )
                    )

    def check_editions(self) -> None:
        """A figure quoted from two texts of one report (its editions, a news item) must be written in each."""
        from decimal import Decimal

        from ipgraph.reading.numerals import find_numbers, value_occurs

        for o in self.obs:
            texts = sorted(set(o.quote_texts))
            if len(texts) < 2 or o.value is None:
                continue
            value = Decimal(o.value.numerator) / Decimal(o.value.denominator)
            differ: list[str] = []
            for text in texts:
                quotes = [q for q, t in zip(o.quotes, o.quote_texts, strict=True) if t == text]
                if not any(value_occurs(abs(value), q) for q in quotes):
                    found = [m for q in quotes for m in find_numbers(q) if m.value is not None and m.kind != "year"]
                    alike = [
                        m for m in found if (m.kind in ("percent", "rate", "points")) == (o.measure in ROUNDED_MEASURES)
                    ] or found
                    said = list(dict.fromkeys(m.text for m in alike))
                    differ.append(f"{_edition_name(text)} writes {', '.join(said) or 'no number'}")
            shown = o.written or _fmt(o.value)
            where = " and ".join(_edition_name(t) for t in texts)
            self.checks.append(
                Check(
                    f"editions-{local(o.iri)}",
                    "editions-agree",
                    f"{shown} in {where}" + (f"; but {'; '.join(differ)}" if differ else ""),
                    None,
                    o.interval(),
                    "inconsistent" if differ else "consistent",
                    [o.iri],
                    f"{local(o.iri)} quoted from {len(texts)} texts of {report_of_dataset(str(o.dataset))}: "
                    + ("they disagree" if differ else "each writes the same value"),
                    quotes=list(o.quotes),
                )
            )

    def _share_values(self, dataset: str, dims: dict[str, str]) -> list[tuple[Interval, str | None, list[URIRef]]]:
        """A share in one year: stated, or its part over its whole from stated and derived counts."""
        stated = self.stated(dataset, dims)
        if stated is not None:
            return [(stated.interval(), None, [stated.iri])]
        count = {**dims, "measure": "count"}
        whole = {**count, "right": "intellectual-property", "charge": "ip-crime", "breakdown": "total"}
        parts = [
            (iv, r, src)
            for iv, r, src in self.value_for(dataset, count)
            if not any(d.method == "share-of-total" and d.interval == iv for d in self.derived_for(count, dataset))
        ]
        wholes = self.value_for(dataset, whole)
        out: list[tuple[Interval, str | None, list[URIRef]]] = []
        for p_iv, p_r, p_src in parts:
            for w_iv, w_r, w_src in wholes:
                if (p_r and w_r and p_r != w_r) or w_iv.low <= 0 or w_iv.high >= INFINITY:
                    continue
                out.append((p_iv / w_iv * 100, p_r or w_r, [*p_src, *w_src]))
        return out

    # ------------------------------------------------------------------ helpers
    def by_obs_iri(self, iri: URIRef) -> Obs | None:
        return self.by_iri.get(iri)

    def _templates_with_category(self, parts: Iterable[str]) -> list[tuple[dict[str, str], str]]:
        """The dimensions (category left open) of derived values of ``parts``, with the report they come from."""
        parts = set(parts)
        seen: dict[tuple[Key, str], dict[str, str]] = {}
        for d in self.derived:
            if d.dims["category"] in parts:
                t = {**d.dims, "category": "_"}
                seen[(tuple(sorted(t.items())), d.dataset)] = t
        return [(t, dataset) for (_, dataset), t in seen.items()]

    def _report_period(self, s: Obs) -> str:
        return max((o.period for o in self.by_dataset[str(s.dataset)]), default=s.period)

    def _whole_dims(self, s: Obs) -> dict[str, str]:
        if s.share_of is not None:
            whole = self.by_obs_iri(s.share_of)
            if whole is not None:
                return {**whole.dims, "period": s.period}
        return {
            **s.dims,
            "right": "intellectual-property",
            "charge": "ip-crime",
            "breakdown": "total",
            "measure": "count",
        }

    @staticmethod
    def _readings(per_part: list[list[tuple[Interval, str | None, list[URIRef]]]]) -> list[str | None]:
        named = sorted({r for v in per_part for _, r, _ in v if r})
        return list(named) if named else [None]

    @staticmethod
    def _pick(
        values: list[tuple[Interval, str | None, list[URIRef]]], reading: str | None
    ) -> tuple[Interval, str | None, list[URIRef]]:
        for v in values:
            if v[1] == reading:
                return v
        return next(v for v in values if v[1] is None) if any(v[1] is None for v in values) else values[0]

    @staticmethod
    def _direction_of(t: Obs) -> str:
        return t.direction or "undetermined"

    def run(self) -> None:
        """Every derivation, then every check."""
        self.derive_prior_year()
        self.derive_sums()
        self.derive_right_totals_from_charges()
        self.derive_share_parts()
        self.check_totals()
        self.check_shares()
        self.check_whole_numbers()
        self.check_routes()
        self.check_derived_against_stated()
        self.check_ranks()
        self.check_trends()
        self.check_across_reports()
        self.check_editions()
        self.check_years_add_up()
