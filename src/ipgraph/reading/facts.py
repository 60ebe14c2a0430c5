"""Read a report folder's YAML files into fact blocks, keeping the file, line and column of everything.

The files' format is documented in ``docs/data-format.md`` and declared by the JSON Schemas of
:mod:`ipgraph.reading.schema`; every file is parsed safely (:mod:`ipgraph.reading.yamlread`) and checked against its
schema before anything else reads it. This module then only turns the checked files into fact blocks; resolving
quotes and CURIEs against the source and the ontology is the job of :mod:`ipgraph.model.graph`.

A report folder is read whole or not at all: a folder that cannot be listed, a file that cannot be read, a fact
file named ``*.yml`` or a sub-folder is an error, never an empty result. The same holds for a data directory's
``shared/`` folder: the places, institutions and laws several reports use, each with the source it comes from
(:func:`load_shared`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ipgraph.errors import InputError
from ipgraph.reading import schema, yamlread
from ipgraph.reading.safe_read import is_folder, list_folder

REPORT_FILE = "report.yaml"
SHARED_FOLDER = "shared"
EXCLUSIONS_FILE = "coverage-exclusions.yaml"
FACT_SUFFIX = ".yaml"


def load_yaml(path: Path, kind: str | None = None) -> Any:
    """Parse one YAML data file safely and, given its ``kind`` (``facts``, ``report``, ``exclusions``), check it
    against its schema; every problem is a one-line :class:`InputError` with the file, line and column."""
    what = {"report": REPORT_FILE, "exclusions": EXCLUSIONS_FILE, "shared": "a shared data file"}.get(
        kind or "", "a fact file"
    )
    doc = yamlread.load_file(path, what)
    if kind is not None:
        if doc is None:  # a truncated file must not pass for a file without facts
            hint = {"facts": " (write 'facts: []' for a file without facts)"}.get(kind, "")
            raise InputError(f"{what} is empty{hint}", path, 1)
        schema.check(doc, kind, path)
    return doc


@dataclass
class Where:
    """A place in a data file."""

    path: Path
    line: int
    column: int | None = None

    def error(self, message: str) -> InputError:
        """An input error at this place."""
        return InputError(message, self.path, self.line, self.column)


@dataclass
class Quote:
    """A passage the facts of a block rest on, in the report's source text or (``text_id``) another of its texts."""

    text: str
    occurrence: int | None
    where: Where
    text_id: str | None = None  # the id of one of report.yaml's ``texts``; None: the report's source text


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
    source: str | None = None  # a shared entity: the id of the shared source it comes from


@dataclass
class TextDef:
    """Another text of a report (``texts:`` in report.yaml): an edition in another language, or a news item."""

    id: str
    path: Path
    language: str
    kind: str  # "edition" | "news"
    title: str | None
    where: Where


@dataclass
class SharedSource:
    """Where shared entities come from when no report is quoted for them: a law, a gazetteer, ipgraph's curation."""

    id: str
    title: str
    note: str | None
    where: Where


@dataclass
class SharedData:
    """The ``shared/`` folder of a data directory: entities several reports use, and their sources."""

    folder: Path
    sources: dict[str, SharedSource]
    entities: list[EntityDef]


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
    texts: list[TextDef] = field(default_factory=list)

    @property
    def language(self) -> str | None:
        """The language of the source text, when report.yaml says (``language``)."""
        value = self.settings.get("language")
        return str(value) if value is not None else None

    def text_key(self, text_id: str | None) -> str:
        """The key of one of the report's texts in a build (its source text: the report id; another: ``id.text``)."""
        return self.id if text_id is None else f"{self.id}.{text_id}"


def _where(path: Path, node: Any, default: Where) -> Where:
    line = getattr(node, "line", 0)
    return Where(path, line, getattr(node, "column", None)) if line else default


def _at(path: Path, parent: Any, key: Any, default: Where) -> Where:
    """The place of ``parent[key]`` (a value of a mapping or an item of a list)."""
    marks = getattr(parent, "marks", None)
    try:
        line, column = marks[key] if marks is not None else (0, 0)
    except (KeyError, IndexError):
        return default
    return Where(path, line, column)


def to_decimal(value: Any, where: Where, what: str) -> Decimal:
    """A YAML number as an exact decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise where.error(f"{what} must be a number, not {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise where.error(f"{what} must be a number, not {value!r}") from None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _parse_block(path: Path, node: dict[str, Any]) -> FactBlock:
    """A fact block of a file that passed its schema."""
    bw = _where(path, node, Where(path, 1))
    occurrence = node.get("occurrence")
    raw_quotes = node["quote"]
    quote_where = _at(path, node, "quote", bw)
    quotes: list[Quote] = []
    for i, q in enumerate(_as_list(raw_quotes)):
        if isinstance(q, dict):  # {in: TEXT-ID, text: ...}: a passage of another text of the report
            qw = _where(path, q, _at(path, raw_quotes, i, quote_where))
            quotes.append(Quote(q["text"], q.get("occurrence"), qw, q["in"]))
        else:
            quotes.append(Quote(q, occurrence, quote_where))
    block = FactBlock(quotes, where=bw)
    for raw in node.get("entities") or []:
        block.entities.append(_parse_entity(path, raw, bw))
    for key in ("observations", "trends"):
        for raw in node.get(key) or []:
            block.observations.append(ObservationDef(raw["id"], dict(raw), _where(path, raw, bw)))
    statements = node.get("statements") or []
    for i, raw in enumerate(statements):
        subject, predicate, obj = raw
        block.statements.append(StatementDef(subject, predicate, obj, _at(path, statements, i, bw)))
    for raw in node.get("restate") or []:
        block.restated.append((raw["id"], raw["value"], _where(path, raw, bw)))
    mentions = node.get("mentions") or []
    for i, raw in enumerate(mentions):
        block.mentions.append((raw, _at(path, mentions, i, bw)))
    return block


def _parse_entity(path: Path, raw: dict[str, Any], default: Where) -> EntityDef:
    """An entity of a fact block or of a shared file (which passed its schema)."""
    ew = _where(path, raw, default)
    props: list[tuple[str, Any, Where]] = []
    raw_props = raw.get("props") or {}
    for key, value in raw_props.items():
        pw = _at(path, raw_props, key, ew)
        values = value if isinstance(value, list) else [value]
        for i, v in enumerate(values):
            props.append((str(key), v, _at(path, value, i, pw) if isinstance(value, list) else pw))
    alt = {lang: _as_list(v) for lang, v in (raw.get("alt") or {}).items()}
    types = _as_list(raw["type"])
    labels = dict(raw["label"])
    return EntityDef(raw["id"], types, labels, alt, raw.get("definition"), props, ew, raw.get("source"))


def _data_files(folder: Path, what: str, no_folders: str) -> list[Path]:
    """The ``*.yaml`` files of a folder, sorted; ``*.yml`` and sub-folders are errors (``what`` names the files,
    ``no_folders`` says what to do with a sub-folder), dot-files and files of other kinds are left alone."""
    files: list[Path] = []
    for name in list_folder(folder):
        path = folder / name
        if name.startswith("."):
            continue
        if name.lower().endswith((".yml", ".yaml")) and not name.endswith(FACT_SUFFIX):
            stem = name.rsplit(".", 1)[0]
            raise InputError(f"{what} end in {FACT_SUFFIX}: rename it {stem}{FACT_SUFFIX}", path)
        if is_folder(path):
            raise InputError(no_folders, path)
        if name.endswith(FACT_SUFFIX):
            files.append(path)
    return files


def load_shared(data_dir: Path) -> SharedData | None:
    """The ``shared/`` folder of a data directory (None when there is none): every ``*.yaml`` in it.

    A shared file lists ``sources`` (``id``, ``title``: a law, a gazetteer, "ipgraph curation") and ``entities``,
    each defined as in a fact file plus ``source`` (the id of one of the folder's sources; default: the file's
    first source). A source id is defined once in the folder; an entity's source must be defined.
    """
    folder = data_dir / SHARED_FOLDER
    if not is_folder(folder):
        return None
    sources: dict[str, SharedSource] = {}
    pending: list[tuple[EntityDef, str | None]] = []
    for path in _data_files(folder, "shared data files", "a shared folder holds no sub-folders: move its files up"):
        doc = load_yaml(path, "shared")
        first: str | None = None
        for raw in doc.get("sources") or []:
            where = _where(path, raw, Where(path, 1))
            if raw["id"] in sources:
                was = sources[raw["id"]].where
                raise where.error(f"shared source {raw['id']!r} is already defined at {was.path}:{was.line}")
            sources[raw["id"]] = SharedSource(raw["id"], raw["title"], raw.get("note"), where)
            first = first or raw["id"]
        for raw in doc.get("entities") or []:
            pending.append((_parse_entity(path, raw, Where(path, 1)), first))
    entities: list[EntityDef] = []
    for ent, default in pending:
        ent.source = ent.source or default
        if ent.source is None:
            raise ent.where.error(f"shared entity {ent.id} needs a 'source' (or the file a list of 'sources')")
        if ent.source not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise ent.where.error(f"shared source {ent.source!r} of {ent.id} is not defined (defined: {known})")
        entities.append(ent)
    return SharedData(folder, sources, entities)


def report_files(folder: Path) -> list[Path]:
    """The fact files of a report folder (``*.yaml`` but ``report.yaml`` and the exclusions), sorted.

    Names starting with a dot (editors' backups) and files of other kinds (``README.md``) are left alone; a
    YAML file with another ending (``part-1.yml``) or a sub-folder is an error, so that nothing is silently left
    out of the build.
    """
    no_folders = "a report folder holds no sub-folders: move its fact files into the report folder"
    return [p for p in _data_files(folder, "fact files", no_folders) if p.name not in (REPORT_FILE, EXCLUSIONS_FILE)]


def load_report(folder: Path) -> ReportDef:
    """Read ``report.yaml`` and every other ``*.yaml`` fact file of a report folder."""
    report_path = folder / REPORT_FILE
    names = list_folder(folder)
    if REPORT_FILE not in names:
        raise InputError(f"no {REPORT_FILE} in report folder", folder)
    settings = load_yaml(report_path, "report")
    blocks: list[FactBlock] = [_parse_block(report_path, node) for node in settings.get("facts") or []]
    for path in report_files(folder):
        doc = load_yaml(path, "facts")
        blocks.extend(_parse_block(path, node) for node in doc["facts"])
    exclusions: list[tuple[str, str, Where]] = []
    if EXCLUSIONS_FILE in names:
        ex_path = folder / EXCLUSIONS_FILE
        for item in load_yaml(ex_path, "exclusions")["exclusions"]:
            exclusions.append((item["text"], item["reason"], _where(ex_path, item, Where(ex_path, 1))))
    source = (folder / settings["source"]).resolve()
    texts: list[TextDef] = []
    raw_texts = settings.get("texts") or []
    for i, raw in enumerate(raw_texts):
        where = _where(report_path, raw, _at(report_path, raw_texts, i, Where(report_path, 1)))
        if any(t.id == raw["id"] for t in texts):
            raise where.error(f"text id {raw['id']!r} is listed twice under 'texts'")
        path = (folder / raw["source"]).resolve()
        kind = str(raw.get("kind", "edition"))
        texts.append(TextDef(raw["id"], path, str(raw["language"]), kind, raw.get("title"), where))
    report = ReportDef(settings["id"], folder, source, dict(settings), blocks, exclusions, texts)
    known = {t.id for t in texts}
    for block in blocks:
        for q in block.quotes:
            if q.text_id is not None and q.text_id not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise q.where.error(
                    f"a quote 'in' text {q.text_id!r}, which report.yaml does not list (texts: {listed})"
                )
    return report


def find_report_folders(data_dir: Path) -> list[Path]:
    """Every report folder under ``data_dir/reports`` (each sub-folder; it must hold ``report.yaml``), sorted.

    Names starting with a dot and plain files (``README.md``) are left alone.
    """
    reports = data_dir / "reports"
    if not is_folder(reports):
        raise InputError("no 'reports' folder in the data directory", data_dir)
    return [reports / name for name in list_folder(reports) if not name.startswith(".") and is_folder(reports / name)]
