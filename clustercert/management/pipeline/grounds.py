"""Art. 15's grounds from the registry's current facts, whichever flow recorded them (SPEC §4.4).

A ground often rests on facts that two flows record: a change declared in a monitoring report (the
monitoring flow) and the filing that should have matched it (the change-filings flow). Judging only
what the running flow read makes the proposals depend on which flow ran first, so every stage that
records such facts evaluates its grounds here, from everything the registry holds:

    15.1  expiry state and failed reviews                      (the revocation flow)
    15.2  findings 虚假申报 / 违法违规                           (the revocation flow's input files)
    15.3  monitoring reports missing or late; findings 不配合监测
    15.4  recorded filings that came late; declared changes with no filing, once their deadline passed
    15.5  incidents declared in monitoring reports that the Art. 6 rule catches

The same facts give the same proposal (identity and evidence) in every flow. Evidence therefore comes
from registry facts only: a recorded filing is cited as 变更备案 with its dates (change_filings.csv
still locates its file and row); a declared change, an incident and a report by the file, sheet and
row the monitoring run kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from clustercert.lifecycle import Status
from clustercert.management.calendar_months import month_day_deadline
from clustercert.management.changes import SOURCE_FILING, check_filings, filing_due
from clustercert.management.deadlines import DeadlineRule
from clustercert.management.expiry import ReviewOutcome, classify_expiry
from clustercert.management.monitoring import CHANGE_COLUMNS, INCIDENT_COLUMNS, report_deadline
from clustercert.management.parameters import ManagementParameters
from clustercert.management.pipeline import expiry_stage, state
from clustercert.management.revocation import propose_revocations, veto_rule_from_policy
from clustercert.management.tables import is_blank
from clustercert.registry import Registry, Transaction

ALL_GROUNDS = ("15.1", "15.2", "15.3", "15.4", "15.5")
MONITORING_GROUNDS = ("15.3", "15.4", "15.5")  # what a monitoring report's facts can raise
CHANGE_GROUNDS = ("15.4",)
REPORTED = ("missing", "late")  # the statuses of a report that 第十五条（三） may rest on

FILING_FRAME = ["certificate_id", "change_type", "changed_on", "filed_on", "new_value"]
REPORT_FRAME = ["certificate_id", "report_status", "report_year", "deadline", "deadline_note", "note", "file"]


def _day(value: Any) -> date | None:
    return None if is_blank(value) else date.fromisoformat(str(value)[:10])


def declared_changes(tx: Transaction) -> pd.DataFrame:
    """Major changes the recorded monitoring reports declared (with the file, sheet and row)."""
    rows = state.monitoring_payload_rows(tx, "changes")
    for row in rows:
        row["changed_on"] = _day(row.get("changed_on"))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def recorded_filings(tx: Transaction) -> pd.DataFrame:
    """The filings the change-filings flow recorded (not the unfiled changes it noted)."""
    rows = [
        {
            "certificate_id": f.certificate_id,
            "change_type": f.change_type,
            "changed_on": f.changed_on,
            "filed_on": f.filed_on,
            "new_value": f.new_value,
        }
        for f in tx.change_filings()
        if f.source == SOURCE_FILING
    ]
    rows.sort(key=lambda r: tuple(str(r[k]) for k in FILING_FRAME))
    return pd.DataFrame(rows, columns=FILING_FRAME)


def filing_rows(
    tx: Transaction, certificates: pd.DataFrame, params: ManagementParameters, rule: DeadlineRule, as_of: date
) -> pd.DataFrame:
    """Every recorded filing and declared change judged on `as_of` (change_filings.csv rows)."""
    check = check_filings(
        recorded_filings(tx),
        declared_changes(tx),
        certificates,
        filing_window_months=params.filing_window_months,
        as_of=as_of,
        filings_file="",
        deadline_rule=rule,
    )
    return check.rows


def report_rows(tx: Transaction, params: ManagementParameters, rule: DeadlineRule) -> pd.DataFrame:
    """Recorded reports that were missing or late, with the deadline they were judged against."""
    rows = []
    for report in tx.monitoring_reports():
        if report.status not in REPORTED:
            continue
        last_day = report_deadline(report.report_year, params.monitoring_deadline, rule)
        payload = report.payload or {}
        rows.append(
            {
                "certificate_id": report.certificate_id,
                "report_status": report.status,
                "report_year": report.report_year,
                "deadline": last_day.due,
                "deadline_note": last_day.note(),
                "note": payload.get("note") or "",
                "file": payload.get("file") or "",
            }
        )
    return pd.DataFrame(rows, columns=REPORT_FRAME)


def declared_incidents(tx: Transaction) -> pd.DataFrame | None:
    incidents = pd.DataFrame(state.monitoring_payload_rows(tx, "incidents"))
    return None if incidents.empty else incidents.reindex(columns=INCIDENT_COLUMNS)


def review_failures(tx: Transaction, renewal_years: int, policy_name: str) -> list[ReviewOutcome]:
    failures = []
    for sub in state.review_submissions(tx):
        cert = tx.certification(sub.certificate_id)
        if sub.status == Status.INELIGIBLE and cert is not None and cert.status != Status.REVOKED:
            failures.append(
                expiry_stage.stored_review_outcome(tx, sub, cert.valid_until, policy_name, renewal_years)
            )
    return failures


def evaluate(
    tx: Transaction,
    *,
    as_of: date,
    policy: Any,
    grounds: Iterable[str] = ALL_GROUNDS,
    findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`propose_revocations` over the registry's current facts, for the grounds asked."""
    grounds = tuple(grounds)
    params = ManagementParameters.from_policy(policy)
    rule = DeadlineRule.from_policy(policy)
    certificates = state.certificates_frame(tx, as_of)
    inputs: dict[str, Any] = {"late_reports_are_ground": params.late_report_is_ground}
    if "15.1" in grounds:
        applications, _ = expiry_stage.review_applications(tx)
        inputs["expiry_rows"] = classify_expiry(
            certificates,
            as_of,
            applications,
            expiry_notice_days=params.expiry_notice_days,
            review_window_days=params.review_window_days,
        )
        inputs["review_failures"] = review_failures(tx, params.renewal_years, policy.name)
    if "15.3" in grounds:
        inputs["monitoring_rows"] = report_rows(tx, params, rule)
    if "15.4" in grounds:
        inputs["filing_rows"] = filing_rows(tx, certificates, params, rule, as_of)
    if "15.5" in grounds:
        inputs["incidents"] = declared_incidents(tx)
        inputs["veto_rules"] = veto_rule_from_policy(policy)
    proposals = propose_revocations(as_of, findings=findings, **inputs)
    known = set(certificates["certificate_id"])
    return proposals[proposals["ground"].isin(grounds) & proposals["certificate_id"].isin(known)]


def record(
    tx: Transaction, *, as_of: date, policy: Any, grounds: Iterable[str] = ALL_GROUNDS, **kw: Any
) -> int:
    """Evaluate `grounds` and record the proposals; returns how many are new."""
    return state.record_proposals(tx, evaluate(tx, as_of=as_of, policy=policy, grounds=grounds, **kw))


# ------------------------------------------------------------------------------ calendar check
def deadline_days(tx: Transaction, params: ManagementParameters) -> list[date]:
    """The calendar last days of every deadline the registry's facts are judged against."""
    days = [
        month_day_deadline(r.report_year + 1, params.monitoring_deadline)
        for r in tx.monitoring_reports()
        if r.status in REPORTED
    ]
    changed = list(recorded_filings(tx)["changed_on"]) + list(declared_changes(tx)["changed_on"])
    days += [filing_due(d, params.filing_window_months) for d in changed if d is not None]
    return days


def calendar_gap(
    registry: Registry,
    policy: Any,
    *,
    report_year: int | None = None,
    changed_on: Iterable[date | None] = (),
) -> str | None:
    """The `CalendarNotCovered` message a run would stop with, checked before it starts: for the
    deadlines of the registry's facts, of report year R and of the changes a run read (None: fine)."""
    rule = DeadlineRule.from_policy(policy)
    if not rule.extends:
        return None
    params = ManagementParameters.from_policy(policy)
    with registry.transaction() as tx:
        days = deadline_days(tx, params)
    if report_year is not None:
        days.append(month_day_deadline(report_year + 1, params.monitoring_deadline))
    days += [filing_due(d, params.filing_window_months) for d in changed_on if d is not None]
    gap = rule.first_gap(days)
    return None if gap is None else str(gap)
