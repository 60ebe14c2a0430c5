"""The query workbench (the SPARQL editor page) and the catalog gallery, in English and Chinese.

The pages are plain HTML that works without script; ``/static/workbench.js`` turns the query form into YASGUI's
editor and results (served from the package, :mod:`ipgraph.server.vendor`) and ``/static/gallery.js`` filters the
gallery. Without the editor's bundle the page keeps its plain editor and says in one line how to install it.

>>> "javascript" in json_for_script({"a": "</script><script>javascript:"})
True
>>> "</script>" in json_for_script({"a": "</script>"})
False
"""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path
from typing import Any

from ipgraph.server.pages import esc, page
from ipgraph.server.vendor import INSTALL_HINT, bundle_present

#: Every word the workbench and the gallery show, by language (the script reads its share from the page).
UI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "SPARQL query",
        "example": "example",
        "choose": "(choose a query of the catalog)",
        "run": "run",
        "running": "running…",
        "rows": "rows",
        "row": "row",
        "in": "in",
        "download": "download",
        "share": "link to this result",
        "table": "table",
        "chart": "chart",
        "raw": "response",
        "bar": "bar",
        "line": "line",
        "labels": "labels",
        "values": "values",
        "no_numbers": "A chart needs a column of numbers; this result has none.",
        "hint": "Prefixes ipg:, charge:, inst:, … are predeclared. The graph is the union of the named graphs. "
        "Read-only: updates, SERVICE and outside datasets are refused.",
        "keys": "Ctrl+Space completes prefixes, classes and properties of the ontology; Ctrl+Enter runs.",
        "gallery": "Query gallery",
        "search": "search the queries",
        "all_tags": "all",
        "more_tags": "more tags",
        "open": "open in the editor",
        "shown": "queries shown",
        "none": "No query matches.",
        "params": "parameters",
        "empty": "The catalog is empty.",
        "sort": "sort by this column",
        "true": "yes",
        "false": "no",
        "unknown": "Not terms of the ipgraph ontology (misspelt? they match nothing):",
    },
    "zh": {
        "title": "SPARQL 查询",
        "example": "示例",
        "choose": "（从查询目录中选择）",
        "run": "运行",
        "running": "运行中…",
        "rows": "行",
        "row": "行",
        "in": "用时",
        "download": "下载",
        "share": "本结果的链接",
        "table": "表格",
        "chart": "图表",
        "raw": "原始响应",
        "bar": "柱状图",
        "line": "折线图",
        "labels": "标签列",
        "values": "数值列",
        "no_numbers": "图表需要一列数值；本结果没有。",
        "hint": "已预先声明 ipg:、charge:、inst: 等前缀。默认图为所有命名图的并集。"
        "只读：更新、SERVICE 和外部数据集均被拒绝。",
        "keys": "Ctrl+空格 补全本体的前缀、类和属性；Ctrl+Enter 运行。",
        "gallery": "查询库",
        "search": "搜索查询",
        "all_tags": "全部",
        "more_tags": "更多标签",
        "open": "在编辑器中打开",
        "shown": "条查询",
        "none": "没有匹配的查询。",
        "params": "参数",
        "empty": "查询目录为空。",
        "sort": "按此列排序",
        "true": "是",
        "false": "否",
        "unknown": "以下名称不是 ipgraph 本体的术语（是否拼错？它们匹配不到任何数据）：",
    },
}

#: How many of the most used tags the gallery shows at once (the others are one click away).
MAIN_TAGS = 24

_WORKBENCH_CSS = '\n<link rel="stylesheet" href="/static/workbench.css">'

DEFAULT_QUERY = """SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) LIMIT 20"""


def json_for_script(value: Any) -> str:
    """JSON to put inside ``<script type="application/json">`` (``<`` escaped, so no tag can close it)."""
    return json.dumps(value, ensure_ascii=True).replace("<", "\\u003c")


def query_tags(q: dict[str, Any]) -> list[str]:
    """A catalog query's tags: its header's ``tags``, else the name of its folder."""
    return list(q.get("tags") or ([q["folder"]] if q.get("folder") else []))


def folder_of(path: os.PathLike[str] | str | None) -> str:
    """The name of the folder a query file is in ("" when it has no file)."""
    return Path(path).parent.name if path else ""


def _shell(lang: str) -> tuple[str, dict[str, str]]:
    """The page's language (``en`` unless ``zh``) and its words."""
    lang = "zh" if lang == "zh" else "en"
    return lang, UI_TEXT[lang]


def workbench_page(catalog: list[dict[str, Any]], lang: str = "en", *, editor: bool | None = None) -> str:
    """The query page: the plain form (which works alone), upgraded to YASGUI's editor when its bundle is here."""
    lang, t = _shell(lang)
    editor = bundle_present() if editor is None else editor
    options = "".join(
        f'<option value="{esc(q["name"])}">{esc(q["name"])} — {esc(q["summary"])}</option>' for q in catalog
    )
    if editor:
        head = '\n<link rel="stylesheet" href="/static/vendor/yasgui.min.css">' + _WORKBENCH_CSS
        scripts = '<script src="/static/vendor/yasgui.min.js"></script>\n<script src="/static/workbench.js"></script>'
        missing = ""
    else:
        head = ""
        scripts = '<script src="/static/query.js"></script>'
        missing = f"<p class=hint id=editor-missing>{esc(INSTALL_HINT)}</p>"
    body = f"""{missing}<form id=qform method=post action="/sparql">
<p><label>{esc(t["example"])} <select id=examples><option value="">{esc(t["choose"])}</option>
{options}</select></label></p>
<div id=params></div>
<textarea id=query name=query rows=16 spellcheck=false>{esc(DEFAULT_QUERY)}</textarea>
<p class=run-bar><button id=run type=submit>{esc(t["run"])}</button>
<label>{esc(t["download"])} <select id=download><option value="">—</option><option>csv</option><option>tsv</option>
<option>json</option><option>xml</option></select></label>
<span id=status></span></p>
</form>
<p class=hint>{esc(t["keys"] + " " if editor else "")}{esc(t["hint"])}</p>
<div id=results></div>
<script type="application/json" id=catalog>{json_for_script(catalog)}</script>
<script type="application/json" id=ui-text>{json_for_script(t)}</script>
{scripts}"""
    return page(t["title"], body, head=head, lang=lang, path="/")


def gallery_page(catalog: list[dict[str, Any]], lang: str = "en") -> str:
    """The catalog as a gallery: a search box, tag filters and one card per query, each opening the workbench."""
    lang, t = _shell(lang)
    if not catalog:
        return page(t["gallery"], f"<p>{esc(t['empty'])}</p>", lang=lang, path="/queries")
    counts: dict[str, int] = {}
    for q in catalog:
        for tag in query_tags(q):
            counts[tag] = counts.get(tag, 0) + 1
    tags = sorted(counts, key=lambda k: (-counts[k], k))
    main = [tag for tag in tags if counts[tag] >= 3][:MAIN_TAGS]
    rest = [tag for tag in tags if tag not in main]

    def chip(tag: str) -> str:
        return f'<button type=button class=tag data-tag="{esc(tag)}">{esc(tag)} <small>{counts[tag]}</small></button>'

    chips = f'<button type=button class="tag selected" data-tag="">{esc(t["all_tags"])}</button>' + "".join(
        chip(tag) for tag in main
    )
    if rest:
        chips += f"<details><summary>{esc(t['more_tags'])} ({len(rest)})</summary>{''.join(map(chip, rest))}</details>"
    cards = []
    for q in catalog:
        link = {"example": q["name"]} | ({"lang": lang} if lang != "en" else {})
        href = "/?" + urllib.parse.urlencode(link)
        q_tags = query_tags(q)
        tag_list = "".join(f'<li><button type=button data-tag="{esc(tag)}">{esc(tag)}</button></li>' for tag in q_tags)
        params = ", ".join(p["name"] for p in q["params"])
        params_line = f"<p class=params>{esc(t['params'])}: {esc(params)}</p>" if params else ""
        cards.append(
            f'<li class=card data-tags="{esc(" ".join(q_tags))}">'
            f'<h2><a href="{esc(href)}">{esc(q["name"])}</a></h2>'
            f"<p class=summary>{esc(q['summary'])}</p>{params_line}<ul class=tags>{tag_list}</ul>"
            f'<p class=open><a href="{esc(href)}">{esc(t["open"])} →</a> · '
            f'<a href="/queries/{esc(urllib.parse.quote(q["name"]))}">HTML</a> · '
            f'<a href="/queries/{esc(urllib.parse.quote(q["name"]))}?format=csv">CSV</a></p></li>'
        )
    body = f"""<form class=search id=gallery-search role=search>
<input id=gallery-q type=search placeholder="{esc(t["search"])}" aria-label="{esc(t["search"])}">
</form>
<div class=tags id=gallery-tags>{chips}</div>
<p id=gallery-count class=note><span>{len(catalog)}</span> {esc(t["shown"])}</p>
<p id=gallery-none class=note hidden>{esc(t["none"])}</p>
<ul class=gallery id=gallery>{"".join(cards)}</ul>
<script src="/static/gallery.js"></script>"""
    return page(t["gallery"], body, head=_WORKBENCH_CSS, lang=lang, path="/queries")


#: The workbench's own static files (in the package next to this module): name → media type.
STATIC: dict[str, str] = {
    "workbench.js": "text/javascript; charset=utf-8",
    "workbench.css": "text/css; charset=utf-8",
    "gallery.js": "text/javascript; charset=utf-8",
}
STATIC_DIR = Path(__file__).resolve().parent / "static"
