"""Terminal output that fits: tables, checks and descriptions within the terminal's width, and counts that agree.

Widths are measured with ``wcwidth`` (not with ipgraph's own width function). The graph is the real data with the
INVENTED fixture reports of ``tests/fixtures/reports/`` (several reports, Chinese among them).
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from wcwidth import wcswidth

from ipgraph.query.termtable import table

from .conftest import DATA, ONTOLOGY, ROOT

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def several(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data and the invented fixture reports, built once."""
    from ipgraph.store.build import build

    out = tmp_path_factory.mktemp("terminal") / "build"
    build([DATA, FIXTURES], out, ONTOLOGY, validate=False)
    return out


def _run(*args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, "-m", "ipgraph", *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


def _widest(text: str) -> int:
    return max(wcswidth(line) for line in text.splitlines())


VERBS = [
    ["trends"],
    ["check", "--all"],
    ["query", "criminal-cases-by-charge"],
    ["query", "trends-by-direction"],
    ["describe", "charge:art-219-infringing-trade-secrets"],
    ["describe", "obs:shanghai-2023-ip-criminal-cases"],
    ["describe", "inst:shanghai-procuratorates"],
]


@pytest.mark.parametrize("columns", [100, 60])
@pytest.mark.parametrize("args", VERBS, ids=lambda a: "-".join(a))
def test_no_line_is_wider_than_the_terminal(several: Path, args: list[str], columns: int) -> None:
    run = _run(*args, "--build", str(several), columns=columns)
    assert run.returncode in (0, 1), run.stderr
    assert run.stdout.strip()
    assert _widest(run.stdout) <= columns


def test_the_width_of_a_pipe_is_100(several: Path) -> None:
    """Not a terminal and no COLUMNS: the trends (267 columns in full) are laid out for 100 columns."""
    run = _run("trends", "--build", str(several))
    assert _widest(run.stdout) <= 100
    assert _widest(_run("trends", "--build", str(several), "--wide").stdout) > 200


def test_wide_prints_every_cell_in_full(several: Path) -> None:
    narrow = _run("query", "criminal-cases-by-charge", "--build", str(several), columns=60).stdout
    wide = _run("query", "criminal-cases-by-charge", "--build", str(several), "--wide", columns=60).stdout
    assert "charge:art-214-selling-counterfeit-trademark-goods" not in narrow
    row = next(line for line in wide.splitlines() if "art-214" in line)
    assert row.split()[:6] == [
        "report:shanghai-2023", "charge:art-214-selling-counterfeit-trademark-goods", "214", "right:trademark",
        "873", "1579",
    ]  # fmt: skip
    trends = _run("trends", "--build", str(several), "--wide").stdout.splitlines()
    assert trends[0].split() == [
        "report", "area", "indicator", "unit", "prior_period", "prior_value", "prior_low", "prior_high",
        "prior_source", "interpretation", "period", "value", "change", "change_percent", "direction",
    ]  # fmt: skip


def test_csv_stays_complete_whatever_the_width(several: Path) -> None:
    run = _run("trends", "--build", str(several), "--format", "csv", columns=40)
    rows = list(csv.DictReader(run.stdout.splitlines()))
    arrest = [r for r in rows if r["report"] == "shanghai-2023" and r["indicator"] == "examination for arrest"]
    # the report: 425 cases for examination and arrest, up 144.3% on 2022 (so 173.93 to 174.00 cases in 2022)
    assert ("case", "174", "173.93", "174", "derived: inverse of a change rate", "425") in [
        (r["unit"], r["prior_value"], r["prior_low"], r["prior_high"], r["prior_source"], r["value"]) for r in arrest
    ]


def test_fitted_trends_read_one_report_at_a_time(several: Path) -> None:
    out = _run("trends", "--build", str(several), columns=100).stdout
    heads = [line for line in out.splitlines() if " — " in line and "indicator" in line]
    assert "shanghai-2023 — Shanghai: 12 indicators" in heads
    assert any(h.startswith("invented-ningbo-2017-2021 — Ningbo") for h in heads)
    block = out.split("shanghai-2023 — Shanghai:")[1].split("\n\n")[0]
    arrest = next(line for line in block.splitlines() if line.startswith("examination for arrest") and "425" in line)
    assert arrest.split()[-4:] == ["174", "425", "+251", "(+144.25%)"]
    assert "↳ 2022: derived 173.93–174: inverse of a change rate" in block


def test_a_table_too_narrow_for_its_columns_becomes_records() -> None:
    """Invented rows: at 20 columns no column can be shown readably side by side."""
    text = table(["report", "indicator", "value"], [["invented-2024", "侵犯商业秘密罪案件", "3"]], width=20)
    assert text.splitlines()[0] == "-- 1 --"
    assert all(wcswidth(line) <= 20 for line in text.splitlines())
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("indicator"))
    end = next(i for i, line in enumerate(lines) if line.startswith("value"))
    assert "".join(line.strip().removeprefix("indicator").strip() for line in lines[start:end]) == "侵犯商业秘密罪案件"


def test_a_shortened_cell_ends_with_an_ellipsis_and_an_iri_keeps_its_end() -> None:
    rows = [["<https://example.org/invented/a/long/path/one>", "some long invented note that will not fit"]]
    text = table(["iri", "note"], rows, width=40)
    line = text.splitlines()[2]
    assert wcswidth(line) <= 40 and "…" in line and "one>" in line


def _findings(text: str) -> list[str]:
    """The head of each finding: from its verdict to the line before its expression (wrapped lines joined)."""
    heads, current = [], None
    for line in text.splitlines():
        if re.match(r"  (INCONSISTENT|UNDETERMINED) ", line):
            current = [line.strip()]
            heads.append(current)
        elif current is not None and line.startswith("  ") and not line.startswith("    "):
            current.append(line.strip())
        else:
            current = None
    return [" ".join(h) for h in heads]


def test_every_finding_names_its_figure_and_its_report(several: Path) -> None:
    out = _run("check", "--all", "--build", str(several), columns=100).stdout
    heads = _findings(out)
    assert len(heads) >= 8
    for head in heads:
        assert re.search(r"\] .+ \([^)]*\b(19|20)\d\d\) — ", head), head  # an indicator: words (unit…, year)
        assert re.search(r"— [\w-]+-\d{4}(-\d{4})? \(", head), head  # a report id and its area
    # the report's two inconsistencies: the 129 comprehensive-performance cases said to "include" 130 (I.1.5),
    # and the share of trade-secret cases "increased continuously" although 1.8% in 2023 is below 2022's
    assert any(
        "comprehensive performance of procuratorial functions (case, 2023) — shanghai-2023 (Shanghai)" in h
        for h in heads
    )
    assert any(
        "[trend-direction] IP-infringement criminal cases / trade secret (share, case, 2023)" in h for h in heads
    )


def test_check_wide_gives_one_line_per_finding_with_quotes_in_full(several: Path) -> None:
    out = _run("check", "--build", str(several), "--report", "shanghai-2023", "--wide").stdout
    lines = [line for line in out.splitlines() if line.startswith("  INCONSISTENT [total-vs-parts]")]
    assert len(lines) == 1
    assert "2 + 11 + 115 + 2 = 130 vs 129" in lines[0]
    assert "“Persistent increase in the number of cases" in lines[0]  # a quote in full, from its first word


def test_describe_a_figure_shows_value_unit_period_report_area_and_quote(several: Path) -> None:
    out = _run("describe", "obs:shanghai-2023-ip-criminal-cases", "--build", str(several), "--wide").stdout
    lines = out.splitlines()
    assert lines[2] == "  figure: IP-infringement criminal cases (case, 2023): 1369 (exact)"
    assert lines[3] == "  in report shanghai-2023, area Shanghai"
    assert lines[4].startswith(
        "  quote: [shanghai-2023 I.1.1] “The procuratorates in Shanghai took cognizance of 1,369 IP-infringement"
    )


def test_describe_a_derived_figure_shows_its_bounds_and_sources(several: Path) -> None:
    out = _run("describe", "obs:shanghai-2023-derived-shanghai-2023-art-219-cases-2022", "--build", str(several))
    assert "(case, 2022): 15 (exact, 14.95–15.05)" in out.stdout.replace("\n      ", " ")
    assert "derived from: obs:shanghai-2023-art-219-cases, obs:shanghai-2023-art-219-cases-change" in out.stdout


def test_describe_an_entity_lists_its_figures_with_values_and_quotes(several: Path) -> None:
    out = _run("describe", "charge:art-219-infringing-trade-secrets", "--build", str(several), "--wide").stdout
    figures = out.split("figures (")[1].split("referred to by:")[0].splitlines()
    at = next(i for i, line in enumerate(figures) if "[obs:shanghai-2023-art-219-cases]" in line)
    # the report: 24 cases of infringement of business secrets involving 56 perpetrators, up 60%
    assert ": 24 (exact) — shanghai-2023, Shanghai" in figures[at]
    assert figures[at + 1].startswith("    [shanghai-2023 I.1.2] “There were 24 cases of infringement of business")
    assert any(": 56 (exact)" in line for line in figures)


def test_build_and_check_count_the_same_checks(tmp_path: Path) -> None:
    build = _run("build", "--out", str(tmp_path / "b"), "--no-validate")
    if build.returncode == 2 and "--no-validate" in build.stderr:
        build = _run("build", "--out", str(tmp_path / "b"))
    assert build.returncode == 0, build.stderr
    counted = dict(re.findall(r"(consistency checks|inconsistent): (\d+)", build.stdout))
    check = _run("check", "--build", str(tmp_path / "b"))
    first = check.stdout.splitlines()[0]
    m = re.match(r"(\d+) consistency checks: (\d+) consistent, (\d+) inconsistent, (\d+) undetermined", first)
    assert m, first
    assert (m.group(1), m.group(3)) == (counted["consistency checks"], counted["inconsistent"])
    readings = re.search(r", (\d+) of one reading", first)
    assert sum(map(int, m.groups()[1:])) + (int(readings.group(1)) if readings else 0) == int(m.group(1))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n$ ipgraph check\n{first}\n" in readme, "the README shows what `ipgraph check` prints"
