"""Simplified and traditional Chinese: one form of a label for matching, so that 檢察院 finds 检察院.

Conversion is OpenCC's (phrase-level tables kept by the OpenCC project): a label and the term looked up are both
turned into simplified characters, Unicode-normalised (NFKC) and lower-cased before they are compared.

>>> match_key("上海市人民檢察院") == match_key("上海市人民检察院")
True
>>> match_key("ＳＰＰ Shanghai")
'spp shanghai'
>>> sorted(variant_map(["知识产权检察"]).items())
[('檢', '检'), ('權', '权'), ('產', '产'), ('識', '识')]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=4)
def _converter(config: str) -> _Converter:
    import opencc

    converter: _Converter = opencc.OpenCC(config)
    return converter


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (traditional ones converted; anything else unchanged)."""
    return _converter("t2s").convert(text) if has_han(text) else text


def match_key(text: str) -> str:
    """The form two labels are compared in: NFKC-normalised, lower-case, simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def variant_map(labels: Iterable[str]) -> dict[str, str]:
    """For the characters of ``labels``: each traditional form → its simplified form.

    A page without a converter of its own (the offline views) turns a typed query into simplified characters
    with this map, one character at a time; only characters that occur in some label can match, so only those
    are listed.
    """
    out: dict[str, str] = {}
    for label in labels:
        if not has_han(label):
            continue
        simplified = match_key(label)
        for config in ("s2t", "s2tw", "s2hk"):
            traditional = _converter(config).convert(simplified)
            if len(traditional) == len(simplified):
                out.update({t: s for t, s in zip(traditional, simplified, strict=True) if t != s and has_han(s)})
        normalised = unicodedata.normalize("NFKC", label).lower()
        if len(normalised) == len(simplified):
            out.update({t: s for t, s in zip(normalised, simplified, strict=True) if t != s and has_han(s)})
    return out
