"""Write a draft as a report folder: report.yaml, one fact file of proposals, the text, and a review list.

Everything proposed is written so that the folder builds as it stands; what is left for a person (a missing
unit, a figure whose dimensions clash with another's) is written as a comment beside its sentence and listed in
``REVIEW.md`` with the sentence, never filled in with an invented value.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ipgraph.draft.proposals import Block, Proposal
from ipgraph.draft.relations import NewName, Relation

FACT_FILE = "draft.yaml"
REVIEW_FILE = "REVIEW.md"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Settings:
    """What report.yaml says, with the guesses behind it."""

    report_id: str
    source_name: str
    period: str
    area: str | None
    observed_entity: str | None
    notes: list[str]

    @property
    def base_period(self) -> str | None:
        """The year before the report's period."""
        return str(int(self.period) - 1) if self.period.isdigit() else None


def guess_settings(report_id: str, source_name: str, period: str, blocks: list[Block]) -> Settings:
    """The report's area and observed entity: the place and the procuratorate its sentences name most."""
    places: Counter[str] = Counter()
    bodies: Counter[str] = Counter()
    for b in blocks:
        for t in b.mentions:
            if t.curie.startswith("place:"):
                places[t.curie] += 1
            elif t.curie.startswith("inst:") and any("procuratorate" in x.lower() or "检察" in x for x in t.labels):
                bodies[t.curie] += 1
    notes = []
    area = places.most_common(1)[0][0] if places else None
    entity = bodies.most_common(1)[0][0] if bodies else None
    new = [n for b in blocks for n in b.new]
    new_place = next((n.name for n in new if n.kind == "place"), None)
    new_body = next((n.name for n in new if n.kind == "institution" and re.search("Procuratorate|检察", n.name)), None)
    notes.append(
        f"area: {area} (the place named most often)"
        if area
        else f"area: no known place named; define the new place “{new_place}” the text names and give it here"
        if new_place
        else "area: no known place named; add it"
    )
    notes.append(
        f"observed_entity: {entity} (the procuratorate named most often)"
        if entity
        else f"observed_entity: no known procuratorate named; define the new “{new_body}” and give it here"
        if new_body
        else "observed_entity: no known procuratorate named; add the institution whose figures these are"
    )
    return Settings(report_id, source_name, period, area, entity, notes)


def observation_line(p: Proposal, settings: Settings) -> str:
    """One proposal as a flow mapping, the way the project's fact files write figures."""
    f = p.figure
    fields: list[tuple[str, str]] = [("id", p.id)]
    for dim in ("category", "function", "charge", "right", "breakdown"):
        if dim in p.dims:
            fields.append((dim, p.dims[dim].code))
    if "entity" in p.dims:
        fields.append(("entity", p.dims["entity"].code))
    fields += [("unit", str(f.unit)), ("measure", str(f.measure)), ("value", format(f.value, "f"))]
    if f.qualifier != "exact":
        fields.append(("qualifier", f.qualifier))
    if f.period is not None and f.period != settings.period:
        fields.append(("period", f.period))
    if f.base_period is not None and f.base_period != settings.base_period:
        fields.append(("base_period", f.base_period))
    guesses = ", ".join(f"{d} {g.confidence:.2f}" for d, g in p.dims.items())
    note = f"drafted ({f.form})" + (f"; guesses: {guesses}" if guesses else "")
    review = p.review()
    fields.append(("note", _q(note + ("; review: " + "; ".join(review) if review else ""))))
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields) + "}"


def relation_note(r: Relation) -> str:
    """What is said beside a proposed relation: how sure, why, and what to check."""
    return f"drafted ({r.confidence:.2f}): {r.why}" + (f"; review: check {r.check}" if r.check else "")


def _place_of(n: NewName) -> str:
    return n.place if n.place.startswith("place:") else f"the new place “{n.place}”"


def fact_file(blocks: list[Block], settings: Settings, schema_line: str) -> str:
    """The text of ``draft.yaml``."""
    lines = [
        schema_line,
        f"# Drafted by `ipgraph draft` from {settings.source_name}: every figure below is a proposal.",
        '# Check each line whose note says "review:" against its quote; REVIEW.md lists them with their sentence.',
        "facts:",
    ]
    for b in blocks:
        built = [p for p in b.proposals if p.complete and p.restates is None]
        restated = [p for p in b.proposals if p.restates is not None]
        left = [p for p in b.proposals if not p.complete and p.restates is None]
        for n in b.new:
            lines.append(f"  # new {n.kind}, no entity yet: {_q(n.name)}: define it, or map it to a known entity")
            if n.place:
                lines.append(f"  #   its place, from its name (jurisdiction): {_place_of(n)}")
        known = [r for r in b.relations if not r.new]
        pending = [
            f"    # once the new names are defined: {r.written()}  # {relation_note(r)}" for r in b.relations if r.new
        ]
        if not (built or restated or b.mentions or known):
            for p in left:
                lines.append(
                    f"  # left for review ({_q(b.sentence.text[:80])}…): {p.figure.written}: {'; '.join(p.review())}"
                )
            if pending:
                lines.append(f"  # a relation of new names ({_q(b.sentence.text[:80])}…):")
                lines += [line[2:] for line in pending]
            continue
        lines.append(f"  - quote: {_q(b.sentence.text)}")
        if b.occurrence:
            lines.append(f"    occurrence: {b.occurrence}")
        if b.mentions:
            lines.append(f"    mentions: [{', '.join(t.curie for t in b.mentions)}]")
        if built:
            lines.append("    observations:")
            lines += [f"      - {observation_line(p, settings)}" for p in built]
        if known:
            lines.append("    statements:")
            lines += [f"      - [{r.subject}, {r.predicate}, {r.obj}]  # {relation_note(r)}" for r in known]
        lines += pending
        if restated:
            lines.append("    restate:")
            lines += [f"      - {{id: {p.restates}, value: {format(p.figure.value, 'f')}}}" for p in restated]
        for p in left:
            lines.append(f"    # left for review: {p.figure.written!s}: {'; '.join(p.review())}")
        for f in b.skipped:
            lines.append(f"    # not read as a figure: {f.written} ({f.skipped})")
    return "\n".join(lines) + "\n"


def report_file(settings: Settings, schema_line: str) -> str:
    """The text of ``report.yaml``."""
    base = settings.base_period
    lines = [schema_line, f"# Drafted by `ipgraph draft` from {settings.source_name}; review the lines marked review.",
             f"id: {settings.report_id}", f"source: {_q('../../sources/' + settings.source_name)}",
             f"period: {settings.period}"]  # fmt: skip
    if base:
        lines.append(f"base_period: {base}")
    if settings.area:
        lines.append(f"area: {settings.area}  # review: {settings.notes[0]}")
    else:
        lines.append(f"# review: {settings.notes[0]}")
    if settings.observed_entity:
        lines.append(f"observed_entity: {settings.observed_entity}  # review: {settings.notes[1]}")
    else:
        lines.append(f"# review: {settings.notes[1]}")
    return "\n".join(lines) + "\n"


def review_file(blocks: list[Block], settings: Settings) -> str:
    """``REVIEW.md``: every proposal next to its sentence, what to check, and what was left out."""
    out = [f"# Review of the draft of `{settings.report_id}`", "",
           "Each sentence that carries a figure, with what the draft proposes. Confidence is the share of a code's",
           "label that the words around the figure cover (1.00: all of it). Nothing here was checked by a person.", "",
           *[f"- {n}" for n in settings.notes], ""]  # fmt: skip
    for b in blocks:
        if not (b.proposals or b.skipped or b.relations or b.new):
            continue
        out.append(f"> {b.sentence.text}")
        out.append("")
        for p in b.proposals:
            f = p.figure
            dims = ", ".join(f"{d} {g.code} ({g.confidence:.2f})" for d, g in p.dims.items()) or "no dimension guessed"
            status = "restates " + p.restates if p.restates else ("proposed" if p.complete else "LEFT FOR REVIEW")
            out.append(f"- **{f.written}** → {f.measure} of {f.unit}, {f.period}: {dims} — {status}")
            out += [f"  - review: {r}" for r in p.review()]
        out += [f"- {f.written}: not a figure ({f.skipped})" for f in b.skipped]
        out += [
            f"- relation {r.written()} — " + ("once the new names are defined: " if r.new else "") + relation_note(r)
            for r in b.relations
        ]
        out += [
            f"- NEW {n.kind} “{n.name}”: no entity carries this name — define it or map it"
            + (f" (its place, from its name: {_place_of(n)})" if n.place else "")
            for n in b.new
        ]
        out.append("")
    return "\n".join(out)


def write_draft(
    out: Path, text_path: Path, blocks: list[Block], settings: Settings, schema_lines: tuple[str, str]
) -> Path:
    """Write the report folder under ``out`` (``reports/ID/`` and ``sources/``); return the report folder.

    ``schema_lines`` are the first lines of report.yaml and of the fact file, naming their JSON Schemas.
    """
    folder = out / "reports" / settings.report_id
    folder.mkdir(parents=True)
    (out / "sources").mkdir(exist_ok=True)
    (out / "sources" / settings.source_name).write_bytes(text_path.read_bytes())
    (folder / "report.yaml").write_text(report_file(settings, schema_lines[0]), encoding="utf-8")
    (folder / FACT_FILE).write_text(fact_file(blocks, settings, schema_lines[1]), encoding="utf-8")
    (folder / REVIEW_FILE).write_text(review_file(blocks, settings), encoding="utf-8")
    return folder
