"""The lifecycle transitions the campaign's decision stages produce (SPEC §2).

Statuses and the article each rests on come from `clustercert.lifecycle` (the one source); this
module only shapes what a stage hands to the registry, which appends it to the audit log with the
time and the flow run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clustercert.lifecycle import ARTICLES, Status

# A decision the data cannot make yet (contradictory or unusable decision rows): the cluster keeps
# its status, no transition is recorded, and the row says what to fix. Not a lifecycle status.
PENDING = "pending"

ARTICLE_9 = ARTICLES[Status.RECOMMENDED]  # 市地 受理、初审、实地抽查、推荐
ARTICLE_10 = ARTICLES[Status.SHORTLISTED]  # 省 审核、实地抽查、择优、公示、认定
ARTICLE_11 = "第十一条"  # 有效期为三年 (a validity rule, not a status move)


@dataclass(frozen=True)
class Transition:
    submission_id: str
    to_status: Status
    reason: str  # Chinese, for the audit log and the reports
    article: str
    effective_on: date | None = None  # the domain date (notice start, certification date), if any
