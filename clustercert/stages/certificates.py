"""The certified clusters as the registry holds them: what the dynamic-management stages read.

Every function takes an open `Transaction`, so a stage reads in the unit of work it needs (its read
step, or its record step when it judges facts it just recorded, see `grounds`). Certificates come
back with their cluster's name and place (the registry keeps the county; the prefecture follows from
`reference`); a certificate's data is its latest accepted submission — the review (复核) that renewed
it, else the submission it was certified on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import pandas as pd

from clustercert.lifecycle import EntityKind, Status
from clustercert.management.expiry import ReviewOutcome, review_outcome, review_plan_completion
from clustercert.reference import county
from clustercert.registry import Transaction
from clustercert.registry.models import Submission
from clustercert.submission import ClusterData

CERTIFICATE_COLUMNS = [
    "certificate_id",
    "submission_id",
    "cluster_key",
    "cluster_name",
    "county_code",
    "prefecture_code",
    "certified_on",
    "valid_until",
    "status",
]
# A review's verdict (Art. 5/6 on its fresh data) as its submission's status says it.
PASSED = (Status.ELIGIBLE, Status.RENEWED)
DECIDABLE = (Status.ELIGIBLE, Status.INELIGIBLE)  # evaluated, not yet renewing the certificate


def certificates_frame(tx: Transaction, as_of: date | None = None) -> pd.DataFrame:
    """Every certificate issued by `as_of` (revoked ones too: the domain functions filter)."""
    clusters = {c.cluster_key: c for c in tx.clusters()}
    rows = []
    for cert in tx.certifications(as_of):
        cluster = clusters.get(cert.cluster_key)
        county_code = cluster.county_code if cluster else ""
        place = county(county_code)
        rows.append(
            {
                "certificate_id": cert.certificate_id,
                "submission_id": cert.submission_id,
                "cluster_key": cert.cluster_key,
                "cluster_name": cluster.cluster_name if cluster else "",
                "county_code": county_code,
                "prefecture_code": place.prefecture_code if place else "",
                "certified_on": cert.certified_on,
                "valid_until": cert.valid_until,
                "status": cert.status,
            }
        )
    return pd.DataFrame(rows, columns=CERTIFICATE_COLUMNS)


def latest_submission_id(tx: Transaction, certificate_id: str, certified_submission_id: str) -> str:
    """The review that renewed the certificate most recently, else the certified submission."""
    renewed = [s for s in tx.review_submissions(certificate_id) if s.status == Status.RENEWED]
    return renewed[-1].submission_id if renewed else certified_submission_id


def latest_data(tx: Transaction, certificates: pd.DataFrame) -> dict[str, ClusterData]:
    """certificate_id → its latest typed data (certificates without a stored payload are left out)."""
    found = {}
    for cid, sid in zip(certificates["certificate_id"], certificates["submission_id"], strict=True):
        data = tx.cluster_data(latest_submission_id(tx, cid, sid))
        if data is not None:
            found[cid] = data
    return found


def monitoring_payload_rows(tx: Transaction, part: str) -> list[dict[str, Any]]:
    """Rows a monitoring run kept in the registry's report payloads ("changes" or "incidents")."""
    return [
        {"certificate_id": report.certificate_id, **row}
        for report in tx.monitoring_reports()
        for row in (report.payload or {}).get(part) or []
    ]


# -- reviews (复核, 第十一条) -----------------------------------------------------------------------
def applied_on(submission: Submission) -> date | None:
    """When a review was applied for: its 申报日期, else the day the file arrived."""
    profile = (submission.payload or {}).get("profile") or {}
    declared = profile.get("declared_on")
    if declared:
        return date.fromisoformat(str(declared)[:10])
    return submission.received_at.date() if submission.received_at else None


@dataclass(frozen=True)
class Review:
    """A recorded review application with what its outcome rests on."""

    submission_id: str
    certificate_id: str
    status: str  # the review submission's status: eligible / ineligible / renewed / …
    applied_on: date | None
    failed_criteria: tuple[str, ...]
    score: float | None
    renewed_from: date | None  # the expiry it renewed from (audited), when it renewed
    original: ClusterData | None  # the submission the certificate was issued on
    fresh: ClusterData | None  # the review's own data

    @property
    def decidable(self) -> bool:
        return self.status in DECIDABLE

    def outcome(self, old_valid_until: date, renewal_years: int) -> ReviewOutcome:
        """Renewed from `old_valid_until`, or Art. 15(一): Art. 5/6 on the fresh data and the
        completion of the original plan targets."""
        completion = (
            review_plan_completion(self.original.plan_targets, self.fresh.annual)
            if self.original and self.fresh
            else None
        )
        verdict = _Verdict(self.status in PASSED, list(self.failed_criteria), _Total(self.score))
        return review_outcome(
            {"certificate_id": self.certificate_id, "valid_until": old_valid_until},
            verdict,
            completion,
            renewal_years=renewal_years,
            review_id=self.submission_id,
        )


@dataclass(frozen=True)
class _Total:
    total: float | None


@dataclass(frozen=True)
class _Verdict:
    eligible: bool
    failed_criteria: list[str]
    score: _Total


def _renewed_from(tx: Transaction, sub: Submission) -> date | None:
    """The expiry a renewed review extended: the old value the audit log kept for it."""
    if sub.status != Status.RENEWED:
        return None
    for entry in tx.audit(sub.certificate_id, entity_kind=EntityKind.CERTIFICATION):
        if entry.field == "valid_until" and sub.submission_id in entry.reason and entry.old_value:
            return date.fromisoformat(entry.old_value[:10])
    return None


def reviews(tx: Transaction, policy_name: str) -> list[Review]:
    """Every recorded review application, by campaign year and submission id, with its evaluation
    under `policy_name`."""
    found = []
    for sub in tx.review_submissions():
        certificate_id = cast(str, sub.certificate_id)  # review_submissions selects those naming one
        evaluation = tx.evaluation(sub.submission_id, policy_name)
        cert = tx.certification(certificate_id)
        found.append(
            Review(
                submission_id=sub.submission_id,
                certificate_id=certificate_id,
                status=sub.status,
                applied_on=applied_on(sub),
                failed_criteria=tuple(evaluation.failed_criteria) if evaluation else (),
                score=evaluation.score if evaluation else None,
                renewed_from=_renewed_from(tx, sub),
                original=tx.cluster_data(cert.submission_id) if cert is not None else None,
                fresh=tx.cluster_data(sub.submission_id),
            )
        )
    return found


def pending_applications(found: list[Review]) -> tuple[pd.DataFrame, dict[tuple[str, date], Review]]:
    """Reviews not (yet) renewing their certificate, as (certificate_id, applied_on) for
    `classify_expiry`, and each (certificate, day) → the first review applied for that day."""
    rows: list[dict[str, Any]] = []
    by_day: dict[tuple[str, date], Review] = {}
    for review in found:
        if review.decidable and review.applied_on is not None:
            rows.append({"certificate_id": review.certificate_id, "applied_on": review.applied_on})
            by_day.setdefault((review.certificate_id, review.applied_on), review)
    return pd.DataFrame(rows, columns=["certificate_id", "applied_on"]), by_day
