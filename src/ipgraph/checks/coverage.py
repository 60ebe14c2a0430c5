"""Which numbers of a report's source text no fact's quote covers.

A number counts as covered when its characters lie inside a quote some fact rests on. Paragraph numbering and
footnote markers are not figures; passages listed in the report's ``coverage-exclusions.yaml`` (each with a
reason) are reviewed exclusions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipgraph.reading.facts import ReportDef
from ipgraph.reading.numerals import NumberMention, find_numbers, structural_spans
from ipgraph.reading.source import SourceText


@dataclass(frozen=True)
class Uncovered:
    """A number no quote covers."""

    report: str
    line: int
    mention: NumberMention
    context: str


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of one report."""

    report: str
    total: int
    covered: int
    excluded: int
    uncovered: list[Uncovered]
    unused_exclusions: list[str]

    @property
    def ratio(self) -> float:
        """Covered numbers (reviewed exclusions included) over all numbers."""
        return (self.covered + self.excluded) / self.total if self.total else 1.0


def report_coverage(report: ReportDef, source: SourceText, spans: list[tuple[int, int]]) -> CoverageReport:
    """Compare the numbers of ``source`` (one of the report's texts) with the quote ``spans`` in it.

    The report's exclusions apply to each of its texts; ``unused_exclusions`` lists those that cover no number of
    this text (for a report with several texts, an exclusion is unused if it is unused in every one).
    """
    text = source.text
    skip = structural_spans(text)
    mentions = [m for m in find_numbers(text) if not any(a <= m.start < b for a, b in skip)]
    exclusion_spans: list[tuple[int, int, str]] = []
    unused: list[str] = []
    for passage, _reason, _where in report.exclusions:
        starts = source.find_all(passage)
        if not starts:
            unused.append(passage)
        exclusion_spans.extend((s, s + len(passage), passage) for s in starts)
    covered = excluded = 0
    uncovered: list[Uncovered] = []
    used: set[str] = set()
    for m in mentions:
        if any(a <= m.start and m.end <= b for a, b in spans):
            covered += 1
            continue
        hit = next((p for a, b, p in exclusion_spans if a <= m.start and m.end <= b), None)
        if hit is not None:
            excluded += 1
            used.add(hit)
            continue
        context = text[max(0, m.start - 40) : m.end + 40].replace("\n", " ")
        uncovered.append(Uncovered(report.id, source.line_of(m.start), m, context))
    unused += [p for p, _, _ in report.exclusions if p not in used and p not in unused]
    return CoverageReport(report.id, len(mentions), covered, excluded, uncovered, unused)


def print_coverage(data_dirs: list[Path], ontology: Path) -> int:
    """``ipgraph coverage``: each text's numbers and which of them no fact covers; the exit code (1: some are
    uncovered, or an exclusion is unused)."""
    from ipgraph.errors import EXIT_NOT_CONFORMING, EXIT_OK
    from ipgraph.model.dataset import assemble

    result = assemble(data_dirs, ontology)
    status = EXIT_OK
    for rid, report in result.reports.items():
        unused: set[str] | None = None
        for text_id in [None, *(t.id for t in report.texts)]:  # the source text, then each edition or news item
            key = report.text_key(text_id)
            cov = report_coverage(report, result.sources[key], result.quote_spans.get(key, []))
            name = rid if text_id is None else f"{rid} ({text_id})"  # a line fits 100 columns
            print(
                f"{name}: {cov.total} numbers, {cov.covered} covered, {cov.excluded} excluded with a reason, "
                f"{len(cov.uncovered)} uncovered ({cov.ratio:.1%})"
            )
            for u in cov.uncovered:
                print(f"  line {u.line}: {u.mention.text!r} in “…{u.context}…”")
            unused = set(cov.unused_exclusions) if unused is None else unused & set(cov.unused_exclusions)
            if cov.uncovered:
                status = EXIT_NOT_CONFORMING
        for passage in sorted(unused or ()):
            print(f"  unused exclusion: {passage!r}")
            status = EXIT_NOT_CONFORMING
    return status
