"""The review applications (复核, 第十一条) the expiry check takes in: a submission workbook (SPEC §3.1)
that names the certificate, received, validated and evaluated as a campaign's submission is — the
campaign's collect, validate and score for one kind of file.

* work units: `receive(path, archive)` archives and reads one file; `validate(subs, engine)` runs both
  validation layers over the batch (the expectations once over all of them).
* read: the certificates the applications name, with their status.
* decide: a file that is not a review, or names no certificate, or a revoked one, is a located issue
  and is not taken in; the others are evaluated against Art. 5/6 — pure.
* record: each application's intake, validation and evaluation (the one evaluation recorder,
  `evaluations`), in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from clustercert.contract import APPLICATION_REVIEW
from clustercert.intake import Archive, discover_submissions, read_submission
from clustercert.issue import Issue, Severity
from clustercert.lifecycle import Status
from clustercert.policy import Policy
from clustercert.registry import Registry, cluster_data_to_payload
from clustercert.registry.models import Submission as SubmissionRow
from clustercert.rules import Evaluation, evaluate
from clustercert.stages.evaluations import record_evaluation
from clustercert.submission import Submission
from clustercert.validation import ValidationResult, validate_submissions

ARTICLE = "第十一条"


def files(inbox: Path | str | None) -> list[Path]:
    return discover_submissions(Path(inbox)) if inbox else []


def receive(path: Path, archive: Archive | None = None) -> Submission:
    """A work unit: archive and read one review application."""
    return read_submission(Path(path), archive=archive)


def validate(subs: Sequence[Submission], *, engine: str = "gx") -> list[tuple[Submission, ValidationResult]]:
    """A work unit: both validation layers over the batch of review applications, as for a campaign."""
    if not subs:
        return []
    results, _ = validate_submissions(list(subs), engine=engine)
    return list(zip(subs, results, strict=True))


def read(registry: Registry, subs: Iterable[Submission]) -> dict[str, str]:
    """certificate_id → status of every certificate the applications name."""
    named = {sub.profile_value("certificate_id") or "" for sub in subs}
    with registry.transaction() as tx:
        found = {cid: tx.certification(cid) for cid in sorted(named) if cid}
    return {cid: cert.status for cid, cert in found.items() if cert is not None}


@dataclass(frozen=True)
class Application:
    submission: Submission
    result: ValidationResult
    campaign_year: int
    evaluation: Evaluation | None  # Art. 5/6 on its data; None when it did not validate


@dataclass
class ReviewIntake:
    applications: list[Application]
    issues: list[Issue] = field(default_factory=list)

    @property
    def input_errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)


def _issue(
    sub: Submission, column: str, check: str, message: str, severity: Severity = Severity.ERROR
) -> Issue:
    return Issue(sub.submission_id, sub.file, "基本信息", None, column, check, severity, message, ARTICLE)


def _refusal(sub: Submission, certificates: Mapping[str, str]) -> Issue | None:
    """Why a received file is not taken in as a review (None: it is)."""
    if sub.profile_value("application_type") != APPLICATION_REVIEW:
        message = f"该文件不是复核申请（申报类型应为“{APPLICATION_REVIEW}”），未作为复核处理。"
        return _issue(sub, "申报类型", "review.application_type", message, Severity.WARNING)
    cid = sub.profile_value("certificate_id") or ""
    if cid not in certificates:
        return _issue(
            sub, "原认定编号", "review.certificate_id.known", f"原认定编号“{cid}”不是已认定集群的编号。"
        )
    if certificates[cid] == Status.REVOKED:
        return _issue(
            sub, "原认定编号", "review.certificate_id.revoked", f"认定编号“{cid}”已撤销，不能申请复核。"
        )
    return None


def decide(
    certificates: Mapping[str, str],
    reviews: Sequence[tuple[Submission, ValidationResult]],
    *,
    as_of: date,
    policy: Policy,
) -> ReviewIntake:
    """The applications taken in, each valid one evaluated with `policy` on `as_of` (pure)."""
    intake = ReviewIntake([], [i for _, result in reviews for i in result.issues])
    for sub, result in reviews:
        refusal = _refusal(sub, certificates)
        if refusal is not None:
            intake.issues.append(refusal)
            continue
        year_text = sub.profile_value("campaign_year") or ""
        year = int(year_text) if year_text.isdigit() else as_of.year
        evaluation = (
            evaluate(result.data, policy, as_of) if result.valid and result.data is not None else None
        )
        intake.applications.append(Application(sub, result, year, evaluation))
    return intake


def record(
    registry: Registry, intake: ReviewIntake, flow_run_id: str | None, *, as_of: date, policy: Policy
) -> None:
    """Each application's intake, validation and — when it is valid now — its evaluation."""
    with registry.recording(flow_run_id=flow_run_id) as tx:
        for app in intake.applications:
            sub, result = app.submission, app.result
            if tx.campaign(app.campaign_year) is None:
                tx.upsert_campaign(app.campaign_year, as_of, policy.name)
            tx.record_intake(sub, app.campaign_year)
            tx.record_validation(
                sub.submission_id,
                valid=result.valid,
                error_count=len(result.errors),
                warning_count=len(result.warnings),
                payload=None if result.data is None else cluster_data_to_payload(result.data),
                article=ARTICLE,
            )
            if (
                app.evaluation is not None
                and tx.require(SubmissionRow, sub.submission_id).status == Status.VALID
            ):
                record_evaluation(tx, app.evaluation, policy_name=policy.name, as_of=as_of)
