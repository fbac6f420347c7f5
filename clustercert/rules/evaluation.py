"""Evaluate one submission against a policy: Art. 5 criteria, Art. 6 veto, eligibility and score.

`evaluate(data, load_policy("hlj-2023"), as_of)` runs a campaign's rules; the same call with
`load_policy("national-2022")` runs the national standard for Art. 14.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from clustercert.policy import CriterionType, Policy
from clustercert.policy.model import plain
from clustercert.rules import criteria as crit
from clustercert.rules import gaps
from clustercert.rules import indicators as ind
from clustercert.rules.results import CriterionResult, Evaluation, Result, VetoIncident
from clustercert.rules.scoring import score
from clustercert.rules.veto import evaluate_veto
from clustercert.submission import ClusterData

BLOCKING_KINDS = ("hard", "veto")


def evaluate(data: ClusterData, policy: Policy, as_of: date) -> Evaluation:
    """Every criterion of `policy` for `data` as of `as_of` (designations must still be valid then)."""
    rows = ind.annual_rows(data)
    ctx = crit.Context(data.submission_id, policy, as_of, data.campaign_year, rows, data)
    results = [crit.evaluate_criterion(ctx, c) for c in policy.criteria]
    evidence = ind.evidence_by_item(data)
    results += [crit.qualitative(ctx, item, evidence) for item in policy.qualitative_items]
    veto_incidents: list[VetoIncident] = []
    if policy.veto is not None:
        veto_result, veto_incidents = evaluate_veto(
            data.submission_id, data.incidents, policy, ind.as_day(data.profile.get("declared_on")), as_of
        )
        results.append(veto_result)
    results = gaps.attach(ctx, results)
    failed = [r.criterion_id for r in results if r.kind in BLOCKING_KINDS and r.result == Result.FAIL]
    warnings = [r.criterion_id for r in results if r.result == Result.ADVISORY]
    latest = rows.get(data.campaign_year - 1, {}).get("total_output")
    return Evaluation(
        submission_id=data.submission_id,
        policy=policy.name,
        as_of=as_of,
        criteria=results,
        eligible=not failed,
        vetoed=bool(veto_incidents),
        veto_incidents=veto_incidents,
        failed_criteria=failed,
        warnings=warnings,
        score=score(data, policy, as_of, rows, evidence),
        latest_total_output=None if latest is None else ind.to_decimal(latest).normalize(),
        policy_overrides={pid: plain(v) for pid, v in policy.overrides.items()},
    )


def check_single_year(
    values: Mapping[str, Decimal | float | int | None],
    year: int,
    policy: Policy,
    *,
    subject_id: str = "",
) -> list[CriterionResult]:
    """The policy's yearly criteria applied to one year's 经营指标 (Art. 13 monitoring).

    `values` holds the 经营指标 keys (total_output, sme_output, …); the result lists every yearly
    criterion (output, SME share, leading share, patent density, II adoption for hlj-2023) for `year`
    alone; a result of `fail` means the indicator fell below its Art. 5 threshold that year.
    """
    rows = {year: ind.exact_row(values)}
    ctx = crit.Context(subject_id, policy, date(year, 12, 31), year + 1, rows)
    return [
        crit.yearly(ctx, c, [year]) if c.confirmed else crit.evaluate_criterion(ctx, c)
        for c in policy.criteria
        if c.type == CriterionType.YEARLY
    ]


def below_threshold(results: list[CriterionResult]) -> list[str]:
    """Criterion ids that failed: monitoring.csv's below_threshold column."""
    return [r.criterion_id for r in results if r.result == Result.FAIL]


def summary(evaluation: Evaluation) -> dict[str, Any]:
    """The decision fields of decisions.csv that come from the rules."""
    return {
        "eligible": evaluation.eligible,
        "vetoed": evaluation.vetoed,
        "failed_criteria": ";".join(evaluation.failed_criteria),
        "warnings": ";".join(evaluation.warnings),
        "score": str(evaluation.score.total),
    }
