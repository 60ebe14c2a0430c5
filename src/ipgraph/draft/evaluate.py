"""How close a draft comes to a report's hand-written facts: recall and precision of figures, mentions and relations.

A proposed figure matches a hand-written one when value, measure, unit and period agree and the number lies in
one of the hand-written figure's quotes; "every dimension right" adds category, function, charge, right type,
breakdown and observed entity. Mentions are (entity, passage) pairs: an entity the hand-written facts attach to a
quote (defined there, mentioned, or in a relation) against the known entities the draft finds in the sentences that
overlap it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ipgraph.draft.proposals import DEFAULTS, DIMENSIONS, Block, Proposal, propose
from ipgraph.draft.vocabulary import Vocabulary
from ipgraph.reading.facts import ReportDef


@dataclass(frozen=True)
class Gold:
    """A hand-written figure with the spans of its quotes."""

    id: str
    value: Decimal
    measure: str
    unit: str
    period: str
    dims: dict[str, str]
    spans: tuple[tuple[int, int], ...]


@dataclass
class Score:
    """Recall and precision of one comparison."""

    matched_gold: int
    gold: int
    matched_draft: int
    draft: int

    @property
    def recall(self) -> float:
        """Share of the hand-written items the draft found."""
        return self.matched_gold / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        """Share of the draft's items that are right."""
        return self.matched_draft / self.draft if self.draft else 1.0

    def text(self) -> str:
        """``recall 93.8% (106/113), precision 88.3% (106/120)``."""
        return (
            f"recall {self.recall:.1%} ({self.matched_gold}/{self.gold}), "
            f"precision {self.precision:.1%} ({self.matched_draft}/{self.draft})"
        )


@dataclass
class Evaluation:
    """A draft of one report compared with its hand-written facts."""

    report: str
    figures: Score
    all_dimensions: Score
    mentions: Score
    relations: Score
    seconds: float
    missed: list[Gold]
    wrong: list[Proposal]


def _spans(text: str, quote: str, occurrence: int | None) -> tuple[int, int] | None:
    starts, i = [], text.find(quote)
    while i >= 0:
        starts.append(i)
        i = text.find(quote, i + 1)
    if not starts:
        return None
    start = starts[(occurrence or 1) - 1] if (occurrence or 1) <= len(starts) else starts[0]
    return start, start + len(quote)


def gold_figures(report: ReportDef, text: str) -> list[Gold]:
    """The report's hand-written figures (not trends) with their quote spans, restatements included."""
    period = str(report.settings.get("period"))
    spans: dict[str, list[tuple[int, int]]] = {}
    defs = []
    for block in report.blocks:
        block_spans = [s for q in block.quotes if (s := _spans(text, q.text, q.occurrence))]
        for o in block.observations:
            if "value" in o.fields:
                defs.append(o)
                spans.setdefault(o.id, []).extend(block_spans)
        for oid, _, _ in block.restated:
            spans.setdefault(oid, []).extend(block_spans)
    out = []
    for o in defs:
        f = o.fields
        dims = {d: str(f.get(d, DEFAULTS[d])).split(":")[-1] for d in DIMENSIONS}
        dims["entity"] = str(f.get("entity", ""))
        out.append(
            Gold(
                o.id,
                Decimal(str(f["value"])),
                str(f["measure"]),
                str(f["unit"]),
                str(f.get("period", period)),
                dims,
                tuple(spans.get(o.id, [])),
            )
        )
    return out


def gold_mentions(report: ReportDef, text: str) -> list[tuple[str, tuple[int, int]]]:
    """(entity, quote span) pairs of the hand-written facts."""
    pairs: list[tuple[str, tuple[int, int]]] = []
    for block in report.blocks:
        names: set[str] = {e.id for e in block.entities}
        names.update(m for m, _ in block.mentions)
        for st in block.statements:
            names.add(st.subject)
            if isinstance(st.obj, str) and ":" in st.obj and " " not in st.obj:
                names.add(st.obj)
        for q in block.quotes:
            span = _spans(text, q.text, q.occurrence)
            if span:
                pairs.extend((n, span) for n in names)
    return pairs


def _within(pos: int, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _figure_matches(p: Proposal, g: Gold) -> bool:
    f = p.figure
    return (
        f.value == g.value and f.measure == g.measure and f.unit == g.unit and str(f.period) == g.period
        and _within(f.start, g.spans)
    )  # fmt: skip


def _dims_match(p: Proposal, g: Gold) -> bool:
    mine = {d: (p.dims[d].code if d in p.dims else DEFAULTS[d]) for d in DIMENSIONS}
    entity = p.dims["entity"].code if "entity" in p.dims else ""
    return all(mine[d] == g.dims[d] for d in DIMENSIONS) and entity == g.dims["entity"]


def evaluate(report: ReportDef, text: str, vocabulary: Vocabulary) -> Evaluation:
    """Draft ``text`` and compare the proposals with the report's hand-written facts."""
    t0 = time.perf_counter()
    blocks = propose(text, vocabulary, str(report.settings.get("period")))
    seconds = time.perf_counter() - t0
    proposals = [p for b in blocks for p in b.proposals if p.restates is None]
    gold = gold_figures(report, text)
    fig, dims = (
        _match(proposals, gold, _figure_matches),
        _match(proposals, gold, lambda p, g: _figure_matches(p, g) and _dims_match(p, g)),
    )
    matched_gold = {id(g) for p in proposals for g in gold if _figure_matches(p, g)}
    missed = [g for g in gold if id(g) not in matched_gold]
    wrong = [p for p in proposals if not any(_figure_matches(p, g) for g in gold)]
    mentions = _mention_score(blocks, gold_mentions(report, text))
    return Evaluation(report.id, fig, dims, mentions, _relation_score(report, blocks), seconds, missed, wrong)


def _relation_score(report: ReportDef, blocks: list[Block]) -> Score:
    """Statements between named resources: the hand-written ones against the drafted ones (as sets). A drafted
    relation that names a new institution matches where the report defines an entity with that name."""
    gold = {
        (st.subject, st.predicate.split(":")[-1], st.obj)
        for b in report.blocks
        for st in b.statements
        if isinstance(st.obj, str) and re.fullmatch(r"[\w-]+:[\w.-]+", st.obj)
    }
    defined = {
        _name_key(str(label)): e.id
        for b in report.blocks
        for e in b.entities
        for label in [*e.labels.values(), *(a for alts in e.alt_labels.values() for a in alts)]
    }

    def side(value: str, new: bool) -> str:
        return defined.get(_name_key(value), f"new:{value}") if new else value

    drafted = {
        (side(r.subject, "subject" in r.new), r.predicate, side(r.obj, "object" in r.new))
        for b in blocks
        for r in b.relations
    }
    return Score(len(gold & drafted), len(gold), len(gold & drafted), len(drafted))


def _name_key(name: str) -> str:
    from ipgraph.reading.zh_script import to_simplified

    return re.sub(r"^the\s+", "", to_simplified(name).replace("\u2019", "'").strip().lower())


def _match(proposals: list[Proposal], gold: list[Gold], ok: object) -> Score:
    assert callable(ok)
    used: set[int] = set()
    matched = 0
    for p in proposals:
        for i, g in enumerate(gold):
            if i not in used and ok(p, g):
                used.add(i)
                matched += 1
                break
    return Score(len(used), len(gold), matched, len(proposals))


def _mention_score(blocks: list[Block], gold: list[tuple[str, tuple[int, int]]]) -> Score:
    draft = [(t.curie, (b.sentence.start, b.sentence.end)) for b in blocks for t in b.mentions]

    def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    gold_hit = sum(1 for name, span in gold if any(n == name and overlaps(span, s) for n, s in draft))
    draft_hit = sum(1 for name, span in draft if any(n == name and overlaps(span, s) for n, s in gold))
    return Score(gold_hit, len(gold), draft_hit, len(draft))


def evaluate_folder(folder: Path, vocabulary: Vocabulary) -> Evaluation:
    """Evaluate the draft of one report folder's source text against its fact files."""
    from ipgraph.reading.facts import load_report

    report = load_report(folder)
    text = report.source_path.read_text(encoding="utf-8")
    return evaluate(report, text, vocabulary)
