"""`change-filings` (Art. 12): one calendar month, month ends clamped; late or unfiled → 15.4; an
on-time filing updates the cluster through the audit log."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from mgmt_inputs import TEST_CALENDAR, calendar_policy, filings
from mgmt_stages import run_monitoring

from clustercert.registry import Registry
from clustercert.samples import generate_monitoring

pytestmark = pytest.mark.usefixtures("prefect_api")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_filing_deadlines_month_ends_and_unfiled_changes(campaign, tmp_path):
    from flows.change_filings import change_filings

    a, b, c, d = (x["certificate_id"] for x in campaign.certified)
    # the monitoring report of 2027 declares changes; one of them (cast: unfiled_change) is never filed
    monitoring = generate_monitoring(
        tmp_path / "mon", certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    with Registry.open(campaign.url) as registry:
        run_monitoring(
            registry, tmp_path / "mon", report_year=2027, as_of=date(2028, 3, 11), policy=calendar_policy()
        )
    (unfiled,) = monitoring.unfiled_changes

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filings(
        inbox / "change_filings.csv",
        [
            {"certificate_id": a, "change_type": "运营管理机构", "changed_on": date(2027, 4, 8), "filed_on": date(2027, 5, 8), "new_value": "新运营公司"},
            {"certificate_id": b, "change_type": "空间范围", "changed_on": date(2027, 5, 20), "filed_on": date(2027, 6, 21), "new_value": "扩区"},
            {"certificate_id": b, "change_type": "主导产业", "changed_on": date(2027, 8, 10), "filed_on": date(2027, 9, 11), "new_value": "绿色食品"},
            {"certificate_id": c, "change_type": "主导产业", "changed_on": date(2027, 1, 31), "filed_on": date(2027, 2, 28), "new_value": "绿色食品"},
            {"certificate_id": d, "change_type": "主导产业", "changed_on": date(2028, 1, 31), "filed_on": date(2028, 3, 1), "new_value": "粮油精深加工"},
            {"certificate_id": d, "change_type": "法定代表人", "changed_on": date(2027, 3, 1), "filed_on": date(2027, 3, 2), "new_value": "x"},
        ],
    )  # fmt: skip
    out = tmp_path / "out"
    result = change_filings(
        inbox=str(inbox), out=str(out), as_of=date(2028, 3, 20), db_url=campaign.url, overrides=TEST_CALENDAR
    )

    rows = read_csv(out / "change_filings.csv")
    assert list(rows[0])[:5] == ["certificate_id", "change_type", "changed_on", "filed_on", "on_time"]
    verdicts = {(r["certificate_id"], r["changed_on"], r["filed_on"]): r["on_time"] for r in rows}
    assert verdicts[(a, "2027-04-08", "2027-05-08")] == "true"  # exactly one month: on time
    # 20 May + 1 month = Sunday 20 June 2027: the deadline moves to Monday 21 June (第二百零三条)
    assert verdicts[(b, "2027-05-20", "2027-06-21")] == "true"
    moved = next(r for r in rows if r["changed_on"] == "2027-05-20")
    assert (moved["due_on"], moved["due_on_nominal"]) == ("2027-06-21", "2027-06-20")
    assert (
        moved["due_note"]
        == "期限末日2027-06-20为法定休假日（星期日，休息日），依民法典第二百零三条顺延至2027-06-21"
    )
    assert verdicts[(b, "2027-08-10", "2027-09-11")] == "false"  # due Friday 10 Sep: one day late
    assert verdicts[(c, "2027-01-31", "2027-02-28")] == "true"  # 31 Jan + 1 month = 28 Feb
    assert verdicts[(d, "2028-01-31", "2028-03-01")] == "false"  # leap year: due 29 Feb 2028
    monitored = [r for r in rows if r["source"] == "monitoring"]
    # declared in the 2027 report and never filed (this filings file holds other changes)
    assert unfiled in {r["certificate_id"] for r in monitored}
    assert {(r["on_time"], r["filed_on"]) for r in monitored} == {("false", "")}
    assert result["input_errors"] == 1
    (issue,) = read_csv(out / "change_filings_issues.csv")
    assert (issue["row"], issue["column"]) == ("7", "变动类型")
    html = (out / "change_filings.html").read_text(encoding="utf-8")
    assert "2027-06-21（顺延）" in html and "民法典第二百零三条" in html

    with Registry.open(campaign.url) as registry:
        cert = registry.certification(a)
        assert registry.cluster(cert.cluster_key).operator_name == "新运营公司"
        assert any(
            e.field == "operator_name" and e.new_value == "新运营公司"
            for e in registry.audit(cert.cluster_key)
        )
        late = {
            (p.certificate_id, p.evidence_key) for p in registry.revocation_proposals() if p.ground == "15.4"
        }
    assert (b, "change:空间范围:2027-05-20") not in late  # filed on the moved last day
    assert (b, "change:主导产业:2027-08-10") in late
    assert (d, "change:主导产业:2028-01-31") in late
    assert (unfiled, "change:运营管理机构:2027-09-15") in late
    assert (a, "change:运营管理机构:2027-04-08") not in late
    assert (c, "change:主导产业:2027-01-31") not in late
