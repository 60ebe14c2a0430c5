"""Where ipgraph may write, and how it swaps a new output in: the one rule every writing verb follows.

**The rule.** A verb that writes replaces only what ipgraph itself wrote there before. Everything else is refused
with one line (:class:`~ipgraph.errors.InputError`, exit 2) before anything is read or written:

- an empty path, the current directory or any folder above it;
- ipgraph's inputs (the ``data/`` and ``ontology/`` folders of the project, and the data folders and ontology
  file a verb reads), any path inside those folders and any folder above them;
- for a folder output (``build --out``, ``viz charts|site -o``): a file, or a non-empty folder that is not an
  ipgraph output of the same kind. An ipgraph folder carries the marker file :data:`MARKER_FILE` (builds made before
  the marker existed are recognised by their ``manifest.json`` and ``store/``);
- for a file output (``export -o``, ``viz VIEW -o``, ``docs --out``, ``link … --out``, ``viz --screenshot``): a
  folder, a device or FIFO, or an existing file that ipgraph did not write. ipgraph's files are recognised by a
  signature in their first bytes (:data:`SIGNATURES`): a ``# ipgraph-output`` comment line in RDF files, the
  ``generator`` meta element of HTML pages, ``mapping_tool: ipgraph`` in SSSOM headers, a ``tEXt`` chunk in PNG
  images, and the fixed head of the tidy CSV and the JSON-LD dump (formats without comments).

**The swap.** A folder output is written in a temporary sibling ``.NAME.tmp-*`` (marked from its first instant)
and put in place with ONE ``rename``: Linux ``renameat2(RENAME_EXCHANGE)`` (macOS ``renamex_np(RENAME_SWAP)``)
exchanges the new folder and the old one atomically, so a reader always finds a complete output at the path —
the old one or the new one — and the path stays a plain folder (``ipgraph query``, ``serve`` and ``--build``
keep working on it unchanged; a symlink to versioned folders would have worked too, but turns a user's existing
``build/`` folder into a link and leaves versioned siblings around). Where the filesystem cannot exchange
(``EINVAL``/``ENOSYS``, e.g. some network filesystems), two renames are used and a crash between them is repaired
by the next run, which puts the old output (``.NAME.old-*``, marked complete) back. A file output is written to
a temporary file in the same folder and renamed over the old one.

**Leftovers and concurrency.** Two runs writing the same output are serialised by ``fcntl.flock`` on
``.NAME.lock`` next to it: the second one stops at once and says which process holds it. The holder removes the
temporary folders that a killed run left — only ``.NAME.tmp-*``/``.NAME.old-*`` folders that carry the marker
(or are empty), never anything else — and removes the lock file when it is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import secrets
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from ipgraph.errors import InputError

__all__ = [
    "COMMENT_MARKER",
    "MARKER_FILE",
    "SIGNATURES",
    "OutputDir",
    "check_dir",
    "check_file",
    "is_ipgraph_file",
    "locked",
    "mark",
    "marked",
    "output_kind",
    "require_dir",
    "write_file",
    "writing_file",
]

#: The marker file of every folder ipgraph writes (JSON: what kind of output, and whether it is complete).
MARKER_FILE: Final = ".ipgraph-output"
#: Folder kinds and their names in messages.
KINDS: Final = {
    "build": "build", "viz-site": "viz site", "viz-charts": "viz charts folder", "draft": "report draft",
}  # fmt: skip
_TOKEN: Final = b"ipgraph-output"
#: Byte strings that, in the first :data:`_HEAD` bytes of a file, show that ipgraph wrote it.
SIGNATURES: Final = (
    _TOKEN,
    b'<meta name="generator" content="ipgraph',  # viz pages, charts pages, the docs page
    b"# mapping_tool: ipgraph",  # SSSOM files of `ipgraph link`
)
#: Fixed heads of formats without comments: the tidy CSV of `export --format csv` and the JSON-LD dump.
_HEADS: Final = (
    b"observation,dataset,period,area,observed_entity,function,category,charge,right_type,",
    b'{\n "@context": "ipgraph.context.jsonld",',
)
_HEAD: Final = 16384
#: The first line of RDF text files ipgraph writes outside a build (a comment in N-Triples, N-Quads, Turtle, TriG).
COMMENT_MARKER: Final = b"# ipgraph-output (written by ipgraph)\n"
_LEGACY_BUILD = ("manifest.json", "store")


# ----------------------------------------------------------------------------------------------- recognising
def is_ipgraph_file(path: Path) -> bool:
    """Whether the regular file at ``path`` was written by ipgraph (a signature in its first bytes).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.nq").write_bytes(marked(b"<a> <b> <c> .\\n", "nq"))
    >>> _ = (d / "notes.txt").write_text("my notes")
    >>> is_ipgraph_file(d / "a.nq"), is_ipgraph_file(d / "notes.txt")
    (True, False)
    """
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return False
    return head.startswith(_HEADS) or any(s in head for s in SIGNATURES)


def _read_marker(folder: Path) -> dict[str, object] | None:
    marker = folder / MARKER_FILE
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") in KINDS else None


def output_kind(folder: Path) -> str | None:
    """The kind of ipgraph output ``folder`` is (``build``, ``viz-site``, ``viz-charts``), or None.

    A folder is ipgraph's when it has the marker file; a build made before the marker existed is recognised by its
    ``manifest.json`` and ``store/``; a folder holding nothing but ipgraph's viz pages, images and viz folders
    (pages written one by one with ``viz VIEW -o``) counts as a viz site.
    """
    if folder.is_symlink() or not folder.is_dir():
        return None
    marker = _read_marker(folder)
    if marker is not None:
        return str(marker["kind"])
    if _is_legacy_build(folder):
        return "build"
    try:
        entries = list(folder.iterdir())
    except OSError:
        return None
    if entries and len(entries) <= 1000 and all(_is_viz_entry(e) for e in entries):
        return "viz-site"
    return None


def _is_legacy_build(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / _LEGACY_BUILD[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"reports", "graphs"} <= set(manifest) and (folder / "store").is_dir()


def _is_viz_entry(path: Path) -> bool:
    """A page or image of ipgraph's viz, or a viz folder (never a build or another kind of file)."""
    if path.is_symlink():
        return False
    if path.is_dir():
        marker = _read_marker(path)
        return marker is not None and str(marker["kind"]).startswith("viz-")
    return path.suffix in (".html", ".svg", ".png") and path.is_file() and is_ipgraph_file(path)


def marked(data: bytes, fmt: str) -> bytes:
    """``data`` with ipgraph's signature added where its format allows a comment (RDF text, HTML, SVG, PNG).

    >>> marked(b"<a> <b> <c> .\\n", "nt")
    b'# ipgraph-output (written by ipgraph)\\n<a> <b> <c> .\\n'
    >>> marked(b'<!DOCTYPE html><html><head><title>t</title>', "html")[:65]
    b'<!DOCTYPE html><html><head><meta name="generator" content="ipgrap'
    """
    if data.startswith(_HEADS) or any(s in data[:_HEAD] for s in SIGNATURES):
        return data
    if fmt in ("nt", "nq", "ttl", "trig", "tsv"):
        return COMMENT_MARKER + data
    if fmt == "html":
        at = data.find(b"<head>")
        if at < 0:
            raise ValueError("an HTML page without <head>")
        at += len(b"<head>")
        return data[:at] + b'<meta name="generator" content="ipgraph">' + data[at:]
    if fmt == "svg":
        at = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
        return data[:at] + b"<!-- ipgraph-output -->" + data[at:]
    if fmt == "png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("not a PNG image")
        at = 8 + 8 + 13 + 4  # signature, IHDR length+type, IHDR data, CRC
        body = b"tEXt" + b"Software\x00" + _TOKEN
        chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
        return data[:at] + chunk + data[at:]
    raise ValueError(f"no way to mark a {fmt} file as ipgraph's")


# ------------------------------------------------------------------------------------------------ the rule
def _project_inputs() -> list[Path]:
    """The ``data/`` (with ``reports/``) and ``ontology/`` (with ``ipgraph.ttl``) folders at or above the current
    directory."""
    found: list[Path] = []
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "ipgraph.ttl").is_file():
            found.append(folder / "ontology")
        if (folder / "data" / "reports").is_dir():
            found.append(folder / "data")
    return found


def _resolved(path: os.PathLike[str] | str) -> Path:
    text = os.fspath(path)
    if not text.strip():
        raise InputError("the output path is empty; refusing to write (give a path, e.g. --out build)")
    return Path(os.path.abspath(text)).resolve()


def _shown(path: os.PathLike[str] | str) -> str:
    return os.fspath(path) or "''"


def _usable(path: Path, shown: os.PathLike[str] | str) -> None:
    """Refuse a path the system cannot even look up (a name too long, a loop of links) in one line."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as exc:
        raise InputError(f"cannot use this path: {exc.strerror or exc}", _shown(shown)) from None


def _check_place(path: os.PathLike[str] | str, protect: Iterable[os.PathLike[str] | str]) -> Path:
    """The resolved path, after refusing the empty path, the current directory, ipgraph's inputs, and a path
    through a file."""
    target = _resolved(path)
    _usable(target, path)
    for above in target.parents:
        if os.path.lexists(above):
            if not above.is_dir():
                raise InputError(f"cannot write the output directory: {above} is a file", _shown(path))
            break
    cwd = Path.cwd().resolve()
    if target == cwd or cwd.is_relative_to(target):
        what = "is the current directory (so is an empty path)" if target == cwd else "holds the current directory"
        raise InputError(f"{what}; refusing to write there", _shown(path))
    for given in [*protect, *_project_inputs()]:
        source = Path(os.path.abspath(os.fspath(given))).resolve()
        _usable(source, given)
        if target == source:
            raise InputError(f"is ipgraph's input {source}; refusing to write there", _shown(path))
        if source.is_relative_to(target):
            raise InputError(f"holds ipgraph's input {source}; refusing to write there", _shown(path))
        # inside an input folder: a data folder, or an ontology/ folder (not just any folder holding a .ttl file)
        folder = source if source.is_dir() else source.parent if source.parent.name == "ontology" else None
        if folder is not None and target.is_relative_to(folder):
            raise InputError(f"is inside ipgraph's input {folder}; refusing to write there", _shown(path))
    return target


def check_dir(path: os.PathLike[str] | str, kind: str, protect: Iterable[os.PathLike[str] | str] = ()) -> Path:
    """Where a folder output of ``kind`` may go: the resolved path, or an :class:`InputError` saying why not.

    Accepted: a path that does not exist, an empty folder, or an ipgraph output of the same kind.
    """
    target = _check_place(path, protect)
    if not os.path.lexists(target):
        return target
    shown = _shown(path)
    if not target.is_dir():
        raise InputError(f"is a file, not an ipgraph {KINDS[kind]} folder; refusing to replace it", shown)
    found = output_kind(target)
    if found is None:
        try:
            empty = not any(target.iterdir())
        except OSError as exc:
            raise InputError(f"cannot read the folder: {exc.strerror}", shown) from None
        if not empty:
            raise InputError(f"is not an ipgraph output (no {MARKER_FILE}); refusing to replace this folder", shown)
    elif found != kind:
        raise InputError(f"is an ipgraph {KINDS[found]}, not a {KINDS[kind]}; refusing to replace it", shown)
    return target


def require_dir(path: os.PathLike[str] | str, kind: str) -> Path:
    """The resolved path of an existing ipgraph output of ``kind`` (e.g. the build ``link --into`` writes into)."""
    target = _resolved(path)
    if not target.is_dir():
        raise InputError(f"no ipgraph {KINDS[kind]} here: run `ipgraph build` first", _shown(path))
    found = output_kind(target)
    if found != kind:
        what = "is not" if found is None else f"is an ipgraph {KINDS[found]}, not"
        raise InputError(f"{what} an ipgraph {KINDS[kind]}; refusing to write into it", _shown(path))
    return target


def check_file(path: os.PathLike[str] | str, protect: Iterable[os.PathLike[str] | str] = ()) -> Path:
    """Where a file output may go: the resolved path, or an :class:`InputError` saying why not.

    Accepted: a new file, or a regular file that ipgraph wrote (see :func:`is_ipgraph_file`).
    """
    target = _check_place(path, protect)
    shown = _shown(path)
    if target.is_dir():
        raise InputError("is a folder; give a file name", shown)
    if os.path.lexists(target):
        if not target.is_file():
            raise InputError("is not a regular file; refusing to write over it", shown)
        if not is_ipgraph_file(target):
            raise InputError("is not an ipgraph output; refusing to replace this file (choose another name)", shown)
    return target


# ----------------------------------------------------------------------------------------------- file outputs
@contextmanager
def writing_file(path: os.PathLike[str] | str, protect: Iterable[os.PathLike[str] | str] = ()) -> Iterator[IO[bytes]]:
    """A binary file to write that replaces ``path`` (checked by :func:`check_file`) when the block ends well.

    The bytes go to a temporary file in the same folder; on an exception it is removed and ``path`` is untouched.
    """
    target = check_file(path, protect)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", _shown(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        check_file(path, protect)  # still ours (nothing else took the name meanwhile)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", _shown(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_file(path: os.PathLike[str] | str, data: bytes, protect: Iterable[os.PathLike[str] | str] = ()) -> Path:
    """Write ``data`` to ``path`` atomically, under the rule of :func:`check_file`; return the resolved path."""
    with writing_file(path, protect) as f:
        f.write(data)
    return _resolved(path)


# ----------------------------------------------------------------------------------------------- folder outputs
class OutputDir:
    """A folder output being written: checked and locked on entry, swapped in by :meth:`commit`.

    ``with OutputDir(out, "build") as o: write into o.begin(); o.commit()`` — leaving the block without
    :meth:`commit` (an error, failed checks) removes the temporary folder and leaves ``out`` as it was.
    """

    def __init__(self, path: os.PathLike[str] | str, kind: str, protect: Iterable[os.PathLike[str] | str] = ()) -> None:
        self.shown = _shown(path)
        self.kind = kind
        self.path = check_dir(path, kind, protect)
        self._protect = list(protect)
        self._lock: _Lock | None = None
        self.tmp: Path | None = None
        self.committed = False

    def __enter__(self) -> OutputDir:
        self._lock = _Lock(self.path, self.shown)
        try:
            check_dir(self.path, self.kind, self._protect)  # again, now that no other ipgraph can change it
            _repair(self.path)
        except BaseException:
            self._lock.release()
            raise
        return self

    def begin(self) -> Path:
        """Create the marked temporary folder to write the new output into; return it."""
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.tmp-", dir=self.path.parent))
            _write_marker(self.tmp, self.kind, complete=False)
            os.chmod(self.tmp, 0o777 & ~_umask())
        except OSError as exc:
            raise InputError(f"cannot write the output directory: {exc.strerror}", self.shown) from None
        return self.tmp

    def commit(self) -> None:
        """Put the temporary folder in place of the output in one atomic step, then remove the old output."""
        if self.tmp is None:
            raise RuntimeError("commit() before begin()")
        try:
            _write_marker(self.tmp, self.kind, complete=True)
            if self.path.is_dir() and _read_marker(self.path) is None and output_kind(self.path) == self.kind:
                _write_marker(self.path, self.kind, complete=True)  # an output from before the marker: recognisable
            old = swap(self.tmp, self.path)
        except OSError as exc:
            raise InputError(f"cannot write the output directory: {exc.strerror}", self.shown) from None
        self.committed = True
        self.tmp = None
        if old is not None:
            _remove(old)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if self.tmp is not None and not self.committed:
                _remove(self.tmp)
        finally:
            if self._lock is not None:
                self._lock.release()


@contextmanager
def locked(path: os.PathLike[str] | str) -> Iterator[Path]:
    """Hold the lock of an existing output while changing it in place (``link --into`` loading a build's store)."""
    target = _resolved(path)
    lock = _Lock(target, _shown(path))
    try:
        yield target
    finally:
        lock.release()


def mark(folder: Path, kind: str) -> None:
    """Mark a sub-folder of an output as an ipgraph output of its own (the charts folder of a viz site)."""
    _write_marker(folder, kind, complete=True)


def _write_marker(folder: Path, kind: str, complete: bool) -> None:
    text = json.dumps({"kind": kind, "complete": complete, "written_by": "ipgraph"}) + "\n"
    tmp = folder / f"{MARKER_FILE}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, folder / MARKER_FILE)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ the swap
AT_FDCWD: Final = -100
RENAME_EXCHANGE: Final = 2  # linux/fs.h
RENAME_SWAP: Final = 2  # macOS stdio.h, for renamex_np
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library (the symbols of the running process: it is linked in)."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Exchange two existing paths in one atomic step; False where the system or filesystem cannot."""
    libc = _libc()
    if libc is None:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), RENAME_SWAP)
    else:
        return False
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap(new: Path, target: Path) -> Path | None:
    """Put the folder ``new`` at ``target``; return where the previous output now is (to remove), or None.

    With an exchange (:func:`exchange`) this is one step and ``target`` never stops existing. Without it,
    ``target`` goes to ``.NAME.old-*`` and ``new`` to ``target``: a crash between the two is repaired by the next
    :class:`OutputDir` on that path (:func:`_repair`).
    """
    if not os.path.lexists(target):
        os.rename(new, target)
        return None
    if exchange(new, target):
        return new
    old = target.with_name(f".{target.name}.old-{secrets.token_hex(6)}")
    os.rename(target, old)
    os.rename(new, target)
    return old


def _leftovers(target: Path) -> Iterator[Path]:
    prefixes = (f".{target.name}.tmp-", f".{target.name}.old-")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(prefixes) and entry.is_dir() and not entry.is_symlink():
            yield entry


def _repair(target: Path) -> None:
    """Under the lock: put back an output lost by a crash between two renames, and remove killed runs' folders.

    Only folders named ``.NAME.tmp-*`` or ``.NAME.old-*`` that carry the marker are removed (empty ones too: a run
    killed between creating its folder and marking it); anything else by those names is left alone.
    """
    leftovers = list(_leftovers(target))
    if not os.path.lexists(target):
        complete = [p for p in leftovers if p.name.startswith(f".{target.name}.old-") and _is_complete(p)]
        if complete:
            newest = max(complete, key=lambda p: p.stat().st_mtime)
            os.rename(newest, target)
            leftovers.remove(newest)
    for folder in leftovers:
        if _read_marker(folder) is not None:
            _remove(folder)
        else:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty


def _is_complete(folder: Path) -> bool:
    marker = _read_marker(folder)
    return marker is not None and marker.get("complete") is True


# ------------------------------------------------------------------------------------------------ the lock
class _Lock:
    """An exclusive ``flock`` on ``.NAME.lock`` next to an output; refuses at once when another process holds it."""

    def __init__(self, target: Path, shown: str) -> None:
        self.path = target.with_name(f".{target.name}.lock")
        self.fd: int | None = None
        #: folders made for the lock file, removed again on release when still empty (a run that failed)
        self.made = [p for p in target.parents if not os.path.lexists(p)]
        try:
            import fcntl
        except ImportError:  # no flock (Windows): no lock
            return
        while True:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            except OSError as exc:
                raise InputError(f"cannot write the output directory: {exc.strerror}", shown) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pid = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
                os.close(fd)
                raise InputError(f"another ipgraph is writing it (pid {pid}); try again when it ends", shown) from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a lock file that its holder removed while we waited for it
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self.fd = fd
                return
            os.close(fd)

    def release(self) -> None:
        """Remove the lock file, then let go of the lock (in this order, so no one locks a removed file)."""
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = None
        for folder in self.made:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty
