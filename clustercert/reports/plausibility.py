"""Plausibility warnings beside the decisions they may have changed.

A validation warning (severity warning: "outputs look entered in 元", a tenfold jump, …) leaves a
submission valid, so the rules use the value as entered. When that value is one a criterion or the
score reads, every page that shows the decision marks it (⚠ with the messages), so nobody certifies a
cluster whose top score rests on outputs entered in the wrong unit without looking first.

A warning is matched to a criterion by the criterion's source (sheet, rows, columns: criteria.csv's
source_* columns) and to a decision by the policy's inputs (every cell a criterion or the score reads).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from clustercert.issue import ISSUE_COLUMNS, Issue, Severity
from clustercert.reports.labels import policy, readable_message
from clustercert.reports.render import fmt, split_ids
from clustercert.rules.criteria import policy_inputs

MARK = "⚠"
Warnings = Mapping[str, Sequence[Issue]]  # submission id → its validation warnings


def only_warnings(issues: Iterable[Issue]) -> dict[str, list[Issue]]:
    """Warnings located in a sheet and column, by submission id."""
    found: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.severity == Severity.WARNING and issue.sheet and issue.column:
            found[issue.submission_id].append(issue)
    return dict(found)


def read_issues_csv(path: Path) -> list[Issue]:
    """validation_issues.csv back as issues (the overview reads what the validate stage wrote)."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    issues = []
    for row in rows:
        if set(ISSUE_COLUMNS) - set(row):
            return []  # not our file
        try:
            severity = Severity(row["severity"])
        except ValueError:
            continue
        line = row["row"].strip()
        issues.append(
            Issue(
                row["submission_id"],
                row["file"],
                row["sheet"],
                int(line) if line.isdigit() else None,
                row["column"],
                row["check"],
                severity,
                row["message"],
                row["reference"],
            )
        )
    return issues


def warnings_of(out_dir: Path, given: Warnings | None) -> Warnings:
    """The warnings a writer was given, else those of the output folder's validation_issues.csv."""
    if given is not None:
        return given
    return only_warnings(read_issues_csv(Path(out_dir) / "validation_issues.csv"))


def matches(issue: Issue, sheet: str, rows: Sequence[int], columns: Sequence[str]) -> bool:
    """The warning is about a cell the source names: same sheet and column, and a row of it (when
    both say a row)."""
    if not sheet or issue.sheet != sheet or issue.column not in columns:
        return False
    return issue.row is None or not rows or issue.row in rows


def source_of(row: Mapping[str, Any]) -> tuple[str, list[int], list[str]]:
    """(sheet, rows, columns) of a criteria.csv row."""
    rows = [int(r) for r in split_ids(row.get("source_rows")) if r.isdigit()]
    return fmt(row.get("source_sheet")), rows, split_ids(row.get("source_columns"))


def for_criterion(row: Mapping[str, Any], warnings: Sequence[Issue]) -> list[Issue]:
    sheet, rows, columns = source_of(row)
    return [w for w in warnings if matches(w, sheet, rows, columns)]


@cache
def _inputs(policy_name: str | None) -> frozenset[tuple[str, str]]:
    return policy_inputs(policy(policy_name))


def on_decision(warnings: Sequence[Issue], policy_name: str | None = None) -> list[Issue]:
    """The warnings about a value a criterion or the score of the policy reads."""
    cells = _inputs(policy_name or None)
    return [w for w in warnings if (w.sheet, w.column) in cells]


def describe(warnings: Sequence[Issue]) -> str:
    """One line for a tooltip or a footnote: the checks' messages (each names its sheet and row)."""
    return "；".join(dict.fromkeys(readable_message(w.message) for w in warnings))


def decision_marks(
    rows: Iterable[Mapping[str, Any]], warnings: Warnings, policy_name: str | None = None
) -> dict[str, list[Issue]]:
    """Submission id → the warnings on values its decision rests on (only ids that have some)."""
    marks = {}
    for row in rows:
        sid = fmt(row.get("submission_id"))
        found = on_decision(list(warnings.get(sid, ())), policy_name)
        if found:
            marks[sid] = found
    return marks
