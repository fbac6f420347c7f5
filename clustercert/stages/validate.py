"""validate-submissions (第九条 受理、初审): every current submission, read back from the archive, checked
for structure (Pandera, per sheet) and data quality (the expectations, once over the campaign).

* read: the campaign's current submissions from the registry (one per cluster, superseded ones left
  out), each with the raw files it was received as.
* work units: `load(recorded, ctx)` reads a submission from the archive; `check_structure` per
  submission; `check_quality` once over all of them.
* decide: each submission's issues from every layer; valid ⇔ none is an error.
* record: valid/invalid with the counts and, when valid, the typed tables (the payload later stages
  and later years evaluate).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from clustercert.intake import read_submission
from clustercert.intake.raw import Problem
from clustercert.registry import Registry, cluster_data_to_payload
from clustercert.registry.core import encoded
from clustercert.stages.context import CampaignContext
from clustercert.submission import SourceFile, Submission
from clustercert.validation import (
    QualityReport,
    StructureResult,
    ValidationResult,
    check_quality,
    check_structures,
    finalise,
    valid_so_far,
)


@dataclass(frozen=True)
class Recorded:
    """A submission as the registry knows it: enough to read it back from the archive."""

    submission_id: str
    file: str
    sha256: str
    sources: tuple[SourceFile, ...]


def read(registry: Registry, year: int) -> list[Recorded]:
    """The campaign's current submissions (by id), with the files they were received as."""
    with registry.transaction() as tx:
        rows = tx.current_submissions(year, payload=False)
        return [
            Recorded(
                r.submission_id,
                r.file_name,
                r.sha256,
                tuple(SourceFile(**s) for s in (r.sources or [])),
            )
            for r in rows
        ]


def _plain_name(name: str) -> list[str] | None:
    """The parts of a received name ("a.xlsx" or "folder/sheet.csv"), refusing anything path-like."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or len(parts) > 2 or any(p in ("", ".", "..") or p.startswith("/") for p in parts):
        return None
    return list(parts)


def load(recorded: Recorded, ctx: CampaignContext) -> Submission:
    """Read a submission back from the archive, under the names it was sent with.

    The archive keeps each file under its hash; the reader wants the names (a CSV folder is read by
    its file names), so the files are linked under those names in a temporary folder. What cannot be
    found in the archive (a file too large to keep) becomes the same located error intake gave.
    """
    missing = [s.name for s in recorded.sources if not s.archived_path or not Path(s.archived_path).is_file()]
    names = [parts for s in recorded.sources if (parts := _plain_name(s.name)) is not None]
    if not recorded.sources or missing or len(names) < len(recorded.sources):
        problem = Problem(
            "intake.not_archived",
            f"原始文件未能归档（{'、'.join(missing) or recorded.file}：过大或无法读取），请重新报送",
        )
        return Submission(
            recorded.submission_id,
            recorded.file,
            recorded.sha256,
            list(recorded.sources),
            issues=[problem.to_issue(recorded.submission_id, recorded.file)],
        )
    with tempfile.TemporaryDirectory(prefix="clustercert-read-") as tmp:
        for source, parts in zip(recorded.sources, names, strict=True):
            link = Path(tmp, *parts)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(Path(source.archived_path).resolve(), link)
        top = Path(tmp, names[0][0])
        sub = read_submission(top, campaign_year=ctx.year)
    return dataclasses.replace(sub, sources=list(recorded.sources))


def structures(subs: Sequence[Submission]) -> list[StructureResult]:
    """Every sheet of every submission against its Pandera model: each model once over the stacked
    sheets of all of them (Pandera's cost is per call, not per row)."""
    return check_structures(list(subs))


def quality(structured: Sequence[StructureResult], ctx: CampaignContext) -> QualityReport:
    return check_quality(list(structured), engine=ctx.setup.engine, item_ids=ctx.policy.item_ids)


def decide(
    subs: Sequence[Submission], structured: Sequence[StructureResult], report: QualityReport
) -> list[ValidationResult]:
    return [finalise(s, st, report) for s, st in zip(subs, structured, strict=True)]


def payloads_ahead(subs: Sequence[Submission], structured: Sequence[StructureResult]) -> dict[str, Any]:
    """The registry payload of every submission still valid before the quality check (the flow works
    them out while the check runs in Great Expectations' own process); `record` takes the valid
    ones' from here instead of converting their tables again (and encoding them: `encoded`)."""
    ahead = {}
    for sub, structure in zip(subs, structured, strict=True):
        data = valid_so_far(sub, structure)
        if data is not None:
            ahead[sub.submission_id] = encoded(cluster_data_to_payload(data))
    return ahead


def record(
    registry: Registry,
    results: Sequence[ValidationResult],
    flow_run_id: str | None,
    payloads: Mapping[str, Any] | None = None,
) -> None:
    """Each result in one transaction; `payloads` (`payloads_ahead`) are the valid ones' payloads
    where they were worked out already."""
    ahead = payloads or {}
    with registry.recording(flow_run_id=flow_run_id) as tx:
        if results:
            tx.preload(tx.submission(results[0].submission_id).campaign_year)  # type: ignore[union-attr]
        for result in results:
            payload = None
            if result.data is not None:
                payload = ahead.get(result.submission_id) or cluster_data_to_payload(result.data)
            tx.record_validation(
                result.submission_id,
                valid=result.valid,
                error_count=len(result.errors),
                warning_count=len(result.warnings),
                payload=payload,
            )


def counts(results: Sequence[ValidationResult]) -> dict[str, Any]:
    return {
        "submissions": len(results),
        "valid": sum(r.valid for r in results),
        "invalid": sum(not r.valid for r in results),
        "errors": sum(len(r.errors) for r in results),
        "warnings": sum(len(r.warnings) for r in results),
    }
