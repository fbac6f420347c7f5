"""The yearly campaign as plain stage functions (Art. 7–10), one per unit of work.

`flows/yearly_campaign.py` wraps each in a Prefect task (a task per file, per submission, per
prefecture); `bench/` calls the very same functions in a plain loop as the baseline. Writing the
output folder is in `clustercert.campaign.outputs`; recording in the registry happens here, one
transaction per stage.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clustercert.campaign import BatchDecisions, CampaignRules, certify, recommend, shortlist
from clustercert.campaign.certification import Certification
from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.campaign.province import ProvincialShortlist
from clustercert.campaign.transition import Transition
from clustercert.intake import Archive, discover_submissions, read_submission
from clustercert.policy import Policy, load_policy
from clustercert.reference import county
from clustercert.rules import Evaluation, evaluate
from clustercert.submission import Submission
from clustercert.validation import (
    QualityReport,
    StructureResult,
    ValidationResult,
    check_quality,
    check_structure,
)
from clustercert.validation import finalise as finalise_validation

if TYPE_CHECKING:  # imported lazily at run time: SQLAlchemy + Alembic
    from clustercert.registry import Registry

DECISION_COLUMNS = (
    "submission_id",
    "file",
    "cluster_name",
    "county_code",
    "prefecture_code",
    "valid",
    "eligible",
    "vetoed",
    "failed_criteria",
    "warnings",
    "score",
    "recommended",
    "province_rank",
    "shortlisted",
)
# Carried beside decisions.csv for the later stages (tie-breaks, the public notice); not in the CSV.
EXTRA_COLUMNS = (
    "latest_total_output",
    "leading_industry",
    "operator_name",
    "county_name",
    "application_type",
)


@dataclass(frozen=True)
class CampaignSetup:
    """What an operator chooses for one campaign (the flow's parameters)."""

    year: int
    inbox: Path
    out: Path
    as_of: date
    decisions_dir: Path | None = None
    db_url: str | None = None
    policy_name: str = "hlj-2023"
    overrides: dict[str, Any] = field(default_factory=dict)
    engine: str = "gx"  # expectations engine: "gx" (Great Expectations) or "pandas"
    approval_timeout_seconds: int = 72 * 3600  # interactive mode: how long a human step may wait
    # A task per file by default; at national scale (thousands of files) a task per few dozen keeps
    # the orchestration cost per file small.
    files_per_task: int = 1
    # Evaluating one cluster takes ~15 ms, less than a task's own bookkeeping: score in batches.
    evaluations_per_task: int = 25


@dataclass
class Campaign:
    """A campaign's resources, opened once: policy (with overrides), decision rules, archive."""

    setup: CampaignSetup
    policy: Policy
    rules: CampaignRules
    archive: Archive

    @classmethod
    def open(cls, setup: CampaignSetup) -> Campaign:
        policy = load_policy(setup.policy_name, on=setup.as_of, overrides=setup.overrides or None)
        setup.out.mkdir(parents=True, exist_ok=True)
        return cls(setup, policy, CampaignRules.from_policy(policy), Archive(setup.out / "archive"))

    @property
    def meta(self) -> dict[str, Any]:
        """What every report says about the campaign it belongs to."""
        described = self.policy.describe()
        return {
            "year": self.setup.year,
            "as_of": self.setup.as_of.isoformat(),
            "policy": self.setup.policy_name,
            "overrides": dict(self.policy.overrides),
            "policy_description": described,
            "model_note": "默认评分模型（由本次申报工作设定）",
        }


# --- units of work ------------------------------------------------------------------------------


def batches(items: Sequence[Any], size: int) -> list[list[Any]]:
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def batch_label(names: Sequence[str]) -> str:
    """A task run's name: the file or submission itself, or the first and last of a batch."""
    if len(names) == 1:
        return names[0]
    return f"{names[0]}…{names[-1]} ({len(names)})"


# --- collect ------------------------------------------------------------------------------------


def inbox_entries(inbox: Path) -> list[Path]:
    return discover_submissions(inbox)


def collect_file(path: Path, campaign: Campaign) -> Submission:
    """Archive the raw file(s) under their hash, then read them; never raises for bad input."""
    return read_submission(path, archive=campaign.archive, campaign_year=campaign.setup.year)


def current_submissions(subs: Sequence[Submission]) -> list[Submission]:
    """Drop exact duplicates (the same bytes twice in the inbox): one submission per hash."""
    seen: set[str] = set()
    unique = []
    for sub in subs:
        if sub.submission_id not in seen:
            seen.add(sub.submission_id)
            unique.append(sub)
    return unique


# --- validate -----------------------------------------------------------------------------------


def check_submission_structure(sub: Submission) -> StructureResult:
    return check_structure(sub)


def check_campaign_quality(structured: Sequence[StructureResult], campaign: Campaign) -> QualityReport:
    return check_quality(
        list(structured),
        engine=campaign.setup.engine,
        item_ids=campaign.policy.item_ids,
        campaign_year=campaign.setup.year,
    )


def finalise(sub: Submission, structure: StructureResult, quality: QualityReport) -> ValidationResult:
    return finalise_validation(sub, structure, quality)


# --- score --------------------------------------------------------------------------------------


def evaluate_submission(result: ValidationResult, campaign: Campaign) -> Evaluation | None:
    if not result.valid or result.data is None:
        return None
    return evaluate(result.data, campaign.policy, campaign.setup.as_of)


def decision_table(
    subs: Sequence[Submission], results: Sequence[ValidationResult], evaluations: dict[str, Evaluation]
) -> pd.DataFrame:
    """decisions.csv as far as validation and scoring reach, plus the columns later stages need."""
    rows = []
    for sub, result in zip(subs, results, strict=True):
        code = sub.profile_value("county_code") or ""
        place = county(code)
        ev = evaluations.get(sub.submission_id)
        rows.append(
            {
                "submission_id": sub.submission_id,
                "file": sub.file,
                "cluster_name": sub.profile_value("cluster_name") or "",
                "county_code": code,
                "prefecture_code": place.prefecture_code if place else "",
                "valid": result.valid,
                "eligible": ev.eligible if ev else None,
                "vetoed": ev.vetoed if ev else None,
                "failed_criteria": ";".join(ev.failed_criteria) if ev else "",
                "warnings": ";".join(ev.warnings) if ev else "",
                "score": float(ev.score.total) if ev else None,
                "recommended": None,
                "province_rank": None,
                "shortlisted": None,
                "latest_total_output": float(ev.latest_total_output)
                if ev and ev.latest_total_output
                else None,
                "leading_industry": sub.profile_value("leading_industry") or "",
                "operator_name": sub.profile_value("operator_name") or "",
                "county_name": place.county_name if place else (sub.profile_value("county_name") or ""),
                "application_type": sub.profile_value("application_type") or "",
            }
        )
    frame = pd.DataFrame(rows, columns=[*DECISION_COLUMNS, *EXTRA_COLUMNS])
    return frame.sort_values("submission_id", kind="mergesort").reset_index(drop=True)


# --- prefecture and province --------------------------------------------------------------------


def load_decisions(campaign: Campaign, known_ids: Sequence[str]) -> BatchDecisions:
    return BatchDecisions.load(campaign.setup.decisions_dir, known_ids=list(known_ids))


def prefectures_with_eligible(table: pd.DataFrame) -> list[str]:
    eligible = table[table["eligible"].fillna(False).astype(bool)]
    return sorted(code for code in eligible["prefecture_code"].unique() if code)


def recommend_prefecture(
    code: str, table: pd.DataFrame, decisions: BatchDecisions
) -> PrefectureRecommendation:
    return recommend(code, table, decisions)


def provincial_shortlist(
    recommendations: Sequence[PrefectureRecommendation], decisions: BatchDecisions, campaign: Campaign
) -> tuple[ProvincialShortlist, Certification]:
    frames = [r.recommended for r in recommendations if not r.recommended.empty]
    recommended = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    rules = campaign.rules
    listed = shortlist(
        recommended,
        decisions,
        quota=rules.quota,
        notice_working_days=rules.notice_working_days,
        as_of=campaign.setup.as_of,
        calendar=rules.calendar,
    )
    certification = certify(
        listed,
        campaign_year=campaign.setup.year,
        validity_years=rules.validity_years,
        calendar=rules.calendar,
    )
    return listed, certification


def final_decisions(
    table: pd.DataFrame,
    recommendations: Sequence[PrefectureRecommendation],
    listed: ProvincialShortlist | None,
) -> pd.DataFrame:
    """Fill recommended / province_rank / shortlisted from the stages' rows."""
    out = table.copy()
    out["recommended"] = out["recommended"].astype("object")
    out["shortlisted"] = out["shortlisted"].astype("object")
    out["province_rank"] = out["province_rank"].astype("object")
    index = {sid: i for i, sid in enumerate(out["submission_id"])}
    for rec in recommendations:
        for row in rec.rows.itertuples(index=False):
            value = row.recommended
            out.at[index[row.submission_id], "recommended"] = None if pd.isna(value) else bool(value)
    if listed is not None:
        for row in listed.rows.itertuples(index=False):
            i = index[row.submission_id]
            out.at[i, "province_rank"] = None if pd.isna(row.province_rank) else int(row.province_rank)
            out.at[i, "shortlisted"] = None if pd.isna(row.shortlisted) else bool(row.shortlisted)
    return out


# --- registry -----------------------------------------------------------------------------------


def open_registry(campaign: Campaign) -> Registry:
    from clustercert.registry import Registry

    return Registry.open(campaign.setup.db_url)


def record_collection(
    registry: Registry, campaign: Campaign, subs: Sequence[Submission], flow_run_id: str | None
) -> None:
    setup = campaign.setup
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        tx.upsert_campaign(
            setup.year,
            setup.as_of,
            setup.policy_name,
            overrides=json.loads(json.dumps(dict(campaign.policy.overrides), default=str)),
            flow_run_id=flow_run_id,
        )
        for sub in subs:
            tx.record_intake(sub, setup.year)


def record_validation(
    registry: Registry, results: Sequence[ValidationResult], flow_run_id: str | None
) -> None:
    from clustercert.registry import cluster_data_to_payload

    with registry.transaction(flow_run_id=flow_run_id) as tx:
        for result in results:
            tx.record_validation(
                result.submission_id,
                valid=result.valid,
                error_count=len(result.errors),
                warning_count=len(result.warnings),
                payload=cluster_data_to_payload(result.data) if result.data is not None else None,
            )


def record_evaluations(
    registry: Registry, campaign: Campaign, evaluations: dict[str, Evaluation], flow_run_id: str | None
) -> None:
    from clustercert.rules import criteria_rows

    with registry.transaction(flow_run_id=flow_run_id) as tx:
        for sid in sorted(evaluations):
            ev = evaluations[sid]
            tx.record_evaluation(
                sid,
                policy_name=campaign.setup.policy_name,
                as_of=campaign.setup.as_of,
                eligible=ev.eligible,
                vetoed=ev.vetoed,
                failed_criteria=ev.failed_criteria,
                warnings=ev.warnings,
                score=float(ev.score.total),
                score_contributions={
                    "model_note": ev.score.model_note,
                    "contributions": [
                        {
                            "aspect": c.aspect,
                            "indicator": c.indicator,
                            "value": None if c.value is None else str(c.value),
                            "weight": str(c.weight),
                            "points": str(c.points),
                        }
                        for c in ev.score.contributions
                    ],
                },
                criteria=criteria_rows(ev),
            )


def record_transitions(
    registry: Registry, transitions: Sequence[Transition], flow_run_id: str | None
) -> None:
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        for t in transitions:
            if str(t.to_status) == "certified":
                continue  # certificates are issued by record_certification
            tx.transition("submission", t.submission_id, str(t.to_status), reason=t.reason, article=t.article)


def record_certification(registry: Registry, certification: Certification, flow_run_id: str | None) -> None:
    from clustercert.registry import CertificationInput

    with registry.transaction(flow_run_id=flow_run_id) as tx:
        tx.certify(
            CertificationInput(
                certificate_id=row.certificate_id,
                submission_id=row.submission_id,
                certified_on=row.certified_on,
                valid_until=row.valid_until,
            )
            for row in certification.certified.itertuples(index=False)
        )


def record_finished(registry: Registry, campaign: Campaign, flow_run_id: str | None) -> None:
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        tx.finish_campaign(campaign.setup.year)
