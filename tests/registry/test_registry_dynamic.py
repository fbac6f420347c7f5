"""Registry writes of dynamic management: filings (第十二条), monitoring (第十三条), revocation
(第十五条) and renewal (第十一条)."""

from __future__ import annotations

from datetime import date

import pytest

from clustercert.lifecycle import EntityKind, IllegalTransition, Status
from clustercert.registry import Conflict, NotFound, Registry, RegistryError

K, S = EntityKind, Status
LEADING, SCOPE, OPERATOR = "主导产业", "空间范围", "运营管理机构"


def file_change(
    registry: Registry, cert: str, change_type: str, value: str, changed: date, filed: date, on_time: bool
):
    with registry.transaction(flow_run_id="changes-run") as tx:
        return tx.record_change_filing(
            cert,
            change_type=change_type,
            changed_on=changed,
            filed_on=filed,
            new_value=value,
            on_time=on_time,
        )


def test_on_time_filing_updates_the_cluster_through_the_audit_log(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    key = registry.certification(cert).cluster_key
    filing = file_change(
        registry, cert, OPERATOR, "尚志市冰雪产业发展中心", date(2027, 1, 31), date(2027, 2, 28), True
    )
    assert (filing.applied, filing.on_time) == (True, True)
    assert registry.cluster(key).operator_name == "尚志市冰雪产业发展中心"
    entry = registry.audit(key)[-1]
    assert (entry.entity_kind, entry.field, entry.article, entry.flow_run_id) == (
        "cluster",
        "operator_name",
        "第十二条",
        "changes-run",
    )
    assert (entry.old_value, entry.new_value) == ("尚志市冰雪产业园管委会", "尚志市冰雪产业发展中心")
    assert cert in entry.reason


def test_filing_is_idempotent_and_a_late_one_changes_nothing(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    key = registry.certification(cert).cluster_key
    file_change(registry, cert, LEADING, "冰雪旅游装备", date(2027, 3, 1), date(2027, 3, 20), True)
    before = registry.row_counts()
    file_change(registry, cert, LEADING, "冰雪旅游装备", date(2027, 3, 1), date(2027, 3, 20), True)
    assert registry.row_counts() == before
    late = file_change(registry, cert, SCOPE, "亚布力镇、苇河镇", date(2027, 3, 1), date(2027, 5, 1), False)
    assert (late.applied, late.on_time) == (False, False)
    assert registry.cluster(key).spatial_scope == "亚布力镇"
    assert registry.row_counts()["audit_log"] == before["audit_log"]
    assert [f.change_type for f in registry.change_filings(cert)] == [
        LEADING,
        SCOPE,
    ]


def test_an_older_change_filed_after_a_newer_one_does_not_overwrite_it(
    certified: tuple[Registry, str],
) -> None:
    registry, cert = certified
    key = registry.certification(cert).cluster_key
    file_change(registry, cert, LEADING, "新主导产业", date(2027, 6, 1), date(2027, 6, 10), True)
    older = file_change(registry, cert, LEADING, "旧主导产业", date(2027, 5, 1), date(2027, 5, 20), True)
    assert older.applied is False
    assert registry.cluster(key).leading_industry == "新主导产业"


def test_unknown_change_type_is_a_bug(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    with pytest.raises(ValueError, match="change type"):
        file_change(registry, cert, "名称", "x", date(2027, 1, 1), date(2027, 1, 2), True)


def test_monitoring_report_arriving_late_is_audited_once(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    for _ in range(2):
        with registry.transaction() as tx:
            tx.record_monitoring(cert, 2026, prefecture_code="230100", status="missing")
    with registry.transaction() as tx:
        tx.record_monitoring(
            cert, 2026, prefecture_code="230100", status="late", submitted_on=date(2027, 3, 20)
        )
        [report] = tx.monitoring_reports(2026)
        assert (report.status, report.submitted_on) == ("late", date(2027, 3, 20))
    entries = registry.audit(cert, entity_kind=K.MONITORING_REPORT)
    assert [(e.old_value, e.new_value, e.article) for e in entries] == [
        (None, "missing", "第十三条"),
        ("missing", "late", "第十三条"),
    ]
    assert registry.row_counts()["monitoring_reports"] == 1


def test_revocation_proposal_is_idempotent_and_a_confirmation_revokes(
    certified: tuple[Registry, str],
) -> None:
    registry, cert = certified
    for _ in range(2):
        with registry.transaction() as tx:
            tx.record_revocation_proposal(
                cert,
                ground="15.3",
                evidence="2026年度发展情况未报送",
                proposed_on=date(2027, 3, 11),
                evidence_key="monitoring:2026",
            )
    assert registry.row_counts()["revocation_proposals"] == 1
    assert registry.certification(cert).status == "revocation_proposed"
    with registry.transaction() as tx:
        tx.decide_revocation(cert, "15.3", "撤销", "经核实未报送", decided_on=date(2027, 4, 1))
    before = registry.row_counts()
    with registry.transaction() as tx:
        tx.decide_revocation(cert, "15.3", "confirmed", "经核实未报送", decided_on=date(2027, 4, 1))
    assert registry.row_counts() == before
    assert registry.certification(cert).status == "revoked"
    last = registry.audit(cert)[-1]
    assert (last.from_status, last.to_status, last.article) == ("revocation_proposed", "revoked", "15.3")
    with pytest.raises(Conflict), registry.transaction() as tx:
        tx.decide_revocation(cert, "15.3", "cleared", "改判", decided_on=date(2027, 4, 2))
    with pytest.raises(RegistryError, match="revoked"), registry.transaction() as tx:
        tx.record_revocation_proposal(cert, ground="15.2", evidence="x", proposed_on=date(2027, 5, 1))


def test_certificate_is_cleared_only_when_no_proposal_is_pending(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    with registry.transaction() as tx:
        tx.record_revocation_proposal(
            cert, ground="15.4", evidence="变动未备案", proposed_on=date(2027, 5, 1)
        )
        tx.record_revocation_proposal(
            cert, ground="15.5", evidence="较大安全事故", proposed_on=date(2027, 5, 1)
        )
        tx.decide_revocation(cert, "15.4", "不予撤销", "已补办备案", decided_on=date(2027, 5, 20))
        assert tx.certification(cert).status == "revocation_proposed"
        tx.decide_revocation(cert, "15.5", "cleared", "事故等级核定为一般", decided_on=date(2027, 5, 20))
    assert registry.certification(cert).status == "cleared"
    with pytest.raises(NotFound), registry.transaction() as tx:
        tx.decide_revocation(cert, "15.1", "cleared", "x", decided_on=date(2027, 5, 20))
    with pytest.raises(ValueError, match="ground"), registry.transaction() as tx:
        tx.record_revocation_proposal(cert, ground="15.9", evidence="x", proposed_on=date(2027, 5, 1))


def test_passed_review_extends_validity_once(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    with registry.transaction(flow_run_id="expiry") as tx:
        assert tx.transition(K.CERTIFICATION, cert, S.EXPIRING, reason="有效期届满前90日提醒")
        assert not tx.transition(K.CERTIFICATION, cert, S.EXPIRING, reason="有效期届满前30日提醒")
        tx.transition(K.CERTIFICATION, cert, S.EXPIRED, reason="有效期届满")
    with pytest.raises(IllegalTransition, match="expired → expiring"), registry.transaction() as tx:
        tx.transition(K.CERTIFICATION, cert, S.EXPIRING, reason="x")
    for _ in range(2):
        with registry.transaction(flow_run_id="review") as tx:
            tx.extend_validity(cert, date(2032, 8, 2))
    row = registry.certification(cert)
    assert (row.status, row.valid_until) == ("renewed", date(2032, 8, 2))
    history = [(e.from_status, e.to_status, e.field) for e in registry.audit(cert)]
    assert history[-3:] == [
        ("expired", "under_review", None),
        ("under_review", "renewed", None),
        (None, None, "valid_until"),
    ]
    with pytest.raises(ValueError, match="does not extend"), registry.transaction() as tx:
        tx.extend_validity(cert, date(2031, 1, 1))


def test_a_whole_certificate_decision_covers_every_pending_ground(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    with registry.transaction() as tx:
        tx.record_revocation_proposal(
            cert, ground="15.4", evidence="变动未备案", proposed_on=date(2027, 5, 1)
        )
        tx.record_revocation_proposal(cert, ground="15.3", evidence="未报送", proposed_on=date(2027, 5, 1))
    for _ in range(2):
        with registry.transaction() as tx:
            decided = tx.decide_revocation(cert, None, "撤销", "经核实", decided_on=date(2027, 6, 1))
            assert sorted(p.decision for p in decided) == ["confirmed", "confirmed"]
    last = registry.audit(cert)[-1]
    assert (last.to_status, last.article) == ("revoked", "15.3、15.4")
    assert len([e for e in registry.audit(cert) if e.field == "decision"]) == 4  # 2 proposed + 2 decided
    with pytest.raises(Conflict), registry.transaction() as tx:
        tx.decide_revocation(cert, None, "不予撤销", "改判", decided_on=date(2027, 6, 2))


def test_expiry_notice_is_recorded_with_its_article_and_read_back(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    with registry.transaction() as tx:
        tx.record_expiry_notice(
            cert,
            notice_days=90,
            valid_until=date(2029, 7, 30),
            sent_on=date(2029, 5, 1),
            text="有效期将于90天后届满",
        )
        assert tx.expiry_notices_sent() == [(cert, 90, date(2029, 7, 30), date(2029, 5, 1))]
    [entry] = [e for e in registry.audit(cert) if e.field == "expiry_notice"]
    assert (entry.article, entry.reason) == ("第十一条", "有效期将于90天后届满")
