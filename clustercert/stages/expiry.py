"""expiry-check (第十一条): every certificate's validity on the as-of date, the 90/30-day notices sent
once, the reviews (复核) decided, and Art. 15(一) for failed reviews and expiries without one.

The review applications in the inbox are taken in first (`reviews`: received, validated, evaluated
and recorded). Then:

* read: the certificates issued by as_of, every recorded review with what its outcome rests on, and
  the notices already sent.
* decide: each certificate's status (`classify_expiry`); the lifecycle moves it calls for (expiring,
  expired, under review); a review is decided once its certificate has expired — passing renews it
  for three years from the old expiry, failing is a 15.1 ground; then the statuses again with the
  renewals, the notices due and not sent on an earlier day, and the 15.1 proposals — pure.
* record: the moves, the renewals, the new notices and the proposals, in one transaction (a move the
  lifecycle does not allow from where the certificate is, e.g. on a re-run, is skipped).
* after the record, `review_rows` reads every review's outcome for reviews.csv.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from clustercert.lifecycle import EntityKind, Status, allowed_targets
from clustercert.management.expiry import ReviewOutcome, classify_expiry, expiry_notices
from clustercert.management.parameters import ManagementParameters
from clustercert.management.revocation import propose_revocations
from clustercert.management.tables import plain_rows, records
from clustercert.policy import Policy
from clustercert.registry import Registry, Transaction
from clustercert.registry.models import Certification
from clustercert.stages import certificates as held
from clustercert.stages import grounds

ARTICLE = "第十一条"
PENDING_REVIEW = "复核申请已受理，待有效期届满后作出复核结论"


@dataclass
class ExpiryInputs:
    certificates: pd.DataFrame  # issued by as_of (held.certificates_frame)
    reviews: list[held.Review]
    notices_sent: list[tuple[str, int, date, date]]  # (certificate_id, notice_days, valid_until, sent_on)


def read(registry: Registry, as_of: date, policy: Policy) -> ExpiryInputs:
    with registry.transaction() as tx:
        return ExpiryInputs(
            held.certificates_frame(tx, as_of), held.reviews(tx, policy.name), tx.expiry_notices_sent()
        )


@dataclass(frozen=True)
class Move:
    certificate_id: str
    target: Status
    reason: str


@dataclass(frozen=True)
class Renewal:
    certificate_id: str
    new_valid_until: date
    review_submission_id: str
    reason: str


@dataclass
class ExpiryOutcome:
    as_of: date
    rows: list[dict[str, Any]]  # expiry.csv, after this run's renewals
    notices: list[dict[str, Any]]  # expiry_notices.csv: the notices due today
    moves: list[Move] = field(default_factory=list)
    renewals: list[Renewal] = field(default_factory=list)
    new_notices: list[dict[str, Any]] = field(default_factory=list)  # not recorded on this day yet
    proposals: pd.DataFrame | None = None  # 15.1

    def counts(self) -> dict[str, int]:
        return pd.Series([r["status"] for r in self.rows], dtype="object").value_counts().to_dict()


class _Lifecycle:
    """The certificates' statuses as this run moves them, by the lifecycle's graph."""

    def __init__(self, certificates: pd.DataFrame) -> None:
        self.status = dict(zip(certificates["certificate_id"], certificates["status"], strict=True))
        self.moves: list[Move] = []

    def advance(self, cid: str, target: Status, reason: str) -> None:
        current = self.status[cid]
        if current == target or target not in allowed_targets(current, EntityKind.CERTIFICATION):
            return
        self.moves.append(Move(cid, target, reason))
        self.status[cid] = target


def decide(inputs: ExpiryInputs, *, as_of: date, policy: Policy) -> ExpiryOutcome:
    params = ManagementParameters.from_policy(policy)

    def classify(certificates: pd.DataFrame, applications: pd.DataFrame) -> pd.DataFrame:
        return classify_expiry(
            certificates,
            as_of,
            applications,
            expiry_notice_days=params.expiry_notice_days,
            review_window_days=params.review_window_days,
        )

    applications, by_day = held.pending_applications(inputs.reviews)
    rows = classify(inputs.certificates, applications)
    lifecycle = _Lifecycle(inputs.certificates)
    renewals: list[Renewal] = []
    failed: list[ReviewOutcome] = []
    for row in records(rows):
        cid, status = row["certificate_id"], row["status"]
        if status.startswith("expiring_"):
            lifecycle.advance(cid, Status.EXPIRING, f"认定有效期将于{row['valid_until']}届满（{status}）")
        elif row["days_to_expiry"] < 0:
            lifecycle.advance(cid, Status.EXPIRED, f"认定有效期已于{row['valid_until']}届满")
        if status != "under_review":
            continue
        lifecycle.advance(cid, Status.UNDER_REVIEW, "")
        review = by_day[(cid, row["review_applied_on"])]
        if not review.decidable or lifecycle.status[cid] != Status.UNDER_REVIEW:
            continue
        outcome = review.outcome(row["valid_until"], params.renewal_years)
        if outcome.passed:
            renewals.append(Renewal(cid, outcome.renewed_until, review.submission_id, outcome.explanation))
            lifecycle.status[cid] = Status.RENEWED
        else:
            failed.append(outcome)
    certificates, applications = _renewed(inputs, renewals)
    rows = classify(certificates, applications)
    earlier: set[tuple[str, int, date]] = set()
    today: set[tuple[str, int, date]] = set()
    for cid, days, until, sent_on in inputs.notices_sent:
        (today if sent_on == as_of else earlier).add((cid, days, until))
    notices = plain_rows(expiry_notices(rows, already_sent=earlier - today))
    return ExpiryOutcome(
        as_of=as_of,
        rows=plain_rows(rows),
        notices=notices,
        moves=lifecycle.moves,
        renewals=renewals,
        new_notices=[n for n in notices if _notice_key(n) not in today],
        proposals=propose_revocations(as_of, expiry_rows=rows, review_failures=failed),
    )


def _renewed(inputs: ExpiryInputs, renewals: list[Renewal]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The certificates and pending applications as the renewals leave them."""
    until = {r.certificate_id: r.new_valid_until for r in renewals}
    certificates = inputs.certificates.copy()
    certificates["valid_until"] = [
        until.get(cid, day)
        for cid, day in zip(certificates["certificate_id"], certificates["valid_until"], strict=True)
    ]
    renewed = {r.review_submission_id for r in renewals}
    reviews = [
        dataclasses.replace(r, status=Status.RENEWED) if r.submission_id in renewed else r
        for r in inputs.reviews
    ]
    return certificates, held.pending_applications(reviews)[0]


def _notice_key(notice: dict[str, Any]) -> tuple[str, int, date]:
    return notice["certificate_id"], int(notice["notice_days"]), notice["valid_until"]


def _move(tx: Transaction, move: Move) -> None:
    """A move, when the lifecycle allows it from where the certificate is (a re-run moves nothing)."""
    cert = tx.require(Certification, move.certificate_id)
    if cert.status == move.target or move.target not in allowed_targets(
        cert.status, EntityKind.CERTIFICATION
    ):
        return
    if move.target == Status.UNDER_REVIEW:
        tx.start_review(move.certificate_id)
    else:
        tx.transition(
            EntityKind.CERTIFICATION, move.certificate_id, move.target, reason=move.reason, article=ARTICLE
        )


def record(registry: Registry, outcome: ExpiryOutcome, flow_run_id: str | None) -> dict[str, int]:
    with registry.recording(flow_run_id=flow_run_id) as tx:
        for move in outcome.moves:
            _move(tx, move)
        for renewal in outcome.renewals:
            tx.extend_validity(
                renewal.certificate_id,
                renewal.new_valid_until,
                review_submission_id=renewal.review_submission_id,
                reason=renewal.reason,
            )
        for notice in outcome.new_notices:
            cid, days, until = _notice_key(notice)
            tx.record_expiry_notice(
                cid, notice_days=days, valid_until=until, sent_on=outcome.as_of, text=notice["text"]
            )
        new = 0 if outcome.proposals is None else grounds.record_proposals(tx, outcome.proposals)
    return {"revocation_proposals_new": new}


def review_rows(registry: Registry, policy: Policy) -> list[dict[str, Any]]:
    """reviews.csv: every review application, decided or waiting for its certificate to expire."""
    renewal_years = ManagementParameters.from_policy(policy).renewal_years
    with registry.transaction() as tx:
        found = held.reviews(tx, policy.name)
        valid_until = {c.certificate_id: c.valid_until for c in tx.certifications()}
    rows = []
    for review in found:
        if review.status not in (*held.DECIDABLE, Status.RENEWED):
            continue
        renewed = review.status == Status.RENEWED
        outcome = review.outcome(review.renewed_from or valid_until[review.certificate_id], renewal_years)
        decided = renewed or not outcome.passed
        rows.append(
            {
                "certificate_id": review.certificate_id,
                "review_submission_id": review.submission_id,
                "applied_on": review.applied_on,
                "result": ("passed" if outcome.passed else "failed") if decided else "pending",
                "old_valid_until": outcome.old_valid_until,
                "new_valid_until": outcome.new_valid_until if renewed else None,
                "failed_criteria": ";".join(outcome.failed_criteria),
                "plan_completion_pct": outcome.plan_completion_pct,
                "plan_unmet": outcome.plan_unmet,
                "article": outcome.article,
                "explanation": outcome.explanation if decided else PENDING_REVIEW,
            }
        )
    return rows
