"""The lifecycle (SPEC §2): every status, every allowed transition, and the article each rests on.

This module is the one source of status transitions. The registry refuses to write a transition that
is not listed here: an illegal transition is a bug in a flow, not a fact about the data, so it raises.

Two kinds of entity move through the lifecycle:

* a **submission** (one workbook of one campaign): submitted → valid/invalid → eligible/ineligible →
  recommended (市地, 第九条) → shortlisted (省, 第十条) → certified; a corrected resubmission of the
  same cluster supersedes the earlier one (kept, marked superseded);
* a **certification** (one certificate, three-year validity, 第十一条–第十五条): certified → expiring →
  expired → under_review → renewed | revoked, and from any active status → revocation_proposed →
  revoked | cleared.

The submission graph is acyclic; the certification graph has cycles (renewed → expiring → …), which is
why "already reached" (`is_settled`) only holds for targets the entity can no longer come back to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Status(StrEnum):
    """A lifecycle status: the stable code (CSVs, the registry) and the Chinese label people read."""

    label: str

    # `label` has a default only for mypy: `Status("valid")` looks a member up by its code, and mypy
    # reads that call as this constructor (python/mypy#10573). Every member below names its label.
    def __new__(cls, value: str, label: str = "") -> Status:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    # submission
    SUBMITTED = "submitted", "已申报"
    INVALID = "invalid", "校验未通过"
    VALID = "valid", "校验通过"
    INELIGIBLE = "ineligible", "不符合认定条件"
    ELIGIBLE = "eligible", "符合认定条件"
    NOT_RECOMMENDED = "not_recommended", "市（地）未推荐"
    RECOMMENDED = "recommended", "市（地）推荐"
    NOT_SHORTLISTED = "not_shortlisted", "未入选公示名单"
    SHORTLISTED = "shortlisted", "入选公示名单"
    OBJECTION_UPHELD = "objection_upheld", "公示异议成立，不予认定"
    SUPERSEDED = "superseded", "已由更正后的申报取代"
    # both: a submission ends certified, a certification starts certified
    CERTIFIED = "certified", "已认定"
    # certification
    EXPIRING = "expiring", "即将到期"
    EXPIRED = "expired", "有效期已满"
    UNDER_REVIEW = "under_review", "复核中"
    RENEWED = "renewed", "复核通过，有效期延长"
    REVOKED = "revoked", "已撤销认定"
    REVOCATION_PROPOSED = "revocation_proposed", "拟撤销认定"
    CLEARED = "cleared", "不予撤销"


class EntityKind(StrEnum):
    """What an audit entry is about; `entity_id` is that entity's natural key."""

    CAMPAIGN = "campaign"  # entity_id: the year
    SUBMISSION = "submission"  # submission_id
    CLUSTER = "cluster"  # cluster_key
    EVALUATION = "evaluation"  # submission_id (policy named in the entry's field)
    CERTIFICATION = "certification"  # certificate_id
    MONITORING_REPORT = "monitoring_report"  # certificate_id
    REVOCATION_PROPOSAL = "revocation_proposal"  # certificate_id (ground in the article)


class Decision(StrEnum):
    """Where a revocation proposal stands (第十五条): proposed by a flow, decided by the province."""

    PENDING = "pending"
    CONFIRMED = "confirmed"  # 撤销
    CLEARED = "cleared"  # 不予撤销


S = Status

# Where a corrected resubmission may replace the earlier one: anything before a certificate exists.
_SUPERSEDABLE = (
    S.SUBMITTED,
    S.INVALID,
    S.VALID,
    S.INELIGIBLE,
    S.ELIGIBLE,
    S.NOT_RECOMMENDED,
    S.RECOMMENDED,
    S.NOT_SHORTLISTED,
    S.SHORTLISTED,
    S.OBJECTION_UPHELD,
)

_SUBMISSION_FORWARD: Mapping[Status, frozenset[Status]] = {
    S.SUBMITTED: frozenset({S.INVALID, S.VALID}),
    S.VALID: frozenset({S.INELIGIBLE, S.ELIGIBLE}),
    # a review application (复核, 第十一条) that passes renews the certificate it names
    S.ELIGIBLE: frozenset({S.NOT_RECOMMENDED, S.RECOMMENDED, S.RENEWED}),
    S.RECOMMENDED: frozenset({S.NOT_SHORTLISTED, S.SHORTLISTED, S.RENEWED}),
    S.SHORTLISTED: frozenset({S.OBJECTION_UPHELD, S.CERTIFIED}),
    **{s: frozenset() for s in (S.INVALID, S.INELIGIBLE, S.NOT_RECOMMENDED, S.NOT_SHORTLISTED)},
    **{s: frozenset() for s in (S.OBJECTION_UPHELD, S.CERTIFIED, S.RENEWED, S.SUPERSEDED)},
}
SUBMISSION_TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    status: targets | ({S.SUPERSEDED} if status in _SUPERSEDABLE else frozenset())
    for status, targets in _SUBMISSION_FORWARD.items()
}

# Active statuses of a certificate: it is in force and may be proposed for revocation (第十五条).
ACTIVE_CERTIFICATION = frozenset({S.CERTIFIED, S.EXPIRING, S.RENEWED, S.CLEARED})

CERTIFICATION_TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    # an expiry check that did not run in the notice window goes straight to expired
    **{
        s: frozenset({S.EXPIRING, S.EXPIRED, S.REVOCATION_PROPOSED})
        for s in (S.CERTIFIED, S.RENEWED, S.CLEARED)
    },
    S.EXPIRING: frozenset({S.EXPIRED, S.REVOCATION_PROPOSED}),
    # 第十一条: a review application after expiry; none in the window → 第十五条（一）
    S.EXPIRED: frozenset({S.UNDER_REVIEW, S.REVOCATION_PROPOSED, S.REVOKED}),
    S.UNDER_REVIEW: frozenset({S.RENEWED, S.REVOCATION_PROPOSED, S.REVOKED}),
    S.REVOCATION_PROPOSED: frozenset({S.REVOKED, S.CLEARED}),
    S.REVOKED: frozenset(),
}

TRANSITIONS: Mapping[EntityKind, Mapping[Status, frozenset[Status]]] = {
    EntityKind.SUBMISSION: SUBMISSION_TRANSITIONS,
    EntityKind.CERTIFICATION: CERTIFICATION_TRANSITIONS,
}

# The status an entity is born with.
INITIAL: Mapping[EntityKind, Status] = {
    EntityKind.SUBMISSION: S.SUBMITTED,
    EntityKind.CERTIFICATION: S.CERTIFIED,
}

DECISION_TRANSITIONS: Mapping[Decision, frozenset[Decision]] = {
    Decision.PENDING: frozenset({Decision.CONFIRMED, Decision.CLEARED}),
    Decision.CONFIRMED: frozenset(),
    Decision.CLEARED: frozenset(),
}

# The article a status rests on when the caller names no finer one (e.g. "15.3" for a revocation).
ARTICLES: Mapping[Status, str] = {
    S.SUBMITTED: "第八条",  # the county authority submits (申报主体)
    S.INVALID: "第九条",  # the prefecture accepts and checks (受理、初审)
    S.VALID: "第九条",
    # a corrected resubmission is accepted in place of the earlier one (受理)
    S.SUPERSEDED: "第九条",
    S.INELIGIBLE: "第五条",  # or 第六条 for a veto: the registry passes the evaluation's article
    S.ELIGIBLE: "第五条",
    S.NOT_RECOMMENDED: "第九条",
    S.RECOMMENDED: "第九条",
    S.NOT_SHORTLISTED: "第十条",
    S.SHORTLISTED: "第十条",
    S.OBJECTION_UPHELD: "第十条",
    S.CERTIFIED: "第十条",
    S.EXPIRING: "第十一条",
    S.EXPIRED: "第十一条",
    S.UNDER_REVIEW: "第十一条",
    S.RENEWED: "第十一条",
    S.REVOCATION_PROPOSED: "第十五条",
    S.REVOKED: "第十五条",
    S.CLEARED: "第十五条",
}

# Art. 15's five grounds, as the stable ids reports and CSVs use, in the regulation's words; the one
# source (management, the registry and the reports read them from here).
REVOCATION_GROUNDS: Mapping[str, str] = {
    "15.1": "有效期满未申请复核或经复核未通过",
    "15.2": "发现虚假申报或存在违法违规行为",
    "15.3": "未及时报送集群年度发展情况，不接受、不配合监测监督工作",
    "15.4": "集群发生主导产业、空间范围、运营管理机构变更等重大变动未及时更新报备",
    "15.5": "集群企业发生较大及以上安全、质量和环境污染等事故，重大及以上网络安全事件和数据安全事件，"
    "以及偷税漏税、违法违规、严重失信和其它重大问题的行为",
}
_ITEMS = "一二三四五"


def ground_article(ground: str) -> str:
    """ "15.3" → "第十五条（三）"."""
    return f"第十五条（{_ITEMS[int(ground.split('.')[1]) - 1]}）"


# A ground as a person reads it: "第十五条（三）未及时报送集群年度发展情况，……".
REVOCATION_GROUND_LABELS: Mapping[str, str] = {
    g: ground_article(g) + t for g, t in REVOCATION_GROUNDS.items()
}


class IllegalTransition(ValueError):
    """A flow asked for a move the lifecycle does not allow: a bug to fix, never a data problem."""


def _graph(kind: EntityKind | None) -> Mapping[Status, frozenset[Status]]:
    if kind is None:
        merged: dict[Status, frozenset[Status]] = {}
        for graph in TRANSITIONS.values():
            for status, targets in graph.items():
                merged[status] = merged.get(status, frozenset()) | targets
        return merged
    if kind not in TRANSITIONS:
        raise IllegalTransition(f"{kind} has no status lifecycle")
    return TRANSITIONS[kind]


def allowed_targets(from_status: Status | str | None, kind: EntityKind | None = None) -> frozenset[Status]:
    """Statuses reachable in one step; from None (a new entity) only the kind's initial status."""
    if from_status is None:
        kinds = [kind] if kind is not None else list(INITIAL)
        return frozenset(INITIAL[k] for k in kinds if k in INITIAL)
    return _graph(kind).get(Status(from_status), frozenset())


def check_transition(
    from_status: Status | str | None, to_status: Status | str, kind: EntityKind | None = None
) -> None:
    """Raise `IllegalTransition` unless the lifecycle allows from_status → to_status in one step."""
    try:
        target = Status(to_status)
        source = None if from_status is None else Status(from_status)
    except ValueError as exc:
        raise IllegalTransition(f"unknown status: {exc}") from None
    if target not in allowed_targets(source, kind):
        allowed = ", ".join(sorted(allowed_targets(source, kind))) or "none (final status)"
        where = f" for a {kind}" if kind is not None else ""
        raise IllegalTransition(
            f"illegal transition{where}: {source} → {target} (allowed from {source}: {allowed})"
        )


@cache
def _reachable(status: Status, kind: EntityKind | None) -> frozenset[Status]:
    """Every status reachable from `status` in one or more steps."""
    graph = _graph(kind)
    seen: set[Status] = set()
    todo = list(graph.get(status, ()))
    while todo:
        nxt = todo.pop()
        if nxt not in seen:
            seen.add(nxt)
            todo.extend(graph.get(nxt, ()))
    return frozenset(seen)


def is_settled(current: Status | str, to_status: Status | str, kind: EntityKind | None = None) -> bool:
    """True when asking for `to_status` is a re-run, not news: the entity is there or already past it.

    "Past" means `to_status` leads to `current` and `current` can never lead back to `to_status`
    (so a renewed certificate is not "past" expiring: it will expire again).
    """
    current, target = Status(current), Status(to_status)
    if current == target:
        return True
    return current in _reachable(target, kind) and target not in _reachable(current, kind)


def check_decision(current: Decision | str, to: Decision | str) -> None:
    if Decision(to) not in DECISION_TRANSITIONS[Decision(current)]:
        raise IllegalTransition(f"illegal revocation decision: {current} → {to}")


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_date(at: datetime) -> date:
    """The Asia/Shanghai calendar date of a stored UTC instant (what officials read)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(SHANGHAI).date()
