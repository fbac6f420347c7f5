"""Words of comparison (SPEC §4.1): the Chinese word in the regulation decides whether the number itself counts.

民法典 第一千二百五十九条: 以上、以下、以内、届满 include the number itself; 不满、超过 do not. Plain meaning
adds 不低于/不少于/不超过 (include) and 高于/低于 (exclude). Policy files name comparators by these words, so
the word an analyst reads in the regulation is the word the code applies.

Comparisons are exact: both sides become `Fraction`s (a `Decimal` converts exactly), never floats.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

Number = Decimal | Fraction | int


class UnknownComparatorError(ValueError):
    """A policy names a word of comparison this table does not define."""


# word → (operator on (value, threshold), includes the number itself); `holds` passes ints
Order = Callable[[Fraction | int, Fraction | int], bool]
COMPARATORS: dict[str, tuple[Order, bool]] = {
    "以上": (operator.ge, True),
    "不低于": (operator.ge, True),
    "不少于": (operator.ge, True),
    "届满": (operator.ge, True),
    "以下": (operator.le, True),
    "以内": (operator.le, True),
    "不超过": (operator.le, True),
    "高于": (operator.gt, False),
    "超过": (operator.gt, False),
    "低于": (operator.lt, False),
    "不满": (operator.lt, False),
}

# How a result reads in Chinese once the rule failed: "不满足“高于60%”" is unambiguous for every word.
SYMBOLS: dict[str, str] = {"以上": "≥", "不低于": "≥", "不少于": "≥", "届满": "≥", "以下": "≤", "以内": "≤"}
SYMBOLS |= {"不超过": "≤", "高于": ">", "超过": ">", "低于": "<", "不满": "<"}


def check_word(word: str) -> str:
    """Return `word` when it is a known word of comparison, else raise (policy files are validated with it)."""
    if word not in COMPARATORS:
        known = "、".join(COMPARATORS)
        raise UnknownComparatorError(f"unknown word of comparison {word!r}; known: {known}")
    return word


def exact(value: Number) -> Fraction:
    """The exact rational value of a number; floats are refused because they already lost the decimal."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number to compare")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (Decimal, int, Rational)):
        return Fraction(value)
    raise TypeError(f"compare exact numbers (Decimal, Fraction, int), not {type(value).__name__}")


def compare(value: Number, word: str, threshold: Number) -> bool:
    """True when `value` satisfies "<word> <threshold>", e.g. compare(Decimal(60), "以上", Decimal(60)) → True."""
    op, _ = COMPARATORS[check_word(word)]
    return bool(op(exact(value), exact(threshold)))


def holds(word: str, sign: int) -> bool:
    """Apply `word` to an already-known ordering: sign is −1, 0 or 1 for value <, =, > threshold.

    Used where the value is irrational (a geometric mean) and only its ordering against the threshold
    is computed exactly.
    """
    op, _ = COMPARATORS[check_word(word)]
    return bool(op(sign, 0))


def includes_bound(word: str) -> bool:
    """Whether the number itself satisfies the word (以上 → True, 高于 → False)."""
    return COMPARATORS[check_word(word)][1]
