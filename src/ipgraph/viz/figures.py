"""Observations as short phrases for tooltips and labels ("1,369 cases (2023)", "+144.3% cases vs 2022")."""

from __future__ import annotations

from decimal import Decimal

from ipgraph.viz.index import DEFAULTS, Index, Obs, local_name

_QUALIFIER = {
    "approximate": "≈",
    "at-least": "≥",
    "more-than": ">",
    "at-most": "≤",
    "less-than": "<",
}
_UNIT_PREFERENCE = ("case", "clue")


def fmt_number(d: Decimal, signed: bool = False) -> str:
    """A decimal with thousands separators and no trailing zeros.

    >>> fmt_number(Decimal("1369")), fmt_number(Decimal("56.630")), fmt_number(Decimal("123.0"))
    ('1,369', '56.63', '123')
    >>> fmt_number(Decimal("-29.5"), signed=True), fmt_number(Decimal("53.2"), signed=True)
    ('−29.5', '+53.2')
    """
    q = d.normalize()
    if q == q.to_integral_value():
        q = q.quantize(Decimal(1))
    text = f"{abs(q):,f}"
    if signed:
        return ("+" if d >= 0 else "−") + text
    return ("−" if d < 0 else "") + text


def plural(unit: str, value: Decimal | None = None) -> str:
    """An English unit label in the plural (unless the value is exactly one).

    >>> plural("case"), plural("type of cause of action"), plural("case", Decimal(1)), plural("person")
    ('cases', 'types of cause of action', 'case', 'persons')
    """
    if value is not None and value == 1:
        return unit
    head, sep, tail = unit.partition(" of ")
    if head.endswith(("s", "time")):
        return unit
    return f"{head}s{sep}{tail}"


def figure_text(ix: Index, o: Obs, context: bool = True, lang: str = "en") -> str:
    """One observation as a phrase, with its period, breakdown and (optionally) what it is about; in English,
    or in Chinese for ``lang="zh"``.

    The phrase keeps the report's own reading: a derived value is marked as derived, with its bounds.
    """
    if lang == "zh":
        return _figure_text_zh(ix, o, context)
    measure = local_name(o.dims.get("measure", ""))
    unit = ix.label(o.dims.get("unit", ""), "en") if o.dims.get("unit") else "item"
    q = _QUALIFIER.get(local_name(o.qualifier), "")
    v = o.value
    base = f" vs {o.base}" if o.base else " vs previous year"
    if o.direction:
        text = f"{plural(unit)} ({ix.label(o.dims['measure'])}): {ix.label(o.direction)} — stated in words"
    elif v is None:
        text = f"{ix.label(o.dims.get('measure', ''))} of {plural(unit)} (no value)"
    elif measure == "count":
        text = f"{q}{fmt_number(v)} {plural(unit, v)}"
    elif measure == "share":
        text = f"{q}{fmt_number(v)}% of {plural(unit)} (share)"
    elif measure == "rate":
        text = f"{q}{fmt_number(v)}% ({unit} rate)"
    elif measure == "change-rate":
        text = f"{q}{fmt_number(v, signed=True)}% {plural(unit)}{base}"
    elif measure == "change-multiple":
        text = f"{plural(unit)} rose by {q}{fmt_number(v)} times{base}"
    elif measure == "change-amount":
        text = f"{q}{fmt_number(v, signed=True)} {plural(unit)}{base}"
    elif measure == "average-duration":
        text = f"{q}{fmt_number(v)} days on average per {unit}"
    elif measure == "rank":
        text = f"ranked {q}no. {fmt_number(v)} by {plural(unit)}"
    else:
        text = f"{q}{fmt_number(v)} ({ix.label(o.dims.get('measure', ''))}, {unit})"
    extras = [o.period] if o.period else []
    if o.derived:
        bounds = ""
        if o.low is not None or o.high is not None:
            lo = fmt_number(_rounded(o.low)) if o.low is not None else "…"
            hi = fmt_number(_rounded(o.high)) if o.high is not None else "…"
            bounds = f", between {lo} and {hi}"
        extras.append(f"derived{bounds}")
    bd = o.dims.get("breakdown", "")
    if bd and bd != DEFAULTS["breakdown"]:
        extras.append(ix.label(bd))
    if context:
        for dim in ("charge", "right", "category"):
            value = o.dims.get(dim, "")
            if value and value != DEFAULTS[dim]:
                extras.append(ix.label(value))
                break
    return f"{text} ({'; '.join(extras)})" if extras else text


def _figure_text_zh(ix: Index, o: Obs, context: bool) -> str:
    """:func:`figure_text` in Chinese ("105 案件（2023年）", "案件同比 +144.3%（2023年；较2022年）").

    >>> from ipgraph.model.prefixes import PREFIXES as P
    >>> dims = {"measure": P["measure"] + "change-rate", "unit": P["unit"] + "case"}
    >>> ix = Index(zh={P["unit"] + "case": "案件"})
    >>> _figure_text_zh(ix, Obs("x", False, dims, period="2023", base="2022", value=Decimal("144.3")), False)
    '案件同比 +144.3%（2023年；较2022年）'
    """
    measure = local_name(o.dims.get("measure", ""))
    unit = ix.label(o.dims.get("unit", ""), "zh") if o.dims.get("unit") else "项"
    q = _QUALIFIER.get(local_name(o.qualifier), "")
    v = o.value
    if o.direction:
        text = f"{unit}（{ix.label(o.dims['measure'], 'zh')}）：{ix.label(o.direction, 'zh')}（文字表述）"
    elif v is None:
        text = f"{unit}{ix.label(o.dims.get('measure', ''), 'zh')}（无数值）"
    elif measure == "count":
        text = f"{q}{fmt_number(v)} {unit}"
    elif measure == "share":
        text = f"{unit}占比 {q}{fmt_number(v)}%"
    elif measure == "rate":
        text = f"{unit}比率 {q}{fmt_number(v)}%"
    elif measure == "change-rate":
        text = f"{unit}同比 {q}{fmt_number(v, signed=True)}%"
    elif measure == "change-multiple":
        text = f"{unit}增长 {q}{fmt_number(v)} 倍"
    elif measure == "change-amount":
        text = f"{unit} {q}{fmt_number(v, signed=True)}"
    elif measure == "average-duration":
        text = f"平均每{unit} {q}{fmt_number(v)} 日"
    elif measure == "rank":
        text = f"按{unit}排名第 {q}{fmt_number(v)}"
    else:
        text = f"{q}{fmt_number(v)}（{ix.label(o.dims.get('measure', ''), 'zh')}，{unit}）"
    extras = [f"{o.period}年" if o.period.isdigit() else o.period] if o.period else []
    if measure in ("change-rate", "change-multiple", "change-amount"):
        extras.append(f"较{o.base}年" if o.base.isdigit() else f"较{o.base}" if o.base else "较上年")
    if o.derived:
        bounds = ""
        if o.low is not None or o.high is not None:
            lo = fmt_number(_rounded(o.low)) if o.low is not None else "…"
            hi = fmt_number(_rounded(o.high)) if o.high is not None else "…"
            bounds = f"，介于 {lo} 与 {hi} 之间"
        extras.append(f"推算{bounds}")
    bd = o.dims.get("breakdown", "")
    if bd and bd != DEFAULTS["breakdown"]:
        extras.append(ix.label(bd, "zh"))
    if context:
        for dim in ("charge", "right", "category"):
            value = o.dims.get(dim, "")
            if value and value != DEFAULTS[dim]:
                extras.append(ix.label(value, "zh"))
                break
    return f"{text}（{'；'.join(extras)}）" if extras else text


def _rounded(d: Decimal) -> Decimal:
    """A bound rounded to two decimals (``36.842105`` → ``36.84``).

    >>> _rounded(Decimal("36.842105")), _rounded(Decimal("60"))
    (Decimal('36.84'), Decimal('60'))
    """
    return d if d == d.to_integral_value() else d.quantize(Decimal("0.01"))


def headline_obs(observations: list[Obs]) -> Obs | None:
    """The observation that best sums up a node: the latest stated total count, cases and clues before
    others."""
    best: tuple[int, str, Decimal] | None = None
    best_obs: Obs | None = None
    for o in observations:
        if o.derived or o.value is None or local_name(o.dims.get("measure", "")) != "count":
            continue
        if o.dims.get("breakdown", DEFAULTS["breakdown"]) != DEFAULTS["breakdown"]:
            continue
        unit = local_name(o.dims.get("unit", ""))
        pref = _UNIT_PREFERENCE.index(unit) if unit in _UNIT_PREFERENCE else len(_UNIT_PREFERENCE)
        if unit == "perpetrator":
            pref += 1
        key = (-pref, o.period, o.value)
        if best is None or key > best:
            best, best_obs = key, o
    return best_obs


def headline(ix: Index, observations: list[Obs], lang: str = "en") -> tuple[Decimal | None, str]:
    """The value of :func:`headline_obs` and its text in ``en`` or ``zh``.

    >>> from ipgraph.model.prefixes import PREFIXES as P
    >>> dims = {"measure": P["measure"] + "count", "unit": P["unit"] + "case"}
    >>> dims["breakdown"] = P["breakdown"] + "total"
    >>> o = Obs("x", False, dims, period="2023", value=Decimal(1369))
    >>> headline(Index(), [o])
    (Decimal('1369'), '1,369 cases')
    """
    best_obs = headline_obs(observations)
    if best_obs is None or best_obs.value is None:
        return None, ""
    if lang == "zh":
        unit = ix.label(best_obs.dims.get("unit", ""), "zh") if best_obs.dims.get("unit") else ""
        return best_obs.value, f"{fmt_number(best_obs.value)} {unit}".strip()
    unit = ix.label(best_obs.dims.get("unit", ""), "en") if best_obs.dims.get("unit") else "item"
    return best_obs.value, f"{fmt_number(best_obs.value)} {plural(unit, best_obs.value)}"


def subjects_of(o: Obs, common_entity: str) -> list[str]:
    """The resources an observation is about: its most specific restricted dimension, and its observed entity
    when that is not the report's usual one.

    >>> from ipgraph.model.prefixes import PREFIXES as P
    >>> dims = {"charge": P["charge"] + "art-213", "right": P["right"] + "trademark"}
    >>> o = Obs("x", False, {**dims, "category": P["category"] + "ip-criminal", "entity": "e"})
    >>> [s.rsplit("/", 1)[1] for s in subjects_of(o, "e")]
    ['art-213']
    """
    out: list[str] = []
    for dim in ("charge", "right", "category"):
        value = o.dims.get(dim, "")
        if value and value != DEFAULTS[dim]:
            out.append(value)
            break
    entity = o.dims.get("entity", "")
    if entity and entity != common_entity:
        out.append(entity)
    return out
