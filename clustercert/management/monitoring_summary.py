"""Art. 13 — what the monitoring report shows besides monitoring.csv: year R's figures of each
cluster, the prefectures' reporting, each indicator's trend over the years and the Art. 5 threshold
drawn on its chart. Pure functions over the compiled rows and the accepted reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from clustercert.contract import ANNUAL_INDICATOR_KEYS
from clustercert.management.monitoring_report import MonitoringReport
from clustercert.management.plan import actuals_from_annual
from clustercert.management.tables import is_blank, records, text
from clustercert.policy import Policy
from clustercert.submission import ClusterData

# Indicators whose trend the monitoring report draws (Art. 5 aspects a province watches).
KEY_INDICATORS = (
    "total_output",
    "sme_rd",
    "invention_patents",
    "ii_adoption_pct",
    "software_adoption_pct",
    "energy_intensity",
)
Trends = dict[str, dict[str, list[tuple[int, float]]]]  # certificate_id → indicator → [(year, value)]


def latest_values(
    reports: Sequence[MonitoringReport], certificates: pd.DataFrame
) -> dict[str, dict[str, Any]]:
    """certificate_id → year R's 经营指标 from the latest report of its prefecture listing it."""
    owners = {text(r["certificate_id"]): text(r["prefecture_code"]) for r in records(certificates)}
    values: dict[str, dict[str, Any]] = {}
    for report in sorted(reports, key=lambda r: (r.submitted_on or date.min, r.file)):
        for row in records(report.cluster_status):
            cid = text(row.get("certificate_id"))
            if owners.get(cid) == report.prefecture_code:
                values[cid] = {
                    k: float(row[k]) for k in ANNUAL_INDICATOR_KEYS if k in row and not is_blank(row[k])
                }
    return values


def by_prefecture(
    rows: Sequence[Mapping[str, Any]], reports: Sequence[MonitoringReport], deadline: date
) -> list[dict[str, Any]]:
    """Per prefecture: its clusters, how many were reported, and when its first report came."""
    summary: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row["prefecture_code"]
        entry = summary.setdefault(
            code,
            {"prefecture_code": code, "report_status": "", "submitted_on": "", "clusters": 0, "reported": 0},
        )
        entry["clusters"] += 1
        entry["reported"] += row["report_status"] in ("on_time", "late")
    for code, entry in summary.items():
        dates = sorted(r.submitted_on for r in reports if r.prefecture_code == code and r.submitted_on)
        if dates:
            entry["submitted_on"] = dates[0].isoformat()
            entry["report_status"] = "on_time" if dates[0] <= deadline else "late"
        else:
            entry["report_status"] = "missing"
    return [summary[k] for k in sorted(summary)]


def chart_thresholds(policy: Policy) -> dict[str, Any]:
    """indicator → the Art. 5 yearly threshold drawn on its chart (only plain 经营指标 measures)."""
    found = {}
    for criterion in policy.criteria:
        if criterion.measure in ANNUAL_INDICATOR_KEYS and criterion.threshold and criterion.confirmed:
            found[criterion.measure] = policy.value(criterion.threshold)
    return found


def annual_points(annual: pd.DataFrame | None) -> dict[str, dict[int, float]]:
    """indicator → {year: value} from a 经营指标 table."""
    points: dict[str, dict[int, float]] = {}
    for (indicator, year), value in actuals_from_annual(annual).items():
        points.setdefault(indicator, {})[year] = float(value)
    return points


def trends(
    data: Mapping[str, ClusterData],
    reported: Mapping[str, Mapping[int, Mapping[str, Any]]],
    current: Mapping[str, Mapping[str, Any]] | None = None,
    current_year: int | None = None,
    indicators: Iterable[str] = KEY_INDICATORS,
) -> Trends:
    """Each certificate's indicators over the years: its certified (or reviewed) submission's annual
    table, then every recorded monitoring year (`reported`: certificate → year → indicator values),
    then this run's values for `current_year`."""
    wanted = tuple(indicators)
    found: Trends = {}
    for cid, cluster in data.items():
        points = annual_points(cluster.annual)
        for year, values in sorted((reported.get(cid) or {}).items()):
            for key, value in values.items():
                if not is_blank(value):
                    points.setdefault(key, {})[int(year)] = float(value)
        for key, value in ((current or {}).get(cid) or {}).items():
            if current_year is not None and key in ANNUAL_INDICATOR_KEYS and not is_blank(value):
                points.setdefault(key, {})[current_year] = float(value)
        found[cid] = {k: sorted(points[k].items()) for k in wanted if points.get(k)}
    return found
