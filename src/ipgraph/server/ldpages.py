"""The linked-data pages people read: a resource titled by its label, its properties grouped and labelled.

A figure is titled by what it counts, where and when, with its value; a derived figure shows what it comes from
and how; a quote is shown clean, in its paragraph; a check shows its arithmetic and verdict. Also the label
search, the HTML 404 and the dataset page. English or Chinese (``?lang=zh``). Runs in a query worker; every
string from the data goes through :func:`~ipgraph.server.pages.esc`.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.model.prefixes import ID_BASE, IPG_NS
from ipgraph.query.results import compact
from ipgraph.server import lddata, ldtext
from ipgraph.server.ldtext import OA, PROPERTY_NAMES, PROV, QB, RDF, RDFS, SKOS, XSD, ui
from ipgraph.server.pages import esc, local_path, page

OBSERVATION = QB + "Observation"
QUOTE = IPG_NS + "SourceQuote"
CHECK = IPG_NS + "ConsistencyCheck"
REPORT = IPG_NS + "Report"
SECTIONS = (IPG_NS + "ReportSection", IPG_NS + "Footnote")
DERIVED = PROV + "wasDerivedFrom"
#: Properties that say what a thing is, shown after its names and before its other literal values.
_WHAT = (SKOS + "altLabel", SKOS + "definition", SKOS + "note")
#: The dimensions and attributes of a figure, in the order they are shown.
FIGURE_PROPS = tuple(
    IPG_NS + p
    for p in (
        "caseCategory",
        "charge",
        "rightType",
        "breakdown",
        "procuratorialFunction",
        "statUnit",
        "statMeasure",
        "unitMeasure",
        "valueQualifier",
        "refArea",
        "refPeriod",
        "basePeriod",
        "observedEntity",
        "trendDirection",
        "shareOf",
        "obsValue",
    )
)
_DERIVATION = (IPG_NS + "derivationMethod", IPG_NS + "interpretation", IPG_NS + "expression")
_BOUNDS = (IPG_NS + "lowerBound", IPG_NS + "upperBound")
_SOURCE_PROPS = (IPG_NS + "report", OA + "hasSource", QB + "dataSet")
_QUOTE_PROPS = (OA + "hasSelector", IPG_NS + "section")
_NUMERIC = {XSD + t for t in ("decimal", "integer", "double", "float", "nonNegativeInteger", "int", "long")}
#: Length of the text shown on either side of a quote when its paragraph is longer.
CONTEXT_CHARS = 600
#: Length of a section's text shown on its page.
SECTION_CHARS = 6000
SEARCH_LIMIT = 100


class Words:
    """Labels in one language: of IRIs (the graph's own), of properties, and of the pages' own words."""

    def __init__(self, store: ox.Store, lang: str) -> None:
        self.names, self.lang = lddata.labels(store), lang
        self.sections = lddata.sections(store)

    def of(self, iri: str) -> str:
        """The label of an IRI in this language (a section by its number and heading, a property by its name,
        else the IRI's last part)."""
        if iri in self.sections:
            return self.section(iri, 60)
        if iri in self.names:
            return lddata.label(self.names, iri, self.lang)
        if iri in PROPERTY_NAMES:
            en, zh = PROPERTY_NAMES[iri]
            return zh if self.lang == "zh" else en
        return compact(iri)

    def ui(self, key: str) -> str:
        return ui(key, self.lang)

    def section(self, iri: str, limit: int = 0) -> str:
        """A section as "§ I.1.1 its heading", a footnote as "footnote 1" (``limit``: shorten the heading)."""
        found = self.sections[iri]
        if found.footnote:
            return where(found.number, self.lang)
        heading = ldtext.clean_quote(found.heading)
        if limit and len(heading) > limit:
            heading = heading[: limit - 2].rsplit(" ", 1)[0] + " …"
        return f"{where(found.number, self.lang)} {heading}".rstrip()


def where(num: str, lang: str) -> str:
    """A section number as shown: "§ I.1.1", a footnote's ``fn0`` as "footnote 1", nothing as "§".

    >>> where("I.1.1", "en"), where("fn0", "en"), where("fn2", "zh"), where("", "en")
    ('§ I.1.1', 'footnote 1', '脚注 3', '§')
    """
    if num.startswith("fn") and num[2:].isdigit():
        return f"{ui('footnote', lang)} {int(num[2:]) + 1}"
    return f"§ {num}" if num else "§"


_SLUG = re.compile(r"(?<![\w/:.-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")


def slug_names(store: ox.Store) -> dict[str, str]:
    """Local names (``ip-criminal``, ``shanghai-2023-ip-criminal-cases``) → IRI, for the graph's labelled
    resources and figures, where the name is unique (made once per worker)."""

    def make() -> dict[str, str]:
        seen: dict[str, set[str]] = {}
        iris = [i for i in lddata.labels(store) if i.startswith(ID_BASE)] + list(lddata.all_figures(store))
        for iri in iris:
            seen.setdefault(iri.rsplit("/", 1)[-1], set()).add(iri)
        return {name: next(iter(found)) for name, found in seen.items() if len(found) == 1 and "-" in name}

    found: dict[str, str] = lddata.cached(store, "slugs", make)
    return found


def readable(store: ox.Store, text: str, words: Words) -> str:
    """A text ipgraph wrote (a check's label or arithmetic) with the slugs in it replaced by names: a figure by
    what it counts, anything else by its label.

    >>> readable(None, "3 + 5 <= 11", None)  # no slug: unchanged, nothing looked up
    '3 + 5 <= 11'
    """
    if not _SLUG.search(text):
        return text
    names = slug_names(store)
    figures = lddata.all_figures(store)

    def name(m: re.Match[str]) -> str:
        iri = names.get(m.group(0))
        if iri is None:
            return m.group(0)
        if iri in figures:
            return ldtext.what(figures[iri].figure(words.names, words.lang), words.lang)
        return words.of(iri)

    return _SLUG.sub(name, text)


def colon(lang: str) -> str:
    """The colon after a name: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def with_lang(path: str, lang: str) -> str:
    """A local path in a language (English is the default, so it carries no parameter).

    >>> with_lang("/id/x", "zh"), with_lang("/search?q=a", "zh"), with_lang("/id/x", "en")
    ('/id/x?lang=zh', '/search?q=a&lang=zh', '/id/x')
    """
    if lang == "en":
        return path
    return path + ("&" if "?" in path else "?") + "lang=" + lang


def link(iri: str, words: Words, label: str | None = None) -> str:
    """A link to an IRI, shown by its label: a local page in the same language, or an outside page."""
    shown = esc(label if label is not None else words.of(iri))
    path = local_path(iri)
    if path is not None:
        return f'<a href="{esc(with_lang(path, words.lang))}">{shown}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a href="{esc(iri)}" rel="nofollow noopener noreferrer" class=ext>{shown}</a>'
    return f"<code>{shown}</code>"


def literal_html(term: ox.Literal, lang: str) -> str:
    """A literal as a reader sees it: numbers grouped, dates in words, the language marked, never a datatype."""
    if term.language:
        return f'<span lang="{esc(term.language)}">{quote_html(term.value, {}, lang)}</span>'
    dt = term.datatype.value
    if dt in _NUMERIC:
        return esc(ldtext.number(term.value))
    if dt in (XSD + "gMonthDay", XSD + "date"):
        text = ldtext.month_day(term.value, lang)
        if dt == XSD + "gMonthDay" and text != term.value:
            text += f"（{ui('no_year', lang)}）" if lang == "zh" else f" ({ui('no_year', lang)})"
        return esc(text)
    if dt == XSD + "boolean":
        yes = term.value in ("true", "1")
        return esc(("是" if yes else "否") if lang == "zh" else ("yes" if yes else "no"))
    return quote_html(term.value, {}, lang)


def term_html(term: Any, words: Words) -> str:
    """One RDF term as HTML, labelled."""
    if isinstance(term, ox.NamedNode):
        return link(term.value, words)
    if isinstance(term, ox.Literal):
        return literal_html(term, words.lang)
    if isinstance(term, ox.BlankNode):
        return f"<span class=bnode>_:{esc(term.value)}</span>"
    return esc(term)


def _rows_table(rows: list[tuple[str, str]], cls: str = "facts") -> str:
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table class={cls}>{body}</table>" if body else ""


def _section(title: str, body: str, anchor: str = "") -> str:
    if not body:
        return ""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<section{ident}><h2>{esc(title)}</h2>{body}</section>"


def quote_html(text: str, notes: dict[str, tuple[str, str]], lang: str) -> str:
    """A quote's words without footnote markers: a marker becomes a numbered link to its footnote's page."""
    out = []
    for kind, part in ldtext.quote_parts(text):
        if kind == "text":
            out.append(esc(part))
        elif kind == "ref":
            iri, _ = notes.get("fn" + part, ("", ""))
            number = esc(str(int(part) + 1))
            title = esc(ui("footnote", lang) + " " + str(int(part) + 1))
            if iri and local_path(iri):
                out.append(
                    f'<sup class=fn><a href="{esc(with_lang(local_path(iri) or "", lang))}" '
                    f'title="{title}">{number}</a></sup>'
                )
            else:
                out.append(f'<sup class=fn title="{title}">{number}</sup>')
    return "".join(out)


class ResourcePage:
    """Everything read from the store for one resource's page, and its rendering."""

    def __init__(self, store: ox.Store, iri: str, lang: str, build_dir: Path | None) -> None:
        self.store, self.iri, self.lang, self.build_dir = store, iri, lang, build_dir
        self.node = ox.NamedNode(iri)
        self.words = Words(store, lang)
        self.out = lddata.outgoing(store, self.node)
        self.inc = lddata.incoming(store, self.node)
        self.types = [r["o"].value for r in self.out if r["p"].value == RDF + "type"]
        self.by_prop: dict[str, list[Any]] = {}
        for r in self.out:
            self.by_prop.setdefault(r["p"].value, []).append(r["o"])
        self.shown: set[str] = set()  # properties already rendered
        self.report = lddata.report_of(store, self.node) if self._is(OBSERVATION, QUOTE, CHECK, *SECTIONS) else ""
        if self._is(REPORT):
            self.report = iri
        self.notes = lddata.footnotes(store, self.report)
        self._figures: dict[str, lddata.FigureRow] = {}
        self.snippets: dict[str, tuple[str, str]] = {}  # quotes shown in lists: IRI → (section, text)
        self.cites: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (property, value) → the quotes stating it
        for r in lddata.quotes_of(store, self.node):
            self.cites.setdefault((r["p"].value, str(r["o"])), []).append(r)

    def exists(self) -> bool:
        return bool(self.out or self.inc)

    def _is(self, *classes: str) -> bool:
        return any(c in self.types for c in classes)

    def values(self, prop: str) -> list[Any]:
        self.shown.add(prop)
        return self.by_prop.get(prop, [])

    def figures(self, iris: list[str]) -> dict[str, lddata.FigureRow]:
        missing = [i for i in dict.fromkeys(iris) if i not in self._figures]
        if missing:
            self._figures.update(lddata.figures(self.store, missing))
        return {i: self._figures[i] for i in iris if i in self._figures}

    def figure_title(self, iri: str) -> str:
        found = self.figures([iri]).get(iri)
        return ldtext.title(found.figure(self.words.names, self.lang), self.lang) if found else self.words.of(iri)

    def figure_list(self, iris: list[str]) -> str:
        """Figures as a list of links titled by what they count and their value."""
        found = self.figures(iris)
        items = []
        for i in dict.fromkeys(iris):
            title = ldtext.title(found[i].figure(self.words.names, self.lang), self.lang) if i in found else None
            items.append(f"<li>{link(i, self.words, title)}</li>")
        return f"<ul class=figures>{''.join(items)}</ul>" if items else ""

    # ---- the page ------------------------------------------------------------------------------------
    def title(self) -> str:
        if self._is(OBSERVATION):
            return self.figure_title(self.iri)
        if self._is(QUOTE):
            return self.quote_title()
        if self._is(CHECK):
            kind = self.values(IPG_NS + "checkKind")
            verdict = self.values(IPG_NS + "verdict")
            kind_text = self.words.of(kind[0].value) if kind else self.words.of(CHECK)
            verdict_text = self.words.of(verdict[0].value) if verdict else ""
            return kind_text + colon(self.lang) + verdict_text
        if self.iri in self.words.sections:
            return self.words.section(self.iri)
        return self.words.of(self.iri) if self.iri in self.words.names else compact(self.iri)

    def quote_title(self) -> str:
        exact = lddata.quote(self.store, self.node)
        text = ldtext.clean_quote(exact["exact"].value) if exact else ""
        short = text if len(text) <= 90 else text[:88].rsplit(" ", 1)[0] + " …"
        num = exact.get("num") if exact else None
        place = where(num.value, self.lang) + " " if num is not None else ""
        return f"{place}“{short}”" if self.lang == "en" else f"{place}「{short}」"

    def render(self) -> str:
        title = self.title()
        parts = [self.header()]
        if self._is(OBSERVATION):
            parts += [self.figure_section(), self.derivation_section(), self.checks_section()]
        if self._is(QUOTE):
            parts.append(self.quote_section())
        if self._is(CHECK):
            parts.append(self.check_section())
        if self._is(*SECTIONS):
            parts.append(self.section_text())
        parts += [self.what_section(), self.relations_section(), self.sources_section()]
        if self._is(QUOTE):
            parts.append(self.supports_section())
        if self._is(REPORT):
            parts.append(self.report_figures_section())
        parts += [self.referred_section(), self.formats()]
        head = (
            '\n<link rel="alternate" type="text/turtle" href="?format=ttl">'
            '\n<link rel="alternate" type="application/ld+json" href="?format=jsonld">'
        )
        path = local_path(self.iri) or "/"
        return page(title, "\n".join(p for p in parts if p), head=head, lang=self.lang, path=path)

    def header(self) -> str:
        w = self.words
        other = "zh" if self.lang == "en" else "en"
        found = w.names.get(self.iri, {})
        parts = []
        named = not self._is(OBSERVATION, CHECK, *SECTIONS)  # these are titled by what they are, not by a label
        if named and found.get(other) and found.get(other) != found.get(self.lang):
            parts.append(f'<p class=other-label lang="{other}">{esc(found[other])}</p>')
        kinds = ", ".join(term_html(t, w) for t in self.values(RDF + "type"))
        report = ""
        if self.report and self.report != self.iri:
            report = f" · {esc(w.ui('in_report'))} {link(self.report, w)}"
        parts.append(f"<p class=kind>{kinds}{report}</p>")
        parts.append(f"<p class=iri><code>{esc(compact(self.iri))}</code></p>")
        return "".join(parts)

    def formats(self) -> str:
        viz = with_lang("/viz/entity?" + urllib.parse.urlencode({"focus": compact(self.iri)}), self.lang)
        alt = " ".join(
            f'<a href="?format={k}" type="{esc(mt)}">{esc(name)}</a>'
            for k, mt, name in (
                ("ttl", "text/turtle", "Turtle"),
                ("jsonld", "application/ld+json", "JSON-LD"),
                ("nt", "application/n-triples", "N-Triples"),
                ("rdf", "application/rdf+xml", "RDF/XML"),
            )
        )
        return (
            f'<p class=links><a href="{esc(viz)}">{esc(self.words.ui("graph_view"))}</a> · '
            f"{esc(self.words.ui('as') + colon(self.lang))}{alt}<br><code class=full-iri>{esc(self.iri)}</code></p>"
        )

    # ---- figures ---------------------------------------------------------------------------------------
    def figure_section(self) -> str:
        w = self.words
        found = self.figures([self.iri]).get(self.iri)
        if found is None:
            return ""
        fig = found.figure(w.names, self.lang)
        value = ldtext.value(fig, self.lang)
        rng = ldtext.bounds(fig, self.lang)
        for p in _BOUNDS:
            self.values(p)
        big = f"<p class=value>{esc(value)}</p>"
        if rng:
            big += f"<p class=range>{esc(w.ui('range') + colon(self.lang) + rng)}</p>"
        rows = []
        for prop in FIGURE_PROPS:
            vals = self.values(prop)
            if vals and prop != IPG_NS + "obsValue":
                rows.append((link(prop, w), ", ".join(term_html(v, w) for v in vals)))
        return _section(w.ui("figure"), big + _rows_table(rows), "figure")

    def derivation_section(self) -> str:
        w = self.words
        sources = [o.value for o in self.by_prop.get(DERIVED, []) if isinstance(o, ox.NamedNode)]
        figures = [s for s in sources if OBSERVATION in lddata.types(self.store).get(s, [])]
        if not figures and not any(self.by_prop.get(p) for p in _DERIVATION):
            return ""
        rows = []
        for prop in _DERIVATION:
            vals = self.values(prop)
            if not vals:
                continue
            shown = []
            for v in vals:
                if isinstance(v, ox.NamedNode):
                    definition = self._definition(v.value)
                    shown.append(link(v.value, w) + (f"<div class=note>{esc(definition)}</div>" if definition else ""))
                else:
                    shown.append(f"<code>{esc(readable(self.store, v.value, w))}</code>")
            rows.append((link(prop, w), "".join(shown)))
        body = ""
        if figures:
            body += f"<h3>{esc(w.ui('derived_from'))}</h3>" + self.figure_list(figures)
        body += _rows_table(rows)
        return _section(w.ui("derivation"), body, "derivation")

    def _definition(self, iri: str) -> str:
        """A term's definition, in the page's language when it has one."""
        found = lddata.rows(self.store, "SELECT ?d WHERE { ?s skos:definition ?d }", {"s": ox.NamedNode(iri)})
        texts = sorted(found, key=lambda r: not (r["d"].language or "").startswith(self.lang))
        return texts[0]["d"].value if texts else ""

    def checks_section(self) -> str:
        checks = [r["c"].value for r in lddata.checks_of(self.store, self.node)]
        return _section(self.words.ui("checks"), self.check_list(checks), "checks")

    def check_list(self, iris: list[str]) -> str:
        """Checks as a list: what kind, the arithmetic, the verdict (inconsistent ones first)."""
        w = self.words
        found = lddata.checks_info(self.store, iris)
        items = []
        for iri in sorted(found, key=lambda i: (not str(found[i].get("v")).endswith("/inconsistent>"), i)):
            r = found[iri]
            kind = w.of(r["kind"].value) if r.get("kind") is not None else w.of(CHECK)
            expr = r.get("expr")
            name = kind + colon(w.lang) + readable(self.store, expr.value, w) if expr is not None else kind
            verdict = r.get("v")
            code = verdict.value.rsplit("/", 1)[-1] if verdict is not None else ""
            shown = f" — <b>{esc(w.of(verdict.value))}</b>" if verdict is not None else ""
            items.append(f'<li class="verdict-{esc(code)}">{link(iri, w, name)}{shown}</li>')
        return f"<ul class=checks>{''.join(items)}</ul>" if items else ""

    # ---- checks ----------------------------------------------------------------------------------------
    def check_section(self) -> str:
        w = self.words
        verdict = self.values(IPG_NS + "verdict")
        code = verdict[0].value.rsplit("/", 1)[-1] if verdict else ""
        parts = []
        if verdict:
            parts.append(f'<p class="verdict verdict-{esc(code)}">{esc(ldtext.verdict_words(code, self.lang))}</p>')
        label = [o for o in self.values(RDFS + "label") if isinstance(o, ox.Literal)]
        checked = [o.value for o in self.values(IPG_NS + "checksObservation") if isinstance(o, ox.NamedNode)]
        if label:
            parts.append(f"<p class=check-label>{esc(readable(self.store, label[0].value, w))}</p>")
        expr = self.values(IPG_NS + "expression")
        if expr:
            parts.append(f"<p class=arithmetic><code>{esc(readable(self.store, expr[0].value, w))}</code></p>")
        rows = []
        for key, low, high in (
            ("computed", "computedLowerBound", "computedUpperBound"),
            ("stated", "statedLowerBound", "statedUpperBound"),
        ):
            lo, hi = self.values(IPG_NS + low), self.values(IPG_NS + high)
            if lo or hi:
                a = ldtext.number(lo[0].value, 2) if lo else "?"
                b = ldtext.number(hi[0].value, 2) if hi else "?"
                rows.append((esc(w.ui(key)), esc(a if a == b else f"{a} – {b}")))
        interp = self.values(IPG_NS + "interpretation")
        if interp:
            rows.append((esc(w.ui("reading")), ", ".join(link(i.value, w) for i in interp)))
        kind = self.values(IPG_NS + "checkKind")
        if kind:
            rows.insert(0, (esc(w.ui("kind")), link(kind[0].value, w)))
        parts.append(_rows_table(rows))
        if checked:
            parts.append(f"<h3>{esc(w.ui('checked'))}</h3>" + self.figure_list(checked))
        return _section(w.ui("arithmetic"), "".join(parts), "arithmetic")

    # ---- quotes ----------------------------------------------------------------------------------------
    def quote_section(self) -> str:
        w = self.words
        q = lddata.quote(self.store, self.node)
        for p in (*_QUOTE_PROPS, OA + "hasSource", IPG_NS + "report"):
            self.values(p)
        if q is None:
            return ""
        exact = q["exact"].value
        parts = [f"<blockquote class=quote>{quote_html(exact, self.notes, self.lang)}</blockquote>"]
        rows = []
        if q.get("num") is not None:
            found = q.get("heading")
            heading = f" — {quote_html(found.value, self.notes, self.lang)}" if found is not None else ""
            rows.append((esc(w.ui("section")), f"{link(q['sec'].value, w, q['num'].value)}{heading}"))
        if q.get("start") is not None:
            rows.append((esc(w.ui("offsets")), esc(f"{q['start'].value}–{q['end'].value}")))
        parts.append(_rows_table(rows))
        parts.append(self.context_html(q))
        refs = [part for kind, part in ldtext.quote_parts(exact) if kind == "ref"]
        notes = [(n, self.notes.get("fn" + n)) for n in refs]
        items = "".join(
            f"<li value={int(n) + 1}>{link(found[0], w, found[1])}</li>" for n, found in notes if found is not None
        )
        if items:
            parts.append(f"<h3>{esc(w.ui('footnotes'))}</h3><ol class=footnotes>{items}</ol>")
        return _section(w.ui("quote"), "".join(parts), "quote")

    def context_html(self, q: dict[str, Any]) -> str:
        """The quote in its paragraph (from the source text when it is here), the quote marked."""
        w = self.words
        exact = q["exact"].value
        text = None
        if q.get("sha") is not None and q.get("start") is not None:
            name = q["srclabel"].value.rsplit(": ", 1)[-1] if q.get("srclabel") is not None else ""
            text = lddata.source_text(q["sha"].value, name, self.build_dir)
        if text is not None:
            start, end = int(q["start"].value), int(q["end"].value)
            if text[start:end] != exact:
                text = None
        if text is None:
            before = q["prefix"].value if q.get("prefix") is not None else ""
            after = q["suffix"].value if q.get("suffix") is not None else ""
            note = f"<p class=hint>{esc(w.ui('source_missing'))}</p>"
        else:
            para_start = text.rfind("\n", 0, start) + 1
            para_end = text.find("\n", end)
            para_end = len(text) if para_end < 0 else para_end
            before, after = text[para_start:start], text[end:para_end]
            if len(before) > CONTEXT_CHARS:
                before = "… " + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
            if len(after) > CONTEXT_CHARS:
                after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " …"
            note = ""
        shown = [quote_html(part, self.notes, self.lang) for part in (before, exact, after)]
        body = f"<p class=context>…{shown[0]}<mark>{shown[1]}</mark>{shown[2]}…</p>"
        if text is not None:
            body = body.replace("<p class=context>…", "<p class=context>", 1).replace("…</p>", "</p>")
        return f"<h3>{esc(w.ui('context'))}</h3>{note}{body}"

    def source_text(self) -> str | None:
        """The source text of this page's report, when it is on this server (and is the text the graph was
        built from)."""
        for r in lddata.reports(self.store):
            if r["r"].value == self.report and r.get("sha") is not None:
                name = r["srclabel"].value.rsplit(": ", 1)[-1] if r.get("srclabel") is not None else ""
                return lddata.source_text(r["sha"].value, name, self.build_dir)
        return None

    def section_text(self) -> str:
        """A section's or footnote's words, paragraph by paragraph (at most :data:`SECTION_CHARS` of them)."""
        start, end = self.by_prop.get(IPG_NS + "startOffset"), self.by_prop.get(IPG_NS + "endOffset")
        text = self.source_text() if start and end else None
        if text is None or not start or not end:
            return ""
        words = text[int(start[0].value) : int(end[0].value)]
        if self._is(IPG_NS + "Footnote"):  # "[0:  its words]" in the text: the words are the footnote
            words = "".join(part for kind, part in ldtext.quote_parts(words) if kind == "note") or words
        cut = len(words) > SECTION_CHARS
        words = words[:SECTION_CHARS].rsplit(" ", 1)[0] + " …" if cut else words
        paragraphs = "".join(f"<p>{quote_html(p, self.notes, self.lang)}</p>" for p in words.split("\n") if p.strip())
        return _section(self.words.ui("section_text"), f"<div class=section-text>{paragraphs}</div>", "text")

    def supports_section(self) -> str:
        w = self.words
        found = lddata.supports(self.store, self.node)
        kinds = lddata.types(self.store)
        alone = [r["x"].value for r in found if r.get("p") is None]
        figures = [x for x in alone if OBSERVATION in kinds.get(x, [])]
        checks = [x for x in alone if CHECK in kinds.get(x, [])]
        things = [x for x in alone if x not in figures and x not in checks]
        statements = [r for r in found if r.get("p") is not None]
        body = self.figure_list(figures) + self.check_list(checks)
        if things:
            body += "<ul class=neighbours>" + "".join(f"<li>{link(t, w)}</li>" for t in things) + "</ul>"
        if statements:
            body += f"<h3>{esc(w.ui('statements'))}</h3><ul class=statements>"
            body += "".join(
                f"<li>{link(r['x'].value, w)} <span class=pred>{link(r['p'].value, w)}</span> "
                f"{term_html(r['o'], w)}</li>"
                for r in statements
            )
            body += "</ul>"
        return _section(w.ui("supports"), body, "supports")

    # ---- the other groups ------------------------------------------------------------------------------
    def what_section(self) -> str:
        w = self.words
        rows = []
        names = list(dict.fromkeys([*self.values(RDFS + "label"), *self.values(SKOS + "prefLabel")]))
        if names and not self._is(CHECK, *SECTIONS):
            rows.append((esc(w.ui("labels")), self._literals(names)))
        for prop in _WHAT:
            vals = self.values(prop)
            if vals:
                rows.append((link(prop, w), self._literals(vals, prop)))
        for prop, vals in self.by_prop.items():
            if prop in self.shown or prop in _SOURCE_PROPS or prop == DERIVED:
                continue
            if all(isinstance(v, ox.Literal) for v in vals):
                self.shown.add(prop)
                rows.append((link(prop, w), self._literals(vals, prop)))
        return _section(w.ui("what"), _rows_table(rows), "what")

    def _literals(self, vals: list[Any], prop: str = "") -> str:
        """Values of one property, the page's language first (each with the quotes stating it); long texts as a
        list."""
        mine = [v for v in vals if isinstance(v, ox.Literal) and (v.language or "").startswith(self.lang)]
        rest = [v for v in vals if v not in mine]
        items = [self.cited(prop, v) for v in mine + rest]
        if len(items) == 1:
            return items[0]
        if all(len(v.value) < 80 for v in vals):
            return " · ".join(items)
        return "<ul class=values>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"

    def cited(self, prop: str, value: Any) -> str:
        """A value with links to the quotes that state it (§ and section number; the quote as the link's title),
        unless it is the resource's own quote, which its Sources show."""
        shown = term_html(value, self.words)
        own = {str(o) for o in self.by_prop.get(DERIVED, [])}  # the resource's own quotes, shown under Sources
        for r in self.cites.get((prop, str(value)), []):
            if str(r["q"]) in own:
                continue
            num = where(r["num"].value if r.get("num") is not None else "", self.lang).replace("§ ", "§")
            href = with_lang(local_path(r["q"].value) or "", self.lang)
            quote = ldtext.clean_quote(r["exact"].value)
            quote = quote if len(quote) <= 200 else quote[:198] + "…"
            shown += f' <a class=cite href="{esc(href)}" title="{esc(quote)}">{esc(num)}</a>'
        return shown

    def relations_section(self) -> str:
        w = self.words
        rows = []
        for prop, vals in self.by_prop.items():
            if prop in self.shown or prop in _SOURCE_PROPS or prop == DERIVED:
                continue
            self.shown.add(prop)
            rows.append((link(prop, w), ", ".join(self.cited(prop, v) for v in vals)))
        return _section(w.ui("relations"), _rows_table(rows), "relations")

    def sources_section(self) -> str:
        w = self.words
        kinds = lddata.types(self.store)
        sources = [o.value for o in self.by_prop.get(DERIVED, []) if isinstance(o, ox.NamedNode)]
        quotes = [s for s in sources if QUOTE in kinds.get(s, [])]
        others = [
            o.value
            for o in self.by_prop.get(DERIVED, [])
            if isinstance(o, ox.NamedNode) and o.value not in quotes and OBSERVATION not in kinds.get(o.value, [])
        ]
        parts = []
        found = {r["q"].value: r for rs in self.cites.values() for r in rs if r["p"].value == DERIVED}
        for q in quotes:
            r = found.get(q)
            if r is None:
                parts.append(f"<p>{link(q, w)}</p>")
                continue
            num = where(r["num"].value if r.get("num") is not None else "", self.lang)
            parts.append(
                f'<blockquote><a class=section href="{esc(with_lang(local_path(q) or "", self.lang))}">'
                f"{esc(num)}</a> {quote_html(r['exact'].value, self.notes, self.lang)}</blockquote>"
            )
        rows = []
        if others:
            rows.append((link(DERIVED, w), ", ".join(link(o, w) for o in others)))
        for prop in _SOURCE_PROPS:
            vals = self.values(prop)
            if vals and not (prop == IPG_NS + "report" and self.report in {v.value for v in vals}):
                rows.append((link(prop, w), ", ".join(term_html(v, w) for v in vals)))
        return _section(w.ui("sources"), "".join(parts) + _rows_table(rows), "sources")

    def report_figures_section(self) -> str:
        """The report's figures in reading order, under the section each is quoted from (derived ones last)."""
        found = lddata.report_figures(self.store, self.node)
        if not found:
            return ""
        by_number = {
            sec.number: iri for iri, sec in self.words.sections.items() if sec.report == self.iri and not sec.footnote
        }
        groups: dict[str, list[str]] = {}
        for iri, num in found:
            groups.setdefault(num, []).append(iri)
        body = ""
        for num, iris in groups.items():
            if num and num in by_number:
                heading = link(by_number[num], self.words, self.words.section(by_number[num], 90))
            else:
                heading = esc(self.words.ui("derived_figures") if not num else where(num, self.lang))
            body += f"<h3>{heading}</h3>" + self.figure_list(iris)
        return _section(self.words.ui("report_figures"), body, "report-figures")

    def referred_section(self) -> str:
        w = self.words
        kinds = lddata.types(self.store)
        figures: list[str] = []
        by_prop: dict[str, list[str]] = {}
        for r in self.inc:
            x = r["x"].value
            if not isinstance(r["x"], ox.NamedNode):
                continue
            if OBSERVATION in kinds.get(x, []) and r["p"].value != DERIVED:
                figures.append(x)
            elif r["p"].value == IPG_NS + "checksObservation" and self._is(OBSERVATION):
                continue  # shown with their verdicts
            elif not (self._is(QUOTE) and r["p"].value == DERIVED):
                by_prop.setdefault(r["p"].value, []).append(x)
        body = ""
        if figures:
            body += f"<h3>{esc(w.ui('figures_about'))}</h3>" + self.figure_list(figures)
        quotes = [x for xs in by_prop.values() for x in xs if QUOTE in kinds.get(x, [])]
        self.snippets.update(lddata.quote_snippets(self.store, quotes[:500]))
        rows = []
        for p, xs in by_prop.items():
            name = link(p, w)
            if p in (RDF + "type", DERIVED):
                name = esc(w.ui("instances" if p == RDF + "type" else "derived_into"))
            rows.append((name, ", ".join(self._named(x) for x in dict.fromkeys(xs))))
        body += _rows_table(rows)
        return _section(w.ui("referred"), body, "referred")

    def _named(self, iri: str) -> str:
        if OBSERVATION in lddata.types(self.store).get(iri, []):
            return link(iri, self.words, self.figure_title(iri))
        if iri in self.snippets:
            num, exact = self.snippets[iri]
            text = ldtext.clean_quote(exact)
            text = text if len(text) <= 80 else text[:78].rsplit(" ", 1)[0] + " …"
            return link(iri, self.words, f"{where(num, self.lang)} “{text}”")
        return link(iri, self.words)


def resource_page(store: ox.Store, iri: str, lang: str, build_dir: Path | None = None) -> str | None:
    """The HTML page of a resource in ``lang``, or None when the graph does not know it."""
    found = ResourcePage(store, iri, lang, build_dir)
    if not found.exists():
        return None
    return found.render()


# ---- search, 404, dataset ---------------------------------------------------------------------------------
def search_box(lang: str, query: str = "") -> str:
    return (
        f'<form class=search method=get action="/search"><input type=search name=q value="{esc(query)}" '
        f'placeholder="{esc(ui("search_ph", lang))}" aria-label="{esc(ui("search", lang))}">'
        + (f'<input type=hidden name=lang value="{esc(lang)}">' if lang != "en" else "")
        + f"<button>{esc(ui('search', lang))}</button></form>"
    )


def figure_index(store: ox.Store) -> list[tuple[str, str, str]]:
    """(IRI, title, its match key) of every figure, its English and its Chinese title (made once per worker)."""
    from ipgraph.reading.zh_script import match_key

    def make() -> list[tuple[str, str, str]]:
        names = lddata.labels(store)
        out = []
        for iri, row in lddata.all_figures(store).items():
            for lang in ("en", "zh"):
                title = ldtext.title(row.figure(names, lang), lang)
                out.append((iri, title, match_key(title)))
        return out

    found: list[tuple[str, str, str]] = lddata.cached(store, "figure-index", make)
    return found


def search(store: ox.Store, query: str, limit: int = SEARCH_LIMIT) -> list[tuple[str, str]]:
    """IRIs whose labels (or, for figures, titles) contain ``query`` (simplified or traditional, any case), best
    first: (IRI, the label that matched)."""
    from ipgraph.reading.zh_script import match_key

    key = match_key(query.strip())
    if not key:
        return []
    best: dict[str, tuple[int, int, str]] = {}
    for iri, label, label_key in [*lddata.search_index(store), *figure_index(store)]:
        at = label_key.find(key)
        if at < 0:
            continue
        rank = 0 if label_key == key else 1 if at == 0 else 2
        score = (rank, len(label_key), label)
        if iri not in best or score < best[iri]:
            best[iri] = score
    ordered = sorted(best.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0]))
    return [(iri, score[2]) for iri, score in ordered[:limit]]


def search_page(store: ox.Store, query: str, lang: str) -> str:
    """The results of a label search, each linked to its page."""
    words = Words(store, lang)
    found = search(store, query) if query.strip() else []
    kinds = lddata.types(store)
    parts = [search_box(lang, query), f"<p class=hint>{esc(ui('search_hint', lang))}</p>"]
    if query.strip():
        count = f"{len(found)}{'+' if len(found) >= SEARCH_LIMIT else ''}"
        parts.append(f"<p class=count>{esc(count)} {esc(ui('results', lang))}</p>" if found else "")
        if not found:
            parts.append(f"<p>{esc(ui('no_results', lang))}</p>")
        checks = lddata.checks_info(store, [iri for iri, _ in found if CHECK in kinds.get(iri, [])])
        items = []
        for iri, matched in found:
            shown = words.of(iri)
            if OBSERVATION in kinds.get(iri, []) and iri in lddata.all_figures(store):
                shown = matched = ldtext.title(lddata.all_figures(store)[iri].figure(words.names, lang), lang)
            if iri in checks:
                check = checks[iri]
                kind = words.of(check["kind"].value) if check.get("kind") is not None else words.of(CHECK)
                expr = check.get("expr")
                shown = kind + colon(lang) + readable(store, expr.value, words) if expr is not None else kind
            also = f" <span class=matched>({esc(matched)})</span>" if matched != shown else ""
            kinds_shown = ", ".join(esc(words.of(t)) for t in kinds.get(iri, [])[:2])
            items.append(f"<li>{link(iri, words, shown)}{also} <span class=kind>{kinds_shown}</span></li>")
        parts.append(f"<ol class=search-results>{''.join(items)}</ol>" if items else "")
    title = ui("search_title", lang) + (colon(lang) + query.strip() if query.strip() else "")
    path = "/search?" + urllib.parse.urlencode({"q": query}) if query else "/search"
    return page(title, "\n".join(p for p in parts if p), lang=lang, path=path)


def not_found_page(message: str, lang: str, path: str = "/") -> str:
    """The HTML 404: what was not found, and a search box."""
    body = f"<p class=error>{esc(message)}</p><p>{esc(ui('not_found_text', lang))}</p>{search_box(lang)}"
    return page(ui("not_found", lang), body, lang=lang, path=path)


def dataset_page(store: ox.Store, lang: str, base: str, stats: dict[str, Any], dumps: list[str]) -> str:
    """The dataset (VoID / DCAT) as a page: what it is, its sources with publisher and date, licence, downloads."""
    from ipgraph.server.meta import DUMPS

    words = Words(store, lang)
    title = "ipgraph：知识产权案件与趋势知识图谱" if lang == "zh" else "ipgraph: intellectual-property cases and trends"
    description = (
        "基于检察机关知识产权白皮书构建的知识图谱；每个数据与实体都引用其出处的原文。"
        if lang == "zh"
        else "A knowledge graph of intellectual-property cases and trends built from procuratorial reports; "
        "every figure and entity cites the quote of the report it comes from."
    )
    parts = [f"<p>{esc(description)}</p>"]
    rows = []
    for r in lddata.reports(store):
        cells = [link(r["r"].value, words)]
        if r.get("publisher") is not None:
            cells.append(f"{esc(ui('publisher', lang) + colon(lang))}{link(r['publisher'].value, words)}")
        if r.get("issued") is not None:
            cells.append(f"{esc(ui('issued', lang) + colon(lang))}{literal_html(r['issued'], lang)}")
        if r.get("srclabel") is not None:
            name = r["srclabel"].value.rsplit(": ", 1)[-1]
            cells.append(f"{esc(ui('source_text', lang) + colon(lang))}{esc(name)}")
        if r.get("sha") is not None:
            cells.append(f"<code class=sha>SHA-256 {esc(r['sha'].value)}</code>")
        rows.append("<li>" + "<br>".join(cells) + "</li>")
    parts.append(_section(ui("source_reports", lang), f"<ul class=reports>{''.join(rows)}</ul>"))
    licence = lddata.ontology_licence(store)
    facts = [
        (esc(ui("endpoint", lang)), f'<a href="/sparql">{esc(base)}/sparql</a>'),
        (esc(ui("built", lang)), esc(ldtext.month_day(str(stats.get("built") or "?"), lang))),
        (esc(ui("triples", lang)), esc(ldtext.number(str(stats.get("triples", 0))))),
        (esc(ui("entities", lang)), esc(ldtext.number(str(stats.get("entities", 0))))),
        (
            esc(ui("licence", lang)),
            (link(licence, words, licence) + f" ({esc(ui('ontology_licence', lang))})")
            if licence
            else esc(ui("no_licence", lang)),
        ),
    ]
    parts.append(_rows_table(facts))
    downloads = "".join(
        f'<li><a href="/download/{esc(name)}" download>{esc(name)}</a> <span class=kind>{esc(DUMPS[name])}</span></li>'
        for name in dumps
    )
    downloads += (
        '<li>VoID / DCAT: <a href="/.well-known/void?format=ttl">Turtle</a> · '
        '<a href="/.well-known/void?format=jsonld">JSON-LD</a></li>'
    )
    parts.append(_section(ui("downloads", lang), f"<ul class=downloads>{downloads}</ul>"))
    graphs = "".join(
        f'<tr><td><code title="{esc(iri)}">{esc(iri.rsplit("/", 1)[-1])}</code></td>'
        f"<td class=num>{esc(ldtext.number(str(n)))}</td></tr>"
        for iri, n in sorted(dict(stats.get("graphs", {})).items())
    )
    parts.append(_section(ui("graphs", lang), f"<table class=graphs>{graphs}</table>"))
    return page(title, "\n".join(p for p in parts if p), lang=lang, path="/.well-known/void")
