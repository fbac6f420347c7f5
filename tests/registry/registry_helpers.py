"""Builders shared by the registry tests: a campaign's stages as the flows will call them."""

from __future__ import annotations

from datetime import date

from clustercert.lifecycle import EntityKind, Status
from clustercert.registry import CertificationInput

YEAR = 2026
AS_OF = date(2026, 7, 1)
POLICY = "hlj-2023"
COUNTY = "230183"  # 尚志市
NAME = "尚志市冰雪产业集群"


def sha(tag: str) -> str:
    return (tag * 64)[:64]


def submit(
    tx,
    tag: str,
    *,
    received_at: str = "2026-06-30T02:00:00",
    name: str | None = NAME,
    county_code: str = COUNTY,
    folder: str = "",
) -> str:
    """Record the workbook whose SHA-256 is made of `tag`; returns its submission id."""
    sid = f"{YEAR}-{county_code}-{sha(tag)[:8]}"
    tx.record_submission(
        submission_id=sid,
        campaign_year=YEAR,
        file_name=f"{folder}{tag}.xlsx",
        sha256=sha(tag),
        archived_path=f"var/archive/{sha(tag)}.xlsx",
        received_at=received_at,
        county_code=county_code,
        cluster_name=name,
        application_type="新申报",
    )
    return sid


PAYLOAD = {
    "format": 1,
    "profile": {
        "leading_industry": "冰雪装备制造",
        "industry_code": "C2442",
        "location_detail": "亚布力镇",
        "area_km2": 42.5,
        "operator_name": "尚志市冰雪产业园管委会",
    },
    "tables": {},
}


def take_to_certified(tx, sid: str, certificate_id: str = "HLJ-2026-001") -> None:
    """Validation → evaluation → prefecture → province → certificate, as the campaign flow does."""
    tx.record_validation(sid, valid=True, warning_count=1, payload=PAYLOAD)
    tx.record_evaluation(
        sid,
        policy_name=POLICY,
        as_of=AS_OF,
        eligible=True,
        vetoed=False,
        score=81.5,
        score_contributions={"A5.1": 20.0},
        criteria=[{"criterion_id": "A5.1.output", "result": "pass"}],
    )
    tx.transition(
        EntityKind.SUBMISSION, sid, Status.RECOMMENDED, reason="市地初审通过，推荐", article="第九条"
    )
    tx.transition(
        EntityKind.SUBMISSION, sid, Status.SHORTLISTED, reason="择优列入拟认定名单", article="第十条"
    )
    tx.certify([CertificationInput(certificate_id, sid, date(2026, 8, 3), date(2029, 8, 2))])
