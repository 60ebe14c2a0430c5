"""Closed intervals of exact rationals, for figures that a report rounds.

A value stated as ``144.3`` stands for anything in [144.25, 144.35]; arithmetic on intervals keeps the bounds.

>>> rate = Interval.rounded(Fraction("144.3"), decimals=1)
>>> base = Interval.exact(425) / (Interval.exact(1) + rate / 100)
>>> f"{float(base.low):.2f} {float(base.high):.2f}", base.integers()
('173.93 174.00', [174])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

INFINITY = Fraction(10**18)


@dataclass(frozen=True)
class Interval:
    """[low, high] with exact rational bounds."""

    low: Fraction
    high: Fraction

    @classmethod
    def exact(cls, value: Fraction | int) -> Interval:
        """A value with no rounding."""
        v = Fraction(value)
        return cls(v, v)

    @classmethod
    def rounded(cls, value: Fraction, decimals: int) -> Interval:
        """A value rounded to ``decimals`` places: ± half a unit of the last place."""
        half = Fraction(1, 2 * 10**decimals)
        return cls(value - half, value + half)

    @property
    def mid(self) -> Fraction:
        """The midpoint."""
        return (self.low + self.high) / 2

    @property
    def width(self) -> Fraction:
        """high - low."""
        return self.high - self.low

    def __add__(self, other: Interval | int | Fraction) -> Interval:
        o = other if isinstance(other, Interval) else Interval.exact(other)
        return Interval(self.low + o.low, self.high + o.high)

    def __sub__(self, other: Interval | int | Fraction) -> Interval:
        o = other if isinstance(other, Interval) else Interval.exact(other)
        return Interval(self.low - o.high, self.high - o.low)

    def __mul__(self, other: Interval | int | Fraction) -> Interval:
        o = other if isinstance(other, Interval) else Interval.exact(other)
        products = [self.low * o.low, self.low * o.high, self.high * o.low, self.high * o.high]
        return Interval(min(products), max(products))

    def __truediv__(self, other: Interval | int | Fraction) -> Interval:
        o = other if isinstance(other, Interval) else Interval.exact(other)
        if o.low <= 0 <= o.high:
            raise ZeroDivisionError("interval divisor contains zero")
        return self * Interval(1 / o.high, 1 / o.low)

    def overlaps(self, other: Interval) -> bool:
        """Whether the two intervals share a point."""
        return self.low <= other.high and other.low <= self.high

    def contains(self, value: Fraction) -> bool:
        """Whether ``value`` lies in the interval."""
        return self.low <= value <= self.high

    def integers(self, limit: int = 50) -> list[int]:
        """The whole numbers inside (at most ``limit`` of them)."""
        first, last = math.ceil(self.low), math.floor(self.high)
        return list(range(first, min(last, first + limit - 1) + 1)) if last >= first else []

    def show(self, places: int = 2) -> str:
        """``[a, b]`` or ``a`` when exact, rounded for display."""
        if self.low == self.high:
            return _fmt(self.low, places)
        high = "∞" if self.high >= INFINITY else _fmt(self.high, places)
        return f"[{_fmt(self.low, places)}, {high}]"


def _fmt(value: Fraction, places: int) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    return text
