"""The data files' JSON Schemas: valid, published, named by every data file, met by the real data, and each rule
refuses what it should with one line that points at the right line and column.

The snippets below are invented for the tests (their figures are not the report's).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from rdflib import RDF, SKOS, Graph, URIRef

from ipgraph.errors import InputError
from ipgraph.reading import schema, yamlread
from ipgraph.reading.facts import load_report

from .conftest import DATA, ONTOLOGY, ROOT

REPORT_DIR = DATA / "reports" / "shanghai-2023"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def check(text: str, kind: str = "facts") -> InputError:
    """The error a snippet of YAML gives (it must give one)."""
    with pytest.raises(InputError) as info:
        schema.check(yamlread.loads(text, "x.yaml"), kind, "x.yaml")
    return info.value


def observation(**fields: Any) -> str:
    """A fact file with one observation; the given fields replace or add to a valid one."""
    base: dict[str, Any] = {"id": "x", "unit": "case", "measure": "count", "value": 2}
    base.update(fields)
    inner = ", ".join(f"{k}: {v}" for k, v in base.items() if v is not None)
    return f'facts:\n  - quote: "Two criminal cases were protested."\n    observations:\n      - {{{inner}}}\n'


def test_the_schemas_are_valid_draft_2020_12() -> None:
    for kind in schema.SCHEMA_FILES:
        doc = schema.schema(kind)
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(doc)


def test_the_schemas_are_published_under_docs() -> None:
    for name in schema.SCHEMA_FILES.values():
        published = ROOT / "docs" / "schema" / name
        assert published.read_text(encoding="utf-8") == (ROOT / "src" / "ipgraph" / "schemas" / name).read_text(
            encoding="utf-8"
        )


def test_every_data_file_names_its_schema_on_its_first_line() -> None:
    files = sorted(DATA.glob("reports/*/*.yaml"))
    assert len(files) >= 4
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = MODELINE.match(first)
        assert match, f"{path.name}: first line {first!r}"
        target = (path.parent / match.group(1)).resolve()
        expected = schema.SCHEMA_FILES["report" if path.name == "report.yaml" else "facts"]
        assert target.name == expected and target.is_file(), path


@pytest.mark.parametrize("path", sorted(REPORT_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_the_real_data_meets_the_schema(path: Path) -> None:
    kind = "report" if path.name == "report.yaml" else "facts"
    assert schema.violations(yamlread.load_file(path), kind, path) == []


def test_the_real_report_loads() -> None:
    report = load_report(REPORT_DIR)
    assert report.id == "shanghai-2023"
    assert sum(len(b.observations) for b in report.blocks) == 152  # 113 figures and 39 trends


def _codes(graph: Graph, scheme_prefix: str) -> set[str]:
    base = f"https://w3id.org/ipgraph/id/{scheme_prefix}/"
    return {str(s)[len(base) :] for s in graph.subjects(RDF.type, SKOS.Concept) if str(s).startswith(base)} | {
        str(s)[len(base) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(base)
    }


@pytest.mark.parametrize(("definition", "key", "prefix"), [
    ("observation", "measure", "measure"),
    ("observation", "qualifier", "qualifier"),
    ("trend", "direction", "direction"),
])  # fmt: skip
def test_the_schema_lists_exactly_the_codes_of_the_ontology(definition: str, key: str, prefix: str) -> None:
    """Editors complete these codes; the list must be the ontology's, short and as CURIEs."""
    graph = Graph().parse(ONTOLOGY, format="turtle")
    enum = set(schema.schema("facts")["$defs"][definition]["properties"][key]["enum"])
    codes = _codes(graph, prefix)
    assert codes
    assert enum == codes | {f"{prefix}:{c}" for c in codes}


REFUSED = [
    # (YAML, kind, substring of the message)
    ('facts:\n  - quote: "q"\n    entities: 5\n', "facts", "entities: must be a list of entities, not 5"),
    ('facts:\n  - quote: "q"\n    mentions: 5\n', "facts", "mentions: must be a list of CURIEs, not 5"),
    ('facts:\n  - quote: "q"\n    mentions: ["inst:a b"]\n', "facts", "mentions[0]: must be a CURIE prefix:name"),
    (
        'facts:\n  - quote: "q"\n    entities:\n      - {id: inst:x, type: Court, label: {en: a, zh: b}, alt: [x]}\n',
        "facts",
        "alt: must be other names by language",
    ),
    (
        'facts:\n  - quote: "q"\n    entities:\n      - {id: inst:x, type: 5, label: {en: a, zh: b}}\n',
        "facts",
        "type: must be an ontology class",
    ),
    (
        'facts:\n  - quote: "q"\n    entities:\n      - {id: "concept:a>b", type: Concept, label: {en: a, zh: b}}\n',
        "facts",
        "id: must be a CURIE prefix:slug",
    ),
    (
        'facts:\n  - quote: "q"\n    entities:\n      - {id: inst:x, type: Court, label: {en: a, zh: b, "e n": c}}\n',
        "facts",
        "the key 'e n' must be a BCP 47 language tag",
    ),
    (
        'facts:\n  - quote: "q"\n    entities:\n      - {id: inst:x, type: Court, label: {en: a}}\n',
        "facts",
        "label: needs 'zh'",
    ),
    ("id: shang hai\nsource: x.txt\n", "report", "id: must be a slug"),
    ("id: ok\n", "report", "report.yaml needs 'source'"),
    ("id: ok\nsource: x.txt\nperiod: yes\n", "report", 'period: must be a period: a year (2023), years ("2017'),
    ("id: ok\nsource: x.txt\nperiod: 2023\nbase: 2022\n", "report", "unknown key 'base' in report.yaml"),
    (observation(value=-4), "facts", "value: must be a whole number of 0 or more (a count), not -4"),
    (observation(value=2.5), "facts", "value: must be a whole number of 0 or more (a count), not 2.5"),
    (observation(measure="rank", value=0), "facts", "(a rank), not 0"),
    (observation(measure="share", value=100.1), "facts", "a percentage from 0 to 100 (a share), not 100.1"),
    (observation(measure="share", value=-1), "facts", "a percentage from 0 to 100 (a share), not -1"),
    (observation(measure="rate", value=-3), "facts", "a percentage of 0 or more (a rate), not -3"),
    (observation(measure="average-duration", value=-3), "facts", "(an average duration), not -3"),
    (observation(measure="change-multiple", value=0), "facts", "a number above 0 (a change multiple"),
    (observation(measure="change-rate", value=-101), "facts", "a percentage of -100 or more (a change rate"),
    (observation(measure="measure:count", value=-1), "facts", "(a count), not -1"),
    (observation(value=1e16), "facts", "value: must be a number of at most 15 digits"),
    (observation(value='"2"'), "facts", "value: must be a number of at most 15 digits, not '2'"),
    (observation(period="abc"), "facts", "period: must be a period: a year (2023)"),
    (observation(period="[2023]"), "facts", "period: must be a period: a year (2023)"),
    (observation(period="2023-01-01"), "facts", "period: must be a period: a year (2023)"),
    (observation(period=1899), "facts", "not 1899"),
    (observation(period=2101), "facts", "not 2101"),
    (observation(base_period="yes"), "facts", "base_period: must be a period: a year (2023)"),
    (observation(id="Bad_Id"), "facts", "id: must be a slug"),
    (observation(measure="counts"), "facts", "measure: must be one of count, share"),
    (observation(share_of="y"), "facts", "measure: must be share or rate (share_of is only for them), not 'count'"),
    (observation(value=None), "facts", "an observation needs 'value'"),
    (observation(direction="increase"), "facts", "unknown key 'direction' in an observation"),
    ('facts:\n  - quote: ""\n', "facts", "quote: must be a non-empty passage"),
    ('facts:\n  - quote: "q"\n    occurrence: 0\n', "facts", "occurrence: must be a whole number of 1 or more"),
    ('facts:\n  - quote: "q"\n    statements: [[inst:a, party]]\n', "facts", "must be a statement [subject"),
    ('facts:\n  - quote: "q"\n    restate: [{id: x}]\n', "facts", "a restated figure needs 'value'"),
    ('facts:\n  - {quote: "q", trends: [{id: x, unit: case, measure: count, direction: up}]}\n', "facts", "direction"),
    ("facts: 5\n", "facts", "facts: must be a list of fact blocks, not 5"),
    ("- facts\n", "facts", "a fact file must be a mapping, not a list"),
    ("note: only a note\n", "facts", "a fact file needs 'facts'"),
    ("exclusions: [{text: '12'}]\n", "exclusions", "an exclusion needs 'reason'"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), REFUSED, ids=[r[2][:40] for r in REFUSED])
def test_each_rule_bites_with_one_line(text: str, kind: str, expected: str) -> None:
    error = check(text, kind)
    assert expected in str(error)
    assert "\n" not in str(error)
    assert str(error).startswith("x.yaml:")


def test_a_valid_observation_of_each_measure_passes() -> None:
    for measure, value in [("count", 0), ("rank", 1), ("share", 100), ("share", 0.5), ("rate", 250),
                           ("average-duration", 29.5), ("change-multiple", 1.5), ("change-rate", -29.5),
                           ("change-amount", -6)]:  # fmt: skip
        doc = yamlread.loads(observation(measure=measure, value=value), "x.yaml")
        assert schema.violations(doc, "facts", "x.yaml") == [], (measure, value)


def test_the_line_and_column_point_at_the_value() -> None:
    text = observation(value=-4)
    error = check(text)
    line = text.splitlines()[error.line - 1]  # type: ignore[operator]
    assert error.line == 4
    assert line[error.column - 1 :].startswith("-4}")  # type: ignore[operator]


def test_an_unknown_key_is_pointed_at_not_the_key_it_should_have_been() -> None:
    text = 'facts:\n  - quote: "q"\n    observations:\n      - id: x\n        unit: case\n        measure: count\n'
    text += "        valu: 2\n"
    error = check(text)
    assert "unknown key 'valu' in an observation" in error.message
    assert (error.line, error.column) == (7, 9)
    assert "needs 'value'" not in error.message


def test_the_first_violation_of_the_file_is_reported_with_the_count_of_the_others() -> None:
    text = observation(value=-4, period="abc")
    error = check(text)
    assert error.message.startswith("facts[0].observations[0].value:")  # value comes before period on the line
    assert error.message.endswith("(and 1 more in this file)")


def test_a_report_id_that_is_not_a_slug_stops_the_load(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "report.yaml").write_text("id: shang hai\nsource: s.txt\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_report(folder)
    assert str(info.value) == (
        f"{folder / 'report.yaml'}:1:5: id: must be a slug "
        "(lowercase ASCII letters and digits, words joined by single hyphens), not 'shang hai'"
    )


def test_the_allowed_keys_come_from_the_schema() -> None:
    """facts.py keeps no key lists of its own: the schema is the one list."""
    import ipgraph.reading.facts as facts

    source = Path(facts.__file__).read_text(encoding="utf-8")
    assert "_KEYS" not in source
    assert schema.allowed_keys("facts", "restate") == {"id", "value"}
    assert "direction" in schema.allowed_keys("facts", "trend")
    assert "direction" not in schema.allowed_keys("facts", "observation")


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["count", "share", "inst:x", "2023", "en", "zh", "quote", "value"]),
)  # fmt: skip
_KEYS = st.sampled_from([
    "facts", "quote", "entities", "observations", "trends", "statements", "mentions", "restate", "id", "type",
    "label", "alt", "props", "value", "measure", "unit", "period", "share_of", "direction", "en", "zh", "x",
])  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(_KEYS, _VALUES, max_size=4), kind=st.sampled_from(["facts", "report", "exclusions"]))
def test_any_document_gets_one_line_messages_never_an_exception(doc: dict[str, Any], kind: str) -> None:
    """Whatever a file holds, the check returns one-line errors (through YAML too, so positions are known)."""
    text = yaml.safe_dump(doc, allow_unicode=True)
    try:
        parsed = yamlread.loads(text, "x.yaml")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for error in schema.violations(parsed, kind, "x.yaml") if isinstance(parsed, dict) else []:
        assert "\n" not in str(error) and error.line is not None and error.line >= 1


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n ,?1.")), max_size=60))
def test_any_text_is_data_or_one_line(text: str) -> None:
    try:
        yamlread.loads(text, "x.yaml")
    except InputError as exc:
        assert "\n" not in str(exc)
