"""Art. 13 as a stage: read the prefectures' workbooks, compile year R against the registry's
certificates, record each cluster's report, evaluate the grounds those reports touch from the
registry's facts (15.3 missing or late reports, 15.4 declared changes nobody filed in time, 15.5
declared incidents; see `grounds`), and write monitoring.csv, the issues and the HTML report with the
indicators' trends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.contract import ANNUAL_INDICATOR_KEYS
from clustercert.intake import Archive, discover_submissions, read_submission
from clustercert.issue import Issue
from clustercert.management.calendar_months import shanghai_date
from clustercert.management.deadlines import DeadlineRule
from clustercert.management.monitoring import (
    CHANGE_COLUMNS,
    INCIDENT_COLUMNS,
    MONITORING_COLUMNS,
    PLAN_DETAIL_COLUMNS,
    MonitoringResult,
    compile_monitoring,
    report_deadline,
    single_year_check,
)
from clustercert.management.monitoring_report import MonitoringReport, check_header
from clustercert.management.parameters import ManagementParameters
from clustercert.management.pipeline import grounds, state
from clustercert.management.pipeline.outputs import frame_rows, write_csv, write_index, write_issues
from clustercert.management.tables import is_blank, records, text
from clustercert.reference import prefectures
from clustercert.registry import Registry
from clustercert.reports import render_monitoring
from schemas import check_structure

ISSUES_FILE = "validation_issues.csv"
RECORDED = ("on_time", "late", "missing")  # pending rows wait for the deadline


@dataclass
class WorkbookRead:
    """One prefecture's workbook as read and checked for structure."""

    file: str
    report: MonitoringReport | None  # None when the structure check failed (returned to the prefecture)
    issues: list[Issue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)


def monitoring_files(inbox: Path) -> list[Path]:
    return discover_submissions(Path(inbox))


def read_monitoring_workbook(path: Path, archive: Archive | None = None) -> WorkbookRead:
    """Archive, read and structure-check one workbook (SPEC §3.3); problems are located issues."""
    sub = read_submission(Path(path), archive=archive, workbook=contract.MONITORING)
    structure = check_structure(sub, contract.MONITORING)
    issues = [*sub.issues, *structure.issues]
    usable = structure.ok and not any(i.is_error for i in sub.issues)
    report = MonitoringReport.from_structure(structure) if usable else None
    return WorkbookRead(sub.file, report, issues)


@dataclass
class MonitoringOutcome:
    report_year: int
    as_of: date
    result: MonitoringResult
    issues: list[Issue]
    rows: list[dict[str, Any]]  # monitoring.csv, with cluster_name for the report
    by_prefecture: list[dict[str, Any]]
    trends: dict[str, dict[str, list[tuple[int, float]]]]
    thresholds: dict[str, Any]
    new_proposals: int
    input_errors: int  # workbooks or rows with errors
    holiday_extension: bool = True  # whether 第二百零三条 applied to the deadline (policy)
    late_is_ground: bool = True  # whether a late report is a 15.3 ground (policy)

    def counts(self) -> dict[str, int]:
        status = pd.Series([r["report_status"] for r in self.rows], dtype="object").value_counts()
        return {k: int(status.get(k, 0)) for k in ("on_time", "late", "missing", "pending")}


def _latest_values(reports: list[MonitoringReport], certificates: pd.DataFrame) -> dict[str, dict[str, Any]]:
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


def _of(frame: pd.DataFrame, cid: str, drop: tuple[str, ...] = ("certificate_id",)) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    part = frame[frame["certificate_id"].astype(str) == cid]
    return [{k: v for k, v in r.items() if k not in drop} for r in frame_rows(part)]


def thresholds(policy: Any) -> dict[str, Any]:
    """indicator → the Art. 5 yearly threshold drawn on its chart (only plain 经营指标 measures)."""
    found = {}
    for criterion in policy.criteria:
        if criterion.measure in ANNUAL_INDICATOR_KEYS and criterion.threshold and criterion.confirmed:
            found[criterion.measure] = policy.value(criterion.threshold)
    return found


def _by_prefecture(
    rows: list[dict[str, Any]], reports: list[MonitoringReport], deadline: date
) -> list[dict[str, Any]]:
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


def run_monitoring(
    registry: Registry,
    reads: list[WorkbookRead],
    *,
    report_year: int,
    as_of: date,
    policy: Any,
    flow_run_id: str | None = None,
) -> MonitoringOutcome:
    """Compile and record year R in one registry transaction."""
    params = ManagementParameters.from_policy(policy)
    reports = [r.report for r in reads if r.report is not None]
    read_issues = [i for r in reads for i in r.issues]
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        certificates = state.certificates_frame(tx)
        data = state.latest_data(tx, certificates)
        result = compile_monitoring(
            report_year,
            as_of,
            certificates,
            reports,
            monitoring_deadline=params.monitoring_deadline,
            plan_targets=state.plan_targets_frame(data),
            check_year=single_year_check(policy),
            deadline_rule=DeadlineRule.from_policy(policy),
        )
        accepted = [r for r in reports if not any(i.is_error for i in check_header(r, report_year))]
        values = _latest_values(accepted, certificates)
        for row in frame_rows(result.rows):
            if row["report_status"] not in RECORDED:
                continue
            cid = row["certificate_id"]
            tx.record_monitoring(
                cid,
                report_year,
                prefecture_code=row["prefecture_code"],
                status=row["report_status"],
                submitted_on=row.get("submitted_on"),
                payload={
                    "file": row.get("file") or "",
                    "note": row.get("note") or "",
                    "indicators": values.get(cid, {}),
                    "below_threshold": [b for b in (row.get("below_threshold") or "").split(";") if b],
                    "plan_completion_pct": row.get("plan_completion_pct"),
                    "changes": _of(result.changes, cid),
                    "incidents": _of(result.incidents, cid),
                },
            )
        new = grounds.record(tx, as_of=as_of, policy=policy, grounds=grounds.MONITORING_GROUNDS)
        trends = state.trends(tx, data, values, report_year)
    names = {r["certificate_id"]: r["cluster_name"] for r in records(certificates)}
    rows = [{**r, "cluster_name": names.get(r["certificate_id"], "")} for r in frame_rows(result.rows)]
    issues = [*read_issues, *result.issues]
    return MonitoringOutcome(
        report_year=report_year,
        as_of=as_of,
        result=result,
        issues=issues,
        rows=rows,
        by_prefecture=_by_prefecture(rows, accepted, result.deadline),
        trends=trends,
        thresholds=thresholds(policy),
        new_proposals=new,
        input_errors=sum(1 for i in issues if i.is_error),
        holiday_extension=params.holiday_extension,
        late_is_ground=params.late_report_is_ground,
    )


def monitoring_calendar_gap(
    registry: Registry, reads: list[WorkbookRead], *, report_year: int, policy: Any
) -> str | None:
    """The calendar a monitoring run needs — year R's deadline, the filing deadlines of the changes
    the workbooks declare and those of the registry's facts — checked before the run records anything."""
    changed = [
        shanghai_date(row.get("changed_on"))
        for read in reads
        if read.report is not None
        for row in records(read.report.changes)
    ]
    return grounds.calendar_gap(registry, policy, report_year=report_year, changed_on=changed)


def write_monitoring(out: Path, outcome: MonitoringOutcome) -> Path:
    """monitoring.csv (+ plan progress, declared changes and incidents), issues, the HTML report."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = outcome.result
    write_csv(out, "monitoring.csv", outcome.rows, MONITORING_COLUMNS)
    write_csv(out, "monitoring_plan_progress.csv", frame_rows(result.plan_details), PLAN_DETAIL_COLUMNS)
    write_csv(out, "monitoring_changes.csv", frame_rows(result.changes), CHANGE_COLUMNS)
    write_csv(out, "monitoring_incidents.csv", frame_rows(result.incidents), INCIDENT_COLUMNS)
    write_issues(out, ISSUES_FILE, outcome.issues)
    page = render_monitoring(
        out,
        report_year=outcome.report_year,
        as_of=outcome.as_of,
        rows=outcome.rows,
        trends=outcome.trends,
        by_prefecture=outcome.by_prefecture,
        thresholds=outcome.thresholds,
        last_day=result.last_day,
        holiday_extension=outcome.holiday_extension,
        late_is_ground=outcome.late_is_ground,
    )
    write_index(out, subtitle=f"数据截至 {outcome.as_of.isoformat()}")
    return page


# ------------------------------------------------------------------------------------------- reminder
REMINDER_COLUMNS = [
    "prefecture_code",
    "prefecture_name",
    "clusters",
    "deadline",
    "days_left",
    "deadline_note",
]


def reported_prefectures(inbox: Path | None, report_year: int) -> set[str]:
    """Prefectures whose workbook for year R is already in the inbox (header read, nothing archived)."""
    found: set[str] = set()
    if inbox is None:
        return found
    for path in discover_submissions(Path(inbox)):
        sub = read_submission(path, workbook=contract.MONITORING)
        summary = sub.tables.get("work_summary")
        if summary is None or summary.empty:
            continue
        first = summary.iloc[0]
        if text(first.get("report_year")) == str(report_year):
            found.add(text(first.get("prefecture_code")))
    return found


def monitoring_reminder(
    registry: Registry, *, report_year: int, as_of: date, policy: Any, inbox: Path | None = None
) -> list[dict[str, Any]]:
    """Prefectures with certified clusters that have not reported year R yet (in the registry or
    the inbox): the week-before reminder of Art. 13."""
    from clustercert.management.monitoring import expected_certificates

    params = ManagementParameters.from_policy(policy)
    last_day = report_deadline(report_year, params.monitoring_deadline, DeadlineRule.from_policy(policy))
    deadline = last_day.due
    with registry.transaction() as tx:
        expected = expected_certificates(state.certificates_frame(tx), report_year)
        recorded = {
            r.prefecture_code for r in tx.monitoring_reports(report_year) if r.status in ("on_time", "late")
        }
    done = recorded | reported_prefectures(inbox, report_year)
    counts = expected["prefecture_code"].astype(str).value_counts() if len(expected) else pd.Series()
    return [
        {
            "prefecture_code": code,
            "prefecture_name": prefectures().get(code, code),
            "clusters": int(counts[code]),
            "deadline": deadline,
            "days_left": (deadline - as_of).days,
            "deadline_note": last_day.note(),
        }
        for code in sorted(counts.index)
        if code not in done
    ]


def reminder_markdown(rows: list[dict[str, Any]], report_year: int, as_of: date) -> str:
    if not rows:
        return f"# {report_year}年度集群发展情况报送提醒\n\n截至 {as_of.isoformat()}，各市（地）均已报送。\n"
    deadline = rows[0]["deadline"].isoformat()
    moved = f"（{rows[0]['deadline_note']}）" if rows[0].get("deadline_note") else ""
    lines = [
        f"# {report_year}年度集群发展情况报送提醒（第十三条）",
        "",
        f"截至 {as_of.isoformat()}，以下市（地）尚未报送，报送期限为 {deadline}（含当日）{moved}；"
        "未及时报送的集群将依第十五条（三）列入撤销建议。",
        "",
        "| 市（地）代码 | 市（地） | 省级集群数 | 剩余天数 |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['prefecture_code']} | {r['prefecture_name']} | {r['clusters']} | {r['days_left']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"
