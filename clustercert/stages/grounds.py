"""Art. 15's grounds from the registry's current facts, whichever stage recorded them (SPEC §4.4).

A ground often rests on facts that two stages record: a change declared in a monitoring report (the
monitoring stage) and the filing that should have matched it (the change-filings stage). Judging only
what the running stage read would make the proposals depend on which flow ran first, so every stage
that records such facts ends its record step here, in the same transaction: it reads everything the
registry now holds (`facts`), decides the proposals (`decide`, pure) and records them.

    15.1  expiry state and failed reviews                      (expiry, revocation)
    15.2  findings 虚假申报 / 违法违规                           (the revocation stage's input files)
    15.3  monitoring reports missing or late; findings 不配合监测
    15.4  recorded filings that came late; declared changes with no filing, once their deadline passed
    15.5  incidents declared in monitoring reports that the Art. 6 rule catches

The same facts give the same proposal (identity and evidence) in every stage. Evidence therefore
comes from registry facts only: a recorded filing is cited as 变更备案 with its dates
(change_filings.csv still locates its file and row); a declared change, an incident and a report by
the file, sheet and row the monitoring run kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from clustercert.lifecycle import Decision, Status
from clustercert.management.calendar_months import month_day_deadline
from clustercert.management.changes import SOURCE_FILING, check_filings, filing_due
from clustercert.management.deadlines import DeadlineRule
from clustercert.management.expiry import ReviewOutcome, classify_expiry
from clustercert.management.monitoring import CHANGE_COLUMNS, INCIDENT_COLUMNS, report_deadline
from clustercert.management.parameters import ManagementParameters
from clustercert.management.revocation import GROUNDS, propose_revocations, veto_rule_from_policy
from clustercert.management.tables import is_blank, records, text
from clustercert.policy import Policy
from clustercert.registry import Registry, Transaction
from clustercert.registry.models import RevocationProposal
from clustercert.stages import certificates as held

ALL_GROUNDS = ("15.1", "15.2", "15.3", "15.4", "15.5")
MONITORING_GROUNDS = ("15.3", "15.4", "15.5")  # what a monitoring report's facts can raise
CHANGE_GROUNDS = ("15.4",)
EXPIRY_GROUNDS = ("15.1",)
REPORTED = ("missing", "late")  # the statuses of a report that 第十五条（三） may rest on

FILING_FRAME = ["certificate_id", "change_type", "changed_on", "filed_on", "new_value"]
REPORT_FRAME = ["certificate_id", "report_status", "report_year", "deadline", "deadline_note", "note", "file"]


def _day(value: Any) -> date | None:
    return None if is_blank(value) else date.fromisoformat(str(value)[:10])


# -- the facts ------------------------------------------------------------------------------------
def declared_changes(tx: Transaction) -> pd.DataFrame:
    """Major changes the recorded monitoring reports declared (with the file, sheet and row)."""
    rows = held.monitoring_payload_rows(tx, "changes")
    for row in rows:
        row["changed_on"] = _day(row.get("changed_on"))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def recorded_filings(tx: Transaction) -> pd.DataFrame:
    """The filings the change-filings stage recorded (not the unfiled changes it noted)."""
    rows = [
        {k: getattr(f, k) for k in FILING_FRAME} for f in tx.change_filings() if f.source == SOURCE_FILING
    ]
    rows.sort(key=lambda r: tuple(str(r[k]) for k in FILING_FRAME))
    return pd.DataFrame(rows, columns=FILING_FRAME)


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
    incidents = pd.DataFrame(held.monitoring_payload_rows(tx, "incidents"))
    return None if incidents.empty else incidents.reindex(columns=INCIDENT_COLUMNS)


def review_failures(
    reviews: Iterable[held.Review], certificates: pd.DataFrame, renewal_years: int
) -> list[ReviewOutcome]:
    """Failed reviews of certificates not revoked, judged from the certificate's current expiry."""
    current = {r["certificate_id"]: r for r in records(certificates)}
    failures = []
    for review in reviews:
        cert = current.get(review.certificate_id)
        if review.status == Status.INELIGIBLE and cert is not None and cert["status"] != Status.REVOKED:
            failures.append(review.outcome(cert["valid_until"], renewal_years))
    return failures


def facts(tx: Transaction, *, as_of: date, policy: Policy, grounds: Iterable[str]) -> dict[str, Any]:
    """What `propose_revocations` needs for `grounds`, from everything the registry holds."""
    grounds = tuple(grounds)
    params = ManagementParameters.from_policy(policy)
    rule = DeadlineRule.from_policy(policy)
    certificates = held.certificates_frame(tx, as_of)
    found: dict[str, Any] = {"certificates": certificates}
    if "15.1" in grounds:
        reviews = held.reviews(tx, policy.name)
        applications, _ = held.pending_applications(reviews)
        found["expiry_rows"] = classify_expiry(
            certificates,
            as_of,
            applications,
            expiry_notice_days=params.expiry_notice_days,
            review_window_days=params.review_window_days,
        )
        found["review_failures"] = review_failures(reviews, certificates, params.renewal_years)
    if "15.3" in grounds:
        found["monitoring_rows"] = report_rows(tx, params, rule)
    if "15.4" in grounds:
        found["filing_rows"] = check_filings(
            recorded_filings(tx),
            declared_changes(tx),
            certificates,
            filing_window_months=params.filing_window_months,
            as_of=as_of,
            filings_file="",
            deadline_rule=rule,
        ).rows
    if "15.5" in grounds:
        found["incidents"] = declared_incidents(tx)
    return found


# -- the decision ---------------------------------------------------------------------------------
def decide(
    found: Mapping[str, Any],
    *,
    as_of: date,
    policy: Policy,
    grounds: Iterable[str] = ALL_GROUNDS,
    findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`propose_revocations` over the facts, for the grounds asked and certificates the registry knows."""
    grounds = tuple(grounds)
    inputs = {k: v for k, v in found.items() if k != "certificates"}
    if "15.5" in grounds:
        inputs["veto_rules"] = veto_rule_from_policy(policy)
    late = ManagementParameters.from_policy(policy).late_report_is_ground
    proposals = propose_revocations(as_of, findings=findings, late_reports_are_ground=late, **inputs)
    known = set(found["certificates"]["certificate_id"])
    return proposals[proposals["ground"].isin(grounds) & proposals["certificate_id"].isin(known)]


# -- the record -----------------------------------------------------------------------------------
def record_proposals(tx: Transaction, proposals: pd.DataFrame) -> int:
    """Record `propose_revocations` rows; a revoked certificate has nothing left to revoke.

    Returns how many proposals are new (re-runs and proposals already decided add none).
    """
    new = 0
    for row in records(proposals):
        cert = tx.certification(text(row["certificate_id"]))
        if cert is None or cert.status == Status.REVOKED:
            continue
        before = len(tx.revocation_proposals(cert.certificate_id))
        tx.record_revocation_proposal(
            cert.certificate_id,
            ground=str(row["ground"]),
            evidence=str(row["evidence"]),
            proposed_on=row["proposed_on"],
            evidence_key=str(row["evidence_key"]),
        )
        new += len(tx.revocation_proposals(cert.certificate_id)) - before
    return new


def record(
    tx: Transaction,
    *,
    as_of: date,
    policy: Policy,
    grounds: Iterable[str] = ALL_GROUNDS,
    findings: pd.DataFrame | None = None,
) -> int:
    """The grounds the registry's facts now raise, decided and recorded in the caller's transaction;
    returns how many proposals are new."""
    found = facts(tx, as_of=as_of, policy=policy, grounds=grounds)
    return record_proposals(tx, decide(found, as_of=as_of, policy=policy, grounds=grounds, findings=findings))


# -- what the revocation stage lists --------------------------------------------------------------
def proposal_row(proposal: RevocationProposal) -> dict[str, Any]:
    """A recorded proposal as a revocation_proposals.csv row."""
    return {
        "certificate_id": proposal.certificate_id,
        "ground": proposal.ground,
        "evidence": proposal.evidence,
        "proposed_on": proposal.proposed_on,
        "ground_text": GROUNDS.get(proposal.ground, proposal.ground),
        "evidence_key": proposal.evidence_key,
        "decision": proposal.decision,
        "decided_on": proposal.decided_on,
        "reason": proposal.reason or "",
    }


def pending_proposals(tx: Transaction) -> list[dict[str, Any]]:
    return [proposal_row(p) for p in tx.revocation_proposals(decision=str(Decision.PENDING))]


# -- the calendar a run needs, checked before it starts ---------------------------------------------
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
    policy: Policy,
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
