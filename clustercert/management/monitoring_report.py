"""A prefecture's monitoring workbook (年度发展情况, SPEC §3.3) and its monitoring-specific checks.

Structure and types are checked before (`validation.check_structure`); here: the prefecture code is
one of Heilongjiang's 13, the report year is the year being compiled, the report is dated, and every
certificate id is a certificate of that prefecture (listed once in 集群发展情况). A header problem
keeps the whole report from counting for the year; a bad row is left out of the compilation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import pandas as pd

from clustercert import contract
from clustercert.issue import Issue, Severity
from clustercert.management.calendar_months import shanghai_date
from clustercert.management.tables import is_blank, records, source_row, text
from clustercert.reference import prefectures

REFERENCE = "第十三条；SPEC §3.3"


class TypedWorkbook(Protocol):
    """What `MonitoringReport.from_structure` reads of `schemas.structure.check_structure`'s result."""

    @property
    def submission_id(self) -> str: ...

    @property
    def file(self) -> str: ...

    @property
    def typed(self) -> Mapping[str, pd.DataFrame] | None: ...

    @property
    def profile(self) -> Mapping[str, Any] | None: ...

    @property
    def profile_rows(self) -> Mapping[str, int]: ...


@dataclass
class MonitoringReport:
    """One prefecture's monitoring workbook, typed (what `validation.check_structure` returns)."""

    file: str
    work_summary: dict[str, Any]
    cluster_status: pd.DataFrame
    plan_progress: pd.DataFrame
    changes: pd.DataFrame
    incidents: pd.DataFrame
    field_rows: dict[str, int] = field(default_factory=dict)  # work_summary field → source row
    report_id: str = ""

    @classmethod
    def from_tables(
        cls,
        file: str,
        tables: Mapping[str, Any],
        field_rows: Mapping[str, int] | None = None,
        report_id: str = "",
    ) -> MonitoringReport:
        """Wrap typed tables keyed by sheet key; work_summary may be a dict or a one-row frame."""
        summary = tables.get("work_summary")
        if isinstance(summary, pd.DataFrame):
            summary = summary.iloc[0].to_dict() if not summary.empty else {}
        empty = {s.key: pd.DataFrame(columns=s.keys) for s in contract.MONITORING.sheets}
        return cls(
            file=file,
            work_summary=dict(summary or {}),
            cluster_status=tables.get("cluster_status", empty["cluster_status"]),
            plan_progress=tables.get("plan_progress", empty["plan_progress"]),
            changes=tables.get("changes", empty["changes"]),
            incidents=tables.get("incidents", empty["incidents"]),
            field_rows=dict(field_rows or {}),
            report_id=report_id,
        )

    @classmethod
    def from_structure(cls, result: TypedWorkbook) -> MonitoringReport | None:
        """From `schemas.structure.check_structure(sub, workbook=MONITORING)`'s result (typed sheets,
        profile dict, profile rows); None when nothing could be typed. A sheet that failed its model
        is absent from `typed` and reads as empty here, so pass only reports whose result is `ok`
        (a report rejected on structure goes back to the prefecture, like one never sent)."""
        if result.typed is None or result.profile is None:
            return None
        tables = {**result.typed, "work_summary": result.profile}
        return cls.from_tables(result.file, tables, result.profile_rows, report_id=result.submission_id)

    @property
    def prefecture_code(self) -> str:
        return text(self.work_summary.get("prefecture_code"))

    @property
    def report_year(self) -> int | None:
        value: Any = self.work_summary.get("report_year")  # a cell: a year, or blank
        return None if is_blank(value) else int(value)

    @property
    def submitted_on(self) -> date | None:
        return shanghai_date(self.work_summary.get("submitted_on"))

    @property
    def id(self) -> str:
        return self.report_id or f"monitoring-{self.report_year or '0000'}-{self.prefecture_code or '000000'}"


def _issue(
    report: MonitoringReport,
    sheet_key: str,
    row: int | None,
    column_key: str,
    check: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Issue:
    sheet = contract.MONITORING.sheet(sheet_key)
    return Issue(
        submission_id=report.id,
        file=report.file,
        sheet=sheet.label,
        row=row,
        column=sheet.column(column_key).label if column_key else "",
        check=check,
        severity=severity,
        message=message,
        reference=REFERENCE,
    )


def check_header(report: MonitoringReport, report_year: int) -> list[Issue]:
    """Issues that keep the whole report from counting for year R."""
    issues = []
    code, rows = report.prefecture_code, report.field_rows
    if code not in prefectures():
        issues.append(
            _issue(
                report,
                "work_summary",
                rows.get("prefecture_code"),
                "prefecture_code",
                "monitoring.prefecture_code.known",
                f"市（地）代码“{code}”不是黑龙江省的市（地）代码，请填写六位代码，如 230100（哈尔滨市）。",
            )
        )
    if report.report_year != report_year:
        issues.append(
            _issue(
                report,
                "work_summary",
                rows.get("report_year"),
                "report_year",
                "monitoring.report_year.matches",
                f"报告年度为“{report.report_year or ''}”，本次汇总的是{report_year}年度，请填写 {report_year}。",
            )
        )
    if report.submitted_on is None:
        issues.append(
            _issue(
                report,
                "work_summary",
                rows.get("submitted_on"),
                "submitted_on",
                "monitoring.submitted_on.present",
                "未填写报送日期，无法判断是否按时报送。",
            )
        )
    return issues


Rejected = set[tuple[str, int | None]]  # (sheet key, source row) of the rows left out


def check_rows(
    report: MonitoringReport, certificate_prefecture: Mapping[str, str]
) -> tuple[list[Issue], Rejected]:
    """Rows whose certificate id is not a certificate of the report's prefecture, as issues.

    Returns the issues and the (sheet key, source row) pairs to leave out of the compilation.
    """
    issues: list[Issue] = []
    rejected: Rejected = set()
    code = report.prefecture_code
    name = prefectures().get(code, code)
    for sheet_key in ("cluster_status", "plan_progress", "changes", "incidents"):
        seen: set[str] = set()
        for rec in records(getattr(report, sheet_key)):
            cid, row = text(rec.get("certificate_id")), source_row(rec)
            owner = certificate_prefecture.get(cid)
            if owner is None:
                issues.append(
                    _issue(
                        report,
                        sheet_key,
                        row,
                        "certificate_id",
                        "monitoring.certificate_id.known",
                        f"认定编号“{cid}”不是已认定集群的编号，请核对 certified.csv。",
                    )
                )
                rejected.add((sheet_key, row))
            elif owner != code:
                issues.append(
                    _issue(
                        report,
                        sheet_key,
                        row,
                        "certificate_id",
                        "monitoring.certificate_id.prefecture",
                        f"认定编号“{cid}”属于{prefectures().get(owner, owner)}，不是{name}的集群，"
                        "请只填报本市（地）的集群。",
                    )
                )
                rejected.add((sheet_key, row))
            elif sheet_key == "cluster_status" and cid in seen:
                issues.append(
                    _issue(
                        report,
                        sheet_key,
                        row,
                        "certificate_id",
                        "monitoring.cluster_status.duplicate",
                        f"认定编号“{cid}”在集群发展情况中重复出现，只保留第一行。",
                    )
                )
                rejected.add((sheet_key, row))
            seen.add(cid)
    return issues, rejected


def check_monitoring_report(
    report: MonitoringReport, certificates: pd.DataFrame, report_year: int
) -> list[Issue]:
    """Every monitoring-specific quality issue of one report (structure is checked before, elsewhere)."""
    issues = check_header(report, report_year)
    issues += check_rows(report, prefecture_of(certificates))[0]
    return issues


def prefecture_of(certificates: pd.DataFrame) -> dict[str, str]:
    """certificate_id → prefecture_code of every certificate issued (revoked ones too)."""
    return {text(r["certificate_id"]): text(r["prefecture_code"]) for r in records(certificates)}
