"""GB 32100-2015 check character (clustercert.uscc), against codes published by real companies."""

from __future__ import annotations

import pytest
from validation.cc_factory import REAL_USCC

from clustercert.uscc import ALPHABET, WEIGHTS, check_character, expected_check_characters, is_valid_uscc


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31 and not set("IOZSV") & set(ALPHABET)


@pytest.mark.parametrize("code", [*REAL_USCC, "91110000600037341L"])
def test_real_codes_pass(code):
    assert is_valid_uscc(code)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_USCC)
def test_any_other_check_character_fails(code):
    wrong = [c for c in ALPHABET if c != code[-1]]
    assert not any(is_valid_uscc(code[:17] + c) for c in wrong)


def test_a_swapped_digit_fails():
    code = "914403001922038216"  # 华为技术有限公司
    assert not is_valid_uscc(code[:9] + code[10] + code[9] + code[11:])


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_the_alphabet_are_rejected(letter):
    body = "91230183MA1" + letter + "00001"
    assert not is_valid_uscc(body + "0")
    with pytest.raises(ValueError):
        check_character(body)


@pytest.mark.parametrize("prefix", ["N2", "Y1", "A1", "51"])
def test_leading_letter_is_allowed(prefix):
    body = prefix + "230183MA1B2C3D4"
    assert len(body) == 17
    assert is_valid_uscc(body + check_character(body))


def test_the_example_of_the_brief_has_a_wrong_check_character():
    assert not is_valid_uscc("911100001000013284")
    assert check_character("91110000100001328") == "W"


@pytest.mark.parametrize(
    "code", ["", "91440300708461136", "91440300708461136TT", "91440300708461136t", None, 123]
)
def test_malformed_codes_are_invalid(code):
    assert not is_valid_uscc(code)


def test_vectorised_check_matches_the_scalar_one():
    codes = [*REAL_USCC, "bad", None, "91440300708461136t", "N2230183MA1B2C3D40", "9123018300000000２F"]
    expected = [check_character(c[:17]) for c in REAL_USCC] + [
        None,
        None,
        None,
        check_character("N2230183MA1B2C3D4"),
    ]
    assert expected_check_characters(codes) == [*expected, None]
