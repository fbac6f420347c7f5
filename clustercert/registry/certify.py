"""Registry writes of certification (第十条): certificates issued from the provincial shortlist, and
the certified submission's profile adopted as its cluster's current facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

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
        """Issue certificates (第十条). Idempotent by submission: a certified one keeps its certificate.

        What it checks against is read in a few queries for all the rows (the certificates the
        submissions already hold, the ids already issued, the profiles, the clusters), so that a
        campaign's certificates are written together when the transaction ends.
        """
        items = list(rows)
        held = self._certificates_held([i.submission_id for i in items])
        taken = self._certificate_ids_taken([i.certificate_id for i in items])
        new = [i for i in items if i.submission_id not in held]
        profiles = self.profiles(i.submission_id for i in new)
        self._load_clusters_of([i.submission_id for i in new])
        issued: list[Certification] = []
        for item in items:
            existing = held.get(item.submission_id)
            if existing is not None:
                issued.append(existing)
                continue
            if item.certificate_id in taken:
                raise Conflict(
                    f"certificate id {item.certificate_id} is already issued to another submission"
                )
            taken.add(item.certificate_id)
            cert = self._issue(item, profiles.get(item.submission_id, {}))
            held[item.submission_id] = cert
            issued.append(cert)
        return issued

    def _certificates_held(self, submission_ids: list[str]) -> dict[str, Certification]:
        found: dict[str, Certification] = {}
        for start in range(0, len(submission_ids), 500):
            query = sa.select(Certification).where(
                Certification.submission_id.in_(submission_ids[start : start + 500])
            )
            found.update((c.submission_id, c) for c in self.session.scalars(query))
        return found

    def _certificate_ids_taken(self, certificate_ids: list[str]) -> set[str]:
        taken: set[str] = set()
        for start in range(0, len(certificate_ids), 500):
            query = sa.select(Certification.certificate_id).where(
                Certification.certificate_id.in_(certificate_ids[start : start + 500])
            )
            taken.update(self.session.scalars(query))
        return taken

    def _load_clusters_of(self, submission_ids: list[str]) -> None:
        """The submissions' clusters into this transaction (kept while it lasts), one query per 500."""
        kept = getattr(self, "_clusters", {})
        for start in range(0, len(submission_ids), 500):
            query = (
                sa.select(Cluster)
                .join(Submission, Submission.cluster_key == Cluster.cluster_key)
                .where(Submission.submission_id.in_(submission_ids[start : start + 500]))
            )
            kept.update((c.cluster_key, c) for c in self.session.scalars(query))
        self._clusters = kept

    def _issue(self, item: CertificationInput, profile: dict[str, Any]) -> Certification:
        submission = self.require(Submission, item.submission_id)
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
        self._adopt_profile(submission, profile, item.certificate_id)
        return cert

    def _adopt_profile(self, submission: Submission, profile: dict[str, Any], certificate_id: str) -> None:
        """The certified submission's profile becomes the cluster's current facts (audited)."""
        cluster = self.require(Cluster, submission.cluster_key)
        reason = f"认定时申报材料所载集群信息（认定编号 {certificate_id}）"
        for source, field in _PROFILE_TO_CLUSTER.items():
            value = profile.get(source)
            if value is not None:
                value = float(value) if field == "area_km2" else str(value)
                self._set_field(
                    K.CLUSTER, cluster.cluster_key, cluster, field, value, reason=reason, article="第十条"
                )
