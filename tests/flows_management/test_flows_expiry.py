"""`expiry-check` (Art. 11): the status bands, 90/30-day notices sent once, reviews that renew from
the old expiry or fail, and expiries without a review (→ 15.1)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from mgmt_inputs import review_workbook
from mgmt_registry import VALID_UNTIL

from clustercert.registry import Registry

pytestmark = pytest.mark.usefixtures("prefect_api")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def run(campaign, out, as_of, inbox=None):
    from flows.expiry_check import expiry_check

    return expiry_check(out=str(out), as_of=as_of, inbox=inbox, db_url=campaign.url, engine="pandas")


def test_bands_and_notices_are_sent_once(campaign, tmp_path):
    out = tmp_path / "out"
    statuses = {}
    for days in (91, 90, 31, 30, 0):
        run(campaign, out, VALID_UNTIL - timedelta(days=days))
        rows = read_csv(out / "expiry.csv")
        assert list(rows[0])[:3] == ["certificate_id", "valid_until", "status"]
        statuses[days] = {r["status"] for r in rows}
        notices = read_csv(out / "expiry_notices.csv")
        if days in (90, 30):  # the first day in a band: one notice per certificate
            assert {(n["notice_days"], n["valid_until"]) for n in notices} == {
                (str(days), VALID_UNTIL.isoformat())
            }
            assert len(notices) == len(campaign.certified)
            # the same day again lists the same notices (idempotent), the next day none
            run(campaign, out, VALID_UNTIL - timedelta(days=days))
            assert read_csv(out / "expiry_notices.csv") == notices
        elif days in (31, 0):
            assert notices == []
    assert statuses == {
        91: {"valid"},
        90: {"expiring_90"},
        31: {"expiring_90"},
        30: {"expiring_30"},
        0: {"expiring_30"},
    }
    with Registry.open(campaign.url) as registry:
        assert {c.status for c in registry.certifications()} == {"expiring"}


def test_reviews_renew_or_fail_and_no_review_is_151(campaign, tmp_path):
    passing, failing, *silent = campaign.certified
    inbox = tmp_path / "reviews"
    inbox.mkdir()
    samples = {s.submission_id: s for s in campaign.samples}
    review_workbook(
        inbox / "pass.xlsx", samples[passing["submission_id"]], passing["certificate_id"], date(2029, 8, 20)
    )
    review_workbook(
        inbox / "fail.xlsx",
        samples[failing["submission_id"]],
        failing["certificate_id"],
        date(2029, 8, 25),
        output=100000.0,
    )
    out = tmp_path / "out"
    # in the review window (180 days after 2029-08-02): expired, reviews decided
    run(campaign, out, date(2029, 9, 1), inbox=str(inbox))
    rows = {r["certificate_id"]: r for r in read_csv(out / "expiry.csv")}
    assert rows[passing["certificate_id"]]["status"] == "valid"
    assert rows[passing["certificate_id"]]["valid_until"] == "2032-08-02"  # three years from the OLD expiry
    assert rows[failing["certificate_id"]]["status"] == "under_review"
    assert {rows[c["certificate_id"]]["status"] for c in silent} == {"expired_in_window"}
    reviews = {r["certificate_id"]: r for r in read_csv(out / "reviews.csv")}
    assert reviews[passing["certificate_id"]]["result"] == "passed"
    assert reviews[failing["certificate_id"]]["result"] == "failed"
    assert "A5.1.output" in reviews[failing["certificate_id"]]["failed_criteria"]
    assert reviews[passing["certificate_id"]]["plan_completion_pct"] != ""

    # the window has passed: the silent ones become 15.1 proposals
    result = run(campaign, out, date(2030, 1, 30), inbox=str(inbox))
    rows = {r["certificate_id"]: r for r in read_csv(out / "expiry.csv")}
    assert {rows[c["certificate_id"]]["status"] for c in silent} == {"expired_no_review"}
    assert result["input_errors"] == 0
    with Registry.open(campaign.url) as registry:
        renewed = registry.certification(passing["certificate_id"])
        assert (renewed.status, renewed.valid_until) == ("renewed", date(2032, 8, 2))
        (failed,) = registry.revocation_proposals(failing["certificate_id"])
        assert failed.ground == "15.1" and failed.evidence_key.startswith("review:")
        for cert in silent:
            (proposal,) = registry.revocation_proposals(cert["certificate_id"])
            assert (proposal.ground, proposal.evidence_key) == ("15.1", "expired:2029-08-02")
        assert registry.revocation_proposals(passing["certificate_id"]) == []
