"""monitoring-report (第十三条): the prefectures' yearly workbooks (年度发展情况) for report year R,
compiled against the registry's certificates; and the reminder a week before the deadline.

* read: the inbox's workbooks — work unit `read_workbook(path, archive)` archives, reads and
  structure-checks one (SPEC §3.3; problems are located issues); from the registry, the certificates
  and each one's latest data (its plan targets).
* decide: `compile_monitoring` (on time / late / missing / pending, the single-year Art. 5 criteria
  year R fails, plan progress, declared changes and incidents), year R's figures and the prefectures'
  reporting — pure.
* record: each cluster's report (a pending one waits for the deadline), then the Art. 15 grounds
  the registry's facts now raise (15.3 missing or late, 15.4 declared changes nobody filed in time,
  15.5 declared incidents; see `grounds`), in one transaction.
* after the record, `trends` reads every recorded year for the report's charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.intake import Archive, discover_submissions, read_submission
from clustercert.issue import Issue
from clustercert.management.calendar_months import shanghai_date
from clustercert.management.deadlines import DeadlineRule
from clustercert.management.monitoring import (
    MonitoringResult,
    compile_monitoring,
    expected_certificates,
    report_deadline,
    single_year_check,
)
from clustercert.management.monitoring_report import MonitoringReport, check_header
from clustercert.management.monitoring_summary import (
    Trends,
    by_prefecture,
    chart_thresholds,
    latest_values,
)
from clustercert.management.monitoring_summary import trends as indicator_trends
from clustercert.management.parameters import ManagementParameters
from clustercert.management.plan import plan_targets_frame
from clustercert.management.tables import plain_rows, records, text
from clustercert.policy import Policy
from clustercert.reference import prefectures
from clustercert.registry import Registry
from clustercert.stages import certificates as held
from clustercert.stages import grounds
from clustercert.submission import ClusterData
from schemas import check_structure

RECORDED = ("on_time", "late", "missing")  # pending rows wait for the deadline
REPORTED = ("on_time", "late")


@dataclass
class WorkbookRead:
    """One prefecture's workbook as read and checked for structure."""

    file: str
    report: MonitoringReport | None  # None when the structure check failed (returned to the prefecture)
    issues: list[Issue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)


def files(inbox: Path | str) -> list[Path]:
    return discover_submissions(Path(inbox))


def read_workbook(path: Path, archive: Archive | None = None) -> WorkbookRead:
    """A work unit: archive, read and structure-check one workbook (SPEC §3.3)."""
    sub = read_submission(Path(path), archive=archive, workbook=contract.MONITORING)
    structure = check_structure(sub, contract.MONITORING)
    usable = structure.ok and not any(i.is_error for i in sub.issues)
    report = MonitoringReport.from_structure(structure) if usable else None
    return WorkbookRead(sub.file, report, [*sub.issues, *structure.issues])


def calendar_gap(
    registry: Registry, reads: list[WorkbookRead], *, report_year: int, policy: Policy
) -> str | None:
    """The calendar a run needs — year R's deadline, the filing deadlines of the changes the
    workbooks declare and those of the registry's facts — checked before it records anything."""
    changed = [
        shanghai_date(row.get("changed_on"))
        for read in reads
        if read.report is not None
        for row in records(read.report.changes)
    ]
    return grounds.calendar_gap(registry, policy, report_year=report_year, changed_on=changed)


@dataclass
class MonitoringInputs:
    certificates: pd.DataFrame  # every certificate (held.certificates_frame)
    data: dict[str, ClusterData]  # certificate_id → its latest typed data


def read(registry: Registry) -> MonitoringInputs:
    with registry.transaction() as tx:
        certificates = held.certificates_frame(tx)
        return MonitoringInputs(certificates, held.latest_data(tx, certificates))


@dataclass
class MonitoringOutcome:
    report_year: int
    as_of: date
    result: MonitoringResult
    issues: list[Issue]
    rows: list[dict[str, Any]]  # monitoring.csv, with cluster_name for the report
    reports: list[dict[str, Any]]  # what the registry keeps of each cluster's report
    values: dict[str, dict[str, Any]]  # certificate_id → year R's 经营指标
    by_prefecture: list[dict[str, Any]]
    thresholds: dict[str, Any]
    holiday_extension: bool = True  # whether 第二百零三条 applied to the deadline (policy)
    late_is_ground: bool = True  # whether a late report is a 15.3 ground (policy)

    @property
    def input_errors(self) -> int:
        """Workbooks or rows with errors."""
        return sum(1 for i in self.issues if i.is_error)

    def counts(self) -> dict[str, int]:
        status = pd.Series([r["report_status"] for r in self.rows], dtype="object").value_counts()
        return {k: int(status.get(k, 0)) for k in ("on_time", "late", "missing", "pending")}


def _of(frame: pd.DataFrame, cid: str) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    part = frame[frame["certificate_id"].astype(str) == cid]
    return [{k: v for k, v in r.items() if k != "certificate_id"} for r in plain_rows(part)]


def _report(row: dict[str, Any], result: MonitoringResult, values: dict[str, Any]) -> dict[str, Any]:
    cid = row["certificate_id"]
    return {
        "certificate_id": cid,
        "prefecture_code": row["prefecture_code"],
        "status": row["report_status"],
        "submitted_on": row.get("submitted_on"),
        "payload": {
            "file": row.get("file") or "",
            "note": row.get("note") or "",
            "indicators": values,
            "below_threshold": [b for b in (row.get("below_threshold") or "").split(";") if b],
            "plan_completion_pct": row.get("plan_completion_pct"),
            "changes": _of(result.changes, cid),
            "incidents": _of(result.incidents, cid),
        },
    }


def decide(
    inputs: MonitoringInputs, reads: list[WorkbookRead], *, report_year: int, as_of: date, policy: Policy
) -> MonitoringOutcome:
    """Year R compiled from the workbooks that passed the structure check (pure)."""
    params = ManagementParameters.from_policy(policy)
    reports = [r.report for r in reads if r.report is not None]
    result = compile_monitoring(
        report_year,
        as_of,
        inputs.certificates,
        reports,
        monitoring_deadline=params.monitoring_deadline,
        plan_targets=plan_targets_frame(inputs.data),
        check_year=single_year_check(policy),
        deadline_rule=DeadlineRule.from_policy(policy),
    )
    accepted = [r for r in reports if not any(i.is_error for i in check_header(r, report_year))]
    values = latest_values(accepted, inputs.certificates)
    names = dict(zip(inputs.certificates["certificate_id"], inputs.certificates["cluster_name"], strict=True))
    compiled = plain_rows(result.rows)
    rows = [{**r, "cluster_name": names.get(r["certificate_id"], "")} for r in compiled]
    return MonitoringOutcome(
        report_year=report_year,
        as_of=as_of,
        result=result,
        issues=[i for r in reads for i in r.issues] + result.issues,
        rows=rows,
        reports=[
            _report(r, result, values.get(r["certificate_id"], {}))
            for r in compiled
            if r["report_status"] in RECORDED
        ],
        values=values,
        by_prefecture=by_prefecture(rows, accepted, result.deadline),
        thresholds=chart_thresholds(policy),
        holiday_extension=params.holiday_extension,
        late_is_ground=params.late_report_is_ground,
    )


def record(
    registry: Registry, outcome: MonitoringOutcome, flow_run_id: str | None, *, policy: Policy
) -> dict[str, int]:
    """Each cluster's report of year R, then the grounds the registry's facts raise; one transaction."""
    with registry.recording(flow_run_id=flow_run_id) as tx:
        for report in outcome.reports:
            tx.record_monitoring(
                report["certificate_id"],
                outcome.report_year,
                prefecture_code=report["prefecture_code"],
                status=report["status"],
                submitted_on=report["submitted_on"],
                payload=report["payload"],
            )
        new = grounds.record(tx, as_of=outcome.as_of, policy=policy, grounds=grounds.MONITORING_GROUNDS)
    return {"revocation_proposals_new": new}


def trends(registry: Registry, inputs: MonitoringInputs, outcome: MonitoringOutcome) -> Trends:
    """certificate_id → indicator → [(year, value)]: the certified (or reviewed) submission's annual
    table, every recorded monitoring year, then year R as this run read it."""
    with registry.transaction() as tx:
        reported: dict[str, dict[int, dict[str, Any]]] = {}
        for report in tx.monitoring_reports():
            indicators = (report.payload or {}).get("indicators") or {}
            reported.setdefault(report.certificate_id, {})[int(report.report_year)] = indicators
    return indicator_trends(inputs.data, reported, outcome.values, outcome.report_year)


# -- the reminder a week before the deadline (monitoring-reminder) --------------------------------
def reported_prefectures(inbox: Path | str | None, report_year: int) -> set[str]:
    """Prefectures whose workbook for year R is already in the inbox (header read, nothing archived)."""
    found: set[str] = set()
    if inbox is None:
        return found
    for path in discover_submissions(Path(inbox)):
        summary = read_submission(path, workbook=contract.MONITORING).tables.get("work_summary")
        if summary is None or summary.empty:
            continue
        first = summary.iloc[0]
        if text(first.get("report_year")) == str(report_year):
            found.add(text(first.get("prefecture_code")))
    return found


def reminder(
    registry: Registry, *, report_year: int, as_of: date, policy: Policy, inbox: Path | str | None = None
) -> list[dict[str, Any]]:
    """Prefectures with certified clusters that have not reported year R yet (in the registry or the
    inbox): the week-before reminder of Art. 13."""
    params = ManagementParameters.from_policy(policy)
    last_day = report_deadline(report_year, params.monitoring_deadline, DeadlineRule.from_policy(policy))
    with registry.transaction() as tx:
        expected = expected_certificates(held.certificates_frame(tx), report_year)
        recorded = {r.prefecture_code for r in tx.monitoring_reports(report_year) if r.status in REPORTED}
    done = recorded | reported_prefectures(inbox, report_year)
    counts = expected["prefecture_code"].astype(str).value_counts() if len(expected) else pd.Series()
    return [
        {
            "prefecture_code": code,
            "prefecture_name": prefectures().get(code, code),
            "clusters": int(counts[code]),
            "deadline": last_day.due,
            "days_left": (last_day.due - as_of).days,
            "deadline_note": last_day.note(),
        }
        for code in sorted(counts.index)
        if code not in done
    ]
