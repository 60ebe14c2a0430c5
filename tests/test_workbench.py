"""The query workbench without a browser: the pinned editor and its copy into the package, the pages (with and
without the editor, in both languages, escaped), and the server's routes and completion JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipgraph.model.prefixes import PREFIXES
from ipgraph.server import vendor
from ipgraph.server.workbench import STATIC, UI_TEXT, gallery_page, query_tags, workbench_page

from .conftest import QUERIES, ROOT
from .serverutil import Served, ipgraph_serve

HOSTILE = '</script><script>__xss(1)</script><img src=x onerror="__xss(2)">'


def _entry(name: str, **extra: Any) -> dict[str, Any]:
    q = {"name": name, "summary": "", "description": "", "tags": [], "folder": "", "params": [], "text": "ASK {}"}
    q.update(extra)
    return q


# ---- the pinned editor and its copy into the package -------------------------------------------------------------
def test_editor_is_pinned_by_the_project() -> None:
    package = json.loads((ROOT / "web" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text(encoding="utf-8"))
    version = package["dependencies"]["@zazuko/yasgui"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "an exact version, not a range"
    locked = lock["packages"]["node_modules/@zazuko/yasgui"]
    assert locked["version"] == version and locked["integrity"].startswith("sha512-")
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/src/ipgraph/server/static/vendor/" in ignored and "/web/node_modules/" in ignored
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    # the wheel carries the git-ignored copy, also when built from the sdist (`python -m build`)
    assert pyproject.count('artifacts = ["src/ipgraph/server/static/vendor/*"]') == 2
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "npm ci --ignore-scripts" in makefile and "python -m ipgraph.server.vendor" in makefile


def _fake_install(root: Path) -> Path:
    for rel, _ in vendor.BUNDLE.values():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"contents of {rel}", encoding="utf-8")
    return root


def test_copy_bundle_makes_every_file(tmp_path: Path) -> None:
    node_modules = _fake_install(tmp_path / "node_modules")
    dest = tmp_path / "pkg" / "static" / "vendor"
    assert not vendor.bundle_present(dest)
    copied = vendor.copy_bundle(node_modules, dest)
    assert sorted(p.name for p in copied) == sorted(vendor.BUNDLE)
    assert vendor.bundle_present(dest)
    for name, (rel, _) in vendor.BUNDLE.items():
        assert (dest / name).read_text(encoding="utf-8") == f"contents of {rel}"


def test_copy_bundle_names_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(FileNotFoundError, match=r"yasgui\.min\.js is missing"):
        vendor.copy_bundle(tmp_path / "node_modules", tmp_path / "dest")
    assert not (tmp_path / "dest").exists()
    assert vendor.main([str(tmp_path / "node_modules"), str(tmp_path / "dest")]) == 1
    assert "npm ci --ignore-scripts" in capsys.readouterr().err


@pytest.mark.skipif(not (ROOT / "web" / "node_modules").is_dir(), reason="npm ci has not run in web/")
def test_copy_from_the_real_install(tmp_path: Path) -> None:
    assert vendor.main([str(ROOT / "web" / "node_modules"), str(tmp_path)]) == 0
    script = (tmp_path / "yasgui.min.js").read_text(encoding="utf-8")
    assert "Yasqe" in script and "Yasr" in script
    meta = json.loads((tmp_path / "yasgui.package.json").read_text(encoding="utf-8"))
    assert meta["license"] == "MIT" and meta["name"] == "@zazuko/yasgui"


# ---- the pages ---------------------------------------------------------------------------------------------------
def test_workbench_page_with_the_editor() -> None:
    html = workbench_page([_entry("q1", summary=HOSTILE)], "en", editor=True)
    assert '<script src="/static/vendor/yasgui.min.js"></script>' in html
    assert '<link rel="stylesheet" href="/static/vendor/yasgui.min.css">' in html
    assert "/static/workbench.js" in html and "/static/query.js" not in html
    assert vendor.INSTALL_HINT not in html
    assert "<script>__xss" not in html and "<img" not in html, "data is escaped, in HTML and in the JSON"
    for attr in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert attr.startswith("/"), f"a resource from elsewhere: {attr}"


def test_workbench_page_without_the_editor_says_how_to_install_it() -> None:
    html = workbench_page([_entry("q1")], "en", editor=False)
    assert html.count(vendor.INSTALL_HINT) == 1 and "make setup" in vendor.INSTALL_HINT
    assert "/static/vendor/" not in html and '<script src="/static/query.js"></script>' in html
    assert "<textarea id=query" in html


def test_workbench_page_in_chinese() -> None:
    html = workbench_page([_entry("q1")], "zh", editor=True)
    assert '<html lang="zh">' in html and ">运行</button>" in html
    ui = json.loads(re.search(r'<script type="application/json" id=ui-text>(.*?)</script>', html, re.S)[1])
    assert ui == UI_TEXT["zh"]
    assert set(UI_TEXT["en"]) == set(UI_TEXT["zh"]), "every word in both languages"


def test_gallery_page_tags_links_and_escaping() -> None:
    catalog = [
        _entry("a-query", summary=HOSTILE, tags=["charges", "trend"]),
        _entry("b-query", summary="b", tags=["charges"]),
        _entry("mine", summary="c", folder="my-queries"),
        _entry("c-query", summary="d", tags=[HOSTILE]),
    ]
    assert query_tags(catalog[2]) == ["my-queries"], "a query without tags is tagged by its folder"
    html = gallery_page(catalog, "en")
    assert "<script>__xss" not in html and "<img" not in html
    assert html.count("<li class=card") == 4
    assert 'href="/?example=a-query"' in html and 'href="/?example=mine"' in html
    assert 'data-tag="charges">charges <small>2</small>' in html
    assert '<script src="/static/gallery.js"></script>' in html
    zh = gallery_page(catalog, "zh")
    assert 'href="/?example=a-query&amp;lang=zh"' in zh and UI_TEXT["zh"]["open"] in zh
    assert "The catalog is empty." in gallery_page([], "en")


def test_static_files_are_in_the_package() -> None:
    from ipgraph.server.workbench import STATIC_DIR

    for name in STATIC:
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/", "") and "https://cdn" not in text
    script = (STATIC_DIR / "workbench.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script, "data goes into the page as text only"
    assert "prefixCcApi = null" in script and "'ipgClasses'" in script


# ---- the server --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with ipgraph_serve(built, tmp_path_factory.mktemp("serve-workbench"), "--queries", str(QUERIES)) as s:
        yield s


@pytest.mark.slow
def test_completion_terms(server: Served) -> None:
    status, headers, body = server.get("/workbench/terms.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    terms = json.loads(body)
    assert terms["prefixes"] == PREFIXES
    classes = {c["iri"]: c for c in terms["classes"]}
    charge = classes["https://w3id.org/ipgraph/ontology/Charge"]
    assert charge["en"] and any("\u4e00" <= ch <= "\u9fff" for ch in charge["zh"])
    properties = {p["iri"] for p in terms["properties"]}
    assert "https://w3id.org/ipgraph/ontology/charge" in properties or len(properties) > 30
    assert not properties & set(classes), "a term is a class or a property"


@pytest.mark.slow
def test_workbench_routes(server: Served) -> None:
    status, headers, body = server.get("/", "text/html")
    html = body.decode()
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    assert "connect-src 'self'" in headers["content-security-policy"]
    editor = vendor.bundle_present()
    assert ("/static/vendor/yasgui.min.js" in html) == editor and (vendor.INSTALL_HINT in html) != editor
    for name, (_, media) in vendor.BUNDLE.items():
        status, headers, _ = server.get("/static/vendor/" + name)
        assert status == (200 if editor else 404)
        if editor:
            assert headers["content-type"] == media
    status, _, _ = server.get("/static/vendor/../app.py")
    assert status == 404
    status, _, _ = server.get("/static/vendor/nothing.js")
    assert status == 404
    for name, media in STATIC.items():
        status, headers, _ = server.get("/static/" + name)
        assert status == 200 and headers["content-type"] == media
    status, _, body = server.get("/?lang=zh", "text/html")
    assert status == 200 and '<html lang="zh">' in body.decode()


@pytest.mark.slow
def test_gallery_and_catalog_json(server: Served) -> None:
    status, _, body = server.get("/queries", "text/html")
    html = body.decode()
    assert status == 200 and "id=gallery-q type=search" in html
    assert html.count("<li class=card") == len(list(QUERIES.glob("*.rq")))
    status, _, body = server.get("/queries", "application/json")
    entries = json.loads(body)
    assert status == 200 and all(e["folder"] == "queries" for e in entries)
    assert all(query_tags(e) for e in entries), "every query of the catalog has a tag"
