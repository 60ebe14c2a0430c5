"""The value a bar or a headline shows for one quantity of one report, and its change on the year before.

A stated value wins; else a value ipgraph derived on no reading (several routes: one value over all their
bounds); else the reading of “rose by N times” that the graph's checks settle on (:mod:`ipgraph.viz.verdicts`),
the other readings kept as alternatives with the checks that reject them. A range over two readings is never
the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ipgraph.model.periods import period_of_slug
from ipgraph.model.prefixes import PREFIXES
from ipgraph.viz.bars import Alternative, Change, Value
from ipgraph.viz.figures import fmt_number
from ipgraph.viz.index import Index, Obs, local_name
from ipgraph.viz.verdicts import UNAMBIGUOUS, CheckResult, Verdicts

INCREASE = PREFIXES["interpretation"] + "multiple-as-increase"
FACTOR = PREFIXES["interpretation"] + "multiple-as-factor"
_KIND_ORDER = ("whole-number", "total-vs-parts", "routes-agree")  # the plainest reason first


def value_for(observations: Sequence[Obs]) -> Value | None:
    """The value of a bar from the observations with its dimensions and period: the stated one if any,
    else the derived ones (several routes to one quantity become one bar spanning all their bounds).

    >>> from decimal import Decimal
    >>> o = Obs("x", True, {}, period="2022", value=Decimal(174), low=Decimal("173.9"), high=Decimal(175))
    >>> v = value_for([o]); (v.value, v.derived, v.low, v.high)
    (Decimal('174'), True, Decimal('173.9'), Decimal('175'))
    """
    stated = [o for o in observations if not o.derived and o.value is not None]
    if stated:
        return Value(stated[0].value, observations=(stated[0].iri,))  # type: ignore[arg-type]
    derived = sorted((o for o in observations if o.derived and o.value is not None), key=lambda o: o.iri)
    if not derived:
        return None
    lows = [o.low if o.low is not None else o.value for o in derived]
    highs = [o.high if o.high is not None else o.value for o in derived]
    note = "derived" if len(derived) == 1 else f"derived, {len(derived)} routes"
    return Value(
        derived[0].value,  # type: ignore[arg-type]
        derived=True,
        low=min(x for x in lows if x is not None),
        high=max(x for x in highs if x is not None),
        note=note,
        observations=tuple(o.iri for o in derived),
    )


def _why(ix: Index, against: Sequence[CheckResult]) -> str:
    """Why a reading is rejected, in a few words: the plainest failing check and how many more."""
    ranked = sorted(against, key=lambda c: (_rank(local_name(c.kind)), c.iri))
    if not ranked:
        return ""
    first = ranked[0]
    more = f"; +{len(ranked) - 1} more check{'s' if len(ranked) > 2 else ''}" if len(ranked) > 1 else ""
    return f"fails “{ix.label(first.kind)}”: {first.expression}{more}"


def _rank(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)


def _reading_value(ix: Index, verdicts: Verdicts, o: Obs) -> Value:
    interp = verdicts.reading_of(o)
    v = value_for([o])
    assert v is not None
    v.interpretation = interp
    v.reading = (ix.label(interp, "en"), ix.label(interp, "zh"))
    return v


def settled_value(ix: Index, verdicts: Verdicts, observations: Sequence[Obs]) -> tuple[Value | None, list[Alternative]]:
    """The value a bar shows, and the readings it does not show.

    The stated value if any; else the derived values resting on no reading (several routes: one bar over all
    their bounds); else the reading of “rose by N times” the checks settle on, with every other reading as an
    alternative (rejected, with the checks that reject it). When the checks settle none, no value is drawn and
    each reading is an alternative "not settled" — a range over two readings is never shown as the answer.
    """
    stated = [o for o in observations if not o.derived and o.value is not None]
    derived = [o for o in observations if o.derived and o.value is not None]
    plain = [o for o in derived if verdicts.reading_of(o) == UNAMBIGUOUS]
    if stated or plain or not derived:
        return value_for(stated or plain), []
    chosen, others = verdicts.settle(derived)
    alternatives = [Alternative(_reading_value(ix, verdicts, o), against, _why(ix, against)) for o, against in others]
    return (_reading_value(ix, verdicts, chosen) if chosen is not None else None), alternatives


def change_for(ix: Index, changes: Sequence[Obs], before: Value | None, now: Value | None) -> Change | None:
    """The % change of a row: a change rate the report states; else a multiple it states (“rose by N times”)
    under the reading the value of the year before rests on; else computed from the two values."""
    for o in sorted(changes, key=lambda o: o.iri):
        measure = local_name(o.dims.get("measure", ""))
        if o.value is None or o.derived:
            continue
        if measure == "change-rate":
            return Change(o.value, "stated", o.iri)
        if measure == "change-multiple" and before is not None and before.interpretation in (INCREASE, FACTOR):
            factor = o.value + 1 if before.interpretation == INCREASE else o.value
            return Change((factor - 1) * 100, "multiple", o.iri)
    if before is not None and now is not None and before.value and not before.interpretation:
        return Change((now.value - before.value) / before.value * 100, "computed")
    return None


def year_change(ix: Index, verdicts: Verdicts, lead: Obs, quantity: Sequence[Obs]) -> Change | None:
    """The % change on the year before of a count ``lead``, as the charts show it: ``quantity`` holds the figures
    of the same quantity (every dimension but the measure alike, any period), stated or derived. The year before
    is the value :func:`settled_value` picks (stated, derived, or under the settled reading), the change that of
    :func:`change_for` — the rate the report states, else the one ``ipgraph trends`` computes from the two values.
    """
    period = period_of_slug(lead.period)
    previous = period.previous_year() if period is not None else None
    if previous is None:
        return None
    counts = [o for o in quantity if local_name(o.dims.get("measure", "")) == "count"]
    before, _ = settled_value(ix, verdicts, [o for o in counts if o.period == previous.slug])
    now, _ = settled_value(ix, verdicts, [o for o in counts if o.period == lead.period])
    changes = [
        o
        for o in quantity
        if o.period == lead.period
        and local_name(o.dims.get("measure", "")).startswith("change-")
        and (not o.base or o.base == previous.slug)
    ]
    return change_for(ix, changes, before, now)


def change_arrow(change: Change) -> str:
    """A change as a node shows it beside its count: an arrow up or down and the size of the change in per cent
    (as the report states it, or ``≈`` and one decimal when computed from the two values).

    >>> from decimal import Decimal
    >>> change_arrow(Change(Decimal("144.3"), "stated")), change_arrow(Change(Decimal("-4.04"), "computed"))
    ('▲ 144.3%', '▼ ≈4.0%')
    >>> change_arrow(Change(Decimal("73.291"), "computed")), change_arrow(Change(Decimal("0"), "stated"))
    ('▲ ≈73.3%', '= 0%')
    """
    computed = change.source == "computed"
    shown = change.percent.quantize(Decimal("0.1")) if computed else change.percent
    arrow = "▲" if shown > 0 else "▼" if shown < 0 else "="
    return f"{arrow} {f'≈{abs(shown):,.1f}' if computed else fmt_number(abs(shown))}%"
