"""The words of a view page's own controls, in English and Chinese, as a page of each language shows them.

A page of ``--lang en`` speaks English, one of ``--lang zh`` Chinese; a page of ``--lang both`` gives its
headings and switches in both languages and its other words in English.

>>> ui_strings("zh")["clear"], ui_strings("both")["kinds"], ui_strings("en")["stats"]
('清除', 'Kinds · 类型', '{nodes} nodes · {edges} edges')
"""

from __future__ import annotations

#: key → (English, Chinese); the page's script fills ``{n}``, ``{nodes}`` and ``{edges}``.
UI: dict[str, tuple[str, str]] = {
    "search": ("Search", "搜索"),
    "search_placeholder": ("name …", "名称 …"),
    "search_aria": ("search nodes by name", "按名称搜索节点"),
    "clear": ("clear", "清除"),
    "kinds": ("Kinds", "类型"),
    "details_switch": ("show low-information nodes", "显示细节节点"),
    "isolated_switch": ("show unconnected nodes", "显示孤立节点"),
    "labels": ("Labels", "标签"),
    "lang_aria": ("label language", "标签语言"),
    "fit": ("fit to screen", "适应屏幕"),
    "details": ("Details", "详情"),
    "details_empty": (
        "Click a node or an edge to see its figures and source quotes.",
        "点击节点或边，查看其数据与原文引文。",
    ),
    "stats": ("{nodes} nodes · {edges} edges", "{nodes} 个节点 · {edges} 条边"),
    "match": ("{n} match", "{n} 个匹配"),
    "matches": ("{n} matches", "{n} 个匹配"),
    "more": ("… {n} more (click)", "… 另有 {n} 项（点击查看）"),
    "more_quotes": ("… {n} more quotes (click)", "… 另有 {n} 条引文（点击查看）"),
    "type": ("type: ", "类型："),
    "also": ("also: ", "又称："),
    "count": ("count: ", "数量："),
    "dashed": ("dashed: the report states the link but no count for it", "虚线：报告陈述了这一关系，但未给出数量"),
}

#: the words a ``both`` page gives in both languages
_BILINGUAL = {"search", "kinds", "details_switch", "isolated_switch", "labels", "details"}
_BOTH_OVERRIDES = {"search_placeholder": "name or 名称 …"}


def ui_strings(lang: str) -> dict[str, str]:
    """Every UI word of a page of ``lang`` (en, zh or both), by key."""
    if lang == "zh":
        return {k: zh for k, (_en, zh) in UI.items()}
    if lang == "en":
        return {k: en for k, (en, _zh) in UI.items()}
    out = {k: f"{en} · {zh}" if k in _BILINGUAL else en for k, (en, zh) in UI.items()}
    out.update(_BOTH_OVERRIDES)
    return out
