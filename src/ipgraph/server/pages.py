"""HTML pages of the server: the page frame, the ontology index, the plain query editor's script (resource pages:
:mod:`ipgraph.server.ldpages`; the query workbench and the catalog: :mod:`ipgraph.server.workbench`).

Every string that comes from the data or a request goes through :func:`esc`; pages load one local style sheet
and one local script (no CDN), and the server sends a Content-Security-Policy that allows nothing else.

>>> esc('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> local_path("https://w3id.org/ipgraph/id/charge/art-219")
'/id/charge/art-219'
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from ipgraph.model.prefixes import ID_BASE, IPG_NS
from ipgraph.query.results import compact


def esc(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def local_path(iri: str) -> str | None:
    """The server path that resolves an ipgraph IRI (entities and ontology terms), else None."""
    if iri.startswith(ID_BASE) and len(iri) > len(ID_BASE):
        return "/id/" + iri[len(ID_BASE) :]
    if iri.startswith(IPG_NS):
        return "/ontology/" + iri[len(IPG_NS) :] if len(iri) > len(IPG_NS) else "/ontology"
    return None


def iri_link(iri: str, label: str | None = None) -> str:
    """A link to an IRI: local for ipgraph's own IRIs, external (no referrer, no follow) for others."""
    shown = esc(label if label else compact(iri))
    path = local_path(iri)
    if path is not None:
        return f'<a href="{esc(path)}" title="{esc(iri)}">{shown}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a href="{esc(iri)}" rel="nofollow noopener noreferrer" class=ext>{shown}</a>'
    return shown


def term_html(term: Any, label: str | None = None) -> str:
    """One RDF term as HTML."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return iri_link(term.value, label)
    if isinstance(term, ox.BlankNode):
        return f"<span class=bnode>_:{esc(term.value)}</span>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<span lang="{esc(term.language)}">{esc(term.value)}</span><sup>@{esc(term.language)}</sup>'
        dt = term.datatype.value
        if dt.endswith("#string"):
            return esc(term.value)
        return f'{esc(term.value)}<sup title="{esc(dt)}">{esc(compact(dt))}</sup>'
    return esc(term)


#: The navigation in each language: (path, label).
_NAV = {
    "en": (
        ("/", "query"),
        ("/queries", "catalog"),
        ("/ontology", "ontology"),
        ("/.well-known/void", "dataset"),
        ("/search", "search"),
        ("/sparql", "service description"),
    ),
    "zh": (
        ("/", "查询"),
        ("/queries", "查询目录"),
        ("/ontology", "本体"),
        ("/.well-known/void", "数据集"),
        ("/search", "搜索"),
        ("/sparql", "服务描述"),
    ),
}


#: The pages of the navigation that come in both languages.
_BILINGUAL = frozenset({"/", "/queries", "/.well-known/void", "/search"})


def _in_lang(path: str, lang: str) -> str:
    """A local path with ``lang=`` set (English: without it)."""
    parts = urllib.parse.urlsplit(path)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    if lang != "en":
        query.append(("lang", lang))
    return urllib.parse.urlunsplit(("", "", parts.path, urllib.parse.urlencode(query), ""))


def page(title: str, body: str, *, head: str = "", lang: str = "en", path: str | None = None) -> str:
    """A whole page with the site's navigation, style sheet and script.

    ``lang`` ('en' or 'zh') sets the page's language and its navigation's; with ``path`` (this page's own local
    path) the navigation offers the page in the other language.
    """
    lang = "zh" if lang == "zh" else "en"
    links = "".join(
        f'<a href="{esc(_in_lang(href, lang) if href in _BILINGUAL else href)}">{esc(text)}</a> '
        for href, text in _NAV[lang]
    )
    toggle = ""
    if path is not None:
        other = "en" if lang == "zh" else "zh"
        toggle = (
            f'<a class=lang href="{esc(_in_lang(path, other))}" lang="{other}" hreflang="{other}">'
            f"{'English' if other == 'en' else '中文'}</a>"
        )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · ipgraph</title>
<link rel="stylesheet" href="/static/style.css">{head}
</head><body>
<nav>{links}{toggle}</nav>
<main>
<h1>{esc(title)}</h1>
{body}
</main></body></html>
"""


def results_table(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """SELECT rows as an HTML table."""
    head = "".join(f"<th>{esc(v)}</th>" for v in variables)
    body = "".join("<tr>" + "".join(f"<td>{term_html(t)}</td>" for t in r) + "</tr>" for r in rows)
    return f"<table class=results><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def ontology_page(items: list[tuple[str, str, str, str, str]]) -> str:
    """An index of the ontology's classes, properties and concept schemes."""
    groups: dict[str, list[str]] = {}
    for iri, kind, en, zh, definition in items:
        groups.setdefault(compact(kind), []).append(
            f"<tr><td>{iri_link(iri)}</td><td>{esc(en)}</td><td lang=zh>{esc(zh)}</td><td>{esc(definition)}</td></tr>"
        )
    body = [
        '<p>The ontology document: <a href="/ontology?format=ttl">Turtle</a> · '
        '<a href="/ontology?format=jsonld">JSON-LD</a> · <a href="/ontology?format=rdf">RDF/XML</a> · '
        '<a href="/ontology?format=nt">N-Triples</a></p>'
    ]
    for kind, rows in groups.items():
        body.append(
            f"<h2>{esc(kind)}</h2><table class=facts><tr><th>term</th><th>label</th><th>中文</th>"
            f"<th>definition</th></tr>{''.join(rows)}</table>"
        )
    return page("ipgraph ontology", "\n".join(body))


STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#fff}
nav{background:#23395d;padding:.5em 1em}nav a{color:#fff;margin-right:1.2em;text-decoration:none}
main{max-width:72em;margin:0 auto;padding:0 1em 3em}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
code{font-size:.9em}.iri{color:#555}.zh{font-size:1.3em}sup{color:#777;margin-left:.2em}
table{border-collapse:collapse;margin:.5em 0;width:100%}th,td{border:1px solid #ddd;padding:.3em .5em;
text-align:left;vertical-align:top}thead th{background:#f1f3f6}table.facts th{width:16em;font-weight:normal}
blockquote{margin:.3em 0 .3em 1em;padding:.2em .6em;border-left:3px solid #9bb;color:#333;font-size:.92em}
.section{color:#777;font-size:.85em;margin-right:.4em}a.ext{color:#555}
textarea{width:100%;font:14px/1.4 ui-monospace,Menlo,Consolas,monospace}#status{margin-left:1em;color:#555}
.error{color:#a00;white-space:pre-wrap}.hint{color:#666;font-size:.9em}
#params label{margin-right:1em}input{font:inherit}select{max-width:100%}
nav{display:flex;flex-wrap:wrap;gap:.2em 1.2em;align-items:baseline}nav a{margin-right:0}nav a.lang{margin-left:auto;
border:1px solid #8aa3c8;border-radius:3px;padding:0 .5em}
h1{overflow-wrap:anywhere}h3{font-size:1em;margin:1em 0 .3em}.other-label{font-size:1.2em;margin:-.4em 0 .2em}
.kind{color:#555}.iri code,.full-iri{color:#777;font-size:.8em;overflow-wrap:anywhere}
p.value{font-size:2em;font-weight:600;margin:.2em 0}.range{color:#555}.note{color:#555;font-size:.9em}
section{margin-top:1.2em}ul.figures li,ul.checks li,ol.search-results li{margin:.25em 0}
.verdict{font-weight:600;padding:.3em .6em;border-radius:3px;display:inline-block}
.verdict-consistent{background:#e6f4ea}.verdict-inconsistent{background:#fde7e9}.verdict-undetermined{background:#fff4d6}
li.verdict-inconsistent b{color:#a00}li.verdict-consistent b{color:#176c2e}
.arithmetic code{font-size:1.05em;background:#f4f5f7;padding:.2em .4em;overflow-wrap:anywhere}
blockquote.quote{font-size:1.15em;border-left-width:4px;margin-left:0}p.context{background:#fafafa;padding:.6em;
border:1px solid #eee}mark{background:#fff2a8;padding:0 .1em}sup.fn a{text-decoration:none}
form.search{display:flex;gap:.4em;margin:.8em 0}form.search input{flex:1;min-width:0;padding:.3em}
.matched{color:#555}.section-text{background:#fafafa;border:1px solid #eee;padding:0 .8em}
a.cite{font-size:.75em;color:#567;text-decoration:none;white-space:nowrap}td.num{text-align:right}code.sha{font-size:.75em;overflow-wrap:anywhere}
table.facts td,table.facts th{overflow-wrap:anywhere}table.facts th a{color:#444;text-decoration:none}
@media (max-width:600px){table.facts th{width:34%;font-size:.88em;color:#555}table.facts th,table.facts td{
padding:.25em .35em}main{padding:0 .7em 2em}h1{font-size:1.3em}p.value{font-size:1.6em}ul,ol{padding-left:1.3em}}
"""

SCRIPT = r"""
(function () {
  'use strict';
  var catalog = JSON.parse(document.getElementById('catalog').textContent);
  var byName = {};
  catalog.forEach(function (q) { byName[q.name] = q; });
  var editor = document.getElementById('query');
  var select = document.getElementById('examples');
  var params = document.getElementById('params');
  var results = document.getElementById('results');
  var status = document.getElementById('status');
  var current = null;
  var ID = 'https://w3id.org/ipgraph/id/', ONT = 'https://w3id.org/ipgraph/ontology/';
  function el(tag, text) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  select.addEventListener('change', function () {
    current = byName[select.value] || null;
    params.textContent = '';
    if (!current) return;
    editor.value = current.text;
    current.params.forEach(function (p) {
      var label = el('label', p.name + ' ');
      var input = el('input');
      input.name = p.name; input.value = p.default || ''; input.title = p.type + ': ' + p.description;
      label.appendChild(input); params.appendChild(label);
    });
  });
  function link(iri) {
    var a = el('a', iri);
    if (iri.indexOf(ID) === 0) a.href = '/id/' + iri.slice(ID.length);
    else if (iri.indexOf(ONT) === 0) a.href = '/ontology/' + iri.slice(ONT.length);
    else if (/^https?:\/\//i.test(iri)) { a.href = iri; a.rel = 'nofollow noopener noreferrer'; }
    else return el('code', iri);  // javascript:, data:, urn: … are shown as text, never as links
    return a;
  }
  function cell(b) {
    var td = el('td');
    if (!b) return td;
    if (b.type === 'uri') td.appendChild(link(b.value));
    else { td.textContent = b.value; if (b['xml:lang']) td.lang = b['xml:lang']; }
    return td;
  }
  function show(data) {
    results.textContent = '';
    if (data.boolean !== undefined) { results.appendChild(el('p', String(data.boolean))); return; }
    var table = el('table'); table.className = 'results';
    var tr = el('tr');
    data.head.vars.forEach(function (v) { tr.appendChild(el('th', v)); });
    var thead = el('thead'); thead.appendChild(tr); table.appendChild(thead);
    var tbody = el('tbody');
    data.results.bindings.forEach(function (row) {
      var r = el('tr');
      data.head.vars.forEach(function (v) { r.appendChild(cell(row[v])); });
      tbody.appendChild(r);
    });
    table.appendChild(tbody); results.appendChild(table);
    var n = data.results.bindings.length;
    status.textContent = n + (n === 1 ? ' row' : ' rows');
  }
  function request(accept) {
    if (current && editor.value === current.text) {
      var qs = new URLSearchParams();
      Array.prototype.forEach.call(params.querySelectorAll('input'), function (i) {
        qs.set(i.name, i.value);
      });
      return {
        url: '/queries/' + encodeURIComponent(current.name) + '?' + qs.toString(),
        init: { headers: { Accept: accept } }
      };
    }
    var body = new URLSearchParams(); body.set('query', editor.value);
    return { url: '/sparql', init: { method: 'POST', body: body, headers: { Accept: accept } } };
  }
  function run() {
    var fmt = document.getElementById('download').value;
    var types = {
      csv: 'text/csv', tsv: 'text/tab-separated-values',
      json: 'application/sparql-results+json', xml: 'application/sparql-results+xml'
    };
    var req = request(fmt ? types[fmt] : 'application/sparql-results+json, text/turtle;q=0.9');
    status.textContent = 'running…';
    var started = Date.now();
    fetch(req.url, req.init).then(function (resp) {
      if (!resp.ok) return resp.text().then(function (t) { throw new Error(resp.status + ': ' + t); });
      if (fmt) {
        return resp.blob().then(function (blob) {
          var a = el('a'); a.href = URL.createObjectURL(blob); a.download = 'results.' + fmt; a.click();
          status.textContent = 'downloaded';
        });
      }
      var type = resp.headers.get('Content-Type') || '';
      if (type.indexOf('json') < 0) {
        return resp.text().then(function (t) {
          results.textContent = ''; results.appendChild(el('pre', t)); status.textContent = '';
        });
      }
      return resp.json().then(function (data) {
        show(data); status.textContent += ' in ' + (Date.now() - started) + ' ms';
      });
    }).catch(function (err) {
      results.textContent = '';
      var p = el('p', err.message); p.className = 'error';
      results.appendChild(p); status.textContent = '';
    });
  }
  document.getElementById('qform').addEventListener('submit', function (ev) { ev.preventDefault(); run(); });
  // a shareable link: /?example=NAME or /?query=TEXT fills the editor and runs it
  var here = new URLSearchParams(window.location.search);
  if (here.get('example') && byName[here.get('example')]) {
    select.value = here.get('example'); select.dispatchEvent(new Event('change')); run();
  } else if (here.get('query')) {
    editor.value = here.get('query'); run();
  }
})();
"""
