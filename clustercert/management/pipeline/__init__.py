"""Dynamic management as stages, without orchestration: each reads its inputs (inbox files and the
registry), calls the pure functions of `clustercert.management`, records the verdicts in the registry
in one transaction, and writes its CSV extract (SPEC §5 columns first) and HTML report.

`flows/` wraps these in Prefect tasks (one per input file, one per stage); tests and scripts may call
them directly.
"""

from clustercert.management.pipeline.changes_stage import (
    ChangesOutcome,
    FilingsRead,
    changes_calendar_gap,
    filing_files,
    read_filings,
    run_changes,
    write_changes,
)
from clustercert.management.pipeline.expiry_stage import (
    ExpiryOutcome,
    read_review,
    review_paths,
    run_expiry,
    validate_reviews,
    write_expiry,
)
from clustercert.management.pipeline.monitoring_stage import (
    MonitoringOutcome,
    WorkbookRead,
    monitoring_calendar_gap,
    monitoring_files,
    monitoring_reminder,
    read_monitoring_workbook,
    reminder_markdown,
    run_monitoring,
    write_monitoring,
)
from clustercert.management.pipeline.national_stage import (
    NATIONAL_POLICY,
    NationalOutcome,
    run_national,
    write_national,
)
from clustercert.management.pipeline.revocation_stage import (
    RevocationOutcome,
    TableRead,
    answers_to_decisions,
    decide,
    decisions_frame,
    findings_files,
    proposals_markdown,
    propose,
    read_decisions,
    read_findings,
    revocation_calendar_gap,
    write_revocations,
)

__all__ = [
    "NATIONAL_POLICY",
    "ChangesOutcome",
    "ExpiryOutcome",
    "FilingsRead",
    "MonitoringOutcome",
    "NationalOutcome",
    "RevocationOutcome",
    "TableRead",
    "WorkbookRead",
    "answers_to_decisions",
    "changes_calendar_gap",
    "decide",
    "decisions_frame",
    "filing_files",
    "findings_files",
    "monitoring_calendar_gap",
    "monitoring_files",
    "monitoring_reminder",
    "propose",
    "proposals_markdown",
    "read_decisions",
    "read_filings",
    "read_findings",
    "read_monitoring_workbook",
    "read_review",
    "reminder_markdown",
    "review_paths",
    "revocation_calendar_gap",
    "run_changes",
    "run_expiry",
    "run_monitoring",
    "run_national",
    "validate_reviews",
    "write_changes",
    "write_expiry",
    "write_monitoring",
    "write_national",
    "write_revocations",
]
