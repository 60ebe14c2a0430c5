"""Hostile inputs for the pages ipgraph writes, and a probe that counts what a page executed or fetched.

The payloads are invented for the tests. Each one, if it ever ran, calls ``__xss(n)`` with its own number ``n``;
the probe defines that function in every frame before any page script runs (the DevTools protocol's
``Page.addScriptToEvaluateOnNewDocument``), so an execution is recorded even inside an ``<iframe srcdoc>``. A
payload that cannot run code asks for ``https://xss.invalid/…`` instead (an outside request, never resolved: the
browser maps every host name to nothing) or plants a ``javascript:`` link.

The hostile data set is a copy of the real data with one extra fact file (:func:`hostile_data`) and a copy of the
real ontology with payloads in comments, scope notes, definitions, labels and IRIs (:func:`hostile_ontology`).
"""

from __future__ import annotations

import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ipgraph.viz.headless import Page

#: Payload templates; ``{n}`` becomes the payload's number. The last three make outside requests if they land.
TEMPLATES = (
    "</script><script>__xss({n})</script>",
    "<script>__xss({n})</script>",
    "<img src=x onerror=__xss({n})>",
    '<iframe srcdoc="<script>__xss({n})</script>"></iframe>',
    '"><svg onload=__xss({n})>',
    "'><svg onload=__xss({n})>",
    "<details open ontoggle=__xss({n})>x</details>",
    '<a href="javascript:__xss({n})">a link</a>',
    "[a markdown link](javascript:__xss({n}))",
    '<meta http-equiv="refresh" content="0;url=javascript:__xss({n})">',
    '<object data="javascript:__xss({n})"></object>',
    "<img src=https://xss.invalid/{n}.png>",
    "<style>@import 'https://xss.invalid/{n}.css';</style>",
    '<base href="https://xss.invalid/{n}/">',
)


class Payloads:
    """Numbered payloads, each remembered with where it was put."""

    def __init__(self, start: int = 1) -> None:
        self.next = start
        self.where: dict[int, str] = {}

    def one(self, template: str, where: str) -> str:
        """One payload from a template, numbered."""
        n = self.next
        self.next += 1
        self.where[n] = where
        return template.format(n=n)

    def all(self, where: str, sep: str = " · ") -> str:
        """Every template once, numbered, in one text."""
        return sep.join(self.one(t, where) for t in TEMPLATES)

    def iri(self, where: str) -> str:
        """A ``javascript:`` IRI (valid in Turtle: no spaces, quotes or angle brackets)."""
        return self.one("javascript:__xss({n})", where)


def _ttl_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ontology_payloads(payloads: Payloads) -> str:
    """Turtle that puts payloads on terms of the real ontology and adds hostile terms of its own."""
    ipg = "https://w3id.org/ipgraph/ontology/"
    id_ = "https://w3id.org/ipgraph/id/"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    skos = "http://www.w3.org/2004/02/skos/core#"
    owl = "http://www.w3.org/2002/07/owl#"
    dcterms = "http://purl.org/dc/terms/"
    targets = {
        "the ontology": "https://w3id.org/ipgraph/ontology",
        "class ipg:Charge": ipg + "Charge",
        "property ipg:observedEntity": ipg + "observedEntity",
        "concept charge:art-213": id_ + "charge/art-213-counterfeiting-registered-trademark",
        "scheme scheme:charges": id_ + "scheme/charges",
        "individual law:prc-criminal-law": id_ + "law/prc-criminal-law",
        "class ipg:HostileClass": ipg + "HostileClass",
        "property ipg:hostileProperty": ipg + "hostileProperty",
        "concept charge:hostile-charge": id_ + "charge/hostile-charge",
    }
    lines = [
        f"<{ipg}HostileClass> a <{owl}Class> ; <{rdfs}subClassOf> <{ipg}Charge> .",
        f"<{ipg}hostileProperty> a <{owl}ObjectProperty> ; <{rdfs}domain> <{ipg}HostileClass> ;"
        f" <{rdfs}range> <{ipg}Charge> .",
        f"<{id_}charge/hostile-charge> a <{skos}Concept>, <{ipg}Charge> ; <{skos}inScheme> <{id_}scheme/charges> ;"
        f" <{skos}broader> <{id_}charge/ip-crime> .",
    ]
    for name, iri in targets.items():
        for prop in ("rdfs:comment", "skos:scopeNote", "skos:definition"):
            full = (rdfs + "comment") if prop == "rdfs:comment" else skos + prop.split(":")[1]
            text = payloads.all(f"docs/ontology: {prop} of {name}")
            lines.append(f"<{iri}> <{full}> {_ttl_string(text)}@en .")
        # a literal that pyLODE turns into a link because it starts with "http"
        text = payloads.one('http://x.invalid/"><script>__xss({n})</script>', f"http literal on {name}")
        lines.append(f"<{iri}> <{rdfs}comment> {_ttl_string(text)} .")
        lines.append(f"<{iri}> <{rdfs}seeAlso> <{payloads.iri(f'rdfs:seeAlso of {name}')}> .")
    for name in ("class ipg:HostileClass", "property ipg:hostileProperty", "concept charge:hostile-charge"):
        iri = targets[name]
        for prop in (rdfs + "label", skos + "prefLabel"):
            en = payloads.one("<script>__xss({n})</script><b>bold</b> hostile", f"en label of {name}")
            zh = payloads.one("<img src=x onerror=__xss({n})>恶意罪名", f"zh label of {name}")
            lines.append(f"<{iri}> <{prop}> {_ttl_string(en)}@en, {_ttl_string(zh)}@zh .")
    concept = targets["concept charge:art-213"]
    zh_label = payloads.one("</script><svg onload=__xss({n})>假冒", "zh prefLabel of charge:art-213")
    lines += [
        f"<{concept}> <{skos}exactMatch> <{payloads.iri('skos:exactMatch of charge:art-213')}> .",
        f"<{concept}> <{skos}prefLabel> {_ttl_string(zh_label)}@zh .",
        f"<https://w3id.org/ipgraph/ontology> <{dcterms}license> <{payloads.iri('dcterms:license')}> .",
        f"<https://w3id.org/ipgraph/ontology> <{dcterms}creator> {_ttl_string(payloads.all('dcterms:creator'))} .",
        f"<{targets['class ipg:HostileClass']}> <{rdfs}isDefinedBy> <{payloads.iri('rdfs:isDefinedBy')}> .",
    ]
    return "\n".join(lines) + "\n"


def hostile_ontology(root: Path, target: Path, payloads: Payloads) -> Path:
    """A copy of the real ontology with :func:`ontology_payloads` appended (Turtle allows statements anywhere)."""
    text = (root / "ontology" / "ipgraph.ttl").read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n# hostile additions (tests/xssutil.py)\n" + ontology_payloads(payloads), "utf-8")
    return target


#: The hostile entity's id, and a quote of the real source that the extra fact file hangs it on.
HOSTILE_ENTITY = "inst:xss-office"
QUOTE = "One case was selected as a guiding case and four as the typical cases by the Supreme People’s Procuratorate."


def facts_payloads(payloads: Payloads) -> str:
    """An extra fact file for the Shanghai report: entities whose labels, definitions and notes carry payloads."""
    p = payloads
    office = {
        "id": HOSTILE_ENTITY,
        "type": "Procuratorate",
        "label": {
            "en": p.one("<script>__xss({n})</script><b>bold</b> office", "en label"),
            "zh": p.one("<img src=x onerror=__xss({n})>检察院", "zh label"),
        },
        "alt": {
            "en": [p.one('"><svg onload=__xss({n})> alias', "en alt label")],
            "zh": [p.one("<iframe srcdoc='<script>__xss({n})</script>'></iframe>别名", "zh alt label")],
        },
        "definition": p.all("definition"),
        "props": {
            "org:subOrganizationOf": "inst:supreme-peoples-procuratorate",
            "skos:note": p.all("skos:note"),
            "skos:scopeNote": p.all("skos:scopeNote"),
            "dcterms:alternative": p.all("dcterms:alternative"),
            "dcterms:language": p.one("javascript:__xss({n})", "a javascript: literal"),
        },
    }
    concept = {
        "id": "concept:xss-mechanism",
        "type": "PolicyConcept",
        "label": {
            "en": p.one("</script><svg onload=__xss({n})> mechanism", "concept en label"),
            "zh": p.one("机制\"'><a href=javascript:__xss({n})>点击</a>", "concept zh label"),
        },
        "definition": p.all("concept definition"),
        "props": {"concerns": HOSTILE_ENTITY},
    }
    note = p.one("[x](javascript:__xss({n})) <img src=https://xss.invalid/{n}.png>", "statement")
    block = {"quote": QUOTE, "entities": [office, concept], "statements": [[HOSTILE_ENTITY, "skos:note", note]]}
    text = yaml.safe_dump({"facts": [block]}, allow_unicode=True, sort_keys=False, width=1000)
    return "# Invented hostile facts (tests/xssutil.py): every label, definition and note carries payloads.\n" + text


def hostile_data(root: Path, target: Path, payloads: Payloads) -> Path:
    """A copy of the real data folder with the hostile fact file added to the Shanghai report."""
    shutil.copytree(root / "data", target)
    (target / "reports" / "shanghai-2023" / "xss-payloads.yaml").write_text(facts_payloads(payloads), "utf-8")
    return target


# ------------------------------------------------------------------------------------------------ the probe

#: Defined in every frame before the page's own scripts: a payload that runs records its number.
MARKER = """
(() => {
  const record = (n) => {
    try { (top.__xssHits = top.__xssHits || []).push(n); } catch (e) {}
    try { console.log('ipgraph-xss ' + n); } catch (e) {}
  };
  Object.defineProperty(window, '__xss', {value: record, writable: false, configurable: false});
})();
"""

#: Run in the page: what in the DOM (every same-origin frame) is armed — handlers, links and elements made from
#: payloads — and which resources would be loaded from outside.
INSPECT = r"""
(() => {
  const armed = [], resources = [], texts = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'poster', 'xlink:href', 'srcset', 'background'];
  const js = /^[\u0000-\u0020]*j[\s]*a[\s]*v[\s]*a[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t[\s]*:/i;
  const visit = (doc, where) => {
    texts.push(doc.body ? doc.body.innerText : '');
    for (const el of doc.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      for (const a of el.attributes) {
        const name = a.name.toLowerCase(), value = a.value;
        if (name.startsWith('on') && value.includes('__xss')) armed.push(`${where}<${tag} ${name}>`);
        if (urlAttrs.includes(name) && js.test(value)) armed.push(`${where}<${tag} ${name}=${value.slice(0, 60)}>`);
        if (name === 'srcdoc' || (tag === 'meta' && name === 'http-equiv' && /refresh|cookie/i.test(value))
            || (tag === 'base' && name === 'href'))
          armed.push(`${where}<${tag} ${name}=${value.slice(0, 60)}>`);
      }
      if (tag === 'script' && el.textContent.includes('__xss')) {
        const type = (el.getAttribute('type') || 'text/javascript').toLowerCase();
        if (!['application/json', 'application/ld+json'].includes(type)) armed.push(`${where}<script>`);
      }
      if (['iframe', 'object', 'embed', 'frame'].includes(tag)) armed.push(`${where}<${tag}>`);
      for (const name of ['src', 'data', 'poster']) {
        const v = el.getAttribute(name);
        if (v) resources.push(new URL(v, doc.baseURI).href);
      }
      if (tag === 'link' && el.getAttribute('href') && !/^(alternate|canonical)$/i.test(el.rel))
        resources.push(new URL(el.getAttribute('href'), doc.baseURI).href);
      const style = (tag === 'style' ? el.textContent : '') + ' ' + (el.getAttribute('style') || '');
      for (const m of style.matchAll(/(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)/g))
        resources.push(new URL(m[1], doc.baseURI).href);
    }
    for (const f of doc.querySelectorAll('iframe, frame')) {
      try { if (f.contentDocument) visit(f.contentDocument, where + 'iframe '); } catch (e) {}
    }
  };
  visit(document, '');
  for (const e of performance.getEntriesByType('resource')) resources.push(e.name);
  const source = document.documentElement.outerHTML;
  return {armed, resources, text: texts.join('\n'), source, hits: top.__xssHits || []};
})()
"""

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"file", "data", "blob", "about", "javascript"}  # javascript: URLs are counted as armed


def is_outside(url: str) -> bool:
    """Whether a URL reaches beyond this machine."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES or parts.scheme == "":
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


@dataclass
class Probe:
    """What one page did with the payloads."""

    url: str
    executed: list[int] = field(default_factory=list)
    armed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shown: set[int] = field(default_factory=set)
    present: set[int] = field(default_factory=set)

    @property
    def clean(self) -> bool:
        """Nothing executed, nothing armed, nothing fetched from outside, no error."""
        return not (self.executed or self.armed or self.outside or self.errors)

    def describe(self, payloads: Payloads | None = None) -> str:
        """One paragraph for an assertion message."""
        ran = [f"{n} ({payloads.where.get(n, '?')})" if payloads else str(n) for n in self.executed]
        return (
            f"{self.url}: {len(self.present)} payloads in the page, {len(self.shown)} shown as text; "
            f"executed {ran}; armed {self.armed[:10]}; outside requests {self.outside[:10]}; errors {self.errors[:5]}"
        )


def numbers(text: str) -> set[int]:
    """The numbers of the payloads found in a text.

    >>> sorted(numbers("<b onload=__xss(3)> <img src=https://xss.invalid/4.png>"))
    [3, 4]
    """
    import re

    return {int(n) for n in re.findall(r"__xss\((\d+)\)|xss\.invalid/(\d+)", text) for n in n if n}


def install_marker(page: Page) -> None:
    """Define ``__xss`` in every frame of every document the page opens from now on."""
    page.send("Page.addScriptToEvaluateOnNewDocument", {"source": MARKER})


def probe(page: Page, url: str, *, bypass_csp: bool = False, action: str | None = None) -> Probe:
    """Load ``url`` (with the page's Content-Security-Policy ignored if ``bypass_csp``), let it settle, run
    ``action`` (JavaScript returning a promise, e.g. a query run from the page) and report what happened."""
    import re

    page.send("Page.setBypassCSP", {"enabled": bypass_csp})
    page.console.clear()
    page.errors.clear()
    page.requests.clear()
    page.goto(url)
    if page.evaluate("location.href").startswith("chrome-error:"):
        raise AssertionError(f"{url} did not load (Chromium shows its error page)")
    settle = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"
    page.evaluate(settle, await_promise=True)
    if action:
        page.evaluate(action, await_promise=True, timeout=60)
        page.evaluate(settle, await_promise=True)
    found: dict[str, Any] = page.evaluate(INSPECT)
    result = Probe(url)
    hits = set(found["hits"])
    for entry in page.console:
        m = re.match(r"ipgraph-xss (\d+)", entry["text"])
        if m:
            hits.add(int(m.group(1)))
    result.executed = sorted(hits)
    # "Failed to load resource" errors do not say which; the protocol's events do. The page itself (a 404 page
    # is expected) and the favicon the browser asks a server for are no fault of the page.
    urls: dict[str, str] = {}
    failed: list[str] = []
    for event in page.browser.events:
        params = event.get("params", {})
        if event.get("method") == "Network.requestWillBeSent":
            urls[params.get("requestId", "")] = params.get("request", {}).get("url", "")
        elif event.get("method") == "Network.responseReceived" and params.get("response", {}).get("status", 0) >= 400:
            failed.append(params["response"].get("url", ""))
        elif event.get("method") == "Network.loadingFailed":
            failed.append(urls.get(params.get("requestId", ""), "?"))
    logged = page.errors + [c["text"] for c in page.console if c["type"] == "error"]
    result.errors = [e for e in logged if "Failed to load resource" not in e]
    result.errors += [
        f"failed to load {u}" for u in failed if u != url and not u.endswith("/favicon.ico") and not is_outside(u)
    ]
    result.armed = list(found["armed"])
    result.outside = sorted({u for u in [*page.requests, *found["resources"]] if is_outside(u)})
    result.shown = numbers(found["text"])
    result.present = numbers(found["source"]) | result.shown
    return result
