"""Layer 2 of validation: run the expectations over all submissions at once, report per submission."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from clustercert.contract import NO, YES
from clustercert.issue import Issue, sort_key
from expectations.coverage import not_checked
from expectations.prepare import prepare
from expectations.spec import SUBMISSION_ID, Evaluation, ExpectationOutcome, ExpectationSpec, QualityReport
from expectations.suites import build_specs
from schemas.structure import StructureResult

ENGINES = {"gx": "expectations.engine_gx", "pandas": "expectations.engine_pandas"}


def check_quality(
    structured: Sequence[StructureResult],
    *,
    engine: str = "gx",
    item_ids: Sequence[str] | None = None,
    campaign_year: int | None = None,
) -> QualityReport:
    """Evaluate every expectation once over the stacked tables of `structured` with `engine`.

    `item_ids` are the qualitative item ids the policy knows (default: the default policy's).
    `campaign_year` is the campaign's year Y: every submission must declare it and report its
    Y-3..Y-1; without it each submission is held to the year it declares. Checks that could not run
    for a submission (what they read is missing) are reported as warnings (`coverage`).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {sorted(ENGINES)}")
    frames = prepare(structured, campaign_year)
    specs = build_specs(None if item_ids is None else tuple(item_ids))
    evaluations = importlib.import_module(ENGINES[engine]).evaluate(frames, specs)
    result = report(structured, frames, specs, evaluations, engine)
    for issue in not_checked(structured, specs, campaign_year):
        result.issues.setdefault(issue.submission_id, []).append(issue)
    for issues in result.issues.values():
        issues.sort(key=sort_key)
    return result


def report(
    structured: Sequence[StructureResult],
    frames: Mapping[str, pd.DataFrame],
    specs: Sequence[ExpectationSpec],
    evaluations: Mapping[str, Evaluation],
    engine: str,
) -> QualityReport:
    """Turn engine results into located issues (per submission) and one outcome per expectation."""
    files = {s.submission_id: s.file for s in structured}
    result = QualityReport(engine=engine, issues={s.submission_id: [] for s in structured})
    for spec in specs:
        found = evaluations[spec.id]
        rows = frames[spec.table].loc[list(found.unexpected_index)] if found.unexpected_index else None
        counts = {} if rows is None else rows[SUBMISSION_ID].value_counts().to_dict()
        result.outcomes.append(
            ExpectationOutcome(
                expectation_id=spec.id,
                table=spec.table,
                severity=spec.severity,
                reference=spec.reference,
                description=spec.description,
                engine=engine,
                success=found.success,
                element_count=found.element_count,
                unexpected_count=found.unexpected_count,
                unexpected_by_submission={str(k): int(v) for k, v in counts.items()},
            )
        )
        for record in [] if rows is None else rows.to_dict("records"):
            issue = _issue(spec, record, files.get(record[SUBMISSION_ID], ""))
            result.issues.setdefault(issue.submission_id, []).append(issue)
    for issues in result.issues.values():
        issues.sort(key=sort_key)
    return result


def _issue(spec: ExpectationSpec, record: Mapping[str, Any], file: str) -> Issue:
    row = record.get(spec.row_column) if spec.row_column else None
    if spec.column_field:
        column = _text(record.get(spec.column_field))
    else:
        column = spec.sheet.column(spec.column).label if spec.column else ""
    return Issue(
        submission_id=str(record[SUBMISSION_ID]),
        file=file,
        sheet=spec.sheet.label,
        row=None if row is None or pd.isna(row) else int(row),
        column=column,
        check=spec.id,
        severity=spec.severity,
        message=spec.message.format_map({key: _text(value) for key, value in record.items()}),
        reference=spec.reference,
    )


def _text(value: Any) -> str:
    """A value as a county reads it: 160000 not 160000.0, 是/否 not True/False, dates as YYYY-MM-DD."""
    if value is None or (not isinstance(value, (str, bool)) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
