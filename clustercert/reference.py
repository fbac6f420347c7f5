"""Heilongjiang's county-level divisions (shipped with the package, see data/)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class County:
    county_code: str
    county_name: str
    county_kind: str
    prefecture_code: str
    prefecture_name: str


@cache
def counties() -> dict[str, County]:
    """All 121 county-level divisions by six-digit code."""
    text = resources.files("clustercert.data").joinpath("hlj_county_divisions.csv").read_text("utf-8")
    return {row["county_code"]: County(**row) for row in csv.DictReader(text.splitlines())}


@cache
def prefectures() -> dict[str, str]:
    """Prefecture code → name (13 市（地）)."""
    return {c.prefecture_code: c.prefecture_name for c in counties().values()}


def county(code: str) -> County | None:
    return counties().get(code)
