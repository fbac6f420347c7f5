"""national-recommendation as a stage (第十四条): the certificates in force read with their latest data,
evaluated in batches, ranked in the one 择优 order, each evaluation recorded without moving a status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from management_fixtures import certificates
from mgmt_registry import VALID_UNTIL

from clustercert.lifecycle import Status
from clustercert.policy import load_policy
from clustercert.registry import Registry
from clustercert.stages import national


@dataclass
class _Score:
    total: Decimal


@dataclass
class _Evaluation:
    submission_id: str
    eligible: bool
    score: _Score
    latest_total_output: Decimal | None
    failed_criteria: list[str] = field(default_factory=list)
    criteria: list = field(default_factory=list)


def _evaluated(cid: str, eligible: bool, score: str, output: str | None) -> national.NationalEvaluation:
    out = None if output is None else Decimal(output)
    return national.NationalEvaluation(
        cid, _Evaluation(f"s-{cid}", eligible, _Score(Decimal(score)), out), out
    )


def test_decide_ranks_the_eligible_in_the_one_order_and_keeps_the_place() -> None:
    certs = certificates(
        *(
            {"certificate_id": c, "county_code": "230183", "cluster_name": f"集群{c}"}
            for c in ("A", "B", "C", "D")
        )
    )
    inputs = national.NationalInputs(certs, [])
    evaluated = [
        _evaluated("C", True, "80", "300000"),
        _evaluated("B", True, "80", "300000"),  # the same score and output as C: the id decides
        _evaluated("A", True, "80", "200000"),
        _evaluated("D", False, "95", None),  # the best score, but not eligible: unranked, last
    ]
    outcome = national.decide(inputs, evaluated, as_of=date(2028, 3, 20))
    assert [(r["certificate_id"], r["rank"]) for r in outcome.rows] == [
        ("B", 1),
        ("C", 2),
        ("A", 3),
        ("D", None),
    ]
    assert outcome.rows[0]["cluster_name"] == "集群B" and outcome.rows[0]["county_code"] == "230183"
    assert list(outcome.rows[0])[:5] == national.COLUMNS[:5]
    assert outcome.counts() == {"evaluated": 4, "eligible": 3}
    assert [e.certificate_id for e in outcome.evaluations] == ["A", "B", "C", "D"]  # by submission id


def test_the_national_evaluations_are_recorded_without_moving_a_status(campaign) -> None:
    policy = load_policy(national.NATIONAL_POLICY)
    as_of = date(2028, 3, 20)
    with Registry.open(campaign.url) as registry:
        inputs = national.read(registry, as_of)
        assert [cid for cid, _ in inputs.latest] == sorted(c["certificate_id"] for c in campaign.certified)
        halves = [inputs.latest[:1], inputs.latest[1:]]
        evaluated = [e for half in halves for e in national.evaluate_batch(half, as_of, policy, registry)]
        outcome = national.decide(inputs, evaluated, as_of=as_of)
        national.record(registry, outcome, "run-1", policy=policy)
        stored = registry.evaluations(policy_name=national.NATIONAL_POLICY)
        assert len(stored) == len(campaign.certified) and all(e.criteria for e in stored)
        statuses = {registry.submission(e.submission_id).status for e in stored}
        assert statuses == {Status.CERTIFIED}
        # nothing is in force once every certificate has expired
        assert national.read(registry, VALID_UNTIL + timedelta(days=1)).latest == []
