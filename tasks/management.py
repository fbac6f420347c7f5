"""Dynamic management's units of work (Art. 11–15): one task per input file, one for the batch of
review applications' data quality, and batches of certificates for the national evaluation.

Each task takes small, picklable arguments — a path, the archive folder, plain parameters — and
reopens what it needs where it runs (the registry at its URL and the policy with the run's overrides:
`clustercert.stages.resources`), so the task runner decides where it runs. Each calls one function of
a stage module (`clustercert.stages.*`); the stages' decide and record steps run in the flow.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clustercert.intake import Archive, TypedTable
from clustercert.stages import changes, monitoring, national, resources, reviews, revocation
from clustercert.submission import Submission
from clustercert.validation import ValidationResult
from tasks.runtime import unit_task


def _archive(root: str | None) -> Archive | None:
    return Archive(Path(root)) if root else None


# -- 第十三条 monitoring-report -------------------------------------------------------------------
@unit_task(name="read-monitoring-workbook", task_run_name="read-monitoring-{path.name}")
def read_monitoring_workbook(path: Path, archive: str | None) -> monitoring.WorkbookRead:
    """Archive, read and structure-check one prefecture's workbook (SPEC §3.3)."""
    return monitoring.read_workbook(path, _archive(archive))


# -- 第十一条 expiry-check --------------------------------------------------------------------------
@unit_task(name="receive-review", task_run_name="receive-review-{path.name}")
def receive_review(path: Path, archive: str | None) -> Submission:
    """Archive and read one review application (复核申报书, SPEC §3.1)."""
    return reviews.receive(path, _archive(archive))


@unit_task(name="validate-reviews", task_run_name="validate-reviews-{count}")
def validate_reviews(
    subs: list[Submission], engine: str, count: int
) -> list[tuple[Submission, ValidationResult]]:
    """Both validation layers over the batch of review applications (the expectations once)."""
    del count  # the run name only
    return reviews.validate(subs, engine=engine)


# -- 第十二条 change-filings ------------------------------------------------------------------------
@unit_task(name="read-change-filings", task_run_name="read-filings-{path.name}")
def read_filings(path: Path) -> TypedTable:
    """One change_filings file, typed row by row (SPEC §3.2)."""
    return changes.read_filings(path)


# -- 第十五条 revocation-triggers -------------------------------------------------------------------
@unit_task(name="read-findings", task_run_name="read-findings-{path.name}")
def read_findings(path: Path) -> TypedTable:
    """One findings file (查实情况), typed row by row (SPEC §3.2)."""
    return revocation.read_table(path)


@unit_task(name="read-revocation-decisions", task_run_name="read-decisions-{path.name}")
def read_decisions(path: Path) -> TypedTable:
    """The province's revocation_decisions file, typed row by row (SPEC §3.2)."""
    return revocation.read_decisions(path)


# -- 第十四条 national-recommendation ---------------------------------------------------------------
@unit_task(name="evaluate-national", task_run_name="evaluate-national-{label}")
def evaluate_national(
    batch: list[tuple[str, str]],
    as_of: date,
    db_url: str | None,
    policy: str,
    overrides: resources.Overrides,
    label: str,
) -> list[national.NationalEvaluation]:
    """A batch of (certificate id, submission id) against the national standard."""
    del label  # the run name only
    return national.evaluate_batch(
        batch, as_of, resources.policy(policy, overrides), resources.registry(db_url)
    )
