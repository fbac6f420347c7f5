"""The models of the monitoring workbook's sheets (年度发展情况, SPEC §3.3), one per sheet."""

from __future__ import annotations

from clustercert.contract import (
    CLUSTER_STATUS,
    MONITORING,
    MONITORING_CHANGES,
    MONITORING_INCIDENTS,
    PLAN_PROGRESS,
    WORK_SUMMARY,
)
from schemas.builder import SheetSchema, build_sheet_schema
from schemas.rules import four_digit_year, six_digit_code, uscc_format

work_summary_schema = build_sheet_schema(
    WORK_SUMMARY,
    {"prefecture_code": [six_digit_code("prefecture_code", "230100")], "report_year": [four_digit_year()]},
)
cluster_status_schema = build_sheet_schema(CLUSTER_STATUS)
plan_progress_schema = build_sheet_schema(PLAN_PROGRESS, {"target_year": [four_digit_year()]})
changes_schema = build_sheet_schema(MONITORING_CHANGES)
monitoring_incidents_schema = build_sheet_schema(MONITORING_INCIDENTS, {"uscc": [uscc_format()]})

MONITORING_SCHEMAS: dict[str, SheetSchema] = {
    s.sheet.key: s
    for s in (
        work_summary_schema,
        cluster_status_schema,
        plan_progress_schema,
        changes_schema,
        monitoring_incidents_schema,
    )
}
assert set(MONITORING_SCHEMAS) == {s.key for s in MONITORING.sheets}, "a monitoring sheet has no model"
