"""The flows of 11 March in the order a daily schedule runs them (change-filings, then monitoring-report,
then revocation-triggers) propose what the other order proposes: grounds come from the registry's
facts, not from what the running flow read (SPEC §4.4)."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from mgmt_inputs import TEST_CALENDAR, filings

from clustercert.registry import Registry
from clustercert.samples import generate_monitoring

pytestmark = pytest.mark.usefixtures("prefect_api")
AS_OF = date(2028, 3, 11)


def _flows(order: tuple[str, ...], db_url: str, root: Path, out: Path) -> None:
    from flows.change_filings import change_filings
    from flows.monitoring_report import monitoring_report
    from flows.revocation_triggers import revocation_triggers

    run = {
        "changes": lambda: change_filings(
            inbox=str(root / "filings"), out=str(out), as_of=AS_OF, db_url=db_url, overrides=TEST_CALENDAR
        ),  # fmt: skip
        "monitor": lambda: monitoring_report(
            inbox=str(root / "mon"), out=str(out), as_of=AS_OF, db_url=db_url, overrides=TEST_CALENDAR
        ),  # fmt: skip
        "revocations": lambda: revocation_triggers(
            out=str(out), as_of=AS_OF, db_url=db_url, overrides=TEST_CALENDAR
        ),  # fmt: skip
    }
    for name in order:
        run[name]()


def test_changes_then_monitoring_then_revocations_proposes_the_unfiled_change(campaign, tmp_path):
    monitoring = generate_monitoring(
        tmp_path / "mon", certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    (tmp_path / "filings").mkdir()
    first = campaign.certified[0]["certificate_id"]
    filings(tmp_path / "filings" / "change_filings.csv", [{"certificate_id": first, "change_type": "运营管理机构", "changed_on": date(2027, 11, 2), "filed_on": date(2027, 12, 6), "new_value": "新运营公司"}])  # fmt: skip
    other = tmp_path / "other.db"
    shutil.copy(Path(campaign.url.removeprefix("sqlite:///")), other)

    out = tmp_path / "out"
    _flows(("changes", "monitor", "revocations"), campaign.url, tmp_path, out)
    _flows(("monitor", "changes", "revocations"), f"sqlite:///{other}", tmp_path, tmp_path / "out-other")

    (unfiled,) = monitoring.unfiled_changes
    with (out / "revocation_proposals.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    (declared,) = [
        r
        for r in rows
        if (r["certificate_id"], r["evidence_key"]) == (unfiled, "change:运营管理机构:2027-09-15")
    ]
    assert declared["ground"] == "15.4"
    assert "未备案" in declared["evidence"] and "重大变动" in declared["evidence"]

    def proposals(url: str) -> list[tuple]:
        with Registry.open(url) as registry:
            return sorted(
                (p.certificate_id, p.ground, p.evidence_key, p.evidence)
                for p in registry.revocation_proposals()
            )

    assert proposals(campaign.url) == proposals(f"sqlite:///{other}")
