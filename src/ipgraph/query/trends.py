"""``ipgraph check`` and ``ipgraph trends``: each report's arithmetic and trends, read from the built store."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from ipgraph.model.periods import period_of_slug, period_slug
from ipgraph.model.prefixes import sparql_prologue
from ipgraph.query.results import cell, render
from ipgraph.store.embedded import SelectResult, run_query

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CHECKS_Q = (
    sparql_prologue()
    + """SELECT ?check ?kind ?verdict ?label ?expression ?interp
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?qrep), " ", ?sec, "\\u0001", ?exact); separator="\\u0002") AS ?quotes)
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?rep), "\\u0001", STR(?area)); separator="\\u0002") AS ?reports)
WHERE {
  ?check a ipg:ConsistencyCheck ; ipg:checkKind ?kind ; ipg:verdict ?verdict ; rdfs:label ?label ;
         ipg:expression ?expression .
  OPTIONAL { ?check ipg:interpretation ?interp }
  OPTIONAL { ?check ipg:checksObservation ?o . ?o qb:dataSet/dcterms:source ?rep ; ipg:refArea ?area }
  OPTIONAL {
    ?check prov:wasDerivedFrom ?q .
    ?q ipg:report ?qrep ; ipg:section/ipg:sectionNumber ?sec ; oa:hasSelector/oa:exact ?exact
  }
}
GROUP BY ?check ?kind ?verdict ?label ?expression ?interp
ORDER BY ?kind ?check"""
)

OBSERVATIONS_Q = (
    sparql_prologue()
    + """SELECT ?o ?rep ?kind ?p ?m ?v ?low ?high ?cat ?charge ?right ?bd ?unitc ?fn ?area ?ent ?method ?interp WHERE {
  ?o a qb:Observation ; qb:dataSet/dcterms:source ?rep ;
     ipg:refPeriod ?p ; ipg:statMeasure ?m ; ipg:obsValue ?v ; ipg:caseCategory ?cat ;
     ipg:charge ?charge ; ipg:rightType ?right ; ipg:breakdown ?bd ; ipg:statUnit ?unitc ;
     ipg:procuratorialFunction ?fn ; ipg:refArea ?area ; ipg:observedEntity ?ent .
  FILTER(?m IN (measure:count, measure:average-duration))
  OPTIONAL { ?o ipg:lowerBound ?low }
  OPTIONAL { ?o ipg:upperBound ?high }
  OPTIONAL { ?o ipg:derivationMethod ?method }
  OPTIONAL { ?o ipg:interpretation ?interp }
  BIND(IF(BOUND(?method), "derived", "stated") AS ?kind)
}"""
)
LABELS_Q = (
    sparql_prologue() + """SELECT ?c ?l WHERE { ?c a skos:Concept ; skos:prefLabel ?l . FILTER(lang(?l) = "en") }"""
)
AREA_LABELS_Q = (
    sparql_prologue()
    + """SELECT DISTINCT ?c ?l WHERE { ?o ipg:refArea ?c . ?c rdfs:label ?l . FILTER(lang(?l) = "en") }"""
)
TREND_COLUMNS = [
    "report", "area", "indicator", "unit", "prior_period", "prior_value", "prior_low", "prior_high", "prior_source",
    "interpretation", "period", "value", "change", "change_percent", "direction",
]  # fmt: skip
_DIMS = ("rep", "cat", "charge", "right", "bd", "unitc", "fn", "area", "ent", "m")  # one report's figures only
_TOTALS = {"ip-crime", "intellectual-property", "total"}


def _snippet(text: str, expression: str = "", width: int = 110) -> str:
    """The quote within ``width`` terminal columns, shortened around the first figure of ``expression`` it contains.

    >>> _snippet("本院受理侵犯知识产权犯罪案件二百一十件，同比下降８．７％。", "", 20)
    '本院受理侵犯知识产…'
    """
    from ipgraph.query.termtable import width_of

    text = " ".join(text.split())
    if width_of(text) <= width:
        return text
    at = 0
    for number in re.findall(r"\d[\d.,]*", expression):
        variants = {number, f"{int(number):,}"} if number.isdigit() else {number}
        hits = [text.find(v) for v in variants if text.find(v) >= 0]
        if hits:
            at = max(0, min(hits) - width // 3)
            space = text.find(" ", at, min(hits))
            at = space + 1 if at and text[at - 1] != " " and space >= 0 else at  # from the start of a word
            break
    from ipgraph.query.termtable import _take, width_of

    piece = ("…" if at else "") + text[at:].strip()
    return piece if width_of(piece) <= width else _take(piece, width - 1) + "…"


def _report_id(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def check_report(
    store: ox.Store, show_all: bool = False, report: str | None = None, width: int | None = None
) -> tuple[str, int]:
    """The text of ``ipgraph check`` and the number of inconsistencies (under unambiguous readings).

    Each finding names the figure it is about (its indicator, unit and period), the reports (and areas) whose
    figures it checks, and each quote its report and section (``[shanghai-2023 I.1.5]``); with ``report`` (a report
    id) only the checks of that report's figures count. The first line counts what ``ipgraph build`` counts: every
    check, those of one reading of an ambiguous statement included. Within ``width`` columns a finding takes a few
    lines, its quotes shortened around the figure; without (``--wide``), one line with the quotes in full.
    """
    result = run_query(store, CHECKS_Q)
    areas = run_query(store, AREA_LABELS_Q)
    assert isinstance(result, SelectResult) and isinstance(areas, SelectResult)
    area_label = {r["c"].value: r["l"].value for r in areas.rows}
    figures = Figures(store)
    rows = result.rows
    by_verdict: dict[str, int] = defaultdict(int)
    per_reading: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lines: list[str] = []
    inconsistent = 0
    for r in rows:
        where: dict[str, set[str]] = defaultdict(set)
        for part in r["reports"].value.split("\u0002") if r.get("reports") is not None else []:
            if "\u0001" in part:
                rep, area = part.split("\u0001", 1)
                where[_report_id(rep)].add(area_label.get(area, cell(ox.NamedNode(area))))
        if report is not None and report not in where:
            continue
        verdict = cell(r["verdict"]).split(":")[1]
        interp = cell(r.get("interp")).split(":")[-1] if r.get("interp") is not None else ""
        if interp:
            per_reading[interp][verdict] += 1
            continue
        by_verdict[verdict] += 1
        if verdict == "inconsistent" or (show_all and verdict != "consistent"):
            inconsistent += verdict == "inconsistent"
            quotes = []
            for part in sorted(r["quotes"].value.split("\u0002")) if r.get("quotes") is not None else []:
                if "\u0001" in part:
                    sec, exact = part.split("\u0001", 1)
                    quotes.append((f"[{_report_id(sec)}]", " ".join(exact.split())))
            kind = cell(r["kind"]).split(":")[1]
            named = "; ".join(f"{rep} ({', '.join(sorted(a))})" for rep, a in sorted(where.items()))
            what = figures.indicator(cell(r["check"]), r["label"].value, set(where))
            expression = r["expression"].value
            lines += _finding(verdict.upper(), kind, what, expression, named, quotes, width)
    total = sum(by_verdict.values())
    readings = sum(sum(c.values()) for c in per_reading.values())
    head = [
        (f"{report}: " if report else "")
        + f"{total + readings} consistency checks: {by_verdict['consistent']} consistent, "
        f"{by_verdict['inconsistent']} inconsistent, {by_verdict['undetermined']} undetermined"
        + (f", {readings} of one reading (below)" if readings else "")
    ]
    if per_reading:
        head.append("readings of ambiguous statements (“rose by N times”), checked against the other figures:")
        for reading, counts in sorted(per_reading.items()):
            shown = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
            head.append(f"  {reading}: {shown}")
    if lines:
        head.append("findings:" if show_all else "inconsistencies:")
    if width is not None:
        from ipgraph.query.termtable import _wrapped

        head = [line[: len(line) - len(line.lstrip())] + p for line in head for p in _wrapped(line.lstrip(), width - 2)]
    return "\n".join(head + lines), inconsistent


def _finding(
    verdict: str,
    kind: str,
    what: str,
    expression: str,
    named: str,
    quotes: list[tuple[str, str]],
    width: int | None,
) -> list[str]:
    """One finding: in one line (``width`` None), else a head line and one line per quote, within ``width``.

    >>> q = [("[r-2023 I.1]", "In 2023 the office took in 129 cases in total, of which 115 were transferred.")]
    >>> for line in _finding("INCONSISTENT", "total-vs-parts", "cases (case, 2023)", "115 + 16 = 131 vs 129",
    ...                      "r-2023 (Shanghai)", q, 60):
    ...     print(line)
      INCONSISTENT [total-vs-parts] cases (case, 2023) — r-2023
      (Shanghai)
        115 + 16 = 131 vs 129
        [r-2023 I.1] “…of which 115 were transferred.”
    """
    if width is None:
        shown = " / ".join(f"{ref} “{text}”" for ref, text in quotes)
        return [f"  {verdict} [{kind}] {what} — {expression} — in {named} — {shown}"]
    from ipgraph.query.termtable import _wrapped, width_of

    out = [f"  {p}" for p in _wrapped(f"{verdict} [{kind}] {what} — {named}", width - 2, hyphens=False)]
    out += [f"    {p}" for p in _wrapped(expression, width - 4, hyphens=False)]
    for ref, text in quotes:
        room = max(10, width - 4 - width_of(ref) - 3)
        out.append(f"    {ref} “{_snippet(text, expression, room)}”")
    return out


OBSERVATION_DIMS_Q = (
    sparql_prologue()
    + """SELECT ?o ?rep ?cat ?charge ?right ?bd ?unitc ?m ?p WHERE {
  ?o a qb:Observation ; qb:dataSet/dcterms:source ?rep .
  OPTIONAL { ?o ipg:caseCategory ?cat } OPTIONAL { ?o ipg:charge ?charge } OPTIONAL { ?o ipg:rightType ?right }
  OPTIONAL { ?o ipg:breakdown ?bd } OPTIONAL { ?o ipg:statUnit ?unitc } OPTIONAL { ?o ipg:statMeasure ?m }
  OPTIONAL { ?o ipg:refPeriod ?p }
}"""
)
_ROUTES = re.compile(r"([\w-]+)/([\w-]+) ([\w-]+) in (\d{4}): two routes")


class Figures:
    """Names the figure a check is about: the figure its label names first (a stated or derived observation)."""

    def __init__(self, store: ox.Store) -> None:
        found = run_query(store, OBSERVATION_DIMS_Q)
        labels = run_query(store, LABELS_Q)
        areas = run_query(store, AREA_LABELS_Q)
        assert isinstance(found, SelectResult) and isinstance(labels, SelectResult)
        assert isinstance(areas, SelectResult)
        self.labels = {cell(r["c"]): r["l"].value for r in labels.rows + areas.rows}
        self.by_name: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
        for r in found.rows:
            local = r["o"].value.rsplit("/", 1)[-1]
            name = local.split("-derived-", 1)[1] if "-derived-" in local else local
            dims = {k: cell(r.get(k)) for k in ("cat", "charge", "right", "bd", "unitc", "m")}
            dims["p"] = period_slug(str(r["p"].value)) if r.get("p") is not None else ""
            self.by_name[name].append((_report_id(r["rep"].value), dims))

    def indicator(self, check: str, label: str, reports: set[str]) -> str:
        """``civil supervision (type of cause of action, 2023)``: what the check's figure counts, its unit, year."""
        hits = []
        for name, figures in self.by_name.items():
            at = label.find(name)
            mine = [dims for rep, dims in figures if rep in reports or not reports]
            if at >= 0 and mine:
                hits.append((at, -len(name), mine[0]))
        if hits:
            return self.name(min(hits, key=lambda h: h[:2])[2])
        routes = _ROUTES.match(label)
        if routes:
            cat, right, unit, period = routes.groups()
            return self.name(
                {"cat": f"category:{cat}", "right": f"right:{right}", "unitc": f"unit:{unit}", "p": period}
            )
        return check.split(":")[-1]

    def of(self, local: str) -> str:
        """The words for the figure (stated or derived) of IRI local name ``local``."""
        name = local.split("-derived-", 1)[1] if "-derived-" in local else local
        figures = self.by_name.get(name)
        return self.name(figures[0][1]) if figures else local

    def name(self, dims: dict[str, str]) -> str:
        """The words for a figure's dimensions, totals left out."""
        codes = [dims.get(k, "") for k in ("cat", "charge", "right", "bd")]
        parts = [self.labels.get(c, c.split(":")[-1]) for c in codes if c and c.split(":")[-1] not in _TOTALS]
        measure = dims.get("m", "")
        extra = [self.labels.get(measure, "")] if measure and not measure.endswith(":count") else []
        extra += [self.labels.get(dims.get("unitc", ""), ""), dims.get("p", "")]
        return " / ".join(parts) + f" ({', '.join(x for x in extra if x)})"


def _num(term: object) -> Decimal | None:
    return Decimal(term.value) if isinstance(term, ox.Literal) else None


def _show(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.quantize(Decimal("0.01")).normalize(), "f")


def trends_rows(store: ox.Store, report: str | None = None) -> list[dict[str, str]]:
    """Every stated figure with a figure of the year before (stated or derived), as rows of text.

    Both figures of a row come from one report (its stated figures and the values derived from them): one report's
    2022 is never paired with another's 2023. With ``report`` (a report id), that report's rows only.
    """
    result = run_query(store, OBSERVATIONS_Q)
    labels_result = run_query(store, LABELS_Q)
    areas = run_query(store, AREA_LABELS_Q)
    assert isinstance(result, SelectResult) and isinstance(labels_result, SelectResult)
    assert isinstance(areas, SelectResult)
    labels = {cell(r["c"]): r["l"].value for r in labels_result.rows}
    area_label = {cell(r["c"]): r["l"].value for r in areas.rows}
    by_key: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for r in result.rows:
        if report is not None and _report_id(r["rep"].value) != report:
            continue
        by_key[(*(cell(r[d]) for d in _DIMS), period_slug(r["p"].value))].append(r)
    rows: list[dict[str, str]] = []
    for key, current in sorted(by_key.items()):
        period = period_of_slug(key[-1])
        previous = period.previous_year() if period is not None else None
        if previous is None:
            continue  # a span of years or a part of one: no year-on-year change to show
        prior_key = (*key[:-1], previous.slug)
        for now in (c for c in current if cell(c["kind"]) == "stated"):
            for before in by_key.get(prior_key, []):
                rep, cat, charge, right, bd, unit, _, area, _, measure = key[:-1]
                parts = [labels.get(cat, cat)]
                parts += [labels.get(x, x) for x in (charge, right, bd) if x.split(":")[-1] not in _TOTALS]
                indicator = " / ".join(parts) + (" (average days)" if measure.endswith("average-duration") else "")
                v_now, v_before = _num(now["v"]), _num(before["v"])
                assert v_now is not None and v_before is not None
                change = v_now - v_before
                method = before.get("method")
                interp = before.get("interp")
                rows.append(
                    {
                        "report": rep.split(":")[-1],
                        "area": area_label.get(area, area),
                        "indicator": indicator,
                        "unit": labels.get(unit, unit),
                        "prior_period": prior_key[-1],
                        "prior_value": _show(v_before),
                        "prior_low": _show(_num(before.get("low"))),
                        "prior_high": _show(_num(before.get("high"))),
                        "prior_source": f"derived: {labels.get(cell(method), cell(method))}" if method else "stated",
                        "interpretation": labels.get(cell(interp), "") if interp is not None else "",
                        "period": key[-1],
                        "value": _show(v_now),
                        "change": _show(change),
                        "change_percent": _show(100 * change / v_before) if v_before else "",
                        "direction": "up" if change > 0 else "down" if change < 0 else "unchanged",
                    }
                )
    return rows


def trends_table(store: ox.Store, fmt: str, report: str | None = None, width: int | None = None) -> str:
    """Every indicator with its prior-year value (stated or derived, with bounds), current value and change.

    Every format holds all of :data:`TREND_COLUMNS`, the table too when ``width`` is None (``--wide``); a table
    within ``width`` columns is read one report (and area) at a time: see :func:`fitted_trends`.
    """
    rows = trends_rows(store, report)
    if fmt == "table" and width is not None:
        return fitted_trends(rows, width)
    table = SelectResult(TREND_COLUMNS, [{k: ox.Literal(v) for k, v in r.items()} for r in rows])
    return render(table, fmt)


def fitted_trends(rows: list[dict[str, str]], width: int) -> str:
    """The trends for a terminal: one block per report and area, each derived prior value explained under its row.

    >>> row = dict(report="r-2023", area="Shanghai", indicator="non-prosecution", unit="case", prior_period="2022",
    ...            prior_value="160", prior_low="159.93", prior_high="160.07",
    ...            prior_source="derived: inverse of a change rate", interpretation="unambiguous", period="2023",
    ...            value="180", change="20", change_percent="12.5", direction="up")
    >>> print(fitted_trends([row, {**row, "prior_period": "2021", "period": "2022", "prior_source": "stated"}], 60))
    r-2023 — Shanghai: 1 indicator
    indicator        unit  years      prior  value  change
    ---------------  ----  ---------  -----  -----  ------------
    non-prosecution  case  2021→2022  160    180    +20 (+12.5%)
    non-prosecution  case  2022→2023  160    180    +20 (+12.5%)
      ↳ 2022: derived 159.93–160.07: inverse of a change rate
    >>> print(fitted_trends([row], 60).splitlines()[1])
    indicator        unit  2022  2023  change
    """
    from ipgraph.query.termtable import _wrapped, table

    blocks: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        blocks[(r["report"], r["area"])].append(r)
    out = []
    for (rep, area), items in sorted(blocks.items()):
        items.sort(key=lambda r: (r["indicator"], r["unit"], r["period"]))
        years = {(r["prior_period"], r["period"]) for r in items}
        same = next(iter(years)) if len(years) == 1 else None
        names = ["indicator", "unit", *(same or ("years", "prior", "value")), "change"]
        cells, notes = [], []
        for r in items:
            when = [] if same else [f"{r['prior_period']}→{r['period']}"]
            cells.append([r["indicator"], r["unit"], *when, r["prior_value"], r["value"], _change(r)])
            notes.append(_prior_note(r))
        indicators = len({(r["indicator"], r["unit"]) for r in items})
        out += _wrapped(f"{rep} — {area}: {indicators} indicator{'s' if indicators != 1 else ''}", width, hyphens=False)
        out.append(table(names, cells, width, wrap=(0,), notes=notes))
        out.append("")
    return "\n".join(out).rstrip("\n") if out else "(no trends: no figure has a figure of the year before)"


def _change(r: dict[str, str]) -> str:
    """``+251 (+144.25%)``: the change and, when the prior value is not zero, the change in per cent."""
    change = ("" if r["change"].startswith("-") else "+") + r["change"]
    pct = r["change_percent"]
    return change + (f" ({'' if pct.startswith('-') else '+'}{pct}%)" if pct else "")


def _prior_note(r: dict[str, str]) -> str:
    """How a derived prior value was found (its bounds, its method or reading); empty for a stated one."""
    source = r["prior_source"]
    if not source.startswith("derived: "):
        return ""
    bounds = r["prior_low"] if r["prior_low"] == r["prior_high"] else f"{r['prior_low']}–{r['prior_high']}"
    how = source.removeprefix("derived: ")
    if r["interpretation"] and r["interpretation"] != "unambiguous":
        how = f"reading {r['interpretation']}"  # the reading names the method: “rose by N times” as ×N
    return f"{r['prior_period']}: derived {bounds}: {how}"


def add_parser(sub: Any, root: object) -> None:
    """Register the ``check`` and ``trends`` verbs."""
    import argparse
    from pathlib import Path

    assert isinstance(root, Path)

    def store_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--build", default=str(root / "build"), help="built graph directory (default: %(default)s)")

    WIDE_HELP = "print the table unabridged, every column (by default it fits the terminal: COLUMNS, else 100)"

    p = sub.add_parser(
        "check",
        help="the report's arithmetic: every generated consistency check, each inconsistency with its quotes",
        epilog="example: ipgraph check --all   (exit 1 when the reports contain an inconsistency)",
    )
    store_opt(p)
    p.add_argument("--all", action="store_true", help="also list undetermined checks")
    p.add_argument("--wide", action="store_true", help="each finding in one line, its quotes in full")
    p.add_argument("--report", metavar="ID", help="only the checks of this report's figures (its folder name)")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser(
        "trends",
        help="every indicator with its prior-year value (stated or implied, with bounds), current value and change",
        epilog="example: ipgraph trends --format csv > trends.csv",
    )
    store_opt(p)
    p.add_argument("--format", choices=("table", "csv", "tsv", "json", "md"), default="table")
    p.add_argument("--report", metavar="ID", help="only this report's figures (its folder name, e.g. shanghai-2023)")
    p.add_argument("--wide", action="store_true", help=WIDE_HELP)
    p.set_defaults(func=_cmd_trends)


def _cmd_check(args: object) -> int:
    from pathlib import Path

    from ipgraph.query.termtable import terminal_width
    from ipgraph.store.embedded import open_store

    store = open_store(Path(args.build))  # type: ignore[attr-defined]
    report = _known_report(store, args.report)  # type: ignore[attr-defined]
    width = None if args.wide else terminal_width()  # type: ignore[attr-defined]
    text, inconsistent = check_report(store, args.all, report, width)  # type: ignore[attr-defined]
    print(text)
    return 1 if inconsistent else 0


def _cmd_trends(args: object) -> int:
    from pathlib import Path

    from ipgraph.query.termtable import terminal_width
    from ipgraph.store.embedded import open_store

    store = open_store(Path(args.build))  # type: ignore[attr-defined]
    report = _known_report(store, args.report)  # type: ignore[attr-defined]
    width = None if args.wide else terminal_width()  # type: ignore[attr-defined]
    print(trends_table(store, args.format, report, width))  # type: ignore[attr-defined]
    return 0


def _known_report(store: ox.Store, value: str | None) -> str | None:
    """The report id given with --report, refused in one line when it is not a report id of the graph."""
    if value is None:
        return None
    from ipgraph.errors import InputError
    from ipgraph.query.catalog import KNOWN_REPORTS_QUERY, report_iri, unknown_report_message

    try:
        iri = report_iri("--report", value)
    except ValueError as exc:
        raise InputError(str(exc).replace("parameter '--report'", "--report")) from None
    solutions = store.query(KNOWN_REPORTS_QUERY, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    known = [str(getattr(sol["r"], "value", "")) for sol in solutions]
    if iri not in known:
        raise InputError(unknown_report_message(iri, known))
    return _report_id(iri)
