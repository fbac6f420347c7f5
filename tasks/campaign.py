"""The campaign's units of work: a file, a submission, a prefecture, or one campaign-wide step.

Each task is a thin call into `clustercert.campaign.pipeline` / `outputs`; Prefect adds the run
record, retries where I/O can fail transiently, and the UI's view of progress.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clustercert.campaign import outputs, pipeline
from clustercert.campaign.pipeline import Campaign
from clustercert.submission import Submission
from clustercert.validation import QualityReport, StructureResult, ValidationResult
from flows.runtime import unit_task


@unit_task(name="collect-file", task_run_name="collect-{label}")
def collect_files(paths: list[Path], campaign: Campaign, label: str) -> list[Submission]:
    """Normally one file (`files_per_task` = 1); a national-scale run may give a few dozen."""
    return [pipeline.collect_file(path, campaign) for path in paths]


@unit_task(name="check-structure", task_run_name="structure-{label}")
def check_structures(subs: list[Submission], label: str) -> list[StructureResult]:
    return [pipeline.check_submission_structure(sub) for sub in subs]


@unit_task(name="check-quality")
def check_quality(structured: list[StructureResult], campaign: Campaign) -> QualityReport:
    return pipeline.check_campaign_quality(structured, campaign)


@unit_task(name="publish-validation")
def publish_validation(
    campaign: Campaign, subs: list[Submission], structured: list[StructureResult], quality: QualityReport
) -> list[ValidationResult]:
    results = [pipeline.finalise(s, st, quality) for s, st in zip(subs, structured, strict=True)]
    out = campaign.setup.out
    for sub, result in zip(subs, results, strict=True):
        outputs.write_feedback(out, sub, result)
    outputs.write_validation(out, campaign, subs, results, quality)
    return results


@unit_task(name="evaluate-cluster", task_run_name="evaluate-{label}")
def evaluate_clusters(results: list[ValidationResult], campaign: Campaign, label: str) -> list[Any]:
    return [pipeline.evaluate_submission(result, campaign) for result in results]


@unit_task(name="publish-scores")
def publish_scores(campaign: Campaign, table: Any, evaluations: dict[str, Any]) -> None:
    out = campaign.setup.out
    for row in table.to_dict("records"):
        evaluation = evaluations.get(row["submission_id"])
        if evaluation is not None:
            outputs.write_evaluation(out, campaign, row, evaluation)
    outputs.write_scores(out, campaign, table, evaluations)
    outputs.write_policy(out, campaign)


@unit_task(name="recommend-prefecture", task_run_name="recommend-{code}")
def recommend_prefecture(code: str, table: Any, decisions: Any, campaign: Campaign) -> Any:
    recommendation = pipeline.recommend_prefecture(code, table, decisions)
    outputs.write_prefecture(campaign.setup.out, campaign, recommendation)
    return recommendation


@unit_task(name="shortlist-and-certify")
def shortlist_and_certify(recommendations: list[Any], decisions: Any, campaign: Campaign) -> tuple[Any, Any]:
    listed, certification = pipeline.provincial_shortlist(recommendations, decisions, campaign)
    outputs.write_province(campaign.setup.out, campaign, listed, certification)
    return listed, certification


@unit_task(name="record-in-registry", task_run_name="registry-{stage}", retries=2, retry_delay_seconds=2)
def record(stage: str, fn: Any, *args: Any) -> None:
    """One registry transaction per stage (retried: a database may be briefly unavailable)."""
    fn(*args)
