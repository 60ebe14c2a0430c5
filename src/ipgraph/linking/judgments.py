"""Judgment-level records (CAIL2018 and any JSON Lines with charge and article fields) as ipgraph cases.

One pass over the file, one line at a time: every record becomes an ``ipg:JudgmentRecord`` in the named graph
of the file (``https://w3id.org/ipgraph/graph/links/<dataset>``), linked to ipgraph's charge concepts by
Chinese label and to Criminal Law article resources, with its sentence, fine and number of defendants. What
does not link is kept and reported as an ``ipg:LinkFinding`` (see ``vocabulary.ttl`` for the reasons) and
counted in the summary; no record is dropped.

Memory does not grow with the file: the output is N-Quads text produced in chunks, and what the linker keeps
between records is bounded by the number of distinct charge names and article numbers (caches and counters).

Rules for articles:

- an article ipgraph's ontology does not define is minted in the links graph under the ontology's own scheme
  (``article:prc-criminal-law-<n>``, typed ``ipg:LegalArticle``) and reported as ``unknown-article``;
- a known charge whose defining article (``ipg:definedInArticle``) the record does not cite:
  ``charge-without-article``;
- a cited article that defines none of the record's charges, art. 220 (the unit-crime rule) fitting any IP
  charge: ``article-without-charge`` — judged only when every charge of the record is known, since an unknown
  charge may be the one the article defines;
- an article given as a JSON integer cannot be written 之一 (CAIL2018 writes art. 253之一 as 253), so an
  integer ``N`` fits a charge defined in article ``N-k`` both ways.
"""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipgraph.errors import InputError
from ipgraph.linking.concepts import CRIMINAL_LAW, UNIT_CRIME_ARTICLE, Concepts, article_iri, article_key
from ipgraph.linking.terms import (
    DCTERMS,
    FINDING_NS,
    GRAPH_LINK_VOCABULARY,
    PROV,
    RDF_TYPE,
    RDFS_LABEL,
    REASONS,
    SKOS,
    XSD,
    article_label_zh,
    ipg,
    links_graph,
    nt_literal,
    reason_iri,
    vocabulary_path,
)
from ipgraph.model.prefixes import PREFIXES

CASE_NS = PREFIXES["case"]
CHUNK_RECORDS = 2048
#: Distinct charge names kept in the cache and in the summary's counts (memory stays bounded on any input).
MAX_DISTINCT = 50_000
OTHER_NAMES = "(other names)"

#: Labels of the finding reasons (the same as vocabulary.ttl; a test keeps them equal).
REASON_LABELS: dict[str, tuple[str, str]] = {
    "unknown-charge": ("charge unknown to ipgraph", "本体未收录的罪名"),
    "unknown-article": ("article unknown to ipgraph", "本体未收录的条文"),
    "charge-without-article": ("charge without its article", "罪名缺少对应条文"),
    "article-without-charge": ("article without its charge", "条文无对应罪名"),
    "repeated-article": ("article listed twice", "条文重复"),
    "missing-charge": ("no charge", "缺少罪名"),
    "missing-article": ("no article", "缺少条文"),
    "unreadable-value": ("unreadable value", "无法读取的值"),
    "unreadable-record": ("unreadable record", "无法解析的记录"),
}


@dataclass(frozen=True)
class FieldMap:
    """Where a record keeps each value: dotted paths into the JSON object (CAIL2018's by default).

    >>> FieldMap().charges
    'meta.accusation'
    """

    charges: str = "meta.accusation"
    articles: str = "meta.relevant_articles"
    imprisonment: str = "meta.term_of_imprisonment.imprisonment"
    life: str = "meta.term_of_imprisonment.life_imprisonment"
    death: str = "meta.term_of_imprisonment.death_penalty"
    fine: str = "meta.punish_of_money"
    defendants: str = "meta.criminals"
    identifier: str | None = None


@dataclass
class LinkSummary:
    """What one linked file gave: counts by charge, article and finding reason."""

    source: Path
    graph: str
    records: int = 0
    triples: int = 0
    by_charge: Counter[str] = field(default_factory=Counter)
    unknown_charges: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    minted_articles: list[str] = field(default_factory=list)
    findings: Counter[str] = field(default_factory=Counter)
    records_by_reason: Counter[str] = field(default_factory=Counter)
    records_with_findings: int = 0
    sha256: str = ""
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The summary ``ipgraph link cail`` prints."""
        from ipgraph.query.results import compact

        rate = f", {self.records / self.seconds:,.0f} records/s" if self.seconds > 0 else ""
        lines = [
            f"linked {self.records:,} records of {self.source.name} into graph <{self.graph}>: "
            f"{self.triples:,} triples in {self.seconds:.2f}s{rate}"
        ]
        lines += [f"  {o}" for o in self.outputs]
        lines.append("  judgments by charge:")
        for iri, n in sorted(self.by_charge.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"    {compact(iri):<56}{n:>9,}")
        if not self.by_charge:
            lines.append("    none linked to an ipgraph charge")
        lines.append("  charge names unknown to ipgraph (kept as ipg:chargeName):")
        for name, n in self.unknown_charges.most_common(10):
            lines.append(f"    {name}{' ' * max(1, 56 - _width(name))}{n:>9,}")
        if len(self.unknown_charges) > 10:
            lines.append(f"    … {len(self.unknown_charges) - 10:,} more names")
        if not self.unknown_charges:
            lines.append("    none")
        top = ", ".join(f"{a} ×{n:,}" for a, n in self.articles.most_common(12))
        lines.append(f"  articles cited: {top or 'none'}")
        if self.minted_articles:
            lines.append(
                "  articles minted (not in the ontology): " + ", ".join(sorted(self.minted_articles, key=_art))
            )
        lines.append(
            f"  findings: {sum(self.findings.values()):,} on {self.records_with_findings:,} records "
            "(records kept; query: ipgraph query link-findings-by-reason)"
        )
        for reason in REASONS:
            if self.findings[reason]:
                lines.append(
                    f"    {reason:<24} {self.records_by_reason[reason]:>9,} records "
                    f"{self.findings[reason]:>9,} findings"
                )
        return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _art(number: str) -> tuple[int, int]:
    main, _, sub = number.partition("-")
    return (int(main), int(sub or 0)) if main.isdigit() else (10**9, 0)


_MISSING = object()


def _getter(path: str) -> tuple[str, ...]:
    keys = tuple(path.split("."))
    if not path or any(not k for k in keys):
        raise InputError(f"not a field path: {path!r} (dotted keys, e.g. meta.accusation)")
    return keys


def _get(obj: Any, keys: tuple[str, ...]) -> Any:
    for k in keys:
        if not isinstance(obj, dict):
            return _MISSING
        obj = obj.get(k, _MISSING)
        if obj is _MISSING or obj is None:
            return _MISSING
    return obj


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _Linker:
    """Turns records into N-Quads lines; keeps only caches and counters between records."""

    def __init__(self, concepts: Concepts, fields: FieldMap, slug: str, summary: LinkSummary) -> None:
        self.concepts = concepts
        self.slug = slug
        self.summary = summary
        self.graph = links_graph(slug)
        self.g = f" <{self.graph}> .\n"
        self.keys = {
            name: _getter(getattr(fields, name))
            for name in ("charges", "articles", "imprisonment", "life", "death", "fine", "defendants")
        }
        self.paths = {name: getattr(fields, name) for name in self.keys}
        self.id_keys = _getter(fields.identifier) if fields.identifier else None
        self.charge_cache: dict[str, str | None] = {}
        self.article_cache: dict[str, str] = {}
        self.t_type = f"<{RDF_TYPE}>"
        self.t_label = f"<{RDFS_LABEL}>"
        self.t_record = f"<{ipg('JudgmentRecord')}>"
        self.p = {t: f"<{ipg(t)}>" for t in ("recordNumber", "chargeName", "charge", "citesArticle")}
        self.p.update({t: f"<{ipg(t)}>" for t in ("imprisonmentMonths", "lifeImprisonment", "deathPenalty")})
        self.p.update({t: f"<{ipg(t)}>" for t in ("fineAmount", "defendantCount", "findingRecord")})
        self.p.update({t: f"<{ipg(t)}>" for t in ("findingReason", "findingValue", "findingTerm")})
        self.t_derived = f"<{PROV}wasDerivedFrom> <{self.graph}>"
        self.t_identifier = f"<{DCTERMS}identifier>"
        self.t_finding = f"<{ipg('LinkFinding')}>"
        self.reasons = {r: f"<{reason_iri(r)}>" for r in REASONS}
        self.dt_pos = f"^^<{XSD}positiveInteger>"
        self.dt_nonneg = f"^^<{XSD}nonNegativeInteger>"
        self.dt_dec = f"^^<{XSD}decimal>"
        self.dt_bool = f"^^<{XSD}boolean>"
        self.fits_unit_rule = {c.iri for c in concepts.charges.values() if c.ip}
        self.article_number = {iri: number for number, iri in concepts.articles.items()}
        self.unit_article = concepts.articles.get(UNIT_CRIME_ARTICLE, article_iri(UNIT_CRIME_ARTICLE))

    # ------------------------------------------------------------------ helpers
    def charge(self, name: str) -> str | None:
        if name in self.charge_cache:
            return self.charge_cache[name]
        iri = self.concepts.match_charge(name)
        if len(self.charge_cache) < MAX_DISTINCT:
            self.charge_cache[name] = iri
        return iri

    def article(self, number: str, out: list[str]) -> tuple[str, bool]:
        """The article IRI and whether the ontology defines it; mints it (once) when it does not."""
        known = self.concepts.articles.get(number)
        if known:
            return known, True
        iri = self.article_cache.get(number)
        if iri is None:
            iri = self.article_cache[number] = article_iri(number)
            self.summary.minted_articles.append(number)
            a, g = f"<{iri}>", self.g
            out.append(f"{a} {self.t_type} <{ipg('LegalArticle')}>{g}")
            out.append(f"{a} {self.t_label} {nt_literal(f'PRC Criminal Law Article {number}', lang='en')}{g}")
            out.append(f"{a} {self.t_label} {nt_literal(article_label_zh(number), lang='zh')}{g}")
            out.append(f'{a} <{ipg("articleNumber")}> "{number}"{g}')
            out.append(f"{a} <{ipg('partOfLaw')}> <{CRIMINAL_LAW}>{g}")
            out.append(
                f"{a} <{SKOS}definition> "
                + nt_literal(
                    "An article of the PRC Criminal Law cited by a linked judgment record; minted by "
                    "`ipgraph link`, not defined by the ontology.",
                    lang="en",
                )
                + g
            )
        return iri, False

    # ------------------------------------------------------------------ one record
    def record(self, n: int, line: bytes, decode: str | None, out: list[str]) -> None:
        s = self.summary
        g = self.g
        j = f"<{CASE_NS}{self.slug}-{n}>"
        out.append(f"{j} {self.t_type} {self.t_record}{g}")
        out.append(f'{j} {self.p["recordNumber"]} "{n}"{self.dt_pos}{g}')
        out.append(f"{j} {self.t_label} {nt_literal(f'judgment record {n} of {self.slug}', lang='en')}{g}")
        out.append(f"{j} {self.t_label} {nt_literal(f'{self.slug} 第{n}条裁判文书记录', lang='zh')}{g}")
        out.append(f"{j} {self.t_derived}{g}")
        findings: list[tuple[str, str, str | None]] = []
        try:
            rec = json.loads(line if decode is None else line.decode(decode))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested too deeply
            rec = exc
        if not isinstance(rec, dict):
            text = line.decode("utf-8", "replace").strip()
            findings.append(("unreadable-record", text[:200] + ("…" if len(text) > 200 else ""), None))
            self.findings(n, j, findings, out)
            return
        keys = self.keys
        if self.id_keys is not None:
            ident = _get(rec, self.id_keys)
            if ident is not _MISSING:
                out.append(f"{j} {self.t_identifier} {nt_literal(_show(ident))}{g}")
        # charges
        raw = _get(rec, keys["charges"])
        names = [raw] if isinstance(raw, str) else raw
        matched: list[tuple[str, str]] = []
        all_known = True
        if raw is _MISSING or not isinstance(names, list) or not names:
            if raw is _MISSING or names == [] or raw == "":
                findings.append(("missing-charge", self.paths["charges"], None))
            else:
                findings.append(("unreadable-value", f"{self.paths['charges']}: {_show(raw)}", None))
            all_known = False
        else:
            for name in names:
                if not isinstance(name, str) or not name.strip():
                    findings.append(("unreadable-value", f"{self.paths['charges']}: {_show(name)}", None))
                    all_known = False
                    continue
                out.append(f"{j} {self.p['chargeName']} {nt_literal(name)}{g}")
                iri = self.charge(name)
                if iri is None:
                    findings.append(("unknown-charge", name, None))
                    counted = name in s.unknown_charges or len(s.unknown_charges) < MAX_DISTINCT
                    s.unknown_charges[name if counted else OTHER_NAMES] += 1
                    all_known = False
                elif all(iri != m for m, _ in matched):
                    matched.append((iri, name))
                    out.append(f"{j} {self.p['charge']} <{iri}>{g}")
        for iri, _ in matched:
            s.by_charge[iri] += 1
        # articles
        raw = _get(rec, keys["articles"])
        values = raw if isinstance(raw, list) else [raw]
        cited: list[tuple[str, str]] = []
        whole: set[str] = set()  # numbers given as JSON integers, which cannot write 之一 (219-1)
        if raw is _MISSING or raw == [] or raw == "":
            findings.append(("missing-article", self.paths["articles"], None))
        else:
            repeated: set[str] = set()
            for value in values:
                number = article_key(value)
                if number is None:
                    findings.append(("unreadable-value", f"{self.paths['articles']}: {_show(value)}", None))
                    continue
                if any(number == c for c, _ in cited):
                    if number not in repeated:
                        repeated.add(number)
                        findings.append(("repeated-article", number, self.article(number, out)[0]))
                    continue
                iri, known = self.article(number, out)
                cited.append((number, iri))
                if isinstance(value, int):
                    whole.add(number)
                s.articles[number] += 1
                out.append(f"{j} {self.p['citesArticle']} <{iri}>{g}")
                if not known:
                    findings.append(("unknown-article", number, iri))
        # does each article fit a charge, and each charge its article?
        cited_iris = {iri for _, iri in cited}
        charges = self.concepts.charges
        number_of = self.article_number
        if cited:
            for iri, name in matched:
                defining = charges[iri].article
                if defining is None or defining in cited_iris:
                    continue
                main, sub, _ = number_of.get(defining, "").partition("-")
                if sub and main in whole:
                    continue
                findings.append(("charge-without-article", name, iri))
        if all_known and matched:
            defined = {charges[iri].article for iri, _ in matched}
            mains = {number_of.get(d or "", "").partition("-")[0] for d in defined}
            any_ip = any(iri in self.fits_unit_rule for iri, _ in matched)
            for number, iri in cited:
                if iri in defined or (iri == self.unit_article and any_ip):
                    continue
                if number in whole and number in mains:
                    continue
                findings.append(("article-without-charge", number, iri))
        # sentence, fine, defendants
        self.number(j, rec, "imprisonment", "imprisonmentMonths", self.dt_nonneg, findings, out, integral=True)
        self.flag(j, rec, "life", "lifeImprisonment", findings, out)
        self.flag(j, rec, "death", "deathPenalty", findings, out)
        self.number(j, rec, "fine", "fineAmount", self.dt_dec, findings, out, integral=False)
        raw = _get(rec, keys["defendants"])
        if raw is not _MISSING:
            count = len(raw) if isinstance(raw, list) else raw
            if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                out.append(f'{j} {self.p["defendantCount"]} "{count}"{self.dt_nonneg}{g}')
            else:
                findings.append(("unreadable-value", f"{self.paths['defendants']}: {_show(raw)}", None))
        if findings:
            self.findings(n, j, findings, out)

    def number(
        self,
        j: str,
        rec: Any,
        name: str,
        prop: str,
        dt: str,
        findings: list[tuple[str, str, str | None]],
        out: list[str],
        *,
        integral: bool,
    ) -> None:
        raw = _get(rec, self.keys[name])
        if raw is _MISSING:
            return
        ok = isinstance(raw, int | float) and not isinstance(raw, bool) and raw >= 0
        if ok and isinstance(raw, float):
            ok = raw.is_integer() or not integral
            raw = int(raw) if raw.is_integer() else raw
        if ok:
            out.append(f'{j} {self.p[prop]} "{raw}"{dt}{self.g}')
        else:
            findings.append(("unreadable-value", f"{self.paths[name]}: {_show(raw)}", None))

    def flag(
        self,
        j: str,
        rec: Any,
        name: str,
        prop: str,
        findings: list[tuple[str, str, str | None]],
        out: list[str],
    ) -> None:
        raw = _get(rec, self.keys[name])
        if raw is _MISSING:
            return
        if isinstance(raw, bool):
            out.append(f'{j} {self.p[prop]} "{"true" if raw else "false"}"{self.dt_bool}{self.g}')
        else:
            findings.append(("unreadable-value", f"{self.paths[name]}: {_show(raw)}", None))

    def findings(self, n: int, j: str, findings: list[tuple[str, str, str | None]], out: list[str]) -> None:
        s, g = self.summary, self.g
        s.records_with_findings += 1
        for reason in {r for r, _, _ in findings}:
            s.records_by_reason[reason] += 1
        for k, (reason, value, term) in enumerate(findings, start=1):
            s.findings[reason] += 1
            f = f"<{FINDING_NS}{self.slug}-{n}-{k}>"
            en, zh = REASON_LABELS[reason]
            out.append(f"{f} {self.t_type} {self.t_finding}{g}")
            out.append(f"{f} {self.p['findingRecord']} {j}{g}")
            out.append(f"{f} {self.p['findingReason']} {self.reasons[reason]}{g}")
            out.append(f"{f} {self.p['findingValue']} {nt_literal(value)}{g}")
            if term is not None:
                out.append(f"{f} {self.p['findingTerm']} <{term}>{g}")
            out.append(f"{f} {self.t_label} {nt_literal(f'record {n} of {self.slug}: {en}: {value}', lang='en')}{g}")
            out.append(f"{f} {self.t_label} {nt_literal(f'{self.slug} 第{n}条记录：{zh}：{value}', lang='zh')}{g}")


def vocabulary_nquads() -> str:
    """The link vocabulary as N-Quads in its own graph (written while the ontology does not declare it)."""
    import pyoxigraph as ox

    graph = ox.NamedNode(GRAPH_LINK_VOCABULARY)
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(path=str(vocabulary_path()), format=ox.RdfFormat.TURTLE)
    ]
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return data.decode("utf-8")


def link_judgments(
    path: Path,
    concepts: Concepts,
    slug: str,
    summary: LinkSummary,
    fields: FieldMap | None = None,
    encoding: str = "utf-8",
    with_vocabulary: bool = True,
) -> Iterator[bytes]:
    """Stream a JSON Lines file of judgment records as N-Quads chunks; ``summary`` is filled as it goes.

    Every non-blank line is one record, identified by its line number: ``case:<slug>-<line>``.

    >>> import tempfile, pathlib
    >>> from ipgraph.linking.concepts import load_concepts
    >>> root = pathlib.Path(__file__).resolve().parents[3]
    >>> concepts = load_concepts(root / "ontology" / "ipgraph.ttl")
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "mini.jsonl"
    >>> _ = f.write_text('{"meta": {"accusation": ["假冒注册商标"], "relevant_articles": [213, 220]}}\\n')
    >>> s = LinkSummary(f, links_graph("mini"))
    >>> nq = b"".join(link_judgments(f, concepts, "mini", s, with_vocabulary=False)).decode()
    >>> s.records, dict(s.by_charge), sum(s.findings.values())
    (1, {'https://w3id.org/ipgraph/id/charge/art-213-counterfeiting-registered-trademark': 1}, 0)
    """
    try:
        b"{}".decode(encoding)
    except LookupError:  # unknown, or not a text encoding (base64, zlib …)
        raise InputError(f"--encoding {encoding!r} is not a text encoding (e.g. utf-8, gb18030, big5)") from None
    linker = _Linker(concepts, fields or FieldMap(), slug, summary)
    decode = None if encoding.replace("-", "").lower() in ("utf8", "utf8sig") else encoding
    digest = hashlib.sha256()
    start = time.perf_counter()
    if with_vocabulary and not concepts.declares_link_vocabulary:
        vocab = vocabulary_nquads()
        summary.triples += vocab.count("\n")
        yield vocab.encode("utf-8")
    try:
        f = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    out: list[str] = []
    pending = 0
    with f:
        for n, line in enumerate(f, start=1):
            digest.update(line)
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            summary.records += 1
            linker.record(n, line, decode, out)
            pending += 1
            if pending >= CHUNK_RECORDS:
                summary.triples += len(out)
                yield "".join(out).encode("utf-8")
                out.clear()
                pending = 0
    summary.sha256 = digest.hexdigest()
    g, gi = linker.g, f"<{linker.graph}>"
    name = path.name
    out.append(f"{gi} {linker.t_type} <{PROV}Entity>{g}")
    out.append(f"{gi} {linker.t_label} {nt_literal(f'judgment records linked from {name}', lang='en')}{g}")
    out.append(f"{gi} {linker.t_label} {nt_literal(f'关联的裁判文书记录：{name}', lang='zh')}{g}")
    out.append(f"{gi} <{DCTERMS}source> {nt_literal(name)}{g}")
    out.append(f"{gi} <{DCTERMS}identifier> {nt_literal('sha256:' + summary.sha256)}{g}")
    summary.triples += len(out)
    yield "".join(out).encode("utf-8")
    summary.seconds = time.perf_counter() - start
