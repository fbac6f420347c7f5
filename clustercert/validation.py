"""Validation of submissions: structure (Pandera) then data quality (GX), each once per campaign.

The stages call the three steps separately — `check_structures` over the campaign (each sheet's
model in one pass over every submission; `check_structure` for one), `check_quality` once over all of
them, `finalise` per submission — and `validate_submissions` runs them in one go for the CLI and
tests. A submission is valid when no step found an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from clustercert.issue import Issue, sort_key
from clustercert.submission import ROW, ClusterData, Submission
from expectations import QualityReport, check_quality
from schemas import StructureResult, check_structure, check_structures

__all__ = [
    "QualityReport",
    "StructureResult",
    "ValidationResult",
    "check_quality",
    "check_structure",
    "check_structures",
    "finalise",
    "valid_so_far",
    "validate_submissions",
]

SHEETS = ("annual", "enterprises", "designations", "incidents", "evidence", "plan_targets")


@dataclass
class ValidationResult:
    submission_id: str
    file: str
    sha256: str
    valid: bool
    issues: list[Issue] = field(default_factory=list)  # intake + structure + expectations, sorted
    data: ClusterData | None = None  # typed, when valid

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]


def finalise(sub: Submission, structure: StructureResult, quality: QualityReport) -> ValidationResult:
    """Gather one submission's issues from every layer; valid ⇔ none of them is an error."""
    issues = sorted([*sub.issues, *structure.issues, *quality.issues_for(sub.submission_id)], key=sort_key)
    data = _cluster_data(sub, structure)
    valid = data is not None and not any(issue.is_error for issue in issues)
    return ValidationResult(
        submission_id=sub.submission_id,
        file=sub.file,
        sha256=sub.sha256,
        valid=valid,
        issues=issues,
        data=data if valid else None,
    )


def valid_so_far(sub: Submission, structure: StructureResult) -> ClusterData | None:
    """The cluster's data when reading and structure found no error in it (the quality check may
    still find one), else None: `finalise` keeps the same data for a valid submission."""
    if any(issue.is_error for issue in (*sub.issues, *structure.issues)):
        return None
    return _cluster_data(sub, structure)


def validate_submissions(
    subs: Sequence[Submission],
    *,
    engine: str = "gx",
    item_ids: Sequence[str] | None = None,
    campaign_year: int | None = None,
) -> tuple[list[ValidationResult], QualityReport]:
    """Both layers over a batch, each once over all of them (Pandera per sheet, then the expectations).

    `campaign_year` (the campaign's Y) makes a workbook of another year invalid; without it each
    submission is held to the year it declares.
    """
    structured = check_structures(subs)
    quality = check_quality(structured, engine=engine, item_ids=item_ids, campaign_year=campaign_year)
    return [finalise(s, st, quality) for s, st in zip(subs, structured, strict=True)], quality


def _cluster_data(sub: Submission, structure: StructureResult) -> ClusterData | None:
    typed = structure.typed
    if typed is None or structure.profile is None or any(key not in typed for key in SHEETS):
        return None
    return ClusterData(
        submission_id=sub.submission_id,
        file=sub.file,
        sha256=sub.sha256,
        profile={**structure.profile, ROW: dict(structure.profile_rows)},  # field → row: sources
        **{key: typed[key] for key in SHEETS},
    )
