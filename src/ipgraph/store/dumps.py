"""The dumps of a build (TriG, N-Triples, Turtle, JSON-LD), streamed from its canonical N-Quads.

Nothing holds the whole graph in memory: each dump is parsed from a file and written as it comes. A large build
writes them in two worker processes (TriG in one; N-Triples, then Turtle and JSON-LD from it, in the other) while
the build fills its store: pyoxigraph's serializers pull quads from a Python iterator, so threads would take turns
on one core. Only this module's own imports (the standard library and pyoxigraph) are loaded in the workers.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["PARALLEL_BYTES", "DumpWriter", "split_graph"]

#: N-Quads bytes from which the dumps are written in worker processes. Below it, starting the two workers costs
#: more than it saves (measured: 0.3 s of start-up against 0.15 s of writing for the 16k triples of one report).
PARALLEL_BYTES = 32 << 20


class DumpWriter:
    """Writes the dumps of ``folder/BASENAME.nq``: started by :meth:`start`, finished (and errors raised) by
    :meth:`wait`. Large dumps are written in worker processes meanwhile; small ones in :meth:`wait`.

    The workers are ``python -m ipgraph.store.dumps`` processes, not :mod:`multiprocessing` ones: those re-import
    the caller's main module, which a script using the Python API may not guard with ``if __name__ == ...``.
    """

    def __init__(self, folder: Path, basename: str, prefixes: dict[str, str]):
        self.folder, self.basename = folder, basename
        self.prefixes = dict(sorted(prefixes.items()))
        self.workers: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Start the workers when the dump is large."""
        if (self.folder / f"{self.basename}.nq").stat().st_size < PARALLEL_BYTES:
            return
        package_root = str(Path(__file__).resolve().parents[2])  # where this ipgraph is, installed or not
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        for job in ("trig", "triples"):
            prefixes = json.dumps(self.prefixes)
            command = [sys.executable, "-m", "ipgraph.store.dumps", job, str(self.folder), self.basename, prefixes]
            self.workers.append(
                subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
                )
            )

    def wait(self) -> None:
        """Finish every dump; a worker's error (a full disk) is raised here as :class:`OSError`."""
        if not self.workers:
            write_trig(self.folder, self.basename, self.prefixes)
            write_triple_dumps(self.folder, self.basename, self.prefixes)
            return
        failed = []
        for worker in self.workers:
            _, err = worker.communicate()
            if worker.returncode != 0:
                lines = err.decode("utf-8", "replace").strip().splitlines()
                failed.append(lines[-1] if lines else f"exit {worker.returncode}")
        self.workers = []
        if failed:
            raise OSError(errno.EIO, f"a dump could not be written: {failed[0][:300]}")

    def cancel(self) -> None:
        """Stop the workers (the build failed): their files are in the temporary folder, removed with it."""
        for worker in self.workers:
            worker.kill()
            worker.wait()
        self.workers = []


def write_trig(folder: Path, basename: str, prefixes: dict[str, str]) -> None:
    """TriG, from the N-Quads in their order (sorted lines)."""
    import pyoxigraph as ox

    nq = str(folder / f"{basename}.nq")

    def quads() -> Iterator[ox.Quad]:
        return iter(ox.parse(path=nq, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False))

    ox.serialize(quads(), output=str(folder / f"{basename}.trig"), format=ox.RdfFormat.TRIG, prefixes=prefixes)


def split_graph(line: bytes) -> tuple[bytes, bytes]:
    """A line of canonical N-Quads (``S P O <G> .``, each named graph an IRI) as its ``S P O`` and its graph IRI.

    >>> split_graph(b'<s> <p> "a <b>" <https://g> .\\n')
    (b'<s> <p> "a <b>"', b'https://g')
    """
    start = line.rindex(b" <", 0, len(line) - 3)
    return line[:start], line[start + 2 : line.rindex(b">")]


def write_triple_dumps(folder: Path, basename: str, prefixes: dict[str, str]) -> None:
    """N-Triples (each triple once, whatever graphs hold it), then Turtle and JSON-LD from it."""
    import pyoxigraph as ox

    nq, nt = str(folder / f"{basename}.nq"), str(folder / f"{basename}.nt")
    with open(nq, "rb") as src, open(nt, "wb") as dst:  # sorted lines: a triple in two graphs is on adjacent lines
        last = b""
        for line in src:
            triple = split_graph(line)[0] + b" .\n"
            if triple != last:
                dst.write(triple)
                last = triple

    def triples() -> Iterator[ox.Triple]:
        return iter(ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))

    ttl = str(folder / f"{basename}.ttl")
    ox.serialize(triples(), output=ttl, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    _write_jsonld(triples(), folder, basename, prefixes)


def _write_jsonld(triples: Iterator[ox.Triple], folder: Path, basename: str, prefixes: dict[str, str]) -> None:
    """JSON-LD: the triples (sorted, so grouped by subject) as expanded node objects, written as they come, under a
    context file with ipgraph's prefixes."""
    import pyoxigraph as ox

    context = {"@context": prefixes}
    (folder / f"{basename}.context.jsonld").write_text(
        json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    with open(folder / f"{basename}.jsonld", "wb") as f:
        f.write(f'{{\n "@context": "{basename}.context.jsonld",\n "@graph": '.encode())
        ox.serialize(triples, output=f, format=ox.RdfFormat.STREAMING_JSON_LD)
        f.write(b"\n}\n")


def _main(argv: list[str]) -> int:
    """A worker: ``python -m ipgraph.store.dumps trig|triples FOLDER BASENAME PREFIXES`` (PREFIXES: JSON)."""
    job, folder, basename, prefixes_json = argv
    prefixes = json.loads(prefixes_json)
    (write_trig if job == "trig" else write_triple_dumps)(Path(folder), basename, prefixes)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
