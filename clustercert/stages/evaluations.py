"""How an evaluation is recorded, whichever stage made it: the campaign's scoring (第五条、第六条), a
review (复核, 第十一条) and the national recommendation (第十四条).

One function writes the verdict, the failed criteria and warnings, the default score with each
contribution, every criterion's row and the reason in the words of each criterion's explanation, so
that every evaluation page and extract can show the same things whatever stage evaluated.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from clustercert.registry import Transaction
from clustercert.rules import Evaluation, criteria_rows


def contributions(evaluation: Evaluation) -> dict[str, Any]:
    """The score's parts as the registry keeps them (exact numbers as text)."""
    return {
        "model_note": evaluation.score.model_note,
        "latest_total_output": None
        if evaluation.latest_total_output is None
        else str(evaluation.latest_total_output),
        "contributions": [
            {
                "aspect": c.aspect,
                "indicator": c.indicator,
                "value": None if c.value is None else str(c.value),
                "weight": str(c.weight),
                "points": str(c.points),
            }
            for c in evaluation.score.contributions
        ],
    }


def verdict_reason(evaluation: Evaluation) -> str:
    """Why a cluster is (in)eligible, in the words of each criterion's explanation (with its article)."""
    by_id = {r.criterion_id: r for r in evaluation.criteria}
    if evaluation.eligible:
        reason = "符合第五条认定标准，无第六条所列情形"
        advisory = [by_id[c].explanation for c in evaluation.warnings if c in by_id]
        return reason + (f"；提示：{'；'.join(advisory)}" if advisory else "")
    failed = [by_id[c].explanation for c in evaluation.failed_criteria if c in by_id]
    return "不符合认定条件：" + "；".join(failed)


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
