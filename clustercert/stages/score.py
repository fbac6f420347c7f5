"""score-clusters (第五条、第六条): every valid submission against the policy's criteria and veto, and
the default scoring model (第十条 择优; set by the campaign, not by the regulation).

* read: the campaign's valid current submissions; each work unit loads its typed tables (the payload
  the validate stage recorded) from the registry itself, so only ids travel to a worker.
* work unit: `evaluate_batch(ids, ctx)` — a few dozen clusters at a time (one takes milliseconds).
* decide: eligible ⇔ every hard criterion passes and there is no veto (SPEC §4.2).
* record: each evaluation with its criteria rows, and valid → eligible | ineligible with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clustercert.registry import Registry, payload_to_cluster_data
from clustercert.rules import Evaluation, evaluate
from clustercert.stages.context import CampaignContext
from clustercert.stages.evaluations import record_evaluation
from clustercert.submission import ClusterData

VALID_ONWARD = (
    "valid",
    "eligible",
    "ineligible",
    "recommended",
    "not_recommended",
    "shortlisted",
    "not_shortlisted",
    "objection_upheld",
    "certified",
)


def read(registry: Registry, year: int) -> list[str]:
    """Ids of the campaign's current submissions that passed validation."""
    with registry.transaction() as tx:
        return [
            r.submission_id for r in tx.current_submissions(year, payload=False) if r.status in VALID_ONWARD
        ]


def load(registry: Registry, submission_ids: Iterable[str]) -> list[ClusterData]:
    """The typed tables of each submission, as the validate stage recorded them."""
    with registry.transaction() as tx:
        rows = tx.payloads(submission_ids)
    return [payload_to_cluster_data(sid, file, sha, payload) for sid, file, sha, payload in rows]


def evaluate_all(data: Iterable[ClusterData], ctx: CampaignContext) -> list[Evaluation]:
    return [evaluate(d, ctx.policy, ctx.setup.as_of) for d in data]


def evaluate_batch(submission_ids: Sequence[str], ctx: CampaignContext) -> list[Evaluation]:
    """A work unit: load the clusters from the registry, evaluate them."""
    return evaluate_all(load(ctx.registry(), submission_ids), ctx)


def record(
    registry: Registry, ctx: CampaignContext, evaluations: Sequence[Evaluation], flow_run_id: str | None
) -> None:
    with registry.recording(flow_run_id=flow_run_id) as tx:
        tx.preload(ctx.year, evaluations=True)
        for ev in sorted(evaluations, key=lambda e: e.submission_id):
            record_evaluation(tx, ev, policy_name=ctx.policy_name, as_of=ctx.setup.as_of)


def counts(evaluations: Sequence[Evaluation]) -> dict[str, int]:
    return {
        "evaluated": len(evaluations),
        "eligible": sum(e.eligible for e in evaluations),
        "ineligible": sum(not e.eligible for e in evaluations),
        "vetoed": sum(e.vetoed for e in evaluations),
    }
