"""Shared data: places and institutions several reports use live once in a data folder's ``shared/``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Literal, URIRef

from ipgraph.errors import InputError
from ipgraph.model.dataset import assemble
from ipgraph.model.graph import GRAPH_PROVENANCE
from ipgraph.model.namespace import IPG
from ipgraph.model.prefixes import PREFIXES
from ipgraph.reading.facts import load_shared

from .conftest import DATA, FIXTURES, ONTOLOGY

PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")
PLACE = PREFIXES["place"]
REFERENCE = PREFIXES["reference"]
SCHEMA_LINE = "# yaml-language-server: $schema=../../docs/schema/ipgraph-shared.schema.json\n"


def _fixtures_without_the_seed(tmp_path: Path) -> Path:
    """A data folder holding the test reports and ipgraph's shared folder, but not the seed report."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "reports", data / "reports")
    shutil.copytree(FIXTURES / "sources", data / "sources")
    shutil.copytree(DATA / "shared", data / "shared")
    return data


def test_the_shared_folder_defines_places_and_institutions_with_their_sources() -> None:
    shared = load_shared(DATA)
    assert shared is not None
    ids = {e.id for e in shared.entities}
    assert {"place:china", "place:shanghai", "inst:supreme-peoples-procuratorate"} <= ids
    assert set(shared.sources) == {"prc-administrative-divisions", "prc-procuratorate-organisation"}
    assert {e.source for e in shared.entities} == set(shared.sources)


def test_the_seed_report_no_longer_defines_what_is_shared() -> None:
    seed = "\n".join(p.read_text(encoding="utf-8") for p in (DATA / "reports" / "shanghai-2023").glob("*.yaml"))
    for entity in ("place:china", "place:shanghai", "inst:shanghai-procuratorates"):
        assert f"id: {entity}\n" not in seed, entity
        assert entity in seed  # mentioned next to the quotes that name it


def test_shared_entities_rest_on_a_reference_source_and_keep_the_reports_quotes(build_result) -> None:  # type: ignore[no-untyped-def]
    prov = build_result.dataset.graph(GRAPH_PROVENANCE)
    china = URIRef(PLACE + "china")
    sources = set(prov.objects(china, PROV_DERIVED))
    reference = URIRef(REFERENCE + "prc-administrative-divisions")
    assert reference in sources
    assert (reference, RDF.type, IPG.ReferenceSource) in prov
    title = Literal("Administrative divisions of the People's Republic of China", lang="en")
    assert (reference, RDFS.label, title) in prov
    quotes = [s for s in sources if (s, RDF.type, IPG.SourceQuote) in prov]
    assert quotes, "the seed's quote that names the country is still recorded"


def test_test_reports_build_without_the_seed_report(tmp_path: Path) -> None:
    """A report on Ningbo or on the nation no longer depends on Shanghai 2023's files: only on shared data."""
    data = _fixtures_without_the_seed(tmp_path)
    result = assemble([data], ONTOLOGY)
    assert "shanghai-2023" not in result.reports
    assert len(result.reports) >= 6
    shutil.rmtree(data / "shared")
    with pytest.raises(InputError, match=r"place:\w+ is used but never defined"):
        assemble([data], ONTOLOGY)


def _data_with(tmp_path: Path, shared: str, report_extra: str = "") -> Path:
    data = _fixtures_without_the_seed(tmp_path)
    (data / "shared" / "mine.yaml").write_text(SCHEMA_LINE + shared, encoding="utf-8")
    if report_extra:
        report = data / "reports" / "invented-minhang-2023" / "report.yaml"
        report.write_text(report.read_text(encoding="utf-8") + report_extra, encoding="utf-8")
    return data


def test_a_report_that_defines_a_shared_entity_again_is_told_where_and_what_to_do(tmp_path: Path) -> None:
    extra = (
        '  - quote: "Invented Minhang District"\n'
        "    entities:\n"
        "      - id: place:china\n"
        "        type: Country\n"
        '        label: {en: "China", zh: "中国"}\n'
    )
    data = _data_with(tmp_path, "entities: []\n", extra)
    with pytest.raises(InputError) as info:
        assemble([data], ONTOLOGY)
    message = str(info.value)
    assert "place:china is already defined at" in message and "shared/places.yaml" in message
    assert "mention it instead of defining it" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "sources: [{id: gazetteer, title: A gazetteer}]\n"
            "entities:\n  - {id: place:lanshan-town, type: Place, label: {en: Lanshan, zh: 澜山}, source: atlas}\n",
            "shared source 'atlas' of place:lanshan-town is not defined (defined: gazetteer",
        ),
        (
            "entities:\n  - {id: place:lanshan-town, type: Place, label: {en: Lanshan, zh: 澜山}}\n",
            "needs a 'source'",
        ),
        (
            "sources: [{id: prc-administrative-divisions, title: Again}]\nentities: []\n",
            "shared source 'prc-administrative-divisions' is already defined at",
        ),
        (
            "sources: [{id: gazetteer, title: A gazetteer}]\n"
            "entities:\n  - {id: place:lanshan-town, type: Place, label: {en: Lanshan, zh: 澜山}, "
            "props: {ipg:editionNumber: 12}}\n",
            "a number needs a report's quote, not shared data",
        ),
        (
            "sources: [{id: gazetteer, title: A gazetteer}]\n"
            "entities:\n  - {id: place:lanshan-town, type: Place, label: {en: Lanshan}}\n",
            "label: needs 'zh'",
        ),
        ("sources: [{id: gazetteer, title: A gazetteer}]\nentities:\n  - {id: place:x, typo: 1}\n", "unknown key"),
    ],
    ids=["unknown-source", "no-source", "source-twice", "number", "no-zh-label", "unknown-key"],
)
def test_a_bad_shared_file_is_one_line_with_its_file_and_line(tmp_path: Path, text: str, problem: str) -> None:
    data = _data_with(tmp_path, text)
    with pytest.raises(InputError, match=problem.replace("(", r"\(").replace(")", r"\)")) as info:
        assemble([data], ONTOLOGY)
    assert info.value.path is not None and str(info.value.path).endswith(".yaml")
    assert "\n" not in str(info.value)


def test_a_shared_file_named_yml_or_a_sub_folder_is_an_error(tmp_path: Path) -> None:
    data = _fixtures_without_the_seed(tmp_path)
    (data / "shared" / "more.yml").write_text("entities: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rename it more\.yaml"):
        load_shared(data)
    (data / "shared" / "more.yml").unlink()
    (data / "shared" / "sub").mkdir()
    with pytest.raises(InputError, match="no sub-folders"):
        load_shared(data)


def test_the_cli_builds_a_users_folder_with_its_own_shared_entities(tmp_path: Path) -> None:
    from ipgraph.cli import main

    data = _data_with(
        tmp_path,
        "sources: [{id: invented-gazetteer, title: An invented gazetteer for the tests}]\n"
        "entities:\n  - {id: place:invented-lanshan-town, type: Place, label: {en: Lanshan Town, zh: 澜山镇}}\n",
    )
    out = tmp_path / "build"
    assert main(["build", "--no-bundled", "--data", str(data), "--out", str(out)]) == 0
    nq = (out / "ipgraph.nq").read_text(encoding="utf-8")
    assert f"<{PLACE}invented-lanshan-town> <{PROV_DERIVED}> <{REFERENCE}invented-gazetteer>" in nq


def test_every_shared_file_names_its_schema_and_meets_it() -> None:
    from ipgraph.reading import schema, yamlread

    files = sorted((DATA / "shared").glob("*.yaml"))
    assert len(files) >= 2
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.name == schema.SCHEMA_FILES["shared"] and target.is_file(), path
        assert schema.violations(yamlread.load_file(path), "shared", path) == []
