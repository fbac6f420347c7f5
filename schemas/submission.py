"""The models of the submission workbook's sheets (申报书, SPEC §3.1), one per sheet."""

from __future__ import annotations

from clustercert.contract import (
    ANNUAL,
    DESIGNATIONS_SHEET,
    ENTERPRISES,
    EVIDENCE,
    INCIDENTS,
    PLAN_TARGETS,
    PROFILE,
    SUBMISSION,
)
from schemas.builder import SheetSchema, build_sheet_schema
from schemas.rules import four_digit_year, industry_code, six_digit_code, uscc_format

profile_schema = build_sheet_schema(
    PROFILE,
    {
        "campaign_year": [four_digit_year()],
        "county_code": [six_digit_code("county_code", "230183")],
        "industry_code": [industry_code()],
    },
)
annual_schema = build_sheet_schema(ANNUAL, {"year": [four_digit_year()]})
enterprises_schema = build_sheet_schema(ENTERPRISES, {"uscc": [uscc_format()]})
designations_schema = build_sheet_schema(DESIGNATIONS_SHEET, {"uscc": [uscc_format()]})
incidents_schema = build_sheet_schema(INCIDENTS, {"uscc": [uscc_format()]})
evidence_schema = build_sheet_schema(EVIDENCE)  # item ids are checked against the policy (expectations)
plan_targets_schema = build_sheet_schema(PLAN_TARGETS, {"target_year": [four_digit_year()]})

SUBMISSION_SCHEMAS: dict[str, SheetSchema] = {
    s.sheet.key: s
    for s in (
        profile_schema,
        annual_schema,
        enterprises_schema,
        designations_schema,
        incidents_schema,
        evidence_schema,
        plan_targets_schema,
    )
}
assert set(SUBMISSION_SCHEMAS) == {s.key for s in SUBMISSION.sheets}, "a submission sheet has no model"
