"""`monitoring-report` and `monitoring-reminder` under a real Prefect API (SPEC §4.4, Art. 13)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

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
    result = monitoring_report(inbox=str(folder), out=str(out), as_of=date(2028, 3, 11), db_url=campaign.url)

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
        recorded = {r.certificate_id: r.status for r in registry.monitoring_reports(2027)}
        assert recorded == expected.report_status
        counts = registry.row_counts()

    html = (out / "monitoring.html").read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")
    assert (out / "index.html").exists()

    # a re-run on the same day records nothing new and writes the same extract
    before = (out / "monitoring.csv").read_bytes()
    monitoring_report(inbox=str(folder), out=str(out), as_of=date(2028, 3, 11), db_url=campaign.url)
    assert (out / "monitoring.csv").read_bytes() == before
    with Registry.open(campaign.url) as registry:
        assert registry.row_counts()["revocation_proposals"] == counts["revocation_proposals"]

    with get_client(sync_client=True) as client:
        keys = {
            a.key
            for a in client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="monitoring-2027"))
            )
        }
    assert {"monitoring-2027", "monitoring-2027-report"} <= keys


def test_before_the_deadline_a_missing_report_is_pending_not_a_proposal(campaign, inbox, tmp_path):
    from flows.monitoring_report import monitoring_report

    folder, expected = inbox
    result = monitoring_report(
        inbox=str(folder), out=str(tmp_path / "out"), as_of=DEADLINE, report_year=2027, db_url=campaign.url
    )
    assert (result["missing"], result["pending"]) == (0, 1)
    with Registry.open(campaign.url) as registry:
        assert registry.revocation_proposals() == []


def test_reminder_lists_the_prefectures_that_have_not_reported(campaign, inbox):
    from flows.monitoring_report import monitoring_reminder

    folder, _ = inbox
    late = sorted(folder.glob("230300-*.xlsx"))
    assert late
    for path in late:
        path.unlink()
    result = monitoring_reminder(as_of=date(2028, 3, 3), inbox=str(folder), db_url=campaign.url)
    assert result == {"report_year": 2027, "as_of": "2028-03-03", "unreported": ["230300"]}
