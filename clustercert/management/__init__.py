"""Dynamic management (Art. 11–15) as pure functions: monitoring, expiry and review, major changes,
revocation triggers and the national recommendation.

Every function takes plain values and DataFrames and returns rows whose columns and statuses are
those of SPEC §5; policy numbers come in as arguments (`ManagementParameters.from_policy` reads
them). Nothing here imports Prefect, touches the registry, reads files or writes reports: the stage
modules (`clustercert.stages.monitoring`, `expiry`, `changes`, `revocation`, `national`) read the
inputs, call these functions and record what they decide; `clustercert.reports` writes the outputs.
"""

from clustercert.management.calendar_months import add_calendar_months, add_years, shanghai_date
from clustercert.management.changes import (
    FilingCheck,
    check_filings,
    filed_on_time,
    filing_deadline,
    filing_due,
)
from clustercert.management.deadlines import Deadline, DeadlineRule
from clustercert.management.expiry import (
    ReviewOutcome,
    classify_expiry,
    expiry_notices,
    expiry_status,
    renewed_valid_until,
    review_outcome,
    review_plan_completion,
)
from clustercert.management.monitoring import (
    MonitoringResult,
    ReportStatus,
    compile_monitoring,
    report_deadline,
    single_year_check,
)
from clustercert.management.monitoring_report import MonitoringReport, check_monitoring_report
from clustercert.management.national import national_row, rank_national, recommend_national
from clustercert.management.parameters import ManagementParameters
from clustercert.management.plan import PlanCompletion, plan_completion
from clustercert.management.revocation import (
    FINDING_GROUNDS,
    RevocationDecisions,
    apply_revocation_decisions,
    propose_revocations,
    veto_rule_from_policy,
)

__all__ = [
    "FINDING_GROUNDS",
    "Deadline",
    "DeadlineRule",
    "FilingCheck",
    "ManagementParameters",
    "MonitoringReport",
    "MonitoringResult",
    "PlanCompletion",
    "ReportStatus",
    "ReviewOutcome",
    "RevocationDecisions",
    "add_calendar_months",
    "add_years",
    "apply_revocation_decisions",
    "check_filings",
    "check_monitoring_report",
    "classify_expiry",
    "compile_monitoring",
    "expiry_notices",
    "expiry_status",
    "filed_on_time",
    "filing_deadline",
    "filing_due",
    "plan_completion",
    "propose_revocations",
    "national_row",
    "rank_national",
    "recommend_national",
    "renewed_valid_until",
    "report_deadline",
    "review_outcome",
    "review_plan_completion",
    "shanghai_date",
    "single_year_check",
    "veto_rule_from_policy",
]
