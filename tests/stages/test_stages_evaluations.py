"""The one evaluation recorder: the campaign's scoring, a review and the national recommendation all keep
the verdict, the score with its contributions, every criterion row and the reason in the criteria's words."""

from __future__ import annotations

from datetime import date

from clustercert.intake import read_submission
from clustercert.lifecycle import Status
from clustercert.policy import load_policy
from clustercert.registry import Registry, cluster_data_to_payload
from clustercert.rules import criteria_rows, evaluate
from clustercert.stages.evaluations import contributions, record_evaluation, verdict_reason
from clustercert.validation import validate_submissions

AS_OF = date(2026, 7, 1)


def _valid_submission(campaign, tmp_path):
    sub = read_submission(campaign.samples[0].file)
    (result,), _ = validate_submissions([sub], engine="pandas")
    registry = Registry.open(f"sqlite:///{tmp_path / 'fresh.db'}")
    with registry.transaction() as tx:
        tx.upsert_campaign(2026, AS_OF, "hlj-2023")
        tx.record_intake(sub, 2026)
        tx.record_validation(sub.submission_id, valid=True, payload=cluster_data_to_payload(result.data))
    return registry, sub.submission_id, result.data


def test_an_evaluation_is_kept_whole_and_moves_the_submission(campaign, tmp_path) -> None:
    registry, sid, data = _valid_submission(campaign, tmp_path)
    policy = load_policy("hlj-2023")
    evaluation = evaluate(data, policy, AS_OF)
    with registry.transaction() as tx:
        record_evaluation(tx, evaluation, policy_name=policy.name, as_of=AS_OF)
    (stored,) = registry.evaluations(policy_name=policy.name)
    assert stored.eligible == evaluation.eligible and stored.score == float(evaluation.score.total)
    assert stored.score_contributions == contributions(evaluation)
    assert stored.criteria == criteria_rows(evaluation)
    target = Status.ELIGIBLE if evaluation.eligible else Status.INELIGIBLE
    assert registry.submission(sid).status == target
    (move,) = [e for e in registry.audit(sid) if e.to_status == target]
    assert move.reason == verdict_reason(evaluation)
    registry.close()


def test_without_apply_status_the_submission_stays_where_it_is(campaign, tmp_path) -> None:
    registry, sid, data = _valid_submission(campaign, tmp_path)
    national = load_policy("national-2022")
    with registry.transaction() as tx:
        record_evaluation(
            tx, evaluate(data, national, AS_OF), policy_name=national.name, as_of=AS_OF, apply_status=False
        )
    assert registry.submission(sid).status == Status.VALID
    (stored,) = registry.evaluations(policy_name="national-2022")
    assert stored.criteria and {r["criterion_id"][:1] for r in stored.criteria} == {"N"}
    registry.close()
