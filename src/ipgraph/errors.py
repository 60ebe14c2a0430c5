"""Errors that the command line reports as one line, with the file and line they concern."""

from __future__ import annotations

import os


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
