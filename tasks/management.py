"""Dynamic management's units of work (Art. 11–15): one task per input file, one per stage.

Each task calls one function of `clustercert.management.pipeline`; the registry is opened once per
database URL and process (opening migrates it). `overrides` are a run's policy overrides (`--set`).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert.intake import Archive
from clustercert.management import pipeline
from clustercert.policy import Policy, load_policy
from clustercert.registry import Registry
from clustercert.submission import Submission
from tasks.runtime import flow_run_id, unit_task

POLICY = "hlj-2023"
Overrides = dict[str, Any] | None


@cache
def registry(db_url: str | None) -> Registry:
    return Registry.open(db_url)


def archive(root: str | Path | None) -> Archive | None:
    return Archive(Path(root)) if root else None


def policy_of(name: str, overrides: Overrides = None) -> Policy:
    return load_policy(name, overrides=overrides or None)


# -- Art. 13 ------------------------------------------------------------------------------------
@unit_task(task_run_name="read-monitoring-{path.name}")
def read_monitoring_workbook(path: Path, archive_root: str | None) -> pipeline.WorkbookRead:
    return pipeline.read_monitoring_workbook(path, archive(archive_root))


@unit_task(task_run_name="check-calendar-monitoring-{report_year}")
def check_monitoring_calendar(
    reads: list[pipeline.WorkbookRead],
    report_year: int,
    db_url: str | None,
    policy: str,
    overrides: Overrides,
) -> str | None:
    return pipeline.monitoring_calendar_gap(
        registry(db_url), reads, report_year=report_year, policy=policy_of(policy, overrides)
    )


@unit_task(task_run_name="compile-monitoring-{report_year}")
def compile_monitoring(
    reads: list[pipeline.WorkbookRead],
    report_year: int,
    as_of: date,
    db_url: str | None,
    policy: str,
    overrides: Overrides = None,
) -> pipeline.MonitoringOutcome:
    return pipeline.run_monitoring(
        registry(db_url),
        reads,
        report_year=report_year,
        as_of=as_of,
        policy=policy_of(policy, overrides),
        flow_run_id=flow_run_id(),
    )


@unit_task(task_run_name="write-monitoring-report")
def write_monitoring(out: Path, outcome: pipeline.MonitoringOutcome) -> Path:
    return pipeline.write_monitoring(out, outcome)


@unit_task(task_run_name="find-unreported-prefectures-{report_year}")
def unreported_prefectures(
    report_year: int,
    as_of: date,
    db_url: str | None,
    inbox: Path | None,
    policy: str,
    overrides: Overrides = None,
) -> list[dict[str, Any]]:
    return pipeline.monitoring_reminder(
        registry(db_url),
        report_year=report_year,
        as_of=as_of,
        policy=policy_of(policy, overrides),
        inbox=inbox,
    )


# -- Art. 11 ------------------------------------------------------------------------------------
@unit_task(task_run_name="read-review-{path.name}")
def read_review(path: Path, archive_root: str | None) -> Submission:
    return pipeline.read_review(path, archive(archive_root))


@unit_task(task_run_name="validate-reviews")
def validate_reviews(subs: list[Submission], engine: str) -> list[tuple[Any, Any]]:
    return pipeline.validate_reviews(subs, engine=engine)


@unit_task(task_run_name="check-expiry-{as_of}")
def check_expiry(
    reviews: list[tuple[Any, Any]], as_of: date, db_url: str | None, policy: str, overrides: Overrides = None
) -> pipeline.ExpiryOutcome:
    return pipeline.run_expiry(
        registry(db_url), reviews, as_of=as_of, policy=policy_of(policy, overrides), flow_run_id=flow_run_id()
    )


@unit_task(task_run_name="write-expiry-report")
def write_expiry(out: Path, outcome: pipeline.ExpiryOutcome) -> Path:
    return pipeline.write_expiry(out, outcome)


# -- Art. 12 ------------------------------------------------------------------------------------
@unit_task(task_run_name="read-filings-{path.name}")
def read_filings(path: Path) -> pipeline.FilingsRead:
    return pipeline.read_filings(path)


@unit_task(task_run_name="check-calendar-changes")
def check_changes_calendar(
    reads: list[pipeline.FilingsRead], db_url: str | None, policy: str, overrides: Overrides
) -> str | None:
    return pipeline.changes_calendar_gap(registry(db_url), reads, policy=policy_of(policy, overrides))


@unit_task(task_run_name="check-change-filings-{as_of}")
def check_changes(
    reads: list[pipeline.FilingsRead],
    as_of: date,
    db_url: str | None,
    policy: str,
    overrides: Overrides = None,
) -> pipeline.ChangesOutcome:
    return pipeline.run_changes(
        registry(db_url), reads, as_of=as_of, policy=policy_of(policy, overrides), flow_run_id=flow_run_id()
    )


@unit_task(task_run_name="write-change-filings-report")
def write_changes(out: Path, outcome: pipeline.ChangesOutcome) -> Path:
    return pipeline.write_changes(out, outcome)


# -- Art. 15 ------------------------------------------------------------------------------------
@unit_task(task_run_name="read-findings-{path.name}")
def read_findings(path: Path) -> pipeline.TableRead:
    return pipeline.read_findings(path)


@unit_task(task_run_name="read-decisions-{path.name}")
def read_decisions(path: Path) -> pipeline.TableRead:
    return pipeline.read_decisions(path)


@unit_task(task_run_name="check-calendar-revocations")
def check_revocation_calendar(db_url: str | None, policy: str, overrides: Overrides) -> str | None:
    return pipeline.revocation_calendar_gap(registry(db_url), policy=policy_of(policy, overrides))


@unit_task(task_run_name="propose-revocations-{as_of}")
def propose_revocations(
    findings: list[pipeline.TableRead],
    as_of: date,
    db_url: str | None,
    policy: str,
    overrides: Overrides = None,
) -> pipeline.RevocationOutcome:
    return pipeline.propose(
        registry(db_url),
        findings,
        as_of=as_of,
        policy=policy_of(policy, overrides),
        flow_run_id=flow_run_id(),
    )


@unit_task(task_run_name="apply-revocation-decisions")
def apply_decisions(
    outcome: pipeline.RevocationOutcome,
    decisions: pd.DataFrame | None,
    decisions_file: str,
    actor: str,
    db_url: str | None,
) -> pipeline.RevocationOutcome:
    return pipeline.decide(
        registry(db_url),
        outcome,
        decisions,
        decisions_file=decisions_file,
        actor=actor,
        flow_run_id=flow_run_id(),
    )


@unit_task(task_run_name="write-revocation-report")
def write_revocations(out: Path, outcome: pipeline.RevocationOutcome) -> Path:
    return pipeline.write_revocations(out, outcome)


# -- Art. 14 ------------------------------------------------------------------------------------
@unit_task(task_run_name="evaluate-national-{as_of}")
def evaluate_national(
    as_of: date, db_url: str | None, policy: str, overrides: Overrides = None
) -> pipeline.NationalOutcome:
    return pipeline.run_national(
        registry(db_url), as_of=as_of, policy_national=policy_of(policy, overrides), flow_run_id=flow_run_id()
    )


@unit_task(task_run_name="write-national-report")
def write_national(out: Path, outcome: pipeline.NationalOutcome) -> Path:
    return pipeline.write_national(out, outcome)
