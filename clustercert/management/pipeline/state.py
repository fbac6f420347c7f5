"""What dynamic management reads from the registry, as the frames the domain functions take.

Every function takes an open `Transaction` so that a stage reads and writes in one unit of work.
Certificates come back with their cluster's name and place (the registry keeps the county; the
prefecture follows from `reference`), and a certificate's data is its latest accepted submission:
the review (复核) that renewed it, else the submission it was certified on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from clustercert.contract import ANNUAL_INDICATOR_KEYS, APPLICATION_TYPES
from clustercert.lifecycle import Decision, Status
from clustercert.management.tables import is_blank, records, text
from clustercert.reference import county
from clustercert.registry import Transaction, payload_to_cluster_data
from clustercert.registry.models import Submission
from clustercert.submission import ROW, ClusterData

REVIEW = APPLICATION_TYPES[1]  # 复核
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
# Indicators whose trend the monitoring report draws (Art. 5 aspects a province watches).
KEY_INDICATORS = (
    "total_output",
    "sme_rd",
    "invention_patents",
    "ii_adoption_pct",
    "software_adoption_pct",
    "energy_intensity",
)


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


def review_submissions(tx: Transaction, certificate_id: str | None = None) -> list[Submission]:
    """Review applications (复核) recorded for a certificate (all certificates when None)."""
    query = sa.select(Submission).where(
        Submission.application_type == REVIEW, Submission.certificate_id.is_not(None)
    )
    if certificate_id is not None:
        query = query.where(Submission.certificate_id == certificate_id)
    return list(tx.session.scalars(query.order_by(Submission.campaign_year, Submission.submission_id)))


def applied_on(submission: Submission) -> date | None:
    """When a review was applied for: its 申报日期, else the day the file arrived."""
    profile = (submission.payload or {}).get("profile") or {}
    declared = profile.get("declared_on")
    if declared:
        return date.fromisoformat(str(declared)[:10])
    return submission.received_at.date() if submission.received_at else None


def submission_data(tx: Transaction, submission_id: str) -> ClusterData | None:
    row = tx.submission(submission_id)
    if row is None or not row.payload:
        return None
    return payload_to_cluster_data(row.submission_id, row.file_name, row.sha256, row.payload)


def latest_submission_id(tx: Transaction, certificate_id: str, certified_submission_id: str) -> str:
    """The review that renewed the certificate most recently, else the certified submission."""
    renewed = [s for s in review_submissions(tx, certificate_id) if s.status == Status.RENEWED]
    return renewed[-1].submission_id if renewed else certified_submission_id


def latest_data(tx: Transaction, certificates: pd.DataFrame) -> dict[str, ClusterData]:
    """certificate_id → its latest typed data (certificates without a stored payload are left out)."""
    found = {}
    for cert in records(certificates):
        sid = latest_submission_id(tx, cert["certificate_id"], cert["submission_id"])
        data = submission_data(tx, sid)
        if data is not None:
            found[cert["certificate_id"]] = data
    return found


def plan_targets_frame(data: Mapping[str, ClusterData]) -> pd.DataFrame:
    """The plan targets (发展规划) of each certificate's latest data, with its certificate id."""
    frames = []
    for cid, cluster in data.items():
        targets = cluster.plan_targets.drop(columns=[ROW], errors="ignore").copy()
        targets.insert(0, "certificate_id", cid)
        frames.append(targets)
    columns = ["certificate_id", "indicator", "target_year", "target_value"]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def annual_points(annual: pd.DataFrame | None) -> dict[str, dict[int, Any]]:
    """indicator → {year: value} from a 经营指标 table."""
    points: dict[str, dict[int, Any]] = {}
    for row in records(annual):
        if is_blank(row.get("year")):
            continue
        for key in ANNUAL_INDICATOR_KEYS:
            if not is_blank(row.get(key)):
                points.setdefault(key, {})[int(row["year"])] = float(row[key])
    return points


def trends(
    tx: Transaction,
    data: Mapping[str, ClusterData],
    current: Mapping[str, Mapping[str, Any]] | None = None,
    current_year: int | None = None,
    indicators: Iterable[str] = KEY_INDICATORS,
) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """certificate_id → indicator → [(year, value)]: the certified (or reviewed) submission's annual
    table, then every recorded monitoring year, then this run's values for `current_year`."""
    wanted = tuple(indicators)
    found: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for cid, cluster in data.items():
        points = annual_points(cluster.annual)
        for report in tx.monitoring_reports(certificate_id=cid):
            for key, value in ((report.payload or {}).get("indicators") or {}).items():
                if not is_blank(value):
                    points.setdefault(key, {})[int(report.report_year)] = float(value)
        for key, value in ((current or {}).get(cid) or {}).items():
            if current_year is not None and key in ANNUAL_INDICATOR_KEYS and not is_blank(value):
                points.setdefault(key, {})[current_year] = float(value)
        found[cid] = {k: sorted(points[k].items()) for k in wanted if points.get(k)}
    return found


def monitoring_payload_rows(tx: Transaction, part: str) -> list[dict[str, Any]]:
    """Rows a monitoring run kept in the registry's report payloads ("changes" or "incidents")."""
    rows = []
    for report in tx.monitoring_reports():
        for row in (report.payload or {}).get(part) or []:
            rows.append({"certificate_id": report.certificate_id, **row})
    return rows


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


PROPOSAL_ROW_COLUMNS = [
    "certificate_id",
    "ground",
    "evidence",
    "proposed_on",
    "ground_text",
    "evidence_key",
    "decision",
    "decided_on",
    "reason",
]


def pending_proposals(tx: Transaction) -> list[dict[str, Any]]:
    return [proposal_row(p) for p in tx.revocation_proposals(decision=str(Decision.PENDING))]


def proposal_row(proposal: Any) -> dict[str, Any]:
    from clustercert.management.revocation import GROUNDS

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
