"""Numbers in Chinese text: Arabic and Chinese numerals, scale words, percentages, tenths, multiples and ordinals.

Reads what a reader of a Chinese report sees as a number, in simplified or traditional characters: Arabic digits
written beside Chinese characters (``6924件13485人``, ``上升1.4倍``, ``2023年``), full-width digits and signs
(``１２３``, ``５８．０９％``, ``６，９２４``), Chinese numerals (``一千三百六十九``, ``两``, ``零``/``〇``, ``十二``,
``二〇二三年``), the scale words 万 and 亿 (``6.9万`` is 69,000), ``百分之X``, ``X成`` (tenths: 九成 is 90 percent),
``X倍``, ordinals (``第一``), vague quantities (``数十``, ``上千``) and the qualifiers around a number (近, 约, 超,
逾, 余, 多, 以上, 不到 …) mapped to the ontology's value qualifiers.

A Chinese numeral made of one character (一, 两, 三 …) is read only where it counts something: before a
measure word or unit (``三件``, ``两名``), after 第 or 百分之, or before 成 or 倍; ``一`` in words such as 统一, 一审,
一些 or 一个 (an article, "a") is not a number. Chinese heading numbers (``一、``, ``（一）``) and enumerations
(``一是``) are read as ordinals; :func:`structural_spans_zh` lists them, as paragraph numbering is not a figure.

>>> [(m.text, str(m.value), m.kind, m.qualifier) for m in find_numbers_zh("办理案件6924件13485人，同比上升1.4倍")]
[('6924件', '6924', 'count', 'exact'), ('13485人', '13485', 'count', 'exact'), ('1.4倍', '1.4', 'multiple', 'exact')]
>>> [(m.text, str(m.value), m.kind, m.qualifier) for m in find_numbers_zh("近9成的案件涉及商标，共6.9万元")]
[('近9成', '90', 'percent', 'approximate'), ('6.9万元', '69000', 'amount', 'exact')]
>>> [(m.text, str(m.value), m.kind) for m in find_numbers_zh("二〇二三年，一千三百六十九件案件中，兩成位居第一")]
... # doctest: +NORMALIZE_WHITESPACE
[('二〇二三年', '2023', 'year'), ('一千三百六十九件', '1369', 'count'), ('兩成', '20', 'percent'),
 ('第一', '1', 'ordinal')]
>>> chinese_numeral_value("一千零五"), chinese_numeral_value("十四五")
(Decimal('1005'), None)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

#: The value of each Chinese digit character (simplified and traditional; 〇 and 零 are zero).
DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9,
}  # fmt: skip
#: Positional units inside a section of four digits.
SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
#: Scale words (myriads): 万 is 10⁴, 亿 is 10⁸, in both scripts.
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

_CN = "零〇一二两兩三四五六七八九十百千万萬亿億"
_CN_SMALL = "一二三四五六七八九十"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")

#: Words before a number and the value qualifier (ontology ``qualifier:``) each sets.
PRE_QUALIFIERS: dict[str, str] = {
    "将近": "approximate", "將近": "approximate", "接近": "approximate", "近": "approximate",
    "大约": "approximate", "大約": "approximate", "约": "approximate", "約": "approximate",
    "超过": "more-than", "超過": "more-than", "超": "more-than", "逾": "more-than", "多于": "more-than",
    "多於": "more-than", "高于": "more-than", "高於": "more-than",
    "不到": "less-than", "不足": "less-than", "少于": "less-than", "少於": "less-than", "低于": "less-than",
    "低於": "less-than", "未满": "less-than", "未滿": "less-than",
    "至少": "at-least", "不少于": "at-least", "不少於": "at-least", "不低于": "at-least", "不低於": "at-least",
    "不超过": "at-most", "不超過": "at-most", "至多": "at-most", "最多": "at-most",
}  # fmt: skip
#: Words after a number (or between the number and its unit) and the qualifier each sets; in Chinese law
#: 以上 and 以下 include the number itself.
POST_QUALIFIERS: dict[str, str] = {
    "余": "more-than", "餘": "more-than", "多": "more-than", "以上": "at-least", "以下": "at-most",
    "以内": "at-most", "以內": "at-most", "左右": "approximate", "上下": "approximate",
}  # fmt: skip

#: Measure words and units that make a one-character numeral a number, and the kind of number each gives.
UNITS: dict[str, str] = {
    "个百分点": "points", "個百分點": "points", "%": "percent", "％": "percent", "成": "percent",
    "倍": "multiple", "万元": "amount", "萬元": "amount", "亿元": "amount", "億元": "amount", "元": "amount",
    "美元": "amount", "个月": "duration", "個月": "duration", "年": "year", "月": "date", "日": "date",
    "天": "duration", "小时": "duration", "小時": "duration", "周岁": "count", "週歲": "count", "岁": "count",
    "歲": "count", "件": "count", "起": "count", "宗": "count", "人": "count", "名": "count", "位": "count",
    "个": "count", "個": "count", "家": "count", "户": "count", "戶": "count", "项": "count", "項": "count",
    "条": "count", "條": "count", "次": "count", "份": "count", "篇": "count", "场": "count", "場": "count",
    "批": "count", "类": "count", "類": "count", "种": "count", "種": "count", "所": "count", "部": "count",
    "款": "count", "处": "count", "處": "count", "届": "count", "屆": "count", "点": "count", "點": "count",
    "轮": "count", "輪": "count", "期": "count", "季度": "count", "大": "count", "亿": "count", "万": "count",
    "部分": "ordinal", "章": "ordinal", "节": "ordinal", "節": "ordinal",
}  # fmt: skip
#: Units after which a lone 一 is an article ("a"), not the number one.
_ARTICLE_UNITS = {"个", "個", "种", "種", "批", "类", "類", "条", "條", "点", "點", "处", "處", "场", "場", "部",
                  "款", "所", "期", "大", "起", "季度"}  # fmt: skip
#: Characters that, after 成, make a word (成为 "become", 成果 "result"), not tenths.
_CHENG_WORDS = "为為立功果本员員绩績效熟就长長型交"
_CHANGE = re.compile(
    r"(上升|下降|缩短|縮短|增长|增長|增加|减少|減少|提高|提升|降低"
    r"|上涨|上漲|回落|增幅|降幅|同比|环比|環比)\S{0,4}$"
)
_DEIXIS_UNITS = ("年", "个月", "個月", "季度", "天", "日")  # 近三年 is "the last three years", not "nearly"

_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_PRE_ALT = "|".join(sorted(PRE_QUALIFIERS, key=len, reverse=True))
_POST_ALT = "|".join(sorted(POST_QUALIFIERS, key=len, reverse=True))

_PATTERN = re.compile(
    r"(?P<vague>(?:数|數|几|幾|上)(?:十|百|千)?(?:万|萬|亿|億)?(?<=[十百千万萬亿億]))"
    r"|(?P<enum>(?:^|(?<=[\s，。；：、,;:（(]))[" + _CN_SMALL + r"]{1,3}是)"
    r"|(?P<num>"
    r"(?P<pre>" + _PRE_ALT + r")?"
    r"(?P<pct>百分之|千分之)?(?P<ord>第)?"
    r"(?:(?P<ar>(?<![A-Za-z0-9０-９_.,:．])[0-9０-９]+(?:(?:,[0-9]{3})+|(?:，[０-９]{3})+)?(?:[.．][0-9０-９]+)?"
    r"(?![A-Za-z0-9０-９]))(?P<scale>[千]?[万萬]?[亿億]?)"
    r"|(?P<cn>[" + _CN + r"]+(?:[点點][零〇一二三四五六七八九]+)?))"
    r"(?:[ \t]+(?=(?:余|餘|多)?(?:" + _UNIT_ALT + r")))?"
    r"(?P<post1>余|餘|多)?(?P<unit>" + _UNIT_ALT + r")?(?P<post2>" + _POST_ALT + r")?)",
    re.MULTILINE,
)
_HEADING = re.compile(
    r"^[ \t\u3000]*(?:第[" + _CN + r"\d]+(?:部分|章|节|節)|[" + _CN_SMALL + r"]+、|[（(][" + _CN_SMALL + r"]+[）)]"
    r"|[0-9０-９]+[.．、](?![0-9０-９]))",
    re.MULTILINE,
)


class ZhNumber(NamedTuple):
    """One number of a Chinese text: span, exact text, value (None if vague), form, kind and qualifier."""

    start: int
    end: int
    text: str
    value: Decimal | None
    form: str  # "digits" (Arabic) | "chinese" (Chinese numerals) | "vague"
    kind: str  # count | percent | rate | points | multiple | ordinal | year | date | duration | amount | vague
    qualifier: str  # exact | approximate | more-than | at-least | less-than | at-most
    written: str  # the numeral itself, as written ("9", "九", "6.9", "１２３")


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character, CJK punctuation or a full-width form.

    >>> is_cjk("件"), is_cjk("％"), is_cjk("a")
    (True, True, False)
    """
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def chinese_numeral_value(numeral: str) -> Decimal | None:
    """The value of a numeral in Chinese characters, or None if it is not one well-formed number.

    >>> [str(chinese_numeral_value(s)) for s in ("十二", "二十", "两千", "一千三百六十九", "二〇二三", "五点五")]
    ['12', '20', '2000', '1369', '2023', '5.5']
    >>> chinese_numeral_value("一一") is None, chinese_numeral_value("三万五") is None
    (True, True)
    """
    whole, _, frac = numeral.replace("點", "点").partition("点")
    if frac and any(c not in DIGITS or c in "两兩" for c in frac):
        return None
    value = _integer(whole)
    if value is None:
        return None
    return Decimal(f"{value}.{''.join(str(DIGITS[c]) for c in frac)}") if frac else Decimal(value)


def _integer(s: str) -> int | None:
    if not s:
        return None
    if all(c in DIGITS for c in s):
        if len(s) == 1:
            return DIGITS[s]
        if "〇" in s or "零" in s or len(s) == 4:  # spelled digit by digit: 二〇二三
            return int("".join(str(DIGITS[c]) for c in s))
        return None
    total = section = 0
    digit: int | None = None
    last_small, last_big, prev = 10_000, 10**17, ""
    for ch in s:
        if ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[ch] if ch not in "零〇" else None
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_small or (digit is None and not (section == 0 and prev in ("", "零"))):
                return None
            section += (digit if digit is not None else 1) * unit
            digit, last_small = None, unit
        else:
            unit = BIG_UNITS[ch]
            section += digit or 0
            if section == 0 and total == 0:
                section = 1
            if unit >= last_big:
                total = (total + section) * unit
            else:
                total += section * unit
            section, digit, last_small, last_big = 0, None, 10_000, unit
        prev = ch
    if digit is not None:
        if len(s) > 1 and s[-2] not in "十零〇":
            return None  # 三万五, 一百五: colloquial, not written in reports
        section += digit
    return total + section


def _arabic(written: str) -> Decimal:
    return Decimal(written.translate(_FULLWIDTH).replace(",", ""))


def _touches_cjk(text: str, start: int, end: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    return (i >= 0 and is_cjk(text[i])) or (j < len(text) and is_cjk(text[j]))


def find_numbers_zh(text: str) -> list[ZhNumber]:
    """Every number written in Chinese in ``text`` (Arabic digits only where they stand beside Chinese), in order."""
    found: list[ZhNumber] = []
    headings = [(m.start(), m.end()) for m in _HEADING.finditer(text)]
    for m in _PATTERN.finditer(text):
        if m.group("vague"):
            found.append(ZhNumber(m.start(), m.end(), m.group(0), None, "vague", "vague", "approximate", m.group(0)))
            continue
        if m.group("enum"):
            value = _integer(m.group(0)[:-1])
            if value is not None:
                written = m.group(0)[:-1]
                found.append(
                    ZhNumber(m.start(), m.end() - 1, written, Decimal(value), "chinese", "ordinal", "exact", written)
                )
            continue
        number = _read(text, m, any(a <= m.start() < b for a, b in headings))
        if number is not None:
            found.append(number)
    return found


def _read(text: str, m: re.Match[str], at_heading: bool) -> ZhNumber | None:
    pre, pct, ordinal = m.group("pre") or "", m.group("pct") or "", m.group("ord") or ""
    unit, post1, post2 = m.group("unit") or "", m.group("post1") or "", m.group("post2") or ""
    ar, cn, scale = m.group("ar"), m.group("cn"), m.group("scale") or ""
    start, end = m.start(), m.end()
    if ar is not None:
        written = ar
        value = _arabic(ar)
        for ch in scale:
            value *= BIG_UNITS.get(ch, 1000)
        form = "digits"
        if not (_touches_cjk(text, m.start("ar"), m.end("ar") + len(scale)) or ar != ar.translate(_FULLWIDTH)):
            return None  # an Arabic number among Latin text: the English reader reads it
    else:
        written = cn
        parsed = chinese_numeral_value(cn)
        if parsed is None:
            return None
        value, form = parsed, "chinese"
        core = cn.rstrip("点點")
        has_digit = any(c in DIGITS and c not in "零〇" for c in core)
        word_after = text[end : end + 1] in tuple(_CHENG_WORDS) and not post2
        if unit == "成" and (word_after or cn + text[end : end + 2] == "一不变"):
            return None  # 九成为 ("nine become"), 一成不变 (an idiom): not tenths
        if at_heading and not unit:
            return _heading_number(m, cn, value)
        if cn in ("零", "〇"):
            return None  # 零件 ("parts"), 零售 ("retail")
        if len(cn) == 1 or not has_digit:
            if not (unit or pct or ordinal or post1):
                return None
            if unit in ("万", "亿") and len(cn) == 1 and not has_digit:
                return None
            article = cn == "一" and not (pct or ordinal) and (unit in _ARTICLE_UNITS or not unit)
            if article and not (unit == "起" and text[end : end + 1] == "案"):  # 一起案件 is one case
                return None
            if cn == "一" and unit == "次" and text[end : end + 1] == "性":
                return None  # 一次性 "one-off"
        elif all(c in DIGITS for c in cn) and "〇" not in cn and "零" not in cn and unit != "年":
            return None  # 一一, 三三: not a number spelled digit by digit
    if unit in ("亿", "万"):  # a scale word read as the unit: fold it into the value
        value *= BIG_UNITS[unit]
        unit = ""
    elif unit[:1] in BIG_UNITS and unit.endswith("元"):  # 1800余万元: the scale after 余
        value *= BIG_UNITS[unit[0]]
    if unit in ("点", "點") and ar is not None:
        unit = ""  # 10点 (o'clock) is not a count of points
        end = m.start("unit")
    kind = UNITS.get(unit, "count") if unit else "count"
    if unit == "成":
        value *= 10
    if pct:
        kind = "percent"
        if pct == "千分之":
            value /= 10
    if ordinal:
        kind = "ordinal"
    if kind == "year":
        spelled = (form == "digits" and "." not in written) or (
            all(c in DIGITS for c in cn or "") and len(cn or "") == 4
        )
        if not (spelled and 1900 <= value <= 2100):
            kind = "duration"
    if kind == "date":
        bound = 12 if unit == "月" else 31
        if not (value == value.to_integral_value() and 1 <= value <= bound):
            kind = "duration"
    if kind == "count" and form == "digits" and 1900 <= value <= 2100 and re.match(r"\s*[-—–至到~～]\s*\d", text[end:]):
        kind = "year"
    if kind == "percent" and _CHANGE.search(text[max(0, start - 12) : start]):
        kind = "rate"
    qualifier = "exact"
    if pre:
        deictic = pre == "近" and unit in _DEIXIS_UNITS
        if deictic:
            start += len(pre)
        else:
            qualifier = PRE_QUALIFIERS[pre]
    for word in (post1, post2):
        if word and qualifier == "exact":
            qualifier = POST_QUALIFIERS[word]
    if value == value.to_integral_value():
        value = Decimal(int(value))  # 6.9万 is 69000, not 69000.0
    return ZhNumber(start, end, text[start:end], value, form, kind, qualifier, written)


def _heading_number(m: re.Match[str], cn: str, value: Decimal) -> ZhNumber | None:
    start = m.start("cn")
    return ZhNumber(start, start + len(cn), cn, value, "chinese", "ordinal", "exact", cn)


def structural_spans_zh(text: str) -> list[tuple[int, int]]:
    """Spans of Chinese heading numbers (``一、``, ``（一）``, ``1．``, ``第一部分``) and enumerations (``一是``).

    >>> structural_spans_zh("一、总体情况\\n（一）刑事检察\\n1．办案数量\\n一是加强协作。")
    [(0, 2), (7, 10), (15, 17), (22, 24)]
    """
    spans = [(m.end() - len(m.group(0).lstrip(" \t\u3000")), m.end()) for m in _HEADING.finditer(text)]
    spans += [(m.start(), m.end()) for m in _PATTERN.finditer(text) if m.group("enum")]
    return sorted(spans)
