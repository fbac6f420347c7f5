"""Art. 11 as a stage: classify every certificate on the as-of date, send the 90/30-day notices once,
take in review applications (复核) through validation and the Art. 5/6 rules, renew those that pass
(three years from the old expiry) and propose Art. 15(一) for failed reviews and expiries without one.

A review is decided once its certificate has expired (the lifecycle renews from under_review); an
application that arrives during the notice period waits for that day.

Sent notices are recorded in the registry (`record_expiry_notice`): a later run does not send them
again, a re-run on the same day lists the same notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from clustercert.issue import Issue, Severity
from clustercert.lifecycle import EntityKind, Status, allowed_targets
from clustercert.management.expiry import (
    EXPIRY_COLUMNS,
    NOTICE_COLUMNS,
    ReviewOutcome,
    classify_expiry,
    expiry_notices,
    review_outcome,
    review_plan_completion,
)
from clustercert.management.parameters import ManagementParameters
from clustercert.management.pipeline import state
from clustercert.management.pipeline.outputs import frame_rows, write_csv, write_index, write_issues
from clustercert.management.revocation import propose_revocations
from clustercert.management.tables import records
from clustercert.registry import Registry, Transaction, cluster_data_to_payload
from clustercert.submission import Submission
from clustercert.validation import ValidationResult

ISSUES_FILE = "review_issues.csv"
REVIEW_COLUMNS = [
    "certificate_id",
    "review_submission_id",
    "applied_on",
    "result",
    "old_valid_until",
    "new_valid_until",
    "failed_criteria",
    "plan_completion_pct",
    "plan_unmet",
    "article",
    "explanation",
]
_DECIDABLE = (Status.ELIGIBLE, Status.INELIGIBLE)


@dataclass
class ExpiryOutcome:
    as_of: date
    rows: list[dict[str, Any]]  # expiry.csv
    notices: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)
    new_proposals: int = 0

    @property
    def input_errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)

    def counts(self) -> dict[str, int]:
        return pd.Series([r["status"] for r in self.rows], dtype="object").value_counts().to_dict()


def _review_issue(sub: Submission, check: str, message: str) -> Issue:
    return Issue(
        sub.submission_id,
        sub.file,
        "基本信息",
        None,
        "原认定编号",
        check,
        Severity.ERROR,
        message,
        "第十一条",
    )


def _record_review(
    tx: Transaction, sub: Submission, result: ValidationResult, policy: Any, as_of: date
) -> list[Issue]:
    """Record one received review application, its validation and its Art. 5/6 evaluation."""
    from clustercert.rules import evaluate

    if sub.profile_value("application_type") != state.REVIEW:
        return [
            Issue(sub.submission_id, sub.file, "基本信息", None, "申报类型", "review.application_type",
                  Severity.WARNING, "该文件不是复核申请（申报类型应为“复核”），未作为复核处理。", "第十一条")
        ]  # fmt: skip
    cid = sub.profile_value("certificate_id") or ""
    cert = tx.certification(cid)
    if cert is None:
        return [_review_issue(sub, "review.certificate_id.known", f"原认定编号“{cid}”不是已认定集群的编号。")]
    if cert.status == Status.REVOKED:
        return [_review_issue(sub, "review.certificate_id.revoked", f"认定编号“{cid}”已撤销，不能申请复核。")]
    year_text = sub.profile_value("campaign_year") or ""
    year = int(year_text) if year_text.isdigit() else as_of.year
    if tx.campaign(year) is None:
        tx.upsert_campaign(year, as_of, policy.name)
    tx.record_intake(sub, year)
    data = result.data
    tx.record_validation(
        sub.submission_id,
        valid=result.valid,
        error_count=len(result.errors),
        warning_count=len(result.warnings),
        payload=None if data is None else cluster_data_to_payload(data),
        article="第十一条",
    )
    if data is not None and tx.submission(sub.submission_id).status == Status.VALID:
        evaluation = evaluate(data, policy, as_of)
        tx.record_evaluation(
            sub.submission_id,
            policy_name=policy.name,
            as_of=as_of,
            eligible=evaluation.eligible,
            vetoed=evaluation.vetoed,
            failed_criteria=evaluation.failed_criteria,
            warnings=evaluation.warnings,
            score=None if evaluation.score is None else float(evaluation.score.total),
        )
    return []


def review_applications(tx: Transaction) -> tuple[pd.DataFrame, dict[tuple[str, date], str]]:
    """Reviews not (yet) renewing their certificate: pending or failed, as (certificate_id, applied_on)."""
    rows, by_day = [], {}
    for sub in state.review_submissions(tx):
        if sub.status not in _DECIDABLE:
            continue
        day = state.applied_on(sub)
        if day is not None:
            rows.append({"certificate_id": sub.certificate_id, "applied_on": day})
            by_day.setdefault((sub.certificate_id, day), sub.submission_id)
    return pd.DataFrame(rows, columns=["certificate_id", "applied_on"]), by_day


def _advance(tx: Transaction, cid: str, target: Status, reason: str) -> None:
    """Move a certificate when the lifecycle allows it from where it is (a re-run moves nothing)."""
    cert = tx.certification(cid)
    if cert.status == target or target not in allowed_targets(cert.status, EntityKind.CERTIFICATION):
        return
    if target == Status.UNDER_REVIEW:
        tx.start_review(cid)
    else:
        tx.transition(EntityKind.CERTIFICATION, cid, target, reason=reason, article="第十一条")


def stored_review_outcome(
    tx: Transaction, sub: Any, old_valid_until: date, policy_name: str, renewal_years: int
) -> ReviewOutcome:
    """The review's outcome from what the registry stored: its evaluation and both submissions."""
    cert = tx.certification(sub.certificate_id)
    evaluation = tx.evaluation(sub.submission_id, policy_name)
    original = state.submission_data(tx, cert.submission_id)
    fresh = state.submission_data(tx, sub.submission_id)
    completion = review_plan_completion(original.plan_targets, fresh.annual) if original and fresh else None
    verdict = SimpleNamespace(
        eligible=sub.status in (Status.ELIGIBLE, Status.RENEWED),
        failed_criteria=evaluation.failed_criteria if evaluation else [],
        score=SimpleNamespace(total=evaluation.score if evaluation else None),
    )
    return review_outcome(
        {"certificate_id": cert.certificate_id, "valid_until": old_valid_until},
        verdict,
        completion,
        renewal_years=renewal_years,
        review_id=sub.submission_id,
    )


def _old_valid_until(tx: Transaction, sub: Any) -> date:
    """The expiry a review renewed from: the audited old value when it already renewed, else now."""
    cert = tx.certification(sub.certificate_id)
    if sub.status == Status.RENEWED:
        for entry in tx.audit(sub.certificate_id, entity_kind=EntityKind.CERTIFICATION):
            if entry.field == "valid_until" and sub.submission_id in entry.reason and entry.old_value:
                return date.fromisoformat(entry.old_value[:10])
    return cert.valid_until


def _notices(tx: Transaction, rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Due notices not sent on an earlier day; the new ones are recorded in the registry."""
    earlier, today = set(), set()
    for certificate_id, days, until, sent_on in tx.expiry_notices_sent():
        (today if sent_on == as_of else earlier).add((certificate_id, days, until))
    notices = expiry_notices(rows, already_sent=earlier - today)
    for notice in records(notices):
        key = (notice["certificate_id"], int(notice["notice_days"]), notice["valid_until"])
        if key in today:
            continue
        tx.record_expiry_notice(
            key[0], notice_days=key[1], valid_until=key[2], sent_on=as_of, text=notice["text"]
        )
    return notices


def run_expiry(
    registry: Registry,
    reviews: Sequence[tuple[Submission, ValidationResult]],
    *,
    as_of: date,
    policy: Any,
    flow_run_id: str | None = None,
) -> ExpiryOutcome:
    params = ManagementParameters.from_policy(policy)
    classify = dict(
        expiry_notice_days=params.expiry_notice_days, review_window_days=params.review_window_days
    )
    issues: list[Issue] = [i for _, result in reviews for i in result.issues]
    failed: list[ReviewOutcome] = []
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        for sub, result in reviews:
            issues += _record_review(tx, sub, result, policy, as_of)
        applications, by_day = review_applications(tx)
        rows = classify_expiry(state.certificates_frame(tx, as_of), as_of, applications, **classify)
        for row in records(rows):
            cid, status = row["certificate_id"], row["status"]
            if status.startswith("expiring_"):
                _advance(tx, cid, Status.EXPIRING, f"认定有效期将于{row['valid_until']}届满（{status}）")
            elif row["days_to_expiry"] < 0:
                _advance(tx, cid, Status.EXPIRED, f"认定有效期已于{row['valid_until']}届满")
            if status != "under_review":
                continue
            _advance(tx, cid, Status.UNDER_REVIEW, "")
            sub = tx.submission(by_day[(cid, row["review_applied_on"])])
            if sub.status not in _DECIDABLE or tx.certification(cid).status != Status.UNDER_REVIEW:
                continue
            outcome = stored_review_outcome(tx, sub, row["valid_until"], policy.name, params.renewal_years)
            if outcome.passed:
                tx.extend_validity(
                    cid,
                    outcome.new_valid_until,
                    review_submission_id=sub.submission_id,
                    reason=outcome.explanation,
                )
            else:
                failed.append(outcome)
        applications, _ = review_applications(tx)
        rows = classify_expiry(state.certificates_frame(tx, as_of), as_of, applications, **classify)
        notices = _notices(tx, rows, as_of)
        proposals = propose_revocations(as_of, expiry_rows=rows, review_failures=failed)
        new = state.record_proposals(tx, proposals)
        review_rows = _review_rows(tx, policy.name, params.renewal_years)
    return ExpiryOutcome(as_of, frame_rows(rows), frame_rows(notices), review_rows, issues, new)


def _review_rows(tx: Transaction, policy_name: str, renewal_years: int) -> list[dict[str, Any]]:
    rows = []
    for sub in state.review_submissions(tx):
        if sub.status not in (*_DECIDABLE, Status.RENEWED):
            continue
        outcome = stored_review_outcome(tx, sub, _old_valid_until(tx, sub), policy_name, renewal_years)
        decided = sub.status == Status.RENEWED or not outcome.passed
        rows.append(
            {
                "certificate_id": sub.certificate_id,
                "review_submission_id": sub.submission_id,
                "applied_on": state.applied_on(sub),
                "result": ("passed" if outcome.passed else "failed") if decided else "pending",
                "old_valid_until": outcome.old_valid_until,
                "new_valid_until": outcome.new_valid_until if sub.status == Status.RENEWED else None,
                "failed_criteria": ";".join(outcome.failed_criteria),
                "plan_completion_pct": outcome.plan_completion_pct,
                "plan_unmet": outcome.plan_unmet,
                "article": outcome.article,
                "explanation": outcome.explanation
                if decided
                else "复核申请已受理，待有效期届满后作出复核结论",
            }
        )
    return rows


def write_expiry(out: Path, outcome: ExpiryOutcome) -> Path:
    from clustercert.reports import render_expiry

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out, "expiry.csv", outcome.rows, EXPIRY_COLUMNS)
    write_csv(out, "expiry_notices.csv", outcome.notices, NOTICE_COLUMNS)
    write_csv(out, "reviews.csv", outcome.reviews, REVIEW_COLUMNS)
    write_issues(out, ISSUES_FILE, outcome.issues)
    page = render_expiry(
        out, as_of=outcome.as_of, rows=[{**r, "days_left": r["days_to_expiry"]} for r in outcome.rows]
    )
    write_index(out, subtitle=f"数据截至 {outcome.as_of.isoformat()}")
    return page


def review_paths(inbox: Path | None) -> list[Path]:
    from clustercert.intake import discover_submissions

    return discover_submissions(Path(inbox)) if inbox else []


def read_review(path: Path, archive: Any = None) -> Submission:
    """Archive and read one review application (a submission workbook, SPEC §3.1)."""
    from clustercert.intake import read_submission

    return read_submission(Path(path), archive=archive)


def validate_reviews(
    subs: Sequence[Submission], *, engine: str = "gx"
) -> list[tuple[Submission, ValidationResult]]:
    """Both validation layers over the batch of review applications, as for a campaign."""
    from clustercert.validation import validate_submissions

    if not subs:
        return []
    results, _ = validate_submissions(list(subs), engine=engine)
    return list(zip(subs, results, strict=True))
