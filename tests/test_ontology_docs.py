"""Ontology documentation with pyLODE: generated offline, deterministic, with the labels people look for."""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ipgraph.ontology_docs import write_ontology_docs

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
        code = "import sys; from pathlib import Path; from ipgraph.ontology_docs import write_ontology_docs; "
        code += "write_ontology_docs(Path(sys.argv[1]), Path(sys.argv[2]))"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(ONTOLOGY), str(out)], check=True, env=env, timeout=300)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
