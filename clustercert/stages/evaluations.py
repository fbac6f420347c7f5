"""How an evaluation is recorded, whichever stage made it: the campaign's scoring (第五条、第六条), a
review (复核, 第十一条) and the national recommendation (第十四条).

One function writes the verdict, the failed criteria and warnings, the default score with each
contribution, every criterion's row and the reason in the words of each criterion's explanation, so
that every evaluation page and extract can show the same things whatever stage evaluated.
"""

from __future__ import annotations

from datetime import date

from clustercert.registry import Transaction
from clustercert.rules import Evaluation, criteria_rows
from clustercert.stages.score import contributions, verdict_reason


def record_evaluation(
    tx: Transaction, evaluation: Evaluation, *, policy_name: str, as_of: date, apply_status: bool = True
) -> None:
    """Record `evaluation` under `policy_name`; with `apply_status`, the submission moves valid →
    eligible | ineligible with the reason (the national evaluation of a certified cluster does not)."""
    tx.record_evaluation(
        evaluation.submission_id,
        policy_name=policy_name,
        as_of=as_of,
        eligible=evaluation.eligible,
        vetoed=evaluation.vetoed,
        failed_criteria=evaluation.failed_criteria,
        warnings=evaluation.warnings,
        score=float(evaluation.score.total),
        score_contributions=contributions(evaluation),
        criteria=criteria_rows(evaluation),
        apply_status=apply_status,
        reason=verdict_reason(evaluation),
    )
