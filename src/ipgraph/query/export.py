"""``ipgraph export``: the built graph in an RDF format, or the Data Cube as a tidy CSV table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.model.prefixes import sparql_prologue
from ipgraph.query.results import cell
from ipgraph.store.embedded import SelectResult, run_query

RDF_FORMATS = {
    "ttl": "ipgraph.ttl",
    "nt": "ipgraph.nt",
    "nq": "ipgraph.nq",
    "trig": "ipgraph.trig",
    "jsonld": "ipgraph.jsonld",
}
CSV_COLUMNS = [
    "observation", "dataset", "period", "area", "observed_entity", "function", "category", "charge",
    "right_type", "breakdown", "unit", "measure", "value", "unit_of_measure", "qualifier", "base_period",
    "share_of", "direction", "section", "quote",
]  # fmt: skip
_TIDY_Q = (
    sparql_prologue()
    + """SELECT ?observation ?dataset ?period ?area ?observed_entity ?function ?category ?charge ?right_type
       ?breakdown ?unit ?measure ?value ?unit_of_measure ?qualifier ?base_period ?share_of ?direction
       (GROUP_CONCAT(DISTINCT ?sec; separator=" ") AS ?section)
       (GROUP_CONCAT(DISTINCT ?exact; separator=" | ") AS ?quote)
WHERE {
  ?observation a qb:Observation ; qb:dataSet ?dataset ; ipg:refPeriod ?period ; ipg:refArea ?area ;
     ipg:observedEntity ?observed_entity ; ipg:procuratorialFunction ?function ; ipg:caseCategory ?category ;
     ipg:charge ?charge ; ipg:rightType ?right_type ; ipg:breakdown ?breakdown ; ipg:statUnit ?unit ;
     ipg:statMeasure ?measure .
  OPTIONAL { ?observation ipg:obsValue ?value }
  OPTIONAL { ?observation ipg:unitMeasure ?unit_of_measure }
  OPTIONAL { ?observation ipg:valueQualifier ?qualifier }
  OPTIONAL { ?observation ipg:basePeriod ?base_period }
  OPTIONAL { ?observation ipg:shareOf ?share_of }
  OPTIONAL { ?observation ipg:trendDirection ?direction }
  OPTIONAL { ?observation prov:wasDerivedFrom ?q .
             ?q ipg:section/ipg:sectionNumber ?sec ; oa:hasSelector/oa:exact ?exact }
}
GROUP BY ?observation ?dataset ?period ?area ?observed_entity ?function ?category ?charge ?right_type
         ?breakdown ?unit ?measure ?value ?unit_of_measure ?qualifier ?base_period ?share_of ?direction
ORDER BY ?dataset ?observation"""
)


def tidy_csv(store: ox.Store) -> str:
    """One row per observation, one column per dimension, measure and attribute, plus its sections and quotes."""
    result = run_query(store, _TIDY_Q)
    assert isinstance(result, SelectResult)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for row in result.rows:
        w.writerow([cell(row.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()


def export(build_dir: Path, fmt: str, store: ox.Store | None = None) -> bytes:
    """The bytes of one export format."""
    if fmt in RDF_FORMATS:
        path = build_dir / RDF_FORMATS[fmt]
        if not path.is_file():
            raise InputError(f"no {path.name} in {build_dir}: run `ipgraph build` first")
        return path.read_bytes()
    if fmt == "csv":
        if store is None:
            raise InputError("csv export needs the store")
        return tidy_csv(store).encode("utf-8")
    raise InputError(f"unknown export format {fmt!r} (one of: {', '.join([*RDF_FORMATS, 'csv'])})")
