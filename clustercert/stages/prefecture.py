"""prefecture-recommendation (第九条): each prefecture's 初审, 实地抽查 and decision on its eligible
clusters — a work unit per prefecture, because the decision is the prefecture's.

* read: the campaign's eligible clusters from the registry, and the human decisions (spot checks,
  prefecture decisions) a person put in the decisions folder — or, in interactive mode, gave in the
  Prefect UI (the flow turns those answers into `Decision`s, see `with_answers`).
* work unit: `decide(code, eligible, decisions)` for one prefecture (`clustercert.campaign.recommend`).
* record: recommended / not recommended with the reason and the prefecture's order; a cluster the
  decisions cannot settle yet (contradictory rows, an unusable file) stays where it is, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from clustercert.campaign import BatchDecisions, Decision, recommend
from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.campaign.transition import ARTICLE_9, PENDING
from clustercert.lifecycle import EntityKind
from clustercert.registry import Registry
from clustercert.stages import facts
from clustercert.stages.context import CampaignContext


@dataclass
class PrefectureInputs:
    rows: pd.DataFrame  # every current submission (facts.decision_rows)
    eligible: pd.DataFrame
    decisions: BatchDecisions

    @property
    def codes(self) -> list[str]:
        return prefectures_with_eligible(self.eligible)


def load_decisions(ctx: CampaignContext, known_ids: Sequence[str]) -> BatchDecisions:
    directory = ctx.setup.decisions
    return BatchDecisions.load(Path(directory) if directory else None, known_ids=list(known_ids))


def read(registry: Registry, ctx: CampaignContext) -> PrefectureInputs:
    with registry.transaction() as tx:
        rows = facts.decision_rows(tx, ctx.year, ctx.policy_name)
    return PrefectureInputs(rows, facts.eligible(rows), load_decisions(ctx, list(rows["submission_id"])))


def prefectures_with_eligible(eligible: pd.DataFrame) -> list[str]:
    return sorted(code for code in eligible["prefecture_code"].unique() if code)


def decide(code: str, eligible: pd.DataFrame, decisions: BatchDecisions) -> PrefectureRecommendation:
    """One prefecture's recommendation (a pure function of its eligible clusters and decisions)."""
    return recommend(code, eligible, decisions)


def with_answers(
    decisions: BatchDecisions, answers: Mapping[str, bool], note: str, source: str
) -> BatchDecisions:
    """The decisions with an operator's 是/否 per submission (interactive mode) in place of the file's."""
    decided = dict(decisions.prefecture)
    for sid, value in sorted(answers.items()):
        decided[sid] = Decision(sid, bool(value), note, source, ())
    return replace(decisions, prefecture=decided)


def record(
    registry: Registry,
    recommendations: Sequence[PrefectureRecommendation],
    flow_run_id: str | None,
    actor: str = "clustercert",
) -> None:
    """Each decided cluster's move and place in its prefecture's list; a pending one keeps a note."""
    with registry.recording(flow_run_id=flow_run_id, actor=actor) as tx:
        ids = [str(sid) for rec in recommendations for sid in rec.rows["submission_id"]]
        if ids:
            tx.preload(tx.submission(ids[0]).campaign_year)  # type: ignore[union-attr]
        for rec in recommendations:
            for row in rec.rows.itertuples(index=False):
                sid, reason = str(row.submission_id), str(row.reason)
                if row.outcome == PENDING:
                    tx.set_submission_facts(sid, stage_note=reason, reason=reason, article=ARTICLE_9)
                    continue
                tx.transition(EntityKind.SUBMISSION, sid, str(row.outcome), reason=reason, article=ARTICLE_9)
                rank = None if pd.isna(row.prefecture_rank) else int(row.prefecture_rank)
                tx.set_submission_facts(
                    sid,
                    prefecture_rank=rank,
                    stage_note=None,
                    reason=f"{rec.prefecture_name}推荐顺序" if rank else reason,
                    article=ARTICLE_9,
                )


def counts(recommendations: Sequence[PrefectureRecommendation]) -> dict[str, int]:
    outcomes = [o for r in recommendations for o in r.rows["outcome"]]
    return {
        "prefectures": len(recommendations),
        "eligible": len(outcomes),
        "recommended": sum(o == "recommended" for o in outcomes),
        "not_recommended": sum(o == "not_recommended" for o in outcomes),
        "pending": sum(o == PENDING for o in outcomes),
    }
