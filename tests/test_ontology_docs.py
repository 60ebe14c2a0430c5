"""Ontology documentation with pyLODE: generated offline, deterministic, with the labels people look for, and
safe to open whatever the ontology says (no script, no request, every text shown as text)."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ipgraph.viz.ontology_docs import write_ontology_docs

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "ipgraph.ttl"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pylode") is None,
    reason="pyLODE is an optional dependency (pip install 'ipgraph[docs]')",
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted while writing ontology docs")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
def test_docs_are_written_offline_with_known_labels(tmp_path: Path) -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    out = write_ontology_docs(ONTOLOGY, tmp_path / "docs" / "ontology.html")
    assert out == tmp_path / "docs" / "ontology.html"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for text in (
        "IP right type",  # a class
        "知识产权类型",  # its Chinese label
        "counterfeiting registered trademarks",  # a charge, in the code lists
        "假冒注册商标罪",
        "observed entity",  # a property
        'id="Charge"',  # anchors are local names
        'id="charge"',
        'id="charge-art-213-counterfeiting-registered-trademark"',
        'href="#codelists"',  # the table of contents lists the code lists
        "Amendment XI to the Criminal Law",  # an individual
    ):
        assert text in page, f"{text!r} not in the generated page"
    assert root.level == level and root.handlers == handlers, "pyLODE changed the root logger"


def test_docs_are_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    """Different hash seeds change the order of Python sets; the page must not depend on it."""
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}.html"
        code = "import sys; from pathlib import Path; from ipgraph.viz.ontology_docs import write_ontology_docs; "
        code += "write_ontology_docs(Path(sys.argv[1]), Path(sys.argv[2]))"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(ONTOLOGY), str(out)], check=True, env=env, timeout=300)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_docs_neither_read_nor_write_pickles_in_the_pylode_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyLODE caches its background ontologies as pickles beside its code, written non-atomically on first
    use: concurrent runs on a fresh install read half a file, a read-only install fails, and unpickling runs
    what the folder's writer chose. The page is made without touching that folder."""
    import pickle

    import pylode.utils

    folder = Path(pylode.utils.RDF_FOLDER)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle used while writing ontology docs")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "dump", refuse)
    page = write_ontology_docs(ONTOLOGY, tmp_path / "ontology.html").read_text(encoding="utf-8")
    assert "Defined in The RDF Schema vocabulary (RDFS)" in page  # background terms were found and titled
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


# ------------------------------------------------------------------------------------- a hostile ontology

HOSTILE_CASES = ("docs-ontology-script-payloads", "docs-ontology-javascript-iris")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "background", "xlink:href"}


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its script and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in][-1] += data


def _hostile_ontology(case: str, tmp_path: Path) -> Path:
    """The ontology of a case of the bad-input corpus (tests/examples/cli/), written to ``tmp_path``."""
    spec = yaml.safe_load((ROOT / "tests" / "examples" / "cli" / f"{case}.yaml").read_text(encoding="utf-8"))
    path = tmp_path / f"{case}.ttl"
    path.write_text(spec["files"]["in/o.ttl"], encoding="utf-8")
    return path


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_a_hostile_ontology_gives_a_page_that_runs_and_loads_nothing(case: str, tmp_path: Path) -> None:
    from ipgraph.viz.page_safety import csp_source

    source = _hostile_ontology(case, tmp_path)
    page = write_ontology_docs(source, tmp_path / "page.html").read_text(encoding="utf-8")
    parsed = _Elements()
    parsed.feed(page)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts == [{"type": "application/ld+json", "id": "schema.org"}], "no script but the JSON-LD data block"
    json.loads(parsed.raw["script"][0])  # the data block is whole: no payload ended it early
    for tag, attrs in parsed.tags:
        assert tag not in ("iframe", "object", "embed", "img", "svg", "base", "link", "form"), f"<{tag}> in the page"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=…>: an event handler"
            if name in URL_ATTRIBUTES:
                assert value.startswith(("#", "http://", "https://", "mailto:")), f"<{tag} {name}={value!r}>"
    policies = [
        a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(policies) == 1
    directives = dict(d.strip().split(" ", 1) for d in policies[0].split(";"))
    assert directives["default-src"] == "'none'" and "script-src" not in directives
    assert directives["style-src"] == csp_source(parsed.raw["style"][0]), "the policy allows the page's own style"
    assert "@import" not in parsed.raw["style"][0] and "url(http" not in parsed.raw["style"][0]


def test_payloads_are_shown_as_text(tmp_path: Path) -> None:
    source = _hostile_ontology("docs-ontology-script-payloads", tmp_path)
    page = write_ontology_docs(source, tmp_path / "page.html").read_text(encoding="utf-8")
    for shown in (
        "&lt;script&gt;alert(5)&lt;/script&gt;",  # rdfs:comment
        "&lt;iframe srcdoc=",  # skos:scopeNote
        "[a link](javascript:alert(8))",  # skos:definition: Markdown is not rendered
        "C&lt;img src=x onerror=alert(3)&gt; (类&lt;svg onload=alert(4)&gt;)",  # the bilingual title
    ):
        assert shown in page, shown
    assert "<title>o&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_javascript_iris_are_never_links(tmp_path: Path) -> None:
    source = _hostile_ontology("docs-ontology-javascript-iris", tmp_path)
    page = write_ontology_docs(source, tmp_path / "page.html").read_text(encoding="utf-8")
    assert "javascript:alert(5)" in page, "the code list shows the match as text"
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", page, re.IGNORECASE)
