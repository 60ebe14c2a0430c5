"""The link queries (queries/link-*.rq) answer over the report's graph joined with linked judgment records.

Why a separate test: catalog queries are pinned on the build of data/ (tests/test_queries.py), but the
judgment records these queries join to live outside the project (../shared/external/cail, the real CAIL2018
sample) and are never part of the build. So the fixture here builds the data, adds data/links/ the way the
build will (the links graph), links the two real CAIL2018 samples with `ipgraph link cail`'s code into their
own named graphs, and runs every link-*.rq on that; the pinned answers tests/queries/link-*.expected.csv are
counted off the records (see ../shared/external/cail/manifest.tsv and SOURCE.md) and read off the report.
Without ../shared the tests skip.

The federated Wikidata query (queries/federated/) is run against a local stand-in for the Wikidata endpoint on
127.0.0.1: no outbound request is made.
"""

from __future__ import annotations

import csv
import http.server
import json
import threading
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest

from ipgraph.query.catalog import parse_query_text
from ipgraph.query.results import cell
from ipgraph.store.embedded import SelectResult, run_query, term_for

from .conftest import ONTOLOGY, QUERIES, ROOT, SHARED

REPORT_IRI = "https://w3id.org/ipgraph/id/report/shanghai-2023"  # the pinned answers are the seed report's
CAIL = SHARED / "external" / "cail"
SAMPLES = ("cail2018_ip_sample.jsonl", "cail2018_nonip_sample.jsonl")
EXPECTED = ROOT / "tests" / "queries"
LINK_QUERIES = sorted(QUERIES.glob("link-*.rq"))
FEDERATED = QUERIES / "federated" / "wikidata-labels.rq"


def _norm(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return format(d.quantize(Decimal("0.0001")).normalize(), "f") if d == d else value


def _nquads(triples: list[tuple[object, object, object]], graph: str) -> bytes:
    lines = [f"{s.n3()} {p.n3()} {o.n3()} <{graph}> .\n" for s, p, o in triples]  # type: ignore[attr-defined]
    return "".join(lines).encode("utf-8")


def _load_built(store: ox.Store, built: Path) -> None:
    from ipgraph.linking.terms import GRAPH_LINKS
    from ipgraph.model.links import load_links

    from .conftest import DATA

    store.bulk_load(path=str(built / "ipgraph.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(_nquads(load_links(DATA), GRAPH_LINKS), format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def linked(built: Path) -> ox.Store:
    """The built data + data/links + both real CAIL2018 samples, each linked into its own graph."""
    missing = [s for s in SAMPLES if not (CAIL / s).is_file()]
    if missing:
        pytest.skip(
            f"the real CAIL2018 sample is not at {CAIL} ({', '.join(missing)} missing): the link queries' "
            "pinned answers are computed on it"
        )
    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.judgments import LinkSummary, link_judgments
    from ipgraph.linking.terms import links_graph, slugify

    store = ox.Store()
    _load_built(store, built)
    concepts = load_concepts(ONTOLOGY)
    for sample in SAMPLES:
        path = CAIL / sample
        slug = slugify(path.stem)
        summary = LinkSummary(path, links_graph(slug))
        store.bulk_load(b"".join(link_judgments(path, concepts, slug, summary)), format=ox.RdfFormat.N_QUADS)
    return store


def _answer(store: ox.Store, path: Path) -> tuple[list[str], list[list[str]], bool]:
    query = parse_query_text(path.stem, path.read_text(encoding="utf-8"), path)
    bindings = {
        p.name: term_for(p.default, p.type) for p in query.params if p.default is not None and p.type != "report"
    }
    bindings.update({p.name: term_for(REPORT_IRI, "iri") for p in query.params if p.type == "report"})  # the seed
    result = run_query(store, query.text, bindings)
    assert isinstance(result, SelectResult), "link queries are SELECT queries"
    rows = [[cell(r.get(v)) for v in result.variables] for r in result.rows]
    return result.variables, rows, query.ordered


def test_there_are_link_queries_with_headers() -> None:
    assert len(LINK_QUERIES) >= 4
    for path in LINK_QUERIES:
        q = parse_query_text(path.stem, path.read_text(encoding="utf-8"), path)
        assert q.summary and q.description, f"{path.name} needs '#+ summary:' and '#+ description:'"
        assert "links" in q.tags, f"{path.name} should be tagged 'links'"
        assert (EXPECTED / f"{path.stem}.expected.csv").is_file(), f"{path.name} has no pinned answer"


@pytest.mark.parametrize("path", LINK_QUERIES, ids=lambda p: p.stem)
def test_link_query_gives_pinned_answer(path: Path, linked: ox.Store) -> None:
    header, rows, ordered = _answer(linked, path)
    with (EXPECTED / f"{path.stem}.expected.csv").open(encoding="utf-8", newline="") as f:
        expected = list(csv.reader(f))
    assert header == expected[0]
    actual = [[_norm(c) for c in r] for r in rows]
    wanted = [[_norm(c) for c in r] for r in expected[1:]]
    if not ordered:
        actual, wanted = sorted(actual), sorted(wanted)
    assert actual == wanted


def test_without_linked_records_the_report_side_still_answers(store: ox.Store) -> None:
    """On the build alone the join keeps the report's figures and counts no judgment."""
    header, rows, _ = _answer(store, QUERIES / "link-judgments-per-charge.rq")
    by_charge = {r[1]: dict(zip(header, r, strict=True)) for r in rows}  # r[0] is the report
    counts = by_charge["charge:art-213-counterfeiting-registered-trademark"]
    assert counts["judgments"] == "0"
    assert _norm(counts["report_cases"]) == "298"  # I.1.2: "298 cases of counterfeiting registered trademarks"


# ------------------------------------------------------------------------------------------------ federation
class _FakeWikidata(http.server.BaseHTTPRequestHandler):
    """Answers any SPARQL query with fixed labels, as the Wikidata query service would for the VALUES it
    gets."""

    queries: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        from urllib.parse import parse_qs

        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        form = parse_qs(body)
        self.queries.append(form.get("query", [body])[0])
        rows = [
            {
                "wikidata": {"type": "uri", "value": "http://www.wikidata.org/entity/Q8686"},
                "label_fr": {"type": "literal", "value": "Shanghai", "xml:lang": "fr"},
                "population": {
                    "type": "literal",
                    "value": "1",
                    "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
                },
            },
            {
                "wikidata": {"type": "uri", "value": "http://www.wikidata.org/entity/Q167270"},
                "label_ja": {"type": "literal", "value": "商標", "xml:lang": "ja"},
            },
        ]
        payload = json.dumps(
            {
                "head": {"vars": ["wikidata", "label_ja", "label_fr", "population"]},
                "results": {"bindings": rows},
            }
        ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_wikidata() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _FakeWikidata)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_federated_query_hops_to_wikidata(built: Path, fake_wikidata: str) -> None:
    """The federated query joins ipgraph's terms with what the (stand-in) Wikidata endpoint returns."""
    from ipgraph.linking.wikidata import WIKIDATA_ENDPOINT

    store = ox.Store()
    _load_built(store, built)
    text = FEDERATED.read_text(encoding="utf-8")
    assert f"SERVICE <{WIKIDATA_ENDPOINT}>" in text
    result = run_query(store, text.replace(WIKIDATA_ENDPOINT, fake_wikidata), allow_federation=True)
    assert isinstance(result, SelectResult)
    rows = {(cell(r["term"]), cell(r.get("label_fr")), cell(r.get("label_ja"))) for r in result.rows}
    assert ("place:shanghai", "Shanghai", "") in rows
    assert ("right:trademark", "", "商標") in rows
    sent = _FakeWikidata.queries[-1]
    assert "wd:Q8686" in sent or "Q8686" in sent, "the Wikidata items are sent inside SERVICE"


def test_federated_query_lists_exactly_the_reviewed_items(built: Path) -> None:
    from ipgraph.linking.wikidata import federated_query, verified_links
    from ipgraph.store.embedded import open_store

    reviewed = verified_links(open_store(built), [ROOT / "data"])
    assert len(reviewed) == 9
    assert FEDERATED.read_text(encoding="utf-8") == federated_query([v.item for v in reviewed])
