"""A located problem found in an input: the one record both validation layers and intake produce."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad an issue is: the code (validation_issues.csv) and the Chinese label people read."""

    label: str

    # The default is only for mypy: `Severity("error")` is a lookup by code (python/mypy#10573).
    def __new__(cls, value: str, label: str = "") -> Severity:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    ERROR = "error", "错误"  # the submission is invalid until it is fixed
    WARNING = "warning", "提示"  # a reviewer should look; the submission stays valid


@dataclass(frozen=True)
class Issue:
    """One row of validation_issues.csv (SPEC §5).

    `sheet` is the Chinese sheet name, `row` the Excel row number (header row = 1; for a key/value
    sheet the row of the field), `column` the Chinese column label; any of them is empty when the
    problem is not located there (a file that cannot be opened has only `file`).
    """

    submission_id: str
    file: str
    sheet: str
    row: int | None
    column: str
    check: str  # stable id, e.g. "schema.annual.total_output.non_negative" or "gx.uscc_check_digit"
    severity: Severity
    message: str  # Chinese: what is wrong and what to enter instead
    reference: str = ""  # SPEC / article reference, e.g. "SPEC §3.1"

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


ISSUE_COLUMNS = [f.name for f in fields(Issue)]


def sort_key(issue: Issue) -> tuple[str, str, str, int, str, str]:
    return (issue.submission_id, issue.file, issue.sheet, issue.row or 0, issue.column, issue.check)


def write_issues_csv(issues: Iterable[Issue], path: Path) -> Path:
    """Write issues as UTF-8 CSV with a BOM so that Excel opens the Chinese text correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=ISSUE_COLUMNS)
        writer.writeheader()
        for issue in sorted(issues, key=sort_key):
            row = asdict(issue)
            row["row"] = "" if issue.row is None else issue.row
            row["severity"] = str(issue.severity)
            writer.writerow(row)
    return path
