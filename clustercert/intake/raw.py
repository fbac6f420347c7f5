"""What each format reader hands to the sheet matcher: sheets as rows of raw cells, and problems.

A `Problem` is an `Issue` that does not yet know its submission id (that needs the profile, which is
read later); `to_issue` completes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clustercert.issue import Issue, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING
ACCEPTED = "请使用 .xlsx 工作簿、UTF-8 编码的 CSV 文件夹或 JSON 文件报送"


@dataclass
class RawSheet:
    """One sheet as found: its name in the file and its non-empty rows as (row number, cells)."""

    name: str
    rows: list[tuple[int, Sequence[Any]]] = field(default_factory=list)
    implicit_header: bool = False  # no rows means "no records", not "header missing" (JSON)
    failed: bool = False  # present but unreadable (already reported): neither a table nor "missing"


@dataclass(frozen=True)
class Problem:
    check: str
    message: str
    severity: Severity = ERROR
    sheet: str = ""
    row: int | None = None
    column: str = ""
    reference: str = "SPEC §3"

    def to_issue(self, submission_id: str, file: str) -> Issue:
        return Issue(
            submission_id=submission_id,
            file=file,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            check=self.check,
            severity=self.severity,
            message=self.message,
            reference=self.reference,
        )


class Uncomputed:
    """A formula cell saved without its result: the program that wrote the file did not calculate it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCOMPUTED"


UNCOMPUTED = Uncomputed()  # the one instance a reader puts where such a cell is


def is_blank(value: Any) -> bool:
    """An empty cell; a formula without its result is not empty (what it holds is unknown)."""
    return value is None or (isinstance(value, str) and not value.strip())
