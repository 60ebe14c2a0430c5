"""``ipgraph check`` and ``ipgraph trends``: the report's arithmetic and its trends, read from the built store."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from ipgraph.prefixes import sparql_prologue
from ipgraph.results import cell, render
from ipgraph.store import SelectResult, run_query

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CHECKS_Q = (
    sparql_prologue()
    + """SELECT ?check ?kind ?verdict ?label ?expression ?interp
       (GROUP_CONCAT(DISTINCT CONCAT(?sec, "\\u0001", ?exact); separator="\\u0002") AS ?quotes)
WHERE {
  ?check a ipg:ConsistencyCheck ; ipg:checkKind ?kind ; ipg:verdict ?verdict ; rdfs:label ?label ;
         ipg:expression ?expression .
  OPTIONAL { ?check ipg:interpretation ?interp }
  OPTIONAL { ?check prov:wasDerivedFrom ?q . ?q ipg:section/ipg:sectionNumber ?sec ; oa:hasSelector/oa:exact ?exact }
}
GROUP BY ?check ?kind ?verdict ?label ?expression ?interp
ORDER BY ?kind ?check"""
)

OBSERVATIONS_Q = (
    sparql_prologue()
    + """SELECT ?o ?kind ?p ?m ?v ?low ?high ?cat ?charge ?right ?bd ?unitc ?fn ?area ?ent ?method ?interp WHERE {
  ?o a qb:Observation ; ipg:refPeriod ?p ; ipg:statMeasure ?m ; ipg:obsValue ?v ; ipg:caseCategory ?cat ;
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
TREND_COLUMNS = [
    "indicator", "unit", "prior_period", "prior_value", "prior_low", "prior_high", "prior_source", "interpretation",
    "period", "value", "change", "change_percent", "direction",
]  # fmt: skip
_DIMS = ("cat", "charge", "right", "bd", "unitc", "fn", "area", "ent", "m")
_TOTALS = {"ip-crime", "intellectual-property", "total"}


def _snippet(text: str, expression: str = "", width: int = 110) -> str:
    """The quote, shortened around the first figure of ``expression`` it contains."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    at = 0
    for number in re.findall(r"\d[\d.,]*", expression):
        variants = {number, f"{int(number):,}"} if number.isdigit() else {number}
        hits = [text.find(v) for v in variants if text.find(v) >= 0]
        if hits:
            at = max(0, min(hits) - width // 3)
            break
    piece = text[at : at + width - 2]
    return ("…" if at else "") + piece.strip() + ("…" if at + width - 2 < len(text) else "")


def check_report(store: ox.Store, show_all: bool = False) -> tuple[str, int]:
    """The text of ``ipgraph check`` and the number of inconsistencies (under unambiguous readings)."""
    result = run_query(store, CHECKS_Q)
    assert isinstance(result, SelectResult)
    rows = result.rows
    by_verdict: dict[str, int] = defaultdict(int)
    per_reading: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lines: list[str] = []
    inconsistent = 0
    for r in rows:
        verdict = cell(r["verdict"]).split(":")[1]
        interp = cell(r.get("interp")).split(":")[-1] if r.get("interp") is not None else ""
        if interp:
            per_reading[interp][verdict] += 1
            continue
        by_verdict[verdict] += 1
        if verdict == "inconsistent" or (show_all and verdict != "consistent"):
            inconsistent += verdict == "inconsistent"
            quotes = []
            for part in r["quotes"].value.split("\u0002") if r.get("quotes") is not None else []:
                if "\u0001" in part:
                    sec, exact = part.split("\u0001", 1)
                    quotes.append(f"[{sec}] “{_snippet(exact, r['expression'].value)}”")
            kind = cell(r["kind"]).split(":")[1]
            lines.append(f"  {verdict.upper()} [{kind}] {r['expression'].value} — " + " / ".join(quotes))
    total = sum(by_verdict.values())
    head = [
        f"{total} checks: {by_verdict['consistent']} consistent, {by_verdict['inconsistent']} inconsistent, "
        f"{by_verdict['undetermined']} undetermined"
    ]
    if per_reading:
        head.append("readings of ambiguous statements (“rose by N times”), checked against the other figures:")
        for reading, counts in sorted(per_reading.items()):
            shown = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
            head.append(f"  {reading}: {shown}")
    if lines:
        head.append("findings:" if show_all else "inconsistencies:")
    return "\n".join(head + lines), inconsistent


def _num(term: object) -> Decimal | None:
    return Decimal(term.value) if isinstance(term, ox.Literal) else None


def _show(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.quantize(Decimal("0.01")).normalize(), "f")


def trends_rows(store: ox.Store) -> list[dict[str, str]]:
    """Every stated figure with a figure of the year before (stated or derived), as rows of text."""
    result = run_query(store, OBSERVATIONS_Q)
    labels_result = run_query(store, LABELS_Q)
    assert isinstance(result, SelectResult) and isinstance(labels_result, SelectResult)
    labels = {cell(r["c"]): r["l"].value for r in labels_result.rows}
    by_key: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for r in result.rows:
        by_key[(*(cell(r[d]) for d in _DIMS), r["p"].value)].append(r)
    rows: list[dict[str, str]] = []
    for key, current in sorted(by_key.items()):
        prior_key = (*key[:-1], str(int(key[-1]) - 1))
        for now in (c for c in current if cell(c["kind"]) == "stated"):
            for before in by_key.get(prior_key, []):
                cat, charge, right, bd, unit, _, _, _, measure = key[:-1]
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


def trends_table(store: ox.Store, fmt: str) -> str:
    """Every indicator with its prior-year value (stated or derived, with bounds), current value and change."""
    rows = trends_rows(store)
    table = SelectResult(TREND_COLUMNS, [{k: ox.Literal(v) for k, v in r.items()} for r in rows])
    return render(table, fmt)


def add_parser(sub: Any, root: object) -> None:
    """Register the ``check`` and ``trends`` verbs."""
    import argparse
    from pathlib import Path

    assert isinstance(root, Path)

    def store_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--build", default=str(root / "build"), help="built graph directory (default: %(default)s)")

    p = sub.add_parser(
        "check",
        help="the report's arithmetic: every generated consistency check, each inconsistency with its quotes",
        epilog="example: ipgraph check --all   (exit 1 when the reports contain an inconsistency)",
    )
    store_opt(p)
    p.add_argument("--all", action="store_true", help="also list undetermined checks")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser(
        "trends",
        help="every indicator with its prior-year value (stated or implied, with bounds), current value and change",
        epilog="example: ipgraph trends --format csv > trends.csv",
    )
    store_opt(p)
    p.add_argument("--format", choices=("table", "csv", "tsv", "json", "md"), default="table")
    p.set_defaults(func=_cmd_trends)


def _cmd_check(args: object) -> int:
    from pathlib import Path

    from ipgraph.store import open_store

    text, inconsistent = check_report(open_store(Path(args.build)), show_all=args.all)  # type: ignore[attr-defined]
    print(text)
    return 1 if inconsistent else 0


def _cmd_trends(args: object) -> int:
    from pathlib import Path

    from ipgraph.store import open_store

    print(trends_table(open_store(Path(args.build)), args.format))  # type: ignore[attr-defined]
    return 0
