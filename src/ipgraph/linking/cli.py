"""``ipgraph link``: join judgment records, charge lists, any RDF dataset and Wikidata to the graph."""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from ipgraph.errors import EXIT_NOT_CONFORMING, EXIT_OK, InputError
from ipgraph.store.outputs import COMMENT_MARKER, check_file, locked, marked, require_dir, write_file, writing_file


class _ChunkReader(io.RawIOBase):
    """A binary stream over an iterator of byte chunks, ending after about ``limit`` bytes at a chunk
    boundary.

    The chunks of the linkers end at line ends, so every stream holds whole N-Quads lines; the next stream
    over the same iterator goes on from there.
    """

    def __init__(self, chunks: Iterator[bytes], limit: int | None = None) -> None:
        self._chunks = chunks
        self._buf = b""
        self._left = limit
        self.exhausted = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            if self._left is not None and self._left <= 0:
                return 0
            try:
                self._buf = next(self._chunks)
            except StopIteration:
                self.exhausted = True
                return 0
            if self._left is not None:
                self._left -= len(self._buf)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _tee(chunks: Iterator[bytes], out: IO[bytes] | None) -> Iterator[bytes]:
    for chunk in chunks:
        if out is not None:
            out.write(chunk)
        yield chunk


#: N-Quads bytes per bulk-load call; None: one call for the whole stream. pyoxigraph's bulk loader bounds its
#: own memory (measured: 1.7 GB at 3.3 M triples, 1.8 GB at 16.6 M), and every further call costs throughput
#: (a new set of sorted files to ingest), so one call is the default.
LOAD_BATCH_BYTES: int | None = None


def load_into_store(
    build: Path, chunks: Iterator[bytes], graphs: list[str], batch_bytes: int | None = LOAD_BATCH_BYTES
) -> None:
    """Replace ``graphs`` in the build's store by the N-Quads of ``chunks``, streamed into the bulk loader."""
    import pyoxigraph as ox

    path = build / "store"
    if not path.is_dir():
        raise InputError(f"no built store at {path}: run `ipgraph build` first")
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise InputError(f"cannot open the store for writing: {exc}", path) from None
    for g in graphs:
        store.remove_graph(ox.NamedNode(g))
    while True:
        reader = _ChunkReader(chunks, batch_bytes)
        store.bulk_load(io.BufferedReader(reader, buffer_size=1 << 20), format=ox.RdfFormat.N_QUADS)
        if reader.exhausted:
            break
    # Compacted, the store answers report queries as fast as before the link: left as the bulk loader wrote it,
    # every lookup also searches the new sorted files (measured with 1M judgment triples: 1.6-1.9x slower report
    # queries before, 1.1-1.2x after; benchmarks/bench_anchored.py).
    store.optimize()
    store.flush()


# ---------------------------------------------------------------------------------------------------- cail
def _cmd_cail(args: argparse.Namespace) -> int:
    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.judgments import FieldMap, LinkSummary, link_judgments
    from ipgraph.linking.terms import GRAPH_LINK_VOCABULARY, links_graph, slugify

    source = Path(args.file)
    if not source.is_file():
        raise InputError("file not found", source)
    slug = slugify(args.dataset or source.name.split(".")[0])
    out_path: Path | None = Path(args.out) if args.out is not None else None
    if out_path is None and args.into is None:
        out_path = args.root / "build" / "links" / f"{slug}.nq"
    if out_path is not None:
        check_file(out_path)  # before the work (and again when written)
    if args.into is not None:
        require_dir(args.into, "build")
    concepts = load_concepts(args.ontology)
    fields = FieldMap(
        args.charges_field,
        args.articles_field,
        args.imprisonment_field,
        args.life_field,
        args.death_field,
        args.fine_field,
        args.defendants_field,
        args.id_field,
    )
    summary = LinkSummary(source, links_graph(slug))
    chunks = link_judgments(source, concepts, slug, summary, fields, args.encoding)
    started = time.perf_counter()
    with ExitStack() as stack:
        into = stack.enter_context(locked(require_dir(args.into, "build"))) if args.into is not None else None
        out = stack.enter_context(writing_file(out_path)) if out_path is not None else None
        if out is not None:
            out.write(COMMENT_MARKER)
        stream = _tee(chunks, out)
        if into is not None:
            graphs = [summary.graph] + ([] if concepts.declares_link_vocabulary else [GRAPH_LINK_VOCABULARY])
            load_into_store(into, stream, graphs)
        else:
            for _ in stream:
                pass
    if out_path is not None:
        summary.outputs.append(f"wrote {out_path} (N-Quads)")
    if args.into is not None:
        summary.outputs.append(f"loaded into {Path(args.into) / 'store'}; try: ipgraph query link-judgments-per-charge")
    summary.seconds = time.perf_counter() - started
    print(summary.text())
    return EXIT_NOT_CONFORMING if args.strict and summary.findings else EXIT_OK


# ---------------------------------------------------------------------------------------------------- charges
def _cmd_charges(args: argparse.Namespace) -> int:
    from ipgraph.linking.charges import align_charges, alignment_nquads
    from ipgraph.linking.concepts import load_concepts
    from ipgraph.linking.sssom import write_sssom
    from ipgraph.linking.terms import LINKED_NS, slugify

    accu = Path(args.file)
    slug = slugify(args.dataset or f"{accu.resolve().parent.name}-{accu.stem}")
    out_dir = Path(args.out) if args.out is not None else args.root / "build" / "links"
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is a file; --out takes a folder", args.out)
    sssom = out_dir / f"{slug}.sssom.tsv"
    nq = out_dir / f"{slug}.nq"
    for path in (sssom, nq):  # both, before the work and before writing either
        check_file(path)
    concepts = load_concepts(args.ontology)
    al = align_charges(accu, concepts, slug, Path(args.articles) if args.articles else None)
    write_sssom(
        sssom,
        al.mappings,
        mapping_set_id=f"{LINKED_NS}{slug}/alignment",
        description=f"The charges of {accu.name} aligned with ipgraph's charges (ipgraph link charges)",
        tool="ipgraph link charges",
        extra_prefixes={slug.replace("-", "_") + "_charge": f"{LINKED_NS}{slug}/charge/"}
        | ({slug.replace("-", "_") + "_article": f"{LINKED_NS}{slug}/article/"} if args.articles else {}),
    )
    write_file(nq, marked(alignment_nquads(al).encode("utf-8"), "nq"))
    print(al.text())
    print(f"wrote {sssom} (links to review) and {nq} (the lists and links as N-Quads)")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------------- rdf
def _cmd_rdf(args: argparse.Namespace) -> int:
    from ipgraph.linking.rdf import load_targets, propose_links, read_source
    from ipgraph.linking.sssom import write_sssom
    from ipgraph.linking.terms import LINKED_NS, slugify

    source = Path(args.file)
    default = args.root / "build" / "links" / f"{slugify(source.stem)}.sssom.tsv"
    out = Path(args.out) if args.out is not None else default
    check_file(out)  # before the work
    entities = read_source(source, args.format)
    targets = load_targets(None if args.ontology_only else Path(args.build), args.ontology)
    proposals = propose_links(entities, targets, source, args.min_score)
    write_sssom(
        out,
        proposals.mappings,
        mapping_set_id=f"{LINKED_NS}{slugify(source.stem)}/proposals",
        description=f"Links proposed between {source.name} and ipgraph by normalised labels",
        tool="ipgraph link rdf",
    )
    print(proposals.text())
    print(f"wrote {out}: review it, then keep the accepted rows in data/links/")
    return EXIT_OK


# -------------------------------------------------------------------------------------------------- wikidata
def _cmd_wikidata(args: argparse.Namespace) -> int:
    from ipgraph import resources
    from ipgraph.linking.terms import WD
    from ipgraph.linking.wikidata import check_wikidata, federated_query, verified_links
    from ipgraph.model.links import load_links
    from ipgraph.store.embedded import open_store

    store = open_store(Path(args.build))
    dirs, _notes = resources.data_dirs(args.data or [], bundled=not args.no_bundled)
    extra = [(str(s), str(p), str(o)) for d in dirs for s, p, o in load_links(d) if str(o).startswith(WD)]
    report = check_wikidata(store, verified_links(store, dirs), extra)
    if args.query:
        sys.stdout.write(federated_query([item for _, _, item in report.present]))
        return EXIT_OK
    print(report.text())
    if not report.ok:
        print(
            "Wikidata identifiers nobody reviewed: add a reviewed row (reviewer_label, mapping_date) to a "
            "links/*.sssom.tsv of your data, or remove them"
        )
    return EXIT_OK if report.ok else EXIT_NOT_CONFORMING


def _score(text: str) -> float:
    """A score between 0 and 1 (``--min-score``).

    >>> _score("0.7")
    0.7
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:  # also refuses nan
        raise argparse.ArgumentTypeError(f"a score lies between 0 and 1, not {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction, root: Path) -> None:  # type: ignore[type-arg]
    """Register ``ipgraph link`` and its sub-commands."""
    from ipgraph import resources

    p = sub.add_parser(
        "link",
        help="link judgment records, charge lists, any RDF dataset and Wikidata to the graph",
        description="Join other legal datasets to ipgraph: judgment records become cases linked to the "
        "charge and article concepts; charge lists and RDF datasets get reviewable "
        "skos:exactMatch/closeMatch links.",
        epilog="examples: ipgraph link cail data_test.json --into build | ipgraph link charges accu.txt "
        "--articles law.txt --dataset cail2018 | ipgraph link rdf other.ttl | ipgraph link wikidata",
    )
    p.set_defaults(func=None)  # no KIND: the command line says so in one line (exit 2)
    verbs = p.add_subparsers(dest="link_verb", metavar="KIND")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--ontology", type=Path, default=Path(resources.ontology_file()), help=argparse.SUPPRESS)
        q.set_defaults(root=root)

    q = verbs.add_parser(
        "cail",
        help="judgment records (CAIL2018 JSON Lines, or any JSON Lines with charge and article fields)",
        description="Each record becomes an ipg:JudgmentRecord in the file's named graph, linked to "
        "ipgraph's charges and Criminal Law articles, with its sentence, fine and defendants; what does not "
        "link is kept and reported as a finding. Streams: memory does not grow with the file.",
        epilog="examples: ipgraph link cail cail2018_ip_sample.jsonl --into build | ipgraph link cail "
        "cases.jsonl --charges-field charge --articles-field law.articles --fine-field fine --out cases.nq",
    )
    common(q)
    q.add_argument("file", help="a JSON Lines file, one record per line")
    q.add_argument("--dataset", help="name of the linked data (default: the file name); names its graph and records")
    q.add_argument("--out", help="N-Quads file to write (default: build/links/DATASET.nq unless --into is given)")
    q.add_argument("--into", metavar="BUILD", help="load the linked graph into BUILD/store (replacing it)")
    q.add_argument("--encoding", default="utf-8", help="text encoding of the file (default: utf-8; e.g. gb18030)")
    q.add_argument("--strict", action="store_true", help="exit 1 when any record has a finding")
    fields = q.add_argument_group("field paths (dotted keys into each JSON record; CAIL2018's by default)")
    fields.add_argument("--charges-field", default="meta.accusation", help="charge names (default: %(default)s)")
    fields.add_argument(
        "--articles-field", default="meta.relevant_articles", help="article numbers (default: %(default)s)"
    )
    fields.add_argument(
        "--imprisonment-field",
        default="meta.term_of_imprisonment.imprisonment",
        help="months of imprisonment (default: %(default)s)",
    )
    fields.add_argument(
        "--life-field",
        default="meta.term_of_imprisonment.life_imprisonment",
        help="life imprisonment, true/false",
    )
    fields.add_argument("--death-field", default="meta.term_of_imprisonment.death_penalty", help="death penalty")
    fields.add_argument("--fine-field", default="meta.punish_of_money", help="fine in yuan (default: %(default)s)")
    fields.add_argument(
        "--defendants-field",
        default="meta.criminals",
        help="defendants: a list or a count (default: %(default)s)",
    )
    fields.add_argument("--id-field", help="the record's own identifier, if it has one (dcterms:identifier)")
    q.set_defaults(func=_cmd_cail)

    q = verbs.add_parser(
        "charges",
        help="align a charge list (accu.txt) and an article list (law.txt) with ipgraph's charges",
        description="Writes the alignment (skos:exactMatch/closeMatch/broadMatch/narrowMatch) as a "
        "reviewable SSSOM file and as N-Quads, and reports which of ipgraph's IP charges the list lacks.",
        epilog="example: ipgraph link charges accu.txt --articles law.txt --dataset cail2018",
    )
    common(q)
    q.add_argument("file", help="a charge list, one name per line (the line number is the label id)")
    q.add_argument("--articles", metavar="LAW.txt", help="an article list, one article number per line")
    q.add_argument("--dataset", help="name of the dataset (default: folder-file, e.g. cail-accu)")
    q.add_argument("--out", help="output folder (default: build/links)")
    q.set_defaults(func=_cmd_charges)

    q = verbs.add_parser(
        "rdf",
        help="propose skos:exactMatch/closeMatch links between an RDF file's entities and ipgraph's concepts",
        description="Compares normalised en/zh labels and aliases; writes the proposals with a score as an "
        "SSSOM file to review. Accepted rows go to data/links/, which the build loads.",
        epilog="example: ipgraph link rdf other-kg.ttl --out proposals.sssom.tsv",
    )
    common(q)
    q.add_argument("file", help="an RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD)")
    q.add_argument("--format", help="RDF format by extension (default: from the file name)")
    q.add_argument("--build", default=str(root / "build"), help="built graph to link to (default: %(default)s)")
    q.add_argument("--ontology-only", action="store_true", help="link to the ontology's concepts only (no build)")
    q.add_argument("--min-score", type=_score, default=0.7, help="lowest score to propose (default: %(default)s)")
    q.add_argument("--out", help="links file to write (default: build/links/NAME.sssom.tsv)")
    q.set_defaults(func=_cmd_rdf)

    q = verbs.add_parser(
        "wikidata",
        help="check the graph's Wikidata links against the reviewed identifiers; print a federated query",
        description="Lists the Wikidata links of the build and of the data's links files; exits 1 on an "
        "identifier that no reviewed row (links/*.sssom.tsv, with reviewer and date) or the ontology states. "
        "--query prints a federated query (SERVICE to Wikidata) for an engine with federation enabled.",
        epilog="examples: ipgraph link wikidata | ipgraph link wikidata --query > wikidata.rq",
    )
    common(q)
    q.add_argument("--build", default=str(root / "build"), help="built graph (default: %(default)s)")
    q.add_argument(
        "--data",
        type=Path,
        action="append",
        help="a data folder of yours whose links/*.sssom.tsv hold reviewed Wikidata links (repeatable; "
        "ipgraph's own data is always read unless --no-bundled)",
    )
    q.add_argument("--no-bundled", action="store_true", help="leave out ipgraph's own data's links")
    q.add_argument("--query", action="store_true", help="print the federated query for the graph's Wikidata items")
    q.set_defaults(func=_cmd_wikidata)
