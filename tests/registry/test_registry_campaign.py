"""Registry writes of the yearly campaign: submissions, supersede, validation, evaluation, certify."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from registry_helpers import AS_OF, COUNTY, NAME, POLICY, YEAR, sha, submit, take_to_certified

from clustercert.lifecycle import EntityKind, IllegalTransition, Status
from clustercert.registry import CertificationInput, Conflict, NotFound, Registry, RegistryError, cluster_key
from clustercert.submission import SourceFile, make_submission_id
from clustercert.submission import Submission as IntakeSubmission

K, S = EntityKind, Status


@pytest.fixture
def campaign(registry: Registry) -> Registry:
    with registry.transaction(flow_run_id="run-1") as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY, {"quota": 10})
    return registry


def test_cluster_key_normalises_the_name_and_needs_a_heilongjiang_county() -> None:
    assert cluster_key(COUNTY, " 尚志市 冰雪产业集群 ") == cluster_key(COUNTY, NAME) == f"{COUNTY}/{NAME}"
    assert cluster_key(COUNTY, "ＡＢＣ集群") == f"{COUNTY}/abc集群"  # full-width folded, case-folded
    assert cluster_key("110101", NAME) is None  # Beijing: not a Heilongjiang county
    assert cluster_key(COUNTY, "  ") is None
    assert cluster_key(None, NAME) is None


def test_record_submission_is_idempotent_by_file(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        first = submit(tx, "a")
    with campaign.transaction() as tx:
        assert submit(tx, "a") == first
    row = campaign.submission(first)
    assert (row.status, row.cluster_key, row.sha256) == ("submitted", f"{COUNTY}/{NAME}", sha("a"))
    counts = campaign.row_counts()
    assert (counts["submissions"], counts["clusters"], counts["audit_log"]) == (1, 1, 2)  # + campaign entry
    [entry] = campaign.audit(first)
    assert (entry.from_status, entry.to_status, entry.article) == (None, "submitted", "第八条")
    assert "a.xlsx" in entry.reason


def test_submission_needs_its_campaign(registry: Registry) -> None:
    with pytest.raises(NotFound, match="upsert_campaign"), registry.transaction() as tx:
        submit(tx, "a")


def test_corrected_resubmission_supersedes_the_earlier_one_and_both_stay(campaign: Registry) -> None:
    with campaign.transaction(flow_run_id="run-1") as tx:
        old = submit(tx, "a", received_at="2026-06-30T02:00:00")
        tx.record_validation(old, valid=False, error_count=3)
    with campaign.transaction(flow_run_id="run-2") as tx:
        new = submit(tx, "b", received_at="2026-07-02T02:00:00", name="尚志市 冰雪产业集群")
    rows = {s.submission_id: s for s in campaign.submissions(YEAR)}
    assert set(rows) == {old, new}
    assert (rows[old].status, rows[old].superseded_by) == ("superseded", new)
    assert (rows[new].status, rows[new].superseded_by) == ("submitted", None)
    assert [s.submission_id for s in campaign.current_submissions(YEAR)] == [new]
    history = campaign.audit(old)
    assert [(e.from_status, e.to_status) for e in history] == [
        (None, "submitted"),
        ("submitted", "invalid"),
        ("invalid", "superseded"),
    ]
    assert new in history[-1].reason and "更正" in history[-1].reason
    assert (history[-1].article, history[-1].flow_run_id) == ("第九条", "run-2")


def test_an_older_file_recorded_late_is_superseded_by_the_newer_one(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        new = submit(tx, "b", received_at="2026-07-02T02:00:00")
        old = submit(tx, "a", received_at="2026-06-30T02:00:00")
    assert campaign.submission(old).superseded_by == new
    assert [s.submission_id for s in campaign.current_submissions(YEAR)] == [new]


def test_a_certified_submission_is_never_superseded(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        first = submit(tx, "a")
        take_to_certified(tx, first)
        late = submit(tx, "b", received_at="2026-09-01T00:00:00")
    assert campaign.submission(first).status == "certified"
    assert campaign.submission(late).status == "submitted"


def test_illegal_transition_is_rejected_and_writes_nothing(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        sid = submit(tx, "a")
        tx.record_validation(sid, valid=False, error_count=2)
    before = campaign.row_counts()
    with pytest.raises(IllegalTransition, match="invalid → eligible"), campaign.transaction() as tx:
        tx.transition(K.SUBMISSION, sid, S.ELIGIBLE, reason="x")
    with pytest.raises(IllegalTransition, match="invalid → recommended"), campaign.transaction() as tx:
        tx.transition(K.SUBMISSION, sid, S.RECOMMENDED, reason="x")
    assert campaign.row_counts() == before
    assert campaign.submission(sid).status == "invalid"


def test_moves_that_carry_data_are_refused_by_transition(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        sid = submit(tx, "a")
        with pytest.raises(RegistryError, match="certify"):
            tx.transition(K.SUBMISSION, sid, S.CERTIFIED, reason="x")
        with pytest.raises(NotFound):
            tx.transition(K.SUBMISSION, "2026-230183-ffffffff", S.VALID, reason="x")


def test_transaction_rollback_leaves_nothing(campaign: Registry) -> None:
    before = campaign.row_counts()
    with pytest.raises(RuntimeError, match="stage failed"), campaign.transaction(flow_run_id="r") as tx:
        sid = submit(tx, "a")
        take_to_certified(tx, sid)
        assert tx.row_counts()["certifications"] == 1  # visible inside the unit of work
        raise RuntimeError("stage failed")
    assert campaign.row_counts() == before
    assert campaign.submission(sid) is None


def test_validation_and_evaluation_move_the_submission_with_articles(campaign: Registry) -> None:
    with campaign.transaction(flow_run_id="run-1") as tx:
        sid = submit(tx, "a")
        tx.record_validation(
            sid, valid=True, warning_count=2, payload={"format": 1, "profile": {}, "tables": {}}
        )
        tx.record_evaluation(
            sid,
            policy_name=POLICY,
            as_of=AS_OF,
            eligible=False,
            vetoed=True,
            failed_criteria=["A5.1.output", "A6.incidents"],
            score=None,
        )
    row = campaign.submission(sid)
    assert (row.status, row.warning_count, row.error_count) == ("ineligible", 2, 0)
    last = campaign.audit(sid)[-1]
    assert (last.to_status, last.article) == ("ineligible", "第五条、第六条")
    assert "A5.1.output" in last.reason and "第六条否决" in last.reason
    [evaluation] = campaign.evaluations(YEAR)
    assert (evaluation.eligible, evaluation.vetoed, evaluation.failed_criteria) == (
        False,
        True,
        ["A5.1.output", "A6.incidents"],
    )


def test_a_changed_verdict_replaces_the_evaluation_with_an_audit_entry(campaign: Registry) -> None:
    def evaluate(tx, sid: str, score: float) -> None:
        tx.record_evaluation(
            sid,
            policy_name="national-2022",
            as_of=AS_OF,
            eligible=True,
            vetoed=False,
            score=score,
            apply_status=False,
        )

    with campaign.transaction() as tx:
        sid = submit(tx, "a")
        take_to_certified(tx, sid)
        evaluate(tx, sid, 70.0)
        evaluate(tx, sid, 70.0)  # same verdict: nothing new
        count = len(tx.audit(sid))
        evaluate(tx, sid, 75.0)
        assert len(tx.audit(sid)) == count + 1
        assert [e.score for e in tx.evaluations(policy_name="national-2022")] == [75.0]
    assert campaign.submission(sid).status == "certified"  # national evaluation moves nothing


def test_certify_is_idempotent_by_submission_and_adopts_the_profile(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        sid = submit(tx, "a")
        take_to_certified(tx, sid, "HLJ-2026-001")
    before = campaign.row_counts()
    with campaign.transaction() as tx:
        again = tx.certify([CertificationInput("HLJ-2026-001", sid, date(2026, 8, 3), date(2029, 8, 2))])
        renumbered = tx.certify([CertificationInput("HLJ-2026-777", sid, date(2026, 8, 3), date(2029, 8, 2))])
    assert [c.certificate_id for c in again + renumbered] == ["HLJ-2026-001", "HLJ-2026-001"]
    assert campaign.row_counts() == before
    [cert] = campaign.certifications(status="certified")
    assert (cert.certified_on, cert.valid_until, cert.cluster_key) == (
        date(2026, 8, 3),
        date(2029, 8, 2),
        f"{COUNTY}/{NAME}",
    )
    assert campaign.certifications(as_of=date(2026, 8, 2)) == []
    cluster = campaign.cluster(cert.cluster_key)
    assert (cluster.leading_industry, cluster.spatial_scope, cluster.area_km2) == (
        "冰雪装备制造",
        "亚布力镇",
        42.5,
    )
    assert {e.field for e in campaign.audit(cert.cluster_key)} == {
        "leading_industry",
        "industry_code",
        "spatial_scope",
        "area_km2",
        "operator_name",
    }
    assert [(e.to_status, e.article) for e in campaign.audit("HLJ-2026-001")] == [("certified", "第十条")]


def test_certify_refuses_a_reused_certificate_id_and_an_unshortlisted_submission(campaign: Registry) -> None:
    with campaign.transaction() as tx:
        take_to_certified(tx, submit(tx, "a"), "HLJ-2026-001")
    with pytest.raises(Conflict), campaign.transaction() as tx:
        other = submit(tx, "c", name="尚志市食用菌产业集群")
        tx.record_validation(other, valid=True)
        tx.record_evaluation(other, policy_name=POLICY, as_of=AS_OF, eligible=True, vetoed=False)
        tx.transition(K.SUBMISSION, other, S.RECOMMENDED, reason="推荐")
        tx.transition(K.SUBMISSION, other, S.SHORTLISTED, reason="入围")
        tx.certify([CertificationInput("HLJ-2026-001", other, date(2026, 8, 3), date(2029, 8, 2))])
    with pytest.raises(IllegalTransition, match="eligible → certified"), campaign.transaction() as tx:
        other = submit(tx, "c", name="尚志市食用菌产业集群")
        tx.record_validation(other, valid=True)
        tx.record_evaluation(other, policy_name=POLICY, as_of=AS_OF, eligible=True, vetoed=False)
        tx.certify([CertificationInput("HLJ-2026-002", other, date(2026, 8, 3), date(2029, 8, 2))])
    assert [c.certificate_id for c in campaign.certifications()] == ["HLJ-2026-001"]


def test_campaign_parameter_change_is_audited_and_a_rerun_is_not(campaign: Registry) -> None:
    with campaign.transaction(flow_run_id="run-2") as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY, {"quota": 10})
    assert len(campaign.audit(str(YEAR))) == 1
    assert campaign.campaign(YEAR).flow_run_id == "run-2"
    with campaign.transaction(flow_run_id="run-3") as tx:
        tx.upsert_campaign(YEAR, date(2026, 7, 15), POLICY, {"quota": 12})
    assert [e.field for e in campaign.audit(str(YEAR))] == ["policy_name", "as_of", "overrides"]
    assert campaign.campaign(YEAR).overrides == {"quota": 12}


def test_record_intake_takes_what_intake_produced(campaign: Registry) -> None:
    received = IntakeSubmission(
        submission_id=make_submission_id(YEAR, COUNTY, sha("f")),
        file="尚志市/申报书.xlsx",
        sha256=sha("f"),
        sources=[
            SourceFile(
                "尚志市/申报书.xlsx", sha("f"), 1024, "2026-06-30T08:00:00+00:00", "var/archive/ff.xlsx"
            )
        ],
        tables={
            "profile": pd.DataFrame(
                [{"county_code": COUNTY, "cluster_name": NAME, "application_type": "新申报", "_row": 2}]
            )
        },
    )
    with campaign.transaction(flow_run_id="intake") as tx:
        row = tx.record_intake(received, YEAR)
        tx.transition(K.SUBMISSION, row.submission_id, S.VALID, reason="校验通过", flow_run_id="validate")
    stored = campaign.submission(received.submission_id)
    assert (stored.archived_path, stored.cluster_key, stored.application_type) == (
        "var/archive/ff.xlsx",
        f"{COUNTY}/{NAME}",
        "新申报",
    )
    assert stored.received_at == datetime(2026, 6, 30, 8, 0, tzinfo=UTC)
    assert [e.flow_run_id for e in campaign.audit(stored.submission_id)] == ["intake", "validate"]


@pytest.mark.parametrize(
    ("failed", "vetoed", "article"),
    [
        (["A5.1.output"], False, "第五条"),
        (["A6.incidents"], True, "第六条"),
        (["A5.8.plan", "A6.incidents"], True, "第五条、第六条"),
    ],
)
def test_ineligibility_rests_on_the_article_of_what_failed(
    campaign: Registry, failed, vetoed, article
) -> None:
    with campaign.transaction() as tx:
        sid = submit(tx, "a")
        tx.record_validation(sid, valid=True)
        tx.record_evaluation(
            sid, policy_name=POLICY, as_of=AS_OF, eligible=False, vetoed=vetoed, failed_criteria=failed
        )
    last = campaign.audit(sid)[-1]
    assert (last.to_status, last.article) == ("ineligible", article)
    assert all(c in last.reason for c in failed)


def test_parallel_stages_write_without_locking_each_other_out(campaign: Registry) -> None:
    """A task per prefecture writes at the same time (threads share the registry)."""
    names = [f"测试产业集群{i}" for i in range(6)]

    def stage(i: int) -> str:
        with campaign.transaction(flow_run_id=f"task-{i}") as tx:
            sid = submit(tx, "0123456789abcdef"[i], name=names[i])
            tx.record_validation(sid, valid=True)
        return sid

    with ThreadPoolExecutor(max_workers=6) as pool:
        sids = list(pool.map(stage, range(6)))
    assert [s.status for s in campaign.submissions(YEAR)] == ["valid"] * 6
    assert len(set(sids)) == 6
