"""provincial-shortlist (第十条): the province's review of what the prefectures recommended — province-wide
择优 rank, 省级实地抽查, the campaign quota, the public notice (公示) on the official working-day
calendar, objections — and certification with its three-year validity (第十一条).

* read: the recommended clusters from the registry; the spot checks and objections; the
  certificates this campaign already issued.
* decide: `clustercert.campaign.shortlist` then `certify`, pure.
* guard: certificates, once issued, are final. A re-run that would change one (another submission,
  another date, one more or one less) is refused, naming what would change, before anything is
  recorded (`clustercert.stages.guard`).
* record: not shortlisted / shortlisted / objection upheld with the reasons, the ranks and the notice
  period, the certificates, the fingerprint of the decisions used, and the campaign as finished.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clustercert.campaign import BatchDecisions, certify, shortlist
from clustercert.campaign.certification import Certification
from clustercert.campaign.province import ProvincialShortlist
from clustercert.campaign.transition import ARTICLE_10
from clustercert.lifecycle import EntityKind, Status
from clustercert.registry import CertificationInput, Registry
from clustercert.stages import facts, guard
from clustercert.stages.context import CampaignContext
from clustercert.stages.prefecture import load_decisions


@dataclass
class ShortlistInputs:
    rows: pd.DataFrame  # every current submission
    recommended: pd.DataFrame
    decisions: BatchDecisions
    issued: dict[str, guard.Issued]  # certificate id → what it was issued for


@dataclass
class ShortlistOutcome:
    listed: ProvincialShortlist
    certification: Certification

    def counts(self) -> dict[str, int]:
        rows = self.listed.rows
        return {
            "recommended": len(rows),
            "shortlisted": int(rows["shortlisted"].sum()) if len(rows) else 0,
            "objection_upheld": int((rows["outcome"] == Status.OBJECTION_UPHELD).sum()) if len(rows) else 0,
            "certified": len(self.certification.certified),
        }


def read(registry: Registry, ctx: CampaignContext) -> ShortlistInputs:
    with registry.transaction() as tx:
        rows = facts.decision_rows(tx, ctx.year, ctx.policy_name)
        issued = guard.issued(tx, ctx.year)
    recommended = facts.recommended(rows)
    return ShortlistInputs(rows, recommended, load_decisions(ctx, list(rows["submission_id"])), issued)


def decide(recommended: pd.DataFrame, decisions: BatchDecisions, ctx: CampaignContext) -> ShortlistOutcome:
    rules = ctx.rules
    listed = shortlist(
        recommended,
        decisions,
        quota=rules.quota,
        notice_working_days=rules.notice_working_days,
        as_of=ctx.setup.as_of,
        calendar=rules.calendar,
    )
    certification = certify(
        listed, campaign_year=ctx.year, validity_years=rules.validity_years, calendar=rules.calendar
    )
    return ShortlistOutcome(listed, certification)


def record(
    registry: Registry, ctx: CampaignContext, outcome: ShortlistOutcome, flow_run_id: str | None
) -> None:
    listed, certification = outcome.listed, outcome.certification
    reasons = {t.submission_id: t.reason for t in certification.transitions}
    with registry.recording(flow_run_id=flow_run_id) as tx:
        tx.preload(ctx.year)
        for t in listed.transitions:
            if t.to_status != Status.CERTIFIED:
                tx.transition(
                    EntityKind.SUBMISSION,
                    t.submission_id,
                    str(t.to_status),
                    reason=t.reason,
                    article=t.article,
                )
        for row in listed.rows.itertuples(index=False):
            rank = None if pd.isna(row.province_rank) else int(row.province_rank)
            seq = None if pd.isna(row.notice_seq) else int(row.notice_seq)
            note = str(row.reason) if row.outcome == "pending" else None
            tx.set_submission_facts(
                str(row.submission_id),
                province_rank=rank,
                notice_seq=seq,
                stage_note=note,
                reason="全省择优排名与公示名单序号",
                article=ARTICLE_10,
            )
        tx.record_notice(
            ctx.year,
            first_day=listed.notice_first_day,
            last_day=listed.notice_last_day,
            decided_on=listed.decided_on,
            decisions_sha256=guard.decisions_fingerprint(ctx),
        )
        tx.certify(
            CertificationInput(
                certificate_id=row.certificate_id,
                submission_id=row.submission_id,
                certified_on=row.certified_on,
                valid_until=row.valid_until,
                reason=reasons.get(row.submission_id, ""),
            )
            for row in certification.certified.itertuples(index=False)
        )
        tx.finish_campaign(ctx.year)
