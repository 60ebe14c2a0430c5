"""Property-based tests: generated fact files and argument lists never make ipgraph print a traceback.

Generated YAML of the fact-file shape (with values of random types) is given to the loader; generated argument
lists are given to the command line in-process. Either may be refused, but only with an :class:`IpgraphError`
(one line, exit 2) or a usage error, never with another exception.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipgraph.cli import main
from ipgraph.errors import IpgraphError
from ipgraph.reading.facts import load_report

from .conftest import DATA

REPORT = DATA / "reports" / "shanghai-2023" / "report.yaml"
SOURCE = DATA / "sources" / "shanghai-ip-white-paper-2023.en.txt"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------------------------------------- the loader
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2023", "shanghai-2023", "inst:supreme-peoples-procuratorate", "count", "case", "en", "zh"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
FACT_KEYS = ["quote", "observations", "entities", "statements", "mentions", "note", "occurrence"]
OBS_KEYS = ["value", "unit", "measure", "period", "charge", "right", "function", "category", "qualifier", "id"]
ENTITY_KEYS = ["id", "type", "label", "alt", "definition", "props"]


def _shaped(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings with some of ``keys`` (and now and then an unknown key), each with a value of any type."""
    return st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=8)), values, max_size=len(keys))


facts_blocks = st.fixed_dictionaries(
    {},
    optional={
        "quote": st.one_of(st.sampled_from(["Today (April 23)", "In 2023", ""]), values),
        "observations": st.one_of(st.lists(_shaped(OBS_KEYS), max_size=3), values),
        "entities": st.one_of(st.lists(_shaped(ENTITY_KEYS), max_size=3), values),
        "statements": st.one_of(st.lists(st.lists(scalars, max_size=4), max_size=3), values),
        "mentions": values,
        "occurrence": values,
    },
)
fact_files = st.one_of(
    st.fixed_dictionaries({"facts": st.one_of(st.lists(facts_blocks, max_size=3), values)}),
    _shaped(["facts", "id", "source", "period"]),
    values,
)


@pytest.fixture(scope="module")
def report_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report folder with the real report.yaml and source text; each example writes its own extra.yaml."""
    folder = tmp_path_factory.mktemp("fuzz") / "report"
    folder.mkdir()
    text = REPORT.read_text(encoding="utf-8").replace("../../sources/shanghai-ip-white-paper-2023.en.txt", str(SOURCE))
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def _load_or_refuse(folder: Path) -> None:
    try:
        load_report(folder)
    except IpgraphError as exc:
        assert exc.exit_code == 2
        assert "\n" not in str(exc), "one line"


@FUZZ
@given(doc=fact_files)
def test_generated_fact_files_load_or_are_refused_in_one_line(report_folder: Path, doc: object) -> None:
    (report_folder / "extra.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _load_or_refuse(report_folder)


@FUZZ
@given(text=st.text(max_size=200))
def test_arbitrary_text_as_a_fact_file(report_folder: Path, text: str) -> None:
    (report_folder / "extra.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    _load_or_refuse(report_folder)


# ------------------------------------------------------------------------------------------- the command line
#: Verbs that only read (no server, no network, no browser) and are quick enough to run many times in-process.
VERBS = ["describe", "query", "queries", "export", "check", "trends", "viz", "link", "push", "serve", "frob", ""]
OPTIONS = [
    "--format", "-e", "--file", "--param", "--help", "--all", "--list", "--focus", "--depth", "--lang", "--size",
    "-o", "--output", "--build", "--dataset", "--min-score", "--encoding", "--port", "--workers", "--timeout",
    "--", "-", "wikidata", "rdf", "cail", "charges",
]  # fmt: skip
#: Options never generated: they would reach the network, start a server or a browser, or write into the checkout.
NEVER = (
    "--endpoint",
    "--open",
    "--screenshot",
    "--into",
    "--out",
    "--allow",
    "--host",
    "--public",
    "--update",
    "--query",
)
words = st.one_of(
    st.sampled_from(["table", "json", "csv", "ttl", "en", "<a b>", "inst:x", "1e9", "-1", "nan", "a=b", "=", "{}"]),
    st.text(max_size=12).filter(lambda t: not t.startswith("-")),
)


@st.composite
def argument_lists(draw: st.DrawFn) -> list[str]:
    args = [draw(st.sampled_from(VERBS))]
    for _ in range(draw(st.integers(0, 5))):
        args.append(draw(st.one_of(st.sampled_from(OPTIONS), words)))
    return args


def _safe(args: list[str]) -> bool:
    """Whether running ``args`` can only print: serve runs only when refused (a stray ``-`` is always refused)."""
    return args[0] != "serve" or "--help" in args or "-" in args


@FUZZ
@given(args=argument_lists())
def test_generated_arguments_exit_cleanly(
    args: list[str], built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _safe(args) or any(a.startswith(NEVER) for a in args):
        return
    if args[0] != "push" and "--build" not in args:
        args = [*args, "--build", str(built)] if args[0] in ("describe", "query", "check", "trends", "export") else args
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    try:
        code = main(args)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), f"{args!r}: exit {code}: {err}"
    assert "Traceback" not in out + err
    if code == 2:
        assert len(err.strip().splitlines()) <= 1, f"{args!r}: {err}"
    for p in tmp_path.iterdir():  # what a generated -o wrote: next example starts clean
        shutil.rmtree(p) if p.is_dir() else p.unlink()
