"""Indicators are exact: decimals as typed, geometric means ordered without taking roots."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from clustercert.rules import indicators as ind


def rows(values: list[object], key: str = "sme_rd") -> dict[int, dict[str, Fraction | None]]:
    return {2023 + i: ind.exact_row({key: v}) for i, v in enumerate(values)}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.1, Fraction(1, 10)),
        (150000.01, Fraction(15000001, 100)),
        (Decimal("60.5"), Fraction(121, 2)),
        (7, Fraction(7)),
        (float("nan"), None),
        (None, None),
        (pd.NA, None),
        ("", None),
    ],
)
def test_to_exact_recovers_what_was_typed(raw: object, expected: Fraction | None) -> None:
    assert ind.to_exact(raw) == expected


def test_geometric_growth_of_exactly_five_percent_is_exact() -> None:
    growth = ind.growth("sme_rd", rows([10000, 10500, 11025]), [2023, 2024, 2025], "geometric").value
    assert isinstance(growth, ind.GeometricGrowth)
    assert growth.ratio == Fraction(441, 400) and growth.periods == 2
    assert ind.order(growth, 5) == 0
    assert not ind.satisfies(growth, "高于", 5) and ind.satisfies(growth, "不低于", 5)
    assert math.sqrt(11025 / 10000) - 1 > 0.05  # floating point alone would call it above 5 %
    assert ind.to_decimal(growth).quantize(Decimal("0.000001")) == Decimal("5.000000")


def test_geometric_growth_orders_nearby_values() -> None:
    up = ind.growth("sme_rd", rows([10000, 0, 11026]), [2023, 2024, 2025], "geometric").value
    down = ind.growth("sme_rd", rows([10000, 0, 11024]), [2023, 2024, 2025], "geometric").value
    assert ind.order(up, 5) == 1 and ind.order(down, 5) == -1
    shrink = ind.growth("sme_rd", rows([100, 50, 0]), [2023, 2024, 2025], "geometric").value
    assert ind.order(shrink, -100) == 0 and ind.order(shrink, -150) == 1


def test_arithmetic_mean_of_ratios() -> None:
    measured = ind.growth("sme_rd", rows([100, 110, 99]), [2023, 2024, 2025], "arithmetic_mean_of_ratios")
    assert measured.value == Fraction(0)  # (1.1 + 0.9) / 2 − 1


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ([0, 100, 200], "2023年中小企业研发经费为0（基期为零），无法计算年均增长"),
        ([None, 100, 200], "2023年中小企业研发经费未填报"),
        ([100, 100, None], "2025年中小企业研发经费未填报"),
    ],
)
def test_growth_without_a_base_gives_a_reason(values: list[object], reason: str) -> None:
    measured = ind.growth("sme_rd", rows(values), [2023, 2024, 2025], "geometric")
    assert measured.value is None and measured.reason == reason


def test_shares_and_density_are_exact() -> None:
    row = ind.exact_row({"total_output": 300000.5, "sme_output": 180000.3, "invention_patents": 10,
                         "employees": 20000})  # fmt: skip
    assert ind.YEARLY["sme_share"].func(row).value == 60
    assert ind.YEARLY["patent_density"].func(row).value == 5
    assert ind.YEARLY["leading_share"].func(row).reason == "主导产业产值未填报，无法计算主导产业产值占比"


def test_every_measure_named_in_a_policy_exists() -> None:
    for name in ("total_output", "sme_share", "leading_share", "patent_density", "ii_adoption_pct",
                 "software_adoption_pct", "energy_intensity", "sme_rd", "invention_patents"):  # fmt: skip
        assert ind.measure_kind(name) == "yearly"
    assert ind.measure_kind("designated_enterprises") == "value"
    assert ind.measure_kind("plan_target_count") == "plan"
    assert ind.measure_kind("nothing") is None
