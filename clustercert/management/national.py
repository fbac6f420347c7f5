"""Art. 14 — the national recommendation (择优推荐申报国家级中小企业特色产业集群).

Certified clusters — not revoked, valid_until ≥ as_of — are evaluated by the rule engine with the
national 2022 policy. Only thresholds confirmed from the national text are enforced; the engine marks
the others `not_evaluated`, and a criterion so marked can never fail a cluster here (if the engine
ever listed one as failed, that is a bug and stops the run). Eligible clusters are ranked in the
择优 order of `clustercert.campaign.ranking` (score desc, latest total_output desc, certificate_id
asc); ineligible ones follow in the same order, unranked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from clustercert.campaign.ranking import rank_order, with_rank
from clustercert.lifecycle import Status
from clustercert.management.calendar_months import shanghai_date
from clustercert.management.tables import active_certificates, output_frame, records, text, to_decimal
from clustercert.policy import Policy
from clustercert.rules import Evaluation
from clustercert.rules import evaluate as evaluate_rules
from clustercert.submission import ClusterData

ARTICLE = "14"
CERTIFICATE_ID = "certificate_id"
NOT_EVALUATED = "not_evaluated"
NATIONAL_COLUMNS = [
    "certificate_id",
    "eligible",
    "failed_criteria",
    "score",
    "rank",
    "article",
    "not_evaluated",
    "latest_total_output",
]

Evaluate = Callable[[ClusterData, Policy, date], Evaluation]  # as `clustercert.rules.evaluate`


def certified_ids(certificates: pd.DataFrame, as_of: date) -> set[str]:
    """Certificates in force on as_of: not revoked, not marked expired, valid_until not passed."""
    ids = set()
    for rec in records(active_certificates(certificates)):
        valid_until = shanghai_date(rec.get("valid_until"))
        if text(rec.get("status")) == Status.EXPIRED:
            continue
        if valid_until is None or valid_until >= as_of:
            ids.add(text(rec["certificate_id"]))
    return ids


def latest_total_output(data: ClusterData) -> Decimal | None:
    annual = data.annual
    if annual is None or annual.empty or "total_output" not in annual.columns:
        return None
    latest = annual.dropna(subset=["total_output"]).sort_values("year")
    return None if latest.empty else to_decimal(latest.iloc[-1]["total_output"])


def _ids(value: Any) -> list[str]:
    """Criterion ids from a list or a `;`-joined string."""
    if isinstance(value, str):
        items = value.split(";")
    else:
        items = [] if value is None else list(value)
    return sorted({str(i).strip() for i in items if str(i).strip()})


def _not_evaluated(evaluation: Evaluation) -> list[str]:
    return sorted(str(c.criterion_id) for c in evaluation.criteria or [] if str(c.result) == NOT_EVALUATED)


def national_row(
    certificate_id: str, evaluation: Evaluation, latest_output: Decimal | None = None
) -> dict[str, Any]:
    """One certificate's `national_recommendation.csv` row (unranked) from its national evaluation.

    `latest_output` stands in when the evaluation has no latest total output of its own.
    """
    unconfirmed = _not_evaluated(evaluation)
    failed = _ids(evaluation.failed_criteria)
    wrongly_failed = sorted(set(failed) & set(unconfirmed))
    if wrongly_failed:
        raise ValueError(f"{certificate_id}: unconfirmed criteria reported as failed: {wrongly_failed}")
    score = evaluation.score.total
    output = latest_output if evaluation.latest_total_output is None else evaluation.latest_total_output
    return {
        "certificate_id": certificate_id,
        "eligible": bool(evaluation.eligible),
        "failed_criteria": ";".join(failed),
        "score": None if score is None else float(score),
        "article": ARTICLE,
        "not_evaluated": ";".join(unconfirmed),
        "latest_total_output": None if output is None else float(output),
    }


def rank_national(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Eligible clusters in 择优 order (`campaign.ranking`, by certificate id last) with their rank,
    then the ineligible ones in the same order, unranked."""
    frame = output_frame(rows, NATIONAL_COLUMNS)
    eligible = frame["eligible"].astype(bool)
    ranked = with_rank(frame[eligible], "rank", CERTIFICATE_ID)
    unranked = rank_order(frame[~eligible], CERTIFICATE_ID)
    ordered = pd.concat([ranked, unranked], ignore_index=True).reindex(columns=NATIONAL_COLUMNS)
    ordered["rank"] = ordered["rank"].astype("Int64")
    return ordered.reset_index(drop=True)


def recommend_national(
    clusters: Sequence[tuple[str, ClusterData]],
    policy_national: Policy,
    as_of: date,
    *,
    certificates: pd.DataFrame,
    evaluate: Evaluate | None = None,
) -> pd.DataFrame:
    """`national_recommendation.csv` rows for the certified clusters among `clusters`.

    `clusters` pairs each certificate with its latest typed data (the certified or reviewed
    submission); `evaluate` defaults to `clustercert.rules.evaluate`.
    """
    judge = evaluate_rules if evaluate is None else evaluate
    in_force = certified_ids(certificates, as_of)
    rows = [
        national_row(certificate_id, judge(data, policy_national, as_of), latest_total_output(data))
        for certificate_id, data in clusters
        if certificate_id in in_force
    ]
    return rank_national(rows)
