"""Read the files and folders a user names safely: regular files only, under a size limit, never blocking.

A data file may name any path (``source: /dev/zero``, a FIFO, a folder); reading such a path would never end,
hang, or fill the memory. Every file ipgraph reads from a user goes through :func:`read_bytes` or
:func:`open_regular`: the file is opened without blocking, checked on the open descriptor (no race between the
check and the read) to be a regular file no larger than its limit, and at most limit + 1 bytes are read.
Every folder is listed through :func:`list_folder`, which raises instead of returning nothing.

The limits are here, in one place, and documented in ``docs/data-format.md``.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> (folder / "a.yaml").write_text("facts: []\\n")
10
>>> read_text(folder / "a.yaml", YAML_LIMIT, "a fact file")
'facts: []\\n'
>>> read_text(folder, YAML_LIMIT, "a fact file")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ipgraph.errors.InputError: ...: cannot read a fact file: it is a folder, not a regular file
>>> list_folder(folder)
['a.yaml']
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ipgraph.errors import InputError

MB = 1024 * 1024
#: Largest source text (a report's text) read.
TEXT_LIMIT = 20 * MB
#: Largest YAML data file (report.yaml, a fact file, coverage exclusions) read.
YAML_LIMIT = 5 * MB
#: Largest SPARQL query file read (``ipgraph query --file``).
QUERY_LIMIT = 1 * MB
#: Largest ontology file read (Turtle).
ONTOLOGY_LIMIT = 50 * MB
#: Largest link input read whole: a label list, an SSSOM table.
TABLE_LIMIT = 200 * MB
#: Largest RDF file ``ipgraph link rdf`` reads (it is parsed in memory).
RDF_LIMIT = 1024 * MB

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _size(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n:,} bytes"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: os.PathLike[str] | str, limit: int | None, what: str) -> BinaryIO:
    """Open a regular file for reading in binary, refusing anything else and anything over ``limit`` bytes.

    The caller closes the file (use ``with``). ``limit=None`` only checks the kind of file, for inputs that are
    streamed line by line and may be larger than memory.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"cannot read {what}: it is {_kind(info.st_mode)}, not a regular file", path)
        if limit is not None and info.st_size > limit:
            raise InputError(f"cannot read {what}: it is {_size(info.st_size)}, over the limit of {_size(limit)}", path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: os.PathLike[str] | str, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    with open_regular(path, limit, what) as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise InputError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    if len(data) > limit:  # it grew after the check
        raise InputError(f"cannot read {what}: it is over the limit of {_size(limit)}", path)
    return data


def read_text(path: os.PathLike[str] | str, limit: int, what: str, encoding: str = "utf-8") -> str:
    """The text of a regular file of at most ``limit`` bytes, decoded (UTF-8 by default)."""
    data = read_bytes(path, limit, what)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{what} is not {encoding.upper()} text (byte {exc.start})", path, line) from None


def list_folder(path: os.PathLike[str] | str) -> list[str]:
    """The names in a folder, sorted; a folder that cannot be listed is an error, never an empty list."""
    try:
        return sorted(os.listdir(path))
    except NotADirectoryError:
        raise InputError("not a folder", path) from None
    except OSError as exc:
        raise InputError(f"cannot list the folder: {exc.strerror or exc}", path) from None


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (following links); an error other than "does not exist" is raised."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
