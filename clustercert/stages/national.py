"""national-recommendation (第十四条): the certified clusters in force, with their latest data (the
certified submission or the review that renewed it), against the national 2022 standard, ranked.

* read: the certificates in force on as_of and the submission holding each one's latest data.
* work unit: `evaluate_batch(pairs, as_of, policy, registry)` — a batch of certificates, each loaded
  from the registry and evaluated (only ids travel to a worker).
* decide: each evaluation as its national_recommendation.csv row (an unconfirmed criterion never
  fails a cluster), ranked in the one 择优 order (`campaign.ranking`) — pure.
* record: each evaluation under the national policy, without moving the submission's status (the
  one evaluation recorder, `evaluations`), in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from clustercert.management.national import (
    NATIONAL_COLUMNS,
    certified_ids,
    latest_total_output,
    national_row,
    rank_national,
)
from clustercert.management.tables import plain_rows, records
from clustercert.policy import Policy
from clustercert.registry import Registry
from clustercert.rules import Evaluation, evaluate
from clustercert.stages import certificates as held
from clustercert.stages.evaluations import record_evaluation

NATIONAL_POLICY = "national-2022"
PLACE_COLUMNS = ["cluster_name", "county_code", "prefecture_code"]
COLUMNS = [*NATIONAL_COLUMNS, *PLACE_COLUMNS]  # national_recommendation.csv


@dataclass
class NationalInputs:
    certificates: pd.DataFrame  # in force on as_of
    latest: list[tuple[str, str]]  # (certificate_id, the submission holding its latest data)


def read(registry: Registry, as_of: date) -> NationalInputs:
    with registry.transaction() as tx:
        certificates = held.certificates_frame(tx, as_of)
        certificates = certificates[certificates["certificate_id"].isin(certified_ids(certificates, as_of))]
        latest = [
            (cid, held.latest_submission_id(tx, cid, sid))
            for cid, sid in zip(certificates["certificate_id"], certificates["submission_id"], strict=True)
        ]
    return NationalInputs(certificates.reset_index(drop=True), sorted(latest))


@dataclass(frozen=True)
class NationalEvaluation:
    certificate_id: str
    evaluation: Evaluation
    latest_output: Decimal | None  # from the data, for an evaluation without one


def evaluate_batch(
    pairs: Sequence[tuple[str, str]], as_of: date, policy: Policy, registry: Registry
) -> list[NationalEvaluation]:
    """A work unit: load each certificate's latest data from the registry and evaluate it."""
    found = []
    with registry.transaction() as tx:
        data = [(cid, tx.cluster_data(sid)) for cid, sid in pairs]
    for cid, cluster in data:
        if cluster is not None:
            found.append(
                NationalEvaluation(cid, evaluate(cluster, policy, as_of), latest_total_output(cluster))
            )
    return found


@dataclass
class NationalOutcome:
    as_of: date
    rows: list[dict[str, Any]]  # national_recommendation.csv, best first
    evaluations: list[NationalEvaluation]

    def counts(self) -> dict[str, int]:
        return {"evaluated": len(self.rows), "eligible": sum(bool(r["eligible"]) for r in self.rows)}


def decide(
    inputs: NationalInputs, evaluated: Sequence[NationalEvaluation], *, as_of: date
) -> NationalOutcome:
    ranked = rank_national([national_row(e.certificate_id, e.evaluation, e.latest_output) for e in evaluated])
    places = {r["certificate_id"]: r for r in records(inputs.certificates)}
    rows = [
        {**row, "rank": None if row["rank"] is None else int(row["rank"])}
        | {k: places[row["certificate_id"]][k] for k in PLACE_COLUMNS}
        for row in plain_rows(ranked)
    ]
    return NationalOutcome(as_of, rows, sorted(evaluated, key=lambda e: e.evaluation.submission_id))


def record(registry: Registry, outcome: NationalOutcome, flow_run_id: str | None, *, policy: Policy) -> None:
    with registry.recording(flow_run_id=flow_run_id) as tx:
        for item in outcome.evaluations:
            record_evaluation(
                tx, item.evaluation, policy_name=policy.name, as_of=outcome.as_of, apply_status=False
            )
