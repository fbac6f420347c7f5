"""The policy values dynamic management needs, read once from a `Policy` (never hard-coded here).

The functions of this package take these numbers as plain arguments so that tests and analysts can
vary them; `ManagementParameters.from_policy` is the one place that knows their policy ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class PolicyValues(Protocol):
    def value(self, rule_id: str) -> Any: ...


# Policy ids (the policy file says which article each comes from).
VALIDITY_YEARS = "A11.validity_years"
RENEWAL_YEARS = "A11.renewal_years"
EXPIRY_NOTICE_DAYS = "A11.expiry_notice_days"
REVIEW_WINDOW_DAYS = "A11.review_window_days"
FILING_WINDOW_MONTHS = "A12.filing_window_months"
MONITORING_DEADLINE = "A13.monitoring_deadline"
HOLIDAY_EXTENSION = "deadlines.holiday_extension"
LATE_REPORT_IS_GROUND = "A15.late_report_is_ground"


@dataclass(frozen=True)
class ManagementParameters:
    validity_years: int  # Art. 11: "集群有效期为三年"
    renewal_years: int  # Art. 11: "复核通过的，有效期延长三年", counted from the old expiry
    expiry_notice_days: tuple[int, ...]  # Art. 11: notices this many days before expiry, e.g. (90, 30)
    review_window_days: int  # Art. 11: days after expiry in which a review application is accepted
    filing_window_months: int  # Art. 12: "变动发生后1个月内"
    monitoring_deadline: str  # Art. 13: "MM-DD" of year R+1, e.g. "03-10"
    holiday_extension: bool  # 民法典 第二百零三条: a last day off moves to the next working day
    late_report_is_ground: bool  # Art. 15(三) "未及时报送": a late report is a revocation ground

    @classmethod
    def from_policy(cls, policy: PolicyValues) -> ManagementParameters:
        return cls(
            validity_years=int(policy.value(VALIDITY_YEARS)),
            renewal_years=int(policy.value(RENEWAL_YEARS)),
            expiry_notice_days=tuple(
                sorted((int(n) for n in policy.value(EXPIRY_NOTICE_DAYS)), reverse=True)
            ),
            review_window_days=int(policy.value(REVIEW_WINDOW_DAYS)),
            filing_window_months=int(policy.value(FILING_WINDOW_MONTHS)),
            monitoring_deadline=str(policy.value(MONITORING_DEADLINE)),
            holiday_extension=bool(policy.value(HOLIDAY_EXTENSION)),
            late_report_is_ground=bool(policy.value(LATE_REPORT_IS_GROUND)),
        )
