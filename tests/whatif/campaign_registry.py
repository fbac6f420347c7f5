"""A registry as a finished campaign leaves it, built with the registry API from the demo's sample
workbooks (read and validated for real, evaluated by the rule engine): every eligible cluster is
certified, as the demo's batch mode does without human decisions. Faster than `clustercert demo`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from clustercert.intake import read_submission
from clustercert.lifecycle import EntityKind, Status
from clustercert.policy import load_policy
from clustercert.registry import CertificationInput, Registry, cluster_data_to_payload
from clustercert.rules import criteria_rows, evaluate
from clustercert.rules.indicators import annual_rows
from clustercert.samples import generate_campaign
from clustercert.validation import validate_submissions

YEAR = 2026
AS_OF = date(2026, 7, 24)  # the demo's default as-of date


@dataclass(frozen=True)
class Built:
    url: str
    eligible: dict[str, Fraction]  # eligible submission id → its Y-1 SME share in percent
    ineligible: set[str]
    shares: dict[str, Fraction]  # every valid submission's Y-1 SME share in percent
    certified: dict[str, str]  # submission id → certificate id


def build_campaign_registry(root: Path, *, count: int = 24, overrides: dict | None = None) -> Built:
    policy = load_policy("hlj-2023", on=AS_OF, overrides=overrides)
    samples = generate_campaign(root / "inbox", year=YEAR, count=count)
    subs = [read_submission(s.file) for s in samples]
    results, _ = validate_submissions(subs, engine="pandas")
    url = f"sqlite:///{root / 'registry.db'}"
    eligible, ineligible, certified, shares = {}, set(), {}, {}
    with Registry.open(url) as registry, registry.transaction(flow_run_id="test-campaign") as tx:
        tx.upsert_campaign(YEAR, AS_OF, policy.name, overrides=overrides)
        for sub, result in zip(subs, results, strict=True):
            tx.record_intake(sub, YEAR)
            tx.record_validation(
                sub.submission_id,
                valid=result.valid,
                payload=cluster_data_to_payload(result.data) if result.valid else None,
            )
            if not result.valid:
                continue
            row = annual_rows(result.data)[YEAR - 1]
            shares[sub.submission_id] = row["sme_output"] / row["total_output"] * 100
            ev = evaluate(result.data, policy, AS_OF)
            tx.record_evaluation(
                sub.submission_id,
                policy_name=policy.name,
                as_of=AS_OF,
                eligible=ev.eligible,
                vetoed=ev.vetoed,
                failed_criteria=ev.failed_criteria,
                score=float(ev.score.total),
                criteria=criteria_rows(ev),
            )
            if not ev.eligible:
                ineligible.add(sub.submission_id)
                continue
            eligible[sub.submission_id] = shares[sub.submission_id]
            sid = sub.submission_id
            tx.transition(EntityKind.SUBMISSION, sid, Status.RECOMMENDED, reason="推荐", article="第九条")
            tx.transition(EntityKind.SUBMISSION, sid, Status.SHORTLISTED, reason="拟认定", article="第十条")
            cid = f"HLJTS-{YEAR}-{len(certified) + 1:03d}"
            certified_on = AS_OF + timedelta(days=10)
            tx.certify([CertificationInput(cid, sid, certified_on, certified_on + timedelta(days=3 * 365))])
            certified[sid] = cid
        tx.finish_campaign(YEAR)
    return Built(url, eligible, ineligible, shares, certified)
