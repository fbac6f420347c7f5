"""A registry as a finished campaign leaves it, built with the registry API from sample workbooks
(read and validated for real), so the dynamic-management flows have certified clusters to manage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clustercert.intake import read_submission
from clustercert.lifecycle import EntityKind, Status
from clustercert.policy import load_policy
from clustercert.reference import county
from clustercert.registry import CertificationInput, Registry, cluster_data_to_payload
from clustercert.rules import evaluate
from clustercert.samples import SampleSubmission, generate_campaign
from clustercert.validation import validate_submissions

YEAR = 2026
AS_OF = date(2026, 7, 1)
CERTIFIED_ON = date(2026, 8, 3)
VALID_UNTIL = date(2029, 8, 2)


@dataclass
class Campaign:
    url: str
    certified: list[dict]  # certified.csv rows
    samples: list[SampleSubmission]  # the certified ones


def certify_samples(db_path: Path, inbox: Path, *, count: int = 6, seed: int = 2026) -> Campaign:
    """Certify every eligible sample of a small campaign (ids HLJTS-2026-001 …, in file order)."""
    policy = load_policy("hlj-2023")
    samples = generate_campaign(inbox, year=YEAR, seed=seed, count=count)
    subs = [read_submission(s.file) for s in samples]
    results, _ = validate_submissions(subs, engine="pandas")
    url = f"sqlite:///{db_path}"
    certified: list[dict] = []
    kept: list[SampleSubmission] = []
    with Registry.open(url) as registry, registry.transaction(flow_run_id="test-campaign") as tx:
        tx.upsert_campaign(YEAR, AS_OF, policy.name)
        for sample, sub, result in zip(samples, subs, results, strict=True):
            tx.record_intake(sub, YEAR)
            payload = cluster_data_to_payload(result.data) if result.valid else None
            tx.record_validation(sub.submission_id, valid=result.valid, payload=payload)
            if not result.valid:
                continue
            ev = evaluate(result.data, policy, AS_OF)
            tx.record_evaluation(
                sub.submission_id,
                policy_name=policy.name,
                as_of=AS_OF,
                eligible=ev.eligible,
                vetoed=ev.vetoed,
                failed_criteria=ev.failed_criteria,
                score=float(ev.score.total),
            )
            if not ev.eligible:
                continue
            sid = sub.submission_id
            tx.transition(EntityKind.SUBMISSION, sid, Status.RECOMMENDED, reason="推荐", article="第九条")
            tx.transition(EntityKind.SUBMISSION, sid, Status.SHORTLISTED, reason="拟认定", article="第十条")
            cid = f"HLJTS-{YEAR}-{len(certified) + 1:03d}"
            tx.certify([CertificationInput(cid, sid, CERTIFIED_ON, VALID_UNTIL)])
            certified.append(
                {
                    "certificate_id": cid,
                    "submission_id": sid,
                    "cluster_name": sample.cluster_name,
                    "county_code": sample.county_code,
                    "prefecture_code": county(sample.county_code).prefecture_code,
                    "certified_on": CERTIFIED_ON,
                    "valid_until": VALID_UNTIL,
                }
            )
            kept.append(sample)
    return Campaign(url, certified, kept)
