"""Cell normalisation (SPEC §3): exactly spaces, full-width forms and thousands separators."""

from __future__ import annotations

import datetime as dt

import pytest

from clustercert.contract import Kind
from clustercert.intake.normalise import cell_text, format_number, header_form, normalise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.0, "1234"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.3"),
        (1e20, "100000000000000000000"),
        (1.5e-7, "0.00000015"),
        (-0.0, "0"),
        (150000, "150000"),
        (2.5, "2.5"),
        (1234.0999999999999, "1234.1"),
    ],
)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_cell_text_types() -> None:
    assert cell_text(None) == ""
    assert cell_text(True) == "True"  # not guessed into 是: validation reports it
    assert cell_text(dt.datetime(2026, 6, 30, 0, 0)) == "2026-06-30"
    assert cell_text(dt.date(2026, 6, 30)) == "2026-06-30"


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("１２３", Kind.INTEGER, "123"),
        ("1,234", Kind.INTEGER, "1234"),
        ("1,234.5", Kind.AMOUNT, "1234.5"),
        ("１，２３４．５", Kind.AMOUNT, "1234.5"),
        ("－５", Kind.AMOUNT, "-5"),
        (" 65 ", Kind.PERCENT, "65"),
        ("65%", Kind.PERCENT, "65%"),
        ("６５％", Kind.PERCENT, "65%"),
        ("十", Kind.INTEGER, "十"),
        ("1,23", Kind.AMOUNT, "1,23"),
        ("12,345,678", Kind.AMOUNT, "12345678"),
        ("1,234", Kind.TEXT, "1,234"),  # only numeric columns lose separators
        ("\u3000abc\xa0", Kind.TEXT, "abc"),
        ("\ufeffx\u200b", Kind.TEXT, "x"),
        ("２０２６－０６－３０", Kind.DATE, "2026-06-30"),
        ("Ｃ１４６９", Kind.TEXT, "C1469"),
        ("第１集群", Kind.TEXT, "第１集群"),
        ("", Kind.AMOUNT, ""),
        (None, Kind.AMOUNT, ""),
        (1234.0, Kind.AMOUNT, "1234"),
    ],
)
def test_normalise(value, kind: Kind, expected: str) -> None:
    assert normalise(value, kind) == expected


def test_header_form() -> None:
    assert header_form(" 集群总产值(万元) ") == header_form("集群总产值（万元）")
    assert header_form("Total_Output") == header_form("total_output")
    assert header_form(None) == ""
