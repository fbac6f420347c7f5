"""Registry writes of certification (第十条): certificates issued from the provincial shortlist, and
the certified submission's profile adopted as its cluster's current facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from clustercert.lifecycle import EntityKind, Status, check_transition
from clustercert.registry.core import Conflict, RegistryError, TransactionCore
from clustercert.registry.models import Certification, Cluster, Submission

K = EntityKind

# What a certified submission's profile says about its cluster, as the cluster row keeps it.
_PROFILE_TO_CLUSTER = {
    "leading_industry": "leading_industry",
    "industry_code": "industry_code",
    "location_detail": "spatial_scope",
    "area_km2": "area_km2",
    "operator_name": "operator_name",
}


@dataclass(frozen=True)
class CertificationInput:
    """One line of certified.csv as the provincial shortlist decides it."""

    certificate_id: str
    submission_id: str
    certified_on: date
    valid_until: date
    renewed_from: str | None = None
    reason: str = ""  # the decision's own words (经公示无异议…), for the submission's audit entry


class CertificationWrites(TransactionCore):
    def certify(self, rows: Iterable[CertificationInput]) -> list[Certification]:
        """Issue certificates (第十条). Idempotent by submission: a certified one keeps its certificate."""
        issued: list[Certification] = []
        for item in rows:
            existing = self.certification_for(item.submission_id)
            if existing is not None:
                issued.append(existing)
                continue
            issued.append(self._issue(item))
        return issued

    def _issue(self, item: CertificationInput) -> Certification:
        submission = self.require(Submission, item.submission_id)
        if self.session.get(Certification, item.certificate_id) is not None:
            raise Conflict(f"certificate id {item.certificate_id} is already issued to another submission")
        if submission.cluster_key is None:
            raise RegistryError(f"submission {item.submission_id} names no known cluster")
        if item.valid_until <= item.certified_on:
            raise ValueError(f"{item.certificate_id}: valid_until must follow certified_on")
        check_transition(submission.status, Status.CERTIFIED, K.SUBMISSION)
        now = self.clock()
        cert = Certification(
            certificate_id=item.certificate_id,
            cluster_key=submission.cluster_key,
            submission_id=item.submission_id,
            certified_on=item.certified_on,
            valid_until=item.valid_until,
            status=str(Status.CERTIFIED),
            renewed_from=item.renewed_from,
            flow_run_id=self.flow_run_id,
            recorded_at=now,
            updated_at=now,
        )
        self.session.add(cert)
        self._audit(
            K.CERTIFICATION,
            item.certificate_id,
            to_status=Status.CERTIFIED,
            reason=f"经公示无异议，认定为黑龙江省中小企业特色产业集群，{item.certified_on} 起有效期至 {item.valid_until}",
            article="第十条",
        )
        self._audit(
            K.SUBMISSION,
            item.submission_id,
            from_status=submission.status,
            to_status=Status.CERTIFIED,
            reason=item.reason or f"已认定，认定编号 {item.certificate_id}",
            article="第十条",
        )
        submission.status, submission.updated_at = str(Status.CERTIFIED), now
        self._adopt_profile(submission, item.certificate_id)
        self.session.flush()
        return cert

    def _adopt_profile(self, submission: Submission, certificate_id: str) -> None:
        """The certified submission's profile becomes the cluster's current facts (audited)."""
        profile = (submission.payload or {}).get("profile") or {}
        cluster = self.require(Cluster, submission.cluster_key)
        reason = f"认定时申报材料所载集群信息（认定编号 {certificate_id}）"
        for source, field in _PROFILE_TO_CLUSTER.items():
            value = profile.get(source)
            if value is not None:
                value = float(value) if field == "area_km2" else str(value)
                self._set_field(
                    K.CLUSTER, cluster.cluster_key, cluster, field, value, reason=reason, article="第十条"
                )
