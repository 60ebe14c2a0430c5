"""Kinds of node, their legend text and colours, and how a resource's rdf:type decides its kind.

Colours are chosen to stay apart for colour-blind readers where it matters most (functions, charges, rights,
categories, institutions) and to read on white; the kinds that share a view are at least 20 apart in CIELAB
(:func:`colour_distance`), and so are any two kinds drawn with the same shape.

>>> KINDS["charge"].en, KINDS["charge"].zh
('charge', '罪名')
>>> kind_of_types({"https://w3id.org/ipgraph/ontology/Court"}, {})
'court'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from ipgraph.model.prefixes import PREFIXES
from ipgraph.viz.model import Kind

IPG = PREFIXES["ipg"]

_K = [
    # code lists of the ontology
    Kind("function", "procuratorial function", "检察职能", "#D55E00", "diamond"),
    Kind("category", "case category", "案件类别", "#0072B2"),
    Kind("breakdown", "breakdown", "细分", "#56B4E9", "triangle"),
    Kind("charge", "charge", "罪名", "#CC79A7"),
    Kind("right", "IP right type", "知识产权类型", "#E69F00", "diamond"),
    Kind("law", "law or article", "法律条文", "#8C564B", "square"),
    Kind("figure", "figure (observation)", "统计数据", "#009E73", "square"),
    Kind("code", "code (other concept)", "其他代码", "#8CB369", "triangle"),
    # report data
    Kind("procuratorate", "procuratorate", "检察机关", "#1F3A93"),
    Kind("office", "procuratorial unit or service station", "检察部门与服务站", "#4C9BE8", "square"),
    Kind("court", "court", "法院", "#7B2D26"),
    Kind("police", "police", "公安机关", "#3D5A40"),
    Kind("administrative", "administrative authority", "行政机关", "#B8860B"),
    Kind("university", "university", "高校", "#C51B7D"),
    Kind("enterprise", "enterprise", "企业", "#17BECF"),
    Kind("institution", "other institution", "其他机构", "#7F7F7F"),
    Kind("document", "document (agreement, opinions, guidelines …)", "文件", "#E7969C", "square"),
    Kind("report", "report", "报告", "#222222", "star"),
    Kind("place", "place", "地点", "#2CA02C", "triangle"),
    Kind("event", "event", "活动", "#FF7F0E", "triangle"),
    Kind("programme", "programme or award", "项目与荣誉", "#E7A3E0", "triangle"),
    Kind("casegroup", "group of cases", "案件群", "#2A9D8F"),
    Kind("case", "case", "案件", "#D62728"),
    Kind("product", "product", "产品", "#9467BD", "square"),
    Kind("technology", "technology", "技术", "#B5BD00", "square"),
    Kind("industry", "industry", "产业", "#AEC7E8", "square"),
    Kind("concept", "policy concept", "政策概念", "#66A61E", "dot"),
    Kind("person", "person", "人员", "#E8C547"),
    # ontology
    Kind("class", "class", "类", "#5D6D7E", "box"),
    Kind("external", "class of another vocabulary", "外部类", "#A0B4C8", "box"),
    Kind("scheme", "concept scheme", "概念体系", "#7A5195", "star"),
    Kind("other", "other resource", "其他资源", "#C7C7C7"),
    # low-information kinds, hidden until asked for
    Kind("quote", "source quote", "来源引文", "#8A8A8A", "dot", detail=True),
    Kind("section", "report section", "报告章节", "#A5A5A5", "square", detail=True),
    Kind("statement", "statement record", "陈述记录", "#B8B8B8", "dot", detail=True),
    Kind("selector", "text selector", "文本选择器", "#C9C9C9", "dot", detail=True),
    Kind("dataset", "data set", "数据集", "#ADADAD", "square", detail=True),
    Kind("literal", "literal value", "字面值", "#D4D4D4", "dot", detail=True),
]

#: Every kind by key, in legend order.
KINDS: dict[str, Kind] = {k.key: k for k in _K}

#: The procuratorial functions' colours, for the derivation view (kind = the category's function).
FUNCTION_KINDS: dict[str, Kind] = {
    "criminal": Kind("criminal", "criminal", "刑事检察", "#C0392B"),
    "civil": Kind("civil", "civil", "民事检察", "#2471A3"),
    "administrative": Kind("administrative", "administrative", "行政检察", "#B9770E"),
    "public-interest": Kind("public-interest", "public-interest litigation", "公益诉讼检察", "#1E8449"),
    "all-functions": Kind("all-functions", "comprehensive (several functions)", "综合履职", "#7D3C98"),
    "source": Kind("source", "breakdown by source", "来源细分", "#7F8C8D", "triangle"),
}

# Most specific first: the first anchor a resource's types reach (through rdfs:subClassOf) decides its kind.
_ANCHORS: list[tuple[str, str]] = [
    (IPG + "Procuratorate", "procuratorate"),
    (IPG + "Court", "court"),
    (IPG + "PoliceAuthority", "police"),
    (IPG + "AdministrativeAuthority", "administrative"),
    (IPG + "University", "university"),
    (IPG + "Enterprise", "enterprise"),
    (IPG + "Institution", "institution"),
    (IPG + "ServiceStation", "office"),
    (IPG + "ProcuratorialUnit", "office"),
    (IPG + "Report", "report"),
    (IPG + "Law", "law"),
    (IPG + "LegalArticle", "law"),
    (IPG + "Document", "document"),
    (IPG + "Place", "place"),
    (IPG + "Event", "event"),
    (IPG + "Programme", "programme"),
    (IPG + "Award", "programme"),
    (IPG + "CaseGroup", "casegroup"),
    (IPG + "Case", "case"),
    (IPG + "Product", "product"),
    (IPG + "Technology", "technology"),
    (IPG + "Industry", "industry"),
    (IPG + "PolicyConcept", "concept"),
    (IPG + "Person", "person"),
    (IPG + "Charge", "charge"),
    (IPG + "IPRightType", "right"),
    (IPG + "CaseCategory", "category"),
    (IPG + "ProcuratorialFunction", "function"),
    (IPG + "Breakdown", "breakdown"),
    (IPG + "StatisticalObservation", "figure"),
    (IPG + "SourceQuote", "quote"),
    (IPG + "ReportSection", "section"),
    (IPG + "SourceText", "section"),
    (IPG + "StatementRecord", "statement"),
    (PREFIXES["oa"] + "TextQuoteSelector", "selector"),
    (PREFIXES["oa"] + "TextPositionSelector", "selector"),
    (PREFIXES["qb"] + "DataSet", "dataset"),
    (PREFIXES["skos"] + "ConceptScheme", "scheme"),
    (PREFIXES["skos"] + "Concept", "code"),
    (PREFIXES["owl"] + "Class", "class"),
]
_ANCHOR_RANK = {iri: i for i, (iri, _) in enumerate(_ANCHORS)}


def kind_of_types(types: Iterable[str], supers: Mapping[str, set[str]]) -> str:
    """The kind of a resource with these rdf:types, given each class's superclasses (reflexive or not).

    >>> kind_of_types({"https://w3id.org/ipgraph/ontology/Hub"},
    ...               {"https://w3id.org/ipgraph/ontology/Hub": {"https://w3id.org/ipgraph/ontology/Place"}})
    'place'
    >>> kind_of_types(set(), {})
    'other'
    """
    best: int | None = None
    for t in types:
        for c in {t, *supers.get(t, ())}:
            rank = _ANCHOR_RANK.get(c)
            if rank is not None and (best is None or rank < best):
                best = rank
    return _ANCHORS[best][1] if best is not None else "other"


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """An sRGB ``#RRGGBB`` colour in CIELAB (D65)."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def colour_distance(a: str, b: str) -> float:
    """How far apart two colours look: the CIE76 difference of their CIELAB values (about 2 is just noticeable,
    20 and more reads as another colour).

    >>> round(colour_distance("#000000", "#FFFFFF"))
    100
    >>> colour_distance(KINDS["charge"].colour, KINDS["casegroup"].colour) > 20
    True
    """
    return math.dist(_lab(a), _lab(b))
