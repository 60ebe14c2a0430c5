"""Bad input gets a one-line error naming the file and line, exit code 2, no traceback, nothing half-written.

The data examples under tests/examples/ specify it: each valid example must build; each invalid one must fail
with the message its first line announces (``# expect: …``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ipgraph.cli import main

from .conftest import DATA, ROOT

EXAMPLES = ROOT / "tests" / "examples"
REPORT = DATA / "reports" / "shanghai-2023" / "report.yaml"
SOURCE = DATA / "sources" / "shanghai-ip-white-paper-2023.en.txt"
NO_CHECKS = ["--no-validate", "--no-bundled"]  # build only the test's data, without the checks


def make_data(tmp_path: Path, example: Path | None = None) -> Path:
    """A data directory with the real report.yaml, source text and shared data, plus one example fact file."""
    folder = tmp_path / "data" / "reports" / "example"
    folder.mkdir(parents=True)
    text = REPORT.read_text(encoding="utf-8").replace("../../sources/shanghai-ip-white-paper-2023.en.txt", str(SOURCE))
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    if example is not None:
        shutil.copy(example, folder / example.name)
    shutil.copytree(DATA / "shared", tmp_path / "data" / "shared")  # the places and institutions report.yaml names
    return tmp_path / "data"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("example", sorted((EXAMPLES / "valid").glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_example_builds(example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = make_data(tmp_path, example)
    code, out, err = run(["build", "--data", str(data), "--out", str(tmp_path / "out"), *NO_CHECKS], capsys)
    assert code == 0, err
    assert "observations" in out


@pytest.mark.parametrize("example", sorted((EXAMPLES / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_invalid_example_fails_with_its_message(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = example.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
    data = make_data(tmp_path, example)
    code, out, err = run(["build", "--data", str(data), "--out", str(tmp_path / "out"), *NO_CHECKS], capsys)
    assert code == 2
    assert expected in err
    assert err.count("\n") == 1, "one line"
    assert f"{example.name}:" in err, "names the file and line"
    assert "Traceback" not in err + out
    assert not (tmp_path / "out").exists(), "nothing written"


def test_failed_build_leaves_previous_build_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    good = make_data(tmp_path / "good", EXAMPLES / "valid" / "full-block.yaml")
    assert run(["build", "--data", str(good), "--out", str(out), *NO_CHECKS], capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    bad = make_data(tmp_path / "bad", EXAMPLES / "invalid" / "value-not-in-quote.yaml")
    assert run(["build", "--data", str(bad), "--out", str(out), *NO_CHECKS], capsys)[0] == 2
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".out")] == []


def test_unwritable_output_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code, _, err = run(["build", "--no-validate", "--out", str(blocker / "build")], capsys)
    assert code == 2
    assert "cannot write the output directory" in err and "Traceback" not in err


def test_missing_data_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["build", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "data directory not found" in err


def test_malformed_ontology(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ipg: <x> .\nipg:A a ipg:B ,, .\n")
    code, _, err = run(["build", "--ontology", str(bad), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "malformed Turtle" in err and err.count("\n") == 1


def test_query_without_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["query", "--build", str(tmp_path / "none"), "-e", "SELECT * {}"], capsys)
    assert code == 2 and "run `ipgraph build` first" in err


def test_malformed_sparql_names_line_and_column(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["query", "--build", str(built), "-e", "SELECT ?x\nWHERE { ?x ?y }"], capsys)
    assert code == 2
    assert "malformed SPARQL at line 2, column" in err and err.count("\n") == 1


def test_unknown_query_name_suggests_close_names(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["query", "--build", str(built), "cq-01-ip-criminal-cases-and-perpetrator"], capsys)
    assert code == 2
    assert "unknown query" in err and "cq-01-ip-criminal-cases-and-perpetrators" in err


def test_missing_and_unknown_parameters(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = tmp_path / "q.rq"
    q.write_text("#+ summary: t\nSELECT ?x WHERE { ?x a ?t }\n")
    code, _, err = run(["query", "--build", str(built), "--file", str(q), "--param", "t"], capsys)
    assert code == 2 and "--param takes key=value" in err
    code, _, err = run(
        ["query", "--build", str(built), "cq-01-ip-criminal-cases-and-perpetrators", "--param", "nope=1"], capsys
    )
    assert code == 2 and "unknown parameter 'nope'" in err


def test_parameters_are_bound_not_pasted(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A value that would break out of a pasted query stays one literal."""
    evil = 'x" } } INSERT DATA { <a:b> <a:c> <a:d> } #'
    code, out, _ = run(
        [
            "query",
            "--build",
            str(built),
            "-e",
            "SELECT ?l WHERE { ?s rdfs:label ?l }",
            "--param",
            f"l={evil}",
        ],
        capsys,
    )
    assert code == 1  # bound to a literal no label has: no result, nothing executed
    assert "a:b" not in out


def test_federation_is_refused_unless_allowed(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No outbound request by default: a SERVICE clause is an input error naming the switch that allows it."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    code, _, err = run(["query", "--build", str(built), "-e", query], capsys)
    assert code == 2 and "--allow-federation" in err
    with pytest.raises(TimeoutError):
        listener.accept()  # nothing connected
    listener.close()


def test_a_huge_value_echoed_in_an_error_stays_one_short_line(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["query", "cq-20-implied-2022-counts", "--build", str(built), "--param", "report=" + "a" * 100_000], capsys
    )
    assert code == 2
    assert err.count("\n") == 1 and len(err) < 1100
    assert err.startswith("ipgraph: error: no report 'aaa") and err.rstrip().endswith("…")
