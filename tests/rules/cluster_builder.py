"""Build typed `ClusterData` for rule tests: a cluster that passes everything, changed where a test says.

Frames carry the dtypes validation hands to the rules (clustercert.submission): Int64 for integers,
float64 for amounts and percents, datetime64[ns] for dates, bool for 是/否, str for text.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from functools import cache
from typing import Any

import pandas as pd

from clustercert.contract import (
    ANNUAL,
    DESIGNATION_CHAMPION,
    DESIGNATIONS_SHEET,
    ENTERPRISES,
    EVIDENCE,
    INCIDENTS,
    PLAN_TARGETS,
    Kind,
    Sheet,
)
from clustercert.policy import load_policy
from clustercert.submission import ROW, ClusterData

CAMPAIGN_YEAR = 2026
AS_OF = date(2026, 7, 1)

BASE_ANNUAL: dict[int, dict[str, Any]] = {
    2023: dict(total_output=200000, sme_output=150000, leading_output=150000, sme_rd=1000, invention_patents=100,
               employees=20000, ii_adoption_pct=15, software_adoption_pct=30, energy_intensity=0.5),
    2024: dict(total_output=220000, sme_output=160000, leading_output=160000, sme_rd=1100, invention_patents=110,
               employees=20000, ii_adoption_pct=18, software_adoption_pct=35, energy_intensity=0.45),
    2025: dict(total_output=250000, sme_output=175000, leading_output=175000, sme_rd=1210, invention_patents=121,
               employees=20000, ii_adoption_pct=20, software_adoption_pct=40, energy_intensity=0.4),
}  # fmt: skip

BASE_PROFILE: dict[str, Any] = {
    "campaign_year": CAMPAIGN_YEAR,
    "application_type": "新申报",
    "certificate_id": None,
    "cluster_name": "尚志市食品加工产业集群",
    "county_code": "230183",
    "county_name": "尚志市",
    "location_detail": None,
    "leading_industry": "食品加工",
    "industry_code": "C1469",
    "high_energy_industry": False,
    "high_water_industry": False,
    "area_km2": 80.0,
    "operator_name": "尚志经济开发区管委会",
    "applicant": "尚志市工业和信息化局",
    "contact_name": "张三",
    "contact_phone": "0451-00000000",
    "declared_on": date(2026, 6, 30),
}

ENTERPRISE_IDS = [f"91230183MA{n:07d}X" for n in range(1, 11)]  # ids need not be valid USCCs here


def base_enterprises() -> list[dict[str, Any]]:
    return [
        {"uscc": uscc, "name": f"企业{n}", "size": "中型", "in_leading_industry": n <= 5, "output": 1000.0}
        for n, uscc in enumerate(ENTERPRISE_IDS, start=1)
    ]


def base_designations() -> list[dict[str, Any]]:
    return [
        {
            "uscc": ENTERPRISE_IDS[0],
            "designation": DESIGNATION_CHAMPION,
            "level": "国家级",
            "valid_until": None,
        }
    ]


@cache
def _items() -> tuple:
    return load_policy("hlj-2023").qualitative_items


def base_evidence() -> dict[str, tuple[bool, str]]:
    items = _items()
    return {item.id: (True, f"{item.title}证明材料.pdf") for item in items if item.when is None}


def base_plan() -> list[dict[str, Any]]:
    return [
        {"indicator": "total_output", "baseline": 250000.0, "target_year": year, "target_value": value}
        for year, value in ((2026, 270000.0), (2027, 290000.0), (2028, 320000.0))
    ]


def frame(sheet: Sheet, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records → a frame typed as validation types it, with a `_row` column (header is row 1)."""
    columns: dict[str, Any] = {}
    for column in sheet.columns:
        values = [record.get(column.key) for record in records]
        if column.kind == Kind.INTEGER:
            columns[column.key] = pd.array(values, dtype="Int64")
        elif column.kind in (Kind.AMOUNT, Kind.PERCENT):
            columns[column.key] = pd.array(
                [float("nan") if v is None else v for v in values], dtype="float64"
            )
        elif column.kind == Kind.DATE:
            columns[column.key] = pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
        elif column.kind == Kind.YES_NO:
            columns[column.key] = pd.array([bool(v) for v in values], dtype="bool")
        else:
            columns[column.key] = pd.array(["" if v is None else str(v) for v in values], dtype="str")
    result = pd.DataFrame(columns, index=range(len(records)))
    result[ROW] = pd.array(range(2, len(records) + 2), dtype="Int64")
    return result


def build(
    *,
    annual: dict[int, dict[str, Any]] | None = None,
    replace_annual: dict[int, dict[str, Any]] | None = None,
    drop_years: list[int] | None = None,
    profile: dict[str, Any] | None = None,
    enterprises: list[dict[str, Any]] | None = None,
    designations: list[dict[str, Any]] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    evidence: dict[str, Any] | None = None,
    plan_targets: list[dict[str, Any]] | None = None,
    submission_id: str = "2026-230183-abcdef01",
) -> ClusterData:
    """The base cluster; `annual` patches years (a value of None blanks a cell), `replace_annual` replaces
    the whole sheet, `drop_years` removes rows, `evidence` patches items ({id: [met, document]}, or None
    to drop the row)."""
    years = deepcopy(BASE_ANNUAL) if replace_annual is None else deepcopy(replace_annual)
    for year, values in (annual or {}).items():
        years.setdefault(int(year), {}).update(values)
    for year in drop_years or []:
        years.pop(int(year), None)
    items: dict[str, Any] = base_evidence()
    for item, value in (evidence or {}).items():
        if value is None:
            items.pop(item, None)
        else:
            items[item] = tuple(value)
    return ClusterData(
        submission_id=submission_id,
        file=f"{submission_id}.xlsx",
        sha256="0" * 64,
        profile={**BASE_PROFILE, **(profile or {})},
        annual=frame(ANNUAL, [{"year": y, **v} for y, v in sorted(years.items())]),
        enterprises=frame(ENTERPRISES, base_enterprises() if enterprises is None else enterprises),
        designations=frame(DESIGNATIONS_SHEET, base_designations() if designations is None else designations),
        incidents=frame(INCIDENTS, incidents or []),
        evidence=frame(
            EVIDENCE, [{"item": i, "met": met, "evidence": document} for i, (met, document) in items.items()]
        ),
        plan_targets=frame(PLAN_TARGETS, base_plan() if plan_targets is None else plan_targets),
    )
