"""Errors that the command line reports as one line, with the file and line they concern; exit codes; bug reports."""

from __future__ import annotations

import os
import sys

#: Exit codes of every verb: done; checks failed (or no result); bad input; a bug in ipgraph.
EXIT_OK, EXIT_NOT_CONFORMING, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3


class IpgraphError(Exception):
    """Base of every error ipgraph reports to a user without a traceback."""

    exit_code = 2


class InputError(IpgraphError):
    """Bad input: a data file, a query, a parameter or a path.

    >>> str(InputError("quote not found", "data/x.yaml", 12))
    'data/x.yaml:12: quote not found'
    >>> str(InputError("must be a year", "data/x.yaml", 12, 13))
    'data/x.yaml:12:13: must be a year'
    """

    def __init__(
        self,
        message: str,
        path: os.PathLike[str] | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        self.column = column if line is not None else None
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}: "
            if self.line is not None:
                where = f"{self.path}:{self.line}: "
                if self.column is not None:
                    where = f"{self.path}:{self.line}:{self.column}: "
        return f"{where}{self.message}"


class NotConformingError(IpgraphError):
    """The graph or data does not conform (exit code 1)."""

    exit_code = 1


def _crash_folder() -> str:
    """Where a crash report goes: $XDG_STATE_HOME/ipgraph when that is set (an absolute path), else the temp dir."""
    import tempfile

    state = os.environ.get("XDG_STATE_HOME", "")
    if os.path.isabs(state):
        folder = os.path.join(state, "ipgraph")
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            return folder
        except OSError:
            pass
    return tempfile.gettempdir()


def report_bug(exc: BaseException) -> int:
    """Write the traceback of an unexpected exception to a new private file and say so in one line (exit 3)."""
    import platform
    import tempfile
    import traceback

    from ipgraph import __version__

    try:
        fd, path = tempfile.mkstemp(prefix="ipgraph-crash-", suffix=".txt", dir=_crash_folder())
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(f"ipgraph {__version__}, Python {platform.python_version()} on {platform.platform()}\n")
            f.write(f"argv: {sys.argv!r}\n\n")
            traceback.print_exception(exc, file=f)
        where = f"the full traceback is in {path}"
    except OSError as write_error:
        where = f"the traceback could not be saved ({write_error.strerror or write_error})"
    summary = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(summary) > 200:
        summary = summary[:200] + " …"
    print(
        f"ipgraph: internal error, a bug in ipgraph (exit {EXIT_BUG}): {summary}; {where}; please report it",
        file=sys.stderr,
    )
    return EXIT_BUG
