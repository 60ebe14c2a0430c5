"""Many reports in one graph: each report's answers stay its own, and the reports are compared only on purpose.

The graph is built twice per session: the real data alone, and the real data with the INVENTED fixture reports of
``tests/fixtures/reports/`` (whose texts and figures are made up). Other fixture reports may be added there; the
tests only look at the reports they name.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph.query.catalog import REPORT_TYPE, CatalogQuery, parse_query_text, report_iri
from ipgraph.query.results import cell
from ipgraph.store.embedded import SelectResult, run_query, term_for

from .conftest import DATA, ONTOLOGY, QUERIES, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
PINNED = ROOT / "tests" / "queries" / "fixtures"
SEED = "shanghai-2023"
MINE = ["invented-national-2021-2023", "invented-minhang-2023", "invented-shanghai-2024", "invented-ningbo-2017-2021"]


def _catalog() -> list[CatalogQuery]:
    paths = sorted(QUERIES.glob("*.rq"))
    return [parse_query_text(p.stem, p.read_text(encoding="utf-8"), p) for p in paths]


REPORT_LEVEL = [q for q in _catalog() if any(p.type == REPORT_TYPE for p in q.params)]


def _norm(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return format(d.quantize(Decimal("0.0001")).normalize(), "f") if d == d else value


def _ask(
    store: ox.Store, query: CatalogQuery, report: str | None, given: dict[str, str] | None = None
) -> list[list[str]]:
    given = given or {}
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        if p.type == REPORT_TYPE:
            if report is not None:
                bindings[p.name] = term_for(report_iri(p.name, report), "iri")
            continue
        value = given.get(p.name, p.default)
        if value is not None and p.type == "iri" and value.startswith("measure:"):
            value = "https://w3id.org/ipgraph/id/measure/" + value.split(":", 1)[1]
        if value is not None:
            bindings[p.name] = term_for(value, p.type)
    result = run_query(store, query.text, bindings)
    assert isinstance(result, SelectResult)
    return [result.variables] + [[_norm(cell(r.get(v))) for v in result.variables] for r in result.rows]


def test_the_report_level_queries_are_many() -> None:
    assert len(REPORT_LEVEL) >= 90


def test_every_fixture_report_is_invented_and_says_so() -> None:
    for rid in MINE:
        text = (FIXTURES / "sources" / f"{rid}.en.txt").read_text(encoding="utf-8")
        assert text.startswith("INVENTED TEST REPORT"), rid
        assert "figure in it are invented" in text.splitlines()[0]


@pytest.mark.slow
@pytest.mark.parametrize("query", REPORT_LEVEL, ids=lambda q: q.name)
def test_the_seed_answers_alike_with_and_without_other_reports(
    query: CatalogQuery, store: ox.Store, combined_store: ox.Store
) -> None:
    """Asked of report=shanghai-2023, a report-level query gives the same answer whatever else is in the graph.

    Queries that compare reports on purpose (tagged ``across-reports``) may only gain rows, each of them a
    comparison with another report.
    """
    alone = _ask(store, query, SEED)
    together = _ask(combined_store, query, SEED)
    assert alone[0] == together[0]
    if "across-reports" in query.tags:
        extra = [r for r in together[1:] if r not in alone[1:]]
        assert all(r in together[1:] for r in alone[1:])
        assert all(any("across-reports" in c or "invented-" in c for c in r) for r in extra), extra[:2]
    else:
        assert sorted(together[1:]) == sorted(alone[1:])
        assert all(r[0] == f"report:{SEED}" for r in together[1:])


@pytest.mark.parametrize(
    "query", [q for q in REPORT_LEVEL if not q.params[1:] or q.name.startswith("cq-0")][:12], ids=lambda q: q.name
)
def test_without_a_report_every_report_answers_in_its_own_block(query: CatalogQuery, combined_store: ox.Store) -> None:
    """No report given: the rows of every report, each labelled with its report, the seed's rows among them."""
    every = _ask(combined_store, query, None)
    seed = _ask(combined_store, query, SEED)
    assert every[0][0] == "report"
    assert sorted(r for r in every[1:] if r[0] == f"report:{SEED}") == sorted(seed[1:])
    if query.ordered:
        order = [r[0] for r in every[1:]]
        assert order == sorted(order), "one block per report"


def _pinned() -> list[tuple[str, str, dict[str, str], Path]]:
    out = []
    for path in sorted(PINNED.glob("*/*.expected.csv")):
        name, *pairs = path.name.removesuffix(".expected.csv").split("--")
        out.append((path.parent.name, name, dict(p.split("=", 1) for p in pairs), path))
    return out


@pytest.mark.parametrize("case", _pinned(), ids=lambda c: f"{c[0]}/{c[3].name.removesuffix('.expected.csv')}")
def test_fixture_report_gives_pinned_answer(
    case: tuple[str, str, dict[str, str], Path], combined_store: ox.Store
) -> None:
    """Each invented report's answers, read off its invented text (tests/queries/fixtures/REPORT/QUERY.csv)."""
    report, name, given, path = case
    query = parse_query_text(name, (QUERIES / f"{name}.rq").read_text(encoding="utf-8"), QUERIES / f"{name}.rq")
    with path.open(encoding="utf-8", newline="") as f:
        expected = [[_norm(c) for c in row] for row in csv.reader(f)]
    got = _ask(combined_store, query, report, given)
    assert got[0] == expected[0]
    assert len(got) > 1, "a pinned answer has rows"
    if query.ordered:
        assert got[1:] == expected[1:]
    else:
        assert sorted(got[1:]) == sorted(expected[1:])


def test_pinned_answers_cover_every_invented_report() -> None:
    assert {c[0] for c in _pinned()} >= set(MINE)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ipgraph", *args], capture_output=True, text=True, cwd=ROOT)


def test_check_names_the_reports_and_quotes_of_the_inconsistent_restatement(combined: Path) -> None:
    """The 2024 paper's +12.5% on 180 non-prosecution cases implies 160 in 2023; the 2023 paper says 153."""
    run = _cli("check", "--build", str(combined), "--report", "invented-shanghai-2024", "--wide")
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("  INCONSISTENT")]
    assert len(lines) == 1, run.stdout
    line = lines[0]
    assert line.startswith(
        "  INCONSISTENT [same-figure-across-reports] non-prosecution (case, 2023) — "
        "stated 153 vs inverse-change-rate [159.93, 160.07]"
    )
    assert "in invented-shanghai-2024 (Shanghai); shanghai-2023 (Shanghai)" in line
    assert "[invented-shanghai-2024 I.1.2] “They decided not to prosecute in 180 cases" in line
    assert "[shanghai-2023 IV.1.2] “" in line and "153 cases" in line
    # three implied 2023 counts, each a whole number (28, 1,369, 160), and each against the 2023 paper: 2 agree
    assert run.stdout.startswith(
        "invented-shanghai-2024: 6 consistency checks: 5 consistent, 1 inconsistent, 0 undetermined\n"
    )


def test_the_seed_alone_still_has_its_own_two_inconsistencies(combined: Path) -> None:
    run = _cli("check", "--build", str(combined), "--report", SEED, "--wide")
    lines = [line for line in run.stdout.splitlines() if line.startswith("  INCONSISTENT")]
    own = [line for line in lines if "[same-figure-across-reports]" not in line]
    assert len(own) == 2 and sum("[shanghai-2023 I.1.5]" in line for line in own) == 1
    across = [line for line in lines if "[same-figure-across-reports]" in line]
    assert [line for line in across if "invented-shanghai-2024" in line] == [
        line for line in across if "stated 153 vs inverse-change-rate" in line
    ]


def test_trends_pair_figures_of_one_report_only(combined: Path) -> None:
    run = _cli("trends", "--build", str(combined), "--format", "csv")
    rows = list(csv.DictReader(run.stdout.splitlines()))
    assert rows and list(rows[0])[:2] == ["report", "area"]
    by_report: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_report.setdefault(r["report"], []).append(r)
    # 2023 → 2024 in Shanghai: the 2024 paper's own implied 2023 value (160), never the 2023 paper's 153
    nonpros = [r for r in by_report["invented-shanghai-2024"] if r["indicator"] == "non-prosecution"]
    assert [(r["prior_value"], r["prior_source"], r["value"]) for r in nonpros] == [
        ("160", "derived: inverse of a change rate", "180")
    ]
    assert not any(r["period"] == "2024" for r in by_report[SEED])
    ningbo = [(r["prior_period"], r["prior_value"], r["value"]) for r in by_report["invented-ningbo-2017-2021"]]
    assert ningbo == [("2017", "310", "342"), ("2018", "342", "365"), ("2019", "365", "398"), ("2020", "398", "431")]
    assert {r["area"] for r in by_report["invented-minhang-2023"]} == {"Minhang District"}
    only = _cli("trends", "--build", str(combined), "--format", "csv", "--report", "invented-minhang-2023")
    assert [r["report"] for r in csv.DictReader(only.stdout.splitlines())] == ["invented-minhang-2023"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "report=no-such-report"], "no report 'no-such-report' in this graph (reports: "),
        (["--param", "report=../x"], "parameter 'report' takes a report id"),
    ],
)
def test_a_bad_report_is_one_line(combined: Path, args: list[str], message: str) -> None:
    run = _cli("query", "cq-01-ip-criminal-cases-and-perpetrators", "--build", str(combined), *args)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr
    if "no-such" in message:
        assert "invented-shanghai-2024" in run.stderr and SEED in run.stderr


def test_a_query_that_is_not_per_report_refuses_the_parameter(combined: Path) -> None:
    run = _cli("query", "charges-and-articles", "--build", str(combined), "--param", f"report={SEED}")
    assert run.returncode == 2 and "unknown parameter 'report'" in run.stderr


def test_a_report_in_two_data_directories_is_refused(tmp_path: Path) -> None:
    from ipgraph.errors import InputError
    from ipgraph.store.build import assemble

    other = tmp_path / "other"
    shutil.copytree(FIXTURES / "reports" / "invented-minhang-2023", other / "reports" / "invented-minhang-2023")
    shutil.copytree(FIXTURES / "sources", other / "sources")
    with pytest.raises(InputError, match="report 'invented-minhang-2023' is also in"):
        assemble([DATA, FIXTURES, other], ONTOLOGY)


def test_entities_and_links_are_shared_across_data_directories(tmp_path: Path) -> None:
    """A fixture report uses place:shanghai of data/; the links of every data directory are loaded."""
    from ipgraph.model.graph import GRAPH_LINKS
    from ipgraph.store.build import assemble

    other = tmp_path / "other"
    shutil.copytree(FIXTURES / "reports" / "invented-shanghai-2024", other / "reports" / "invented-shanghai-2024")
    shutil.copytree(FIXTURES / "sources", other / "sources")
    (other / "links").mkdir()
    (other / "links" / "extra.sssom.tsv").write_text(
        (DATA / "links" / "wikidata.sssom.tsv").read_text(encoding="utf-8").replace("wd:Q8686", "wd:Q1"),
        encoding="utf-8",
    )
    result = assemble([DATA, other], ONTOLOGY)
    assert set(result.reports) == {SEED, "invented-shanghai-2024"}
    links = {str(o) for _, _, o in result.dataset.graph(GRAPH_LINKS)}
    assert "http://www.wikidata.org/entity/Q8686" in links and "http://www.wikidata.org/entity/Q1" in links


def test_charts_are_drawn_per_report(combined_store: ox.Store) -> None:
    """No chart mixes two reports: one set per report, titled with the report and its area."""
    from ipgraph.viz.charts import all_charts, charge_chart, per_report
    from ipgraph.viz.index import load_index

    ix = load_index(combined_store)
    parts = {rid: (area, rix) for rid, area, rix in per_report(ix)}
    assert set(MINE) | {SEED} <= set(parts)
    assert parts["invented-minhang-2023"][0] == "Minhang District"
    national = {g.en.split(" · ")[0]: g for g in charge_chart(parts["invented-national-2021-2023"][1]).groups}
    assert national["Art. 214"].values["2022"].value == 5630  # type: ignore[union-attr]
    assert national["Art. 214"].values["2023"].value == 6410  # type: ignore[union-attr]
    seed = {g.en.split(" · ")[0]: g for g in charge_chart(parts[SEED][1]).groups}
    assert seed["Art. 214"].values["2023"].value == 873  # type: ignore[union-attr]
    assert seed["Art. 214"].values["2022"] is None or seed["Art. 214"].values["2022"].derived  # type: ignore[union-attr]
    charts = all_charts(combined_store, ix)
    titles = [c.svg_inline.split("<title>", 1)[1].split("</title>", 1)[0] for c in charts]
    assert all(t.split(" ", 1)[0] in parts for t in titles), titles
    assert any(t.startswith("invented-shanghai-2024 (Shanghai): ") and "2023 and 2024" in t for t in titles)


def test_every_data_cube_constraint_holds_with_every_report(combined: Path) -> None:
    """W3C Data Cube IC-1 … IC-21 on the graph of all reports (the queries are third-party, kept outside)."""
    from ipgraph.checks.datacube import run_integrity_constraints

    from .conftest import SHARED

    ic_dir = SHARED / "external" / "qb-ic"
    if not (ic_dir / "ic-01.rq").is_file():
        pytest.skip(f"the W3C Data Cube IC queries are not at {ic_dir}")
    text = (combined / "ipgraph.nq").read_text(encoding="utf-8")
    for rid in MINE:  # the fixture reports are in the cube
        assert f"<https://w3id.org/ipgraph/id/dataset/{rid}>" in text
    results = run_integrity_constraints(text.encode("utf-8"), ic_dir)
    assert len(results) == 22
    assert [f"{r.name} {r.title}" for r in results if r.violated] == []
