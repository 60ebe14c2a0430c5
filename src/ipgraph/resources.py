"""Where ipgraph's own ontology, data, queries and schemas are: the checkout's folders, or the wheel's bundled copies.

Run from a checkout (``src/ipgraph`` beside ``ontology/ipgraph.ttl``, as after ``make``'s editable install), ipgraph
uses the checkout's top-level folders, which are the source of truth. Installed from a wheel, it uses the copies
the wheel carries under ``ipgraph/_bundled/`` (same layout), found with :mod:`importlib.resources`.

Paths are plain strings so that the command line's query path need not import :mod:`pathlib`.

>>> os.path.isfile(ontology_file()) and os.path.isdir(os.path.join(data_dir(), "reports"))
True
>>> describe().startswith(("the checkout's", "the bundled"))
True
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # pathlib and typing stay unimported on the query path (mypy: always_true)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

#: The folder inside the wheel's ``ipgraph`` package that holds the bundled ``ontology/``, ``data/`` and ``queries/``.
BUNDLE = "_bundled"
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_home: str | None = None


def checkout_root() -> str | None:
    """The checkout this package runs from (``src/ipgraph`` next to ``ontology/ipgraph.ttl``), or None."""
    root = os.path.dirname(os.path.dirname(_PACKAGE))
    marker = os.path.join(root, "ontology", "ipgraph.ttl")
    if os.path.basename(os.path.dirname(_PACKAGE)) == "src" and os.path.isfile(marker):
        return root
    return None


def bundled_root() -> str:
    """The bundled copies' folder inside the installed package (it may be absent from a checkout's source tree)."""
    from importlib.resources import files

    bundle = files("ipgraph").joinpath(BUNDLE)
    if not isinstance(bundle, os.PathLike):  # a zip import: ipgraph needs its files on disk
        from ipgraph.errors import InputError

        raise InputError("ipgraph's bundled files are not on disk; install ipgraph with pip or pipx")
    return str(os.fspath(bundle))


def home() -> str:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``: the checkout's, else the wheel's bundle."""
    global _home
    if _home is None:
        _home = checkout_root() or bundled_root()
    return _home


def from_checkout() -> bool:
    """Whether ipgraph runs from a checkout (and so uses the checkout's own folders)."""
    return checkout_root() is not None


def ontology_file() -> str:
    """The ontology (``ontology/ipgraph.ttl``)."""
    return os.path.join(home(), "ontology", "ipgraph.ttl")


def shapes_file() -> str:
    """The SHACL shapes (``ontology/shapes.ttl``)."""
    return os.path.join(home(), "ontology", "shapes.ttl")


def data_dir() -> str:
    """The data folder of ipgraph's own reports (``reports/``, ``sources/``, ``links/``)."""
    return os.path.join(home(), "data")


def queries_dir() -> str:
    """The query catalog (``queries/*.rq``)."""
    return os.path.join(home(), "queries")


def checks_dir() -> str:
    """The health (violation) queries (``queries/checks/*.rq``)."""
    return os.path.join(home(), "queries", "checks")


def schema_file(name: str) -> str:
    """A JSON Schema of the data files, e.g. ``ipgraph-facts.schema.json`` (package data: ``ipgraph/schemas/``)."""
    return os.path.join(_PACKAGE, "schemas", name)


def version() -> str:
    """The version of ipgraph that runs."""
    from ipgraph import __version__

    return __version__


def describe() -> str:
    """Which files ipgraph uses, for a summary: the checkout's (with its path) or the bundled ones (with a version)."""
    root = checkout_root()
    if root is not None:
        return f"the checkout's ontology, data and queries at {root}"
    return f"the bundled ontology, data and queries of ipgraph {version()} ({home()})"


def data_dirs(given: Sequence[Path], bundled: bool = True) -> tuple[list[Path], list[str]]:
    """The data folders a build reads, and one line for each saying whose data it is.

    ipgraph's own data comes first (unless ``bundled`` is false), then each folder of ``given`` (ipgraph's own
    data given again counts once; another folder given twice holds its reports twice, which the build refuses).
    A user's folder that holds every one of ipgraph's own reports (a copy of its data, perhaps edited) replaces
    ipgraph's data; one that holds only some of them is refused, since two reports may not share an id.
    """
    from pathlib import Path

    from ipgraph.errors import InputError

    own = Path(data_dir())
    dirs = [own] if bundled else []
    notes = [f"using {describe()}" + ("" if bundled else " (not its data: --no-bundled)")]
    for d in given:
        if not (bundled and os.path.realpath(d) == os.path.realpath(own)):
            dirs.append(d)
            notes.append(f"using your data at {d}")
    if not given and not bundled:
        raise InputError("--no-bundled leaves nothing to build: give your data with --data DIR")
    if bundled and len(dirs) > 1:
        own_ids = _report_ids(own)
        for d in dirs[1:]:
            theirs = _report_ids(d)
            if own_ids and own_ids <= theirs:
                dirs.remove(own)
                notes[0] += f", except its data: {d} holds its reports ({', '.join(sorted(own_ids))}) and replaces it"
                break
            clash = sorted(own_ids & theirs)
            if clash:
                raise InputError(
                    f"report {clash[0]!r} is also one of ipgraph's own reports; rename yours, or build with "
                    "--no-bundled",
                    d / "reports" / clash[0],
                )
    return dirs, notes


def _report_ids(folder: Path) -> set[str]:
    """The ids (folder names) of the reports of a data folder; none when it has no readable reports/ folder."""
    reports = folder / "reports"
    try:
        return {p.parent.name for p in reports.glob("*/report.yaml")} if reports.is_dir() else set()
    except OSError:
        return set()
