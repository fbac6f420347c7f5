"""Art. 11 — three-year validity, expiry notices and the review (复核).

Status by d = valid_until − as_of (days), with the policy's notice days (90, 30):

    valid            d > 90
    expiring_90      30 < d ≤ 90         notice at 90 days
    expiring_30      0 ≤ d ≤ 30          notice at 30 days (valid_until itself is the last valid day)
    under_review     d < 0 and a review application is in
    expired_in_window  d < 0, no application, as_of ≤ valid_until + review window
    expired_no_review  the window has passed without an application → Art. 15(一) proposal

An application counts when it arrived between the first notice (valid_until − 90 days) and the end
of the window, so that the review of an earlier cycle is never taken for this one. A decided review
changes the certificate itself (renewed → new valid_until; failed → Art. 15(一)), so the `reviews`
given here are the pending ones.

A passed review extends validity by three years from the OLD expiry ("有效期延长三年"): the new term
starts the day after the old expiry and ends three years later less one day, by the same anniversary
rule as certification (`campaign.certification.valid_until`): old expiry 2029-02-28 → new term from
2029-03-01 to 2032-02-29; 2028-02-29 → from 2028-03-01 to 2031-02-28. (Adding three years to the old
expiry instead would end the 2029-02-28 term on 2032-02-28, a day short.) The completion of the
original three-year plan targets is reported with the outcome ("考核集群三年发展规划目标完成情况") but
decides nothing: the regulation sets no bar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

import pandas as pd

from clustercert.campaign.certification import valid_until as term_end
from clustercert.management.calendar_months import shanghai_date, shanghai_day
from clustercert.management.plan import PlanCompletion, actuals_from_annual, plan_completion
from clustercert.management.tables import active_certificates, output_frame, records, text

ARTICLE = "11"
REVOCATION_GROUND = "15.1"

VALID = "valid"
UNDER_REVIEW = "under_review"
EXPIRED_IN_WINDOW = "expired_in_window"
EXPIRED_NO_REVIEW = "expired_no_review"


def expiring(notice_days: int) -> str:
    """Status name of the band that ends `notice_days` before expiry, e.g. expiring_90."""
    return f"expiring_{notice_days}"


EXPIRY_COLUMNS = [
    "certificate_id",
    "valid_until",
    "status",
    "article",
    "cluster_name",
    "days_to_expiry",
    "review_window_ends",
    "review_applied_on",
    "note",
]
NOTICE_COLUMNS = ["certificate_id", "notice_days", "valid_until", "days_to_expiry", "article", "text"]
REVIEW_COLUMNS = [  # reviews.csv: every review application and its outcome
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


def expiry_status(
    valid_until: date,
    as_of: date,
    *,
    expiry_notice_days: Sequence[int],
    review_window_days: int,
    review_applied_on: date | None = None,
) -> str:
    """The status of one certificate on `as_of` (see the module docstring)."""
    days = (valid_until - as_of).days
    if days >= 0:
        bands = sorted(expiry_notice_days)  # smallest band that still holds d wins
        return next((expiring(n) for n in bands if days <= n), VALID)
    if review_applied_on is not None:
        return UNDER_REVIEW
    window_ends = valid_until + timedelta(days=review_window_days)
    return EXPIRED_IN_WINDOW if as_of <= window_ends else EXPIRED_NO_REVIEW


def _application(
    cid: str,
    valid_until: date,
    applications: Mapping[str, list[date]],
    first_notice: int,
    window_ends: date,
    as_of: date,
) -> tuple[date | None, date | None]:
    """(counted application date, late application date) of a certificate."""
    late = None
    for applied_on in sorted(applications.get(cid, [])):
        if applied_on > as_of or applied_on < valid_until - timedelta(days=first_notice):
            continue
        if applied_on <= window_ends:
            return applied_on, None
        late = late or applied_on
    return None, late


def classify_expiry(
    certificates: pd.DataFrame,
    as_of: date,
    reviews: pd.DataFrame | None = None,
    *,
    expiry_notice_days: Sequence[int],
    review_window_days: int,
) -> pd.DataFrame:
    """`expiry.csv` rows for every certificate not revoked (certificate_id, valid_until, …).

    `reviews`: pending review applications (certificate_id, applied_on).
    """
    applications: dict[str, list[date]] = {}
    for rec in records(reviews):
        applied_on = shanghai_date(rec.get("applied_on"))
        if applied_on is not None:
            applications.setdefault(text(rec["certificate_id"]), []).append(applied_on)
    first_notice = max(expiry_notice_days, default=0)
    rows = []
    for cert in records(active_certificates(certificates)):
        cid = text(cert["certificate_id"])
        valid_until = shanghai_day(cert["valid_until"], f"valid_until of certificate {cid}")
        window_ends = valid_until + timedelta(days=review_window_days)
        applied_on, late = _application(cid, valid_until, applications, first_notice, window_ends, as_of)
        status = expiry_status(
            valid_until,
            as_of,
            expiry_notice_days=expiry_notice_days,
            review_window_days=review_window_days,
            review_applied_on=applied_on,
        )
        note = ""
        if status == EXPIRED_NO_REVIEW:
            note = f"有效期满后{review_window_days}日内（至{window_ends.isoformat()}）未收到复核申请"
            if late:
                note += f"；{late.isoformat()}收到的复核申请已超过期限"
        rows.append(
            {
                "certificate_id": cid,
                "valid_until": valid_until,
                "status": status,
                "article": REVOCATION_GROUND if status == EXPIRED_NO_REVIEW else ARTICLE,
                "cluster_name": text(cert.get("cluster_name")),
                "days_to_expiry": (valid_until - as_of).days,
                "review_window_ends": window_ends,
                "review_applied_on": applied_on,
                "note": note,
            }
        )
    rows.sort(key=lambda r: (r["valid_until"], r["certificate_id"]))
    return output_frame(rows, EXPIRY_COLUMNS)


def expiry_notices(
    expiry_rows: pd.DataFrame, *, already_sent: Iterable[tuple[str, int, date]] = ()
) -> pd.DataFrame:
    """One notice per certificate in an expiring band, unless its key was already sent.

    The key (certificate_id, notice_days, valid_until) makes a daily run idempotent, and a missed day
    still yields the notice (the band, not the exact day, triggers it); a renewed certificate has a
    new valid_until and so gets new notices.
    """
    sent = {(cid, int(n), d) for cid, n, d in already_sent}
    notices = []
    for row in records(expiry_rows):
        status = str(row["status"])
        if not status.startswith("expiring_"):
            continue
        days = int(status.removeprefix("expiring_"))
        valid_until = shanghai_day(row["valid_until"], f"valid_until of certificate {row['certificate_id']}")
        if (row["certificate_id"], days, valid_until) in sent:
            continue
        notices.append(
            {
                "certificate_id": row["certificate_id"],
                "notice_days": days,
                "valid_until": valid_until,
                "days_to_expiry": int(row["days_to_expiry"]),
                "article": ARTICLE,
                "text": _notice_text(
                    row, valid_until, shanghai_day(row["review_window_ends"], "review_window_ends")
                ),
            }
        )
    return output_frame(notices, NOTICE_COLUMNS)


def _notice_text(row: Mapping[str, Any], valid_until: date, window_ends: date) -> str:
    name = text(row.get("cluster_name"))
    who = (
        f"{name}（认定编号 {row['certificate_id']}）" if name else f"认定编号 {row['certificate_id']} 的集群"
    )
    return (
        f"【认定有效期到期提醒】{who}的黑龙江省中小企业特色产业集群认定有效期至{valid_until.isoformat()}，"
        f"距到期还有{int(row['days_to_expiry'])}天。依据《黑龙江省中小企业特色产业集群培育认定管理暂行办法》"
        f"第十一条，有效期满后可按自愿原则通过所在市（地）中小企业主管部门向省工信厅提出复核申请，"
        f"请最迟于{window_ends.isoformat()}（含当日）提交；逾期未申请复核的，依第十五条（一）撤销其认定。"
    )


# --------------------------------------------------------------------------------------------- review
@dataclass(frozen=True)
class ReviewOutcome:
    certificate_id: str
    passed: bool
    old_valid_until: date
    new_valid_until: date | None  # None when the review failed
    failed_criteria: tuple[str, ...]
    score: float | None
    plan_completion_pct: float | None
    plan_unmet: str  # Chinese list of the plan targets not met
    article: str  # "11" (renewed) or "15.1" (revocation proposal)
    review_id: str  # the 复核 submission id
    explanation: str  # Chinese

    @property
    def renewed_until(self) -> date:
        """The new expiry of a review that passed."""
        if self.new_valid_until is None:
            raise ValueError(f"the review of {self.certificate_id} did not pass: nothing is renewed")
        return self.new_valid_until


class _Scored(Protocol):
    @property
    def total(self) -> Decimal | float | None: ...


class Verdict(Protocol):
    """What a review is decided on: the rule engine's `Evaluation` of the fresh data, or the verdict the
    registry recorded of it."""

    @property
    def eligible(self) -> bool: ...

    @property
    def failed_criteria(self) -> Sequence[str]: ...  # or one text, ";"-separated

    @property
    def score(self) -> _Scored: ...


def renewed_valid_until(old_valid_until: date, renewal_years: int) -> date:
    """Last day of the renewed term: it starts the day after the old expiry and runs `renewal_years`."""
    return term_end(old_valid_until + timedelta(days=1), renewal_years)


def review_plan_completion(original_targets: pd.DataFrame, fresh_annual: pd.DataFrame) -> PlanCompletion:
    """Original plan targets (发展规划 of the certified submission) against the review's 经营指标."""
    return plan_completion(original_targets, actuals_from_annual(fresh_annual))


def review_outcome(
    old_certificate: Mapping[str, Any],
    evaluation: Verdict,
    plan_completion: PlanCompletion | None,
    *,
    renewal_years: int,
    review_id: str = "",
) -> ReviewOutcome:
    """Decide a review from the rule engine's evaluation of the fresh data (`.eligible`,
    `.failed_criteria`, `.score.total`): passing renews from the old expiry, failing is Art. 15(一)."""
    cid = text(old_certificate["certificate_id"])
    old_until = shanghai_day(old_certificate["valid_until"], f"valid_until of certificate {cid}")
    listed = evaluation.failed_criteria
    named = listed.split(";") if isinstance(listed, str) else list(listed or ())
    failed = tuple(sorted(f for f in named if f))
    score = evaluation.score.total
    passed = bool(evaluation.eligible)
    pct = plan_completion.pct if plan_completion is not None else None
    unmet = plan_completion.unmet_text() if plan_completion is not None else ""
    plan_text = "无可考核的规划目标" if pct is None else f"三年发展规划目标完成率{pct:g}%"
    if plan_completion is not None and plan_completion.total:
        plan_text += f"（{plan_completion.met}/{plan_completion.total}项）"
    if passed:
        new_until = renewed_valid_until(old_until, renewal_years)
        explanation = (
            f"复核通过，有效期延长{renewal_years}年：原有效期至{old_until.isoformat()}，新有效期自"
            f"{(old_until + timedelta(days=1)).isoformat()}至{new_until.isoformat()}（第十一条）；{plan_text}。"
        )
    else:
        new_until = None
        explanation = (
            f"复核未通过，未满足：{'、'.join(failed) or '认定条件'}，依第十五条（一）提出撤销；{plan_text}。"
        )
    return ReviewOutcome(
        certificate_id=cid,
        passed=passed,
        old_valid_until=old_until,
        new_valid_until=new_until,
        failed_criteria=failed,
        score=None if score is None else float(score),
        plan_completion_pct=pct,
        plan_unmet=unmet,
        article=ARTICLE if passed else REVOCATION_GROUND,
        review_id=review_id,
        explanation=explanation,
    )
