"""`monitoring-report` and `monitoring-reminder` under a real Prefect API (SPEC §4.4, Art. 13)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from mgmt_inputs import TEST_CALENDAR
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort

from clustercert.registry import Registry
from clustercert.samples import generate_monitoring

pytestmark = pytest.mark.usefixtures("prefect_api")
DEADLINE = date(2028, 3, 10)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def inbox(campaign, tmp_path):
    folder = tmp_path / "monitoring"
    expected = generate_monitoring(
        folder,
        certified=campaign.certified,
        report_year=2027,
        as_of_deadline=DEADLINE,
        samples=campaign.samples,
    )
    return folder, expected


def test_monitoring_on_time_late_missing_and_the_153_proposal(campaign, inbox, tmp_path):
    from flows.monitoring_report import monitoring_report

    folder, expected = inbox
    (folder / "说明.docx").write_bytes(b"not a workbook")  # sent by mistake: a located error
    out = tmp_path / "out"
    result = monitoring_report(
        inbox=str(folder), out=str(out), as_of=date(2028, 3, 11), db_url=campaign.url, overrides=TEST_CALENDAR
    )

    rows = read_csv(out / "monitoring.csv")
    assert list(rows[0])[:5] == [
        "certificate_id",
        "prefecture_code",
        "report_status",
        "below_threshold",
        "plan_completion_pct",
    ]
    assert {r["certificate_id"]: r["report_status"] for r in rows} == expected.report_status
    for cid, ids in expected.below_threshold.items():
        assert set(ids) <= set(
            next(r for r in rows if r["certificate_id"] == cid)["below_threshold"].split(";")
        )
    assert result["missing"] == 1 and result["late"] == 1 and result["input_errors"] == 1
    issues = read_csv(out / "validation_issues.csv")
    assert [i["file"] for i in issues if i["severity"] == "error"] == ["说明.docx"]

    (missing,) = [cid for cid, s in expected.report_status.items() if s == "missing"]
    with Registry.open(campaign.url) as registry:
        (proposal,) = registry.revocation_proposals(missing)
        assert (proposal.ground, proposal.evidence_key) == ("15.3", "monitoring:2027")
        assert registry.certification(missing).status == "revocation_proposed"
        late = {cid for cid, s in expected.report_status.items() if s == "late"}
        late_grounds = {
            p.certificate_id
            for p in registry.revocation_proposals()
            if p.evidence_key == "monitoring_late:2027"
        }
        assert late and late_grounds == late  # 未及时报送: a late report is a 15.3 ground (by default)
        recorded = {r.certificate_id: r.status for r in registry.monitoring_reports(2027)}
        assert recorded == expected.report_status
        counts = registry.row_counts()

    html = (out / "monitoring.html").read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")
    assert (out / "index.html").exists()

    # a re-run on the same day records nothing new and writes the same extract
    before = (out / "monitoring.csv").read_bytes()
    monitoring_report(
        inbox=str(folder), out=str(out), as_of=date(2028, 3, 11), db_url=campaign.url, overrides=TEST_CALENDAR
    )
    assert (out / "monitoring.csv").read_bytes() == before
    with Registry.open(campaign.url) as registry:
        assert registry.row_counts()["revocation_proposals"] == counts["revocation_proposals"]

    with get_client(sync_client=True) as client:
        # the newest first: other tests of the session's API publish monitoring-2027 tables too
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="monitoring-2027")),
            sort=ArtifactSort.CREATED_DESC,
        )
    assert {"monitoring-2027", "monitoring-2027-report"} <= {a.key for a in found}
    table = next(a for a in found if a.key == "monitoring-2027").data
    table = json.loads(table) if isinstance(table, str) else table
    assert list(table[0])[:4] == [
        "认定编号",
        "集群名称",
        "所在市（地）",
        "报送情况",
    ]  # what an operator reads
    assert {r["报送情况"] for r in table} == {"按时报送", "逾期报送", "未报送"}
    report = next(a for a in found if a.key == "monitoring-2027-report").data
    assert "| 未报送 | 1 |" in report and "monitoring.html" in report


def test_before_the_deadline_a_missing_report_is_pending_not_a_proposal(campaign, inbox, tmp_path):
    from flows.monitoring_report import monitoring_report

    folder, expected = inbox
    result = monitoring_report(
        inbox=str(folder),
        out=str(tmp_path / "out"),
        as_of=DEADLINE,
        report_year=2027,
        db_url=campaign.url,
        overrides=TEST_CALENDAR,
    )
    assert (result["missing"], result["pending"]) == (0, 1)
    (missing,) = [cid for cid, s in expected.report_status.items() if s == "missing"]
    with Registry.open(campaign.url) as registry:
        assert registry.revocation_proposals(missing) == []
        assert not [p for p in registry.revocation_proposals() if p.evidence_key.startswith("monitoring:")]


def test_reminder_lists_the_prefectures_that_have_not_reported(campaign, inbox):
    from flows.monitoring_report import monitoring_reminder

    folder, _ = inbox
    late = sorted(folder.glob("230300-*.xlsx"))
    assert late
    for path in late:
        path.unlink()
    result = monitoring_reminder(
        as_of=date(2028, 3, 3), inbox=str(folder), db_url=campaign.url, overrides=TEST_CALENDAR
    )
    assert result == {"report_year": 2027, "as_of": "2028-03-03", "unreported": ["230300"]}


def test_a_deadline_on_a_saturday_moves_to_monday_and_the_outputs_say_why(campaign, tmp_path):
    from flows.monitoring_report import monitoring_report

    # 10 March 2029 is a Saturday: the deadline of report year 2028 moves to Monday 12 March (第二百零三条)
    folder = tmp_path / "mon-2028"
    expected = generate_monitoring(
        folder, certified=campaign.certified, report_year=2028, as_of_deadline=date(2029, 3, 12)
    )
    out = tmp_path / "out"
    monitoring_report(
        inbox=str(folder), out=str(out), as_of=date(2029, 3, 13), db_url=campaign.url, overrides=TEST_CALENDAR
    )
    rows = read_csv(out / "monitoring.csv")
    assert {r["certificate_id"]: r["report_status"] for r in rows} == expected.report_status
    assert {(r["deadline"], r["deadline_nominal"]) for r in rows} == {("2029-03-12", "2029-03-10")}
    assert {r["deadline_note"] for r in rows} == {
        "期限末日2029-03-10为法定休假日（星期六，休息日），依民法典第二百零三条顺延至2029-03-12"
    }
    on_monday = [r for r in rows if r["submitted_on"] == "2029-03-12"]
    assert on_monday and {r["report_status"] for r in on_monday} == {"on_time"}
    html = (out / "monitoring.html").read_text(encoding="utf-8")
    assert "本年度报送期限为 2029-03-12" in html and "依民法典第二百零三条顺延至2029-03-12" in html
    assert "2029-03-12（顺延）" in html

    # the policy may turn 第二百零三条 off: then Monday is a day late
    off = tmp_path / "off"
    monitoring_report(
        inbox=str(folder),
        out=str(off),
        as_of=date(2029, 3, 13),
        db_url=campaign.url,
        overrides={**TEST_CALENDAR, "deadlines.holiday_extension": False},
    )
    rows = read_csv(off / "monitoring.csv")
    assert {r["report_status"] for r in rows if r["submitted_on"] == "2029-03-12"} == {"late"}
    assert {(r["deadline"], r["deadline_note"]) for r in rows} == {("2029-03-10", "")}
    assert "不因法定休假日顺延" in (off / "monitoring.html").read_text(encoding="utf-8")


def test_a_year_the_calendar_does_not_cover_stops_the_run_before_its_work(campaign, inbox, tmp_path):
    from prefect.exceptions import FailedRun

    from flows.monitoring_report import monitoring_report

    folder, _ = inbox
    out = tmp_path / "out"
    with pytest.raises(FailedRun, match="2028年法定节假日安排尚未收录"):
        monitoring_report(
            inbox=str(folder),
            out=str(out),
            as_of=date(2028, 3, 11),
            db_url=campaign.url,
            archive=str(out / "a"),
        )
    assert not out.exists()  # nothing read, archived, recorded or written
    with Registry.open(campaign.url) as registry:
        assert registry.monitoring_reports() == [] and registry.revocation_proposals() == []
