"""Script of a report (字形): traditional script (繁体) and converter damage (转码损坏).

Reports arrive typed in traditional script (Taiwan/Hong Kong style forms such as 為, 群眾, via OpenCC's
``s2tw``) and sometimes mangled by a bad converter, as in the seed article: some traditional characters are
followed by their pinyin in parentheses (``來(lái)源``), and some are lost to ``?`` with or without the
pinyin left behind (``昭通日?qǐng)?bào)``).
"""

from __future__ import annotations

import random
from functools import cache

import opencc
from pypinyin import Style, pinyin


@cache
def _s2tw() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("tw2s")


def to_traditional(text: str) -> str:
    """Simplified → traditional (Taiwan standard forms)."""
    return str(_s2tw().convert(text))


def _annotated(ch: str, simplified: str) -> bool:
    # The broken converter annotates a fixed subset of the characters whose form differs from simplified;
    # a code-point rule keeps the subset stable across runs (no hash()).
    return ch != simplified and ord(ch) % 3 != 0


def damage(rng: random.Random, traditional: str) -> str:
    """Converter damage applied to a traditional text: pinyin after some characters, some lost to '?'."""
    simplified = str(_t2s().convert(traditional))
    if len(simplified) != len(traditional):  # conversion changed the length: annotate nothing we cannot align
        simplified = traditional
    out: list[str] = []
    for ch, sc in zip(traditional, simplified, strict=True):
        if not _annotated(ch, sc):
            out.append(ch)
            continue
        tone = pinyin(sc, style=Style.TONE, heteronym=False)[0][0]
        roll = rng.random()
        if roll < 0.08:
            out.append(f"?{tone})")  # character and opening parenthesis both lost, as in 日?qǐng)
        elif roll < 0.12:
            out.append("?")
        else:
            out.append(f"{ch}({tone})")
    return "".join(out)
