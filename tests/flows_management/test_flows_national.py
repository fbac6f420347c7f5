"""`national-recommendation` (Art. 14): certified clusters against the national 2022 policy."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from clustercert.registry import Registry

pytestmark = pytest.mark.usefixtures("prefect_api")


def test_national_rows_and_kept_evaluations(campaign, tmp_path):
    from flows.national_recommendation import national_recommendation

    out = tmp_path / "out"
    result = national_recommendation(out=str(out), as_of=date(2028, 3, 20), db_url=campaign.url)
    with (out / "national_recommendation.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:5] == ["certificate_id", "eligible", "failed_criteria", "score", "rank"]
    assert {r["certificate_id"] for r in rows} == {c["certificate_id"] for c in campaign.certified}
    assert result["evaluated"] == len(campaign.certified)
    for row in rows:  # the national thresholds (≥ 40亿元 each year, growth > 10 %) are not met here
        assert row["eligible"] == "false" and row["rank"] == "" and row["failed_criteria"].startswith("N1.")
    with Registry.open(campaign.url) as registry:
        assert len(registry.evaluations(policy_name="national-2022")) == len(campaign.certified)
    # nothing in force after the certificates expire
    assert (
        national_recommendation(out=str(tmp_path / "later"), as_of=date(2029, 8, 3), db_url=campaign.url)[
            "evaluated"
        ]
        == 0
    )
