"""clustercert.lifecycle: the transitions as data, and the two questions the registry asks of them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clustercert.lifecycle import (
    ARTICLES,
    CERTIFICATION_TRANSITIONS,
    SUBMISSION_TRANSITIONS,
    EntityKind,
    IllegalTransition,
    Status,
    check_transition,
    is_settled,
    local_date,
)

S, K = Status, EntityKind

# SPEC §2, edge by edge.
SPEC_EDGES = [
    (K.SUBMISSION, S.SUBMITTED, S.INVALID),
    (K.SUBMISSION, S.SUBMITTED, S.VALID),
    (K.SUBMISSION, S.VALID, S.INELIGIBLE),
    (K.SUBMISSION, S.VALID, S.ELIGIBLE),
    (K.SUBMISSION, S.ELIGIBLE, S.NOT_RECOMMENDED),
    (K.SUBMISSION, S.ELIGIBLE, S.RECOMMENDED),
    (K.SUBMISSION, S.RECOMMENDED, S.NOT_SHORTLISTED),
    (K.SUBMISSION, S.RECOMMENDED, S.SHORTLISTED),
    (K.SUBMISSION, S.SHORTLISTED, S.OBJECTION_UPHELD),
    (K.SUBMISSION, S.SHORTLISTED, S.CERTIFIED),
    (K.SUBMISSION, S.INVALID, S.SUPERSEDED),
    (K.CERTIFICATION, S.CERTIFIED, S.EXPIRING),
    (K.CERTIFICATION, S.EXPIRING, S.EXPIRED),
    (K.CERTIFICATION, S.EXPIRED, S.UNDER_REVIEW),
    (K.CERTIFICATION, S.UNDER_REVIEW, S.RENEWED),
    (K.CERTIFICATION, S.UNDER_REVIEW, S.REVOKED),
    (K.CERTIFICATION, S.CERTIFIED, S.REVOCATION_PROPOSED),
    (K.CERTIFICATION, S.REVOCATION_PROPOSED, S.REVOKED),
    (K.CERTIFICATION, S.REVOCATION_PROPOSED, S.CLEARED),
]


@pytest.mark.parametrize(("kind", "source", "target"), SPEC_EDGES)
def test_every_spec_transition_is_allowed(kind: EntityKind, source: Status, target: Status) -> None:
    check_transition(source, target, kind)


@pytest.mark.parametrize(
    ("kind", "source", "target"),
    [
        (K.SUBMISSION, S.INVALID, S.VALID),  # a returned file is corrected by a new file, not re-judged
        (K.SUBMISSION, S.SUBMITTED, S.CERTIFIED),  # no skipping the prefecture and the province
        (K.SUBMISSION, S.INELIGIBLE, S.RECOMMENDED),  # 第九条 recommends only what meets 第五条
        (K.SUBMISSION, S.CERTIFIED, S.SUPERSEDED),  # a certificate is never replaced by a late file
        (K.CERTIFICATION, S.REVOKED, S.CLEARED),
        (K.CERTIFICATION, S.CERTIFIED, S.RENEWED),  # renewal only after a review (第十一条)
        (K.CERTIFICATION, S.CERTIFIED, S.REVOKED),  # revocation is proposed first (第十五条)
        (K.SUBMISSION, None, S.VALID),
    ],
)
def test_illegal_transitions_raise_with_a_clear_message(kind, source, target) -> None:
    with pytest.raises(IllegalTransition, match=f"{source} → {target}"):
        check_transition(source, target, kind)


def test_unknown_status_is_illegal() -> None:
    with pytest.raises(IllegalTransition, match="unknown status"):
        check_transition("submitted", "approved")


def test_new_entities_start_at_their_initial_status() -> None:
    check_transition(None, S.SUBMITTED, K.SUBMISSION)
    check_transition(None, S.CERTIFIED, K.CERTIFICATION)
    with pytest.raises(IllegalTransition):
        check_transition(None, S.CERTIFIED, K.SUBMISSION)


def test_every_status_belongs_to_a_lifecycle_and_has_an_article() -> None:
    covered = set(SUBMISSION_TRANSITIONS) | set(CERTIFICATION_TRANSITIONS)
    assert covered == set(Status)
    assert set(ARTICLES) == set(Status)
    assert all(article.startswith("第") for article in ARTICLES.values())


def test_every_pre_certificate_submission_status_can_be_superseded() -> None:
    before = {S.SUBMITTED, S.INVALID, S.VALID, S.INELIGIBLE, S.ELIGIBLE, S.NOT_RECOMMENDED, S.RECOMMENDED}
    before |= {S.NOT_SHORTLISTED, S.SHORTLISTED, S.OBJECTION_UPHELD}
    assert {s for s, targets in SUBMISSION_TRANSITIONS.items() if S.SUPERSEDED in targets} == before


@pytest.mark.parametrize(
    ("kind", "current", "target", "settled"),
    [
        (K.SUBMISSION, S.VALID, S.VALID, True),
        (K.SUBMISSION, S.CERTIFIED, S.VALID, True),  # a campaign re-run finds it already past
        (K.SUBMISSION, S.NOT_RECOMMENDED, S.ELIGIBLE, True),
        (K.SUBMISSION, S.VALID, S.ELIGIBLE, False),
        (K.SUBMISSION, S.INVALID, S.VALID, False),  # not past: a different branch (then illegal)
        (K.CERTIFICATION, S.RENEWED, S.EXPIRING, False),  # a renewed certificate will expire again
        (K.CERTIFICATION, S.CLEARED, S.REVOCATION_PROPOSED, False),
        (K.CERTIFICATION, S.REVOKED, S.REVOCATION_PROPOSED, True),
    ],
)
def test_is_settled(kind, current, target, settled) -> None:
    assert is_settled(current, target, kind) is settled


def test_local_date_is_the_shanghai_calendar_date() -> None:
    assert local_date(datetime(2026, 3, 10, 16, 30, tzinfo=UTC)) == date(2026, 3, 11)
    assert local_date(datetime(2026, 3, 10, 15, 59)) == date(2026, 3, 10)  # naive means UTC
