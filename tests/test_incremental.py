"""Builds report by report: unchanged reports are reused, and the result is the same as building everything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ipgraph.store import parts
from ipgraph.store.build import _reusable, build
from ipgraph.store.parts import PartInfo, across_groups, merge_sorted

from .conftest import DATA, FIXTURES, ONTOLOGY

DUMPS = ("ipgraph.nq", "ipgraph.nt", "ipgraph.ttl", "ipgraph.trig", "ipgraph.jsonld", "manifest.json")


def _data(tmp_path: Path) -> list[Path]:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return [tmp_path / "data", tmp_path / "fixtures"]


def test_a_changed_report_is_built_again_alone_and_the_result_equals_a_full_build(tmp_path: Path) -> None:
    dirs = _data(tmp_path)
    out = tmp_path / "build"
    first = build(dirs, out, ONTOLOGY, validate=False)
    reports = len([p for p in (out / "parts").glob("*.nq") if not p.name.startswith("_")])
    assert first.reused == 0 and reports == 8
    again = build(dirs, out, ONTOLOGY, validate=False)
    assert again.reused == reports  # nothing changed: every part is used again
    yaml = tmp_path / "fixtures" / "reports" / "invented-minhang-2023" / "report.yaml"
    text = yaml.read_text(encoding="utf-8")
    changed = text.replace("not a real publication.", "not a real publication (edited).", 1)
    assert changed != text
    yaml.write_text(changed, encoding="utf-8")
    third = build(dirs, out, ONTOLOGY, validate=False)
    assert third.reused == reports - 1
    assert "not a real publication (edited)." in (out / "ipgraph.nq").read_text(encoding="utf-8")
    full = build(dirs, tmp_path / "full", ONTOLOGY, validate=False, full=True)
    assert full.reused == 0
    for name in DUMPS:
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    assert third.counts == full.counts


def test_parts_made_without_checks_are_not_reused_by_a_checked_build(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(DATA, out, ONTOLOGY, validate=False)
    checked = build(DATA, out, ONTOLOGY, validate=True)
    assert checked.reused == 0 and checked.conforms
    assert build(DATA, out, ONTOLOGY, validate=True).reused == 1


def test_a_report_using_a_rebuilt_reports_entity_is_rebuilt_too(tmp_path: Path) -> None:
    a = PartInfo("report-a", "h1", entities={"https://w3id.org/ipgraph/id/inst/x": "a.yaml:3"})
    b = PartInfo("report-b", "h2", uses=["https://w3id.org/ipgraph/id/inst/x"])
    c = PartInfo("report-c", "h3")
    for info in (a, b, c):
        info.write(tmp_path)
        (tmp_path / f"{info.report}.nq").write_text("", encoding="utf-8")
    folders = [tmp_path / "reports" / name for name in ("report-a", "report-b", "report-c")]
    same = {"report-a": "h1", "report-b": "h2", "report-c": "h3"}
    assert sorted(_reusable(folders, same, tmp_path, validate=False)) == ["report-a", "report-b", "report-c"]
    a_changed = {**same, "report-a": "new"}
    assert sorted(_reusable(folders, a_changed, tmp_path, validate=False)) == ["report-c"]


def test_reports_stating_the_same_figure_are_compared_as_one_group() -> None:
    a = PartInfo("a", "", stated=["k1", "k2"])
    b = PartInfo("b", "", stated=["k3"], derived=["k1"])  # b implies a figure a states
    c = PartInfo("c", "", stated=["k9"])
    d = PartInfo("d", "", stated=["k9"])
    e = PartInfo("e", "", stated=["k5"], derived=["k5"])  # its own figure: nothing to compare with
    assert across_groups([a, b, c, d, e]) == [["a", "b"], ["c", "d"]]


@pytest.mark.parametrize("fan_in", [2, 200])
def test_merging_sorted_parts_keeps_each_line_once_in_order(
    tmp_path: Path, fan_in: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parts, "_MERGE_FAN_IN", fan_in)  # 2: merged in rounds, through scratch files
    files = []
    for i, lines in enumerate((["a\n", "c\n", "e\n"], ["b\n", "c\n"], [], ["a\n", "f\n"])):
        path = tmp_path / f"{i}.nq"
        path.write_text("".join(lines), encoding="utf-8")
        files.append(path)
    merge_sorted(files, tmp_path / "out.nq")
    assert (tmp_path / "out.nq").read_text(encoding="utf-8") == "a\nb\nc\ne\nf\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_damaged_part_record_is_built_again(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(DATA, out, ONTOLOGY, validate=False)
    record = out / "parts" / "shanghai-2023.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**data, "entities": 5, "uses": "x"}), encoding="utf-8")
    again = build(DATA, out, ONTOLOGY, validate=False)
    assert again.reused == 0 and again.conforms


def _store_quads(store_dir: Path) -> set[str]:
    import pyoxigraph as ox

    return {str(q) for q in ox.Store.read_only(str(store_dir))}


def test_the_earlier_store_is_updated_and_holds_what_a_full_build_holds(tmp_path: Path) -> None:
    dirs = _data(tmp_path)
    out = tmp_path / "build"
    assert build(dirs, out, ONTOLOGY, validate=False).store_changed is None  # nothing earlier: loaded whole
    report = tmp_path / "fixtures" / "reports" / "invented-minhang-2023"
    shutil.move(report, tmp_path / "aside")  # one report fewer, then back again
    smaller = build(dirs, out, ONTOLOGY, validate=False)
    assert smaller.store_changed is not None and smaller.store_changed[0] > 0 and smaller.store_changed[1] == 0
    shutil.move(tmp_path / "aside", report)
    again = build(dirs, out, ONTOLOGY, validate=False)
    assert again.store_changed == (0, smaller.store_changed[0])
    assert "store updated from the previous build" in again.text()
    full = build(dirs, tmp_path / "full", ONTOLOGY, validate=False, full=True)
    assert full.store_changed is None
    assert _store_quads(out / "store") == _store_quads(tmp_path / "full" / "store")


def test_a_store_changed_after_its_build_is_loaded_whole_again(tmp_path: Path) -> None:
    import pyoxigraph as ox

    out = tmp_path / "build"
    build(DATA, out, ONTOLOGY, validate=False)
    store = ox.Store(str(out / "store"))  # what `ipgraph link --into` does: a graph of its own
    extra = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"), ox.NamedNode("urn:x:g"))
    store.add(extra)
    store.flush()
    del store
    again = build(DATA, out, ONTOLOGY, validate=False)
    assert again.store_changed is None
    build(DATA, tmp_path / "full", ONTOLOGY, validate=False, full=True)
    assert _store_quads(out / "store") == _store_quads(tmp_path / "full" / "store")


def test_dumps_written_by_workers_equal_those_written_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipgraph.store import dumps

    build(DATA, tmp_path / "one", ONTOLOGY, validate=False)
    monkeypatch.setattr(dumps, "PARALLEL_BYTES", 0)
    build(DATA, tmp_path / "two", ONTOLOGY, validate=False, full=True)
    for name in DUMPS[:-1]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_dump_worker_that_fails_leaves_the_earlier_build_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipgraph.errors import InputError
    from ipgraph.store import dumps

    out = tmp_path / "build"
    build(DATA, out, ONTOLOGY, validate=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(dumps, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(dumps.sys, "executable", "/bin/false")
    with pytest.raises(InputError, match="a dump could not be written: exit 1"):
        build(DATA, out, ONTOLOGY, validate=False, full=True)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_damaged_earlier_dump_means_the_store_is_loaded_whole(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(DATA, out, ONTOLOGY, validate=False)
    with open(out / "ipgraph.nq", "a", encoding="utf-8") as f:
        f.write("not a quad <x\n")
    again = build(DATA, out, ONTOLOGY, validate=False)
    assert again.store_changed is None
    build(DATA, tmp_path / "full", ONTOLOGY, validate=False, full=True)
    assert _store_quads(out / "store") == _store_quads(tmp_path / "full" / "store")


def test_a_parts_checks_find_the_same_violations_from_its_nquads_as_from_its_graph(tmp_path: Path) -> None:
    """The health queries of a report run on a store loaded from the part's N-Quads (the quick way) or written from
    its rdflib graph: a report with a wrongly named node, an undeclared property and a shape violation is caught the
    same way by both, and the untouched report by neither."""
    from rdflib import Literal, URIRef

    from ipgraph.derivation.emit import derive_into
    from ipgraph.model.dataset import canonical_nquads
    from ipgraph.model.graph import GRAPH_FACTS, _Builder
    from ipgraph.reading.facts import load_report, load_shared

    shared = load_shared(DATA)
    assert shared is not None
    ctx = parts.PartContext(ONTOLOGY, [shared], [])
    builder = _Builder(ctx.index, [load_report(DATA / "reports" / "shanghai-2023")], [], known=ctx.known)
    ds = builder.build().dataset
    derive_into(ds, ctx.structure)
    own = set(builder.entities)

    def both() -> tuple[list[str], list[str]]:
        text = canonical_nquads(ds)
        return parts.validate_part(ctx, ds, own, nquads=text), parts.validate_part(ctx, ds, own)

    quick, slow = both()
    assert quick == slow == []
    facts = ds.graph(GRAPH_FACTS)
    bad = URIRef("https://w3id.org/ipgraph/id/inst/Bad_Name")
    facts.add((bad, URIRef("https://w3id.org/ipgraph/ontology/jurisdicton"), Literal("x")))
    doc = next(iter(own))
    facts.add((doc, URIRef("https://w3id.org/ipgraph/ontology/undeclaredThing"), bad))
    quick, slow = both()
    assert quick == slow
    found = "\n".join(quick)
    assert "naming-violation" in found and "Bad_Name" in found
    assert "undeclared-property-violation" in found and "jurisdicton" in found and "undeclaredThing" in found


def test_the_ontology_named_by_a_relative_path_does_not_make_every_part_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    build(DATA, out, ONTOLOGY.resolve(), validate=False)
    monkeypatch.chdir(ONTOLOGY.parent)
    assert build(DATA, out, Path(ONTOLOGY.name), validate=False).reused == 1
