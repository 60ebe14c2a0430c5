"""Implied prior-year values and consistency checks, against values worked out by hand from the report."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from rdflib import URIRef

from ipgraph.cli import main
from ipgraph.derivation.arithmetic import Engine, Structure
from ipgraph.derivation.intervals import Interval
from ipgraph.derivation.observations import Obs
from ipgraph.model.graph import BuildResult

from .conftest import DATA, ROOT

SYNTHETIC = ROOT / "tests" / "fixtures" / "synthetic-2024"


@pytest.fixture(scope="module")
def engine(build_result: BuildResult) -> Engine:
    from ipgraph.derivation.emit import derive_into

    return derive_into(build_result.dataset)


def derived(engine: Engine, slug: str) -> Interval:
    matches = [d for d in engine.derived if d.slug == slug]
    assert len(matches) == 1, f"{slug}: {[d.slug for d in engine.derived]}"
    return matches[0].interval


def approx(iv: Interval, low: str, high: str) -> bool:
    return abs(iv.low - Fraction(low)) < Fraction(1, 100) and abs(iv.high - Fraction(high)) < Fraction(1, 100)


# Worked by hand: base = value / (1 + rate/100) with the rate ± 0.05 (one decimal) or ± 0.5 (whole percent).
@pytest.mark.parametrize(
    ("slug", "low", "high", "point"),
    [
        ("shanghai-2023-arrest-examination-cases-2022", "173.93", "174.00", 174),  # 425 / 2.443
        ("shanghai-2023-arrest-examination-perpetrators-2022", "330.87", "331.02", 331),  # 738 / 2.230
        ("shanghai-2023-prosecution-examination-cases-2022", "615.99", "616.39", 616),  # 944 / 1.532
        ("shanghai-2023-prosecution-examination-perpetrators-2022", "1381.79", "1382.72", 1382),  # 2072 / 1.499
        ("shanghai-2023-art-219-cases-2022", "14.95", "15.05", 15),  # 24 / 1.6
        ("shanghai-2023-civil-administrative-supervision-cases-2022", "10.999", "11.003", 11),  # 30 / 2.727
        ("ip-criminal-case-2022", "789.92", "790.39", 790),  # 174 + 616
        ("ip-criminal-perpetrator-2022", "1712.66", "1713.73", 1713),  # 331 + 1382
    ],
)
def test_implied_2022_counts(engine: Engine, slug: str, low: str, high: str, point: int) -> None:
    d = next(d for d in engine.derived if d.slug == slug)
    assert approx(d.interval, low, high), d.interval.show()
    assert d.point == point


def test_handling_time_2022(engine: Engine) -> None:
    # 56.63 days (± 0.005) after a fall of 29.5% (± 0.05): 56.625 / 0.7055 … 56.635 / 0.7045
    assert approx(derived(engine, "shanghai-2023-first-instance-handling-time-2022"), "80.26", "80.39")


def test_cause_types_2022(engine: Engine) -> None:
    assert derived(engine, "shanghai-2023-civil-supervision-cause-types-2022") == Interval.exact(3)  # 9 − 6


def test_both_readings_of_rose_by_n_times(engine: Engine) -> None:
    # 24 cases of selling infringing copies "rose by five times": 24 / 5 = 4.8 or 24 / 6 = 4
    assert derived(engine, "shanghai-2023-art-218-cases-2022-inverse-multiple-as-factor") == Interval.exact(
        Fraction(24, 5)
    )
    assert derived(engine, "shanghai-2023-art-218-cases-2022-inverse-multiple-as-increase") == Interval.exact(4)
    # 105 copyright cases "rose by 1.8 times" (± 0.05): 105 / 1.85 … 105 / 1.75, or 105 / 2.85 … 105 / 2.75
    assert approx(derived(engine, "shanghai-2023-art-217-cases-2022-inverse-multiple-as-factor"), "56.76", "60")
    assert approx(derived(engine, "shanghai-2023-art-217-cases-2022-inverse-multiple-as-increase"), "36.84", "38.18")


def test_copyright_2022_from_its_share(engine: Engine) -> None:
    # 5.3% (± 0.05) of 790 cases in 2022 → 41.5 … 42.3: 42 copyright cases
    d = next(d for d in engine.derived if d.method == "share-of-total" and d.dims["period"] == "2022")
    assert d.dims["right"] == "copyright"
    assert d.point == 42


def verdicts(engine: Engine, kind: str) -> dict[str, str]:
    return {c.expression: c.verdict for c in engine.checks if c.kind == kind and c.reading is None}


def test_the_report_inconsistencies_are_found(engine: Engine) -> None:
    """I.1.5: 129 comprehensive-performance cases "including" 115 + 11 + 2 + 2 = 130; and I.2.1: the share of
    business-secret cases "increased continuously", but 15 / 790 = 1.90% in 2022 and 24 / 1,369 = 1.75% in 2023."""
    bad = sorted(c.expression for c in engine.checks if c.verdict == "inconsistent" and c.reading is None)
    assert bad == [
        "2 + 11 + 115 + 2 = 130 vs 129",
        "[1.89, 1.9] (2022) → [1.75, 1.85] (2023): stated increase",
    ]


def test_totals_that_add_up(engine: Engine) -> None:
    totals = verdicts(engine, "total-vs-parts")
    assert totals["425 + 944 = 1369 vs 1369"] == "consistent"
    assert totals["738 + 2072 = 2810 vs 2810"] == "consistent"
    consistent = [e for e, v in totals.items() if v == "consistent"]
    assert any(e.endswith("= 1369 vs 1369") and e.count("+") == 5 for e in consistent), "six charges sum to 1,369"
    assert any(e.endswith("= 2810 vs 2810") and e.count("+") == 5 for e in consistent), "perpetrators by charge"
    assert any(sorted(e.split(" = ")[0].split(" + ")) == ["1", "126", "2"] for e in consistent), "126 + 2 + 1 = 129"
    assert any(sorted(e.split(" = ")[0].split(" + ")) == ["1", "11", "6"] for e in consistent), "clue fields"
    assert any(sorted(e.split(" = ")[0].split(" + ")) == ["13", "2", "3"] for e in consistent), "clue sources"


def test_shares_against_ratios(engine: Engine) -> None:
    shares = {c.observations[0].split("/")[-1]: c.verdict for c in engine.checks if c.kind == "share-vs-ratio"}
    for obs in ("trademark", "copyright", "trade-secret", "reverse-transfer", "registration", "derivative"):
        assert any(obs in k for k in shares), (obs, shares)
    assert set(shares.values()) == {"consistent"}


def test_ranks(engine: Engine) -> None:
    ranks = [c for c in engine.checks if c.kind == "rank-order"]
    assert len(ranks) >= 2 and all(c.verdict == "consistent" for c in ranks)


def test_readings_are_judged_by_the_other_figures(engine: Engine) -> None:
    by_reading: dict[str, set[str]] = {}
    for c in engine.checks:
        if c.reading:
            by_reading.setdefault(c.reading, set()).add(c.verdict)
    assert by_reading["inverse-multiple-as-increase"] == {"consistent"}
    assert "inconsistent" in by_reading["inverse-multiple-as-factor"]


def obs(iri: str, value: int | str, **dims: str) -> Obs:
    base = {
        "period": "2023", "area": "shanghai", "entity": "e", "function": "criminal", "category": "ip-criminal",
        "charge": "ip-crime", "right": "intellectual-property", "breakdown": "total", "unit": "case",
        "measure": "count",
    }  # fmt: skip
    base.update(dims)
    v = Fraction(str(value))
    return Obs(URIRef(f"urn:x:{iri}"), URIRef("urn:ds"), base, v, "exact", None, None, [str(value)], str(value))


def structure() -> Structure:
    return Structure({"ip-criminal": {"a", "b"}}, {}, {}, {}, {})


def test_a_total_that_does_not_add_up_is_inconsistent() -> None:
    e = Engine([obs("t", 10), obs("a", 4, category="a"), obs("b", 5, category="b")], structure())
    e.run()
    assert [c.verdict for c in e.checks if c.kind == "total-vs-parts"] == ["inconsistent"]


def test_a_share_off_by_more_than_rounding_is_inconsistent() -> None:
    whole = obs("w", 200)
    part = obs("p", 50, category="a")
    good = obs("s1", "25.0", category="a", measure="share")
    bad = obs("s2", "25.2", category="a", measure="share", breakdown="x")
    bad_part = obs("p2", 50, category="a", breakdown="x")
    for s in (good, bad):
        s.share_of = whole.iri
    e = Engine([whole, part, good, bad, bad_part], structure())
    e.run()
    verdicts = {c.observations[0]: c.verdict for c in e.checks if c.kind == "share-vs-ratio"}
    assert verdicts == {good.iri: "consistent", bad.iri: "inconsistent"}


def test_a_second_report_gives_its_own_trends_and_cross_report_disagreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SYNTHETIC second report: 2024 figures, and a 2023 value (430) that disagrees with the 2023 report (425)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(SYNTHETIC / "reports" / "synthetic-shanghai-2024", data / "reports" / "synthetic-shanghai-2024")
    shutil.copy(SYNTHETIC / "sources" / "synthetic-shanghai-2024.en.txt", data / "sources")
    out = tmp_path / "build"
    assert main(["build", "--data", str(data), "--out", str(out), "--no-validate"]) == 0
    capsys.readouterr()
    assert main(["check", "--build", str(out), "--wide"]) == 1  # --wide: one line per finding
    text = capsys.readouterr().out
    assert any(
        line.startswith("  INCONSISTENT [same-figure-across-reports] examination for arrest (case, 2023) — ")
        and "— 425 (shanghai-2023) vs 430 (synthetic-shanghai-2024) —" in line
        for line in text.splitlines()
    ), text
    assert "1369" not in [line for line in text.splitlines() if "INCONSISTENT" in line and "9.6" in line]
    assert main(["trends", "--build", str(out), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    # 2023 → 2024 within the 2024 report only: 1,500 and its own +9.6% (1,500 / 1.096 ≈ 1,368.6), never the 1,369
    # the 2023 report states (the two reports are compared by the check above, not paired as a trend)
    to_2024 = [r for r in rows if ",2024,1500," in r]
    assert to_2024 and all(
        r.startswith("synthetic-shanghai-2024,Shanghai,IP-infringement criminal cases,") for r in to_2024
    )
    assert all(",2023,1368.61," in r and "derived: inverse of a change rate" in r for r in to_2024)


# ------------------------------------------------------------------ definitions are scoped to their report
def _obs_in(dataset: str, iri: str, value: int | str, **dims: str) -> Obs:
    o = obs(f"{dataset}-{iri}", value, **dims)
    o.dataset = URIRef(f"https://w3id.org/ipgraph/id/dataset/{dataset}")
    return o


def test_a_reports_own_definition_applies_to_its_figures_only() -> None:
    """Report "a" defines its criminal total as arrest + prosecution examinations (a footnote); report "b" states
    the same kinds of figure without that definition: "b" gets no derived total and no total-vs-parts check."""
    rule = Structure({}, {}, {}, {}, {})
    rule.report_components = {"a": {"ip-criminal": {"arrest-examination", "prosecution-examination"}}}
    rule.report_definitions = {"a": {"ip-criminal": "footnote 0"}}
    figures = []
    for ds, total in (("a", 1369), ("b", 1400)):
        figures += [
            _obs_in(ds, "total", total),
            _obs_in(ds, "arrest", 425, category="arrest-examination"),
            _obs_in(ds, "prosecution", 944, category="prosecution-examination"),
            _obs_in(ds, "arrest-change", "144.3", category="arrest-examination", measure="change-rate"),
            _obs_in(ds, "prosecution-change", "53.2", category="prosecution-examination", measure="change-rate"),
        ]
        for o in figures[-2:]:
            o.base_period = "2022"
    e = Engine(figures, rule)
    e.run()
    totals = {str(c.observations[0]).rsplit(":", 1)[1]: c.verdict for c in e.checks if c.kind == "total-vs-parts"}
    assert totals == {"a-total": "consistent"}
    sums = {d.dataset.rsplit("/", 1)[1] for d in e.derived if d.method == "sum-of-components"}
    assert sums == {"a"}, "the 2022 total is derived for the report that defines it only"
    assert rule.definition_note("https://w3id.org/ipgraph/id/dataset/a", "ip-criminal") == (
        "a defines ip-criminal as arrest-examination + prosecution-examination (footnote 0)"
    )
    assert rule.definition_note("https://w3id.org/ipgraph/id/dataset/b", "ip-criminal") == ""


def test_the_same_figure_in_two_reports_says_whose_definition_differs() -> None:
    rule = Structure({}, {}, {}, {}, {})
    rule.report_components = {"a": {"ip-criminal": {"arrest-examination", "prosecution-examination"}}}
    rule.report_definitions = {"a": {"ip-criminal": "footnote 0"}}
    a, b = _obs_in("a", "total", 1369), _obs_in("b", "total", 1400)
    a.quotes, b.quotes = ["1,369 criminal cases"], ["1,400 criminal cases"]
    e = Engine([a, b], rule)
    e.check_across_reports()
    [check] = e.checks
    assert check.verdict == "inconsistent"
    assert "the definitions differ: a defines ip-criminal as arrest-examination + prosecution-examination" in (
        check.explanation
    )
    assert "b states no definition" in check.explanation
    assert check.quotes == ["1,369 criminal cases", "1,400 criminal cases"]


def test_the_seeds_footnote_is_the_seeds_not_the_ontologys(build_result: BuildResult) -> None:
    from rdflib import Dataset, Graph

    from ipgraph.model.graph import GRAPH_ONTOLOGY
    from ipgraph.model.namespace import IPG

    ontology: Graph = build_result.dataset.graph(GRAPH_ONTOLOGY)
    criminal = URIRef("https://w3id.org/ipgraph/id/category/ip-criminal")
    assert not list(ontology.subjects(IPG.isComponentOf, criminal)), "a report's definition, not a general rule"
    s = Structure.from_graph(ontology)
    s.add_report_definitions(Dataset(store=build_result.dataset.store, default_union=True))
    assert s.report_components["shanghai-2023"]["ip-criminal"] == {"arrest-examination", "prosecution-examination"}
    assert s.report_definitions["shanghai-2023"]["ip-criminal"] == "footnote 0"
