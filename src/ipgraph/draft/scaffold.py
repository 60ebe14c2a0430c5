"""``ipgraph init``: a new report folder in the user's data folder, with its source text, ready for facts.

``ipgraph init shanghai-2024 --source white-paper-2024.txt`` makes, under the data folder (``./data``, or the
checkout's ``data/`` when run in a checkout, unless ``--data DIR``)::

    reports/shanghai-2024/report.yaml   the report's settings (id, source; period and others to fill in)
    reports/shanghai-2024/facts.yaml    the first fact file, empty, ready for fact blocks
    sources/white-paper-2024.txt        a byte-for-byte copy of the text the quotes are checked against

The two YAML files open with a ``# yaml-language-server: $schema=…`` line naming the JSON Schema that ipgraph
installs with itself (in a checkout: the published ``docs/schema/`` copy), so an editor checks and completes them
while one types. ``ipgraph build --data DIR`` then
builds the new report together with ipgraph's own. Nothing that exists is overwritten: a folder of that name, or
a different file of that name under ``sources/``, is refused with one line (exit 2). The report folder is written
in a temporary sibling and renamed into place, so it appears whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from pathlib import Path

from ipgraph import resources
from ipgraph.errors import InputError

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The largest source text ``init`` copies (the build reads texts of this size comfortably).
MAX_SOURCE_BYTES = 50 * 1024 * 1024
FACTS_FILE = "facts.yaml"


def check_report_id(report_id: str) -> str:
    """The id if it is a slug (lowercase ASCII letters and digits, words joined by single hyphens), else an error.

    >>> check_report_id("shanghai-2024")
    'shanghai-2024'
    >>> check_report_id("Shanghai 2024")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ipgraph.errors.InputError: the report id must be a slug like shanghai-2024 (...), not 'Shanghai 2024'
    """
    if len(report_id) > 200 or not _SLUG.fullmatch(report_id):
        raise InputError(
            "the report id must be a slug like shanghai-2024 (lowercase letters, digits and single hyphens), "
            f"not {report_id!r}"
        )
    return report_id


def schema_line(kind: str, folder: Path | None = None) -> str:
    """The first line of a data file in ``folder``: where the JSON Schema of ``kind`` (``report``, ``facts``) is.

    Inside a checkout, the published copy (``docs/schema/``) by a relative path, as the checkout's own data files
    name it; anywhere else, the copy installed with ipgraph, by its absolute path.

    >>> schema_line("facts", Path(resources.data_dir()) / "reports" / "new-2024")
    '# yaml-language-server: $schema=../../../docs/schema/ipgraph-facts.schema.json'
    """
    name = f"ipgraph-{kind}.schema.json"
    root = resources.checkout_root()
    if folder is not None and root is not None:
        published = Path(root) / "docs" / "schema" / name
        inside = Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(root))
        if inside and published.is_file():
            return f"# yaml-language-server: $schema={Path(os.path.relpath(published, folder)).as_posix()}"
    return f"# yaml-language-server: $schema={Path(resources.schema_file(name)).as_posix()}"


def report_yaml(report_id: str, source_name: str, folder: Path | None = None) -> str:
    """The text of a new ``report.yaml`` in ``folder``: id and source set, the other settings commented out."""
    return f"""{schema_line("report", folder)}
# The report {report_id}: its settings, and facts about the report itself (title, publisher, date).
# The data format is described in docs/data-format.md of ipgraph's source distribution.
id: {report_id}
source: ../../sources/{source_name}
# period: 2024                        # the year the report's figures are of (default of every observation)
# base_period: 2023                   # the year its changes compare with
# area: place:shanghai                # where the figures are from
# observed_entity: inst:shanghai-procuratorates   # whose figures they are
facts: []
"""


def facts_yaml(report_id: str, folder: Path | None = None) -> str:
    """The text of a new, empty fact file in ``folder``."""
    return f"""{schema_line("facts", folder)}
# Facts of the report {report_id}. Each block copies a passage of the source text word for word as its quote
# and states what the passage says: entities, observations (figures), trends, statements. For example:
#   - quote: "a sentence copied from the text"
#     entities:
#       - id: inst:some-procuratorate
#         type: Procuratorate
#         label: {{en: "Some Procuratorate", zh: "某检察院"}}
#         definition: "What it is, in one sentence."
facts: []
"""


def _read_source(path: Path) -> bytes:
    """The bytes of the source text: a regular file of UTF-8 text, not empty."""
    try:
        if not path.is_file():
            raise InputError("not a text file" if path.exists() else "file not found", path)
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise InputError(f"the text is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB", path)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the text is not UTF-8 (byte {exc.start}); convert it first", path) from None
    if not text.strip():
        raise InputError("the text is empty", path)
    return data


def init_report(report_id: str, source: Path, data_dir: Path) -> tuple[Path, Path]:
    """Make ``data_dir/reports/REPORT_ID/`` and copy ``source`` to ``data_dir/sources/``; return both paths."""
    check_report_id(report_id)
    own = Path(resources.data_dir()) / "reports" / report_id
    if (own / "report.yaml").is_file() and os.path.realpath(data_dir) != os.path.realpath(resources.data_dir()):
        raise InputError(f"{report_id!r} is the id of one of ipgraph's own reports; choose another id")
    folder = data_dir / "reports" / report_id
    if os.path.lexists(folder):
        raise InputError("already exists; choose another report id (nothing was changed)", folder)
    data = _read_source(source)
    name = source.name
    copy = data_dir / "sources" / name
    if os.path.lexists(copy) and (not copy.is_file() or copy.read_bytes() != data):
        raise InputError("a different file of this name exists; rename the text (nothing was changed)", copy)
    for sub in ("reports", "sources"):
        try:
            (data_dir / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot make the folder: {exc.strerror}", data_dir / sub) from None
    copied = _copy_new(data, copy)
    tmp = Path(tempfile.mkdtemp(prefix=f".{report_id}.tmp-", dir=folder.parent))
    try:
        (tmp / "report.yaml").write_text(report_yaml(report_id, name, folder), encoding="utf-8")
        (tmp / FACTS_FILE).write_text(facts_yaml(report_id, folder), encoding="utf-8")
        os.rename(tmp, folder)  # one step: the folder appears whole
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if copied:
            copy.unlink(missing_ok=True)
        raise InputError(f"cannot write the report folder: {exc.strerror}", folder) from None
    return folder, copy


def _copy_new(data: bytes, copy: Path) -> bool:
    """Write ``data`` to ``copy`` unless the same bytes are there; True when this call wrote it."""
    if copy.is_file():
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{copy.name}.tmp-", dir=copy.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.link(tmp, copy)  # fails if a file of that name appeared meanwhile: nothing is replaced
    except OSError as exc:
        raise InputError(f"cannot write the copy of the text: {exc.strerror}", copy) from None
    finally:
        os.unlink(tmp)
    return True


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when it is below it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative


def _cmd_init(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    folder, copy = init_report(args.report_id, Path(args.source), data_dir)
    own = os.path.realpath(data_dir) == os.path.realpath(resources.data_dir())
    build = "ipgraph build" if own else f"ipgraph build --data {_shown(data_dir)}"
    print(f"created {_shown(folder)}{os.sep} (report.yaml, {FACTS_FILE}) and {_shown(copy)}")
    print(f"next: fill in report.yaml and add facts to {_shown(folder / FACTS_FILE)}, then: {build}")
    return 0


def add_parser(sub: argparse._SubParsersAction, root: Path) -> None:  # type: ignore[type-arg]
    """Register ``ipgraph init``."""
    p = sub.add_parser(
        "init",
        help="start a report of your own: DATA/reports/ID/ (report.yaml, facts.yaml) and the text under sources/",
        description="Scaffold a new report folder in your data folder, next to a copy of its source text; "
        "ipgraph build --data DATA then builds it with ipgraph's own reports.",
        epilog="example: ipgraph init shanghai-2024 --source white-paper-2024.en.txt && ipgraph build --data data",
    )
    p.add_argument("report_id", metavar="REPORT-ID", help="the report's id: a slug such as shanghai-2024")
    p.add_argument("--source", required=True, metavar="TEXT", help="the report's text (UTF-8), copied to sources/")
    p.add_argument(
        "--data",
        default=os.path.relpath(root / "data"),
        metavar="DIR",
        help="your data folder (default: %(default)s; in a checkout, the checkout's data/)",
    )
    p.set_defaults(func=_cmd_init)
