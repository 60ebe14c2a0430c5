"""``ipgraph check`` and ``ipgraph trends``: the report's arithmetic and its trends, read from the built store."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from ipgraph.prefixes import sparql_prologue
from ipgraph.results import cell, render
from ipgraph.store import SelectResult, run_query

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

TRENDS_Q = (
    sparql_prologue()
    + """SELECT ?indicator ?unit ?value2022 ?low2022 ?high2022 ?source2022 ?interpretation ?value2023
       ?change ?change_percent ?direction ?o2023
WHERE {
  ?o2023 a ipg:StatedObservation ; ipg:refPeriod ?p ; ipg:statMeasure ?m ; ipg:obsValue ?value2023 ;
         ipg:caseCategory ?cat ; ipg:charge ?charge ; ipg:rightType ?right ; ipg:breakdown ?bd ; ipg:statUnit ?unitc ;
         ipg:procuratorialFunction ?fn ; ipg:refArea ?area ; ipg:observedEntity ?ent .
  FILTER(?m IN (measure:count, measure:average-duration))
  ?o2022 ipg:refPeriod ?p0 ; ipg:statMeasure ?m ; ipg:obsValue ?value2022 ; ipg:caseCategory ?cat ;
         ipg:charge ?charge ; ipg:rightType ?right ; ipg:breakdown ?bd ; ipg:statUnit ?unitc ;
         ipg:procuratorialFunction ?fn ; ipg:refArea ?area ; ipg:observedEntity ?ent .
  FILTER(STR(?p0) = STR(xsd:integer(STR(?p)) - 1))
  OPTIONAL { ?o2022 ipg:lowerBound ?low2022 }
  OPTIONAL { ?o2022 ipg:upperBound ?high2022 }
  OPTIONAL { ?o2022 ipg:interpretation/skos:prefLabel ?interpretation . FILTER(lang(?interpretation) = "en") }
  OPTIONAL { ?o2022 ipg:derivationMethod/skos:prefLabel ?method . FILTER(lang(?method) = "en") }
  BIND(IF(BOUND(?method), CONCAT("derived: ", ?method), "stated") AS ?source2022)
  BIND(?value2023 - ?value2022 AS ?change)
  BIND(IF(?value2022 != 0, ROUND(1000 * (?value2023 - ?value2022) / ?value2022) / 10, "") AS ?change_percent)
  BIND(IF(?change > 0, "up", IF(?change < 0, "down", "unchanged")) AS ?direction)
  ?cat skos:prefLabel ?catl . FILTER(lang(?catl) = "en")
  OPTIONAL { ?charge skos:prefLabel ?chl . FILTER(lang(?chl) = "en" && ?charge != charge:ip-crime) }
  OPTIONAL { ?right skos:prefLabel ?rl . FILTER(lang(?rl) = "en" && ?right != right:intellectual-property) }
  OPTIONAL { ?bd skos:prefLabel ?bdl . FILTER(lang(?bdl) = "en" && ?bd != breakdown:total) }
  ?unitc skos:prefLabel ?unit . FILTER(lang(?unit) = "en")
  BIND(CONCAT(?catl, COALESCE(CONCAT(" / ", ?chl), ""), COALESCE(CONCAT(" / ", ?rl), ""),
              COALESCE(CONCAT(" / ", ?bdl), ""), IF(?m = measure:average-duration, " (average days)", "")) AS ?indicator)
}
ORDER BY ?indicator ?unit ?source2022 ?interpretation"""
)


def _snippet(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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
                    quotes.append(f"[{sec}] “{_snippet(exact)}”")
            kind = cell(r["kind"]).split(":")[1]
            lines.append(f"  {verdict.upper()} [{kind}] {r['expression'].value} — " + " / ".join(quotes))
    total = sum(by_verdict.values())
    head = [
        f"{total} checks: {by_verdict['consistent']} consistent, {by_verdict['inconsistent']} inconsistent, "
        f"{by_verdict['undetermined']} undetermined"
    ]
    if per_reading:
        head.append(
            "readings of ambiguous statements (“rose by N times”), checked against the other figures:"
        )
        for reading, counts in sorted(per_reading.items()):
            shown = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
            head.append(f"  {reading}: {shown}")
    if lines:
        head.append("findings:" if show_all else "inconsistencies:")
    return "\n".join(head + lines), inconsistent


def trends_table(store: ox.Store, fmt: str) -> str:
    """Every indicator with its prior-year value (stated or derived, with bounds), current value and change."""
    result = run_query(store, TRENDS_Q)
    assert isinstance(result, SelectResult)
    keep = [v for v in result.variables if v != "o2023"]
    for row in result.rows:
        for key in ("value2022", "low2022", "high2022", "change"):
            term = row.get(key)
            if isinstance(term, ox.Literal) and re.fullmatch(r"-?\d+(\.\d+)?", term.value):
                row[key] = ox.Literal(format(Decimal(term.value).quantize(Decimal("0.01")).normalize(), "f"))
    return render(SelectResult(keep, result.rows), fmt)


def add_parser(sub: object, root: object) -> None:
    """Register the ``check`` and ``trends`` verbs."""
    import argparse
    from pathlib import Path

    assert isinstance(sub, argparse._SubParsersAction) and isinstance(root, Path)

    def store_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--build", default=str(root / "build"), help="built graph directory (default: %(default)s)"
        )

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
