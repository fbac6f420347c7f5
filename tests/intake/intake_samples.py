"""A complete, plausible submission as tables for `write_workbook` (shared by the intake tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def sample_tables(year: int = 2026, enterprises: int = 3) -> dict[str, Any]:
    return {
        "profile": {
            "campaign_year": year,
            "application_type": "新申报",
            "cluster_name": "尚志市食品加工产业集群",
            "county_code": "230183",
            "county_name": "尚志市",
            "leading_industry": "食品加工",
            "industry_code": "C1469",
            "high_energy_industry": "否",
            "high_water_industry": "否",
            "area_km2": 35.5,
            "operator_name": "尚志市经济开发区管委会",
            "applicant": "尚志市工业和信息化局",
            "contact_name": "张三",
            "contact_phone": "0451-53300000",
            "declared_on": dt.date(year, 6, 30),
        },
        "annual": [
            {
                "year": year - 3 + i,
                "total_output": 150000 + 10000 * i,
                "sme_output": 100000,
                "leading_output": 95000,
                "sme_rd": 3000.5,
                "invention_patents": 120 + i,
                "employees": 20000,
                "ii_adoption_pct": 12,
                "software_adoption_pct": 30 + i,
                "energy_intensity": 0.5 - 0.01 * i,
            }
            for i in range(3)
        ],
        "enterprises": [
            {
                "uscc": f"91230183MA{i:07d}X",
                "name": f"尚志企业{i}",
                "size": "小型",
                "in_leading_industry": "是",
                "output": 1234.5,
            }
            for i in range(enterprises)
        ],
        "designations": [
            {
                "uscc": "91230183MA0000000X",
                "designation": "专精特新“小巨人”",
                "level": "国家级",
                "valid_until": dt.date(year + 1, 12, 31),
            }
        ],
        "incidents": [],
        "evidence": [{"item": "A5.1.pillar", "met": "是", "evidence": "县政府文件"}],
        "plan_targets": [
            {"indicator": "total_output", "baseline": 170000, "target_year": year, "target_value": 180000}
        ],
    }
