"""A dataset's charge list (``accu.txt``) and article list (``law.txt``) aligned with ipgraph's concepts.

Each line of a list is one label; its line number is its identifier in the dataset (CAIL2018 label ids start
at 1), so the dataset's entries are minted as ``https://w3id.org/ipgraph/linked/<dataset>/charge/<line>`` (and
``…/article/<line>``). The alignment:

- ``skos:exactMatch``: the same Chinese name as an ipgraph charge, compared without brackets and without the
  trailing 罪 that ipgraph's labels have (假冒注册商标 = 假冒注册商标罪);
- ``skos:closeMatch``: the same name as an ipgraph charge's alternative label;
- ``skos:broadMatch``: a former name of an ipgraph charge, from the table :data:`FORMER_NAMES` (with its
  source): the old charge's acts are part of the broader current charge;
- ``skos:narrowMatch``: ipgraph charges that are forms of an exactly matched charge (their ``skos:broader``),
  such as copyright infringement by circumventing technical measures, charged as 侵犯著作权.

ipgraph's IP charges that none of these reaches are reported as missing from the dataset; the unit-crime rule
of art. 220 is not a charge name (:data:`NOT_CHARGE_NAMES`) and is looked for in the article list instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ipgraph.errors import InputError
from ipgraph.linking.concepts import Charge, Concepts, article_key, charge_key
from ipgraph.linking.sssom import Mapping
from ipgraph.linking.terms import (
    LINKED_NS,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS,
    article_label_zh,
    links_graph,
    nt_literal,
)
from ipgraph.model.links import SKOS_BROAD, SKOS_CLOSE, SKOS_EXACT, SKOS_NARROW
from ipgraph.model.prefixes import PREFIXES

#: Former charge names, replaced by a broader current charge: name → (charge slug, source of the change).
FORMER_NAMES: dict[str, tuple[str, str]] = {
    "非法获取公民个人信息": (
        "infringing-personal-information",
        "merged into 侵犯公民个人信息罪 by the SPC/SPP Supplementary Provisions (VI) on charges (2015), "
        "with Criminal Law Amendment IX",
    ),
    "出售、非法提供公民个人信息": (
        "infringing-personal-information",
        "merged into 侵犯公民个人信息罪 by the SPC/SPP Supplementary Provisions (VI) on charges (2015), "
        "with Criminal Law Amendment IX",
    ),
}
#: ipgraph charge concepts that are not charge names, and where a dataset shows them instead.
NOT_CHARGE_NAMES: dict[str, tuple[str, str]] = {
    PREFIXES["charge"] + "art-220-unit-crime": (
        "220",
        "a liability rule, not a charge name: a unit crime is charged under the charge of arts. 213-219-1 "
        "and shown by citing art. 220",
    ),
}


@dataclass
class Alignment:
    """The charges (and articles) of a dataset next to ipgraph's."""

    source: Path
    dataset: str
    charges: list[tuple[int, str]]
    articles: list[tuple[int, str]] = field(default_factory=list)
    articles_source: Path | None = None
    mappings: list[Mapping] = field(default_factory=list)
    lacking: list[Charge] = field(default_factory=list)
    not_names: list[tuple[Charge, str, bool]] = field(default_factory=list)
    lacking_articles: list[str] = field(default_factory=list)

    def charge_iri(self, line: int) -> str:
        """The minted IRI of the charge on a line of the list."""
        return f"{LINKED_NS}{self.dataset}/charge/{line}"

    def article_iri(self, line: int) -> str:
        """The minted IRI of the article on a line of the article list."""
        return f"{LINKED_NS}{self.dataset}/article/{line}"

    def text(self) -> str:
        """The report ``ipgraph link charges`` prints."""
        from ipgraph.query.results import compact

        by_pred: dict[str, list[Mapping]] = {}
        for m in self.mappings:
            if m.subject_id.startswith(f"{LINKED_NS}{self.dataset}/charge/"):
                by_pred.setdefault(m.predicate_id, []).append(m)
        aligned = {m.subject_id for ms in by_pred.values() for m in ms}
        lines = [f"aligned the {len(self.charges):,} charges of {self.source.name} with ipgraph's charges:"]
        for pred in (SKOS_EXACT, SKOS_CLOSE, SKOS_BROAD, SKOS_NARROW):
            ms = by_pred.get(pred, [])
            lines.append(f"  {compact(pred)}: {len(ms)}")
            for m in ms:
                line = m.subject_id.rsplit("/", 1)[1]
                lines.append(f"    line {line:>4} {m.subject_label}  →  {compact(m.object_id)}  ({m.comment})")
        lines.append(f"  not aligned (no ipgraph concept): {len(self.charges) - len(aligned):,}")
        lines.append(f"ipgraph's IP charges the dataset lacks: {len(self.lacking)}")
        for c in self.lacking:
            lines.append(f"  {compact(c.iri)}  {c.zh[0] if c.zh else ''}  (art. {c.number})")
        for c, why, found in self.not_names:
            where = self.articles_source.name if self.articles_source else "the article list"
            seen = f"{where} has art. {NOT_CHARGE_NAMES[c.iri][0]}" if found else "no article list given"
            if self.articles_source and not found:
                seen = f"{where} lacks art. {NOT_CHARGE_NAMES[c.iri][0]}"
            lines.append(f"  (not counted: {compact(c.iri)} is {why}; {seen})")
        if self.articles_source is not None:
            linked = sum(1 for m in self.mappings if m.subject_id.startswith(f"{LINKED_NS}{self.dataset}/article/"))
            lines.append(
                f"articles of {self.articles_source.name}: {len(self.articles):,}; links to ipgraph articles: {linked}"
            )
            lines.append("  IP articles (213-220) the list lacks: " + (", ".join(self.lacking_articles) or "none"))
        return "\n".join(lines)


def read_list(path: Path) -> list[tuple[int, str]]:
    """The non-blank lines of a label list with their line numbers (UTF-8, or GB18030 as a fallback)."""
    from ipgraph.reading.safe_read import TABLE_LIMIT, read_bytes

    data = read_bytes(path, TABLE_LIMIT, "the label list")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError("not UTF-8 or GB18030 text", path) from None
    return [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]


def align_charges(accu: Path, concepts: Concepts, dataset: str, articles: Path | None = None) -> Alignment:
    """Align a charge list (and optionally an article list) with ipgraph's charges and articles.

    >>> import tempfile, pathlib
    >>> from ipgraph.linking.concepts import load_concepts
    >>> concepts = load_concepts(pathlib.Path(__file__).resolve().parents[3] / "ontology" / "ipgraph.ttl")
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "accu.txt"
    >>> _ = f.write_text("盗窃\\n假冒注册商标\\n侵犯著作权\\n", encoding="utf-8")
    >>> a = align_charges(f, concepts, "demo")
    >>> for m in a.mappings:
    ...     print(m.subject_label, m.predicate_id.rsplit("#")[1], m.object_id.rsplit("/")[-1])
    假冒注册商标 exactMatch art-213-counterfeiting-registered-trademark
    侵犯著作权 exactMatch art-217-copyright-infringement
    侵犯著作权 narrowMatch art-217-circumventing-technical-measures
    """
    al = Alignment(accu, dataset, read_list(accu))
    reached: set[str] = set()
    charge_by_slug = {iri.rsplit("/", 1)[1]: iri for iri in concepts.charges}
    for line, name in al.charges:
        subject = al.charge_iri(line)
        key = charge_key(name)
        exact = concepts.by_key.get(key)
        found: list[tuple[str, str, float, str, str]] = []
        if exact:
            found.append((SKOS_EXACT, exact, 1.0, "semapv:LexicalMatching", "same Chinese name without 罪"))
            for c in concepts.charges.values():
                if exact in c.broader and c.iri != exact:
                    found.append(
                        (
                            SKOS_NARROW,
                            c.iri,
                            1.0,
                            "semapv:LexicalMatching",
                            f"a form of {_label(concepts.charges[exact])} (skos:broader in the ontology)",
                        )
                    )
        elif key in concepts.alt_by_key:
            found.append(
                (
                    SKOS_CLOSE,
                    concepts.alt_by_key[key],
                    0.9,
                    "semapv:LexicalMatching",
                    "same name as an alternative label (skos:altLabel)",
                )
            )
        elif key in FORMER_NAMES and FORMER_NAMES[key][0] in charge_by_slug:
            slug, why = FORMER_NAMES[key]
            found.append((SKOS_BROAD, charge_by_slug[slug], 0.9, "semapv:ManualMappingCuration", f"former name: {why}"))
        for pred, obj, score, just, comment in found:
            reached.add(obj)
            al.mappings.append(Mapping(subject, name, pred, obj, _label(concepts.charges[obj]), just, score, comment))
    article_numbers: set[str] = set()
    if articles is not None:
        al.articles_source = articles
        al.articles = read_list(articles)
        for line, value in al.articles:
            number = article_key(value)
            if number is None:
                raise InputError(f"not an article number: {value!r}", articles, line)
            article_numbers.add(number)
            subject = al.article_iri(line)
            label = article_label_zh(number)
            if number in concepts.articles:
                al.mappings.append(
                    Mapping(
                        subject,
                        value,
                        SKOS_EXACT,
                        concepts.articles[number],
                        label,
                        "semapv:LexicalMatching",
                        1.0,
                        "same article number of the PRC Criminal Law",
                    )
                )
            for sub_number, iri in concepts.articles.items():
                if sub_number.partition("-")[0] == number and "-" in sub_number:
                    al.mappings.append(
                        Mapping(
                            subject,
                            value,
                            SKOS_NARROW,
                            iri,
                            article_label_zh(sub_number),
                            "semapv:LexicalMatching",
                            0.8,
                            f"integer article numbers cannot write 之一: {number} may stand for {sub_number}",
                        )
                    )
        ip_numbers = [c.number for c in concepts.ip_charges if c.number]
        al.lacking_articles = [n for n in dict.fromkeys(ip_numbers) if n not in article_numbers]
    for c in concepts.ip_charges:
        if c.iri in reached:
            continue
        if c.iri in NOT_CHARGE_NAMES:
            number, why = NOT_CHARGE_NAMES[c.iri]
            al.not_names.append((c, why, number in article_numbers))
            continue
        al.lacking.append(c)
    return al


def _label(c: Charge) -> str:
    return c.zh[0] if c.zh else c.iri.rsplit("/", 1)[1]


def alignment_nquads(al: Alignment) -> str:
    """The dataset's lists as SKOS concepts, with the alignment, in the dataset's links graph."""
    g = f" <{links_graph(al.dataset)}> .\n"
    scheme = f"<{LINKED_NS}{al.dataset}/charges>"
    out = [
        f"{scheme} <{RDF_TYPE}> <{SKOS}ConceptScheme>{g}",
        f"{scheme} <{RDFS_LABEL}> {nt_literal(f'charges of {al.source.name} ({al.dataset})', lang='en')}{g}",
        f"{scheme} <{RDFS_LABEL}> {nt_literal(f'{al.dataset} 罪名表（{al.source.name}）', lang='zh')}{g}",
    ]
    for line, name in al.charges:
        c = f"<{al.charge_iri(line)}>"
        out.append(f"{c} <{RDF_TYPE}> <{SKOS}Concept>{g}")
        out.append(f"{c} <{SKOS}prefLabel> {nt_literal(name, lang='zh')}{g}")
        out.append(f"{c} <{RDFS_LABEL}> {nt_literal(name, lang='zh')}{g}")
        out.append(f'{c} <{SKOS}notation> "{line}"{g}')
        out.append(f"{c} <{SKOS}inScheme> {scheme}{g}")
    if al.articles_source is not None:
        scheme = f"<{LINKED_NS}{al.dataset}/articles>"
        out.append(f"{scheme} <{RDF_TYPE}> <{SKOS}ConceptScheme>{g}")
        out.append(
            f"{scheme} <{RDFS_LABEL}> "
            f"{nt_literal(f'articles of {al.articles_source.name} ({al.dataset})', lang='en')}{g}"
        )
        for line, value in al.articles:
            c = f"<{al.article_iri(line)}>"
            number = article_key(value) or value
            out.append(f"{c} <{RDF_TYPE}> <{SKOS}Concept>{g}")
            out.append(f"{c} <{SKOS}prefLabel> {nt_literal(article_label_zh(number), lang='zh')}{g}")
            out.append(f"{c} <{RDFS_LABEL}> {nt_literal(article_label_zh(number), lang='zh')}{g}")
            out.append(f'{c} <{SKOS}notation> "{line}"{g}')
            out.append(f"{c} <{SKOS}inScheme> {scheme}{g}")
    for m in al.mappings:
        out.append(f"<{m.subject_id}> <{m.predicate_id}> <{m.object_id}>{g}")
    return "".join(out)


__all__ = ["FORMER_NAMES", "NOT_CHARGE_NAMES", "Alignment", "align_charges", "alignment_nquads"]
