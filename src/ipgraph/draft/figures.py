"""How a number in a sentence is used: which measure and unit, which period, and how the text states it.

Every number the shared reader (:func:`ipgraph.reading.numerals.find_numbers`) finds is read here in its sentence: a
year is a period, not a figure; "rose 144.3%" is a change rate (negative for "dropped", "optimized"); "accounting
for 9.4%" a share; "rose by 1.8 times" a change multiple; "ranking the top" a rank; "56.63 days" an average
duration; "an increase of six types" a change amount; anything else with a unit noun after it is a count. What
cannot be read is said in the figure's notes and never guessed.

>>> from ipgraph.draft.sentences import split_sentences
>>> text = "In 2023 there were 425 cases involving 738 perpetrators, which rose 144.3% and 123.0% respectively."
>>> figures = read_figures(text, split_sentences(text)[0], "2023")
>>> for f in figures:
...     print(f.written, f.measure, f.unit, f.value, f.period) if not f.is_year else None
425 count case 425 2023
738 count perpetrator 738 2023
144.3 change-rate case 144.3 2023
123.0 change-rate perpetrator 123.0 2023
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ipgraph.draft.sentences import Span, clause_bounds
from ipgraph.reading.numerals import find_numbers

#: Nouns after a number, and the statistical unit they count.
UNIT_WORDS: dict[str, str] = {
    "case": "case", "cases": "case", "perpetrator": "perpetrator", "perpetrators": "perpetrator",
    "suspect": "perpetrator", "suspects": "perpetrator", "defendant": "perpetrator", "defendants": "perpetrator",
    "person": "person", "persons": "person", "people": "person", "clue": "clue", "clues": "clue",
    "team": "team", "teams": "team", "opinion": "opinion", "opinions": "opinion", "city": "city",
    "cities": "city", "authority": "authority", "authorities": "authority", "activity": "activity",
    "activities": "activity", "enterprise": "entity", "enterprises": "entity", "company": "entity",
    "companies": "entity", "part": "part", "parts": "part", "pathway": "pathway", "pathways": "pathway",
    "station": "service-station", "stations": "service-station", "types": "cause-type", "type": "cause-type",
    "levels": "procuratorate-level", "level": "procuratorate-level", "entities": "entity", "entity": "entity",
    "organizations": "entity", "units": "entity", "litigation": "case", "litigations": "case",
    "suggestion": "case", "suggestions": "case", "protest": "case", "protests": "case",
}  # fmt: skip
_UNIT_NOUN = re.compile(r"\b(" + "|".join(sorted(UNIT_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
#: Chinese measure words after a number.
ZH_UNIT_WORDS = {"件": "case", "起": "case", "宗": "case", "人": "person", "名": "person", "条": "clue", "家": "entity"}
INHERIT_WORDS = {"ones", "of them", "of which", "of whom"}
STOP_WORDS = {"of", "involving", "including", "where", "which", "who", "whom", "in", "to", "by", "was", "were",
              "with", "from", "for", "than", "as", "at", "on", "is", "are", "had", "has"}  # fmt: skip
INCREASE = re.compile(
    r"\b(rose|rise|risen|rising|increase[sd]?|increasing|grew|grow|growth|up)\b|上升|增长|增加|提升|提高|增"
)
DECREASE = re.compile(
    r"\b(dropp?ed|drop|fell|fall|decrease[sd]?|declin\w*|reduc\w*|down|optimi[sz]ed|shortened|lower\w*)\b"
    r"|下降|减少|降低|缩短|回落|减"
)
SHARE = re.compile(r"\b(accounting for|accounted for|accounts for|proportion|share|percentage)\b|占|比例|比重")
RATE = re.compile(r"\brate\b|率")
RANK = re.compile(
    r"\brank(?:ing|ed|s)?\s+(?:the\s+)?(?:top|first|no\.|number)\b|\b(?:top|first)\s+place\b|位居|居首|排名|第"
)
AVERAGE = re.compile(r"\baverage\b|平均")
YEAR_CONTEXT = re.compile(r"(?:\b(?:in|of|since|from|with|to|than|year|until|by|during|for)\s*$)|^\s*年")
BASE_YEAR = re.compile(
    r"(?:compar\w* (?:with|to)|than|over|from)\s+(?:in\s+)?(?:that of\s+|the same period of\s+)?(\d{4})"
)
#: A span of years a sentence names: "from 2017 to 2021", "2017—2021年", "2017年至2021年".
SPAN = re.compile(
    r"from\s+((?:19|20)\d\d)\s+(?:to|through|until)\s+((?:19|20)\d\d)|((?:19|20)\d\d)年?\s*[-–—至到]\s*((?:19|20)\d\d)年"
)
#: Words that make a count the total over such a span.
TOTAL_OVER_SPAN = re.compile(r"\bin all\b|\bin total\b|\baltogether\b|\bcumulative(?:ly)?\b|累计|合计|总计|共计")
PREVIOUS_YEAR = re.compile(r"previous year|last year|year[- ]on[- ]year|prior year|同比|上年|去年|上一年")


@dataclass
class Figure:
    """A number read as a figure of the report, or as a year, with what could and could not be read."""

    start: int  # offsets of the number in the whole text
    end: int
    written: str
    value: Decimal
    sentence: Span
    measure: str | None = None
    unit: str | None = None
    period: str | None = None
    base_period: str | None = None
    qualifier: str = "exact"
    form: str = "stated"
    phrase: str = ""  # the words that say what is counted
    own_phrase: str = ""  # the words after the number, when ``phrase`` also has those of the figure it is about
    own_context: str = ""  # the words before the number, when ``context`` also has those of the figure it is about
    lead: str = ""  # the sentence before the number's clause, back to a semicolon ("By charge, X remained …, with")
    context: str = ""  # the words of the clause before the number
    anchor: Figure | None = None  # the count a share, change or rank is about
    part_of: Figure | None = None  # the count a count is part of ("28 cases, including 15 where …")
    notes: list[str] = field(default_factory=list)
    is_year: bool = False
    skipped: str | None = None  # why the number is not read as a figure
    secondary: bool = False  # "involving M perpetrators": counted alongside the figure before it
    noun_unit: str | None = None  # the unit noun last named before an elliptical number ("three were concluded")

    @property
    def local(self) -> int:
        """Offset of the number within its sentence."""
        return self.start - self.sentence.start


def _unit_after(after: str) -> tuple[str | None, str, int]:
    """The unit noun within the next few words, the modifiers before it, and where the noun ends."""
    zh = re.match(r"\s*(?:余|多)?([件起宗人名条家])", after)
    if zh:
        return ZH_UNIT_WORDS[zh.group(1)], "", zh.end()
    words = list(re.finditer(r"[A-Za-z][A-Za-z’'-]*", after[:90]))
    modifiers: list[str] = []
    for w in words[:6]:
        if after[: w.start()].strip(' “”"') and re.search(r"[,;.:()]", after[: w.start()]):
            break
        lw = w.group(0).lower()
        if lw == "ones" or (lw == "of" and re.match(r"\s*(them|which|whom)\b", after[w.end() :])):
            return "inherit", " ".join(modifiers), w.end()
        part_of = re.match(r"\s+(?:these|those|the|such|all)\s+(?:[\w-]+\s+){0,2}?(\w+)\b", after[w.end() :])
        if lw == "of" and not modifiers and part_of and part_of.group(1).lower() in UNIT_WORDS:
            return UNIT_WORDS[part_of.group(1).lower()], "", w.end() + part_of.end()
        following = re.match(r"\s+([A-Za-z]+)", after[w.end() :])
        if lw in UNIT_WORDS and following and following.group(1).lower() in UNIT_WORDS:
            modifiers.append(w.group(0))  # "litigation clues", "case clues": the last noun is what is counted
            continue
        if lw in UNIT_WORDS and not (lw in ("type", "types", "level", "levels", "part", "parts") and modifiers):
            return UNIT_WORDS[lw], " ".join([*modifiers, w.group(0)]), w.end()
        if lw in STOP_WORDS:
            break
        modifiers.append(w.group(0))
    return None, "", 0


_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred"


def _phrase_after(after: str) -> str:
    """The words after the unit that say what is counted ("of selling commodity with …"), up to a new clause."""
    m = re.match(r"[^,;。；，.]*", after)
    text = m.group(0) if m else ""
    text = re.split(
        rf"\b(?:involving|including)\b(?=\W+(?:[\w-]+\W+){{0,3}}?(?:\d+|{_NUMBER_WORDS})\b)"
        rf"|\b(?:and|as well as)\b(?=\s+(?:(?!involving|including|with)[\w-]+\s+){{0,4}}?(?:\d+|{_NUMBER_WORDS})\b)"
        r"|\b(?:and|but)\s+(?=(?:[a-z]+ed|made|took|held|sent|won|set|put)\b)"
        r"|\b(?:ranking|accounting|where the number)\b|\d",
        text,
    )[0]
    return " ".join(text.split()[:14])


def read_figures(text: str, sentence: Span, report_period: str, language: str | None = None) -> list[Figure]:
    """Every figure of one sentence (years included, flagged), read in context.

    ``language`` (``"en"`` or ``"zh"``) forces the number reader and the reading of each number; by default both are
    chosen by the script around each number.
    """
    s = sentence.text
    figures: list[Figure] = []
    for m in find_numbers(s, language):
        if m.value is None:
            continue
        before, after = s[: m.start], s[m.end :]
        if re.search(r"\[(?:footnoteRef:)?$", before) or re.match(r"^[:\]]", after):
            continue  # a footnote marker
        f = Figure(sentence.start + m.start, sentence.start + m.end, m.text, m.value, sentence)
        if m.kind == "year" or _is_year(m.text, m.value, before, after):
            f.is_year = True
            figures.append(f)
            continue
        if re.search(r"第[^第]*[条款项]$", m.text) or re.match(r"\s*[条款项條]", after):
            f.skipped = "an article number"  # 第二百一十三条
            figures.append(f)
            continue
        if m.kind == "ordinal" and not RANK.search(before[-40:] + m.text):
            continue  # "Firstly", "the first case", "一是": not a figure
        chinese = _CJK.search(m.text) or re.search(
            r"[\u3001-\u3011\uff08-\uff1b\u3400-\u9fff]", before[-1:] + after[:1]
        )
        if language == "zh" or (chinese and language != "en"):
            f.skipped = {"date": "a date", "amount": "an amount of money (the ontology has no measure for money yet)",
                         "vague": "a vague amount"}.get(m.kind)  # fmt: skip
            if f.skipped is None:
                _classify_zh(f, m.kind, m.qualifier, before, after, figures)
        else:
            f.skipped = _not_a_figure(m.form, m.text, before, after)
            if f.skipped is None:
                _classify(f, before, after)
        figures.append(f)
    _attach(figures)
    for f in figures:
        if not f.is_year and f.skipped is None:
            _periods(f, s, report_period, figures)
    return figures


def _is_year(written: str, value: Decimal, before: str, after: str) -> bool:
    if not re.fullmatch(r"(19|20)\d\d", written):
        return False
    if re.match(r"\s*年", after):
        return True
    unit, _, _ = _unit_after(after)
    return unit is None or bool(YEAR_CONTEXT.search(before))


_CJK = re.compile(r"[\u3400-\u9fff]")
_ZH_AROUND = re.compile(r"[\u3001-\u3011\uff08-\uff1b\u3400-\u9fff]")
_ZH_CLAUSE = re.compile(r"[，。；：、,;:（）()]")
_ZH_NOUNS = {"案件": "case", "案": "case", "线索": "clue", "線索": "clue", "犯罪嫌疑人": "perpetrator",
             "被告人": "perpetrator", "人员": "person", "人員": "person"}  # fmt: skip


def _classify_zh(f: Figure, kind: str, qualifier: str, before: str, after: str, earlier: list[Figure]) -> None:
    """Read a number of a Chinese sentence: its reader already knows the unit word, 成, 倍 and the qualifier."""
    f.qualifier = qualifier
    cut = max((m.end() for m in _ZH_CLAUSE.finditer(before)), default=0)
    clause = before[cut:]
    f.phrase, f.context = clause, before[-60:]
    near = clause[-8:]
    listed = earlier[-1] if earlier else None
    if (
        kind in ("percent", "rate", "points")
        and listed is not None
        and listed.measure in ("change-rate", "share", "rate")
        and re.fullmatch(r"[、和及与]", before[len(before) - (f.start - listed.end) :] or "-")
    ):  # "同比分别增长6.7%、10.9%、13.3%和9.1%": as the one before it
        f.measure, f.form = listed.measure, listed.form
        f.value = -f.value if listed.value < 0 else f.value
        f.phrase, f.context = listed.phrase, listed.context
        return
    if kind in ("percent", "rate", "points"):
        if "占" in clause or "比例" in clause or "比重" in clause:
            f.measure, f.form = "share", "占 N%"
        elif INCREASE.search(near) or DECREASE.search(near):
            f.measure, f.form = "change-rate", "上升 N%"
            if DECREASE.search(near) and not INCREASE.search(near[-3:]):
                f.value, f.form = -f.value, "下降 N%"
        elif "率" in clause:
            f.measure, f.form = "rate", "N% 率"
        else:
            f.measure, f.form = "share", "N%"
    elif kind == "multiple":
        f.measure, f.form = "change-multiple", "上升 N 倍"
        f.notes.append("“上升N倍” has two readings (×N and ×(N+1)); the build keeps both")
    elif kind == "ordinal":
        f.measure, f.form = "rank", "位居第 N"
    elif kind == "duration":
        f.measure, f.form, f.unit = (
            ("average-duration", "平均 N 天", "case") if "平均" in before else ("count", "N 天", "handling-day")
        )
        return
    else:
        f.measure = "change-amount" if re.search(r"(增加|减少|減少|多|少)$", clause) else "count"
        word = f.written[-1]
        if word in ZH_UNIT_WORDS:
            f.unit = ZH_UNIT_WORDS[word]
        if word == "人":
            previous = earlier[-1] if earlier else None
            if previous is not None and previous.end == f.start and previous.unit == "case":
                f.unit, f.secondary, f.anchor = "perpetrator", True, previous
                f.phrase, f.context = previous.phrase, previous.context
            elif re.search(r"(犯罪嫌疑人|被告人|涉案)", before[-20:]):
                f.unit = "perpetrator"
        elif word == "家":
            f.unit = "authority" if re.match(r"[^，。；]{0,6}机关|[^，。；]{0,6}機關", after) else "entity"
        if f.unit is None:
            f.notes.append("no measure word after the number: say what it counts")
        return
    if f.unit is None:
        nouns = [u for w, u in _ZH_NOUNS.items() if w in before]
        if nouns:
            f.unit = nouns[0]


def _not_a_figure(kind: str, written: str, before: str, after: str) -> str | None:
    """Why a number is not a figure of the report (a date, money, a name), or None."""
    if re.search(rf"({MONTHS})\s*$", before) or re.match(rf"\s*({MONTHS})\b", after) or re.match(r"\s*[月日号]", after):
        return "a date"
    if re.search(r"(RMB|yuan|¥|￥|US\$|\$)\s*$", before) or re.match(
        r"\s*(?:million\s+|billion\s+)?(yuan|元|万元|亿元)", after
    ):
        return "an amount of money (the ontology has no measure for money yet)"
    if kind != "digits":
        if re.match(r"-\w", after):
            return "part of a compound word"
        if written[:1].isupper() and (
            (before.strip() and not re.search(r"[.:]\s*$", before)) or re.search(r"[“\"]\s*$", before)
        ):
            return "part of a name or title"
        if re.match(r"\s+(hand|another|by one|side)\b", after):
            return "a figure of speech"
        if re.search(r"\b(minimum|maximum|at least|in principle)\s*$", before) and re.match(r"\s+out of\b", after):
            return "a rule, not a figure"
    if re.match(r"\s+out of\s", after):
        return "a rule, not a figure"
    if re.search(r"\b(?:Articles?|Art\.|Arts\.|Paragraph|Item)\s*$", before, re.IGNORECASE):
        return "an article number"
    return None


def _classify(f: Figure, before: str, after: str) -> None:
    lb, rest = before[-80:], after[:60]
    f.context = " ".join(before.split()[-25:])
    clause_start, _ = clause_bounds(f.sentence.text, f.local)
    in_clause = f.sentence.text[clause_start : f.local]
    qual = re.search(
        r"(more than|over|nearly|about|around|approximately|at least|less than|under|近|超过?|逾|约|不到)\s*$", lb
    )
    if qual or re.match(r"\s*(余|多)", after):
        word = qual.group(1) if qual else "余"
        f.qualifier = {
            "more than": "more-than", "over": "more-than", "超": "more-than", "超过": "more-than", "逾": "more-than",
            "余": "more-than", "多": "more-than", "at least": "at-least", "less than": "less-than",
            "under": "less-than", "不到": "less-than",
        }.get(word, "approximate")  # fmt: skip
    if re.match(r"\s*(%|％|percent\b|per cent\b)", after) or re.search(r"百分之$", before):
        direction_text = in_clause[-70:] + " " + rest[:40]
        of_what = re.match(
            r"\s*(?:%|％)\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(" + _UNIT_NOUN.pattern[3:-3] + r")\b", after
        )
        if of_what:
            f.unit = UNIT_WORDS[of_what.group(1).lower()]
        than = re.match(r"\s*(?:%|％|percent\b|per cent\b)\s+(more|higher|greater|fewer|less|lower)\s+than\b", after)
        if than:  # "11.0% more than in the previous year"
            f.measure, f.form = "change-rate", "N% more than"
            if than.group(1) in ("fewer", "less", "lower"):
                f.value, f.form = -f.value, "N% less than"
            return
        if re.search(r"\bto\s*$", lb) or (SHARE.search(in_clause[-60:]) and not re.search(r"\bby\s*$", lb)):
            f.measure, f.form = ("rate", "rate of") if RATE.search(in_clause[-60:]) else ("share", "accounting for")
        elif INCREASE.search(direction_text) or DECREASE.search(direction_text):
            f.measure, f.form = "change-rate", "rose N%"
            if _decreases(in_clause[-70:], rest[:40]):
                f.value, f.form = -f.value, "fell N%"
        elif RATE.search(in_clause[-60:]):
            f.measure, f.form = "rate", "rate of"
        else:
            f.measure, f.form = "share", "N% of"
        return
    if re.match(r"\s*(times\b|fold\b|倍)", after):
        f.measure, f.form = "change-multiple", "rose by N times"
        f.notes.append("“rose by N times” has two readings (×N and ×(N+1)); the build keeps both")
        return
    if RANK.search(lb[-30:] + f.written) or (f.written in ("top", "first") and RANK.search(lb[-30:] + f.written)):
        f.measure, f.form = "rank", "ranking the top"
        return
    unit, modifiers, unit_end = _unit_after(after)
    than = re.match(r"\s*(?:days?|天)\s*(shorter|longer|less|more|fewer)\s+than\b", after)
    by = re.search(r"\b(shortened|lengthened|reduced|increased|decreased|extended)\s+by\s*$", lb)
    if than or (by and re.match(r"\s*(days?\b|天)", after)):  # a change of the average duration before it
        f.measure, f.form, f.unit = "change-amount", "N days shorter", "case"
        if (than and than.group(1) in ("shorter", "less", "fewer")) or (
            by and by.group(1) in ("shortened", "reduced", "decreased")
        ):
            f.value = -f.value
        f.context = f.sentence.text[: f.local]
        return
    if re.match(r"\s*(days?\b|天|日)", after):
        f.measure, f.form, f.unit = (
            ("average-duration", "average of N days", "case")
            if AVERAGE.search(f.sentence.text[: f.local])
            else ("count", "N days", "handling-day")
        )
        f.context = f.sentence.text[: f.local]
        return
    if re.search(r"(an increase of|a decrease of|increased by|decreased by|more than the previous|增加|减少)\s*$", lb):
        f.measure, f.form = "change-amount", "an increase of N"
        if re.search(r"(decrease|减少)", lb[-25:]):
            f.value = -f.value
    else:
        f.measure = "count"
    ellipsis = re.match(
        r"\s*(?:(in|at|as|were|was|are|is|from|by|for|provided|complained|concluded|[a-z]+ed)\b|[.,;:]|$)", after
    )
    if unit is None and re.search(r"\b(reached|exceeded|totall?ed|numbered)\s*$", before):
        counted = re.search(r"\bnumber of (?:the )?(?:[\w-]+ ){0,4}?(" + _UNIT_NOUN.pattern[3:-3] + r")\b", before)
        nouns = _UNIT_NOUN.findall(before)
        unit = (
            UNIT_WORDS[(counted.group(1) if counted else nouns[0] if nouns else "").lower()]
            if (counted or nouns)
            else "inherit"
        )
    elif unit is None and ellipsis:
        unit = "inherit"
        nouns = _UNIT_NOUN.findall(f.sentence.text[: f.local])
        f.noun_unit = UNIT_WORDS[nouns[-1].lower()] if nouns else None
    if unit in ("cause-type", "procuratorate-level") and re.search(r"\bcauses?\b", f.sentence.text):
        unit = "cause-type" if unit == "cause-type" else "cause-level"
    if unit == "inherit":
        f.unit = None
        f.notes.append("counted in the unit of the figure before it")
        f.form = "ones"
    elif unit is not None:
        f.unit = unit
    elif f.measure == "count" and not f.written[:1].isdigit():
        f.skipped = "a number word with no unit: not read as a figure"
    else:
        f.notes.append("no unit noun after the number: say what it counts")
    f.phrase = " ".join([modifiers, _phrase_after(after[unit_end:])]).strip()
    f.context = " ".join(_own_words(in_clause).split()[-12:])
    f.lead = re.split(r"[;；]", f.sentence.text[:clause_start])[-1]


def _own_words(clause: str) -> str:
    """The words of a clause that belong to the figure at its end: after "and" / "as well as" that follows the figure
    before it ("283 cases as well as pursuit and prosecution of 213 …"), else the whole clause ("nine types of causes
    at three levels")."""
    parts = re.split(rf"\d+(?:\.\d+)?%?|\b(?:{_NUMBER_WORDS})\b", clause, flags=re.IGNORECASE)
    joined = re.search(r"\b(?:and|as well as)\b", parts[-1]) if len(parts) > 1 else None
    return parts[-1][joined.end() :] if joined else clause


def _decreases(before: str, after: str) -> bool:
    inc = max((m.end() for m in INCREASE.finditer(before)), default=-1)
    dec = max((m.end() for m in DECREASE.finditer(before)), default=-1)
    if inc < 0 and dec < 0:
        return bool(DECREASE.search(after)) and not INCREASE.search(after)
    return dec > inc


def _attach(figures: list[Figure]) -> None:
    """Give shares, changes, ranks and "ones" the count they are about (and its unit), in sentence order."""
    figures[:] = [f for f in figures]
    live = [f for f in figures if not f.is_year and f.skipped is None]
    for f in live:
        if f.measure == "count" and re.search(r"(involving|with|涉及|涉案)\s*$", f.sentence.text[: f.local][-14:]):
            f.secondary = True
    counts = [f for f in live if f.measure in ("count", "average-duration") and f.unit]
    for f in counts:
        said = [m.start() for m in _PART_OF.finditer(f.sentence.text, 0, f.local)]
        if said and not f.secondary:
            ends = f.sentence.start + said[-1]
            f.part_of = next((c for c in reversed(counts) if c.end <= ends and not c.secondary), None)
    pending = [f for f in live if f.measure not in (None, "count") or f.form == "ones"]
    respectively = (
        "respectively" in pending[0].sentence.text or "分别" in pending[0].sentence.text if pending else False
    )
    stated_together = (
        ("change-rate", "change-multiple", "share", "rate") if respectively else ("change-rate", "change-multiple")
    )
    changes = [f for f in pending if f.measure in stated_together and f.form != "ones"]
    for f in pending:
        earlier = [c for c in counts if c.start < f.start]
        group = _run_of(f, changes, counts)
        anchor: Figure | None
        if respectively and len(group) > 1 and len(earlier) >= len(group):
            anchor = earlier[-len(group) :][group.index(f)]
            f.unit = anchor.unit  # "86件152人，同比分别上升7.5%和4.1%": the order says whose change it is
        else:
            primaries = [c for c in earlier if not c.secondary]
            anchor = primaries[-1] if primaries else (earlier[-1] if earlier else None)
            if (
                anchor is not None
                and f.measure in ("share", "rate", "rank")
                and f.local - (anchor.end - f.sentence.start) > 120
            ):
                anchor = None
        if anchor is None and f.form == "ones" and f.noun_unit:
            f.unit = f.noun_unit
            lead = _LEAD_IN.match(f.sentence.text)  # "In terms of the completed civil cases, three were …"
            if lead and lead.end() <= f.local:
                f.context = (lead.group(1) + " " + f.context).strip()
            continue
        if anchor is None:
            if f.unit is None:
                nouns = _UNIT_NOUN.findall(f.sentence.text[: f.local])
                if re.search(r"\bthose who\b", f.sentence.text[: f.local]):
                    f.unit = "person"
                elif nouns:  # a share's subject comes first: "Cases of transfer to authorities exceeded 75%"
                    f.unit = UNIT_WORDS[nouns[0 if f.measure in ("share", "rate") else -1].lower()]
                if f.unit is None:
                    f.notes.append("no count before it in the sentence: say which unit it is in")
            continue
        f.anchor = anchor
        if f.unit is None or f.form == "ones":
            f.unit = anchor.unit
        if not f.phrase or f.form == "ones":
            f.own_phrase, f.own_context = f.phrase, f.context
            f.phrase = (anchor.phrase + " " + f.phrase).strip()
            f.context = (anchor.context + " " + f.context).strip()
    for f in live:
        if f.secondary:
            earlier = [c for c in counts if c.start < f.start and c.unit != f.unit]
            if earlier:
                f.anchor = earlier[-1]
                after = f.sentence.text[f.end - f.sentence.start :]
                tail = _phrase_after(after[_unit_after(after)[2] :]) if _CJK.search(after[:1]) is None else ""
                if tail:  # "examined 21 cases involving 35 persons for arrest": what the count is, after its persons
                    f.anchor.phrase = f"{f.anchor.phrase} {tail}".strip()
                f.phrase, f.context = earlier[-1].phrase, earlier[-1].context


_LEAD_IN = re.compile(r"\s*(?:In terms of|As for|As to|Regarding|Of|Among|For)\s+([^,;]*)[,;]", re.IGNORECASE)
_PART_OF = re.compile(r"\b(?:including|of which|of whom|among them|among which|of these|of them)\b|其中|包括")


def _run_of(f: Figure, changes: list[Figure], counts: list[Figure]) -> list[Figure]:
    """The changes stated together with ``f`` ("rose 144.3% and 123.0% respectively"): no count between them."""
    if f not in changes:
        return [f]
    run: list[Figure] = []
    for c in changes:
        if run and (run[-1].measure != c.measure or any(run[-1].start < k.start < c.start for k in counts)):
            if f in run:
                return run
            run = []
        run.append(c)
    return run if f in run else [f]


def _talks_of_cases(f: Figure) -> bool:
    return bool(re.search(r"\bcases?\b|案件|案", f.sentence.text))


def _periods(f: Figure, s: str, report_period: str, figures: list[Figure]) -> None:
    years = [y for y in figures if y.is_year]
    after = s[f.end - f.sentence.start :][:60]
    near = re.match(r"[^,;，；.。]{0,45}?\b(?:in|of)\s+((?:19|20)\d\d)\b|[^,;，；.。]{0,6}?((?:19|20)\d\d)年", after)
    if near and re.search(r"\b(?:than|compar\w*|over|against)\b|比|较", after[: near.start(1 if near.group(1) else 2)]):
        near = None  # "12.0% fewer than in 2021": the year compared with is the base period, not the figure's
    f.period = (near.group(1) or near.group(2)) if near else report_period
    if near is None:
        before_years = [y for y in years if y.start < f.start and f.start - y.end < 30 and not _base_context(s, y)]
        if before_years and re.search(r"\bto\s*$", s[: f.local]):
            before_years = []  # "rose from 2 in 2023 to 4": the year is the first figure's
        if before_years and 1900 <= before_years[-1].value <= 2100:
            f.period = str(int(before_years[-1].value))
    span = SPAN.search(s)
    if near is None and span and TOTAL_OVER_SPAN.search(s) and f.measure in (None, "count"):
        f.period = f"{span.group(1) or span.group(3)}-{span.group(2) or span.group(4)}"  # "from 2017 to 2021 … in all"
    if f.measure in ("change-rate", "change-multiple", "change-amount"):
        tail = s[f.local :]
        m = BASE_YEAR.search(tail[:80])
        if m:
            f.base_period = m.group(1)
        elif PREVIOUS_YEAR.search(s) and f.period and f.period.isdigit():
            f.base_period = str(int(f.period) - 1)
        elif f.period and f.period.isdigit():
            f.base_period = str(int(f.period) - 1)
            f.notes.append(f"base period not stated in the sentence: {f.base_period} assumed (the year before)")


def _base_context(s: str, year: Figure) -> bool:
    return bool(re.search(r"(compar\w* (with|to)|than|from|over)\s*$", s[: year.local][-20:]))
