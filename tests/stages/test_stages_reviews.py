"""The review applications (复核, 第十一条) an expiry check takes in: refused with a located issue when
they are not reviews or name no live certificate; otherwise recorded with their evaluation, as the
campaign records its own (the one evaluation recorder)."""

from __future__ import annotations

import copy
from datetime import date

from mgmt_inputs import calendar_policy, review_workbook

from clustercert.contract import SUBMISSION
from clustercert.lifecycle import Status
from clustercert.registry import Registry
from clustercert.stages import reviews
from clustercert.stages.evaluations import verdict_reason
from clustercert.workbook_writer import write_workbook

POLICY = calendar_policy()
AS_OF = date(2029, 9, 1)


def _received(campaign, tmp_path):
    samples = {s.submission_id: s for s in campaign.samples}
    first, second, third = campaign.certified[:3]
    inbox = tmp_path / "reviews"
    inbox.mkdir()
    review_workbook(
        inbox / "a-good.xlsx", samples[first["submission_id"]], first["certificate_id"], date(2029, 8, 20)
    )
    review_workbook(
        inbox / "b-unknown.xlsx", samples[second["submission_id"]], "HLJTS-1999-001", date(2029, 8, 20)
    )
    review_workbook(
        inbox / "c-revoked.xlsx", samples[third["submission_id"]], third["certificate_id"], date(2029, 8, 20)
    )
    tables = copy.deepcopy(samples[second["submission_id"]].tables)  # a new application sent by mistake
    write_workbook(inbox / "d-new.xlsx", tables, SUBMISSION, fmt="xlsx")
    subs = [reviews.receive(p) for p in reviews.files(inbox)]
    return subs, reviews.validate(subs, engine="pandas"), third["certificate_id"]


def test_decide_refuses_what_is_not_a_review_of_a_live_certificate(campaign, tmp_path) -> None:
    subs, validated, revoked = _received(campaign, tmp_path)
    with Registry.open(campaign.url) as registry:
        with registry.transaction() as tx:
            tx.record_revocation_proposal(
                revoked, ground="15.2", evidence="测试", proposed_on=date(2029, 8, 1)
            )
            tx.decide_revocation(revoked, None, "撤销", "测试", decided_on=date(2029, 8, 10))
        known = reviews.read(registry, subs)
    assert known[revoked] == Status.REVOKED and "HLJTS-1999-001" not in known
    intake = reviews.decide(known, validated, as_of=AS_OF, policy=POLICY)
    assert [a.submission.file for a in intake.applications] == ["a-good.xlsx"]
    (good,) = intake.applications
    assert good.campaign_year == 2029 and good.evaluation is not None and good.evaluation.eligible
    refused = {(i.file, i.check, str(i.severity)) for i in intake.issues if i.check.startswith("review.")}
    assert refused == {
        ("b-unknown.xlsx", "review.certificate_id.known", "error"),
        ("c-revoked.xlsx", "review.certificate_id.revoked", "error"),
        ("d-new.xlsx", "review.application_type", "warning"),
    }
    assert intake.input_errors == sum(i.is_error for i in intake.issues) >= 2


def test_record_takes_the_application_in_with_its_evaluation_once(campaign, tmp_path) -> None:
    subs, validated, _ = _received(campaign, tmp_path)
    with Registry.open(campaign.url) as registry:
        intake = reviews.decide(reviews.read(registry, subs), validated, as_of=AS_OF, policy=POLICY)
        reviews.record(registry, intake, "run-1", as_of=AS_OF, policy=POLICY)
        good = next(a for a in intake.applications if a.submission.file == "a-good.xlsx")
        sid = good.submission.submission_id
        row = registry.submission(sid)
        assert (row.status, row.application_type, row.campaign_year) == (Status.ELIGIBLE, "复核", 2029)
        assert registry.campaign(2029) is not None  # the review's year, opened for it
        (stored,) = [e for e in registry.evaluations(2029) if e.submission_id == sid]
        assert stored.criteria and stored.score_contributions["contributions"]  # as a campaign's evaluation
        (move,) = [e for e in registry.audit(sid) if e.to_status == Status.ELIGIBLE]
        assert move.reason == verdict_reason(good.evaluation) and move.article == "第五条"
        counts = registry.row_counts()
        reviews.record(registry, intake, "run-2", as_of=AS_OF, policy=POLICY)
        assert registry.row_counts() == counts
