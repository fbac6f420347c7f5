"""Prefecture recommendation (Art. 9): 市（地）初审、实地抽查，推荐符合第五条标准的集群至省工信厅.

One call per prefecture (the flow runs a task per prefecture). An eligible cluster is
recommended unless a 市地 spot check failed or the prefecture answered 否; in batch mode, with no
answer given, an eligible cluster is recommended (SPEC §5). A cluster the data cannot decide yet
(contradictory answers, an unusable decisions file) stays *pending*: no transition is recorded.

Decisive negatives come first: a failed spot check or a 否 stands even when some other decision
file is unusable, because more information could not turn it into a recommendation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from clustercert import contract
from clustercert.campaign.decisions import LEVEL_PREFECTURE, BatchDecisions
from clustercert.campaign.ranking import with_rank
from clustercert.campaign.transition import ARTICLE_9, PENDING, Status, Transition
from clustercert.issue import Issue, Severity
from clustercert.reference import prefectures

STAGE_COLUMNS = ("outcome", "recommended", "prefecture_rank", "reason", "article")


@dataclass(frozen=True)
class PrefectureRecommendation:
    prefecture_code: str
    prefecture_name: str
    rows: pd.DataFrame  # each eligible cluster of the prefecture, in 择优 order, + STAGE_COLUMNS
    transitions: tuple[Transition, ...]
    issues: tuple[Issue, ...]

    @property
    def recommended(self) -> pd.DataFrame:
        """The list sent to the province, in prefecture-rank order."""
        return self.rows[self.rows["outcome"] == Status.RECOMMENDED].reset_index(drop=True)


def truthy(value: object) -> bool:
    """decisions.csv flags may arrive as bools or as text after a CSV round trip."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", contract.YES}
    if value is None or pd.isna(value):
        return False
    return bool(value)


def recommend(
    prefecture_code: str, clusters: pd.DataFrame, decisions: BatchDecisions
) -> PrefectureRecommendation:
    """Decide the prefecture's recommendations; `clusters` may hold every prefecture's clusters."""
    own = clusters[clusters["prefecture_code"].astype(str) == str(prefecture_code)]
    eligible = own[own["eligible"].map(truthy)]
    ranked = with_rank(eligible, "_order")

    outcomes: list[tuple[str, str]] = [_decide(sid, decisions) for sid in ranked["submission_id"].astype(str)]
    rows = ranked.drop(columns=["_order", *[c for c in STAGE_COLUMNS if c in ranked.columns]])
    rows["outcome"] = [o for o, _ in outcomes]
    rows["reason"] = [r for _, r in outcomes]
    rows["article"] = ARTICLE_9
    is_recommended = rows["outcome"] == Status.RECOMMENDED
    rows["recommended"] = pd.array(
        [None if o == PENDING else o == Status.RECOMMENDED for o in rows["outcome"]], dtype="boolean"
    )
    rank = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rank[is_recommended] = range(1, int(is_recommended.sum()) + 1)
    rows["prefecture_rank"] = rank

    transitions = tuple(
        Transition(str(r.submission_id), Status(r.outcome), str(r.reason), ARTICLE_9)
        for r in rows.itertuples(index=False)
        if r.outcome != PENDING
    )
    issues = tuple(_inapplicable_decisions(own, eligible, decisions))
    name = prefectures().get(str(prefecture_code), "")
    return PrefectureRecommendation(
        str(prefecture_code), name, rows.reset_index(drop=True), transitions, issues
    )


def _decide(sid: str, decisions: BatchDecisions) -> tuple[str, str]:
    """(outcome, Chinese reason) for one eligible cluster."""
    failed = decisions.failed_spot_checks(sid, LEVEL_PREFECTURE)
    if failed:
        return Status.NOT_RECOMMENDED, _spot_check_reason(c.note for c in failed)
    answer = decisions.prefecture.get(sid)
    if answer is not None and answer.value is False:
        reason = f"市地不予推荐：{answer.note}" if answer.note else "市地不予推荐（未说明理由）"
        return Status.NOT_RECOMMENDED, reason
    if contract.SPOT_CHECKS.key in decisions.unavailable:
        return PENDING, "实地抽查结果文件无法使用，暂不作推荐决定：请按问题清单更正 spot_checks 后重新运行"
    if contract.PREFECTURE_DECISIONS.key in decisions.unavailable:
        return (
            PENDING,
            "市地推荐意见文件无法使用，暂不作推荐决定：请按问题清单更正 prefecture_decisions 后重新运行",
        )
    if answer is not None and answer.value is None:
        lines = "、".join(str(n) for n in answer.rows)
        return (
            PENDING,
            f"市地推荐意见相互矛盾（{answer.file} 第 {lines} 行），暂不作推荐决定：请更正后重新运行",
        )
    if answer is not None:
        suffix = f"（{answer.note}）" if answer.note else ""
        return Status.RECOMMENDED, f"符合第五条认定标准，市地推荐{suffix}"
    return Status.RECOMMENDED, "符合第五条认定标准；未提交市地推荐意见，按批量模式默认推荐"


def _spot_check_reason(notes: Iterable[str]) -> str:
    shown = "；".join(n for n in notes if n)
    return f"市地实地抽查不通过：{shown}" if shown else "市地实地抽查不通过"


def _inapplicable_decisions(
    own: pd.DataFrame, eligible: pd.DataFrame, decisions: BatchDecisions
) -> list[Issue]:
    """A 是 for a cluster that is not eligible cannot be followed: Art. 9 recommends only Art. 5 passes."""
    sheet = contract.PREFECTURE_DECISIONS
    not_eligible = set(own["submission_id"].astype(str)) - set(eligible["submission_id"].astype(str))
    issues = []
    for sid in sorted(not_eligible):
        answer = decisions.prefecture.get(sid)
        if answer is None or answer.value is not True:
            continue
        message = "该申报未通过第五条认定标准审查或触及第六条否决情形，市地推荐意见“是”不予采纳（第九条）"
        issues.append(
            Issue(
                sid,
                answer.file,
                sheet.label,
                answer.rows[0],
                sheet.column("recommend").label,
                "decisions.prefecture_decisions.recommend.not_eligible",
                Severity.WARNING,
                message,
                ARTICLE_9,
            )
        )
    return issues
