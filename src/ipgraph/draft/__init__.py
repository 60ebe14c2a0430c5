"""``ipgraph draft``: propose a new report's facts from its text, so that adding a report is review, not typing.

The verb reads the text with the same number reader as ``ipgraph numbers`` and ``ipgraph coverage``, reads each
number in its sentence (:mod:`ipgraph.draft.figures`), guesses its dimensions from the labels of the ontology and of
the entities the data defines (:mod:`ipgraph.draft.vocabulary`, :mod:`ipgraph.draft.proposals`), proposes the
relations a sentence states between known things and lists the names no entity carries yet
(:mod:`ipgraph.draft.relations`), and writes a report folder that builds as it stands, with a review list
(:mod:`ipgraph.draft.writer`).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _detect_language(text: str) -> str:
    cjk = sum(1 for ch in text[:5000] if "\u3400" <= ch <= "\u9fff")
    return "zh" if cjk > len(text[:5000]) * 0.1 else "en"


def _report_period(text: str) -> str | None:
    years = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text[:600]) or re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text)
    if not years:
        return None
    from collections import Counter

    return str(Counter(years).most_common(1)[0][0])


def _cmd_draft(args: argparse.Namespace) -> int:
    import time

    from ipgraph.draft.proposals import propose
    from ipgraph.draft.vocabulary import load_vocabulary
    from ipgraph.draft.writer import guess_settings, write_draft
    from ipgraph.errors import InputError
    from ipgraph.store.outputs import OutputDir, check_dir

    t0 = time.perf_counter()
    text_path = Path(args.text)
    if not text_path.is_file():
        raise InputError("not a text file", text_path)
    if text_path.stat().st_size > 20 * 1024 * 1024:
        raise InputError("the text is larger than 20 MB", text_path)
    try:
        text = text_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the text is not UTF-8 (byte {exc.start})", text_path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", text_path) from None
    report_id = args.report_id or re.sub(r"[^a-z0-9]+", "-", text_path.stem.lower()).strip("-")
    if not _SLUG.match(report_id):
        raise InputError(f"the report id must be a slug like shanghai-2024, not {report_id!r}")
    if args.period is not None and not re.fullmatch(r"(19|20)\d\d", args.period):
        raise InputError(f"--period must be a year like 2024, not {args.period!r}")
    period = args.period or _report_period(text)
    if period is None:
        raise InputError("no report year found in the text: give --period YEAR", text_path)
    out = Path(args.output or f"{report_id}-draft")
    check_dir(out, "draft", [text_path])
    forced = None if args.lang == "auto" else str(args.lang)
    language = forced or _detect_language(text)
    from ipgraph import resources

    data_dirs, _ = resources.data_dirs([Path(d) for d in args.data], bundled=not args.no_bundled)
    vocabulary = load_vocabulary(Path(args.ontology or resources.ontology_file()), data_dirs)
    blocks = propose(text, vocabulary, period, forced)
    settings = guess_settings(report_id, text_path.name, period, blocks)
    from ipgraph.draft.scaffold import schema_line

    final = out.resolve() / "reports" / report_id
    schema_lines = (schema_line("report", final), schema_line("facts", final))
    with OutputDir(out, "draft", [text_path]) as output:
        folder = write_draft(output.begin(), text_path, blocks, settings, schema_lines)
        output.commit()
    proposals = [p for b in blocks for p in b.proposals]
    complete = sum(1 for p in proposals if p.complete and p.restates is None)
    review = sum(1 for p in proposals if p.review() or not p.complete)
    skipped = sum(len(b.skipped) for b in blocks)
    how = language if forced else f"{language} detected"
    print(f"drafted {report_id} ({how}, {period}) in {time.perf_counter() - t0:.2f}s:")
    print(
        f"  {complete} figures proposed, {sum(1 for p in proposals if p.restates)} restatements, "
        f"{review} with something to review"
    )
    print(f"  {sum(len(b.mentions) for b in blocks)} mentions of known entities, {skipped} numbers not read as figures")
    print(
        f"  {sum(len(b.relations) for b in blocks)} relations proposed, "
        f"{sum(len(b.new) for b in blocks)} names no entity carries yet (listed as new)"
    )
    print(f"wrote {out / 'reports' / folder.name}: report.yaml, draft.yaml, REVIEW.md")
    data = "".join(f" --data {d}" for d in args.data) + (" --no-bundled" if args.no_bundled else "")
    print(f"next: read REVIEW.md, then: ipgraph build{data} --data {out}")
    return 0


def add_parser(sub: argparse._SubParsersAction, root: Path) -> None:  # type: ignore[type-arg]
    """Register ``ipgraph draft``."""
    p = sub.add_parser(
        "draft",
        help="propose a new report's facts (figures, dimensions, mentions) from its text, for review",
        epilog="example: ipgraph draft report-2024.txt --report-id shanghai-2024 -o drafts/shanghai-2024",
    )
    p.add_argument("text", help="the report's text (UTF-8)")
    p.add_argument("--report-id", help="the report's id, a slug (default: from the file name)")
    p.add_argument(
        "--lang",
        choices=("auto", "en", "zh"),
        default="auto",
        help="the text's language: forces the number reader and the sentence ends (default: by the script of each "
        "passage)",
    )
    p.add_argument("--period", help="the report's year (default: the year its opening names most)")
    p.add_argument("-o", "--output", help="folder to write (default: ./ID-draft)")
    p.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="DIR",
        help="your data folders, whose entities the draft may recognise too (ipgraph's own are always read)",
    )
    p.add_argument("--no-bundled", action="store_true", help="do not read ipgraph's own reports' entities")
    p.add_argument("--ontology", default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_draft)
