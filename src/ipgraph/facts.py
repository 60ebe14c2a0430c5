"""Read a report folder's YAML files into fact blocks, keeping the file and line of everything.

The files' format is documented in ``docs/data-format.md``. This module only reads and checks the shape of the
files; resolving quotes and CURIEs against the source and the ontology is the job of :mod:`ipgraph.graph`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ipgraph.errors import InputError

REPORT_FILE = "report.yaml"
EXCLUSIONS_FILE = "coverage-exclusions.yaml"


class _Located(dict[str, Any]):
    line: int = 0


class _LocatedList(list[Any]):
    line: int = 0


class _Loader(yaml.SafeLoader):
    """A YAML loader that records line numbers and refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Located:
    result = _Located()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise InputError(f"duplicate key {key!r}", node.start_mark.name, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _LocatedList:
    result = _LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, turning every problem into a one-line :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"malformed YAML: {exc.problem or exc.context}", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", path) from None
    except InputError as exc:
        raise InputError(exc.message, path, exc.line) from None


@dataclass
class Where:
    """A place in a data file."""

    path: Path
    line: int

    def error(self, message: str) -> InputError:
        """An input error at this place."""
        return InputError(message, self.path, self.line)


@dataclass
class Quote:
    """A passage the facts of a block rest on."""

    text: str
    occurrence: int | None
    where: Where


@dataclass
class EntityDef:
    """A named thing the report mentions."""

    id: str
    types: list[str]
    labels: dict[str, str]
    alt_labels: dict[str, list[str]]
    definition: str | None
    props: list[tuple[str, Any, Where]]
    where: Where


@dataclass
class ObservationDef:
    """A figure (or, with ``direction``, a change stated in words)."""

    id: str
    fields: dict[str, Any]
    where: Where

    @property
    def is_trend(self) -> bool:
        """Whether this is a trend (a direction, no figure)."""
        return "direction" in self.fields


@dataclass
class StatementDef:
    """A relation between two resources, or a resource and a literal."""

    subject: str
    predicate: str
    obj: Any
    where: Where


@dataclass
class FactBlock:
    """Quotes and the facts that rest on them."""

    quotes: list[Quote]
    entities: list[EntityDef] = field(default_factory=list)
    observations: list[ObservationDef] = field(default_factory=list)
    statements: list[StatementDef] = field(default_factory=list)
    mentions: list[tuple[str, Where]] = field(default_factory=list)
    restated: list[tuple[str, Any, Where]] = field(default_factory=list)
    where: Where | None = None


@dataclass
class ReportDef:
    """One report folder: its settings and all its fact blocks."""

    id: str
    folder: Path
    source_path: Path
    settings: dict[str, Any]
    blocks: list[FactBlock]
    exclusions: list[tuple[str, str, Where]]


OBSERVATION_KEYS = {
    "id", "category", "function", "charge", "right", "breakdown", "unit", "measure", "value", "period",
    "area", "entity", "qualifier", "uom", "base_period", "share_of", "direction", "note",
}  # fmt: skip
BLOCK_KEYS = {
    "quote", "occurrence", "entities", "observations", "trends", "statements", "mentions", "restate", "note",
}  # fmt: skip
ENTITY_KEYS = {"id", "type", "label", "alt", "definition", "props"}
REPORT_KEYS = {"id", "source", "period", "base_period", "area", "observed_entity", "facts", "note"}


def _where(path: Path, node: Any, default: int) -> Where:
    return Where(path, getattr(node, "line", default) or default)


def _check_keys(node: dict[str, Any], allowed: set[str], what: str, where: Where) -> None:
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise where.error(f"unknown key {unknown[0]!r} in {what} (allowed: {', '.join(sorted(allowed))})")


def _require_str(node: dict[str, Any], key: str, what: str, where: Where) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"{what} needs {key!r} (a non-empty string)")
    return value


def to_decimal(value: Any, where: Where, what: str) -> Decimal:
    """A YAML number as an exact decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise where.error(f"{what} must be a number, not {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise where.error(f"{what} must be a number, not {value!r}") from None


def _parse_block(path: Path, node: Any, index: int) -> FactBlock:
    bw = _where(path, node, 1)
    if not isinstance(node, dict):
        raise bw.error(f"fact {index} must be a mapping with a 'quote'")
    _check_keys(node, BLOCK_KEYS, "a fact block", bw)
    raw_quotes = node.get("quote")
    if isinstance(raw_quotes, str):
        raw_quotes = [raw_quotes]
    if not isinstance(raw_quotes, list) or not raw_quotes or not all(isinstance(q, str) and q for q in raw_quotes):
        raise bw.error("a fact block needs 'quote': a string or a list of strings")
    occurrence = node.get("occurrence")
    if occurrence is not None and (not isinstance(occurrence, int) or occurrence < 1):
        raise bw.error("'occurrence' must be a positive whole number")
    block = FactBlock([Quote(q, occurrence, bw) for q in raw_quotes], where=bw)
    for raw in node.get("entities") or []:
        ew = _where(path, raw, bw.line)
        if not isinstance(raw, dict):
            raise ew.error("an entity must be a mapping")
        _check_keys(raw, ENTITY_KEYS, "an entity", ew)
        eid = _require_str(raw, "id", "an entity", ew)
        types = raw.get("type") or []
        types = [types] if isinstance(types, str) else list(types)
        labels = raw.get("label") or {}
        if not isinstance(labels, dict):
            raise ew.error(f"label of {eid} must be a mapping like {{en: ..., zh: ...}}")
        alt = raw.get("alt") or {}
        alt_labels = {lang: [v] if isinstance(v, str) else list(v) for lang, v in alt.items()}
        props: list[tuple[str, Any, Where]] = []
        raw_props = raw.get("props") or {}
        if not isinstance(raw_props, dict):
            raise ew.error(f"props of {eid} must be a mapping")
        for key, value in raw_props.items():
            for v in value if isinstance(value, list) else [value]:
                props.append((str(key), v, ew))
        block.entities.append(EntityDef(eid, types, dict(labels), alt_labels, raw.get("definition"), props, ew))
    for key in ("observations", "trends"):
        for raw in node.get(key) or []:
            ow = _where(path, raw, bw.line)
            if not isinstance(raw, dict):
                raise ow.error(f"each item of {key} must be a mapping")
            _check_keys(raw, OBSERVATION_KEYS, f"an item of {key}", ow)
            oid = _require_str(raw, "id", f"an item of {key}", ow)
            if key == "trends" and "direction" not in raw:
                raise ow.error(f"trend {oid} needs 'direction'")
            if key == "observations" and "direction" in raw:
                raise ow.error(f"observation {oid} has 'direction': put it under 'trends'")
            block.observations.append(ObservationDef(oid, dict(raw), ow))
    for raw in node.get("statements") or []:
        sw = _where(path, raw, bw.line)
        if not isinstance(raw, list) or len(raw) != 3:
            raise sw.error("a statement must be a list [subject, predicate, object]")
        subject, predicate, obj = raw
        if not isinstance(subject, str) or not isinstance(predicate, str):
            raise sw.error("a statement's subject and predicate must be CURIEs")
        block.statements.append(StatementDef(subject, predicate, obj, sw))
    for raw in node.get("restate") or []:
        rw_ = _where(path, raw, bw.line)
        if not isinstance(raw, dict) or set(raw) != {"id", "value"}:
            raise rw_.error("each item of 'restate' needs exactly 'id' (an observation of this report) and 'value'")
        block.restated.append((str(raw["id"]), raw["value"], rw_))
    for raw in node.get("mentions") or []:
        if not isinstance(raw, str):
            raise bw.error("'mentions' must list CURIEs")
        block.mentions.append((raw, bw))
    return block


def load_report(folder: Path) -> ReportDef:
    """Read ``report.yaml`` and every other ``*.yaml`` fact file of a report folder."""
    report_path = folder / REPORT_FILE
    if not report_path.is_file():
        raise InputError(f"no {REPORT_FILE} in report folder", folder)
    settings = load_yaml(report_path)
    rw = Where(report_path, 1)
    if not isinstance(settings, dict):
        raise rw.error("report.yaml must be a mapping")
    _check_keys(settings, REPORT_KEYS, "report.yaml", rw)
    rid = _require_str(settings, "id", "report.yaml", rw)
    source = _require_str(settings, "source", "report.yaml", rw)
    blocks: list[FactBlock] = []
    fact_files = sorted(p for p in folder.glob("*.yaml") if p.name not in (REPORT_FILE, EXCLUSIONS_FILE))
    files = [report_path, *fact_files]
    for path in files:
        doc = settings if path == report_path else load_yaml(path)
        if doc is None:
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("facts", []), list):
            raise InputError("a fact file must be a mapping with a 'facts' list", path, 1)
        if path != report_path:
            _check_keys(doc, {"facts", "note"}, "a fact file", Where(path, 1))
        for i, node in enumerate(doc.get("facts") or [], start=1):
            blocks.append(_parse_block(path, node, i))
    exclusions: list[tuple[str, str, Where]] = []
    ex_path = folder / EXCLUSIONS_FILE
    if ex_path.is_file():
        doc = load_yaml(ex_path)
        for item in (doc or {}).get("exclusions") or []:
            w = _where(ex_path, item, 1)
            if not isinstance(item, dict) or not item.get("text") or not item.get("reason"):
                raise w.error("each exclusion needs 'text' (the passage) and 'reason'")
            exclusions.append((str(item["text"]), str(item["reason"]), w))
    return ReportDef(rid, folder, (folder / source).resolve(), dict(settings), blocks, exclusions)


def find_report_folders(data_dir: Path) -> list[Path]:
    """Every report folder under ``data_dir/reports`` (a folder holding ``report.yaml``), sorted."""
    reports = data_dir / "reports"
    if not reports.is_dir():
        raise InputError("no 'reports' folder in the data directory", data_dir)
    return sorted(p.parent for p in reports.glob(f"*/{REPORT_FILE}"))
