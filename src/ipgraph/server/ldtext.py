"""Words of the linked-data pages, in English and Chinese: property names, values, dates, figure titles, quotes.

Pure functions on plain strings (no store, no HTML), so that every rule is checked here on its own.

>>> number("1369")
'1,369'
>>> month_day("--04-23", "en"), month_day("--04-23", "zh")
('23 April', '4月23日')
>>> plural("type of cause of action")
'types of cause of action'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ipgraph.model.periods import MONTHS

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
QB = "http://purl.org/linked-data/cube#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
ORG = "http://www.w3.org/ns/org#"

#: Names of the properties the ontology does not label itself (its own ``ipg:`` properties carry labels).
PROPERTY_NAMES: dict[str, tuple[str, str]] = {
    RDF + "type": ("kind", "类型"),
    RDF + "subject": ("subject", "主语"),
    RDF + "predicate": ("property", "属性"),
    RDF + "object": ("object", "宾语"),
    RDFS + "label": ("label", "名称"),
    RDFS + "comment": ("comment", "说明"),
    RDFS + "seeAlso": ("see also", "另见"),
    RDFS + "subClassOf": ("subclass of", "上位类"),
    RDFS + "subPropertyOf": ("subproperty of", "上位属性"),
    RDFS + "domain": ("domain", "定义域"),
    RDFS + "range": ("range", "值域"),
    RDFS + "isDefinedBy": ("defined by", "定义于"),
    SKOS + "prefLabel": ("preferred label", "首选名称"),
    SKOS + "altLabel": ("also called", "别名"),
    SKOS + "definition": ("definition", "定义"),
    SKOS + "note": ("note", "注释"),
    SKOS + "scopeNote": ("scope note", "范围注释"),
    SKOS + "inScheme": ("in scheme", "所属方案"),
    SKOS + "topConceptOf": ("top concept of", "顶层概念于"),
    SKOS + "hasTopConcept": ("top concept", "顶层概念"),
    SKOS + "broader": ("broader", "上位概念"),
    SKOS + "narrower": ("narrower", "下位概念"),
    SKOS + "exactMatch": ("same as", "等同于"),
    SKOS + "closeMatch": ("close to", "近似于"),
    SKOS + "notation": ("notation", "编号"),
    DCT + "title": ("title", "标题"),
    DCT + "description": ("description", "描述"),
    DCT + "alternative": ("alternative title", "又名"),
    DCT + "issued": ("issued", "发布日期"),
    DCT + "publisher": ("publisher", "发布机构"),
    DCT + "language": ("language", "语言"),
    DCT + "source": ("source", "来源"),
    DCT + "format": ("format", "格式"),
    DCT + "license": ("licence", "许可"),
    DCT + "creator": ("creator", "创建者"),
    PROV + "wasDerivedFrom": ("derived from", "来源于"),
    QB + "dataSet": ("data set", "数据集"),
    QB + "structure": ("structure", "结构"),
    OWL + "sameAs": ("same as", "等同于"),
    OA + "hasSelector": ("selector", "选择器"),
    OA + "hasSource": ("source text", "原文"),
    ORG + "subOrganizationOf": ("part of", "隶属于"),
    OWL + "Class": ("class", "类"),
    OWL + "ObjectProperty": ("object property", "对象属性"),
    OWL + "DatatypeProperty": ("data property", "数据属性"),
    OWL + "AnnotationProperty": ("annotation property", "注释属性"),
    OWL + "Ontology": ("ontology", "本体"),
    RDF + "Property": ("property", "属性"),
    SKOS + "ConceptScheme": ("concept scheme", "概念体系"),
    OA + "TextQuoteSelector": ("text quote selector", "引文选择器"),
    OA + "TextPositionSelector": ("text position selector", "位置选择器"),
}

#: The words of the pages themselves.
UI: dict[str, tuple[str, str]] = {
    "what": ("What it is", "基本信息"),
    "figures": ("Figures", "数据"),
    "figure": ("The figure", "数据"),
    "about": ("Figures about it", "相关数据"),
    "relations": ("Relations", "关系"),
    "sources": ("Sources", "来源"),
    "referred": ("Referred to by", "被引用"),
    "value": ("value", "数值"),
    "report": ("report", "报告"),
    "area": ("area", "地区"),
    "period": ("period", "时期"),
    "in_report": ("In", "出自"),
    "derived_from": ("Derived from", "推算依据"),
    "derivation": ("How it is derived", "推算方法"),
    "formula": ("formula", "算式"),
    "method": ("method", "方法"),
    "reading": ("reading", "理解方式"),
    "range": ("range the rounding allows", "考虑四舍五入的区间"),
    "arithmetic": ("The arithmetic", "算式"),
    "verdict": ("verdict", "结论"),
    "computed": ("computed", "计算值"),
    "stated": ("stated", "报告所述"),
    "checked": ("Figures checked", "被核对的数据"),
    "checks": ("Checks of this figure", "对该数据的核对"),
    "quote": ("The quote", "引文"),
    "context": ("In its paragraph", "所在段落"),
    "supports": ("What this quote supports", "该引文支持的内容"),
    "section": ("section", "章节"),
    "offsets": ("characters", "字符位置"),
    "source_missing": (
        "The source text is not on this server; the words just before and after the quote are shown.",
        "本服务器上没有原文；仅显示引文前后的文字。",
    ),
    "footnote": ("footnote", "脚注"),
    "report_figures": ("Figures of this report", "本报告的数据"),
    "graph_view": ("graph view", "关系图"),
    "as": ("this resource as", "其他格式"),
    "search": ("search", "搜索"),
    "search_ph": ("search labels (English or 中文)", "搜索名称（中文或 English）"),
    "not_found": ("Not found", "未找到"),
    "results": ("results", "条结果"),
    "no_results": ("Nothing is labelled like that.", "没有名称与之匹配的内容。"),
    "dataset": ("dataset", "数据集"),
    "query": ("query", "查询"),
    "catalog": ("catalog", "查询目录"),
    "ontology": ("ontology", "本体"),
    "service": ("service description", "服务描述"),
    "statement": ("stated as", "陈述"),
    "trend": ("trend", "趋势"),
    "no_year": ("the text gives no year", "原文未写年份"),
    "views": ("views", "图示"),
    "figures_about": ("Figures about it", "相关数据"),
    "statements": ("Statements resting on it", "依据该引文的陈述"),
    "more": ("more", "更多"),
    "other_lang": ("中文", "English"),
    "kind": ("kind", "类型"),
    "labels": ("names", "名称"),
    "issued": ("issued", "发布日期"),
    "publisher": ("publisher", "发布机构"),
    "licence": ("licence", "许可"),
    "downloads": ("Downloads", "下载"),
    "endpoint": ("SPARQL endpoint", "SPARQL 查询端点"),
    "graphs": ("Graphs", "命名图"),
    "triples": ("triples", "三元组"),
    "entities": ("entities", "实体"),
    "source_reports": ("Sources", "来源"),
    "source_text": ("source text", "原文"),
    "no_licence": ("no licence stated", "未声明许可"),
    "ontology_licence": ("licence of the ontology", "本体的许可"),
    "not_found_text": (
        "There is nothing at this address. Search the labels of the graph:",
        "此地址下没有内容。可搜索图谱中的名称：",
    ),
    "search_title": ("Search", "搜索"),
    "search_hint": (
        "Names, and figures by what they count, in English or Chinese; simplified and traditional characters find "
        "the same things.",
        "可用中文或英文搜索名称，或按统计内容搜索数据；简体与繁体字结果相同。",
    ),
    "stated_vs_computed": ("stated in the report", "报告所述"),
    "computed_from": ("computed from its parts", "由各部分计算"),
    "footnotes": ("Footnotes", "脚注"),
    "quoted_in": ("Quoted in", "引自"),
    "heading": ("heading", "标题"),
    "instances": ("instances", "实例"),
    "derived_figures": ("Derived by ipgraph from the stated figures", "由 ipgraph 根据报告数据推算"),
    "section_text": ("The text", "原文"),
    "derived_into": ("figures derived from it", "由其推算的数据"),
    "built": ("graph built", "图谱构建日期"),
}

_VERDICT_WORDS: dict[str, tuple[str, str]] = {
    "consistent": ("Consistent: the arithmetic agrees with what the report states.", "一致：计算结果与报告所述相符。"),
    "inconsistent": (
        "Inconsistent: the report's own figures do not agree with each other.",
        "不一致：报告中的数据彼此不符。",
    ),
    "undetermined": ("Undetermined: the figures cannot settle it either way.", "无法判定：现有数据不足以判断。"),
}


def ui(key: str, lang: str) -> str:
    """A word of the pages in ``lang`` ('en' or 'zh').

    >>> ui("sources", "zh")
    '来源'
    """
    en, zh = UI[key]
    return zh if lang == "zh" else en


def verdict_words(verdict: str, lang: str) -> str:
    """The verdict of a check (the local name of its ``verdict:`` code) in a sentence."""
    en, zh = _VERDICT_WORDS.get(verdict, (verdict, verdict))
    return zh if lang == "zh" else en


def decimal(text: str) -> Decimal | None:
    """``text`` as a number, or None."""
    try:
        d = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def number(text: str, places: int | None = None) -> str:
    """A number with thousands separators and no needless zeros (``places``: round to so many decimals).

    >>> number("128.0015", 2), number("12.50"), number("-0.154885", 2), number("x")
    ('128', '12.5', '-0.15', 'x')
    """
    d = decimal(text)
    if d is None:
        return text
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    d = d.normalize()
    if d == 0:
        d = Decimal(0)
    sign, digits = ("-", -d) if d < 0 else ("", d)
    whole, _, frac = format(digits, "f").partition(".")
    return sign + f"{int(whole):,}" + (f".{frac}" if frac else "")


def month_day(text: str, lang: str, year: str | None = None) -> str:
    """An ``xsd:gMonthDay`` (``--04-23``) or ``xsd:date`` (``2024-04-23``) in words.

    >>> month_day("2024-04-23", "en"), month_day("2024-04-23", "zh"), month_day("--13-40", "en")
    ('23 April 2024', '2024年4月23日', '--13-40')
    """
    m = re.fullmatch(r"(?:(\d{4})|-)-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?", text.strip())
    if not m or not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
        return text
    y = m.group(1) or year
    month, day = int(m.group(2)), int(m.group(3))
    if lang == "zh":
        return (f"{y}年" if y else "") + f"{month}月{day}日"
    return f"{day} {MONTHS[month - 1]}" + (f" {y}" if y else "")


def plural(noun: str) -> str:
    """The plural of a unit's label (its first word, before ``of``).

    >>> plural("case"), plural("activity"), plural("person"), plural("handling time")
    ('cases', 'activities', 'persons', 'handling times')
    """
    head, sep, tail = noun.partition(" of ")
    if head.endswith("s") and not head.endswith("ss"):
        word = head
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        word = head[:-1] + "ies"
    elif head.endswith(("ch", "sh", "ss", "x")):
        word = head + "es"
    else:
        word = head + "s"
    return word + sep + tail


#: Counter words for Chinese values (unit code → 量词); others show the unit's label.
_ZH_COUNTERS = {"case": "件", "perpetrator": "人", "person": "人", "clue": "条", "opinion": "条", "activity": "项"}
#: Codes that stand for "everything" in a dimension: left out of a figure's title.
TOTALS = {"ip-crime", "intellectual-property", "total", "all"}


@dataclass
class Figure:
    """What a figure's title and value are made of: labels of its dimensions (in one language) and its value."""

    category: str = ""
    charge: str = ""
    right: str = ""
    breakdown: str = ""
    entity: str = ""  # the observed entity, when it is not the report's procuratorates
    unit: str = ""  # the statistical unit's label
    unit_code: str = ""  # its local name (case, perpetrator …)
    measure: str = ""  # the measure's label
    measure_code: str = ""  # count, share, change-rate …
    area: str = ""
    period: str = ""
    value: str = ""  # the lexical value (a number), or empty
    trend: str = ""  # a trend's direction label, for figures stated in words
    uom: str = ""  # unit of measure code: number, percent, multiple, day, year, yuan
    uom_label: str = ""
    qualifier: str = ""  # code: exact, approximate, at-least …
    qualifier_label: str = ""
    low: str = ""
    high: str = ""
    extra: list[str] = field(default_factory=list)


def what(f: Figure, lang: str) -> str:
    """What a figure counts, without where and when.

    >>> what(Figure(category="IP-infringement criminal cases", charge="infringing trade secrets",
    ...             unit="perpetrator", unit_code="perpetrator", measure_code="count"), "en")
    'IP-infringement criminal cases (infringing trade secrets) — perpetrators'
    >>> what(Figure(category="知识产权刑事案件", right="著作权", unit="案件", unit_code="case",
    ...             measure="占比", measure_code="share"), "zh")
    '知识产权刑事案件（著作权）占比'
    """
    subject = f.category or f.entity
    if f.entity and f.category and f.entity != f.category:
        subject = f"{f.entity}: {f.category}" if lang == "en" else f"{f.entity}·{f.category}"
    spec = [x for x in (f.charge or f.right, f.breakdown, *f.extra) if x]
    if lang == "zh":
        text = subject + (f"（{'，'.join(spec)}）" if spec else "")
        suffix = "" if f.measure_code in ("count", "") else f.measure
        if f.unit_code not in ("case", "") and f.measure_code == "count":
            suffix = f.unit + "数"
        elif f.unit_code not in ("case", "") and suffix:
            suffix = f"{f.unit}{suffix}"
        if f.trend:
            suffix += "趋势"
        return text + suffix
    text = subject + (f" ({', '.join(spec)})" if spec else "")
    units = plural(f.unit) if f.unit else ""
    if f.measure_code in ("count", ""):
        suffix = units if f.unit_code not in ("case", "") else ""
    else:
        suffix = f.measure + (f" ({units})" if f.unit_code not in ("case", "") and units else "")
    if f.trend:
        suffix = "trend" + (f" in {suffix}" if suffix else "")
    return text + (f" — {suffix}" if suffix else "")


def value(f: Figure, lang: str) -> str:
    """A figure's value with its unit and qualifier (never a datatype).

    >>> value(Figure(value="1369", uom="number", unit="case", unit_code="case", qualifier="exact"), "en")
    '1,369 cases'
    >>> value(Figure(value="88.9", uom="percent", qualifier="approximate", qualifier_label="约"), "zh")
    '约88.9%'
    >>> value(Figure(value="60", uom="percent", measure_code="change-rate"), "en")
    '+60%'
    >>> value(Figure(value="1.8", uom="multiple", measure_code="change-multiple", uom_label="times"), "en")
    'rose by 1.8 times'
    >>> value(Figure(trend="increase"), "en")
    'increase'
    """
    if f.trend and not f.value:
        return f.trend
    if not f.value:
        return "?"
    n = number(f.value)
    zh = lang == "zh"
    if f.measure_code == "rank":
        shown = f"第{n}" if zh else f"No. {n}"
    elif f.uom == "percent":
        sign = "+" if f.measure_code == "change-rate" and not n.startswith("-") else ""
        shown = f"{sign}{n}%"
    elif f.uom == "multiple":
        shown = f"增长{n}倍" if zh else f"rose by {n} times"
    elif f.uom in ("day", "year", "yuan"):
        shown = f"{n}{f.uom_label}" if zh else f"{n} {f.uom_label or f.uom}" if f.uom == "yuan" else f"{n} {f.uom}s"
        if f.uom == "yuan" and not zh:
            shown = f"RMB {n}"
    elif f.measure_code in ("count", "change-amount", ""):
        sign = "+" if f.measure_code == "change-amount" and not n.startswith("-") else ""
        if zh:
            shown = sign + n + _ZH_COUNTERS.get(f.unit_code, f"（{f.unit}）" if f.unit else "")
        else:
            noun = f.unit if n == "1" else plural(f.unit) if f.unit else ""
            shown = sign + n + (f" {noun}" if noun else "")
    else:
        shown = n
    q = f.qualifier
    if q and q != "exact" and f.qualifier_label:
        label = {"approximate": "about"}.get(q, f.qualifier_label) if not zh else f.qualifier_label
        shown = f"{label}{shown}" if zh else f"{label} {shown}"
    return shown


def bounds(f: Figure, lang: str) -> str:
    """The range a derived value may lie in, when it is a range (``128–129.37``), else empty.

    >>> bounds(Figure(low="128.0015", high="129.3705"), "en")
    '128–129.37'
    >>> bounds(Figure(low="4", high="4"), "en")
    ''
    """
    if not f.low or not f.high or decimal(f.low) == decimal(f.high):
        return ""
    return f"{number(f.low, 2)}–{number(f.high, 2)}"


def title(f: Figure, lang: str) -> str:
    """A figure's title: what it counts, where, when, and its value.

    >>> title(Figure(category="IP-infringement criminal cases", area="Shanghai", period="2023", value="1369",
    ...              uom="number", unit="case", unit_code="case", measure_code="count"), "en")
    'IP-infringement criminal cases, Shanghai, 2023: 1,369'
    >>> title(Figure(category="知识产权刑事案件", area="上海", period="2023", value="1369", uom="number",
    ...              unit="案件", unit_code="case", measure_code="count"), "zh")
    '上海2023年知识产权刑事案件：1,369件'
    """
    shown = value(f, lang)
    if lang == "zh":
        when = f"{f.period}年" if re.fullmatch(r"\d{4}", f.period) else f.period
        return f"{f.area}{when}{what(f, lang)}：{shown}"
    plain_count = f.measure_code in ("count", "") and f.unit_code == "case" and not f.trend
    if plain_count and shown.endswith((" case", " cases")):
        shown = shown.rsplit(" ", 1)[0]  # "IP criminal cases …: 1,369", not "…: 1,369 cases"
    where = ", ".join(x for x in (f.area, f.period) if x)
    return f"{what(f, lang)}{', ' + where if where else ''}: {shown}"


_FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_FOOTNOTE_TEXT = re.compile(r"\[(\d+):\s+(.*?)\]")


def quote_parts(text: str) -> list[tuple[str, str]]:
    """A quote cut into plain text and footnote markers: ``("text", …)``, ``("ref", "0")``, ``("note", …)``.

    >>> quote_parts("2,810 perpetrators[footnoteRef:0] in 2023")
    [('text', '2,810 perpetrators'), ('ref', '0'), ('text', ' in 2023')]
    >>> quote_parts("x [0:  The same below.] y")
    [('text', 'x '), ('note', 'The same below.'), ('text', ' y')]
    """
    out: list[tuple[str, str]] = []
    at = 0
    pattern = re.compile(f"{_FOOTNOTE_REF.pattern}|{_FOOTNOTE_TEXT.pattern}")
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append(("text", text[at : m.start()]))
        if m.group(1) is not None:
            out.append(("ref", m.group(1)))
        else:
            out.append(("note", m.group(3).strip()))
        at = m.end()
    if at < len(text):
        out.append(("text", text[at:]))
    return out


def clean_quote(text: str) -> str:
    """A quote as plain words: footnote markers and notes taken out, spaces joined.

    >>> clean_quote("2,810 perpetrators[footnoteRef:0] in 2023")
    '2,810 perpetrators in 2023'
    """
    return " ".join("".join(t for kind, t in quote_parts(text) if kind == "text").split())
