"""Re-running a campaign, or a dynamic-management flow, on the same inputs adds no row anywhere."""

from __future__ import annotations

from datetime import date

from registry_helpers import AS_OF, COUNTY, NAME, POLICY, YEAR, sha, submit

from clustercert.lifecycle import EntityKind, Status
from clustercert.registry import CertificationInput, Registry

K, S = EntityKind, Status
OTHER, THIRD = "尚志市食用菌产业集群", "尚志市红树莓产业集群"


def record(tx, tag: str, name: str | None, received_at: str, county_code: str = COUNTY) -> str:
    return submit(tx, tag, received_at=received_at, name=name, county_code=county_code, folder="inbox/")


def evaluate(tx, sid: str, eligible: bool, failed: list[str], score: float | None) -> None:
    tx.record_evaluation(
        sid,
        policy_name=POLICY,
        as_of=AS_OF,
        eligible=eligible,
        vetoed=False,
        failed_criteria=failed,
        score=score,
        criteria=[{"criterion_id": c, "result": "fail"} for c in failed],
    )


def run_campaign(registry: Registry, run_id: str) -> None:
    """The yearly campaign's stages, one transaction each, as the flow runs them."""
    with registry.transaction(flow_run_id=run_id) as tx:  # collect-submissions
        tx.upsert_campaign(YEAR, AS_OF, POLICY, {"quota": 2})
        first = record(tx, "a", NAME, "2026-06-20T01:00:00")
        corrected = record(tx, "b", NAME, "2026-06-28T01:00:00")
        other = record(tx, "c", OTHER, "2026-06-21T01:00:00")
        third = record(tx, "d", THIRD, "2026-06-22T01:00:00")
        unknown = record(tx, "e", None, "2026-06-23T01:00:00", county_code="000000")
    with registry.transaction(flow_run_id=run_id) as tx:  # validate-submissions
        tx.record_validation(first, valid=False, error_count=4)
        tx.record_validation(unknown, valid=False, error_count=1)
        for sid in (corrected, other, third):
            tx.record_validation(
                sid, valid=True, payload={"format": 1, "profile": {"leading_industry": sid}, "tables": {}}
            )
    with registry.transaction(flow_run_id=run_id) as tx:  # score-clusters
        evaluate(tx, corrected, True, [], 88.0)
        evaluate(tx, other, False, ["A5.1.output"], 40.0)
        evaluate(tx, third, True, [], 61.0)
    with registry.transaction(flow_run_id=run_id) as tx:  # prefecture-recommendation
        tx.transition(K.SUBMISSION, corrected, S.RECOMMENDED, reason="推荐")
        tx.transition(K.SUBMISSION, third, S.NOT_RECOMMENDED, reason="实地抽查不通过")
    with registry.transaction(flow_run_id=run_id) as tx:  # provincial-shortlist
        tx.transition(K.SUBMISSION, corrected, S.SHORTLISTED, reason="择优入围")
        tx.certify([CertificationInput("HLJ-2026-001", corrected, date(2026, 8, 3), date(2029, 8, 2))])
        tx.finish_campaign(YEAR)


def run_dynamic_management(registry: Registry, run_id: str) -> None:
    with registry.transaction(flow_run_id=run_id) as tx:
        tx.record_monitoring("HLJ-2026-001", 2026, prefecture_code="230100", status="missing")
        tx.record_revocation_proposal(
            "HLJ-2026-001",
            ground="15.3",
            evidence="2026年度未报送",
            proposed_on=date(2027, 3, 11),
            evidence_key="m:2026",
        )
        tx.decide_revocation("HLJ-2026-001", "15.3", "不予撤销", "已补报", decided_on=date(2027, 3, 20))
        tx.record_change_filing(
            "HLJ-2026-001",
            change_type="运营管理机构",
            changed_on=date(2027, 4, 1),
            filed_on=date(2027, 4, 15),
            new_value="尚志市冰雪产业发展中心",
            on_time=True,
        )
        tx.record_evaluation(
            f"{YEAR}-{COUNTY}-{sha('b')[:8]}",
            policy_name="national-2022",
            as_of=date(2027, 5, 1),
            eligible=False,
            vetoed=False,
            failed_criteria=["N.output"],
            apply_status=False,
        )


def snapshot(registry: Registry) -> list[tuple]:
    return [(s.submission_id, s.status, s.superseded_by) for s in registry.submissions(YEAR)] + [
        (c.certificate_id, c.status, c.valid_until) for c in registry.certifications()
    ]


def test_rerunning_the_same_campaign_adds_no_rows(registry: Registry) -> None:
    run_campaign(registry, "run-1")
    counts, state = registry.row_counts(), snapshot(registry)
    assert counts["submissions"] == 5 and counts["certifications"] == 1 and counts["clusters"] == 3
    run_campaign(registry, "run-2")
    assert registry.row_counts() == counts
    assert snapshot(registry) == state
    assert {e.flow_run_id for e in registry.audit()} == {"run-1"}  # the re-run wrote no history


def test_rerunning_dynamic_management_and_then_the_campaign_adds_no_rows(registry: Registry) -> None:
    run_campaign(registry, "run-1")
    run_dynamic_management(registry, "dyn-1")
    counts, state = registry.row_counts(), snapshot(registry)
    # every table is exercised (but the notes of campaign stages: the flows write them, see
    # tests/campaign_flow/test_campaign_resume.py)
    assert all(counts[t] >= 1 for t in counts if t != "stage_runs")
    run_dynamic_management(registry, "dyn-2")
    run_campaign(registry, "run-3")
    assert registry.row_counts() == counts
    assert snapshot(registry) == state
    assert registry.certification("HLJ-2026-001").status == "cleared"


def test_superseded_and_current_submissions_after_a_campaign(registry: Registry) -> None:
    run_campaign(registry, "run-1")
    statuses = {s.file_name: s.status for s in registry.submissions(YEAR)}
    assert statuses == {
        "inbox/a.xlsx": "superseded",
        "inbox/b.xlsx": "certified",
        "inbox/c.xlsx": "ineligible",
        "inbox/d.xlsx": "not_recommended",
        "inbox/e.xlsx": "invalid",
    }
    current = registry.current_submissions(YEAR)
    assert {s.file_name for s in current} == {"inbox/b.xlsx", "inbox/c.xlsx", "inbox/d.xlsx", "inbox/e.xlsx"}
    assert [s.submission_id for s in current] == sorted(s.submission_id for s in current)
