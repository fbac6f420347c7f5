"""Shared builders for the dynamic-management tests: case tables, certificates, monitoring reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clustercert import contract
from clustercert.management.monitoring_report import MonitoringReport
from clustercert.submission import ClusterData

CASES = Path(__file__).parent / "cases"

# Harbin (230100) and Daqing (230600): two real prefectures of the reference table.
HARBIN, DAQING = "230100", "230600"
# A year's 经营指标 of a cluster that meets every single-year Art. 5 criterion of hlj-2023.
FIGURES = {
    "total_output": 200000,
    "sme_output": 130000,
    "leading_output": 130000,
    "sme_rd": 1000,
    "invention_patents": 100,
    "employees": 20000,
    "ii_adoption_pct": 15,
    "software_adoption_pct": 30,
    "energy_intensity": 0.5,
}


def load_cases(name: str) -> dict[str, Any]:
    """A YAML case table: top-level parameters plus `cases`, each with a readable `case` title."""
    return yaml.safe_load((CASES / name).read_text("utf-8"))


def case_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["case"] for c in cases]


def certificates(*rows: dict[str, Any]) -> pd.DataFrame:
    """certified.csv-like frame; defaults fill what a test does not care about."""
    defaults = {
        "prefecture_code": HARBIN,
        "cluster_name": "测试集群",
        "certified_on": date(2023, 8, 1),
        "valid_until": date(2026, 7, 31),
        "status": "certified",
    }
    return pd.DataFrame([{**defaults, **row} for row in rows])


def table(sheet: contract.Sheet, rows: list[dict[str, Any]], first_row: int = 2) -> pd.DataFrame:
    """A typed table with every contract column and source rows from `first_row` (header = row 1)."""
    frame = pd.DataFrame([{k: row.get(k) for k in sheet.keys} for row in rows], columns=sheet.keys)
    frame["_row"] = range(first_row, first_row + len(rows))
    return frame


def monitoring_report(
    prefecture_code: str = HARBIN,
    report_year: int = 2026,
    submitted_on: Any = date(2027, 3, 1),
    *,
    file: str | None = None,
    cluster_status: list[dict[str, Any]] = (),
    plan_progress: list[dict[str, Any]] = (),
    changes: list[dict[str, Any]] = (),
    incidents: list[dict[str, Any]] = (),
) -> MonitoringReport:
    tables = {
        "work_summary": {
            "prefecture_code": prefecture_code,
            "report_year": report_year,
            "submitted_on": submitted_on,
            "summary": "工作总结",
        },
        "cluster_status": table(contract.CLUSTER_STATUS, list(cluster_status)),
        "plan_progress": table(contract.PLAN_PROGRESS, list(plan_progress)),
        "changes": table(contract.MONITORING_CHANGES, list(changes)),
        "incidents": table(contract.MONITORING_INCIDENTS, list(incidents)),
    }
    rows = {"prefecture_code": 2, "report_year": 3, "submitted_on": 4}
    return MonitoringReport.from_tables(file or f"monitoring_{prefecture_code}.xlsx", tables, rows)


def typed(sheet: contract.Sheet, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows typed as validation types them (Int64, float64, datetime64[ns], bool, str) with `_row`."""
    columns: dict[str, Any] = {}
    for column in sheet.columns:
        values = [row.get(column.key) for row in rows]
        if column.kind == contract.Kind.INTEGER:
            columns[column.key] = pd.array(values, dtype="Int64")
        elif column.kind in (contract.Kind.AMOUNT, contract.Kind.PERCENT):
            columns[column.key] = pd.array(
                [float("nan") if v is None else v for v in values], dtype="float64"
            )
        elif column.kind == contract.Kind.DATE:
            columns[column.key] = pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
        elif column.kind == contract.Kind.YES_NO:
            columns[column.key] = pd.array([bool(v) for v in values], dtype="bool")
        else:
            columns[column.key] = pd.array(["" if v is None else str(v) for v in values], dtype="str")
    frame = pd.DataFrame(columns, index=range(len(rows)))
    frame["_row"] = pd.array(range(2, len(rows) + 2), dtype="Int64")
    return frame


def cluster_data(
    submission_id: str,
    annual: dict[int, dict[str, Any]],
    *,
    designations: list[dict[str, Any]] = (),
    incidents: list[dict[str, Any]] = (),
    campaign_year: int = 2026,
) -> ClusterData:
    """A typed certified submission: the sheets the national criteria read, the rest empty."""
    enterprises = [
        {"uscc": d["uscc"], "name": f"企业{n}", "size": "中型", "in_leading_industry": True, "output": 1000.0}
        for n, d in enumerate(designations, start=1)
    ]
    profile = {
        "campaign_year": campaign_year,
        "application_type": contract.APPLICATION_NEW,
        "certificate_id": None,
        "cluster_name": "测试集群",
        "county_code": "230183",
        "county_name": "尚志市",
        "location_detail": None,
        "leading_industry": "食品加工",
        "industry_code": "C1469",
        "high_energy_industry": False,
        "high_water_industry": False,
        "area_km2": 80.0,
        "operator_name": "管委会",
        "applicant": "工信局",
        "contact_name": "张三",
        "contact_phone": "0451-00000000",
        "declared_on": date(campaign_year, 6, 30),
    }
    return ClusterData(
        submission_id=submission_id,
        file=f"{submission_id}.xlsx",
        sha256="0" * 64,
        profile=profile,
        annual=typed(contract.ANNUAL, [{"year": y, **v} for y, v in sorted(annual.items())]),
        enterprises=typed(contract.ENTERPRISES, enterprises),
        designations=typed(contract.DESIGNATIONS_SHEET, list(designations)),
        incidents=typed(contract.INCIDENTS, list(incidents)),
        evidence=typed(contract.EVIDENCE, []),
        plan_targets=typed(contract.PLAN_TARGETS, []),
    )
