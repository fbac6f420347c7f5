"""Checks that could not be made: one located warning per submission and expectation, saying why.

An expectation reads some sheets and columns (`ExpectationSpec.needs`). When one of them is not there
for a submission — the sheet is missing or unreadable, the column is missing, a 基本信息 field could
not be read — the built-in simply sees nothing and would pass in silence. The county must instead
learn that the check is still to come ("企业名录缺少列“统一社会信用代码”，未能核对…"), so that a
clean second round is not a surprise. Nothing is said when the check's own sheet or column is what is
missing (the error about it already says everything), or when its sheet has no rows to check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from clustercert.contract import SUBMISSION
from clustercert.issue import Issue, Severity
from expectations.prepare import has_column, usable
from expectations.spec import ExpectationSpec
from schemas.structure import StructureResult

CAMPAIGN_FIELDS = ("campaign_year",)  # profile fields the campaign supplies when it knows its year


def not_checked(
    structured: Sequence[StructureResult], specs: Sequence[ExpectationSpec], campaign_year: int | None = None
) -> Iterator[Issue]:
    for structure in usable(structured):
        for spec in specs:
            if not _own_input_there(structure, spec):
                continue
            reasons = [
                reason
                for sheet, column in spec.needs
                if (reason := _missing(structure, sheet, column, campaign_year))
            ]
            if reasons:
                yield _issue(structure, spec, "，".join(dict.fromkeys(reasons)))


def _own_input_there(structure: StructureResult, spec: ExpectationSpec) -> bool:
    frame = structure.frames.get(spec.sheet.key)
    if frame is None or frame.empty:
        return False
    return not spec.column or has_column(structure, spec.sheet.key, spec.column)


def _missing(structure: StructureResult, sheet_key: str, column: str, campaign_year: int | None) -> str:
    """Why `sheet_key`.`column` is not there for this submission, or "" if it is."""
    sheet = SUBMISSION.sheet(sheet_key)
    label = sheet.column(column).label
    if sheet.key_value and column in CAMPAIGN_FIELDS and campaign_year is not None:
        return ""
    if sheet_key not in structure.frames:
        return f"工作表“{sheet.label}”缺失或未能读取"
    if not has_column(structure, sheet_key, column):
        return f"{sheet.label}缺少{'字段' if sheet.key_value else '列'}“{label}”"
    if sheet.key_value and (structure.profile_values or {}).get(column) is None:
        return f"{sheet.label}“{label}”未填写或填写有误"
    return ""


def _issue(structure: StructureResult, spec: ExpectationSpec, reason: str) -> Issue:
    sheet = spec.sheet
    row = structure.profile_rows.get(spec.column) if sheet.key_value and spec.column else None
    return Issue(
        submission_id=structure.submission_id,
        file=structure.file,
        sheet=sheet.label,
        row=row,
        column=sheet.column(spec.column).label if spec.column else "",
        check=f"{spec.id}.not_checked",
        severity=Severity.WARNING,
        message=f"{reason}，未能核对“{spec.description}”；补齐后重新报送时将一并核对",
        reference=spec.reference,
    )
