"""Words of comparison (SPEC §4.1): which words include the number itself, exactly."""

from decimal import Decimal
from fractions import Fraction

import pytest

from clustercert.comparison import (
    COMPARATORS,
    UnknownComparatorError,
    check_word,
    compare,
    holds,
    includes_bound,
)

INCLUSIVE = ["以上", "以下", "以内", "届满", "不低于", "不少于", "不超过"]
EXCLUSIVE = ["高于", "低于", "超过", "不满"]
UPWARD = {"以上", "届满", "不低于", "不少于", "高于", "超过"}


def test_table_covers_the_words_of_spec_4_1() -> None:
    assert set(COMPARATORS) == set(INCLUSIVE) | set(EXCLUSIVE)


@pytest.mark.parametrize("word", INCLUSIVE)
def test_inclusive_words_accept_the_number_itself(word: str) -> None:
    assert compare(Decimal("60"), word, Decimal("60")) is True
    assert includes_bound(word) is True


@pytest.mark.parametrize("word", EXCLUSIVE)
def test_exclusive_words_reject_the_number_itself(word: str) -> None:
    assert compare(Decimal("60"), word, Decimal("60")) is False
    assert includes_bound(word) is False


@pytest.mark.parametrize("word", INCLUSIVE + EXCLUSIVE)
def test_direction_just_above_and_just_below(word: str) -> None:
    above, below = Decimal("60.0000001"), Decimal("59.9999999")
    assert compare(above, word, Decimal(60)) is (word in UPWARD)
    assert compare(below, word, Decimal(60)) is (word not in UPWARD)


def test_spec_examples() -> None:
    assert compare(Decimal("60"), "以上", Decimal("60"))  # SME share 60 % passes
    assert not compare(Decimal("60"), "高于", Decimal("60"))  # leading share must be above 60 %
    assert compare(Decimal("150000"), "以上", Decimal("150000"))  # 15亿元 passes
    assert compare(Decimal("100"), "不超过", Decimal("100"))  # 100 km² passes


def test_exact_across_decimal_and_fraction() -> None:
    assert compare(Fraction(1, 3), "低于", Decimal("0.3333333333333333333333333334"))
    assert not compare(Fraction(1, 3), "以上", Decimal("0.3333333333333333333333333334"))
    assert compare(Fraction(3, 5) * 100, "以上", 60)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        compare(0.6, "以上", Decimal("0.6"))  # type: ignore[arg-type]


def test_unknown_word_is_an_error() -> None:
    with pytest.raises(UnknownComparatorError, match="大于"):
        compare(Decimal(1), "大于", Decimal(0))
    with pytest.raises(UnknownComparatorError):
        check_word("≥")


def test_holds_applies_a_word_to_an_ordering() -> None:
    assert holds("不低于", 0) and not holds("高于", 0) and holds("高于", 1) and holds("不满", -1)
