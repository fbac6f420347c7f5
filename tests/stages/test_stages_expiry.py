"""expiry-check as a stage (第十一条): decide is pure — the status bands, the lifecycle moves, reviews
decided once the certificate has expired, notices sent once, 15.1 — and record applies it, once."""

from __future__ import annotations

from datetime import date, timedelta

from management_fixtures import certificates
from mgmt_inputs import calendar_policy
from mgmt_registry import VALID_UNTIL

from clustercert.lifecycle import Status
from clustercert.registry import Registry
from clustercert.stages import expiry
from clustercert.stages.certificates import Review

POLICY = calendar_policy()  # notices at 90 and 30 days, a 180-day review window, three more years
AS_OF = date(2029, 9, 1)


def _review(cid: str, status: str, applied_on: date, failed: tuple[str, ...] = ()) -> Review:
    return Review(f"2029-{cid}", cid, status, applied_on, failed, 60.0, None, None, None)


def _inputs(notices_sent=()) -> expiry.ExpiryInputs:
    certs = certificates(
        {"certificate_id": "A-90", "valid_until": AS_OF + timedelta(days=90)},  # first day of the 90 band
        {"certificate_id": "B-91", "valid_until": AS_OF + timedelta(days=91)},  # still valid
        {"certificate_id": "C-pass", "valid_until": date(2029, 8, 2), "status": "expiring"},
        {"certificate_id": "D-fail", "valid_until": date(2029, 8, 2), "status": "expired"},
        {"certificate_id": "E-proposed", "valid_until": date(2029, 8, 2), "status": "revocation_proposed"},
        {
            "certificate_id": "F-silent",
            "valid_until": date(2029, 3, 4),
            "status": "expired",
        },  # window ends 8-31
    )
    reviews = [
        _review("C-pass", Status.ELIGIBLE, date(2029, 8, 20)),
        _review("D-fail", Status.INELIGIBLE, date(2029, 8, 25), ("A5.1.output",)),
        _review("E-proposed", Status.ELIGIBLE, date(2029, 8, 20)),  # may not move to under_review
    ]
    return expiry.ExpiryInputs(certs, reviews, list(notices_sent))


def test_decide_moves_renews_fails_and_proposes() -> None:
    outcome = expiry.decide(_inputs(), as_of=AS_OF, policy=POLICY)
    moves = {(m.certificate_id, m.target) for m in outcome.moves}
    assert moves == {
        ("A-90", Status.EXPIRING),
        ("C-pass", Status.EXPIRED),
        ("C-pass", Status.UNDER_REVIEW),
        ("D-fail", Status.UNDER_REVIEW),
    }
    (renewal,) = outcome.renewals
    # three years from the OLD expiry: from 2029-08-03 to 2032-08-02
    assert (renewal.certificate_id, renewal.new_valid_until, renewal.review_submission_id) == (
        "C-pass",
        date(2032, 8, 2),
        "2029-C-pass",
    )
    status = {r["certificate_id"]: r["status"] for r in outcome.rows}
    assert status == {
        "A-90": "expiring_90",
        "B-91": "valid",
        "C-pass": "valid",  # as the renewal leaves it
        "D-fail": "under_review",
        "E-proposed": "under_review",  # applied in time, but its certificate cannot be reviewed now
        "F-silent": "expired_no_review",
    }
    assert [(n["certificate_id"], n["notice_days"]) for n in outcome.notices] == [("A-90", 90)]
    assert outcome.new_notices == outcome.notices
    proposals = {
        (p["certificate_id"], p["ground"], p["evidence_key"]) for p in outcome.proposals.to_dict("records")
    }
    assert proposals == {("D-fail", "15.1", "review:2029-D-fail"), ("F-silent", "15.1", "expired:2029-03-04")}
    assert outcome.counts()["under_review"] == 2


def test_a_notice_sent_on_an_earlier_day_is_not_sent_again_and_one_sent_today_is_listed_again() -> None:
    sent = ("A-90", 90, AS_OF + timedelta(days=90))
    earlier = expiry.decide(_inputs([(*sent, AS_OF - timedelta(days=1))]), as_of=AS_OF, policy=POLICY)
    assert earlier.notices == [] and earlier.new_notices == []
    today = expiry.decide(_inputs([(*sent, AS_OF)]), as_of=AS_OF, policy=POLICY)
    assert [n["certificate_id"] for n in today.notices] == ["A-90"] and today.new_notices == []


def test_record_applies_the_outcome_once(campaign) -> None:
    first = VALID_UNTIL - timedelta(days=90)
    with Registry.open(campaign.url) as registry:
        outcome = expiry.decide(expiry.read(registry, first, POLICY), as_of=first, policy=POLICY)
        assert len(outcome.new_notices) == len(campaign.certified)
        assert expiry.record(registry, outcome, "run-1") == {"revocation_proposals_new": 0}
        assert {c.status for c in registry.certifications()} == {"expiring"}
        again = expiry.decide(expiry.read(registry, first, POLICY), as_of=first, policy=POLICY)
        assert again.moves == [] and again.new_notices == [] and len(again.notices) == len(campaign.certified)
        counts = registry.row_counts()
        expiry.record(registry, again, "run-2")
        assert registry.row_counts() == counts
        # past the review window, every certificate without a review is a 15.1 proposal
        late = VALID_UNTIL + timedelta(days=181)
        outcome = expiry.decide(expiry.read(registry, late, POLICY), as_of=late, policy=POLICY)
        assert expiry.record(registry, outcome, "run-3") == {
            "revocation_proposals_new": len(campaign.certified)
        }
        assert expiry.review_rows(registry, POLICY) == []
