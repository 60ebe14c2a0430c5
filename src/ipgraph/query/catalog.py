"""The query catalog: one SPARQL query per ``.rq`` file, with a header of ``#+`` decorators.

A header looks like this (it stays valid SPARQL: every line is a comment)::

    #+ summary: Criminal cases by charge in a year, with their share of all IP criminal cases
    #+ description: Longer text. May span several lines, each starting with "#+ description:".
    #+ tags: criminal, charges
    #+ param: period period = 2023 -- the reference period
    #+ ordered: true

A report-level query takes ``#+ param: report report -- …``: the value is a report id (its folder name, e.g.
``shanghai-2023``) bound to the report's IRI; with no value the variable stays unbound and the query answers for
every report, one block each.

Parameters are SPARQL variables of the query; a value given by the user (or the default) is bound to the
variable, never pasted into the query text.

>>> q = parse_query_text("cq", "#+ summary: S\\n#+ param: period period = 2023 -- year\\nSELECT * {}")
>>> q.summary, q.params[0].name, q.params[0].default
('S', 'period', '2023')
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from ipgraph.errors import InputError

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s?(.*)$")
#: The types a parameter may declare: an IRI, a report id, a plain string, an XSD datatype or a language tag.
_PARAM_TYPE = re.compile(r"iri|report|period|string|xsd:[A-Za-z]+|@[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_PARAM = re.compile(r"^(\w+)\s+(\S+)(?:\s*=\s*(.*?))?(?:\s+--\s+(.*))?$")
_REPORT_ID = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")

#: The parameter type of a report id (``#+ param: report report``); unbound when no value is given.
REPORT_TYPE = "report"
#: The parameter type of a reference period (``#+ param: period period = 2023``): a year, years, a half-year …
PERIOD_TYPE = "period"
#: Where report identifiers live.
REPORT_BASE = "https://w3id.org/ipgraph/id/report/"
#: The reports of a graph: every report a data set is the source of.
KNOWN_REPORTS_QUERY = (
    "SELECT DISTINCT ?r WHERE { ?ds a <http://purl.org/linked-data/cube#DataSet> ; "
    "<http://purl.org/dc/terms/source> ?r } ORDER BY ?r"
)


def report_iri(name: str, value: str) -> str:
    """The IRI of the report ``value`` (a report id, i.e. its folder name); ValueError with one line if not a slug.

    >>> report_iri("report", "shanghai-2023")
    'https://w3id.org/ipgraph/id/report/shanghai-2023'
    >>> report_iri("report", "x> }")
    Traceback (most recent call last):
    ValueError: parameter 'report' takes a report id (its folder name, e.g. shanghai-2023), not 'x> }'
    """
    if value.startswith(REPORT_BASE):
        value = value[len(REPORT_BASE) :]
    elif value.startswith("report:"):
        value = value[len("report:") :]
    if not _REPORT_ID.fullmatch(value):
        raise ValueError(f"parameter {name!r} takes a report id (its folder name, e.g. shanghai-2023), not {value!r}")
    return REPORT_BASE + value


def unknown_report_message(iri: str, known: list[str]) -> str:
    """The one line for a report id the graph does not hold, naming the ones it does.

    >>> unknown_report_message(REPORT_BASE + "x", [REPORT_BASE + "a", REPORT_BASE + "b"])
    "no report 'x' in this graph (reports: a, b)"
    """
    ids = [k[len(REPORT_BASE) :] if k.startswith(REPORT_BASE) else k for k in known]
    return f"no report {iri[len(REPORT_BASE) :]!r} in this graph (reports: {', '.join(ids) or 'none'})"


class Param:
    """A query parameter: a variable, its type (``iri`` or an ``xsd:`` datatype), a default and a description."""

    __slots__ = ("default", "description", "name", "type")

    def __init__(self, name: str, type: str, default: str | None, description: str) -> None:
        self.name, self.type, self.default, self.description = name, type, default, description

    def __repr__(self) -> str:
        return f"Param({self.name!r}, {self.type!r}, {self.default!r})"


class CatalogQuery:
    """A named query of the catalog."""

    def __init__(self, name: str, text: str, path: os.PathLike[str] | str | None = None) -> None:
        self.name = name
        self.text = text
        self.path = path
        self.summary = ""
        self.description = ""
        self.tags: list[str] = []
        self.params: list[Param] = []
        self.ordered = False
        self.extra: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"CatalogQuery({self.name!r})"


def parse_query_text(name: str, text: str, path: os.PathLike[str] | str | None = None) -> CatalogQuery:
    """Read the ``#+`` header of a query."""
    q = CatalogQuery(name, text, path=path)
    descriptions: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "summary":
            q.summary = value
        elif key == "description":
            descriptions.append(value)
        elif key == "tags":
            q.tags = [t.strip() for t in value.split(",") if t.strip()]
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise InputError(
                    f"malformed '#+ param:' (want: NAME TYPE [= DEFAULT] [-- text]): {value}", path, lineno
                )
            if not _PARAM_TYPE.fullmatch(pm.group(2)):
                raise InputError(
                    f"unknown parameter type {pm.group(2)!r} (iri, report, period, string, xsd:TYPE or @LANG)",
                    path,
                    lineno,
                )
            q.params.append(Param(pm.group(1), pm.group(2), pm.group(3), pm.group(4) or ""))
        elif key == "ordered":
            q.ordered = value.lower() in ("true", "yes", "1")
        else:
            q.extra[key] = value
    q.description = " ".join(descriptions)
    return q


#: One catalog folder, or several (ipgraph's own, then a user's): their queries join in one catalog.
QueryDirs = os.PathLike[str] | str | Sequence[os.PathLike[str] | str]


def query_folders(queries_dirs: QueryDirs) -> list[str]:
    """The catalog folders, each once (the same folder given twice counts once), in the order given.

    >>> query_folders(["q", "./q", "mine"])
    ['q', 'mine']
    """
    given = [queries_dirs] if isinstance(queries_dirs, str | os.PathLike) else list(queries_dirs)
    folders: list[str] = []
    seen: set[str] = set()
    for d in given:
        folder = os.fspath(d)
        key = os.path.realpath(folder)
        if key not in seen:
            seen.add(key)
            folders.append(folder)
    return folders


def load_catalog(queries_dirs: QueryDirs) -> dict[str, CatalogQuery]:
    """Every ``*.rq`` file directly under each folder (checks live in a sub-folder), by name.

    A name may be in one folder only: a user's query named like one of the catalog is refused with one line.
    """
    catalog: dict[str, CatalogQuery] = {}
    for folder in query_folders(queries_dirs):
        if not os.path.isdir(folder):
            raise InputError("query catalog folder not found", folder)
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".rq"):
                path = os.path.join(folder, entry)
                if entry[:-3] in catalog:
                    raise _duplicate(entry[:-3], path, catalog[entry[:-3]].path)
                catalog[entry[:-3]] = parse_query_text(entry[:-3], _read_query(path), path)
    return catalog


def _duplicate(name: str, path: str, first: object) -> InputError:
    return InputError(f"query {name!r} is also in the catalog at {first}; rename one of them", path)


def _read_query(path: str) -> str:
    """The text of a catalog query file (regular, UTF-8, under the size limit), or an InputError naming it."""
    from ipgraph.reading.safe_read import QUERY_LIMIT, read_text

    return read_text(path, QUERY_LIMIT, "the query")


def load_query(queries_dirs: QueryDirs, name: str) -> CatalogQuery:
    """One query by name, reading only its file; an unknown name gets the closest names of the catalog."""
    folders = query_folders(queries_dirs)
    missing = [d for d in folders if not os.path.isdir(d)]
    if missing:
        raise InputError("query catalog folder not found", missing[0])
    if "/" not in name and "\\" not in name:
        paths = [p for d in folders if os.path.isfile(p := os.path.join(d, f"{name}.rq"))]
        if len(paths) > 1:
            raise _duplicate(name, paths[1], paths[0])
        if paths:
            return parse_query_text(name, _read_query(paths[0]), paths[0])
    return find_query(load_catalog(queries_dirs), name)


def find_query(catalog: dict[str, CatalogQuery], name: str) -> CatalogQuery:
    """A query by name, or an error naming the closest names."""
    if name in catalog:
        return catalog[name]
    import difflib

    close = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.4)
    close += [n for n in catalog if name in n and n not in close][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else "; run 'ipgraph queries' for the list"
    raise InputError(f"unknown query {name!r}{hint}")
