"""The campaign as the registry holds it: one row per current submission, with every decision so far.

This is what the decision stages read (the prefecture stage its eligible clusters, the province the
recommended ones) and what `decisions.csv`, the cluster pages and the index show. Each row carries
`final_status` (the submission's lifecycle status) and `reason` / `article` (its latest move's), so
every output can say why a cluster stands where it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from clustercert.lifecycle import EntityKind, Status
from clustercert.reference import county
from clustercert.registry import Transaction
from clustercert.rules import Evaluation
from clustercert.submission import ClusterData

# decisions.csv (SPEC §5), then what explains each row
DECISION_COLUMNS = (
    "submission_id",
    "file",
    "cluster_name",
    "county_code",
    "prefecture_code",
    "valid",
    "eligible",
    "vetoed",
    "failed_criteria",
    "warnings",
    "score",
    "recommended",
    "province_rank",
    "shortlisted",
    "final_status",
    "reason",
    "article",
)
# Carried for the stages and pages (tie-breaks, the public notice, links); not in decisions.csv.
EXTRA_COLUMNS = (
    "latest_total_output",
    "leading_industry",
    "operator_name",
    "county_name",
    "application_type",
    "prefecture_rank",
    "notice_seq",
    "certificate_id",
    "stage_note",
)
FACT_COLUMNS = (*DECISION_COLUMNS, *EXTRA_COLUMNS)

S = Status
_VALID = {S.VALID, S.ELIGIBLE, S.INELIGIBLE, S.RECOMMENDED, S.NOT_RECOMMENDED, S.SHORTLISTED}
_VALID |= {S.NOT_SHORTLISTED, S.OBJECTION_UPHELD, S.CERTIFIED}
_RECOMMENDED = {S.RECOMMENDED, S.SHORTLISTED, S.NOT_SHORTLISTED, S.OBJECTION_UPHELD, S.CERTIFIED}
_SHORTLISTED = {S.SHORTLISTED, S.OBJECTION_UPHELD, S.CERTIFIED}


def _flag(status: str, yes: set[Status], no: set[Status]) -> bool | None:
    if status in yes:
        return True
    if status in no:
        return False
    return None


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(Decimal(str(value)))


def decision_rows(tx: Transaction, year: int, policy_name: str) -> pd.DataFrame:
    """Every current submission of the campaign with its facts and decisions, by submission id."""
    subs = tx.current_submissions(year, payload=False)
    ids = [s.submission_id for s in subs]
    evaluations = {e.submission_id: e for e in tx.evaluations(year, policy_name=policy_name, criteria=False)}
    certificates = {c.submission_id: c for c in tx.certificates_of(year)}
    moves = tx.last_moves(EntityKind.SUBMISSION, ids)
    profiles = tx.profiles(ids)
    rows = []
    for sub in subs:
        ev = evaluations.get(sub.submission_id)
        profile = profiles.get(sub.submission_id, {})
        code = sub.county_code or ""
        place = county(code)
        move = moves.get(sub.submission_id)
        status = Status(sub.status)
        contributions = (ev.score_contributions or {}) if ev else {}
        cert = certificates.get(sub.submission_id)
        rows.append(
            {
                "submission_id": sub.submission_id,
                "file": sub.file_name,
                "cluster_name": sub.cluster_name or "",
                "county_code": code,
                "prefecture_code": place.prefecture_code if place else "",
                "valid": _flag(status, _VALID, {S.INVALID}),
                "eligible": ev.eligible if ev else None,
                "vetoed": ev.vetoed if ev else None,
                "failed_criteria": ";".join(ev.failed_criteria) if ev else "",
                "warnings": ";".join(ev.warnings) if ev else "",
                "score": ev.score if ev else None,
                "recommended": _flag(status, _RECOMMENDED, {S.NOT_RECOMMENDED}),
                "province_rank": sub.province_rank,
                "shortlisted": _flag(status, _SHORTLISTED, {S.NOT_SHORTLISTED}),
                "final_status": str(status),
                "reason": (sub.stage_note or (move.reason if move else "")),
                "article": move.article if move else "",
                "latest_total_output": _number(contributions.get("latest_total_output")),
                "leading_industry": profile.get("leading_industry") or "",
                "operator_name": profile.get("operator_name") or "",
                "county_name": place.county_name if place else (profile.get("county_name") or ""),
                "application_type": sub.application_type or "",
                "prefecture_rank": sub.prefecture_rank,
                "notice_seq": sub.notice_seq,
                "certificate_id": cert.certificate_id if cert else "",
                "stage_note": sub.stage_note or "",
            }
        )
    frame = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    for column in ("province_rank", "prefecture_rank", "notice_seq"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values("submission_id", kind="mergesort").reset_index(drop=True)


def of_status(rows: pd.DataFrame, statuses: Iterable[str]) -> pd.DataFrame:
    wanted = {str(s) for s in statuses}
    return rows[rows["final_status"].isin(wanted)].reset_index(drop=True)


def eligible(rows: pd.DataFrame) -> pd.DataFrame:
    """Clusters a prefecture decides on (第九条): those that passed Art. 5 and 6, whatever came after."""
    return rows[rows["eligible"].map(lambda v: v is True)].reset_index(drop=True)


def recommended(rows: pd.DataFrame) -> pd.DataFrame:
    """Clusters the province decides on (第十条): those a prefecture recommended."""
    return of_status(rows, _RECOMMENDED)


def evaluated_rows(data: Mapping[str, ClusterData], evaluations: Mapping[str, Evaluation]) -> pd.DataFrame:
    """The same rows as `decision_rows`, for clusters evaluated in memory (what a re-run would decide)."""
    rows = []
    for sid in sorted(data):
        cluster, ev = data[sid], evaluations[sid]
        place = county(cluster.county_code)
        profile = cluster.profile
        rows.append(
            {
                "submission_id": sid,
                "file": cluster.file,
                "cluster_name": cluster.cluster_name,
                "county_code": cluster.county_code,
                "prefecture_code": place.prefecture_code if place else "",
                "valid": True,
                "eligible": ev.eligible,
                "vetoed": ev.vetoed,
                "failed_criteria": ";".join(ev.failed_criteria),
                "warnings": ";".join(ev.warnings),
                "score": float(ev.score.total),
                "final_status": str(Status.ELIGIBLE if ev.eligible else Status.INELIGIBLE),
                "latest_total_output": None
                if ev.latest_total_output is None
                else float(ev.latest_total_output),
                "leading_industry": profile.get("leading_industry") or "",
                "operator_name": profile.get("operator_name") or "",
                "county_name": place.county_name if place else (profile.get("county_name") or ""),
                "application_type": profile.get("application_type") or "",
            }
        )
    frame = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    frame["eligible"] = frame["eligible"].astype(bool)
    return frame
