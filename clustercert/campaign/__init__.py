"""The yearly campaign's decision stages after scoring (Art. 9–11), as pure functions.

    scored clusters ──recommend()──▶ per prefecture (Art. 9)
                    ──shortlist()──▶ province-wide rank, 公示, objections (Art. 10)
                    ──certify()────▶ certificate ids and validity (Art. 10–11)

Each stage returns its rows (every decision with a Chinese reason and its article), the lifecycle
transitions to record, and located issues. Human decisions come from `BatchDecisions`. Policy
values reach the stages as plain parameters; `CampaignRules.from_policy` is the one adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from clustercert.campaign.certification import Certification, certificate_id, certify, valid_until
from clustercert.campaign.decisions import BatchDecisions, Decision, SpotCheck
from clustercert.campaign.prefecture import PrefectureRecommendation, recommend
from clustercert.campaign.province import ProvincialShortlist, shortlist
from clustercert.campaign.transition import PENDING, Status, Transition
from clustercert.workdays import WorkCalendar


class _PolicyLike(Protocol):
    def value(self, key: str) -> Any: ...


@dataclass(frozen=True)
class CampaignRules:
    """The policy parameters the decision stages use (policy keys in the comments)."""

    quota: int | None  # A10.quota; None = no quota
    notice_working_days: int  # A10.public_notice_working_days
    validity_years: int  # A11.validity_years
    calendar: WorkCalendar  # calendar.extra_holidays / calendar.extra_workdays

    @classmethod
    def from_policy(cls, policy: _PolicyLike) -> CampaignRules:
        quota = policy.value("A10.quota")
        return cls(
            quota=None if quota is None else int(quota),
            notice_working_days=int(policy.value("A10.public_notice_working_days")),
            validity_years=int(policy.value("A11.validity_years")),
            calendar=WorkCalendar.from_policy(policy),
        )


__all__ = [
    "PENDING",
    "BatchDecisions",
    "CampaignRules",
    "Certification",
    "Decision",
    "PrefectureRecommendation",
    "ProvincialShortlist",
    "SpotCheck",
    "Status",
    "Transition",
    "certificate_id",
    "certify",
    "recommend",
    "shortlist",
    "valid_until",
]
