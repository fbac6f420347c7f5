"""monitoring-report as a stage (第十三条): decide is pure over hand-built reports, record keeps each
cluster's report and the grounds it raises, trends read every recorded year."""

from __future__ import annotations

from datetime import date

from management_fixtures import DAQING, FIGURES, HARBIN, certificates, monitoring_report
from mgmt_inputs import calendar_policy

from clustercert.registry import Registry
from clustercert.samples import generate_monitoring
from clustercert.stages import monitoring

POLICY = calendar_policy()


def _inputs() -> monitoring.MonitoringInputs:
    certs = certificates(
        {"certificate_id": "HLJ-2023-001", "cluster_name": "甲集群"},
        {"certificate_id": "HLJ-2023-002", "cluster_name": "乙集群"},
        {"certificate_id": "HLJ-2023-003", "cluster_name": "丙集群", "prefecture_code": DAQING},
    )
    certs["valid_until"] = date(2029, 7, 31)
    return monitoring.MonitoringInputs(certs, {})


def _reads() -> list[monitoring.WorkbookRead]:
    """Harbin reports on the deadline day, listing one of its two clusters (one figure below 15亿元)."""
    report = monitoring_report(
        HARBIN,
        2026,
        date(2027, 3, 10),
        cluster_status=[{"certificate_id": "HLJ-2023-001", **FIGURES, "total_output": 149999.99}],
        changes=[
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "运营管理机构",
                "changed_on": date(2026, 5, 20),
                "new_value": "新运营公司",
            }
        ],
    )
    return [monitoring.WorkbookRead(report.file, report), monitoring.WorkbookRead("说明.docx", None)]


def test_decide_compiles_year_r_and_says_what_the_registry_will_keep() -> None:
    outcome = monitoring.decide(_inputs(), _reads(), report_year=2026, as_of=date(2027, 3, 11), policy=POLICY)
    status = {r["certificate_id"]: r["report_status"] for r in outcome.rows}
    # 10 March is the last day (以前 includes it): on time; Harbin left 002 out; Daqing sent nothing
    assert status == {"HLJ-2023-001": "on_time", "HLJ-2023-002": "missing", "HLJ-2023-003": "missing"}
    assert outcome.counts() == {"on_time": 1, "late": 0, "missing": 2, "pending": 0}
    assert {r["certificate_id"]: r["cluster_name"] for r in outcome.rows}["HLJ-2023-003"] == "丙集群"
    kept = {r["certificate_id"]: r for r in outcome.reports}
    assert set(kept) == set(status)
    payload = kept["HLJ-2023-001"]["payload"]
    assert payload["below_threshold"] == ["A5.1.output"]  # 15亿元以上: 149999.99万元 is below
    assert payload["indicators"]["total_output"] == 149999.99
    assert [c["change_type"] for c in payload["changes"]] == ["运营管理机构"]
    assert kept["HLJ-2023-002"]["payload"]["indicators"] == {}
    assert outcome.values == {"HLJ-2023-001": payload["indicators"]}
    assert [
        (p["prefecture_code"], p["report_status"], p["clusters"], p["reported"])
        for p in outcome.by_prefecture
    ] == [
        (HARBIN, "on_time", 2, 1),
        (DAQING, "missing", 1, 0),
    ]
    assert outcome.input_errors == 0 and outcome.thresholds["total_output"] == 150000


def test_on_the_deadline_day_a_missing_report_is_pending_and_not_recorded() -> None:
    outcome = monitoring.decide(_inputs(), _reads(), report_year=2026, as_of=date(2027, 3, 10), policy=POLICY)
    assert outcome.counts()["pending"] == 2
    assert [r["certificate_id"] for r in outcome.reports] == ["HLJ-2023-001"]


def test_record_keeps_the_reports_and_the_grounds_then_trends_read_every_year(campaign, tmp_path) -> None:
    folder = tmp_path / "mon"
    expected = generate_monitoring(
        folder, certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    with Registry.open(campaign.url) as registry:
        reads = [monitoring.read_workbook(p) for p in monitoring.files(folder)]
        inputs = monitoring.read(registry)
        outcome = monitoring.decide(inputs, reads, report_year=2027, as_of=date(2028, 3, 11), policy=POLICY)
        assert registry.monitoring_reports() == []  # decide recorded nothing
        recorded = monitoring.record(registry, outcome, "run-1", policy=POLICY)
        assert {
            r.certificate_id: r.status for r in registry.monitoring_reports(2027)
        } == expected.report_status
        assert recorded["revocation_proposals_new"] == len(registry.revocation_proposals()) > 0
        # the same run again records nothing new
        assert monitoring.record(registry, outcome, "run-2", policy=POLICY) == {"revocation_proposals_new": 0}
        trends = monitoring.trends(registry, inputs, outcome)
    reported = next(c for c, s in expected.report_status.items() if s == "on_time")
    years = [year for year, _ in trends[reported]["total_output"]]
    assert years[-1] == 2027 and years == sorted(years) and len(years) > 1  # the submission's years, then R


def test_the_reminder_names_the_prefectures_not_yet_reported(campaign, tmp_path) -> None:
    folder = tmp_path / "mon"
    generate_monitoring(
        folder, certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    prefectures = sorted({c["prefecture_code"] for c in campaign.certified})
    for path in folder.glob(f"{prefectures[0]}-*"):
        path.unlink()
    with Registry.open(campaign.url) as registry:
        rows = monitoring.reminder(
            registry, report_year=2027, as_of=date(2028, 3, 3), policy=POLICY, inbox=folder
        )
        everyone = monitoring.reminder(registry, report_year=2027, as_of=date(2028, 3, 3), policy=POLICY)
    assert [(r["prefecture_code"], r["deadline"], r["days_left"]) for r in rows] == [
        (prefectures[0], date(2028, 3, 10), 7)
    ]
    assert [r["prefecture_code"] for r in everyone] == prefectures  # nothing recorded, no inbox
    assert sum(r["clusters"] for r in everyone) == len(campaign.certified)
