"""Art. 13 — the yearly monitoring report (年度发展情况) of each prefecture, compiled for report year R.

A prefecture's report is on time when submitted_on ≤ the deadline (policy `A13.monitoring_deadline`,
"03-10": 10 March R+1, an Asia/Shanghai calendar date; SPEC §3.3 reads 第十三条 "3月10日前" as
including the 10th). When that day is a 法定休假日 the deadline moves to the next working day (民法典
第二百零三条, policy `deadlines.holiday_extension`; see `deadlines`): `deadline` is the day in force,
`deadline_nominal` the calendar day and `deadline_note` says why it moved. Per certified cluster,
`monitoring.csv` says:

* `report_status`: on_time / late by the first accepted report of its prefecture that lists it in
  集群发展情况; when none does, `missing` once as_of is past the deadline — and `pending` on or
  before the deadline, because the prefecture may still send it (a missing row is Art. 15(三) input);
* `below_threshold`: the single-year Art. 5 criteria that year R's indicators fail (the rule engine
  decides; this module never re-encodes a threshold);
* `plan_completion_pct`: share of the cluster's plan targets for year R met (see `plan`).

A report whose header is wrong (unknown prefecture, another report year, no date) is not accepted
for R; a row naming a certificate that is not one of the prefecture's is left out. Both are issues.
When a prefecture sends several reports, the first that lists a cluster decides its timeliness and
the latest supplies its figures (a correction supersedes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.issue import Issue
from clustercert.management.calendar_months import month_day_deadline, shanghai_date
from clustercert.management.deadlines import AS_IS, Deadline, DeadlineRule
from clustercert.management.monitoring_report import (
    MonitoringReport,
    Rejected,
    check_header,
    check_rows,
    prefecture_of,
)
from clustercert.management.plan import plan_completion
from clustercert.management.tables import (
    active_certificates,
    is_blank,
    output_frame,
    records,
    source_row,
    text,
)
from clustercert.policy import Policy
from clustercert.reference import prefectures
from clustercert.rules import below_threshold, check_single_year
from clustercert.submission import ROW

ARTICLE = "13"


class ReportStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"  # not in yet, but the deadline has not passed


MONITORING_COLUMNS = [
    "certificate_id",
    "prefecture_code",
    "report_status",
    "below_threshold",
    "plan_completion_pct",
    "article",
    "report_year",
    "deadline",
    "deadline_nominal",
    "deadline_note",
    "submitted_on",
    "file",
    "note",
]
PASSED_ON = ["prefecture_code", "file", "sheet", "row"]  # where a passed-on change/incident was read
CHANGE_COLUMNS = ["certificate_id", "change_type", "changed_on", "new_value", *PASSED_ON]
INCIDENT_COLUMNS = ["certificate_id", *(c.key for c in contract.INCIDENT_COLUMNS), *PASSED_ON]
PLAN_DETAIL_COLUMNS = [
    "certificate_id",
    "indicator",
    "target_year",
    "target_value",
    "actual_value",
    "met",
    "lower_is_better",
]


def report_deadline(report_year: int, month_day: str, rule: DeadlineRule = AS_IS) -> Deadline:
    """The Art. 13 deadline of report year R: `month_day` ("03-10") of R+1, moved past a day off."""
    return rule.last_day(month_day_deadline(report_year + 1, month_day))


# (values of year R by indicator key, R) → ids of the Art. 5 criteria those values fail.
SingleYearCheck = Callable[[dict[str, Any], int], list[str]]


def single_year_check(policy: Policy) -> SingleYearCheck:
    """The rule engine's yearly Art. 5 criteria with `policy`, as the ids that failed."""

    def check(values: dict[str, Any], year: int) -> list[str]:
        return sorted(below_threshold(check_single_year(values, year, policy)))

    return check


# -------------------------------------------------------------------------------------------- compile
@dataclass
class MonitoringResult:
    report_year: int
    deadline: date  # the last day in force (after 第二百零三条 when it applies)
    rows: pd.DataFrame  # monitoring.csv
    issues: list[Issue]
    changes: pd.DataFrame  # declared major changes, for `changes.check_filings`
    incidents: pd.DataFrame  # declared incidents, for `revocation.propose_revocations` (15.5)
    plan_details: pd.DataFrame  # one row per plan target of year R
    last_day: Deadline | None = None  # the deadline as counted and as in force

    @property
    def missing(self) -> pd.DataFrame:
        """Clusters without a report after the deadline: the Art. 15(三) inputs."""
        return self.rows[self.rows["report_status"] == ReportStatus.MISSING]


@dataclass
class _Accepted:
    report: MonitoringReport
    submitted_on: date
    rejected: Rejected

    def kept(self, sheet_key: str) -> list[dict[str, Any]]:
        return [
            r
            for r in records(getattr(self.report, sheet_key))
            if (sheet_key, source_row(r)) not in self.rejected
        ]

    def status_row(self, cid: str) -> dict[str, Any] | None:
        return next((r for r in self.kept("cluster_status") if text(r.get("certificate_id")) == cid), None)


def expected_certificates(certificates: pd.DataFrame, report_year: int) -> pd.DataFrame:
    """Certificates a report for year R must cover: not revoked, certified by the end of R and
    not expired before R began (columns certified_on / valid_until are used when present)."""
    active = active_certificates(certificates)
    keep = []
    for rec in records(active):
        certified_on = shanghai_date(rec.get("certified_on"))
        valid_until = shanghai_date(rec.get("valid_until"))
        keep.append(
            (certified_on is None or certified_on <= date(report_year, 12, 31))
            and (valid_until is None or valid_until >= date(report_year, 1, 1))
        )
    return active[keep] if len(active) else active


def compile_monitoring(
    report_year: int,
    as_of: date,
    certificates: pd.DataFrame,
    reports: Sequence[MonitoringReport],
    *,
    monitoring_deadline: str,
    plan_targets: pd.DataFrame | None = None,
    check_year: SingleYearCheck | None = None,
    deadline_rule: DeadlineRule = AS_IS,
) -> MonitoringResult:
    """Compile year R's reports against the certificates (certificate_id, prefecture_code, …).

    `plan_targets` holds the certified submissions' targets (certificate_id, indicator, target_year,
    target_value); `check_year` is `single_year_check(policy)` (None skips the threshold check);
    `deadline_rule` applies 第二百零三条 (`DeadlineRule.from_policy`; the default counts as is).
    """
    last_day = report_deadline(report_year, monitoring_deadline, deadline_rule)
    deadline = last_day.due
    owners = prefecture_of(certificates)
    issues: list[Issue] = []
    accepted: list[_Accepted] = []
    for report in reports:
        header = check_header(report, report_year)
        row_issues, rejected = check_rows(report, owners)
        issues += header + row_issues
        # a report without its date has a header error
        if not any(i.is_error for i in header) and report.submitted_on is not None:
            accepted.append(_Accepted(report, report.submitted_on, rejected))
    accepted.sort(key=lambda a: (a.submitted_on, a.report.file))

    rows, details = [], []
    for cert in records(expected_certificates(certificates, report_year)):
        row, cert_details = _cluster_row(
            cert, report_year, as_of, last_day, accepted, plan_targets, check_year
        )
        rows.append(row)
        details += cert_details
    rows.sort(key=lambda r: r["certificate_id"])
    details.sort(key=lambda d: (d["certificate_id"], d["target_year"], d["indicator"]))
    return MonitoringResult(
        report_year=report_year,
        deadline=deadline,
        rows=output_frame(rows, MONITORING_COLUMNS),
        issues=issues,
        changes=_passed_on(accepted, "changes", CHANGE_COLUMNS, ("changed_on",)),
        incidents=_passed_on(accepted, "incidents", INCIDENT_COLUMNS, ("occurred_on",)),
        plan_details=output_frame(details, PLAN_DETAIL_COLUMNS),
        last_day=last_day,
    )


def _cluster_row(
    cert: dict[str, Any],
    report_year: int,
    as_of: date,
    last_day: Deadline,
    accepted: list[_Accepted],
    plan_targets: pd.DataFrame | None,
    check_year: SingleYearCheck | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The monitoring.csv row of one expected certificate, and its plan-target details."""
    cid, code = text(cert["certificate_id"]), text(cert["prefecture_code"])
    deadline = last_day.due
    moved = f"（{last_day.note()}）" if last_day.moved else ""
    base = {
        "certificate_id": cid,
        "prefecture_code": code,
        "article": ARTICLE,
        "report_year": report_year,
        "deadline": deadline,
        "deadline_nominal": last_day.nominal,
        "deadline_note": last_day.note(),
        "below_threshold": "",
        "plan_completion_pct": None,
    }
    own = [a for a in accepted if a.report.prefecture_code == code]
    listing = [(a, found) for a in own if (found := a.status_row(cid)) is not None]
    name = prefectures().get(code, code)
    if not listing:
        status = ReportStatus.MISSING if as_of > deadline else ReportStatus.PENDING
        if own:
            files = "、".join(a.report.file for a in own)
            note = f"{name}报送的{report_year}年度发展情况（{files}）未包含本集群"
        else:
            note = f"{name}未报送{report_year}年度集群发展情况"
        if status == ReportStatus.PENDING:
            note += f"；报送期限{deadline.isoformat()}{moved}尚未届满"
        return {**base, "report_status": status.value, "note": note}, []

    first, (latest, latest_status) = listing[0][0], listing[-1]
    status = ReportStatus.ON_TIME if first.submitted_on <= deadline else ReportStatus.LATE
    values = {
        k: v for k, v in latest_status.items() if k in contract.ANNUAL_INDICATOR_KEYS and not is_blank(v)
    }
    below = check_year(values, report_year) if check_year else []
    actuals: dict[tuple[str, int], Any] = {(k, report_year): v for k, v in values.items()}
    for rec in latest.kept("plan_progress"):
        if text(rec.get("certificate_id")) == cid and not is_blank(rec.get("actual_value")):
            actuals[(str(rec["indicator"]), int(rec["target_year"]))] = rec["actual_value"]
    targets = None
    if plan_targets is not None and not plan_targets.empty:
        targets = plan_targets[plan_targets["certificate_id"].astype(str) == cid]
    completion = plan_completion(targets, actuals, years=[report_year])
    note = (
        ""
        if status == ReportStatus.ON_TIME
        else f"报送日期{first.submitted_on.isoformat()}晚于期限{deadline.isoformat()}{moved}"
    )
    row = {
        **base,
        "report_status": status.value,
        "below_threshold": ";".join(sorted(below)),
        "plan_completion_pct": completion.pct,
        "submitted_on": first.submitted_on,
        "file": latest.report.file,
        "note": note,
    }
    details = [
        {
            "certificate_id": cid,
            "indicator": d.indicator,
            "target_year": d.target_year,
            "target_value": float(d.target_value),
            "met": d.met,
            "lower_is_better": d.lower_is_better,
            "actual_value": None if d.actual_value is None else float(d.actual_value),
        }
        for d in completion.details
    ]
    return row, details


def _passed_on(
    accepted: list[_Accepted], sheet_key: str, columns: list[str], date_columns: tuple[str, ...]
) -> pd.DataFrame:
    """Rows of a sheet from every accepted report; a row repeated by a later report counts once."""
    label = contract.MONITORING.sheet(sheet_key).label
    seen, rows = set(), []
    for acc in accepted:
        for rec in acc.kept(sheet_key):
            row = {k: rec.get(k) for k in columns if k in rec and k != ROW}
            for col in date_columns:
                row[col] = shanghai_date(row.get(col))
            content = tuple(text(row.get(c)) for c in columns if c not in PASSED_ON)
            if content in seen:
                continue
            seen.add(content)
            row.update(
                prefecture_code=acc.report.prefecture_code,
                file=acc.report.file,
                sheet=label,
                row=source_row(rec),
            )
            rows.append(row)
    rows.sort(key=lambda r: (r["certificate_id"], text(r.get(date_columns[0])), r["file"], r["row"] or 0))
    return output_frame(rows, columns)
