"""Clearly synthetic reports of the same shape as the real one, for the growth study of ``benchmarks/run.py``.

Run from the project root::

    python benchmarks/synthetic_reports.py 10 /tmp/synthetic-data      # then: ipgraph build --data /tmp/synthetic-data

Each report ``synthetic-NNNN`` is a copy of ``data/reports/shanghai-2023`` (its YAML files and its source text)
with:

- **every figure counted in the report perturbed**: each ``count`` and ``change-amount`` observation (and its
  ``restate`` entries) is multiplied by a whole factor ``k`` (2, 3, 4 or 5, by report number), in the YAML *and*
  at the very place the quote writes it in the source text (``1,369`` → ``2,738``; ``five`` → ``10``), so every
  quote still occurs verbatim and every value is still written in its quote. Shares, rates, change rates and
  multiples are ratios of counts, so they are left as they are and the report's arithmetic still holds. A
  written number that another fact also rests on (a share, a rank, a statement's number, a year) is never
  touched, and a figure whose every mention is such a number keeps its value;
- **every entity renamed** (``inst:shanghai-peoples-procuratorate`` → ``inst:synthetic-0001-shanghai-peoples-…``,
  ``report:shanghai-2023`` → ``report:synthetic-0001``) and labelled as synthetic (``… (synthetic 0001)``,
  ``…（合成0001）``), so the reports are independent of each other, like reports of different cities; the shared
  places and institutions the template uses (``data/shared``) are copied, renamed the same way, into
  ``OUT/shared/synthetic-NNNN.yaml``;
- a first line in the source text saying that it is synthetic and how it was made.

The reports are written under ``OUT/reports/`` and their texts under ``OUT/sources/``; ``OUT`` may not be
inside the project's ``data/`` folder. The perturbation is computed once per factor, so 1,000 reports take
seconds.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "reports" / "shanghai-2023"
FACTORS = (2, 3, 4, 5)
SCALED_MEASURES = {"count", "change-amount"}
PLACEHOLDER = "SYNTHRID"  # stands for the report id in the prepared YAML text
NUMBER_PLACEHOLDER = "SYNTHNUM"  # stands for the report number (0001 …)
SHARED_FILE = "<shared>"  # the key of the shared entities' file among a prepared report's files

sys.path.insert(0, str(ROOT / "src"))


def report_id(i: int) -> str:
    """The id of the i-th synthetic report.

    >>> report_id(7)
    'synthetic-0007'
    """
    return f"synthetic-{i:04d}"


def factor(i: int) -> int:
    """The factor that multiplies every count of the i-th report (2, 3, 4, 5, 2, …).

    >>> [factor(i) for i in range(1, 6)]
    [2, 3, 4, 5, 2]
    """
    return FACTORS[(i - 1) % len(FACTORS)]


def scaled_text(text: str, k: int) -> str:
    """A written number multiplied by ``k``, in the style it was written (digit groups, decimals, multiplier).

    >>> scaled_text("1,369", 2), scaled_text("425", 3), scaled_text("five", 2), scaled_text("1.5 million", 3)
    ('2,738', '1,275', '10', '4.5 million')
    >>> scaled_text("12345", 2)
    '24690'
    """
    m = re.fullmatch(r"([\d,]+)(\.\d+)?(\s+\w+)?", text)
    if m is None:  # a cardinal word
        from ipgraph.reading.numerals import CARDINALS

        return f"{CARDINALS[text.lower()] * k:,}"
    integer, frac, mult = m.group(1), m.group(2) or "", m.group(3) or ""
    value = Decimal(integer.replace(",", "") + frac) * k
    places = len(frac) - 1 if frac else 0
    grouped = "," in integer or len(integer) <= 3
    return f"{value:{',' if grouped else ''}.{places}f}{mult}"


@dataclass
class _Item:
    """A figure a block rests on: an observation's value or a ``restate`` of it."""

    unit: str  # the observation id
    value: Decimal
    candidates: set[tuple[int, int]] = field(default_factory=set)  # spans of mentions of the value


@dataclass
class _Block:
    node: dict[str, Any]
    quotes: list[str]
    spans: list[tuple[int, int]]
    occurrence: int | None


def _load_template(template: Path) -> tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    report = yaml.load((template / "report.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    source = (template / report["source"]).resolve().read_text(encoding="utf-8")
    parts = [
        (p.name, yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
        for p in sorted(template.glob("*.yaml"))
        if p.name not in ("report.yaml", "coverage-exclusions.yaml")
    ]
    return source, report, parts


def _shared_entities(template: Path) -> list[dict[str, Any]]:
    """The entities of the shared folder of the template's data folder (``data/shared/*.yaml``)."""
    folder = template.parent.parent / "shared"
    docs = [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in sorted(folder.glob("*.yaml"))]
    return [dict(e) for d in docs for e in d.get("entities") or []]


def _blocks(docs: list[dict[str, Any]], text: str) -> list[_Block]:
    blocks = []
    for doc in docs:
        for node in doc.get("facts") or []:
            quotes = [node["quote"]] if isinstance(node["quote"], str) else list(node["quote"])
            occurrence = node.get("occurrence")
            spans = []
            for q in quotes:
                starts = _find_all(text, q)
                start = starts[(occurrence or 1) - 1]
                spans.append((start, start + len(q)))
            blocks.append(_Block(node, quotes, spans, occurrence))
    return blocks


def _find_all(text: str, quote: str) -> list[int]:
    starts, i = [], text.find(quote)
    while i >= 0:
        starts.append(i)
        i = text.find(quote, i + 1)
    return starts


def _numbers(value: Any) -> list[Decimal]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [abs(Decimal(str(value)))]
    if isinstance(value, list):
        return [d for v in value for d in _numbers(v)]
    if isinstance(value, dict) and "value" in value:
        return _numbers(value["value"])
    return []


def plan(text: str, docs: list[dict[str, Any]], k: int) -> tuple[dict[tuple[int, int], str], set[str]]:
    """Which written numbers to rewrite (span → new text) and which observations are scaled by ``k``."""
    from ipgraph.reading.numerals import find_numbers, structural_spans

    blocks = _blocks(docs, text)
    structural = structural_spans(text)
    measures: dict[str, str] = {}
    for b in blocks:
        for o in b.node.get("observations") or []:
            measures[str(o["id"])] = str(o.get("measure", ""))
    # every written number of every quote, by its span in the source text
    mentions: dict[tuple[int, int], tuple[str, Decimal | None, str]] = {}
    per_block: list[list[tuple[int, int]]] = []
    for b in blocks:
        spans = []
        for q, (start, _) in zip(b.quotes, b.spans, strict=True):
            for m in find_numbers(q):
                span = (start + m.start, start + m.end)
                mentions[span] = (m.text, m.value, m.form)
                spans.append(span)
        per_block.append(spans)

    def editable(span: tuple[int, int]) -> bool:
        text_, value, form = mentions[span]
        if form not in ("digits", "cardinal") or value is None:
            return False
        if any(s < span[1] and span[0] < e for s, e in structural):
            return False
        return not re.fullmatch(r"(19|20)\d\d", text_)  # a year

    items: list[_Item] = []
    fixed_literals: set[tuple[int, int]] = set()
    for b, spans in zip(blocks, per_block, strict=True):
        node = b.node
        own: list[_Item] = []
        for o in node.get("observations") or []:
            if "value" in o:
                own.append(_Item(str(o["id"]), abs(Decimal(str(o["value"])))))
        for r in node.get("restate") or []:
            own.append(_Item(str(r["id"]), abs(Decimal(str(r["value"])))))
        literals: list[Decimal] = []
        for st in node.get("statements") or []:
            literals += _numbers(st[2])
        for ent in node.get("entities") or []:
            for v in (ent.get("props") or {}).values():
                literals += _numbers(v)
        for it in own:
            it.candidates = {s for s in spans if mentions[s][1] == it.value}
        fixed_literals |= {s for s in spans if mentions[s][1] in literals}
        items += own
    scaled = {u for u, m in measures.items() if m in SCALED_MEASURES}
    forced: set[tuple[int, int]] = set()
    while True:
        while True:  # a unit is scaled only if every one of its items has a mention that may be rewritten
            fixed = fixed_literals | forced
            fixed |= {s for it in items if it.unit not in scaled for s in it.candidates}
            dropped = {
                it.unit
                for it in items
                if it.unit in scaled and not any(editable(s) and s not in fixed for s in it.candidates)
            }
            if not dropped:
                break
            scaled -= dropped
        edits = {
            s: scaled_text(mentions[s][0], k)
            for it in items
            if it.unit in scaled
            for s in it.candidates
            if editable(s) and s not in fixed
        }
        new_text, shift = apply_edits(text, edits)
        conflicts = [
            i for i, b in enumerate(blocks) if _occurrence(new_text, b, shift) == "conflict"
        ]  # quotes of one block that no longer share an occurrence number
        if not conflicts:
            return edits, scaled
        for i in conflicts:
            forced |= set(per_block[i])


def apply_edits(text: str, edits: dict[tuple[int, int], str]) -> tuple[str, Any]:
    """The text with the edits made, and a function mapping an old offset to the new one."""
    out, last = [], 0
    marks: list[tuple[int, int]] = []  # (old end, cumulative shift after it)
    delta = 0
    for (s, e), new in sorted(edits.items()):
        out.append(text[last:s])
        out.append(new)
        last = e
        delta += len(new) - (e - s)
        marks.append((e, delta))
    out.append(text[last:])

    def shift(offset: int) -> int:
        d = 0
        for end, cum in marks:
            if end <= offset:
                d = cum
            else:
                break
        return offset + d

    return "".join(out), shift


def _occurrence(new_text: str, b: _Block, shift: Any) -> int | str | None:
    indexes, multiple = set(), False
    for s, e in b.spans:
        ns, ne = shift(s), shift(e)
        starts = _find_all(new_text, new_text[ns:ne])
        indexes.add(starts.index(ns))
        multiple = multiple or len(starts) > 1
    if len(indexes) > 1:
        return "conflict"
    return (indexes.pop() + 1) if multiple else None


@dataclass
class Prepared:
    """The YAML texts and the source text of a synthetic report with placeholders for its id and number."""

    files: dict[str, str]
    source: str
    scaled: int
    figures: int


def prepare(k: int, template: Path = TEMPLATE) -> Prepared:
    """Perturb the template by ``k`` once; :func:`write_report` fills in each report's id."""
    text, report, parts = _load_template(template)
    docs = [report] + [d for _, d in parts]
    edits, scaled = plan(text, docs, k)
    new_text, shift = apply_edits(text, edits)
    old_id = str(report["id"])
    defined = {str(e["id"]) for d in docs for b in d.get("facts") or [] for e in b.get("entities") or []}
    shared = _shared_entities(template)
    defined |= {str(e["id"]) for e in shared}

    def rename(curie: str) -> str:
        prefix, _, slug = curie.partition(":")
        if old_id in slug:
            return f"{prefix}:{slug.replace(old_id, PLACEHOLDER)}"
        return f"{prefix}:{PLACEHOLDER}-{slug}"

    renames = {c: rename(c) for c in defined}

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k_: walk(v, str(k_)) for k_, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and key not in ("quote", "note", "definition"):
            if node in renames:
                return renames[node]
            if ":" in node and old_id in node and " " not in node:
                return node.replace(old_id, PLACEHOLDER)
        return node

    figures = 0
    for doc in docs:
        for node in doc.get("facts") or []:
            b = _blocks([{"facts": [node]}], text)[0]
            new_quotes = [new_text[shift(s) : shift(e)] for s, e in b.spans]
            node["quote"] = new_quotes[0] if isinstance(node["quote"], str) else new_quotes
            occ = _occurrence(new_text, b, shift)
            assert occ != "conflict"
            node.pop("occurrence", None)
            if occ is not None:
                node["occurrence"] = occ
            for o in node.get("observations") or []:
                if "value" in o:
                    figures += 1
                    if str(o["id"]) in scaled:
                        o["value"] = _times(o["value"], k)
            for r in node.get("restate") or []:
                if str(r["id"]) in scaled:
                    r["value"] = _times(r["value"], k)
            for ent in node.get("entities") or []:
                labels = ent.get("label") or {}
                for lang in labels:
                    labels[lang] = _synthetic_label(str(labels[lang]), lang)
                for lang, alts in (ent.get("alt") or {}).items():
                    alts_list = [alts] if isinstance(alts, str) else alts
                    ent["alt"][lang] = [_synthetic_label(str(a), lang) for a in alts_list]
                ent["definition"] = (
                    f"SYNTHETIC (benchmark copy {NUMBER_PLACEHOLDER}, counts ×{k}): " + str(ent.get("definition") or "")
                ).rstrip()
    for ent in shared:
        ent["label"] = {lang: _synthetic_label(str(v), lang) for lang, v in ent["label"].items()}
        ent["alt"] = {lang: [_synthetic_label(str(a), lang) for a in v] for lang, v in (ent.get("alt") or {}).items()}
        ent["source"] = f"{PLACEHOLDER}-reference"
        ent["definition"] = f"SYNTHETIC (benchmark copy {NUMBER_PLACEHOLDER}): " + str(ent.get("definition") or "")
    shared_doc = {
        "sources": [{"id": f"{PLACEHOLDER}-reference", "title": f"Shared data of synthetic report {PLACEHOLDER}"}],
        "entities": [walk(e) for e in shared],
    }
    docs = [walk(d) for d in docs]
    docs[0]["id"] = PLACEHOLDER
    docs[0]["source"] = f"../../sources/{PLACEHOLDER}.en.txt"
    note = f"SYNTHETIC benchmark report {PLACEHOLDER}: made by benchmarks/synthetic_reports.py, not real data"
    docs[0]["note"] = note
    names = ["report.yaml"] + [n for n, _ in parts]
    files = {
        name: f"# {note}\n" + yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=120)
        for name, doc in zip(names, docs, strict=True)
    }
    files[SHARED_FILE] = f"# {note}\n" + yaml.dump(
        shared_doc, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=120
    )
    banner = (
        f"SYNTHETIC REPORT {PLACEHOLDER}: NOT A REAL PUBLICATION. A machine-made copy of the 2023 Shanghai IP white "
        f"paper in which every count is multiplied by {k}; made by ipgraph's benchmarks/synthetic_reports.py.\n"
    )
    return Prepared(files, banner + new_text, len(scaled), figures)


def _times(value: Any, k: int) -> int | float:
    d = Decimal(str(value)) * k
    return int(d) if d == d.to_integral_value() else float(d)


def _synthetic_label(label: str, lang: str) -> str:
    return f"{label}（合成{NUMBER_PLACEHOLDER}）" if lang == "zh" else f"{label} (synthetic {NUMBER_PLACEHOLDER})"


def write_report(out: Path, i: int, prepared: Prepared) -> Path:
    """Write the i-th synthetic report under ``out/reports`` and its source text under ``out/sources``."""
    rid = report_id(i)
    num = f"{i:04d}"
    folder = out / "reports" / rid
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in prepared.files.items():
        target = folder / name
        if name == SHARED_FILE:  # the shared entities, renamed for this report, in the data folder's shared/
            target = out / "shared" / f"{rid}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body.replace(PLACEHOLDER, rid).replace(NUMBER_PLACEHOLDER, num), encoding="utf-8")
    (out / "sources").mkdir(parents=True, exist_ok=True)
    source = prepared.source.replace(PLACEHOLDER, rid)
    (out / "sources" / f"{rid}.en.txt").write_text(source, encoding="utf-8")
    return folder


def generate(n: int, out: Path, start: int = 1, template: Path = TEMPLATE) -> list[str]:
    """Write synthetic reports ``start`` … ``start + n - 1`` into the data folder ``out``; return their ids.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "data"
    >>> generate(2, out)
    ['synthetic-0001', 'synthetic-0002']
    >>> sorted(p.name for p in (out / "sources").iterdir())
    ['synthetic-0001.en.txt', 'synthetic-0002.en.txt']
    """
    out = out.resolve()
    data = (ROOT / "data").resolve()
    if out == data or data in out.parents:
        raise SystemExit(f"refusing to write synthetic reports inside {data}")
    prepared: dict[int, Prepared] = {}
    ids = []
    for i in range(start, start + n):
        k = factor(i)
        if k not in prepared:
            prepared[k] = prepare(k, template)
        write_report(out, i, prepared[k])
        ids.append(report_id(i))
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many reports")
    parser.add_argument("out", type=Path, help="data folder to write (reports/ and sources/), outside data/")
    args = parser.parse_args()
    ids = generate(args.n, args.out)
    p = prepare(2)
    print(f"wrote {len(ids)} synthetic reports into {args.out} ({p.scaled} of {p.figures} figures perturbed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
