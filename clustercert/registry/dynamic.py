"""Registry writes of dynamic management (第十一条–第十五条): monitoring reports, major-change
filings, revocation proposals and decisions, review and renewal. Each is idempotent.

The rules that decide (is a report late? a filing on time? which ground applies?) live in the domain
modules; the registry records their verdicts and keeps the certificate's lifecycle and the cluster's
facts consistent with them, through the audit log.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from clustercert.contract import APPLICATION_REVIEW, CHANGE_TYPES, REVOCATION_DECISIONS
from clustercert.lifecycle import REVOCATION_GROUNDS, Decision, EntityKind, Status, check_decision
from clustercert.registry.core import Conflict, NotFound, RegistryError, TransactionCore, jsonable
from clustercert.registry.models import (
    Certification,
    ChangeFiling,
    Cluster,
    MonitoringReport,
    RevocationProposal,
    Submission,
)

K = EntityKind


class ReportStatus(StrEnum):
    """A certified cluster's yearly report (第十三条), as monitoring.csv writes it."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


_REPORT_WORDS = {
    ReportStatus.ON_TIME: "按时报送",
    ReportStatus.LATE: "逾期报送",
    ReportStatus.MISSING: "未报送",
}

# 第十二条's three kinds of major change → the cluster fact each one changes.
CHANGE_FIELDS: dict[str, str] = dict(
    zip(CHANGE_TYPES, ("leading_industry", "spatial_scope", "operator_name"), strict=True)
)

# The decisions file's words (contract) → the registry's decision.
DECISION_WORDS: dict[str, Decision] = dict(
    zip(REVOCATION_DECISIONS, (Decision.CONFIRMED, Decision.CLEARED), strict=True)
)

# Statuses from which a certificate can be proposed for revocation.
_PROPOSABLE = frozenset(
    {Status.CERTIFIED, Status.EXPIRING, Status.RENEWED, Status.CLEARED, Status.EXPIRED, Status.UNDER_REVIEW}
)


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(jsonable(list(parts)), ensure_ascii=False).encode()).hexdigest()


EXPIRY_NOTICE_FIELD = "expiry_notice"


class DynamicWrites(TransactionCore):
    # -- 第十一条 expiry notices ---------------------------------------------------------------
    # A sent notice is a fact in the certificate's history, so it lives in the audit log
    # (field `expiry_notice`, value "days|valid_until|sent_on"); these two methods own that format.
    def record_expiry_notice(
        self, certificate_id: str, *, notice_days: int, valid_until: date, sent_on: date, text: str
    ) -> None:
        """Remember that the notice `notice_days` before `valid_until` went out on `sent_on`."""
        self._audit(
            EntityKind.CERTIFICATION,
            certificate_id,
            field=EXPIRY_NOTICE_FIELD,
            new_value=f"{int(notice_days)}|{valid_until.isoformat()}|{sent_on.isoformat()}",
            reason=text,
            article="第十一条",
        )

    def expiry_notices_sent(self) -> list[tuple[str, int, date, date]]:
        """(certificate_id, notice_days, valid_until, sent_on) of every notice recorded."""
        sent = []
        for entry in self.audit(entity_kind=EntityKind.CERTIFICATION):
            if entry.field == EXPIRY_NOTICE_FIELD and entry.new_value:
                days, until, sent_on = entry.new_value.split("|")
                sent.append(
                    (entry.entity_id, int(days), date.fromisoformat(until), date.fromisoformat(sent_on))
                )
        return sent

    # -- 第十三条 monitoring -------------------------------------------------------------------
    def record_monitoring(
        self,
        certificate_id: str,
        report_year: int,
        *,
        prefecture_code: str,
        status: ReportStatus | str,
        submitted_on: date | None = None,
        payload: dict[str, Any] | None = None,
    ) -> MonitoringReport:
        """One certified cluster's report for year R; a later arrival (missing → late) is audited."""
        status = ReportStatus(status)
        self.require(Certification, certificate_id)
        values = {
            "prefecture_code": prefecture_code,
            "status": str(status),
            "submitted_on": submitted_on,
            "payload": jsonable(payload or {}),
        }
        row = next(iter(self.monitoring_reports(report_year, certificate_id=certificate_id)), None)
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            return row
        reason = f"{report_year}年度集群发展情况：{_REPORT_WORDS[status]}" + (
            f"（报送日期 {submitted_on}）" if submitted_on else ""
        )
        old_status = None if row is None else row.status
        if row is None:
            now = self.clock()
            row = MonitoringReport(
                certificate_id=certificate_id,
                report_year=report_year,
                flow_run_id=self.flow_run_id,
                recorded_at=now,
                updated_at=now,
                **values,
            )
            self.session.add(row)
        else:
            for k, v in values.items():
                setattr(row, k, v)
            row.flow_run_id, row.updated_at = self.flow_run_id, self.clock()
        if old_status != row.status:
            self._audit(
                K.MONITORING_REPORT,
                certificate_id,
                field=f"report_{report_year}",
                old_value=old_status,
                new_value=row.status,
                reason=reason,
                article="第十三条",
            )
        self.session.flush()
        return row

    # -- 第十二条 major changes ----------------------------------------------------------------
    def record_change_filing(
        self,
        certificate_id: str,
        *,
        change_type: str,
        changed_on: date,
        new_value: str,
        on_time: bool,
        filed_on: date | None = None,
        source: str = "filing",
        apply: bool | None = None,
    ) -> ChangeFiling:
        """Record a major change. An on-time filing (the default for `apply`) updates the cluster's
        fact with an audit entry, unless a later change of the same kind was already applied."""
        if change_type not in CHANGE_FIELDS:
            raise ValueError(f"unknown change type {change_type!r}; expected one of {CHANGE_TYPES}")
        key = _key(certificate_id, change_type, changed_on, filed_on, new_value, source)
        existing = self.session.scalars(
            sa.select(ChangeFiling).where(ChangeFiling.filing_key == key)
        ).one_or_none()
        if existing is not None:
            return existing
        cert = self.require(Certification, certificate_id)
        if apply is None:
            apply = bool(on_time) and source == "filing"
        if apply and self._later_change_applied(certificate_id, change_type, changed_on):
            apply = False
        row = ChangeFiling(
            filing_key=key,
            certificate_id=certificate_id,
            change_type=change_type,
            changed_on=changed_on,
            filed_on=filed_on,
            new_value=new_value,
            on_time=bool(on_time),
            source=source,
            applied=apply,
            flow_run_id=self.flow_run_id,
            recorded_at=self.clock(),
        )
        self.session.add(row)
        if apply:
            cluster = self.require(Cluster, cert.cluster_key)
            reason = (
                f"重大变动备案（认定编号 {certificate_id}）：{change_type}变更为“{new_value}”，"
                f"变动日期 {changed_on}" + (f"，备案日期 {filed_on}" if filed_on else "")
            )
            field = CHANGE_FIELDS[change_type]
            self._set_field(
                K.CLUSTER, cluster.cluster_key, cluster, field, new_value, reason=reason, article="第十二条"
            )
        self.session.flush()
        return row

    def _later_change_applied(self, certificate_id: str, change_type: str, changed_on: date) -> bool:
        return any(
            f.applied and f.change_type == change_type and f.changed_on > changed_on
            for f in self.change_filings(certificate_id)
        )

    # -- 第十五条 revocation -------------------------------------------------------------------
    def record_revocation_proposal(
        self,
        certificate_id: str,
        *,
        ground: str,
        evidence: str,
        proposed_on: date,
        evidence_key: str | None = None,
    ) -> RevocationProposal:
        """Propose revoking a certificate on a ground 15.1–15.5, once per (certificate, ground,
        evidence_key); the certificate moves to revocation_proposed."""
        if ground not in REVOCATION_GROUNDS:
            raise ValueError(
                f"unknown revocation ground {ground!r}; expected one of {list(REVOCATION_GROUNDS)}"
            )
        evidence_key = evidence_key or _key(evidence)
        existing = self.revocation_proposals(certificate_id, decision=None)
        for row in existing:
            if row.ground == ground and row.evidence_key == evidence_key:
                return row
        cert = self.require(Certification, certificate_id)
        if cert.status != Status.REVOCATION_PROPOSED and cert.status not in _PROPOSABLE:
            raise RegistryError(f"certificate {certificate_id} is {cert.status}: nothing to revoke")
        row = RevocationProposal(
            certificate_id=certificate_id,
            ground=ground,
            evidence=evidence,
            evidence_key=evidence_key,
            proposed_on=proposed_on,
            decision=str(Decision.PENDING),
            flow_run_id=self.flow_run_id,
            recorded_at=self.clock(),
        )
        self.session.add(row)
        reason = f"拟撤销认定：{REVOCATION_GROUNDS[ground]}。依据：{evidence}"
        self._audit(
            K.REVOCATION_PROPOSAL,
            certificate_id,
            field="decision",
            new_value=Decision.PENDING,
            reason=reason,
            article=ground,
        )
        self._move(K.CERTIFICATION, certificate_id, Status.REVOCATION_PROPOSED, reason=reason, article=ground)
        self.session.flush()
        return row

    def decide_revocation(
        self,
        certificate_id: str,
        ground: str | None,
        decision: Decision | str,
        reason: str,
        *,
        decided_on: date,
        evidence_key: str | None = None,
    ) -> list[RevocationProposal]:
        """The province's decision (撤销 / 不予撤销, or confirmed / cleared) on a certificate's proposals:
        those of one ground (and evidence key) or, with ground None, all its pending ones.

        Confirmed → the certificate is revoked on those grounds. Cleared → once no proposal of the
        certificate is pending any more, the certificate is cleared and stays in force. Deciding again
        the same way writes nothing; deciding a decided proposal the other way is a `Conflict`.
        """
        target = DECISION_WORDS.get(str(decision)) or Decision(decision)
        if target is Decision.PENDING:
            raise ValueError("a decision is confirmed or cleared")
        proposals = [
            p
            for p in self.revocation_proposals(certificate_id)
            if (ground is None or p.ground == ground)
            and (evidence_key is None or p.evidence_key == evidence_key)
        ]
        if ground is None:  # a whole-certificate decision is about what is still open
            pending = [p for p in proposals if p.decision == Decision.PENDING]
            proposals = pending or [p for p in proposals if p.decision == target] or proposals
        if not proposals:
            raise NotFound(
                f"no revocation proposal for {certificate_id}" + (f" on ground {ground}" if ground else "")
            )
        for proposal in proposals:
            if proposal.decision == target:
                continue
            if proposal.decision != Decision.PENDING:
                raise Conflict(
                    f"{certificate_id} {proposal.ground}: already {proposal.decision}, cannot become {target}"
                )
            check_decision(proposal.decision, target)
            self._audit(
                K.REVOCATION_PROPOSAL,
                certificate_id,
                field="decision",
                old_value=proposal.decision,
                new_value=target,
                reason=reason,
                article=proposal.ground,
            )
            proposal.decision, proposal.decided_on, proposal.reason = str(target), decided_on, reason
        self.session.flush()
        cert = self.require(Certification, certificate_id)
        if cert.status != Status.REVOCATION_PROPOSED:
            return proposals
        grounds = sorted({p.ground for p in proposals})
        article = "、".join(grounds)
        if target is Decision.CONFIRMED:
            why = "撤销认定：" + "；".join(REVOCATION_GROUNDS[g] for g in grounds) + f"。{reason}"
            self._move(K.CERTIFICATION, certificate_id, Status.REVOKED, reason=why, article=article)
        elif not self.revocation_proposals(certificate_id, decision=Decision.PENDING):
            self._move(
                K.CERTIFICATION, certificate_id, Status.CLEARED, reason=f"不予撤销：{reason}", article=article
            )
        return proposals

    # -- 第十一条 review and renewal ------------------------------------------------------------
    def review_submissions(self, certificate_id: str | None = None) -> list[Submission]:
        """Review applications (复核) recorded for a certificate (every certificate when None), by
        campaign year and submission id."""
        query = sa.select(Submission).where(
            Submission.application_type == APPLICATION_REVIEW, Submission.certificate_id.is_not(None)
        )
        if certificate_id is not None:
            query = query.where(Submission.certificate_id == certificate_id)
        return list(self.session.scalars(query.order_by(Submission.campaign_year, Submission.submission_id)))

    def start_review(self, certificate_id: str, *, review_submission_id: str | None = None) -> bool:
        """An expired certificate's review application was received (expired → under_review)."""
        ref = f"（复核申报编号 {review_submission_id}）" if review_submission_id else ""
        return self._move(
            K.CERTIFICATION,
            certificate_id,
            Status.UNDER_REVIEW,
            reason=f"收到复核申请{ref}",
            article="第十一条",
        )

    def extend_validity(
        self,
        certificate_id: str,
        new_valid_until: date,
        *,
        review_submission_id: str | None = None,
        reason: str | None = None,
        article: str = "第十一条",
    ) -> Certification:
        """A passed review: validity runs to `new_valid_until` and the certificate is renewed."""
        cert = self.require(Certification, certificate_id)
        if cert.valid_until == new_valid_until:
            return cert  # already extended by this review
        if new_valid_until <= cert.valid_until:
            raise ValueError(
                f"{certificate_id}: new validity {new_valid_until} does not extend {cert.valid_until}"
            )
        if cert.status == Status.EXPIRED:
            self.start_review(certificate_id, review_submission_id=review_submission_id)
        ref = f"（复核申报编号 {review_submission_id}）" if review_submission_id else ""
        reason = reason or f"复核通过{ref}，有效期延长三年至 {new_valid_until}"
        self._move(K.CERTIFICATION, certificate_id, Status.RENEWED, reason=reason, article=article)
        self._set_field(
            K.CERTIFICATION,
            certificate_id,
            cert,
            "valid_until",
            new_valid_until,
            reason=reason,
            article=article,
        )
        if review_submission_id is not None:
            self.require(Submission, review_submission_id)
            self._move(K.SUBMISSION, review_submission_id, Status.RENEWED, reason=reason, article=article)
        self.session.flush()
        return cert
